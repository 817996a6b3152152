// Package inorder hands the bot one person's events one at a time within a
// replica, while other people's events go through at once.
//
// The bot commits a person's new state with an optimistic version check, so
// two events of one person handled at the same moment collide and one must
// load and converse again. Within a replica that waste is avoidable: a
// person's events wait for each other here, and only replicas collide with
// each other (which the bot resolves by retrying after a short random wait).
// A person who sends many messages at once holds only their own lock.
package inorder

import (
	"context"
	"fmt"
	"sync"

	"tsunagu/bot"
)

// Handler is what events are handed to (the bot).
type Handler interface {
	Handle(ctx context.Context, in bot.Inbound) error
}

// Serial is a Handler that handles one person's events one at a time. It is
// safe for concurrent use; the zero value is not usable, use New.
type Serial struct {
	next Handler

	mu    sync.Mutex
	locks map[string]*lock // by profile ID, only while someone holds or waits
}

var _ Handler = (*Serial)(nil)

// lock is one person's lock: holding it is having put a token in ch, so a
// waiter can give up when its context ends. refs counts the holder and the
// waiters, to forget the lock when nobody needs it.
type lock struct {
	ch   chan struct{}
	refs int
}

// New returns a Serial handing events to next.
func New(next Handler) *Serial {
	return &Serial{next: next, locks: map[string]*lock{}}
}

// Handle waits until no other event of in's person is being handled here,
// then hands in to the next Handler. Events without a person (task events)
// are not held. When ctx ends while waiting, Handle returns ctx's error
// without handling in.
func (s *Serial) Handle(ctx context.Context, in bot.Inbound) error {
	if in.ProfileID == "" {
		return s.next.Handle(ctx, in)
	}
	l := s.acquire(in.ProfileID)
	select {
	case l.ch <- struct{}{}:
	case <-ctx.Done():
		s.release(in.ProfileID, l)
		return fmt.Errorf("handle %s: waiting for the events before it: %w", in.ID, ctx.Err())
	}
	defer func() {
		<-l.ch
		s.release(in.ProfileID, l)
	}()
	return s.next.Handle(ctx, in)
}

// acquire returns id's lock, created if nobody holds it, counting the
// caller in.
func (s *Serial) acquire(id string) *lock {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.locks[id]
	if l == nil {
		l = &lock{ch: make(chan struct{}, 1)}
		s.locks[id] = l
	}
	l.refs++
	return l
}

// release counts the caller out and forgets the lock when it was the last.
func (s *Serial) release(id string, l *lock) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l.refs--; l.refs == 0 {
		delete(s.locks, id)
	}
}

// Active returns how many people have an event being handled or waiting.
// It is for tests and metrics.
func (s *Serial) Active() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.locks)
}
