package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"sort"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"tsunagu/adapters/outbox"
	"tsunagu/bot"
)

// seenFor is how long processed event IDs are remembered. Platforms redeliver
// within minutes or hours; a week is generous.
const seenFor = 7 * 24 * time.Hour

// Store keeps each person's profile and conversation in one hash per person.
type Store struct {
	c goredis.UniversalClient
	// batch carries the commands of every webhook (load, commit): under
	// load they share round trips.
	batch *batcher
	// queued remembers the outbox entries of this store's commits for the
	// Outbox it hands out (see Outbox).
	queued *queuedMemory
}

var (
	_ bot.ConversationStore = (*Store)(nil)
	_ bot.ProfileStore      = (*Store)(nil)
)

// NewStore returns a Store using c.
func NewStore(c goredis.UniversalClient) *Store {
	return &Store{c: c, batch: newBatcher(c), queued: newQueuedMemory()}
}

// Outbox returns the outbox in the store's Redis which, when it reads back
// an entry that one of s's commits queued a moment ago, takes the entry as
// it was committed instead of decoding it.
func (s *Store) Outbox() *Outbox { return &Outbox{c: s.c, queued: s.queued} }

// Load returns what the store knows about the person and whether eventID was
// processed.
func (s *Store) Load(ctx context.Context, profileID, eventID string) (bot.Snapshot, error) {
	st, err := s.load(ctx, profileID, eventID)
	if err != nil {
		return bot.Snapshot{}, err
	}
	return st.snapshot(profileID)
}

// stored is a person's state as stored: the JSON of the profile and the
// conversation ("" when none), the version, and whether an event was seen.
type stored struct {
	pj, cj string
	ver    int64
	seen   bool
}

// load reads the person's profile, conversation and version with one
// HMGET, and whether the event was processed with a ZSCORE, in the
// batcher's next pipeline. They are plain commands, not a script: a script
// costs Redis about ten times the commands' own time (on this project's
// 2-core machine, 10 µs against 0.4 µs for the HMGET), and nothing here
// needs them atomic: the commit checks the version and the event again.
func (s *Store) load(ctx context.Context, profileID, eventID string) (stored, error) {
	var (
		hm   *goredis.SliceCmd
		seen *goredis.FloatCmd
	)
	ev := eventKey(eventID)
	call := &batchCall{ctx: ctx, queue: func(p goredis.Pipeliner) {
		hm = p.HMGet(ctx, personKey(profileID), "profile", "conv", "ver")
		if ev != "" {
			seen = p.ZScore(ctx, seenKey(shardOf(profileID)), ev)
		}
	}}
	if err := s.batch.do(call); err != nil {
		return stored{}, fmt.Errorf("load %s: %w", profileID, err)
	}
	v, err := hm.Result()
	if err != nil {
		return stored{}, fmt.Errorf("load %s: %w", profileID, err)
	}
	var st stored
	st.pj, _ = v[0].(string)
	st.cj, _ = v[1].(string)
	if ver, _ := v[2].(string); ver != "" {
		if st.ver, err = strconv.ParseInt(ver, 10, 64); err != nil {
			return stored{}, fmt.Errorf("load %s: version %q: %w", profileID, ver, err)
		}
	}
	if seen != nil {
		switch err := seen.Err(); {
		case err == nil:
			st.seen = true
		case !errors.Is(err, goredis.Nil):
			return stored{}, fmt.Errorf("load %s: %w", profileID, err)
		}
	}
	return st, nil
}

// snapshot decodes st.
func (st stored) snapshot(profileID string) (bot.Snapshot, error) {
	snap := bot.Snapshot{Version: st.ver, Seen: st.seen}
	if st.pj != "" {
		snap.Profile = new(bot.Profile)
		if err := json.Unmarshal([]byte(st.pj), snap.Profile); err != nil {
			return bot.Snapshot{}, fmt.Errorf("load %s: profile: %w", profileID, err)
		}
	}
	if st.cj != "" {
		if err := json.Unmarshal([]byte(st.cj), &snap.Conv); err != nil {
			return bot.Snapshot{}, fmt.Errorf("load %s: conversation: %w", profileID, err)
		}
	}
	return snap, nil
}

