package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"tsunagu/bot"
)

var _ bot.TalkStore = (*Store)(nil)

// talkIndex is how a commit files the person's talk: open since, closed
// at, or not at all.
func talkIndex(tk *bot.Talk) (state string, atMS int64) {
	switch {
	case tk == nil:
		return "", 0
	case tk.Open:
		return "open", tk.OpenedAt.UnixMilli()
	case tk.ClosedAt != nil:
		return "closed", tk.ClosedAt.UnixMilli()
	}
	return "", 0
}

// FindTalks returns the open (or closed) conversations with the
// coordinators, oldest first. It reads each shard's index and then the
// people of that shard in one pipeline.
func (s *Store) FindTalks(ctx context.Context, open bool) ([]bot.TalkView, error) {
	var out []bot.TalkView
	for sh := 0; sh < Shards; sh++ {
		key := closedTalksKey(sh)
		if open {
			key = openTalksKey(sh)
		}
		ids, err := s.c.ZRange(ctx, key, 0, -1).Result()
		if err != nil {
			return nil, fmt.Errorf("find talks: shard %d: %w", sh, err)
		}
		if len(ids) == 0 {
			continue
		}
		cmds := make([]*goredis.SliceCmd, len(ids))
		if _, err := s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
			for i, id := range ids {
				cmds[i] = p.HMGet(ctx, personKey(id), "profile", "conv")
			}
			return nil
		}); err != nil && !errors.Is(err, goredis.Nil) {
			return nil, fmt.Errorf("find talks: shard %d: %w", sh, err)
		}
		for i, cmd := range cmds {
			v, err := cmd.Result()
			if err != nil {
				return nil, fmt.Errorf("find talks: %s: %w", ids[i], err)
			}
			pj, _ := v[0].(string)
			cj, _ := v[1].(string)
			if pj == "" || cj == "" {
				continue // deleted between the two reads
			}
			var p bot.Profile
			var c bot.Conversation
			if err := json.Unmarshal([]byte(pj), &p); err != nil {
				return nil, fmt.Errorf("find talks: %s: %w", ids[i], err)
			}
			if err := json.Unmarshal([]byte(cj), &c); err != nil {
				return nil, fmt.Errorf("find talks: %s: %w", ids[i], err)
			}
			if c.Talk == nil || c.Talk.Open != open {
				continue
			}
			msgs := c.Talk.Messages
			if msgs == nil {
				msgs = []bot.TalkMessage{}
			}
			out = append(out, bot.TalkView{ProfileID: p.ID, Name: p.Name, Open: c.Talk.Open,
				OpenedAt: c.Talk.OpenedAt, ClosedAt: c.Talk.ClosedAt, Messages: msgs})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OpenedAt.Before(out[j].OpenedAt) })
	return out, nil
}

// ExpiredTalks returns the people whose conversation closed before the
// given time.
func (s *Store) ExpiredTalks(ctx context.Context, closedBefore time.Time) ([]string, error) {
	var out []string
	for sh := 0; sh < Shards; sh++ {
		ids, err := s.c.ZRangeByScore(ctx, closedTalksKey(sh), &goredis.ZRangeBy{
			Min: "-inf", Max: "(" + strconv.FormatInt(closedBefore.UnixMilli(), 10),
		}).Result()
		if err != nil {
			return nil, fmt.Errorf("expired talks: shard %d: %w", sh, err)
		}
		out = append(out, ids...)
	}
	return out, nil
}
