package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
)

// inviteChunk is how many invitations one store call queues.
const inviteChunk = 500

// SessionService schedules sessions, invites their audience, records the
// RSVPs given in chat or by a coordinator and keeps each attendee's
// reminders.
type SessionService struct {
	Sessions SessionStore
	People   ProfileLister
	Catalog  *Catalog
	Logger   *slog.Logger
	// Now and NewID are injected so tests control time and IDs.
	Now   func() time.Time
	NewID func() string
	// Notify, if set, wakes the local outbox worker after queueing.
	Notify func()
	// Location is the service time zone (time.Local when nil); Quiet the
	// hours when invitations wait.
	Location *time.Location
	Quiet    QuietHours
}

func (ss *SessionService) loc() *time.Location { return zone(ss.Location) }

func (ss *SessionService) notify() {
	if ss.Notify != nil {
		ss.Notify()
	}
}

// ProfileLister walks every stored person and finds one (the Redis store).
type ProfileLister interface {
	Each(ctx context.Context, fn func(p *Profile, c Conversation)) error
	FindProfile(ctx context.Context, id string) (*Profile, error)
}

// CreateSession validates and stores a session, then invites its audience,
// or, in quiet hours, leaves the invitations pending for the first
// invitation sweep after them.
func (ss *SessionService) CreateSession(ctx context.Context, s *Session) (*SessionView, error) {
	now := ss.Now()
	if s.Reminders == nil {
		s.Reminders = DefaultSessionReminders
	}
	if err := s.Validate(ss.Catalog, now); err != nil {
		return nil, fmt.Errorf("create session: %w", err)
	}
	s.ID, s.CreatedAt = ss.NewID(), now
	if err := ss.Sessions.CreateSession(ctx, s); err != nil {
		return nil, fmt.Errorf("create session: %w", err)
	}
	ss.Logger.InfoContext(ctx, "session created", "session", s.ID)
	if ss.inQuietHours(now) {
		ss.Logger.InfoContext(ctx, "invitations wait for the end of the quiet hours", "session", s.ID)
		return ss.Sessions.FindSession(ctx, s.ID)
	}
	if err := ss.invite(ctx, s.ID); err != nil {
		// The invitation sweep finishes what is left.
		ss.Logger.WarnContext(ctx, "inviting failed", "session", s.ID, "err", err)
	}
	return ss.Sessions.FindSession(ctx, s.ID)
}

// Upcoming returns the sessions, wherever they were made, that start
// after since and were not cancelled.
func (ss *SessionService) Upcoming(ctx context.Context, since time.Time) ([]*Session, error) {
	return ss.Sessions.Upcoming(ctx, since)
}

// FindSession returns a session with its attendees.
func (ss *SessionService) FindSession(ctx context.Context, id string) (*SessionView, error) {
	if err := checkID("session", id); err != nil {
		return nil, err
	}
	return ss.Sessions.FindSession(ctx, id)
}

// AddAttendee records a yes given to a coordinator; changed is false when
// the person was already coming.
func (ss *SessionService) AddAttendee(ctx context.Context, sessionID, profileID string) (*SessionView, bool, error) {
	if err := checkID("session", sessionID); err != nil {
		return nil, false, err
	}
	v, err := ss.Sessions.GetSession(ctx, sessionID)
	if err != nil {
		return nil, false, err
	}
	if v.CancelledAt != nil {
		return nil, false, Errorf(ECONFLICT, "session %s was cancelled", sessionID).sayJA(ja.Session.AlreadyCancelled)
	}
	if ValidateProfileID(profileID) != nil {
		return nil, false, FieldErrorf(EUNPROCESSABLE, "profile_id", "profile_id: %q is not a profile ID", profileID)
	}
	if _, err := ss.People.FindProfile(ctx, profileID); err != nil {
		return nil, false, err
	}
	now := ss.Now()
	changed, err := ss.Sessions.RSVP(ctx, RSVP{SessionID: sessionID, ProfileID: profileID, Answer: RSVPYes, At: now,
		Reminders: ss.sessionReminders(sessionRef(v), v.Reminders, profileID, now)})
	if err != nil {
		return nil, false, err
	}
	view, err := ss.Sessions.FindSession(ctx, sessionID)
	return view, changed, err
}