// commitScript applies a bot.Change. It returns {1, new version}, {0,
// stored version} when the version moved, or {-1, stored version} when the
// event was already processed.
//
// KEYS: person, profiles, seen, outbox, delayed, dead, open talks, closed
// talks, refs, versions.
// ARGV: version, event ID, now ms, forget-before ms, mode ("put" or "del"),
// profile ID, profile JSON, conv JSON, the needle naming the person in
// outbox JSON (for a deletion; empty otherwise), talk state ("open", "closed" or ""), its time in ms, the
// digest of what the match index reads, then one outbox entry (JSON) per
// argument.
//
// The change is published to the replicas' match indexes only when that
// digest moved (or the person left): most messages, a question or a step
// of a conversation, change nothing the index reads, and each publish
// makes every replica read the person back.
//
// Every event runs this script, so a put writes only what moved (about six
// redis.call's for a message instead of eleven):
//   - the person hash keeps, in tk, the talk state and time the talk
//     indexes hold for them, and the indexes are written only when it
//     changes (a talk opens or closes, which few messages do). Only this
//     script writes the indexes for a person, and a deletion removes the
//     hash with them, so tk cannot disagree with them; a hash without tk
//     (a new person, or one stored before tk existed) writes them.
//   - the person joins the profiles index when the hash has no tk yet:
//     the first commit of a person, or the first since tk existed (which
//     repairs an index that lost them). Create and import add them
//     themselves.
//   - the processed events older than the dedupe window are dropped every
//     16th version the shard hands out, not on every commit: the window
//     only needs to end about a week later, and Retention trims the shards
//     where little is committed.
//
// Deleting a person (APPI) also removes the retries and dead letters
// addressed to them; entries still in the stream, such as the goodbye queued
// by this very commit, leave with their send.
var commitScript = goredis.NewScript(nextVersionLua + `
local cur = redis.call('HMGET', KEYS[1], 'ver', 'mx', 'tk')
local ver = tonumber(cur[1] or '0')
if ver ~= tonumber(ARGV[1]) then return {0, ver} end
if ARGV[2] ~= '' and redis.call('ZSCORE', KEYS[3], ARGV[2]) then return {-1, ver} end
if ARGV[5] == 'del' then
  redis.call('DEL', KEYS[1], KEYS[9])
  redis.call('SREM', KEYS[2], ARGV[6])
  for _, m in ipairs(redis.call('ZRANGE', KEYS[5], 0, -1)) do
    if string.find(m, ARGV[9], 1, true) then redis.call('ZREM', KEYS[5], m) end
  end
  for _, m in ipairs(redis.call('LRANGE', KEYS[6], 0, -1)) do
    if string.find(m, ARGV[9], 1, true) then redis.call('LREM', KEYS[6], 0, m) end
  end
  redis.call('ZREM', KEYS[7], ARGV[6])
  redis.call('ZREM', KEYS[8], ARGV[6])
  ver = 0
  redis.call('PUBLISH', '` + ProfilesChannel + `', ARGV[6])
else
  local tk = ARGV[10] .. ':' .. ARGV[11]
  if cur[3] ~= tk then
    if ARGV[10] == 'open' then
      redis.call('ZADD', KEYS[7], ARGV[11], ARGV[6])
      redis.call('ZREM', KEYS[8], ARGV[6])
    elseif ARGV[10] == 'closed' then
      redis.call('ZREM', KEYS[7], ARGV[6])
      redis.call('ZADD', KEYS[8], ARGV[11], ARGV[6])
    else
      redis.call('ZREM', KEYS[7], ARGV[6])
      redis.call('ZREM', KEYS[8], ARGV[6])
    end
  end
  if not cur[3] then redis.call('SADD', KEYS[2], ARGV[6]) end
  if cur[2] ~= ARGV[12] then
    redis.call('PUBLISH', '` + ProfilesChannel + `', ARGV[6])
  end
  ver = nextVersion(KEYS[10], ver)
  redis.call('HSET', KEYS[1], 'profile', ARGV[7], 'conv', ARGV[8], 'mx', ARGV[12], 'tk', tk, 'ver', ver)
end
if ARGV[2] ~= '' then redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2]) end
if ver % 16 == 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[4])
end
for i = 13, #ARGV do
  redis.call('XADD', KEYS[4], '*', 'out', ARGV[i], 'attempt', 0)
end
return {1, ver}
`)

// Commit applies ch atomically. It fails with ECONFLICT when the stored
// version is not ch.Version or ch.EventID was processed meanwhile. A change
// without a profile (an event from someone unknown that created nothing)
// leaves no state, like a deletion.
func (s *Store) Commit(ctx context.Context, ch bot.Change) error {
	_, err := s.commit(ctx, ch)
	return err
}

// committed is the state a commit stored: the new version and the JSON of
// the profile and conversation (empty when the person left no state).
type committed struct {
	ver      int64
	pj, cj   []byte
	stateful bool
}

