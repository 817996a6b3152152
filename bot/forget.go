package bot

import (
	"context"
	"crypto/rand"
	"errors"
	"time"
)

// forgetPerson removes a person who is deleting their data from everything
// outside their own state that names them: every task they were ever
// offered (a place they hold is freed and the coordinators told), every
// session they were invited to or named in, every broadcast they are a
// recipient of, the retries, dead letters, reminders and coordinator
// notices that name them (by ID, by their name now, or through About for
// a name they had before), the console's audit entries about them, and the
// dedupe records of events whose IDs were built from theirs. It runs
// before the deletion's commit: a failure leaves the person to delete
// again, never a trace of someone deleted.
//
// The posts about them in a coordinators' channel outside Redis (Slack)
// are returned as entries that take them back, for the deletion's commit
// to queue.
func (b *Bot) forgetPerson(ctx context.Context, in Inbound, snap Snapshot, now time.Time) ([]Outgoing, error) {
	var tr Traces
	if b.Traces != nil {
		var err error
		if tr, err = b.Traces.Traces(ctx, in.ProfileID); err != nil {
			return nil, err
		}
	}
	var errs []error
	// One token for all their records: the figures still count them once
	// among the people (実人数), and nothing says who it was.
	anon := AnonPrefix + rand.Text()
	taskIDs := union(refTaskIDs(snap.Conv.Offers), tr.Tasks)
	if b.Tasks != nil {
		for _, id := range taskIDs {
			res := Result{Conv: snap.Conv, Answer: &AnswerRequest{TaskID: id, Op: OpForget, Anon: anon}}
			ev := in
			if ev.ID != "" {
				ev.ID = forgetEventID(in.ID, id)
			}
			if _, err := b.Tasks.answer(ctx, ev, snap, res, now); err != nil {
				errs = append(errs, err)
			}
		}
	}
	// The events the service made about them, whose dedupe records name
	// them through their IDs.
	events := taskEventIDs(in.ProfileID, taskIDs)
	if b.Sessions != nil {
		ids := tr.Sessions
		for _, ref := range snap.Conv.Sessions {
			ids = append(ids, ref.SessionID)
		}
		sessionEvents, err := b.Sessions.forget(ctx, union(ids), in.ProfileID, anon, now)
		if err != nil {
			errs = append(errs, err)
		}
		events = append(events, sessionEvents...)
	}
	if b.Broadcasts != nil {
		for _, id := range union(tr.Broadcasts) {
			if err := b.Broadcasts.ForgetRecipient(ctx, id, in.ProfileID); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if b.Traces == nil {
		return nil, nil
	}
	if err := b.Traces.ForgetEvents(ctx, events); err != nil {
		return nil, err
	}
	// Last, so that what the steps above queued about them goes too. The
	// console's audit log names them by AuditRef.
	needles := []string{in.ProfileID, AuditRef(in.ProfileID)}
	if snap.Profile != nil && snap.Profile.Name != "" {
		needles = append(needles, snap.Profile.Name)
	}
	if _, err := b.Traces.Scrub(ctx, needles); err != nil {
		return nil, err
	}
	var retract []Outgoing
	for _, p := range tr.Posts {
		retract = append(retract, Outgoing{ID: b.NewID(), Kind: OutRetract, To: CoordinatorID, Retract: p, CreatedAt: now})
	}
	return retract, nil
}

// taskEventIDs are the IDs of the events about tasks the service built
// from the person's ID: cancellations and reminders.
func taskEventIDs(profileID string, taskIDs []string) []string {
	var ids []string
	for _, id := range taskIDs {
		ids = append(ids, taskCancelledEventID(id, profileID),
			taskReminderID(id, remindEvening, profileID), taskReminderID(id, remindSoon, profileID))
	}
	return ids
}

func refTaskIDs(refs []OfferRef) []string {
	ids := make([]string, len(refs))
	for i, r := range refs {
		ids[i] = r.TaskID
	}
	return ids
}

// union returns the distinct strings of lists, in order of first appearance.
func union(lists ...[]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range lists {
		for _, s := range l {
			if s != "" && !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}
