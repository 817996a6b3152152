package bot

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestSessionCalledOffInConversation follows a person through a session
// called off: the notice, then everything they might still do with it.
func TestSessionCalledOffInConversation(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	s1, s2 := c.s1(), c.s2()
	yes := s1
	yes.RSVP = RSVPYes
	told := Converse(cat, c.now, offerPerson(StatusActive), sessionsConv(yes, s2), sesIn(EventSessionCancelled, s1, ""))
	if len(told.Messages) != 1 || !strings.Contains(told.Messages[0].Text, "中止") || !strings.Contains(told.Messages[0].Text, s1.Title) {
		t.Fatalf("the notice: %+v", told.Messages)
	}
	if r := sesOf(t, told.Conv, "S1"); !r.Cancelled || r.RSVP != RSVPYes {
		t.Fatalf("the ref after the notice: %+v", r)
	}

	for _, tc := range []struct {
		name string
		in   Inbound
		// want is in the one reply; empty means no reply at all.
		want string
	}{
		{"a reminder claimed before the cancellation is dropped", sesIn(EventSessionReminder, s1, "1h0m0s"), ""},
		{"the invitation delivered late shows no card", sesIn(EventInvite, s1, ""), ""},
		{"the old 参加する button says it was called off", tapIn("session:yes:S1"), "中止になりました"},
		{"the old 参加しない button too", tapIn("session:no:S1"), "中止になりました"},
		{"「入れない」 at the start time finds no session", textIn("zoomに入れません"), ja.Session.NoSessionNow},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := c.now
			if strings.Contains(tc.name, "入れない") {
				now = s1.Start.Add(-10 * time.Minute)
			}
			res := Converse(cat, now, offerPerson(StatusActive), told.Conv, tc.in)
			if res.RSVP != nil {
				t.Errorf("an RSVP to a session called off: %+v", res.RSVP)
			}
			switch {
			case tc.want == "" && len(res.Messages) != 0:
				t.Errorf("replied %+v", res.Messages)
			case tc.want != "" && (len(res.Messages) != 1 || !strings.Contains(res.Messages[0].Text, tc.want)):
				t.Errorf("replied %+v, want %q", res.Messages, tc.want)
			}
			if r := sesOf(t, res.Conv, "S1"); !r.Cancelled {
				t.Errorf("the ref forgot the cancellation: %+v", r)
			}
		})
	}

	t.Run("a typed yes answers the other invitation", func(t *testing.T) {
		res := Converse(cat, c.now, offerPerson(StatusActive), told.Conv, textIn("参加します"))
		if res.RSVP == nil || res.RSVP.SessionID != "S2" || res.RSVP.Answer != RSVPYes {
			t.Errorf("RSVP %+v, messages %+v", res.RSVP, res.Messages)
		}
	})

	t.Run("「予定」 and the home screen list it no more", func(t *testing.T) {
		inSchedule := func(conv Conversation) bool {
			res := Converse(cat, c.now, offerPerson(StatusActive), conv, textIn("予定を教えてください"))
			return len(res.Messages) == 1 && strings.Contains(res.Messages[0].Text, s1.Title)
		}
		onHome := func(conv Conversation) bool {
			for _, m := range HomeMessages(cat, c.now, offerPerson(StatusActive), conv) {
				if m.Card != nil && m.Card.Title == s1.Title {
					return true
				}
			}
			return false
		}
		if !inSchedule(sessionsConv(yes, s2)) || !onHome(sessionsConv(yes, s2)) {
			t.Fatal("a session the person joins is not listed")
		}
		if inSchedule(told.Conv) || onHome(told.Conv) {
			t.Error("the cancelled session is listed")
		}
	})
}

