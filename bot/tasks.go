package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Defaults of the offer machinery.
const (
	// DefaultWaveFactor: each wave asks headcount × this many people.
	DefaultWaveFactor = 3
	// retryEmpty is how long a task nobody could be found for waits before
	// the next search (new people register, others resume).
	retryEmpty = time.Hour
	// sweepBatch bounds the tasks or due entries one sweep call handles.
	sweepBatch = 500
	// eveningReminder is the wall-clock hour of the day-before reminder.
	eveningReminder = 18
	// soonReminder is how long before the start the same-day reminder goes.
	soonReminder = 2 * time.Hour
)

// Reminder kinds, carried in the EventReminder's Text.
const (
	remindEvening = "evening"
	remindSoon    = "soon"
)

// Candidate is one person a Matcher found for a task.
type Candidate struct {
	ID      string
	Reasons []string
}

// Matcher finds the people to ask for a task, best first; exclude drops
// those already asked. The matching package's index implements it in the
// caller.
type Matcher interface {
	Candidates(t *Task, exclude func(id string) bool, limit int) []Candidate
}

// QuietHours tells when offers wait (config.QuietHours).
type QuietHours interface {
	Contains(t time.Time) bool
	EndAfter(t time.Time) time.Time
}

// taskPrefix is the recipient of entries about a task rather than a person
// (the "still short" check).
const taskPrefix = "task:"

// CreateTask validates and stores a new task, then offers its first wave
// right away (unless quiet hours hold it until morning).
func (b *Bot) CreateTask(ctx context.Context, t *Task) (*Task, error) {
	now := b.Now()
	if t.OfferTTL == 0 {
		t.OfferTTL = DefaultOfferTTL
	}
	if err := t.Validate(b.Catalog, now); err != nil {
		return nil, fmt.Errorf("create task: %w", err)
	}
	t.ID, t.Status, t.CreatedAt = b.NewID(), TaskOpen, now
	check := Due{At: t.Start.Add(-24 * time.Hour), Out: Outgoing{
		ID: shortID(t.ID), Kind: OutEvent, To: taskPrefix + t.ID,
		Event: &Inbound{ID: shortID(t.ID), Kind: EventTaskShort, Data: t.ID},
	}}
	if err := b.Tasks.CreateTask(ctx, t, check); err != nil {
		return nil, fmt.Errorf("create task: %w", err)
	}
	b.Logger.InfoContext(ctx, "task created", "task", t.ID, "headcount", t.Headcount)
	if _, err := b.offerWave(ctx, t.ID, now); err != nil {
		// The sweep will try again; the task exists.
		b.Logger.WarnContext(ctx, "first wave failed", "task", t.ID, "err", err)
	}
	return t, nil
}

// FindTask returns a task with everyone's relation to it.
func (b *Bot) FindTask(ctx context.Context, id string) (*TaskView, error) {
	if err := checkID("task", id); err != nil {
		return nil, err
	}
	return b.Tasks.FindTask(ctx, id, b.Now())
}

// CancelTask cancels a task and tells everyone who was offered it, accepted
// it or waits for a place.
func (b *Bot) CancelTask(ctx context.Context, id string) (*TaskView, error) {
	if err := checkID("task", id); err != nil {
		return nil, err
	}
	now := b.Now()
	n, err := b.Tasks.CancelTask(ctx, id, now, func(pid string) Outgoing {
		ev := taskCancelledEventID(id, pid)
		return Outgoing{ID: ev, Kind: OutEvent, To: pid,
			Event: &Inbound{ID: ev, Kind: EventTaskCancelled, ProfileID: pid, Data: id, At: now}}
	})
	if err != nil {
		return nil, fmt.Errorf("cancel task %s: %w", id, err)
	}
	b.Logger.InfoContext(ctx, "task cancelled", "task", id, "told", n)
	b.notify()
	return b.Tasks.FindTask(ctx, id, now)
}

// SweepSummary is what one run of a sweep did.
type SweepSummary struct {
	Tasks   int `json:"tasks"`
	Offered int `json:"offered"`
	Due     int `json:"due"`
}

