package matching

import (
	"fmt"
	"hash/fnv"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"tsunagu/bot"
	"tsunagu/bot/avail"
)

var tokyo = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(err)
	}
	return loc
}()

// at is a time in December 2024 in Tokyo; the 2nd is a Monday.
func at(day, hour, min int) time.Time {
	return time.Date(2024, time.December, day, hour, min, 0, 0, tokyo)
}

// free is a week with whole hours [from, to) free on each of days.
func free(from, to int, days ...int) avail.Week {
	var w avail.Week
	for _, d := range days {
		w.Set(d, from*2, to*2)
	}
	return w
}

const mon, fri, sat = 0, 4, 5

// scoringTask asks for scoring or clerical work in Setagaya, Monday 8:00–10:00.
func scoringTask() Task {
	return Task{
		ID:     "task-1",
		Skills: []string{"scoring", "clerical"},
		Area:   "setagaya",
		Start:  at(2, 8, 0),
		End:    at(2, 10, 0),
	}
}

// scorer can take scoringTask.
func scorer(id string) Person {
	return Person{
		ID:           id,
		Status:       bot.StatusActive,
		Consented:    true,
		Area:         "setagaya",
		Skills:       []string{"scoring"},
		Availability: free(7, 12, mon),
		WeeklyLimit:  3,
	}
}

func ids(cs []Candidate) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func matchIDs(ix *Index, t Task, limit int) []string {
	return ids(ix.Match(t, nil, limit))
}

func TestMatchFilters(t *testing.T) {
	tests := []struct {
		name    string
		person  func(p *Person)
		task    func(t *Task)
		exclude func(id string) bool
		want    bool
	}{
		{name: "active consented person with skill, area and time matches", want: true},
		{name: "onboarding person is not asked", person: func(p *Person) { p.Status = bot.StatusOnboarding }},
		{name: "paused person is not asked", person: func(p *Person) { p.Status = bot.StatusPaused }},
		{name: "blocked person is not asked", person: func(p *Person) { p.Status = bot.StatusBlocked }},
		{name: "person without consent is not asked", person: func(p *Person) { p.Consented = false }},
		{name: "weekly limit reached", person: func(p *Person) { p.AssignedThisWeek = 3 }},
		{name: "under the weekly limit matches", person: func(p *Person) { p.AssignedThisWeek = 2 }, want: true},
		{name: "no weekly limit set matches", person: func(p *Person) { p.WeeklyLimit = 0; p.AssignedThisWeek = 9 }, want: true},
		{name: "all skills required and one missing", task: func(t *Task) { t.RequireAll = true }},
		{
			name:   "all skills required and all present",
			person: func(p *Person) { p.Skills = []string{"clerical", "scoring", "zoom"} },
			task:   func(t *Task) { t.RequireAll = true },
			want:   true,
		},
		{
			name: "all skills required and one nobody has",
			task: func(t *Task) { t.RequireAll = true; t.Skills = []string{"scoring", "drone"} },
		},
		{name: "any one skill of several is enough", want: true},
		{
			name: "any-of task with a skill nobody has still matches the others",
			task: func(t *Task) { t.Skills = []string{"drone", "scoring"} },
			want: true,
		},
		{name: "none of the skills", person: func(p *Person) { p.Skills = []string{"zoom"} }},
		{name: "task without skills takes anyone", task: func(t *Task) { t.Skills = nil }, want: true},
		{name: "another area", person: func(p *Person) { p.Area = "ota" }},
		{name: "remote-only person is not asked on site", person: func(p *Person) { p.Area = bot.AreaRemote }},
		{
			name:   "remote task matches a person of any area",
			person: func(p *Person) { p.Area = "ota" },
			task:   func(t *Task) { t.Remote = true },
			want:   true,
		},
		{
			name:   "remote task matches a remote-only person",
			person: func(p *Person) { p.Area = bot.AreaRemote },
			task:   func(t *Task) { t.Remote = true },
			want:   true,
		},
		{
			name:   "task placed in the remote area is remote",
			person: func(p *Person) { p.Area = "ota" },
			task:   func(t *Task) { t.Area = bot.AreaRemote },
			want:   true,
		},
		{
			name:   "free for part of the window only",
			person: func(p *Person) { p.Availability = free(0, 0); p.Availability.Set(mon, 16, 19) },
		},
		{
			name:   "free up to the last half-hour exactly",
			person: func(p *Person) { p.Availability = free(8, 10, mon) },
			want:   true,
		},
		{name: "free on another day", person: func(p *Person) { p.Availability = free(7, 12, fri) }},
		{
			name: "task ending mid-slot needs that whole slot",
			task: func(t *Task) { t.End = at(2, 12, 10) },
		},
		{name: "empty window matches nobody", task: func(t *Task) { t.End = t.Start }},
		{
			name:    "already offered or declined",
			exclude: func(id string) bool { return id == "line:U1" },
		},
		{
			name:    "exclude func leaves others alone",
			exclude: func(id string) bool { return id == "line:Uother" },
			want:    true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, task := scorer("line:U1"), scoringTask()
			if tt.person != nil {
				tt.person(&p)
			}
			if tt.task != nil {
				tt.task(&task)
			}
			ix := NewIndex(tokyo)
			ix.Upsert(p)
			got := ix.Match(task, tt.exclude, 10)
			if matched := len(got) == 1 && got[0].ID == p.ID; matched != tt.want {
				t.Errorf("matched = %v (got %v), want %v", matched, ids(got), tt.want)
			}
		})
	}
}

