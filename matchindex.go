package main

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	redisadapter "tsunagu/adapters/redis"
	"tsunagu/bot"
	"tsunagu/matching"
)

// matchIndex is this replica's matching index, kept fresh from Redis: it is
// rebuilt at start and whenever changes may have been missed, and every
// published change of a person is applied as it comes. A match never reads
// Redis.
type matchIndex struct {
	store *redisadapter.Store
	cat   *bot.Catalog
	loc   *time.Location
	now   func() time.Time
	log   *slog.Logger

	mu sync.Mutex // serializes rebuilds and updates
	ix atomic.Pointer[matching.Index]
}

var _ bot.Matcher = (*matchIndex)(nil)

func newMatchIndex(store *redisadapter.Store, cat *bot.Catalog, loc *time.Location, log *slog.Logger) *matchIndex {
	m := &matchIndex{store: store, cat: cat, loc: loc, now: time.Now, log: log}
	m.ix.Store(m.empty())
	return m
}

func (m *matchIndex) empty() *matching.Index {
	ix := matching.NewIndex(m.loc)
	ix.SetLabels(matching.LabelFuncs{
		Skill: func(id string) string {
			if s, ok := m.cat.Skill(id); ok {
				return s.LabelJA
			}
			return id
		},
		Area: func(id string) string {
			if a, ok := m.cat.Area(id); ok {
				return a.LabelJA
			}
			return id
		},
	})
	return ix
}

// person is what matching knows of a profile: its own facts and the counts
// its offers give.
func (m *matchIndex) person(p *bot.Profile, c bot.Conversation) matching.Person {
	mp := matching.FromProfile(p)
	mp.RecentOffers, mp.RecentAssignments, mp.AssignedThisWeek = c.Recent(m.now(), m.loc)
	return mp
}

// rebuild reads everyone from Redis into a fresh index and swaps it in.
func (m *matchIndex) rebuild(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	start := time.Now()
	ix := m.empty()
	if err := m.store.Each(ctx, func(p *bot.Profile, c bot.Conversation) { ix.Upsert(m.person(p, c)) }); err != nil {
		m.log.WarnContext(ctx, "match index rebuild failed", "err", err)
		return err
	}
	m.ix.Store(ix)
	m.log.InfoContext(ctx, "match index rebuilt", "people", ix.Len(), "took", time.Since(start))
	return nil
}

// changed applies the current state of one person.
func (m *matchIndex) changed(ctx context.Context, id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	snap, err := m.store.Load(ctx, id, "")
	if err != nil {
		m.log.WarnContext(ctx, "match index update failed", "profile", id, "err", err)
		return
	}
	if snap.Profile == nil {
		m.ix.Load().Remove(id)
		return
	}
	m.ix.Load().Upsert(m.person(snap.Profile, snap.Conv))
}

// run follows the published changes until ctx ends, rebuilding at start,
// after a reconnection and every refresh as a safety net.
func (m *matchIndex) run(ctx context.Context, refresh time.Duration) {
	go func() {
		t := time.NewTicker(refresh)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				_ = m.rebuild(ctx)
			}
		}
	}()
	for ctx.Err() == nil {
		if err := m.store.Watch(ctx, m.rebuild, m.changed); err != nil && ctx.Err() == nil {
			m.log.WarnContext(ctx, "profile feed stopped; retrying", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
}

// Candidates implements bot.Matcher.
func (m *matchIndex) Candidates(t *bot.Task, exclude func(string) bool, limit int) []bot.Candidate {
	found := m.ix.Load().Match(matching.Task{
		ID: t.ID, Skills: t.Skills, RequireAll: t.RequireAll, Area: t.Area, Remote: t.Remote, Start: t.Start, End: t.End,
	}, exclude, limit)
	out := make([]bot.Candidate, len(found))
	for i, c := range found {
		out[i] = bot.Candidate{ID: c.ID, Reasons: c.Reasons}
	}
	return out
}
