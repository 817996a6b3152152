package bot

import (
	"strings"
	"time"
	"unicode/utf8"

	"tsunagu/bot/avail"
)

// Status is where a person stands with the service.
type Status string

// Profile statuses. A deleted profile has no status: it is gone.
const (
	StatusOnboarding Status = "onboarding"
	StatusActive     Status = "active"
	StatusPaused     Status = "paused"
	StatusBlocked    Status = "blocked" // unfollowed or blocked the bot
)

// Platform prefixes of profile IDs.
const (
	PlatformLINE  = "line"
	PlatformSlack = "slack"
)

// Limits on what a person can tell us. MaxNameRunes is in UTF-16 units, as
// LINE counts (see TextLen).
const (
	MaxNameRunes   = 40
	MinWeeklyLimit = 1
	MaxWeeklyLimit = 20
	MaxSkills      = 15
)

// ClockSkew is how far ahead of the service's clock a time a client says
// has passed (a consent) may be: their clock may run fast.
const ClockSkew = 5 * time.Minute

// Profile is one person on one channel.
type Profile struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	Area         string     `json:"area"`
	Skills       []string   `json:"skills"`
	Availability avail.Week `json:"availability"`
	WeeklyLimit  int        `json:"weekly_limit"`
	ConsentedAt  *time.Time `json:"consented_at,omitempty"`
	Status       Status     `json:"status"`
	Counters     Counters   `json:"counters"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// Counters are the person's history with offers, used for fair ranking.
type Counters struct {
	Offers   int `json:"offers"`
	Accepts  int `json:"accepts"`
	Declines int `json:"declines"`
	NoShows  int `json:"no_shows"`
	// Cancellations are accepted places given up before the day; they
	// lower the ranking gently, never exclude.
	Cancellations int `json:"cancellations"`
	// Completed and Hours are the tasks done and their hours: the
	// person's own record (「実績」).
	Completed int     `json:"completed"`
	Hours     float64 `json:"hours"`
}

// Platform returns the platform prefix of a profile ID ("line", "slack"), or
// "" when the ID has none.
func Platform(id string) string {
	p, _, ok := strings.Cut(id, ":")
	if !ok {
		return ""
	}
	return p
}

// ValidateProfileID checks the SPEC's ID forms: line:<userId> and
// slack:<team>:<user>.
func ValidateProfileID(id string) error {
	if len(id) > 200 || !utf8.ValidString(id) {
		return FieldErrorf(EINVALID, "id", "profile id is too long or not UTF-8")
	}
	parts := strings.Split(id, ":")
	switch {
	case parts[0] == PlatformLINE && len(parts) == 2 && validToken(parts[1]):
		return nil
	case parts[0] == PlatformSlack && len(parts) == 3 && validToken(parts[1]) && validToken(parts[2]):
		return nil
	}
	return FieldErrorf(EINVALID, "id", "profile id %q must be line:<user id> or slack:<team id>:<user id>", id)
}

func validToken(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// ValidatePlatformID checks that id is what the platforms issue, stricter
// than ValidateProfileID: line:U and 32 lower-case hex digits (a LINE user
// ID), or slack:<team>:<user> with a team ID T… or E… and a user ID U… or
// W… in upper-case letters and digits. It guards the IDs a coordinator
// types (an import): a LINE ID LINE never issued makes the whole multicast
// batch of 500 it lands in fail. IDs that come with a platform's signed
// event need no such check.
func ValidatePlatformID(id string) error {
	if err := ValidateProfileID(id); err != nil {
		return err
	}
	parts := strings.Split(id, ":")
	switch parts[0] {
	case PlatformLINE:
		if !lineUserID(parts[1]) {
			return FieldErrorf(EINVALID, "id", "%q is not a LINE user ID: line:U and 32 lower-case hex digits, as LINE's webhook gives it", id)
		}
	case PlatformSlack:
		if !slackID(parts[1], "TE") || !slackID(parts[2], "UW") {
			return FieldErrorf(EINVALID, "id", "%q is not a Slack ID: slack:<team ID such as T0123ABCD>:<user ID such as U0123ABCD>", id)
		}
	}
	return nil
}

// lineUserID reports whether s is U and 32 lower-case hex digits.
func lineUserID(s string) bool {
	if len(s) != 33 || s[0] != 'U' {
		return false
	}
	for _, c := range s[1:] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// slackID reports whether s starts with one of the letters of prefixes and
// goes on with upper-case letters and digits, as Slack's IDs do.
func slackID(s, prefixes string) bool {
	if len(s) < 2 || len(s) > 32 || !strings.ContainsRune(prefixes, rune(s[0])) {
		return false
	}
	for _, c := range s[1:] {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// Validate checks a complete (active or paused) profile against the catalog.
func (p *Profile) Validate(cat *Catalog) error {
	if err := ValidateProfileID(p.ID); err != nil {
		return err
	}
	if err := ValidateName(p.Name); err != nil {
		return err
	}
	if _, ok := cat.Area(p.Area); !ok {
		return FieldErrorf(EUNPROCESSABLE, "area", "area %q is not in the catalog", p.Area)
	}
	if err := validateSkills(cat, p.Skills); err != nil {
		return err
	}
	if p.Availability.IsZero() {
		return FieldErrorf(EUNPROCESSABLE, "availability", "availability must name at least one time")
	}
	if p.WeeklyLimit < MinWeeklyLimit || p.WeeklyLimit > MaxWeeklyLimit {
		return FieldErrorf(EUNPROCESSABLE, "weekly_limit", "weekly_limit must be between %d and %d", MinWeeklyLimit, MaxWeeklyLimit)
	}
	return nil
}

// validateSkills checks a person's skills: one to MaxSkills, each in the
// catalog. Each problem has its own Japanese, as the chat says it.
func validateSkills(cat *Catalog, skills []string) error {
	if len(skills) == 0 {
		return FieldErrorf(EUNPROCESSABLE, "skills", "skills must name at least one skill").sayJA(ja.SkillsNeedOne)
	}
	if len(skills) > MaxSkills {
		return FieldErrorf(EUNPROCESSABLE, "skills", "at most %d skills", MaxSkills).sayJA(ja.SkillsTooMany)
	}
	for _, s := range skills {
		if _, ok := cat.Skill(s); !ok {
			return FieldErrorf(EUNPROCESSABLE, "skills", "skill %q is not in the catalog", s).sayJA(ja.Form.SkillUnknown)
		}
	}
	return nil
}

// ValidateName checks a display name typed by a person or imported: one
// visible line of at most MaxNameRunes (see checkText).
func ValidateName(name string) error {
	return requireText("name", name, MaxNameRunes, false)
}

// ProfileFilter selects profiles; empty fields match everything.
type ProfileFilter struct {
	Area   string
	Skill  string
	Status Status
}

// Match reports whether p passes the filter.
func (f ProfileFilter) Match(p *Profile) bool {
	if f.Area != "" && p.Area != f.Area {
		return false
	}
	if f.Status != "" && p.Status != f.Status {
		return false
	}
	if f.Skill != "" {
		for _, s := range p.Skills {
			if s == f.Skill {
				return true
			}
		}
		return false
	}
	return true
}
