package service

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	redisadapter "tsunagu/adapters/redis"
	"tsunagu/bot"
	"tsunagu/bot/avail"
	"tsunagu/config"
)

// BenchmarkReminders10k puts 10,000 attendees' reminders due in the same
// minute and measures, on one instance, from the sweep that finds them due
// to the last reminder accepted by a (fast) fake LINE API: claiming, the
// worker handing each to the bot, the bot committing and queueing the
// message, and the push. The bar is 60 s.
func BenchmarkReminders10k(b *testing.B) {
	const people = 10000
	url := os.Getenv("REDIS_URL")
	if url == "" {
		url = "redis://" + miniredis.RunT(b).Addr()
	} else {
		opt, err := goredis.ParseURL(url)
		if err != nil {
			b.Fatal(err)
		}
		c := goredis.NewClient(&goredis.Options{Addr: opt.Addr, DB: 12})
		c.FlushDB(context.Background())
		c.Close()
		url = "redis://" + opt.Addr + "/12"
	}
	var pushes atomic.Int64
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/bot/message/push" {
			pushes.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"sentMessages":[]}`))
	}))
	defer api.Close()
	loc, _ := time.LoadLocation("Asia/Tokyo")
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		a, err := newApp(ctx, config.Config{RedisURL: url, AdminToken: "t", LINEChannelSecret: "s",
			LINEChannelAccessToken: "token", LINEAPIBaseURL: api.URL, Location: loc},
			slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			b.Fatal(err)
		}
		// The reminder falls due 90 s after the session is created: the
		// clock is moved there rather than waited for.
		now := time.Now()
		clock := &simClock{now: now}
		a.useClock(clock.Now)
		store := redisadapter.NewStore(a.rdb)
		week, _ := avail.Parse("いつでも")
		for j := 0; j < people; j++ {
			p := &bot.Profile{ID: fmt.Sprintf("line:U%d%031d", i, j), Name: "会員", Area: "setagaya", Skills: []string{"grading"},
				Availability: week, WeeklyLimit: 1, ConsentedAt: &now, Status: bot.StatusActive, CreatedAt: now, UpdatedAt: now}
			if err := store.CreateProfile(ctx, p); err != nil {
				b.Fatal(err)
			}
		}
		// Everyone is invited and answers 「参加します」, as in the chat;
		// the reminder falls due 90 s after the session is created.
		ses, err := a.sessions.CreateSession(ctx, &bot.Session{Title: "オンライン交流会", URL: "https://zoom.example/j/1",
			Start: now.Add(time.Hour), End: now.Add(2 * time.Hour), Reminders: []time.Duration{time.Hour - 90*time.Second}})
		if err != nil {
			b.Fatal(err)
		}
		drain(b, a)
		for j := 0; j < people; j++ {
			in := bot.Inbound{ID: fmt.Sprintf("rsvp-%d-%d", i, j), Kind: bot.EventText, ProfileID: fmt.Sprintf("line:U%d%031d", i, j), Text: "参加します"}
			if err := a.bot.Handle(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
		drain(b, a)
		if v, err := a.sessions.FindSession(ctx, ses.ID); err != nil || len(v.Attendees) != people {
			b.Fatalf("attendees %d, %v", len(v.Attendees), err)
		}
		clock.Add(92 * time.Second)
		wctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); _ = a.worker.Run(wctx) }()
		pushes.Store(0)
		b.StartTimer()
		start := time.Now()
		for {
			if _, err := a.tasks.RunDue(ctx); err != nil {
				b.Fatal(err)
			}
			if pushes.Load() >= people {
				break
			}
			time.Sleep(10 * time.Millisecond)
			if time.Since(start) > 5*time.Minute {
				b.Fatalf("after 5 minutes: %d pushes of %d", pushes.Load(), people)
			}
		}
		b.StopTimer()
		b.ReportMetric(time.Since(start).Seconds(), "s/10k-reminders")
		stop()
		<-done
		a.close()
	}
}

// drain lets the outbox worker send everything queued.
func drain(b *testing.B, a *app) {
	for {
		n, err := a.worker.ProcessOnce(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}
