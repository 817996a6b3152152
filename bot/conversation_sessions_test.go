package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// The session tests run on the offer tests' clock, Monday 2026-11-30 10:00
// in Tokyo. S1 is on Thursday evening, S2 on Saturday afternoon.

const sesURL = "https://zoom.example/j/123"

func (c offerClock) s1() SessionRef {
	return SessionRef{SessionID: "S1", Title: "オンライン交流会", URL: sesURL,
		Start: c.at(12, 3, 19, 0), End: c.at(12, 3, 21, 0)}
}

func (c offerClock) s2() SessionRef {
	return SessionRef{SessionID: "S2", Title: "防災についての説明会とみんなで考える交流の会", URL: "https://meet.example/abc",
		Start: c.at(12, 5, 14, 0), End: c.at(12, 5, 15, 30)}
}

func withRSVP(r SessionRef, ans string) SessionRef {
	r.RSVP = ans
	return r
}

func sessionsConv(refs ...SessionRef) Conversation { return Conversation{Sessions: refs} }

func sesIn(kind EventKind, ref SessionRef, text string) Inbound {
	return Inbound{ID: "ev:" + string(kind), Kind: kind, ProfileID: "line:U0042", Session: &ref, Text: text}
}

func sesOf(t *testing.T, c Conversation, id string) SessionRef {
	t.Helper()
	r, i := findSession(c.Sessions, id)
	if i < 0 {
		t.Fatalf("no session ref %s in %+v", id, c.Sessions)
	}
	return r
}

func TestInviteEvent(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	s1 := c.s1()

	t.Run("an active person gets the card and the ref is kept", func(t *testing.T) {
		before := sessionsConv(c.s2())
		r := Converse(cat, c.now, offerPerson(StatusActive), before, sesIn(EventInvite, s1, ""))
		if got := sesOf(t, r.Conv, "S1"); !reflect.DeepEqual(got, s1) {
			t.Errorf("stored %+v, want %+v", got, s1)
		}
		if len(r.Conv.Sessions) != 2 {
			t.Errorf("sessions %+v, want S2 and S1", r.Conv.Sessions)
		}
		if len(before.Sessions) != 1 {
			t.Errorf("Converse wrote into its input: %+v", before.Sessions)
		}
		if r.RSVP != nil || r.Answer != nil || r.CannotJoin != nil {
			t.Errorf("requests %+v %+v %+v, want none", r.RSVP, r.Answer, r.CannotJoin)
		}
		if len(r.Messages) != 1 || r.Messages[0].Card == nil {
			t.Fatalf("messages %+v, want one card", r.Messages)
		}
		card := r.Messages[0].Card
		if card.Title != s1.Title || card.Body != ja.Session.InviteBody {
			t.Errorf("card title %q body %q", card.Title, card.Body)
		}
		if v, _ := fieldOf(card, ja.Task.FieldWhen); v != "12月3日(木) 19:00〜21:00" {
			t.Errorf("日時 = %q, want 12月3日(木) 19:00〜21:00", v)
		}
		want := []string{"session:yes:S1", "session:no:S1"}
		if got := choiceData(card.Buttons); !reflect.DeepEqual(got, want) {
			t.Errorf("buttons %v, want %v", got, want)
		}
		if card.Buttons[0].Label != ja.Session.Join || card.Buttons[1].Label != ja.Session.NotJoin {
			t.Errorf("button labels %q %q", card.Buttons[0].Label, card.Buttons[1].Label)
		}
	})

	t.Run("the span is read in now's zone", func(t *testing.T) {
		utc := s1
		utc.Start, utc.End = s1.Start.UTC(), s1.End.UTC()
		r := Converse(cat, c.now, offerPerson(StatusActive), Conversation{}, sesIn(EventInvite, utc, ""))
		if len(r.Messages) != 1 || r.Messages[0].Card == nil {
			t.Fatalf("messages %+v", r.Messages)
		}
		if v, _ := fieldOf(r.Messages[0].Card, ja.Task.FieldWhen); v != "12月3日(木) 19:00〜21:00" {
			t.Errorf("日時 = %q", v)
		}
	})

	t.Run("an invitation again keeps the answer given", func(t *testing.T) {
		r := Converse(cat, c.now, offerPerson(StatusActive), sessionsConv(withRSVP(s1, RSVPYes)), sesIn(EventInvite, s1, ""))
		if got := sesOf(t, r.Conv, "S1"); got.RSVP != RSVPYes || len(r.Conv.Sessions) != 1 {
			t.Errorf("sessions %+v, want S1 still answered yes", r.Conv.Sessions)
		}
	})

	for _, tc := range []struct {
		name string
		p    *Profile
		now  time.Time
	}{
		{"paused", offerPerson(StatusPaused), c.now},
		{"onboarding", offerPerson(StatusOnboarding), c.now},
		{"blocked", offerPerson(StatusBlocked), c.now},
		{"no profile", nil, c.now},
		{"started", offerPerson(StatusActive), s1.Start},
		{"over", offerPerson(StatusActive), s1.End.Add(time.Hour)},
	} {
		t.Run("nothing when "+tc.name, func(t *testing.T) {
			r := Converse(cat, tc.now, tc.p, Conversation{}, sesIn(EventInvite, s1, ""))
			if len(r.Messages) != 0 || len(r.Conv.Sessions) != 0 || r.RSVP != nil {
				t.Errorf("got messages %+v, sessions %+v, rsvp %+v; want nothing", r.Messages, r.Conv.Sessions, r.RSVP)
			}
			if tc.p == nil && r.Profile != nil {
				t.Errorf("a profile was created: %+v", r.Profile)
			}
		})
	}

	t.Run("an event without a session does nothing", func(t *testing.T) {
		in := Inbound{ID: "ev", Kind: EventInvite, ProfileID: "line:U0042"}
		r := Converse(cat, c.now, offerPerson(StatusActive), Conversation{}, in)
		if len(r.Messages) != 0 || len(r.Conv.Sessions) != 0 {
			t.Errorf("got %+v", r)
		}
	})
}

