package redis

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"tsunagu/bot"
)

func TestResultsEmbedded(t *testing.T) { testResults(t, embeddedClient) }

func TestResultsReal(t *testing.T) {
	needEnv(t, "REDIS_URL")
	testResults(t, realClient)
}

func TestResultsCluster(t *testing.T) {
	needEnv(t, "REDIS_CLUSTER_ADDRS")
	testResults(t, clusterClient)
}

// testResults covers what a task records from acceptance to done: the
// day-before confirmations, the results, named offers, the records read for
// the figures, and a deleted person's part in them.
func testResults(t *testing.T, newClient func(t *testing.T) goredis.UniversalClient) {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	hour := now.Add(time.Hour)
	// setup: T1 for two, offered to three; U1 and U2 accepted, U3 waits.
	setup := func(t *testing.T) (*Tasks, *bot.Task) {
		s, _ := taskStores(t, newClient(t))
		task := newTestTask("T1", 2, now)
		createTask(t, s, task, bot.Due{})
		offerWave(t, s, testWave("T1", now, 6, hour, "line:U1", "line:U2", "line:U3"))
		for i, p := range []string{"line:U1", "line:U2", "line:U3"} {
			answer(t, s, bot.Answer{TaskID: "T1", ProfileID: p, Op: bot.OpAccept, EventID: "acc" + p, At: now.Add(time.Duration(i+1) * time.Minute)})
		}
		return s, task
	}
	op := func(t *testing.T, s *Tasks, p string, op bot.AnswerOp, at time.Time, r bot.TaskResult) bot.Outcome {
		t.Helper()
		return answer(t, s, bot.Answer{TaskID: "T1", ProfileID: p, Op: op, At: at, Result: r})
	}

	t.Run("asked, confirmed and unconfirmed", func(t *testing.T) {
		s, task := setup(t)
		if out := op(t, s, "line:U1", bot.OpAsk, now, bot.TaskResult{}); !out.Changed {
			t.Errorf("asking U1 changed nothing: %+v", out)
		}
		op(t, s, "line:U2", bot.OpAsk, now, bot.TaskResult{})
		if out := op(t, s, "line:U3", bot.OpAsk, now, bot.TaskResult{}); out.Changed {
			t.Errorf("asking someone on the waitlist changed %+v", out)
		}
		if out := op(t, s, "line:U1", bot.OpConfirm, now, bot.TaskResult{}); !out.Changed {
			t.Errorf("U1's yes changed nothing")
		}
		// Asking again does not undo a yes.
		op(t, s, "line:U1", bot.OpAsk, now, bot.TaskResult{})
		v := findTask(t, s, "T1", now)
		if !reflect.DeepEqual(v.Confirmed, []string{"line:U1"}) || !reflect.DeepEqual(v.Asked, []string{"line:U2"}) {
			t.Fatalf("confirmed %v, asked %v", v.Confirmed, v.Asked)
		}
		notice := testOut("unconfirmed:T1", bot.CoordinatorID, now)
		n, err := s.MarkUnconfirmed(ctx, "T1", []string{"line:U1", "line:U2"}, notice)
		if err != nil || n != 1 {
			t.Fatalf("marked %d (%v), want U2 only", n, err)
		}
		if n, _ := s.MarkUnconfirmed(ctx, "T1", []string{"line:U2"}, notice); n != 0 {
			t.Errorf("marked again: %d", n)
		}
		v = findTask(t, s, "T1", now)
		if !reflect.DeepEqual(v.Unconfirmed, []string{"line:U2"}) || len(v.Asked) != 0 {
			t.Fatalf("unconfirmed %v, asked %v", v.Unconfirmed, v.Asked)
		}
		// A late yes still counts; giving the place back drops the mark
		// and promotes U3, confirmed at once this close to the start.
		op(t, s, "line:U2", bot.OpConfirm, now, bot.TaskResult{})
		late := task.Start.Add(-time.Hour)
		out := answer(t, s, bot.Answer{TaskID: "T1", ProfileID: "line:U1", Op: bot.OpCancel, EventID: "c1", At: late, ConfirmNow: true,
			Promote: bot.Promotion{Out: testOut("promoted:T1", bot.Waitlisted, late)}})
		if out.State != bot.OfferCancelled {
			t.Fatalf("cancel: %+v", out)
		}
		v = findTask(t, s, "T1", late)
		if !reflect.DeepEqual(v.Confirmed, []string{"line:U2", "line:U3"}) || len(v.Unconfirmed) != 0 {
			t.Fatalf("after the cancellation: confirmed %v, unconfirmed %v, accepted %v", v.Confirmed, v.Unconfirmed, v.Accepted)
		}
	})

	t.Run("results once begun, and filled_at", func(t *testing.T) {
		s, task := setup(t)
		if out := op(t, s, "line:U1", bot.OpComplete, now, bot.TaskResult{Status: bot.Completed, Hours: 2}); out.Changed || out.Started {
			t.Errorf("a result before the start: %+v", out)
		}
		after := task.End.Add(time.Hour)
		if out := op(t, s, "line:U1", bot.OpComplete, after, bot.TaskResult{Status: bot.Completed, Hours: 2.5}); !out.Changed {
			t.Errorf("U1's result changed nothing")
		}
		if out := op(t, s, "line:U1", bot.OpComplete, after, bot.TaskResult{Status: bot.Completed, Hours: 2.5}); out.Changed {
			t.Errorf("the same result again changed %+v", out)
		}
		op(t, s, "line:U2", bot.OpComplete, after, bot.TaskResult{Status: bot.NotCompleted})
		if out := op(t, s, "line:U3", bot.OpComplete, after, bot.TaskResult{Status: bot.Completed, Hours: 1}); out.Changed {
			t.Errorf("a result for someone waitlisted: %+v", out)
		}
		v := findTask(t, s, "T1", after)
		if !reflect.DeepEqual(v.Completed, []string{"line:U1"}) || !reflect.DeepEqual(v.NotCompleted, []string{"line:U2"}) ||
			!reflect.DeepEqual(v.Hours, map[string]float64{"line:U1": 2.5}) {
			t.Fatalf("completed %v, not %v, hours %v", v.Completed, v.NotCompleted, v.Hours)
		}
		if !v.FilledAt.Equal(now.Add(2 * time.Minute)) {
			t.Errorf("filled at %v, want the second acceptance", v.FilledAt)
		}
	})

	t.Run("a task stored before its times sat beside the JSON is read whole", func(t *testing.T) {
		s, task := setup(t)
		if err := s.c.HDel(ctx, taskKey("T1"), "end", "created").Err(); err != nil {
			t.Fatal(err)
		}
		var got []bot.TaskRecord
		if err := s.EachTaskRecord(ctx, func(r bot.TaskRecord) error { got = append(got, r); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || !got[0].Task.End.Equal(task.End) || !got[0].Task.CreatedAt.Equal(task.CreatedAt) ||
			!got[0].Task.Start.Equal(task.Start) || got[0].Task.Headcount != 2 || len(got[0].Accepted) != 2 {
			t.Fatalf("records %+v", got)
		}
	})

	t.Run("words and headcount change; the status follows", func(t *testing.T) {
		s, task := setup(t) // two accepted, U3 waiting: filled
		edited := *task
		edited.Title, edited.Headcount = "公民館の草取り（午前）", 3
		if err := s.UpdateTask(ctx, &edited, now); err != nil {
			t.Fatal(err)
		}
		v := findTask(t, s, "T1", now)
		if v.Title != edited.Title || v.Headcount != 3 || v.Status != bot.TaskOpen {
			t.Fatalf("after more places: %q %d %s", v.Title, v.Headcount, v.Status)
		}
		due, err := s.DueTasks(ctx, now, 10)
		if err != nil || !slices.Contains(due, "T1") {
			t.Errorf("the new place is not due for offers: %v %v", due, err)
		}
		edited.Headcount = 2
		if err := s.UpdateTask(ctx, &edited, now); err != nil || findTask(t, s, "T1", now).Status != bot.TaskFilled {
			t.Errorf("back to two places: %v", err)
		}
		edited.Headcount = 1
		if err := s.UpdateTask(ctx, &edited, now); bot.ErrorCode(err) != bot.ECONFLICT {
			t.Errorf("fewer places than accepted: %v", err)
		}
		missing := edited
		missing.ID = "nope"
		if err := s.UpdateTask(ctx, &missing, now); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("unknown task: %v", err)
		}
		if _, err := s.CancelTask(ctx, "T1", now, func(string) bot.Outgoing { return bot.Outgoing{} }); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateTask(ctx, &edited, now); bot.ErrorCode(err) != bot.ECONFLICT {
			t.Errorf("a cancelled task: %v", err)
		}
	})

	t.Run("a named offer", func(t *testing.T) {
		s, q := taskStores(t, newClient(t))
		// Only someone with a profile is indexed for deletion.
		if err := NewStore(s.c).CreateProfile(ctx, testProfile("line:Unamed", "setagaya", bot.StatusActive, "pc")); err != nil {
			t.Fatal(err)
		}
		task := newTestTask("T2", 1, now)
		createTask(t, s, task, bot.Due{})
		o := testWave("T2", now, 1, hour, "line:Unamed").Offers[0]
		if err := s.OfferTo(ctx, o, "T2", task.End); err != nil {
			t.Fatal(err)
		}
		v := findTask(t, s, "T2", now)
		if !reflect.DeepEqual(v.Offered, []string{"line:Unamed"}) {
			t.Fatalf("offered %v", v.Offered)
		}
		ds, err := q.Read(ctx, "test", 10)
		if err != nil || len(ds) != 1 || ds[0].Out.ID != o.Out.ID {
			t.Fatalf("queued %+v (%v), want the offer", ds, err)
		}
		if err := s.OfferTo(ctx, o, "T2", task.End); bot.ErrorCode(err) != bot.ECONFLICT {
			t.Errorf("offered twice: %v, want a conflict", err)
		}
		if err := s.OfferTo(ctx, o, "nope", task.End); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("unknown task: %v", err)
		}
		tr, err := NewStore(s.c).Traces(ctx, "line:Unamed")
		if err != nil || !slices.Contains(tr.Tasks, "T2") { // it may hold more, never less
			t.Errorf("traces %+v (%v): deletion would not find the named offer", tr, err)
		}
		answer(t, s, bot.Answer{TaskID: "T2", ProfileID: "line:Unamed", Op: bot.OpAccept, EventID: "a", At: now})
		if err := s.OfferTo(ctx, testWave("T2", now, 1, hour, "line:Uother").Offers[0], "T2", task.End); bot.ErrorCode(err) != bot.ECONFLICT {
			t.Errorf("a named offer on a filled task: %v", err)
		}
	})

	t.Run("records for the figures keep a deleted person anonymous", func(t *testing.T) {
		s, task := setup(t)
		after := task.End.Add(time.Hour)
		op(t, s, "line:U1", bot.OpComplete, after, bot.TaskResult{Status: bot.Completed, Hours: 1.5})
		// U1 took part and leaves; U3, on the waitlist, leaves too.
		for _, p := range []string{"line:U1", "line:U3"} {
			answer(t, s, bot.Answer{TaskID: "T1", ProfileID: p, Op: bot.OpForget, At: after, Anon: "anon:" + p[5:]})
		}
		v := findTask(t, s, "T1", after)
		if !reflect.DeepEqual(v.Accepted, []string{"line:U2"}) || len(v.Completed) != 0 || len(v.Waitlist) != 0 || len(v.Cancelled) != 0 {
			t.Fatalf("the view after deletions: %+v", v)
		}
		var recs []bot.TaskRecord
		if err := s.EachTaskRecord(ctx, func(r bot.TaskRecord) error { recs = append(recs, r); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(recs) != 1 {
			t.Fatalf("%d records", len(recs))
		}
		r := recs[0]
		if len(r.Accepted) != 2 || !slices.Contains(r.Accepted, "anon:U1") || !slices.Contains(r.Accepted, "line:U2") {
			t.Errorf("accepted in the record %v: U1's participation lost or named", r.Accepted)
		}
		if got := r.Results["anon:U1"]; got != (bot.TaskResult{Status: bot.Completed, Hours: 1.5}) {
			t.Errorf("the result kept %+v", r.Results)
		}
		states := map[string]bot.OfferState{}
		for _, o := range r.Offers {
			states[o.ProfileID] = o.State
			if o.At.IsZero() {
				t.Errorf("offer to %s without its time", o.ProfileID)
			}
		}
		want := map[string]bot.OfferState{"anon:U1": bot.OfferAccepted, "line:U2": bot.OfferAccepted, "anon:U3": bot.OfferCancelled}
		if !reflect.DeepEqual(states, want) {
			t.Errorf("offers in the record %v, want %v", states, want)
		}
	})
}
