package redis

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"tsunagu/bot"
)

func TestQueuedMemoryForgetsWithAgeAndBeyondItsSize(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	m := newQueuedMemory()
	m.now = func() time.Time { return now }
	out := func(i int) (string, bot.Outgoing) {
		return fmt.Sprintf(`{"id":"o%d"}`, i), bot.Outgoing{ID: fmt.Sprint("o", i)}
	}

	m.put(out(1))
	if got, ok := m.take(`{"id":"o1"}`); !ok || got.ID != "o1" {
		t.Fatalf("take = %+v, %v; want o1", got, ok)
	}
	if _, ok := m.take(`{"id":"o1"}`); ok {
		t.Fatal("an entry was taken twice")
	}

	m.put(out(2))
	now = now.Add(queuedMaxAge) // o2 is in the older generation now
	m.put(out(3))
	if _, ok := m.take(`{"id":"o2"}`); !ok {
		t.Error("an entry one generation old is forgotten")
	}
	m.put(out(4))
	now = now.Add(2 * queuedMaxAge) // long idle: all of it goes
	if _, ok := m.take(`{"id":"o3"}`); ok {
		t.Error("after twice its age the memory still holds o3")
	}
	if n := m.len(); n != 0 {
		t.Errorf("after twice its age the memory holds %d entries", n)
	}

	// Replies of about 1 KB, three times what two generations hold.
	pad := strings.Repeat("あ", 330)
	big := func(i int) string { return fmt.Sprintf(`{"id":"o%d","text":%q}`, i, pad) }
	puts := 0
	for total := 0; total < 3*queuedMaxBytes; total += len(big(puts)) {
		m.put(big(puts), bot.Outgoing{ID: fmt.Sprint("o", puts)})
		puts++
	}
	if n := m.bytes(); n > 2*queuedMaxBytes+len(big(0)) {
		t.Errorf("the memory holds %d bytes of JSON, more than %d", n, 2*queuedMaxBytes)
	}
	if _, ok := m.take(big(puts - 1)); !ok {
		t.Error("the newest entry is forgotten")
	}
	if _, ok := m.take(big(0)); ok {
		t.Error("the oldest entry is still remembered")
	}
}

func TestQueuedMemoryKeepsABacklogOfThousands(t *testing.T) {
	m := newQueuedMemory()
	// A worker 8,000 replies of 1.3 KB behind, taking one as each new one
	// is put: it still finds every one.
	oj := func(i int) string { return fmt.Sprintf(`{"id":"o%d","text":%q}`, i, strings.Repeat("x", 1300)) }
	const behind = 8000
	for i := range behind {
		m.put(oj(i), bot.Outgoing{ID: fmt.Sprint("o", i)})
	}
	for i := range 3 * behind {
		m.put(oj(behind+i), bot.Outgoing{ID: fmt.Sprint("o", behind+i)})
		if _, ok := m.take(oj(i)); !ok {
			t.Fatalf("entry %d, %d behind, is forgotten", i, behind)
		}
	}
}
