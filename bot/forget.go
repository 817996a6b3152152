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
// recipient of, and the retries, dead letters, reminders and coordinator
// notices that name them. It runs before the deletion's commit: a failure
// leaves the person to delete again, never a trace of someone deleted.
func (b *Bot) forgetPerson(ctx context.Context, in Inbound, snap Snapshot, now time.Time) error {
	var tr Traces
	if b.Traces != nil {
		var err error
		if tr, err = b.Traces.Traces(ctx, in.ProfileID); err != nil {
			return err
		}
	}
	var errs []error
	// One token for all their records: the figures still count them once
	// among the people (実人数), and nothing says who it was.
	anon := AnonPrefix + rand.Text()
	if b.Tasks != nil {
		for _, id := range union(refTaskIDs(snap.Conv.Offers), tr.Tasks) {
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
	if b.Sessions != nil {
		ids := tr.Sessions
		for _, ref := range snap.Conv.Sessions {
			ids = append(ids, ref.SessionID)
		}
		if err := b.Sessions.forget(ctx, union(ids), in.ProfileID, anon, now); err != nil {
			errs = append(errs, err)
		}
	}
	if b.Broadcasts != nil {
		for _, id := range union(tr.Broadcasts) {
			if err := b.Broadcasts.ForgetRecipient(ctx, id, in.ProfileID); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if b.Traces == nil {
		return nil
	}
	// Last, so that what the steps above queued about them goes too.
	needles := []string{in.ProfileID}
	if snap.Profile != nil && snap.Profile.Name != "" {
		needles = append(needles, snap.Profile.Name)
	}
	_, err := b.Traces.Scrub(ctx, needles)
	return err
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
