package bot

import (
	"context"
	"net/url"
	"time"
)

// Session is an online or on-site meeting coordinators schedule: a club
// evening, a seminar, a briefing. Its audience is invited; those who answer
// 「参加する」 are reminded at each offset before the start.
type Session struct {
	ID          string          `json:"id"`
	Title       string          `json:"title"`
	Description string          `json:"description,omitempty"`
	Start       time.Time       `json:"start"`
	End         time.Time       `json:"end"`
	URL         string          `json:"url,omitempty"`
	Audience    Audience        `json:"audience"`
	Reminders   []time.Duration `json:"-"`
	CreatedAt   time.Time       `json:"created_at"`
	// CancelledAt is when a coordinator called the session off; the
	// attendees were told then. A cancelled session is kept (who had said
	// yes, who was told) but takes no answers and counts in no report.
	CancelledAt *time.Time `json:"cancelled_at,omitempty"`
}

// DefaultSessionReminders are the offsets used when a session names none.
var DefaultSessionReminders = []time.Duration{24 * time.Hour, time.Hour}

// MaxSessionReminders bounds the offsets of one session.
const MaxSessionReminders = 5

// MaxURLLen bounds a session's URL: LINE's limit for the link of a button,
// far beyond any meeting link (a Zoom link is under 100).
const MaxURLLen = 1000

// Audience selects the people an invitation or a broadcast goes to; empty
// fields match every active profile.
type Audience struct {
	Channels   []string `json:"channels"`
	Areas      []string `json:"areas"`
	Skills     []string `json:"skills"`
	ProfileIDs []string `json:"profile_ids"`
}

// Match reports whether an active profile belongs to the audience. People
// who are not active (onboarding, paused, blocked) are never in it.
func (a Audience) Match(p *Profile) bool {
	if p.Status != StatusActive {
		return false
	}
	if len(a.Channels) > 0 && !contains(a.Channels, Platform(p.ID)) {
		return false
	}
	if len(a.Areas) > 0 && !contains(a.Areas, p.Area) {
		return false
	}
	if len(a.ProfileIDs) > 0 && !contains(a.ProfileIDs, p.ID) {
		return false
	}
	if len(a.Skills) > 0 {
		for _, s := range p.Skills {
			if contains(a.Skills, s) {
				return true
			}
		}
		return false
	}
	return true
}

// Validate checks an audience against the catalog; errors name the field.
func (a Audience) Validate(cat *Catalog) error {
	for _, c := range a.Channels {
		if c != PlatformLINE && c != PlatformSlack {
			return FieldErrorf(EUNPROCESSABLE, "audience.channels", "audience.channels: %q is not line or slack", c)
		}
	}
	for _, s := range a.Skills {
		if _, ok := cat.Skill(s); !ok {
			return FieldErrorf(EUNPROCESSABLE, "audience.skills", "audience.skills: %q is not in the catalog", s)
		}
	}
	for _, ar := range a.Areas {
		if _, ok := cat.Area(ar); !ok {
			return FieldErrorf(EUNPROCESSABLE, "audience.areas", "audience.areas: %q is not in the catalog", ar)
		}
	}
	for _, id := range a.ProfileIDs {
		if ValidateProfileID(id) != nil {
			return FieldErrorf(EUNPROCESSABLE, "audience.profile_ids", "audience.profile_ids: %q is not a profile ID", id)
		}
	}
	return nil
}

// Validate checks a new session at time now; each error names the field.
func (s *Session) Validate(cat *Catalog, now time.Time) error {
	if err := validateText(s.Title, s.Description); err != nil {
		return err
	}
	if err := validateSpan(s.Start, s.End, now); err != nil {
		return err
	}
	if s.URL != "" {
		if len(s.URL) > MaxURLLen {
			return FieldErrorf(EUNPROCESSABLE, "url", "url is longer than %d characters", MaxURLLen)
		}
		u, err := url.Parse(s.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return FieldErrorf(EUNPROCESSABLE, "url", "url must be an http or https URL")
		}
	}
	if len(s.Reminders) > MaxSessionReminders {
		return FieldErrorf(EUNPROCESSABLE, "reminders", "reminders: at most %d", MaxSessionReminders)
	}
	for _, r := range s.Reminders {
		if r < time.Second || r > 30*24*time.Hour {
			return FieldErrorf(EUNPROCESSABLE, "reminders", "reminders: %s is not between 1s and 720h before the start", r)
		}
	}
	return s.Audience.Validate(cat)
}

// SessionRef is what a person's conversation keeps of a session they were
// invited to, to read 「参加します」 and to help when they cannot get in.
type SessionRef struct {
	SessionID string `json:"session"`
	Title     string `json:"title"`
	// Summary is the start of the description, for the invitation card.
	Summary string    `json:"summary,omitempty"`
	URL     string    `json:"url,omitempty"`
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	// RSVP is "", "yes" or "no".
	RSVP string `json:"rsvp,omitempty"`
	// Cancelled is set when the person learnt that the session was called
	// off: it takes no answer and reminds no more.
	Cancelled bool `json:"cancelled,omitempty"`
}

// RSVP answers.
const (
	RSVPYes = "yes"
	RSVPNo  = "no"
	// RSVPForget removes the person from the session altogether (their
	// data is being deleted).
	RSVPForget = "forget"
)

// SessionView is a session with who is coming.
type SessionView struct {
	Session
	Attendees []string `json:"attendees"`
	Declined  []string `json:"declined"`
	Invited   int      `json:"invited"`
}

// RSVP is one person's answer to an invitation, applied atomically.
type RSVP struct {
	SessionID string
	ProfileID string
	Answer    string // RSVPYes, RSVPNo or RSVPForget
	EventID   string
	At        time.Time
	// Reminders are queued on a yes and removed on a no.
	Reminders []Due
	// Anon, with RSVPForget for a session that has ended, is the token an
	// attendee's yes is kept under for the figures.
	Anon string
}

// SessionStore keeps sessions, invitations and RSVPs.
type SessionStore interface {
	CreateSession(ctx context.Context, s *Session) error
	FindSession(ctx context.Context, id string) (*SessionView, error)
	// GetSession returns the session alone (cheap: no attendee lists).
	GetSession(ctx context.Context, id string) (*Session, error)
	// Invite queues each entry to its person unless they were invited
	// already; it returns how many were new.
	Invite(ctx context.Context, sessionID string, invites []WaveOffer) (int, error)
	// InvitesDone marks the whole audience invited.
	InvitesDone(ctx context.Context, sessionID string) error
	// PendingInvites lists sessions whose audience is not all invited yet.
	PendingInvites(ctx context.Context, limit int) ([]string, error)
	// RSVP applies an answer; changed is false for a repeat. ENOTFOUND for
	// an unknown session, ECONFLICT for a yes or no to a cancelled one.
	RSVP(ctx context.Context, r RSVP) (changed bool, err error)
	// CancelSession marks the session cancelled at s.CancelledAt, unless it
	// was already, takes it off the pending invitations and, for each
	// attendee, removes the reminders reminders(person) returns and queues
	// notice(person). It returns how many were told; ECONFLICT when the
	// session was cancelled before, ENOTFOUND when there is none.
	CancelSession(ctx context.Context, s *Session, notice func(profileID string) Outgoing, reminders func(profileID string) []Due) (int, error)
	// Upcoming returns the sessions kept that start after now and were not
	// cancelled.
	Upcoming(ctx context.Context, now time.Time) ([]*Session, error)
}
