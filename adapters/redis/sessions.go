package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"tsunagu/bot"
)

// Sessions keeps sessions, invitations and RSVPs; a session's keys share the
// shard tag of its ID.
type Sessions struct {
	c goredis.UniversalClient
}

var _ bot.SessionStore = (*Sessions)(nil)

// NewSessions returns the session store in c.
func NewSessions(c goredis.UniversalClient) *Sessions { return &Sessions{c: c} }

// sessionKey is a hash: session (JSON). Beside it: r, a hash person →
// "invited", "yes" or "no"; a, a sorted set of attendees by time of RSVP.
func sessionKey(id string) string          { return tag(shardOf(id)) + ":s:" + id }
func sessionRSVPKey(id string) string      { return sessionKey(id) + ":r" }
func sessionAttendeesKey(id string) string { return sessionKey(id) + ":a" }

// sessionsKey is the set of session IDs in a shard.
func sessionsKey(shard int) string { return tag(shard) + ":sessions" }

// pendingInvitesKey is a set of sessions whose audience is still being
// invited; a crash half-way is finished by the next sweep.
func pendingInvitesKey(shard int) string { return tag(shard) + ":due:invites" }

type sessionRecord struct {
	*bot.Session
	RemindersMs []int64 `json:"reminders_ms"`
}

// CreateSession stores a new session, pending its invitations.
func (s *Sessions) CreateSession(ctx context.Context, ses *bot.Session) error {
	rec := sessionRecord{Session: ses}
	for _, r := range ses.Reminders {
		rec.RemindersMs = append(rec.RemindersMs, r.Milliseconds())
	}
	sj, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("create session %s: %w", ses.ID, err)
	}
	// Before the session: deletion must find every session whose audience
	// names someone.
	if _, err := addRefs(ctx, s.c, refSession+ses.ID, ses.End, ses.Audience.ProfileIDs); err != nil {
		return fmt.Errorf("create session %s: %w", ses.ID, err)
	}
	ok, err := s.c.HSetNX(ctx, sessionKey(ses.ID), "session", sj).Result()
	if err != nil {
		return fmt.Errorf("create session %s: %w", ses.ID, err)
	}
	if !ok {
		return fmt.Errorf("create session %s: %w", ses.ID, bot.Errorf(bot.ECONFLICT, "session %s exists", ses.ID))
	}
	_, err = s.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.SAdd(ctx, sessionsKey(shardOf(ses.ID)), ses.ID)
		p.SAdd(ctx, pendingInvitesKey(shardOf(ses.ID)), ses.ID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("create session %s: %w", ses.ID, err)
	}
	return nil
}

// GetSession returns the session alone, without reading who answered.
func (s *Sessions) GetSession(ctx context.Context, id string) (*bot.Session, error) {
	raw, err := s.c.HGet(ctx, sessionKey(id), "session").Result()
	if err == goredis.Nil {
		return nil, fmt.Errorf("get session %s: %w", id, bot.Errorf(bot.ENOTFOUND, "no session %s", id))
	}
	if err != nil {
		return nil, fmt.Errorf("get session %s: %w", id, err)
	}
	return decodeSession(raw)
}

func decodeSession(raw string) (*bot.Session, error) {
	rec := sessionRecord{Session: new(bot.Session)}
	if err := json.Unmarshal([]byte(raw), &rec); err != nil {
		return nil, fmt.Errorf("decode session: %w", err)
	}
	for _, ms := range rec.RemindersMs {
		rec.Session.Reminders = append(rec.Session.Reminders, time.Duration(ms)*time.Millisecond)
	}
	return rec.Session, nil
}

