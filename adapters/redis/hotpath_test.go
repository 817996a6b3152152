package redis

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"tsunagu/adapters/outbox"
	"tsunagu/bot"
)

// The suite of what every webhook and every send goes through: the feed's
// publishes, the worker's batched reads, status checks and acks.

func TestHotPathEmbedded(t *testing.T) { testHotPath(t, embeddedClient) }

func TestHotPathReal(t *testing.T) {
	needEnv(t, "REDIS_URL")
	testHotPath(t, realClient)
}

func TestHotPathCluster(t *testing.T) {
	needEnv(t, "REDIS_CLUSTER_ADDRS")
	testHotPath(t, clusterClient)
}

func testHotPath(t *testing.T, newClient func(t *testing.T) goredis.UniversalClient) {
	ctx := context.Background()
	t0 := time.Date(2025, 4, 1, 10, 0, 0, 0, time.UTC)

	t.Run("a commit is published only when what the match index reads changed", func(t *testing.T) {
		c := newClient(t)
		s := NewStore(c)
		sub := c.Subscribe(ctx, ProfilesChannel)
		defer sub.Close()
		if _, err := sub.Receive(ctx); err != nil {
			t.Fatal(err)
		}
		// The channel is the server's, not the database's: the person's ID
		// is one no other package's test uses.
		p := testProfile("line:Uhotpath-publish", "setagaya", bot.StatusOnboarding, "pc")
		// published reports whether the steps before it published the
		// person: a marker published after them arrives after anything
		// they published.
		marks := 0
		published := func() bool {
			t.Helper()
			marks++
			mark := fmt.Sprintf("mark-%d", marks)
			if err := c.Publish(ctx, ProfilesChannel, mark).Err(); err != nil {
				t.Fatal(err)
			}
			got := false
			for {
				rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				msg, err := sub.ReceiveMessage(rctx)
				cancel()
				if err != nil {
					t.Fatalf("waiting for %s: %v", mark, err)
				}
				if msg.Payload == mark {
					return got
				}
				got = got || msg.Payload == p.ID
			}
		}
		ver := int64(0)
		step := func(ev string, ch bot.Change) {
			t.Helper()
			ch.ProfileID, ch.EventID, ch.Version, ch.At = p.ID, ev, ver, t0
			commit(t, s, ch)
			snap, err := s.Load(ctx, p.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			ver = snap.Version
		}

		step("ev1", bot.Change{Profile: p, Conv: bot.Conversation{Step: bot.StepName}})
		if !published() {
			t.Error("a new person was not published")
		}
		step("ev2", bot.Change{Profile: p, Conv: bot.Conversation{Step: bot.StepArea}})
		if published() {
			t.Error("a step of the conversation, nothing the index reads, was published")
		}
		changed := *p
		changed.Area = "shibuya"
		p = &changed
		step("ev3", bot.Change{Profile: p, Conv: bot.Conversation{Step: bot.StepArea}})
		if !published() {
			t.Error("a new area was not published")
		}
		offered := bot.Conversation{Offers: []bot.OfferRef{{TaskID: "t1", State: bot.OfferOffered, At: t0, Start: t0.Add(24 * time.Hour)}}}
		step("ev4", bot.Change{Profile: p, Conv: offered})
		if !published() {
			t.Error("an offer, which the index counts, was not published")
		}
		step("ev5", bot.Change{Profile: p, Conv: offered})
		if published() {
			t.Error("the same state again was published")
		}
		// An import moves the person elsewhere; a chat turn that moves
		// them back to what the last commit stored is a change again.
		moved := *p
		moved.Area = "ota"
		if _, err := s.ImportProfile(ctx, &moved, func(stored *bot.Profile, _ *bot.Conversation) { stored.Area = "ota" }); err != nil {
			t.Fatal(err)
		}
		if !published() {
			t.Error("an import was not published")
		}
		snap, err := s.Load(ctx, p.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		ver = snap.Version
		step("ev5b", bot.Change{Profile: p, Conv: offered})
		if !published() {
			t.Error("moving back after an import was not published: the index keeps the imported area")
		}
		step("ev6", bot.Change{Delete: true})
		if !published() {
			t.Error("a deletion was not published")
		}
	})

	t.Run("remembering answers from memory, and a change made elsewhere refuses its commit", func(t *testing.T) {
		c := newClient(t)
		plain := NewStore(c)
		r := NewStore(c).Remembering(10, time.Hour)
		p := testProfile("line:U1", "setagaya", bot.StatusActive, "pc")
		snap, err := r.Load(ctx, p.ID, "e1")
		if err != nil || snap.Cached || snap.Profile != nil {
			t.Fatalf("first load = %+v, %v; want read, empty", snap, err)
		}
		if err := r.Commit(ctx, bot.Change{ProfileID: p.ID, EventID: "e1", Profile: p, Conv: bot.Conversation{Step: bot.StepArea}, At: t0}); err != nil {
			t.Fatal(err)
		}
		snap, err = r.Load(ctx, p.ID, "e2")
		if err != nil {
			t.Fatal(err)
		}
		if want := (bot.Snapshot{Profile: p, Conv: bot.Conversation{Step: bot.StepArea}, Version: 1, Cached: true}); !reflect.DeepEqual(snap, want) {
			t.Fatalf("remembered %+v, want %+v", snap, want)
		}

		// Another replica moves the person on.
		other := *p
		other.Area = "shibuya"
		commit(t, plain, bot.Change{ProfileID: p.ID, EventID: "e2", Version: 1, Profile: &other, At: t0})
		stale, _ := r.Load(ctx, p.ID, "e3")
		if !stale.Cached || stale.Profile.Area != "setagaya" {
			t.Fatalf("memory = %+v, want the remembered (stale) state", stale)
		}
		err = r.Commit(ctx, bot.Change{ProfileID: p.ID, EventID: "e3", Version: stale.Version, Profile: stale.Profile, At: t0})
		if bot.ErrorCode(err) != bot.ECONFLICT {
			t.Fatalf("commit from a stale memory: %v, want a conflict", err)
		}
		fresh, err := r.Load(ctx, p.ID, "e3")
		if err != nil {
			t.Fatal(err)
		}
		if fresh.Cached || fresh.Profile.Area != "shibuya" || fresh.Version != 2 {
			t.Errorf("after the conflict = %+v, want the stored state (shibuya, version 2)", fresh)
		}

		// A processed event is refused from memory too, and seen on reload.
		if _, err := r.Load(ctx, p.ID, "e2"); err != nil {
			t.Fatal(err)
		}
		err = r.Commit(ctx, bot.Change{ProfileID: p.ID, EventID: "e2", Version: 2, Profile: &other, At: t0})
		if bot.ErrorCode(err) != bot.ECONFLICT {
			t.Fatalf("a processed event committed again: %v", err)
		}
		if again, _ := r.Reload(ctx, p.ID, "e2"); !again.Seen {
			t.Error("reload does not see the processed event")
		}

		// A deletion leaves nothing remembered.
		if err := r.Commit(ctx, bot.Change{ProfileID: p.ID, EventID: "e4", Version: 2, Delete: true, At: t0}); err != nil {
			t.Fatal(err)
		}
		if gone, _ := r.Load(ctx, p.ID, "e5"); gone.Cached || gone.Profile != nil {
			t.Errorf("after the deletion = %+v, want read and empty", gone)
		}
	})

	t.Run("a person deleted and back never repeats a version, so a memory of their first life is refused", func(t *testing.T) {
		c := newClient(t)
		other := NewStore(c)
		r := NewStore(c).Remembering(10, time.Hour)
		p := testProfile("line:U1", "setagaya", bot.StatusActive, "pc")
		// First life, remembered by r at its second version.
		commit(t, other, bot.Change{ProfileID: p.ID, EventID: "a1", Profile: p, At: t0})
		first, err := other.Load(ctx, p.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		commit(t, other, bot.Change{ProfileID: p.ID, EventID: "a2", Version: first.Version, Profile: p, At: t0})
		remembered, err := r.Load(ctx, p.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		// Another replica deletes them; they come back and write as often.
		commit(t, other, bot.Change{ProfileID: p.ID, EventID: "a3", Version: remembered.Version, Delete: true, At: t0})
		back := *p
		back.Area = "ota"
		ver := int64(0)
		for i := range 2 {
			commit(t, other, bot.Change{ProfileID: p.ID, EventID: fmt.Sprint("b", i), Version: ver, Profile: &back, At: t0})
			snap, err := other.Load(ctx, p.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			if snap.Version == first.Version || snap.Version == remembered.Version {
				t.Fatalf("second life's version %d repeats the first's (%d, %d)", snap.Version, first.Version, remembered.Version)
			}
			ver = snap.Version
		}
		stale, err := r.Load(ctx, p.ID, "c1")
		if err != nil || !stale.Cached || stale.Profile.Area != "setagaya" {
			t.Fatalf("memory = %+v, %v; want the first life", stale, err)
		}
		err = r.Commit(ctx, bot.Change{ProfileID: p.ID, EventID: "c1", Version: stale.Version, Profile: stale.Profile, At: t0})
		if bot.ErrorCode(err) != bot.ECONFLICT {
			t.Fatalf("commit from the first life's memory: %v, want a conflict", err)
		}
		if now, _ := other.Load(ctx, p.ID, ""); now.Profile.Area != "ota" {
			t.Errorf("stored area %q, want the second life's", now.Profile.Area)
		}
		// An import and a creation hand out fresh versions too.
		if _, err := other.ImportProfile(ctx, &back, func(*bot.Profile, *bot.Conversation) {}); err != nil {
			t.Fatal(err)
		}
		if now, _ := other.Load(ctx, p.ID, ""); now.Version <= ver {
			t.Errorf("version after an import %d, want above %d", now.Version, ver)
		}
		q := testProfile("line:U2", "ota", bot.StatusActive)
		if err := other.CreateProfile(ctx, q); err != nil {
			t.Fatal(err)
		}
		if snap, _ := other.Load(ctx, q.ID, ""); snap.Version < 1 {
			t.Errorf("created profile at version %d", snap.Version)
		}
	})

	t.Run("the match index's reads forget whom another replica deleted", func(t *testing.T) {
		c := newClient(t)
		other := NewStore(c)
		r := NewStore(c).Remembering(10, time.Hour)
		p := testProfile("line:U1", "setagaya", bot.StatusActive, "pc")
		if err := r.Commit(ctx, bot.Change{ProfileID: p.ID, EventID: "e1", Profile: p, At: t0}); err != nil {
			t.Fatal(err)
		}
		snap, err := r.Load(ctx, p.ID, "")
		if err != nil || !snap.Cached {
			t.Fatalf("load = %+v, %v; want remembered", snap, err)
		}
		commit(t, other, bot.Change{ProfileID: p.ID, EventID: "e2", Version: snap.Version, Delete: true, At: t0})
		if gone, err := r.Following().Load(ctx, p.ID, ""); err != nil || gone.Profile != nil {
			t.Fatalf("index read = %+v, %v; want gone", gone, err)
		}
		if _, ok := r.recall(p.ID); ok {
			t.Error("the deleted person is still remembered")
		}
	})

	t.Run("remembering forgets the least recent past its capacity and after its time", func(t *testing.T) {
		r := NewStore(newClient(t)).Remembering(2, time.Hour)
		for i, id := range []string{"line:U1", "line:U2", "line:U3"} {
			p := testProfile(id, "setagaya", bot.StatusActive)
			if err := r.Commit(ctx, bot.Change{ProfileID: id, EventID: fmt.Sprint("e", i), Profile: p, At: t0}); err != nil {
				t.Fatal(err)
			}
		}
		// In this order: reading U1 back makes it remembered again.
		for _, w := range []struct {
			id   string
			want bool
		}{{"line:U2", true}, {"line:U3", true}, {"line:U1", false}} {
			if snap, _ := r.Load(ctx, w.id, ""); snap.Cached != w.want {
				t.Errorf("%s remembered = %v, want %v", w.id, snap.Cached, w.want)
			}
		}
		short := NewStore(newClient(t)).Remembering(2, time.Nanosecond)
		p := testProfile("line:U1", "setagaya", bot.StatusActive)
		if err := short.Commit(ctx, bot.Change{ProfileID: p.ID, EventID: "e1", Profile: p, At: t0}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
		if snap, _ := short.Load(ctx, p.ID, ""); snap.Cached {
			t.Error("remembered past its time")
		}
	})

	t.Run("quota ledger: admissions count on every replica until forgotten", func(t *testing.T) {
		c := newClient(t)
		a, b := NewQuotaLedger(c), NewQuotaLedger(c)
		since := t0.Add(-10 * time.Minute)
		if before, ok, err := a.AdmitUpTo(ctx, since, t0, 5000, 8000); err != nil || !ok || before != 0 {
			t.Fatalf("A: %d, %v, %v; want admitted from 0", before, ok, err)
		}
		if before, ok, err := b.AdmitUpTo(ctx, since, t0.Add(time.Second), 5000, 8000); err != nil || ok || before != 5000 {
			t.Fatalf("B: %d, %v, %v; want refused after A's 5,000", before, ok, err)
		}
		if before, ok, err := b.AdmitUpTo(ctx, since, t0.Add(time.Second), 3000, 8000); err != nil || !ok || before != 5000 {
			t.Fatalf("B: %d, %v, %v; want 3,000 admitted after A's 5,000", before, ok, err)
		}
		// Past the window A's admission is forgotten, B's still counts.
		if before, _, err := a.AdmitUpTo(ctx, t0, t0.Add(2*time.Second), 0, 1<<62); err != nil || before != 3000 {
			t.Errorf("after forgetting A's: %d, %v; want 3,000", before, err)
		}
	})

	t.Run("batched scripts: concurrent commits all land, even after the scripts are flushed", func(t *testing.T) {
		c := newClient(t)
		s := NewStore(c)
		commitAll := func(round int) {
			t.Helper()
			var wg sync.WaitGroup
			errs := make(chan error, 200)
			for i := range 200 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					id := fmt.Sprintf("line:U%03d", i)
					snap, err := s.Load(ctx, id, "")
					if err != nil {
						errs <- err
						return
					}
					p := testProfile(id, "setagaya", bot.StatusActive)
					p.WeeklyLimit = round
					errs <- s.Commit(ctx, bot.Change{ProfileID: id, EventID: fmt.Sprintf("e%d-%d", round, i), Version: snap.Version, Profile: p, At: t0})
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		commitAll(1)
		first := map[string]int64{}
		for i := range 200 {
			id := fmt.Sprintf("line:U%03d", i)
			snap, err := s.Load(ctx, id, "")
			if err != nil {
				t.Fatal(err)
			}
			first[id] = snap.Version
		}
		flushScripts(t, c)
		commitAll(2)
		for i := range 200 {
			id := fmt.Sprintf("line:U%03d", i)
			snap, err := s.Load(ctx, id, "")
			if err != nil || snap.Version <= first[id] || snap.Profile.WeeklyLimit != 2 {
				t.Fatalf("%s: version %d (after %d), limit %v, %v; want both rounds committed", id, snap.Version, first[id], snap.Profile, err)
			}
		}
	})

	t.Run("blocked tells who blocked the bot, in one read", func(t *testing.T) {
		s := NewStore(newClient(t))
		commit(t, s, bot.Change{ProfileID: "line:Ub", EventID: "e1", Profile: testProfile("line:Ub", "setagaya", bot.StatusBlocked), At: t0})
		commit(t, s, bot.Change{ProfileID: "line:Ua", EventID: "e2", Profile: testProfile("line:Ua", "setagaya", bot.StatusActive), At: t0})
		got, err := s.Blocked(ctx, []string{"line:Ua", "line:Ub", "line:Unobody"})
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]bool{"line:Ub": true}; !reflect.DeepEqual(got, want) {
			t.Errorf("blocked = %v, want %v", got, want)
		}

		// One unreadable person holds up only themselves.
		c := s.c
		if err := c.HSet(ctx, personKey("line:Ubad"), "profile", "{not json").Err(); err != nil {
			t.Fatal(err)
		}
		if err := c.Set(ctx, personKey("line:Uwrong"), "a string", 0).Err(); err != nil {
			t.Fatal(err)
		}
		got, err = s.Blocked(ctx, []string{"line:Ua", "line:Ubad", "line:Ub", "line:Uwrong"})
		var some outbox.StatusErrors
		if !errors.As(err, &some) || len(some) != 2 || some["line:Ubad"] == nil || some["line:Uwrong"] == nil {
			t.Fatalf("err = %v, want the two unreadable people named", err)
		}
		if want := map[string]bool{"line:Ub": true}; !reflect.DeepEqual(got, want) {
			t.Errorf("blocked beside the unreadable = %v, want %v", got, want)
		}
	})

	t.Run("outbox: a shard that fails its read does not lose the others' entries", func(t *testing.T) {
		c := newClient(t)
		q := NewOutbox(c)
		if err := q.EnsureGroups(ctx); err != nil {
			t.Fatal(err)
		}
		byShard := map[int]string{}
		for i := 0; len(byShard) < 3; i++ {
			id := fmt.Sprintf("line:U%d", i)
			if _, ok := byShard[shardOf(id)]; ok {
				continue
			}
			byShard[shardOf(id)] = id
			if err := q.Enqueue(ctx, testOut(fmt.Sprint("o", i), id, t0)); err != nil {
				t.Fatal(err)
			}
		}
		broken := -1
		for sh := range byShard {
			broken = sh
			break
		}
		// The broken shard's stream is replaced by a string: XREADGROUP
		// answers WRONGTYPE for it alone.
		if err := c.Del(ctx, outboxKey(broken)).Err(); err != nil {
			t.Fatal(err)
		}
		if err := c.Set(ctx, outboxKey(broken), "not a stream", 0).Err(); err != nil {
			t.Fatal(err)
		}
		ds, err := q.Read(ctx, "w1", 10)
		if err == nil {
			t.Error("a failed shard was not reported")
		}
		if len(ds) != 2 {
			t.Fatalf("read %d entries beside the failed shard, want the other 2", len(ds))
		}
		for _, d := range ds {
			if shardOf(d.Out.To) == broken {
				t.Errorf("entry %s from the broken shard", d.Out.ID)
			}
		}
	})

	t.Run("outbox: one read takes every shard's entries and one ack settles them", func(t *testing.T) {
		q := NewOutbox(newClient(t))
		if err := q.EnsureGroups(ctx); err != nil {
			t.Fatal(err)
		}
		var want []string
		shards := map[int]bool{}
		for i := range 40 {
			out := testOut(fmt.Sprintf("o%02d", i), fmt.Sprintf("line:U%d", i), t0)
			if err := q.Enqueue(ctx, out); err != nil {
				t.Fatal(err)
			}
			want = append(want, out.ID)
			shards[shardOf(out.To)] = true
		}
		if len(shards) < 2 {
			t.Fatalf("the entries fell in %d shard: the test needs several", len(shards))
		}
		depth(t, q, 40)
		ds := read(t, q, "w1", 40)
		var got []string
		for _, d := range ds {
			got = append(got, d.Out.ID)
		}
		sort.Strings(got)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("read %v, want %v", got, want)
		}
		// The first ack finds the server without its script (a new or
		// flushed server), the second with it.
		flushScripts(t, q.c)
		if err := q.Ack(ctx, ds[:30]...); err != nil {
			t.Fatal(err)
		}
		depth(t, q, 10)
		if err := q.Ack(ctx, ds[30:]...); err != nil {
			t.Fatal(err)
		}
		depth(t, q, 0)
		// Nothing is left pending to be reclaimed and sent again.
		left, err := q.Reclaim(ctx, "w2", 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(left) != 0 {
			t.Errorf("%d acked entries reclaimed", len(left))
		}
	})
}

var _ outbox.Queue = (*Outbox)(nil)

// flushScripts empties the script cache of every server c talks to, as a
// restart or a failover to a new server would.
func flushScripts(t *testing.T, c goredis.UniversalClient) {
	t.Helper()
	ctx := context.Background()
	flush := func(ctx context.Context, n *goredis.Client) error { return n.ScriptFlush(ctx).Err() }
	var err error
	if cc, ok := c.(*goredis.ClusterClient); ok {
		err = cc.ForEachMaster(ctx, flush)
	} else {
		err = flush(ctx, c.(*goredis.Client))
	}
	if err != nil {
		t.Fatal(err)
	}
}