func TestRSVPByText(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	s1, s2 := c.s1(), c.s2()
	tests := []struct {
		name    string
		conv    Conversation
		text    string
		rsvp    *RSVPRequest
		answer  *AnswerRequest
		choices []string
		says    string
	}{
		{name: "参加します with one invitation", conv: sessionsConv(s1), text: "参加します",
			rsvp: &RSVPRequest{SessionID: "S1", Answer: RSVPYes}},
		{name: "はい with one invitation", conv: sessionsConv(s1), text: "はい",
			rsvp: &RSVPRequest{SessionID: "S1", Answer: RSVPYes}},
		{name: "a polite sentence with a hedge about something else", conv: sessionsConv(s1),
			text: "説明会にはぜひ参加したいと思います。Zoomは孫に教わったので大丈夫だと思います",
			rsvp: &RSVPRequest{SessionID: "S1", Answer: RSVPYes}},
		{name: "参加しません", conv: sessionsConv(s1), text: "参加しません",
			rsvp: &RSVPRequest{SessionID: "S1", Answer: RSVPNo}},
		{name: "いいえ", conv: sessionsConv(s1), text: "いいえ",
			rsvp: &RSVPRequest{SessionID: "S1", Answer: RSVPNo}},
		{name: "an answered invitation is not pending", conv: sessionsConv(withRSVP(s1, RSVPNo), s2), text: "はい",
			rsvp: &RSVPRequest{SessionID: "S2", Answer: RSVPYes}},
		// An offer and an invitation both waiting: a bare yes or no asks
		// which (it went to the offer, the older card).
		{name: "a yes with an offer and an invitation asks which",
			conv: Conversation{Offers: []OfferRef{c.t1()}, Sessions: []SessionRef{s1}}, text: "はい",
			choices: []string{"offer:accept:T1", "session:yes:S1"}, says: ja.Task.WhichAnswer},
		{name: "a no with an offer and an invitation asks which",
			conv: Conversation{Offers: []OfferRef{c.t1()}, Sessions: []SessionRef{s1}}, text: "いいえ",
			choices: []string{"offer:decline:T1", "session:no:S1"}, says: ja.Task.WhichAnswer},
		{name: "two invitations ask which, soonest first", conv: sessionsConv(s2, s1), text: "はい",
			choices: []string{"session:yes:S1", "session:yes:S2"}, says: ja.Session.WhichRSVP},
		{name: "two invitations, no", conv: sessionsConv(s2, s1), text: "参加しません",
			choices: []string{"session:no:S1", "session:no:S2"}, says: ja.Session.WhichRSVP},
		{name: "nothing pending", conv: sessionsConv(withRSVP(s1, RSVPYes)), text: "はい", says: ja.Task.NoPending},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Converse(cat, c.now, offerPerson(StatusActive), tt.conv, textIn(tt.text))
			if !reflect.DeepEqual(r.RSVP, tt.rsvp) {
				t.Errorf("rsvp %+v, want %+v", r.RSVP, tt.rsvp)
			}
			if !reflect.DeepEqual(r.Answer, tt.answer) {
				t.Errorf("answer %+v, want %+v", r.Answer, tt.answer)
			}
			if tt.rsvp != nil || tt.answer != nil {
				if len(r.Messages) != 0 {
					t.Errorf("messages %+v before the answer is applied", r.Messages)
				}
				return
			}
			if len(r.Messages) == 0 || r.Messages[0].Text != tt.says {
				t.Fatalf("messages %+v, want %q first", r.Messages, tt.says)
			}
			if tt.choices != nil {
				if got := choiceData(r.Messages[0].Choices); !reflect.DeepEqual(got, tt.choices) {
					t.Errorf("choices %v, want %v", got, tt.choices)
				}
				// The whole title: a platform with short labels cuts it
				// (adapters/line's render tests).
				for _, ch := range r.Messages[0].Choices {
					if strings.TrimSpace(ch.Label) == "" {
						t.Errorf("choice %q without a label", ch.Data)
					}
				}
			}
		})
	}

	t.Run("an invitation of a session already started is not pending", func(t *testing.T) {
		r := Converse(cat, s1.Start.Add(time.Minute), offerPerson(StatusActive), sessionsConv(s1), textIn("はい"))
		if r.RSVP != nil {
			t.Errorf("rsvp %+v for a session under way", r.RSVP)
		}
	})
}

func TestSessionButtons(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	conv := sessionsConv(c.s1(), c.s2())
	for _, tc := range []struct {
		data string
		want *RSVPRequest
	}{
		{"session:yes:S1", &RSVPRequest{SessionID: "S1", Answer: RSVPYes}},
		{"session:no:S1", &RSVPRequest{SessionID: "S1", Answer: RSVPNo}},
		{"session:no:S2", &RSVPRequest{SessionID: "S2", Answer: RSVPNo}},
		{"session:yes:S9", nil},
		{"session:maybe:S1", nil},
		{"session:yes", nil},
	} {
		t.Run(tc.data, func(t *testing.T) {
			r := Converse(cat, c.now, offerPerson(StatusActive), conv, tapIn(tc.data))
			if !reflect.DeepEqual(r.RSVP, tc.want) {
				t.Errorf("rsvp %+v, want %+v", r.RSVP, tc.want)
			}
			if tc.want == nil {
				if len(r.Messages) != 1 || r.Messages[0].Text != ja.Session.NotFound {
					t.Errorf("messages %+v, want %q", r.Messages, ja.Session.NotFound)
				}
			} else if len(r.Messages) != 0 {
				t.Errorf("messages %+v before the RSVP is applied", r.Messages)
			}
		})
	}
	t.Run("a paused person may still answer", func(t *testing.T) {
		r := Converse(cat, c.now, offerPerson(StatusPaused), conv, tapIn("session:yes:S1"))
		if want := (&RSVPRequest{SessionID: "S1", Answer: RSVPYes}); !reflect.DeepEqual(r.RSVP, want) {
			t.Errorf("rsvp %+v, want %+v", r.RSVP, want)
		}
	})
}

