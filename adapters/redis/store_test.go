package redis

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	"tsunagu/adapters/outbox"
	"tsunagu/bot"
)

// The backends every conformance suite of this package runs on: the
// embedded Redis always, the server named by REDIS_URL (database 15, flushed
// before every test: point it at a server or database dedicated to tests)
// and the Redis Cluster named by REDIS_CLUSTER_ADDRS (every master flushed)
// when set.

func embeddedClient(t *testing.T) goredis.UniversalClient {
	m := miniredis.RunT(t)
	c := goredis.NewClient(&goredis.Options{Addr: m.Addr()})
	t.Cleanup(func() { c.Close() })
	return c
}

func realClient(t *testing.T) goredis.UniversalClient {
	opt, err := goredis.ParseURL(os.Getenv("REDIS_URL"))
	if err != nil {
		t.Fatal(err)
	}
	opt.DB = 15
	c := goredis.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	if err := c.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	return c
}

func clusterClient(t *testing.T) goredis.UniversalClient {
	c := goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: strings.Split(os.Getenv("REDIS_CLUSTER_ADDRS"), ",")})
	t.Cleanup(func() { c.Close() })
	err := c.ForEachMaster(context.Background(), func(ctx context.Context, n *goredis.Client) error {
		return n.FlushDB(ctx).Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// needEnv skips a test whose backend is not configured.
func needEnv(t *testing.T, name string) {
	t.Helper()
	if os.Getenv(name) == "" {
		t.Skip(name + " is not set")
	}
}

func TestStoreEmbedded(t *testing.T) { testStore(t, embeddedClient) }

func TestStoreReal(t *testing.T) {
	needEnv(t, "REDIS_URL")
	testStore(t, realClient)
}

func TestStoreCluster(t *testing.T) {
	needEnv(t, "REDIS_CLUSTER_ADDRS")
	testStore(t, clusterClient)
}

// testStore is the conformance suite every Redis (embedded, single server)
// must pass.
func testStore(t *testing.T, newClient func(t *testing.T) goredis.UniversalClient) {
	ctx := context.Background()
	t0 := time.Date(2025, 4, 1, 10, 0, 0, 0, time.UTC)

	t.Run("unknown person loads empty", func(t *testing.T) {
		s := NewStore(newClient(t))
		got, err := s.Load(ctx, "line:Unobody", "ev1")
		if err != nil {
			t.Fatal(err)
		}
		if want := (bot.Snapshot{}); !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v, want %+v", got, want)
		}
	})

	t.Run("commit then load returns the new state and marks the event", func(t *testing.T) {
		s := NewStore(newClient(t))
		p := testProfile("line:U1", "setagaya", bot.StatusOnboarding, "pc")
		conv := bot.Conversation{Step: bot.StepName, SuggestedName: "花子"}
		commit(t, s, bot.Change{ProfileID: p.ID, EventID: "ev1", Profile: p, Conv: conv, At: t0})

		got, err := s.Load(ctx, p.ID, "ev1")
		if err != nil {
			t.Fatal(err)
		}
		want := bot.Snapshot{Profile: p, Conv: conv, Version: 1, Seen: true}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v, want %+v", got, want)
		}
		if got, _ := s.Load(ctx, p.ID, "ev2"); got.Seen {
			t.Error("an unprocessed event is seen")
		}
	})

	t.Run("a stale version conflicts", func(t *testing.T) {
		s := NewStore(newClient(t))
		p := testProfile("line:U1", "setagaya", bot.StatusActive, "pc")
		commit(t, s, bot.Change{ProfileID: p.ID, EventID: "ev1", Profile: p, At: t0})
		err := s.Commit(ctx, bot.Change{ProfileID: p.ID, EventID: "ev2", Profile: p, At: t0})
		if got := bot.ErrorCode(err); got != bot.ECONFLICT {
			t.Errorf("got %v, want a conflict", err)
		}
	})

	t.Run("a duplicate event is seen and cannot commit twice", func(t *testing.T) {
		s := NewStore(newClient(t))
		p := testProfile("line:U1", "setagaya", bot.StatusActive, "pc")
		commit(t, s, bot.Change{ProfileID: p.ID, EventID: "ev1", Profile: p, At: t0})
		snap, err := s.Load(ctx, p.ID, "ev1")
		if err != nil {
			t.Fatal(err)
		}
		if !snap.Seen {
			t.Error("the processed event is not seen")
		}
		err = s.Commit(ctx, bot.Change{ProfileID: p.ID, Version: snap.Version, EventID: "ev1", Profile: p, At: t0})
		if got := bot.ErrorCode(err); got != bot.ECONFLICT {
			t.Errorf("got %v, want a conflict", err)
		}
	})

	t.Run("events from an unknown person that create nothing leave no state", func(t *testing.T) {
		c := newClient(t)
		s := NewStore(c)
		commit(t, s, bot.Change{ProfileID: "line:U1", EventID: "ev1", At: t0})
		snap, err := s.Load(ctx, "line:U1", "ev1")
		if err != nil {
			t.Fatal(err)
		}
		if snap.Profile != nil || snap.Version != 0 || !snap.Seen {
			t.Errorf("got %+v, want no profile, version 0, seen", snap)
		}
		if n, _ := c.Exists(ctx, personKey("line:U1")).Result(); n != 0 {
			t.Error("a key was stored for the person")
		}
	})

	t.Run("a commit queues its replies in the outbox", func(t *testing.T) {
		c := newClient(t)
		s, q := NewStore(c), NewOutbox(c)
		if err := q.EnsureGroups(ctx); err != nil {
			t.Fatal(err)
		}
		p := testProfile("slack:T1:U1", "", bot.StatusActive, "pc")
		outs := []bot.Outgoing{testOut("o1", p.ID, t0), {ID: "o2", Kind: bot.OutLookupProfile, To: p.ID, CreatedAt: t0}}
		commit(t, s, bot.Change{ProfileID: p.ID, EventID: "ev1", Profile: p, Outgoing: outs, At: t0})
		ds := read(t, q, "w1", 10)
		if len(ds) != 2 {
			t.Fatalf("got %d entries, want 2", len(ds))
		}
		for i, d := range ds {
			if !reflect.DeepEqual(d.Out, outs[i]) || d.Attempt != 0 {
				t.Errorf("entry %d: got %+v (attempt %d), want %+v", i, d.Out, d.Attempt, outs[i])
			}
		}
	})

	t.Run("a store's own outbox takes back what its commits queued, and decodes the rest", func(t *testing.T) {
		c := newClient(t)
		s, other := NewStore(c), NewStore(c) // two replicas
		q := s.Outbox()
		if err := q.EnsureGroups(ctx); err != nil {
			t.Fatal(err)
		}
		tokyo := time.FixedZone("JST", 9*3600)
		p1, p2 := testProfile("line:U1", "setagaya", bot.StatusActive, "pc"), testProfile("line:U2", "setagaya", bot.StatusActive, "pc")
		rich := func(id, to string) bot.Outgoing {
			o := testOut(id, to, t0.In(tokyo))
			o.ReplyToken, o.ReplyBefore = "rt-"+id, time.Now().Add(time.Minute) // with a monotonic reading
			o.Messages = append(o.Messages, bot.Message{Card: &bot.Card{Title: "採点", Fields: []bot.Field{{Label: "日時", Value: "月曜 9:00"}}, Buttons: []bot.Choice{{Label: "引き受ける", Data: "accept:t1"}}}})
			return o
		}
		mine := []bot.Outgoing{rich("o1", p1.ID), {ID: "o2", Kind: bot.OutLookupProfile, To: p1.ID, CreatedAt: t0}}
		theirs := []bot.Outgoing{rich("o3", p2.ID)}
		commit(t, s, bot.Change{ProfileID: p1.ID, EventID: "ev1", Profile: p1, Outgoing: mine, At: t0})
		commit(t, other, bot.Change{ProfileID: p2.ID, EventID: "ev2", Profile: p2, Outgoing: theirs, At: t0})
		if n := s.queued.len(); n != 2 {
			t.Fatalf("the store remembers %d entries, want its own 2", n)
		}
		want := map[string]bot.Outgoing{}
		for _, o := range append(mine, theirs...) {
			want[o.ID] = o
		}
		ds := read(t, q, "w1", 10)
		if len(ds) != 3 {
			t.Fatalf("got %d entries, want 3", len(ds))
		}
		for _, d := range ds {
			if got, want := instantsInUTC(d.Out), instantsInUTC(want[d.Out.ID]); !reflect.DeepEqual(got, want) {
				t.Errorf("entry %s: got %+v, want %+v", d.Out.ID, got, want)
			}
		}
		if n := s.queued.len(); n != 0 {
			t.Errorf("the store still remembers %d entries once they were read", n)
		}
		if n := other.queued.len(); n != 1 {
			t.Errorf("the other replica remembers %d entries, want its 1 (it goes with age)", n)
		}
	})

	t.Run("concurrent commits of one version: exactly one wins", func(t *testing.T) {
		s := NewStore(newClient(t))
		p := testProfile("line:U1", "setagaya", bot.StatusActive, "pc")
		var wg sync.WaitGroup
		errs := make([]error, 10)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = s.Commit(ctx, bot.Change{ProfileID: p.ID, EventID: "ev" + string(rune('a'+i)), Profile: p, At: t0})
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch bot.ErrorCode(err) {
			case "":
				won++
			case bot.ECONFLICT:
			default:
				t.Errorf("unexpected error %v", err)
			}
		}
		if won != 1 {
			t.Errorf("%d commits won, want 1", won)
		}
		if snap, _ := s.Load(ctx, p.ID, ""); snap.Version != 1 {
			t.Errorf("version %d, want 1", snap.Version)
		}
	})

	t.Run("deleting a person leaves no key naming them", func(t *testing.T) {
		c := newClient(t)
		s, q := NewStore(c), NewOutbox(c)
		if err := q.EnsureGroups(ctx); err != nil {
			t.Fatal(err)
		}
		const id = "line:Uleaving"
		other := testProfile("line:Ustaying", "setagaya", bot.StatusActive, "pc")
		if err := s.CreateProfile(ctx, other); err != nil {
			t.Fatal(err)
		}
		p := testProfile(id, "setagaya", bot.StatusActive, "pc")
		// Event IDs may name the person (an offer's is offer:<task>:<id>:<ms>);
		// the dedupe record must not.
		commit(t, s, bot.Change{ProfileID: id, EventID: "offer:T1:" + id + ":1", Profile: p, Outgoing: []bot.Outgoing{testOut("o1", id, t0)}, At: t0})
		commit(t, s, bot.Change{ProfileID: id, Version: 1, EventID: "offer:T2:" + id + ":2", Profile: p, Outgoing: []bot.Outgoing{testOut("o2", id, t0)}, At: t0})
		// One reply waits for a retry, the other is a dead letter.
		ds := read(t, q, "w1", 10)
		if len(ds) != 2 {
			t.Fatalf("got %d entries, want 2", len(ds))
		}
		if err := q.Retry(ctx, ds[0], t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := q.DeadLetter(ctx, ds[1], "bad request", 400); err != nil {
			t.Fatal(err)
		}
		goodbye := testOut("bye", id, t0)
		commit(t, s, bot.Change{ProfileID: id, Version: 2, EventID: "ev3", Delete: true, Outgoing: []bot.Outgoing{goodbye}, At: t0})

		// The goodbye queued by the deletion itself may name the person
		// until it is sent.
		for _, k := range naming(t, c, id) {
			if !strings.HasSuffix(k, ":outbox") {
				t.Errorf("%s still names the person", k)
			}
		}
		ds = read(t, q, "w1", 10)
		if len(ds) != 1 || ds[0].Out.ID != "bye" {
			t.Fatalf("got %+v, want the goodbye", ds)
		}
		if err := q.Ack(ctx, ds[0]); err != nil {
			t.Fatal(err)
		}
		if ks := naming(t, c, id); len(ks) > 0 {
			t.Errorf("after the goodbye was sent, %v still name the person", ks)
		}

		if _, err := s.FindProfile(ctx, id); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("find after delete: got %v, want not found", err)
		}
		if snap, _ := s.Load(ctx, id, "ev3"); snap.Profile != nil || !snap.Seen {
			t.Errorf("load after delete: got %+v, want no profile and the event seen", snap)
		}
		ps, err := s.FindProfiles(ctx, bot.ProfileFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 1 || ps[0].ID != other.ID {
			t.Errorf("got %v, want only %s", ids(ps), other.ID)
		}
	})

	t.Run("traces: every task and session naming the person is listed, and scrub removes the rest", func(t *testing.T) {
		c := newClient(t)
		s, tasks, sessions := NewStore(c), NewTasks(c), NewSessions(c)
		const id, name = "line:Utraced", "山田はな子"
		p := testProfile(id, "setagaya", bot.StatusActive, "pc")
		p.Name = name
		if err := s.CreateProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
		for _, task := range []string{"T1", "T2"} {
			if err := tasks.CreateTask(ctx, newTestTask(task, 1, t0), bot.Due{}); err != nil {
				t.Fatal(err)
			}
			w := bot.Wave{TaskID: task, At: t0, Target: 2, Offers: []bot.WaveOffer{
				{ProfileID: id, ExpiresAt: t0.Add(time.Hour), Out: testOut("offer-"+task, id, t0)},
			}}
			if _, err := tasks.OfferWave(ctx, w); err != nil {
				t.Fatal(err)
			}
		}
		ses := &bot.Session{ID: "S1", Title: "交流会", Start: t0.Add(time.Hour), End: t0.Add(2 * time.Hour),
			Audience: bot.Audience{ProfileIDs: []string{id, "line:Unever"}}}
		if err := sessions.CreateSession(ctx, ses); err != nil {
			t.Fatal(err)
		}
		tr, err := s.Traces(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(tr.Tasks)
		if !reflect.DeepEqual(tr.Tasks, []string{"T1", "T2"}) || !reflect.DeepEqual(tr.Sessions, []string{"S1"}) {
			t.Errorf("traces %+v, want tasks T1 T2 and session S1", tr)
		}
		// Naming someone who has no profile leaves no index of them.
		if ks := naming(t, c, "line:Unever"); len(ks) != 1 || !strings.Contains(ks[0], ":s:S1") {
			t.Errorf("keys naming someone without a profile: %v, want only the session", ks)
		}

		// What the outbox and the notice board keep about them, anywhere.
		c.LPush(ctx, deadKey(5), `{"out_id":"remind:T9:soon:`+id+`","to":""}`)
		c.LPush(ctx, noticesKey(), `{"id":"n1","text":"`+name+`さんから相談です"}`, `{"id":"n2","text":"ほかの方の件"}`)
		c.ZAdd(ctx, delayedKey(9), goredis.Z{Score: 1, Member: `{"attempt":1,"out":{"to":"` + id + `"}}`})
		c.ZAdd(ctx, dueKey(3), goredis.Z{Score: 1, Member: `{"id":"x","to":"` + id + `"}`})
		n, err := s.Scrub(ctx, []string{id, name})
		if err != nil {
			t.Fatal(err)
		}
		if n != 4 {
			t.Errorf("scrubbed %d entries, want 4", n)
		}
		if left := c.LRange(ctx, noticesKey(), 0, -1).Val(); len(left) != 1 || !strings.Contains(left[0], "ほかの方") {
			t.Errorf("notices left %v, want only the other one", left)
		}
		// Only their own profile, which the deletion's commit removes.
		for _, ks := range [][]string{naming(t, c, name), naming(t, c, "remind:T9")} {
			for _, k := range ks {
				if k != personKey(id) {
					t.Errorf("%s still names them after scrub", k)
				}
			}
		}
	})

	t.Run("profiles are created, found and listed by filter", func(t *testing.T) {
		s := NewStore(newClient(t))
		ps := []*bot.Profile{
			testProfile("slack:T1:U9", "ota", bot.StatusActive, "pc", "zoom"),
			testProfile("line:U2", "setagaya", bot.StatusActive, "zoom"),
			testProfile("line:U1", "setagaya", bot.StatusPaused, "pc"),
			testProfile("line:U3", "ota", bot.StatusOnboarding, "english"),
		}
		for _, p := range ps {
			if err := s.CreateProfile(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.CreateProfile(ctx, ps[0]); bot.ErrorCode(err) != bot.ECONFLICT {
			t.Errorf("second create: got %v, want a conflict", err)
		}
		got, err := s.FindProfile(ctx, "line:U2")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, ps[1]) {
			t.Errorf("got %+v, want %+v", got, ps[1])
		}
		if _, err := s.FindProfile(ctx, "line:Unobody"); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("unknown: got %v, want not found", err)
		}
		if snap, _ := s.Load(ctx, "line:U2", ""); snap.Version != 1 || snap.Profile == nil {
			t.Errorf("load of a created profile: got %+v", snap)
		}

		for _, tc := range []struct {
			name string
			f    bot.ProfileFilter
			want []string
		}{
			{"no filter lists everyone by ID", bot.ProfileFilter{}, []string{"line:U1", "line:U2", "line:U3", "slack:T1:U9"}},
			{"area", bot.ProfileFilter{Area: "ota"}, []string{"line:U3", "slack:T1:U9"}},
			{"skill", bot.ProfileFilter{Skill: "zoom"}, []string{"line:U2", "slack:T1:U9"}},
			{"status", bot.ProfileFilter{Status: bot.StatusActive}, []string{"line:U2", "slack:T1:U9"}},
			{"all three", bot.ProfileFilter{Area: "setagaya", Skill: "pc", Status: bot.StatusPaused}, []string{"line:U1"}},
			{"nobody", bot.ProfileFilter{Area: "nowhere"}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				ps, err := s.FindProfiles(ctx, tc.f)
				if err != nil {
					t.Fatal(err)
				}
				if got := ids(ps); !reflect.DeepEqual(got, tc.want) {
					t.Errorf("got %v, want %v", got, tc.want)
				}
			})
		}
	})

	t.Run("each reads everyone once with their conversation, batch by batch", func(t *testing.T) {
		defer func(n int) { eachBatch = n }(eachBatch)
		eachBatch = 3 // several batches in most shards
		c := newClient(t)
		s := NewStore(c)
		want := map[string]bot.Conversation{}
		for i := range 60 {
			p := testProfile(fmt.Sprintf("line:U%02d", i), "setagaya", bot.StatusActive, "pc")
			conv := bot.Conversation{Offers: []bot.OfferRef{{TaskID: fmt.Sprintf("T%d", i), Title: "採点", State: bot.OfferAccepted,
				Start: t0.Add(time.Duration(i) * time.Hour), At: t0, AcceptedAt: t0}}}
			if i%7 == 0 {
				conv = bot.Conversation{} // never offered anything
			}
			commit(t, s, bot.Change{ProfileID: p.ID, EventID: p.ID, Profile: p, Conv: conv, At: t0})
			want[p.ID] = conv
		}
		gone := testProfile("line:Ugone", "ota", bot.StatusActive)
		commit(t, s, bot.Change{ProfileID: gone.ID, Profile: gone, At: t0})
		snap, err := s.Load(ctx, gone.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		commit(t, s, bot.Change{ProfileID: gone.ID, Version: snap.Version, Delete: true, At: t0})

		got := map[string]bot.Conversation{}
		err = s.Each(ctx, func(p *bot.Profile, c bot.Conversation) {
			if _, dup := got[p.ID]; dup {
				t.Errorf("%s read twice", p.ID)
			}
			if w := testProfile(p.ID, "setagaya", bot.StatusActive, "pc"); !reflect.DeepEqual(p, w) {
				t.Errorf("profile %+v, want %+v", p, w)
			}
			got[p.ID] = c
		})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("read %d people, want %d: %v", len(got), len(want), got)
		}

		// A profile that does not decode stops the walk with its ID.
		if err := c.HSet(ctx, personKey("line:U07"), "profile", "{").Err(); err != nil {
			t.Fatal(err)
		}
		err = s.Each(ctx, func(*bot.Profile, bot.Conversation) {})
		if err == nil || !strings.Contains(err.Error(), "line:U07") {
			t.Errorf("a broken profile: err = %v", err)
		}
	})

	t.Run("outbox: an acked entry is gone", func(t *testing.T) {
		c := newClient(t)
		q := NewOutbox(c)
		if err := q.EnsureGroups(ctx); err != nil {
			t.Fatal(err)
		}
		if err := q.EnsureGroups(ctx); err != nil {
			t.Fatalf("second EnsureGroups: %v", err)
		}
		out := testOut("o1", "line:U1", t0)
		if err := q.Enqueue(ctx, out); err != nil {
			t.Fatal(err)
		}
		depth(t, q, 1)
		ds := read(t, q, "w1", 10)
		if len(ds) != 1 || !reflect.DeepEqual(ds[0].Out, out) {
			t.Fatalf("got %+v, want %+v", ds, out)
		}
		if ds := read(t, q, "w1", 10); len(ds) != 0 {
			t.Errorf("read twice: %+v", ds)
		}
		if err := q.Ack(ctx, ds[0]); err != nil {
			t.Fatal(err)
		}
		depth(t, q, 0)
	})

	t.Run("outbox: a retry waits until due and counts the attempt", func(t *testing.T) {
		c := newClient(t)
		q := NewOutbox(c)
		if err := q.EnsureGroups(ctx); err != nil {
			t.Fatal(err)
		}
		if err := NewStore(c).CreateProfile(ctx, &bot.Profile{ID: "line:U1"}); err != nil {
			t.Fatal(err)
		}
		out := testOut("o1", "line:U1", t0)
		if err := q.Enqueue(ctx, out); err != nil {
			t.Fatal(err)
		}
		ds := read(t, q, "w1", 10)
		if err := q.Retry(ctx, ds[0], t0.Add(30*time.Second)); err != nil {
			t.Fatal(err)
		}
		depth(t, q, 1)
		if ds := read(t, q, "w1", 10); len(ds) != 0 {
			t.Errorf("a delayed entry was read: %+v", ds)
		}
		if n, err := q.PromoteDue(ctx, t0.Add(29*time.Second)); err != nil || n != 0 {
			t.Errorf("promote before due: %d, %v", n, err)
		}
		if n, err := q.PromoteDue(ctx, t0.Add(30*time.Second)); err != nil || n != 1 {
			t.Errorf("promote when due: %d, %v", n, err)
		}
		ds = read(t, q, "w1", 10)
		if len(ds) != 1 || ds[0].Attempt != 1 || !reflect.DeepEqual(ds[0].Out, out) {
			t.Fatalf("got %+v, want %+v at attempt 1", ds, out)
		}
	})

	t.Run("talks: listed open, then closed, expired after, and gone with the person", func(t *testing.T) {
		c := newClient(t)
		s := NewStore(c)
		p := testProfile("line:Utalk", "setagaya", bot.StatusActive, "pc")
		talk := &bot.Talk{Open: true, OpenedAt: t0, Messages: []bot.TalkMessage{{From: bot.TalkFromPerson, Text: "相談したいです", At: t0}}}
		commit(t, s, bot.Change{ProfileID: p.ID, EventID: "ev1", Profile: p, Conv: bot.Conversation{Talk: talk}, At: t0})
		open, err := s.FindTalks(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(open) != 1 || open[0].ProfileID != p.ID || open[0].Name != p.Name || open[0].Messages[0].Text != "相談したいです" {
			t.Fatalf("open talks = %+v", open)
		}
		if closed, _ := s.FindTalks(ctx, false); len(closed) != 0 {
			t.Fatalf("closed talks = %+v, want none", closed)
		}

		closedAt := t0.Add(time.Hour)
		talk.Open, talk.ClosedAt = false, &closedAt
		commit(t, s, bot.Change{ProfileID: p.ID, Version: 1, EventID: "ev2", Profile: p, Conv: bot.Conversation{Talk: talk}, At: closedAt})
		if open, _ := s.FindTalks(ctx, true); len(open) != 0 {
			t.Fatalf("open talks after the close = %+v", open)
		}
		if closed, _ := s.FindTalks(ctx, false); len(closed) != 1 || closed[0].ClosedAt == nil {
			t.Fatalf("closed talks = %+v", closed)
		}
		if ids, _ := s.ExpiredTalks(ctx, closedAt); len(ids) != 0 {
			t.Fatalf("expired at the close itself: %v", ids)
		}
		if ids, _ := s.ExpiredTalks(ctx, closedAt.Add(time.Second)); len(ids) != 1 || ids[0] != p.ID {
			t.Fatalf("expired = %v", ids)
		}

		commit(t, s, bot.Change{ProfileID: p.ID, Version: 2, EventID: "ev3", Delete: true, At: closedAt})
		if keys := naming(t, c, p.ID); len(keys) != 0 {
			t.Fatalf("keys still naming the deleted person: %v", keys)
		}
		if closed, _ := s.FindTalks(ctx, false); len(closed) != 0 {
			t.Fatalf("closed talks after the deletion = %+v", closed)
		}
	})

	t.Run("talks: an unchanged talk keeps its place, and a person stored before tk is filed again", func(t *testing.T) {
		c := newClient(t)
		s := NewStore(c)
		p := testProfile("line:Utalk-kept", "setagaya", bot.StatusActive, "pc")
		talk := &bot.Talk{Open: true, OpenedAt: t0}
		openIDs := func() []string {
			t.Helper()
			open, err := s.FindTalks(ctx, true)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, v := range open {
				ids = append(ids, v.ProfileID)
			}
			return ids
		}
		commit(t, s, bot.Change{ProfileID: p.ID, EventID: "ev1", Profile: p, Conv: bot.Conversation{Talk: talk}, At: t0})
		commit(t, s, bot.Change{ProfileID: p.ID, Version: 1, EventID: "ev2", Profile: p, Conv: bot.Conversation{Talk: talk}, At: t0.Add(time.Minute)})
		if got := openIDs(); !reflect.DeepEqual(got, []string{p.ID}) {
			t.Fatalf("open talks after an unchanged commit = %v, want %s", got, p.ID)
		}
		// As a person stored before the hash kept tk, whose indexes
		// lost them: the next commit files them again.
		sh := shardOf(p.ID)
		if err := c.HDel(ctx, personKey(p.ID), "tk").Err(); err != nil {
			t.Fatal(err)
		}
		c.ZRem(ctx, openTalksKey(sh), p.ID)
		c.SRem(ctx, profilesKey(sh), p.ID)
		commit(t, s, bot.Change{ProfileID: p.ID, Version: 2, EventID: "ev3", Profile: p, Conv: bot.Conversation{Talk: talk}, At: t0.Add(2 * time.Minute)})
		if got := openIDs(); !reflect.DeepEqual(got, []string{p.ID}) {
			t.Fatalf("open talks after the first commit with tk = %v, want %s", got, p.ID)
		}
		if found, err := s.FindProfiles(ctx, bot.ProfileFilter{}); err != nil || len(found) != 1 || found[0].ID != p.ID {
			t.Fatalf("profiles = %v, %v; want %s", found, err, p.ID)
		}
	})

	t.Run("processed events past the dedupe window are forgotten by later commits", func(t *testing.T) {
		c := newClient(t)
		s := NewStore(c)
		p := testProfile("line:Useen-pruned", "setagaya", bot.StatusActive, "pc")
		commit(t, s, bot.Change{ProfileID: p.ID, EventID: "old", Profile: p, At: t0})
		// The window is trimmed every 16th version of the shard: 16
		// commits a week and a day later pass one.
		later := t0.Add(seenFor + 24*time.Hour)
		for i := range 16 {
			commit(t, s, bot.Change{ProfileID: p.ID, Version: int64(i + 1), EventID: fmt.Sprintf("new%d", i), Profile: p, At: later})
		}
		if snap, err := s.Load(ctx, p.ID, "old"); err != nil || snap.Seen {
			t.Fatalf("load of the old event: %+v, %v; want it forgotten", snap, err)
		}
		if snap, err := s.Load(ctx, p.ID, "new0"); err != nil || !snap.Seen {
			t.Fatalf("load of a recent event: %+v, %v; want it seen", snap, err)
		}
	})

	t.Run("outbox: a retry or dead letter for a deleted person keeps nothing naming them", func(t *testing.T) {
		q := NewOutbox(newClient(t))
		if err := q.EnsureGroups(ctx); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"o1", "o2"} {
			if err := q.Enqueue(ctx, testOut(id, "line:Ugone", t0)); err != nil {
				t.Fatal(err)
			}
		}
		ds := read(t, q, "w1", 10)
		if err := q.Retry(ctx, ds[0], t0.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if err := q.DeadLetter(ctx, ds[1], "invalid", 400); err != nil {
			t.Fatal(err)
		}
		depth(t, q, 0)
		dls, err := q.DeadLetters(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(dls) != 1 || dls[0].To != "" || dls[0].OutID != "o2" {
			t.Fatalf("dead letters %+v, want one anonymous record of o2", dls)
		}
	})

	t.Run("outbox: a dead letter is recorded and leaves the queue", func(t *testing.T) {
		c := newClient(t)
		q := NewOutbox(c)
		if err := q.EnsureGroups(ctx); err != nil {
			t.Fatal(err)
		}
		if err := NewStore(c).CreateProfile(ctx, &bot.Profile{ID: "slack:T1:U1"}); err != nil {
			t.Fatal(err)
		}
		if err := q.Enqueue(ctx, testOut("o1", "slack:T1:U1", t0)); err != nil {
			t.Fatal(err)
		}
		ds := read(t, q, "w1", 10)
		if err := q.DeadLetter(ctx, ds[0], "invalid_blocks", 400); err != nil {
			t.Fatal(err)
		}
		depth(t, q, 0)
		dls, err := q.DeadLetters(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(dls) != 1 {
			t.Fatalf("got %d dead letters, want 1", len(dls))
		}
		got := dls[0]
		if got.OutID != "o1" || got.To != "slack:T1:U1" || got.Reason != "invalid_blocks" || got.Status != 400 || got.Attempts != 1 {
			t.Errorf("got %+v", got)
		}
	})

	t.Run("outbox: entries a consumer never acked are reclaimed", func(t *testing.T) {
		q := NewOutbox(newClient(t))
		if err := q.EnsureGroups(ctx); err != nil {
			t.Fatal(err)
		}
		out := testOut("o1", "line:U1", t0)
		if err := q.Enqueue(ctx, out); err != nil {
			t.Fatal(err)
		}
		read(t, q, "crashed", 10)
		ds, err := q.Reclaim(ctx, "rescuer", time.Hour, 10)
		if err != nil || len(ds) != 0 {
			t.Fatalf("an entry read just now was reclaimed: %+v, %v", ds, err)
		}
		// An idle time of 0 makes every pending entry idle enough.
		ds, err = q.Reclaim(ctx, "rescuer", 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 1 || !reflect.DeepEqual(ds[0].Out, out) {
			t.Fatalf("got %+v, want %+v", ds, out)
		}
		// The crashed worker may have sent it: the rescuer is told so.
		if ds[0].Attempt != 1 {
			t.Errorf("reclaimed entry at attempt %d, want 1", ds[0].Attempt)
		}
		if err := q.Ack(ctx, ds[0]); err != nil {
			t.Fatal(err)
		}
		if ds, _ := q.Reclaim(ctx, "rescuer", 0, 10); len(ds) != 0 {
			t.Errorf("an acked entry was reclaimed: %+v", ds)
		}
	})
}

func testProfile(id, area string, st bot.Status, skills ...string) *bot.Profile {
	consented := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	p := &bot.Profile{
		ID: id, Name: "山田 花子", Area: area, Skills: skills, WeeklyLimit: 3,
		ConsentedAt: &consented, Status: st, Counters: bot.Counters{Offers: 2, Accepts: 1},
		CreatedAt: consented, UpdatedAt: consented,
	}
	p.Availability.Set(0, 18, 24) // Monday 9:00-12:00
	return p
}

func testOut(id, to string, at time.Time) bot.Outgoing {
	return bot.Outgoing{ID: id, To: to, Messages: []bot.Message{{Text: "こんにちは <b>&"}}, CreatedAt: at}
}

// instantsInUTC is o with its times as instants in UTC, as they compare
// after a trip through JSON.
func instantsInUTC(o bot.Outgoing) bot.Outgoing {
	o.ReplyBefore, o.CreatedAt = o.ReplyBefore.UTC().Round(0), o.CreatedAt.UTC().Round(0)
	return o
}

func commit(t *testing.T, s *Store, ch bot.Change) {
	t.Helper()
	if err := s.Commit(context.Background(), ch); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, q *Outbox, consumer string, n int) []outbox.Delivery {
	t.Helper()
	ds, err := q.Read(context.Background(), consumer, n)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func depth(t *testing.T, q *Outbox, want int64) {
	t.Helper()
	got, err := q.Depth(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("depth %d, want %d", got, want)
	}
}

func ids(ps []*bot.Profile) []string {
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	return ids
}

// naming returns the keys whose name or any value contains s.
func naming(t *testing.T, c goredis.UniversalClient, s string) []string {
	t.Helper()
	ctx := context.Background()
	var keys []string
	var mu sync.Mutex
	collect := func(ctx context.Context, n *goredis.Client) error {
		ks, err := n.Keys(ctx, "*").Result()
		mu.Lock()
		defer mu.Unlock()
		keys = append(keys, ks...)
		return err
	}
	var err error
	if cc, ok := c.(*goredis.ClusterClient); ok {
		err = cc.ForEachMaster(ctx, collect)
	} else {
		err = collect(ctx, c.(*goredis.Client))
	}
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, k := range keys {
		var values []string
		typ, err := c.Type(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		switch typ {
		case "string":
			values = []string{c.Get(ctx, k).Val()}
		case "hash":
			for f, v := range c.HGetAll(ctx, k).Val() {
				values = append(values, f, v)
			}
		case "set":
			values = c.SMembers(ctx, k).Val()
		case "zset":
			values = c.ZRange(ctx, k, 0, -1).Val()
		case "list":
			values = c.LRange(ctx, k, 0, -1).Val()
		case "stream":
			for _, m := range c.XRange(ctx, k, "-", "+").Val() {
				for f, v := range m.Values {
					values = append(values, f, v.(string))
				}
			}
		default:
			t.Fatalf("key %s has unexpected type %s", k, typ)
		}
		if strings.Contains(k, s) || anyContains(values, s) {
			found = append(found, k)
		}
	}
	return found
}

func anyContains(vs []string, s string) bool {
	for _, v := range vs {
		if strings.Contains(v, s) {
			return true
		}
	}
	return false
}
