package bot

import (
	"errors"
	"fmt"
	"time"
)

// TaskStatus is where a task stands.
type TaskStatus string

// Task statuses: a task is open until its headcount accepts (filled), the
// coordinator closes or cancels it.
const (
	TaskOpen      TaskStatus = "open"
	TaskFilled    TaskStatus = "filled"
	TaskClosed    TaskStatus = "closed"
	TaskCancelled TaskStatus = "cancelled"
)

// OfferState is one person's relation to one task.
type OfferState string

// Offer states.
const (
	OfferOffered    OfferState = "offered"
	OfferAccepted   OfferState = "accepted"
	OfferDeclined   OfferState = "declined"
	OfferExpired    OfferState = "expired"
	OfferWaitlisted OfferState = "waitlisted"
	OfferCancelled  OfferState = "cancelled"
)

// Limits on what a coordinator can post. Text limits are in UTF-16 units,
// as LINE counts them (see TextLen): the text goes into LINE cards, whose
// whole JSON must stay under LINE's 30 KB per bubble.
const (
	MaxTitleRunes       = 60
	MaxDescriptionRunes = 2000
	// MaxOrganizationLen and MaxRewardLen match the Slack task form.
	MaxOrganizationLen = 100
	MaxRewardLen       = 100
	MaxHeadcount       = 100
	DefaultOfferTTL    = 24 * time.Hour
	MinOfferTTL        = 5 * time.Minute
)

// Task is a small piece of work cut out of a local business or
// organization (仕事の切り出し).
type Task struct {
	ID           string   `json:"id"`
	Title        string   `json:"title"`
	Description  string   `json:"description,omitempty"`
	Organization string   `json:"organization,omitempty"`
	Skills       []string `json:"skills"`
	// RequireAll asks for people with every skill; by default any one will do.
	RequireAll bool          `json:"require_all,omitempty"`
	Area       string        `json:"area,omitempty"`
	Remote     bool          `json:"remote,omitempty"`
	Start      time.Time     `json:"start"`
	End        time.Time     `json:"end"`
	Headcount  int           `json:"headcount"`
	Reward     string        `json:"reward,omitempty"`
	OfferTTL   time.Duration `json:"-"`
	Status     TaskStatus    `json:"status"`
	CreatedAt  time.Time     `json:"created_at"`
	// SeriesID names the weekly series the task is one date of; its ID is
	// then SeriesID + SeriesSep + the date's number, from 1.
	SeriesID string `json:"series_id,omitempty"`
}

// SeriesSep joins a series ID and the number of one of its dates in the
// date's task ID.
const SeriesSep = "_"

// MaxSeriesDates bounds the dates of a weekly series (half a year).
const MaxSeriesDates = 26

// Validate checks a new task against the catalog at time now; each error
// names the field, for a 422 the coordinator can act on.
func (t *Task) Validate(cat *Catalog, now time.Time) error {
	// Every field is checked, not only up to the first wrong one: a
	// coordinator corrects a form once, not once per mistake.
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(validateText(t.Title, t.Description))
	add(checkText("organization", t.Organization, MaxOrganizationLen, false))
	add(checkText("reward", t.Reward, MaxRewardLen, false))
	for _, s := range t.Skills {
		if _, ok := cat.Skill(s); !ok {
			add(FieldErrorf(EUNPROCESSABLE, "skills", "skills: %q is not in the catalog", s).sayJA(ja.Form.SkillUnknown))
			break
		}
	}
	switch {
	case t.Remote && t.Area != "" && t.Area != AreaRemote:
		if _, ok := cat.Area(t.Area); !ok {
			add(FieldErrorf(EUNPROCESSABLE, "area", "area: %q is not in the catalog", t.Area))
		}
	case !t.Remote && t.Area == "":
		add(FieldErrorf(EUNPROCESSABLE, "area", "area is required unless remote is true"))
	case !t.Remote:
		if _, ok := cat.Area(t.Area); !ok {
			add(FieldErrorf(EUNPROCESSABLE, "area", "area: %q is not in the catalog", t.Area))
		}
	}
	add(validateSpan(t.Start, t.End, now))
	if t.Headcount < 1 || t.Headcount > MaxHeadcount {
		add(FieldErrorf(EUNPROCESSABLE, "headcount", "headcount must be between 1 and %d", MaxHeadcount))
	}
	if t.OfferTTL != 0 && t.OfferTTL < MinOfferTTL {
		add(FieldErrorf(EUNPROCESSABLE, "offer_ttl", "offer_ttl must be at least %s", MinOfferTTL))
	}
	return errors.Join(errs...)
}

// validateText checks the title and description of what coordinators
// post: a title is one visible line, a description may have several.
func validateText(title, description string) error {
	if err := requireText("title", title, MaxTitleRunes, false); err != nil {
		return err
	}
	return checkText("description", description, MaxDescriptionRunes, true)
}

// validateSpan checks that a task or session has a start and an end, in
// that order, and has not begun at now.
func validateSpan(start, end, now time.Time) error {
	switch {
	case start.IsZero():
		return FieldErrorf(EUNPROCESSABLE, "start", "start and end are required (RFC 3339)")
	case end.IsZero():
		return FieldErrorf(EUNPROCESSABLE, "end", "start and end are required (RFC 3339)")
	case !end.After(start):
		return FieldErrorf(EUNPROCESSABLE, "end", "end must be after start")
	case !start.After(now):
		return FieldErrorf(EUNPROCESSABLE, "start", "start is in the past").sayJA(ja.Fields.StartPast)
	case start.After(now.AddDate(MaxYearsAhead, 0, 0)):
		// 9999-12-21 is a typo, and its offers would go out today.
		return FieldErrorf(EUNPROCESSABLE, "start", "start must be within %d years", MaxYearsAhead).sayJA(ja.Fields.StartTooFar)
	}
	return nil
}

// MaxYearsAhead is how far ahead a task or session may be posted.
const MaxYearsAhead = 2

var weekdaysJA = [...]string{"日", "月", "火", "水", "木", "金", "土"}

// FormatSpanJA writes a time span the way a Japanese notice does:
// 「12月1日(月) 8:00〜10:00」, with the end date repeated only when the span
// crosses midnight.
func FormatSpanJA(start, end time.Time, loc *time.Location) string {
	s, e := start.In(loc), end.In(loc)
	out := fmt.Sprintf("%d月%d日(%s) %d:%02d〜", s.Month(), s.Day(), weekdaysJA[s.Weekday()], s.Hour(), s.Minute())
	if !sameDay(s, e) {
		out += fmt.Sprintf("%d月%d日(%s) ", e.Month(), e.Day(), weekdaysJA[e.Weekday()])
	}
	return out + fmt.Sprintf("%d:%02d", e.Hour(), e.Minute())
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}
