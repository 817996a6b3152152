package matching

import (
	"context"
	"errors"
	"testing"
	"time"

	"tsunagu/bot"
)

// source is a Source holding people in memory; its feed never delivers.
type source struct{ people map[string]*bot.Profile }

func (s source) Each(_ context.Context, fn func(*bot.Profile, bot.Conversation)) error {
	for _, p := range s.people {
		fn(p, bot.Conversation{})
	}
	return nil
}

func (s source) Load(_ context.Context, id, _ string) (bot.Snapshot, error) {
	return bot.Snapshot{Profile: s.people[id]}, nil
}

func (s source) Watch(ctx context.Context, _ func(context.Context) error, _ func(context.Context, string)) error {
	<-ctx.Done()
	return errors.New("stopped")
}

// candidateSet is whom l would offer task, up to ten.
func candidateSet(l *Live, task *bot.Task) map[string]bool {
	out := map[string]bool{}
	for _, c := range l.Candidates(task, nil, 10) {
		out[c.ID] = true
	}
	return out
}

func scoringProfile(id string) *bot.Profile {
	consented := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	return &bot.Profile{ID: id, Name: "採点の人", Area: "setagaya", Skills: []string{"scoring"}, WeeklyLimit: 3,
		Availability: free(7, 12, mon), ConsentedAt: &consented, Status: bot.StatusActive}
}

func TestLiveFollowsRebuildChangedAndApply(t *testing.T) {
	ctx := context.Background()
	src := source{people: map[string]*bot.Profile{"line:Uold": scoringProfile("line:Uold")}}
	l := NewLive(src, nil, tokyo, nil)
	task := &bot.Task{ID: "task-1", Skills: []string{"scoring"}, Area: "setagaya", Start: at(2, 8, 0), End: at(2, 10, 0)}
	found := func() []string {
		var out []string
		for _, c := range l.Candidates(task, nil, 10) {
			out = append(out, c.ID)
		}
		return out
	}
	if got := found(); len(got) != 0 {
		t.Fatalf("before any rebuild: %v", got)
	}
	if err := l.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if got := found(); len(got) != 1 || got[0] != "line:Uold" {
		t.Fatalf("after the rebuild: %v", got)
	}
	// A commit on this replica is matched at once, without the feed.
	l.Apply("line:Unew", scoringProfile("line:Unew"), bot.Conversation{})
	if got := found(); len(got) != 2 {
		t.Fatalf("after applying a new person: %v", got)
	}
	l.Apply("line:Unew", nil, bot.Conversation{})
	if got := found(); len(got) != 1 || got[0] != "line:Uold" {
		t.Fatalf("after applying a deletion: %v", got)
	}
	// The feed's change reads the source.
	delete(src.people, "line:Uold")
	l.Changed(ctx, "line:Uold")
	if got := found(); len(got) != 0 {
		t.Fatalf("after the feed said line:Uold left: %v", got)
	}
}

// feed is a Source whose Watch subscribes (or fails to) and then rebuilds,
// as the Redis store does, counting the rebuilds of the people it holds.
type feed struct {
	source
	down     bool
	rebuilds chan struct{}
}

func (f feed) Each(ctx context.Context, fn func(*bot.Profile, bot.Conversation)) error {
	f.rebuilds <- struct{}{}
	if f.down {
		return errors.New("connection refused")
	}
	return f.source.Each(ctx, fn)
}

