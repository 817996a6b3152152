package bot

import (
	"strings"
	"testing"
	"time"

	"tsunagu/bot/avail"
)

func goodForm() *ProfileForm {
	return &ProfileForm{Name: " 佐藤 一郎 ", Area: "chofu", Skills: []string{"grading"},
		Availability: WeekOf([]int{5}, []string{"afternoon"}), WeeklyLimit: 3, Consent: true}
}

func TestProfileFormProblems(t *testing.T) {
	cat := testCatalog(t)
	tests := []struct {
		name   string
		change func(f *ProfileForm)
		fields []string
	}{
		{"complete", func(*ProfileForm) {}, nil},
		{"blank name", func(f *ProfileForm) { f.Name = " " }, []string{FormName}},
		{"two-line name", func(f *ProfileForm) { f.Name = "a\nb" }, []string{FormName}},
		{"unknown area", func(f *ProfileForm) { f.Area = "mars" }, []string{FormArea}},
		{"no skills", func(f *ProfileForm) { f.Skills = nil }, []string{FormSkills}},
		{"unknown skill", func(f *ProfileForm) { f.Skills = []string{"grading", "x"} }, []string{FormSkills}},
		{"too many skills", func(f *ProfileForm) { f.Skills = make([]string, MaxSkills+1) }, []string{FormSkills}},
		{"no time", func(f *ProfileForm) { f.Availability = WeekOf(nil, nil) }, []string{FormAvailability}},
		{"limit 0", func(f *ProfileForm) { f.WeeklyLimit = 0 }, []string{FormLimit}},
		{"limit 21", func(f *ProfileForm) { f.WeeklyLimit = MaxWeeklyLimit + 1 }, []string{FormLimit}},
		{"no consent", func(f *ProfileForm) { f.Consent = false }, []string{FormConsent}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := goodForm()
			tc.change(f)
			// The form's errors, said by field as the Slack form shows them.
			p := map[string]string{}
			for _, e := range FieldErrors(f.Validate(cat)) {
				p[e.Field] = ErrorJA(e)
			}
			if len(p) != len(tc.fields) {
				t.Fatalf("problems %v, want on %v", p, tc.fields)
			}
			for _, field := range tc.fields {
				if p[field] == "" {
					t.Errorf("no problem on %s: %v", field, p)
				}
			}
		})
	}
}

func TestWeekOfAndBandsOf(t *testing.T) {
	w := WeekOf([]int{0, 6}, []string{"morning", "night", "unknown"})
	if !w.Has(0, 9*2) || w.Has(0, 12*2) || !w.Has(6, 20*2) || w.Has(6, 21*2) || w.Has(3, 10*2) {
		t.Fatalf("week %s", w.Japanese())
	}
	days, bands, exact := BandsOf(w)
	if !exact || len(days) != 2 || days[1] != 6 || strings.Join(bands, ",") != "morning,night" {
		t.Fatalf("BandsOf = %v %v %v", days, bands, exact)
	}
	odd := w
	odd.Set(2, 0, 2) // Wednesday 0:00-1:00: no checkbox says it
	if _, _, exact := BandsOf(odd); exact {
		t.Fatal("a week the checkboxes cannot say is reported exact")
	}
}

func TestFormRegistersAndEdits(t *testing.T) {
	form := func(c *chat, f *ProfileForm) Result {
		return c.send(Inbound{Kind: EventProfileForm, Form: f})
	}
	t.Run("a stranger is registered at once", func(t *testing.T) {
		c := newChat(t)
		res := form(c, goodForm())
		if c.p == nil || c.p.Status != StatusActive || c.p.Name != "佐藤 一郎" || c.p.ConsentedAt == nil || c.p.WeeklyLimit != 3 {
			t.Fatalf("profile %+v", c.p)
		}
		if !strings.Contains(said(res), "登録が完了") || !strings.Contains(said(res), "土曜") {
			t.Fatalf("said %s", said(res))
		}
	})
	t.Run("half-way through the chat", func(t *testing.T) {
		c := newChat(t)
		c.follow()
		c.tap("consent:yes")
		c.say("山田")
		form(c, goodForm())
		if c.p.Status != StatusActive || c.conv.Step != StepIdle || c.p.Name != "佐藤 一郎" {
			t.Fatalf("profile %+v, step %q", c.p, c.conv.Step)
		}
	})
	t.Run("an edit saves what the form changed, not what it showed", func(t *testing.T) {
		c := registered(t)
		shown := &ProfileForm{Name: c.p.Name, Area: c.p.Area, Skills: c.p.Skills, Availability: c.p.Availability, WeeklyLimit: c.p.WeeklyLimit}
		// While the form was open, the limit was changed in the chat.
		c.p.WeeklyLimit = 5
		f := *shown
		f.Shown, f.Consent = shown, true
		f.Availability = avail.Week{}
		f.Availability.Set(5, 18, 24) // Saturday morning: the one change made in the form
		form(c, &f)
		if c.p.WeeklyLimit != 5 || c.p.Availability != f.Availability || c.p.Name != shown.Name {
			t.Errorf("after the form: limit %d, week %s, name %q", c.p.WeeklyLimit, c.p.Availability.Japanese(), c.p.Name)
		}
	})
	t.Run("an edit keeps offers, sessions and a pause", func(t *testing.T) {
		c := registered(t)
		consented := *c.p.ConsentedAt
		c.tap("cmd:pause")
		c.conv.Offers = []OfferRef{{TaskID: "T1", State: OfferAccepted, Start: testNow.Add(24 * time.Hour), End: testNow.Add(26 * time.Hour)}}
		c.conv.Sessions = []SessionRef{{SessionID: "S1", RSVP: RSVPYes, End: testNow.Add(time.Hour)}}
		c.conv.Step = StepCancelTask
		c.conv.CancelTask = "T1"
		res := form(c, goodForm())
		if c.p.Status != StatusPaused || len(c.conv.Offers) != 1 || len(c.conv.Sessions) != 1 || c.conv.Step != StepIdle || c.conv.CancelTask != "" {
			t.Fatalf("profile %+v, conv %+v", c.p, c.conv)
		}
		if !c.p.ConsentedAt.Equal(consented) || c.p.Area != "chofu" {
			t.Fatalf("profile %+v", c.p)
		}
		if !strings.Contains(said(res), "変更しました") {
			t.Fatalf("said %s", said(res))
		}
	})
	t.Run("a bad form changes nothing", func(t *testing.T) {
		c := registered(t)
		before := *c.p
		f := goodForm()
		f.Area = "mars"
		res := form(c, f)
		if c.p.Area != before.Area || !strings.Contains(said(res), "保存できませんでした") {
			t.Fatalf("profile %+v, said %s", c.p, said(res))
		}
		c2 := newChat(t)
		form(c2, nil)
		if c2.p != nil {
			t.Fatal("an empty form created a profile")
		}
	})
}

