package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"tsunagu/bot"
)

func TestSessionsEmbedded(t *testing.T) { testSessions(t, embeddedClient) }

func TestSessionsReal(t *testing.T) {
	needEnv(t, "REDIS_URL")
	testSessions(t, realClient)
}

func TestSessionsCluster(t *testing.T) {
	needEnv(t, "REDIS_CLUSTER_ADDRS")
	testSessions(t, clusterClient)
}

// testSessions is the conformance suite of the session store.
func testSessions(t *testing.T, newClient func(t *testing.T) goredis.UniversalClient) {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	start := now.Add(48 * time.Hour)
	offsets := []time.Duration{24 * time.Hour, time.Hour}

	t.Run("a created session is found with empty lists and its reminders", func(t *testing.T) {
		s, _ := sessionStores(t, newClient(t))
		ses := newTestSession("S1", now)
		ses.Reminders = []time.Duration{24 * time.Hour, time.Hour, 90 * time.Second}
		ses.Audience = bot.Audience{Channels: []string{bot.PlatformLINE}, Areas: []string{"setagaya"}, Skills: []string{"grading"}}
		createSession(t, s, ses)
		got := findSession(t, s, "S1")
		want := &bot.SessionView{Session: *ses, Attendees: []string{}, Declined: []string{}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v, want %+v", got, want)
		}
		if got.Attendees == nil || got.Declined == nil {
			t.Errorf("attendees %#v, declined %#v; want empty, not nil", got.Attendees, got.Declined)
		}
		if !reflect.DeepEqual(got.Reminders, ses.Reminders) {
			t.Errorf("reminders %v, want %v", got.Reminders, ses.Reminders)
		}
		// The API's JSON shows empty lists, not null.
		j, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(j), `"attendees":[]`) || !strings.Contains(string(j), `"declined":[]`) {
			t.Errorf("JSON %s, want empty attendees and declined lists", j)
		}

		dup := newTestSession("S1", now)
		dup.Title = "別の集まり"
		if err := s.CreateSession(ctx, dup); bot.ErrorCode(err) != bot.ECONFLICT {
			t.Errorf("second create: got %v, want a conflict", err)
		}
		if got := findSession(t, s, "S1"); got.Title != ses.Title {
			t.Errorf("the duplicate overwrote the session: title %q", got.Title)
		}
		if _, err := s.FindSession(ctx, "Snobody"); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("unknown session: got %v, want not found", err)
		}
	})

	t.Run("times in another zone round-trip as the same instants", func(t *testing.T) {
		s, _ := sessionStores(t, newClient(t))
		tokyo := time.FixedZone("JST", 9*3600)
		ses := newTestSession("S1", now)
		ses.Start, ses.End = ses.Start.In(tokyo), ses.End.In(tokyo)
		createSession(t, s, ses)
		got := findSession(t, s, "S1")
		if !got.Start.Equal(ses.Start) || !got.End.Equal(ses.End) {
			t.Errorf("start %v end %v, want %v %v", got.Start, got.End, ses.Start, ses.End)
		}
		if _, off := got.Start.Zone(); off != 9*3600 {
			t.Errorf("start offset %d, want +09:00 kept", off)
		}
	})

	t.Run("a session is pending its invitations until InvitesDone", func(t *testing.T) {
		s, _ := sessionStores(t, newClient(t))
		if got := pendingInvites(t, s, 10); len(got) != 0 {
			t.Fatalf("pending before any session: %v", got)
		}
		var all []string
		for i := range 20 {
			id := fmt.Sprintf("S%02d", i)
			all = append(all, id)
			createSession(t, s, newTestSession(id, now))
		}
		got := pendingInvites(t, s, 100)
		sort.Strings(got)
		if !reflect.DeepEqual(got, all) {
			t.Errorf("pending %v, want %v", got, all)
		}
		if got := pendingInvites(t, s, 7); len(got) != 7 {
			t.Errorf("limit 7: got %d", len(got))
		}
		for _, id := range all[1:] {
			if err := s.InvitesDone(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		if got := pendingInvites(t, s, 100); !reflect.DeepEqual(got, all[:1]) {
			t.Errorf("pending %v, want %v", got, all[:1])
		}
		// Done twice is fine.
		for range 2 {
			if err := s.InvitesDone(ctx, all[0]); err != nil {
				t.Fatal(err)
			}
		}
		if got := pendingInvites(t, s, 100); len(got) != 0 {
			t.Errorf("pending %v, want none", got)
		}
	})

	t.Run("invitations are queued once per person", func(t *testing.T) {
		s, q := sessionStores(t, newClient(t))
		createSession(t, s, newTestSession("S1", now))
		ps := people("line:U", 5)
		if n := invite(t, s, "S1", invitations("S1", now, ps[:3]...)); n != 3 {
			t.Errorf("invited %d, want 3", n)
		}
		got := outIDs(t, q)
		sort.Strings(got)
		if want := inviteIDs("S1", ps[:3]...); !reflect.DeepEqual(got, want) {
			t.Errorf("queued %v, want %v", got, want)
		}
		// The sweep again, with two more people: only they are new.
		if n := invite(t, s, "S1", invitations("S1", now.Add(time.Minute), ps...)); n != 2 {
			t.Errorf("invited %d, want 2", n)
		}
		got = outIDs(t, q)
		sort.Strings(got)
		if want := inviteIDs("S1", ps[3:]...); !reflect.DeepEqual(got, want) {
			t.Errorf("queued %v, want %v", got, want)
		}
		if n := invite(t, s, "S1", invitations("S1", now.Add(2*time.Minute), ps...)); n != 0 {
			t.Errorf("invited %d, want 0", n)
		}
		if got := outIDs(t, q); len(got) != 0 {
			t.Errorf("queued %v", got)
		}
		if n := invite(t, s, "S1", nil); n != 0 {
			t.Errorf("invited nobody: %d", n)
		}
		v := findSession(t, s, "S1")
		if v.Invited != 5 || len(v.Attendees) != 0 || len(v.Declined) != 0 {
			t.Errorf("invited %d, attendees %v, declined %v; want 5 invited", v.Invited, v.Attendees, v.Declined)
		}
		// The queued entry is the invitation as given.
		createSession(t, s, newTestSession("S2", now))
		in := invitations("S2", now, "line:Uone")
		invite(t, s, "S2", in)
		ds := read(t, q, "w1", 10)
		if len(ds) != 1 || !reflect.DeepEqual(ds[0].Out, in[0].Out) || ds[0].Attempt != 0 {
			t.Errorf("got %+v, want %+v", ds, in[0].Out)
		}
	})

	t.Run("a yes queues the reminders, claimed once at their time", func(t *testing.T) {
		c := newClient(t)
		s, q := sessionStores(t, c)
		tasks := NewTasks(c)
		createSession(t, s, newTestSession("S1", now))
		invite(t, s, "S1", invitations("S1", now, "line:U1", "line:U2"))
		outIDs(t, q)

		rs := sessionReminders("S1", start, "line:U2", offsets...)
		if changed := rsvp(t, s, yesRSVP("S1", "line:U2", "ev1", now.Add(time.Minute), rs)); !changed {
			t.Error("first yes: unchanged")
		}
		rsvp(t, s, yesRSVP("S1", "line:U1", "ev2", now.Add(2*time.Minute), sessionReminders("S1", start, "line:U1", offsets...)))
		v := findSession(t, s, "S1")
		if want := []string{"line:U2", "line:U1"}; !reflect.DeepEqual(v.Attendees, want) {
			t.Errorf("attendees %v, want %v in the order they answered", v.Attendees, want)
		}
		if len(v.Declined) != 0 || v.Invited != 2 {
			t.Errorf("declined %v, invited %d", v.Declined, v.Invited)
		}
		if got := outIDs(t, q); len(got) != 0 {
			t.Errorf("a yes queued %v at once", got)
		}

		day := start.Add(-24 * time.Hour)
		claimDue(t, tasks, day.Add(-time.Millisecond), 0)
		claimDue(t, tasks, day, 2)
		got := read(t, q, "w1", 100)
		var gotIDs []string
		for _, d := range got {
			gotIDs = append(gotIDs, d.Out.ID)
			if d.Out.ID == rs[0].Out.ID && !reflect.DeepEqual(d.Out, rs[0].Out) {
				t.Errorf("queued %+v, want %+v", d.Out, rs[0].Out)
			}
		}
		sort.Strings(gotIDs)
		if want := []string{reminderID("S1", 24*time.Hour, "line:U1"), reminderID("S1", 24*time.Hour, "line:U2")}; !reflect.DeepEqual(gotIDs, want) {
			t.Errorf("queued %v, want %v", gotIDs, want)
		}
		claimDue(t, tasks, day.Add(time.Minute), 0)
		hour := start.Add(-time.Hour)
		claimDue(t, tasks, hour, 2)
		if got := outIDs(t, q); len(got) != 2 {
			t.Errorf("queued %v, want the two 1h reminders", got)
		}
		claimDue(t, tasks, start.Add(time.Hour), 0)
		if got := outIDs(t, q); len(got) != 0 {
			t.Errorf("claimed twice: %v", got)
		}
	})

	t.Run("a no removes the attendee and their reminders", func(t *testing.T) {
		c := newClient(t)
		s, q := sessionStores(t, c)
		tasks := NewTasks(c)
		twoOfThreeSayYes(t, s, q, now, offsets...)
		no := yesRSVP("S1", "line:U1", "no:1", now.Add(10*time.Minute), sessionReminders("S1", start, "line:U1", offsets...))
		no.Answer = bot.RSVPNo
		if changed := rsvp(t, s, no); !changed {
			t.Error("no after yes: unchanged")
		}
		// A no from someone who never answered.
		no3 := yesRSVP("S1", "line:U3", "no:3", now.Add(11*time.Minute), sessionReminders("S1", start, "line:U3", offsets...))
		no3.Answer = bot.RSVPNo
		if changed := rsvp(t, s, no3); !changed {
			t.Error("first no: unchanged")
		}
		v := findSession(t, s, "S1")
		if !reflect.DeepEqual(v.Attendees, []string{"line:U2"}) || !reflect.DeepEqual(v.Declined, []string{"line:U1", "line:U3"}) {
			t.Errorf("attendees %v, declined %v", v.Attendees, v.Declined)
		}
		claimDue(t, tasks, start, 2) // line:U2's only
		got := outIDs(t, q)
		sort.Strings(got)
		if want := []string{reminderID("S1", time.Hour, "line:U2"), reminderID("S1", 24*time.Hour, "line:U2")}; !reflect.DeepEqual(got, want) {
			t.Errorf("queued %v, want %v", got, want)
		}

		// Changing one's mind back queues the reminders again.
		if changed := rsvp(t, s, yesRSVP("S1", "line:U1", "yes:again", now.Add(20*time.Minute), sessionReminders("S1", start, "line:U1", offsets...))); !changed {
			t.Error("yes after no: unchanged")
		}
		v = findSession(t, s, "S1")
		if !reflect.DeepEqual(v.Attendees, []string{"line:U2", "line:U1"}) || !reflect.DeepEqual(v.Declined, []string{"line:U3"}) {
			t.Errorf("attendees %v, declined %v", v.Attendees, v.Declined)
		}
		claimDue(t, tasks, start, 2)
	})

	t.Run("a cancellation tells the attendees, drops their reminders and takes no answer", func(t *testing.T) {
		c := newClient(t)
		s, q := sessionStores(t, c)
		tasks := NewTasks(c)
		twoOfThreeSayYes(t, s, q, now, offsets...)
		// S2 still waits for its invitations.
		if err := s.CreateSession(ctx, newTestSession("S2", now)); err != nil {
			t.Fatal(err)
		}
		ses, err := s.GetSession(ctx, "S1")
		if err != nil {
			t.Fatal(err)
		}
		at := now.Add(time.Hour)
		ses.CancelledAt = &at
		notice := func(p string) bot.Outgoing {
			return bot.Outgoing{ID: "scancelled:S1:" + p, Kind: bot.OutEvent, To: p}
		}
		reminders := func(p string) []bot.Due { return sessionReminders("S1", start, p, offsets...) }
		n, err := s.CancelSession(ctx, ses, notice, reminders)
		if err != nil || n != 2 {
			t.Fatalf("told %d, %v", n, err)
		}
		got := outIDs(t, q)
		sort.Strings(got)
		if want := []string{"scancelled:S1:line:U1", "scancelled:S1:line:U2"}; !reflect.DeepEqual(got, want) {
			t.Errorf("queued %v, want %v", got, want)
		}
		claimDue(t, tasks, start, 0)
		v := findSession(t, s, "S1")
		if v.CancelledAt == nil || !v.CancelledAt.Equal(at) {
			t.Errorf("cancelled at %v, want %v", v.CancelledAt, at)
		}
		if !reflect.DeepEqual(v.Attendees, []string{"line:U1", "line:U2"}) {
			t.Errorf("attendees %v: who had said yes is kept", v.Attendees)
		}
		if ids := pendingInvites(t, s, 10); !reflect.DeepEqual(ids, []string{"S2"}) {
			t.Errorf("pending invitations %v, want S2 alone", ids)
		}
		if _, err := s.CancelSession(ctx, ses, notice, reminders); bot.ErrorCode(err) != bot.ECONFLICT {
			t.Errorf("second cancellation: %v", err)
		}
		if got := outIDs(t, q); len(got) != 0 {
			t.Errorf("the second cancellation queued %v", got)
		}
		late := yesRSVP("S1", "line:U3", "yes:late", at.Add(time.Minute), sessionReminders("S1", start, "line:U3", offsets...))
		if _, err := s.RSVP(ctx, late); bot.ErrorCode(err) != bot.ECONFLICT {
			t.Errorf("a yes to a cancelled session: %v", err)
		}
		claimDue(t, tasks, start, 0)
		// Deleting an attendee still works.
		forget := bot.RSVP{SessionID: "S1", ProfileID: "line:U1", Answer: bot.RSVPForget, At: at, Reminders: reminders("line:U1")}
		if _, err := s.RSVP(ctx, forget); err != nil {
			t.Errorf("forgetting an attendee of a cancelled session: %v", err)
		}
		if v := findSession(t, s, "S1"); !reflect.DeepEqual(v.Attendees, []string{"line:U2"}) {
			t.Errorf("attendees after forgetting %v", v.Attendees)
		}
		// Upcoming lists S2 alone: S1 was called off.
		up, err := s.Upcoming(ctx, now)
		if err != nil || len(up) != 1 || up[0].ID != "S2" {
			t.Errorf("upcoming %v, %v", up, err)
		}
		if up, _ := s.Upcoming(ctx, now.Add(49*time.Hour)); len(up) != 0 {
			t.Errorf("upcoming after the start %v", up)
		}
	})

	t.Run("a repeated event or answer changes nothing", func(t *testing.T) {
		c := newClient(t)
		s, q := sessionStores(t, c)
		tasks := NewTasks(c)
		createSession(t, s, newTestSession("S1", now))
		rs := sessionReminders("S1", start, "line:U1", offsets...)
		yes := yesRSVP("S1", "line:U1", "ev1", now.Add(time.Minute), rs)
		if !rsvp(t, s, yes) {
			t.Fatal("first yes: unchanged")
		}
		no := yesRSVP("S1", "line:U1", "ev2", now.Add(2*time.Minute), rs)
		no.Answer = bot.RSVPNo
		if !rsvp(t, s, no) {
			t.Fatal("no: unchanged")
		}
		// The platform redelivers the yes: it must not undo the later no.
		yes.At = now.Add(3 * time.Minute)
		if rsvp(t, s, yes) {
			t.Error("a redelivered event reports a change")
		}
		v := findSession(t, s, "S1")
		if len(v.Attendees) != 0 || !reflect.DeepEqual(v.Declined, []string{"line:U1"}) {
			t.Errorf("the repeat changed the session: attendees %v, declined %v", v.Attendees, v.Declined)
		}
		claimDue(t, tasks, start, 0)

		// The same answer in a new event: unchanged, nothing queued twice.
		yes2 := yesRSVP("S1", "line:U1", "ev3", now.Add(4*time.Minute), rs)
		if !rsvp(t, s, yes2) {
			t.Error("yes: unchanged")
		}
		yes2.EventID, yes2.At = "ev4", now.Add(5*time.Minute)
		if rsvp(t, s, yes2) {
			t.Error("the same answer twice reports a change")
		}
		no.EventID = "ev5"
		if !rsvp(t, s, no) {
			t.Error("no: unchanged")
		}
		no.EventID = "ev6"
		if rsvp(t, s, no) {
			t.Error("the same no twice reports a change")
		}
		yes2.EventID = "ev7"
		rsvp(t, s, yes2)
		if v := findSession(t, s, "S1"); !reflect.DeepEqual(v.Attendees, []string{"line:U1"}) {
			t.Errorf("attendees %v", v.Attendees)
		}
		claimDue(t, tasks, start, 2)
		if got := outIDs(t, q); len(got) != 2 {
			t.Errorf("queued %v, want one of each reminder", got)
		}

		if _, err := s.RSVP(ctx, yesRSVP("Snobody", "line:U1", "ev8", now, nil)); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("unknown session: got %v, want not found", err)
		}
		// The event of an RSVP to an unknown session is not remembered.
		yes3 := yesRSVP("S1", "line:U9", "ev8", now, nil)
		if !rsvp(t, s, yes3) {
			t.Error("an event first used on an unknown session is taken as seen")
		}
	})

	t.Run("forgetting a person removes them from the session", func(t *testing.T) {
		c := newClient(t)
		s, q := sessionStores(t, c)
		tasks := NewTasks(c)
		const id = "line:Uforget"
		// Attending S1, declined S2, only invited to S3.
		for _, ses := range []string{"S1", "S2", "S3"} {
			createSession(t, s, newTestSession(ses, now))
			invite(t, s, ses, invitations(ses, now, id, "line:U2"))
		}
		rsvp(t, s, yesRSVP("S1", id, "e1", now, sessionReminders("S1", start, id, offsets...)))
		rsvp(t, s, yesRSVP("S1", "line:U2", "e2", now, sessionReminders("S1", start, "line:U2", offsets...)))
		no := yesRSVP("S2", id, "e3", now, sessionReminders("S2", start, id, offsets...))
		no.Answer = bot.RSVPNo
		rsvp(t, s, no)
		// Everything queued so far has been sent.
		ackAll(t, q)

		at := now.Add(time.Minute)
		for _, ses := range []string{"S1", "S2", "S3"} {
			f := yesRSVP(ses, id, "", at, sessionReminders(ses, start, id, offsets...))
			f.Answer = bot.RSVPForget
			if !rsvp(t, s, f) {
				t.Errorf("%s: forget unchanged", ses)
			}
			v := findSession(t, s, ses)
			if anyContains(v.Attendees, id) || anyContains(v.Declined, id) {
				t.Errorf("%s still names the person: %+v", ses, v)
			}
			if v.Invited != 1 {
				t.Errorf("%s: invited %d, want 1 (line:U2)", ses, v.Invited)
			}
		}
		if v := findSession(t, s, "S1"); !reflect.DeepEqual(v.Attendees, []string{"line:U2"}) {
			t.Errorf("S1 attendees %v, want line:U2 kept", v.Attendees)
		}
		claimDue(t, tasks, start, 2) // line:U2's reminders only
		if got := outIDs(t, q); anyContains(got, id) {
			t.Errorf("queued %v", got)
		}
		if ks := naming(t, c, id); len(ks) > 0 {
			t.Errorf("%v still name the person", ks)
		}
		// Forgetting a stranger does no harm.
		f := yesRSVP("S1", "line:Unever", "", at, nil)
		f.Answer = bot.RSVPForget
		if _, err := s.RSVP(ctx, f); err != nil {
			t.Errorf("forgetting a stranger: %v", err)
		}
		if v := findSession(t, s, "S1"); !reflect.DeepEqual(v.Attendees, []string{"line:U2"}) || v.Invited != 1 {
			t.Errorf("S1 after forgetting a stranger: %+v", v)
		}
	})

	t.Run("forgetting a person named in an audience", func(t *testing.T) {
		c := newClient(t)
		s, q := sessionStores(t, c)
		const id = "line:Uforget"
		ses := newTestSession("S1", now)
		ses.Audience.ProfileIDs = []string{id, "line:U2"}
		createSession(t, s, ses)
		invite(t, s, "S1", invitations("S1", now, id, "line:U2"))
		ackAll(t, q)
		f := yesRSVP("S1", id, "", now, sessionReminders("S1", start, id, offsets...))
		f.Answer = bot.RSVPForget
		rsvp(t, s, f)
		if ks := naming(t, c, id); len(ks) > 0 {
			t.Errorf("the session still names the deleted person: %s", strings.Join(ks, ", "))
		}
	})

	t.Run("concurrent claims from many clients queue each reminder once", func(t *testing.T) {
		c := newClient(t)
		clients := []goredis.UniversalClient{c, sameServer(t, c), sameServer(t, c)}
		s, q := sessionStores(t, c)
		createSession(t, s, newTestSession("S1", now))
		three := []time.Duration{24 * time.Hour, 2 * time.Hour, 30 * time.Minute}
		ps := people("line:U", 100)
		want := map[string]bool{}
		for i, p := range ps {
			rs := sessionReminders("S1", start, p, three...)
			for _, r := range rs {
				want[r.Out.ID] = true
			}
			rsvp(t, s, yesRSVP("S1", p, fmt.Sprintf("ev%d", i), now.Add(time.Duration(i)*time.Second), rs))
		}
		if len(want) != 300 {
			t.Fatalf("%d distinct reminders, want 300", len(want))
		}
		if v := findSession(t, s, "S1"); len(v.Attendees) != 100 {
			t.Fatalf("%d attendees, want 100", len(v.Attendees))
		}

		var total atomic.Int64
		errs := make([]error, len(clients))
		var wg sync.WaitGroup
		for i, cl := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tasks := NewTasks(cl)
				// Each round claims what is due at a later moment, so
				// the goroutines race for each offset in turn.
				for _, at := range []time.Time{start.Add(-24 * time.Hour), start.Add(-2 * time.Hour), start} {
					for {
						n, err := tasks.ClaimDue(ctx, at, 7)
						if err != nil {
							errs[i] = err
							return
						}
						total.Add(int64(n))
						if n == 0 {
							break
						}
					}
				}
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("client %d: %v", i, err)
			}
		}
		if n := total.Load(); n != 300 {
			t.Errorf("claimed %d in all, want 300", n)
		}
		count := map[string]int{}
		for _, d := range read(t, q, "w1", 10000) {
			count[d.Out.ID]++
		}
		if len(count) != len(want) {
			t.Errorf("%d distinct entries queued, want %d", len(count), len(want))
		}
		for id := range want {
			if count[id] != 1 {
				t.Errorf("%s queued %d times, want once", id, count[id])
			}
		}
		for id, n := range count {
			if !want[id] {
				t.Errorf("unexpected entry %s queued %d times", id, n)
			}
		}
		// Every stream holds exactly the claimed entries.
		if n := streamEntries(t, c); n != 300 {
			t.Errorf("%d entries in the outbox streams, want 300", n)
		}
		claimDue(t, NewTasks(c), start.Add(time.Hour), 0)
	})
}

