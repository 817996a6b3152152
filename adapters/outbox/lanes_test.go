package outbox_test

import (
	"context"
	"fmt"
	"hash/crc32"
	"reflect"
	"runtime"
	"sync"
	"testing"
	"time"

	"tsunagu/adapters/outbox"
	"tsunagu/adapters/redis"
	"tsunagu/bot"
)

// gatedSender records what it sends per recipient and how many sends are
// in flight, and holds the sends to the recipients in held until release
// is closed.
type gatedSender struct {
	held     map[string]bool
	release  chan struct{}
	released sync.Once
	started  chan string // every send's entry ID, as it starts
	finished chan string // and as it ends

	mu       sync.Mutex
	sent     map[string][]string // entry IDs by recipient, in send order
	now      map[string]int      // sends in flight by recipient
	inFlight int
	most     int            // the most sends in flight at once
	mostTo   map[string]int // the most sends in flight at once, by recipient
	// company, if set, holds each send (up to 100ms) until another is
	// in flight, so that a test sees sends overlap however busy the
	// machine.
	company bool
}

func newGatedSender(held ...string) *gatedSender {
	s := &gatedSender{held: map[string]bool{}, release: make(chan struct{}), started: make(chan string, 10000), finished: make(chan string, 10000),
		sent: map[string][]string{}, now: map[string]int{}, mostTo: map[string]int{}}
	for _, to := range held {
		s.held[to] = true
	}
	return s
}

func (s *gatedSender) Send(_ context.Context, o bot.Outgoing, _ int) error {
	s.mu.Lock()
	s.inFlight++
	s.now[o.To]++
	s.most = max(s.most, s.inFlight)
	s.mostTo[o.To] = max(s.mostTo[o.To], s.now[o.To])
	s.mu.Unlock()
	s.started <- o.ID
	if s.held[o.To] {
		<-s.release
	}
	// Take a while, as a platform call does, so that sends begun at once
	// overlap here.
	for range 50 {
		runtime.Gosched()
	}
	for deadline := time.Now().Add(100 * time.Millisecond); s.company && time.Now().Before(deadline); {
		s.mu.Lock()
		together := s.inFlight >= 2
		s.mu.Unlock()
		if together {
			break
		}
		time.Sleep(time.Millisecond)
	}
	s.mu.Lock()
	s.inFlight--
	s.now[o.To]--
	s.sent[o.To] = append(s.sent[o.To], o.ID)
	s.mu.Unlock()
	s.finished <- o.ID
	return nil
}

// open lets the held sends go, once.
func (s *gatedSender) open() { s.released.Do(func() { close(s.release) }) }

// waitFor waits until the send of entry id starts.
func (s *gatedSender) waitFor(t *testing.T, id string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case got := <-s.started:
			if got == id {
				return
			}
		case <-timeout:
			t.Fatalf("%s was not sent", id)
		}
	}
}

// clock is a worker clock a test moves while Run reads it.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// run starts the worker's Run and returns a function that stops it and
// waits for it to return; it also runs when the test ends.
func (e *env) run() (stop func()) {
	e.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.w.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				e.t.Errorf("Run: %v", err)
			}
		})
	}
	e.t.Cleanup(stop)
	return stop
}

func TestWorkerKeepsEachRecipientsOrderWhileSendingToSeveral(t *testing.T) {
	s := newGatedSender()
	s.company = true
	e := newEnv(t, map[string]outbox.Sender{"line": s})
	e.w.Concurrency = 3
	const recipients, each = 8, 12
	want := map[string][]string{}
	for i := range each {
		for r := range recipients {
			o := out(fmt.Sprintf("o-%d-%02d", r, i), fmt.Sprintf("line:U%d", r))
			want[o.To] = append(want[o.To], o.ID)
			e.enqueue(o)
		}
	}
	for range recipients * each {
		if n, err := e.w.ProcessOnce(context.Background()); err != nil {
			t.Fatal(err)
		} else if n == 0 {
			break
		}
	}
	e.wantDepth(0)
	if !reflect.DeepEqual(s.sent, want) {
		t.Errorf("sent per recipient:\n%v\nwant the order queued:\n%v", s.sent, want)
	}
	for to, most := range s.mostTo {
		if most != 1 {
			t.Errorf("%d sends to %s at once, want 1", most, to)
		}
	}
	if s.most < 2 || s.most > e.w.Concurrency {
		t.Errorf("at most %d sends at once, want from 2 to Concurrency (%d)", s.most, e.w.Concurrency)
	}
}

