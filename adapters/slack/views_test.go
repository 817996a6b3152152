package slack

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"tsunagu/bot"
	"tsunagu/bot/avail"
)

func catalog(t testing.TB) *bot.Catalog {
	t.Helper()
	cat, err := bot.NewCatalog(
		[]bot.Skill{{ID: "grading", LabelJA: "採点"}, {ID: "translation", LabelJA: "翻訳"}},
		[]bot.Area{{ID: "setagaya", LabelJA: "世田谷区"}, {ID: bot.AreaRemote, LabelJA: "リモート"}},
	)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func text(s string) slack.BlockAction { return slack.BlockAction{Value: s} }
func one(v string) slack.BlockAction {
	return slack.BlockAction{SelectedOption: slack.OptionBlockObject{Value: v}}
}
func many(vs ...string) slack.BlockAction {
	var a slack.BlockAction
	for _, v := range vs {
		a.SelectedOptions = append(a.SelectedOptions, slack.OptionBlockObject{Value: v})
	}
	return a
}

func form(fields map[string]slack.BlockAction) values {
	v := values{}
	for block, a := range fields {
		v[block] = map[string]slack.BlockAction{valueAction: a}
	}
	return v
}

func goodJoin() map[string]slack.BlockAction {
	return map[string]slack.BlockAction{
		blockName: text(" 山田 花子 "), blockArea: one("setagaya"), blockSkills: many("grading"),
		blockDays: many("0", "2"), blockBands: many("morning", "night"), blockLimit: text("2"), blockConsent: many("yes"),
	}
}

func TestReadJoin(t *testing.T) {
	cat := catalog(t)
	tests := []struct {
		name   string
		change func(map[string]slack.BlockAction)
		errs   []string // blocks with a problem
		check  func(t *testing.T, f *bot.ProfileForm)
	}{
		{name: "complete", check: func(t *testing.T, f *bot.ProfileForm) {
			want := bot.WeekOf([]int{0, 2}, []string{"morning", "night"})
			if f.Name != "山田 花子" || f.Area != "setagaya" || f.WeeklyLimit != 2 || !f.Consent || f.Availability != want {
				t.Errorf("form = %+v", f)
			}
			if !f.Availability.Has(0, 9*2) || f.Availability.Has(0, 13*2) || !f.Availability.Has(2, 20*2) {
				t.Errorf("Monday and Wednesday mornings and nights: %s", f.Availability.Japanese())
			}
		}},
		{name: "both text and checkboxes: the text wins", change: func(m map[string]slack.BlockAction) { m[blockAvailText] = text("土日") },
			check: func(t *testing.T, f *bot.ProfileForm) {
				if f.Availability.Has(0, 9*2) || !f.Availability.Has(5, 10*2) || f.AvailNote == "" {
					t.Errorf("availability %s note %q, want the weekend from the text, said", f.Availability.Japanese(), f.AvailNote)
				}
			}},
		{name: "both, the text not understood: the checkboxes", change: func(m map[string]slack.BlockAction) { m[blockAvailText] = text("気が向いたら") },
			check: func(t *testing.T, f *bot.ProfileForm) {
				if !f.Availability.Has(0, 9*2) || f.AvailNote == "" {
					t.Errorf("availability %s note %q, want the checkboxes, said", f.Availability.Japanese(), f.AvailNote)
				}
			}},
		{name: "text instead of the checkboxes", change: func(m map[string]slack.BlockAction) {
			m[blockAvailText] = text("土日 10時〜15時")
			delete(m, blockDays)
			delete(m, blockBands)
		},
			check: func(t *testing.T, f *bot.ProfileForm) {
				w, _ := avail.Parse("土日 10時〜15時")
				if f.Availability != w {
					t.Errorf("availability %s", f.Availability.Japanese())
				}
			}},
		{name: "text not understood", change: func(m map[string]slack.BlockAction) {
			m[blockAvailText] = text("そのうち")
			delete(m, blockDays)
		}, errs: []string{blockAvailText}},
		{name: "days without bands", change: func(m map[string]slack.BlockAction) { delete(m, blockBands) }, errs: []string{blockBands}},
		{name: "no time at all", change: func(m map[string]slack.BlockAction) { delete(m, blockBands); delete(m, blockDays) }, errs: []string{blockDays}},
		{name: "blank name", change: func(m map[string]slack.BlockAction) { m[blockName] = text("  ") }, errs: []string{blockName}},
		{name: "name too long", change: func(m map[string]slack.BlockAction) { m[blockName] = text(strings.Repeat("名", 41)) }, errs: []string{blockName}},
		{name: "unknown area", change: func(m map[string]slack.BlockAction) { m[blockArea] = one("mars") }, errs: []string{blockArea}},
		{name: "unknown skill", change: func(m map[string]slack.BlockAction) { m[blockSkills] = many("grading", "flying") }, errs: []string{blockSkills}},
		{name: "no skill", change: func(m map[string]slack.BlockAction) { delete(m, blockSkills) }, errs: []string{blockSkills}},
		{name: "limit out of range", change: func(m map[string]slack.BlockAction) { m[blockLimit] = text("21") }, errs: []string{blockLimit}},
		{name: "limit not a number", change: func(m map[string]slack.BlockAction) { m[blockLimit] = text("二") }, errs: []string{blockLimit}},
		{name: "no consent", change: func(m map[string]slack.BlockAction) { delete(m, blockConsent) }, errs: []string{blockConsent}},
		{name: "nothing", change: func(m map[string]slack.BlockAction) { clear(m) },
			errs: []string{blockName, blockArea, blockSkills, blockDays, blockLimit, blockConsent}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := goodJoin()
			if tc.change != nil {
				tc.change(m)
			}
			f, problems := readJoin(cat, form(m), "")
			if len(problems) != len(tc.errs) {
				t.Fatalf("problems %v, want on %v", problems, tc.errs)
			}
			for _, b := range tc.errs {
				if problems[b] == "" {
					t.Errorf("no problem shown on %s: %v", b, problems)
				}
			}
			if tc.check != nil {
				tc.check(t, f)
			}
		})
	}
}

