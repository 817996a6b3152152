package outbox_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"tsunagu/adapters/outbox"
	"tsunagu/bot"
)

// platformSender takes latency per send, as a platform call does, and
// tells when the entry "other" was sent and when everything was.
type platformSender struct {
	latency time.Duration
	want    int
	sent    int
	other   chan struct{}
	all     chan struct{}
}

func (s *platformSender) Send(_ context.Context, o bot.Outgoing, _ int) error {
	time.Sleep(s.latency) // the platform's time, not a wait for a result
	if o.ID == "other" {
		close(s.other)
	}
	// Sends to one recipient never overlap, and "other" is the only other
	// recipient: counting under no lock is safe only with the flood's
	// sends, so it counts those.
	if o.To == "line:Uflood" {
		if s.sent++; s.sent == s.want {
			close(s.all)
		}
	}
	return nil
}

// BenchmarkWorkerFlood measures, with a platform taking 5ms per call, how
// long a reply queued just behind one person's 300 entries (in the same
// stream) waits to be sent, and how long the flood takes, for one send at
// a time and for the default concurrency.
func BenchmarkWorkerFlood(b *testing.B) {
	const flood, latency = 300, 5 * time.Millisecond
	for _, c := range []int{1, outbox.DefaultConcurrency} {
		b.Run(fmt.Sprintf("concurrency=%d", c), func(b *testing.B) {
			var other, all time.Duration
			for range b.N {
				s := &platformSender{latency: latency, want: flood, other: make(chan struct{}), all: make(chan struct{})}
				e := newEnv(b, map[string]outbox.Sender{"line": s})
				e.w.Now = time.Now
				e.w.Concurrency = c
				for i := range flood {
					e.enqueue(out(fmt.Sprintf("flood-%03d", i), "line:Uflood"))
				}
				e.enqueue(out("other", sameShard(b, "line:Uflood")))
				start := time.Now()
				stop := e.run()
				<-s.other
				other += time.Since(start)
				<-s.all
				all += time.Since(start)
				stop()
			}
			b.ReportMetric(float64(other.Milliseconds())/float64(b.N), "ms-other")
			b.ReportMetric(float64(all.Milliseconds())/float64(b.N), "ms-flood")
		})
	}
}

// countingSender takes latency per send and tells when n sends are done.
type countingSender struct {
	latency time.Duration
	left    atomic.Int64
	all     chan struct{}
}

func (s *countingSender) Send(context.Context, bot.Outgoing, int) error {
	time.Sleep(s.latency) // the platform's time, not a wait for a result
	if s.left.Add(-1) == 0 {
		close(s.all)
	}
	return nil
}

// BenchmarkWorkerManyRecipients measures how long 512 entries to 64
// people take to send, with a platform taking 5ms per call.
func BenchmarkWorkerManyRecipients(b *testing.B) {
	const people, each, latency = 64, 8, 5 * time.Millisecond
	for _, c := range []int{1, outbox.DefaultConcurrency} {
		b.Run(fmt.Sprintf("concurrency=%d", c), func(b *testing.B) {
			var all time.Duration
			for range b.N {
				s := &countingSender{latency: latency, all: make(chan struct{})}
				s.left.Store(people * each)
				e := newEnv(b, map[string]outbox.Sender{"line": s})
				e.w.Now = time.Now
				e.w.Concurrency = c
				for i := range each {
					for p := range people {
						e.enqueue(out(fmt.Sprintf("o-%d-%d", p, i), fmt.Sprintf("line:U%d", p)))
					}
				}
				start := time.Now()
				stop := e.run()
				<-s.all
				all += time.Since(start)
				stop()
			}
			b.ReportMetric(float64(all.Milliseconds())/float64(b.N), "ms-all")
		})
	}
}