// RunOffers is the offer sweep: every task whose offers expired, were
// declined or were freed by a cancellation gets its next wave.
func (b *Bot) RunOffers(ctx context.Context) (SweepSummary, error) {
	now := b.Now()
	ids, err := b.Tasks.DueTasks(ctx, now, sweepBatch)
	var sum SweepSummary
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	for _, id := range ids {
		n, err := b.offerWave(ctx, id, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		sum.Tasks++
		sum.Offered += n
	}
	return sum, errors.Join(errs...)
}

// RunDue moves the reminders and checks that are due into the outbox.
func (b *Bot) RunDue(ctx context.Context) (SweepSummary, error) {
	n, err := b.Tasks.ClaimDue(ctx, b.Now(), sweepBatch*10)
	if n > 0 {
		b.notify()
	}
	return SweepSummary{Due: n}, err
}

func (b *Bot) notify() {
	if b.Notify != nil {
		b.Notify()
	}
}

func (b *Bot) waveFactor() int {
	if b.WaveFactor > 0 {
		return b.WaveFactor
	}
	return DefaultWaveFactor
}

// offerWave offers a task to its next people: the waitlist first when a
// place was freed, otherwise the best candidates not yet asked.
func (b *Bot) offerWave(ctx context.Context, id string, now time.Time) (int, error) {
	ws, err := b.Tasks.WaveState(ctx, id)
	if err != nil {
		return 0, fmt.Errorf("offer wave %s: %w", id, err)
	}
	t := ws.Task
	if t.Status != TaskOpen || !now.Before(t.Start) {
		return 0, b.Tasks.Reschedule(ctx, id, time.Time{})
	}
	if b.Quiet != nil && b.Quiet.Contains(now.In(b.loc())) {
		return 0, b.Tasks.Reschedule(ctx, id, b.Quiet.EndAfter(now.In(b.loc())))
	}
	room := t.Headcount - ws.Accepted
	if room <= 0 {
		return 0, b.Tasks.Reschedule(ctx, id, time.Time{})
	}
	live := 0
	for _, exp := range ws.Expiry {
		if now.Before(exp) {
			live++
		}
	}
	target := room * b.waveFactor()
	w := Wave{TaskID: id, At: now, Target: target}
	expires := now.Add(t.OfferTTL)
	if t.OfferTTL <= 0 {
		expires = now.Add(DefaultOfferTTL)
	}
	if expires.After(t.Start) {
		expires = t.Start
	}
	if len(ws.Waitlist) > 0 {
		// A freed place goes to those who already said yes, in order, one
		// place each, before anyone new is asked.
		w.Target = live + min(room, len(ws.Waitlist))
		for _, pid := range ws.Waitlist[:min(room, len(ws.Waitlist))] {
			w.Offers = append(w.Offers, b.waveOffer(t, pid, []string{jaTask.WhyWaitlist}, true, now, expires))
		}
	} else if need := target - live; need > 0 {
		exclude := func(pid string) bool { _, asked := ws.Offers[pid]; return asked }
		for _, c := range b.Matcher.Candidates(t, exclude, need) {
			w.Offers = append(w.Offers, b.waveOffer(t, c.ID, c.Reasons, false, now, expires))
		}
	}
	if len(w.Offers) == 0 && live == 0 {
		// Nobody to ask now: look again later, until the task starts.
		if w.Next = now.Add(retryEmpty); w.Next.After(t.Start) {
			w.Next = t.Start
		}
	}
	n, err := b.Tasks.OfferWave(ctx, w)
	if err != nil {
		return 0, err
	}
	if n > 0 {
		b.Logger.InfoContext(ctx, "offers sent", "task", id, "offered", n, "live", live)
		b.notify()
	}
	return n, nil
}

// waveOffer is the outbox entry that hands an offer to the person's
// conversation, which records it and sends the card.
func (b *Bot) waveOffer(t *Task, pid string, reasons []string, promoted bool, now, expires time.Time) WaveOffer {
	ref := OfferRef{
		TaskID: t.ID, Title: t.Title, Organization: t.Organization, Place: b.place(t), Reward: t.Reward,
		Start: t.Start, End: t.End, ExpiresAt: expires, Reasons: reasons, State: OfferOffered, At: now, Promoted: promoted,
	}
	ev := offerEventID(t.ID, pid, now)
	return WaveOffer{ProfileID: pid, ExpiresAt: expires, Out: Outgoing{
		ID: ev, Kind: OutEvent, To: pid, CreatedAt: now,
		Event: &Inbound{ID: ev, Kind: EventOffer, ProfileID: pid, Offer: &ref, At: now},
	}}
}

// taskRef is what a person's conversation keeps of a task.
func (b *Bot) taskRef(t *Task) OfferRef {
	return OfferRef{TaskID: t.ID, Title: t.Title, Organization: t.Organization, Place: b.place(t), Reward: t.Reward,
		Start: t.Start, End: t.End}
}

// promotion gives a place freed by who at once to the first person on the
// waitlist: the event for their conversation, their reminders and the
// coordinators' notice, naming them as Waitlisted.
func (b *Bot) promotion(ref OfferRef, who string, now time.Time) Promotion {
	r := ref
	r.State, r.AcceptedAt, r.At, r.Promoted, r.Reasons, r.ExpiresAt = OfferAccepted, now, now, true, nil, time.Time{}
	ev := promotedEventID(ref.TaskID, now)
	span := FormatSpanJA(ref.Start, ref.End, b.loc())
	return Promotion{
		Out: Outgoing{ID: ev, Kind: OutEvent, To: Waitlisted, CreatedAt: now,
			Event: &Inbound{ID: ev, Kind: EventPromoted, ProfileID: Waitlisted, Data: ref.TaskID, Offer: &r, At: now}},
		Reminders: b.reminders(ref, Waitlisted, now),
		Notice:    coordinatorNotice(b.NewID(), fmt.Sprintf(jaTask.NoticePromoted, who, ref.Title, span), now),
	}
}

// place says where a task happens, in words.
func (b *Bot) place(t *Task) string {
	if t.Remote || t.Area == AreaRemote {
		return jaTask.Online
	}
	if a, ok := b.Catalog.Area(t.Area); ok {
		return a.LabelJA
	}
	return t.Area
}

func (b *Bot) loc() *time.Location {
	if b.Location != nil {
		return b.Location
	}
	return time.Local
}

// reminders are the entries that remind a person of an accepted task: at
// 18:00 the evening before and two hours before the start, those still
// ahead at now.
func (b *Bot) reminders(ref OfferRef, pid string, now time.Time) []Due {
	start := ref.Start.In(b.loc())
	y, m, d := start.Date()
	evening := time.Date(y, m, d-1, eveningReminder, 0, 0, 0, b.loc())
	var out []Due
	for _, r := range []struct {
		kind string
		at   time.Time
	}{{remindEvening, evening}, {remindSoon, start.Add(-soonReminder)}} {
		if !r.at.After(now) {
			continue
		}
		id := taskReminderID(ref.TaskID, r.kind, pid)
		// The entry is rebuilt byte for byte to remove it again, so it
		// carries no time of its own.
		out = append(out, Due{At: r.at, Out: Outgoing{ID: id, Kind: OutEvent, To: pid,
			Event: &Inbound{ID: id, Kind: EventReminder, ProfileID: pid, Data: ref.TaskID, Text: r.kind}}})
	}
	return out
}

// allReminders are every reminder a person could have for a task, for
// removal whatever the time.
func (b *Bot) allReminders(ref OfferRef, pid string) []Due {
	return b.reminders(ref, pid, time.Time{})
}

// checkShort reports a task still short of people 24 hours before it starts.
func (b *Bot) checkShort(ctx context.Context, id string) error {
	v, err := b.Tasks.FindTask(ctx, id, b.Now())
	if ErrorCode(err) == ENOTFOUND {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check short %s: %w", id, err)
	}
	if v.Status != TaskOpen || len(v.Accepted) >= v.Headcount {
		return nil
	}
	text := fmt.Sprintf(jaTask.NoticeShort, v.Title, FormatSpanJA(v.Start, v.End, b.loc()), v.Headcount, len(v.Accepted))
	return b.Outbox.Enqueue(ctx, coordinatorNotice(shortID(id), text, b.Now()))
}

// coordinatorNotice is a message to the coordinators' channel.
func coordinatorNotice(id, text string, now time.Time) Outgoing {
	return Outgoing{ID: id, To: CoordinatorID, Messages: []Message{{Text: text}}, CreatedAt: now}
}

// answer applies a person's answer to a task and turns its outcome into the
// person's new state and replies.
func (b *Bot) answer(ctx context.Context, in Inbound, snap Snapshot, res Result, now time.Time) (Result, error) {
	req := res.Answer
	ref, i := findRef(res.Conv.Offers, req.TaskID)
	if i < 0 && (req.Op == OpCancel || req.Op == OpForget) {
		// A task the conversation no longer holds (deletion finds every
		// task ever offered): its notices and reminders need its details.
		v, err := b.Tasks.FindTask(ctx, req.TaskID, now)
		if err != nil && ErrorCode(err) != ENOTFOUND {
			return res, err
		}
		if err == nil {
			ref = b.taskRef(&v.Task)
		}
	}
	a := Answer{TaskID: req.TaskID, ProfileID: in.ProfileID, Op: req.Op, EventID: in.ID, At: now}
	span := FormatSpanJA(ref.Start, ref.End, b.loc())
	name := ""
	if snap.Profile != nil {
		name = snap.Profile.Name
	}
	switch req.Op {
	case OpAccept:
		a.Reminders = b.reminders(ref, in.ProfileID, now)
		a.Filled = coordinatorNotice(filledNoticeID(req.TaskID), fmt.Sprintf(jaTask.NoticeFilled, ref.Title, span), now)
	case OpCancel, OpForget:
		a.Reminders = b.allReminders(ref, in.ProfileID)
		who := name
		if req.Op == OpForget || who == "" {
			who = jaTask.SomeoneWithdrew
		}
		a.Cancelled = coordinatorNotice(b.NewID(), fmt.Sprintf(jaTask.NoticeCancelled, who, ref.Title, span), now)
		a.Promote = b.promotion(ref, who, now)
	}
	out, err := b.Tasks.Answer(ctx, a)
	if ErrorCode(err) == ENOTFOUND {
		out, err = Outcome{}, nil
	}
	if err != nil {
		return res, err
	}
	b.Logger.InfoContext(ctx, "offer answered", "task", req.TaskID, "profile", in.ProfileID,
		"op", req.Op, "state", out.State, "changed", out.Changed)
	if req.Op == OpAccept && out.Changed && out.Status == TaskFilled {
		b.Logger.InfoContext(ctx, "task filled", "task", req.TaskID)
	}
	if out.Changed {
		b.notify()
	}
	return Answered(now, res, req, out), nil
}

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
	if b.Tasks != nil {
		for _, id := range union(refTaskIDs(snap.Conv.Offers), tr.Tasks) {
			res := Result{Conv: snap.Conv, Answer: &AnswerRequest{TaskID: id, Op: OpForget}}
			ev := in
			if ev.ID != "" {
				ev.ID = forgetEventID(in.ID, id)
			}
			if _, err := b.answer(ctx, ev, snap, res, now); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if b.Sessions != nil {
		ids := tr.Sessions
		for _, ref := range snap.Conv.Sessions {
			ids = append(ids, ref.SessionID)
		}
		for _, id := range union(ids) {
			v, err := b.Sessions.GetSession(ctx, id)
			if ErrorCode(err) == ENOTFOUND {
				continue
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			_, err = b.Sessions.RSVP(ctx, RSVP{SessionID: id, ProfileID: in.ProfileID, Answer: RSVPForget, At: now,
				Reminders: b.sessionReminders(sessionRef(v), v.Reminders, in.ProfileID, time.Time{})})
			if err != nil {
				errs = append(errs, err)
			}
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

// taskEvent handles an event about a task rather than a person.
func (b *Bot) taskEvent(ctx context.Context, in Inbound) error {
	switch in.Kind {
	case EventTaskShort:
		return b.checkShort(ctx, in.Data)
	}
	return fmt.Errorf("task event %s: %w", in.ID, Errorf(EINVALID, "unknown kind %q", in.Kind))
}
