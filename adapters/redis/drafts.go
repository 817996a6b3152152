package redis

import (
	"context"
	"errors"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// draftKey is a string holding a draft a coordinator has yet to confirm. A
// draft is taken once, so a double click cannot send it twice.
func draftKey(id string) string { return tag(shardOf(id)) + ":draft:" + id }

// Drafts keeps short-lived drafts (an announcement waiting for its confirm
// button) until they are taken or expire.
type Drafts struct{ c goredis.UniversalClient }

// NewDrafts returns the drafts in c.
func NewDrafts(c goredis.UniversalClient) *Drafts { return &Drafts{c: c} }

// Put keeps a draft for ttl.
func (d *Drafts) Put(ctx context.Context, id string, draft []byte, ttl time.Duration) error {
	if err := d.c.Set(ctx, draftKey(id), draft, ttl).Err(); err != nil {
		return fmt.Errorf("put draft %s: %w", id, err)
	}
	return nil
}

// Take returns a draft and removes it in one step; ok is false when it was
// taken already or expired.
func (d *Drafts) Take(ctx context.Context, id string) (draft []byte, ok bool, err error) {
	b, err := d.c.GetDel(ctx, draftKey(id)).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("take draft %s: %w", id, err)
	}
	return b, true, nil
}

// Claim records id for ttl; it is true for the first caller only.
func (d *Drafts) Claim(ctx context.Context, id string, ttl time.Duration) (bool, error) {
	ok, err := d.c.SetNX(ctx, draftKey(id), "1", ttl).Result()
	if err != nil {
		return false, fmt.Errorf("claim %s: %w", id, err)
	}
	return ok, nil
}

// Release forgets a claim, for a form that was refused and may be sent
// again.
func (d *Drafts) Release(ctx context.Context, id string) error {
	if err := d.c.Del(ctx, draftKey(id)).Err(); err != nil {
		return fmt.Errorf("release %s: %w", id, err)
	}
	return nil
}