func TestJoinModalIsFilledInForAnEdit(t *testing.T) {
	cat := catalog(t)
	at := time.Now()
	w, _ := avail.Parse("月水金 10時〜15時") // more than the checkboxes can say
	p := &bot.Profile{ID: "slack:T:U", Name: "山田", Area: "remote", Skills: []string{"translation"}, Availability: w,
		WeeklyLimit: 4, Status: bot.StatusPaused, ConsentedAt: &at}
	raw, _ := json.Marshal(joinModal(cat, p))
	s := string(raw)
	for _, want := range []string{`"initial_value":"山田"`, `"initial_value":"4"`, jaSlack.EditTitle, `"value":"translation"`, w.Japanese()} {
		if !strings.Contains(s, want) {
			t.Errorf("edit form lacks %s", want)
		}
	}
	v := joinModal(cat, nil)
	// Monday is in the week but must not be ticked: the text says it.
	for _, b := range joinModal(cat, p).Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok && (in.BlockID == blockDays || in.BlockID == blockBands) {
			if len(in.Element.(*slack.CheckboxGroupsBlockElement).InitialOptions) > 0 {
				t.Errorf("%s ticked although the week is shown as text", in.BlockID)
			}
		}
	}
	if !slack.ValidateUniqueBlockID(v) || v.Title.Text != jaSlack.JoinTitle {
		t.Errorf("new form: title %q, unique block IDs %v", v.Title.Text, slack.ValidateUniqueBlockID(v))
	}
	// A week the checkboxes can say comes back as checkboxes only.
	p.Availability = bot.WeekOf([]int{5, 6}, []string{"afternoon"})
	raw, _ = json.Marshal(joinModal(cat, p))
	if strings.Contains(string(raw), p.Availability.Japanese()) {
		t.Errorf("a checkbox week is also written as text: %s", raw)
	}
}

