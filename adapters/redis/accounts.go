package redis

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"tsunagu/bot"
)

// The web console's keys share one hash tag, {console}: they are few and
// small (accounts, logins, the audit log, what each organization made), and
// one slot lets an account and its e-mail index change in one transaction
// on a Cluster. Tokens (set-password links, login cookies) are stored only
// as SHA-256 digests: a copy of the database does not log anyone in.
const consoleTag = "{console}"

func accountKey(id string) string   { return consoleTag + ":acct:" + id }
func accountsKey() string           { return consoleTag + ":accounts" } // set of IDs
func emailsKey() string             { return consoleTag + ":emails" }   // hash email → ID
func setupKey(token string) string  { return consoleTag + ":setup:" + digest(token) }
func loginKey(token string) string  { return consoleTag + ":login:" + digest(token) }
func failKey(subject string) string { return consoleTag + ":fail:" + digest(subject) }
func onceKey(account, once string) string {
	return consoleTag + ":once:" + digest(account+"\x00"+once)
}
func auditKey() string  { return consoleTag + ":audit" }
func ownersKey() string { return consoleTag + ":owners" } // hash kind:id → org

// madeKey is a sorted set of the IDs of one kind ("task", "session",
// "broadcast") made through the console, scored by when they start (or
// were made), for one organization, or for all when org is "".
func madeKey(kind, org string) string {
	if org == "" {
		return consoleTag + ":made:" + kind
	}
	return consoleTag + ":org:" + digest(org) + ":" + kind
}

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// auditCap bounds the audit log (the newest entries are kept).
const auditCap = 10000

// Accounts keeps the web console's coordinator accounts, their logins,
// set-password links, failed login counts, the audit log and the index of
// what each organization made.
type Accounts struct{ c goredis.UniversalClient }

// NewAccounts returns the console's store on c.
func NewAccounts(c goredis.UniversalClient) *Accounts { return &Accounts{c: c} }

// CreateCoordinator stores a new account; ECONFLICT when the e-mail address
// has one already.
func (a *Accounts) CreateCoordinator(ctx context.Context, c *bot.Coordinator) error {
	ok, err := a.c.HSetNX(ctx, emailsKey(), c.Email, c.ID).Result()
	if err != nil {
		return fmt.Errorf("create coordinator: %w", err)
	}
	if !ok {
		return bot.FieldErrorf(bot.ECONFLICT, "email", "an account with this email exists")
	}
	_, err = a.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.HSet(ctx, accountKey(c.ID), coordinatorFields(c))
		p.SAdd(ctx, accountsKey(), c.ID)
		return nil
	})
	if err != nil {
		a.c.HDel(ctx, emailsKey(), c.Email)
		return fmt.Errorf("create coordinator: %w", err)
	}
	return nil
}

func coordinatorFields(c *bot.Coordinator) map[string]any {
	return map[string]any{
		"id": c.ID, "email": c.Email, "name": c.Name, "org": c.Org,
		"admin": boolString(c.Admin), "disabled": boolString(c.Disabled),
		"hash": c.PasswordHash, "created": c.CreatedAt.UnixMilli(),
	}
}

