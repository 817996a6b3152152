package redis

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"tsunagu/bot"
)

// Broadcasts keeps broadcasts and their per-batch progress; a broadcast's
// keys share the shard tag of its ID.
type Broadcasts struct {
	c goredis.UniversalClient
}

var _ bot.BroadcastStore = (*Broadcasts)(nil)

// NewBroadcasts returns the broadcast store in c.
func NewBroadcasts(c goredis.UniversalClient) *Broadcasts { return &Broadcasts{c: c} }

// broadcastKey is a hash: broadcast (JSON), status, total, sent, failed,
// skipped, batches. Beside it: line and slack, the recipients in batch
// order; done, the set of finished batches; lease, who is sending.
func broadcastKey(id string) string      { return tag(shardOf(id)) + ":b:" + id }
func broadcastLineKey(id string) string  { return broadcastKey(id) + ":line" }
func broadcastSlackKey(id string) string { return broadcastKey(id) + ":slack" }
func broadcastDoneKey(id string) string  { return broadcastKey(id) + ":done" }
func broadcastLeaseKey(id string) string { return broadcastKey(id) + ":lease" }

// broadcastSlackStateKey is a hash Slack recipient → "sending:<run>:<ms>",
// "sent" or "failed" (see ClaimSlack).
func broadcastSlackStateKey(id string) string { return broadcastKey(id) + ":slackstate" }

// broadcastsKey is a sorted set of a shard's broadcasts by when they are
// sent (unix ms), for deletion and retention.
func broadcastsKey(shard int) string { return tag(shard) + ":broadcasts" }

// dueBroadcastsKey is a sorted set of broadcasts by when to send (unix ms).
func dueBroadcastsKey(shard int) string { return tag(shard) + ":due:broadcasts" }

// recipientChunk is how many recipients one RPUSH carries.
const recipientChunk = 1000

// CreateBroadcast stores a broadcast with its recipients and schedules it.
// The recipients are written first and the broadcast becomes visible and
// due only in the last step, so a crash half-way leaves nothing to send.
func (s *Broadcasts) CreateBroadcast(ctx context.Context, b *bot.Broadcast, r bot.Recipients, due time.Time) error {
	id := b.ID
	bj, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("create broadcast %s: %w", id, err)
	}
	// Before the recipient lists, so deletion finds every broadcast that
	// may name someone. Broadcasts are few and their audiences large: the
	// index lists broadcasts, not who is in each.
	if err := s.c.ZAdd(ctx, broadcastsKey(shardOf(id)), goredis.Z{Score: float64(due.UnixMilli()), Member: id}).Err(); err != nil {
		return fmt.Errorf("create broadcast %s: %w", id, err)
	}
	for key, ids := range map[string][]string{broadcastLineKey(id): r.LINE, broadcastSlackKey(id): r.Slack} {
		for i := 0; i < len(ids); i += recipientChunk {
			chunk := ids[i:min(i+recipientChunk, len(ids))]
			args := make([]any, len(chunk))
			for j, v := range chunk {
				args[j] = v
			}
			if err := s.c.RPush(ctx, key, args...).Err(); err != nil {
				return fmt.Errorf("create broadcast %s: recipients: %w", id, err)
			}
		}
	}
	batches := r.Batches()
	_, err = s.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.HSet(ctx, broadcastKey(id), "broadcast", bj, "status", string(bot.BroadcastScheduled),
			"total", len(r.LINE)+len(r.Slack)+r.Skipped, "sent", 0, "failed", 0, "skipped", r.Skipped, "batches", batches)
		p.ZAdd(ctx, dueBroadcastsKey(shardOf(id)), goredis.Z{Score: float64(due.UnixMilli()), Member: id})
		return nil
	})
	if err != nil {
		return fmt.Errorf("create broadcast %s: %w", id, err)
	}
	return nil
}

