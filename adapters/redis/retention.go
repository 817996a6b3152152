package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// countsKey is a hash of anonymous monthly figures folded from the tasks,
// sessions and broadcasts retention dropped: fields "<YYYY-MM>:<figure>".
// It is one key per shard whatever the age of the service, and names no
// one.
func countsKey(shard int) string { return tag(shard) + ":counts" }

// Retention drops, once a day, what the service no longer needs: the details
// of tasks, sessions and broadcasts that ended more than Keep ago (their
// figures stay as anonymous monthly counts), references to them, processed
// event digests past their week, outbox entries stuck for a week and the
// consumer names of replicas long gone. With it the number of keys follows
// the activity of the last Keep, not the age of the service.
type Retention struct {
	c    goredis.UniversalClient
	keep time.Duration
	loc  *time.Location
	// idle is consumerIdle; a test shortens it, since Redis measures a
	// consumer's idle time on its own clock.
	idle time.Duration
}

// NewRetention returns the retention sweep over c, keeping details for keep
// and naming months in loc.
func NewRetention(c goredis.UniversalClient, keep time.Duration, loc *time.Location) *Retention {
	if loc == nil {
		loc = time.Local
	}
	return &Retention{c: c, keep: keep, loc: loc, idle: consumerIdle}
}

// Purged is what one sweep removed.
type Purged struct {
	Tasks         int `json:"tasks"`
	Sessions      int `json:"sessions"`
	Broadcasts    int `json:"broadcasts"`
	Refs          int `json:"refs"`
	Events        int `json:"events"`
	StreamEntries int `json:"stream_entries"`
	Consumers     int `json:"consumers"`
}

// consumerIdle is how long a consumer with nothing pending may stay silent
// before its name is dropped: every restart brings a new one.
const consumerIdle = 24 * time.Hour

// stuckFor is the age past which an outbox entry is dropped: a message a
// week late would confuse more than help.
const stuckFor = 7 * 24 * time.Hour

// Run sweeps every shard as of now.
func (r *Retention) Run(ctx context.Context, now time.Time) (Purged, error) {
	var sum Purged
	cutoff := now.Add(-r.keep)
	var errs []error
	for sh := 0; sh < Shards; sh++ {
		errs = append(errs,
			r.tasks(ctx, sh, cutoff, &sum),
			r.sessions(ctx, sh, cutoff, &sum),
			r.broadcasts(ctx, sh, cutoff, &sum),
			r.refs(ctx, sh, cutoff, &sum),
			r.events(ctx, sh, now, &sum),
			r.stream(ctx, sh, now, &sum))
	}
	return sum, errors.Join(errs...)
}

func (r *Retention) month(t time.Time) string { return t.In(r.loc).Format("2006-01") + ":" }

// purgeTaskScript folds a task's figures into the month's counts and
// deletes it with its offers.
//
// KEYS: task, offers, expiry, waitlist, accepted, tasks, due offers,
// counts, confirmations, results, offered at, tasks by start. ARGV: task
// ID, month prefix,
// the task's length in hours.
var purgeTaskScript = goredis.NewScript(`
local h = redis.call('HMGET', KEYS[1], 'status', 'head')
local m = ARGV[2]
if h[1] then
  if h[1] == 'cancelled' then
    redis.call('HINCRBY', KEYS[8], m .. 'tasks_cancelled', 1)
  else
    local head = tonumber(h[2] or '0')
    local acc = redis.call('ZCARD', KEYS[5])
    redis.call('HINCRBY', KEYS[8], m .. 'tasks', 1)
    redis.call('HINCRBY', KEYS[8], m .. 'places', head)
    redis.call('HINCRBY', KEYS[8], m .. 'places_filled', math.min(acc, head))
    -- A participation is an accepted place not marked not done; its hours
    -- are those recorded, else the task's length.
    local part, hours = 0, 0
    for _, who in ipairs(redis.call('ZRANGE', KEYS[5], 0, -1)) do
      local r = redis.call('HGET', KEYS[10], who) or ''
      if string.sub(r, 1, 13) ~= 'not_completed' then
        part = part + 1
        local h = tonumber(string.match(r, ':(.*)$') or '')
        hours = hours + (h or tonumber(ARGV[3]))
      end
    end
    redis.call('HINCRBY', KEYS[8], m .. 'participations', part)
    redis.call('HINCRBYFLOAT', KEYS[8], m .. 'hours', hours)
    if acc >= head then redis.call('HINCRBY', KEYS[8], m .. 'tasks_filled', 1) end
  end
  local states = redis.call('HVALS', KEYS[2])
  redis.call('HINCRBY', KEYS[8], m .. 'offers', #states)
  for _, st in ipairs(states) do redis.call('HINCRBY', KEYS[8], m .. 'offers_' .. st, 1) end
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[9], KEYS[10], KEYS[11])
redis.call('SREM', KEYS[6], ARGV[1])
redis.call('ZREM', KEYS[12], ARGV[1])
redis.call('ZREM', KEYS[7], ARGV[1])
return 1
`)

