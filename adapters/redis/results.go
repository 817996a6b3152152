package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

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
	sh := taskShard(taskID)
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
	n, err := unconfirmScript.Run(ctx, s.c, []string{taskConfirmKey(taskID), outboxKey(taskShard(taskID))}, args...).Int()
	if err != nil {
		return 0, fmt.Errorf("unconfirmed %s: %w", taskID, err)
	}
	return n, nil
}

// reportChunk is how many tasks or sessions one pipeline reads.
const reportChunk = 500

// EachTaskRecord reads every task kept, for the figures: the shards a few
// at a time, each in pipelined chunks of the fields the figures need, so
// the network and the decoding overlap. fn is called from one goroutine at
// a time.
func (s *Tasks) EachTaskRecord(ctx context.Context, fn func(bot.TaskRecord) error) error {
	var mu sync.Mutex
	return eachShard(ctx, func(ctx context.Context, sh int) error {
		ids, err := s.c.SMembers(ctx, tasksKey(sh)).Result()
		if err != nil {
			return fmt.Errorf("task records: shard %d: %w", sh, err)
		}
		for len(ids) > 0 {
			chunk := ids[:min(reportChunk, len(ids))]
			ids = ids[len(chunk):]
			cmds := make([]reportCmds, len(chunk))
			if _, err := s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
				for i, id := range chunk {
					cmds[i] = queueReportRead(ctx, p, id)
				}
				return nil
			}); err != nil {
				return fmt.Errorf("task records: shard %d: %w", sh, err)
			}
			recs := make([]bot.TaskRecord, 0, len(chunk))
			for i, id := range chunk {
				r, ok, err := cmds[i].record(ctx, s, id)
				if err != nil {
					return err
				}
				if ok {
					recs = append(recs, r)
				}
			}
			mu.Lock()
			for _, r := range recs {
				if err := fn(r); err != nil {
					mu.Unlock()
					return err
				}
			}
			mu.Unlock()
		}
		return nil
	})
}

// reportShards is how many shards are read at once for the figures.
const reportShards = 4

// eachShard runs fn for every shard, reportShards at a time, and returns
// the first error.
func eachShard(ctx context.Context, fn func(ctx context.Context, sh int) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(reportShards)
	for sh := 0; sh < Shards; sh++ {
		g.Go(func() error { return fn(ctx, sh) })
	}
	return g.Wait()
}

// reportCmds are the reads of one task the figures need, queued on a
// pipeline: fewer than a full read (no waitlist, no confirmations).
type reportCmds struct {
	task                           *goredis.SliceCmd
	offers, expiry, results, offAt *goredis.MapStringStringCmd
	accepted                       *goredis.StringSliceCmd
}

func queueReportRead(ctx context.Context, p goredis.Pipeliner, id string) reportCmds {
	return reportCmds{
		task:     p.HMGet(ctx, taskKey(id), "status", "filled_at", "start", "end", "created", "head"),
		offers:   p.HGetAll(ctx, taskOffersKey(id)),
		expiry:   p.HGetAll(ctx, taskExpiryKey(id)),
		accepted: p.ZRange(ctx, taskAcceptedKey(id), 0, -1),
		results:  p.HGetAll(ctx, taskResultKey(id)),
		offAt:    p.HGetAll(ctx, taskOfferedAtKey(id)),
	}
}

// record is the task as the figures see it; ok is false for a task
// deleted between the index and the read. A task stored before its times
// sat beside its JSON is read again whole.
func (c reportCmds) record(ctx context.Context, s *Tasks, id string) (bot.TaskRecord, bool, error) {
	v := c.task.Val()
	if len(v) < 6 || v[0] == nil {
		return bot.TaskRecord{}, false, nil
	}
	field := func(i int) int64 {
		str, _ := v[i].(string)
		n, _ := strconv.ParseInt(str, 10, 64)
		return n
	}
	status, _ := v[0].(string)
	t := bot.Task{ID: id, Status: bot.TaskStatus(status), Headcount: int(field(5)),
		Start: time.UnixMilli(field(2)), End: time.UnixMilli(field(3)), CreatedAt: time.UnixMilli(field(4))}
	if v[3] == nil {
		r, err := s.readTask(ctx, id)
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			return bot.TaskRecord{}, false, nil
		}
		if err != nil {
			return bot.TaskRecord{}, false, err
		}
		t = *r.ws.Task
	}
	rec := bot.TaskRecord{Task: t, Accepted: c.accepted.Val(), Results: map[string]bot.TaskResult{}}
	if ms := field(1); ms > 0 {
		rec.FilledAt = time.UnixMilli(ms)
	}
	expiry, offAt := c.expiry.Val(), c.offAt.Val()
	rec.Offers = make([]bot.OfferRecord, 0, len(c.offers.Val()))
	for p, st := range c.offers.Val() {
		o := bot.OfferRecord{ProfileID: p, State: bot.OfferState(st)}
		if ms, err := strconv.ParseInt(expiry[p], 10, 64); err == nil {
			o.ExpiresAt = time.UnixMilli(ms)
		}
		if ms, err := strconv.ParseInt(offAt[p], 10, 64); err == nil {
			o.At = time.UnixMilli(ms)
		}
		rec.Offers = append(rec.Offers, o)
	}
	for p, raw := range c.results.Val() {
		if res, ok := parseResult(raw); ok {
			rec.Results[p] = res
		}
	}
	return rec, true, nil
}