func TestRSVPAnswered(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	s1 := c.s1()
	offsets := []time.Duration{24 * time.Hour, time.Hour}

	t.Run("yes", func(t *testing.T) {
		res := Converse(cat, c.now, offerPerson(StatusActive), sessionsConv(s1), tapIn("session:yes:S1"))
		conv := cloneSessions(res.Conv)
		r := RSVPAnswered(c.now, res, offsets)
		if r.RSVP != nil {
			t.Errorf("rsvp %+v left in the result", r.RSVP)
		}
		if got := sesOf(t, r.Conv, "S1"); got.RSVP != RSVPYes {
			t.Errorf("ref RSVP %q, want yes", got.RSVP)
		}
		if !reflect.DeepEqual(res.Conv, conv) {
			t.Errorf("RSVPAnswered wrote into its input: %+v", res.Conv)
		}
		if len(r.Messages) != 1 || r.Messages[0].Card == nil {
			t.Fatalf("messages %+v, want one card", r.Messages)
		}
		card := r.Messages[0].Card
		if card.Title != ja.Session.JoinedTitle {
			t.Errorf("title %q, want %q", card.Title, ja.Session.JoinedTitle)
		}
		if !strings.Contains(card.Body, s1.Title) || !strings.Contains(card.Body, "1日前と1時間前") {
			t.Errorf("body %q, want the title and 1日前と1時間前", card.Body)
		}
		if v, ok := fieldOf(card, ja.Session.FieldURL); !ok || v != sesURL {
			t.Errorf("URL field %q, want %q", v, sesURL)
		}
		if v, _ := fieldOf(card, ja.Task.FieldWhen); v != "12月3日(木) 19:00〜21:00" {
			t.Errorf("日時 = %q", v)
		}
		if got := choiceData(card.Buttons); !reflect.DeepEqual(got, []string{"session:no:S1"}) {
			t.Errorf("buttons %v", got)
		}
	})

	t.Run("yes to a session without a URL", func(t *testing.T) {
		noURL := s1
		noURL.URL = ""
		res := Converse(cat, c.now, offerPerson(StatusActive), sessionsConv(noURL), tapIn("session:yes:S1"))
		r := RSVPAnswered(c.now, res, offsets)
		if len(r.Messages) != 1 || r.Messages[0].Card == nil {
			t.Fatalf("messages %+v", r.Messages)
		}
		if _, ok := fieldOf(r.Messages[0].Card, ja.Session.FieldURL); ok {
			t.Error("an empty URL field is shown")
		}
	})

	t.Run("no", func(t *testing.T) {
		res := Converse(cat, c.now, offerPerson(StatusActive), sessionsConv(withRSVP(s1, RSVPYes)), tapIn("session:no:S1"))
		r := RSVPAnswered(c.now, res, offsets)
		if want := fmt.Sprintf(ja.Session.NotJoining, s1.Title); len(r.Messages) != 1 || r.Messages[0].Text != want {
			t.Errorf("messages %+v, want %q", r.Messages, want)
		}
		if got := sesOf(t, r.Conv, "S1"); got.RSVP != RSVPNo {
			t.Errorf("ref RSVP %q, want no", got.RSVP)
		}
		if r.RSVP != nil {
			t.Errorf("rsvp %+v left in the result", r.RSVP)
		}
	})

	t.Run("text answers complete the same way", func(t *testing.T) {
		res := Converse(cat, c.now, offerPerson(StatusActive), sessionsConv(s1), textIn("参加します"))
		r := RSVPAnswered(c.now, res, offsets)
		if len(r.Messages) != 1 || r.Messages[0].Card == nil || r.Messages[0].Card.Title != ja.Session.JoinedTitle {
			t.Errorf("messages %+v", r.Messages)
		}
	})
}

func cloneSessions(c Conversation) Conversation {
	c.Sessions = append([]SessionRef(nil), c.Sessions...)
	return c
}

func TestSessionReminderEvent(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	s1 := c.s1()

	t.Run("an hour before", func(t *testing.T) {
		before := sessionsConv(s1)
		r := Converse(cat, s1.Start.Add(-time.Hour), offerPerson(StatusActive), before, sesIn(EventSessionReminder, s1, "1h0m0s"))
		if len(r.Messages) != 1 || r.Messages[0].Card == nil {
			t.Fatalf("messages %+v, want one card", r.Messages)
		}
		card := r.Messages[0].Card
		// When it starts, as a day she knows (「始まる1時間前」 left her to
		// work it out).
		if want := fmt.Sprintf("きょう %d:%02dから", s1.Start.In(c.loc).Hour(), s1.Start.In(c.loc).Minute()); card.Title != s1.Title || !strings.Contains(card.Body, want) {
			t.Errorf("card title %q body %q, want %q", card.Title, card.Body, want)
		}
		if !strings.Contains(said(r), sesURL) {
			t.Errorf("said %q, want the URL", said(r))
		}
		if v, _ := fieldOf(card, ja.Session.FieldURL); v != sesURL {
			t.Errorf("URL field %q", v)
		}
		if !hasButton(r, "session:no:S1") {
			t.Errorf("buttons %v, want session:no:S1", buttons(r))
		}
		if got := sesOf(t, r.Conv, "S1"); got.RSVP != RSVPYes {
			t.Errorf("ref RSVP %q, want yes", got.RSVP)
		}
		if before.Sessions[0].RSVP != "" {
			t.Error("Converse wrote into its input")
		}
	})

	t.Run("a day before, to someone added by a coordinator", func(t *testing.T) {
		r := Converse(cat, s1.Start.Add(-24*time.Hour), offerPerson(StatusActive), Conversation{}, sesIn(EventSessionReminder, s1, "24h0m0s"))
		if len(r.Messages) != 1 || r.Messages[0].Card == nil || !strings.Contains(r.Messages[0].Card.Body, "あした") {
			t.Fatalf("messages %+v, want a card with あした", r.Messages)
		}
		if got := sesOf(t, r.Conv, "S1"); got.RSVP != RSVPYes {
			t.Errorf("ref RSVP %q, want yes", got.RSVP)
		}
	})

	for _, tc := range []struct {
		name string
		p    *Profile
		now  time.Time
	}{
		{"after the end", offerPerson(StatusActive), s1.End},
		{"long after", offerPerson(StatusActive), s1.End.Add(24 * time.Hour)},
		{"no profile", nil, s1.Start.Add(-time.Hour)},
	} {
		t.Run("nothing "+tc.name, func(t *testing.T) {
			r := Converse(cat, tc.now, tc.p, sessionsConv(s1), sesIn(EventSessionReminder, s1, "1h0m0s"))
			if len(r.Messages) != 0 {
				t.Errorf("messages %+v, want none", r.Messages)
			}
		})
	}
}

