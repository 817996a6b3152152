package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"tsunagu/bot/avail"
)

// TestValidationNamesItsField: every refusal of what a coordinator, an
// API client or a person filled in names the field it is about, as the
// API's JSON names it, and is said in Japanese by ErrorJA.
func TestValidationNamesItsField(t *testing.T) {
	cat := testCatalog(t)
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	start := now.Add(48 * time.Hour)
	task := func(change func(*Task)) func() error {
		return func() error {
			tk := &Task{Title: "採点", Skills: []string{"grading"}, Area: "setagaya",
				Start: start, End: start.Add(2 * time.Hour), Headcount: 1}
			change(tk)
			return tk.Validate(cat, now)
		}
	}
	session := func(change func(*Session)) func() error {
		return func() error {
			s := &Session{Title: "説明会", Start: start, End: start.Add(time.Hour)}
			change(s)
			return s.Validate(cat, now)
		}
	}
	profile := func(change func(*Profile)) func() error {
		return func() error {
			var week avail.Week
			week.Set(0, 18, 24)
			p := &Profile{ID: "line:U0123456789abcdef0123456789abcdef", Name: "佐藤", Area: "chofu",
				Skills: []string{"grading"}, Availability: week, WeeklyLimit: 2}
			change(p)
			return p.Validate(cat)
		}
	}
	tests := []struct {
		name  string
		check func() error
		code  string
		field string
	}{
		{"task: no title", task(func(t *Task) { t.Title = " " }), EUNPROCESSABLE, "title"},
		{"task: title too long", task(func(t *Task) { t.Title = strings.Repeat("あ", MaxTitleRunes+1) }), EUNPROCESSABLE, "title"},
		{"task: title on two lines", task(func(t *Task) { t.Title = "採点\n午前" }), EUNPROCESSABLE, "title"},
		{"task: description with a direction control", task(func(t *Task) { t.Description = "a\u202eb" }), EUNPROCESSABLE, "description"},
		{"task: organization with a control character", task(func(t *Task) { t.Organization = "塾\x00" }), EUNPROCESSABLE, "organization"},
		{"task: reward too long", task(func(t *Task) { t.Reward = strings.Repeat("円", MaxRewardLen+1) }), EUNPROCESSABLE, "reward"},
		{"task: unknown skill", task(func(t *Task) { t.Skills = []string{"drone"} }), EUNPROCESSABLE, "skills"},
		{"task: no area", task(func(t *Task) { t.Area = "" }), EUNPROCESSABLE, "area"},
		{"task: unknown area", task(func(t *Task) { t.Area = "mars" }), EUNPROCESSABLE, "area"},
		{"task: remote in an unknown area", task(func(t *Task) { t.Remote, t.Area = true, "mars" }), EUNPROCESSABLE, "area"},
		{"task: no start", task(func(t *Task) { t.Start = time.Time{} }), EUNPROCESSABLE, "start"},
		{"task: no end", task(func(t *Task) { t.End = time.Time{} }), EUNPROCESSABLE, "end"},
		{"task: end before start", task(func(t *Task) { t.End = t.Start.Add(-time.Hour) }), EUNPROCESSABLE, "end"},
		{"task: start in the past", task(func(t *Task) { t.Start, t.End = now.Add(-time.Hour), now.Add(time.Hour) }), EUNPROCESSABLE, "start"},
		{"task: headcount 0", task(func(t *Task) { t.Headcount = 0 }), EUNPROCESSABLE, "headcount"},
		{"task: headcount over the maximum", task(func(t *Task) { t.Headcount = MaxHeadcount + 1 }), EUNPROCESSABLE, "headcount"},
		{"task: offer_ttl too short", task(func(t *Task) { t.OfferTTL = time.Minute }), EUNPROCESSABLE, "offer_ttl"},
		{"session: no title", session(func(s *Session) { s.Title = "" }), EUNPROCESSABLE, "title"},
		{"session: ftp url", session(func(s *Session) { s.URL = "ftp://example.jp" }), EUNPROCESSABLE, "url"},
		{"session: url too long", session(func(s *Session) { s.URL = "https://example.jp/" + strings.Repeat("a", MaxURLLen) }), EUNPROCESSABLE, "url"},
		{"session: too many reminders", session(func(s *Session) { s.Reminders = make([]time.Duration, MaxSessionReminders+1) }), EUNPROCESSABLE, "reminders"},
		{"session: reminder a year before", session(func(s *Session) { s.Reminders = []time.Duration{365 * 24 * time.Hour} }), EUNPROCESSABLE, "reminders"},
		{"session: audience on fax", session(func(s *Session) { s.Audience.Channels = []string{"fax"} }), EUNPROCESSABLE, "audience.channels"},
		{"session: audience area unknown", session(func(s *Session) { s.Audience.Areas = []string{"mars"} }), EUNPROCESSABLE, "audience.areas"},
		{"session: audience skill unknown", session(func(s *Session) { s.Audience.Skills = []string{"drone"} }), EUNPROCESSABLE, "audience.skills"},
		{"session: audience ID malformed", session(func(s *Session) { s.Audience.ProfileIDs = []string{"U1"} }), EUNPROCESSABLE, "audience.profile_ids"},
		{"profile: malformed ID", profile(func(p *Profile) { p.ID = "U1" }), EINVALID, "id"},
		{"profile: blank name", profile(func(p *Profile) { p.Name = "\u200b" }), EUNPROCESSABLE, "name"},
		{"profile: unknown area", profile(func(p *Profile) { p.Area = "mars" }), EUNPROCESSABLE, "area"},
		{"profile: no skill", profile(func(p *Profile) { p.Skills = nil }), EUNPROCESSABLE, "skills"},
		{"profile: too many skills", profile(func(p *Profile) { p.Skills = make([]string, MaxSkills+1) }), EUNPROCESSABLE, "skills"},
		{"profile: unknown skill", profile(func(p *Profile) { p.Skills = []string{"drone"} }), EUNPROCESSABLE, "skills"},
		{"profile: no time", profile(func(p *Profile) { p.Availability = avail.Week{} }), EUNPROCESSABLE, "availability"},
		{"profile: weekly limit 0", profile(func(p *Profile) { p.WeeklyLimit = 0 }), EUNPROCESSABLE, "weekly_limit"},
		{"profile: weekly limit over the maximum", profile(func(p *Profile) { p.WeeklyLimit = MaxWeeklyLimit + 1 }), EUNPROCESSABLE, "weekly_limit"},
		{"import: not an ID LINE issues", func() error { return ValidatePlatformID("line:U1") }, EINVALID, "id"},
		{"import: not an ID Slack issues", func() error { return ValidatePlatformID("slack:t1:u1") }, EINVALID, "id"},
		{"broadcast: no text", func() error {
			_, err := (&BroadcastService{Catalog: cat, Now: func() time.Time { return now }}).CreateBroadcast(context.Background(), &Broadcast{Text: " "})
			return err
		}, EUNPROCESSABLE, "text"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.check()
			if err == nil {
				t.Fatal("accepted")
			}
			if got := ErrorCode(err); got != tc.code {
				t.Errorf("code %s, want %s (%v)", got, tc.code, err)
			}
			if got := ErrorField(err); got != tc.field {
				t.Errorf("field %q, want %q (%v)", got, tc.field, err)
			}
			if said := ErrorJA(err); said == ja.Fields.Invalid || said == ja.Fields.Other || !hasJapanese(said) {
				t.Errorf("said %q: want the field's own Japanese", said)
			}
		})
	}
}