func TestWorkerSendsToOthersWhileOneRecipientIsSlow(t *testing.T) {
	const flood = 300
	s := newGatedSender("line:Uflood")
	e := newEnv(t, map[string]outbox.Sender{"line": s})
	e.w.Now = time.Now
	e.w.PollInterval = 10 * time.Millisecond
	var want []string
	for i := range flood {
		o := out(fmt.Sprintf("flood-%03d", i), "line:Uflood")
		want = append(want, o.ID)
		e.enqueue(o)
	}
	stop := e.run()
	t.Cleanup(s.open)         // before stopping, should the test fail
	s.waitFor(t, "flood-000") // and held

	// A reply to someone else comes a moment later, queued behind the
	// whole flood in the same stream.
	e.enqueue(out("other", sameShard(t, "line:Uflood")))
	e.w.Notify()
	s.waitFor(t, "other") // while the flood's first send is still held
	s.open()
	timeout := time.After(30 * time.Second)
	for range flood + 1 {
		select {
		case <-s.finished:
		case <-timeout:
			t.Fatalf("only %d sends of %d ended", len(s.sent["line:Uflood"]), flood)
		}
	}
	stop()
	e.wantDepth(0)
	if !reflect.DeepEqual(s.sent["line:Uflood"], want) {
		t.Errorf("the flood was sent out of order: %v", s.sent["line:Uflood"])
	}
}

// sameShard returns a recipient other than id whose entries go to the same
// outbox stream (see shardOf in adapters/redis/keys.go).
func sameShard(t testing.TB, id string) string {
	t.Helper()
	shard := func(s string) uint32 { return crc32.ChecksumIEEE([]byte(s)) % redis.Shards }
	for i := range 1000 {
		other := fmt.Sprintf("line:Uother%d", i)
		if shard(other) == shard(id) {
			return other
		}
	}
	t.Fatal("no recipient in the same shard")
	return ""
}

// touchSpy tells when the worker touched the entries it holds.
type touchSpy struct {
	outbox.Queue
	touched chan time.Duration
}

func (q touchSpy) Touch(ctx context.Context, consumer string, ds []outbox.Delivery, idle time.Duration) ([]outbox.Delivery, error) {
	lost, err := q.Queue.Touch(ctx, consumer, ds, idle)
	q.touched <- idle
	return lost, err
}

// TestWorkerKeepsWhatItHoldsFromOthersThenHandsItBack: a worker slow on
// one recipient holds that recipient's next entry longer than ReclaimIdle;
// it touches it, so another worker does not take it over (and send it out
// of order, or twice). When it stops, it hands the entry back at once.
func TestWorkerKeepsWhatItHoldsFromOthersThenHandsItBack(t *testing.T) {
	s := newGatedSender("line:U1")
	e := newEnv(t, map[string]outbox.Sender{"line": s})
	spy := touchSpy{Queue: e.q, touched: make(chan time.Duration, 100)}
	e.w.Queue = spy
	c := &clock{t: t0}
	e.w.Now = c.now
	e.w.PollInterval = 5 * time.Millisecond
	e.w.ReclaimIdle = time.Minute
	e.mr.SetTime(t0)
	e.enqueue(out("first", "line:U1"))
	e.enqueue(out("second", "line:U1"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ran := make(chan error, 1)
	go func() { ran <- e.w.Run(ctx) }()
	s.waitFor(t, "first") // held: "second" waits behind it

	// Two minutes pass in Redis and for the worker, which touches what it
	// holds.
	e.mr.SetTime(t0.Add(2 * time.Minute))
	c.set(t0.Add(2 * time.Minute))
	select {
	case idle := <-spy.touched:
		if idle != 0 {
			t.Fatalf("touched with idle %v, want 0", idle)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the worker never touched the entries it holds")
	}
	if ds, err := e.q.Reclaim(context.Background(), "other", e.w.ReclaimIdle, 10); err != nil || len(ds) != 0 {
		t.Fatalf("another worker took over %v (%v) from a live one", ids(ds), err)
	}

	// Stopping: the send in flight finishes, the entry never started is
	// handed back. The worker starts nothing once stopped, so "second" is
	// not sent even though "first" ends after the stop.
	cancel()
	s.open()
	if err := <-ran; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if idle := <-spy.touched; idle != e.w.ReclaimIdle {
		t.Errorf("handed back with idle %v, want ReclaimIdle (%v)", idle, e.w.ReclaimIdle)
	}
	if got := s.sent["line:U1"]; !reflect.DeepEqual(got, []string{"first"}) {
		t.Errorf("sent %v before stopping, want [first]", got)
	}
	ds, err := e.q.Reclaim(context.Background(), "other", e.w.ReclaimIdle, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(ds); !reflect.DeepEqual(got, []string{"second"}) {
		t.Errorf("another worker took over %v at once, want [second]", got)
	}
}

func ids(ds []outbox.Delivery) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Out.ID)
	}
	return out
}
