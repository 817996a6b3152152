package bot_test

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

	"tsunagu/adapters/broadcast"
	"tsunagu/adapters/line"
	redisadapter "tsunagu/adapters/redis"
	"tsunagu/bot"
)

// BenchmarkBroadcast sends one announcement to 100,000 (and 1,000,000)
// LINE users through a fake Messaging API that answers every multicast
// after 50 ms, through the service's broadcast runner at LINE's pace (200
// requests a second), progress recorded in Redis per batch. The floor is
// batches / 200 per second: 1 s for 100,000, 10 s for 1,000,000.
func BenchmarkBroadcast(b *testing.B) {
	for _, people := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprint(people), func(b *testing.B) { benchmarkBroadcast(b, people) })
	}
}

func benchmarkBroadcast(b *testing.B, people int) {
	var calls atomic.Int64
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(50 * time.Millisecond)
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{}"))
	}))
	defer api.Close()
	sender, err := line.NewSender(api.URL, "token", &http.Client{Timeout: 10 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	var c goredis.UniversalClient
	if u := os.Getenv("REDIS_URL"); u != "" {
		opt, err := goredis.ParseURL(u)
		if err != nil {
			b.Fatal(err)
		}
		opt.DB = 13
		c = goredis.NewClient(opt)
		c.FlushDB(context.Background())
	} else {
		c = goredis.NewClient(&goredis.Options{Addr: miniredis.RunT(b).Addr()})
	}
	defer c.Close()
	store := redisadapter.NewBroadcasts(c)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	runner := &broadcast.Runner{Store: store, Senders: map[string]broadcast.BatchSender{bot.PlatformLINE: sender},
		Logger: log, Now: time.Now}
	ids := make([]string, people)
	for i := range ids {
		ids[i] = fmt.Sprintf("line:U%032x", i)
	}
	n := 0
	bt := &bot.BroadcastService{
		Logger: log, Now: time.Now,
		NewID: func() string { n++; return fmt.Sprintf("bc%d", n) },
		Store: store, LINE: sender, Broadcaster: runner,
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		id := fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), i)
		if err := store.CreateBroadcast(ctx, &bot.Broadcast{ID: id, Text: "お知らせ"}, bot.Recipients{LINE: ids}, time.Now()); err != nil {
			b.Fatal(err)
		}
		calls.Store(0)
		b.StartTimer()
		if _, err := bt.RunBroadcasts(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		v, err := store.FindBroadcast(ctx, id)
		if err != nil || v.Status != bot.BroadcastDone || v.Sent != people || calls.Load() != int64(people/bot.MulticastSize) {
			b.Fatalf("broadcast %+v, %d calls, err %v", v, calls.Load(), err)
		}
		b.StartTimer()
	}
}
