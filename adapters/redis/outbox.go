package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"tsunagu/adapters/outbox"
	"tsunagu/bot"
)

// Outbox caps and batch sizes.
const (
	deadCap      = 10000 // dead letters kept per shard
	promoteBatch = 100   // delayed entries moved per shard and call
)

// Outbox is the durable queue of outgoing messages: one stream per shard,
// read through the consumer group "senders", with a sorted set of entries
// waiting for a retry and a list of dead letters beside it.
type Outbox struct {
	c goredis.UniversalClient
	// queued, when the Outbox is a Store's, holds what its commits just
	// queued (nil otherwise).
	queued *queuedMemory
}

// NewOutbox returns the outbox stored in c.
func NewOutbox(c goredis.UniversalClient) *Outbox { return &Outbox{c: c} }

// DeadLetter records an entry that was given up on. It holds no message
// text, only enough to find out what went wrong.
type DeadLetter struct {
	OutID    string    `json:"out_id"`
	Kind     string    `json:"kind,omitempty"`
	To       string    `json:"to"`
	Reason   string    `json:"reason"`
	Status   int       `json:"status,omitempty"`
	Attempts int       `json:"attempts"`
	At       time.Time `json:"at"`
}

// EnsureGroups creates every shard's stream and consumer group if missing.
func (o *Outbox) EnsureGroups(ctx context.Context) error {
	for sh := 0; sh < Shards; sh++ {
		if err := o.ensureGroup(ctx, sh); err != nil {
			return err
		}
	}
	return nil
}

func (o *Outbox) ensureGroup(ctx context.Context, sh int) error {
	err := o.c.XGroupCreateMkStream(ctx, outboxKey(sh), group, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("outbox: create group for shard %d: %w", sh, err)
	}
	return nil
}

// Enqueue queues out outside a commit, in the shard of its recipient.
func (o *Outbox) Enqueue(ctx context.Context, out bot.Outgoing) error {
	oj, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("enqueue %s: %w", out.ID, err)
	}
	err = o.c.XAdd(ctx, &goredis.XAddArgs{
		Stream: outboxKey(shardOf(out.To)),
		Values: []any{"out", oj, "attempt", 0},
	}).Err()
	if err != nil {
		return fmt.Errorf("enqueue %s: %w", out.ID, err)
	}
	o.queued.put(string(oj), out)
	return nil
}

// Read hands consumer new entries, up to count from each shard, reading
// every shard in one pipeline without blocking: one round trip on one
// server; a Cluster client splits it by node, each command naming one key.
func (o *Outbox) Read(ctx context.Context, consumer string, count int) ([]outbox.Delivery, error) {
	cmds := make([]*goredis.XStreamSliceCmd, Shards)
	_, _ = o.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for sh := range cmds {
			cmds[sh] = p.XReadGroup(ctx, &goredis.XReadGroupArgs{
				Group:    group,
				Consumer: consumer,
				Streams:  []string{outboxKey(sh), ">"},
				Count:    int64(count),
				Block:    -1, // 0 would block forever
			})
		}
		return nil
	})
	// The pipeline's error is its first failed command's; each shard's
	// own is read below, and what the other shards handed over is
	// returned with it: those entries are now this consumer's, and
	// dropped they would wait for a reclaim.
	var got []outbox.Delivery
	var errs []error
	for sh, cmd := range cmds {
		streams, err := cmd.Result()
		switch {
		case errors.Is(err, goredis.Nil):
			continue
		case err != nil && strings.HasPrefix(err.Error(), "NOGROUP"):
			// The stream was removed (FLUSHDB, a failover without
			// persistence): recreate it and read next time.
			if err := o.ensureGroup(ctx, sh); err != nil {
				errs = append(errs, err)
			}
			continue
		case err != nil:
			errs = append(errs, fmt.Errorf("outbox read: shard %d: %w", sh, err))
			continue
		}
		for _, s := range streams {
			got = append(got, o.deliveries(ctx, sh, s.Messages)...)
		}
	}
	return got, errors.Join(errs...)
}

