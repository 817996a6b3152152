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
	found := func() map[string]bool {
		out := map[string]bool{}
		for _, c := range l.Candidates(task, nil, 10) {
			out[c.ID] = true
		}
		return out
	}
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
