package metrics

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// fakeStore counts reads and answers with the value (or error) set.
type fakeStore struct {
	reads    atomic.Int32
	value    atomic.Int64
	fail     atomic.Bool
	deadline atomic.Bool
}

func (f *fakeStore) read(ctx context.Context) (float64, error) {
	f.reads.Add(1)
	_, ok := ctx.Deadline()
	f.deadline.Store(ok)
	if f.fail.Load() {
		return 0, errors.New("redis: connection refused")
	}
	return float64(f.value.Load()), nil
}

func TestCachedGaugeReadsAtMostOncePerTTL(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := t0
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	set := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); clock = t0.Add(d) }
	store := &fakeStore{}
	store.value.Store(7)
	reg := prometheus.NewRegistry()
	New(reg, Cached(store.read, 5*time.Second, time.Second, now))

	steps := []struct {
		name      string
		at        time.Duration
		scrapes   int
		value     int64 // what the store holds now
		fail      bool
		wantReads int32 // reads so far
		wantLine  string
	}{
		{"the first scrape reads", 0, 1, 7, false, 1, "tsunagu_outbox_depth 7"},
		{"a hundred scrapes within the TTL read nothing", 4 * time.Second, 100, 9, false, 1, "tsunagu_outbox_depth 7"},
		{"the first scrape after the TTL reads again", 5 * time.Second, 10, 9, false, 2, "tsunagu_outbox_depth 9"},
		{"a failed read shows -1", 10 * time.Second, 1, 9, true, 3, "tsunagu_outbox_depth -1"},
		{"and is kept for the TTL too", 14 * time.Second, 50, 9, false, 3, "tsunagu_outbox_depth -1"},
		{"then the store is asked again", 15 * time.Second, 1, 4, false, 4, "tsunagu_outbox_depth 4"},
		{"a clock set back reads again", time.Second, 1, 5, false, 5, "tsunagu_outbox_depth 5"},
	}
	for _, st := range steps {
		set(st.at)
		store.value.Store(st.value)
		store.fail.Store(st.fail)
		var got string
		for range st.scrapes {
			got = scrape(t, reg)
		}
		if n := store.reads.Load(); n != st.wantReads {
			t.Errorf("%s: %d reads, want %d", st.name, n, st.wantReads)
		}
		if !strings.Contains(got, "\n"+st.wantLine+"\n") {
			t.Errorf("%s: output lacks %q", st.name, st.wantLine)
		}
	}
	if !store.deadline.Load() {
		t.Error("the store was read without a deadline")
	}
}

func TestCachedGaugeSharesOneReadAmongConcurrentScrapes(t *testing.T) {
	release := make(chan struct{})
	var reads atomic.Int32
	slow := func(context.Context) (float64, error) {
		reads.Add(1)
		<-release
		return 3, nil
	}
	gauge := Cached(slow, 5*time.Second, time.Second, func() time.Time { return time.Unix(0, 0) })
	var wg sync.WaitGroup
	got := make([]float64, 20)
	for i := range got {
		wg.Add(1)
		go func() { defer wg.Done(); got[i] = gauge() }()
	}
	close(release)
	wg.Wait()
	if n := reads.Load(); n != 1 {
		t.Errorf("%d concurrent scrapes made %d reads, want 1", len(got), n)
	}
	for i, v := range got {
		if v != 3 {
			t.Errorf("scrape %d = %v, want 3", i, v)
		}
	}
}
