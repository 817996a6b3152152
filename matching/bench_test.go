package matching

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"tsunagu/bot"
	"tsunagu/config"
)

// Synthetic people: 40 catalog-like skills with a skewed popularity, 20
// areas, weekly availability in blocks, about 90% eligible.
const (
	benchSkills = 40
	benchAreas  = 20
)

var (
	benchSkillIDs = func() []string {
		out := make([]string, benchSkills)
		for i := range out {
			out[i] = fmt.Sprintf("skill%02d", i)
		}
		return out
	}()
	benchAreaIDs = func() []string {
		out := make([]string, benchAreas)
		for i := range out {
			out[i] = fmt.Sprintf("area%02d", i)
		}
		return out
	}()
)

// synthGen draws synthetic people from a fixed seed, so every run indexes
// the same million.
type synthGen struct {
	r             *rand.Rand
	zipf          *rand.Zipf
	skills, areas []string
	slack         int // one person in slack is on Slack; 0: everyone on LINE
}

func newSynthGen(seed uint64) *synthGen {
	return newGen(seed, benchSkillIDs, benchAreaIDs)
}

func newGen(seed uint64, skills, areas []string) *synthGen {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return &synthGen{r: r, zipf: rand.NewZipf(r, 1.2, 2, uint64(len(skills)-1)), skills: skills, areas: areas}
}

// catalogGen draws people with the shipped catalog's skills (popular ones
// first, as the catalog lists them) and areas, remote among them, one in
// ten on Slack.
func catalogGen(b *testing.B, seed uint64) *synthGen {
	b.Helper()
	cat, err := config.DefaultCatalog()
	if err != nil {
		b.Fatal(err)
	}
	ids := func(es []config.CatalogEntry) []string {
		out := make([]string, len(es))
		for i, e := range es {
			out[i] = e.ID
		}
		return out
	}
	g := newGen(seed, ids(cat.Skills), ids(cat.Areas))
	g.slack = 10
	return g
}

// pickSkills draws k distinct skills, popular ones more often.
func (g *synthGen) pickSkills(k int) []string {
	out := make([]string, 0, k)
	for len(out) < k {
		s := g.skills[g.zipf.Uint64()]
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func (g *synthGen) person(i int) Person {
	r := g.r
	id := fmt.Sprintf("line:U%032x", i)
	if g.slack > 0 && i%g.slack == 0 {
		id = fmt.Sprintf("slack:T%08X:U%010X", i%97, i)
	}
	p := Person{
		ID:           id,
		Status:       bot.StatusActive,
		Consented:    true,
		Area:         g.areas[r.IntN(len(g.areas))],
		Skills:       g.pickSkills(2 + r.IntN(4)),
		WeeklyLimit:  1 + r.IntN(5),
		RecentOffers: r.IntN(4),
		Completed:    r.IntN(20),
	}
	switch k := r.IntN(100); {
	case k < 5:
		p.Status = bot.StatusPaused
	case k < 7:
		p.Consented = false
	case k < 10:
		p.AssignedThisWeek = p.WeeklyLimit
	}
	if r.IntN(10) == 0 {
		p.Cancellations = 1 + r.IntN(3)
	}
	for _, d := range r.Perm(7)[:3+r.IntN(4)] {
		for range 1 + r.IntN(3) {
			from := 12 + r.IntN(33) // 6:00 … 22:00
			p.Availability.Set(d, from, from+2+r.IntN(11))
		}
	}
	return p
}

func buildIndex(n int) *Index {
	ix := NewIndex(tokyo)
	g := newSynthGen(42)
	for i := range n {
		ix.Upsert(g.person(i))
	}
	return ix
}

// benchTasks are the queries: three skills (any of them), two hours on a
// weekday, one area; they vary so no single lucky query sets the number.
func benchTasks() []Task {
	g := newSynthGen(7)
	out := make([]Task, 16)
	for i := range out {
		start := at(2+i%5, 9+i%8, 30*(i%2))
		out[i] = Task{
			ID:     fmt.Sprintf("task-%d", i),
			Skills: g.pickSkills(3),
			Area:   benchAreaIDs[i%benchAreas],
			Start:  start,
			End:    start.Add(2 * time.Hour),
		}
	}
	return out
}

var (
	benchMu      sync.Mutex
	benchIndexes = map[int]*Index{}
)

// sharedIndex builds each size once per test binary.
func sharedIndex(n int) *Index {
	benchMu.Lock()
	defer benchMu.Unlock()
	if ix, ok := benchIndexes[n]; ok {
		return ix
	}
	ix := buildIndex(n)
	benchIndexes[n] = ix
	return ix
}

func BenchmarkMatch(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("people=%d", n), func(b *testing.B) {
			if n > 100_000 && testing.Short() {
				b.Skip("1M people only without -short")
			}
			ix := sharedIndex(n)
			tasks := benchTasks()
			durs := make([]time.Duration, 0, 1024)
			found := 0
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				t0 := time.Now()
				got := ix.Match(tasks[i%len(tasks)], nil, 50)
				durs = append(durs, time.Since(t0))
				found += len(got)
			}
			b.StopTimer()
			slices.Sort(durs)
			b.ReportMetric(float64(durs[len(durs)/2].Nanoseconds()), "p50-ns")
			b.ReportMetric(float64(durs[len(durs)*99/100].Nanoseconds()), "p99-ns")
			b.ReportMetric(float64(found)/float64(len(durs)), "found/op")
		})
	}
}

