package redis

import (
	"context"
	"reflect"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"tsunagu/bot"
)

func TestProfileImportEmbedded(t *testing.T) { testProfileImport(t, embeddedClient) }

func TestProfileImportReal(t *testing.T) {
	needEnv(t, "REDIS_URL")
	testProfileImport(t, realClient)
}

func TestProfileImportCluster(t *testing.T) {
	needEnv(t, "REDIS_CLUSTER_ADDRS")
	testProfileImport(t, clusterClient)
}

// rename is an import's update in its simplest form.
func rename(name string) func(*bot.Profile, *bot.Conversation) {
	return func(p *bot.Profile, _ *bot.Conversation) { p.Name = name }
}

// testProfileImport is the conformance suite of ImportProfile: a person
// is created or updated whole, never half, and never over a change made
// meanwhile by the chat.
func testProfileImport(t *testing.T, newClient func(t *testing.T) goredis.UniversalClient) {
	ctx := context.Background()
	t0 := time.Date(2025, 4, 1, 10, 0, 0, 0, time.UTC)

	t.Run("a new person is stored as given, listed and announced", func(t *testing.T) {
		c := newClient(t)
		s := NewStore(c)
		sub := c.Subscribe(ctx, ProfilesChannel)
		defer sub.Close()
		if _, err := sub.Receive(ctx); err != nil {
			t.Fatal(err)
		}
		p := testProfile("line:U1", "setagaya", bot.StatusActive, "pc")
		created, err := s.ImportProfile(ctx, p, func(*bot.Profile, *bot.Conversation) { t.Error("update called for a new person") })
		if err != nil || !created {
			t.Fatalf("created, err = %v, %v; want true, nil", created, err)
		}
		snap, err := s.Load(ctx, p.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if want := (bot.Snapshot{Profile: p, Version: 1}); !reflect.DeepEqual(snap, want) {
			t.Errorf("stored %+v, want %+v", snap, want)
		}
		if got, _ := s.FindProfiles(ctx, bot.ProfileFilter{}); !reflect.DeepEqual(ids(got), []string{p.ID}) {
			t.Errorf("listed %v", ids(got))
		}
		// The channel is the server's, not the database's: tests of other
		// packages sharing the server publish their people on it too.
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		for {
			msg, err := sub.ReceiveMessage(rctx)
			if err != nil {
				t.Fatalf("%s was not announced: %v", p.ID, err)
			}
			if msg.Payload == p.ID {
				break
			}
		}
	})

	t.Run("a known person is updated in place and a chat turn loaded before must run again", func(t *testing.T) {
		s := NewStore(newClient(t))
		p := testProfile("line:U1", "setagaya", bot.StatusOnboarding, "pc")
		conv := bot.Conversation{Step: bot.StepArea, SuggestedName: "花子", Offers: []bot.OfferRef{{TaskID: "t1", Title: "採点"}}}
		commit(t, s, bot.Change{ProfileID: p.ID, EventID: "ev1", Profile: p, Conv: conv, At: t0})
		before, _ := s.Load(ctx, p.ID, "")

		created, err := s.ImportProfile(ctx, testProfile(p.ID, "ota", bot.StatusActive, "grading"), func(stored *bot.Profile, c *bot.Conversation) {
			stored.Area, stored.Status = "ota", bot.StatusActive
			c.Step = bot.StepIdle
		})
		if err != nil || created {
			t.Fatalf("created, err = %v, %v; want false, nil", created, err)
		}
		after, _ := s.Load(ctx, p.ID, "")
		wantP := *p
		wantP.Area, wantP.Status = "ota", bot.StatusActive
		wantC := conv
		wantC.Step = bot.StepIdle
		if want := (bot.Snapshot{Profile: &wantP, Conv: wantC, Version: before.Version + 1}); !reflect.DeepEqual(after, want) {
			t.Errorf("stored\n got %+v\nwant %+v", after, want)
		}
		err = s.Commit(ctx, bot.Change{ProfileID: p.ID, Version: before.Version, EventID: "ev2", Profile: p, Conv: conv, At: t0})
		if bot.ErrorCode(err) != bot.ECONFLICT {
			t.Errorf("a commit from before the import: %v, want a conflict", err)
		}
	})

	t.Run("a conversation the update leaves alone is not rewritten", func(t *testing.T) {
		c := newClient(t)
		s := NewStore(c)
		p := testProfile("line:U1", "setagaya", bot.StatusActive, "pc")
		commit(t, s, bot.Change{ProfileID: p.ID, EventID: "ev1", Profile: p, At: t0})
		// A field this build does not know, written by a newer replica.
		raw := `{"step":"","future_field":1}`
		if err := c.HSet(ctx, personKey(p.ID), "conv", raw).Err(); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportProfile(ctx, p, rename("花子")); err != nil {
			t.Fatal(err)
		}
		if got, _ := c.HGet(ctx, personKey(p.ID), "conv").Result(); got != raw {
			t.Errorf("conversation rewritten: %s", got)
		}
		if got, _ := s.FindProfile(ctx, p.ID); got.Name != "花子" {
			t.Errorf("name = %q", got.Name)
		}
	})

	t.Run("a change between the read and the write is kept, and the update applied on top", func(t *testing.T) {
		c := newClient(t)
		s := NewStore(c)
		p := testProfile("line:U1", "setagaya", bot.StatusActive, "pc")
		commit(t, s, bot.Change{ProfileID: p.ID, EventID: "ev1", Profile: p, At: t0})
		hook := &afterNext{}
		hook.do = func() {
			// The chat records an accepted offer meanwhile.
			snap, err := s.Load(ctx, p.ID, "")
			if err != nil {
				t.Error(err)
				return
			}
			q := *snap.Profile
			q.Counters.Accepts = 7
			if err := s.Commit(ctx, bot.Change{ProfileID: p.ID, Version: snap.Version, EventID: "ev2", Profile: &q, Conv: snap.Conv, At: t0}); err != nil {
				t.Error(err)
			}
		}
		c.AddHook(hook)
		calls := 0
		hook.armed.Store(true)
		created, err := s.ImportProfile(ctx, p, func(stored *bot.Profile, cv *bot.Conversation) {
			calls++
			rename("花子")(stored, cv)
		})
		if err != nil || created {
			t.Fatalf("created, err = %v, %v", created, err)
		}
		got, _ := s.FindProfile(ctx, p.ID)
		if got.Name != "花子" || got.Counters.Accepts != 7 {
			t.Errorf("name %q, accepts %d; want the import's name and the chat's count", got.Name, got.Counters.Accepts)
		}
		if calls != 2 {
			t.Errorf("update ran %d times, want twice (once more after the conflict)", calls)
		}
	})

	t.Run("a person always changing is a conflict, not a lost write", func(t *testing.T) {
		c := newClient(t)
		s := NewStore(c)
		p := testProfile("line:U1", "setagaya", bot.StatusActive, "pc")
		commit(t, s, bot.Change{ProfileID: p.ID, EventID: "ev1", Profile: p, At: t0})
		_, err := s.ImportProfile(ctx, p, func(stored *bot.Profile, _ *bot.Conversation) {
			// Every read is followed by someone else's write.
			if err := c.HIncrBy(ctx, personKey(p.ID), "ver", 1).Err(); err != nil {
				t.Error(err)
			}
			stored.Name = "花子"
		})
		if bot.ErrorCode(err) != bot.ECONFLICT {
			t.Errorf("err = %v, want a conflict", err)
		}
		if got, _ := s.FindProfile(ctx, p.ID); got.Name == "花子" {
			t.Error("written despite the conflict")
		}
	})

	t.Run("a deleted person is created again", func(t *testing.T) {
		s := NewStore(newClient(t))
		p := testProfile("line:U1", "setagaya", bot.StatusActive, "pc")
		commit(t, s, bot.Change{ProfileID: p.ID, EventID: "ev1", Profile: p, At: t0})
		commit(t, s, bot.Change{ProfileID: p.ID, Version: 1, EventID: "ev2", Delete: true, At: t0})
		q := testProfile(p.ID, "ota", bot.StatusActive, "grading")
		q.Counters = bot.Counters{}
		created, err := s.ImportProfile(ctx, q, rename("wrong"))
		if err != nil || !created {
			t.Fatalf("created, err = %v, %v; want true", created, err)
		}
		if got, _ := s.FindProfile(ctx, p.ID); !reflect.DeepEqual(got, q) {
			t.Errorf("got %+v, want %+v", got, q)
		}
	})

	t.Run("the refs of a known person stay", func(t *testing.T) {
		c := newClient(t)
		s := NewStore(c)
		p := testProfile("line:U1", "setagaya", bot.StatusActive, "pc")
		commit(t, s, bot.Change{ProfileID: p.ID, EventID: "ev1", Profile: p, At: t0})
		if err := c.ZAdd(ctx, refsKey(p.ID), goredis.Z{Score: 1, Member: "t:task1"}).Err(); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportProfile(ctx, p, rename("花子")); err != nil {
			t.Fatal(err)
		}
		if n, _ := c.ZCard(ctx, refsKey(p.ID)).Result(); n != 1 {
			t.Errorf("refs = %d, want 1", n)
		}
	})
}
