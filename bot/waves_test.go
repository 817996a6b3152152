package bot_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	redisadapter "tsunagu/adapters/redis"
	"tsunagu/bot"
	"tsunagu/bot/avail"
	"tsunagu/config"
	"tsunagu/matching"
)

// world is a Bot on embedded Redis with a clock the test moves.
type world struct {
	t     *testing.T
	b     *bot.Bot
	tasks *bot.TaskService
	// sessions is set by the session tests.
	sessions *bot.SessionService
	bs       *bot.BroadcastService
	// broadcasts is the store under bs (useBroadcasts).
	broadcasts bot.BroadcastStore
	ix         *matching.Index
	store      *redisadapter.Store
	outbox     *redisadapter.Outbox
	clock      time.Time
	ids        int
	addr       string // of the embedded Redis
}

// indexMatcher is the bot.Matcher of the service, without the Redis feed.
type indexMatcher struct{ ix *matching.Index }

func (m indexMatcher) Candidates(t *bot.Task, exclude func(string) bool, limit int) []bot.Candidate {
	var out []bot.Candidate
	for _, c := range m.ix.Match(matching.TaskOf(t), exclude, limit) {
		out = append(out, bot.Candidate{ID: c.ID, Reasons: c.Reasons})
	}
	return out
}

func newWorld(t *testing.T, clock time.Time, quiet string) *world {
	t.Helper()
	addr := miniredis.RunT(t).Addr()
	c := goredis.NewClient(&goredis.Options{Addr: addr})
	t.Cleanup(func() { c.Close() })
	file, err := config.DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := file.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	qh, err := config.ParseQuietHours(quiet)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, clock: clock, addr: addr, ix: matching.NewIndex(clock.Location()),
		store: redisadapter.NewStore(c), outbox: redisadapter.NewOutbox(c)}
	if err := w.outbox.EnsureGroups(context.Background()); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	now := func() time.Time { return w.clock }
	newID := func() string { w.ids++; return fmt.Sprintf("id%04d", w.ids) }
	w.tasks = &bot.TaskService{Tasks: redisadapter.NewTasks(c), Matcher: indexMatcher{w.ix}, Outbox: w.outbox, People: w.store,
		Catalog: cat, Logger: log, Now: now, NewID: newID, Location: clock.Location(), Quiet: qh}
	w.b = &bot.Bot{Store: w.store, Catalog: cat, Logger: log, Now: now, NewID: newID,
		Location: clock.Location(), Tasks: w.tasks}
	return w
}

// useBroadcasts gives the world a broadcast service on store, reading the
// LINE quota from line, with the bot's clock, IDs, catalog and quiet hours.
func (w *world) useBroadcasts(store bot.BroadcastStore, line bot.LINEQuota) {
	w.b.Broadcasts, w.broadcasts = store, store
	w.bs = &bot.BroadcastService{Store: store, People: w.store, Catalog: w.b.Catalog, LINE: line,
		Quiet: w.tasks.Quiet, Location: w.b.Location, Now: w.b.Now, NewID: w.b.NewID, Logger: w.b.Logger}
}

// people registers n active graders in Setagaya, free on weekdays 9–18.
func (w *world) people(n int) []string {
	w.t.Helper()
	week, err := avail.Parse("平日 9時〜18時")
	if err != nil {
		w.t.Fatal(err)
	}
	var ids []string
	for i := range n {
		p := &bot.Profile{ID: fmt.Sprintf("line:U%04d", i), Name: fmt.Sprintf("人%d", i), Area: "setagaya",
			Skills: []string{"grading"}, Availability: week, WeeklyLimit: 3, ConsentedAt: &w.clock,
			Status: bot.StatusActive, CreatedAt: w.clock, UpdatedAt: w.clock}
		if err := w.store.CreateProfile(context.Background(), p); err != nil {
			w.t.Fatal(err)
		}
		w.ix.Upsert(matching.FromProfile(p))
		ids = append(ids, p.ID)
	}
	return ids
}

