package bot

import (
	"strings"
	"testing"
)

// The encoded actions are on buttons already sent (LINE postbacks, Slack
// values) and in events in flight: each is compared with the bytes the
// service wrote before Action existed.
func TestActionEncodesAsBefore(t *testing.T) {
	cases := []struct {
		name string
		got  Action
		want string
	}{
		{"offer accept", OfferAccept("T1"), "offer:accept:T1"},
		{"offer decline", OfferDecline("T1"), "offer:decline:T1"},
		{"offer why", OfferWhy("T1"), "offer:why:T1"},
		{"offer answered in words", offerAnswer(OpDecline, "T2"), "offer:decline:T2"},
		{"task cancel", TaskCancel("T1"), "task:cancel:T1"},
		{"task cancel confirmed", TaskCancelYes("T1"), "task:cancelyes:T1"},
		{"task kept", TaskKeep("T1"), "task:keep:T1"},
		{"session yes", SessionRSVP(RSVPYes, "S1"), "session:yes:S1"},
		{"session no", SessionRSVP(RSVPNo, "S1"), "session:no:S1"},
		{"command", commandAction(cmdDelete), "cmd:delete"},
		{"handoff", commandAction(cmdHandoff), "cmd:handoff"},
		{"home join", homeAction("join"), HomeJoin},
		{"home edit", homeAction("edit"), HomeEdit},
		{"home delete", homeAction("delete"), HomeDelete},
		{"home constants", homeAction("join"), "home:join"},
		{"consent", answerAction(StepConsent, opYes), "consent:yes"},
		{"consent declined", answerAction(StepConsent, opNo), "consent:no"},
		{"suggested name", answerAction(StepName, opSuggested), "name:suggested"},
		{"area", answerAction(StepArea, "setagaya"), "area:setagaya"},
		{"skill", answerAction(StepSkills, "grading"), "skill:grading"},
		{"skills done", answerAction(StepSkills, opDone), "skill:done"},
		{"skills list", answerAction(StepSkills, opList), "skill:list"},
		{"availability preset", answerAction(StepAvailability, "平日の午前"), "avail:平日の午前"},
		{"limit", limitAction(3), "limit:3"},
		{"confirm", answerAction(StepConfirm, opYes), "confirm:yes"},
		{"confirm edit", answerAction(StepConfirm, opEdit), "confirm:edit"},
		{"edit a field", answerAction(StepEditField, string(StepSkills)), "edit:skills"},
		{"edit cancelled", answerAction(StepEditField, opCancel), "edit:cancel"},
		{"cancel an edited question", answerAction(StepArea, opCancel), "area:cancel"},
		{"delete", answerAction(StepDeleteConfirm, opYes), "delete:yes"},
		{"delete declined", answerAction(StepDeleteConfirm, opNo), "delete:no"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.got.String(); got != c.want {
				t.Errorf("String() = %q, want %q", got, c.want)
			}
		})
	}
}

func TestParseAction(t *testing.T) {
	cases := []struct {
		name, data string
		want       Action
	}{
		{"offer card", "offer:accept:T1", OfferAccept("T1")},
		{"task card", "task:cancelyes:T1", TaskCancelYes("T1")},
		{"session card", "session:no:S1", SessionRSVP(RSVPNo, "S1")},
		{"command", "cmd:delete", commandAction(cmdDelete)},
		{"home", "home:join", homeAction("join")},
		{"answer", "area:setagaya", answerAction(StepArea, "setagaya")},
		{"an answer keeps its colons", "avail:10:00-12:00", Action{Verb: verbAvail, Op: "10:00-12:00"}},
		{"a card ID keeps its colons", "offer:accept:a:b", Action{Verb: verbOffer, Op: "accept", ID: "a:b"}},
		{"card without ID", "session:yes", Action{Verb: verbSession, Op: "yes"}},
		{"card with empty op", "offer::T1", Action{Verb: verbOffer, ID: "T1"}},
		{"verb alone", "cmd", Action{Verb: verbCmd}},
		{"trailing colon", "offer:accept:", Action{Verb: verbOffer, Op: "accept"}},
		{"empty", "", Action{}},
		{"unknown verb", "zzz:a:b", Action{Verb: "zzz", Op: "a:b"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ParseAction(c.data); got != c.want {
				t.Errorf("ParseAction(%q) = %#v, want %#v", c.data, got, c.want)
			}
		})
	}
}

// Every action a constructor builds comes back the same from its encoding.
func TestActionRoundTrip(t *testing.T) {
	for _, a := range []Action{
		OfferAccept("T1"), OfferDecline("9b2e-4f"), OfferWhy("x_y"), offerAnswer(OpAccept, "T3"),
		TaskCancel("T1"), TaskCancelYes("T1"), TaskKeep("T1"),
		SessionRSVP(RSVPYes, "S1"), SessionRSVP(RSVPNo, "S-2"),
		commandAction(cmdPause), commandAction(cmdResume), homeAction("edit"),
		answerAction(StepArea, "remote"), answerAction(StepAvailability, "月水金 10:00-15:00"),
		answerAction(StepSkills, "a:b"), limitAction(5), answerAction(StepEditField, opCancel),
	} {
		if got := ParseAction(a.String()); got != a {
			t.Errorf("ParseAction(%q) = %#v, want %#v", a.String(), got, a)
		}
	}
}

// checkParse holds for any data: the action encodes back to data (but for
// trailing colons), the verb has no colon, nor has a card's op, and only a
// card has an ID.
func checkParse(t *testing.T, data string) {
	t.Helper()
	a := ParseAction(data)
	if s := a.String(); s != data && (!strings.HasPrefix(data, s) || strings.Trim(data[len(s):], ":") != "") {
		t.Fatalf("ParseAction(%q).String() = %q", data, s)
	}
	if again := ParseAction(a.String()); again != a {
		t.Fatalf("ParseAction(%q) = %#v, but its encoding %q parses as %#v", data, a, a.String(), again)
	}
	if strings.Contains(a.Verb, ":") || cardVerb(a.Verb) && strings.Contains(a.Op, ":") {
		t.Fatalf("ParseAction(%q) = %#v: a colon in the verb or a card's op", data, a)
	}
	if a.ID != "" && !cardVerb(a.Verb) {
		t.Fatalf("ParseAction(%q) = %#v: an ID on a button that is no card", data, a)
	}
}

func FuzzParseAction(f *testing.F) {
	for _, s := range []string{"offer:accept:T1", "task:cancelyes:T1", "session:no:S1", "cmd:delete",
		"home:join", "avail:平日の午前", "avail:10:00-12:00", "offer:accept:a:b", "offer::", "offer:accept:", ":", "::", "", "x"} {
		f.Add(s)
	}
	f.Fuzz(checkParse)
}
