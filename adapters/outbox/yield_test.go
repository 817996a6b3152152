package outbox_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tsunagu/adapters/outbox"
	"tsunagu/bot"
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

func TestWorkerYieldsToABurstOfInboundEvents(t *testing.T) {
	for _, tc := range []struct {
		name    string
		waited  time.Duration // how long the entries waited in the queue
		inbound int64         // webhook calls in hand
		first   int           // sends in flight while the inbound stays
	}{
		{"a burst: two sends in flight", 0, 20, 2},
		{"a conversation or two: all", 0, 2, 8},
		{"a burst, but the replies waited two seconds: all", 3 * time.Second, 20, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newGatedSender()
			e := newEnv(t, map[string]outbox.Sender{"line": s})
			e.w.Concurrency = 8
			e.w.Now = time.Now
			e.w.PollInterval = 10 * time.Millisecond
			var inbound atomic.Int64
			inbound.Store(tc.inbound)
			e.w.Inbound = func() int { return int(inbound.Load()) }
			const entries = 12
			for i := range entries {
				to := fmt.Sprintf("line:U%02d", i)
				s.held[to] = true
				o := out(fmt.Sprintf("o%02d", i), to)
				o.CreatedAt = time.Now().Add(-tc.waited)
				e.enqueue(o)
			}
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
			got = startedSoFar(s, got, entries, 10*time.Second)
			if len(got) != entries {
				t.Fatalf("%d of %d entries sent", len(got), entries)
			}
		})
	}
}

// blockedSpy reads nobody as blocked and records whose status was read.
type blockedSpy struct {
	mu   sync.Mutex
	read []string
}

func (b *blockedSpy) Blocked(_ context.Context, ids []string) (map[string]bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.read = append(b.read, ids...)
	return map[string]bool{}, nil
}

func TestWorkerReadsNoStatusForAFreshReply(t *testing.T) {
	s := &fakeSender{}
	e := newEnv(t, map[string]outbox.Sender{"line": s})
	spy := &blockedSpy{}
	e.w.Profiles = spy
	reply := func(id, to string, before time.Time) bot.Outgoing {
		o := out(id, to)
		o.ReplyToken, o.ReplyBefore = "token-"+id, before
		return o
	}
	e.enqueue(reply("fresh", "line:Ufresh", t0.Add(50*time.Second)))
	e.enqueue(reply("late", "line:Ulate", t0.Add(-time.Second))) // goes as a push
	e.enqueue(out("push", "line:Upush"))
	e.processOnce()

	slices.Sort(spy.read)
	if want := []string{"line:Ulate", "line:Upush"}; !slices.Equal(spy.read, want) {
		t.Errorf("status read of %v, want %v: a reply answering a message just sent needs none", spy.read, want)
	}
	got := s.ids()
	slices.Sort(got)
	if want := []string{"fresh", "late", "push"}; !slices.Equal(got, want) {
		t.Errorf("sent %v, want %v", got, want)
	}
	e.wantDepth(0)
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
