package service

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	redisadapter "tsunagu/adapters/redis"
	"tsunagu/bot"
	"tsunagu/bot/avail"
	"tsunagu/config"
)

// simClock is the injected clock of a simulated year.
type simClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *simClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestAYearOfUseKeepsABoundedNumberOfKeys runs the service through a year on
// an injected clock, with RETENTION_DAYS=30: every day a task is offered,
// accepted and declined, reminders fall due; every week a session and a
// broadcast; every month someone leaves and someone joins. The daily sweeps
// must keep the number of keys flat once the retention is reached, and the
// figures of what was dropped must remain as counts.
func TestAYearOfUseKeepsABoundedNumberOfKeys(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a year")
	}
	const (
		retentionDays = 30
		days          = 365
		tasksPerDay   = 1
	)
	ctx := context.Background()
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	// LINE takes every message: what is sent is not this test's subject.
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v2/bot/message/quota":
			_, _ = w.Write([]byte(`{"type":"limited","value":1000000}`))
		case "/v2/bot/message/quota/consumption":
			_, _ = w.Write([]byte(`{"totalUsage":0}`))
		default:
			_, _ = w.Write([]byte(`{"sentMessages":[]}`))
		}
	}))
	t.Cleanup(api.Close)
	a, err := newApp(ctx, newTestRedis(t).setConfig(config.Config{AdminToken: "t", LINEChannelSecret: "s",
		LINEChannelAccessToken: "token", LINEAPIBaseURL: api.URL, Location: loc, Retention: retentionDays * 24 * time.Hour}),
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.close() })
	clock := &simClock{now: time.Date(2027, 4, 1, 8, 0, 0, 0, loc)}
	a.useClock(clock.Now)
	store := redisadapter.NewStore(a.rdb)

	week, _ := avail.Parse("いつでも")
	joined := 0
	join := func() string {
		joined++
		id := fmt.Sprintf("U%032x", joined)
		now := clock.Now()
		p := &bot.Profile{ID: "line:" + id, Name: fmt.Sprintf("会員%d", joined), Area: "setagaya", Skills: []string{"grading"},
			Availability: week, WeeklyLimit: 20, ConsentedAt: &now, Status: bot.StatusActive, CreatedAt: now, UpdatedAt: now}
		if err := store.CreateProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	var people []string
	for i := 0; i < 10; i++ {
		people = append(people, join())
	}
	events := 0
	handle := func(who string, kind bot.EventKind, text, data string) {
		t.Helper()
		events++
		in := bot.Inbound{ID: fmt.Sprintf("ev%d", events), Kind: kind, ProfileID: who, Text: text, Data: data, At: clock.Now()}
		if err := a.bot.Handle(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	drain := func() {
		t.Helper()
		for {
			n, err := a.worker.ProcessOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				return
			}
		}
	}
	keysAt := map[int]int{}
	created := 0
	for day := 0; day < days; day++ {
		if day%30 == 15 || day == 0 {
			if day > 0 {
				gone := people[0]
				handle(gone, bot.EventText, "退会", "")
				handle(gone, bot.EventPostback, "", "delete:yes")
				people = append(people[1:], join())
			}
			if err := a.index.Rebuild(ctx); err != nil {
				t.Fatal(err)
			}
		}
		start := time.Date(clock.Now().Year(), clock.Now().Month(), clock.Now().Day()+2, 9, 0, 0, 0, loc)
		for i := 0; i < tasksPerDay; i++ {
			task, err := a.tasks.CreateTask(ctx, &bot.Task{Title: "テストの採点", Skills: []string{"grading"}, Area: "setagaya",
				Start: start.Add(time.Duration(i) * 3 * time.Hour), End: start.Add(time.Duration(i)*3*time.Hour + 2*time.Hour), Headcount: 2})
			if err != nil {
				t.Fatal(err)
			}
			created++
			drain()
			v, err := a.tasks.FindTask(ctx, task.ID)
			if err != nil {
				t.Fatal(err)
			}
			for j, who := range v.Offered {
				op := "accept"
				if j >= 2 {
					op = "decline"
				}
				handle(who, bot.EventPostback, "", "offer:"+op+":"+task.ID)
			}
		}
		if day%7 == 0 {
			ses, err := a.sessions.CreateSession(ctx, &bot.Session{Title: "オンライン交流会", URL: "https://zoom.example/j/1",
				Start: start, End: start.Add(time.Hour), Reminders: []time.Duration{time.Hour}})
			if err != nil {
				t.Fatal(err)
			}
			drain()
			handle(people[day%len(people)], bot.EventPostback, "", "session:yes:"+ses.ID)
		}
		if day%7 == 3 {
			if _, err := a.broadcasts.CreateBroadcast(ctx, &bot.Broadcast{Text: "今週のお知らせです。", SendAt: clock.Now()}); err != nil {
				t.Fatal(err)
			}
			if _, err := a.broadcasts.RunBroadcasts(ctx); err != nil {
				t.Fatal(err)
			}
		}
		// The day goes by: sweeps twice, the daily ones at night.
		for h := 0; h < 2; h++ {
			clock.Add(12 * time.Hour)
			if _, err := a.tasks.RunOffers(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := a.tasks.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
			drain()
		}
		if _, err := a.talks.ExpireTalks(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := a.retention.Run(ctx, clock.Now()); err != nil {
			t.Fatal(err)
		}
		keysAt[day] = countKeys(t, a.rdb)
	}

	t.Logf("keys after day 60: %d, day 180: %d, day 365: %d (%d tasks created, %d events)",
		keysAt[59], keysAt[179], keysAt[days-1], created, events)
	// Steady state is reached once the first tasks outlive the retention:
	// from then on the count may wobble with the week, never climb.
	if limit := keysAt[59] + keysAt[59]/5; keysAt[days-1] > limit {
		t.Errorf("%d keys after a year, %d after 60 days: the store grows with time", keysAt[days-1], keysAt[59])
	}
	// Nothing dropped is lost from the figures: kept tasks plus counted
	// ones are all the tasks created.
	counts, err := a.retention.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	counted := 0
	for _, figures := range counts {
		counted += int(figures["tasks"])
	}
	kept, err := redisadapter.NewTasks(a.rdb).TaskIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	live := len(kept)
	if counted+live != created {
		t.Errorf("%d tasks counted and %d kept, want %d created", counted, live, created)
	}
	if live > (retentionDays+3)*tasksPerDay {
		t.Errorf("%d tasks kept, want those of the last %d days only", live, retentionDays)
	}
}

// countKeys is the number of keys in the service's database.
func countKeys(t *testing.T, c goredis.UniversalClient) int {
	t.Helper()
	n, err := c.DBSize(context.Background()).Result()
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}
