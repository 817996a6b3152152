package matching

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"tsunagu/bot"
)

// Source is where a Live index reads people: everyone, one person, and the
// feed of changes (the Redis store in the service).
type Source interface {
	// Each calls fn for every person with their conversation.
	Each(ctx context.Context, fn func(*bot.Profile, bot.Conversation)) error
	// Load returns one person's state; a nil profile means they are gone.
	Load(ctx context.Context, profileID, eventID string) (bot.Snapshot, error)
	// Watch follows the published changes until ctx ends or the feed
	// breaks: rebuild when changes may have been missed, changed per
	// person changed.
	Watch(ctx context.Context, rebuild func(context.Context) error, changed func(context.Context, string)) error
}

// Live is a replica's matching index kept fresh from a Source: rebuilt at
// start and whenever changes may have been missed, and every published
// change of a person applied as it comes. A match never reads the Source.
type Live struct {
	src    Source
	labels Labels
	loc    *time.Location
	now    func() time.Time
	log    *slog.Logger

	// rebuilding lets one rebuild run at a time. It does not hold mu
	// while it reads everyone (20 s at a million people): updates, which
	// the webhooks make as they commit, go on meanwhile, to the index in
	// use and to pending, and the rebuild replays them on its new index
	// before swapping it in.
	rebuilding sync.Mutex

	mu       sync.Mutex // serializes updates, and the swap
	pending  *[]update  // while a rebuild reads: the updates since it started
	ix       atomic.Pointer[Index]
	recounts *recounts   // when people's counts move; under mu
	built    atomic.Bool // a rebuild has succeeded: the index holds everyone
	// tried is closed once a rebuild has been tried (see Tried).
	tried     chan struct{}
	triedOnce sync.Once
}

var (
	_ bot.Matcher       = (*Live)(nil)
	_ bot.AudienceIndex = (*Live)(nil)
)

// NewLive returns an empty live index over src; Rebuild or Run fill it.
func NewLive(src Source, labels Labels, loc *time.Location, log *slog.Logger) *Live {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if loc == nil {
		loc = time.Local // as everywhere else a zone is left unset
	}
	l := &Live{src: src, labels: labels, loc: loc, now: time.Now, log: log, tried: make(chan struct{}), recounts: newRecounts()}
	l.ix.Store(l.empty())
	return l
}

// UseClock makes now the index's clock, time.Now by default: the counts
// of the last 30 days and of this week are counted at its time. Call it
// before the index is used.
func (l *Live) UseClock(now func() time.Time) { l.now = now }

func (l *Live) empty() *Index {
	ix := NewIndex(l.loc)
	if l.labels != nil {
		ix.SetLabels(l.labels)
	}
	return ix
}

// person is what matching knows of a profile: its own facts and the counts
// its offers give, with when those counts move (zero: never by time alone).
func (l *Live) person(p *bot.Profile, c bot.Conversation) (Person, time.Time) {
	mp := FromProfile(p)
	now := l.now()
	mp.RecentOffers, mp.RecentAssignments, mp.AssignedThisWeek = c.Recent(now, l.loc)
	return mp, c.RecentUntil(now, l.loc)
}

// update is one person's new state in the index: gone when p is nil; due
// is when their counts move.
type update struct {
	id  string
	p   *Person
	due time.Time
}

// newUpdate is the update putting p (nil: gone) in the index.
func (l *Live) newUpdate(id string, p *bot.Profile, c bot.Conversation) update {
	u := update{id: id}
	if p != nil {
		mp, due := l.person(p, c)
		u.p, u.due = &mp, due
	}
	return u
}

// Rebuild reads everyone into a fresh index and swaps it in. Updates made
// while it reads are not held up: they are replayed on the new index, in
// their order, after what it read, so that the newest state wins.
func (l *Live) Rebuild(ctx context.Context) error {
	l.rebuilding.Lock()
	defer l.rebuilding.Unlock()
	defer l.triedOnce.Do(func() { close(l.tried) })
	start := time.Now()
	l.mu.Lock()
	l.pending = new([]update)
	l.mu.Unlock()

	ix, rc := l.empty(), newRecounts()
	err := l.src.Each(ctx, func(p *bot.Profile, c bot.Conversation) {
		mp, due := l.person(p, c)
		ix.Upsert(mp)
		rc.set(p.ID, due)
	})

	l.mu.Lock()
	defer l.mu.Unlock()
	pending := *l.pending
	l.pending = nil
	if err != nil {
		l.log.WarnContext(ctx, "match index rebuild failed", "err", err)
		return err
	}
	for _, u := range pending {
		u.to(ix, rc)
	}
	l.ix.Store(ix)
	l.recounts = rc
	l.built.Store(true)
	l.log.InfoContext(ctx, "match index rebuilt", "people", ix.Len(), "replayed", len(pending), "recounts", rc.len(), "took", time.Since(start))
	return nil
}