func TestHomeScreen(t *testing.T) {
	cat := testCatalog(t)
	buttonsOf := func(msgs []Message) string {
		var data []string
		for _, m := range msgs {
			if m.Card != nil {
				for _, b := range m.Card.Buttons {
					data = append(data, b.Data)
				}
			}
		}
		return strings.Join(data, " ")
	}
	if got := buttonsOf(HomeMessages(cat, testNow, nil, Conversation{})); got != HomeJoin {
		t.Fatalf("stranger's home: %s", got)
	}
	c := registered(t)
	home := HomeMessages(cat, testNow, c.p, c.conv)
	if got := buttonsOf(home); got != "home:edit cmd:pause home:delete" {
		t.Fatalf("registered home: %s", got)
	}
	for _, m := range home {
		if m.Card != nil && m.Card.Buttons[len(m.Card.Buttons)-1].Confirm == "" {
			t.Fatal("delete without a confirmation")
		}
	}
	conv := c.conv
	conv.Offers = []OfferRef{
		{TaskID: "later", Title: "採点B", State: OfferOffered, Start: testNow.Add(48 * time.Hour), End: testNow.Add(50 * time.Hour)},
		{TaskID: "sooner", Title: "採点A", State: OfferOffered, Start: testNow.Add(24 * time.Hour), End: testNow.Add(26 * time.Hour)},
		{TaskID: "mine", Title: "受付", State: OfferAccepted, Start: testNow.Add(72 * time.Hour), End: testNow.Add(73 * time.Hour)},
		{TaskID: "past", Title: "昔の", State: OfferAccepted, Start: testNow.Add(-3 * time.Hour), End: testNow.Add(-time.Hour)},
	}
	conv.Sessions = []SessionRef{{SessionID: "S1", Title: "交流会", RSVP: RSVPYes, Start: testNow.Add(2 * time.Hour), End: testNow.Add(3 * time.Hour)},
		{SessionID: "S2", Title: "説明会", Start: testNow.Add(5 * time.Hour), End: testNow.Add(6 * time.Hour)}}
	got := buttonsOf(HomeMessages(cat, testNow, c.p, conv))
	want := "home:edit cmd:pause home:delete " +
		"offer:accept:sooner offer:decline:sooner offer:why:sooner offer:accept:later offer:decline:later offer:why:later " +
		"session:yes:S2 session:no:S2 session:no:S1 task:cancel:mine"
	if got != want {
		t.Fatalf("home buttons\n got %s\nwant %s", got, want)
	}
	c.p.Status = StatusPaused
	if got := buttonsOf(HomeMessages(cat, testNow, c.p, Conversation{})); !strings.Contains(got, "cmd:resume") {
		t.Fatalf("paused home: %s", got)
	}
}

func TestHomeButtons(t *testing.T) {
	c := registered(t)
	res := c.tap(HomeDelete)
	if !res.Delete || !strings.Contains(said(res), "削除しました") {
		t.Fatalf("home delete: %+v", res)
	}
	stranger := newChat(t)
	if res := stranger.tap(HomeDelete); res.Delete || res.Profile != nil || len(res.Messages) != 0 {
		t.Fatalf("a stranger's delete: %+v", res)
	}
	if res := stranger.tap(HomeJoin); !hasButton(res, "consent:yes") {
		t.Fatalf("join without the form starts the chat: %s", said(res))
	}
	c = registered(t)
	if res := c.tap(HomeEdit); c.conv.Step != StepEditField {
		t.Fatalf("edit without the form asks what to change: %s", said(res))
	}
}
