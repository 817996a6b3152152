package line

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeQuota is LINE's quota API: it answers limit and used, or err, and
// counts the reads.
type fakeQuota struct {
	mu          sync.Mutex
	limit, used int64
	err         error
	calls       int
	// reading, if set, is told of each read and the read waits for release.
	reading chan struct{}
	release chan struct{}
}

func (f *fakeQuota) Quota(ctx context.Context) (int64, int64, error) {
	f.mu.Lock()
	f.calls++
	reading, release := f.reading, f.release
	f.mu.Unlock()
	if reading != nil {
		reading <- struct{}{}
		<-release
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.limit, f.used, f.err
}

func (f *fakeQuota) set(limit, used int64, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.limit, f.used, f.err = limit, used, err
}

func (f *fakeQuota) reads() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// fakeClock is a clock a test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newQuotaCache(t *testing.T, limit, used int64) (*QuotaCache, *fakeQuota, *fakeClock) {
	t.Helper()
	src := &fakeQuota{limit: limit, used: used}
	clock := &fakeClock{now: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	return NewQuotaCache(src, nil, clock.Now, nil), src, clock
}

// TestQuotaCacheAnswersWhenItIsSafe reads LINE once (the background refresh),
// lets time pass and LINE's figures change, then asks for n messages: the
// reading answers, with what was admitted within QuotaWindow added, unless
// it is too old or the broadcast would come near the limit.
func TestQuotaCacheAnswersWhenItIsSafe(t *testing.T) {
	type ask struct {
		n         int64
		wantLimit int64
		wantUsed  int64
	}
	tests := []struct {
		name        string
		limit, used int64 // LINE's figures at the reading
		after       time.Duration
		now         [2]int64 // LINE's figures when asked
		asks        []ask
		wantReads   int // reads in the requests
	}{
		{name: "a recent reading far from the limit answers without a call",
			limit: 10000, used: 1000, after: time.Minute, now: [2]int64{10000, 2000},
			asks: []ask{{10, 10000, 1000}}},
		{name: "what was admitted since the reading is added to used",
			limit: 10000, used: 1000, after: time.Minute, now: [2]int64{10000, 1000},
			asks: []ask{{3000, 10000, 1000}, {2000, 10000, 4000}, {0, 10000, 6000}}},
		{name: "a reading older than the max age is read again",
			limit: 10000, used: 1000, after: QuotaMaxAge + time.Second, now: [2]int64{10000, 2000},
			asks: []ask{{10, 10000, 2000}}, wantReads: 1},
		{name: "a reading at the max age still answers",
			limit: 10000, used: 1000, after: QuotaMaxAge, now: [2]int64{10000, 2000},
			asks: []ask{{10, 10000, 1000}}},
		{name: "under a tenth of the limit left, every request reads LINE",
			limit: 10000, used: 9100, after: time.Second, now: [2]int64{10000, 9990},
			asks: []ask{{1, 10000, 9990}, {1, 10000, 9991}}, wantReads: 2},
		{name: "a broadcast that would leave under a tenth reads LINE",
			limit: 10000, used: 1000, after: time.Second, now: [2]int64{10000, 1500},
			asks: []ask{{8001, 10000, 1500}}, wantReads: 1},
		{name: "the last message above the margin is answered from the reading",
			limit: 10000, used: 1000, after: time.Second, now: [2]int64{10000, 1500},
			asks: []ask{{8000, 10000, 1000}}},
		// LINE may have counted the 4,000 already: counting them again
		// for QuotaWindow errs on the side of refusing, near the limit.
		{name: "admitted messages bring the limit near: LINE is read, and they still count",
			limit: 10000, used: 1000, after: time.Second, now: [2]int64{10000, 5000},
			asks: []ask{{4000, 10000, 1000}, {4001, 10000, 9000}}, wantReads: 1},
		{name: "a small quota is read within the minimum margin",
			limit: 200, used: 50, after: time.Second, now: [2]int64{200, 60},
			asks: []ask{{50, 200, 50}, {1, 200, 110}}, wantReads: 1},
		{name: "what does not fit is not counted",
			limit: 10000, used: 1000, after: time.Second, now: [2]int64{10000, 1000},
			asks: []ask{{9500, 10000, 1000}, {0, 10000, 1000}}, wantReads: 1},
		{name: "an unlimited quota answers from the reading",
			limit: -1, used: 5_000_000, after: time.Minute, now: [2]int64{1000, 999},
			asks: []ask{{1_000_000, -1, 5_000_000}, {1, -1, 6_000_000}}},
		{name: "an unlimited quota is read again after the max age",
			limit: -1, used: 0, after: QuotaMaxAge + time.Second, now: [2]int64{1000, 999},
			asks: []ask{{1, 1000, 999}}, wantReads: 1},
		{name: "a reading from the future is not trusted",
			limit: 10000, used: 1000, after: -time.Second, now: [2]int64{10000, 2000},
			asks: []ask{{10, 10000, 2000}}, wantReads: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, src, clock := newQuotaCache(t, tt.limit, tt.used)
			if err := c.read(context.Background()); err != nil {
				t.Fatal(err)
			}
			clock.Advance(tt.after)
			src.set(tt.now[0], tt.now[1], nil)
			for i, a := range tt.asks {
				limit, used, err := c.Reserve(context.Background(), a.n)
				if err != nil || limit != a.wantLimit || used != a.wantUsed {
					t.Fatalf("ask %d for %d: %d, %d, %v; want %d, %d", i, a.n, limit, used, err, a.wantLimit, a.wantUsed)
				}
			}
			if got := src.reads() - 1; got != tt.wantReads {
				t.Fatalf("LINE read %d times in the requests, want %d", got, tt.wantReads)
			}
		})
	}
}

