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

	"tsunagu/bot"
)

// Tasks keeps tasks and offers. A task's keys share the shard tag of its ID,
// so that accepting, declining and offering are each one script in one
// slot; the outbox entries those scripts queue go to the stream of the same
// shard (any shard's stream reaches the workers).
type Tasks struct {
	c goredis.UniversalClient
}

var _ bot.TaskStore = (*Tasks)(nil)

// NewTasks returns the task store in c.
func NewTasks(c goredis.UniversalClient) *Tasks { return &Tasks{c: c} }

// taskKey is a hash: task (JSON), status, acc (accepted count), head
// (headcount), start, end and created (unix ms), filled_at (unix ms, when it
// first had its headcount).
func taskKey(id string) string { return tag(taskShard(id)) + ":t:" + id }

// taskShard is the shard of a task: that of its series for an occurrence
// of a weekly series ("<series>.<n>"), so that all the dates of a series
// share one slot; that of its ID otherwise.
func taskShard(id string) int {
	if series, _, ok := strings.Cut(id, bot.SeriesSep); ok {
		return shardOf(series)
	}
	return shardOf(id)
}

// Beside it: o, a hash person → offer state; x, a hash person → expiry (unix
// ms) of a live offer; w, the waitlist in order; a, a sorted set of the
// accepted by time of acceptance.
func taskOffersKey(id string) string   { return taskKey(id) + ":o" }
func taskExpiryKey(id string) string   { return taskKey(id) + ":x" }
func taskWaitlistKey(id string) string { return taskKey(id) + ":w" }
func taskAcceptedKey(id string) string { return taskKey(id) + ":a" }

// And: cf, a hash person → confirmation (asked, confirmed, unconfirmed);
// r, a hash person → result ("completed:2.5", "not_completed:0"); ot, a
// hash person → when they were first offered it (unix ms), for reports.
func taskConfirmKey(id string) string   { return taskKey(id) + ":cf" }
func taskResultKey(id string) string    { return taskKey(id) + ":r" }
func taskOfferedAtKey(id string) string { return taskKey(id) + ":ot" }

// tasksKey is the set of task IDs in a shard.
func tasksKey(shard int) string { return tag(shard) + ":tasks" }

// tasksByStartKey is a sorted set of the task IDs of a shard scored by
// their start (unix ms): the task list reads a period from it.
func tasksByStartKey(shard int) string { return tag(shard) + ":tasks:start" }

// dueOffersKey is a sorted set of task IDs scored by when the offer sweep
// should look at them next (unix ms).
func dueOffersKey(shard int) string { return tag(shard) + ":due:offers" }

// dueKey is a sorted set of outbox entries (JSON) scored by when they are
// due (unix ms): reminders and checks. Claiming one moves it to the outbox.
func dueKey(shard int) string { return tag(shard) + ":due" }

// answeredKey is a sorted set of the event IDs of applied answers, by unix
// ms, with a hash beside it (":changed") of what each did ("changed:state"),
// so a repeat reports the first outcome. It is not seenKey: the same event is also committed to the person's
// shard afterwards, and that commit must not find it already seen.
func answeredKey(shard int) string { return tag(shard) + ":answered" }

// taskRecord is the stored form of a task; the offer TTL, hidden from the
// API's JSON, is kept in milliseconds.
type taskRecord struct {
	*bot.Task
	OfferTTLms int64 `json:"offer_ttl_ms"`
}

func encodeTask(t *bot.Task) ([]byte, error) {
	return json.Marshal(taskRecord{Task: t, OfferTTLms: t.OfferTTL.Milliseconds()})
}

func decodeTask(b []byte) (*bot.Task, error) {
	rec := taskRecord{Task: new(bot.Task)}
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, err
	}
	rec.Task.OfferTTL = time.Duration(rec.OfferTTLms) * time.Millisecond
	return rec.Task, nil
}

// createTaskScript stores a task unless its ID exists.
//
// KEYS: task, tasks, due offers, due, tasks by start. ARGV: task JSON,
// headcount, start ms,
// task ID, first wave ms, end ms, created ms, then (due ms, entry JSON)
// pairs of the checks. Start, end, created and headcount sit beside the
// JSON so the figures read them without decoding it.
var createTaskScript = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'task', ARGV[1], 'status', 'open', 'acc', 0, 'head', ARGV[2], 'start', ARGV[3],
  'end', ARGV[6], 'created', ARGV[7])
