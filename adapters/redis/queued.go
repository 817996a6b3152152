package redis

import (
	"sync"
	"time"

	"tsunagu/bot"
)

// How much, and for how long, a replica remembers of what it just queued:
// queuedMaxBytes of entries' JSON in each of the two generations (below).
// A worker reads an entry within milliseconds of its commit when it keeps
// up; under load it does not: 64 webhooks in flight put it more than 6,000
// entries behind (the service's load benchmark), and a bound of 4,096
// entries then dropped the ones it was about to read, so that the worker,
// already the one behind, decoded every entry from then on. 16 MiB is
// about 12,000 replies; the bound is in bytes because that is what it
// costs.
const (
	queuedMaxBytes = 16 << 20
	queuedMaxAge   = 30 * time.Second
)

// queuedMemory remembers the entries this replica committed to the outbox
// a moment ago, by their JSON, so that its worker, which most often is the
// one to read them back, takes the value instead of decoding the JSON it
// just encoded: under load that decoding was about 4% of the service's CPU.
// An entry's JSON never changes once queued, and the value kept is the one
// it was encoded from, so what a worker gets is the same either way; an
// entry read by another replica, or after a restart, is decoded as before.
//
// Entries live in two generations: new ones go into cur, and when cur is
// full or older than queuedMaxAge it becomes prev and the old prev is
// dropped. So entries of at most about 2·queuedMaxBytes of JSON are held,
// none (message text included) longer than about 2·queuedMaxAge, and
// memory only.
type queuedMemory struct {
	mu        sync.Mutex
	cur, prev map[string]bot.Outgoing
	curBytes  int       // the JSON of the entries in cur
	since     time.Time // when cur began
	now       func() time.Time
}

func newQueuedMemory() *queuedMemory {
	return &queuedMemory{cur: map[string]bot.Outgoing{}, now: time.Now}
}

// put remembers that JSON oj encodes out.
func (m *queuedMemory) put(oj string, out bot.Outgoing) {
	if m == nil {
		return
	}
	// Decoding gives times without a monotonic reading: so does this.
	out.ReplyBefore, out.CreatedAt = out.ReplyBefore.Round(0), out.CreatedAt.Round(0)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.age()
	if m.curBytes >= queuedMaxBytes {
		m.prev, m.cur, m.curBytes, m.since = m.cur, map[string]bot.Outgoing{}, 0, m.now()
	}
	if _, dup := m.cur[oj]; !dup {
		m.curBytes += len(oj)
	}
	m.cur[oj] = out
}

// take returns and forgets what oj encodes, if it is remembered.
func (m *queuedMemory) take(oj string) (bot.Outgoing, bool) {
	if m == nil {
		return bot.Outgoing{}, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.age()
	if out, ok := m.cur[oj]; ok {
		delete(m.cur, oj)
		m.curBytes -= len(oj)
		return out, true
	}
	if out, ok := m.prev[oj]; ok {
		delete(m.prev, oj)
		return out, true
	}
	return bot.Outgoing{}, false
}

// age moves cur to prev once it is older than queuedMaxAge, and drops both
// once prev would be too.
func (m *queuedMemory) age() {
	switch now := m.now(); {
	case now.Sub(m.since) >= 2*queuedMaxAge:
		m.prev, m.cur, m.curBytes, m.since = nil, map[string]bot.Outgoing{}, 0, now
	case now.Sub(m.since) >= queuedMaxAge:
		m.prev, m.cur, m.curBytes, m.since = m.cur, map[string]bot.Outgoing{}, 0, now
	}
}

// len is how many entries are remembered.
func (m *queuedMemory) len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.cur) + len(m.prev)
}

// bytes is the size of the JSON of the entries remembered.
func (m *queuedMemory) bytes() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, g := range [2]map[string]bot.Outgoing{m.cur, m.prev} {
		for oj := range g {
			n += len(oj)
		}
	}
	return n
}
