package bot_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"tsunagu/bot"
)

// TestReplicasCollidingOnOnePersonAllCommit has four replicas handle one
// person's events at the same time, each replica one event at a time (as
// the webhooks' per-person lock makes it): their commits collide, and every
// event still commits exactly once, with its reply.
func TestReplicasCollidingOnOnePersonAllCommit(t *testing.T) {
	const (
		replicas = 4
		each     = 40
	)
	w := newWorld(t, time.Date(2025, 4, 1, 10, 0, 0, 0, time.UTC), "")
	ctx := context.Background()
	const id = "line:Uflood"
	for _, in := range []bot.Inbound{
		{ID: "follow", Kind: bot.EventFollow, ProfileID: id},
		{ID: "consent", Kind: bot.EventPostback, ProfileID: id, Data: "consent:yes"},
	} {
		if err := w.b.Handle(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	before, err := w.store.Load(ctx, id, "")
	if err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	errs := make(chan error, replicas*each)
	for r := range replicas {
		b := *w.b // a replica: same Redis, its own IDs
		b.NewID = func() string { return fmt.Sprintf("r%d-%d", r, time.Now().UnixNano()) }
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				in := bot.Inbound{ID: fmt.Sprintf("r%d-e%d", r, i), Kind: bot.EventText, ProfileID: id, Text: "ヘルプ"}
				if err := b.Handle(ctx, in); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	n := 0
	for err := range errs {
		if n++; n == 1 {
			t.Errorf("first failure: %v", err)
		}
	}
	if n > 0 {
		t.Fatalf("%d of %d events failed", n, replicas*each)
	}
	after, err := w.store.Load(ctx, id, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := after.Version-before.Version, int64(replicas*each); got != want {
		t.Errorf("%d commits for %d events", got, want)
	}
}

// conflicting is a store on which every commit collides with another
// replica's, and which ends ctx at the first collision. Its loads ignore
// ctx, so that only the bot's own wait can notice the end.
type conflicting struct {
	bot.ConversationStore
	cancel  context.CancelFunc
	commits int
}

func (c *conflicting) Load(ctx context.Context, profileID, eventID string) (bot.Snapshot, error) {
	return c.ConversationStore.Load(context.WithoutCancel(ctx), profileID, eventID)
}

func (c *conflicting) Commit(context.Context, bot.Change) error {
	c.commits++
	c.cancel()
	return bot.Errorf(bot.ECONFLICT, "version moved")
}

func TestWaitingForAnotherCommitEndsWithTheContext(t *testing.T) {
	w := newWorld(t, time.Date(2025, 4, 1, 10, 0, 0, 0, time.UTC), "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store := &conflicting{ConversationStore: w.store, cancel: cancel}
	b := *w.b
	b.Store = store
	err := b.Handle(ctx, bot.Inbound{ID: "e1", Kind: bot.EventFollow, ProfileID: "line:U1"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Handle returned %v, want the context's end", err)
	}
	if store.commits != 1 {
		t.Errorf("%d commits tried after the request ended, want 1", store.commits)
	}
}
