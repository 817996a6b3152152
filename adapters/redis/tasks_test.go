package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	"tsunagu/bot"
)

func TestTasksEmbedded(t *testing.T) { testTasks(t, embeddedClient) }

func TestTasksReal(t *testing.T) {
	needEnv(t, "REDIS_URL")
	testTasks(t, realClient)
}

func TestTasksCluster(t *testing.T) {
	needEnv(t, "REDIS_CLUSTER_ADDRS")
	testTasks(t, clusterClient)
}

// testTasks is the conformance suite of the task store.
func testTasks(t *testing.T, newClient func(t *testing.T) goredis.UniversalClient) {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	start := now.Add(48 * time.Hour)
	hour := now.Add(time.Hour)

	t.Run("a created task is found open with empty lists, once", func(t *testing.T) {
		s, _ := taskStores(t, newClient(t))
		task := newTestTask("T1", 2, now)
		createTask(t, s, task, bot.Due{})
		got := findTask(t, s, "T1", now)
		want := &bot.TaskView{Task: *task, Accepted: []string{}, Waitlist: []string{},
			Offered: []string{}, Declined: []string{}, Expired: []string{}, Cancelled: []string{},
			Confirmed: []string{}, Unconfirmed: []string{}, Completed: []string{}, NotCompleted: []string{},
			Hours: map[string]float64{}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v, want %+v", got, want)
		}
		if got.OfferTTL != time.Hour {
			t.Errorf("offer TTL %v, want 1h", got.OfferTTL)
		}
		dup := newTestTask("T1", 5, now)
		if err := s.CreateTask(ctx, dup, bot.Due{}); bot.ErrorCode(err) != bot.ECONFLICT {
			t.Errorf("second create: got %v, want a conflict", err)
		}
		if got := findTask(t, s, "T1", now); got.Headcount != 2 {
			t.Errorf("the duplicate overwrote the task: headcount %d", got.Headcount)
		}
		if _, err := s.FindTask(ctx, "Tnobody", now); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("unknown task: got %v, want not found", err)
		}
		if _, err := s.WaveState(ctx, "Tnobody"); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("wave state of an unknown task: got %v, want not found", err)
		}
		// The first wave is due at once.
		if isDue(t, s, "T1", now.Add(-time.Millisecond)) || !isDue(t, s, "T1", now) {
			t.Error("the first wave is not due exactly at creation")
		}
	})

	t.Run("the check is claimed into the outbox once, when due", func(t *testing.T) {
		s, q := taskStores(t, newClient(t))
		check := bot.Due{At: start.Add(-24 * time.Hour), Out: bot.Outgoing{
			ID: "short:T1", Kind: bot.OutEvent, To: "task:T1",
			Event: &bot.Inbound{ID: "short:T1", Kind: bot.EventTaskShort, Data: "T1"},
		}}
		createTask(t, s, newTestTask("T1", 2, now), check)
		claim(t, s, check.At.Add(-time.Millisecond), 0)
		if got := outIDs(t, q); len(got) != 0 {
			t.Fatalf("queued before due: %v", got)
		}
		claim(t, s, check.At, 1)
		ds := read(t, q, "w1", 100)
		if len(ds) != 1 || !reflect.DeepEqual(ds[0].Out, check.Out) || ds[0].Attempt != 0 {
			t.Fatalf("got %+v, want %+v", ds, check.Out)
		}
		claim(t, s, check.At.Add(time.Hour), 0)
		if got := outIDs(t, q); len(got) != 0 {
			t.Errorf("claimed twice: %v", got)
		}

		// A task created without a check has nothing due.
		createTask(t, s, newTestTask("T2", 2, now), bot.Due{})
		claim(t, s, start.Add(time.Hour), 0)
	})

	t.Run("waves offer in order up to the target, lapse expired offers and schedule the sweep", func(t *testing.T) {
		s, q := taskStores(t, newClient(t))
		createTask(t, s, newTestTask("T1", 1, now), bot.Due{})
		ps := people("line:U", 6)

		if n := offerWave(t, s, testWave("T1", now, 3, hour, ps[:5]...)); n != 3 {
			t.Fatalf("offered %d, want 3", n)
		}
		if got, want := outIDs(t, q), offerIDs("T1", now, ps[:3]...); !reflect.DeepEqual(got, want) {
			t.Errorf("queued %v, want %v", got, want)
		}
		v := findTask(t, s, "T1", now)
		if !reflect.DeepEqual(v.Offered, ps[:3]) {
			t.Errorf("offered %v, want %v", v.Offered, ps[:3])
		}
		ws := waveState(t, s, "T1")
		for _, p := range ps[:3] {
			if ws.Offers[p] != bot.OfferOffered || !ws.Expiry[p].Equal(hour) {
				t.Errorf("%s: state %q, expiry %v; want offered until %v", p, ws.Offers[p], ws.Expiry[p], hour)
			}
		}

		// Three live offers already: a second wave adds nobody.
		if n := offerWave(t, s, testWave("T1", now.Add(10*time.Minute), 3, hour.Add(10*time.Minute), ps[:5]...)); n != 0 {
			t.Errorf("second wave offered %d, want 0", n)
		}
		if got := outIDs(t, q); len(got) != 0 {
			t.Errorf("second wave queued %v", got)
		}
		if isDue(t, s, "T1", now) || isDue(t, s, "T1", hour.Add(-time.Millisecond)) || !isDue(t, s, "T1", hour) {
			t.Error("the task is not due exactly when its offers expire")
		}

		// A later offer does not move the sweep past the earliest expiry.
		if n := offerWave(t, s, testWave("T1", now.Add(30*time.Minute), 4, now.Add(90*time.Minute), ps[:5]...)); n != 1 {
			t.Errorf("offered %d, want 1", n)
		}
		if got, want := outIDs(t, q), offerIDs("T1", now.Add(30*time.Minute), ps[3]); !reflect.DeepEqual(got, want) {
			t.Errorf("queued %v, want %v", got, want)
		}
		if isDue(t, s, "T1", hour.Add(-time.Millisecond)) || !isDue(t, s, "T1", hour) {
			t.Error("the task is not due at its earliest expiry")
		}

		// Before any sweep, offers past their time read as expired.
		v = findTask(t, s, "T1", hour)
		if !reflect.DeepEqual(v.Expired, ps[:3]) || !reflect.DeepEqual(v.Offered, ps[3:4]) {
			t.Errorf("at expiry: expired %v, offered %v; want %v, %v", v.Expired, v.Offered, ps[:3], ps[3:4])
		}
		if st := waveState(t, s, "T1").Offers[ps[0]]; st != bot.OfferOffered {
			t.Errorf("state before the sweep %q, want offered", st)
		}

		// The sweep lapses them and offers the next people.
		if n := offerWave(t, s, testWave("T1", hour, 4, hour.Add(time.Hour), ps...)); n != 2 {
			t.Errorf("offered %d, want 2", n)
		}
		if got, want := outIDs(t, q), offerIDs("T1", hour, ps[4:]...); !reflect.DeepEqual(got, want) {
			t.Errorf("queued %v, want %v", got, want)
		}
		ws = waveState(t, s, "T1")
		for _, p := range ps[:3] {
			if _, live := ws.Expiry[p]; ws.Offers[p] != bot.OfferExpired || live {
				t.Errorf("%s: state %q, live %v; want expired", p, ws.Offers[p], live)
			}
		}
		v = findTask(t, s, "T1", hour)
		if !reflect.DeepEqual(v.Expired, ps[:3]) || !reflect.DeepEqual(v.Offered, ps[3:]) {
			t.Errorf("after the sweep: expired %v, offered %v", v.Expired, v.Offered)
		}
		due := now.Add(90 * time.Minute) // the earliest live offer, ps[3]
		if isDue(t, s, "T1", due.Add(-time.Millisecond)) || !isDue(t, s, "T1", due) {
			t.Error("after the sweep the task is not due at its earliest live expiry")
		}
	})

	t.Run("a wave with nobody to offer is looked at again at Next", func(t *testing.T) {
		s, _ := taskStores(t, newClient(t))
		createTask(t, s, newTestTask("T1", 1, now), bot.Due{})
		w := testWave("T1", now, 2, hour)
		w.Next = now.Add(15 * time.Minute)
		if n := offerWave(t, s, w); n != 0 {
			t.Errorf("offered %d, want 0", n)
		}
		if isDue(t, s, "T1", w.Next.Add(-time.Millisecond)) || !isDue(t, s, "T1", w.Next) {
			t.Error("the task is not due at Next")
		}
		// Without Next and without live offers the task leaves the sweep.
		offerWave(t, s, testWave("T1", now, 2, hour))
		if isDue(t, s, "T1", start) {
			t.Error("a task with nothing to wait for is still due")
		}
	})

	t.Run("reschedule sets and clears when the sweep looks", func(t *testing.T) {
		s, _ := taskStores(t, newClient(t))
		createTask(t, s, newTestTask("T1", 1, now), bot.Due{})
		if err := s.Reschedule(ctx, "T1", hour); err != nil {
			t.Fatal(err)
		}
		if isDue(t, s, "T1", hour.Add(-time.Millisecond)) || !isDue(t, s, "T1", hour) {
			t.Error("not due at the rescheduled time")
		}
		if err := s.Reschedule(ctx, "T1", time.Time{}); err != nil {
			t.Fatal(err)
		}
		if isDue(t, s, "T1", start) {
			t.Error("still due after a zero reschedule")
		}
	})

	t.Run("hasten brings later looks forward, never postpones, and adds no task", func(t *testing.T) {
		s, _ := taskStores(t, newClient(t))
		// Tasks in several shards: later, earlier, off the sweep.
		for i, at := range []time.Time{hour, hour.Add(time.Hour), now.Add(-time.Minute), {}} {
			id := fmt.Sprintf("T%d", i)
			createTask(t, s, newTestTask(id, 1, now), bot.Due{})
			if err := s.Reschedule(ctx, id, at); err != nil {
				t.Fatal(err)
			}
		}
		at := now.Add(10 * time.Minute)
		n, err := s.Hasten(ctx, at)
		if err != nil || n != 2 {
			t.Fatalf("hasten moved %d tasks (%v), want the two later ones", n, err)
		}
		got, err := s.DueTasks(ctx, at, 100)
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(got)
		if want := []string{"T0", "T1", "T2"}; !reflect.DeepEqual(got, want) {
			t.Errorf("due at the hastened time: %v, want %v", got, want)
		}
		if !isDue(t, s, "T2", now.Add(-time.Minute)) {
			t.Error("hasten postponed an earlier look")
		}
		if n, err := s.Hasten(ctx, at); err != nil || n != 0 {
			t.Errorf("a second hasten moved %d (%v)", n, err)
		}
	})

	t.Run("due tasks are listed across shards up to the limit", func(t *testing.T) {
		s, _ := taskStores(t, newClient(t))
		var all []string
		for i := range 40 {
			id := fmt.Sprintf("T%02d", i)
			all = append(all, id)
			createTask(t, s, newTestTask(id, 1, now), bot.Due{})
		}
		got, err := s.DueTasks(ctx, now, 100)
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(got)
		if !reflect.DeepEqual(got, all) {
			t.Errorf("got %v, want %v", got, all)
		}
		if got, err := s.DueTasks(ctx, now, 7); err != nil || len(got) != 7 {
			t.Errorf("limit 7: got %d tasks, %v", len(got), err)
		}
	})

	t.Run("a wave on a task not open or started offers nobody and leaves the sweep", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			setup func(t *testing.T, s *Tasks)
			at    time.Time
		}{
			{"cancelled", func(t *testing.T, s *Tasks) {
				if _, err := s.CancelTask(ctx, "T1", now, cancelNotice("T1")); err != nil {
					t.Fatal(err)
				}
			}, now},
			{"filled", func(t *testing.T, s *Tasks) {
				offerWave(t, s, testWave("T1", now, 1, hour, "line:Ufirst"))
				if out := answer(t, s, accept("T1", "line:Ufirst", "ev1", now)); out.Status != bot.TaskFilled {
					t.Fatalf("got %+v, want filled", out)
				}
			}, now},
			{"started", func(t *testing.T, s *Tasks) {}, start},
		} {
			t.Run(tc.name, func(t *testing.T) {
				s, q := taskStores(t, newClient(t))
				createTask(t, s, newTestTask("T1", 1, now), bot.Due{})
				tc.setup(t, s)
				outIDs(t, q)
				if err := s.Reschedule(ctx, "T1", now); err != nil {
					t.Fatal(err)
				}
				if n := offerWave(t, s, testWave("T1", tc.at, 3, tc.at.Add(time.Hour), "line:U1", "line:U2")); n != 0 {
					t.Errorf("offered %d, want 0", n)
				}
				if got := outIDs(t, q); len(got) != 0 {
					t.Errorf("queued %v", got)
				}
				if isDue(t, s, "T1", start.Add(time.Hour)) {
					t.Error("the task is still due")
				}
				if v := findTask(t, s, "T1", now); len(v.Offered) != 0 {
					t.Errorf("offered %v", v.Offered)
				}
			})
		}
	})

	t.Run("a waitlisted person is offered again and leaves the waitlist", func(t *testing.T) {
		s, q := taskStores(t, newClient(t))
		createTask(t, s, newTestTask("T1", 1, now), bot.Due{})
		offerWave(t, s, testWave("T1", now, 2, hour, "line:U1", "line:U2"))
		answer(t, s, accept("T1", "line:U1", "ev1", now.Add(time.Minute)))
		if out := answer(t, s, accept("T1", "line:U2", "ev2", now.Add(2*time.Minute))); out.State != bot.OfferWaitlisted {
			t.Fatalf("got %+v, want waitlisted", out)
		}
		cancel := accept("T1", "line:U1", "ev3", now.Add(3*time.Minute))
		cancel.Op = bot.OpCancel
		answer(t, s, cancel)
		outIDs(t, q)

		at := now.Add(4 * time.Minute)
		if n := offerWave(t, s, testWave("T1", at, 1, hour, "line:U2", "line:U3")); n != 1 {
			t.Fatalf("offered %d, want 1", n)
		}
		if got, want := outIDs(t, q), offerIDs("T1", at, "line:U2"); !reflect.DeepEqual(got, want) {
			t.Errorf("queued %v, want %v", got, want)
		}
		v := findTask(t, s, "T1", at)
		if len(v.Waitlist) != 0 || !reflect.DeepEqual(v.Offered, []string{"line:U2"}) || !reflect.DeepEqual(v.Cancelled, []string{"line:U1"}) {
			t.Errorf("got waitlist %v, offered %v, cancelled %v", v.Waitlist, v.Offered, v.Cancelled)
		}
		// Offered again, they accept the freed place.
		if out := answer(t, s, accept("T1", "line:U2", "ev4", at.Add(time.Minute))); out.State != bot.OfferAccepted || out.Status != bot.TaskFilled {
			t.Errorf("got %+v, want accepted and filled", out)
		}
	})

	t.Run("accepts fill the task, then waitlist", func(t *testing.T) {
		s, q := taskStores(t, newClient(t))
		createTask(t, s, newTestTask("T1", 2, now), bot.Due{})
		ps := people("line:U", 5)
		offerWave(t, s, testWave("T1", now, 5, hour, ps...))
		outIDs(t, q)

		// Out of the order offered, so that the lists show the order of
		// the answers.
		for i, tc := range []struct {
			name   string
			a      bot.Answer
			want   bot.Outcome
			queued []string
		}{
			{"first accept", accept("T1", ps[1], "ev1", now.Add(1*time.Minute)),
				bot.Outcome{State: bot.OfferAccepted, Status: bot.TaskOpen, Changed: true}, nil},
			{"second accept fills", accept("T1", ps[0], "ev2", now.Add(2*time.Minute)),
				bot.Outcome{State: bot.OfferAccepted, Status: bot.TaskFilled, Changed: true}, []string{"filled:T1"}},
			{"third accept is waitlisted", accept("T1", ps[3], "ev3", now.Add(3*time.Minute)),
				bot.Outcome{State: bot.OfferWaitlisted, Status: bot.TaskFilled, Changed: true}, nil},
			{"fourth accept is waitlisted after", accept("T1", ps[2], "ev4", now.Add(4*time.Minute)),
				bot.Outcome{State: bot.OfferWaitlisted, Status: bot.TaskFilled, Changed: true}, nil},
			{"accepted again", accept("T1", ps[1], "ev5", now.Add(5*time.Minute)),
				bot.Outcome{State: bot.OfferAccepted, Status: bot.TaskFilled}, nil},
			{"waitlisted again", accept("T1", ps[3], "ev6", now.Add(5*time.Minute)),
				bot.Outcome{State: bot.OfferWaitlisted, Status: bot.TaskFilled}, nil},
			{"the filling event again", accept("T1", ps[0], "ev2", now.Add(6*time.Minute)),
				bot.Outcome{State: bot.OfferAccepted, Status: bot.TaskFilled, Changed: true}, nil},
			{"the waitlisting event again", accept("T1", ps[3], "ev3", now.Add(6*time.Minute)),
				bot.Outcome{State: bot.OfferWaitlisted, Status: bot.TaskFilled, Changed: true}, nil},
			{"never offered", accept("T1", "line:Ustranger", "ev7", now.Add(7*time.Minute)),
				bot.Outcome{Status: bot.TaskFilled}, nil},
			{"after the start", accept("T1", ps[4], "ev8", start),
				bot.Outcome{State: bot.OfferOffered, Status: bot.TaskFilled, Started: true}, nil},
		} {
			got := answer(t, s, tc.a)
			if got != tc.want {
				t.Errorf("%d %s: got %+v, want %+v", i, tc.name, got, tc.want)
			}
			if q := outIDs(t, q); !reflect.DeepEqual(q, tc.queued) {
				t.Errorf("%d %s: queued %v, want %v", i, tc.name, q, tc.queued)
			}
		}
		v := findTask(t, s, "T1", now.Add(10*time.Minute))
		if want := []string{ps[1], ps[0]}; !reflect.DeepEqual(v.Accepted, want) {
			t.Errorf("accepted %v, want %v in the order they accepted", v.Accepted, want)
		}
		if want := []string{ps[3], ps[2]}; !reflect.DeepEqual(v.Waitlist, want) {
			t.Errorf("waitlist %v, want %v in the order they accepted", v.Waitlist, want)
		}
		if !reflect.DeepEqual(v.Offered, ps[4:]) || v.Status != bot.TaskFilled {
			t.Errorf("%s with offered %v, want filled with %v", v.Status, v.Offered, ps[4:])
		}
		if ws := waveState(t, s, "T1"); ws.Accepted != 2 {
			t.Errorf("accepted count %d, want 2", ws.Accepted)
		}
		if isDue(t, s, "T1", start) {
			t.Error("a filled task is still due for a wave")
		}
		_, err := s.Answer(ctx, accept("Tforged", ps[0], "ev9", now))
		if bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("unknown task: got %v, want not found", err)
		}
	})

	t.Run("a repeated event changes nothing, even after a later answer", func(t *testing.T) {
		s, q := taskStores(t, newClient(t))
		createTask(t, s, newTestTask("T1", 1, now), bot.Due{})
		offerWave(t, s, testWave("T1", now, 1, hour, "line:U1"))
		outIDs(t, q)
		a := accept("T1", "line:U1", "ev1", now.Add(time.Minute))
		if out := answer(t, s, a); !out.Changed || out.Status != bot.TaskFilled {
			t.Fatalf("got %+v", out)
		}
		c := accept("T1", "line:U1", "ev2", now.Add(2*time.Minute))
		c.Op = bot.OpCancel
		if out := answer(t, s, c); out.State != bot.OfferCancelled || !out.Changed {
			t.Fatalf("got %+v", out)
		}
		outIDs(t, q)
		// Without the event ID the accept would take the place again.
		a.At = now.Add(3 * time.Minute)
		if out := answer(t, s, a); !out.Changed || out.State != bot.OfferAccepted || out.Status != bot.TaskOpen {
			t.Errorf("repeat: got %+v, want the first outcome (accepted, changed) and the task open", out)
		}
		v := findTask(t, s, "T1", a.At)
		if len(v.Accepted) != 0 || v.Status != bot.TaskOpen || !reflect.DeepEqual(v.Cancelled, []string{"line:U1"}) {
			t.Errorf("repeat changed the task: %s, accepted %v, cancelled %v", v.Status, v.Accepted, v.Cancelled)
		}
		if ws := waveState(t, s, "T1"); ws.Accepted != 0 {
			t.Errorf("accepted count %d, want 0", ws.Accepted)
		}
		if got := outIDs(t, q); len(got) != 0 {
			t.Errorf("repeat queued %v", got)
		}
	})

	t.Run("reminders are queued on acceptance and removed on cancellation", func(t *testing.T) {
		s, q := taskStores(t, newClient(t))
		createTask(t, s, newTestTask("T1", 2, now), bot.Due{})
		offerWave(t, s, testWave("T1", now, 3, hour, "line:U1", "line:U2", "line:U3"))
		outIDs(t, q)
		evening, soon := now.Add(24*time.Hour), start.Add(-2*time.Hour)
		withReminders := func(a bot.Answer) bot.Answer {
			a.Reminders = reminders("T1", a.ProfileID, evening, soon)
			return a
		}
		for _, p := range []string{"line:U1", "line:U2", "line:U3"} {
			answer(t, s, withReminders(accept("T1", p, "acc:"+p, now.Add(time.Minute))))
		}
		outIDs(t, q) // the filled notice

		claim(t, s, evening.Add(-time.Millisecond), 0)
		claim(t, s, evening, 2) // not the waitlisted person's
		got := outIDs(t, q)
		sort.Strings(got)
		if want := []string{"remind:T1:evening:line:U1", "remind:T1:evening:line:U2"}; !reflect.DeepEqual(got, want) {
			t.Errorf("queued %v, want %v", got, want)
		}

		c := withReminders(accept("T1", "line:U2", "cancel:U2", now.Add(2*time.Minute)))
		c.Op = bot.OpCancel
		if out := answer(t, s, c); out.State != bot.OfferCancelled {
			t.Fatalf("got %+v", out)
		}
		if got, want := outIDs(t, q), []string{"withdrawn:T1:cancel:U2"}; !reflect.DeepEqual(got, want) {
			t.Errorf("queued %v, want %v", got, want)
		}
		claim(t, s, soon.Add(time.Minute), 1)
		if got, want := outIDs(t, q), []string{"remind:T1:soon:line:U1"}; !reflect.DeepEqual(got, want) {
			t.Errorf("queued %v, want %v", got, want)
		}
	})

	t.Run("a decline frees the offer and makes the task due at once", func(t *testing.T) {
		s, _ := taskStores(t, newClient(t))
		createTask(t, s, newTestTask("T1", 1, now), bot.Due{})
		offerWave(t, s, testWave("T1", now, 2, hour, "line:U1", "line:U2"))
		at := now.Add(time.Minute)
		if isDue(t, s, "T1", at) {
			t.Fatal("due before any answer")
		}
		d := accept("T1", "line:U1", "ev1", at)
		d.Op = bot.OpDecline
		if out := answer(t, s, d); out != (bot.Outcome{State: bot.OfferDeclined, Status: bot.TaskOpen, Changed: true}) {
			t.Errorf("got %+v", out)
		}
		v := findTask(t, s, "T1", at)
		if !reflect.DeepEqual(v.Declined, []string{"line:U1"}) || !reflect.DeepEqual(v.Offered, []string{"line:U2"}) {
			t.Errorf("declined %v, offered %v", v.Declined, v.Offered)
		}
		if _, live := waveState(t, s, "T1").Expiry["line:U1"]; live {
			t.Error("the declined offer still counts as live")
		}
		if !isDue(t, s, "T1", at) {
			t.Error("the task is not due after the decline")
		}
		d.EventID = "ev2"
		if out := answer(t, s, d); out.Changed || out.State != bot.OfferDeclined {
			t.Errorf("second decline: got %+v", out)
		}
		// An accepted place is not declined.
		answer(t, s, accept("T1", "line:U2", "ev3", at))
		d = accept("T1", "line:U2", "ev4", at)
		d.Op = bot.OpDecline
		if out := answer(t, s, d); out.Changed || out.State != bot.OfferAccepted {
			t.Errorf("decline after accepting: got %+v", out)
		}
	})

	t.Run("a cancellation gives the place back and the waitlist comes first", func(t *testing.T) {
		s, q := taskStores(t, newClient(t))
		createTask(t, s, newTestTask("T1", 1, now), bot.Due{})
		offerWave(t, s, testWave("T1", now, 4, hour, "line:U1", "line:U2", "line:U3", "line:U4"))
		answer(t, s, accept("T1", "line:U1", "ev1", now.Add(1*time.Minute)))
		answer(t, s, accept("T1", "line:U2", "ev2", now.Add(2*time.Minute)))
		answer(t, s, accept("T1", "line:U4", "ev3", now.Add(3*time.Minute)))
		outIDs(t, q)
		if isDue(t, s, "T1", start) {
			t.Fatal("a filled task is due")
		}

		// The last of the waitlist withdraws: nothing else changes.
		c := cancelAnswer("T1", "line:U4", "ev4", now.Add(4*time.Minute))
		if out := answer(t, s, c); out != (bot.Outcome{State: bot.OfferCancelled, Status: bot.TaskFilled, Changed: true}) {
			t.Errorf("waitlisted cancels: got %+v", out)
		}
		if got := outIDs(t, q); len(got) != 0 {
			t.Errorf("queued %v", got)
		}

		at := now.Add(10 * time.Minute)
		c = cancelAnswer("T1", "line:U1", "ev5", at)
		if out := answer(t, s, c); out != (bot.Outcome{State: bot.OfferCancelled, Status: bot.TaskOpen, Changed: true}) {
			t.Errorf("accepted cancels: got %+v", out)
		}
		if got, want := outIDs(t, q), []string{c.Cancelled.ID}; !reflect.DeepEqual(got, want) {
			t.Errorf("queued %v, want %v", got, want)
		}
		ws := waveState(t, s, "T1")
		if ws.Accepted != 0 || ws.Task.Status != bot.TaskOpen {
			t.Errorf("accepted %d, status %s; want 0, open", ws.Accepted, ws.Task.Status)
		}
		v := findTask(t, s, "T1", at)
		if len(v.Accepted) != 0 || !reflect.DeepEqual(v.Waitlist, []string{"line:U2"}) ||
			!reflect.DeepEqual(v.Cancelled, []string{"line:U1", "line:U4"}) {
			t.Errorf("accepted %v, waitlist %v, cancelled %v", v.Accepted, v.Waitlist, v.Cancelled)
		}
		if !isDue(t, s, "T1", at) {
			t.Error("the task is not due after the cancellation")
		}

		for _, tc := range []struct {
			name string
			p    string
			want bot.Outcome
		}{
			{"cancelled again", "line:U1", bot.Outcome{State: bot.OfferCancelled, Status: bot.TaskOpen}},
			{"only offered", "line:U3", bot.Outcome{State: bot.OfferOffered, Status: bot.TaskOpen}},
			{"never offered", "line:Ustranger", bot.Outcome{Status: bot.TaskOpen}},
		} {
			if out := answer(t, s, cancelAnswer("T1", tc.p, "ev:"+tc.name, at)); out != tc.want {
				t.Errorf("%s: got %+v, want %+v", tc.name, out, tc.want)
			}
		}
		if got := outIDs(t, q); len(got) != 0 {
			t.Errorf("queued %v", got)
		}

		// The sweep offers the freed place to the waitlist first; line:U3's
		// offer is still live.
		if n := offerWave(t, s, testWave("T1", at, 2, hour, "line:U2", "line:U5")); n != 1 {
			t.Errorf("offered %d, want 1", n)
		}
		v = findTask(t, s, "T1", at)
		if len(v.Waitlist) != 0 || !reflect.DeepEqual(v.Offered, []string{"line:U2", "line:U3"}) {
			t.Errorf("waitlist %v, offered %v", v.Waitlist, v.Offered)
		}
	})

	// oneTakenTwoWaiting is T1 for one: line:U1 holds the place, line:U2
	// and line:U3 wait in that order; nothing is left queued.
	oneTakenTwoWaiting := func(t *testing.T) (goredis.UniversalClient, *Tasks, *Outbox) {
		c := newClient(t)
		s, q := taskStores(t, c)
		createTask(t, s, newTestTask("T1", 1, now), bot.Due{})
		offerWave(t, s, testWave("T1", now, 3, hour, "line:U1", "line:U2", "line:U3"))
		answer(t, s, accept("T1", "line:U1", "ev1", now.Add(time.Minute)))
		answer(t, s, accept("T1", "line:U2", "ev2", now.Add(2*time.Minute)))
		answer(t, s, accept("T1", "line:U3", "ev3", now.Add(3*time.Minute)))
		outIDs(t, q)
		return c, s, q
	}

	t.Run("a place given back goes at once to the first on the waitlist", func(t *testing.T) {
		c, s, q := oneTakenTwoWaiting(t)

		at := now.Add(10 * time.Minute)
		c1 := withPromotion(cancelAnswer("T1", "line:U1", "ev4", at), now, start)
		if out := answer(t, s, c1); out != (bot.Outcome{State: bot.OfferCancelled, Status: bot.TaskFilled, Changed: true}) {
			t.Errorf("accepted cancels: got %+v", out)
		}
		ev := "promoted:T1:line:U2"
		if got, want := outIDs(t, q), []string{ev, c1.Promote.Notice.ID}; !reflect.DeepEqual(got, want) {
			t.Errorf("queued %v, want the promotion event for line:U2 and the notice %v", got, want)
		}
		v := findTask(t, s, "T1", at)
		if !reflect.DeepEqual(v.Accepted, []string{"line:U2"}) || !reflect.DeepEqual(v.Waitlist, []string{"line:U3"}) || v.Status != bot.TaskFilled {
			t.Errorf("accepted %v, waitlist %v, status %s", v.Accepted, v.Waitlist, v.Status)
		}
		if isDue(t, s, "T1", at) {
			t.Error("a task refilled from the waitlist is due for offers")
		}
		// line:U2's reminders are queued, named for them, and go again
		// when they cancel in turn.
		want := reminders("T1", "line:U2", now.Add(24*time.Hour), start.Add(-2*time.Hour))
		for _, d := range want {
			dj, _ := json.Marshal(d.Out)
			if _, err := c.ZScore(context.Background(), dueKey(shardOf("T1")), string(dj)).Result(); err != nil {
				t.Errorf("reminder %s of the promoted person not queued: %v", d.Out.ID, err)
			}
		}
		c2 := withPromotion(cancelAnswer("T1", "line:U2", "ev5", at), now, start)
		c2.Reminders = want
		answer(t, s, c2)
		for _, d := range want {
			dj, _ := json.Marshal(d.Out)
			if _, err := c.ZScore(context.Background(), dueKey(shardOf("T1")), string(dj)).Result(); err == nil {
				t.Errorf("reminder %s still queued after the promoted person cancelled", d.Out.ID)
			}
		}
		if v := findTask(t, s, "T1", at); !reflect.DeepEqual(v.Accepted, []string{"line:U3"}) || len(v.Waitlist) != 0 {
			t.Errorf("after the second cancellation: accepted %v, waitlist %v", v.Accepted, v.Waitlist)
		}
		// With nobody waiting, the task reopens and is offered again.
		c3 := withPromotion(cancelAnswer("T1", "line:U3", "ev6", at), now, start)
		if out := answer(t, s, c3); out.Status != bot.TaskOpen {
			t.Errorf("last cancels: got %+v", out)
		}
		if !isDue(t, s, "T1", at) {
			t.Error("the reopened task is not due")
		}
	})

	t.Run("the promotion notice names who moved up, unless another was first", func(t *testing.T) {
		_, s, q := oneTakenTwoWaiting(t)
		at := now.Add(10 * time.Minute)
		named := func(a bot.Answer, expected string) bot.Answer {
			a.Promote.Expected = expected
			a.Promote.NamedNotice = bot.Outgoing{ID: "named-notice:" + a.EventID, To: bot.CoordinatorID,
				Messages: []bot.Message{{Text: expected + "が繰り上がり"}}, About: []string{expected}}
			return a
		}
		// line:U2 is first, as read: the notice naming them.
		c1 := named(withPromotion(cancelAnswer("T1", "line:U1", "ev4", at), now, start), "line:U2")
		answer(t, s, c1)
		if got, want := outIDs(t, q), []string{"promoted:T1:line:U2", c1.Promote.NamedNotice.ID}; !reflect.DeepEqual(got, want) {
			t.Errorf("queued %v, want %v", got, want)
		}
		// Read as line:U2, but line:U3 got the place (a race): the notice
		// naming no one.
		c2 := named(withPromotion(cancelAnswer("T1", "line:U2", "ev5", at), now, start), "line:U9")
		answer(t, s, c2)
		if got, want := outIDs(t, q), []string{"promoted:T1:line:U3", c2.Promote.Notice.ID}; !reflect.DeepEqual(got, want) {
			t.Errorf("queued %v, want %v", got, want)
		}
	})

	t.Run("forgetting a person removes them from the task", func(t *testing.T) {
		c := newClient(t)
		s, q := taskStores(t, c)
		const id = "line:Uforget"
		// Accepted in T1, waitlisted in T2, offered in T3.
		for _, task := range []string{"T1", "T2", "T3"} {
			createTask(t, s, newTestTask(task, 1, now), bot.Due{})
		}
		offerWave(t, s, testWave("T1", now, 2, hour, id, "line:U2"))
		answer(t, s, withRemindersFor(accept("T1", id, "e1", now), now, start))
		answer(t, s, accept("T1", "line:U2", "e2", now))
		offerWave(t, s, testWave("T2", now, 2, hour, "line:U2", id))
		answer(t, s, accept("T2", "line:U2", "e3", now))
		answer(t, s, accept("T2", id, "e4", now))
		offerWave(t, s, testWave("T3", now, 2, hour, id))
		// Everything queued so far has been sent.
		for _, d := range read(t, q, "w1", 100) {
			if err := q.Ack(ctx, d); err != nil {
				t.Fatal(err)
			}
		}

		at := now.Add(time.Minute)
		for _, tc := range []struct {
			task string
			at   time.Time
			want bot.Outcome
		}{
			{"T1", at, bot.Outcome{Status: bot.TaskOpen, Changed: true}},
			{"T2", at, bot.Outcome{Status: bot.TaskFilled, Changed: true}},
			{"T3", start.Add(time.Hour), bot.Outcome{Status: bot.TaskOpen, Changed: true, Started: true}},
		} {
			f := withRemindersFor(forgetAnswer(tc.task, id, "forget:"+tc.task, tc.at), now, start)
			if out := answer(t, s, f); out != tc.want {
				t.Errorf("%s: got %+v, want %+v", tc.task, out, tc.want)
			}
			v := findTask(t, s, tc.task, at)
			for _, l := range [][]string{v.Accepted, v.Waitlist, v.Offered, v.Declined, v.Expired, v.Cancelled} {
				if anyContains(l, id) {
					t.Errorf("%s still names the person: %+v", tc.task, v)
				}
			}
			ws := waveState(t, s, tc.task)
			if _, ok := ws.Offers[id]; ok {
				t.Errorf("%s: offer state kept", tc.task)
			}
			if _, ok := ws.Expiry[id]; ok {
				t.Errorf("%s: expiry kept", tc.task)
			}
		}
		ws := waveState(t, s, "T1")
		if ws.Accepted != 0 || ws.Task.Status != bot.TaskOpen {
			t.Errorf("T1: accepted %d, status %s; want the place given back", ws.Accepted, ws.Task.Status)
		}
		if !isDue(t, s, "T1", at) {
			t.Error("T1 is not due after the place was given back")
		}
		if v := findTask(t, s, "T2", at); !reflect.DeepEqual(v.Accepted, []string{"line:U2"}) || len(v.Waitlist) != 0 {
			t.Errorf("T2: accepted %v, waitlist %v", v.Accepted, v.Waitlist)
		}
		// The coordinators are told a place was freed, without a name.
		if got, want := outIDs(t, q), []string{"withdrawn:T1:forget:T1"}; !reflect.DeepEqual(got, want) {
			t.Errorf("queued %v, want %v", got, want)
		}
		claim(t, s, start, 0) // the reminders are gone
		if ks := naming(t, c, id); len(ks) > 0 {
			t.Errorf("%v still name the person", ks)
		}
		if out := answer(t, s, forgetAnswer("T1", "line:Unever", "forget:never", at)); out.Changed {
			t.Errorf("forgetting a stranger: got %+v", out)
		}
	})

	t.Run("cancelling a task tells everyone still involved, once", func(t *testing.T) {
		s, q := taskStores(t, newClient(t))
		createTask(t, s, newTestTask("T1", 1, now), bot.Due{})
		ps := people("line:U", 5)
		offerWave(t, s, testWave("T1", now, 5, hour, ps...))
		answer(t, s, accept("T1", ps[0], "ev1", now))
		answer(t, s, accept("T1", ps[1], "ev2", now))
		d := accept("T1", ps[2], "ev3", now)
		d.Op = bot.OpDecline
		answer(t, s, d)
		outIDs(t, q)

		n, err := s.CancelTask(ctx, "T1", now.Add(time.Minute), cancelNotice("T1"))
		if err != nil {
			t.Fatal(err)
		}
		if n != 4 {
			t.Errorf("told %d, want 4", n)
		}
		got := outIDs(t, q)
		sort.Strings(got)
		want := []string{"cancelled:T1:" + ps[0], "cancelled:T1:" + ps[1], "cancelled:T1:" + ps[3], "cancelled:T1:" + ps[4]}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("queued %v, want %v", got, want)
		}
		if v := findTask(t, s, "T1", now); v.Status != bot.TaskCancelled {
			t.Errorf("status %s, want cancelled", v.Status)
		}
		if isDue(t, s, "T1", start) {
			t.Error("a cancelled task is still due")
		}
		if _, err := s.CancelTask(ctx, "T1", now, cancelNotice("T1")); bot.ErrorCode(err) != bot.ECONFLICT {
			t.Errorf("second cancel: got %v, want a conflict", err)
		}
		if got := outIDs(t, q); len(got) != 0 {
			t.Errorf("second cancel queued %v", got)
		}
		if out := answer(t, s, accept("T1", ps[3], "ev4", now.Add(2*time.Minute))); out != (bot.Outcome{State: bot.OfferOffered, Status: bot.TaskCancelled}) {
			t.Errorf("accept after cancelling: got %+v", out)
		}
		// An old card's 「行けます」 confirms nothing of a task called off.
		c := accept("T1", ps[0], "ev5", now.Add(2*time.Minute))
		c.Op = bot.OpConfirm
		if out := answer(t, s, c); out.Changed {
			t.Errorf("confirm after cancelling: got %+v", out)
		}
		if v := findTask(t, s, "T1", now); len(v.Confirmed) != 0 {
			t.Errorf("confirmed on a cancelled task: %v", v.Confirmed)
		}
		if _, err := s.CancelTask(ctx, "Tnobody", now, cancelNotice("Tnobody")); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("unknown task: got %v, want not found", err)
		}
	})

	t.Run("a coordinator notice queued by a task can be retried", func(t *testing.T) {
		// Notices are queued in the task's shard. A task in the
		// coordinators' shard is the case that matters: the outbox then
		// looks for a person key of the recipient.
		id := ""
		for i := 0; id == ""; i++ {
			if c := fmt.Sprintf("T%d", i); shardOf(c) == shardOf(bot.CoordinatorID) {
				id = c
			}
		}
		other := ""
		for i := 0; other == ""; i++ {
			if c := fmt.Sprintf("T%d", i); shardOf(c) != shardOf(bot.CoordinatorID) {
				other = c
			}
		}
		for _, task := range []string{other, id} {
			t.Run(map[bool]string{true: "same shard", false: "other shard"}[task == id], func(t *testing.T) {
				s, q := taskStores(t, newClient(t))
				createTask(t, s, newTestTask(task, 1, now), bot.Due{})
				offerWave(t, s, testWave(task, now, 1, hour, "line:U1"))
				outIDs(t, q)
				answer(t, s, accept(task, "line:U1", "ev1", now))
				ds := read(t, q, "w1", 10)
				if len(ds) != 1 || ds[0].Out.To != bot.CoordinatorID {
					t.Fatalf("got %+v, want the filled notice", ds)
				}
				if err := q.Retry(ctx, ds[0], now.Add(time.Second)); err != nil {
					t.Fatal(err)
				}
				if _, err := q.PromoteDue(ctx, now.Add(time.Second)); err != nil {
					t.Fatal(err)
				}
				ds = read(t, q, "w1", 10)
				if len(ds) != 1 || ds[0].Out.ID != "filled:"+task || ds[0].Attempt != 1 {
					t.Errorf("got %+v, want the filled notice at attempt 1", ds)
				}
			})
		}
	})

	t.Run("concurrent accepts from many clients fill exactly the headcount", func(t *testing.T) {
		c := newClient(t)
		clients := []goredis.UniversalClient{c, sameServer(t, c), sameServer(t, c)}
		s, q := taskStores(t, c)
		createTask(t, s, newTestTask("T1", 3, now), bot.Due{})
		ps := people("line:U", 200)
		if n := offerWave(t, s, testWave("T1", now, 200, hour, ps...)); n != 200 {
			t.Fatalf("offered %d, want 200", n)
		}
		if got := outIDs(t, q); len(got) != 200 {
			t.Fatalf("queued %d offers, want 200", len(got))
		}

		outs := make([]bot.Outcome, len(ps))
		errs := make([]error, len(ps))
		var wg sync.WaitGroup
		for i, p := range ps {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := NewTasks(clients[i%len(clients)])
				outs[i], errs[i] = s.Answer(ctx, accept("T1", p, fmt.Sprintf("ev%d", i), now.Add(time.Minute)))
			}()
		}
		wg.Wait()
		var accepted, waitlisted []string
		for i, out := range outs {
			if errs[i] != nil {
				t.Fatalf("%s: %v", ps[i], errs[i])
			}
			if !out.Changed {
				t.Errorf("%s: unchanged %+v", ps[i], out)
			}
			switch out.State {
			case bot.OfferAccepted:
				accepted = append(accepted, ps[i])
			case bot.OfferWaitlisted:
				waitlisted = append(waitlisted, ps[i])
			default:
				t.Errorf("%s: got %+v", ps[i], out)
			}
		}
		if len(accepted) != 3 || len(waitlisted) != 197 {
			t.Fatalf("%d accepted, %d waitlisted; want 3, 197", len(accepted), len(waitlisted))
		}
		v := findTask(t, s, "T1", now.Add(time.Minute))
		got := append([]string(nil), v.Accepted...)
		sort.Strings(got)
		if !reflect.DeepEqual(got, accepted) || v.Status != bot.TaskFilled {
			t.Errorf("%s with accepted %v, want filled with %v", v.Status, v.Accepted, accepted)
		}
		wl := map[string]bool{}
		for _, p := range v.Waitlist {
			wl[p] = true
		}
		if len(v.Waitlist) != 197 || len(wl) != 197 {
			t.Errorf("waitlist of %d (%d distinct), want 197", len(v.Waitlist), len(wl))
		}
		for _, p := range waitlisted {
			if !wl[p] {
				t.Errorf("%s is not on the waitlist", p)
			}
		}
		if ws := waveState(t, s, "T1"); ws.Accepted != 3 {
			t.Errorf("accepted count %d, want 3", ws.Accepted)
		}
		if got := outIDs(t, q); !reflect.DeepEqual(got, []string{"filled:T1"}) {
			t.Errorf("queued %v, want one filled notice", got)
		}
	})
}

