package matching

import (
	"container/heap"
	"time"
)

// recounts is when each person's counts in the index fall due: the counts
// of the last 30 days and of this week (bot.Conversation.Recent) move
// with time alone, and a person whose moment has come is read again.
// Only people whose counts will move are held: at a million people, most
// have no offer of the last 30 days, and rereading everyone on a timer
// cost a replica 25 CPU-seconds and Redis 8.
//
// It keeps one moment per person, in Unix seconds (a time.Time is three
// times the size, and a million of them add up); a heap orders them, and
// a moment that was replaced stays in the heap until it comes up and is
// skipped.
type recounts struct {
	due  map[string]int64
	heap dueHeap
}

type dueAt struct {
	id string
	at int64 // Unix seconds
}

type dueHeap []dueAt

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(i, j int) bool { return h[i].at < h[j].at }
func (h dueHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)        { *h = append(*h, x.(dueAt)) }
func (h *dueHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func newRecounts() *recounts { return &recounts{due: map[string]int64{}} }

// unixCeil is t in Unix seconds, rounded up: a moment is never early.
func unixCeil(t time.Time) int64 {
	s := t.Unix()
	if t.Nanosecond() > 0 {
		s++
	}
	return s
}

// set makes at the person's moment; zero: none.
func (r *recounts) set(id string, at time.Time) {
	if at.IsZero() {
		delete(r.due, id)
		return
	}
	s := unixCeil(at)
	if old, ok := r.due[id]; ok && old == s {
		return
	}
	r.due[id] = s
	heap.Push(&r.heap, dueAt{id: id, at: s})
	// Replaced moments wait in the heap; once they outnumber the live
	// ones, drop them all at once.
	if len(r.heap) > 2*len(r.due)+1024 {
		r.compact()
	}
}

// setIfNone makes at the person's moment unless they have one.
func (r *recounts) setIfNone(id string, at time.Time) {
	if _, ok := r.due[id]; !ok {
		r.set(id, at)
	}
}

// take removes and returns the people whose moment is at or before now.
func (r *recounts) take(now time.Time) []string {
	s := now.Unix()
	var ids []string
	for len(r.heap) > 0 && r.heap[0].at <= s {
		d := heap.Pop(&r.heap).(dueAt)
		if at, ok := r.due[d.id]; ok && at == d.at {
			delete(r.due, d.id)
			ids = append(ids, d.id)
		}
	}
	return ids
}

func (r *recounts) compact() {
	h := make(dueHeap, 0, len(r.due))
	for id, at := range r.due {
		h = append(h, dueAt{id: id, at: at})
	}
	heap.Init(&h)
	r.heap = h
}

// len is how many people have a moment.
func (r *recounts) len() int { return len(r.due) }
