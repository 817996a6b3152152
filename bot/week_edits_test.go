package bot

import (
	"strings"
	"testing"

	"tsunagu/bot/avail"
)

// TestWeekEditsAsSaid: a week changed in the sentences seniors use ends
// as they meant it (each of these saved something else): while changing
// the week, at the registration card, and in passing.
func TestWeekEditsAsSaid(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	week := func(s string) avail.Week {
		t.Helper()
		w, err := avail.Parse(s)
		if err != nil {
			t.Fatalf("parse %q: %v", s, err)
		}
		return w
	}
	tests := []struct {
		name   string
		status Status
		conv   Conversation
		before string
		text   string
		want   string
		// wantToo is more of the week wanted, when one phrase cannot
		// say it (午前 ends at 12, 午後 begins at 13).
		wantToo string
		// registered says the card's yes was taken; step the step after.
		registered bool
		step       Step
	}{
		{name: "editing: a day ruled out alone leaves the rest", status: StatusActive,
			conv: Conversation{Step: StepAvailability, Editing: true}, before: "平日 13時〜16時",
			text: "水曜日以外", want: "月火木金 13時〜16時"},
		{name: "editing: a whole week with a day ruled out replaces it", status: StatusActive,
			conv: Conversation{Step: StepAvailability, Editing: true}, before: "月火木金土日 9時〜18時",
			text: "水曜日以外の平日の午後一時から四時まで", want: "月火木金 13時〜16時"},
		{name: "editing: hesitations in the middle are dropped", status: StatusActive,
			conv: Conversation{Step: StepAvailability, Editing: true}, before: "平日 13時〜16時",
			text: "えーと月曜と えー 木曜の午後", want: "月木 13時〜17時"},
		{name: "at the card: a day added is a correction, not a yes", status: StatusOnboarding,
			conv: Conversation{Step: StepConfirm}, before: "月木 9時〜12時",
			text: "あ、やっぱり火曜日の午前もできます", want: "月火木 9時〜12時", step: StepConfirm},
		{name: "at the card: a yes restating the card registers", status: StatusOnboarding,
			conv: Conversation{Step: StepConfirm}, before: "月木 9時〜12時",
			text: "はい、それでお願いします", want: "月木 9時〜12時", registered: true, step: StepIdle},
		{name: "in passing: afternoons ruled out on their days", status: StatusActive,
			conv: Conversation{}, before: "月水 9時〜17時",
			text: "午後はだめになりました", want: "月水 9時〜13時", step: StepIdle},
		{name: "in passing: mornings added on their days, not every day", status: StatusActive,
			conv: Conversation{}, before: "月水 13時〜17時",
			text: "午前もできるようになりました", want: "月水 9時〜12時", wantToo: "月水 13時〜17時", step: StepIdle},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := offerPerson(tc.status)
			p.Availability = week(tc.before)
			r := Converse(cat, c.now, p, tc.conv, textIn(tc.text))
			want := week(tc.want)
			if tc.wantToo != "" {
				want = want.Plus(week(tc.wantToo))
			}
			if got := r.Profile.Availability; got != want {
				t.Errorf("week %s, want %s (said %q)", got.Japanese(), want.Japanese(), said(r))
			}
			if got := r.Profile.Status == StatusActive && tc.status == StatusOnboarding; got != tc.registered {
				t.Errorf("registered %v, want %v (said %q)", got, tc.registered, said(r))
			}
			if tc.step != "" && r.Conv.Step != tc.step {
				t.Errorf("step %q, want %q", r.Conv.Step, tc.step)
			}
		})
	}
}

// TestCorrectionsAtTheCard: the name and the area corrected in a sentence
// at the registration card are applied and the card shown again (「名前は
// 小林トメです」 was asked to press a button; 「地域は調布に直してください」
// asked what to change).
func TestCorrectionsAtTheCard(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	for _, tc := range []struct {
		text string
		ok   func(p *Profile) bool
	}{
		{"名前は小林トメです", func(p *Profile) bool { return p.Name == "小林トメ" }},
		{"地域は調布に直してください", func(p *Profile) bool { return p.Area == "chofu" }},
	} {
		p := offerPerson(StatusOnboarding)
		r := Converse(cat, c.now, p, Conversation{Step: StepConfirm}, textIn(tc.text))
		if !tc.ok(r.Profile) || r.Conv.Step != StepConfirm || r.Profile.Status != StatusOnboarding {
			t.Errorf("%q: name %q area %q step %q status %q (said %q)", tc.text, r.Profile.Name, r.Profile.Area, r.Conv.Step, r.Profile.Status, said(r))
		}
	}
}

// TestAChangeFromNextMonth: 「来月から火曜も大丈夫になりました」 was read
// as a yes to no offer, and 「来月から火曜日の午前も空きます」 not at all;
// the week changes now, and she is told it does, with what to do until
// then.
func TestAChangeFromNextMonth(t *testing.T) {
	c := newOfferClock(t)
	for text, want := range map[string]string{
		"来月から火曜日の午前も空きます":  "月・火 9:00〜12:00",
		"来月から火曜日の午前も空きました": "月・火 9:00〜12:00",
		"4月からは火曜日の午前も空きます": "月・火 9:00〜12:00",
	} {
		r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), offers(), textIn(text))
		if got := r.Profile.Availability.Japanese(); got != want || !strings.Contains(said(r), "からとのことですが") {
			t.Errorf("%q: week %q (want %q), said %q", text, got, want, said(r))
		}
	}
	r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), offers(), textIn("来月から火曜も大丈夫になりました"))
	if !strings.Contains(r.Profile.Availability.Japanese(), "火曜") || strings.Contains(said(r), ja.Task.NoPending) {
		t.Errorf("来月から火曜も大丈夫になりました: week %q, said %q", r.Profile.Availability.Japanese(), said(r))
	}
}
