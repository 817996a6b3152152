package service

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"tsunagu/adapters/internal/measure"
)

// BenchmarkWebhookVsEcho is issue 14's comparison in one run: the same
// load of signed one-event LINE webhooks (20,000, 64 in flight over
// keep-alive connections, from 5,000 people) against line-bot-sdk-go's
// echo bot (ParseRequest and a synchronous reply) as its example writes it,
// the same echo bot with a pooled HTTP client, then the whole service
// booted through `serve` (its outbox worker sending the replies to a fake
// Messaging API). All reply to a fake API of the same kind.
//
// The service's figure counts an event handled when its webhook got its
// 200, which the service gives once the reply is durable in the outbox;
// "drained" is when the last reply reached the fake API, so the worker's
// share of the machine is inside the measured time too. ratio is the
// service's events/s over the echo bot's. Each run also reports the CPU
// time it took per event (and for the service on a real server, Redis's
// CPU time and reads per event): on this shared machine throughput swings
// by a quarter between runs, and CPU time tells where the difference
// lies. Run it with -benchtime=1x and -count for benchstat; REDIS_URL
// names the Redis (embedded otherwise). TSUNAGU_LOAD_EVENTS overrides the
// number of events.
//
// A fourth run ("held") drives the service while the fake API holds every
// reply until the last webhook was answered, as a stalled platform would:
// the outbox worker then waits instead of sending, and held-ratio is what
// the webhook path alone achieves against the echo bot, which pays for
// its reply inside its request. The gap between held-ratio and ratio is
// the worker's share of the machine while it sends the same burst's
// replies. The worker yields to a burst of webhooks (outbox.Worker.room):
// sent-in-burst-% is how many replies it had sent when the last webhook
// was answered, and drained-events/s tells what a load that never ends
// would get.
func BenchmarkWebhookVsEcho(b *testing.B) {
	events := 20000
	if v, err := strconv.Atoi(os.Getenv("TSUNAGU_LOAD_EVENTS")); err == nil && v > 0 {
		events = v
	}
	const inFlight, people = 64, 5000
	// TSUNAGU_LOAD_ONLY=echo, pooled, service or held runs that one
	// alone, as when profiling it.
	only := os.Getenv("TSUNAGU_LOAD_ONLY")
	run := func(name string) bool { return only == "" || only == name }
	pooledClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: inFlight}}
	for range b.N {
		var echo, pooled, svc, held loadRun
		if run("echo") {
			echo = runEcho(b, events, inFlight, people, nil)
			b.ReportMetric(echo.rate(), "echo-events/s")
			b.ReportMetric(float64(echo.quantile(0.5).Microseconds())/1000, "echo-p50-ms")
			b.ReportMetric(float64(echo.quantile(0.99).Microseconds())/1000, "echo-p99-ms")
			reportCPU(b, "echo-", echo, events)
		}
		if run("pooled") {
			pooled = runEcho(b, events, inFlight, people, pooledClient)
			b.ReportMetric(pooled.rate(), "pooled-echo-events/s")
			reportCPU(b, "pooled-echo-", pooled, events)
		}
		if run("service") {
			var drained time.Duration
			svc, drained = runService(b, events, inFlight, people, false)
			b.ReportMetric(svc.rate(), "events/s")
			b.ReportMetric(float64(events)/drained.Seconds(), "drained-events/s")
			b.ReportMetric(100*float64(svc.sentInBurst)/float64(events), "sent-in-burst-%")
			b.ReportMetric(float64(svc.quantile(0.5).Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(svc.quantile(0.99).Microseconds())/1000, "p99-ms")
			reportCPU(b, "", svc, events)
		}
		if run("held") {
			held, _ = runService(b, events, inFlight, people, true)
			b.ReportMetric(held.rate(), "held-events/s")
		}
		if only == "" {
			b.ReportMetric(svc.rate()/echo.rate(), "ratio")
			b.ReportMetric(svc.rate()/pooled.rate(), "pooled-ratio")
			b.ReportMetric(held.rate()/echo.rate(), "held-ratio")
		}
	}
}

// reportCPU reports the CPU time a run took per event: this process's (the
// load and the fake API included, as in every run) and, for the service
// on a real server, Redis's. CPU time moves less than the clock on a
// shared machine, and it tells what each event costs whatever else ran.
func reportCPU(b *testing.B, prefix string, r loadRun, events int) {
	b.ReportMetric(float64(r.cpu.Microseconds())/float64(events), prefix+"cpu-µs/event")
	if r.redisCPU > 0 {
		b.ReportMetric(float64(r.redisCPU.Microseconds())/float64(events), prefix+"redis-cpu-µs/event")
		b.ReportMetric(r.redisReads/float64(events), prefix+"redis-reads/event")
	}
}

// loadRun is what one load run measured.
type loadRun struct {
	took      time.Duration
	latencies []time.Duration
	// cpu is this process's CPU time, redisCPU the Redis server's (0 when
	// it does not say): for the service, until its last reply was sent.
	cpu, redisCPU time.Duration
	// sentInBurst is how many replies the service had sent when the last
	// webhook was answered.
	sentInBurst int64
	// redisReads is how many times the server read from its clients:
	// about one per round trip, each costing a system call on both ends.
	redisReads float64
}

func (r loadRun) rate() float64 { return float64(len(r.latencies)) / r.took.Seconds() }

func (r loadRun) quantile(q float64) time.Duration {
	s := slices.Clone(r.latencies)
	slices.Sort(s)
	return s[int(q*float64(len(s)-1))]
}