func (f feed) Watch(ctx context.Context, rebuild func(context.Context) error, _ func(context.Context, string)) error {
	if f.down {
		return errors.New("connection refused")
	}
	if err := rebuild(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	return ctx.Err()
}

func TestLiveIsTriedOnceAtStartWhetherRedisAnswersOrNot(t *testing.T) {
	for _, down := range []bool{false, true} {
		f := feed{source: source{people: map[string]*bot.Profile{"line:U1": scoringProfile("line:U1")}}, down: down, rebuilds: make(chan struct{}, 100)}
		l := NewLive(f, nil, tokyo, nil)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { l.Run(ctx, time.Hour); close(done) }()
		select {
		case <-l.Tried():
		case <-time.After(5 * time.Second):
			t.Fatalf("down=%v: no rebuild tried at start", down)
		}
		cancel()
		<-done
		if n := len(f.rebuilds); n != 1 {
			t.Errorf("down=%v: %d rebuilds at start, want 1", down, n)
		}
		if _, ok := l.Audience(bot.Audience{}); ok == down {
			t.Errorf("down=%v: the index answers for everyone = %v", down, ok)
		}
	}
}

// slowSource is a Source whose Each reads what it held when the rebuild
// started and then waits to be let go, as a million people take 20 s.
type slowSource struct {
	source
	reading, finish chan struct{}
}

func (s slowSource) Each(ctx context.Context, fn func(*bot.Profile, bot.Conversation)) error {
	var held []*bot.Profile
	for _, p := range s.people {
		held = append(held, p)
	}
	close(s.reading)
	<-s.finish
	for _, p := range held {
		fn(p, bot.Conversation{})
	}
	return nil
}

func TestUpdatesDoNotWaitForARebuildAndOutliveIt(t *testing.T) {
	ctx := context.Background()
	src := slowSource{source: source{people: map[string]*bot.Profile{
		"line:Ustays": scoringProfile("line:Ustays"), "line:Uleaves": scoringProfile("line:Uleaves")}},
		reading: make(chan struct{}), finish: make(chan struct{})}
	l := NewLive(src, nil, tokyo, nil)
	task := &bot.Task{ID: "task-1", Skills: []string{"scoring"}, Area: "setagaya", Start: at(2, 8, 0), End: at(2, 10, 0)}
	found := func() map[string]bool { return candidateSet(l, task) }
	rebuilt := make(chan error, 1)
	go func() { rebuilt <- l.Rebuild(ctx) }()
	<-src.reading

	// While the rebuild reads, this replica's commits and the feed's
	// changes go on and are matched at once.
	applied := make(chan struct{})
	go func() {
		l.Apply("line:Unew", scoringProfile("line:Unew"), bot.Conversation{})
		l.Apply("line:Uleaves", nil, bot.Conversation{})
		moved := scoringProfile("line:Ustays")
		moved.Area = "ota"
		src.people["line:Ustays"] = moved
		l.Changed(ctx, "line:Ustays")
		close(applied)
	}()
	select {
	case <-applied:
	case <-time.After(5 * time.Second):
		t.Fatal("updates waited for the rebuild")
	}
	if got := found(); !got["line:Unew"] || got["line:Uleaves"] || got["line:Ustays"] {
		t.Errorf("during the rebuild %v, want line:Unew only", got)
	}

	// The rebuild read the old states; the updates made meanwhile win.
	close(src.finish)
	if err := <-rebuilt; err != nil {
		t.Fatal(err)
	}
	if got := found(); len(got) != 1 || !got["line:Unew"] {
		t.Errorf("after the rebuild %v, want line:Unew only (line:Uleaves gone, line:Ustays moved to ota)", got)
	}
}

// talkingSource is a Source of people with their conversations, counting
// the loads, and failing those of the people in broken.
type talkingSource struct {
	source
	convs  map[string]bot.Conversation
	broken map[string]bool
	loads  map[string]int
}

func (s *talkingSource) Each(_ context.Context, fn func(*bot.Profile, bot.Conversation)) error {
	for id, p := range s.people {
		fn(p, s.convs[id])
	}
	return nil
}

func (s *talkingSource) Load(_ context.Context, id, _ string) (bot.Snapshot, error) {
	s.loads[id]++
	if s.broken[id] {
		return bot.Snapshot{}, errors.New("connection reset")
	}
	return bot.Snapshot{Profile: s.people[id], Conv: s.convs[id]}, nil
}

// A person who took their one task of the week is offered nothing more
// until Monday; on Monday, without any change of theirs, they are again.
// Only the people whose counts moved are read to find that out.
func TestRecountReadsOnlyThoseWhoseCountsMoved(t *testing.T) {
	ctx := context.Background()
	busy := scoringProfile("line:Ubusy")
	busy.WeeklyLimit = 1
	src := &talkingSource{
		source: source{people: map[string]*bot.Profile{"line:Ubusy": busy, "line:Uidle": scoringProfile("line:Uidle")}},
		convs: map[string]bot.Conversation{"line:Ubusy": {Offers: []bot.OfferRef{{
			TaskID: "grading", State: bot.OfferAccepted,
			// Offered and taken long ago: only the week counts.
			At: at(2, 9, 0).AddDate(0, -3, 0), AcceptedAt: at(2, 10, 0).AddDate(0, -3, 0),
			Start: at(5, 9, 0), End: at(5, 11, 0),
		}}}},
		broken: map[string]bool{},
		loads:  map[string]int{},
	}
	l := NewLive(src, nil, tokyo, nil)
	clock := at(4, 12, 0) // Wednesday
	l.now = func() time.Time { return clock }
	if err := l.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	task := &bot.Task{ID: "task-2", Skills: []string{"scoring"}, Area: "setagaya", Start: at(9, 8, 0), End: at(9, 10, 0)}
	offered := func() map[string]bool { return candidateSet(l, task) }
	if got := offered(); got["line:Ubusy"] || !got["line:Uidle"] {
		t.Fatalf("on Wednesday: %v; want line:Uidle only", got)
	}

	clock = at(8, 23, 59) // Sunday night: nothing has moved
	if n := l.Recount(ctx); n != 0 || len(src.loads) != 0 {
		t.Fatalf("Sunday's recount read %d (%v), want nobody", n, src.loads)
	}
	clock = at(9, 0, 0) // Monday
	if n := l.Recount(ctx); n != 1 || src.loads["line:Ubusy"] != 1 || src.loads["line:Uidle"] != 0 {
		t.Fatalf("Monday's recount read %d (%v), want line:Ubusy once", n, src.loads)
	}
	if got := offered(); !got["line:Ubusy"] || !got["line:Uidle"] {
		t.Fatalf("on Monday: %v; want both", got)
	}
	// Their task is over: their counts move no more, and no later
	// recount reads them.
	clock = at(30, 0, 0)
	if n := l.Recount(ctx); n != 0 {
		t.Errorf("a later recount read %d people", n)
	}

	t.Run("a failed read is tried again a minute later", func(t *testing.T) {
		clock = at(4, 12, 0)
		if err := l.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		src.broken["line:Ubusy"] = true
		clock = at(9, 0, 0)
		if n := l.Recount(ctx); n != 1 {
			t.Fatalf("recount read %d, want 1", n)
		}
		if got := offered(); got["line:Ubusy"] {
			t.Fatalf("line:Ubusy offered though their read failed: %v", got)
		}
		src.broken["line:Ubusy"] = false
		if n := l.Recount(ctx); n != 0 {
			t.Fatalf("retried at once: %d", n)
		}
		clock = clock.Add(recountRetry)
		if n := l.Recount(ctx); n != 1 {
			t.Fatalf("retry read %d, want 1", n)
		}
		if got := offered(); !got["line:Ubusy"] {
			t.Fatalf("after the retry: %v; want line:Ubusy", got)
		}
	})
}
