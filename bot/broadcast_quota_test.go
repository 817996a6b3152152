package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	redisadapter "tsunagu/adapters/redis"
	"tsunagu/bot"
)

// quotaDown is a LINE whose quota API fails with err.
type quotaDown struct {
	err         error
	hadDeadline bool
}

func (q *quotaDown) Multicast(context.Context, []string, []bot.Message, string) error {
	return errors.New("multicast must not be called")
}

func (q *quotaDown) Quota(ctx context.Context) (int64, int64, error) {
	_, q.hadDeadline = ctx.Deadline()
	return 0, 0, q.err
}

// TestBroadcastRefusedWhileLINEQuotaIsUnreadable creates a broadcast for
// LINE recipients while LINE's quota cannot be read: an unavailable error
// that says what failed and what to do, with a deadline on the wait, and
// nothing scheduled.
func TestBroadcastRefusedWhileLINEQuotaIsUnreadable(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"LINE answers 500", &bot.SendError{Status: 500, Err: errors.New("line quota: 500 Internal Server Error")}, "LINE answered 500; try again"},
		{"LINE rate-limits", &bot.SendError{Status: 429, Err: errors.New("line quota: 429")}, "LINE answered 429"},
		{"LINE refuses the token", &bot.SendError{Status: 401, Permanent: true, Err: errors.New("line quota: 401")}, "LINE_CHANNEL_ACCESS_TOKEN"},
		{"LINE unreachable", &bot.SendError{Err: errors.New("line quota: dial tcp: connection refused")}, "LINE could not be reached"},
		{"deadline passed", context.DeadlineExceeded, "LINE could not be reached"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, time.Date(2026, 12, 1, 10, 0, 0, 0, tokyo(t)), "")
			w.people(2)
			c := goredis.NewClient(&goredis.Options{Addr: w.addr})
			t.Cleanup(func() { c.Close() })
			line := &quotaDown{err: tt.err}
			w.useBroadcasts(redisadapter.NewBroadcasts(c), line)

			_, err := w.bs.CreateBroadcast(context.Background(), &bot.Broadcast{Text: "明日は休館日です"})
			if bot.ErrorCode(err) != bot.EUNAVAILABLE || !strings.Contains(bot.ErrorMessage(err), tt.want) ||
				!strings.Contains(bot.ErrorMessage(err), "nothing was sent") {
				t.Fatalf("error %v (code %s), want unavailable saying nothing was sent and %q", err, bot.ErrorCode(err), tt.want)
			}
			if !line.hadDeadline {
				t.Error("the quota was asked without a deadline")
			}
			due, err := w.broadcasts.DueBroadcasts(context.Background(), w.clock.Add(24*time.Hour), 10)
			if err != nil || len(due) != 0 {
				t.Fatalf("scheduled %v (%v), want nothing", due, err)
			}
		})
	}
}

// reservingLINE is a LINE quota that reserves (a cache): it answers
// limit and used and records what it was asked to count.
type reservingLINE struct {
	limit, used int64
	asked       []int64
}

func (q *reservingLINE) Quota(context.Context) (int64, int64, error) {
	return 0, 0, errors.New("Quota must not be called: the service reserves")
}

func (q *reservingLINE) Reserve(_ context.Context, n int64) (int64, int64, error) {
	q.asked = append(q.asked, n)
	return q.limit, q.used, nil
}

// TestBroadcastReservesItsLINEMessages: with a LINE quota that can reserve,
// the service asks it for the broadcast's LINE recipients in one step, and
// still refuses what does not fit.
func TestBroadcastReservesItsLINEMessages(t *testing.T) {
	w := newWorld(t, time.Date(2026, 12, 1, 10, 0, 0, 0, tokyo(t)), "")
	w.people(3)
	c := goredis.NewClient(&goredis.Options{Addr: w.addr})
	t.Cleanup(func() { c.Close() })
	line := &reservingLINE{limit: 1000, used: 997}
	w.useBroadcasts(redisadapter.NewBroadcasts(c), line)
	ctx := context.Background()

	if _, err := w.bs.CreateBroadcast(ctx, &bot.Broadcast{Text: "明日は休館日です"}); err != nil {
		t.Fatalf("3 of 3 left: %v", err)
	}
	line.used = 998
	if _, err := w.bs.CreateBroadcast(ctx, &bot.Broadcast{Text: "もう一通"}); bot.ErrorCode(err) != bot.EUNPROCESSABLE ||
		!strings.Contains(bot.ErrorMessage(err), "998 of 1000") {
		t.Fatalf("3 with 2 left: %v, want refused naming the numbers", err)
	}
	if len(line.asked) != 2 || line.asked[0] != 3 || line.asked[1] != 3 {
		t.Fatalf("reserved %v, want [3 3]", line.asked)
	}
}