// CancelSession calls a session off: it takes no more answers, its
// invitations still pending are not sent, and everyone who said they would
// come is told and reminded no more. People invited who never answered
// are not written to (a push each, on LINE's monthly allowance): an answer
// they give later is told the session was called off. A session that has
// ended cannot be cancelled: it was held, and the report counts it.
func (ss *SessionService) CancelSession(ctx context.Context, id string) (*SessionView, error) {
	if err := checkID("session", id); err != nil {
		return nil, err
	}
	v, err := ss.Sessions.GetSession(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("cancel session %s: %w", id, err)
	}
	now := ss.Now()
	switch {
	case v.CancelledAt != nil:
		return nil, fmt.Errorf("cancel session %s: %w", id,
			Errorf(ECONFLICT, "session %s was cancelled", id).sayJA(ja.Session.AlreadyCancelled))
	case !now.Before(v.End):
		return nil, fmt.Errorf("cancel session %s: %w", id,
			Errorf(EUNPROCESSABLE, "a session that has ended cannot be cancelled").sayJA(ja.Session.EndedNoCancel))
	}
	v.CancelledAt = &now
	ref := sessionRef(v)
	n, err := ss.Sessions.CancelSession(ctx, v, func(pid string) Outgoing {
		ev := sessionCancelledEventID(id, pid)
		r := ref
		return Outgoing{ID: ev, Kind: OutEvent, To: pid, CreatedAt: now,
			Event: &Inbound{ID: ev, Kind: EventSessionCancelled, ProfileID: pid, Session: &r, At: now}}
	}, func(pid string) []Due {
		return ss.sessionReminders(ref, v.Reminders, pid, time.Time{})
	})
	if err != nil {
		return nil, fmt.Errorf("cancel session %s: %w", id, err)
	}
	ss.Logger.InfoContext(ctx, "session cancelled", "session", id, "told", n)
	if n > 0 {
		ss.notify()
	}
	return ss.Sessions.FindSession(ctx, id)
}

// inviteNewcomer invites someone who just became active to the upcoming
// sessions whose audience they belong to, once each (Invite records who
// was invited).
func (ss *SessionService) inviteNewcomer(ctx context.Context, profileID string) error {
	p, err := ss.People.FindProfile(ctx, profileID)
	if ErrorCode(err) == ENOTFOUND {
		return nil
	}
	if err != nil {
		return fmt.Errorf("invite newcomer %s: %w", profileID, err)
	}
	now := ss.Now()
	sessions, err := ss.Sessions.Upcoming(ctx, now)
	if err != nil {
		return fmt.Errorf("invite newcomer %s: %w", profileID, err)
	}
	total := 0
	for _, s := range sessions {
		if s.CancelledAt != nil || !now.Before(s.Start) || !s.Audience.Match(p) {
			continue
		}
		ev := inviteEventID(s.ID, p.ID)
		r := sessionRef(s)
		n, err := ss.Sessions.Invite(ctx, s.ID, []WaveOffer{{ProfileID: p.ID, Out: Outgoing{ID: ev, Kind: OutEvent, To: p.ID, CreatedAt: now,
			Event: &Inbound{ID: ev, Kind: EventInvite, ProfileID: p.ID, Session: &r, At: now}}}})
		if err != nil {
			return fmt.Errorf("invite newcomer %s to %s: %w", profileID, s.ID, err)
		}
		total += n
	}
	if total > 0 {
		ss.Logger.InfoContext(ctx, "newcomer invited", "profile", profileID, "sessions", total)
		ss.notify()
	}
	return nil
}

// RunInvites sends the invitations still pending: those of sessions created
// in quiet hours and those a crash left half-way. In quiet hours it sends
// nothing: an invitation is a push like an offer, and the session stays
// pending, so the first sweep after the quiet hours sends it, once.
func (ss *SessionService) RunInvites(ctx context.Context) (int, error) {
	if ss.inQuietHours(ss.Now()) {
		return 0, nil
	}
	ids, err := ss.Sessions.PendingInvites(ctx, sweepBatch)
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	for _, id := range ids {
		if err := ss.invite(ctx, id); err != nil {
			errs = append(errs, err)
		}
	}
	return len(ids), errors.Join(errs...)
}

// inQuietHours reports whether pushes wait at t (never when no quiet hours
// are set).
func (ss *SessionService) inQuietHours(t time.Time) bool {
	return ss.Quiet != nil && ss.Quiet.Contains(t.In(ss.loc()))
}

func sessionRef(s *Session) SessionRef {
	return SessionRef{SessionID: s.ID, Title: s.Title, Summary: summary(s.Description), URL: s.URL, Start: s.Start, End: s.End}
}

// invite queues an invitation to everyone in the audience not invited yet.
// A session that has started by then (it began during the quiet hours that
// held its invitations) is invited no more.
func (ss *SessionService) invite(ctx context.Context, id string) error {
	v, err := ss.Sessions.GetSession(ctx, id)
	if err != nil {
		return fmt.Errorf("invite %s: %w", id, err)
	}
	now := ss.Now()
	if !now.Before(v.Start) || v.CancelledAt != nil {
		ss.Logger.InfoContext(ctx, "invitations dropped: the session has started or was cancelled", "session", id)
		return ss.Sessions.InvitesDone(ctx, id)
	}
	ref := sessionRef(v)
	var batch []WaveOffer
	total := 0
	flush := func() error {
		n, err := ss.Sessions.Invite(ctx, id, batch)
		total += n
		batch = batch[:0]
		return err
	}
	var ferr error
	err = ss.People.Each(ctx, func(p *Profile, _ Conversation) {
		if ferr != nil || !v.Audience.Match(p) {
			return
		}
		ev := inviteEventID(id, p.ID)
		r := ref
		batch = append(batch, WaveOffer{ProfileID: p.ID, Out: Outgoing{ID: ev, Kind: OutEvent, To: p.ID, CreatedAt: now,
			Event: &Inbound{ID: ev, Kind: EventInvite, ProfileID: p.ID, Session: &r, At: now}}})
		if len(batch) == inviteChunk {
			ferr = flush()
		}
	})
	if err == nil {
		err = ferr
	}
	if err == nil {
		err = flush()
	}
	if err != nil {
		return fmt.Errorf("invite %s: %w", id, err)
	}
	if total > 0 {
		ss.Logger.InfoContext(ctx, "invitations queued", "session", id, "invited", total)
		ss.notify()
	}
	return ss.Sessions.InvitesDone(ctx, id)
}

