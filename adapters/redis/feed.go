package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"golang.org/x/sync/errgroup"

	"tsunagu/bot"
)

// ProfilesChannel is the pub/sub channel on which every change of a person
// (a commit, an import, a deletion) publishes the profile ID, so each
// replica's matching index can follow.
const ProfilesChannel = "ts:profiles"

// subscribeTimeout bounds Watch's wait for Redis to confirm the
// subscription.
const subscribeTimeout = 10 * time.Second

// Watch calls changed with the ID of every person whose state changes, and
// resync (first, and after every reconnection, when changes may have been
// missed) until ctx ends. Both run on Watch's goroutine.
func (s *Store) Watch(ctx context.Context, resync func(context.Context) error, changed func(ctx context.Context, id string)) error {
	ps := s.c.Subscribe(ctx, ProfilesChannel)
	defer ps.Close()
	// Receive does not end with ctx; closing the subscription ends it.
	stop := context.AfterFunc(ctx, func() { _ = ps.Close() })
	defer stop()
	// Receive until the subscription is confirmed: changes published
	// after it are seen, so a resync now misses nothing. A server that
	// does not answer must not hold up the start (Live tries once, then
	// serves and retries): the wait is bounded.
	if _, err := ps.ReceiveTimeout(ctx, subscribeTimeout); err != nil {
		return fmt.Errorf("watch profiles: %w", err)
	}
	if err := resync(ctx); err != nil {
		return fmt.Errorf("watch profiles: %w", err)
	}
	for {
		msg, err := ps.Receive(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			// go-redis reconnects and resubscribes on the next Receive;
			// what was published meanwhile is lost, so read everything
			// once Redis answers again.
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Second):
			}
			_ = resync(ctx)
			continue
		}
		switch m := msg.(type) {
		case *goredis.Message:
			changed(ctx, m.Payload)
		case *goredis.Subscription:
			if m.Kind == "subscribe" {
				_ = resync(ctx)
			}
		}
	}
}

// eachBatch is how many people Each reads a round trip: enough that the
// round trips cost little, few enough that a batch's replies take a few MB.
var eachBatch = 1024

// Each calls fn with every stored person's profile and conversation, shard
// by shard, in the order of each shard's set, on the caller's goroutine.
// After an error fn may have seen some of the people.
//
// Reading a million people takes seconds of Redis and more of decoding
// JSON, so the work overlaps: a goroutine reads batches in one pipeline
// each, another decodes each batch on every core, and fn takes the batch
// before.
func (s *Store) Each(ctx context.Context, fn func(p *bot.Profile, c bot.Conversation)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the goroutines if fn panics
	g, ctx := errgroup.WithContext(ctx)
	read := make(chan readBatch, 1)
	decoded := make(chan []eachPerson, 1)
	g.Go(func() error {
		defer close(read)
		return s.readEach(ctx, read)
	})
	g.Go(func() error {
		defer close(decoded)
		for b := range read {
			people, err := b.decode()
			if err != nil {
				return err
			}
			select {
			case decoded <- people:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	for people := range decoded {
		for _, e := range people {
			fn(e.p, e.c)
		}
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("each profile: %w", err)
	}
	return nil
}

// readBatch is a batch of people as HMGET returned them.
type readBatch struct {
	ids  []string
	cmds []*goredis.SliceCmd
}

// readEach sends every person, eachBatch a pipeline, until an error or
// ctx ends.
func (s *Store) readEach(ctx context.Context, out chan<- readBatch) error {
	for sh := 0; sh < Shards; sh++ {
		ids, err := s.c.SMembers(ctx, profilesKey(sh)).Result()
		if err != nil {
			return fmt.Errorf("shard %d: %w", sh, err)
		}
		for lo := 0; lo < len(ids); lo += eachBatch {
			b := readBatch{ids: ids[lo:min(lo+eachBatch, len(ids))]}
			b.cmds = make([]*goredis.SliceCmd, len(b.ids))
			_, err := s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
				for i, id := range b.ids {
					b.cmds[i] = p.HMGet(ctx, personKey(id), "profile", "conv")
				}
				return nil
			})
			if err != nil && !errors.Is(err, goredis.Nil) {
				return fmt.Errorf("shard %d: %w", sh, err)
			}
			select {
			case out <- b:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return nil
}

// eachPerson is one person as Each decodes them; a nil profile was deleted
// between the reads.
type eachPerson struct {
	p *bot.Profile
	c bot.Conversation
}

// decode decodes a batch on every core and returns the people in order,
// without the deleted ones.
func (b readBatch) decode() ([]eachPerson, error) {
	people := make([]eachPerson, len(b.ids))
	errs := make([]error, len(b.ids))
	workers := min(runtime.GOMAXPROCS(0), len(b.ids))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(b.ids); i += workers {
				people[i], errs[i] = decodePerson(b.ids[i], b.cmds[i].Val())
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return slices.DeleteFunc(people, func(e eachPerson) bool { return e.p == nil }), nil
}

// decodePerson decodes the profile and conversation HMGET returned; no
// profile is a person deleted since the shard's set was read.
func decodePerson(id string, v []any) (eachPerson, error) {
	if len(v) != 2 {
		return eachPerson{}, nil
	}
	pj, _ := v[0].(string)
	if pj == "" {
		return eachPerson{}, nil
	}
	e := eachPerson{p: new(bot.Profile)}
	if err := json.Unmarshal([]byte(pj), e.p); err != nil {
		return eachPerson{}, fmt.Errorf("%s: %w", id, err)
	}
	if cj, _ := v[1].(string); cj != "" {
		if err := json.Unmarshal([]byte(cj), &e.c); err != nil {
			return eachPerson{}, fmt.Errorf("%s: conversation: %w", id, err)
		}
	}
	return e, nil
}