func TestCannotJoin(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	s1, s2 := c.s1(), c.s2()
	yes := withRSVP(s1, RSVPYes)
	tests := []struct {
		name string
		conv Conversation
		now  time.Time
		text string
		want *SessionRef
	}{
		{"an hour before", sessionsConv(yes), s1.Start.Add(-time.Hour), "入れない", &yes},
		{"just inside two hours", sessionsConv(yes), s1.Start.Add(-2*time.Hour + time.Minute), "入れません", &yes},
		{"during the session", sessionsConv(yes), s1.Start.Add(30 * time.Minute), "URLが分からない", &yes},
		{"full-width and polite", sessionsConv(yes), s1.Start.Add(time.Minute), "ＵＲＬがわかりません。", &yes},
		{"the soonest of two", sessionsConv(withRSVP(s2, RSVPYes), yes), s1.Start, "つながらない", &yes},
		{"three hours before", sessionsConv(yes), s1.Start.Add(-3 * time.Hour), "入れない", nil},
		{"at the end", sessionsConv(yes), s1.End, "入れない", nil},
		{"after the end", sessionsConv(yes), s1.End.Add(time.Hour), "URLが分からない", nil},
		{"not answered", sessionsConv(s1), s1.Start, "入れない", nil},
		{"declined", sessionsConv(withRSVP(s1, RSVPNo)), s1.Start, "入れない", nil},
		{"no sessions", Conversation{}, s1.Start, "入れない", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Converse(cat, tt.now, offerPerson(StatusActive), tt.conv, textIn(tt.text))
			if !reflect.DeepEqual(r.CannotJoin, tt.want) {
				t.Errorf("cannot join %+v, want %+v", r.CannotJoin, tt.want)
			}
			if r.RSVP != nil || r.Answer != nil {
				t.Errorf("requests %+v %+v", r.RSVP, r.Answer)
			}
			if len(r.Messages) != 1 {
				t.Fatalf("messages %+v, want one", r.Messages)
			}
			if tt.want == nil {
				if r.Messages[0].Text != ja.Session.NoSessionNow {
					t.Errorf("said %q, want %q", r.Messages[0].Text, ja.Session.NoSessionNow)
				}
				return
			}
			if got := r.Messages[0].Text; got != fmt.Sprintf(ja.Session.CannotJoinReply, tt.want.URL) || !strings.Contains(got, tt.want.URL) {
				t.Errorf("said %q, want the reply with %s", got, tt.want.URL)
			}
		})
	}

	t.Run("the coordinators are told who and which", func(t *testing.T) {
		b := &Bot{Location: c.loc, NewID: func() string { return "N1" }}
		out := b.cannotJoin("山田 花子", "line:U0042", yes, s1.Start)
		if out.To != CoordinatorID || len(out.Messages) != 1 || !reflect.DeepEqual(out.About, []string{"line:U0042"}) {
			t.Fatalf("notice %+v", out)
		}
		txt := out.Messages[0].Text
		for _, want := range []string{"山田 花子", s1.Title, "12月3日(木) 19:00〜21:00"} {
			if !strings.Contains(txt, want) {
				t.Errorf("notice %q, want %q in it", txt, want)
			}
		}
		if txt := b.cannotJoin("", "line:U0042", yes, s1.Start).Messages[0].Text; !strings.Contains(txt, ja.Session.SomeoneCannotJoin) {
			t.Errorf("notice without a name %q", txt)
		}
	})
}

func TestOffsetJA(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"24h0m0s", "1日前"},
		{"48h0m0s", "2日前"},
		{"1h0m0s", "1時間前"},
		{"3h0m0s", "3時間前"},
		{"30m0s", "30分前"},
		{"1h30m0s", "90分前"},
		{(24 * time.Hour).String(), "1日前"},
		{"not a duration", ""},
	} {
		if got := offsetJA(tc.in); got != tc.want {
			t.Errorf("offsetJA(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSessionReminders(t *testing.T) {
	c := newOfferClock(t)
	b := &SessionService{Location: c.loc}
	ref := SessionRef{SessionID: "S1", Title: "オンライン交流会", URL: sesURL,
		Start: c.at(12, 3, 19, 0), End: c.at(12, 3, 21, 0), RSVP: RSVPYes}
	const pid = "line:U0042"
	offsets := []time.Duration{24 * time.Hour, time.Hour}
	day, hour := c.at(12, 2, 19, 0), c.at(12, 3, 18, 0)
	tests := []struct {
		name string
		now  time.Time
		want []time.Time
		offs []time.Duration
	}{
		{name: "two days ahead", now: c.at(12, 1, 10, 0), want: []time.Time{day, hour}, offs: offsets},
		{name: "the evening before, after the day reminder", now: c.at(12, 2, 20, 0), want: []time.Time{hour}, offs: offsets[1:]},
		{name: "exactly at the day reminder", now: day, want: []time.Time{hour}, offs: offsets[1:]},
		{name: "within the hour", now: c.at(12, 3, 18, 30)},
		{name: "zero now gives all", now: time.Time{}, want: []time.Time{day, hour}, offs: offsets},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := b.sessionReminders(ref, offsets, pid, tt.now)
			if len(got) != len(tt.want) {
				t.Fatalf("%d reminders %+v, want %d", len(got), got, len(tt.want))
			}
			for i, d := range got {
				if !d.At.Equal(tt.want[i]) {
					t.Errorf("reminder %d at %v, want %v", i, d.At, tt.want[i])
				}
				o, e := d.Out, d.Out.Event
				id := "sremind:S1:" + tt.offs[i].String() + ":" + pid
				if o.ID != id || o.Kind != OutEvent || o.To != pid || e == nil {
					t.Fatalf("reminder %d out %+v, want id %s", i, o, id)
				}
				if e.ID != id || e.Kind != EventSessionReminder || e.ProfileID != pid || e.Text != tt.offs[i].String() || e.Session == nil {
					t.Fatalf("reminder %d event %+v", i, e)
				}
				want := ref
				want.RSVP = ""
				if !reflect.DeepEqual(*e.Session, want) {
					t.Errorf("reminder %d session %+v, want %+v", i, *e.Session, want)
				}
			}
		})
	}

	t.Run("entries are rebuilt byte for byte", func(t *testing.T) {
		marshal := func(ds []Due) string {
			t.Helper()
			j, err := json.Marshal(ds)
			if err != nil {
				t.Fatal(err)
			}
			return string(j)
		}
		now := c.at(12, 1, 10, 0)
		first := marshal(b.sessionReminders(ref, offsets, pid, now))
		if again := marshal(b.sessionReminders(ref, offsets, pid, now)); again != first {
			t.Errorf("computed twice:\n%s\n%s", first, again)
		}
		// What a no removes (all offsets) is what a yes queued.
		if all := marshal(b.sessionReminders(ref, offsets, pid, time.Time{})); all != first {
			t.Errorf("for a no:\n%s\nfor a yes:\n%s", all, first)
		}
		// The RSVP the conversation holds does not change the entries.
		unanswered := ref
		unanswered.RSVP = ""
		if got := marshal(b.sessionReminders(unanswered, offsets, pid, now)); got != first {
			t.Errorf("without the RSVP:\n%s\n%s", got, first)
		}
		// The ref after a round trip through the conversation's JSON.
		j, err := json.Marshal(ref)
		if err != nil {
			t.Fatal(err)
		}
		var back SessionRef
		if err := json.Unmarshal(j, &back); err != nil {
			t.Fatal(err)
		}
		if got := marshal(b.sessionReminders(back, offsets, pid, now)); got != first {
			t.Errorf("after JSON:\n%s\n%s", got, first)
		}
	})
}

