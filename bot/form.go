package bot

import (
	"errors"
	"slices"
	"strings"

	"tsunagu/bot/avail"
)

// ProfileForm is a whole profile filled in at once, as the Slack join modal
// does, instead of question by question.
type ProfileForm struct {
	Name         string     `json:"name"`
	Area         string     `json:"area"`
	Skills       []string   `json:"skills"`
	Availability avail.Week `json:"availability"`
	WeeklyLimit  int        `json:"weekly_limit"`
	Consent      bool       `json:"consent"`
	// AvailNote says which of two availability answers was saved, for the
	// confirmation.
	AvailNote string `json:"avail_note,omitempty"`
	// Shown is what an edit form showed when it was opened (nil for a new
	// registration): a field left as shown keeps what is stored now, which
	// the chat may have changed while the form was open.
	Shown *ProfileForm `json:"shown,omitempty"`
}

// Form fields, the fields of the errors of ProfileForm.Validate.
const (
	FormName         = "name"
	FormArea         = "area"
	FormSkills       = "skills"
	FormAvailability = "availability"
	FormLimit        = "weekly_limit"
	FormConsent      = "consent"
)

// Validate returns what is wrong with the form: one *Error per field
// (at most), joined, so a form shows every problem at once (FieldErrors
// lists them, ErrorJA says each kindly); nil when it can be saved.
func (f *ProfileForm) Validate(cat *Catalog) error {
	var errs []error
	if err := ValidateName(strings.TrimSpace(f.Name)); err != nil {
		errs = append(errs, err)
	}
	if _, ok := cat.Area(f.Area); !ok {
		errs = append(errs, FieldErrorf(EUNPROCESSABLE, FormArea, "area %q is not in the catalog", f.Area))
	}
	if err := validateSkills(cat, f.Skills); err != nil {
		errs = append(errs, err)
	}
	if f.Availability.IsZero() {
		errs = append(errs, FieldErrorf(EUNPROCESSABLE, FormAvailability, "availability must name at least one time"))
	}
	if f.WeeklyLimit < MinWeeklyLimit || f.WeeklyLimit > MaxWeeklyLimit {
		errs = append(errs, FieldErrorf(EUNPROCESSABLE, FormLimit, "weekly_limit must be between %d and %d", MinWeeklyLimit, MaxWeeklyLimit))
	}
	if !f.Consent {
		errs = append(errs, FieldErrorf(EUNPROCESSABLE, FormConsent, "consent is required"))
	}
	return errors.Join(errs...)
}

// Band is a part of the day a form offers as a checkbox, in minutes after
// midnight. They are the conversation's 午前, 午後 and 夜.
type Band struct {
	ID, Label string
	From, To  int
}

// FormBands are the time bands of the join form.
var FormBands = []Band{
	{ID: "morning", Label: "午前（9時〜12時）", From: 9 * 60, To: 12 * 60},
	{ID: "afternoon", Label: "午後（13時〜17時）", From: 13 * 60, To: 17 * 60},
	{ID: "night", Label: "夜（18時〜21時）", From: 18 * 60, To: 21 * 60},
}

// FormDays are the weekday labels of the join form, Monday first.
var FormDays = [7]string{"月曜", "火曜", "水曜", "木曜", "金曜", "土曜", "日曜"}

const slotMinutes = 24 * 60 / avail.SlotsPerDay

// WeekOf is the week of the checked days (0 = Monday) and bands (Band.ID).
func WeekOf(days []int, bands []string) avail.Week {
	var w avail.Week
	for _, d := range days {
		for _, b := range FormBands {
			if contains(bands, b.ID) {
				w.Set(d, b.From/slotMinutes, b.To/slotMinutes)
			}
		}
	}
	return w
}

// BandsOf reads a week back as checked days and bands; exact is false when
// the week is more than the checkboxes can say (then the form shows it as
// text too).
func BandsOf(w avail.Week) (days []int, bands []string, exact bool) {
	for d := range 7 {
		if w[d] != 0 {
			days = append(days, d)
		}
	}
	for _, b := range FormBands {
		for _, d := range days {
			if w.Has(d, b.From/slotMinutes) {
				bands = append(bands, b.ID)
				break
			}
		}
	}
	return days, bands, WeekOf(days, bands) == w
}

// submitForm saves a filled-in form: a newcomer is registered at once, a
// registered person's profile is replaced. Offers, sessions and the status
// of someone who paused are kept.
func (t *turn) submitForm() {
	f := t.in.Form
	if f == nil || f.Validate(t.cat) != nil {
		// The adapter checks the form before it is sent; this is a form
		// the catalog changed under.
		t.text(ja.Form.Invalid)
		return
	}
	isNew := t.p == nil || t.p.Status == StatusOnboarding || t.p.Status == StatusBlocked
	if t.p == nil {
		t.p = &Profile{ID: t.in.ProfileID, CreatedAt: t.now}
	}
	// An edit saves what the person changed in the form: a field left as
	// it was shown keeps what is stored now (「上限を5件に」 said in the DM
	// while the form was open was undone by the form's save).
	keep := func(changed bool) bool { return !isNew && f.Shown != nil && !changed }
	if name := strings.TrimSpace(f.Name); !keep(name != strings.TrimSpace(f.Shown.nameOr())) {
		t.p.Name = name
	}
	if !keep(f.Area != f.Shown.areaOr()) {
		t.p.Area = f.Area
	}
	if !keep(!sameSet(f.Skills, f.Shown.skillsOr())) {
		t.p.Skills = append([]string(nil), f.Skills...)
	}
	if !keep(f.Availability != f.Shown.weekOr()) {
		t.p.Availability = f.Availability
	}
	if !keep(f.WeeklyLimit != f.Shown.limitOr()) {
		t.p.WeeklyLimit = f.WeeklyLimit
	}
	if t.p.ConsentedAt == nil {
		now := t.now
		t.p.ConsentedAt = &now
	}
	if t.p.Status != StatusPaused {
		t.p.Status = StatusActive
	}
	t.changed = true
	t.conv.endDetour()
	t.conv.Return, t.conv.Editing, t.conv.PrevSkills, t.conv.BeforeBlock = StepIdle, false, nil, ""
	if isNew {
		t.text(ja.Registered)
	} else {
		t.text(ja.Edited)
	}
	if f.AvailNote != "" {
		t.text(f.AvailNote)
	}
	t.say(t.profileCard())
}

// The fields of a form shown, nil-safe (a nil form showed nothing).
func (f *ProfileForm) nameOr() string {
	if f == nil {
		return ""
	}
	return f.Name
}

func (f *ProfileForm) areaOr() string {
	if f == nil {
		return ""
	}
	return f.Area
}

func (f *ProfileForm) skillsOr() []string {
	if f == nil {
		return nil
	}
	return f.Skills
}

func (f *ProfileForm) weekOr() avail.Week {
	if f == nil {
		return avail.Week{}
	}
	return f.Availability
}

func (f *ProfileForm) limitOr() int {
	if f == nil {
		return 0
	}
	return f.WeeklyLimit
}

// sameSet reports whether a and b hold the same strings, in any order.
func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
