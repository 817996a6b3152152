package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"
)

// maxCommitAttempts bounds the retries when another replica commits for the
// same person between our load and our commit. Each retry first waits a
// random time (see waitToRetry): replicas that collided then take turns
// instead of colliding again, and the attempts cover about a second of
// contention, well inside a webhook's time.
const (
	maxCommitAttempts = 16
	commitBackoffCap  = 100 * time.Millisecond
)

// Bot handles inbound events: it loads the person's state, runs the
// conversation and commits the new state together with the replies, so a
// crash after Handle returns loses nothing and a redelivered event does
// nothing.
type Bot struct {
	Store   ConversationStore
	Catalog *Catalog
	Logger  *slog.Logger
	// Now and NewID are injected so tests control time and IDs.
	Now   func() time.Time
	NewID func() string
	// Notify, if set, wakes the local outbox worker after a commit.
	Notify func()
	// Committed, if set, is told each person's state as committed (nil
	// profile: deleted), so this replica's match index has it at once
	// rather than when the change feed delivers it.
	Committed func(profileID string, p *Profile, c Conversation)
	// Location is the service time zone (time.Local when nil).
	Location *time.Location

	// Tasks applies answers to offers and Sessions RSVPs: the commit of an
	// answer needs the task's or session's own record changed first. A
	// Bot without them only converses (and refuses answers).
	Tasks    *TaskService
	Sessions *SessionService
	// Broadcasts and Traces find and remove what names a person who
	// deletes their data.
	Broadcasts RecipientForgetter
	Traces     TraceStore
}

// RecipientForgetter takes a person off a broadcast's recipients.
type RecipientForgetter interface {
	ForgetRecipient(ctx context.Context, broadcastID, profileID string) error
}

func (b *Bot) loc() *time.Location { return zone(b.Location) }

// Enqueuer queues an outbox entry outside a person's commit.
type Enqueuer interface {
	Enqueue(ctx context.Context, out Outgoing) error
}

// BecameActive is the entry that, through the outbox, invites someone who
// just became active (registered in chat, by a coordinator or an import,
// or back from a pause) to the upcoming sessions for people like them;
// nonce makes its ID new.
func BecameActive(profileID, nonce string, now time.Time) Outgoing {
	ev := "active:" + nonce
	return Outgoing{ID: ev, Kind: OutEvent, To: profileID, CreatedAt: now,
		Event: &Inbound{ID: ev, Kind: EventBecameActive, ProfileID: profileID, At: now}}
}

// Handle processes one inbound event exactly once.
func (b *Bot) Handle(ctx context.Context, in Inbound) error {
	if in.Kind == EventTaskShort || in.Kind == EventTaskUnconfirmed {
		if b.Tasks == nil {
			return fmt.Errorf("handle %s: %w", in.ID, Errorf(EINVALID, "no task service for a task event"))
		}
		return b.Tasks.taskEvent(ctx, in)
	}
	if err := ValidateProfileID(in.ProfileID); err != nil {
		return fmt.Errorf("handle %s: %w", in.ID, err)
	}
	if in.Kind == EventBecameActive {
		return b.becameActive(ctx, in.ProfileID)
	}
	for attempt := 0; attempt < maxCommitAttempts; attempt++ {
		if attempt > 0 {
			if err := waitToRetry(ctx, attempt); err != nil {
				return fmt.Errorf("handle %s: retry after a conflict on %s: %w", in.ID, in.ProfileID, err)
			}
		}
		// After a conflict the state is read from the store, never from
		// memory: memory was what the conflict proved behind.
		snap, err := b.load(ctx, in, attempt > 0)
		if err != nil {
			return err
		}
		if snap.Seen {
			b.Logger.DebugContext(ctx, "duplicate event", "event", in.ID, "profile", in.ProfileID)
			return nil
		}
		now := b.Now().In(b.loc())
		res := Converse(b.Catalog, now, snap.Profile, snap.Conv, in)
		if snap.Cached && (res.Answer != nil || res.RSVP != nil || res.Delete) {
			// Answering an offer, an RSVP and a deletion change a task, a
			// session or everything before the commit that would catch a
			// stale state: they start from the stored one.
			if snap, err = b.load(ctx, in, true); err != nil {
				return err
			}
			if snap.Seen {
				return nil
			}
			res = Converse(b.Catalog, now, snap.Profile, snap.Conv, in)
		}
		if res.Answer != nil {
			if b.Tasks == nil {
				return fmt.Errorf("handle %s: %w", in.ID, Errorf(EINVALID, "no task store for an answer"))
			}
			if res, err = b.Tasks.answer(ctx, in, snap, res, now); err != nil {
				return fmt.Errorf("handle %s: answer: %w", in.ID, err)
			}
		}
		if res.RSVP != nil {
			if b.Sessions == nil {
				return fmt.Errorf("handle %s: %w", in.ID, Errorf(EINVALID, "no session store for an RSVP"))
			}
			if res, err = b.Sessions.rsvp(ctx, in, res, now); err != nil {
				return fmt.Errorf("handle %s: rsvp: %w", in.ID, err)
			}
		}
		var retract []Outgoing
		if res.Delete {
			// Leave everything first: a crash in between leaves the person
			// to delete again, never a task naming someone deleted.
			if retract, err = b.forgetPerson(ctx, in, snap, now); err != nil {
				return fmt.Errorf("handle %s: forget %s: %w", in.ID, in.ProfileID, err)
			}
		}
		ch := b.change(in, snap, res, now)
		ch.Outgoing = append(ch.Outgoing, retract...)
		err = b.Store.Commit(ctx, ch)
		if ErrorCode(err) == ECONFLICT {
			continue
		}
		if err != nil {
			return fmt.Errorf("handle %s: commit %s: %w", in.ID, in.ProfileID, err)
		}
		b.Logger.InfoContext(ctx, "event handled", "event", in.ID, "kind", in.Kind,
			"profile", in.ProfileID, "step", res.Conv.Step, "replies", len(res.Messages), "deleted", res.Delete)
		if len(ch.Outgoing) > 0 && b.Notify != nil {
			b.Notify()
		}
		if b.Committed != nil {
			p := ch.Profile
			if ch.Delete {
				p = nil
			}
			b.Committed(in.ProfileID, p, ch.Conv)
		}
		return nil
	}
	return fmt.Errorf("handle %s: %w", in.ID, Errorf(ECONFLICT, "too many concurrent updates for one person"))
}