// to applies u to ix and its moment to rc.
func (u update) to(ix *Index, rc *recounts) {
	rc.set(u.id, u.due)
	if u.p == nil {
		ix.Remove(u.id)
		return
	}
	ix.Upsert(*u.p)
}

// apply makes u in the index in use, and notes it for a running rebuild.
// The caller holds mu.
func (l *Live) apply(u update) {
	u.to(l.ix.Load(), l.recounts)
	if l.pending != nil {
		*l.pending = append(*l.pending, u)
	}
}

// Changed applies the current state of one person.
func (l *Live) Changed(ctx context.Context, id string) {
	if err := l.reload(ctx, id); err != nil {
		l.log.WarnContext(ctx, "match index update failed", "profile", id, "err", err)
	}
}

// reload reads one person and applies what it read. It reads under mu, so
// that a commit of this replica (Apply) made after the read lands after
// it, never before.
func (l *Live) reload(ctx context.Context, id string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	snap, err := l.src.Load(ctx, id, "")
	if err != nil {
		return err
	}
	l.apply(l.newUpdate(id, snap.Profile, snap.Conv))
	return nil
}

// recountRetry is how soon a person whose recount failed is tried again.
const recountRetry = time.Minute

// Recount reads again the people whose counts have moved since they were
// put in the index (see recounts), and returns how many it read.
func (l *Live) Recount(ctx context.Context) int {
	l.mu.Lock()
	ids := l.recounts.take(l.now())
	l.mu.Unlock()
	failed := 0
	for _, id := range ids {
		if err := l.reload(ctx, id); err != nil {
			failed++
			l.mu.Lock()
			l.recounts.setIfNone(id, l.now().Add(recountRetry))
			l.mu.Unlock()
		}
	}
	if failed > 0 {
		l.log.WarnContext(ctx, "match index recount failed for some", "people", len(ids), "failed", failed)
	}
	return len(ids)
}

// Apply puts one person's committed state in the index (nil: gone), for
// the replica that committed it; the feed brings it to the others.
func (l *Live) Apply(id string, p *bot.Profile, c bot.Conversation) {
	u := l.newUpdate(id, p, c)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.apply(u)
}

// Tried is closed once a rebuild has been tried, successful or not: a
// replica serves once the index holds everyone, or once it is known that
// Redis cannot tell yet.
func (l *Live) Tried() <-chan struct{} { return l.tried }

// RecountEvery is how often Run reads again the people whose counts have
// moved: a count is at most this late.
const RecountEvery = time.Minute

// Run follows the published changes until ctx ends, rebuilding at start
// (once subscribed, so that no change falls between the two), after a
// reconnection and every refresh as a safety net, and recounting every
// RecountEvery.
func (l *Live) Run(ctx context.Context, refresh time.Duration) {
	go func() {
		rebuild, recount := time.NewTicker(refresh), time.NewTicker(RecountEvery)
		defer rebuild.Stop()
		defer recount.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-rebuild.C:
				_ = l.Rebuild(ctx)
			case <-recount.C:
				l.Recount(ctx)
			}
		}
	}()
	for ctx.Err() == nil {
		if err := l.src.Watch(ctx, l.Rebuild, l.Changed); err != nil && ctx.Err() == nil {
			l.log.WarnContext(ctx, "profile feed stopped; retrying", "err", err)
			select {
			case <-l.tried:
			default:
				// Not subscribed at start: try a rebuild anyway, so that
				// Tried tells the replica waiting for it.
				_ = l.Rebuild(ctx)
			}
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
}

// Candidates implements bot.Matcher.
func (l *Live) Candidates(t *bot.Task, exclude func(string) bool, limit int) []bot.Candidate {
	found := l.ix.Load().Match(TaskOf(t), exclude, limit)
	out := make([]bot.Candidate, len(found))
	for i, c := range found {
		out[i] = bot.Candidate{ID: c.ID, Reasons: c.Reasons}
	}
	return out
}

// Audience implements bot.AudienceIndex. Until a rebuild has succeeded
// the index may be missing people, so it does not answer.
func (l *Live) Audience(aud bot.Audience) (bot.Recipients, bool) {
	if !l.built.Load() {
		return bot.Recipients{}, false
	}
	return l.ix.Load().Audience(aud), true
}

// TaskOf is what matching needs of a task.
func TaskOf(t *bot.Task) Task {
	return Task{ID: t.ID, Skills: t.Skills, RequireAll: t.RequireAll, Area: t.Area, Remote: t.Remote, Start: t.Start, End: t.End}
}