func (s *Store) commit(ctx context.Context, ch bot.Change) (committed, error) {
	id := ch.ProfileID
	if id == "" {
		return committed{}, fmt.Errorf("commit: %w", bot.Errorf(bot.EINVALID, "change names no profile"))
	}
	at := ch.At
	if at.IsZero() {
		at = time.Now()
	}
	mode, pj, cj, mx := "del", []byte{}, []byte{}, ""
	if !ch.Delete && ch.Profile != nil {
		if ch.Profile.ID != id {
			return committed{}, fmt.Errorf("commit %s: %w", id, bot.Errorf(bot.EINVALID, "profile %q in the change of %q", ch.Profile.ID, id))
		}
		var err error
		if pj, err = json.Marshal(ch.Profile); err != nil {
			return committed{}, fmt.Errorf("commit %s: %w", id, err)
		}
		if cj, err = json.Marshal(ch.Conv); err != nil {
			return committed{}, fmt.Errorf("commit %s: %w", id, err)
		}
		if mx, err = matchDigest(pj, ch.Conv.Offers); err != nil {
			return committed{}, fmt.Errorf("commit %s: %w", id, err)
		}
		mode = "put"
	}
	talkState, talkAt := talkIndex(ch.Conv.Talk)
	needle := "" // only a deletion looks for the person in the outbox
	if mode == "del" {
		needle = recipientNeedle(id)
	}
	args := []any{ch.Version, eventKey(ch.EventID), at.UnixMilli(), at.Add(-seenFor).UnixMilli(),
		mode, id, pj, cj, needle, talkState, talkAt, mx}
	ojs := make([]string, len(ch.Outgoing))
	for i, out := range ch.Outgoing {
		oj, err := json.Marshal(out)
		if err != nil {
			return committed{}, fmt.Errorf("commit %s: outgoing %s: %w", id, out.ID, err)
		}
		ojs[i] = string(oj)
		args = append(args, ojs[i])
	}
	sh := shardOf(id)
	keys := []string{personKey(id), profilesKey(sh), seenKey(sh), outboxKey(sh), delayedKey(sh), deadKey(sh),
		openTalksKey(sh), closedTalksKey(sh), refsKey(id), versionsKey(sh)}
	res, err := s.batch.run(ctx, commitScript, keys, args...).Int64Slice()
	if err != nil {
		return committed{}, fmt.Errorf("commit %s: %w", id, err)
	}
	switch res[0] {
	case 0:
		return committed{}, fmt.Errorf("commit %s: %w", id, bot.Errorf(bot.ECONFLICT, "version %d is not %d", res[1], ch.Version))
	case -1:
		return committed{}, fmt.Errorf("commit %s: %w", id, bot.Errorf(bot.ECONFLICT, "event %s was already processed", ch.EventID))
	}
	for i, out := range ch.Outgoing {
		s.queued.put(ojs[i], out)
	}
	return committed{ver: res[1], pj: pj, cj: cj, stateful: mode == "put"}, nil
}

// matchDigest sums up what the match index reads of a person (see
// matching.Live): the profile and the offers of the conversation.
func matchDigest(profileJSON []byte, offers []bot.OfferRef) (string, error) {
	h := fnv.New128a()
	h.Write(profileJSON)
	if len(offers) > 0 {
		oj, err := json.Marshal(offers)
		if err != nil {
			return "", fmt.Errorf("match digest: %w", err)
		}
		h.Write([]byte{0})
		h.Write(oj)
	}
	return string(h.Sum(nil)), nil
}

// recipientNeedle is how outbox JSON (entries and dead letters) names the
// person: `"to":"line:U123"`.
func recipientNeedle(profileID string) string {
	b, _ := json.Marshal(profileID)
	return `"to":` + string(b)
}

// nextVersionLua defines nextVersion(counter, current): the shard's next
// version (see versionsKey), and never one at or below the person's current
// one (data stored before the counter existed counted from 1 per person).
const nextVersionLua = `
local function nextVersion(counter, current)
  local v = redis.call('INCR', counter)
  if v <= current then
    v = current + 1
    redis.call('SET', counter, v)
  end
  return v
end
`

// createScript stores a profile unless the person has one.
//
// KEYS: person, profiles, versions. ARGV: profile JSON, profile ID.
var createScript = goredis.NewScript(nextVersionLua + `
if redis.call('HEXISTS', KEYS[1], 'profile') == 1 then return 0 end
local ver = tonumber(redis.call('HGET', KEYS[1], 'ver') or '0')
redis.call('HDEL', KEYS[1], 'mx')
redis.call('HSET', KEYS[1], 'profile', ARGV[1], 'ver', nextVersion(KEYS[3], ver))
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('PUBLISH', '` + ProfilesChannel + `', ARGV[2])
return 1
`)

