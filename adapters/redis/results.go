package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"tsunagu/bot"
)

// namedOfferScript offers a task to one person a coordinator named, outside
// the waves: it returns 1 when offered, 0 when the person already has a
// relation to the task, -1 for an unknown task, -2 for one no longer open.
//
// KEYS: task, offers, expiry, outbox, offered at, due offers.
// ARGV: now ms, person, expiry ms, entry JSON, task ID.
var namedOfferScript = goredis.NewScript(`
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return -1 end
local now = tonumber(ARGV[1])
if status ~= 'open' or now >= tonumber(redis.call('HGET', KEYS[1], 'start')) then return -2 end
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], 'offered')
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
redis.call('HSETNX', KEYS[5], ARGV[2], now)
redis.call('XADD', KEYS[4], '*', 'out', ARGV[4], 'attempt', 0)
-- The sweep looks at the task when the offer lapses, as after a wave.
local next = redis.call('ZSCORE', KEYS[6], ARGV[5])
if not next or tonumber(next) > tonumber(ARGV[3]) then redis.call('ZADD', KEYS[6], ARGV[3], ARGV[5]) end
return 1
`)

// OfferTo records and queues an offer of a task to one named person:
// ENOTFOUND for an unknown task, ECONFLICT when the person was already
// offered it or the task is no longer open.
func (s *Tasks) OfferTo(ctx context.Context, o bot.WaveOffer, taskID string, end time.Time) error {
	// Before the offer: deletion must find every task that names someone.
	if _, err := addRefs(ctx, s.c, refTask+taskID, end, []string{o.ProfileID}); err != nil {
		return fmt.Errorf("offer %s to %s: %w", taskID, o.ProfileID, err)
	}
	oj, err := json.Marshal(o.Out)
	if err != nil {
		return fmt.Errorf("offer %s: %w", taskID, err)
	}
	sh := shardOf(taskID)
	keys := []string{taskKey(taskID), taskOffersKey(taskID), taskExpiryKey(taskID), outboxKey(sh),
		taskOfferedAtKey(taskID), dueOffersKey(sh)}
	n, err := namedOfferScript.Run(ctx, s.c, keys, o.Out.CreatedAt.UnixMilli(), o.ProfileID, o.ExpiresAt.UnixMilli(), oj, taskID).Int()
	switch {
	case err != nil:
		return fmt.Errorf("offer %s to %s: %w", taskID, o.ProfileID, err)
	case n == -1:
		return fmt.Errorf("offer %s: %w", taskID, bot.Errorf(bot.ENOTFOUND, "task %s not found", taskID))
	case n == -2:
		return fmt.Errorf("offer %s: %w", taskID, bot.Errorf(bot.ECONFLICT, "task %s is not open for offers", taskID))
	case n == 0:
		return fmt.Errorf("offer %s: %w", taskID, bot.FieldErrorf(bot.ECONFLICT, "profile_id", "%s was already offered task %s", o.ProfileID, taskID))
	}
	return nil
}

// unconfirmScript marks the people given who were asked the day-before
// question and never answered as unconfirmed, and queues the coordinators'
// notice when any was. It returns how many it marked.
//
// KEYS: confirmations, outbox. ARGV: notice JSON, then the people.
var unconfirmScript = goredis.NewScript(`
local n = 0
for i = 2, #ARGV do
  if redis.call('HGET', KEYS[1], ARGV[i]) == 'asked' then
    redis.call('HSET', KEYS[1], ARGV[i], 'unconfirmed')
    n = n + 1
  end
end
if n > 0 and ARGV[1] ~= '' then redis.call('XADD', KEYS[2], '*', 'out', ARGV[1], 'attempt', 0) end
return n
`)