func boolString(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// FindCoordinator returns an account, or ENOTFOUND.
func (a *Accounts) FindCoordinator(ctx context.Context, id string) (*bot.Coordinator, error) {
	m, err := a.c.HGetAll(ctx, accountKey(id)).Result()
	if err != nil {
		return nil, fmt.Errorf("find coordinator: %w", err)
	}
	if len(m) == 0 {
		return nil, bot.Errorf(bot.ENOTFOUND, "no coordinator %s", id)
	}
	ms, _ := strconv.ParseInt(m["created"], 10, 64)
	return &bot.Coordinator{
		ID: m["id"], Email: m["email"], Name: m["name"], Org: m["org"],
		Admin: m["admin"] == "1", Disabled: m["disabled"] == "1",
		PasswordHash: m["hash"], CreatedAt: time.UnixMilli(ms),
	}, nil
}

// FindCoordinatorByEmail returns the account of an e-mail address (as
// bot.NormalizeEmail gives it), or ENOTFOUND.
func (a *Accounts) FindCoordinatorByEmail(ctx context.Context, email string) (*bot.Coordinator, error) {
	id, err := a.c.HGet(ctx, emailsKey(), email).Result()
	if errors.Is(err, goredis.Nil) {
		return nil, bot.Errorf(bot.ENOTFOUND, "no coordinator with this email")
	}
	if err != nil {
		return nil, fmt.Errorf("find coordinator: %w", err)
	}
	return a.FindCoordinator(ctx, id)
}

// FindCoordinators lists every account, by organization and name.
func (a *Accounts) FindCoordinators(ctx context.Context) ([]*bot.Coordinator, error) {
	ids, err := a.c.SMembers(ctx, accountsKey()).Result()
	if err != nil {
		return nil, fmt.Errorf("find coordinators: %w", err)
	}
	out := make([]*bot.Coordinator, 0, len(ids))
	for _, id := range ids {
		c, err := a.FindCoordinator(ctx, id)
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Org != out[j].Org {
			return out[i].Org < out[j].Org
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// SetPasswordHash stores an account's new password hash.
func (a *Accounts) SetPasswordHash(ctx context.Context, id, hash string) error {
	return a.setField(ctx, id, "hash", hash)
}

// SetDisabled disables an account (its logins stop working at their next
// request) or enables it again.
func (a *Accounts) SetDisabled(ctx context.Context, id string, disabled bool) error {
	return a.setField(ctx, id, "disabled", boolString(disabled))
}

// setField changes one field of an existing account, atomically with the
// check that it exists.
var setFieldScript = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`)

func (a *Accounts) setField(ctx context.Context, id, field, value string) error {
	n, err := setFieldScript.Run(ctx, a.c, []string{accountKey(id)}, field, value).Int()
	if err != nil {
		return fmt.Errorf("update coordinator %s: %w", id, err)
	}
	if n == 0 {
		return bot.Errorf(bot.ENOTFOUND, "no coordinator %s", id)
	}
	return nil
}

// CreateSetupToken stores a one-time set-password token for an account,
// valid for ttl.
func (a *Accounts) CreateSetupToken(ctx context.Context, token, accountID string, ttl time.Duration) error {
	if err := a.c.Set(ctx, setupKey(token), accountID, ttl).Err(); err != nil {
		return fmt.Errorf("create setup token: %w", err)
	}
	return nil
}

// PeekSetupToken returns the account a set-password token is for, without
// using it up (the form is shown first); ENOTFOUND when it is unknown,
// used or expired.
func (a *Accounts) PeekSetupToken(ctx context.Context, token string) (string, error) {
	id, err := a.c.Get(ctx, setupKey(token)).Result()
	if errors.Is(err, goredis.Nil) {
		return "", bot.Errorf(bot.ENOTFOUND, "no such setup token")
	}
	if err != nil {
		return "", fmt.Errorf("setup token: %w", err)
	}
	return id, nil
}

// UseSetupToken uses a set-password token up and returns its account:
// of two uses at once, one gets it.
func (a *Accounts) UseSetupToken(ctx context.Context, token string) (string, error) {
	id, err := a.c.GetDel(ctx, setupKey(token)).Result()
	if errors.Is(err, goredis.Nil) {
		return "", bot.Errorf(bot.ENOTFOUND, "no such setup token")
	}
	if err != nil {
		return "", fmt.Errorf("setup token: %w", err)
	}
	return id, nil
}

// CreateLogin stores a login under its cookie token, for ttl.
func (a *Accounts) CreateLogin(ctx context.Context, token string, l bot.Login, ttl time.Duration) error {
	key := loginKey(token)
	_, err := a.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.HSet(ctx, key, "acct", l.AccountID, "csrf", l.CSRF, "created", l.Created.UnixMilli())
		p.Expire(ctx, key, ttl)
		return nil
	})
	if err != nil {
		return fmt.Errorf("create login: %w", err)
	}
	return nil
}

// FindLogin returns the login of a cookie token, or ENOTFOUND when it is
// unknown, logged out or expired.
func (a *Accounts) FindLogin(ctx context.Context, token string) (*bot.Login, error) {
	m, err := a.c.HGetAll(ctx, loginKey(token)).Result()
	if err != nil {
		return nil, fmt.Errorf("find login: %w", err)
	}
	if m["acct"] == "" {
		return nil, bot.Errorf(bot.ENOTFOUND, "no such login")
	}
	ms, _ := strconv.ParseInt(m["created"], 10, 64)
	return &bot.Login{AccountID: m["acct"], CSRF: m["csrf"], Created: time.UnixMilli(ms)}, nil
}

// DeleteLogin logs a cookie token out.
func (a *Accounts) DeleteLogin(ctx context.Context, token string) error {
	if err := a.c.Del(ctx, loginKey(token)).Err(); err != nil {
		return fmt.Errorf("delete login: %w", err)
	}
	return nil
}

// LoginFailures returns how many failed logins a subject ("email:…",
// "ip:…") had in its current window, and how long the window still runs.
func (a *Accounts) LoginFailures(ctx context.Context, subject string) (int, time.Duration, error) {
	key := failKey(subject)
	var get *goredis.StringCmd
	var ttl *goredis.DurationCmd
	_, err := a.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		get = p.Get(ctx, key)
		ttl = p.PTTL(ctx, key)
		return nil
	})
	if err != nil && !errors.Is(err, goredis.Nil) {
		return 0, 0, fmt.Errorf("login failures: %w", err)
	}
	n, _ := strconv.Atoi(get.Val())
	left := ttl.Val()
	if left < 0 {
		left = 0
	}
	return n, left, nil
}

// failScript counts a failure; the window starts with the first one.
var failScript = goredis.NewScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`)

// RecordLoginFailure counts a failed login of a subject in a window of the
// given length from its first failure, and returns the count.
func (a *Accounts) RecordLoginFailure(ctx context.Context, subject string, window time.Duration) (int, error) {
	n, err := failScript.Run(ctx, a.c, []string{failKey(subject)}, window.Milliseconds()).Int()
	if err != nil {
		return 0, fmt.Errorf("record login failure: %w", err)
	}
	return n, nil
}

// ClearLoginFailures forgets a subject's failures (after a good login).
func (a *Accounts) ClearLoginFailures(ctx context.Context, subject string) error {
	return a.c.Del(ctx, failKey(subject)).Err()
}

// Audit appends an entry to the audit log, which keeps the newest
// auditCap.
func (a *Accounts) Audit(ctx context.Context, e bot.AuditEntry) error {
	err := a.c.XAdd(ctx, &goredis.XAddArgs{
		Stream: auditKey(), MaxLen: auditCap, Approx: true,
		Values: []any{"at", e.At.UnixMilli(), "acct", e.AccountID, "action", e.Action, "object", e.Object},
	}).Err()
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// AuditLog returns the newest n entries, newest first.
func (a *Accounts) AuditLog(ctx context.Context, n int64) ([]bot.AuditEntry, error) {
	msgs, err := a.c.XRevRangeN(ctx, auditKey(), "+", "-", n).Result()
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	out := make([]bot.AuditEntry, 0, len(msgs))
	for _, m := range msgs {
		ms, _ := strconv.ParseInt(fmt.Sprint(m.Values["at"]), 10, 64)
		out = append(out, bot.AuditEntry{At: time.UnixMilli(ms), AccountID: fmt.Sprint(m.Values["acct"]),
			Action: fmt.Sprint(m.Values["action"]), Object: fmt.Sprint(m.Values["object"])})
	}
	return out, nil
}

// madeKeep is how long the index of what an organization made keeps an
// entry past its score: the longest RETENTION_DAYS, after which the thing
// itself is gone.
const madeKeep = 3650 * 24 * time.Hour

// RecordMade files something an organization made through the console
// (kind "task", "session" or "broadcast"), scored by at (a task's start, a
// broadcast's creation); entries older than ten years are dropped.
func (a *Accounts) RecordMade(ctx context.Context, kind, id, org string, at time.Time) error {
	score := float64(at.UnixMilli())
	old := strconv.FormatInt(at.Add(-madeKeep).UnixMilli(), 10)
	_, err := a.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.ZAdd(ctx, madeKey(kind, ""), goredis.Z{Score: score, Member: id})
		p.ZAdd(ctx, madeKey(kind, org), goredis.Z{Score: score, Member: id})
		p.HSet(ctx, ownersKey(), kind+":"+id, org)
		p.ZRemRangeByScore(ctx, madeKey(kind, org), "-inf", "("+old)
		p.ZRemRangeByScore(ctx, madeKey(kind, ""), "-inf", "("+old)
		return nil
	})
	if err != nil {
		return fmt.Errorf("record %s %s: %w", kind, id, err)
	}
	return nil
}

// Owner returns the organization that made something through the console,
// or ENOTFOUND when it was not made there (the API, Slack).
func (a *Accounts) Owner(ctx context.Context, kind, id string) (string, error) {
	org, err := a.c.HGet(ctx, ownersKey(), kind+":"+id).Result()
	if errors.Is(err, goredis.Nil) {
		return "", bot.Errorf(bot.ENOTFOUND, "%s %s was not made in the console", kind, id)
	}
	if err != nil {
		return "", fmt.Errorf("owner of %s %s: %w", kind, id, err)
	}
	return org, nil
}

// Owners returns the organizations that made the given things of one kind
// through the console, by ID; what was made elsewhere (the API, Slack) is
// not in the map. One round trip for a list page.
func (a *Accounts) Owners(ctx context.Context, kind string, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	fields := make([]string, len(ids))
	for i, id := range ids {
		fields[i] = kind + ":" + id
	}
	vals, err := a.c.HMGet(ctx, ownersKey(), fields...).Result()
	if err != nil {
		return nil, fmt.Errorf("owners of %d %ss: %w", len(ids), kind, err)
	}
	for i, v := range vals {
		if org, ok := v.(string); ok {
			out[ids[i]] = org
		}
	}
	return out, nil
}

// Made lists what an organization (every organization when org is "")
// made of one kind with scores from..to, newest first, at most limit.
func (a *Accounts) Made(ctx context.Context, kind, org string, from, to time.Time, limit int64) ([]string, error) {
	ids, err := a.c.ZRevRangeByScore(ctx, madeKey(kind, org), &goredis.ZRangeBy{
		Min: strconv.FormatInt(from.UnixMilli(), 10), Max: strconv.FormatInt(to.UnixMilli(), 10), Count: limit,
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("made %s: %w", kind, err)
	}
	return ids, nil
}

// ClaimSubmission claims the first handling of one sent form (the form's
// one-time key once, of account) for ttl. For the first claim first is
// true; for a repeat (a double click, a reload of the answer) path is the
// page the first one led to, "" while it is still being handled.
func (a *Accounts) ClaimSubmission(ctx context.Context, account, once string, ttl time.Duration) (first bool, path string, err error) {
	key := onceKey(account, once)
	ok, err := a.c.SetNX(ctx, key, "", ttl).Result()
	if err != nil {
		return false, "", fmt.Errorf("claim submission: %w", err)
	}
	if ok {
		return true, "", nil
	}
	path, err = a.c.Get(ctx, key).Result()
	if errors.Is(err, goredis.Nil) {
		// Released in between: the form was refused, and this send is
		// handled as the first.
		return a.ClaimSubmission(ctx, account, once, ttl)
	}
	if err != nil {
		return false, "", fmt.Errorf("claim submission: %w", err)
	}
	return false, path, nil
}

// FinishSubmission records the page a claimed submission led to, for ttl,
// or with path "" releases the claim: a refused form may be sent again.
func (a *Accounts) FinishSubmission(ctx context.Context, account, once, path string, ttl time.Duration) error {
	key := onceKey(account, once)
	var err error
	if path == "" {
		err = a.c.Del(ctx, key).Err()
	} else {
		err = a.c.Set(ctx, key, path, ttl).Err()
	}
	if err != nil {
		return fmt.Errorf("finish submission: %w", err)
	}
	return nil
}
