package httpapi_test

import (
	"context"
	"sort"
	"sync"

	"tsunagu/bot"
)

// memStore is an in-memory bot.ProfileStore; the Redis store has its own
// conformance tests.
type memStore struct {
	mu       sync.Mutex
	profiles map[string]bot.Profile
	// err, when set, is what every call returns: the store is down.
	err error
}

var _ bot.ProfileStore = (*memStore)(nil)

func newMemStore() *memStore { return &memStore{profiles: map[string]bot.Profile{}} }

func (m *memStore) CreateProfile(_ context.Context, p *bot.Profile) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return m.err
	}
	if _, ok := m.profiles[p.ID]; ok {
		return bot.Errorf(bot.ECONFLICT, "profile %q already exists", p.ID)
	}
	m.profiles[p.ID] = clone(p)
	return nil
}

func (m *memStore) FindProfile(_ context.Context, id string) (*bot.Profile, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return nil, m.err
	}
	p, ok := m.profiles[id]
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "profile %q not found", id)
	}
	return &p, nil
}

func (m *memStore) FindProfiles(_ context.Context, f bot.ProfileFilter) ([]*bot.Profile, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return nil, m.err
	}
	var out []*bot.Profile
	for _, p := range m.profiles {
		if f.Match(&p) {
			p := clone(&p)
			out = append(out, &p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// put stores a profile as another path (the chat) would have.
func (m *memStore) put(p bot.Profile) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.profiles[p.ID] = clone(&p)
}

func clone(p *bot.Profile) bot.Profile {
	c := *p
	c.Skills = append([]string(nil), p.Skills...)
	return c
}