func (r *Retention) tasks(ctx context.Context, sh int, cutoff time.Time, sum *Purged) error {
	ids, err := r.c.SMembers(ctx, tasksKey(sh)).Result()
	if err != nil {
		return fmt.Errorf("retention: tasks of shard %d: %w", sh, err)
	}
	raw, err := r.fields(ctx, ids, taskKey, "task")
	if err != nil {
		return fmt.Errorf("retention: tasks of shard %d: %w", sh, err)
	}
	for i, id := range ids {
		start, ended, length := time.Time{}, true, 0.0 // an index entry without a task goes
		if raw[i] != "" {
			t, err := decodeTask([]byte(raw[i]))
			if err != nil {
				return fmt.Errorf("retention: task %s: %w", id, err)
			}
			start, ended, length = t.Start, t.End.Before(cutoff), t.Length()
		}
		if !ended {
			continue
		}
		keys := []string{taskKey(id), taskOffersKey(id), taskExpiryKey(id), taskWaitlistKey(id), taskAcceptedKey(id),
			tasksKey(sh), dueOffersKey(sh), countsKey(sh), taskConfirmKey(id), taskResultKey(id), taskOfferedAtKey(id),
			tasksByStartKey(sh)}
		if err := purgeTaskScript.Run(ctx, r.c, keys, id, r.month(start), length).Err(); err != nil {
			return fmt.Errorf("retention: task %s: %w", id, err)
		}
		sum.Tasks++
	}
	return nil
}

// purgeSessionScript folds a session's figures into the month's counts and
// deletes it with its answers; a cancelled session, never held, counts
// nothing.
//
// KEYS: session, rsvps, attendees, sessions, pending invites, counts.
// ARGV: session ID, month prefix.
var purgeSessionScript = goredis.NewScript(`
local m = ARGV[2]
if redis.call('EXISTS', KEYS[1]) == 1 and redis.call('HEXISTS', KEYS[1], 'cancelled') == 0 then
  redis.call('HINCRBY', KEYS[6], m .. 'sessions', 1)
  redis.call('HINCRBY', KEYS[6], m .. 'session_invitations', redis.call('HLEN', KEYS[2]))
  redis.call('HINCRBY', KEYS[6], m .. 'session_attendances', redis.call('ZCARD', KEYS[3]))
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('SREM', KEYS[4], ARGV[1])
redis.call('SREM', KEYS[5], ARGV[1])
return 1
`)

