package service

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tsunagu/adapters/linesim"
	redisadapter "tsunagu/adapters/redis"
	"tsunagu/config"
)

// bootSlowService is bootService with a LINE platform that takes apiDelay
// to answer every reply and push, as the real one takes tens of
// milliseconds: a backlog of sends then costs real time, as it would in
// production.
func bootSlowService(t *testing.T, apiDelay time.Duration) *service {
	t.Helper()
	rdb := newTestRedis(t)
	secret, token, admin := randomHex(16), randomHex(16), randomHex(16)
	sim := linesim.New(linesim.Options{ChannelSecret: secret, AccessToken: token})
	h := sim.APIHandler()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == linesim.EndpointReply || r.URL.Path == linesim.EndpointPush {
			time.Sleep(apiDelay) // the platform's latency, not a wait for a result
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(api.Close)
	env := map[string]string{
		"HTTP_ADDR":                 "127.0.0.1:0",
		"ADMIN_TOKEN":               admin,
		"LINE_CHANNEL_SECRET":       secret,
		"LINE_CHANNEL_ACCESS_TOKEN": token,
		"LINE_API_BASE_URL":         api.URL,
		"LOG_LEVEL":                 "warn",
		"QUIET_HOURS":               "",
	}
	rdb.setEnv(env)
	base := startCommand(t, "serve", env, io.Discard)
	sim.SetWebhookURL(base + "/line/webhook")
	return &service{base: base, admin: admin, sim: sim, rdb: rdb}
}

// TestOnePersonsFloodFailsNobodyAndSlowsNobody: one LINE user sends 300
// messages with 8 webhooks in flight at once, to a platform that takes 50ms
// per call. Every webhook is answered 200, every message gets its own
// answer, by reply (within the reply token's minute), and three people who
// write during the flood are answered at once, not after the flooder's
// backlog (which alone takes 15 s to send, one message after the other).
func TestOnePersonsFloodFailsNobodyAndSlowsNobody(t *testing.T) {
	const (
		messages = 300
		inFlight = 8
		apiDelay = 50 * time.Millisecond
		// prompt is how soon the others must be answered. Before the
		// outbox sent to several people at once, they waited for the
		// flooder's entries read before theirs: up to 32 sends, 1.6 s.
		prompt = time.Second
	)
	s := bootSlowService(t, apiDelay)
	flooder := s.newPerson(t, "洪水")
	flooder.follow("洪水")
	flooder.consent()
	const answer = "つなぐの使い方" // the help text, in every answer to 「ヘルプ」
	before := countContaining(s.sim.Messages(flooder.id), answer)

	var (
		next     atomic.Int64
		failures atomic.Int64
		firstErr atomic.Value
		wg       sync.WaitGroup
	)
	// The others write when a quarter, half and three quarters of the
	// flood were sent.
	marks := map[int64]chan struct{}{messages / 4: make(chan struct{}), messages / 2: make(chan struct{}), messages * 3 / 4: make(chan struct{})}
	for range inFlight {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := next.Add(1)
				if n > messages {
					return
				}
				if mark, ok := marks[n]; ok {
					close(mark)
				}
				if err := s.sim.Say(context.Background(), flooder.id, "ヘルプ"); err != nil {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, err)
				}
			}
		}()
	}
	for _, n := range []int64{messages / 4, messages / 2, messages * 3 / 4} {
		<-marks[n]
		other := s.newPerson(t, "静香")
		start := time.Now()
		msgs := other.follow("静香")
		waited := time.Since(start)
		if !offers(msgs, "consent:yes") {
			t.Errorf("a follow after %d of the flood was answered with %s", n, texts(msgs))
		}
		if waited > prompt {
			t.Errorf("someone who wrote after %d of the flood waited %v for the answer, want under %v", n, waited, prompt)
		}
		t.Logf("someone who wrote after %d of the flood was answered in %v", n, waited)
	}
	wg.Wait()
	if n := failures.Load(); n > 0 {
		t.Fatalf("%d of %d webhooks failed; first: %v", n, messages, firstErr.Load())
	}

	// Every message is answered, and by reply: the flooder's own answers
	// did not wait past their tokens either.
	deadline := time.Now().Add(60 * time.Second)
	for {
		got := s.sim.Messages(flooder.id)
		answered := countContaining(got, answer) - before
		if answered == messages {
			for _, m := range got {
				if strings.Contains(m.Text, answer) && m.Via != "reply" {
					t.Errorf("an answer came by %s, not by reply", m.Via)
					break
				}
			}
			break
		}
		if answered > messages || time.Now().After(deadline) {
			t.Fatalf("%d answers to %d messages", answered, messages)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, _ = s.sim.WaitMessages(ctx, flooder.id, len(got)+1)
		cancel()
	}
}

// TestReplicasShareOnePersonsFlood sends one person's 300 messages, 8 at a
// time, to three replicas sharing one Redis: the replicas' commits for that
// person collide, and every collision is resolved by waiting a moment and
// trying again, never by answering 500. Each message is committed once with
// its answer.
func TestReplicasShareOnePersonsFlood(t *testing.T) {
	const (
		secret   = "flood-secret"
		messages = 300
		inFlight = 8
	)
	apps := replicas(t, 3, secret)
	ctx := context.Background()
	user := "U" + randomHex(16)
	post(t, apps[0], lineEvent(t, secret, user+"-follow", user, "follow", ""))
	post(t, apps[1], lineEvent(t, secret, user+"-consent", user, "postback", "consent:yes"))
	queue := redisadapter.NewOutbox(apps[0].rdb)
	before, err := queue.Depth(ctx)
	if err != nil {
		t.Fatal(err)
	}

	var next, failed atomic.Int64
	var wg sync.WaitGroup
	for range inFlight {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := int(next.Add(1))
				if n > messages {
					return
				}
				w := httptest.NewRecorder()
				apps[n%len(apps)].mux.ServeHTTP(w, lineEvent(t, secret, fmt.Sprintf("%s-%03d", user, n), user, "message", "ヘルプ"))
				if w.Code != http.StatusOK {
					if failed.Add(1) == 1 {
						t.Errorf("webhook answered %d: %s", w.Code, w.Body)
					}
				}
			}
		}()
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		t.Fatalf("%d of %d webhooks failed", n, messages)
	}
	after, err := queue.Depth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := after - before; got != messages {
		t.Errorf("%d answers queued for %d messages", got, messages)
	}
}

func countContaining(msgs []linesim.Delivered, text string) int {
	n := 0
	for _, m := range msgs {
		if strings.Contains(m.Text, text) {
			n++
		}
	}
	return n
}

// TestOutboxConcurrencyReachesTheWorker: OUTBOX_CONCURRENCY, read into
// the configuration, sets the worker's sends in flight (zero leaves the
// worker's own default, DefaultConcurrency).
func TestOutboxConcurrencyReachesTheWorker(t *testing.T) {
	a, err := newApp(context.Background(), newTestRedis(t).setConfig(config.Config{
		AdminToken: "t", Location: tokyo(t), OutboxConcurrency: 3,
		LINEChannelSecret: "s", LINEChannelAccessToken: "token", LINEAPIBaseURL: "http://127.0.0.1:1",
	}), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.close() })
	if a.worker.Concurrency != 3 {
		t.Errorf("worker concurrency %d, want 3", a.worker.Concurrency)
	}
}
