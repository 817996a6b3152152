package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	"tsunagu/adapters/internal/measure"
	"tsunagu/bot"
	"tsunagu/config"
	"tsunagu/matching"
)

// Sizes of the cold start: a million people on a real Redis; the embedded
// one is slow to fill and holds everything in this process, so it gets a
// small crowd and refuses a large one.
const (
	coldDefault         = 1_000_000
	coldEmbeddedDefault = 10_000
	coldEmbeddedMax     = 50_000
)

// coldMarker is a hash in the filled database naming what fills it
// (coldVersion of the people below and their count) and the Redis memory
// they took, so that a later run reuses a million people instead of
// writing them again. Change coldVersion with the people.
const (
	coldMarker  = "bench:cold"
	coldVersion = 1
)

// BenchmarkColdStart times a replica's first matching index: Live.Rebuild
// reading every stored person (profile and conversation) through
// Store.Each into a fresh index. The people are written first, as Commit
// stores them, to an embedded Redis or to database 13 of the server
// REDIS_URL names, flushed unless an earlier run left the same people
// there; TSUNAGU_COLD_PEOPLE sets how many (a million on a real server,
// 10,000 embedded). It reports per rebuild the seconds on the clock and
// people/s, the CPU seconds of this process (cpu-s) and of the server
// (redis-cpu-s), which a shared machine disturbs less; the Redis memory a
// person takes (used_memory grown by the fill, over the people); and the
// heap the built index keeps a person.
//
//	redis-server --port 6398 --save '' --daemonize yes
//	REDIS_URL=redis://127.0.0.1:6398/0 go test ./adapters/redis/ -run '^$' -bench ColdStart -benchtime 1x -count 3
func BenchmarkColdStart(b *testing.B) {
	ctx := context.Background()
	url := os.Getenv("REDIS_URL")
	n := coldDefault
	if url == "" {
		n = coldEmbeddedDefault
	}
	if s := os.Getenv("TSUNAGU_COLD_PEOPLE"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n <= 0 {
			b.Fatalf("TSUNAGU_COLD_PEOPLE=%q is not a count of people", s)
		}
	}
	var c goredis.UniversalClient
	if url != "" {
		opt, err := goredis.ParseURL(url)
		if err != nil {
			b.Fatal(err)
		}
		opt.DB = 13
		c = goredis.NewClient(opt)
	} else {
		if n > coldEmbeddedMax {
			b.Skipf("%d people need a real Redis: set REDIS_URL", n)
		}
		c = goredis.NewClient(&goredis.Options{Addr: miniredis.RunT(b).Addr()})
	}
	b.Cleanup(func() { c.Close() })

	perPerson := coldFill(ctx, b, c, n)
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		b.Fatal(err)
	}
	live := matching.NewLive(NewStore(c), nil, tokyo, nil)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	cpu0, redis0 := measure.ProcessCPU(), redisCPU(ctx, b, c)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := live.Rebuild(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	cpu, redisSec := measure.ProcessCPU()-cpu0, redisCPU(ctx, b, c)-redis0
	runtime.GC()
	runtime.ReadMemStats(&after)
	if got, ok := live.Audience(bot.Audience{}); !ok || len(got.LINE)+len(got.Slack)+got.Skipped == 0 {
		b.Fatalf("the rebuilt index reaches nobody (built %v)", ok)
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(sec, "rebuild-s")
	b.ReportMetric(float64(n)/sec, "people/s")
	if cpu > 0 {
		b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s")
	}
	if perPerson > 0 {
		b.ReportMetric(perPerson, "redis-B/person")
		b.ReportMetric(redisSec/float64(b.N), "redis-cpu-s")
	}
	b.ReportMetric((float64(after.HeapAlloc)-float64(before.HeapAlloc))/float64(n), "index-B/person")
	runtime.KeepAlive(live)
}

// coldFill writes n people to c unless it holds them from an earlier
// run, and returns the Redis memory a person takes.
func coldFill(ctx context.Context, b *testing.B, c goredis.UniversalClient, n int) float64 {
	b.Helper()
	fill := fmt.Sprintf("v%d n=%d", coldVersion, n)
	if m, err := c.HGetAll(ctx, coldMarker).Result(); err == nil && m["fill"] == fill {
		per, err := strconv.ParseFloat(m["bytes"], 64)
		if err == nil {
			return per
		}
	}
	if err := c.FlushDB(ctx).Err(); err != nil {
		b.Fatal(err)
	}
	used0 := usedMemory(ctx, b, c)
	start := time.Now()
	g := newColdGen(b, 42, time.Now())
	const batch = 1000
	for lo := 0; lo < n; lo += batch {
		_, err := c.Pipelined(ctx, func(pl goredis.Pipeliner) error {
			for i := lo; i < min(lo+batch, n); i++ {
				p, conv := g.person(i)
				pj, err := json.Marshal(p)
				if err != nil {
					return err
				}
				cj, err := json.Marshal(conv)
				if err != nil {
					return err
				}
				// As commitScript leaves a person after their first commit.
				sh := shardOf(p.ID)
				state, at := talkIndex(conv.Talk)
				pl.HSet(ctx, personKey(p.ID), "profile", pj, "conv", cj, "ver", 1, "tk", state+":"+strconv.FormatInt(at, 10))
				pl.SAdd(ctx, profilesKey(sh), p.ID)
				switch state {
				case "open":
					pl.ZAdd(ctx, openTalksKey(sh), goredis.Z{Score: float64(at), Member: p.ID})
				case "closed":
					pl.ZAdd(ctx, closedTalksKey(sh), goredis.Z{Score: float64(at), Member: p.ID})
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	per := (usedMemory(ctx, b, c) - used0) / float64(n)
	b.Logf("%d people written in %v, %.0f B each in Redis", n, time.Since(start).Round(time.Millisecond), per)
	if err := c.HSet(ctx, coldMarker, "fill", fill, "bytes", per).Err(); err != nil {
		b.Fatal(err)
	}
	return per
}

// usedMemory is the server's used_memory in bytes (0 on the embedded
// Redis).
func usedMemory(ctx context.Context, b *testing.B, c goredis.UniversalClient) float64 {
	b.Helper()
	v, _, err := measure.RedisInfo(ctx, c, "memory", "used_memory")
	if err != nil {
		b.Fatal(err)
	}
	return v
}

// redisCPU is the CPU time the server has used, in seconds (0 on the
// embedded Redis).
func redisCPU(ctx context.Context, b *testing.B, c goredis.UniversalClient) float64 {
	b.Helper()
	cpu, _, err := measure.RedisCPU(ctx, c)
	if err != nil {
		b.Fatal(err)
	}
	return cpu.Seconds()
}

// coldGen draws stored people from a fixed seed: the shipped catalog's
// skills (the first ones more often) and areas, a name, weekly free time in
// blocks, a record of past work, and the conversation a month of use
// leaves: half hold no offer, the others one to a dozen (answered or
// waiting, with the card's texts and reasons), one in five a session
// invitation, one in fifty a talk with the coordinators. One in ten is on
// Slack.
type coldGen struct {
	r             *rand.Rand
	zipf          *rand.Zipf
	skills, areas []string
	now           time.Time
}

func newColdGen(b *testing.B, seed uint64, now time.Time) *coldGen {
	b.Helper()
	cat, err := config.DefaultCatalog()
	if err != nil {
		b.Fatal(err)
	}
	g := &coldGen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), now: now.Truncate(time.Second)}
	for _, s := range cat.Skills {
		g.skills = append(g.skills, s.ID)
	}
	for _, a := range cat.Areas {
		g.areas = append(g.areas, a.ID)
	}
	g.zipf = rand.NewZipf(g.r, 1.2, 2, uint64(len(g.skills)-1))
	return g
}

var (
	coldFamily = []string{"佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"}
	coldGiven  = []string{"花子", "太郎", "陽子", "健一", "美咲", "大輔", "由美", "誠", "恵子", "翔"}
	coldTitles = []string{"朝テストの採点", "Zoom配信のサポート", "パソコン教室の補助", "イベント受付", "保育園の用務員", "英語の添削"}
	coldOrgs   = []string{"世田谷区立第二小学校", "NPO法人つなぐ", "調布市社会福祉協議会", ""}
	coldStates = []bot.OfferState{bot.OfferAccepted, bot.OfferDeclined, bot.OfferExpired, bot.OfferOffered}
)

func (g *coldGen) person(i int) (*bot.Profile, bot.Conversation) {
	r := g.r
	id := fmt.Sprintf("line:U%032x", i)
	if i%10 == 0 {
		id = fmt.Sprintf("slack:T%08X:U%010X", i%97, i)
	}
	created := g.now.Add(-time.Duration(r.IntN(2*365*24)) * time.Hour)
	p := &bot.Profile{
		ID:          id,
		Name:        coldFamily[r.IntN(len(coldFamily))] + " " + coldGiven[r.IntN(len(coldGiven))],
		Area:        g.areas[r.IntN(len(g.areas))],
		WeeklyLimit: r.IntN(6),
		Status:      bot.StatusActive,
		CreatedAt:   created,
		UpdatedAt:   created.Add(time.Duration(r.IntN(24*30)) * time.Hour),
	}
	for k := 2 + r.IntN(4); len(p.Skills) < k; {
		if s := g.skills[g.zipf.Uint64()]; !slices.Contains(p.Skills, s) {
			p.Skills = append(p.Skills, s)
		}
	}
	switch k := r.IntN(100); {
	case k < 5:
		p.Status = bot.StatusPaused
	case k < 8:
		p.Status = bot.StatusBlocked
	case k < 10:
		p.Status = bot.StatusOnboarding
	}
	if p.Status != bot.StatusOnboarding {
		at := created.Add(5 * time.Minute)
		p.ConsentedAt = &at
	}
	for _, d := range r.Perm(7)[:3+r.IntN(4)] {
		for range 1 + r.IntN(3) {
			from := 12 + r.IntN(33) // 6:00 … 22:00
			p.Availability.Set(d, from, from+2+r.IntN(11))
		}
	}
	done := r.IntN(20)
	p.Counters = bot.Counters{Offers: done + r.IntN(30), Accepts: done + r.IntN(3), Declines: r.IntN(10),
		Completed: done, Hours: float64(done) * 2.5}
	if r.IntN(10) == 0 {
		p.Counters.Cancellations = 1 + r.IntN(3)
	}

	var c bot.Conversation
	offers := 0
	switch k := r.IntN(100); {
	case k < 50:
	case k < 80:
		offers = 1 + r.IntN(2)
	case k < 95:
		offers = 3 + r.IntN(3)
	default:
		offers = 6 + r.IntN(7)
	}
	for j := range offers {
		at := g.now.Add(-time.Duration(r.IntN(30*24)) * time.Hour)
		start := at.Add(time.Duration(24+r.IntN(10*24)) * time.Hour)
		ref := bot.OfferRef{
			TaskID:       fmt.Sprintf("T%08d", r.IntN(1_000_000)),
			Title:        coldTitles[r.IntN(len(coldTitles))],
			Organization: coldOrgs[r.IntN(len(coldOrgs))],
			Place:        "世田谷区太子堂1-2-3",
			Reward:       "1時間1,200円",
			Start:        start,
			End:          start.Add(2 * time.Hour),
			ExpiresAt:    at.Add(24 * time.Hour),
			State:        coldStates[r.IntN(len(coldStates))],
			At:           at,
			Created:      at.Add(-time.Hour),
		}
		if ref.State == bot.OfferOffered || j%2 == 0 {
			ref.Reasons = []string{"採点・丸つけができる", "世田谷区で活動", "火曜 10:00〜12:00 が空いている", "最近のご案内が少ない"}
		}
		if ref.State == bot.OfferAccepted {
			ref.AcceptedAt = at.Add(time.Duration(r.IntN(600)) * time.Minute)
			ref.Confirm = bot.ConfirmConfirmed
		}
		c.Offers = append(c.Offers, ref)
	}
	if r.IntN(5) == 0 {
		start := g.now.Add(time.Duration(r.IntN(14*24)) * time.Hour)
		c.Sessions = []bot.SessionRef{{SessionID: fmt.Sprintf("S%06d", r.IntN(10_000)), Title: "放課後企業クラブ 説明会",
			URL: "https://zoom.example/j/81234567890", Start: start, End: start.Add(time.Hour), RSVP: bot.RSVPYes}}
	}
	if r.IntN(50) == 0 {
		opened := g.now.Add(-time.Duration(r.IntN(20*24)) * time.Hour)
		tk := &bot.Talk{Open: r.IntN(2) == 0, OpenedAt: opened}
		for k := range 2 + r.IntN(9) {
			from := bot.TalkFromPerson
			if k%2 == 1 {
				from = bot.TalkFromCoordinator
			}
			tk.Messages = append(tk.Messages, bot.TalkMessage{From: from, At: opened.Add(time.Duration(k) * time.Hour),
				Text: "来週の採点の件ですが、時間を少し遅らせることはできますか？よろしくお願いします。"})
		}
		if !tk.Open {
			closed := opened.Add(24 * time.Hour)
			tk.ClosedAt = &closed
		}
		c.Talk = tk
	}
	return p, c
}