// fakeMessagingAPI answers every call with {} and counts replies and
// pushes. A call waits until hold is closed (never, when it is nil).
func fakeMessagingAPI(b *testing.B, hold <-chan struct{}) (url string, sent *atomic.Int64) {
	sent = new(atomic.Int64)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if hold != nil {
			select {
			case <-hold:
			case <-r.Context().Done():
				return
			}
		}
		if strings.HasSuffix(r.URL.Path, "/message/reply") || strings.HasSuffix(r.URL.Path, "/message/push") {
			sent.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{}"))
	}))
	b.Cleanup(api.Close)
	return api.URL, sent
}

// drive posts events signed webhooks to url from inFlight goroutines and
// returns how long they took and each one's latency. Every webhook must be
// answered 200.
func drive(b *testing.B, url, secret string, events, inFlight, people int) loadRun {
	b.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: inFlight}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	lat := make([]time.Duration, events)
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for range inFlight {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := int(next.Add(1)) - 1
				if n >= events || failed.Load() != nil {
					return
				}
				body, sig := benchWebhook(secret, webhookEvent{at: time.Now(), user: fmt.Sprintf("U%032x", n%people),
					id: fmt.Sprintf("01L%s%010d", run, n), replyToken: fmt.Sprintf("rt%s%d", run, n)})
				req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Line-Signature", sig)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					failed.Store(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat[n] = time.Since(t0)
				if resp.StatusCode != http.StatusOK {
					failed.Store(fmt.Errorf("webhook %d answered %d", n, resp.StatusCode))
					return
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	if err := failed.Load(); err != nil {
		b.Fatal(err)
	}
	return loadRun{took: took, latencies: lat}
}

// runEcho drives the SDK's echo bot, replying to a fake API through hc:
// nil is the example's own http.DefaultClient, whose two idle connections
// per host make most of 64 replies in flight open a connection.
func runEcho(b *testing.B, events, inFlight, people int, hc *http.Client) loadRun {
	const secret = "echo-secret"
	apiURL, sent := fakeMessagingAPI(b, nil)
	opts := []messaging_api.MessagingApiAPIOption{messaging_api.WithEndpoint(apiURL)}
	if hc != nil {
		opts = append(opts, messaging_api.WithHTTPClient(hc))
	}
	bot, err := messaging_api.NewMessagingApiAPI("token", opts...)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(echoHandler(secret, bot))
	defer srv.Close()
	cpu0 := measure.ProcessCPU()
	r := drive(b, srv.URL, secret, events, inFlight, people)
	r.cpu = measure.ProcessCPU() - cpu0
	if got := sent.Load(); got != int64(events) {
		b.Fatalf("the echo bot replied %d times to %d events", got, events)
	}
	return r
}

// runService boots the service on the benchmark's Redis and drives it; it
// returns the webhook figures and how long until the last reply reached the
// fake API. With hold, the fake API answers no call until the last
// webhook was answered.
func runService(b *testing.B, events, inFlight, people int, hold bool) (loadRun, time.Duration) {
	const secret = "load-secret"
	var gate chan struct{}
	if hold {
		gate = make(chan struct{})
	}
	apiURL, sent := fakeMessagingAPI(b, gate)
	env := map[string]string{
		"HTTP_ADDR":                 "127.0.0.1:0",
		"ADMIN_TOKEN":               "load-admin",
		"LINE_CHANNEL_SECRET":       secret,
		"LINE_CHANNEL_ACCESS_TOKEN": "token",
		"LINE_API_BASE_URL":         apiURL,
		"QUIET_HOURS":               "",
	}
	rdb := newTestRedis(b)
	rdb.setEnv(env)
	// The log is at the default level, as in production, and discarded.
	// It stops before the next run, whose service would share its work.
	base, stop := startCommandStoppable(b, "serve", env, io.Discard, io.Discard, nil)
	defer stop()
	redisCost := redisCoster(b, rdb)
	redis0, reads0, _ := redisCost()
	cpu0 := measure.ProcessCPU()
	start := time.Now()
	r := drive(b, base+"/line/webhook", secret, events, inFlight, people)
	r.sentInBurst = sent.Load()
	if gate != nil {
		close(gate)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for sent.Load() < int64(events) {
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d replies sent after 2 minutes", sent.Load(), events)
		}
		time.Sleep(time.Millisecond)
	}
	drained := time.Since(start)
	r.cpu = measure.ProcessCPU() - cpu0
	if redis1, reads1, ok := redisCost(); ok {
		r.redisCPU, r.redisReads = redis1-redis0, reads1-reads0
	}
	return r, drained
}

// redisCoster returns what reads the server's CPU time and its reads from
// clients so far; ok is false on the embedded Redis, which does not say,
// and on a Cluster, whose nodes each count their own.
func redisCoster(b *testing.B, rdb testRedis) func() (cpu time.Duration, reads float64, ok bool) {
	if len(rdb.cluster) > 0 {
		return func() (time.Duration, float64, bool) { return 0, 0, false }
	}
	c := rdb.client(b)
	return func() (time.Duration, float64, bool) {
		ctx := context.Background()
		cpu, ok, err := measure.RedisCPU(ctx, c)
		if err != nil {
			b.Fatal(err)
		}
		reads, _, err := measure.RedisInfo(ctx, c, "stats", "total_reads_processed")
		if err != nil {
			b.Fatal(err)
		}
		return cpu, reads, ok
	}
}
