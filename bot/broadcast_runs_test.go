package bot_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	redisadapter "tsunagu/adapters/redis"
	"tsunagu/bot"
)

// heldSlack records DMs; the DM to `hold` waits, once, until release is
// closed, and entered is closed when it starts waiting.
type heldSlack struct {
	mu      sync.Mutex
	dms     map[string]int
	hold    string
	entered chan struct{}
	release chan struct{}
}

func newHeldSlack(hold string) *heldSlack {
	return &heldSlack{dms: map[string]int{}, hold: hold, entered: make(chan struct{}), release: make(chan struct{})}
}

func (f *heldSlack) DM(_ context.Context, id, _, _ string, _ int) error {
	if id == f.hold {
		f.mu.Lock()
		first := f.hold != ""
		f.hold = ""
		f.mu.Unlock()
		if first {
			close(f.entered)
			<-f.release
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dms[id]++
	return nil
}

// broadcastWorld has 2 LINE and 4 Slack people and one broadcast to all
// of them, not sent yet.
type broadcastWorld struct {
	*world
	rdb         *goredis.Client
	line        *fakeLINE
	lineIDs     []string
	slackIDs    []string
	broadcastID string
}

func newBroadcastWorld(t *testing.T, slack dmer) *broadcastWorld {
	t.Helper()
	w := newWorld(t, time.Date(2026, 11, 30, 10, 0, 0, 0, tokyo(t)), "")
	bw := &broadcastWorld{world: w, lineIDs: w.people(2), line: &fakeLINE{sent: map[string]int{}, keys: map[string]bool{}}}
	for i := range 4 {
		p := &bot.Profile{ID: fmt.Sprintf("slack:T1:U%d", i), Name: "社員", Area: "remote", Skills: []string{"writing"},
			WeeklyLimit: 1, ConsentedAt: &w.clock, Status: bot.StatusActive}
		if err := w.store.CreateProfile(context.Background(), p); err != nil {
			t.Fatal(err)
		}
		bw.slackIDs = append(bw.slackIDs, p.ID)
	}
	bw.rdb = goredis.NewClient(&goredis.Options{Addr: w.addr})
	t.Cleanup(func() { bw.rdb.Close() })
	w.useBroadcasts(redisadapter.NewBroadcasts(bw.rdb), bw.line)
	useRunner(w.bs, redisadapter.NewBroadcasts(bw.rdb), bw.line, slack)
	v, err := w.bs.CreateBroadcast(context.Background(), &bot.Broadcast{Text: "全社のお知らせ"})
	if err != nil {
		t.Fatal(err)
	}
	bw.broadcastID = v.ID
	return bw
}

// run is one sweep of the broadcasts, in the background.
func (bw *broadcastWorld) run() <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := bw.bs.RunBroadcasts(context.Background())
		done <- err
	}()
	return done
}

// lapse ends the current lease as its 30 s running out would.
func (bw *broadcastWorld) lapse(t *testing.T) {
	t.Helper()
	keys, err := bw.rdb.Keys(context.Background(), "*:b:"+bw.broadcastID+":lease").Result()
	if err != nil || len(keys) != 1 {
		t.Fatalf("lease keys %v %v", keys, err)
	}
	bw.rdb.Del(context.Background(), keys...)
}

