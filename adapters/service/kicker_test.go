package service

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// TestKickerRunsOnceAndSettles: kicks while waiting make one run; Settle
// runs a kick still pending itself, and waits for a run in progress.
func TestKickerRunsOnceAndSettles(t *testing.T) {
	var runs atomic.Int32
	k := newKicker()
	job := func(context.Context) { runs.Add(1) }

	k.Kick()
	k.Kick()
	k.Kick()
	k.Settle(context.Background(), job)
	if n := runs.Load(); n != 1 {
		t.Fatalf("three kicks before a run made %d runs, want 1", n)
	}
	k.Settle(context.Background(), job)
	if n := runs.Load(); n != 1 {
		t.Fatalf("settling with nothing kicked ran the job (%d)", n)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started, release := make(chan struct{}), make(chan struct{})
	go k.Run(ctx, func(context.Context) { close(started); <-release; runs.Add(1) })
	k.Kick()
	<-started
	settled := make(chan struct{})
	go func() { k.Settle(context.Background(), job); close(settled) }()
	select {
	case <-settled:
		t.Fatal("Settle returned while a run was going")
	case <-time.After(50 * time.Millisecond): // a chance to return too early, not a wait for a result
	}
	close(release)
	<-settled
	if n := runs.Load(); n != 2 {
		t.Fatalf("runs %d, want the background one only", n)
	}
}
