package redis

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"tsunagu/bot"
)

func TestBroadcastRunsEmbedded(t *testing.T) { testBroadcastRuns(t, embeddedClient) }

func TestBroadcastRunsReal(t *testing.T) {
	needEnv(t, "REDIS_URL")
	testBroadcastRuns(t, realClient)
}

func TestBroadcastRunsCluster(t *testing.T) {
	needEnv(t, "REDIS_CLUSTER_ADDRS")
	testBroadcastRuns(t, clusterClient)
}

// afterNext runs do once, right after the next command the client sends
// completes: it plays another replica acting between two commands.
type afterNext struct {
	armed atomic.Bool
	do    func()
}

func (h *afterNext) DialHook(next goredis.DialHook) goredis.DialHook { return next }
func (h *afterNext) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return next
}
func (h *afterNext) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		err := next(ctx, cmd)
		if h.armed.CompareAndSwap(true, false) {
			h.do()
		}
		return err
	}
}

// testBroadcastRuns is the conformance suite of the broadcast leases and
// Slack claims: what keeps two runs of one broadcast from sending twice or
// counting wrong.
func testBroadcastRuns(t *testing.T, newClient func(t *testing.T) goredis.UniversalClient) {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	slackIDs := []string{"slack:T1:U1", "slack:T1:U2", "slack:T1:U3"}
	// create stores a broadcast to the three Slack people, due now.
	create := func(t *testing.T, c goredis.UniversalClient) (*Broadcasts, string) {
		t.Helper()
		s := NewBroadcasts(c)
		b := &bot.Broadcast{ID: "B1", Text: "お知らせ", CreatedAt: now}
		if err := s.CreateBroadcast(ctx, b, bot.Recipients{Slack: slackIDs}, now); err != nil {
			t.Fatal(err)
		}
		return s, b.ID
	}
	lease := func(t *testing.T, s *Broadcasts, id, owner string) bool {
		t.Helper()
		ok, err := s.Lease(ctx, id, owner, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	claim := func(t *testing.T, s *Broadcasts, id, owner, p string, at time.Time) (bool, error) {
		t.Helper()
		return s.ClaimSlack(ctx, id, owner, p, at, time.Minute)
	}
	counts := func(t *testing.T, s *Broadcasts, id string) (bot.BroadcastStatus, int, int) {
		t.Helper()
		v, err := s.FindBroadcast(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return v.Status, v.Sent, v.Failed
	}

	t.Run("a scheduled broadcast is called off for good: not due, not leased, its lists gone", func(t *testing.T) {
		c := newClient(t)
		s, id := create(t, c)
		if err := s.CancelBroadcast(ctx, id); err != nil {
			t.Fatal(err)
		}
		if st, _, _ := counts(t, s, id); st != bot.BroadcastCancelled {
			t.Errorf("status %q, want cancelled", st)
		}
		if due, err := s.DueBroadcasts(ctx, now.Add(time.Hour), 10); err != nil || len(due) != 0 {
			t.Errorf("due after calling off: %v %v", due, err)
		}
		if lease(t, s, id, "run-a") {
			t.Error("a run leased a broadcast called off")
		}
		if n := c.Exists(ctx, broadcastSlackKey(id), broadcastLineKey(id)).Val(); n != 0 {
			t.Errorf("%d recipient lists left", n)
		}
		if err := s.CancelBroadcast(ctx, id); bot.ErrorCode(err) != bot.ECONFLICT {
			t.Errorf("calling off twice: %v, want a conflict", err)
		}
		if err := s.CancelBroadcast(ctx, "B-none"); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("calling off an unknown one: %v, want not found", err)
		}
	})

	t.Run("a broadcast a run has leased is not called off", func(t *testing.T) {
		s, id := create(t, newClient(t))
		if !lease(t, s, id, "run-a") {
			t.Fatal("no lease")
		}
		if err := s.CancelBroadcast(ctx, id); bot.ErrorCode(err) != bot.ECONFLICT {
			t.Errorf("calling off one sending: %v, want a conflict", err)
		}
		if st, _, _ := counts(t, s, id); st != bot.BroadcastSending {
			t.Errorf("status %q, want sending", st)
		}
	})

	t.Run("a lease is one run's, and only its holder releases it", func(t *testing.T) {
		s, id := create(t, newClient(t))
		if !lease(t, s, id, "run-a") || lease(t, s, id, "run-b") {
			t.Fatal("two runs hold the lease")
		}
		if err := s.Release(ctx, id, "run-b"); err != nil {
			t.Fatal(err)
		}
		if lease(t, s, id, "run-b") {
			t.Fatal("a run released a lease it did not hold")
		}
		if err := s.Release(ctx, id, "run-a"); err != nil {
			t.Fatal(err)
		}
		if !lease(t, s, id, "run-b") {
			t.Fatal("the lease is not free after its holder released it")
		}
	})

	t.Run("a release racing a takeover keeps the new holder's lease", func(t *testing.T) {
		c := newClient(t)
		s, id := create(t, c)
		if !lease(t, s, id, "run-a") {
			t.Fatal("no lease")
		}
		// Right after the first command of run A's release, A's lease
		// lapses and run B takes the broadcast over.
		h := &afterNext{do: func() {
			c.Del(ctx, broadcastLeaseKey(id))
			if !lease(t, s, id, "run-b") {
				t.Error("run B could not take the lapsed lease")
			}
		}}
		c.AddHook(h)
		h.armed.Store(true)
		if err := s.Release(ctx, id, "run-a"); err != nil {
			t.Fatal(err)
		}
		if h.armed.Load() {
			t.Fatal("the takeover did not happen")
		}
		if lease(t, s, id, "run-c") {
			t.Fatal("run A's release deleted the lease run B took: a third run could start")
		}
		if !lease(t, s, id, "run-b") {
			t.Fatal("run B lost its lease")
		}
	})

	t.Run("only the lease holder claims, and a claim is its run's", func(t *testing.T) {
		c := newClient(t)
		s, id := create(t, c)
		if _, err := claim(t, s, id, "run-a", slackIDs[0], now); !errors.Is(err, bot.ErrLeaseLost) {
			t.Fatalf("claim without the lease: %v, want ErrLeaseLost", err)
		}
		lease(t, s, id, "run-a")
		for i, want := range []bool{true, true} { // claimed, then renewed
			if ok, err := claim(t, s, id, "run-a", slackIDs[0], now.Add(time.Duration(i)*time.Second)); err != nil || ok != want {
				t.Fatalf("claim %d by its run: %v %v", i, ok, err)
			}
		}
		c.Del(ctx, broadcastLeaseKey(id))
		lease(t, s, id, "run-b")
		if ok, err := claim(t, s, id, "run-b", slackIDs[0], now); err != nil || ok {
			t.Fatalf("run B claimed run A's recipient: %v %v", ok, err)
		}
		if _, err := claim(t, s, id, "run-a", slackIDs[1], now); !errors.Is(err, bot.ErrLeaseLost) {
			t.Fatalf("run A claimed after losing the lease: %v", err)
		}
		// A result is counted once, by the run that claimed.
		if err := s.SlackResult(ctx, id, "run-b", slackIDs[0], false); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := s.SlackResult(ctx, id, "run-a", slackIDs[0], true); err != nil {
				t.Fatal(err)
			}
		}
		if _, sent, failed := counts(t, s, id); sent != 1 || failed != 0 {
			t.Fatalf("%d sent, %d failed; want the claimer's one sent", sent, failed)
		}
		if ok, err := claim(t, s, id, "run-b", slackIDs[0], now); err != nil || ok {
			t.Fatalf("a recipient with a result was claimed again: %v %v", ok, err)
		}
	})

	t.Run("the Slack batch waits for another run's DM in flight, and counts one whose run died failed", func(t *testing.T) {
		c := newClient(t)
		s, id := create(t, c)
		report := bot.Outgoing{ID: "report:B1", To: bot.CoordinatorID, Messages: []bot.Message{{Text: "送信 __SENT__件、失敗 __FAILED__件"}}}
		lease(t, s, id, "run-a")
		claim(t, s, id, "run-a", slackIDs[0], now)
		if err := s.SlackResult(ctx, id, "run-a", slackIDs[0], true); err != nil {
			t.Fatal(err)
		}
		claim(t, s, id, "run-a", slackIDs[1], now) // run A's DM is on its way...
		c.Del(ctx, broadcastLeaseKey(id))          // ...when its lease lapses
		if _, err := s.FinishSlack(ctx, id, "run-a", now, time.Minute, report); !errors.Is(err, bot.ErrLeaseLost) {
			t.Fatalf("finish without the lease: %v", err)
		}
		lease(t, s, id, "run-b")
		claim(t, s, id, "run-b", slackIDs[2], now)
		if err := s.SlackResult(ctx, id, "run-b", slackIDs[2], true); err != nil {
			t.Fatal(err)
		}
		if done, err := s.FinishSlack(ctx, id, "run-b", now.Add(59*time.Second), time.Minute, report); err != nil || done {
			t.Fatalf("finished with run A's claim 59 s old: %v %v", done, err)
		}
		if st, sent, failed := counts(t, s, id); st != bot.BroadcastSending || sent != 2 || failed != 0 {
			t.Fatalf("%s, %d sent, %d failed; want sending, 2 sent, none failed", st, sent, failed)
		}
		// Run A never comes back: a minute on, its recipient is in doubt.
		for range 2 {
			if done, err := s.FinishSlack(ctx, id, "run-b", now.Add(time.Minute), time.Minute, report); err != nil || !done {
				t.Fatalf("finish a minute on: %v %v", done, err)
			}
		}
		// A result arriving after all changes nothing.
		if err := s.SlackResult(ctx, id, "run-a", slackIDs[1], true); err != nil {
			t.Fatal(err)
		}
		if st, sent, failed := counts(t, s, id); st != bot.BroadcastDone || sent != 2 || failed != 1 {
			t.Fatalf("%s, %d sent, %d failed; want done, 2 sent, 1 failed", st, sent, failed)
		}
		entries, err := c.XRange(ctx, outboxKey(shardOf(id)), "-", "+").Result()
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || !strings.Contains(entries[0].Values["out"].(string), "送信 2件、失敗 1件") {
			t.Fatalf("reports %v, want one with 2 sent and 1 failed", entries)
		}
	})

	t.Run("a claim written before runs were named is in doubt", func(t *testing.T) {
		c := newClient(t)
		s, id := create(t, c)
		c.HSet(ctx, broadcastSlackStateKey(id), slackIDs[0], "sending")
		lease(t, s, id, "run-a")
		for _, p := range slackIDs[1:] {
			claim(t, s, id, "run-a", p, now)
			if err := s.SlackResult(ctx, id, "run-a", p, true); err != nil {
				t.Fatal(err)
			}
		}
		if done, err := s.FinishSlack(ctx, id, "run-a", now, time.Minute, bot.Outgoing{}); err != nil || !done {
			t.Fatalf("finish: %v %v", done, err)
		}
		if st, sent, failed := counts(t, s, id); st != bot.BroadcastDone || sent != 2 || failed != 1 {
			t.Fatalf("%s, %d sent, %d failed; want done, 2 sent, 1 failed", st, sent, failed)
		}
	})
}
