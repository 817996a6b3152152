package inorder

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tsunagu/bot"
)

// gate is a Handler that counts the events in progress per person and holds
// the events of the people in block until release is closed, telling
// entered when one arrives.
type gate struct {
	mu      sync.Mutex
	now     map[string]int // events in progress, by person
	most    map[string]int // the most at once, by person
	handled []string
	block   map[string]bool
	entered chan string
	release chan struct{}
}

func newGate(block ...string) *gate {
	g := &gate{now: map[string]int{}, most: map[string]int{}, block: map[string]bool{},
		entered: make(chan string, 100), release: make(chan struct{})}
	for _, id := range block {
		g.block[id] = true
	}
	return g
}

func (g *gate) Handle(_ context.Context, in bot.Inbound) error {
	g.mu.Lock()
	g.now[in.ProfileID]++
	g.most[in.ProfileID] = max(g.most[in.ProfileID], g.now[in.ProfileID])
	blocked := g.block[in.ProfileID]
	g.mu.Unlock()
	if blocked {
		g.entered <- in.ID
		<-g.release
	}
	// Take a while, as a Redis round trip does, so that events handed
	// over at once would overlap here.
	for range 20 {
		runtime.Gosched()
	}
	g.mu.Lock()
	g.now[in.ProfileID]--
	g.handled = append(g.handled, in.ID)
	g.mu.Unlock()
	return nil
}

func TestOnePersonsEventsNeverOverlap(t *testing.T) {
	g := newGate()
	s := New(g)
	const events = 200
	var wg sync.WaitGroup
	for i := range events {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Two people, so that overlapping between them is allowed
			// and seen.
			id := fmt.Sprintf("line:U%d", i%2)
			if err := s.Handle(context.Background(), bot.Inbound{ID: fmt.Sprint(i), ProfileID: id}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := len(g.handled); got != events {
		t.Errorf("%d events handled, want %d", got, events)
	}
	for id, most := range g.most {
		if most != 1 {
			t.Errorf("%s had %d events handled at once, want 1", id, most)
		}
	}
	if n := s.Active(); n != 0 {
		t.Errorf("%d locks kept after every event was handled", n)
	}
}

func TestOthersDoNotWaitBehindABusyPerson(t *testing.T) {
	g := newGate("line:Uflood")
	s := New(g)
	floodDone := make(chan error, 2)
	for i := range 2 {
		go func() {
			floodDone <- s.Handle(context.Background(), bot.Inbound{ID: fmt.Sprint("flood", i), ProfileID: "line:Uflood"})
		}()
	}
	<-g.entered // one flood event is being handled, the other waits

	cases := []struct {
		name string
		in   bot.Inbound
	}{
		{"another person", bot.Inbound{ID: "other", ProfileID: "line:Uother"}},
		{"an event without a person", bot.Inbound{ID: "task", Kind: bot.EventTaskShort}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { done <- s.Handle(context.Background(), c.in) }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("still waiting behind the busy person")
			}
		})
	}

	close(g.release)
	for range 2 {
		if err := <-floodDone; err != nil {
			t.Fatal(err)
		}
	}
}

func TestWaitingEndsWithTheContext(t *testing.T) {
	g := newGate("line:U1")
	s := New(g)
	first := make(chan error, 1)
	go func() { first <- s.Handle(context.Background(), bot.Inbound{ID: "e1", ProfileID: "line:U1"}) }()
	<-g.entered

	ctx, cancel := context.WithCancel(context.Background())
	second := make(chan error, 1)
	go func() { second <- s.Handle(ctx, bot.Inbound{ID: "e2", ProfileID: "line:U1"}) }()
	cancel()
	if err := <-second; !errors.Is(err, context.Canceled) {
		t.Errorf("the waiting event returned %v, want context.Canceled", err)
	}
	close(g.release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if want := []string{"e1"}; len(g.handled) != 1 || g.handled[0] != want[0] {
		t.Errorf("handled %v, want %v: the event given up on is not handled", g.handled, want)
	}
	if n := s.Active(); n != 0 {
		t.Errorf("%d locks kept after the waiter gave up", n)
	}

	// The person's next event goes through.
	if err := s.Handle(context.Background(), bot.Inbound{ID: "e3", ProfileID: "line:U1"}); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkSerial measures the lock's cost per event, with events of many
// people in parallel.
func BenchmarkSerial(b *testing.B) {
	s := New(nop{})
	var n atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := fmt.Sprintf("line:U%d", n.Add(1)%64)
			if err := s.Handle(context.Background(), bot.Inbound{ID: "e", ProfileID: id}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

type nop struct{}

func (nop) Handle(context.Context, bot.Inbound) error { return nil }
