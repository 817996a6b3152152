package redis

import (
	"context"
	"slices"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"tsunagu/bot"
)

func TestFindBroadcastsEmbedded(t *testing.T) { testFindBroadcasts(t, embeddedClient) }

func TestFindBroadcastsReal(t *testing.T) {
	needEnv(t, "REDIS_URL")
	testFindBroadcasts(t, realClient)
}

func TestFindBroadcastsCluster(t *testing.T) {
	needEnv(t, "REDIS_CLUSTER_ADDRS")
	testFindBroadcasts(t, clusterClient)
}

// testFindBroadcasts: broadcasts of every shard are listed by when they
// were due, the latest first, inside the window and up to the limit; one
// purged meanwhile is left out.
func testFindBroadcasts(t *testing.T, newClient func(t *testing.T) goredis.UniversalClient) {
	ctx := context.Background()
	c := newClient(t)
	s := NewBroadcasts(c)
	day := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	// IDs chosen to land in different shards.
	ids := []string{"b0a1", "b1b2", "b2c3", "b3d4", "b4e5"}
	for i, id := range ids {
		due := day.AddDate(0, 0, i)
		b := &bot.Broadcast{ID: id, Text: "お知らせ " + id, SendAt: due, CreatedAt: day}
		if err := s.CreateBroadcast(ctx, b, bot.Recipients{LINE: []string{"line:U" + id}}, due); err != nil {
			t.Fatal(err)
		}
	}
	list := func(from, to time.Time, limit int) []string {
		t.Helper()
		vs, err := s.FindBroadcasts(ctx, from, to, limit)
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, v := range vs {
			out = append(out, v.ID)
		}
		return out
	}
	if got := list(day, day.AddDate(0, 0, 5), 10); !slices.Equal(got, []string{"b4e5", "b3d4", "b2c3", "b1b2", "b0a1"}) {
		t.Errorf("all: %v", got)
	}
	if got := list(day.AddDate(0, 0, 1), day.AddDate(0, 0, 3), 10); !slices.Equal(got, []string{"b2c3", "b1b2"}) {
		t.Errorf("window [day 1, day 3): %v", got)
	}
	if got := list(day, day.AddDate(0, 0, 5), 2); !slices.Equal(got, []string{"b4e5", "b3d4"}) {
		t.Errorf("limit 2: %v", got)
	}
	// The index outlives the broadcast for a moment when retention purges
	// it between the two reads.
	if err := c.Del(ctx, broadcastKey("b3d4")).Err(); err != nil {
		t.Fatal(err)
	}
	if got := list(day, day.AddDate(0, 0, 5), 10); !slices.Equal(got, []string{"b4e5", "b2c3", "b1b2", "b0a1"}) {
		t.Errorf("after a purge: %v", got)
	}
}