func (r *Retention) sessions(ctx context.Context, sh int, cutoff time.Time, sum *Purged) error {
	ids, err := r.c.SMembers(ctx, sessionsKey(sh)).Result()
	if err != nil {
		return fmt.Errorf("retention: sessions of shard %d: %w", sh, err)
	}
	raw, err := r.fields(ctx, ids, sessionKey, "session")
	if err != nil {
		return fmt.Errorf("retention: sessions of shard %d: %w", sh, err)
	}
	for i, id := range ids {
		start, ended := time.Time{}, true
		if raw[i] != "" {
			s, err := decodeSession(raw[i])
			if err != nil {
				return fmt.Errorf("retention: session %s: %w", id, err)
			}
			start, ended = s.Start, s.End.Before(cutoff)
		}
		if !ended {
			continue
		}
		keys := []string{sessionKey(id), sessionRSVPKey(id), sessionAttendeesKey(id), sessionsKey(sh), pendingInvitesKey(sh), countsKey(sh)}
		if err := purgeSessionScript.Run(ctx, r.c, keys, id, r.month(start)).Err(); err != nil {
			return fmt.Errorf("retention: session %s: %w", id, err)
		}
		sum.Sessions++
	}
	return nil
}

// purgeBroadcastScript folds a broadcast's figures into the month's counts
// and deletes it with its recipient lists.
//
// KEYS: broadcast, line, slack, done, lease, slack states, broadcasts, due
// broadcasts, counts. ARGV: broadcast ID, month prefix.
var purgeBroadcastScript = goredis.NewScript(`
local m = ARGV[2]
local v = redis.call('HMGET', KEYS[1], 'sent', 'failed', 'skipped')
if v[1] then
  redis.call('HINCRBY', KEYS[9], m .. 'broadcasts', 1)
  redis.call('HINCRBY', KEYS[9], m .. 'broadcast_sent', v[1])
  redis.call('HINCRBY', KEYS[9], m .. 'broadcast_failed', v[2] or 0)
  redis.call('HINCRBY', KEYS[9], m .. 'broadcast_skipped', v[3] or 0)
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
redis.call('ZREM', KEYS[7], ARGV[1])
redis.call('ZREM', KEYS[8], ARGV[1])
return 1
`)

func (r *Retention) broadcasts(ctx context.Context, sh int, cutoff time.Time, sum *Purged) error {
	old, err := r.c.ZRangeByScoreWithScores(ctx, broadcastsKey(sh), &goredis.ZRangeBy{
		Min: "-inf", Max: "(" + strconv.FormatInt(cutoff.UnixMilli(), 10),
	}).Result()
	if err != nil {
		return fmt.Errorf("retention: broadcasts of shard %d: %w", sh, err)
	}
	for _, z := range old {
		id, _ := z.Member.(string)
		keys := []string{broadcastKey(id), broadcastLineKey(id), broadcastSlackKey(id), broadcastDoneKey(id),
			broadcastLeaseKey(id), broadcastSlackStateKey(id), broadcastsKey(sh), dueBroadcastsKey(sh), countsKey(sh)}
		if err := purgeBroadcastScript.Run(ctx, r.c, keys, id, r.month(time.UnixMilli(int64(z.Score)))).Err(); err != nil {
			return fmt.Errorf("retention: broadcast %s: %w", id, err)
		}
		sum.Broadcasts++
	}
	return nil
}

// refs drops the references to what retention dropped from every person's
// refs.
func (r *Retention) refs(ctx context.Context, sh int, cutoff time.Time, sum *Purged) error {
	ids, err := r.c.SMembers(ctx, profilesKey(sh)).Result()
	if err != nil {
		return fmt.Errorf("retention: people of shard %d: %w", sh, err)
	}
	cmds := make([]*goredis.IntCmd, len(ids))
	_, err = r.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.ZRemRangeByScore(ctx, refsKey(id), "-inf", "("+strconv.FormatInt(cutoff.UnixMilli(), 10))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("retention: refs of shard %d: %w", sh, err)
	}
	for _, c := range cmds {
		sum.Refs += int(c.Val())
	}
	return nil
}

// trimAnsweredScript forgets applied answers older than the dedupe window
// with their outcomes; the answer script trims only as answers come.
//
// KEYS: answered, answered outcomes. ARGV: before ms.
var trimAnsweredScript = goredis.NewScript(`
local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
for _, e in ipairs(old) do
  redis.call('ZREM', KEYS[1], e)
  redis.call('HDEL', KEYS[2], e)
end
return #old
`)

