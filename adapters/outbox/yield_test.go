package outbox_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"tsunagu/adapters/outbox"
)

// startedSoFar drains s.started into got until it holds n entries or wait
// passes, and returns got.
func startedSoFar(s *gatedSender, got []string, n int, wait time.Duration) []string {
	timeout := time.After(wait)
	for len(got) < n {
		select {
		case id := <-s.started:
			got = append(got, id)
		case <-timeout:
			return got
		}
	}
	return got
}

// yieldEnv is a worker with 8 sends at most, 12 entries queued to as many
// recipients, every send held until the test opens them, and the webhook
// calls in hand that inbound says.
func yieldEnv(t *testing.T, inbound *atomic.Int64) (*env, *gatedSender) {
	t.Helper()
	s := newGatedSender()
	e := newEnv(t, map[string]outbox.Sender{"line": s})
	e.w.Concurrency = 8
	e.w.Now = time.Now
	e.w.PollInterval = time.Hour // no read but the first: the yield ends on its own clock
	e.w.Inbound = func() int { return int(inbound.Load()) }
	for i := range 12 {
		to := fmt.Sprintf("line:U%02d", i)
		s.held[to] = true
		e.enqueue(out(fmt.Sprintf("o%02d", i), to))
	}
	return e, s
}

func TestWorkerYieldsToABurstOfInboundEvents(t *testing.T) {
	for _, tc := range []struct {
		name    string
		inbound int64 // webhook calls in hand
		first   int   // sends in flight while they stay
	}{
		{"a burst: two sends in flight", 20, 2},
		{"a conversation or two: all", 2, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var inbound atomic.Int64
			inbound.Store(tc.inbound)
			e, s := yieldEnv(t, &inbound)
			e.run()
			t.Cleanup(s.open)

			// Every send is held: what starts is what the worker lets
			// be in flight at once. A third send would start within
			// milliseconds; a quarter second without one is a yield.
			got := startedSoFar(s, nil, tc.first+1, 250*time.Millisecond)
			if len(got) != tc.first {
				t.Fatalf("%d sends in flight (%v), want %d", len(got), got, tc.first)
			}
			// The burst ends: the worker sends at full concurrency.
			inbound.Store(0)
			e.w.Notify()
			if got = startedSoFar(s, got, 8, 10*time.Second); len(got) != 8 {
				t.Fatalf("%d sends in flight after the burst, want 8", len(got))
			}
			s.open()
			if got = startedSoFar(s, got, 12, 10*time.Second); len(got) != 12 {
				t.Fatalf("%d of 12 entries sent", len(got))
			}
		})
	}
}

// The yield lasts two seconds at most, even when the burst goes on and the
// two sends in flight hang: the others' replies do not wait for either.
func TestWorkerYieldsForTwoSecondsAtMost(t *testing.T) {
	var inbound atomic.Int64
	inbound.Store(20)
	e, s := yieldEnv(t, &inbound)
	start := time.Now()
	e.run()
	t.Cleanup(s.open)
	got := startedSoFar(s, nil, 3, 250*time.Millisecond)
	if len(got) != 2 {
		t.Fatalf("%d sends in flight (%v), want 2", len(got), got)
	}
	if got = startedSoFar(s, got, 8, 10*time.Second); len(got) != 8 {
		t.Fatalf("%d sends in flight with the burst going on, want 8 after two seconds", len(got))
	}
	if took := time.Since(start); took < 1900*time.Millisecond {
		t.Errorf("the yield ended after %v, want two seconds", took)
	}
}

func TestWorkerAcknowledgesSentEntriesWhileAnotherSendHangs(t *testing.T) {
	s := newGatedSender("line:Uslow")
	e := newEnv(t, map[string]outbox.Sender{"line": s})
	e.w.Now = time.Now
	e.w.PollInterval = time.Hour // only the acknowledgement's own wait wakes the worker
	e.enqueue(out("slow", "line:Uslow"))
	for i := range 4 {
		e.enqueue(out(fmt.Sprint("quick", i), fmt.Sprintf("line:Uquick%d", i)))
	}
	stop := e.run()
	t.Cleanup(s.open)
	s.waitFor(t, "slow")
	// The four quick sends land while the slow one is still in flight:
	// fewer than a batch, they are acknowledged when they waited ackWait.
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, err := e.q.Depth(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("queue depth %d with one send hanging, want 1", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.open()
	stop() // a stop acknowledges what landed since
	e.wantDepth(0)
}