// BenchmarkAccept measures accepts of one task by many people: the first
// hundred are accepted, the rest waitlisted.
func BenchmarkAccept(b *testing.B) {
	b.Run("embedded", func(b *testing.B) {
		m := miniredis.RunT(b)
		c := goredis.NewClient(&goredis.Options{Addr: m.Addr()})
		b.Cleanup(func() { c.Close() })
		benchAccept(b, c)
	})
	b.Run("real", func(b *testing.B) {
		url := os.Getenv("REDIS_URL")
		if url == "" {
			b.Skip("REDIS_URL is not set")
		}
		opt, err := goredis.ParseURL(url)
		if err != nil {
			b.Fatal(err)
		}
		opt.DB = 15
		c := goredis.NewClient(opt)
		b.Cleanup(func() { c.Close() })
		if err := c.FlushDB(context.Background()).Err(); err != nil {
			b.Fatal(err)
		}
		benchAccept(b, c)
	})
}

func benchAccept(b *testing.B, c goredis.UniversalClient) {
	ctx := context.Background()
	s := NewTasks(c)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	// Each task is offered to at most perTask people, so that setting up a
	// large b.N stays linear.
	const perTask, chunk = 5000, 500
	task := func(i int) string { return fmt.Sprintf("B%d", i/perTask) }
	person := func(i int) string { return fmt.Sprintf("line:U%07d", i) }
	for first := 0; first < b.N; first += perTask {
		id := task(first)
		if err := s.CreateTask(ctx, newTestTask(id, bot.MaxHeadcount, now), bot.Due{}); err != nil {
			b.Fatal(err)
		}
		last := min(first+perTask, b.N)
		for from := first; from < last; from += chunk {
			to := min(from+chunk, last)
			ps := make([]string, 0, to-from)
			for i := from; i < to; i++ {
				ps = append(ps, person(i))
			}
			w := testWave(id, now, to-first, now.Add(24*time.Hour), ps...)
			if n, err := s.OfferWave(ctx, w); err != nil || n != len(ps) {
				b.Fatalf("offered %d of %d: %v", n, len(ps), err)
			}
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := withRemindersFor(accept(task(i), person(i), fmt.Sprintf("ev%d", i), now.Add(time.Minute)), now, now.Add(48*time.Hour))
		out, err := s.Answer(ctx, a)
		if err != nil || !out.Changed {
			b.Fatalf("accept %d: %+v, %v", i, out, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "accepts/s")
}

// taskStores returns the task store and outbox in c, the outbox's groups
// created.
func taskStores(t *testing.T, c goredis.UniversalClient) (*Tasks, *Outbox) {
	t.Helper()
	q := NewOutbox(c)
	if err := q.EnsureGroups(context.Background()); err != nil {
		t.Fatal(err)
	}
	return NewTasks(c), q
}

// sameServer returns another client of the server (and database) c uses.
func sameServer(t *testing.T, c goredis.UniversalClient) goredis.UniversalClient {
	t.Helper()
	var o goredis.UniversalClient
	switch c := c.(type) {
	// Fresh options with the connection's fields: a copy of c's would
	// share the state go-redis keeps in them.
	case *goredis.Client:
		opt := c.Options()
		o = goredis.NewClient(&goredis.Options{Network: opt.Network, Addr: opt.Addr,
			Username: opt.Username, Password: opt.Password, DB: opt.DB, TLSConfig: opt.TLSConfig})
	case *goredis.ClusterClient:
		opt := c.Options()
		o = goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: opt.Addrs,
			Username: opt.Username, Password: opt.Password, TLSConfig: opt.TLSConfig})
	default:
		t.Fatalf("unexpected client %T", c)
	}
	t.Cleanup(func() { o.Close() })
	return o
}

func newTestTask(id string, headcount int, now time.Time) *bot.Task {
	return &bot.Task{
		ID: id, Title: "公民館の草取り", Description: "軍手をお持ちください", Organization: "つなぐ町内会",
		Skills: []string{"garden"}, Area: "setagaya", Start: now.Add(48 * time.Hour), End: now.Add(50 * time.Hour),
		Headcount: headcount, Reward: "お茶", OfferTTL: time.Hour, Status: bot.TaskOpen, CreatedAt: now,
	}
}

func createTask(t *testing.T, s *Tasks, task *bot.Task, check bot.Due) {
	t.Helper()
	if err := s.CreateTask(context.Background(), task, check); err != nil {
		t.Fatal(err)
	}
}

func findTask(t *testing.T, s *Tasks, id string, now time.Time) *bot.TaskView {
	t.Helper()
	v, err := s.FindTask(context.Background(), id, now)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func waveState(t *testing.T, s *Tasks, id string) *bot.WaveState {
	t.Helper()
	ws, err := s.WaveState(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// people returns n profile IDs in order.
func people(prefix string, n int) []string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = fmt.Sprintf("%s%03d", prefix, i+1)
	}
	return ps
}

// testWave offers the task to people in order, each offer expiring at exp.
func testWave(id string, at time.Time, target int, exp time.Time, people ...string) bot.Wave {
	w := bot.Wave{TaskID: id, At: at, Target: target}
	for _, p := range people {
		ev := offerIDs(id, at, p)[0]
		w.Offers = append(w.Offers, bot.WaveOffer{ProfileID: p, ExpiresAt: exp, Out: bot.Outgoing{
			ID: ev, Kind: bot.OutEvent, To: p, CreatedAt: at,
			Event: &bot.Inbound{ID: ev, Kind: bot.EventOffer, ProfileID: p, At: at},
		}})
	}
	return w
}

// offerIDs are the outbox entry IDs of testWave's offers.
func offerIDs(id string, at time.Time, people ...string) []string {
	var ids []string
	for _, p := range people {
		ids = append(ids, fmt.Sprintf("offer:%s:%s:%d", id, p, at.UnixMilli()))
	}
	return ids
}

func offerWave(t *testing.T, s *Tasks, w bot.Wave) int {
	t.Helper()
	n, err := s.OfferWave(context.Background(), w)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// accept is p's acceptance of the task, with the coordinators' notices.
func accept(id, p, event string, at time.Time) bot.Answer {
	return bot.Answer{
		TaskID: id, ProfileID: p, Op: bot.OpAccept, EventID: event, At: at,
		Filled: bot.Outgoing{ID: "filled:" + id, To: bot.CoordinatorID,
			Messages: []bot.Message{{Text: "定員になりました"}}, CreatedAt: at},
		Cancelled: bot.Outgoing{ID: "withdrawn:" + id + ":" + event, To: bot.CoordinatorID,
			Messages: []bot.Message{{Text: "辞退がありました"}}, CreatedAt: at},
	}
}

func cancelAnswer(id, p, event string, at time.Time) bot.Answer {
	a := accept(id, p, event, at)
	a.Op = bot.OpCancel
	return a
}

func forgetAnswer(id, p, event string, at time.Time) bot.Answer {
	a := accept(id, p, event, at)
	a.Op = bot.OpForget
	return a
}

// reminders are p's reminders of the task, the evening before and soon
// before it starts.
func reminders(id, p string, evening, soon time.Time) []bot.Due {
	var ds []bot.Due
	for _, r := range []struct {
		kind string
		at   time.Time
	}{{"evening", evening}, {"soon", soon}} {
		rid := "remind:" + id + ":" + r.kind + ":" + p
		ds = append(ds, bot.Due{At: r.at, Out: bot.Outgoing{ID: rid, Kind: bot.OutEvent, To: p,
			Event: &bot.Inbound{ID: rid, Kind: bot.EventReminder, ProfileID: p, Data: id, Text: r.kind}}})
	}
	return ds
}

// withRemindersFor adds the reminders of a task created at now that starts
// at start.
func withRemindersFor(a bot.Answer, now, start time.Time) bot.Answer {
	a.Reminders = reminders(a.TaskID, a.ProfileID, now.Add(24*time.Hour), start.Add(-2*time.Hour))
	return a
}

// withPromotion gives the answer what the bot adds to a cancellation: the
// place at once to the first on the waitlist, for a task created at now
// that starts at start.
func withPromotion(a bot.Answer, now, start time.Time) bot.Answer {
	ev := "promoted:" + a.TaskID + ":" + bot.Waitlisted
	a.Promote = bot.Promotion{
		Out: bot.Outgoing{ID: ev, Kind: bot.OutEvent, To: bot.Waitlisted,
			Event: &bot.Inbound{ID: ev, Kind: bot.EventPromoted, ProfileID: bot.Waitlisted, Data: a.TaskID}},
		Reminders: reminders(a.TaskID, bot.Waitlisted, now.Add(24*time.Hour), start.Add(-2*time.Hour)),
		Notice:    bot.Outgoing{ID: "promoted-notice:" + a.EventID, To: bot.CoordinatorID, Messages: []bot.Message{{Text: "繰り上がり"}}},
	}
	return a
}

func answer(t *testing.T, s *Tasks, a bot.Answer) bot.Outcome {
	t.Helper()
	out, err := s.Answer(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func cancelNotice(id string) func(string) bot.Outgoing {
	return func(p string) bot.Outgoing {
		ev := "cancelled:" + id + ":" + p
		return bot.Outgoing{ID: ev, Kind: bot.OutEvent, To: p,
			Event: &bot.Inbound{ID: ev, Kind: bot.EventTaskCancelled, ProfileID: p, Data: id}}
	}
}

// isDue reports whether DueTasks at now lists the task.
func isDue(t *testing.T, s *Tasks, id string, now time.Time) bool {
	t.Helper()
	ids, err := s.DueTasks(context.Background(), now, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range ids {
		if got == id {
			return true
		}
	}
	return false
}

func claim(t *testing.T, s *Tasks, now time.Time, want int) {
	t.Helper()
	n, err := s.ClaimDue(context.Background(), now, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if n != want {
		t.Errorf("claimed %d at %v, want %d", n, now, want)
	}
}

// outIDs returns the IDs of the outbox entries queued since the last read,
// in order.
func outIDs(t *testing.T, q *Outbox) []string {
	t.Helper()
	var ids []string
	for _, d := range read(t, q, "w1", 10000) {
		ids = append(ids, d.Out.ID)
	}
	return ids
}
