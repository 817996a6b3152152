package redis

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	goredis "github.com/redis/go-redis/v9"

	"tsunagu/bot"
)

// importAttempts bounds the retries of ImportProfile when the person's state
// keeps moving under it (they are chatting with the bot at that moment).
const importAttempts = 5

// putScript writes a person's profile (and conversation, when given) if
// their version is still the one read, the same check Commit makes: a chat
// turn that loaded the person before the import fails its commit and runs
// again on the imported profile, instead of writing back the old one.
//
// It publishes the change itself and drops the match digest (mx), so that
// the next commit compares against nothing and publishes too.
//
// KEYS: person, profiles, versions. ARGV: version read, profile JSON, conv
// JSON ("" leaves it as it is), profile ID. Returns 1, or 0 when the
// version moved.
var putScript = goredis.NewScript(nextVersionLua + `
local ver = tonumber(redis.call('HGET', KEYS[1], 'ver') or '0')
if ver ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'profile', ARGV[2], 'ver', nextVersion(KEYS[3], ver))
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'conv', ARGV[3]) end
redis.call('HDEL', KEYS[1], 'mx')
redis.call('SADD', KEYS[2], ARGV[4])
redis.call('PUBLISH', '` + ProfilesChannel + `', ARGV[4])
return 1
`)

// ImportProfile stores a profile a coordinator imported. A person without
// a profile (new, or deleted before) is stored as p. For a person who has
// one, update gets their stored profile and conversation to change in
// place, and both are written back; the caller decides what an import
// changes, this only makes it safe.
//
// Each person is written atomically: the state is read, changed in Go and
// written by a script only if the person's version has not moved since the
// read (else it is read again, a few times, then ECONFLICT). Nothing spans
// people: they live in different hash slots.
func (s *Store) ImportProfile(ctx context.Context, p *bot.Profile, update func(stored *bot.Profile, conv *bot.Conversation)) (created bool, err error) {
	if p == nil || p.ID == "" {
		return false, fmt.Errorf("import profile: %w", bot.Errorf(bot.EINVALID, "profile has no id"))
	}
	keys := []string{personKey(p.ID), profilesKey(shardOf(p.ID)), versionsKey(shardOf(p.ID))}
	for range importAttempts {
		v, err := s.c.HMGet(ctx, keys[0], "profile", "conv", "ver").Result()
		if err != nil {
			return false, fmt.Errorf("import profile %s: %w", p.ID, err)
		}
		pj, _ := v[0].(string)
		cj, _ := v[1].(string)
		ver := int64(0)
		if vs, _ := v[2].(string); vs != "" {
			if ver, err = strconv.ParseInt(vs, 10, 64); err != nil {
				return false, fmt.Errorf("import profile %s: version: %w", p.ID, err)
			}
		}
		var newPJ, newCJ []byte
		if pj == "" {
			created = true
			if newPJ, err = json.Marshal(p); err != nil {
				return false, fmt.Errorf("import profile %s: %w", p.ID, err)
			}
		} else {
			created = false
			if newPJ, newCJ, err = updated(pj, cj, update); err != nil {
				return false, fmt.Errorf("import profile %s: %w", p.ID, err)
			}
		}
		ok, err := putScript.Run(ctx, s.c, keys, ver, newPJ, newCJ, p.ID).Int()
		if err != nil {
			return false, fmt.Errorf("import profile %s: %w", p.ID, err)
		}
		if ok == 1 {
			return created, nil
		}
	}
	return false, fmt.Errorf("import profile %s: %w", p.ID, bot.Errorf(bot.ECONFLICT, "the person changed %d times while being imported", importAttempts))
}

// updated applies update to a stored profile and conversation and returns
// their JSON; the conversation's is nil when update left it as it was, so
// that an import rewrites no more than it changes.
func updated(pj, cj string, update func(*bot.Profile, *bot.Conversation)) (profile, conv []byte, err error) {
	stored := new(bot.Profile)
	if err := json.Unmarshal([]byte(pj), stored); err != nil {
		return nil, nil, fmt.Errorf("profile: %w", err)
	}
	var c bot.Conversation
	if cj != "" {
		if err := json.Unmarshal([]byte(cj), &c); err != nil {
			return nil, nil, fmt.Errorf("conversation: %w", err)
		}
	}
	before, err := json.Marshal(c)
	if err != nil {
		return nil, nil, fmt.Errorf("conversation: %w", err)
	}
	if update != nil {
		update(stored, &c)
	}
	if profile, err = json.Marshal(stored); err != nil {
		return nil, nil, fmt.Errorf("profile: %w", err)
	}
	after, err := json.Marshal(c)
	if err != nil {
		return nil, nil, fmt.Errorf("conversation: %w", err)
	}
	if !bytes.Equal(before, after) {
		conv = after
	}
	return profile, conv, nil
}