// Reclaim takes over up to count entries that another consumer read and did
// not settle within minIdle, such as those of a crashed worker.
func (o *Outbox) Reclaim(ctx context.Context, consumer string, minIdle time.Duration, count int) ([]outbox.Delivery, error) {
	var got []outbox.Delivery
	for sh := 0; sh < Shards && len(got) < count; sh++ {
		start := "0-0"
		for len(got) < count {
			msgs, next, err := o.c.XAutoClaim(ctx, &goredis.XAutoClaimArgs{
				Stream:   outboxKey(sh),
				Group:    group,
				Consumer: consumer,
				MinIdle:  minIdle,
				Start:    start,
				Count:    int64(count - len(got)),
			}).Result()
			if err != nil && strings.HasPrefix(err.Error(), "NOGROUP") {
				break
			}
			if err != nil {
				return got, fmt.Errorf("outbox reclaim: shard %d: %w", sh, err)
			}
			for _, d := range o.deliveries(ctx, sh, msgs) {
				// The crashed worker may have sent it: a sender that
				// cannot be told twice (Slack) checks before sending again.
				d.Attempt++
				got = append(got, d)
			}
			if next == "0-0" || next == "" {
				break
			}
			start = next
		}
	}
	return got, nil
}

// touchScript sets the idle time of the entries a consumer still holds,
// and returns the IDs of those it does not hold any more (settled, or
// reclaimed by another consumer): those are not claimed back.
//
// KEYS: outbox. ARGV: group, consumer, idle ms, stream IDs...
var touchScript = goredis.NewScript(`
local lost = {}
for i = 4, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1, ARGV[2])
  if #p == 1 then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'IDLE', ARGV[3], 'JUSTID')
  else
    lost[#lost + 1] = ARGV[i]
  end
end
return lost
`)

// Touch sets to idle how long the entries of ds that consumer still holds
// look idle to Reclaim. A worker that holds entries longer than a send
// touches them with 0, so that no other worker takes over entries it is
// still working through; one that stops hands the entries it will not send
// to the next Reclaim with an idle time of at least Reclaim's minIdle. Touch
// returns the entries consumer no longer holds.
func (o *Outbox) Touch(ctx context.Context, consumer string, ds []outbox.Delivery, idle time.Duration) ([]outbox.Delivery, error) {
	byShard := map[int][]outbox.Delivery{}
	for _, d := range ds {
		byShard[d.Shard] = append(byShard[d.Shard], d)
	}
	var lost []outbox.Delivery
	for sh, held := range byShard {
		args := []any{group, consumer, idle.Milliseconds()}
		for _, d := range held {
			args = append(args, d.StreamID)
		}
		ids, err := touchScript.Run(ctx, o.c, []string{outboxKey(sh)}, args...).StringSlice()
		if err != nil && !errors.Is(err, goredis.Nil) {
			return lost, fmt.Errorf("outbox touch: shard %d: %w", sh, err)
		}
		gone := map[string]bool{}
		for _, id := range ids {
			gone[id] = true
		}
		for _, d := range held {
			if gone[d.StreamID] {
				lost = append(lost, d)
			}
		}
	}
	return lost, nil
}

// deliveries decodes stream entries. An entry that cannot be decoded can
// never be sent: it goes straight to the dead letters.
func (o *Outbox) deliveries(ctx context.Context, sh int, msgs []goredis.XMessage) []outbox.Delivery {
	ds := make([]outbox.Delivery, 0, len(msgs))
	for _, m := range msgs {
		d := outbox.Delivery{Shard: sh, StreamID: m.ID}
		oj, _ := m.Values["out"].(string)
		var err error
		if out, ok := o.queued.take(oj); ok {
			d.Out = out
		} else {
			err = json.Unmarshal([]byte(oj), &d.Out)
		}
		if err == nil {
			as, _ := m.Values["attempt"].(string)
			d.Attempt, err = strconv.Atoi(as)
		}
		if err != nil {
			// Best effort: if this fails the entry stays pending and
			// comes back through Reclaim.
			_ = o.DeadLetter(ctx, d, "undecodable entry: "+err.Error(), 0)
			continue
		}
		ds = append(ds, d)
	}
	return ds
}