func TestAudienceMatch(t *testing.T) {
	slackPerson := offerPerson(StatusActive)
	slackPerson.ID = "slack:T01:U02"
	tests := []struct {
		name string
		a    Audience
		p    *Profile
		want bool
	}{
		{"empty audience, active", Audience{}, offerPerson(StatusActive), true},
		{"empty audience, paused", Audience{}, offerPerson(StatusPaused), false},
		{"empty audience, onboarding", Audience{}, offerPerson(StatusOnboarding), false},
		{"empty audience, blocked", Audience{}, offerPerson(StatusBlocked), false},
		{"named, but paused", Audience{ProfileIDs: []string{"line:U0042"}}, offerPerson(StatusPaused), false},
		{"channel line", Audience{Channels: []string{PlatformLINE}}, offerPerson(StatusActive), true},
		{"channel slack, a LINE person", Audience{Channels: []string{PlatformSlack}}, offerPerson(StatusActive), false},
		{"channel slack, a Slack person", Audience{Channels: []string{PlatformSlack}}, slackPerson, true},
		{"both channels", Audience{Channels: []string{PlatformSlack, PlatformLINE}}, offerPerson(StatusActive), true},
		{"area", Audience{Areas: []string{"setagaya"}}, offerPerson(StatusActive), true},
		{"another area", Audience{Areas: []string{"chofu"}}, offerPerson(StatusActive), false},
		{"one of the areas", Audience{Areas: []string{"chofu", "setagaya"}}, offerPerson(StatusActive), true},
		{"a skill", Audience{Skills: []string{"grading"}}, offerPerson(StatusActive), true},
		{"any of the skills", Audience{Skills: []string{"zoom_support", "pc_input"}}, offerPerson(StatusActive), true},
		{"none of the skills", Audience{Skills: []string{"zoom_support", "childcare"}}, offerPerson(StatusActive), false},
		{"profile ID", Audience{ProfileIDs: []string{"line:U9", "line:U0042"}}, offerPerson(StatusActive), true},
		{"another profile ID", Audience{ProfileIDs: []string{"line:U9"}}, offerPerson(StatusActive), false},
		{"all fields match", Audience{Channels: []string{PlatformLINE}, Areas: []string{"setagaya"},
			Skills: []string{"pc_input"}, ProfileIDs: []string{"line:U0042"}}, offerPerson(StatusActive), true},
		{"skill matches, area does not", Audience{Areas: []string{"chofu"}, Skills: []string{"grading"}}, offerPerson(StatusActive), false},
		{"area matches, skill does not", Audience{Areas: []string{"setagaya"}, Skills: []string{"childcare"}}, offerPerson(StatusActive), false},
		{"channel does not match", Audience{Channels: []string{PlatformSlack}, Areas: []string{"setagaya"}}, offerPerson(StatusActive), false},
		{"skills on someone without skills", Audience{Skills: []string{"grading"}}, func() *Profile {
			p := offerPerson(StatusActive)
			p.Skills = nil
			return p
		}(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.Match(tt.p); got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSessionValidate(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	valid := func() *Session {
		return &Session{
			Title: "オンライン交流会", Description: "お茶を飲みながら", Start: c.at(12, 3, 19, 0), End: c.at(12, 3, 21, 0),
			URL: sesURL, Reminders: []time.Duration{24 * time.Hour, time.Hour},
			Audience: Audience{Channels: []string{PlatformLINE, PlatformSlack}, Areas: []string{"setagaya"},
				Skills: []string{"grading"}, ProfileIDs: []string{"line:U0042", "slack:T01:U02"}},
		}
	}
	if err := valid().Validate(cat, c.now); err != nil {
		t.Fatalf("valid session: %v", err)
	}
	tests := []struct {
		name   string
		change func(s *Session)
		field  string // the start of the message; "" for valid
		bug    string
	}{
		{name: "empty audience and no URL", change: func(s *Session) { s.Audience, s.URL = Audience{}, "" }},
		{name: "http URL", change: func(s *Session) { s.URL = "http://example.com/room" }},
		{name: "no reminders", change: func(s *Session) { s.Reminders = nil }},
		{name: "five reminders", change: func(s *Session) {
			s.Reminders = []time.Duration{time.Hour, 2 * time.Hour, 3 * time.Hour, 4 * time.Hour, 720 * time.Hour}
		}},
		{name: "60 characters", change: func(s *Session) { s.Title = strings.Repeat("あ", MaxTitleRunes) }},
		{name: "no title", change: func(s *Session) { s.Title = "" }, field: "title"},
		{name: "blank title", change: func(s *Session) { s.Title = " 　 " }, field: "title"},
		{name: "long title", change: func(s *Session) { s.Title = strings.Repeat("あ", MaxTitleRunes+1) }, field: "title"},
		{name: "long description", change: func(s *Session) { s.Description = strings.Repeat("あ", MaxDescriptionRunes+1) }, field: "description"},
		{name: "title of 31 emoji, 62 as LINE counts", change: func(s *Session) { s.Title = strings.Repeat("🎉", 31) }, field: "title"},
		{name: "title of a zero-width space", change: func(s *Session) { s.Title = "\u200b" }, field: "title"},
		{name: "description on several lines", change: func(s *Session) { s.Description = "持ち物\n・筆記用具\n・お茶" }},
		{name: "description with a line separator", change: func(s *Session) { s.Description = "持ち物\u2028筆記用具" }, field: "description"},
		{name: "URL of 1000 characters", change: func(s *Session) { s.URL = "https://zoom.example/j/" + strings.Repeat("1", 977) }},
		{name: "URL of 1001 characters", change: func(s *Session) { s.URL = "https://zoom.example/j/" + strings.Repeat("1", 978) }, field: "url"},
		{name: "no start", change: func(s *Session) { s.Start = time.Time{} }, field: "start"},
		{name: "no end", change: func(s *Session) { s.End = time.Time{} }, field: "start and end"},
		{name: "end at start", change: func(s *Session) { s.End = s.Start }, field: "end"},
		{name: "end before start", change: func(s *Session) { s.End = s.Start.Add(-time.Hour) }, field: "end"},
		{name: "start now", change: func(s *Session) { s.Start = c.now }, field: "start"},
		{name: "start in the past", change: func(s *Session) { s.Start, s.End = c.now.Add(-time.Hour), c.now.Add(time.Hour) }, field: "start"},
		{name: "ftp URL", change: func(s *Session) { s.URL = "ftp://example.com/x" }, field: "url"},
		{name: "URL without scheme", change: func(s *Session) { s.URL = "zoom.example/j/123" }, field: "url"},
		{name: "URL without host", change: func(s *Session) { s.URL = "https:///j/123" }, field: "url"},
		{name: "unparsable URL", change: func(s *Session) { s.URL = "http://[::1" }, field: "url"},
		{name: "javascript URL", change: func(s *Session) { s.URL = "javascript:alert(1)" }, field: "url"},
		{name: "six reminders", change: func(s *Session) {
			s.Reminders = []time.Duration{time.Hour, 2 * time.Hour, 3 * time.Hour, 4 * time.Hour, 5 * time.Hour, 6 * time.Hour}
		}, field: "reminders"},
		{name: "zero reminder", change: func(s *Session) { s.Reminders = []time.Duration{0} }, field: "reminders"},
		{name: "negative reminder", change: func(s *Session) { s.Reminders = []time.Duration{-time.Hour} }, field: "reminders"},
		{name: "reminder over 720h", change: func(s *Session) { s.Reminders = []time.Duration{721 * time.Hour} }, field: "reminders"},
		{name: "sub-second reminder", change: func(s *Session) { s.Reminders = []time.Duration{time.Nanosecond} }, field: "reminders"},
		{name: "unknown channel", change: func(s *Session) { s.Audience.Channels = []string{"teams"} }, field: "audience.channels"},
		{name: "unknown skill", change: func(s *Session) { s.Audience.Skills = []string{"cooking"} }, field: "audience.skills"},
		{name: "unknown area", change: func(s *Session) { s.Audience.Areas = []string{"osaka"} }, field: "audience.areas"},
		{name: "bad profile ID", change: func(s *Session) { s.Audience.ProfileIDs = []string{"U0042"} }, field: "audience.profile_ids"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := valid()
			tt.change(s)
			err := s.Validate(cat, c.now)
			if tt.field == "" {
				if err != nil {
					t.Errorf("got %v, want valid", err)
				}
				return
			}
			if err == nil && tt.bug != "" {
				t.Skip(tt.bug)
			}
			if ErrorCode(err) != EUNPROCESSABLE {
				t.Fatalf("got %v, want unprocessable", err)
			}
			if msg := ErrorMessage(err); !strings.HasPrefix(msg, tt.field) {
				t.Errorf("message %q does not start with %q", msg, tt.field)
			}
		})
	}
}

func TestSessionConversationGaps(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	s1 := c.s1()

	t.Run("an invitation card ends an unanswered cancel question", func(t *testing.T) {
		// Like a new offer card: the card is now the last thing on screen,
		// so 「はい」 answers it, not the cancellation asked before.
		conv := Conversation{Step: StepCancelTask, CancelTask: "A1", Offers: []OfferRef{c.a1()}}
		r := Converse(cat, c.now, offerPerson(StatusActive), conv, sesIn(EventInvite, s1, ""))
		next := Converse(cat, c.now, r.Profile, r.Conv, textIn("はい"))
		if r.Conv.Step != StepIdle || r.Conv.CancelTask != "" {
			t.Errorf("step %q cancel %q after the card, want idle", r.Conv.Step, r.Conv.CancelTask)
		}
		if want := (&RSVPRequest{SessionID: "S1", Answer: RSVPYes}); !reflect.DeepEqual(next.RSVP, want) || next.Answer != nil {
			t.Errorf("はい: rsvp %+v answer %+v, want %+v", next.RSVP, next.Answer, want)
		}
	})

	t.Run("参加しません answers the invitation, not an accepted task", func(t *testing.T) {
		conv := Conversation{Offers: []OfferRef{c.a1()}, Sessions: []SessionRef{s1}}
		r := Converse(cat, c.now, offerPerson(StatusActive), conv, textIn("参加しません"))
		if want := (&RSVPRequest{SessionID: "S1", Answer: RSVPNo}); !reflect.DeepEqual(r.RSVP, want) {
			t.Errorf("rsvp %+v, want %+v", r.RSVP, want)
		}
	})

	t.Run("a reminder in flight after a no is not shown", func(t *testing.T) {
		// The reminder was claimed into the outbox just before the person
		// said no; the no cannot take it back from there.
		r := Converse(cat, s1.Start.Add(-time.Hour), offerPerson(StatusActive), sessionsConv(withRSVP(s1, RSVPNo)),
			sesIn(EventSessionReminder, s1, "1h0m0s"))
		if got := sesOf(t, r.Conv, "S1"); got.RSVP != RSVPNo {
			t.Errorf("RSVP became %q, want the no kept", got.RSVP)
		}
		if len(r.Messages) != 0 {
			t.Errorf("messages %+v, want none after a no", r.Messages)
		}
	})

	t.Run("the joined card promises only reminders still to come", func(t *testing.T) {
		for _, tc := range []struct {
			name    string
			now     time.Time
			offsets []time.Duration
			bad     string
		}{
			{"a session without reminders", c.now, []time.Duration{}, "\nにお知らせします"},
			{"half an hour before", s1.Start.Add(-30 * time.Minute), []time.Duration{24 * time.Hour, time.Hour}, "1日前と1時間前に"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := Converse(cat, tc.now, offerPerson(StatusActive), sessionsConv(s1), tapIn("session:yes:S1"))
				r := RSVPAnswered(tc.now, res, tc.offsets)
				if len(r.Messages) != 1 || r.Messages[0].Card == nil {
					t.Fatalf("messages %+v", r.Messages)
				}
				if body := r.Messages[0].Card.Body; strings.Contains(body, tc.bad) {
					t.Errorf("the joined card promises reminders that will not come: %q", body)
				}
			})
		}
	})

	t.Run("deleting a person added by a coordinator leaves the session", func(t *testing.T) {
		ctx := context.Background()
		store := newMemSessions()
		p := offerPerson(StatusActive)
		now := func() time.Time { return c.now }
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		b := &Bot{Location: c.loc, Now: now, Traces: store, Logger: log,
			Sessions: &SessionService{Location: c.loc, Now: now, Sessions: store, People: memPeople{p.ID: p}, Logger: log}}
		store.sessions["S1"] = &Session{ID: "S1", Title: s1.Title, URL: s1.URL, Start: s1.Start, End: s1.End,
			Reminders: DefaultSessionReminders}
		if _, changed, err := b.Sessions.AddAttendee(ctx, "S1", p.ID); err != nil || !changed {
			t.Fatalf("add attendee: changed %v, %v", changed, err)
		}
		// No reminder has come yet: the conversation knows no session.
		snap := Snapshot{Profile: p, Conv: Conversation{}}
		if _, err := b.forgetPerson(ctx, Inbound{ID: "del1", Kind: EventText, ProfileID: p.ID}, snap, c.now); err != nil {
			t.Fatal(err)
		}
		if _, still := store.answers["S1"][p.ID]; still {
			t.Errorf("a person added by a coordinator and deleted is still in the session")
		}
	})
}

func TestBotRSVP(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	ctx := context.Background()
	s1 := c.s1()
	const pid = "line:U0042"
	newBot := func() (*SessionService, *memSessions) {
		store := newMemSessions()
		store.sessions["S1"] = &Session{ID: "S1", Title: s1.Title, URL: s1.URL, Start: s1.Start, End: s1.End,
			Reminders: []time.Duration{24 * time.Hour, time.Hour}}
		return &SessionService{Location: c.loc, Sessions: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, store
	}
	// The evening before, after the day reminder's time.
	now := c.at(12, 2, 20, 0)

	t.Run("a yes queues the reminders still ahead", func(t *testing.T) {
		b, store := newBot()
		in := tapIn("session:yes:S1")
		res := Converse(cat, now, offerPerson(StatusActive), sessionsConv(s1), in)
		r, err := b.rsvp(ctx, in, res, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(store.calls) != 1 {
			t.Fatalf("calls %+v", store.calls)
		}
		got := store.calls[0]
		want := RSVP{SessionID: "S1", ProfileID: pid, Answer: RSVPYes, EventID: in.ID, At: now,
			Reminders: b.sessionReminders(s1, []time.Duration{24 * time.Hour, time.Hour}, pid, now)}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("RSVP %+v, want %+v", got, want)
		}
		if len(got.Reminders) != 1 || got.Reminders[0].Out.Event.Text != "1h0m0s" {
			t.Errorf("reminders %+v, want the 1h one only", got.Reminders)
		}
		if r.RSVP != nil || len(r.Messages) != 1 || r.Messages[0].Card == nil || r.Messages[0].Card.Title != ja.Session.JoinedTitle {
			t.Errorf("result %+v", r)
		}
		if sesOf(t, r.Conv, "S1").RSVP != RSVPYes {
			t.Error("the ref is not answered yes")
		}
	})

	t.Run("a no removes every reminder, byte for byte what a yes queued", func(t *testing.T) {
		b, store := newBot()
		early := c.now
		yes := tapIn("session:yes:S1")
		res := Converse(cat, early, offerPerson(StatusActive), sessionsConv(s1), yes)
		res, err := b.rsvp(ctx, yes, res, early)
		if err != nil {
			t.Fatal(err)
		}
		no := tapIn("session:no:S1")
		no.ID = "ev2"
		res = Converse(cat, now, offerPerson(StatusActive), res.Conv, no)
		r, err := b.rsvp(ctx, no, res, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(store.calls) != 2 {
			t.Fatalf("calls %+v", store.calls)
		}
		queued, removed := store.calls[0].Reminders, store.calls[1].Reminders
		if store.calls[1].Answer != RSVPNo || len(removed) != 2 {
			t.Fatalf("no: %+v", store.calls[1])
		}
		qj, err := json.Marshal(queued)
		if err != nil {
			t.Fatal(err)
		}
		rj, err := json.Marshal(removed)
		if err != nil {
			t.Fatal(err)
		}
		if string(qj) != string(rj) {
			t.Errorf("removed\n%s\nqueued\n%s", rj, qj)
		}
		if len(r.Messages) != 1 || r.Messages[0].Text != fmt.Sprintf(ja.Session.NotJoining, s1.Title) {
			t.Errorf("messages %+v", r.Messages)
		}
	})

	t.Run("a session gone says not found", func(t *testing.T) {
		b, store := newBot()
		delete(store.sessions, "S1")
		in := tapIn("session:yes:S1")
		res := Converse(cat, now, offerPerson(StatusActive), sessionsConv(s1), in)
		r, err := b.rsvp(ctx, in, res, now)
		if err != nil {
			t.Fatal(err)
		}
		if r.RSVP != nil || len(r.Messages) != 1 || r.Messages[0].Text != ja.Session.NotFound || len(store.calls) != 0 {
			t.Errorf("result %+v, calls %+v", r, store.calls)
		}
	})
}

// memSessions is a SessionStore in memory that records the RSVPs applied
// and what cancellations queued and removed.
type memSessions struct {
	sessions map[string]*Session
	answers  map[string]map[string]string
	calls    []RSVP
	notices  []Outgoing
	removed  []Due
	invited  []string // "session person"
}

func newMemSessions() *memSessions {
	return &memSessions{sessions: map[string]*Session{}, answers: map[string]map[string]string{}}
}

func (m *memSessions) CreateSession(_ context.Context, s *Session) error {
	if _, ok := m.sessions[s.ID]; ok {
		return Errorf(ECONFLICT, "session %s exists", s.ID)
	}
	m.sessions[s.ID] = s
	return nil
}

func (m *memSessions) FindSession(_ context.Context, id string) (*SessionView, error) {
	s, ok := m.sessions[id]
	if !ok {
		return nil, Errorf(ENOTFOUND, "no session %s", id)
	}
	v := &SessionView{Session: *s, Attendees: []string{}, Declined: []string{}}
	for p, a := range m.answers[id] {
		switch a {
		case RSVPYes:
			v.Attendees = append(v.Attendees, p)
		case RSVPNo:
			v.Declined = append(v.Declined, p)
		}
	}
	return v, nil
}

func (m *memSessions) Invite(_ context.Context, id string, ws []WaveOffer) (int, error) {
	for _, w := range ws {
		m.invited = append(m.invited, id+" "+w.ProfileID)
	}
	return len(ws), nil
}

func (m *memSessions) Upcoming(_ context.Context, now time.Time) ([]*Session, error) {
	var out []*Session
	for _, s := range m.sessions {
		if s.CancelledAt == nil && s.Start.After(now) {
			out = append(out, s)
		}
	}
	return out, nil
}
func (m *memSessions) InvitesDone(context.Context, string) error             { return nil }
func (m *memSessions) PendingInvites(context.Context, int) ([]string, error) { return nil, nil }

func (m *memSessions) RSVP(_ context.Context, r RSVP) (bool, error) {
	s, ok := m.sessions[r.SessionID]
	if !ok {
		return false, Errorf(ENOTFOUND, "no session %s", r.SessionID)
	}
	if s.CancelledAt != nil && r.Answer != RSVPForget {
		return false, Errorf(ECONFLICT, "session %s was cancelled", r.SessionID)
	}
	m.calls = append(m.calls, r)
	as := m.answers[r.SessionID]
	if as == nil {
		as = map[string]string{}
		m.answers[r.SessionID] = as
	}
	if r.Answer == RSVPForget {
		delete(as, r.ProfileID)
		return true, nil
	}
	changed := as[r.ProfileID] != r.Answer
	as[r.ProfileID] = r.Answer
	return changed, nil
}

func (m *memSessions) CancelSession(_ context.Context, s *Session, notice func(string) Outgoing, reminders func(string) []Due) (int, error) {
	old, ok := m.sessions[s.ID]
	if !ok || old.CancelledAt != nil {
		return 0, Errorf(ECONFLICT, "session %s is gone or was cancelled", s.ID)
	}
	cp := *s
	m.sessions[s.ID] = &cp
	var people []string
	for p, a := range m.answers[s.ID] {
		if a == RSVPYes {
			people = append(people, p)
		}
	}
	sort.Strings(people)
	for _, p := range people {
		m.notices = append(m.notices, notice(p))
		m.removed = append(m.removed, reminders(p)...)
	}
	return len(people), nil
}

func (m *memSessions) GetSession(ctx context.Context, id string) (*Session, error) {
	v, err := m.FindSession(ctx, id)
	if err != nil {
		return nil, err
	}
	return &v.Session, nil
}

// Traces lists the sessions whose answers name the person, as the Redis
// store's refs would; memSessions is also the test's TraceStore.
func (m *memSessions) Traces(_ context.Context, id string) (Traces, error) {
	var t Traces
	for sid, as := range m.answers {
		if _, ok := as[id]; ok {
			t.Sessions = append(t.Sessions, sid)
		}
	}
	return t, nil
}

func (m *memSessions) Scrub(context.Context, []string) (int, error) { return 0, nil }
func (m *memSessions) ForgetEvents(context.Context, []string) error { return nil }

// memPeople finds the profiles it holds.
type memPeople map[string]*Profile

func (m memPeople) Each(_ context.Context, fn func(p *Profile, c Conversation)) error {
	for _, p := range m {
		fn(p, Conversation{})
	}
	return nil
}

func (m memPeople) FindProfile(_ context.Context, id string) (*Profile, error) {
	if p, ok := m[id]; ok {
		return p, nil
	}
	return nil, Errorf(ENOTFOUND, "no profile %s", id)
}

// TestAnInvitationSaysWhatItIsAbout: the invitation card holds the start
// of the session's description (a title alone does not say what it is).
func TestAnInvitationSaysWhatItIsAbout(t *testing.T) {
	c := newOfferClock(t)
	s := c.s1()
	s.Summary = "地域のお仕事の紹介と、スマホの使い方の相談会です。"
	r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), Conversation{}, sesIn(EventInvite, s, ""))
	if len(r.Messages) == 0 || r.Messages[0].Card == nil {
		t.Fatalf("no invitation card: %+v", r.Messages)
	}
	if v, ok := fieldOf(r.Messages[0].Card, ja.Task.FieldWhat); !ok || v != s.Summary {
		t.Errorf("invitation card fields %+v, want the summary as 内容", r.Messages[0].Card.Fields)
	}
}

// TestASecondJoinTap: 「参加する」 tapped again on a session already joined
// says so instead of sending the whole confirmation card again.
func TestASecondJoinTap(t *testing.T) {
	c := newOfferClock(t)
	r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), sessionsConv(withRSVP(c.s1(), RSVPYes)), tapIn("session:yes:S1"))
	if r.RSVP != nil || !strings.Contains(said(r), "参加のお申し込みをいただいています") {
		t.Errorf("a second join: rsvp %+v, said %q", r.RSVP, said(r))
	}
}