// MarkUnconfirmed marks those of people still only asked as unconfirmed
// and queues notice if any was, atomically.
func (s *Tasks) MarkUnconfirmed(ctx context.Context, taskID string, people []string, notice bot.Outgoing) (int, error) {
	nj, err := json.Marshal(notice)
	if err != nil {
		return 0, fmt.Errorf("unconfirmed %s: %w", taskID, err)
	}
	args := []any{nj}
	for _, p := range people {
		args = append(args, p)
	}
	n, err := unconfirmScript.Run(ctx, s.c, []string{taskConfirmKey(taskID), outboxKey(shardOf(taskID))}, args...).Int()
	if err != nil {
		return 0, fmt.Errorf("unconfirmed %s: %w", taskID, err)
	}
	return n, nil
}

// reportChunk is how many tasks or sessions one pipeline reads.
const reportChunk = 500

// EachTaskRecord reads every task kept, a shard at a time and in pipelined
// chunks, for the figures.
func (s *Tasks) EachTaskRecord(ctx context.Context, fn func(bot.TaskRecord) error) error {
	for sh := 0; sh < Shards; sh++ {
		ids, err := s.c.SMembers(ctx, tasksKey(sh)).Result()
		if err != nil {
			return fmt.Errorf("task records: shard %d: %w", sh, err)
		}
		for len(ids) > 0 {
			chunk := ids[:min(reportChunk, len(ids))]
			ids = ids[len(chunk):]
			cmds := make([]taskCmds, len(chunk))
			if _, err := s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
				for i, id := range chunk {
					cmds[i] = queueTaskRead(ctx, p, id)
				}
				return nil
			}); err != nil {
				return fmt.Errorf("task records: shard %d: %w", sh, err)
			}
			for i, id := range chunk {
				r, err := cmds[i].read(id)
				if bot.ErrorCode(err) == bot.ENOTFOUND {
					continue // deleted between the index and the read
				}
				if err != nil {
					return err
				}
				if err := fn(r.record()); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// record is the task as the figures see it.
func (r *taskRead) record() bot.TaskRecord {
	rec := bot.TaskRecord{Task: *r.ws.Task, Accepted: r.accepted, Results: map[string]bot.TaskResult{}}
	if r.filledAt > 0 {
		rec.FilledAt = time.UnixMilli(r.filledAt)
	}
	for p, st := range r.ws.Offers {
		o := bot.OfferRecord{ProfileID: p, State: st, ExpiresAt: r.ws.Expiry[p]}
		if ms, err := strconv.ParseInt(r.offered[p], 10, 64); err == nil {
			o.At = time.UnixMilli(ms)
		}
		rec.Offers = append(rec.Offers, o)
	}
	for p, raw := range r.results {
		if res, ok := parseResult(raw); ok {
			rec.Results[p] = res
		}
	}
	return rec
}

// EachSessionRecord reads every session kept, for the figures.
func (s *Sessions) EachSessionRecord(ctx context.Context, fn func(bot.SessionRecord) error) error {
	for sh := 0; sh < Shards; sh++ {
		ids, err := s.c.SMembers(ctx, sessionsKey(sh)).Result()
		if err != nil {
			return fmt.Errorf("session records: shard %d: %w", sh, err)
		}
		for len(ids) > 0 {
			chunk := ids[:min(reportChunk, len(ids))]
			ids = ids[len(chunk):]
			ses := make([]*goredis.StringCmd, len(chunk))
			att := make([]*goredis.StringSliceCmd, len(chunk))
			if _, err := s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
				for i, id := range chunk {
					ses[i] = p.HGet(ctx, sessionKey(id), "session")
					att[i] = p.ZRange(ctx, sessionAttendeesKey(id), 0, -1)
				}
				return nil
			}); err != nil && err != goredis.Nil {
				return fmt.Errorf("session records: shard %d: %w", sh, err)
			}
			for i, id := range chunk {
				if ses[i].Err() == goredis.Nil {
					continue
				}
				v, err := decodeSession(ses[i].Val())
				if err != nil {
					return fmt.Errorf("session records: %s: %w", id, err)
				}
				if err := fn(bot.SessionRecord{ID: id, Start: v.Start, End: v.End, Attendees: att[i].Val()}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
