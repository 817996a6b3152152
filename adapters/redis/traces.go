package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"tsunagu/bot"
)

var _ bot.TraceStore = (*Store)(nil)

// Kinds of reference in a person's refs.
const (
	refTask    = "t:"
	refSession = "s:"
	refPost    = "n:"
)

// refScript records a reference in a person's refs, only while the person
// exists: a coordinator may name someone deleted (or never seen), and a refs
// key for them would be a trace of its own. It returns 1 when recorded.
//
// KEYS: person, refs. ARGV: end ms, reference.
const refScript = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
return 1
`

// addRefs records that ref names each of people until end, and returns the
// people who exist. It runs before the write that names them, so deletion,
// which reads the refs, finds every such write or one that never happened.
func addRefs(ctx context.Context, c goredis.UniversalClient, ref string, end time.Time, people []string) (map[string]bool, error) {
	cmds := make(map[string]*goredis.Cmd, len(people))
	_, err := c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for _, id := range people {
			if _, dup := cmds[id]; dup || bot.ValidateProfileID(id) != nil {
				continue
			}
			// EVAL rather than EVALSHA: a pipeline cannot fall back on
			// NOSCRIPT, and the script is short.
			cmds[id] = p.Eval(ctx, refScript, []string{personKey(id), refsKey(id)}, end.UnixMilli(), ref)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("refs %s: %w", ref, err)
	}
	exist := make(map[string]bool, len(cmds))
	for id, cmd := range cmds {
		if n, _ := cmd.Int(); n == 1 {
			exist[id] = true
		}
	}
	return exist, nil
}

// Traces lists the tasks and sessions that may name the person, from their
// refs, and every broadcast kept.
func (s *Store) Traces(ctx context.Context, profileID string) (bot.Traces, error) {
	refs, err := s.c.ZRange(ctx, refsKey(profileID), 0, -1).Result()
	if err != nil {
		return bot.Traces{}, fmt.Errorf("traces of %s: %w", profileID, err)
	}
	var t bot.Traces
	for sh := 0; sh < Shards; sh++ {
		ids, err := s.c.ZRange(ctx, broadcastsKey(sh), 0, -1).Result()
		if err != nil {
			return bot.Traces{}, fmt.Errorf("traces of %s: broadcasts: %w", profileID, err)
		}
		t.Broadcasts = append(t.Broadcasts, ids...)
	}
	for _, r := range refs {
		switch {
		case strings.HasPrefix(r, refTask):
			t.Tasks = append(t.Tasks, strings.TrimPrefix(r, refTask))
		case strings.HasPrefix(r, refSession):
			t.Sessions = append(t.Sessions, strings.TrimPrefix(r, refSession))
		case strings.HasPrefix(r, refPost):
			t.Posts = append(t.Posts, strings.TrimPrefix(r, refPost))
		}
	}
	return t, nil
}

// RecordPost remembers that a post to the coordinators' channel outside
// Redis (ref, as bot.Outgoing.Retract names it) speaks of the people in
// about, for their deletion to take it back. The post stays in the
// channel as long as they exist, and so does the reference.
func (s *Store) RecordPost(ctx context.Context, about []string, ref string) error {
	if _, err := addRefs(ctx, s.c, refPost+ref, postsKept, about); err != nil {
		return fmt.Errorf("record post: %w", err)
	}
	return nil
}

// postsKept scores a post's reference beyond any retention: the post is
// not purged, so neither is what finds it.
var postsKept = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// scrubScript removes from one shard's delayed retries, dead letters,
// due reminders and (in shard 0) the coordinators' notice board every entry
// containing one of the needles.
//
// KEYS: delayed, due, dead, notices (dead again outside shard 0).
// ARGV: needles.
var scrubScript = goredis.NewScript(`
local function hit(s)
  for i = 1, #ARGV do
    if string.find(s, ARGV[i], 1, true) then return true end
  end
  return false
