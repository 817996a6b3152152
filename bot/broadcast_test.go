package bot_test

import (
	"context"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	redisadapter "tsunagu/adapters/redis"
	"tsunagu/bot"
)

// fakeLINE records multicasts; its quota is unlimited unless set.
type fakeLINE struct {
	mu          sync.Mutex
	sent        map[string]int // recipient → messages
	keys        map[string]bool
	biggest     int
	limit, used int64
}

func (f *fakeLINE) Multicast(_ context.Context, ids []string, _ []bot.Message, key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.keys[key] {
		return nil // LINE's 409 for a repeated retry key
	}
	f.keys[key] = true
	f.biggest = max(f.biggest, len(ids))
	for _, id := range ids {
		f.sent[id]++
	}
	return nil
}

func (f *fakeLINE) Quota(context.Context) (int64, int64, error) {
	if f.limit == 0 {
		return -1, f.used, nil
	}
	return f.limit, f.used, nil
}

// TestBroadcastWaitsForQuietHoursAndBatches schedules a broadcast at 21:30:
// nothing goes before 08:00, then everyone gets it once, in multicasts of at
// most 500.
func TestBroadcastWaitsForQuietHoursAndBatches(t *testing.T) {
	loc := tokyo(t)
	evening := time.Date(2026, 11, 30, 21, 30, 0, 0, loc)
	w := newWorld(t, evening, "21:00-08:00")
	ids := w.people(1203)
	line := &fakeLINE{sent: map[string]int{}, keys: map[string]bool{}}
	c := goredis.NewClient(&goredis.Options{Addr: w.addr})
	t.Cleanup(func() { c.Close() })
	w.useBroadcasts(redisadapter.NewBroadcasts(c), line)
	useRunner(w.bs, redisadapter.NewBroadcasts(c), line, nil)
	ctx := context.Background()

	v, err := w.bs.CreateBroadcast(ctx, &bot.Broadcast{Text: "明日は休館日です"})
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != bot.BroadcastScheduled || v.Total != len(ids) {
		t.Fatalf("created %+v", v)
	}
	for _, at := range []time.Time{evening, time.Date(2026, 12, 1, 7, 59, 59, 0, loc)} {
		w.clock = at
		if _, err := w.bs.RunBroadcasts(ctx); err != nil {
			t.Fatal(err)
		}
		if len(line.sent) != 0 {
			t.Fatalf("sent at %s, in the quiet hours", at)
		}
	}
	w.clock = time.Date(2026, 12, 1, 8, 0, 0, 0, loc)
	if _, err := w.bs.RunBroadcasts(ctx); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if line.sent[id] != 1 {
			t.Fatalf("%s got %d", id, line.sent[id])
		}
	}
	if line.biggest > bot.MulticastSize || len(line.keys) != 3 {
		t.Fatalf("biggest multicast %d, %d multicasts; want ≤ 500 and 3", line.biggest, len(line.keys))
	}
	v, err = w.bs.FindBroadcast(ctx, v.ID)
	if err != nil || v.Status != bot.BroadcastDone || v.Sent != len(ids) {
		t.Fatalf("after sending: %+v %v", v, err)
	}
	// The report reached the coordinators, once.
	if got := w.deliver()[bot.CoordinatorID]; len(got) != 1 {
		t.Fatalf("reports: %+v", got)
	}

	line.limit, line.used = 2000, 1000
	if _, err := w.bs.CreateBroadcast(ctx, &bot.Broadcast{Text: "もう一通"}); bot.ErrorCode(err) != bot.EUNPROCESSABLE {
		t.Fatalf("over quota: %v", err)
	}
}

// fakeSlack records DMs; the first one is refused with a 429.
type fakeSlack struct {
	mu      sync.Mutex
	dms     map[string]int
	limited bool
}

func (f *fakeSlack) DM(_ context.Context, id, _, _ string, _ int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.limited {
		f.limited = true
		return &bot.SendError{Status: 429, RetryAfter: 10 * time.Millisecond}
	}
	f.dms[id]++
	return nil
}

// TestBroadcastDMsSlackOnceEach sends to LINE and Slack people: Slack ones
// get one DM each (a 429 waited out), and one left in doubt by a crash is
// not posted to again but counted as failed, once its claim is old enough
// that the run holding it cannot still be sending.
func TestBroadcastDMsSlackOnceEach(t *testing.T) {
	w := newWorld(t, time.Date(2026, 11, 30, 10, 0, 0, 0, tokyo(t)), "")
	lineIDs := w.people(3)
	var slackIDs []string
	for i := range 4 {
		p := &bot.Profile{ID: "slack:T1:U" + string(rune('A'+i)), Name: "社員", Area: "remote", Skills: []string{"writing"},
			WeeklyLimit: 1, ConsentedAt: &w.clock, Status: bot.StatusActive}
		if err := w.store.CreateProfile(context.Background(), p); err != nil {
			t.Fatal(err)
		}
		slackIDs = append(slackIDs, p.ID)
	}
	line := &fakeLINE{sent: map[string]int{}, keys: map[string]bool{}}
	slack := &fakeSlack{dms: map[string]int{}}
	c := goredis.NewClient(&goredis.Options{Addr: w.addr})
	t.Cleanup(func() { c.Close() })
	store := redisadapter.NewBroadcasts(c)
	w.useBroadcasts(store, line)
	useRunner(w.bs, store, line, slack)
	ctx := context.Background()
	v, err := w.bs.CreateBroadcast(ctx, &bot.Broadcast{Text: "全社のお知らせ"})
	if err != nil {
		t.Fatal(err)
	}
	// A previous run claimed the last Slack recipient and died before
	// recording whether the DM went out; its lease lapsed (Release stands
	// for the 30 s a test does not wait).
	if ok, err := store.Lease(ctx, v.ID, "dead-run", time.Minute); err != nil || !ok {
		t.Fatal(ok, err)
	}
	if ok, err := store.ClaimSlack(ctx, v.ID, "dead-run", slackIDs[3], w.clock, time.Minute); err != nil || !ok {
		t.Fatal(ok, err)
	}
	if err := store.Release(ctx, v.ID, "dead-run"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.bs.RunBroadcasts(ctx); err != nil {
		t.Fatal(err)
	}
	// The claim is fresh: its run might still be sending, so the batch
	// waits rather than count it.
	v, err = w.bs.FindBroadcast(ctx, v.ID)
	if err != nil || v.Status != bot.BroadcastSending || v.Sent != 6 || v.Failed != 0 {
		t.Fatalf("progress %+v %v, want still sending with 6 sent and the claimed one not counted", v, err)
	}
	w.clock = w.clock.Add(2 * time.Minute)
	if _, err := w.bs.RunBroadcasts(ctx); err != nil {
		t.Fatal(err)
	}
	for _, id := range lineIDs {
		if line.sent[id] != 1 {
			t.Fatalf("%s got %d", id, line.sent[id])
		}
	}
	for i, id := range slackIDs {
		want := 1
		if i == 3 {
			want = 0
		}
		if slack.dms[id] != want {
			t.Fatalf("%s got %d DMs, want %d", id, slack.dms[id], want)
		}
	}
	v, err = w.bs.FindBroadcast(ctx, v.ID)
	if err != nil || v.Status != bot.BroadcastDone || v.Sent != 6 || v.Failed != 1 || v.Total != 7 {
		t.Fatalf("progress %+v %v, want done with 6 sent and 1 in doubt counted failed", v, err)
	}
}
