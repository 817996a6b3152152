package service

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	redisadapter "tsunagu/adapters/redis"
	"tsunagu/bot"
	"tsunagu/bot/avail"
	"tsunagu/config"
)

// replicas boots n service instances sharing one Redis, without outbox
// workers, so a test can drive their webhooks directly.
func replicas(t *testing.T, n int, secret string) []*app {
	t.Helper()
	rdb := newTestRedis(t)
	var apps []*app
	for range n {
		a, err := newApp(context.Background(), rdb.setConfig(config.Config{
			AdminToken:             "t",
			LINEChannelSecret:      secret,
			LINEChannelAccessToken: "token",
			LINEAPIBaseURL:         "http://127.0.0.1:1",
			Location:               tokyo(t),
		}), slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.close() })
		apps = append(apps, a)
	}
	return apps
}

// lineEvent is one signed LINE webhook request with one event.
func lineEvent(t *testing.T, secret, eventID, userID, kind, payload string) *http.Request {
	t.Helper()
	ev := map[string]any{
		"type": kind, "mode": "active", "timestamp": time.Now().UnixMilli(),
		"source":          map[string]string{"type": "user", "userId": userID},
		"webhookEventId":  eventID,
		"deliveryContext": map[string]bool{"isRedelivery": false},
		"replyToken":      "rt-" + eventID,
	}
	switch kind {
	case "message":
		ev["message"] = map[string]string{"id": eventID, "type": "text", "quoteToken": "q", "text": payload}
	case "postback":
		ev["postback"] = map[string]string{"data": payload}
	}
	body, err := json.Marshal(map[string]any{"destination": "Ubot", "events": []any{ev}})
	if err != nil {
		t.Fatal(err)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	req := httptest.NewRequest(http.MethodPost, "/line/webhook", strings.NewReader(string(body)))
	req.Header.Set("X-Line-Signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	return req
}

func post(t *testing.T, a *app, req *http.Request) {
	w := httptest.NewRecorder()
	a.mux.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		t.Errorf("webhook answered %d: %s", w.Code, w.Body)
	}
}

// TestReplicasDoNotLoseOnePersonsAnswers sends one person's answers to three
// replicas at once: every answer lands (no lost update), and one event
// delivered to all three at once takes effect once.
func TestReplicasDoNotLoseOnePersonsAnswers(t *testing.T) {
	const secret = "replica-secret"
	apps := replicas(t, 3, secret)
	user := "U" + randomHex(16)
	id := "line:" + user
	seq := 0
	next := func() string { seq++; return fmt.Sprintf("%s-%03d", user, seq) }
	post(t, apps[0], lineEvent(t, secret, next(), user, "follow", ""))
	post(t, apps[1], lineEvent(t, secret, next(), user, "postback", "consent:yes"))
	post(t, apps[2], lineEvent(t, secret, next(), user, "message", "佐藤"))
	post(t, apps[0], lineEvent(t, secret, next(), user, "message", "世田谷"))

	cat, err := loadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	want := cat.Skills()[:10]
	var wg sync.WaitGroup
	for i, s := range want {
		req := lineEvent(t, secret, next(), user, "message", s.LabelJA)
		wg.Add(1)
		go func() {
			defer wg.Done()
			post(t, apps[i%3], req)
		}()
	}
	wg.Wait()

	store := redisadapter.NewStore(apps[0].rdb)
	snap, err := store.Load(context.Background(), id, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(snap.Profile.Skills); got != len(want) {
		t.Fatalf("skills after concurrent answers = %v, want all %d", snap.Profile.Skills, len(want))
	}

	// The same event delivered to every replica at once counts once.
	before := snap.Version
	dup := next()
	for _, a := range apps {
		req := lineEvent(t, secret, dup, user, "postback", "skill:done")
		wg.Add(1)
		go func() {
			defer wg.Done()
			post(t, a, req)
		}()
	}
	wg.Wait()
	snap, err = store.Load(context.Background(), id, dup)
	if err != nil {
		t.Fatal(err)
	}
	if !snap.Seen || snap.Version != before+1 || snap.Conv.Step != bot.StepAvailability {
		t.Fatalf("duplicate delivery: seen %v version %d (want %d) step %q", snap.Seen, snap.Version, before+1, snap.Conv.Step)
	}
}

// TestTwoHundredAcceptsForThreePlaces offers one task to 200 people and has
// them all tap 「引き受ける」 at once, spread over three replicas sharing one
// Redis: exactly three are accepted, the 197 others are told they are on
// the waitlist, and nobody is told twice.
func TestTwoHundredAcceptsForThreePlaces(t *testing.T) {
	const secret = "race-secret"
	const people = 200
	apps := replicas(t, 3, secret)
	ctx := context.Background()
	store := redisadapter.NewStore(apps[0].rdb)
	week, err := avail.Parse("いつでも")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	users := make([]string, people)
	for i := range users {
		users[i] = fmt.Sprintf("U%032d", i)
		p := &bot.Profile{ID: "line:" + users[i], Name: fmt.Sprintf("参加者%d", i), Area: "setagaya",
			Skills: []string{"grading"}, Availability: week, WeeklyLimit: 5, ConsentedAt: &now,
			Status: bot.StatusActive, CreatedAt: now, UpdatedAt: now}
		if err := store.CreateProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	a := apps[0]
	if err := a.index.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	a.tasks.WaveFactor = people // one wave reaches everyone
	day := now.In(tokyo(t)).AddDate(0, 0, 3)
	start := time.Date(day.Year(), day.Month(), day.Day(), 10, 0, 0, 0, tokyo(t))
	task, err := a.tasks.CreateTask(ctx, &bot.Task{Title: "採点", Skills: []string{"grading"}, Area: "setagaya",
		Start: start, End: start.Add(2 * time.Hour), Headcount: 3})
	if err != nil {
		t.Fatal(err)
	}
	// Hand the offers to the people's conversations, as the outbox worker
	// does; the cards themselves cannot be sent (there is no LINE here)
	// and wait for a retry.
	for {
		n, err := a.worker.ProcessOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	v, err := a.tasks.FindTask(ctx, task.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Offered) != people {
		t.Fatalf("offered %d people, want %d", len(v.Offered), people)
	}
	before := outboxTexts(t, a)

	var wg sync.WaitGroup
	for i, u := range users {
		req := lineEvent(t, secret, fmt.Sprintf("accept-%03d", i), u, "postback", "offer:accept:"+task.ID)
		wg.Add(1)
		go func() {
			defer wg.Done()
			post(t, apps[i%3], req)
		}()
	}
	wg.Wait()

	v, err = a.tasks.FindTask(ctx, task.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Accepted) != 3 || len(v.Waitlist) != people-3 || v.Status != bot.TaskFilled {
		t.Fatalf("accepted %d, waitlisted %d, status %s; want 3, %d, filled", len(v.Accepted), len(v.Waitlist), v.Status, people-3)
	}
	told := map[string][]string{}
	for to, texts := range outboxTexts(t, a) {
		told[to] = texts[len(before[to]):]
	}
	accepted, waitlisted := 0, 0
	for _, u := range users {
		got := told["line:"+u]
		if len(got) != 1 {
			t.Fatalf("%s was told %d things: %q", u, len(got), got)
		}
		switch {
		case strings.Contains(got[0], "お引き受けありがとうございます"):
			accepted++
		case strings.Contains(got[0], "キャンセル待ち"):
			waitlisted++
		default:
			t.Fatalf("%s was told %q", u, got[0])
		}
	}
	if accepted != 3 || waitlisted != people-3 {
		t.Fatalf("told accepted %d, waitlisted %d", accepted, waitlisted)
	}
	if n := len(told[bot.CoordinatorID]); n != 1 {
		t.Fatalf("coordinators told %d times that the task filled: %q", n, told[bot.CoordinatorID])
	}
}

// outboxTexts reads every outbox stream and returns, per recipient, the
// text of each entry in order (a card's title and body count as its text).
func outboxTexts(t *testing.T, a *app) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	waiting, err := redisadapter.NewOutbox(a.rdb).Waiting(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range waiting {
		if o.Kind != bot.OutMessages {
			continue
		}
		var b strings.Builder
		for _, msg := range o.Messages {
			b.WriteString(msg.Text)
			if msg.Card != nil {
				b.WriteString(msg.Card.Title + msg.Card.Body)
			}
		}
		out[o.To] = append(out[o.To], b.String())
	}
	return out
}

func tokyo(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestMatchIndexFollowsOtherReplicas registers a person through one replica
// and finds them in another replica's matching index, then sees them leave
// it when they pause: changes are published and applied, never scanned.
func TestMatchIndexFollowsOtherReplicas(t *testing.T) {
	const secret = "feed-secret"
	apps := replicas(t, 2, secret)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		apps[1].index.Run(ctx, time.Hour)
	}()
	t.Cleanup(func() { cancel(); <-done })

	// The feed is subscribed once the first rebuild happened; wait for it.
	waitUntil(t, "the feed's subscription", func() bool { return subscribed(t, apps[1]) })

	user := "U" + randomHex(16)
	seq := 0
	next := func() string { seq++; return fmt.Sprintf("%s-%03d", user, seq) }
	for _, ev := range [][2]string{
		{"follow", ""}, {"postback", "consent:yes"}, {"message", "佐藤"}, {"message", "世田谷"},
		{"message", "採点"}, {"postback", "skill:done"}, {"message", "平日 9時〜18時"}, {"message", "2件"}, {"postback", "confirm:yes"},
	} {
		post(t, apps[0], lineEvent(t, secret, next(), user, ev[0], ev[1]))
	}
	loc := tokyo(t)
	day := time.Now().In(loc).AddDate(0, 0, 3)
	for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
		day = day.AddDate(0, 0, 1)
	}
	start := time.Date(day.Year(), day.Month(), day.Day(), 10, 0, 0, 0, loc)
	task := &bot.Task{ID: "t1", Skills: []string{"grading"}, Area: "setagaya", Start: start, End: start.Add(time.Hour)}
	found := func() bool { return len(apps[1].index.Candidates(task, nil, 10)) == 1 }
	waitUntil(t, "the registered person in the other replica's index", found)

	post(t, apps[0], lineEvent(t, secret, next(), user, "message", "休止"))
	waitUntil(t, "the paused person gone from the other replica's index", func() bool { return !found() })
}

// subscribed reports whether some client listens to the profile feed.
func subscribed(t *testing.T, a *app) bool {
	n, err := a.rdb.PubSubNumSub(context.Background(), redisadapter.ProfilesChannel).Result()
	if err != nil {
		t.Fatal(err)
	}
	return n[redisadapter.ProfilesChannel] > 0
}

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