// deliver plays the outbox worker: events go to the bot, messages are
// returned by recipient.
func (w *world) deliver() map[string][]bot.Message {
	w.t.Helper()
	ctx := context.Background()
	got := map[string][]bot.Message{}
	for {
		ds, err := w.outbox.Read(ctx, "test", 100)
		if err != nil {
			w.t.Fatal(err)
		}
		if len(ds) == 0 {
			return got
		}
		for _, d := range ds {
			if d.Out.Kind == bot.OutEvent {
				if err := w.b.Handle(ctx, *d.Out.Event); err != nil {
					w.t.Fatal(err)
				}
			} else {
				got[d.Out.To] = append(got[d.Out.To], d.Out.Messages...)
			}
			if err := w.outbox.Ack(ctx, d); err != nil {
				w.t.Fatal(err)
			}
		}
	}
}

// gradingTask posts 朝テストの採点 in Setagaya from start, two hours for
// headcount people, its offers lasting offerTTL (0: the default).
func (w *world) gradingTask(start time.Time, headcount int, offerTTL time.Duration) *bot.Task {
	w.t.Helper()
	task, err := w.tasks.CreateTask(context.Background(), &bot.Task{Title: "朝テストの採点", Skills: []string{"grading"}, Area: "setagaya",
		Start: start, End: start.Add(2 * time.Hour), Headcount: headcount, OfferTTL: offerTTL})
	if err != nil {
		w.t.Fatal(err)
	}
	return task
}