// events forgets processed events past the dedupe window, in shards where
// nothing was committed lately to trim them.
func (r *Retention) events(ctx context.Context, sh int, now time.Time, sum *Purged) error {
	before := strconv.FormatInt(now.Add(-seenFor).UnixMilli(), 10)
	n, err := r.c.ZRemRangeByScore(ctx, seenKey(sh), "-inf", "("+before).Result()
	if err != nil {
		return fmt.Errorf("retention: events of shard %d: %w", sh, err)
	}
	m, err := trimAnsweredScript.Run(ctx, r.c, []string{answeredKey(sh), answeredKey(sh) + ":changed"}, before).Int()
	if err != nil {
		return fmt.Errorf("retention: answers of shard %d: %w", sh, err)
	}
	sum.Events += int(n) + m
	return nil
}

// stream drops outbox entries stuck for a week and the names of consumers
// idle for a day with nothing pending.
func (r *Retention) stream(ctx context.Context, sh int, now time.Time, sum *Purged) error {
	key := outboxKey(sh)
	n, err := r.c.XTrimMinID(ctx, key, strconv.FormatInt(now.Add(-stuckFor).UnixMilli(), 10)).Result()
	if err != nil {
		return fmt.Errorf("retention: outbox of shard %d: %w", sh, err)
	}
	sum.StreamEntries += int(n)
	consumers, err := r.c.XInfoConsumers(ctx, key, group).Result()
	if err != nil && isNoGroup(err) {
		return nil // the stream or group is made at start; nothing to tidy
	}
	if err != nil {
		return fmt.Errorf("retention: consumers of shard %d: %w", sh, err)
	}
	for _, c := range consumers {
		if c.Pending > 0 || c.Idle < r.idle {
			continue
		}
		if err := r.c.XGroupDelConsumer(ctx, key, group, c.Name).Err(); err != nil {
			return fmt.Errorf("retention: consumer %s of shard %d: %w", c.Name, sh, err)
		}
		sum.Consumers++
	}
	return nil
}

// fields reads one field of the hash of each ID in one pipeline; missing
// ones are empty.
func (r *Retention) fields(ctx context.Context, ids []string, key func(string) string, field string) ([]string, error) {
	return hashFields(ctx, r.c, ids, key, field)
}

// hashFields reads field of the hash key(id) for each of ids in one
// pipeline; a hash gone (or without the field) reads "".
func hashFields(ctx context.Context, c goredis.UniversalClient, ids []string, key func(string) string, field string) ([]string, error) {
	cmds := make([]*goredis.StringCmd, len(ids))
	_, err := c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HGet(ctx, key(id), field)
		}
		return nil
	})
	if err != nil && !errors.Is(err, goredis.Nil) {
		return nil, err
	}
	out := make([]string, len(ids))
	for i, c := range cmds {
		out[i] = c.Val()
	}
	return out, nil
}

func isNoGroup(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "NOGROUP") || strings.Contains(msg, "no such key")
}

// Counts returns the anonymous figures retention folded, by month
// ("2026-04") and figure ("tasks", "places_filled", ...), summed over the
// shards.
func (r *Retention) Counts(ctx context.Context) (map[string]map[string]float64, error) {
	out := map[string]map[string]float64{}
	for sh := 0; sh < Shards; sh++ {
		fields, err := r.c.HGetAll(ctx, countsKey(sh)).Result()
		if err != nil {
			return nil, fmt.Errorf("retention counts: shard %d: %w", sh, err)
		}
		for f, v := range fields {
			month, figure, ok := strings.Cut(f, ":")
			n, err := strconv.ParseFloat(v, 64)
			if !ok || err != nil {
				continue
			}
			if out[month] == nil {
				out[month] = map[string]float64{}
			}
			out[month][figure] += n
		}
	}
	return out, nil
}