func TestMatchWindowAcrossMidnightAndZones(t *testing.T) {
	// Friday 22:00 to Saturday 1:00 in Tokyo, told in UTC: 13:00–16:00 on Friday.
	task := Task{
		ID:     "night-patrol",
		Skills: []string{"drone"},
		Area:   "setagaya",
		Start:  time.Date(2024, time.December, 6, 13, 0, 0, 0, time.UTC),
		End:    time.Date(2024, time.December, 6, 16, 0, 0, 0, time.UTC),
	}
	both := free(22, 24, fri)
	both.Set(sat, 0, 2)
	tests := []struct {
		name string
		week avail.Week
		want bool
	}{
		{"free Friday night and early Saturday", both, true},
		{"free Friday night only", free(22, 24, fri), false},
		{"free early Saturday only", free(0, 1, sat), false},
		{"free on UTC's wall clock instead of Tokyo's", free(13, 16, fri), false},
		{"free all Friday and Saturday", free(0, 24, fri, sat), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := scorer("line:U1")
			p.Skills, p.Availability = []string{"drone"}, tt.week
			ix := NewIndex(tokyo)
			ix.Upsert(p)
			if got := len(ix.Match(task, nil, 5)) == 1; got != tt.want {
				t.Errorf("matched = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMatchRanking(t *testing.T) {
	tests := []struct {
		name   string
		a, b   func(p *Person) // a must rank before b
		task   func(t *Task)
		sameAs bool // a and b score the same before the tie break
	}{
		{
			name: "more skills covered first, even with more recent offers",
			a:    func(p *Person) { p.Skills = []string{"scoring", "clerical"}; p.RecentOffers = 5 },
			b:    func(p *Person) {},
		},
		{
			name: "fewer recent offers first",
			a:    func(p *Person) { p.RecentOffers = 1 },
			b:    func(p *Person) { p.RecentOffers = 2 },
		},
		{
			name: "recent assignments count like offers",
			a:    func(p *Person) { p.RecentOffers = 2 },
			b:    func(p *Person) { p.RecentOffers = 1; p.RecentAssignments = 2 },
		},
		{
			name: "fairness before reliability",
			a:    func(p *Person) { p.Cancellations = 5 },
			b:    func(p *Person) { p.RecentOffers = 1; p.Completed = 10 },
		},
		{
			name: "many cancellations rank after none",
			a:    func(p *Person) { p.Completed = 2 },
			b:    func(p *Person) { p.Cancellations = 3; p.Completed = 1 },
		},
		{
			name:   "one cancellation among many completions does not count",
			a:      func(p *Person) { p.Cancellations = 1; p.Completed = 20 },
			b:      func(p *Person) {},
			sameAs: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := scorer("line:Ua"), scorer("line:Ub")
			tt.a(&a)
			tt.b(&b)
			ix := NewIndex(tokyo)
			ix.Upsert(b)
			ix.Upsert(a)
			got := ix.Match(scoringTask(), nil, 5)
			if len(got) != 2 {
				t.Fatalf("got %v, want both", ids(got))
			}
			if tt.sameAs {
				sa, sb := got[0].Score, got[1].Score
				sa.TieBreak, sb.TieBreak = 0, 0
				if sa != sb {
					t.Errorf("scores %+v and %+v differ before the tie break", got[0].Score, got[1].Score)
				}
				return
			}
			if got[0].ID != a.ID {
				t.Errorf("order = %v, want %s first", ids(got), a.ID)
			}
		})
	}
}

func TestMatchTieBreak(t *testing.T) {
	ix := NewIndex(tokyo)
	for i := range 20 {
		ix.Upsert(scorer(fmt.Sprintf("line:U%02d", i)))
	}
	task := scoringTask()
	first := ix.Match(task, nil, 20)

	t.Run("same task ranks the same way every time", func(t *testing.T) {
		for range 3 {
			if got := ix.Match(task, nil, 20); !slices.Equal(ids(got), ids(first)) {
				t.Fatalf("order changed: %v then %v", ids(first), ids(got))
			}
		}
	})
	t.Run("ties ordered by FNV-64a of task and person", func(t *testing.T) {
		for i := 1; i < len(first); i++ {
			if first[i-1].Score.TieBreak > first[i].Score.TieBreak {
				t.Fatalf("tie breaks out of order at %d", i)
			}
			if got, want := first[i].Score.TieBreak, tieBreak(task.ID, first[i].ID); got != want {
				t.Fatalf("tie break of %s = %x, want %x", first[i].ID, got, want)
			}
		}
	})
	t.Run("different tasks pick different people", func(t *testing.T) {
		picked := map[string]bool{}
		for i := range 10 {
			task.ID = fmt.Sprintf("task-%d", i)
			picked[ix.Match(task, nil, 1)[0].ID] = true
		}
		if len(picked) < 4 {
			t.Errorf("10 tasks picked only %d different people first", len(picked))
		}
	})
	t.Run("a smaller limit is a prefix of a larger one", func(t *testing.T) {
		if got := ix.Match(scoringTask(), nil, 5); !slices.Equal(ids(got), ids(first[:5])) {
			t.Errorf("top 5 = %v, want %v", ids(got), ids(first[:5]))
		}
	})
}

func TestFairnessRotatesOffers(t *testing.T) {
	ix := NewIndex(tokyo)
	people := map[string]Person{}
	for i := range 30 {
		p := scorer(fmt.Sprintf("line:U%02d", i))
		people[p.ID] = p
		ix.Upsert(p)
	}
	picked := map[string]int{}
	for i := range 10 {
		task := scoringTask()
		task.ID = fmt.Sprintf("task-%d", i)
		got := ix.Match(task, nil, 3)
		if len(got) != 3 {
			t.Fatalf("task %d: got %d people, want 3", i, len(got))
		}
		for _, c := range got {
			picked[c.ID]++
			if picked[c.ID] > 1 {
				t.Fatalf("task %d asked %s a second time while others wait", i, c.ID)
			}
			p := people[c.ID]
			p.RecentOffers++
			people[c.ID] = p
			ix.Upsert(p)
		}
	}
	if len(picked) != 30 {
		t.Errorf("%d people were asked, want all 30", len(picked))
	}
}

func TestMatchReasons(t *testing.T) {
	ix := NewIndex(tokyo)
	ix.SetLabels(LabelFuncs{
		Skill: func(id string) string { return map[string]string{"scoring": "採点", "clerical": "事務"}[id] },
		Area:  func(id string) string { return map[string]string{"setagaya": "世田谷区"}[id] },
	})
	p := scorer("line:U1")
	p.Completed = 4
	ix.Upsert(p)
	busy := scorer("line:U2")
	busy.RecentOffers = 7
	busy.Area = "ota"
	ix.Upsert(busy)

	got := ix.Match(scoringTask(), nil, 1)
	want := []string{"採点ができる", "世田谷区で活動", "月曜 8:00〜10:00 が空いている", "最近のご案内が少ない", "これまでにお仕事の実績がある"}
	if len(got) != 1 || !slices.Equal(got[0].Reasons, want) {
		t.Fatalf("reasons = %q, want %q", got[0].Reasons, want)
	}
	if got[0].Coverage != 0.5 {
		t.Errorf("coverage = %v, want 0.5", got[0].Coverage)
	}

	remote := scoringTask()
	remote.Remote = true
	for _, c := range ix.Match(remote, nil, 2) {
		if c.ID == busy.ID {
			if slices.Contains(c.Reasons, "最近のご案内が少ない") || !slices.Contains(c.Reasons, "オンラインで参加できる") {
				t.Errorf("busy remote reasons = %q", c.Reasons)
			}
		}
	}
}

// number is a person's internal number, -1 for someone unknown.
func number(ix *Index, id string) int32 {
	n, ok := ix.byID.get(id, ix.ids)
	if !ok {
		return -1
	}
	return n
}

// bitCounts counts the set bits of every bitset, for checking no stale bit
// is left behind.
func bitCounts(ix *Index) (total int) {
	count := func(b bitset) {
		for _, w := range b {
			total += bits.OnesCount64(w)
		}
	}
	count(ix.eligible)
	count(ix.completed)
	count(ix.active)
	count(ix.blocked)
	for _, b := range ix.slots {
		count(b)
	}
	for _, b := range ix.skills {
		count(b)
	}
	return total
}

func TestUpsertReplacesEverything(t *testing.T) {
	ix := NewIndex(tokyo)
	p := scorer("line:U1")
	p.Completed = 2
	ix.Upsert(p)
	old := number(ix, p.ID)

	p.Area, p.Skills, p.Availability, p.Completed = "ota", []string{"clerical"}, free(13, 15, fri), 0
	ix.Upsert(p)

	if ix.Len() != 1 {
		t.Errorf("Len = %d, want 1", ix.Len())
	}
	if got := matchIDs(ix, scoringTask(), 5); len(got) != 0 {
		t.Errorf("old area, skill and time still match: %v", got)
	}
	task := Task{ID: "t", Skills: []string{"clerical"}, Area: "ota", Start: at(6, 13, 0), End: at(6, 15, 0)}
	if got := matchIDs(ix, task, 5); !slices.Equal(got, []string{p.ID}) {
		t.Errorf("new area, skill and time: got %v", got)
	}
	// eligible + active + 1 skill + 4 slots.
	if got, want := bitCounts(ix), 1+1+1+4; got != want {
		t.Errorf("%d bits set, want %d: stale bits left", got, want)
	}

	p.Status = bot.StatusPaused
	ix.Upsert(p)
	if got := matchIDs(ix, task, 5); len(got) != 0 {
		t.Errorf("paused person still matches: %v", got)
	}
	// Neither eligible nor active nor blocked: 1 skill + 4 slots.
	if got, want := bitCounts(ix), 1+4; got != want {
		t.Errorf("paused: %d bits set, want %d", got, want)
	}

	// The number left behind in Setagaya goes to the next person there.
	q := scorer("line:U2")
	ix.Upsert(q)
	if number(ix, q.ID) != old {
		t.Errorf("newcomer got number %d, want the one %s left, %d", number(ix, q.ID), p.ID, old)
	}
	if got := matchIDs(ix, scoringTask(), 5); !slices.Equal(got, []string{q.ID}) {
		t.Errorf("Setagaya task: got %v, want only %s", got, q.ID)
	}
}

func TestAreasKeepTheirOwnNumbers(t *testing.T) {
	ix := NewIndex(tokyo)
	areas := []string{"setagaya", "ota", bot.AreaRemote}
	// More people than one chunk, interleaved across areas.
	for i := range 3 * chunkSize {
		p := scorer(fmt.Sprintf("line:U%05d", i))
		p.Area = areas[i%3]
		ix.Upsert(p)
	}
	for _, a := range areas[:2] {
		task := scoringTask()
		task.Area = a
		got := ix.Match(task, nil, 5000)
		if len(got) != chunkSize {
			t.Errorf("%s: %d matched, want %d", a, len(got), chunkSize)
		}
	}
	remote := scoringTask()
	remote.Remote = true
	if got := ix.Match(remote, nil, 5000); len(got) != 3*chunkSize {
		t.Errorf("remote: %d matched, want %d", len(got), 3*chunkSize)
	}
}

func TestRemoveAndReuse(t *testing.T) {
	ix := NewIndex(tokyo)
	a, b := scorer("line:Ua"), scorer("line:Ub")
	ix.Upsert(a)
	ix.Upsert(b)
	slot := number(ix, a.ID)

	ix.Remove(a.ID)
	ix.Remove("line:Unknown")
	if ix.Len() != 1 {
		t.Errorf("Len = %d, want 1", ix.Len())
	}
	if got := matchIDs(ix, scoringTask(), 5); !slices.Equal(got, []string{b.ID}) {
		t.Errorf("after remove: %v, want only %s", got, b.ID)
	}

	c := scorer("line:Uc")
	c.Skills, c.Availability = []string{"zoom"}, free(18, 20, sat)
	ix.Upsert(c)
	if number(ix, c.ID) != slot {
		t.Errorf("new person got number %d, want the freed %d", number(ix, c.ID), slot)
	}
	if got := matchIDs(ix, scoringTask(), 5); !slices.Equal(got, []string{b.ID}) {
		t.Errorf("reused slot kept the old person's bits: %v", got)
	}
	task := Task{ID: "t", Skills: []string{"zoom"}, Remote: true, Start: at(7, 18, 0), End: at(7, 20, 0)}
	if got := matchIDs(ix, task, 5); !slices.Equal(got, []string{c.ID}) {
		t.Errorf("reused slot: %v, want %s", got, c.ID)
	}
}

func TestIndexGrowsPastWordBoundaries(t *testing.T) {
	ix := NewIndex(tokyo)
	for i := range 200 {
		ix.Upsert(scorer(fmt.Sprintf("line:U%03d", i)))
	}
	if got := ix.Match(scoringTask(), nil, 500); len(got) != 200 {
		t.Errorf("matched %d, want 200", len(got))
	}
	if got := ix.Match(scoringTask(), nil, 0); got != nil {
		t.Errorf("limit 0 gave %v", ids(got))
	}
}

func TestConcurrentUpsertAndMatch(t *testing.T) {
	ix := NewIndex(tokyo)
	for i := range 100 {
		ix.Upsert(scorer(fmt.Sprintf("line:U%03d", i)))
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				p := scorer(fmt.Sprintf("line:U%03d", (g*37+i)%150))
				p.RecentOffers = i % 5
				if i%7 == 0 {
					ix.Remove(p.ID)
				} else {
					ix.Upsert(p)
				}
			}
		})
		wg.Go(func() {
			for i := range 200 {
				task := scoringTask()
				task.ID = fmt.Sprintf("task-%d-%d", g, i)
				for _, c := range ix.Match(task, func(id string) bool { return strings.HasSuffix(id, "7") }, 10) {
					if strings.HasSuffix(c.ID, "7") {
						t.Errorf("excluded %s matched", c.ID)
					}
				}
				_ = ix.Len()
			}
		})
	}
	wg.Wait()
}