// sessionStores returns the session store and outbox in c, the outbox's
// groups created.
func sessionStores(t *testing.T, c goredis.UniversalClient) (*Sessions, *Outbox) {
	t.Helper()
	q := NewOutbox(c)
	if err := q.EnsureGroups(context.Background()); err != nil {
		t.Fatal(err)
	}
	return NewSessions(c), q
}

func newTestSession(id string, now time.Time) *bot.Session {
	return &bot.Session{
		ID: id, Title: "オンライン交流会", Description: "お茶を飲みながら話しましょう",
		Start: now.Add(48 * time.Hour), End: now.Add(50 * time.Hour), URL: "https://zoom.example/j/123",
		Reminders: []time.Duration{24 * time.Hour, time.Hour}, CreatedAt: now,
	}
}

func createSession(t *testing.T, s *Sessions, ses *bot.Session) {
	t.Helper()
	if err := s.CreateSession(context.Background(), ses); err != nil {
		t.Fatal(err)
	}
}

func findSession(t *testing.T, s *Sessions, id string) *bot.SessionView {
	t.Helper()
	v, err := s.FindSession(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func pendingInvites(t *testing.T, s *Sessions, limit int) []string {
	t.Helper()
	ids, err := s.PendingInvites(context.Background(), limit)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// invitations are the invitations of a session to people, as Bot.invite
// builds them.
func invitations(id string, at time.Time, people ...string) []bot.WaveOffer {
	var ws []bot.WaveOffer
	for _, p := range people {
		ev := inviteIDs(id, p)[0]
		ref := bot.SessionRef{SessionID: id, Title: "オンライン交流会"}
		ws = append(ws, bot.WaveOffer{ProfileID: p, Out: bot.Outgoing{ID: ev, Kind: bot.OutEvent, To: p, CreatedAt: at,
			Event: &bot.Inbound{ID: ev, Kind: bot.EventInvite, ProfileID: p, Session: &ref, At: at}}})
	}
	return ws
}

func inviteIDs(id string, people ...string) []string {
	var ids []string
	for _, p := range people {
		ids = append(ids, "invite:"+id+":"+p)
	}
	return ids
}

func invite(t *testing.T, s *Sessions, id string, in []bot.WaveOffer) int {
	t.Helper()
	n, err := s.Invite(context.Background(), id, in)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func reminderID(id string, off time.Duration, p string) string {
	return "sremind:" + id + ":" + off.String() + ":" + p
}

// sessionReminders are p's reminders of a session starting at start, as
// Bot.sessionReminders builds them.
func sessionReminders(id string, start time.Time, p string, offsets ...time.Duration) []bot.Due {
	var ds []bot.Due
	for _, off := range offsets {
		rid := reminderID(id, off, p)
		ref := bot.SessionRef{SessionID: id, Title: "オンライン交流会", URL: "https://zoom.example/j/123",
			Start: start, End: start.Add(2 * time.Hour)}
		ds = append(ds, bot.Due{At: start.Add(-off), Out: bot.Outgoing{ID: rid, Kind: bot.OutEvent, To: p,
			Event: &bot.Inbound{ID: rid, Kind: bot.EventSessionReminder, ProfileID: p, Session: &ref, Text: off.String()}}})
	}
	return ds
}

// twoOfThreeSayYes makes session S1 (newTestSession at now), invites
// line:U1, U2 and U3, and has U1 then U2 say yes with their reminders at
// offsets; the invitations are read off the outbox.
func twoOfThreeSayYes(t *testing.T, s *Sessions, q *Outbox, now time.Time, offsets ...time.Duration) {
	t.Helper()
	createSession(t, s, newTestSession("S1", now))
	invite(t, s, "S1", invitations("S1", now, "line:U1", "line:U2", "line:U3"))
	outIDs(t, q)
	start := now.Add(48 * time.Hour)
	for i, p := range []string{"line:U1", "line:U2"} {
		rsvp(t, s, yesRSVP("S1", p, "yes:"+p, now.Add(time.Duration(i+1)*time.Minute), sessionReminders("S1", start, p, offsets...)))
	}
}

// yesRSVP is p's yes to a session; change Answer for another.
func yesRSVP(id, p, event string, at time.Time, rs []bot.Due) bot.RSVP {
	return bot.RSVP{SessionID: id, ProfileID: p, Answer: bot.RSVPYes, EventID: event, At: at, Reminders: rs}
}

func rsvp(t *testing.T, s *Sessions, r bot.RSVP) bool {
	t.Helper()
	changed, err := s.RSVP(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	return changed
}

func claimDue(t *testing.T, s *Tasks, now time.Time, want int) {
	t.Helper()
	n, err := s.ClaimDue(context.Background(), now, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if n != want {
		t.Errorf("claimed %d at %v, want %d", n, now, want)
	}
}

// ackAll reads and acknowledges everything queued, as the sender would.
func ackAll(t *testing.T, q *Outbox) {
	t.Helper()
	for _, d := range read(t, q, "w1", 10000) {
		if err := q.Ack(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
}

// streamEntries counts the entries of every shard's outbox stream.
func streamEntries(t *testing.T, c goredis.UniversalClient) int {
	t.Helper()
	n := 0
	for sh := 0; sh < Shards; sh++ {
		ms, err := c.XRange(context.Background(), outboxKey(sh), "-", "+").Result()
		if err != nil {
			t.Fatal(err)
		}
		n += len(ms)
	}
	return n
}