// TestQuotaCacheWithoutAReadingReadsLINE: before the first refresh the
// request reads LINE, and that reading answers the next request.
func TestQuotaCacheWithoutAReadingReadsLINE(t *testing.T) {
	c, src, _ := newQuotaCache(t, 10000, 1000)
	if limit, used, err := c.Quota(context.Background()); err != nil || limit != 10000 || used != 1000 {
		t.Fatalf("first: %d, %d, %v", limit, used, err)
	}
	if limit, used, err := c.Reserve(context.Background(), 5); err != nil || limit != 10000 || used != 1000 {
		t.Fatalf("second: %d, %d, %v", limit, used, err)
	}
	if src.reads() != 1 {
		t.Fatalf("LINE read %d times, want 1", src.reads())
	}
}

// TestQuotaCacheKeepsItsReadingWhenARefreshFails: a failed refresh leaves
// the last reading answering until it is too old; then the request reads
// LINE and its error is the request's.
func TestQuotaCacheKeepsItsReadingWhenARefreshFails(t *testing.T) {
	c, src, clock := newQuotaCache(t, 10000, 1000)
	if err := c.read(context.Background()); err != nil {
		t.Fatal(err)
	}
	down := errors.New("line quota: 500")
	src.set(0, 0, down)
	clock.Advance(time.Minute)
	if err := c.read(context.Background()); !errors.Is(err, down) {
		t.Fatalf("refresh: %v, want %v", err, down)
	}
	clock.Advance(QuotaMaxAge - time.Minute)
	if limit, used, err := c.Reserve(context.Background(), 10); err != nil || limit != 10000 || used != 1000 {
		t.Fatalf("within the max age: %d, %d, %v; want the last reading", limit, used, err)
	}
	clock.Advance(time.Second)
	if _, _, err := c.Reserve(context.Background(), 10); !errors.Is(err, down) {
		t.Fatalf("past the max age: %v, want LINE's error", err)
	}
	if src.reads() != 3 {
		t.Fatalf("LINE read %d times, want 3", src.reads())
	}
}