func (w *world) task(id string) *bot.TaskView {
	w.t.Helper()
	v, err := w.tasks.FindTask(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	return v
}

func (w *world) sweep() bot.SweepSummary {
	w.t.Helper()
	sum, err := w.tasks.RunOffers(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	return sum
}

func tokyo(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestWavesFollowExpiryAndDeclines moves the clock through a task's life:
// each wave asks headcount × 3 people, the next goes when offers expire or
// are declined, none goes during quiet hours or after the start.
func TestWavesFollowExpiryAndDeclines(t *testing.T) {
	loc := tokyo(t)
	monday := time.Date(2026, 11, 30, 9, 0, 0, 0, loc)
	w := newWorld(t, monday, "21:00-08:00")
	w.people(12)
	ctx := context.Background()
	start := time.Date(2026, 12, 3, 10, 0, 0, 0, loc) // Thursday
	task := w.gradingTask(start, 1, time.Hour)
	first := w.task(task.ID).Offered
	if len(first) != 3 {
		t.Fatalf("first wave offered %v, want 3 people", first)
	}
	cards := w.deliver()
	for _, id := range first {
		if len(cards[id]) != 1 || cards[id][0].Card == nil || !strings.Contains(cards[id][0].Card.Fields[0].Value, "12月3日(木) 10:00〜12:00") {
			t.Fatalf("offer card to %s: %+v", id, cards[id])
		}
	}

	if sum := w.sweep(); sum.Offered != 0 {
		t.Fatalf("a sweep before expiry offered %d", sum.Offered)
	}
	w.clock = monday.Add(59 * time.Minute)
	if sum := w.sweep(); sum.Offered != 0 {
		t.Fatalf("a sweep a minute before expiry offered %d", sum.Offered)
	}
	w.clock = monday.Add(time.Hour)
	if sum := w.sweep(); sum.Offered != 3 {
		t.Fatalf("the sweep at expiry offered %d, want the next 3", sum.Offered)
	}
	v := w.task(task.ID)
	if len(v.Expired) != 3 || len(v.Offered) != 3 {
		t.Fatalf("after expiry: expired %v offered %v", v.Expired, v.Offered)
	}
	for _, id := range v.Offered {
		for _, old := range first {
			if id == old {
				t.Fatalf("%s was offered twice", id)
			}
		}
	}
	w.deliver()

	// A decline brings the next person at once, without waiting for the
	// hour to pass.
	decliner := v.Offered[0]
	if err := w.b.Handle(ctx, bot.Inbound{ID: "decline-1", Kind: bot.EventPostback, ProfileID: decliner, Data: "offer:decline:" + task.ID}); err != nil {
		t.Fatal(err)
	}
	if got := w.deliver()[decliner]; len(got) != 1 || !strings.Contains(got[0].Text, "見送りで承りました") {
		t.Fatalf("decline answer: %+v", got)
	}
	if sum := w.sweep(); sum.Offered != 1 {
		t.Fatalf("after a decline the sweep offered %d, want 1", sum.Offered)
	}
	w.deliver()

	// Offers lapsing at 21:30 wait for the morning.
	w.clock = time.Date(2026, 11, 30, 21, 30, 0, 0, loc)
	if sum := w.sweep(); sum.Offered != 0 {
		t.Fatalf("a sweep in quiet hours offered %d", sum.Offered)
	}
	w.clock = time.Date(2026, 12, 1, 7, 59, 0, 0, loc)
	if sum := w.sweep(); sum.Tasks != 0 {
		t.Fatalf("the task came due before the quiet hours ended: %+v", sum)
	}
	w.clock = time.Date(2026, 12, 1, 8, 0, 0, 0, loc)
	if sum := w.sweep(); sum.Offered != 3 {
		t.Fatalf("the morning sweep offered %d, want 3", sum.Offered)
	}
	w.deliver()

	// Once the task has started nobody more is asked.
	w.clock = start.Add(time.Minute)
	if sum := w.sweep(); sum.Offered != 0 {
		t.Fatalf("a sweep after the start offered %d", sum.Offered)
	}
	w.clock = start.Add(time.Hour)
	if sum := w.sweep(); sum.Tasks != 0 {
		t.Fatalf("a started task stayed on the sweep: %+v", sum)
	}
}

// TestAcceptedPeopleAreReminded checks the reminders of an accepted task:
// at 18:00 the evening before and two hours before, each once, and none
// after a cancellation.
func TestAcceptedPeopleAreReminded(t *testing.T) {
	loc := tokyo(t)
	w := newWorld(t, time.Date(2026, 11, 30, 9, 0, 0, 0, loc), "")
	w.people(2)
	ctx := context.Background()
	start := time.Date(2026, 12, 3, 10, 0, 0, 0, loc)
	task := w.gradingTask(start, 2, 0)
	w.deliver()
	ids := w.task(task.ID).Offered
	for i, id := range ids {
		if err := w.b.Handle(ctx, bot.Inbound{ID: fmt.Sprintf("yes-%d", i), Kind: bot.EventText, ProfileID: id, Text: "はい"}); err != nil {
			t.Fatal(err)
		}
	}
	w.deliver()
	// The second person gives the place up.
	for i, text := range []string{"キャンセル", "はい"} {
		if err := w.b.Handle(ctx, bot.Inbound{ID: fmt.Sprintf("cancel-%d", i), Kind: bot.EventText, ProfileID: ids[1], Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	w.deliver()

	due := w.due
	// 24 hours before the start the task is short (1 of 2): the
	// coordinators are told, and nobody else hears anything yet.
	got := due(time.Date(2026, 12, 2, 17, 59, 0, 0, loc))
	if len(got) != 1 || len(got[bot.CoordinatorID]) != 1 || !strings.Contains(got[bot.CoordinatorID][0].Text, "2名の募集に対して、いま1名") {
		t.Fatalf("before 18:00: %+v", got)
	}
	// At 18:00 the evening before, the person who kept the place is asked
	// whether they still come; they say so in a sentence.
	got = due(time.Date(2026, 12, 2, 18, 0, 0, 0, loc))
	if len(got[ids[0]]) != 1 || got[ids[0]][0].Card == nil || !strings.Contains(got[ids[0]][0].Card.Body, "明日の「朝テストの採点」、予定どおり行けますか") || len(got[ids[1]]) != 0 {
		t.Fatalf("evening question: %+v", got)
	}
	if v := w.task(task.ID); !reflect.DeepEqual(v.Asked, []string{ids[0]}) || len(v.Confirmed) != 0 {
		t.Fatalf("after the question: asked %v, confirmed %v", v.Asked, v.Confirmed)
	}
	if got := due(time.Date(2026, 12, 2, 18, 1, 0, 0, loc)); len(got) != 0 {
		t.Fatalf("an evening question came twice: %+v", got)
	}
	w.say(ids[0], "はい、明日は行けます")
	if v := w.task(task.ID); !reflect.DeepEqual(v.Confirmed, []string{ids[0]}) || len(v.Asked) != 0 {
		t.Fatalf("after 行けます: confirmed %v, asked %v", v.Confirmed, v.Asked)
	}
	// Two hours before: the reminder; nobody is unconfirmed.
	got = due(time.Date(2026, 12, 3, 8, 0, 0, 0, loc))
	if len(got[ids[0]]) != 1 || !strings.Contains(got[ids[0]][0].Card.Body, "2時間前") || len(got[ids[1]]) != 0 || len(got[bot.CoordinatorID]) != 0 {
		t.Fatalf("two-hours-before reminders: %+v", got)
	}
	if got := due(time.Date(2026, 12, 3, 9, 0, 0, 0, loc)); len(got) != 0 {
		t.Fatalf("late messages: %+v", got)
	}
	// When it ends, how did it go? In words, with the hours.
	got = due(time.Date(2026, 12, 3, 12, 0, 0, 0, loc))
	if len(got[ids[0]]) != 1 || got[ids[0]][0].Card == nil || !strings.Contains(got[ids[0]][0].Card.Body, "予定どおり終わりましたか") {
		t.Fatalf("the question after the task: %+v", got)
	}
	w.say(ids[0], "終わりました。2時間半でした")
	v := w.task(task.ID)
	if !reflect.DeepEqual(v.Completed, []string{ids[0]}) || v.Hours[ids[0]] != 2.5 {
		t.Fatalf("completed %v, hours %v", v.Completed, v.Hours)
	}
	w.say(ids[0], "すみません、3時間でした")
	if v := w.task(task.ID); v.Hours[ids[0]] != 3 {
		t.Fatalf("corrected hours %v, want 3", v.Hours)
	}
	snap, err := w.store.Load(ctx, ids[0], "")
	if err != nil {
		t.Fatal(err)
	}
	if c := snap.Profile.Counters; c.Completed != 1 || c.Hours != 3 {
		t.Errorf("record %+v, want 1 task and 3 hours", c)
	}
	if said := w.say(ids[0], "実績"); len(said) != 1 || !strings.Contains(said[0].Text, "1件") || !strings.Contains(said[0].Text, "3時間") {
		t.Errorf("実績 said %+v", said)
	}
}

// due moves the clock to at, runs the due entries and delivers what they
// queued.
func (w *world) due(at time.Time) map[string][]bot.Message {
	w.t.Helper()
	w.clock = at
	if _, err := w.tasks.RunDue(context.Background()); err != nil {
		w.t.Fatal(err)
	}
	return w.deliver()
}

// say has a person type text and returns what the bot answered them.
func (w *world) say(pid, text string) []bot.Message {
	w.t.Helper()
	w.ids++
	if err := w.b.Handle(context.Background(), bot.Inbound{ID: fmt.Sprintf("say-%d", w.ids), Kind: bot.EventText, ProfileID: pid, Text: text}); err != nil {
		w.t.Fatal(err)
	}
	return w.deliver()[pid]
}

// TestTheDayBeforeAndAfter follows three people through a task for two:
// one drops out the evening before and the waitlist is promoted and asked
// at once, one never answers and is flagged unconfirmed to the
// coordinators once, and after the task one could not do it (kindly
// answered, the coordinators told) while the other is thanked for the
// task's length.
func TestTheDayBeforeAndAfter(t *testing.T) {
	loc := tokyo(t)
	w := newWorld(t, time.Date(2026, 11, 30, 9, 0, 0, 0, loc), "21:00-08:00")
	w.people(3)
	ctx := context.Background()
	start := time.Date(2026, 12, 3, 10, 0, 0, 0, loc)
	task := w.gradingTask(start, 2, 0)
	w.deliver()
	offered := w.task(task.ID).Offered
	if len(offered) != 3 {
		t.Fatalf("offered %v", offered)
	}
	for _, id := range offered {
		w.say(id, "はい、お願いします")
	}
	v := w.task(task.ID)
	if len(v.Accepted) != 2 || len(v.Waitlist) != 1 {
		t.Fatalf("accepted %v, waitlist %v", v.Accepted, v.Waitlist)
	}
	dropper, silent, waiting := v.Accepted[0], v.Accepted[1], v.Waitlist[0]
	due := w.due
	due(time.Date(2026, 12, 2, 18, 0, 0, 0, loc))

	// 「行けなくなりました」 cancels at once: the waitlist is promoted and the
	// promoted person, accepted after 18:00, is asked at once.
	w.clock = time.Date(2026, 12, 2, 19, 30, 0, 0, loc)
	said := w.say(dropper, "すみません、急用で行けなくなりました")
	if len(said) == 0 || !strings.Contains(said[0].Text, "キャンセル") {
		t.Fatalf("the dropper was told %+v", said)
	}
	v = w.task(task.ID)
	if !slices.Contains(v.Cancelled, dropper) || !slices.Contains(v.Accepted, waiting) || len(v.Waitlist) != 0 {
		t.Fatalf("after dropping out: accepted %v, cancelled %v, waitlist %v", v.Accepted, v.Cancelled, v.Waitlist)
	}
	got := due(w.clock)
	if len(got[waiting]) != 1 || got[waiting][0].Card == nil || !strings.Contains(got[waiting][0].Card.Body, "行けますか") {
		t.Fatalf("the promoted person was not asked at once: %+v", got)
	}
	if said := w.say(waiting, "大丈夫です、行きます"); len(said) != 1 || said[0].Text != "ありがとうございます。当日はどうぞよろしくお願いします。" {
		t.Fatalf("the promoted person was told %+v", said)
	}

	// Two hours before, the silent one is unconfirmed; the coordinators
	// are told once, by name.
	got = due(time.Date(2026, 12, 3, 8, 0, 0, 0, loc))
	notice := got[bot.CoordinatorID]
	if len(notice) != 1 || !strings.Contains(notice[0].Text, "未確認") || !strings.Contains(notice[0].Text, "人") {
		t.Fatalf("coordinators told %+v", got[bot.CoordinatorID])
	}
	v = w.task(task.ID)
	if !reflect.DeepEqual(v.Unconfirmed, []string{silent}) || !reflect.DeepEqual(v.Confirmed, []string{waiting}) {
		t.Fatalf("unconfirmed %v, confirmed %v", v.Unconfirmed, v.Confirmed)
	}
	if got := due(time.Date(2026, 12, 3, 8, 30, 0, 0, loc)); len(got[bot.CoordinatorID]) != 0 {
		t.Fatalf("told twice: %+v", got)
	}

	// After the task.
	got = due(time.Date(2026, 12, 3, 12, 0, 0, 0, loc))
	if len(got[silent]) != 1 || len(got[waiting]) != 1 || len(got[dropper]) != 0 {
		t.Fatalf("questions after the task: %+v", got)
	}
	if err := w.b.Handle(ctx, bot.Inbound{ID: "not-done", Kind: bot.EventText, ProfileID: silent, Text: "体調をくずして、行けませんでした"}); err != nil {
		t.Fatal(err)
	}
	got = w.deliver()
	if len(got[silent]) != 1 || !strings.Contains(got[silent][0].Text, "気になさらないで") {
		t.Fatalf("not done answered %+v", got[silent])
	}
	if c := got[bot.CoordinatorID]; len(c) != 1 || !strings.Contains(c[0].Text, "できなかった") {
		t.Fatalf("coordinators told %+v", c)
	}
	w.ids++
	if err := w.b.Handle(ctx, bot.Inbound{ID: "tap-done", Kind: bot.EventPostback, ProfileID: waiting,
		Data: bot.TaskDone(task.ID).String()}); err != nil {
		t.Fatal(err)
	}
	got = w.deliver()
	if len(got[waiting]) != 1 || !strings.Contains(got[waiting][0].Text, "2時間として記録") {
		t.Fatalf("done tapped: %+v", got)
	}
	v = w.task(task.ID)
	if !reflect.DeepEqual(v.Completed, []string{waiting}) || !reflect.DeepEqual(v.NotCompleted, []string{silent}) ||
		!reflect.DeepEqual(v.Hours, map[string]float64{waiting: 2}) {
		t.Fatalf("completed %v, not completed %v, hours %v", v.Completed, v.NotCompleted, v.Hours)
	}
}

// TestAWeeklySeriesIsOneCard: a task every Monday for three weeks is three
// tasks with their own places, offered to each person on one card; one
// takes every date in one tap, another chooses one date and waits for it,
// a third says no to all in words.
func TestAWeeklySeriesIsOneCard(t *testing.T) {
	loc := tokyo(t)
	w := newWorld(t, time.Date(2026, 11, 30, 9, 0, 0, 0, loc), "")
	w.people(3)
	ctx := context.Background()
	start := time.Date(2026, 12, 7, 10, 0, 0, 0, loc)
	dates, err := w.tasks.CreateSeries(ctx, &bot.Task{Title: "朝テストの採点", Skills: []string{"grading"}, Area: "setagaya",
		Start: start, End: start.Add(2 * time.Hour), Headcount: 1}, time.Date(2026, 12, 21, 0, 0, 0, 0, loc))
	if err != nil {
		t.Fatal(err)
	}
	if len(dates) != 3 || !dates[2].Start.Equal(start.AddDate(0, 0, 14)) || dates[0].SeriesID == "" || dates[1].SeriesID != dates[0].SeriesID {
		t.Fatalf("dates %+v", dates)
	}
	cards := w.deliver()
	if len(cards) != 3 {
		t.Fatalf("messages to %d people, want 3: %+v", len(cards), cards)
	}
	var ids []string
	for pid, msgs := range cards {
		if len(msgs) != 1 || msgs[0].Card == nil || !strings.Contains(msgs[0].Card.Body, "毎週月曜 10:00〜12:00、全3回") {
			t.Fatalf("%s got %+v, want one series card", pid, msgs)
		}
		ids = append(ids, pid)
	}
	slices.Sort(ids)
	for _, d := range dates {
		if got := w.task(d.ID).Offered; !reflect.DeepEqual(got, ids) {
			t.Fatalf("date %s offered %v, want %v", d.ID, got, ids)
		}
	}
	series := dates[0].SeriesID

	w.ids++
	if err := w.b.Handle(ctx, bot.Inbound{ID: "all", Kind: bot.EventPostback, ProfileID: ids[0], Data: bot.OfferAcceptSeries(series).String()}); err != nil {
		t.Fatal(err)
	}
	if said := w.deliver()[ids[0]]; len(said) != 1 || !strings.Contains(said[0].Text, "12/7(月)、12/14(月)、12/21(月)") {
		t.Fatalf("all dates taken: %+v", said)
	}
	if err := w.b.Handle(ctx, bot.Inbound{ID: "choose", Kind: bot.EventPostback, ProfileID: ids[1], Data: bot.OfferChooseDates(series).String()}); err != nil {
		t.Fatal(err)
	}
	said := w.deliver()[ids[1]]
	if len(said) != 1 || len(said[0].Choices) != 3 || said[0].Choices[1].Data != bot.OfferAccept(dates[1].ID).String() {
		t.Fatalf("choosing dates: %+v", said)
	}
	if err := w.b.Handle(ctx, bot.Inbound{ID: "one", Kind: bot.EventPostback, ProfileID: ids[1], Data: said[0].Choices[1].Data}); err != nil {
		t.Fatal(err)
	}
	if said := w.deliver()[ids[1]]; len(said) != 1 || !strings.Contains(said[0].Text, "キャンセル待ち") {
		t.Fatalf("one date, already taken: %+v", said)
	}
	w.say(ids[2], "すみません、今回はやめておきます")
	for i, d := range dates {
		v := w.task(d.ID)
		if !reflect.DeepEqual(v.Accepted, []string{ids[0]}) || v.Status != bot.TaskFilled {
			t.Errorf("date %d: accepted %v, status %s", i+1, v.Accepted, v.Status)
		}
		if !slices.Contains(v.Declined, ids[2]) {
			t.Errorf("date %d: declined %v, want %s", i+1, v.Declined, ids[2])
		}
		if wantWait := i == 1; slices.Contains(v.Waitlist, ids[1]) != wantWait {
			t.Errorf("date %d: waitlist %v", i+1, v.Waitlist)
		}
	}
}

// TestAnAnswerFromAStaleMemoryIsNotActedOn has one person talk to two
// replicas: one remembers them (redis Remembering), the other moves them
// on. Answering an offer on the first must start from the stored state,
// not its memory of an offer still open.
func TestAnAnswerFromAStaleMemoryIsNotActedOn(t *testing.T) {
	loc := tokyo(t)
	w := newWorld(t, time.Date(2026, 11, 30, 9, 0, 0, 0, loc), "")
	other := *w.b // a replica without memory
	w.b.Store = w.store.Remembering(100, time.Hour)
	id := w.people(1)[0]
	ctx := context.Background()
	start := time.Date(2026, 12, 3, 10, 0, 0, 0, loc)
	task := w.gradingTask(start, 1, 0)
	w.deliver() // the remembering replica records the offer
	if got := w.task(task.ID).Offered; len(got) != 1 {
		t.Fatalf("offered %v", got)
	}
	w.ids++
	if err := other.Handle(ctx, bot.Inbound{ID: fmt.Sprintf("say-%d", w.ids), Kind: bot.EventText, ProfileID: id, Text: "いいえ、行けません"}); err != nil {
		t.Fatal(err)
	}
	w.deliver()
	w.say(id, "はい、お願いします")
	if v := w.task(task.ID); len(v.Accepted) != 0 {
		t.Errorf("accepted %v after declining on another replica: the yes was acted on from a stale memory", v.Accepted)
	}
}

// TestANewcomerIsAskedAtTheNextSweep: a task nobody fits waits an hour
// between looks; someone who registers meanwhile (or comes back from a
// pause) is asked at the next sweep, not at the next look. A task already
// asking everyone it needs asks no one more for it.
func TestANewcomerIsAskedAtTheNextSweep(t *testing.T) {
	loc := tokyo(t)
	monday := time.Date(2026, 11, 30, 9, 0, 0, 0, loc)
	w := newWorld(t, monday, "21:00-08:00")
	ctx := context.Background()
	start := time.Date(2026, 12, 3, 10, 0, 0, 0, loc)
	lonely := w.gradingTask(start, 1, 3*time.Hour)
	if v := w.task(lonely.ID); len(v.Offered) != 0 {
		t.Fatalf("a task nobody fits offered %v", v.Offered)
	}

	w.clock = monday.Add(10 * time.Minute)
	newcomer := w.people(1)[0]
	if err := w.b.Handle(ctx, *bot.BecameActive(newcomer, "n1", w.clock).Event); err != nil {
		t.Fatal(err)
	}
	w.clock = monday.Add(11 * time.Minute)
	if sum := w.sweep(); sum.Offered != 1 {
		t.Fatalf("the sweep after the newcomer offered %d, want 1", sum.Offered)
	}
	if v := w.task(lonely.ID); !slices.Equal(v.Offered, []string{newcomer}) {
		t.Fatalf("offered %v, want the newcomer", v.Offered)
	}
	if cards := w.deliver(); len(cards[newcomer]) != 1 || cards[newcomer][0].Card == nil {
		t.Fatalf("the newcomer's offer: %+v", cards[newcomer])
	}

	// A second newcomer: the task's one place has its three live offers'
	// worth of room (headcount 1 × 3), so they are asked too; a third
	// look with nobody new asks no one.
	w.clock = monday.Add(20 * time.Minute)
	week, err := avail.Parse("平日 9時〜18時")
	if err != nil {
		t.Fatal(err)
	}
	p := &bot.Profile{ID: "line:U9999", Name: "新人", Area: "setagaya", Skills: []string{"grading"}, Availability: week,
		WeeklyLimit: 3, ConsentedAt: &w.clock, Status: bot.StatusActive, CreatedAt: w.clock, UpdatedAt: w.clock}
	if err := w.store.CreateProfile(ctx, p); err != nil {
		t.Fatal(err)
	}
	w.ix.Upsert(matching.FromProfile(p))
	second := p.ID
	if err := w.b.Handle(ctx, *bot.BecameActive(second, "n2", w.clock).Event); err != nil {
		t.Fatal(err)
	}
	if sum := w.sweep(); sum.Offered != 1 {
		t.Fatalf("the sweep after the second newcomer offered %d, want 1", sum.Offered)
	}
	w.deliver()
	if err := w.b.Handle(ctx, *bot.BecameActive(second, "n3", w.clock).Event); err != nil {
		t.Fatal(err)
	}
	if sum := w.sweep(); sum.Offered != 0 {
		t.Fatalf("a look with nobody new offered %d", sum.Offered)
	}
}

// TestAPauseLeavesTheWaitlistInTheStore: the waitlisted person who pauses
// is off the task's waitlist, so a place freed goes to no one paused and
// the task opens again.
func TestAPauseLeavesTheWaitlistInTheStore(t *testing.T) {
	loc := tokyo(t)
	w := newWorld(t, time.Date(2026, 11, 30, 9, 0, 0, 0, loc), "21:00-08:00")
	w.people(3)
	start := time.Date(2026, 12, 3, 10, 0, 0, 0, loc)
	task := w.gradingTask(start, 2, 0)
	w.deliver()
	for _, id := range w.task(task.ID).Offered {
		w.say(id, "はい、お願いします")
	}
	v := w.task(task.ID)
	if len(v.Waitlist) != 1 {
		t.Fatalf("waitlist %v", v.Waitlist)
	}
	waiting := v.Waitlist[0]
	w.say(waiting, "休止")
	if v := w.task(task.ID); len(v.Waitlist) != 0 || len(v.Accepted) != 2 {
		t.Errorf("after the pause: waitlist %v, accepted %v", v.Waitlist, v.Accepted)
	}
}

// TestAYesAfterTheEveningIsTheConfirmation: a place taken after the
// evening before (here at 20:00 for 10:00 the next morning) is confirmed by
// the yes itself; 「予定どおり行けますか？」 a moment later read as if the
// yes had been lost.
func TestAYesAfterTheEveningIsTheConfirmation(t *testing.T) {
	loc := tokyo(t)
	w := newWorld(t, time.Date(2026, 11, 30, 9, 0, 0, 0, loc), "")
	w.people(1)
	start := time.Date(2026, 12, 2, 10, 0, 0, 0, loc)
	task := w.gradingTask(start, 1, 0)
	w.deliver()
	id := w.task(task.ID).Offered[0]
	w.clock = time.Date(2026, 12, 1, 20, 0, 0, 0, loc)
	said := w.say(id, "はい、行けます")
	for _, m := range said {
		if m.Card != nil && strings.Contains(m.Card.Body, "予定どおり行けますか") || strings.Contains(m.Text, "予定どおり行けますか") {
			t.Fatalf("asked to confirm right after saying yes: %+v", said)
		}
	}
	if v := w.task(task.ID); !reflect.DeepEqual(v.Confirmed, []string{id}) || len(v.Asked) != 0 {
		t.Fatalf("confirmed %v, asked %v", v.Confirmed, v.Asked)
	}
	// The reminder two hours before still comes, and nothing flags her.
	got := w.due(time.Date(2026, 12, 2, 8, 0, 0, 0, loc))
	if len(got[id]) != 1 || !strings.Contains(got[id][0].Card.Body, "2時間前") || len(got[bot.CoordinatorID]) != 0 {
		t.Fatalf("two hours before: %+v", got)
	}
}

// TestNoDeadlineInTheNight: an offer made at 20:00 with six hours to
// answer had its deadline at 2:00 in the night; it moves to 9:00, an hour
// after the quiet hours end, and the card says so.
func TestNoDeadlineInTheNight(t *testing.T) {
	loc := tokyo(t)
	evening := time.Date(2026, 11, 30, 20, 0, 0, 0, loc)
	w := newWorld(t, evening, "21:00-08:00")
	w.people(3)
	task := w.gradingTask(time.Date(2026, 12, 3, 10, 0, 0, 0, loc), 1, 6*time.Hour)
	cards := w.deliver()
	id := w.task(task.ID).Offered[0]
	if len(cards[id]) != 1 || cards[id][0].Card == nil {
		t.Fatalf("offer to %s: %+v", id, cards[id])
	}
	deadline := ""
	for _, f := range cards[id][0].Card.Fields {
		if strings.Contains(f.Label, "期限") {
			deadline = f.Value
		}
	}
	if !strings.Contains(deadline, "12月1日") || !strings.Contains(deadline, "9:00") {
		t.Errorf("deadline %q, want 12月1日 9:00", deadline)
	}
	// Nothing expires before then: no new wave at 3:00 or 8:30.
	for _, at := range []time.Time{time.Date(2026, 12, 1, 3, 0, 0, 0, loc), time.Date(2026, 12, 1, 8, 30, 0, 0, loc)} {
		w.clock = at
		if sum := w.sweep(); sum.Offered != 0 {
			t.Errorf("at %v a wave offered %d", at, sum.Offered)
		}
	}
}