redis.call('SADD', KEYS[2], ARGV[4])
redis.call('ZADD', KEYS[5], ARGV[3], ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[4])
for i = 8, #ARGV, 2 do redis.call('ZADD', KEYS[4], ARGV[i], ARGV[i + 1]) end
return 1
`)

// CreateTask stores t and schedules its first wave now and its checks.
func (s *Tasks) CreateTask(ctx context.Context, t *bot.Task, checks ...bot.Due) error {
	tj, err := encodeTask(t)
	if err != nil {
		return fmt.Errorf("create task %s: %w", t.ID, err)
	}
	sh := taskShard(t.ID)
	args := []any{tj, t.Headcount, t.Start.UnixMilli(), t.ID, t.CreatedAt.UnixMilli(), t.End.UnixMilli(), t.CreatedAt.UnixMilli()}
	for _, c := range checks {
		if c.Out.ID == "" {
			continue
		}
		cj, err := json.Marshal(c.Out)
		if err != nil {
			return fmt.Errorf("create task %s: check: %w", t.ID, err)
		}
		args = append(args, c.At.UnixMilli(), cj)
	}
	keys := []string{taskKey(t.ID), tasksKey(sh), dueOffersKey(sh), dueKey(sh), tasksByStartKey(sh)}
	ok, err := createTaskScript.Run(ctx, s.c, keys, args...).Int()
	if err != nil {
		return fmt.Errorf("create task %s: %w", t.ID, err)
	}
	if ok == 0 {
		return fmt.Errorf("create task %s: %w", t.ID, bot.Errorf(bot.ECONFLICT, "task %s already exists", t.ID))
	}
	return nil
}

// taskRead is everything stored about one task.
type taskRead struct {
	ws       *bot.WaveState
	accepted []string
	confirm  map[string]string
	results  map[string]string
	offered  map[string]string
	filledAt int64
}

// readTask reads a task and all offers in one pipeline.
func (s *Tasks) readTask(ctx context.Context, id string) (*taskRead, error) {
	var cmds taskCmds
	if _, err := s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		cmds = queueTaskRead(ctx, p, id)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("read task %s: %w", id, err)
	}
	return cmds.read(id)
}

// taskCmds are the reads of one task queued on a pipeline.
type taskCmds struct {
	task                                    *goredis.SliceCmd
	offers, expiry, confirm, results, offAt *goredis.MapStringStringCmd
	waitlist, accepted                      *goredis.StringSliceCmd
}

func queueTaskRead(ctx context.Context, p goredis.Pipeliner, id string) taskCmds {
	return taskCmds{
		task:     p.HMGet(ctx, taskKey(id), "task", "status", "acc", "filled_at"),
		offers:   p.HGetAll(ctx, taskOffersKey(id)),
		expiry:   p.HGetAll(ctx, taskExpiryKey(id)),
		waitlist: p.LRange(ctx, taskWaitlistKey(id), 0, -1),
		accepted: p.ZRange(ctx, taskAcceptedKey(id), 0, -1),
		confirm:  p.HGetAll(ctx, taskConfirmKey(id)),
		results:  p.HGetAll(ctx, taskResultKey(id)),
		offAt:    p.HGetAll(ctx, taskOfferedAtKey(id)),
	}
}

func (c taskCmds) read(id string) (*taskRead, error) {
	v := c.task.Val()
	if len(v) < 4 {
		return nil, fmt.Errorf("read task %s: %w", id, bot.Errorf(bot.ENOTFOUND, "no task %s", id))
	}
	tj, _ := v[0].(string)
	if tj == "" {
		return nil, fmt.Errorf("read task %s: %w", id, bot.Errorf(bot.ENOTFOUND, "no task %s", id))
	}
	t, err := decodeTask([]byte(tj))
	if err != nil {
		return nil, fmt.Errorf("read task %s: %w", id, err)
	}
	status, _ := v[1].(string)
	t.Status = bot.TaskStatus(status)
	acc, _ := v[2].(string)
	filled, _ := v[3].(string)
	ws := &bot.WaveState{Task: t, Offers: map[string]bot.OfferState{}, Expiry: map[string]time.Time{}, Waitlist: c.waitlist.Val()}
	ws.Accepted, _ = strconv.Atoi(acc)
	for p, st := range c.offers.Val() {
		ws.Offers[p] = bot.OfferState(st)
	}
	for p, ms := range c.expiry.Val() {
		n, _ := strconv.ParseInt(ms, 10, 64)
		ws.Expiry[p] = time.UnixMilli(n)
	}
	r := &taskRead{ws: ws, accepted: c.accepted.Val(), confirm: c.confirm.Val(), results: c.results.Val(), offered: c.offAt.Val()}
	r.filledAt, _ = strconv.ParseInt(filled, 10, 64)
	return r, nil
}

// parseResult reads a stored result ("completed:2.5").
func parseResult(v string) (bot.TaskResult, bool) {
	st, h, ok := strings.Cut(v, ":")
	if !ok {
		return bot.TaskResult{}, false
	}
	hours, err := strconv.ParseFloat(h, 64)
	if err != nil {
		return bot.TaskResult{}, false
	}
	return bot.TaskResult{Status: bot.Completion(st), Hours: hours}, true
}

// WaveState reads what an offer wave needs to know about the task.
func (s *Tasks) WaveState(ctx context.Context, id string) (*bot.WaveState, error) {
	r, err := s.readTask(ctx, id)
	if err != nil {
		return nil, err
	}
	return r.ws, nil
}

// FindTask returns the task and everyone's relation to it. An offer whose
// time ran out counts as expired even before the sweep records it. The
// tokens deleted people's part in the figures is kept under are no one, and
// are left out.
func (s *Tasks) FindTask(ctx context.Context, id string, now time.Time) (*bot.TaskView, error) {
	r, err := s.readTask(ctx, id)
	if err != nil {
		return nil, err
	}
	return r.view(now), nil
}

// view is the task as coordinators see it at now.
func (r *taskRead) view(now time.Time) *bot.TaskView {
	ws := r.ws
	v := &bot.TaskView{Task: *ws.Task, Accepted: withoutAnon(r.accepted), Waitlist: withoutAnon(ws.Waitlist),
		Offered: []string{}, Declined: []string{}, Expired: []string{}, Cancelled: []string{},
		Confirmed: []string{}, Unconfirmed: []string{}, Completed: []string{}, NotCompleted: []string{},
		Hours: map[string]float64{}}
	if r.filledAt > 0 {
		v.FilledAt = time.UnixMilli(r.filledAt)
	}
	for p, st := range ws.Offers {
		if bot.IsAnon(p) {
			continue
		}
		switch st {
		case bot.OfferOffered:
			if exp, ok := ws.Expiry[p]; ok && !now.Before(exp) {
				v.Expired = append(v.Expired, p)
			} else {
				v.Offered = append(v.Offered, p)
			}
		case bot.OfferDeclined:
			v.Declined = append(v.Declined, p)
		case bot.OfferExpired:
			v.Expired = append(v.Expired, p)
		case bot.OfferCancelled:
			v.Cancelled = append(v.Cancelled, p)
		}
	}
	for p, c := range r.confirm {
		switch {
		case bot.IsAnon(p):
		case c == string(bot.ConfirmConfirmed):
			v.Confirmed = append(v.Confirmed, p)
		case c == string(bot.ConfirmUnconfirmed):
			v.Unconfirmed = append(v.Unconfirmed, p)
		case c == string(bot.ConfirmAsked):
			v.Asked = append(v.Asked, p)
		}
	}
	for p, raw := range r.results {
		res, ok := parseResult(raw)
		if !ok || bot.IsAnon(p) {
			continue
		}
		switch res.Status {
		case bot.Completed:
			v.Completed = append(v.Completed, p)
			v.Hours[p] = res.Hours
		case bot.NotCompleted:
			v.NotCompleted = append(v.NotCompleted, p)
		}
	}
	departed := map[string]bool{}
	for _, p := range r.accepted {
		if bot.IsAnon(p) {
			departed[p] = true
		}
	}
	for p, raw := range r.results {
		if res, ok := parseResult(raw); ok && bot.IsAnon(p) && res.Status == bot.Completed {
			departed[p] = true
			v.DepartedHours = append(v.DepartedHours, res.Hours)
		}
	}
	v.Departed = len(departed)
	sort.Sort(sort.Reverse(sort.Float64Slice(v.DepartedHours)))
	for _, l := range [][]string{v.Offered, v.Declined, v.Expired, v.Cancelled, v.Confirmed, v.Unconfirmed, v.Asked,
		v.Completed, v.NotCompleted} {
		sort.Strings(l)
	}
	return v
}

// withoutAnon drops the tokens of deleted people from ids; never nil.
func withoutAnon(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !bot.IsAnon(id) {
			out = append(out, id)
		}
	}
	return out
}

// answerScript applies one answer. It returns {state, status, changed,
// started}.
//
// A place given back while the task is live goes at once to the first
// person on the waitlist, if any: they are accepted, their event, reminders
// and the promotion notice (templates naming them as bot.Waitlisted) are
// queued; otherwise the task reopens and the sweep offers the place.
//
// Forgetting a person (their data is being deleted) keeps what the figures
// need under the token ARGV[15] names (none if empty): a place taken part in
// stays taken, an offer stays counted, and nothing is theirs any more.
//
// KEYS: task, offers, expiry, waitlist, accepted, answered, outbox, due,
// due offers, answered outcomes, confirmations, results, offered at.
// ARGV: event ID, now ms, person, op, task ID, filled notice JSON,
// cancelled notice JSON, forget-answers-before ms, promotion event JSON,
// promotion notice (JSON, or the first on the waitlist as read, a line
// break, the notice naming them and the one not: see promotionNotice), n,
// confirm now ('1' or ”), result
// ("completed:2.5"), entry queued when the result changes (JSON), anonymous token, then n (due ms,
// entry JSON) pairs of the person's reminders, then those of the promoted
// person.
var answerScript = goredis.NewScript(`
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'', '', 0, 0} end
local p, op, now = ARGV[3], ARGV[4], tonumber(ARGV[2])
local state = redis.call('HGET', KEYS[2], p) or ''
local started = 0
if now >= tonumber(redis.call('HGET', KEYS[1], 'start')) then started = 1 end
if ARGV[1] ~= '' and redis.call('ZSCORE', KEYS[6], ARGV[1]) then
  -- A repeat of an applied answer (the person's commit was retried):
  -- report what the first application did.
  local first = redis.call('HGET', KEYS[10], ARGV[1]) or '0:'
  local sep = string.find(first, ':', 1, true)
  return {string.sub(first, sep + 1), status, tonumber(string.sub(first, 1, sep - 1)), started}
end
local live = (status == 'open' or status == 'filled') and started == 0

local own = 16 + 2 * tonumber(ARGV[11])
local function unremind()
  for i = 16, own - 1, 2 do redis.call('ZREM', KEYS[8], ARGV[i + 1]) end
end
local function fill(s, who)
  local out, from = {}, 1
  while true do
    local i, j = string.find(s, '` + bot.Waitlisted + `', from, true)
    if not i then break end
    out[#out + 1] = string.sub(s, from, i - 1)
    out[#out + 1] = who
    from = j + 1
  end
  out[#out + 1] = string.sub(s, from)
  return table.concat(out)
end
-- release gives an accepted place back: the first on the waitlist gets it
-- at once; with nobody waiting the task reopens, the coordinators are told
-- and the sweep offers the place again at once.
local function release()
  redis.call('ZREM', KEYS[5], p)
  redis.call('HDEL', KEYS[11], p)
  redis.call('HDEL', KEYS[12], p)
  redis.call('HINCRBY', KEYS[1], 'acc', -1)
  unremind()
  if not live then return end
  local q = false
  if ARGV[9] ~= '' then q = redis.call('LPOP', KEYS[4]) end
  if q then
    redis.call('HSET', KEYS[2], q, 'accepted')
    redis.call('HDEL', KEYS[3], q)
    redis.call('ZADD', KEYS[5], now, q)
    redis.call('HINCRBY', KEYS[1], 'acc', 1)
    if ARGV[12] == '1' then redis.call('HSET', KEYS[11], q, 'confirmed') end
    redis.call('XADD', KEYS[7], '*', 'out', fill(ARGV[9], q), 'attempt', 0)
    for i = own, #ARGV, 2 do redis.call('ZADD', KEYS[8], ARGV[i], fill(ARGV[i + 1], q)) end
    if ARGV[10] ~= '' then
      local notice = ARGV[10]
      local i = string.find(notice, '\n', 1, true)
      if i then
        local rest = string.sub(notice, i + 1)
        local j = string.find(rest, '\n', 1, true)
        if string.sub(notice, 1, i - 1) == q then notice = string.sub(rest, 1, j - 1) else notice = string.sub(rest, j + 1) end
      end
      redis.call('XADD', KEYS[7], '*', 'out', notice, 'attempt', 0)
    end
    return
  end
  if status == 'filled' then
    status = 'open'
    redis.call('HSET', KEYS[1], 'status', 'open')
  end
  if ARGV[7] ~= '' then redis.call('XADD', KEYS[7], '*', 'out', ARGV[7], 'attempt', 0) end
  redis.call('ZADD', KEYS[9], now, ARGV[5])
end

-- move renames p to the token in a hash, or drops p there.
local tok = ARGV[15]
local function move(key)
  local v = redis.call('HGET', key, p)
  if v and tok ~= '' then redis.call('HSET', key, tok, v) end
  redis.call('HDEL', key, p)
end

local changed = 0
if op == 'forget' then
  if state == 'accepted' and started == 1 and tok ~= '' then
    -- A place taken part in: the figures keep it.
    redis.call('ZADD', KEYS[5], redis.call('ZSCORE', KEYS[5], p), tok)
    redis.call('ZREM', KEYS[5], p)
    redis.call('HSET', KEYS[2], tok, 'accepted')
    move(KEYS[11])
    move(KEYS[12])
    unremind()
  else
    if state == 'accepted' then release() end
    unremind()
    if tok ~= '' and state ~= '' then
      local kept = state
      if state == 'offered' then kept = 'expired' elseif state == 'accepted' or state == 'waitlisted' then kept = 'cancelled' end
      redis.call('HSET', KEYS[2], tok, kept)
    end
  end
  move(KEYS[13])
  redis.call('HDEL', KEYS[2], p)
  redis.call('HDEL', KEYS[3], p)
  redis.call('HDEL', KEYS[11], p)
  redis.call('HDEL', KEYS[12], p)
  redis.call('LREM', KEYS[4], 0, p)
  if state ~= '' then changed = 1 end
  state = ''
elseif op == 'ask' or op == 'confirm' then
  -- The day-before question, and the answer that they still come: of a
  -- task still on, never one called off (an old card's 「行けます」).
  if state == 'accepted' and started == 0 and status ~= 'cancelled' then
    local cur = redis.call('HGET', KEYS[11], p) or ''
    local want = 'confirmed'
    if op == 'ask' then want = 'asked' end
    if cur ~= want and not (op == 'ask' and cur ~= '') then
      redis.call('HSET', KEYS[11], p, want)
      changed = 1
    end
  end
elseif op == 'complete' then
  -- How it went, once begun: from the person or a coordinator.
  if state == 'accepted' and started == 1 and redis.call('HGET', KEYS[12], p) ~= ARGV[13] then
    redis.call('HSET', KEYS[12], p, ARGV[13])
    if ARGV[14] ~= '' then redis.call('XADD', KEYS[7], '*', 'out', ARGV[14], 'attempt', 0) end
    changed = 1
  end
elseif state == '' or not live then
  return {state, status, 0, started}
elseif op == 'accept' then
  if state ~= 'accepted' and state ~= 'waitlisted' then
    local acc = tonumber(redis.call('HGET', KEYS[1], 'acc'))
    local head = tonumber(redis.call('HGET', KEYS[1], 'head'))
    redis.call('HDEL', KEYS[3], p)
    if acc < head then
      state = 'accepted'
      redis.call('LREM', KEYS[4], 0, p)
      redis.call('ZADD', KEYS[5], now, p)
      redis.call('HINCRBY', KEYS[1], 'acc', 1)
      if ARGV[12] == '1' then redis.call('HSET', KEYS[11], p, 'confirmed') end
      for i = 16, own - 1, 2 do redis.call('ZADD', KEYS[8], ARGV[i], ARGV[i + 1]) end
      if acc + 1 >= head then
        status = 'filled'
        redis.call('HSET', KEYS[1], 'status', 'filled')
        redis.call('HSETNX', KEYS[1], 'filled_at', now)
        redis.call('ZREM', KEYS[9], ARGV[5])
        if ARGV[6] ~= '' then redis.call('XADD', KEYS[7], '*', 'out', ARGV[6], 'attempt', 0) end
      end
    else
      state = 'waitlisted'
      redis.call('RPUSH', KEYS[4], p)
    end
    redis.call('HSET', KEYS[2], p, state)
    changed = 1
  end
elseif op == 'decline' then
  if state == 'offered' or state == 'expired' or state == 'waitlisted' then
    if state == 'offered' then redis.call('ZADD', KEYS[9], now, ARGV[5]) end
    state = 'declined'
    redis.call('HSET', KEYS[2], p, state)
    redis.call('HDEL', KEYS[3], p)
    redis.call('LREM', KEYS[4], 0, p)
    changed = 1
  end
elseif op == 'cancel' then
  if state == 'accepted' then
    release()
    changed = 1
  elseif state == 'waitlisted' then
    redis.call('LREM', KEYS[4], 0, p)
    changed = 1
  end
  if changed == 1 then
    state = 'cancelled'
    redis.call('HSET', KEYS[2], p, state)
  end
end
if ARGV[1] ~= '' then
  redis.call('ZADD', KEYS[6], now, ARGV[1])
  redis.call('HSET', KEYS[10], ARGV[1], changed .. ':' .. state)
  local old = redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', '(' .. ARGV[8], 'LIMIT', 0, 100)
  for _, e in ipairs(old) do
    redis.call('ZREM', KEYS[6], e)
    redis.call('HDEL', KEYS[10], e)
  end
end
return {state, status, changed, started}
`)

// promotionNotice is the answer script's promotion notice argument: the
// notice as JSON, or, when the service read who is first on the waitlist,
// their ID, a line break, the notice naming them and the notice naming no
// one, each as JSON (which never holds a raw line break). The script
// queues the first when the place goes to that person, the other when
// someone else was first by then.
func promotionNotice(p bot.Promotion) ([]byte, error) {
	generic, err := json.Marshal(p.Notice)
	if err != nil || p.Expected == "" || p.NamedNotice.ID == "" {
		return generic, err
	}
	named, err := json.Marshal(p.NamedNotice)
	if err != nil {
		return nil, err
	}
	out := append([]byte(p.Expected+"\n"), named...)
	out = append(out, '\n')
	return append(out, generic...), nil
}

// Answer applies a person's answer to an offer atomically.
func (s *Tasks) Answer(ctx context.Context, a bot.Answer) (bot.Outcome, error) {
	id := a.TaskID
	notice := func(o bot.Outgoing) ([]byte, error) {
		if o.ID == "" {
			return nil, nil
		}
		return json.Marshal(o)
	}
	filled, err := notice(a.Filled)
	if err != nil {
		return bot.Outcome{}, fmt.Errorf("answer %s: %w", id, err)
	}
	cancelled, err := notice(a.Cancelled)
	if err != nil {
		return bot.Outcome{}, fmt.Errorf("answer %s: %w", id, err)
	}
	var promoted, promotedNotice []byte
	if a.Promote.Out.ID != "" {
		if promoted, err = json.Marshal(a.Promote.Out); err != nil {
			return bot.Outcome{}, fmt.Errorf("answer %s: %w", id, err)
		}
		if promotedNotice, err = promotionNotice(a.Promote); err != nil {
			return bot.Outcome{}, fmt.Errorf("answer %s: %w", id, err)
		}
	}
	resultOut, err := notice(a.ResultOut)
	if err != nil {
		return bot.Outcome{}, fmt.Errorf("answer %s: %w", id, err)
	}
	confirmNow, result := "", ""
	if a.ConfirmNow {
		confirmNow = "1"
	}
	if a.Op == bot.OpComplete {
		result = string(a.Result.Status) + ":" + strconv.FormatFloat(a.Result.Hours, 'f', -1, 64)
	}
	args := []any{eventKey(a.EventID), a.At.UnixMilli(), a.ProfileID, string(a.Op), id, filled, cancelled,
		a.At.Add(-seenFor).UnixMilli(), promoted, promotedNotice, len(a.Reminders), confirmNow, result, resultOut, a.Anon}
	for _, d := range append(append([]bot.Due(nil), a.Reminders...), a.Promote.Reminders...) {
		dj, err := json.Marshal(d.Out)
		if err != nil {
			return bot.Outcome{}, fmt.Errorf("answer %s: reminder: %w", id, err)
		}
		args = append(args, d.At.UnixMilli(), dj)
	}
	sh := taskShard(id)
	keys := []string{taskKey(id), taskOffersKey(id), taskExpiryKey(id), taskWaitlistKey(id), taskAcceptedKey(id),
		answeredKey(sh), outboxKey(sh), dueKey(sh), dueOffersKey(sh), answeredKey(sh) + ":changed",
		taskConfirmKey(id), taskResultKey(id), taskOfferedAtKey(id)}
	res, err := answerScript.Run(ctx, s.c, keys, args...).Slice()
	if err != nil {
		return bot.Outcome{}, fmt.Errorf("answer %s by %s: %w", id, a.ProfileID, err)
	}
	if len(res) != 4 {
		return bot.Outcome{}, fmt.Errorf("answer %s: unexpected reply %v", id, res)
	}
	state, _ := res[0].(string)
	status, _ := res[1].(string)
	changed, _ := res[2].(int64)
	started, _ := res[3].(int64)
	if status == "" {
		return bot.Outcome{}, fmt.Errorf("answer %s: %w", id, bot.Errorf(bot.ENOTFOUND, "no task %s", id))
	}
	return bot.Outcome{State: bot.OfferState(state), Status: bot.TaskStatus(status), Changed: changed == 1, Started: started == 1}, nil
}

// waveScript records a wave of offers. Offers whose time ran out are lapsed
// first; then people are offered in order until the task has factor × its
// free places in live offers. Someone already offered is skipped unless they
// are on the waitlist. It returns how many were offered.
//
// KEYS: task, offers, expiry, waitlist, outbox, due offers, offered at.
// ARGV: now ms, target live offers, next look ms (0: none), task ID, then
// (person, expiry ms, entry JSON) triples.
var waveScript = goredis.NewScript(`
local status = redis.call('HGET', KEYS[1], 'status')
local now = tonumber(ARGV[1])
if status ~= 'open' or now >= tonumber(redis.call('HGET', KEYS[1], 'start')) then
  redis.call('ZREM', KEYS[6], ARGV[4])
  return 0
end
local live = 0
local x = redis.call('HGETALL', KEYS[3])
for i = 1, #x, 2 do
  if tonumber(x[i + 1]) <= now then
    redis.call('HDEL', KEYS[3], x[i])
    if redis.call('HGET', KEYS[2], x[i]) == 'offered' then redis.call('HSET', KEYS[2], x[i], 'expired') end
  else
    live = live + 1
  end
end
local room = tonumber(ARGV[2]) - live
local added = 0
for i = 5, #ARGV, 3 do
  if added >= room then break end
  local p = ARGV[i]
  local st = redis.call('HGET', KEYS[2], p)
  if not st or st == 'waitlisted' then
    if st then redis.call('LREM', KEYS[4], 0, p) end
    redis.call('HSET', KEYS[2], p, 'offered')
    redis.call('HSET', KEYS[3], p, ARGV[i + 1])
    redis.call('HSETNX', KEYS[7], p, now)
    if ARGV[i + 2] ~= '' then redis.call('XADD', KEYS[5], '*', 'out', ARGV[i + 2], 'attempt', 0) end
    added = added + 1
  end
end
local nextAt = tonumber(ARGV[3])
for _, v in ipairs(redis.call('HVALS', KEYS[3])) do
  local e = tonumber(v)
  if nextAt == 0 or e < nextAt then nextAt = e end
end
if nextAt > 0 then
  redis.call('ZADD', KEYS[6], nextAt, ARGV[4])
else
  redis.call('ZREM', KEYS[6], ARGV[4])
end
return added
`)

// OfferWave records and queues a wave of offers atomically.
func (s *Tasks) OfferWave(ctx context.Context, w bot.Wave) (int, error) {
	id := w.TaskID
	next := int64(0)
	if !w.Next.IsZero() {
		next = w.Next.UnixMilli()
	}
	args := []any{w.At.UnixMilli(), w.Target, next, id}
	people := make([]string, 0, len(w.Offers))
	end := w.At
	if w.End.After(end) {
		end = w.End
	}
	for _, o := range w.Offers {
		people = append(people, o.ProfileID)
		if ev := o.Out.Event; ev != nil && ev.Offer != nil && ev.Offer.End.After(end) {
			end = ev.Offer.End
		}
	}
	// Before the offers: deletion must find every task that names someone.
	if _, err := addRefs(ctx, s.c, refTask+id, end, people); err != nil {
		return 0, fmt.Errorf("offer wave %s: %w", id, err)
	}
	for _, o := range w.Offers {
		var oj []byte
		if o.Out.ID != "" { // an offer told with another date of its series has none
			var err error
			if oj, err = json.Marshal(o.Out); err != nil {
				return 0, fmt.Errorf("offer wave %s: %w", id, err)
			}
		}
		args = append(args, o.ProfileID, o.ExpiresAt.UnixMilli(), oj)
	}
	sh := taskShard(id)
	keys := []string{taskKey(id), taskOffersKey(id), taskExpiryKey(id), taskWaitlistKey(id), outboxKey(sh), dueOffersKey(sh),
		taskOfferedAtKey(id)}
	n, err := waveScript.Run(ctx, s.c, keys, args...).Int()
	if err != nil {
		return 0, fmt.Errorf("offer wave %s: %w", id, err)
	}
	return n, nil
}

// Reschedule sets when the sweep looks at the task next; zero takes it off.
func (s *Tasks) Reschedule(ctx context.Context, id string, at time.Time) error {
	key := dueOffersKey(taskShard(id))
	var err error
	if at.IsZero() {
		err = s.c.ZRem(ctx, key, id).Err()
	} else {
		err = s.c.ZAdd(ctx, key, goredis.Z{Score: float64(at.UnixMilli()), Member: id}).Err()
	}
	if err != nil {
		return fmt.Errorf("reschedule %s: %w", id, err)
	}
	return nil
}

// Hasten brings every task the offer sweep would look at after at forward
// to at, across shards, and returns how many it moved. ZADD XX LT only
// ever brings a look forward, and adds no task taken off the sweep in
// between.
func (s *Tasks) Hasten(ctx context.Context, at time.Time) (int, error) {
	ms := at.UnixMilli()
	var later [Shards]*goredis.StringSliceCmd
	_, _ = s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for sh := range later {
			later[sh] = p.ZRangeByScore(ctx, dueOffersKey(sh), &goredis.ZRangeBy{Min: "(" + strconv.FormatInt(ms, 10), Max: "+inf"})
		}
		return nil
	})
	var moves [Shards]*goredis.IntCmd
	n := 0
	var errs []error
	_, _ = s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for sh, cmd := range later {
			ids, err := cmd.Result()
			if err != nil {
				errs = append(errs, fmt.Errorf("shard %d: %w", sh, err))
				continue
			}
			if len(ids) == 0 {
				continue
			}
			zs := make([]goredis.Z, len(ids))
			for i, id := range ids {
				zs[i] = goredis.Z{Score: float64(ms), Member: id}
			}
			moves[sh] = p.ZAddArgs(ctx, dueOffersKey(sh), goredis.ZAddArgs{XX: true, LT: true, Ch: true, Members: zs})
		}
		return nil
	})
	for sh, cmd := range moves {
		switch {
		case cmd == nil:
		case cmd.Err() != nil:
			errs = append(errs, fmt.Errorf("shard %d: %w", sh, cmd.Err()))
		default:
			n += int(cmd.Val())
		}
	}
	if err := errors.Join(errs...); err != nil {
		return n, fmt.Errorf("hasten tasks: %w", err)
	}
	return n, nil
}

// DueTasks returns up to limit tasks whose offers are due, across shards.
func (s *Tasks) DueTasks(ctx context.Context, now time.Time, limit int) ([]string, error) {
	var ids []string
	for sh := 0; sh < Shards && len(ids) < limit; sh++ {
		got, err := s.c.ZRangeByScore(ctx, dueOffersKey(sh), &goredis.ZRangeBy{
			Min: "-inf", Max: strconv.FormatInt(now.UnixMilli(), 10), Count: int64(limit - len(ids)),
		}).Result()
		if err != nil {
			return ids, fmt.Errorf("due tasks: shard %d: %w", sh, err)
		}
		ids = append(ids, got...)
	}
	return ids, nil
}

// claimScript moves due entries into the outbox: removing each from the due
// set and queueing it happen together, so every entry is claimed once
// whatever the number of replicas sweeping.
//
// KEYS: due, outbox. ARGV: now ms, limit.
var claimScript = goredis.NewScript(`
local items = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, m in ipairs(items) do
  redis.call('ZREM', KEYS[1], m)
  redis.call('XADD', KEYS[2], '*', 'out', m, 'attempt', 0)
end
return #items
`)

// ClaimDue moves up to limit entries due at now into the outbox. One
// pipelined look at every shard comes first: most sweeps find nothing due,
// and a script per shard each time would cost Redis far more than a read.
func (s *Tasks) ClaimDue(ctx context.Context, now time.Time, limit int) (int, error) {
	due, err := dueShards(ctx, s.c, dueKey, now)
	if err != nil {
		return 0, fmt.Errorf("claim due: %w", err)
	}
	total := 0
	for sh := 0; sh < Shards && total < limit; sh++ {
		if !due[sh] {
			continue
		}
		n, err := claimScript.Run(ctx, s.c, []string{dueKey(sh), outboxKey(sh)}, now.UnixMilli(), limit-total).Int()
		if err != nil {
			return total, fmt.Errorf("claim due: shard %d: %w", sh, err)
		}
		total += n
	}
	return total, nil
}

// cancelTaskScript cancels a task and queues a notice to everyone who holds
// or awaits a place. The caller read who that is; if it changed since, the
// script does nothing and returns -2 so the caller reads again.
//
// KEYS: task, offers, outbox, due offers. ARGV: task ID, then (person,
// entry JSON) pairs.
var cancelTaskScript = goredis.NewScript(`
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'open' and status ~= 'filled' then return -1 end
local want = {}
for i = 2, #ARGV, 2 do want[ARGV[i]] = ARGV[i + 1] end
local o = redis.call('HGETALL', KEYS[2])
local n = 0
for i = 1, #o, 2 do
  local st = o[i + 1]
  if st == 'offered' or st == 'accepted' or st == 'waitlisted' then
    if not want[o[i]] then return -2 end
    n = n + 1
  end
end
if n ~= (#ARGV - 1) / 2 then return -2 end
redis.call('HSET', KEYS[1], 'status', 'cancelled')
redis.call('ZREM', KEYS[4], ARGV[1])
for i = 2, #ARGV, 2 do redis.call('XADD', KEYS[3], '*', 'out', ARGV[i + 1], 'attempt', 0) end
return n
`)

// CancelTask cancels the task and tells everyone offered, accepted or
// waitlisted.
func (s *Tasks) CancelTask(ctx context.Context, id string, now time.Time, notice func(profileID string) bot.Outgoing) (int, error) {
	sh := taskShard(id)
	keys := []string{taskKey(id), taskOffersKey(id), outboxKey(sh), dueOffersKey(sh)}
	for attempt := 0; attempt < 8; attempt++ {
		ws, err := s.WaveState(ctx, id)
		if err != nil {
			return 0, fmt.Errorf("cancel task: %w", err)
		}
		args := []any{id}
		for p, st := range ws.Offers {
			if st != bot.OfferOffered && st != bot.OfferAccepted && st != bot.OfferWaitlisted {
				continue
			}
			nj, err := json.Marshal(notice(p))
			if err != nil {
				return 0, fmt.Errorf("cancel task %s: %w", id, err)
			}
			args = append(args, p, nj)
		}
		n, err := cancelTaskScript.Run(ctx, s.c, keys, args...).Int()
		if err != nil {
			return 0, fmt.Errorf("cancel task %s: %w", id, err)
		}
		switch n {
		case -1:
			return 0, fmt.Errorf("cancel task %s: %w", id, bot.Errorf(bot.ECONFLICT, "task %s is %s", id, ws.Task.Status))
		case -2:
			continue
		}
		return n, nil
	}
	return 0, fmt.Errorf("cancel task %s: %w", id, bot.Errorf(bot.ECONFLICT, "offers kept changing"))
}

// dueShards reports, in one pipeline, which shards have an entry of the
// sorted set key(shard) scored at or before now.
func dueShards(ctx context.Context, c goredis.UniversalClient, key func(int) string, now time.Time) ([Shards]bool, error) {
	var due [Shards]bool
	cmds := make([]*goredis.StringSliceCmd, Shards)
	_, err := c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for sh := range cmds {
			cmds[sh] = p.ZRangeByScore(ctx, key(sh), &goredis.ZRangeBy{
				Min: "-inf", Max: strconv.FormatInt(now.UnixMilli(), 10), Count: 1,
			})
		}
		return nil
	})
	if err != nil {
		return due, err
	}
	for sh, cmd := range cmds {
		due[sh] = len(cmd.Val()) > 0
	}
	return due, nil
}

// TaskIDs lists every task kept, across shards.
func (s *Tasks) TaskIDs(ctx context.Context) ([]string, error) {
	var ids []string
	for sh := 0; sh < Shards; sh++ {
		got, err := s.c.SMembers(ctx, tasksKey(sh)).Result()
		if err != nil {
			return nil, fmt.Errorf("task ids: shard %d: %w", sh, err)
		}
		ids = append(ids, got...)
	}
	sort.Strings(ids)
	return ids, nil
}