func TestReadTaskAndSession(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, tokyo)
	base := func() map[string]slack.BlockAction {
		return map[string]slack.BlockAction{
			blockTitle: text("採点"), blockArea: one("setagaya"), blockSkills: many("grading"),
			blockDate: {SelectedDate: "2026-11-24"}, blockStart: {SelectedTime: "08:00"}, blockEnd: {SelectedTime: "10:00"},
			blockHeadcount: text("2"),
		}
	}
	task, problems := readTask(form(base()), tokyo, now)
	if problems != nil || task.Headcount != 2 || !task.Start.Equal(time.Date(2026, 11, 24, 8, 0, 0, 0, tokyo)) ||
		task.End.Sub(task.Start) != 2*time.Hour || task.Remote {
		t.Fatalf("task %+v, problems %v", task, problems)
	}
	remote := base()
	remote[blockArea] = one(bot.AreaRemote)
	if task, _ := readTask(form(remote), tokyo, now); !task.Remote {
		t.Error("the remote area does not make a remote task")
	}
	for name, tc := range map[string]struct {
		change func(map[string]slack.BlockAction)
		block  string
	}{
		"end before start": {func(m map[string]slack.BlockAction) { m[blockEnd] = slack.BlockAction{SelectedTime: "07:00"} }, blockEnd},
		"in the past":      {func(m map[string]slack.BlockAction) { m[blockDate] = slack.BlockAction{SelectedDate: "2026-11-20"} }, blockStart},
		"no date":          {func(m map[string]slack.BlockAction) { delete(m, blockDate) }, blockDate},
		"no start":         {func(m map[string]slack.BlockAction) { delete(m, blockStart) }, blockStart},
		"no title":         {func(m map[string]slack.BlockAction) { delete(m, blockTitle) }, blockTitle},
		"headcount 0":      {func(m map[string]slack.BlockAction) { m[blockHeadcount] = text("0") }, blockHeadcount},
		"headcount 101":    {func(m map[string]slack.BlockAction) { m[blockHeadcount] = text("101") }, blockHeadcount},
	} {
		m := base()
		tc.change(m)
		if _, problems := readTask(form(m), tokyo, now); problems[tc.block] == "" {
			t.Errorf("%s: problems %v, want one on %s", name, problems, tc.block)
		}
	}

	sm := base()
	sm[blockReminders] = many("24h0m0s", "15m0s")
	sm[blockAudAreas] = many("setagaya")
	s, problems := readSession(form(sm), tokyo, now)
	if problems != nil || len(s.Reminders) != 2 || s.Reminders[1] != 15*time.Minute || s.Audience.Areas[0] != "setagaya" {
		t.Fatalf("session %+v, problems %v", s, problems)
	}
	delete(sm, blockReminders)
	if s, _ := readSession(form(sm), tokyo, now); s.Reminders == nil || len(s.Reminders) != 0 {
		t.Errorf("no reminder ticked should mean none, not the defaults: %v", s.Reminders)
	}
	// The block is found by the error's field (it was by the start of its
	// English message).
	for field, want := range map[string]string{
		"headcount": blockHeadcount, "audience.skills": blockAudSkills,
		"url": blockURL, "": blockTitle, "offer_ttl": blockTitle,
		"organization": blockOrg,
		"reward":       blockReward,
	} {
		if got := fieldBlock(field, blockTitle); got != want {
			t.Errorf("fieldBlock(%q) = %s, want %s", field, got, want)
		}
	}
}