// BenchmarkIndexMemory1M reports the heap an index of a million people
// keeps (B/person, MB) and the time to fill it (build-s, also ns/op),
// with people drawn from the shipped catalog. The people are made in
// batches outside the timer, and the last batch is cleared before the
// heap is read, so the heap counts the index alone: its bitsets, tables
// and the people's IDs, which only the index holds.
func BenchmarkIndexMemory1M(b *testing.B) {
	if testing.Short() {
		b.Skip("1M people only without -short")
	}
	const n = 1_000_000
	batch := make([]Person, 1<<15)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var ix *Index
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		ix = nil // garbage before the next one is built
		g := catalogGen(b, 42)
		ix = NewIndex(tokyo)
		for lo := 0; lo < n; lo += len(batch) {
			people := batch[:min(len(batch), n-lo)]
			for i := range people {
				people[i] = g.person(lo + i)
			}
			b.StartTimer()
			for _, p := range people {
				ix.Upsert(p)
			}
			b.StopTimer()
		}
	}
	clear(batch)
	runtime.GC()
	runtime.ReadMemStats(&after)
	if ix.Len() != n {
		b.Fatalf("%d people indexed, want %d", ix.Len(), n)
	}
	heap := float64(after.HeapAlloc) - float64(before.HeapAlloc)
	b.ReportMetric(heap/(1<<20), "MB")
	b.ReportMetric(heap/n, "B/person")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "build-s")
	runtime.KeepAlive(ix)
	runtime.KeepAlive(batch)
}

// BenchmarkUpsert changes people already in a 100k index: the write-lock
// cost a profile change pays. It builds its own index so the shared ones
// stay as generated.
func BenchmarkUpsert(b *testing.B) {
	ix := buildIndex(100_000)
	g := newSynthGen(99)
	people := make([]Person, 1024)
	for i := range people {
		people[i] = g.person(i * 97)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ix.Upsert(people[i%len(people)])
	}
}

// BenchmarkRecountWeek lets a replica's index run a simulated week, a
// minute at a time, over 200,000 people holding what a month of use
// leaves (half no offer, the others 1 to 12 offers of the last 30 days, a
// third of them accepted, for tasks up to two weeks on), and counts the
// people each minute's recount reads again from the source (Redis in the
// service). Before recounts, the whole index was reread every ten minutes:
// 20,000 people a minute at this size, whether their counts had moved or
// not.
func BenchmarkRecountWeek(b *testing.B) {
	const people = 200_000
	r := rand.New(rand.NewPCG(3, 4))
	start := at(4, 12, 0) // a Wednesday, noon
	src := &talkingSource{
		source: source{people: make(map[string]*bot.Profile, people)},
		convs:  make(map[string]bot.Conversation, people),
		broken: map[string]bool{},
		loads:  map[string]int{},
	}
	for i := range people {
		id := fmt.Sprintf("line:U%032x", i)
		src.people[id] = scoringProfile(id)
		if r.IntN(2) == 0 {
			continue
		}
		var conv bot.Conversation
		for range 1 + r.IntN(12) {
			offered := start.Add(-time.Duration(r.Int64N(int64(30 * 24 * time.Hour))))
			ref := bot.OfferRef{TaskID: fmt.Sprint("t", r.IntN(1000)), State: bot.OfferDeclined, At: offered,
				Start: offered.Add(time.Duration(1+r.IntN(14)) * 24 * time.Hour)}
			if r.IntN(3) == 0 {
				ref.State, ref.AcceptedAt = bot.OfferAccepted, offered.Add(time.Hour)
			}
			ref.End = ref.Start.Add(2 * time.Hour)
			conv.Offers = append(conv.Offers, ref)
		}
		src.convs[id] = conv
	}
	ctx := context.Background()
	for range b.N {
		clock := start
		l := NewLive(src, nil, tokyo, nil)
		l.UseClock(func() time.Time { return clock })
		if err := l.Rebuild(ctx); err != nil {
			b.Fatal(err)
		}
		held := l.recounts.len()
		// What the moments take: the heap with them, and without.
		var with, without runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&with)
		l.recounts = newRecounts()
		runtime.GC()
		runtime.ReadMemStats(&without)
		if err := l.Rebuild(ctx); err != nil { // the moments back
			b.Fatal(err)
		}
		b.ReportMetric((float64(with.HeapAlloc)-float64(without.HeapAlloc))/float64(held), "B/held-person")
		total, most := 0, 0
		var took time.Duration
		const minutes = 7 * 24 * 60
		for range minutes {
			clock = clock.Add(time.Minute)
			t0 := time.Now()
			n := l.Recount(ctx)
			took += time.Since(t0)
			total += n
			most = max(most, n)
		}
		b.ReportMetric(float64(held)/people, "held/person")
		b.ReportMetric(float64(total)/minutes, "reads/min")
		b.ReportMetric(float64(most), "max-reads/min")
		b.ReportMetric(float64(people)/10, "old-reads/min")
		b.ReportMetric(float64(took.Microseconds())/minutes, "µs/recount")
	}
}