// FindBroadcast returns the broadcast and its progress.
func (s *Broadcasts) FindBroadcast(ctx context.Context, id string) (*bot.BroadcastView, error) {
	v, err := s.c.HMGet(ctx, broadcastKey(id), "broadcast", "status", "total", "sent", "failed", "skipped", "batches").Result()
	if err != nil {
		return nil, fmt.Errorf("find broadcast %s: %w", id, err)
	}
	bj, _ := v[0].(string)
	if bj == "" {
		return nil, fmt.Errorf("find broadcast %s: %w", id, bot.Errorf(bot.ENOTFOUND, "no broadcast %s", id))
	}
	out := &bot.BroadcastView{}
	if err := json.Unmarshal([]byte(bj), &out.Broadcast); err != nil {
		return nil, fmt.Errorf("find broadcast %s: %w", id, err)
	}
	st, _ := v[1].(string)
	out.Status = bot.BroadcastStatus(st)
	num := func(x any) int { s, _ := x.(string); n, _ := strconv.Atoi(s); return n }
	out.Total, out.Sent, out.Failed, out.Skipped, out.Batches = num(v[2]), num(v[3]), num(v[4]), num(v[5]), num(v[6])
	return out, nil
}

// FindBroadcasts returns the broadcasts first due in [from, to), the
// latest first, at most limit: every shard's index read in one pipeline,
// then each broadcast.
func (s *Broadcasts) FindBroadcasts(ctx context.Context, from, to time.Time, limit int) ([]*bot.BroadcastView, error) {
	cmds := make([]*goredis.ZSliceCmd, Shards)
	_, _ = s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for sh := range cmds {
			cmds[sh] = p.ZRangeByScoreWithScores(ctx, broadcastsKey(sh), &goredis.ZRangeBy{
				Min: strconv.FormatInt(from.UnixMilli(), 10), Max: "(" + strconv.FormatInt(to.UnixMilli(), 10),
			})
		}
		return nil
	})
	var all []goredis.Z
	for sh, cmd := range cmds {
		zs, err := cmd.Result()
		if err != nil {
			return nil, fmt.Errorf("find broadcasts: shard %d: %w", sh, err)
		}
		all = append(all, zs...)
	}
	slices.SortFunc(all, func(a, b goredis.Z) int { return cmp.Compare(b.Score, a.Score) })
	out := make([]*bot.BroadcastView, 0, min(len(all), limit))
	for _, z := range all {
		if len(out) == limit {
			break
		}
		v, err := s.FindBroadcast(ctx, fmt.Sprint(z.Member))
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			continue // purged between the two reads
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// DueBroadcasts returns up to limit broadcasts due at now.
func (s *Broadcasts) DueBroadcasts(ctx context.Context, now time.Time, limit int) ([]string, error) {
	var ids []string
	for sh := 0; sh < Shards && len(ids) < limit; sh++ {
		got, err := s.c.ZRangeByScore(ctx, dueBroadcastsKey(sh), &goredis.ZRangeBy{
			Min: "-inf", Max: strconv.FormatInt(now.UnixMilli(), 10), Count: int64(limit - len(ids)),
		}).Result()
		if err != nil {
			return ids, fmt.Errorf("due broadcasts: shard %d: %w", sh, err)
		}
		ids = append(ids, got...)
	}
	return ids, nil
}

// RescheduleBroadcast moves the broadcast's send time (quiet hours).
func (s *Broadcasts) RescheduleBroadcast(ctx context.Context, id string, at time.Time) error {
	err := s.c.ZAdd(ctx, dueBroadcastsKey(shardOf(id)), goredis.Z{Score: float64(at.UnixMilli()), Member: id}).Err()
	if err != nil {
		return fmt.Errorf("reschedule broadcast %s: %w", id, err)
	}
	return nil
}

// cancelScript calls off a broadcast that is scheduled and that no run
// has leased (a run about to send holds the lease first): its status
// says so, it leaves the sweep, and its recipient lists are dropped.
//
// KEYS: broadcast, lease, due broadcasts, LINE list, Slack list. ARGV: ID.
var cancelBroadcastScript = goredis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return -1 end
if st ~= 'scheduled' or redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'status', 'cancelled')
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('DEL', KEYS[4], KEYS[5])
return 1
`)

// CancelBroadcast calls off a broadcast not begun yet.
func (s *Broadcasts) CancelBroadcast(ctx context.Context, id string) error {
	keys := []string{broadcastKey(id), broadcastLeaseKey(id), dueBroadcastsKey(shardOf(id)), broadcastLineKey(id), broadcastSlackKey(id)}
	n, err := cancelBroadcastScript.Run(ctx, s.c, keys, id).Int()
	switch {
	case err != nil:
		return fmt.Errorf("cancel broadcast %s: %w", id, err)
	case n < 0:
		return fmt.Errorf("cancel broadcast %s: %w", id, bot.Errorf(bot.ENOTFOUND, "no broadcast %s", id))
	case n == 0:
		return fmt.Errorf("cancel broadcast %s: %w", id, bot.Errorf(bot.ECONFLICT, "broadcast %s has begun or was called off", id))
	}
	return nil
}

// leaseScript takes or renews the right to send a broadcast, unless it
// was called off.
//
// KEYS: lease, broadcast. ARGV: owner, ttl ms.
var leaseScript = goredis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return 0 end
local st = redis.call('HGET', KEYS[2], 'status')
if st == 'cancelled' then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if st == 'scheduled' then redis.call('HSET', KEYS[2], 'status', 'sending') end
return 1
`)