// TestQuotaCacheCountsWhatWasAdmittedDuringARead: a broadcast admitted
// while a refresh is under way is not in LINE's figures yet, so it stays
// counted after the new reading.
func TestQuotaCacheCountsWhatWasAdmittedDuringARead(t *testing.T) {
	c, src, clock := newQuotaCache(t, 10000, 1000)
	if err := c.read(context.Background()); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	src.mu.Lock()
	src.reading, src.release = make(chan struct{}), make(chan struct{})
	src.mu.Unlock()
	done := make(chan error)
	go func() { done <- c.read(context.Background()) }()
	<-src.reading
	if _, used, err := c.Reserve(context.Background(), 300); err != nil || used != 1000 {
		t.Fatalf("during the read: %d, %v", used, err)
	}
	src.set(10000, 1200, nil) // pushes, not the broadcast
	close(src.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, used, err := c.Quota(context.Background()); err != nil || used != 1500 {
		t.Fatalf("after the read: used %d, %v; want 1200 from LINE and the 300 admitted", used, err)
	}
}

// TestQuotaCacheAdmitsAtMostTheRoomAtOnce asks from many goroutines at once:
// the reading answers while room above the margin is left, and no more; the
// rest read LINE, which is down.
func TestQuotaCacheAdmitsAtMostTheRoomAtOnce(t *testing.T) {
	c, src, _ := newQuotaCache(t, 1_000_000, 0)
	if err := c.read(context.Background()); err != nil {
		t.Fatal(err)
	}
	src.set(0, 0, errors.New("line quota: down"))
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		admitted int
	)
	for range 100 {
		wg.Go(func() {
			limit, used, err := c.Reserve(context.Background(), 10_000)
			if err == nil && used+10_000 <= limit {
				mu.Lock()
				admitted++
				mu.Unlock()
			}
		})
		wg.Go(func() { _, _, _ = c.Quota(context.Background()) })
	}
	wg.Wait()
	// 90 leave 100,000, the margin; the 91st would leave less.
	if admitted != 90 {
		t.Fatalf("admitted %d, want 90", admitted)
	}
	if _, used, err := c.Quota(context.Background()); err != nil || used != 900_000 {
		t.Fatalf("used %d, %v; want 900000", used, err)
	}
}

// TestQuotaCacheRunRefreshesAndLogsFailures runs the background loop
// against a LINE that fails: it reads at once, again each period, warns,
// and stops with its context.
func TestQuotaCacheRunRefreshesAndLogsFailures(t *testing.T) {
	src := &fakeQuota{err: errors.New("line quota: 503"), reading: make(chan struct{}), release: make(chan struct{})}
	close(src.release)
	var logs bytes.Buffer
	var mu sync.Mutex
	c := NewQuotaCache(src, nil, time.Now, slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		c.Run(ctx, time.Millisecond)
		close(stopped)
	}()
	<-src.reading // the first read, at once
	<-src.reading // the next one: the first was logged before the wait
	cancel()
	go func() {
		for range src.reading { // a read that began as ctx ended
		}
	}()
	<-stopped
	close(src.reading)
	mu.Lock()
	defer mu.Unlock()
	if got := logs.String(); !strings.Contains(got, "level=WARN") || !strings.Contains(got, "503") || !strings.Contains(got, "none yet") {
		t.Fatalf("logs: %s", got)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestQuotaCacheCountsOtherReplicasAdmissions has two replicas share a
// ledger: what one admits from its reading counts on the other, whose own
// reading is from before, so together they cannot run the quota out.
func TestQuotaCacheCountsOtherReplicasAdmissions(t *testing.T) {
	ctx := context.Background()
	src := &fakeQuota{limit: 10000, used: 2000}
	clock := &fakeClock{now: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	shared := &localLedger{}
	a := NewQuotaCache(src, shared, clock.Now, nil)
	b := NewQuotaCache(src, shared, clock.Now, nil)
	for _, c := range []*QuotaCache{a, b} {
		if err := c.read(ctx); err != nil {
			t.Fatal(err)
		}
	}
	reads := src.reads()

	// A admits 5,000 from its reading: 3,000 left, above the margin.
	if limit, used, err := a.Reserve(ctx, 5000); err != nil || limit != 10000 || used != 2000 {
		t.Fatalf("A: %d of %d, %v; want 2000 of 10000", used, limit, err)
	}
	if src.reads() != reads {
		t.Fatalf("A read LINE far from the limit")
	}
	// B's reading is from before A's broadcast; the ledger tells it.
	limit, used, err := b.Reserve(ctx, 5000)
	if err != nil {
		t.Fatal(err)
	}
	if used != 7000 || used+5000 <= limit {
		t.Errorf("B sees %d of %d used before 5,000 more; want 7,000, refused", used, limit)
	}
	if src.reads() != reads+1 {
		t.Errorf("B read LINE %d times near the limit, want once", src.reads()-reads)
	}
	if got, _, _ := shared.AdmitUpTo(ctx, clock.Now().Add(-QuotaWindow), clock.Now(), 0, math.MaxInt64); got != 5000 {
		t.Errorf("ledger = %d, want only A's 5,000 admitted", got)
	}

	// Once sent, LINE counts A's broadcast; past QuotaWindow the ledger
	// stops counting it.
	clock.Advance(QuotaWindow + time.Second)
	src.set(10000, 7000, nil)
	if _, used, err := b.Reserve(ctx, 2000); err != nil || used != 7000 {
		t.Errorf("after the window B sees %d used (%v), want LINE's 7,000", used, err)
	}
}