end
local n = 0
for _, k in ipairs({KEYS[1], KEYS[2]}) do
  for _, m in ipairs(redis.call('ZRANGE', k, 0, -1)) do
    if hit(m) then redis.call('ZREM', k, m); n = n + 1 end
  end
end
for _, k in ipairs({KEYS[3], KEYS[4]}) do
  for _, m in ipairs(redis.call('LRANGE', k, 0, -1)) do
    if hit(m) then n = n + redis.call('LREM', k, 0, m) end
  end
end
return n
`)

// Scrub removes the retries, dead letters, reminders and notices that
// contain any of needles (a deleted person's ID and name), in every shard,
// and the console's audit entries that name them. Entries still in the
// outbox streams are not touched: they leave with their send, and the
// worker sends nothing to someone without a profile but the goodbye.
func (s *Store) Scrub(ctx context.Context, needles []string) (int, error) {
	var args []any
	for _, n := range needles {
		if n == "" {
			continue
		}
		args = append(args, n)
		// JSON may spell it otherwise (<, > and & are escaped).
		if j, _ := json.Marshal(n); string(j[1:len(j)-1]) != n {
			args = append(args, string(j[1:len(j)-1]))
		}
	}
	if len(args) == 0 {
		return 0, nil
	}
	total := 0
	for sh := 0; sh < Shards; sh++ {
		notices := deadKey(sh)
		if sh == 0 {
			notices = noticesKey()
		}
		n, err := scrubScript.Run(ctx, s.c, []string{delayedKey(sh), dueKey(sh), deadKey(sh), notices}, args...).Int()
		if err != nil {
			return total, fmt.Errorf("scrub: shard %d: %w", sh, err)
		}
		total += n
	}
	n, err := s.scrubAudit(ctx, needles)
	return total + n, err
}

// scrubAudit deletes the audit entries with a value containing one of
// needles. The log is capped (auditCap), so a deletion reads it whole.
func (s *Store) scrubAudit(ctx context.Context, needles []string) (int, error) {
	var ids []string
	start := "-"
	for {
		msgs, err := s.c.XRangeN(ctx, auditKey(), start, "+", 1000).Result()
		if err != nil {
			return 0, fmt.Errorf("scrub audit log: %w", err)
		}
		for _, m := range msgs {
			for _, v := range m.Values {
				if str, ok := v.(string); ok && containsAny(str, needles) {
					ids = append(ids, m.ID)
					break
				}
			}
		}
		if len(msgs) < 1000 {
			break
		}
		start = "(" + msgs[len(msgs)-1].ID
	}
	if len(ids) == 0 {
		return 0, nil
	}
	if err := s.c.XDel(ctx, auditKey(), ids...).Err(); err != nil {
		return 0, fmt.Errorf("scrub audit log: %w", err)
	}
	return len(ids), nil
}

func containsAny(s string, needles []string) bool {
	for _, n := range needles {
		if n != "" && strings.Contains(s, n) {
			return true
		}
	}
	return false
}

// ForgetEvents removes the dedupe records of the events from every
// shard: the processed events (seen) and the applied answers (answered,
// with their outcomes).
func (s *Store) ForgetEvents(ctx context.Context, eventIDs []string) error {
	if len(eventIDs) == 0 {
		return nil
	}
	keys := make([]any, 0, len(eventIDs))
	fields := make([]string, 0, len(eventIDs))
	for _, id := range eventIDs {
		keys = append(keys, eventKey(id))
		fields = append(fields, eventKey(id))
	}
	_, err := s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for sh := 0; sh < Shards; sh++ {
			p.ZRem(ctx, seenKey(sh), keys...)
			p.ZRem(ctx, answeredKey(sh), keys...)
			p.HDel(ctx, answeredKey(sh)+":changed", fields...)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("forget events: %w", err)
	}
	return nil
}

// scrubAudience removes a person being deleted from the audience of the
// session or broadcast stored as JSON in field of the hash key, in a WATCH
// transaction: deletions are rare and a script would have to re-encode the
// JSON.
func scrubAudience(ctx context.Context, c goredis.UniversalClient, key, field, profileID string) error {
	for attempt := 0; attempt < 8; attempt++ {
		err := c.Watch(ctx, func(tx *goredis.Tx) error {
			raw, err := tx.HGet(ctx, key, field).Result()
			if err != nil {
				return err
			}
			var rec map[string]json.RawMessage
			if err := json.Unmarshal([]byte(raw), &rec); err != nil {
				return err
			}
			var a bot.Audience
			if err := json.Unmarshal(rec["audience"], &a); err != nil {
				return err
			}
			kept := a.ProfileIDs[:0:0]
			for _, p := range a.ProfileIDs {
				if p != profileID {
					kept = append(kept, p)
				}
			}
			if len(kept) == len(a.ProfileIDs) {
				return nil
			}
			a.ProfileIDs = kept
			if rec["audience"], err = json.Marshal(a); err != nil {
				return err
			}
			out, err := json.Marshal(rec)
			if err != nil {
				return err
			}
			_, err = tx.TxPipelined(ctx, func(p goredis.Pipeliner) error {
				p.HSet(ctx, key, field, out)
				return nil
			})
			return err
		}, key)
		if err == goredis.TxFailedErr {
			continue
		}
		if err != nil && err != goredis.Nil {
			return fmt.Errorf("scrub %s from %s: %w", profileID, key, err)
		}
		return nil
	}
	return fmt.Errorf("scrub %s from %s: %w", profileID, key, bot.Errorf(bot.ECONFLICT, "audience kept changing"))
}

// forgetRecipientScript takes a deleted person out of a broadcast's
// recipient lists. Their entries become empty strings rather than being
// removed, so the batches (positions in the lists) stay as they were. A
// recipient not reached yet leaves the total; one already sent to stays in
// the counts, without their ID.
//
// KEYS: broadcast, line, slack, slack states, done batches.
// ARGV: person, LINE batch size, the Slack batch's index.
var forgetRecipientScript = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local p, size = ARGV[1], tonumber(ARGV[2])
local open = redis.call('HGET', KEYS[1], 'status') ~= 'done'
local n = 0
while true do
  local i = redis.call('LPOS', KEYS[2], p)
  if not i then break end
  redis.call('LSET', KEYS[2], i, '')
  if open and redis.call('SISMEMBER', KEYS[5], tostring(math.floor(i / size))) == 0 then
    redis.call('HINCRBY', KEYS[1], 'total', -1)
  end
  n = n + 1
end
local slack = 0
while true do
  local i = redis.call('LPOS', KEYS[3], p)
  if not i then break end
  redis.call('LSET', KEYS[3], i, '')
  slack = slack + 1
end
local st = redis.call('HGET', KEYS[4], p)
if st then
  redis.call('HDEL', KEYS[4], p)
  redis.call('HSET', KEYS[4], 'forgotten:' .. redis.call('HINCRBY', KEYS[1], 'forgotten', 1), st)
elseif slack > 0 and open and redis.call('SISMEMBER', KEYS[5], ARGV[3]) == 0 then
  redis.call('HINCRBY', KEYS[1], 'total', -1)
end
return n + slack
`)

// ForgetRecipient takes a person being deleted out of a broadcast: a
// broadcast not sent yet no longer reaches them, and none keeps their ID.
func (s *Broadcasts) ForgetRecipient(ctx context.Context, id, profileID string) error {
	keys := []string{broadcastKey(id), broadcastLineKey(id), broadcastSlackKey(id), broadcastSlackStateKey(id), broadcastDoneKey(id)}
	if err := forgetRecipientScript.Run(ctx, s.c, keys, profileID, bot.MulticastSize, bot.SlackBatch).Err(); err != nil {
		return fmt.Errorf("forget recipient of %s: %w", id, err)
	}
	if err := scrubAudience(ctx, s.c, broadcastKey(id), "broadcast", profileID); err != nil {
		return fmt.Errorf("forget recipient of %s: %w", id, err)
	}
	return nil
}
