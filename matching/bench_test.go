package matching

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"tsunagu/bot"
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
	r    *rand.Rand
	zipf *rand.Zipf
}

func newSynthGen(seed uint64) *synthGen {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return &synthGen{r: r, zipf: rand.NewZipf(r, 1.2, 2, benchSkills-1)}
}

// skills draws k distinct skills, popular ones more often.
func (g *synthGen) skills(k int) []string {
	out := make([]string, 0, k)
	for len(out) < k {
		s := benchSkillIDs[g.zipf.Uint64()]
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func (g *synthGen) person(i int) Person {
	r := g.r
	p := Person{
		ID:           fmt.Sprintf("line:U%032x", i),
		Status:       bot.StatusActive,
		Consented:    true,
		Area:         benchAreaIDs[r.IntN(benchAreas)],
		Skills:       g.skills(2 + r.IntN(4)),
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
			Skills: g.skills(3),
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

// BenchmarkIndexMemory reports the heap a million indexed people take; its
// ns/op is the time to build the index.
func BenchmarkIndexMemory(b *testing.B) {
	if testing.Short() {
		b.Skip("1M people only without -short")
	}
	const n = 1_000_000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var ix *Index
	for range b.N {
		ix = buildIndex(n)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := float64(after.HeapAlloc) - float64(before.HeapAlloc)
	b.ReportMetric(heap/(1<<20), "MB")
	b.ReportMetric(heap/n, "B/person")
	runtime.KeepAlive(ix)
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
