package redis

import (
	"context"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"tsunagu/adapters/outbox"
)

func TestOutboxTouchEmbedded(t *testing.T) { testOutboxTouch(t, embeddedClient) }

func TestOutboxTouchReal(t *testing.T) {
	needEnv(t, "REDIS_URL")
	testOutboxTouch(t, realClient)
}

func TestOutboxTouchCluster(t *testing.T) {
	needEnv(t, "REDIS_CLUSTER_ADDRS")
	testOutboxTouch(t, clusterClient)
}

// testOutboxTouch: a worker that holds entries keeps them from Reclaim by
// touching them, hands them over by touching them with a long idle time,
// and learns which ones it no longer holds. Idle times are set, not waited
// for, so the test runs the same on every backend.
func testOutboxTouch(t *testing.T, newClient func(t *testing.T) goredis.UniversalClient) {
	ctx := context.Background()
	t0 := time.Date(2025, 4, 1, 10, 0, 0, 0, time.UTC)
	q := NewOutbox(newClient(t))
	if err := q.EnsureGroups(ctx); err != nil {
		t.Fatal(err)
	}
	// Recipients in different shards, so that Touch works shard by shard.
	tos := []string{"line:U1", "line:U2", "line:U3", "line:U4", "line:U5", "line:U6"}
	for i, to := range tos {
		if err := q.Enqueue(ctx, testOut("o"+to, to, t0.Add(time.Duration(i)))); err != nil {
			t.Fatal(err)
		}
	}
	held := read(t, q, "worker", 10)
	if len(held) != len(tos) {
		t.Fatalf("read %d entries, want %d", len(held), len(tos))
	}
	touch := func(consumer string, ds []outbox.Delivery, idle time.Duration) []string {
		t.Helper()
		lost, err := q.Touch(ctx, consumer, ds, idle)
		if err != nil {
			t.Fatal(err)
		}
		return deliveredIDs(lost)
	}
	reclaim := func(consumer string) []string {
		t.Helper()
		ds, err := q.Reclaim(ctx, consumer, time.Hour, 10)
		if err != nil {
			t.Fatal(err)
		}
		return deliveredIDs(ds)
	}

	// Handed over, except the first, which the worker keeps fresh.
	if lost := touch("worker", held, 2*time.Hour); len(lost) != 0 {
		t.Fatalf("lost %v while holding everything", lost)
	}
	if lost := touch("worker", held[:1], 0); len(lost) != 0 {
		t.Fatalf("lost %v while holding it", lost)
	}
	got := reclaim("rescuer")
	if want := deliveredIDs(held[1:]); !sameSet(got, want) {
		t.Fatalf("rescuer reclaimed %v, want %v", got, want)
	}

	// The worker learns it lost them, and does not take them back.
	if lost := touch("worker", held, 0); !sameSet(lost, deliveredIDs(held[1:])) {
		t.Errorf("worker lost %v, want %v", lost, deliveredIDs(held[1:]))
	}
	if lost := touch("rescuer", held[1:], 2*time.Hour); len(lost) != 0 {
		t.Errorf("the rescuer lost %v to the worker's touch", lost)
	}

	// A settled entry is lost too.
	if err := q.Ack(ctx, held[0]); err != nil {
		t.Fatal(err)
	}
	if lost := touch("worker", held[:1], 0); !sameSet(lost, deliveredIDs(held[:1])) {
		t.Errorf("after the ack the worker lost %v, want %v", lost, deliveredIDs(held[:1]))
	}
	if got := reclaim("third"); !sameSet(got, deliveredIDs(held[1:])) {
		t.Errorf("third reclaimed %v, want the entries the rescuer handed over %v", got, deliveredIDs(held[1:]))
	}
}

func deliveredIDs(ds []outbox.Delivery) []string {
	var ids []string
	for _, d := range ds {
		ids = append(ids, d.Out.ID)
	}
	return ids
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	in := map[string]int{}
	for _, s := range a {
		in[s]++
	}
	for _, s := range b {
		if in[s]--; in[s] < 0 {
			return false
		}
	}
	return true
}

func TestOutboxHalfAckEmbedded(t *testing.T) { testOutboxHalfAck(t, embeddedClient) }

func TestOutboxHalfAckReal(t *testing.T) {
	needEnv(t, "REDIS_URL")
	testOutboxHalfAck(t, realClient)
}

func TestOutboxHalfAckCluster(t *testing.T) {
	needEnv(t, "REDIS_CLUSTER_ADDRS")
	testOutboxHalfAck(t, clusterClient)
}

// testOutboxHalfAck: Ack deletes before it acknowledges, and is no script,
// so a worker that dies between the two leaves an entry pending without
// its content. The next Reclaim must neither hand it out nor keep it: the
// stream and the pending list both end empty. An Ack done whole leaves
// nothing either.
func testOutboxHalfAck(t *testing.T, newClient func(t *testing.T) goredis.UniversalClient) {
	ctx := context.Background()
	t0 := time.Date(2025, 4, 1, 10, 0, 0, 0, time.UTC)
	c := newClient(t)
	q := NewOutbox(c)
	if err := q.EnsureGroups(ctx); err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"line:U1", "line:U2"} {
		if err := q.Enqueue(ctx, testOut("o"+to, to, t0)); err != nil {
			t.Fatal(err)
		}
	}
	held := read(t, q, "dying", 10)
	if len(held) != 2 {
		t.Fatalf("read %d entries, want 2", len(held))
	}
	if err := q.Ack(ctx, held[0]); err != nil {
		t.Fatal(err)
	}
	// The other one: deleted, then the worker died before its XACK.
	half := held[1]
	if err := c.XDel(ctx, outboxKey(half.Shard), half.StreamID).Err(); err != nil {
		t.Fatal(err)
	}
	got, err := q.Reclaim(ctx, "heir", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Fatalf("reclaim handed out %v, want nothing", deliveredIDs(got))
	}
	for _, d := range held {
		key := outboxKey(d.Shard)
		if n := c.XLen(ctx, key).Val(); n != 0 {
			t.Errorf("%s holds %d entries after the acks", key, n)
		}
		pending, err := c.XPending(ctx, key, group).Result()
		if err != nil {
			t.Fatal(err)
		}
		if pending.Count != 0 {
			t.Errorf("%s has %d pending entries after the reclaim, want 0", key, pending.Count)
		}
	}
}