// Ack settles delivered entries: per shard an XDEL, then an XACK, all in
// one pipeline (one round trip on one server; a Cluster client splits it
// by node, each command naming one key). They are plain commands, not a
// script that would make them atomic: a script costs Redis about ten
// times their own time, and what a failure between them leaves heals
// itself. The delete goes first: it takes the entry, and the person's
// words in it, out of the stream; an entry deleted and not acknowledged
// stays pending without its content until the next Reclaim, whose
// XAUTOCLAIM drops it. The other order could leave an entry acknowledged
// and never deleted, kept for good.
func (o *Outbox) Ack(ctx context.Context, ds ...outbox.Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	var byShard [Shards][]string
	for _, d := range ds {
		byShard[d.Shard] = append(byShard[d.Shard], d.StreamID)
	}
	var cmds [Shards][2]*goredis.IntCmd
	_, _ = o.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for sh, ids := range byShard {
			if ids != nil {
				cmds[sh] = [2]*goredis.IntCmd{p.XDel(ctx, outboxKey(sh), ids...), p.XAck(ctx, outboxKey(sh), group, ids...)}
			}
		}
		return nil
	})
	var errs []error
	for sh, pair := range cmds {
		for _, cmd := range pair {
			if cmd != nil && cmd.Err() != nil {
				errs = append(errs, fmt.Errorf("shard %d: %w", sh, cmd.Err()))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("outbox ack of %d entries (first %s): %w", len(ds), ds[0].Out.ID, err)
	}
	return nil
}

// retryScript moves a pending entry to the delayed set, unless another
// consumer settled it first.
//
// A retry for a person who was deleted meanwhile is dropped: the delayed
// entry would keep their message (and ID) in Redis after 退会.
//
// KEYS: outbox, delayed, recipient's person key (or the outbox again when
// the recipient lives in another shard). ARGV: group, stream ID, due ms,
// delayed member.
var retryScript = goredis.NewScript(`
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('XDEL', KEYS[1], ARGV[2])
if redis.call('EXISTS', KEYS[3]) == 0 then return 2 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return 1
`)

// recipientKey is the person key of d's recipient when it is a person who
// shares d's shard (always, for entries committed with the person), else the
// outbox key, which exists and so changes nothing. Entries to the
// coordinators or about a task have no person: they must never look deleted.
func recipientKey(d outbox.Delivery) string {
	if d.Out.To != "" && bot.ValidateProfileID(d.Out.To) == nil && shardOf(d.Out.To) == d.Shard {
		return personKey(d.Out.To)
	}
	return outboxKey(d.Shard)
}

// delayedEntry is a member of the delayed set. Its JSON starts with
// {"attempt":N,"out": so that promoteScript can split it without decoding.
type delayedEntry struct {
	Attempt int             `json:"attempt"`
	Out     json.RawMessage `json:"out"`
}

// Retry settles d for now and queues it again, as attempt d.Attempt+1, once
// due has passed.
func (o *Outbox) Retry(ctx context.Context, d outbox.Delivery, due time.Time) error {
	oj, err := json.Marshal(d.Out)
	if err != nil {
		return fmt.Errorf("outbox retry %s: %w", d.Out.ID, err)
	}
	member, err := json.Marshal(delayedEntry{Attempt: d.Attempt + 1, Out: oj})
	if err != nil {
		return fmt.Errorf("outbox retry %s: %w", d.Out.ID, err)
	}
	keys := []string{outboxKey(d.Shard), delayedKey(d.Shard), recipientKey(d)}
	if err := retryScript.Run(ctx, o.c, keys, group, d.StreamID, due.UnixMilli(), member).Err(); err != nil {
		return fmt.Errorf("outbox retry %s: %w", d.Out.ID, err)
	}
	return nil
}

// deadScript moves a pending entry to the dead letters, unless another
// consumer settled it first.
//
// The record names the recipient only while they have a profile; after
// 退会 the anonymous record (ARGV[5]) is kept instead.
//
// KEYS: outbox, dead, recipient's person key (see recipientKey).
// ARGV: group, stream ID, record, cap, anonymous record.
var deadScript = goredis.NewScript(`
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('XDEL', KEYS[1], ARGV[2])
local rec = ARGV[3]
if redis.call('EXISTS', KEYS[3]) == 0 then rec = ARGV[5] end
redis.call('LPUSH', KEYS[2], rec)
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[4]) - 1)
return 1
`)

// DeadLetter gives up on d, recording why.
func (o *Outbox) DeadLetter(ctx context.Context, d outbox.Delivery, reason string, status int) error {
	dl := DeadLetter{
		OutID: d.Out.ID, Kind: string(d.Out.Kind), To: d.Out.To, Reason: reason,
		Status: status, Attempts: d.Attempt + 1, At: time.Now().UTC(),
	}
	rec, err := json.Marshal(dl)
	if err != nil {
		return fmt.Errorf("outbox dead letter %s: %w", d.Out.ID, err)
	}
	dl.To = ""
	anon, err := json.Marshal(dl)
	if err != nil {
		return fmt.Errorf("outbox dead letter %s: %w", d.Out.ID, err)
	}
	keys := []string{outboxKey(d.Shard), deadKey(d.Shard), recipientKey(d)}
	if err := deadScript.Run(ctx, o.c, keys, group, d.StreamID, rec, deadCap, anon).Err(); err != nil {
		return fmt.Errorf("outbox dead letter %s: %w", d.Out.ID, err)
	}
	return nil
}

// promoteScript moves due delayed entries back into the stream, oldest due
// first.
//
// KEYS: delayed, outbox. ARGV: now ms, batch size.
var promoteScript = goredis.NewScript(`
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, m in ipairs(due) do
  local attempt, out = string.match(m, '^{"attempt":(%d+),"out":(.*)}$')
  if out then redis.call('XADD', KEYS[2], '*', 'out', out, 'attempt', attempt) end
  redis.call('ZREM', KEYS[1], m)
end
return #due
`)

// PromoteDue queues again the retries due at now and returns how many. Each
// worker calls it on every poll, and retries are rare: one pipelined look
// at every shard comes first, and the script runs only where one is due.
func (o *Outbox) PromoteDue(ctx context.Context, now time.Time) (int, error) {
	due, err := dueShards(ctx, o.c, delayedKey, now)
	if err != nil {
		return 0, fmt.Errorf("outbox promote: %w", err)
	}
	total := 0
	for sh := 0; sh < Shards; sh++ {
		if !due[sh] {
			continue
		}
		n, err := promoteScript.Run(ctx, o.c, []string{delayedKey(sh), outboxKey(sh)}, now.UnixMilli(), promoteBatch).Int()
		if err != nil {
			return total, fmt.Errorf("outbox promote: shard %d: %w", sh, err)
		}
		total += n
	}
	return total, nil
}

// Depth returns how many entries wait to be sent, now or after a retry.
func (o *Outbox) Depth(ctx context.Context) (int64, error) {
	// One pipeline for every shard: a single round trip on one server; a
	// Cluster client splits it by node. Each command names one key, so no
	// command crosses a slot.
	cmds := make([]*goredis.IntCmd, 0, 2*Shards)
	_, err := o.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for sh := 0; sh < Shards; sh++ {
			cmds = append(cmds, p.XLen(ctx, outboxKey(sh)), p.ZCard(ctx, delayedKey(sh)))
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("outbox depth: %w", err)
	}
	var total int64
	for _, c := range cmds {
		total += c.Val()
	}
	return total, nil
}

// DeadLetters returns up to n of the newest dead letters.
func (o *Outbox) DeadLetters(ctx context.Context, n int) ([]DeadLetter, error) {
	if n <= 0 {
		return nil, nil
	}
	var all []DeadLetter
	for sh := 0; sh < Shards; sh++ {
		recs, err := o.c.LRange(ctx, deadKey(sh), 0, int64(n-1)).Result()
		if err != nil {
			return nil, fmt.Errorf("outbox dead letters: shard %d: %w", sh, err)
		}
		for _, r := range recs {
			var dl DeadLetter
			if err := json.Unmarshal([]byte(r), &dl); err != nil {
				return nil, fmt.Errorf("outbox dead letters: shard %d: %w", sh, err)
			}
			all = append(all, dl)
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].At.After(all[j].At) })
	if len(all) > n {
		all = all[:n]
	}
	return all, nil
}

// Waiting returns the entries in the streams, read or not, in each shard's
// order: what the workers have yet to settle.
func (o *Outbox) Waiting(ctx context.Context) ([]bot.Outgoing, error) {
	var out []bot.Outgoing
	for sh := 0; sh < Shards; sh++ {
		msgs, err := o.c.XRange(ctx, outboxKey(sh), "-", "+").Result()
		if err != nil {
			return nil, fmt.Errorf("outbox waiting: shard %d: %w", sh, err)
		}
		for _, m := range msgs {
			var e bot.Outgoing
			oj, _ := m.Values["out"].(string)
			if err := json.Unmarshal([]byte(oj), &e); err != nil {
				return nil, fmt.Errorf("outbox waiting: %s: %w", m.ID, err)
			}
			out = append(out, e)
		}
	}
	return out, nil
}