// EachSessionRecord reads every session kept, for the figures.
func (s *Sessions) EachSessionRecord(ctx context.Context, fn func(bot.SessionRecord) error) error {
	var mu sync.Mutex
	return eachShard(ctx, func(ctx context.Context, sh int) error {
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
				mu.Lock()
				err = fn(bot.SessionRecord{ID: id, Start: v.Start, End: v.End, Attendees: att[i].Val(), Cancelled: v.CancelledAt != nil})
				mu.Unlock()
				if err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// FindTasks returns the tasks starting in [from, to), soonest first, as
// coordinators see them at now: the IDs come from each shard's index by
// start, then the tasks are read in pipelined chunks.
func (s *Tasks) FindTasks(ctx context.Context, from, to, now time.Time) ([]*bot.TaskView, error) {
	var (
		mu  sync.Mutex
		out []*bot.TaskView
	)
	err := eachShard(ctx, func(ctx context.Context, sh int) error {
		in, err := s.c.ZRangeByScore(ctx, tasksByStartKey(sh), &goredis.ZRangeBy{
			Min: strconv.FormatInt(from.UnixMilli(), 10), Max: "(" + strconv.FormatInt(to.UnixMilli(), 10)}).Result()
		if err != nil {
			return fmt.Errorf("find tasks: shard %d: %w", sh, err)
		}
		for len(in) > 0 {
			chunk := in[:min(reportChunk, len(in))]
			in = in[len(chunk):]
			cmds := make([]taskCmds, len(chunk))
			if _, err := s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
				for i, id := range chunk {
					cmds[i] = queueTaskRead(ctx, p, id)
				}
				return nil
			}); err != nil {
				return fmt.Errorf("find tasks: shard %d: %w", sh, err)
			}
			for i, id := range chunk {
				r, err := cmds[i].read(id)
				if bot.ErrorCode(err) == bot.ENOTFOUND {
					continue
				}
				if err != nil {
					return err
				}
				mu.Lock()
				out = append(out, r.view(now))
				mu.Unlock()
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Start.Equal(out[j].Start) {
			return out[i].Start.Before(out[j].Start)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// updateTaskScript stores a task's new JSON and headcount, unless it was
// cancelled or closed or has more accepted than the new headcount; the
// status follows the headcount, and new places are offered at once. It
// returns 1, 0 for unknown, -1 for not live, -2 for too many accepted.
//
// KEYS: task, due offers. ARGV: task JSON, headcount, now ms, task ID.
var updateTaskScript = goredis.NewScript(`
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 0 end
if status ~= 'open' and status ~= 'filled' then return -1 end
local head, acc = tonumber(ARGV[2]), tonumber(redis.call('HGET', KEYS[1], 'acc'))
if acc > head then return -2 end
redis.call('HSET', KEYS[1], 'task', ARGV[1], 'head', head)
if acc >= head then
  redis.call('HSET', KEYS[1], 'status', 'filled')
  redis.call('HSETNX', KEYS[1], 'filled_at', ARGV[3])
  redis.call('ZREM', KEYS[2], ARGV[4])
else
  redis.call('HSET', KEYS[1], 'status', 'open')
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
end
return 1
`)

// UpdateTask stores a task's new words and headcount atomically.
func (s *Tasks) UpdateTask(ctx context.Context, t *bot.Task, now time.Time) error {
	tj, err := encodeTask(t)
	if err != nil {
		return fmt.Errorf("update task %s: %w", t.ID, err)
	}
	n, err := updateTaskScript.Run(ctx, s.c, []string{taskKey(t.ID), dueOffersKey(taskShard(t.ID))}, tj, t.Headcount, now.UnixMilli(), t.ID).Int()
	switch {
	case err != nil:
		return fmt.Errorf("update task %s: %w", t.ID, err)
	case n == 0:
		return bot.Errorf(bot.ENOTFOUND, "task %s not found", t.ID)
	case n == -1:
		return bot.Errorf(bot.ECONFLICT, "task %s is no longer open", t.ID)
	case n == -2:
		return bot.FieldErrorf(bot.ECONFLICT, "headcount", "more people have accepted task %s than %d", t.ID, t.Headcount)
	}
	return nil
}