func hasJapanese(s string) bool {
	for _, r := range s {
		if r >= 0x3040 && r <= 0x30ff || r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// TestErrorJA: a problem's own sentence wins over its field's, a field's
// over its code's, and an error without a code is never described.
func TestErrorJA(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"a problem with its own sentence", FieldErrorf(EUNPROCESSABLE, "skills", "at most 15 skills").sayJA(ja.SkillsTooMany), ja.SkillsTooMany},
		{"a field's sentence", FieldErrorf(EUNPROCESSABLE, "headcount", "headcount must be between 1 and 100"), ja.Fields.ByField["headcount"]},
		{"wrapped", fmt.Errorf("create task: %w", FieldErrorf(EUNPROCESSABLE, "weekly_limit", "x")), ja.LimitInvalid},
		{"a field with no sentence, by code", FieldErrorf(EUNPROCESSABLE, "nickname", "x"), ja.Fields.Invalid},
		{"not found", Errorf(ENOTFOUND, "no task T1"), ja.Fields.NotFound},
		{"conflict", Errorf(ECONFLICT, "task T1 is filled"), ja.Fields.Conflict},
		{"a platform down", Errorf(EUNAVAILABLE, "LINE answered 503"), ja.Fields.Unavailable},
		{"internal", errors.New("redis: connection refused"), ja.Fields.Other},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ErrorJA(tc.err); got != tc.want {
				t.Errorf("ErrorJA = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestFormValidateListsEveryField: a form checked whole gives one error
// per field that is wrong, each with its field and its own Japanese.
func TestFormValidateListsEveryField(t *testing.T) {
	cat := testCatalog(t)
	f := &ProfileForm{Name: "", Area: "mars", Skills: make([]string, MaxSkills+1), WeeklyLimit: 0}
	err := f.Validate(cat)
	if ErrorCode(err) != EUNPROCESSABLE {
		t.Fatalf("code %s (%v)", ErrorCode(err), err)
	}
	got := map[string]string{}
	for _, e := range FieldErrors(fmt.Errorf("submit form: %w", err)) {
		if _, dup := got[e.Field]; dup {
			t.Errorf("two errors on %s", e.Field)
		}
		got[e.Field] = ErrorJA(e)
	}
	want := map[string]string{
		FormName: ja.NameInvalid, FormArea: ja.Form.AreaMissing, FormSkills: ja.SkillsTooMany,
		FormAvailability: ja.Form.AvailabilityMissing, FormLimit: ja.LimitInvalid, FormConsent: ja.Form.ConsentMissing,
	}
	if len(got) != len(want) {
		t.Errorf("fields %v, want %v", got, want)
	}
	for field, w := range want {
		if got[field] != w {
			t.Errorf("%s: %q, want %q", field, got[field], w)
		}
	}
	if FieldErrors(goodForm().Validate(cat)) != nil {
		t.Error("a complete form has errors")
	}
}