// Lease takes or renews the right to send the broadcast for ttl; false
// means another replica holds it.
func (s *Broadcasts) Lease(ctx context.Context, id, owner string, ttl time.Duration) (bool, error) {
	n, err := leaseScript.Run(ctx, s.c, []string{broadcastLeaseKey(id), broadcastKey(id)}, owner, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("lease broadcast %s: %w", id, err)
	}
	return n == 1, nil
}

// releaseScript deletes the lease only if owner still holds it: a GET then
// a DEL from Go could delete the lease of a run that took over in between
// (after this one's lapsed), and two runs would then send at once.
//
// KEYS: lease. ARGV: owner.
var releaseScript = goredis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// Release gives the lease up, if owner still holds it.
func (s *Broadcasts) Release(ctx context.Context, id, owner string) error {
	if err := releaseScript.Run(ctx, s.c, []string{broadcastLeaseKey(id)}, owner).Err(); err != nil {
		return fmt.Errorf("release broadcast %s: %w", id, err)
	}
	return nil
}

// Pending returns the batches not finished yet, with their recipients.
// Batch k of LINE holds recipients [k×size, (k+1)×size); the Slack
// recipients, if any, are the last batch, bot.SlackBatch.
func (s *Broadcasts) Pending(ctx context.Context, id string, size int) ([]bot.Batch, error) {
	done, err := s.c.SMembers(ctx, broadcastDoneKey(id)).Result()
	if err != nil {
		return nil, fmt.Errorf("pending batches %s: %w", id, err)
	}
	finished := map[string]bool{}
	for _, d := range done {
		finished[d] = true
	}
	line, err := s.c.LRange(ctx, broadcastLineKey(id), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("pending batches %s: %w", id, err)
	}
	var out []bot.Batch
	for k := 0; k*size < len(line); k++ {
		if !finished[strconv.Itoa(k)] {
			out = append(out, bot.Batch{Index: k, Recipients: present(line[k*size : min((k+1)*size, len(line))])})
		}
	}
	if !finished[strconv.Itoa(bot.SlackBatch)] {
		slack, err := s.c.LRange(ctx, broadcastSlackKey(id), 0, -1).Result()
		if err != nil {
			return nil, fmt.Errorf("pending batches %s: %w", id, err)
		}
		if len(slack) > 0 {
			out = append(out, bot.Batch{Index: bot.SlackBatch, Recipients: present(slack)})
		}
	}
	return out, nil
}

