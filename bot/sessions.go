package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// inviteChunk is how many invitations one store call queues.
const inviteChunk = 500

// ProfileLister walks every stored person and finds one (the Redis store).
type ProfileLister interface {
	Each(ctx context.Context, fn func(p *Profile, c Conversation)) error
	FindProfile(ctx context.Context, id string) (*Profile, error)
}

// CreateSession validates and stores a session, then invites its audience,
// or, in quiet hours, leaves the invitations pending for the first
// invitation sweep after them.
func (b *Bot) CreateSession(ctx context.Context, s *Session) (*SessionView, error) {
	now := b.Now()
	if s.Reminders == nil {
		s.Reminders = DefaultSessionReminders
	}
	if err := s.Validate(b.Catalog, now); err != nil {
		return nil, fmt.Errorf("create session: %w", err)
	}
	s.ID, s.CreatedAt = b.NewID(), now
	if err := b.Sessions.CreateSession(ctx, s); err != nil {
		return nil, fmt.Errorf("create session: %w", err)
	}
	b.Logger.InfoContext(ctx, "session created", "session", s.ID)
	if b.inQuietHours(now) {
		b.Logger.InfoContext(ctx, "invitations wait for the end of the quiet hours", "session", s.ID)
		return b.Sessions.FindSession(ctx, s.ID)
	}
	if err := b.invite(ctx, s.ID); err != nil {
		// The invitation sweep finishes what is left.
		b.Logger.WarnContext(ctx, "inviting failed", "session", s.ID, "err", err)
	}
	return b.Sessions.FindSession(ctx, s.ID)
}

// FindSession returns a session with its attendees.
func (b *Bot) FindSession(ctx context.Context, id string) (*SessionView, error) {
	if err := checkID("session", id); err != nil {
		return nil, err
	}
	return b.Sessions.FindSession(ctx, id)
}

// AddAttendee records a yes given to a coordinator; changed is false when
// the person was already coming.
func (b *Bot) AddAttendee(ctx context.Context, sessionID, profileID string) (*SessionView, bool, error) {
	if err := checkID("session", sessionID); err != nil {
		return nil, false, err
	}
	v, err := b.Sessions.GetSession(ctx, sessionID)
	if err != nil {
		return nil, false, err
	}
	if ValidateProfileID(profileID) != nil {
		return nil, false, FieldErrorf(EUNPROCESSABLE, "profile_id", "profile_id: %q is not a profile ID", profileID)
	}
	if _, err := b.People.FindProfile(ctx, profileID); err != nil {
		return nil, false, err
	}
	now := b.Now()
	changed, err := b.Sessions.RSVP(ctx, RSVP{SessionID: sessionID, ProfileID: profileID, Answer: RSVPYes, At: now,
		Reminders: b.sessionReminders(sessionRef(v), v.Reminders, profileID, now)})
	if err != nil {
		return nil, false, err
	}
	view, err := b.Sessions.FindSession(ctx, sessionID)
	return view, changed, err
}

// RunInvites sends the invitations still pending: those of sessions created
// in quiet hours and those a crash left half-way. In quiet hours it sends
// nothing: an invitation is a push like an offer, and the session stays
// pending, so the first sweep after the quiet hours sends it, once.
func (b *Bot) RunInvites(ctx context.Context) (int, error) {
	if b.inQuietHours(b.Now()) {
		return 0, nil
	}
	ids, err := b.Sessions.PendingInvites(ctx, sweepBatch)
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	for _, id := range ids {
		if err := b.invite(ctx, id); err != nil {
			errs = append(errs, err)
		}
	}
	return len(ids), errors.Join(errs...)
}

// inQuietHours reports whether pushes wait at t (never when no quiet hours
// are set).
func (b *Bot) inQuietHours(t time.Time) bool {
	return b.Quiet != nil && b.Quiet.Contains(t.In(b.loc()))
}

func sessionRef(s *Session) SessionRef {
	return SessionRef{SessionID: s.ID, Title: s.Title, URL: s.URL, Start: s.Start, End: s.End}
}

// invite queues an invitation to everyone in the audience not invited yet.
// A session that has started by then (it began during the quiet hours that
// held its invitations) is invited no more.
func (b *Bot) invite(ctx context.Context, id string) error {
	v, err := b.Sessions.GetSession(ctx, id)
	if err != nil {
		return fmt.Errorf("invite %s: %w", id, err)
	}
	now := b.Now()
	if !now.Before(v.Start) {
		b.Logger.InfoContext(ctx, "invitations dropped: the session has started", "session", id)
		return b.Sessions.InvitesDone(ctx, id)
	}
	ref := sessionRef(v)
	var batch []WaveOffer
	total := 0
	flush := func() error {
		n, err := b.Sessions.Invite(ctx, id, batch)
		total += n
		batch = batch[:0]
		return err
	}
	var ferr error
	err = b.People.Each(ctx, func(p *Profile, _ Conversation) {
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
		b.Logger.InfoContext(ctx, "invitations queued", "session", id, "invited", total)
		b.notify()
	}
	return b.Sessions.InvitesDone(ctx, id)
}

// sessionReminders are the entries that remind an attendee at each offset
// before the start, those still ahead at now. Like task reminders they are
// rebuilt byte for byte to be removed.
func (b *Bot) sessionReminders(ref SessionRef, offsets []time.Duration, pid string, now time.Time) []Due {
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
func (b *Bot) rsvp(ctx context.Context, in Inbound, res Result, now time.Time) (Result, error) {
	req := res.RSVP
	ref, i := findSession(res.Conv.Sessions, req.SessionID)
	if i < 0 {
		res.RSVP = nil
		return res, nil
	}
	v, err := b.Sessions.GetSession(ctx, req.SessionID)
	if ErrorCode(err) == ENOTFOUND {
		res.RSVP = nil
		res.Messages = append(res.Messages, Message{Text: jaSession.NotFound})
		return res, nil
	}
	if err != nil {
		return res, err
	}
	r := RSVP{SessionID: req.SessionID, ProfileID: in.ProfileID, Answer: req.Answer, EventID: in.ID, At: now,
		Reminders: b.sessionReminders(ref, v.Reminders, in.ProfileID, now)}
	if req.Answer == RSVPNo {
		r.Reminders = b.sessionReminders(ref, v.Reminders, in.ProfileID, time.Time{})
	}
	if _, err := b.Sessions.RSVP(ctx, r); err != nil {
		return res, err
	}
	b.Logger.InfoContext(ctx, "rsvp", "session", req.SessionID, "profile", in.ProfileID, "answer", req.Answer)
	return RSVPAnswered(now, res, v.Reminders), nil
}

// cannotJoin is the coordinators' notice for someone who cannot get into a
// session.
func (b *Bot) cannotJoin(name string, ref SessionRef, now time.Time) Outgoing {
	if name == "" {
		name = jaSession.SomeoneCannotJoin
	}
	return coordinatorNotice(b.NewID(), fmt.Sprintf(jaSession.NoticeCannotJoin, name, ref.Title,
		FormatSpanJA(ref.Start, ref.End, b.loc())), now)
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
