package redis

import (
	"container/list"
	"context"
	"sync"
	"time"

	"tsunagu/bot"
)

// Remembering is the Store as one replica's bot uses it: it remembers the
// state it last read or committed of the people who wrote lately, so that
// the next message of a conversation costs one round trip (the commit)
// instead of two (a load, then the commit).
//
// What it remembers may be behind: another replica, an import or a
// deletion may have changed the person since. The commit's version check
// refuses a change made from such a state, and the bot then reloads
// (Reload) and tries again; it also reloads before anything it does to a
// task or a session ahead of the commit. Memory is a speed-up, never the
// truth.
type Remembering struct {
	*Store
	capacity int
	maxAge   time.Duration

	mu    sync.Mutex
	order *list.List               // of *memo, most recently used first
	byID  map[string]*list.Element // profile ID → element of order
}

var _ bot.Reloader = (*Remembering)(nil)

type memo struct {
	id string
	st stored
	at time.Time
}

// Remembering returns s remembering at most capacity people, each for at
// most maxAge after it was read or committed.
func (s *Store) Remembering(capacity int, maxAge time.Duration) *Remembering {
	return &Remembering{Store: s, capacity: capacity, maxAge: maxAge, order: list.New(), byID: map[string]*list.Element{}}
}

// Load returns the remembered state (Snapshot.Cached) or else reads it.
func (r *Remembering) Load(ctx context.Context, profileID, eventID string) (bot.Snapshot, error) {
	if st, ok := r.recall(profileID); ok {
		if snap, err := st.snapshot(profileID); err == nil {
			snap.Cached = true
			return snap, nil
		}
		r.forget(profileID)
	}
	return r.Reload(ctx, profileID, eventID)
}

// Reload reads the stored state, and remembers it.
func (r *Remembering) Reload(ctx context.Context, profileID, eventID string) (bot.Snapshot, error) {
	st, err := r.Store.load(ctx, profileID, eventID)
	if err != nil {
		r.forget(profileID)
		return bot.Snapshot{}, err
	}
	snap, err := st.snapshot(profileID)
	if err != nil {
		r.forget(profileID)
		return bot.Snapshot{}, err
	}
	st.seen = false // a fact about one event, not about the person
	r.remember(profileID, st)
	return snap, nil
}

// Commit applies ch and remembers the state it stored. A refused commit
// forgets the person: what was remembered is proved behind.
func (r *Remembering) Commit(ctx context.Context, ch bot.Change) error {
	c, err := r.Store.commit(ctx, ch)
	if err != nil || !c.stateful {
		r.forget(ch.ProfileID)
		return err
	}
	r.remember(ch.ProfileID, stored{pj: string(c.pj), cj: string(c.cj), ver: c.ver})
	return nil
}

func (r *Remembering) recall(id string) (stored, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.byID[id]
	if !ok {
		return stored{}, false
	}
	m := e.Value.(*memo)
	if time.Since(m.at) > r.maxAge {
		r.order.Remove(e)
		delete(r.byID, id)
		return stored{}, false
	}
	r.order.MoveToFront(e)
	return m.st, true
}

func (r *Remembering) remember(id string, st stored) {
	if r.capacity <= 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.byID[id]; ok {
		e.Value = &memo{id: id, st: st, at: time.Now()}
		r.order.MoveToFront(e)
		return
	}
	r.byID[id] = r.order.PushFront(&memo{id: id, st: st, at: time.Now()})
	for r.order.Len() > r.capacity {
		oldest := r.order.Back()
		r.order.Remove(oldest)
		delete(r.byID, oldest.Value.(*memo).id)
	}
}

func (r *Remembering) forget(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.byID[id]; ok {
		r.order.Remove(e)
		delete(r.byID, id)
	}
}

// Following is the Store as the match index follows it (matching.Source):
// it always reads Redis, and a person it finds gone, deleted on another
// replica, r forgets too, so that no replica keeps a deleted person's
// profile in memory after the deletion reached it.
type Following struct {
	*Store
	r *Remembering
}

// Following returns the Store for the match index of r's replica.
func (r *Remembering) Following() *Following { return &Following{Store: r.Store, r: r} }

// Load reads the person from Redis; gone, they are forgotten.
func (f *Following) Load(ctx context.Context, profileID, eventID string) (bot.Snapshot, error) {
	snap, err := f.Store.Load(ctx, profileID, eventID)
	if err == nil && snap.Profile == nil {
		f.r.forget(profileID)
	}
	return snap, err
}
