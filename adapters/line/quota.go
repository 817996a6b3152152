package line

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"tsunagu/bot"
)

// How QuotaCache trusts a reading.
const (
	// QuotaMaxAge is how old a reading may be and still answer: past it
	// (the background refreshes have been failing) LINE is read in the
	// request, as if there were no cache.
	QuotaMaxAge = 5 * time.Minute
	// quotaMarginShare and quotaMinMargin make the headroom, in messages,
	// under which LINE is read in the request: a tenth of the limit, and
	// at least quotaMinMargin (see QuotaCache).
	quotaMarginShare = 10
	quotaMinMargin   = 100
	// quotaReadTimeout bounds one background read (two calls).
	quotaReadTimeout = 10 * time.Second
)

// QuotaReader reads LINE's monthly message quota: *Sender.
type QuotaReader interface {
	Quota(ctx context.Context) (limit, used int64, err error)
}

// QuotaLedger counts the messages broadcasts were admitted for lately,
// shared by every replica (adapters/redis.QuotaLedger), so that what one
// replica admitted counts on all of them.
type QuotaLedger interface {
	// AdmitUpTo counts n messages admitted at now if the messages admitted
	// after since would then come to at most ceiling, in one atomic step,
	// and returns what those came to before. Admissions before since are
	// forgotten.
	AdmitUpTo(ctx context.Context, since, now time.Time, n, ceiling int64) (before int64, admitted bool, err error)
}

// QuotaWindow is how long an admitted broadcast counts on top of LINE's
// own count: long enough for it to be sent and for LINE to count it (a
// million recipients take about ten seconds). Counted twice for a while
// after, it only errs on the side of refusing, and only near the limit.
const QuotaWindow = 10 * time.Minute

var (
	_ QuotaReader           = (*Sender)(nil)
	_ bot.LINEQuotaReserver = (*QuotaCache)(nil)
)

// QuotaCache answers LINE's monthly quota for new broadcasts from a reading
// that Run refreshes in the background, so that a coordinator does not wait
// for LINE's two quota calls (a Slack interaction has 3 seconds). A cached
// answer must not let a broadcast run the quota out, so a request still reads
// LINE itself when:
//
//   - there is no reading, or it is older than QuotaMaxAge;
//   - the headroom left after the broadcast, limit - used - n, would be
//     under the margin: a tenth of the limit, at least quotaMinMargin
//     messages. Near the limit every answer, and every refusal, is LINE's own.
//
// Every answer, cached or read, adds to LINE's used what any replica
// admitted within QuotaWindow (the ledger): broadcasts made one after
// another, here or on another replica, are not all checked against the
// same used, nor is one LINE has not counted yet (still sending) missed.
// Checking and counting are one step of the ledger. An unlimited quota
// (-1) only needs a reading no older than QuotaMaxAge.
//
// The margin is what covers the messages the ledger does not see between
// two readings: the outbox's pushes (offers, reminders; replies are free).
// A tenth of a monthly quota is far more than a minute's pushes (a quota
// spent evenly over a month is about limit/43,000 a minute); the minimum
// covers small quotas.
//
// As before the cache, a broadcast scheduled for later is not counted once
// a later reading is taken (LINE counts it only when it is sent), and what
// Reserve counted for a broadcast that was then not made stays counted
// until the next reading, which only errs on the side of refusing.
type QuotaCache struct {
	src    QuotaReader
	ledger QuotaLedger
	now    func() time.Time
	log    *slog.Logger

	mu   sync.Mutex
	last quotaReading
	// reads numbers the reads as they begin, so that a slow read does not
	// replace one begun after it (the clock may be set back).
	reads uint64
}

// quotaReading is one answer from LINE.
type quotaReading struct {
	ok          bool
	limit, used int64
	at          time.Time // when the read began
	seq         uint64
}

// NewQuotaCache caches src's quota, counting admissions in ledger (nil: in
// this process only); now is the clock (time.Now outside tests). It has no
// reading until Run or a request reads one.
func NewQuotaCache(src QuotaReader, ledger QuotaLedger, now func() time.Time, log *slog.Logger) *QuotaCache {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if ledger == nil {
		ledger = &localLedger{}
	}
	return &QuotaCache{src: src, ledger: ledger, now: now, log: log}
}