func (bw *broadcastWorld) progress(t *testing.T) *bot.BroadcastView {
	t.Helper()
	v, err := bw.bs.FindBroadcast(context.Background(), bw.broadcastID)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// checkDone checks that everyone got the broadcast exactly once, that it is
// done with every recipient counted sent, and that the coordinators got one
// report saying so.
func (bw *broadcastWorld) checkDone(t *testing.T, dms map[string]int) {
	t.Helper()
	for _, id := range bw.lineIDs {
		if bw.line.sent[id] != 1 {
			t.Errorf("%s got %d multicasts", id, bw.line.sent[id])
		}
	}
	for _, id := range bw.slackIDs {
		if dms[id] != 1 {
			t.Errorf("%s got %d DMs", id, dms[id])
		}
	}
	if v := bw.progress(t); v.Status != bot.BroadcastDone || v.Sent != 6 || v.Failed != 0 || v.Total != 6 {
		t.Errorf("progress %s: %d sent, %d failed of %d; want done: 6 sent, 0 failed of 6", v.Status, v.Sent, v.Failed, v.Total)
	}
	reports := bw.deliver()[bot.CoordinatorID]
	if len(reports) != 1 || !strings.Contains(reports[0].Text, "送信 6件、失敗 0件") {
		t.Errorf("reports %+v, want one with 6 sent and 0 failed", reports)
	}
}

// TestTwoRunsAtOnceOnOneBroadcast: the sweep and a job started through the
// API run in one process while a DM is on its way. The lease belongs to a
// run, not to the process, so the second run leaves the broadcast to the
// first, which sends to everyone once and counts them all sent.
func TestTwoRunsAtOnceOnOneBroadcast(t *testing.T) {
	slack := newHeldSlack("slack:T1:U0")
	bw := newBroadcastWorld(t, slack)
	first := bw.run()
	<-slack.entered

	sum, err := bw.bs.RunBroadcasts(context.Background())
	if err != nil || sum.Sent != 0 {
		t.Fatalf("second run: %+v %v, want it to leave the broadcast to the first", sum, err)
	}
	if v := bw.progress(t); v.Status != bot.BroadcastSending {
		t.Fatalf("while the first run sends: %s", v.Status)
	}
	close(slack.release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	bw.checkDone(t, slack.dms)
}

// TestATakenOverRunCountsItsOwnDM: a run's lease lapses while its DM is on
// its way and another run takes the broadcast over. The new run sends to
// the rest and does not count the DM it did not send, neither failed nor
// sent; the old run counts it when it lands and stops; a later sweep
// finishes the broadcast with the counts of what was delivered.
func TestATakenOverRunCountsItsOwnDM(t *testing.T) {
	slack := newHeldSlack("slack:T1:U0")
	bw := newBroadcastWorld(t, slack)
	first := bw.run()
	<-slack.entered
	bw.lapse(t)

	if _, err := bw.bs.RunBroadcasts(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v := bw.progress(t); v.Status != bot.BroadcastSending || v.Sent != 5 || v.Failed != 0 {
		t.Fatalf("after the run that took over: %s, %d sent, %d failed; want sending, 5 sent (U0 still on its way), 0 failed", v.Status, v.Sent, v.Failed)
	}
	close(slack.release)
	if err := <-first; err != nil {
		t.Fatalf("the run that lost its lease: %v, want it to stop quietly", err)
	}
	if v := bw.progress(t); v.Sent != 6 || v.Failed != 0 {
		t.Fatalf("after the first run's DM landed: %d sent, %d failed", v.Sent, v.Failed)
	}
	if _, err := bw.bs.RunBroadcasts(context.Background()); err != nil {
		t.Fatal(err)
	}
	bw.checkDone(t, slack.dms)
}

// scriptedSlack answers the DMs to one person with errs, in order, then
// success; it records the attempt number of every call.
type scriptedSlack struct {
	mu       sync.Mutex
	errs     []error
	attempts []int
	sent     int
}

func (f *scriptedSlack) DM(_ context.Context, _, _, key string, attempt int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attempts = append(f.attempts, attempt)
	if !strings.HasPrefix(key, "broadcast:") {
		return fmt.Errorf("key %q does not name the broadcast", key)
	}
	if len(f.errs) > 0 {
		err := f.errs[0]
		f.errs = f.errs[1:]
		return err
	}
	f.sent++
	return nil
}

// TestBroadcastDMTriesPassingTroubleAgain: a DM that fails for a passing
// reason (5xx, timeout, Slack's ok:false internal_error or ratelimited, a
// 429) is tried again, with the attempt number so the adapter can look for
// a post that did land; a refusal fails the recipient at once; trouble
// that does not pass fails it after three attempts.
func TestBroadcastDMTriesPassingTroubleAgain(t *testing.T) {
	okFalse := func(e string) error { return &bot.SendError{Status: 200, Err: errors.New("slack: " + e)} }
	refused := func(e string) error {
		return &bot.SendError{Status: 200, Permanent: true, Err: errors.New("slack: " + e)}
	}
	tests := []struct {
		name     string
		errs     []error
		attempts []int
		sent     bool
	}{
		{"503", []error{&bot.SendError{Status: 503}}, []int{0, 1}, true},
		{"timeout", []error{&bot.SendError{Err: context.DeadlineExceeded}}, []int{0, 1}, true},
		{"internal_error", []error{okFalse("internal_error")}, []int{0, 1}, true},
		{"ratelimited", []error{okFalse("ratelimited")}, []int{0, 1}, true},
		{"429 waited out", []error{&bot.SendError{Status: 429, RetryAfter: 10 * time.Millisecond}}, []int{0, 1}, true},
		{"twice 502", []error{&bot.SendError{Status: 502}, &bot.SendError{Status: 502}}, []int{0, 1, 2}, true},
		{"500 that does not pass", []error{&bot.SendError{Status: 500}, &bot.SendError{Status: 500}, &bot.SendError{Status: 500}}, []int{0, 1, 2}, false},
		{"user_not_found", []error{refused("user_not_found")}, []int{0}, false},
		{"account_inactive", []error{refused("account_inactive")}, []int{0}, false},
		{"channel_not_found", []error{refused("channel_not_found")}, []int{0}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, time.Date(2026, 11, 30, 10, 0, 0, 0, tokyo(t)), "")
			p := &bot.Profile{ID: "slack:T1:U1", Name: "社員", Area: "remote", Skills: []string{"writing"},
				WeeklyLimit: 1, ConsentedAt: &w.clock, Status: bot.StatusActive}
			if err := w.store.CreateProfile(context.Background(), p); err != nil {
				t.Fatal(err)
			}
			c := goredis.NewClient(&goredis.Options{Addr: w.addr})
			t.Cleanup(func() { c.Close() })
			slack := &scriptedSlack{errs: tt.errs}
			w.useBroadcasts(redisadapter.NewBroadcasts(c), nil)
			useRunner(w.bs, redisadapter.NewBroadcasts(c), nil, slack)
			ctx := context.Background()
			v, err := w.bs.CreateBroadcast(ctx, &bot.Broadcast{Text: "お知らせ"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.bs.RunBroadcasts(ctx); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(slack.attempts) != fmt.Sprint(tt.attempts) {
				t.Errorf("attempts %v, want %v", slack.attempts, tt.attempts)
			}
			wantSent, wantFailed := 0, 1
			if tt.sent {
				wantSent, wantFailed = 1, 0
			}
			v, err = w.bs.FindBroadcast(ctx, v.ID)
			if err != nil || v.Status != bot.BroadcastDone || v.Sent != wantSent || v.Failed != wantFailed || slack.sent != wantSent {
				t.Errorf("%+v %v, %d delivered; want done with %d sent and %d failed", v, err, slack.sent, wantSent, wantFailed)
			}
		})
	}
}