// TestCancelSession is the service: who is told, what reminders go, and
// what a session called off still answers.
func TestCancelSession(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	ctx := context.Background()
	s1 := c.s1()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	setup := func(now time.Time) (*SessionService, *memSessions) {
		store := newMemSessions()
		store.sessions["S1"] = &Session{ID: "S1", Title: s1.Title, URL: s1.URL, Start: s1.Start, End: s1.End,
			Reminders: []time.Duration{24 * time.Hour, time.Hour}}
		people := memPeople{}
		for _, id := range []string{"line:U0042", "line:U0043", "slack:T1:U9"} {
			p := offerPerson(StatusActive)
			p.ID = id
			people[id] = p
		}
		return &SessionService{Location: c.loc, Now: func() time.Time { return now }, Sessions: store, People: people,
			Logger: log}, store
	}

	t.Run("the attendees are told and their reminders removed, byte for byte", func(t *testing.T) {
		ss, store := setup(c.now)
		for _, id := range []string{"line:U0042", "slack:T1:U9"} {
			if _, _, err := ss.AddAttendee(ctx, "S1", id); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := store.RSVP(ctx, RSVP{SessionID: "S1", ProfileID: "line:U0043", Answer: RSVPNo}); err != nil {
			t.Fatal(err)
		}
		v, err := ss.CancelSession(ctx, "S1")
		if err != nil {
			t.Fatal(err)
		}
		if v.CancelledAt == nil || !v.CancelledAt.Equal(c.now) {
			t.Errorf("cancelled at %v", v.CancelledAt)
		}
		if len(store.notices) != 2 || store.notices[0].To != "line:U0042" || store.notices[1].To != "slack:T1:U9" {
			t.Fatalf("notices %+v", store.notices)
		}
		if ev := store.notices[0].Event; ev == nil || ev.Kind != EventSessionCancelled || ev.Session == nil || ev.Session.SessionID != "S1" {
			t.Errorf("notice event %+v", ev)
		}
		var queued []Due
		for _, r := range store.calls {
			if r.Answer == RSVPYes {
				queued = append(queued, r.Reminders...)
			}
		}
		qj, _ := json.Marshal(queued)
		rj, _ := json.Marshal(store.removed)
		if len(queued) != 4 || string(qj) != string(rj) {
			t.Errorf("removed\n%s\nqueued\n%s", rj, qj)
		}
		if _, err := ss.CancelSession(ctx, "S1"); ErrorCode(err) != ECONFLICT {
			t.Errorf("cancelled twice: %v", err)
		}
		if _, _, err := ss.AddAttendee(ctx, "S1", "line:U0043"); ErrorCode(err) != ECONFLICT {
			t.Errorf("an attendee added to a session called off: %v", err)
		}
	})

	t.Run("a session that has ended stays held", func(t *testing.T) {
		ss, store := setup(s1.End.Add(time.Minute))
		if _, err := ss.CancelSession(ctx, "S1"); ErrorCode(err) != EUNPROCESSABLE {
			t.Errorf("err %v", err)
		}
		if store.sessions["S1"].CancelledAt != nil {
			t.Error("cancelled")
		}
	})

	t.Run("an unknown session is not found", func(t *testing.T) {
		ss, _ := setup(c.now)
		if _, err := ss.CancelSession(ctx, "S404"); ErrorCode(err) != ENOTFOUND {
			t.Errorf("err %v", err)
		}
	})

	t.Run("an answer to the invitation afterwards is told, not recorded", func(t *testing.T) {
		ss, store := setup(c.now)
		if _, err := ss.CancelSession(ctx, "S1"); err != nil {
			t.Fatal(err)
		}
		in := tapIn("session:yes:S1")
		// The invitation came; the person never said yes, so no notice.
		res := Converse(cat, c.now, offerPerson(StatusActive), sessionsConv(s1), in)
		r, err := ss.rsvp(ctx, in, res, c.now)
		if err != nil {
			t.Fatal(err)
		}
		if len(store.calls) != 0 {
			t.Errorf("RSVPs recorded: %+v", store.calls)
		}
		if len(r.Messages) != 1 || !strings.Contains(r.Messages[0].Text, "中止") || !sesOf(t, r.Conv, "S1").Cancelled {
			t.Errorf("result %+v", r)
		}
	})
}

// TestNewcomerIsInvitedToTheSessionsPostedBefore: a person who registers
// (or comes back from a pause) after a session was posted for people like
// them is invited to it; a commit that changes nothing of that raises
// nothing.
func TestNewcomerIsInvitedToTheSessionsPostedBefore(t *testing.T) {
	c := newOfferClock(t)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store := newMemSessions()
	s1 := c.s1()
	cancelled := c.now
	for _, s := range []*Session{
		{ID: "S1", Title: s1.Title, Start: s1.Start, End: s1.End, Audience: Audience{Areas: []string{"setagaya"}}},
		{ID: "S2", Title: "中止の会", Start: s1.Start, End: s1.End, CancelledAt: &cancelled},
		{ID: "S3", Title: "調布の会", Start: s1.Start, End: s1.End, Audience: Audience{Areas: []string{"chofu"}}},
		{ID: "S4", Title: "終わった会", Start: c.now.Add(-3 * time.Hour), End: c.now.Add(-time.Hour)},
	} {
		store.sessions[s.ID] = s
	}
	p := offerPerson(StatusActive)
	b := &Bot{Location: c.loc, Now: func() time.Time { return c.now }, NewID: func() string { return "N1" }, Logger: log,
		Sessions: &SessionService{Location: c.loc, Now: func() time.Time { return c.now }, Sessions: store, People: memPeople{p.ID: p}, Logger: log}}

	if err := b.Handle(ctx, Inbound{ID: "active:N0", Kind: EventBecameActive, ProfileID: p.ID}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(store.invited, ",") != "S1 "+p.ID {
		t.Errorf("invited %v, want S1 only", store.invited)
	}

	becameActive := func(before, after *Profile) bool {
		ch := b.change(Inbound{ID: "ev", ProfileID: p.ID}, Snapshot{Profile: before}, Result{Profile: after}, c.now)
		for _, out := range ch.Outgoing {
			if out.Event != nil && out.Event.Kind == EventBecameActive {
				return true
			}
		}
		return false
	}
	onboarding, paused := offerPerson(StatusOnboarding), offerPerson(StatusPaused)
	if !becameActive(onboarding, p) || !becameActive(paused, p) || !becameActive(nil, p) {
		t.Error("registering or resuming raises no invitation check")
	}
	if becameActive(p, p) || becameActive(onboarding, paused) {
		t.Error("a commit that makes no one active raises one")
	}
}