// Run reads LINE's quota now and then every period until ctx ends. A failed
// read is logged and the last reading kept: requests read LINE themselves
// once it is older than QuotaMaxAge.
func (c *QuotaCache) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		rctx, cancel := context.WithTimeout(ctx, quotaReadTimeout)
		err := c.read(rctx)
		cancel()
		if err != nil && ctx.Err() == nil {
			c.log.WarnContext(ctx, "LINE quota not refreshed: broadcasts use the last reading while it is recent, then read LINE themselves",
				"err", err, "reading_age", c.age())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Quota implements bot.LINEQuota: the quota as Reserve would answer it for
// no message.
func (c *QuotaCache) Quota(ctx context.Context) (limit, used int64, err error) {
	return c.Reserve(ctx, 0)
}

// Reserve implements bot.LINEQuotaReserver: LINE's quota before n more
// messages, from the reading or from LINE (see QuotaCache), and n counted
// as used if they fit. An error is LINE's or the ledger's.
func (c *QuotaCache) Reserve(ctx context.Context, n int64) (limit, used int64, err error) {
	if r, ok := c.reading(); ok {
		limit, used, admitted, err := c.admit(ctx, r, n, true)
		if err != nil || admitted {
			return limit, used, err
		}
	}
	if err := c.read(ctx); err != nil {
		return 0, 0, err
	}
	r, _ := c.reading()
	limit, used, _, err = c.admit(ctx, r, n, false)
	return limit, used, err
}

// reading returns the reading if it may answer: there is one, no older
// than QuotaMaxAge.
func (c *QuotaCache) reading() (quotaReading, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.last.ok {
		return quotaReading{}, false
	}
	if age := c.now().Sub(c.last.at); age < 0 || age > QuotaMaxAge {
		return quotaReading{}, false
	}
	return c.last, true
}

// admit counts n in the ledger if they fit the reading r, and returns r's
// limit and the used it comes to before n. With margin, n fit only if the
// margin is left after them (else admitted is false and LINE is to be
// read); without, if they fit at all.
func (c *QuotaCache) admit(ctx context.Context, r quotaReading, n int64, margin bool) (limit, used int64, admitted bool, err error) {
	// used = r.used + recent, so used + n <= limit - keep is
	// recent + n <= limit - keep - r.used.
	ceiling := int64(math.MaxInt64)
	if r.limit >= 0 {
		keep := int64(0)
		if margin {
			keep = max(r.limit/quotaMarginShare, quotaMinMargin)
		}
		ceiling = r.limit - keep - r.used
	}
	now := c.now()
	recent, admitted, err := c.ledger.AdmitUpTo(ctx, now.Add(-QuotaWindow), now, n, ceiling)
	if err != nil {
		return 0, 0, false, fmt.Errorf("line quota: %w", err)
	}
	return r.limit, r.used + recent, admitted, nil
}

// read asks LINE and keeps the answer unless a read begun later was kept
// meanwhile.
func (c *QuotaCache) read(ctx context.Context) error {
	c.mu.Lock()
	c.reads++
	r := quotaReading{ok: true, at: c.now(), seq: c.reads}
	c.mu.Unlock()
	var err error
	if r.limit, r.used, err = c.src.Quota(ctx); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if r.seq > c.last.seq {
		c.last = r
	}
	return nil
}

// localLedger is a QuotaLedger for one process.
type localLedger struct {
	mu      sync.Mutex
	entries []admission // oldest first
}

type admission struct {
	at time.Time
	n  int64
}

func (l *localLedger) AdmitUpTo(_ context.Context, since, now time.Time, n, ceiling int64) (int64, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for len(l.entries) > 0 && !l.entries[0].at.After(since) {
		l.entries = l.entries[1:]
	}
	var before int64
	for _, a := range l.entries {
		before += a.n
	}
	if before+n > ceiling {
		return before, false, nil
	}
	if n > 0 {
		l.entries = append(l.entries, admission{at: now, n: n})
	}
	return before, true, nil
}

// age is how old the reading is, for the logs.
func (c *QuotaCache) age() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.last.ok {
		return "none yet"
	}
	return c.now().Sub(c.last.at).Round(time.Second).String()
}