// CreateProfile stores a new profile, or fails with ECONFLICT if the person
// has one.
func (s *Store) CreateProfile(ctx context.Context, p *bot.Profile) error {
	if p.ID == "" {
		return fmt.Errorf("create profile: %w", bot.Errorf(bot.EINVALID, "profile has no id"))
	}
	pj, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("create profile %s: %w", p.ID, err)
	}
	ok, err := createScript.Run(ctx, s.c, []string{personKey(p.ID), profilesKey(shardOf(p.ID)), versionsKey(shardOf(p.ID))}, pj, p.ID).Int()
	if err != nil {
		return fmt.Errorf("create profile %s: %w", p.ID, err)
	}
	if ok == 0 {
		return fmt.Errorf("create profile %s: %w", p.ID, bot.Errorf(bot.ECONFLICT, "profile %s already exists", p.ID))
	}
	return nil
}

// FindProfile returns the person's profile or an ENOTFOUND error.
func (s *Store) FindProfile(ctx context.Context, id string) (*bot.Profile, error) {
	pj, err := s.c.HGet(ctx, personKey(id), "profile").Result()
	if errors.Is(err, goredis.Nil) {
		return nil, fmt.Errorf("find profile %s: %w", id, bot.Errorf(bot.ENOTFOUND, "no profile %s", id))
	}
	if err != nil {
		return nil, fmt.Errorf("find profile %s: %w", id, err)
	}
	p := new(bot.Profile)
	if err := json.Unmarshal([]byte(pj), p); err != nil {
		return nil, fmt.Errorf("find profile %s: %w", id, err)
	}
	return p, nil
}

// Blocked tells which of ids blocked the bot, reading their profiles in
// one pipeline. Someone without a profile (deleted, or never onboarded) is
// not blocked: the goodbye after a deletion is still sent.
func (s *Store) Blocked(ctx context.Context, ids []string) (map[string]bool, error) {
	cmds := make([]*goredis.StringCmd, len(ids))
	// The pipeline's error is its first failed command's; each person's
	// own is read below, so that one unreadable person holds up only
	// their own messages.
	_, _ = s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HGet(ctx, personKey(id), "profile")
		}
		return nil
	})
	blocked := map[string]bool{}
	var failed outbox.StatusErrors
	for i, cmd := range cmds {
		pj, err := cmd.Bytes()
		if errors.Is(err, goredis.Nil) {
			continue
		}
		// Only the status is wanted: decoding into it alone skips
		// building the rest of the profile.
		var p struct {
			Status bot.Status `json:"status"`
		}
		if err == nil {
			err = json.Unmarshal(pj, &p)
		}
		if err != nil {
			if failed == nil {
				failed = outbox.StatusErrors{}
			}
			failed[ids[i]] = err
			continue
		}
		if p.Status == bot.StatusBlocked {
			blocked[ids[i]] = true
		}
	}
	if failed != nil {
		return blocked, fmt.Errorf("blocked: %w", failed)
	}
	return blocked, nil
}

// FindProfiles returns the profiles passing f, ordered by ID. It reads each
// shard's index and then the profiles of that shard in one pipeline.
func (s *Store) FindProfiles(ctx context.Context, f bot.ProfileFilter) ([]*bot.Profile, error) {
	var found []*bot.Profile
	for sh := 0; sh < Shards; sh++ {
		ids, err := s.c.SMembers(ctx, profilesKey(sh)).Result()
		if err != nil {
			return nil, fmt.Errorf("find profiles: shard %d: %w", sh, err)
		}
		if len(ids) == 0 {
			continue
		}
		cmds := make([]*goredis.StringCmd, len(ids))
		_, err = s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
			for i, id := range ids {
				cmds[i] = p.HGet(ctx, personKey(id), "profile")
			}
			return nil
		})
		if err != nil && !errors.Is(err, goredis.Nil) {
			return nil, fmt.Errorf("find profiles: shard %d: %w", sh, err)
		}
		for i, cmd := range cmds {
			pj, err := cmd.Result()
			if errors.Is(err, goredis.Nil) {
				continue // deleted between the two reads
			}
			if err != nil {
				return nil, fmt.Errorf("find profiles: %s: %w", ids[i], err)
			}
			p := new(bot.Profile)
			if err := json.Unmarshal([]byte(pj), p); err != nil {
				return nil, fmt.Errorf("find profiles: %s: %w", ids[i], err)
			}
			if f.Match(p) {
				found = append(found, p)
			}
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].ID < found[j].ID })
	return found, nil
}
