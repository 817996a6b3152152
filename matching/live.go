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

	mu      sync.Mutex // serializes updates, and the swap
	pending *[]update  // while a rebuild reads: the updates since it started
	ix      atomic.Pointer[Index]
	built   atomic.Bool // a rebuild has succeeded: the index holds everyone
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
	l := &Live{src: src, labels: labels, loc: loc, now: time.Now, log: log, tried: make(chan struct{})}
	l.ix.Store(l.empty())
	return l
}

func (l *Live) empty() *Index {
	ix := NewIndex(l.loc)
	if l.labels != nil {
		ix.SetLabels(l.labels)
	}
	return ix
}

// person is what matching knows of a profile: its own facts and the counts
// its offers give.
func (l *Live) person(p *bot.Profile, c bot.Conversation) Person {
	mp := FromProfile(p)
	mp.RecentOffers, mp.RecentAssignments, mp.AssignedThisWeek = c.Recent(l.now(), l.loc)
	return mp
}

// update is one person's new state in the index: gone when p is nil.
type update struct {
	id string
	p  *Person
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

	ix := l.empty()
	err := l.src.Each(ctx, func(p *bot.Profile, c bot.Conversation) { ix.Upsert(l.person(p, c)) })

	l.mu.Lock()
	defer l.mu.Unlock()
	pending := *l.pending
	l.pending = nil
	if err != nil {
		l.log.WarnContext(ctx, "match index rebuild failed", "err", err)
		return err
	}
	for _, u := range pending {
		u.to(ix)
	}
	l.ix.Store(ix)
	l.built.Store(true)
	l.log.InfoContext(ctx, "match index rebuilt", "people", ix.Len(), "replayed", len(pending), "took", time.Since(start))
	return nil
}

// to applies u to ix.
func (u update) to(ix *Index) {
	if u.p == nil {
		ix.Remove(u.id)
		return
	}
	ix.Upsert(*u.p)
}

// apply makes u in the index in use, and notes it for a running rebuild.
// The caller holds mu.
func (l *Live) apply(u update) {
	u.to(l.ix.Load())
	if l.pending != nil {
		*l.pending = append(*l.pending, u)
	}
}

// Changed applies the current state of one person. It reads them under mu,
// so that a commit of this replica (Apply) made after the read lands after
// it, never before.
func (l *Live) Changed(ctx context.Context, id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	snap, err := l.src.Load(ctx, id, "")
	if err != nil {
		l.log.WarnContext(ctx, "match index update failed", "profile", id, "err", err)
		return
	}
	u := update{id: id}
	if snap.Profile != nil {
		mp := l.person(snap.Profile, snap.Conv)
		u.p = &mp
	}
	l.apply(u)
}

// Apply puts one person's committed state in the index (nil: gone), for
// the replica that committed it; the feed brings it to the others.
func (l *Live) Apply(id string, p *bot.Profile, c bot.Conversation) {
	u := update{id: id}
	if p != nil {
		mp := l.person(p, c)
		u.p = &mp
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.apply(u)
}

// Tried is closed once a rebuild has been tried, successful or not: a
// replica serves once the index holds everyone, or once it is known that
// Redis cannot tell yet.
func (l *Live) Tried() <-chan struct{} { return l.tried }

// Run follows the published changes until ctx ends, rebuilding at start
// (once subscribed, so that no change falls between the two), after a
// reconnection and every refresh as a safety net.
func (l *Live) Run(ctx context.Context, refresh time.Duration) {
	go func() {
		t := time.NewTicker(refresh)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				_ = l.Rebuild(ctx)
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