// becameActive welcomes someone who just became active (registered, or
// back from a pause): the upcoming sessions for people like them invite
// them, and the tasks still looking for people look again at once rather
// than at their next look, which for a task nobody fitted is up to an hour
// away. Both are safe to repeat, as the outbox may.
func (b *Bot) becameActive(ctx context.Context, profileID string) error {
	var errs []error
	if b.Sessions != nil {
		errs = append(errs, b.Sessions.inviteNewcomer(ctx, profileID))
	}
	if b.Tasks != nil {
		errs = append(errs, b.Tasks.lookAgain(ctx, profileID))
	}
	return errors.Join(errs...)
}

// load reads the person's state for in, from the stored state when fresh
// (or when the store has no memory).
func (b *Bot) load(ctx context.Context, in Inbound, fresh bool) (Snapshot, error) {
	snap, err := b.loadState(ctx, in.ProfileID, in.ID, fresh)
	if err != nil {
		return Snapshot{}, fmt.Errorf("handle %s: load %s: %w", in.ID, in.ProfileID, err)
	}
	return snap, nil
}

func (b *Bot) loadState(ctx context.Context, profileID, eventID string, fresh bool) (Snapshot, error) {
	if r, ok := b.Store.(Reloader); ok && fresh {
		return r.Reload(ctx, profileID, eventID)
	}
	return b.Store.Load(ctx, profileID, eventID)
}

// waitToRetry waits before attempt number attempt (from 1): a random part
// (full jitter) of 1ms·2^(attempt-1), capped at commitBackoffCap. It
// returns early with ctx's error.
func waitToRetry(ctx context.Context, attempt int) error {
	// An ended context is not left to the select below: with the timer
	// due too (a busy machine schedules the wait late) it would pick
	// either, and retry after the request ended.
	if err := ctx.Err(); err != nil {
		return err
	}
	d := commitBackoffCap
	if attempt < 8 {
		d = min(time.Millisecond<<(attempt-1), d)
	}
	t := time.NewTimer(rand.N(d) + 1)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// change turns a conversation result into what the store commits.
func (b *Bot) change(in Inbound, snap Snapshot, res Result, now time.Time) Change {
	ch := Change{
		ProfileID: in.ProfileID,
		Version:   snap.Version,
		EventID:   in.ID,
		Profile:   res.Profile,
		Conv:      res.Conv,
		Delete:    res.Delete,
		At:        now,
	}
	if len(res.Messages) > 0 {
		out := Outgoing{ID: b.NewID(), To: in.ProfileID, Messages: res.Messages, CreatedAt: now}
		if in.ReplyToken != "" && now.Before(in.ReplyBefore) {
			out.ReplyToken, out.ReplyBefore = in.ReplyToken, in.ReplyBefore
		}
		ch.Outgoing = append(ch.Outgoing, out)
	}
	if res.CannotJoin != nil {
		name := ""
		if res.Profile != nil {
			name = res.Profile.Name
		}
		ch.Outgoing = append(ch.Outgoing, b.cannotJoin(name, in.ProfileID, *res.CannotJoin, now))
	}
	for _, n := range res.Notices {
		ch.Outgoing = append(ch.Outgoing, coordinatorNotice(b.NewID(), n, now, in.ProfileID))
	}
	if p := res.Profile; p != nil && !res.Delete && p.Status == StatusActive && (snap.Profile == nil || snap.Profile.Status != StatusActive) {
		// Registered or back from a pause: the sessions posted meanwhile
		// for people like them invite them too (the invitations went to
		// the audience as it was when each was posted).
		ch.Outgoing = append(ch.Outgoing, BecameActive(in.ProfileID, b.NewID(), now))
	}
	// A Slack person who leaves from a DM must not keep their old profile
	// on the Home tab: it is redrawn as for someone unknown.
	if in.FromHome || res.Delete && Platform(in.ProfileID) == PlatformSlack {
		ch.Outgoing = append(ch.Outgoing, Outgoing{ID: b.NewID(), Kind: OutHome, To: in.ProfileID, CreatedAt: now})
	}
	if res.LookupName && !res.Delete {
		ch.Outgoing = append(ch.Outgoing, Outgoing{ID: b.NewID(), Kind: OutLookupProfile, To: in.ProfileID, CreatedAt: now})
	}
	return ch
}

// cannotJoin is the coordinators' notice for someone who cannot get into a
// session.
func (b *Bot) cannotJoin(name, profileID string, ref SessionRef, now time.Time) Outgoing {
	if name == "" {
		name = ja.Session.SomeoneCannotJoin
	}
	return coordinatorNotice(b.NewID(), fmt.Sprintf(ja.Session.NoticeCannotJoin, name, ref.Title,
		FormatSpanJA(ref.Start, ref.End, b.loc())), now, profileID)
}