// present drops the empty entries deleted people leave in recipient lists
// (see ForgetRecipient).
func present(ids []string) []string {
	kept := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != "" {
			kept = append(kept, id)
		}
	}
	return kept
}

// doneBody records a finished batch once; the call that finishes the last
// batch marks the broadcast done and queues the report, with the final
// counts written into it.
//
// KEYS: broadcast, done, due, outbox. ARGV: batch, sent, failed, broadcast
// ID, report entry JSON with __SENT__, __FAILED__ and __SKIPPED__.
const doneBody = `
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'sent', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'failed', ARGV[3])
if redis.call('SCARD', KEYS[2]) < tonumber(redis.call('HGET', KEYS[1], 'batches')) then return 1 end
redis.call('HSET', KEYS[1], 'status', 'done')
redis.call('ZREM', KEYS[3], ARGV[4])
local v = redis.call('HMGET', KEYS[1], 'sent', 'failed', 'skipped')
local report = string.gsub(ARGV[5], '__SENT__', v[1])
report = string.gsub(report, '__FAILED__', v[2])
report = string.gsub(report, '__SKIPPED__', v[3])
if ARGV[5] ~= '' then redis.call('XADD', KEYS[4], '*', 'out', report, 'attempt', 0) end
return 2
`

var doneScript = goredis.NewScript(doneBody)

// BatchDone records a finished batch; finished reports that it was the
// last one.
func (s *Broadcasts) BatchDone(ctx context.Context, id string, batch, sent, failed int, report bot.Outgoing) (finished bool, err error) {
	rj, err := reportJSON(id, report)
	if err != nil {
		return false, err
	}
	n, err := doneScript.Run(ctx, s.c, doneKeys(id), batch, sent, failed, id, rj).Int()
	if err != nil {
		return false, fmt.Errorf("batch done %s: %w", id, err)
	}
	return n == 2, nil
}

// doneKeys are the keys of doneBody.
func doneKeys(id string) []string {
	sh := shardOf(id)
	return []string{broadcastKey(id), broadcastDoneKey(id), dueBroadcastsKey(sh), outboxKey(sh)}
}

func reportJSON(id string, report bot.Outgoing) ([]byte, error) {
	if report.ID == "" {
		return nil, nil
	}
	rj, err := json.Marshal(report)
	if err != nil {
		return nil, fmt.Errorf("broadcast %s: report: %w", id, err)
	}
	return rj, nil
}

// FinishEmpty marks a broadcast without batches done (everyone skipped).
func (s *Broadcasts) FinishEmpty(ctx context.Context, id string, report bot.Outgoing) error {
	_, err := s.BatchDone(ctx, id, -2, 0, 0, report)
	return err
}

// A Slack recipient's state is "sending:<owner>:<unix ms>" while a run
// sends to them (the time is when the run last confirmed it was still at
// it), then "sent" or "failed". States written before runs were named
// ("sending" alone) read as claims of a run long gone.

