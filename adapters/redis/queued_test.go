package redis

import (
	"fmt"
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
	if _, ok := m.take(`{"id":"o3"}`); ok || m.len() != 0 {
		t.Errorf("after twice its age the memory holds %d entries", m.len())
	}

	for i := range 3 * queuedCap {
		m.put(out(i))
	}
	if n := m.len(); n > 2*queuedCap {
		t.Errorf("the memory holds %d entries, more than %d", n, 2*queuedCap)
	}
	if _, ok := m.take(fmt.Sprintf(`{"id":"o%d"}`, 3*queuedCap-1)); !ok {
		t.Error("the newest entry is forgotten")
	}
}