// FuzzReadForms feeds arbitrary submitted states to the form readers: they
// must never panic, and a form they accept must pass the bot's checks.
func FuzzReadForms(f *testing.F) {
	f.Add(`{"name":{"value":{"value":"花子"}},"days":{"value":{"selected_options":[{"value":"9"}]}}}`)
	f.Add(`{"date":{"value":{"selected_date":"2026-02-30"}},"start":{"value":{"selected_time":"25:99"}}}`)
	f.Add(`{"avail_text":{"value":{"value":"毎日 0時〜24時"}},"weekly_limit":{"value":{"value":"-1"}}}`)
	cat := catalog(f)
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw string) {
		var v values
		if json.Unmarshal([]byte(raw), &v) != nil {
			return
		}
		if form, problems := readJoin(cat, v, ""); problems == nil && form.Validate(cat) != nil {
			t.Fatalf("accepted a form the bot refuses: %+v", form)
		}
		if task, problems := readTask(v, time.UTC, now); problems == nil {
			_ = task.Validate(cat, now)
		}
		_, _ = readSession(v, time.UTC, now)
	})
}

func TestUnescapeCommandText(t *testing.T) {
	for in, want := range map[string]string{
		"説明会 &amp; 交流会 &lt;重要&gt;":                 "説明会 & 交流会 <重要>",
		"詳細は <https://example.jp/a?b=1&amp;c=2> へ": "詳細は https://example.jp/a?b=1&c=2 へ",
		"<https://example.jp|こちら>をご覧ください":          "こちら（https://example.jp）をご覧ください",
		"<https://example.jp|https://example.jp>":  "https://example.jp",
		"<!channel> 明日は大雪です":                       " 明日は大雪です",
		"<#C123|general> にも書きました":                  "#general にも書きました",
		"<mailto:a@example.jp|a@example.jp>":       "a@example.jp",
		"<@U123|yamada> さんより":                      "yamada さんより",
		"そのまま <>":                                  "そのまま ",
	} {
		if got := unescape(in); got != want {
			t.Errorf("unescape(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestReadJoinEditKeepsTickedBoxesOverTheTextShown: the edit form shows a
// week the checkboxes cannot say as text; ticking boxes and leaving that
// text alone saves the boxes, changing the text saves the text.
func TestReadJoinEditKeepsTickedBoxesOverTheTextShown(t *testing.T) {
	cat := catalog(t)
	const shown = "月曜 9:30〜11:45"
	m := goodJoin()
	m[blockAvailText] = text(shown)
	f, problems := readJoin(cat, form(m), shown)
	if problems != nil || f.Availability != bot.WeekOf([]int{0, 2}, []string{"morning", "night"}) || f.AvailNote != "" {
		t.Errorf("text left as shown: %s (note %q, problems %v), want the boxes", f.Availability.Japanese(), f.AvailNote, problems)
	}
	m[blockAvailText] = text("土日")
	if f, _ := readJoin(cat, form(m), shown); !f.Availability.Has(5, 10*2) || f.Availability.Has(0, 9*2) {
		t.Errorf("text changed: %s, want the weekend", f.Availability.Japanese())
	}
}

// TestTheEditFormCarriesWhatItShowed: the edit form's private metadata
// holds what it showed, and a submission reads it back, so the bot saves
// only what was changed in the form; a form opened before (the week as
// plain text) still reads.
func TestTheEditFormCarriesWhatItShowed(t *testing.T) {
	cat := catalog(t)
	p := &bot.Profile{ID: "slack:T1:U1", Name: "三上 美佳", Area: "setagaya", Skills: []string{"grading"}, WeeklyLimit: 2,
		Availability: bot.WeekOf([]int{0}, []string{"morning"}), Status: bot.StatusActive}
	v := joinModal(cat, p)
	f, problems := readJoin(cat, form(goodJoin()), v.PrivateMetadata)
	if problems != nil || f.Shown == nil || f.Shown.WeeklyLimit != 2 || f.Shown.Name != "三上 美佳" || f.Shown.Availability != p.Availability {
		t.Fatalf("shown %+v (problems %v)", f.Shown, problems)
	}
	if v := joinModal(cat, nil); readJoinMeta(v.PrivateMetadata).Shown != nil {
		t.Errorf("a new registration's form carries something shown")
	}
	if m := readJoinMeta("月曜 9:30〜11:45"); m.AvailText != "月曜 9:30〜11:45" || m.Shown != nil {
		t.Errorf("an older form's metadata: %+v", m)
	}
}
