package service

import (
	"testing"
	"time"

	redisadapter "tsunagu/adapters/redis"
	"tsunagu/bot"
	"tsunagu/bot/avail"
)

// The match index counts a person's week at the service's clock, as the
// bot does: someone who took their one task of a simulated week is not
// offered another in it, and is again the Monday after, once the index
// recounts.
func TestTheIndexCountsWeeksAtTheServiceClock(t *testing.T) {
	a := replicas(t, 1, "secret")[0]
	loc := tokyo(t)
	clock := &simClock{now: time.Date(2027, 4, 7, 12, 0, 0, 0, loc)} // a Wednesday
	a.useClock(clock.Now)

	week, _ := avail.Parse("いつでも")
	consented := clock.Now().AddDate(0, -1, 0)
	p := &bot.Profile{ID: "line:Ubusy", Name: "採点の人", Area: "setagaya", Skills: []string{"grading"},
		Availability: week, WeeklyLimit: 1, ConsentedAt: &consented, Status: bot.StatusActive}
	taken := bot.Conversation{Offers: []bot.OfferRef{{
		TaskID: "grading-1", State: bot.OfferAccepted,
		At: clock.Now().Add(-48 * time.Hour), AcceptedAt: clock.Now().Add(-47 * time.Hour),
		Start: time.Date(2027, 4, 8, 9, 0, 0, 0, loc), End: time.Date(2027, 4, 8, 11, 0, 0, 0, loc),
	}}}
	ctx := t.Context()
	err := redisadapter.NewStore(a.rdb).Commit(ctx, bot.Change{ProfileID: p.ID, EventID: "e1", Profile: p, Conv: taken, At: clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.index.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}

	next := &bot.Task{ID: "grading-2", Skills: []string{"grading"}, Area: "setagaya",
		Start: time.Date(2027, 4, 13, 9, 0, 0, 0, loc), End: time.Date(2027, 4, 13, 11, 0, 0, 0, loc)}
	if got := a.index.Candidates(next, nil, 10); len(got) != 0 {
		t.Fatalf("offered during the week of their one task: %v", got)
	}
	clock.mu.Lock()
	clock.now = time.Date(2027, 4, 12, 0, 0, 0, 0, loc) // Monday
	clock.mu.Unlock()
	if n := a.index.Recount(ctx); n != 1 {
		t.Fatalf("Monday's recount read %d people, want 1", n)
	}
	if got := a.index.Candidates(next, nil, 10); len(got) != 1 || got[0].ID != p.ID {
		t.Fatalf("on Monday: %v; want %s", got, p.ID)
	}
}