// claimSlackScript confirms that owner holds the lease (renewing it) and
// claims the recipient for owner, or renews owner's own claim.
//
// KEYS: lease, slack states. ARGV: owner, ttl ms, recipient, now ms.
// Returns -1 when owner lost the lease, 1 when the recipient is owner's,
// 0 when another run claimed them or they have a result.
var claimSlackScript = goredis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
local mine = 'sending:' .. ARGV[1] .. ':'
local cur = redis.call('HGET', KEYS[2], ARGV[3])
if cur and string.sub(cur, 1, #mine) ~= mine then return 0 end
redis.call('HSET', KEYS[2], ARGV[3], mine .. ARGV[4])
return 1
`)

// ClaimSlack makes a Slack recipient owner's to send to; see
// broadcast.Store.
func (s *Broadcasts) ClaimSlack(ctx context.Context, id, owner, profileID string, now time.Time, ttl time.Duration) (bool, error) {
	keys := []string{broadcastLeaseKey(id), broadcastSlackStateKey(id)}
	n, err := claimSlackScript.Run(ctx, s.c, keys, owner, ttl.Milliseconds(), profileID, now.UnixMilli()).Int()
	switch {
	case err != nil:
		return false, fmt.Errorf("claim slack %s: %w", id, err)
	case n < 0:
		return false, fmt.Errorf("claim slack %s: %w", id, bot.ErrLeaseLost)
	}
	return n == 1, nil
}

// slackResultScript records the result of owner's claim and counts it in
// the broadcast, at once, so the counts are what the runs really did
// whichever run finishes the batch.
//
// KEYS: slack states, broadcast. ARGV: owner, recipient, "sent" or
// "failed".
var slackResultScript = goredis.NewScript(`
local mine = 'sending:' .. ARGV[1] .. ':'
local cur = redis.call('HGET', KEYS[1], ARGV[2])
if not cur or string.sub(cur, 1, #mine) ~= mine then return 0 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
return 1
`)

// SlackResult records whether the DM to owner's claimed recipient went
// out.
func (s *Broadcasts) SlackResult(ctx context.Context, id, owner, profileID string, sent bool) error {
	state := "failed"
	if sent {
		state = "sent"
	}
	keys := []string{broadcastSlackStateKey(id), broadcastKey(id)}
	if err := slackResultScript.Run(ctx, s.c, keys, owner, profileID, state).Err(); err != nil {
		return fmt.Errorf("slack result %s: %w", id, err)
	}
	return nil
}

// finishSlackScript settles the Slack batch for the lease holder, then
// records it done like any batch (doneBody). A claim of another run not
// renewed for the doubt window belongs to a run that died mid-DM: the post
// may or may not have gone out, it is never retried, and it counts failed.
// A younger claim may still be in flight: its run counts it, and the batch
// waits for a later run.
//
// KEYS: as doneBody, then lease, slack states. ARGV: as doneBody (sent and
// failed 0), then owner, now ms, doubt window ms.
// Returns -1 when owner lost the lease, -2 when a claim is in flight.
var finishSlackScript = goredis.NewScript(`
if redis.call('GET', KEYS[5]) ~= ARGV[6] then return -1 end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return 0 end
local now, window = tonumber(ARGV[7]), tonumber(ARGV[8])
local states = redis.call('HGETALL', KEYS[6])
local doubt = {}
for i = 1, #states, 2 do
  local st = states[i + 1]
  if string.sub(st, 1, 7) == 'sending' then
    local at = tonumber(string.match(st, ':(%d+)$') or '0')
    if now - at < window then return -2 end
    doubt[#doubt + 1] = states[i]
  end
end
for _, p in ipairs(doubt) do redis.call('HSET', KEYS[6], p, 'failed') end
if #doubt > 0 then redis.call('HINCRBY', KEYS[1], 'failed', #doubt) end
` + doneBody)

// FinishSlack ends the Slack batch; see broadcast.Store.
func (s *Broadcasts) FinishSlack(ctx context.Context, id, owner string, now time.Time, doubtAfter time.Duration, report bot.Outgoing) (bool, error) {
	rj, err := reportJSON(id, report)
	if err != nil {
		return false, err
	}
	keys := append(doneKeys(id), broadcastLeaseKey(id), broadcastSlackStateKey(id))
	n, err := finishSlackScript.Run(ctx, s.c, keys, bot.SlackBatch, 0, 0, id, rj, owner, now.UnixMilli(), doubtAfter.Milliseconds()).Int()
	switch {
	case err != nil:
		return false, fmt.Errorf("finish slack %s: %w", id, err)
	case n == -1:
		return false, fmt.Errorf("finish slack %s: %w", id, bot.ErrLeaseLost)
	}
	return n >= 0, nil
}
