package line

import (
	"context"
	"log/slog"
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
// Otherwise it answers the reading with what Reserve admitted since the
// reading began added to used, so broadcasts made one after another are
// not all checked against the same used. An unlimited quota (-1) only
// needs a reading no older than QuotaMaxAge.
//
// The margin is what covers the messages this count does not see between
// two readings: the outbox's pushes (offers, reminders; replies are free)
// and broadcasts made on other replicas. A tenth of a monthly quota is far
// more than a minute's pushes (a quota spent evenly over a month is about
// limit/43,000 a minute); the minimum covers small quotas. A very large
// broadcast made on another replica within the same minute is not covered:
// each replica counts only its own.
//
// As before the cache, a broadcast scheduled for later is not counted once
// a later reading is taken (LINE counts it only when it is sent), and what
// Reserve counted for a broadcast that was then not made stays counted
// until the next reading, which only errs on the side of refusing.
type QuotaCache struct {
	src QuotaReader
	now func() time.Time
	log *slog.Logger

	mu   sync.Mutex
	last quotaReading
	// reserved is every message Reserve ever admitted; a reading keeps
	// the value it had when the read began, so the difference is what
	// LINE's count cannot hold yet.
	reserved int64
	// reads numbers the reads as they begin, so that a slow read does not
	// replace one begun after it (the clock may be set back).
	reads uint64
}

// quotaReading is one answer from LINE.
type quotaReading struct {
	ok          bool
	limit, used int64
	at          time.Time // when the read began
	reserved    int64     // QuotaCache.reserved when the read began
	seq         uint64
}

// NewQuotaCache caches src's quota; now is the clock (time.Now outside
// tests). It has no reading until Run or a request reads one.
func NewQuotaCache(src QuotaReader, now func() time.Time, log *slog.Logger) *QuotaCache {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &QuotaCache{src: src, now: now, log: log}
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
// as used if they fit. An error is LINE's, from a read in the request.
func (c *QuotaCache) Reserve(ctx context.Context, n int64) (limit, used int64, err error) {
	c.mu.Lock()
	if c.answers(n) {
		defer c.mu.Unlock()
		return c.admit(n)
	}
	c.mu.Unlock()
	if err := c.read(ctx); err != nil {
		return 0, 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// Reservations made while LINE was read are counted too.
	return c.admit(n)
}

// answers tells whether the reading may answer for n more messages without
// asking LINE. c.mu must be held.
func (c *QuotaCache) answers(n int64) bool {
	if !c.last.ok {
		return false
	}
	if age := c.now().Sub(c.last.at); age < 0 || age > QuotaMaxAge {
		return false
	}
	limit, used := c.view()
	if limit < 0 {
		return true
	}
	return limit-used-n >= max(limit/quotaMarginShare, quotaMinMargin)
}

// admit returns the reading as it stands and counts n if they fit. c.mu
// must be held, with a reading.
func (c *QuotaCache) admit(n int64) (limit, used int64, err error) {
	limit, used = c.view()
	if limit < 0 || used+n <= limit {
		c.reserved += n
	}
	return limit, used, nil
}

// view is the reading with what was reserved since it began. c.mu must be
// held.
func (c *QuotaCache) view() (limit, used int64) {
	return c.last.limit, c.last.used + c.reserved - c.last.reserved
}

// read asks LINE and keeps the answer unless a read begun later was kept
// meanwhile.
func (c *QuotaCache) read(ctx context.Context) error {
	c.mu.Lock()
	c.reads++
	r := quotaReading{ok: true, at: c.now(), reserved: c.reserved, seq: c.reads}
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

// age is how old the reading is, for the logs.
func (c *QuotaCache) age() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.last.ok {
		return "none yet"
	}
	return c.now().Sub(c.last.at).Round(time.Second).String()
}
