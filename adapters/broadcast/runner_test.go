package broadcast_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	"tsunagu/adapters/broadcast"
	redisadapter "tsunagu/adapters/redis"
	"tsunagu/bot"
)

var _ broadcast.Store = (*redisadapter.Broadcasts)(nil)

// scripted is a keyed sender that answers with errs, in order, then
// success, and records the key and attempt of every call.
type scripted struct {
	mu       sync.Mutex
	errs     []error
	keys     []string
	attempts []int
}

func (s *scripted) Limits() broadcast.Limits {
	return broadcast.Limits{Batch: bot.MulticastSize, PerSecond: 1000, InFlight: 4}
}

func (s *scripted) SendBatch(_ context.Context, _ []string, _, key string, attempt int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = append(s.keys, key)
	s.attempts = append(s.attempts, attempt)
	if len(s.errs) > 0 {
		err := s.errs[0]
		s.errs = s.errs[1:]
		return err
	}
	return nil
}

// TestRunnerRetriesABatchWithTheOutboxPolicyAndOneKey: a batch that fails
// for a passing reason is tried again after the runner's backoff (the
// outbox's policy unless set) with the same key, also by the next run
// when this one gives up; a refusal fails the batch at once.
func TestRunnerRetriesABatchWithTheOutboxPolicyAndOneKey(t *testing.T) {
	tests := []struct {
		name     string
		errs     []error
		runs     int
		attempts []int
		backoffs []int
		sent     int
		failed   int
	}{
		{"503 passes", []error{&bot.SendError{Status: 503}}, 1, []int{0, 1}, []int{0}, 3, 0},
		{"refused", []error{&bot.SendError{Status: 400, Permanent: true}}, 1, []int{0}, nil, 0, 3},
		{"trouble that outlasts a run", []error{&bot.SendError{Status: 500}, &bot.SendError{Status: 500}, &bot.SendError{Status: 500}},
			2, []int{0, 1, 2, 0}, []int{0, 1}, 3, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := goredis.NewClient(&goredis.Options{Addr: miniredis.RunT(t).Addr()})
			t.Cleanup(func() { c.Close() })
			store := redisadapter.NewBroadcasts(c)
			ctx := context.Background()
			bc := &bot.Broadcast{ID: "bc1", Text: "お知らせ"}
			r := bot.Recipients{LINE: []string{"line:U1", "line:U2", "line:U3"}}
			if err := store.CreateBroadcast(ctx, bc, r, time.Now()); err != nil {
				t.Fatal(err)
			}
			sender := &scripted{errs: tt.errs}
			var mu sync.Mutex
			var backoffs []int
			runner := &broadcast.Runner{Store: store, Senders: map[string]broadcast.BatchSender{bot.PlatformLINE: sender},
				Backoff: func(n int) time.Duration { mu.Lock(); defer mu.Unlock(); backoffs = append(backoffs, n); return 0 }}
			for run := range tt.runs {
				_, err := runner.SendBroadcast(ctx, bc, bot.Outgoing{})
				if last := run == tt.runs-1; last != (err == nil) {
					t.Fatalf("run %d: %v", run, err)
				}
			}
			if fmt.Sprint(sender.attempts) != fmt.Sprint(tt.attempts) || fmt.Sprint(backoffs) != fmt.Sprint(tt.backoffs) {
				t.Errorf("attempts %v after backoffs %v, want %v after %v", sender.attempts, backoffs, tt.attempts, tt.backoffs)
			}
			for _, k := range sender.keys {
				if k != "bc1:0" {
					t.Errorf("keys %v, want every try keyed bc1:0", sender.keys)
					break
				}
			}
			v, err := store.FindBroadcast(ctx, bc.ID)
			if err != nil || v.Status != bot.BroadcastDone || v.Sent != tt.sent || v.Failed != tt.failed {
				t.Errorf("%+v %v, want done with %d sent and %d failed", v, err, tt.sent, tt.failed)
			}
		})
	}
}

// TestRunnerWithoutStoreSaysSo: a runner wired without a store answers
// with an error naming the broadcast instead of crashing the sweep.
func TestRunnerWithoutStoreSaysSo(t *testing.T) {
	_, err := (&broadcast.Runner{}).SendBroadcast(context.Background(), &bot.Broadcast{ID: "bc1"}, bot.Outgoing{})
	if bot.ErrorCode(err) != bot.EUNAVAILABLE {
		t.Fatalf("error %v (code %s), want unavailable", err, bot.ErrorCode(err))
	}
}