// FindSession returns the session with its attendees.
func (s *Sessions) FindSession(ctx context.Context, id string) (*bot.SessionView, error) {
	var (
		ses       *goredis.StringCmd
		rsvps     *goredis.MapStringStringCmd
		attendees *goredis.StringSliceCmd
	)
	_, err := s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		ses = p.HGet(ctx, sessionKey(id), "session")
		rsvps = p.HGetAll(ctx, sessionRSVPKey(id))
		attendees = p.ZRange(ctx, sessionAttendeesKey(id), 0, -1)
		return nil
	})
	if err != nil && ses.Err() != goredis.Nil {
		return nil, fmt.Errorf("find session %s: %w", id, err)
	}
	if ses.Err() == goredis.Nil {
		return nil, fmt.Errorf("find session %s: %w", id, bot.Errorf(bot.ENOTFOUND, "no session %s", id))
	}
	ses2, err := decodeSession(ses.Val())
	if err != nil {
		return nil, fmt.Errorf("find session %s: %w", id, err)
	}
	v := &bot.SessionView{Session: *ses2, Attendees: withoutAnon(attendees.Val()), Declined: []string{}}
	for p, st := range rsvps.Val() {
		if st == bot.RSVPNo {
			v.Declined = append(v.Declined, p)
		}
	}
	sort.Strings(v.Declined)
	v.Invited = len(rsvps.Val())
	return v, nil
}

// inviteScript records and queues invitations not sent before.
//
// KEYS: rsvps, outbox. ARGV: (person, entry JSON) pairs.
var inviteScript = goredis.NewScript(`
local n = 0
for i = 1, #ARGV, 2 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], 'invited') == 1 then
    redis.call('XADD', KEYS[2], '*', 'out', ARGV[i + 1], 'attempt', 0)
    n = n + 1
  end
end
return n
`)

// Invite queues invitations to those not invited yet.
func (s *Sessions) Invite(ctx context.Context, id string, invites []bot.WaveOffer) (int, error) {
	if len(invites) == 0 {
		return 0, nil
	}
	people := make([]string, 0, len(invites))
	end := time.Now()
	for _, in := range invites {
		people = append(people, in.ProfileID)
		if ev := in.Out.Event; ev != nil && ev.Session != nil && ev.Session.End.After(end) {
			end = ev.Session.End
		}
	}
	if _, err := addRefs(ctx, s.c, refSession+id, end, people); err != nil {
		return 0, fmt.Errorf("invite %s: %w", id, err)
	}
	args := make([]any, 0, 2*len(invites))
	for _, in := range invites {
		oj, err := json.Marshal(in.Out)
		if err != nil {
			return 0, fmt.Errorf("invite %s: %w", id, err)
		}
		args = append(args, in.ProfileID, oj)
	}
	n, err := inviteScript.Run(ctx, s.c, []string{sessionRSVPKey(id), outboxKey(shardOf(id))}, args...).Int()
	if err != nil {
		return 0, fmt.Errorf("invite %s: %w", id, err)
	}
	return n, nil
}

// InvitesDone takes the session off the pending invitations.
func (s *Sessions) InvitesDone(ctx context.Context, id string) error {
	if err := s.c.SRem(ctx, pendingInvitesKey(shardOf(id)), id).Err(); err != nil {
		return fmt.Errorf("invites done %s: %w", id, err)
	}
	return nil
}

// PendingInvites lists sessions still inviting their audience.
func (s *Sessions) PendingInvites(ctx context.Context, limit int) ([]string, error) {
	var ids []string
	for sh := 0; sh < Shards && len(ids) < limit; sh++ {
		got, err := s.c.SRandMemberN(ctx, pendingInvitesKey(sh), int64(limit-len(ids))).Result()
		if err != nil {
			return ids, fmt.Errorf("pending invites: shard %d: %w", sh, err)
		}
		ids = append(ids, got...)
	}
	return ids, nil
}