// TestWhichSessionButtonsSayTheAnswer: asked which gathering a no is for,
// each button says 参加しない as well as the title.
func TestWhichSessionButtonsSayTheAnswer(t *testing.T) {
	c := newOfferClock(t)
	r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), sessionsConv(c.s1(), c.s2()), textIn("参加しません"))
	last := r.Messages[len(r.Messages)-1]
	if len(last.Choices) != 2 {
		t.Fatalf("choices %+v (said %q)", last.Choices, said(r))
	}
	for _, ch := range last.Choices {
		if !strings.HasPrefix(ch.Label, ja.Session.NotJoin+"：") || !strings.HasPrefix(ch.Data, "session:no:") {
			t.Errorf("button %+v does not say it declines", ch)
		}
	}
}

// TestLeavingAJoinedSessionInWords: 「やっぱり参加しません」 with nothing
// else waiting leaves the one gathering joined (she was told nothing was
// waiting, and stayed an attendee).
func TestLeavingAJoinedSessionInWords(t *testing.T) {
	c := newOfferClock(t)
	r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), sessionsConv(withRSVP(c.s1(), RSVPYes)), textIn("やっぱり参加しません"))
	if r.RSVP == nil || r.RSVP.SessionID != "S1" || r.RSVP.Answer != RSVPNo {
		t.Errorf("rsvp %+v (said %q)", r.RSVP, said(r))
	}
}

// A title with its own brackets is quoted as Japanese does, 『』 within
// 「」 (the reminder read 「「オンライン説明会「シニアのお仕事はじめ」」).
func TestQuoteJA(t *testing.T) {
	for in, want := range map[string]string{
		"交流会": "「交流会」",
		"オンライン説明会「シニアのお仕事はじめ」": "「オンライン説明会『シニアのお仕事はじめ』」",
	} {
		if got := quoteJA(in); got != want {
			t.Errorf("quoteJA(%q) = %q, want %q", in, got, want)
		}
	}
}