// sessionReminders are the entries that remind an attendee at each offset
// before the start, those still ahead at now. Like task reminders they are
// rebuilt byte for byte to be removed.
func (ss *SessionService) sessionReminders(ref SessionRef, offsets []time.Duration, pid string, now time.Time) []Due {
	var out []Due
	for _, off := range offsets {
		at := ref.Start.Add(-off)
		if !at.After(now) {
			continue
		}
		id := sessionReminderID(ref.SessionID, off, pid)
		r := ref
		r.RSVP = ""
		out = append(out, Due{At: at, Out: Outgoing{ID: id, Kind: OutEvent, To: pid,
			Event: &Inbound{ID: id, Kind: EventSessionReminder, ProfileID: pid, Session: &r, Text: off.String()}}})
	}
	return out
}

// rsvp applies a person's RSVP and words the reply.
func (ss *SessionService) rsvp(ctx context.Context, in Inbound, res Result, now time.Time) (Result, error) {
	req := res.RSVP
	ref, i := findSession(res.Conv.Sessions, req.SessionID)
	if i < 0 {
		res.RSVP = nil
		return res, nil
	}
	v, err := ss.Sessions.GetSession(ctx, req.SessionID)
	if ErrorCode(err) == ENOTFOUND {
		res.RSVP = nil
		res.Messages = append(res.Messages, Message{Text: ja.Session.NotFound})
		return res, nil
	}
	if err != nil {
		return res, err
	}
	if v.CancelledAt != nil {
		return SessionCalledOff(now, res, ref), nil
	}
	r := RSVP{SessionID: req.SessionID, ProfileID: in.ProfileID, Answer: req.Answer, EventID: in.ID, At: now,
		Reminders: ss.sessionReminders(ref, v.Reminders, in.ProfileID, now)}
	if req.Answer == RSVPNo {
		r.Reminders = ss.sessionReminders(ref, v.Reminders, in.ProfileID, time.Time{})
	}
	if _, err := ss.Sessions.RSVP(ctx, r); ErrorCode(err) == ECONFLICT {
		// Called off between the read and the answer.
		return SessionCalledOff(now, res, ref), nil
	} else if err != nil {
		return res, err
	}
	ss.Logger.InfoContext(ctx, "rsvp", "session", req.SessionID, "profile", in.ProfileID, "answer", req.Answer)
	return RSVPAnswered(now, res, v.Reminders), nil
}

// forget takes a person who is deleting their data out of sessions: their
// RSVP, their reminders and their place in the audience; a session that
// has ended keeps their attendance under anon. It returns the IDs of the
// events the service made about them for these sessions (invitations,
// reminders, cancellations), whose dedupe records go too.
func (ss *SessionService) forget(ctx context.Context, ids []string, pid, anon string, now time.Time) ([]string, error) {
	var errs []error
	var events []string
	for _, id := range ids {
		events = append(events, inviteEventID(id, pid), sessionCancelledEventID(id, pid))
		offsets := DefaultSessionReminders
		v, err := ss.Sessions.GetSession(ctx, id)
		if err == nil {
			offsets = append(slices.Clone(offsets), v.Reminders...)
		}
		for _, off := range offsets {
			events = append(events, sessionReminderID(id, off, pid))
		}
		if ErrorCode(err) == ENOTFOUND {
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		r := RSVP{SessionID: id, ProfileID: pid, Answer: RSVPForget, At: now,
			Reminders: ss.sessionReminders(sessionRef(v), v.Reminders, pid, time.Time{})}
		if !now.Before(v.End) {
			// Attended: the figures keep the attendance, not the person.
			r.Anon = anon
		}
		_, err = ss.Sessions.RSVP(ctx, r)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return events, errors.Join(errs...)
}

func findSession(refs []SessionRef, id string) (SessionRef, int) {
	for i, r := range refs {
		if r.SessionID == id {
			return r, i
		}
	}
	return SessionRef{}, -1
}

// offsetJA says how long before the start a reminder goes: 「24時間前」.
func offsetJA(s string) string {
	d, err := time.ParseDuration(s)
	if err != nil {
		return ""
	}
	switch {
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%d日前", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%d時間前", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%d分前", d/time.Minute)
	}
	return strings.TrimSpace(s)
}