// rsvpScript applies an RSVP. It returns 1 when it changed the answer, 0
// for a repeat, -1 for an unknown session, -2 for a yes or no to a
// cancelled one (deletion's forget still applies).
//
// KEYS: session, rsvps, attendees, answered, due, answered outcomes.
// ARGV: event ID, now ms, person, answer, forget-answers-before ms, the
// token a deleted attendee of an ended session is kept under for the
// figures (or empty), then (due ms, entry JSON) pairs of the person's
// reminders.
var rsvpScript = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local now, p, ans = tonumber(ARGV[2]), ARGV[3], ARGV[4]
if ans ~= 'forget' and redis.call('HEXISTS', KEYS[1], 'cancelled') == 1 then return -2 end
if ARGV[1] ~= '' and redis.call('ZSCORE', KEYS[4], ARGV[1]) then return 0 end
if ARGV[1] ~= '' then
  redis.call('ZADD', KEYS[4], now, ARGV[1])
  -- Prune like the answer script, which keeps outcomes beside (KEYS[6]).
  for _, e in ipairs(redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', '(' .. ARGV[5], 'LIMIT', 0, 100)) do
    redis.call('ZREM', KEYS[4], e)
    redis.call('HDEL', KEYS[6], e)
  end
end
if ans == 'forget' then
  local at = redis.call('ZSCORE', KEYS[3], p)
  if at and ARGV[6] ~= '' then redis.call('ZADD', KEYS[3], at, ARGV[6]) end
  redis.call('HDEL', KEYS[2], p)
  redis.call('ZREM', KEYS[3], p)
  for i = 7, #ARGV, 2 do redis.call('ZREM', KEYS[5], ARGV[i + 1]) end
  return 1
end
if redis.call('HGET', KEYS[2], p) == ans then return 0 end
redis.call('HSET', KEYS[2], p, ans)
if ans == 'yes' then
  redis.call('ZADD', KEYS[3], now, p)
  for i = 7, #ARGV, 2 do redis.call('ZADD', KEYS[5], ARGV[i], ARGV[i + 1]) end
else
  redis.call('ZREM', KEYS[3], p)
  for i = 7, #ARGV, 2 do redis.call('ZREM', KEYS[5], ARGV[i + 1]) end
end
return 1
`)

// RSVP applies a person's answer to an invitation.
func (s *Sessions) RSVP(ctx context.Context, r bot.RSVP) (bool, error) {
	args := []any{eventKey(r.EventID), r.At.UnixMilli(), r.ProfileID, r.Answer, r.At.Add(-seenFor).UnixMilli(), r.Anon}
	for _, d := range r.Reminders {
		dj, err := json.Marshal(d.Out)
		if err != nil {
			return false, fmt.Errorf("rsvp %s: %w", r.SessionID, err)
		}
		args = append(args, d.At.UnixMilli(), dj)
	}
	id := r.SessionID
	if r.Answer != bot.RSVPForget {
		// A coordinator may add someone never invited: deletion must
		// find this session too.
		end := r.At
		for _, d := range r.Reminders {
			if d.At.After(end) {
				end = d.At
			}
		}
		if _, err := addRefs(ctx, s.c, refSession+id, end, []string{r.ProfileID}); err != nil {
			return false, fmt.Errorf("rsvp %s: %w", id, err)
		}
	}
	sh := shardOf(id)
	keys := []string{sessionKey(id), sessionRSVPKey(id), sessionAttendeesKey(id), answeredKey(sh), dueKey(sh), answeredKey(sh) + ":changed"}
	n, err := rsvpScript.Run(ctx, s.c, keys, args...).Int()
	if err != nil {
		return false, fmt.Errorf("rsvp %s by %s: %w", id, r.ProfileID, err)
	}
	switch n {
	case -1:
		return false, fmt.Errorf("rsvp %s: %w", id, bot.Errorf(bot.ENOTFOUND, "no session %s", id))
	case -2:
		return false, fmt.Errorf("rsvp %s: %w", id, bot.Errorf(bot.ECONFLICT, "session %s was cancelled", id))
	}
	if r.Answer == bot.RSVPForget {
		if err := scrubAudience(ctx, s.c, sessionKey(id), "session", r.ProfileID); err != nil {
			return false, fmt.Errorf("rsvp %s: %w", id, err)
		}
	}
	return n == 1, nil
}

// cancelSessionScript marks a session cancelled and tells its attendees.
// The caller read who they are; if that changed since, the script does
// nothing and returns -2 so the caller reads again. It returns -1 when the
// session is gone or was cancelled already.
//
// KEYS: session, attendees, due, outbox, pending invites.
// ARGV: session ID, session JSON (with its cancellation), cancelled at ms,
// the number n of attendees, then n attendees, n notices (entry JSON, ""
// for an attendee kept anonymously), and the reminder entries to remove.
var cancelSessionScript = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'cancelled') == 1 then return -1 end
local n = tonumber(ARGV[4])
if redis.call('ZCARD', KEYS[2]) ~= n then return -2 end
for i = 5, 4 + n do
  if not redis.call('ZSCORE', KEYS[2], ARGV[i]) then return -2 end
end
redis.call('HSET', KEYS[1], 'session', ARGV[2], 'cancelled', ARGV[3])
redis.call('SREM', KEYS[5], ARGV[1])
local told = 0
for i = 5 + n, 4 + 2 * n do
  if ARGV[i] ~= '' then
    redis.call('XADD', KEYS[4], '*', 'out', ARGV[i], 'attempt', 0)
    told = told + 1
  end
end
for i = 5 + 2 * n, #ARGV do redis.call('ZREM', KEYS[3], ARGV[i]) end
return told
`)

// CancelSession marks ses cancelled (ses.CancelledAt), stops its pending
// invitations, removes its attendees' reminders and tells them.
func (s *Sessions) CancelSession(ctx context.Context, ses *bot.Session, notice func(string) bot.Outgoing, reminders func(string) []bot.Due) (int, error) {
	id := ses.ID
	if ses.CancelledAt == nil {
		return 0, fmt.Errorf("cancel session %s: %w", id, bot.Errorf(bot.EINVALID, "no time of cancellation"))
	}
	rec := sessionRecord{Session: ses}
	for _, r := range ses.Reminders {
		rec.RemindersMs = append(rec.RemindersMs, r.Milliseconds())
	}
	sj, err := json.Marshal(rec)
	if err != nil {
		return 0, fmt.Errorf("cancel session %s: %w", id, err)
	}
	sh := shardOf(id)
	keys := []string{sessionKey(id), sessionAttendeesKey(id), dueKey(sh), outboxKey(sh), pendingInvitesKey(sh)}
	for attempt := 0; attempt < 8; attempt++ {
		attendees, err := s.c.ZRange(ctx, sessionAttendeesKey(id), 0, -1).Result()
		if err != nil {
			return 0, fmt.Errorf("cancel session %s: %w", id, err)
		}
		args := []any{id, sj, ses.CancelledAt.UnixMilli(), len(attendees)}
		for _, p := range attendees {
			args = append(args, p)
		}
		var gone []any
		for _, p := range attendees {
			if bot.IsAnon(p) {
				args = append(args, "")
				continue
			}
			nj, err := json.Marshal(notice(p))
			if err != nil {
				return 0, fmt.Errorf("cancel session %s: %w", id, err)
			}
			args = append(args, nj)
			for _, d := range reminders(p) {
				dj, err := json.Marshal(d.Out)
				if err != nil {
					return 0, fmt.Errorf("cancel session %s: %w", id, err)
				}
				gone = append(gone, dj)
			}
		}
		n, err := cancelSessionScript.Run(ctx, s.c, keys, append(args, gone...)...).Int()
		if err != nil {
			return 0, fmt.Errorf("cancel session %s: %w", id, err)
		}
		switch n {
		case -1:
			return 0, fmt.Errorf("cancel session %s: %w", id, bot.Errorf(bot.ECONFLICT, "session %s is gone or was cancelled", id))
		case -2:
			continue
		}
		return n, nil
	}
	return 0, fmt.Errorf("cancel session %s: %w", id, bot.Errorf(bot.ECONFLICT, "attendees kept changing"))
}

// Upcoming returns the sessions that start after now and were not
// cancelled, from every shard.
func (s *Sessions) Upcoming(ctx context.Context, now time.Time) ([]*bot.Session, error) {
	var out []*bot.Session
	for sh := 0; sh < Shards; sh++ {
		ids, err := s.c.SMembers(ctx, sessionsKey(sh)).Result()
		if err != nil {
			return nil, fmt.Errorf("upcoming sessions: shard %d: %w", sh, err)
		}
		raw, err := hashFields(ctx, s.c, ids, sessionKey, "session")
		if err != nil {
			return nil, fmt.Errorf("upcoming sessions: shard %d: %w", sh, err)
		}
		for _, r := range raw {
			if r == "" {
				continue // purged since the listing
			}
			ses, err := decodeSession(r)
			if err != nil {
				return nil, fmt.Errorf("upcoming sessions: %w", err)
			}
			if ses.CancelledAt == nil && ses.Start.After(now) {
				out = append(out, ses)
			}
		}
	}
	return out, nil
}