func TestFromProfile(t *testing.T) {
	now := time.Now()
	p := &bot.Profile{
		ID: "line:U1", Area: "setagaya", Skills: []string{"scoring"},
		Availability: free(8, 10, mon), WeeklyLimit: 2, ConsentedAt: &now,
		Status:   bot.StatusActive,
		Counters: bot.Counters{Offers: 9, NoShows: 1, Completed: 4},
	}
	got := FromProfile(p)
	want := Person{
		ID: "line:U1", Status: bot.StatusActive, Consented: true, Area: "setagaya",
		Skills: []string{"scoring"}, Availability: free(8, 10, mon), WeeklyLimit: 2,
		Cancellations: 1, Completed: 4,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("FromProfile = %+v, want %+v", got, want)
	}
	p.ConsentedAt = nil
	if FromProfile(p).Consented {
		t.Error("a profile without consent time is consented")
	}
}

func TestTieBreakIsFNV64a(t *testing.T) {
	for _, tc := range [][2]string{{"task-1", "line:U1"}, {"", ""}, {"タスク", "slack:T1:U2"}} {
		h := fnv.New64a()
		h.Write([]byte(tc[0] + "/" + tc[1]))
		if got, want := tieBreak(tc[0], tc[1]), h.Sum64(); got != want {
			t.Errorf("tieBreak(%q, %q) = %x, want %x", tc[0], tc[1], got, want)
		}
	}
}
