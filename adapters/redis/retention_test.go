package redis

import (
	"context"
	"reflect"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"tsunagu/bot"
)

func TestRetentionEmbedded(t *testing.T) { testRetention(t, embeddedClient) }

func TestRetentionReal(t *testing.T) {
	needEnv(t, "REDIS_URL")
	testRetention(t, realClient)
}

func TestRetentionCluster(t *testing.T) {
	needEnv(t, "REDIS_CLUSTER_ADDRS")
	testRetention(t, clusterClient)
}

// testRetention runs one sweep over a store holding what ended long ago
// and what did not, and checks what is dropped, what is kept and what is
// counted.
func testRetention(t *testing.T, newClient func(t *testing.T) goredis.UniversalClient) {
	ctx := context.Background()
	c := newClient(t)
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2027, 6, 1, 3, 0, 0, 0, loc)
	old, recent := now.AddDate(0, -2, 0), now.AddDate(0, 0, -3)
	r := NewRetention(c, 30*24*time.Hour, loc)
	s, tasks, sessions, bcs, q := NewStore(c), NewTasks(c), NewSessions(c), NewBroadcasts(c), NewOutbox(c)
	if err := q.EnsureGroups(ctx); err != nil {
		t.Fatal(err)
	}

	const who = "line:Ukept"
	if err := s.CreateProfile(ctx, testProfile(who, "setagaya", bot.StatusActive, "pc")); err != nil {
		t.Fatal(err)
	}
	for id, start := range map[string]time.Time{"Told": old, "Trecent": recent} {
		task := newTestTask(id, 2, start.Add(-24*time.Hour))
		task.Start, task.End = start, start.Add(2*time.Hour)
		if err := tasks.CreateTask(ctx, task, bot.Due{}); err != nil {
			t.Fatal(err)
		}
		w := bot.Wave{TaskID: id, At: start.Add(-time.Hour), Target: 2, Offers: []bot.WaveOffer{
			{ProfileID: who, ExpiresAt: start, Out: testOut("offer-"+id, who, start)},
		}}
		if _, err := tasks.OfferWave(ctx, w); err != nil {
			t.Fatal(err)
		}
		if _, err := tasks.Answer(ctx, bot.Answer{TaskID: id, ProfileID: who, Op: bot.OpAccept, EventID: "ev-" + id, At: start.Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	for id, start := range map[string]time.Time{"Sold": old, "Srecent": recent} {
		ses := &bot.Session{ID: id, Title: "交流会", Start: start, End: start.Add(time.Hour), Audience: bot.Audience{ProfileIDs: []string{who}}}
		if err := sessions.CreateSession(ctx, ses); err != nil {
			t.Fatal(err)
		}
	}
	// Called off: purged like the others, counted nowhere.
	called := &bot.Session{ID: "Scalled", Title: "中止した会", Start: old, End: old.Add(time.Hour), CancelledAt: &old}
	if err := sessions.CreateSession(ctx, called); err != nil {
		t.Fatal(err)
	}
	if _, err := sessions.CancelSession(ctx, called, nil, nil); err != nil {
		t.Fatal(err)
	}
	for id, at := range map[string]time.Time{"Bold": old, "Brecent": recent} {
		if err := bcs.CreateBroadcast(ctx, &bot.Broadcast{ID: id, Text: "お知らせ"}, bot.Recipients{LINE: []string{who}}, at); err != nil {
			t.Fatal(err)
		}
	}
	// A consumer that settled everything it read, and one still holding an
	// entry queued long ago.
	ds, err := q.Read(ctx, "idle", 100)
	if err != nil || len(ds) == 0 {
		t.Fatalf("read %d entries: %v", len(ds), err)
	}
	for _, d := range ds {
		if err := q.Ack(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := q.Enqueue(ctx, testOut("stuck", who, old)); err != nil {
		t.Fatal(err)
	}
	if ds, err := q.Read(ctx, "holder", 10); err != nil || len(ds) != 1 {
		t.Fatalf("holder read %d entries: %v", len(ds), err)
	}

	// miniredis reports -1 for the idle time of a consumer that never
	// blocked; real Redis measures it, and only there can the test see
	// the idle consumer go.
	measured := true
	for sh := 0; sh < Shards; sh++ {
		cs, _ := c.XInfoConsumers(ctx, outboxKey(sh), group).Result()
		for _, cn := range cs {
			measured = measured && cn.Idle >= 0
		}
	}

	r.idle = 0
	sum, err := r.Run(ctx, now.Add(8*24*time.Hour+time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Tasks != 1 || sum.Sessions != 2 || sum.Broadcasts != 1 {
		t.Errorf("purged %+v, want one task, two sessions (one called off) and one broadcast", sum)
	}
	if sum.StreamEntries != 1 {
		t.Errorf("dropped %d outbox entries, want the one stuck for a week", sum.StreamEntries)
	}
	if measured && sum.Consumers < 1 {
		t.Errorf("dropped %d consumers, want the idle one", sum.Consumers)
	}
	holder := false
	for sh := 0; measured && sh < Shards; sh++ {
		cs, err := c.XInfoConsumers(ctx, outboxKey(sh), group).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, cn := range cs {
			switch cn.Name {
			case "idle":
				t.Errorf("shard %d still names the idle consumer", sh)
			case "holder":
				holder = holder || cn.Pending > 0
			}
		}
	}
	if measured && !holder {
		t.Error("the consumer still holding an entry was dropped")
	}
	ids, err := tasks.TaskIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]bool{"Told": false, "Trecent": true} {
		err := c.ZScore(ctx, tasksByStartKey(taskShard(id)), id).Err()
		if (err == nil) != want {
			t.Errorf("%s in the index by start: %v, want %v", id, err == nil, want)
		}
	}
	if !reflect.DeepEqual(ids, []string{"Trecent"}) {
		t.Errorf("tasks kept %v, want only the recent one", ids)
	}
	for _, id := range []string{"Sold", "Scalled"} {
		if _, err := sessions.GetSession(ctx, id); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("old session %s: %v, want gone", id, err)
		}
	}
	if _, err := sessions.GetSession(ctx, "Srecent"); err != nil {
		t.Errorf("recent session: %v, want kept", err)
	}
	if _, err := bcs.FindBroadcast(ctx, "Bold"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("old broadcast: %v, want gone", err)
	}
	tr, err := s.Traces(ctx, who)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tr.Tasks, []string{"Trecent"}) || !reflect.DeepEqual(tr.Sessions, []string{"Srecent"}) {
		t.Errorf("traces %+v, want only the recent task and session", tr)
	}
	counts, err := r.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	month := old.In(loc).Format("2006-01")
	want := map[string]float64{"tasks": 1, "places": 2, "places_filled": 1, "participations": 1, "hours": 2, "offers": 1, "offers_accepted": 1,
		"sessions": 1, "session_invitations": 0, "session_attendances": 0, "broadcasts": 1, "broadcast_sent": 0, "broadcast_failed": 0, "broadcast_skipped": 0}
	if !reflect.DeepEqual(counts[month], want) || len(counts) != 1 {
		t.Errorf("counts %v, want %s: %v", counts, month, want)
	}
}
