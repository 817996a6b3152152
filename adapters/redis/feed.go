package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"tsunagu/bot"
)

// ProfilesChannel is the pub/sub channel on which every change of a person
// (a commit, an import, a deletion) publishes the profile ID, so each
// replica's matching index can follow.
const ProfilesChannel = "ts:profiles"

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
	// after it are seen, so a resync now misses nothing.
	if _, err := ps.Receive(ctx); err != nil {
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

// Each calls fn with every stored person's profile and conversation, shard
// by shard, reading each shard in one pipeline.
func (s *Store) Each(ctx context.Context, fn func(p *bot.Profile, c bot.Conversation)) error {
	for sh := 0; sh < Shards; sh++ {
		ids, err := s.c.SMembers(ctx, profilesKey(sh)).Result()
		if err != nil {
			return fmt.Errorf("each profile: shard %d: %w", sh, err)
		}
		if len(ids) == 0 {
			continue
		}
		cmds := make([]*goredis.SliceCmd, len(ids))
		_, err = s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
			for i, id := range ids {
				cmds[i] = p.HMGet(ctx, personKey(id), "profile", "conv")
			}
			return nil
		})
		if err != nil && !errors.Is(err, goredis.Nil) {
			return fmt.Errorf("each profile: shard %d: %w", sh, err)
		}
		for i, cmd := range cmds {
			v := cmd.Val()
			if len(v) != 2 {
				continue
			}
			pj, _ := v[0].(string)
			if pj == "" {
				continue // deleted between the two reads
			}
			p := new(bot.Profile)
			if err := json.Unmarshal([]byte(pj), p); err != nil {
				return fmt.Errorf("each profile: %s: %w", ids[i], err)
			}
			var c bot.Conversation
			if cj, _ := v[1].(string); cj != "" {
				if err := json.Unmarshal([]byte(cj), &c); err != nil {
					return fmt.Errorf("each profile: %s: conversation: %w", ids[i], err)
				}
			}
			fn(p, c)
		}
	}
	return nil
}
