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
	// confirmWithin: accepting this close to the start counts as confirmed
	// without the day-before question, and those asked who have not
	// answered by then are unconfirmed.
	confirmWithin = 2 * time.Hour
)

// Reminder kinds, carried in the EventReminder's Text: the day-before
// question (18:00 the evening before, or at once), the reminder 2 hours
// before, and the question after the task, how it went.
const (
	remindEvening = "evening"
	remindSoon    = "soon"
	remindDone    = "done"
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

// TaskService creates and cancels tasks, offers them in waves, applies the
// answers people give in chat and keeps their reminders; its sweeps run the
// waves and the due reminders.
type TaskService struct {
	Tasks   TaskStore
	Matcher Matcher
	// Outbox queues what is not part of a person's commit (the coordinators'
	// "still short" notice).
	Outbox Enqueuer
	// People reads a person's profile and conversation: names for the
	// coordinators' notices, status and weekly count for named offers.
	People  PersonLoader
	Catalog *Catalog
	Logger  *slog.Logger
	// Now and NewID are injected so tests control time and IDs.
	Now   func() time.Time
	NewID func() string
	// Notify, if set, wakes the local outbox worker after queueing.
	Notify func()
	// Location is the service time zone (time.Local when nil); Quiet the
	// hours when offers wait; WaveFactor how many people a wave asks per
	// free place (DefaultWaveFactor when zero).
	Location   *time.Location
	Quiet      QuietHours
	WaveFactor int
}

// PersonLoader reads one person's state (the Redis store).
type PersonLoader interface {
	Load(ctx context.Context, profileID, eventID string) (Snapshot, error)
}

// taskPrefix is the recipient of entries about a task rather than a person
// (the "still short" check).
const taskPrefix = "task:"

// CreateTask validates and stores a new task, then offers its first wave
// right away (unless quiet hours hold it until morning).
func (ts *TaskService) CreateTask(ctx context.Context, t *Task) (*Task, error) {
	now := ts.Now()
	if t.OfferTTL == 0 {
		t.OfferTTL = DefaultOfferTTL
	}
	if err := t.Validate(ts.Catalog, now); err != nil {
		return nil, fmt.Errorf("create task: %w", err)
	}
	t.ID, t.Status, t.CreatedAt = ts.NewID(), TaskOpen, now
	if err := ts.Tasks.CreateTask(ctx, t, ts.checks(t)...); err != nil {
		return nil, fmt.Errorf("create task: %w", err)
	}
	ts.Logger.InfoContext(ctx, "task created", "task", t.ID, "headcount", t.Headcount)
	if _, err := ts.offerWave(ctx, t.ID, now); err != nil {
		// The sweep will try again; the task exists.
		ts.Logger.WarnContext(ctx, "first wave failed", "task", t.ID, "err", err)
	}
	return t, nil
}

// FindTask returns a task with everyone's relation to it.
func (ts *TaskService) FindTask(ctx context.Context, id string) (*TaskView, error) {
	if err := checkID("task", id); err != nil {
		return nil, err
	}
	return ts.Tasks.FindTask(ctx, id, ts.Now())
}

// ListTasks returns the tasks starting between the dates from and to
// (YYYY-MM-DD, inclusive, in the service time zone), soonest first; empty
// dates mean from 30 days ago to 90 days ahead.
func (ts *TaskService) ListTasks(ctx context.Context, from, to string) ([]*TaskView, error) {
	now := ts.Now().In(ts.loc())
	start, end, err := listedDays(from, to, now)
	if err != nil {
		return nil, err
	}
	return ts.Tasks.FindTasks(ctx, start, end, now)
}

// listedDays is the period a list of tasks or broadcasts covers: the days
// from and to (YYYY-MM-DD, both included, in now's location), by default
// the last 30 days and the next 91, as [start, end).
func listedDays(from, to string, now time.Time) (start, end time.Time, err error) {
	loc := now.Location()
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, loc)
	start, end = today.AddDate(0, 0, -30), today.AddDate(0, 0, 91)
	if from != "" {
		if start, err = parseDay("from", from, loc); err != nil {
			return start, end, err
		}
	}
	if to != "" {
		if end, err = parseDay("to", to, loc); err != nil {
			return start, end, err
		}
		end = end.AddDate(0, 0, 1)
	}
	if !end.After(start) {
		return start, end, FieldErrorf(EINVALID, "to", "to must not be before from")
	}
	return start, end, nil
}

// CancelTask cancels a task and tells everyone who was offered it, accepted
// it or waits for a place.
func (ts *TaskService) CancelTask(ctx context.Context, id string) (*TaskView, error) {
	if err := checkID("task", id); err != nil {
		return nil, err
	}
	now := ts.Now()
	v, err := ts.Tasks.FindTask(ctx, id, now)
	if err != nil {
		return nil, fmt.Errorf("cancel task %s: %w", id, err)
	}
	if !now.Before(v.End) {
		// What was done is the program's record (its report counts it):
		// a task that has ended stays, and its outcomes are corrected
		// person by person instead.
		return nil, fmt.Errorf("cancel task %s: %w", id,
			Errorf(EUNPROCESSABLE, "a task that has ended cannot be cancelled").sayJA(ja.Task.EndedNoCancel))
	}
	n, err := ts.Tasks.CancelTask(ctx, id, now, func(pid string) Outgoing {
		ev := taskCancelledEventID(id, pid)
		return Outgoing{ID: ev, Kind: OutEvent, To: pid,
			Event: &Inbound{ID: ev, Kind: EventTaskCancelled, ProfileID: pid, Data: id, At: now}}
	})
	if err != nil {
		return nil, fmt.Errorf("cancel task %s: %w", id, err)
	}
	ts.Logger.InfoContext(ctx, "task cancelled", "task", id, "told", n)
	ts.notify()
	return ts.Tasks.FindTask(ctx, id, now)
}

// SweepSummary is what one run of a sweep did.
type SweepSummary struct {
	Tasks   int `json:"tasks"`
	Offered int `json:"offered"`
	Due     int `json:"due"`
}

// RunOffers is the offer sweep: every task whose offers expired, were
// declined or were freed by a cancellation gets its next wave.
func (ts *TaskService) RunOffers(ctx context.Context) (SweepSummary, error) {
	now := ts.Now()
	ids, err := ts.Tasks.DueTasks(ctx, now, sweepBatch)
	var sum SweepSummary
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	for _, id := range ids {
		n, err := ts.offerWave(ctx, id, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		sum.Tasks++
		sum.Offered += n
	}
	return sum, errors.Join(errs...)
}

// lookAgain has the offer sweep look at every task still on it at its
// next run (within a minute) rather than when each was due: someone just
// became active, and may be who a task lacks. A task with nobody to ask
// waits retryEmpty between looks, too long for the newcomer, who was told
// they would hear of work, and for the coordinator waiting for people.
// The sweep's waves ask only people not asked yet, up to what each task
// needs, so an early look offers nothing twice.
func (ts *TaskService) lookAgain(ctx context.Context, profileID string) error {
	n, err := ts.Tasks.Hasten(ctx, ts.Now())
	if err != nil {
		return fmt.Errorf("look again for %s: %w", profileID, err)
	}
	if n > 0 {
		ts.Logger.InfoContext(ctx, "tasks looked at again", "profile", profileID, "tasks", n)
	}
	return nil
}

// RunDue moves the reminders and checks that are due into the outbox.
func (ts *TaskService) RunDue(ctx context.Context) (SweepSummary, error) {
	n, err := ts.Tasks.ClaimDue(ctx, ts.Now(), sweepBatch*10)
	if n > 0 {
		ts.notify()
	}
	return SweepSummary{Due: n}, err
}

func (ts *TaskService) notify() {
	if ts.Notify != nil {
		ts.Notify()
	}
}

func (ts *TaskService) waveFactor() int {
	if ts.WaveFactor > 0 {
		return ts.WaveFactor
	}
	return DefaultWaveFactor
}

// offerWave offers a task to its next people: the waitlist first when a
// place was freed, otherwise the best candidates not yet asked.
func (ts *TaskService) offerWave(ctx context.Context, id string, now time.Time) (int, error) {
	ws, err := ts.Tasks.WaveState(ctx, id)
	if err != nil {
		return 0, fmt.Errorf("offer wave %s: %w", id, err)
	}
	t := ws.Task
	if t.Status != TaskOpen || !now.Before(t.Start) {
		return 0, ts.Tasks.Reschedule(ctx, id, time.Time{})
	}
	if ts.Quiet != nil && ts.Quiet.Contains(now.In(ts.loc())) {
		return 0, ts.Tasks.Reschedule(ctx, id, ts.Quiet.EndAfter(now.In(ts.loc())))
	}
	room := t.Headcount - ws.Accepted
	if room <= 0 {
		return 0, ts.Tasks.Reschedule(ctx, id, time.Time{})
	}
	live := 0
	for _, exp := range ws.Expiry {
		if now.Before(exp) {
			live++
		}
	}
	target := room * ts.waveFactor()
	w := Wave{TaskID: id, At: now, Target: target}
	expires := ts.offerExpiry(t, now)
	if len(ws.Waitlist) > 0 {
		// A freed place goes to those who already said yes, in order, one
		// place each, before anyone new is asked.
		w.Target = live + min(room, len(ws.Waitlist))
		for _, pid := range ws.Waitlist[:min(room, len(ws.Waitlist))] {
			w.Offers = append(w.Offers, ts.waveOffer(t, pid, []string{ja.Task.WhyWaitlist}, true, now, expires))
		}
	} else if need := target - live; need > 0 {
		exclude := func(pid string) bool { _, asked := ws.Offers[pid]; return asked }
		for _, c := range ts.Matcher.Candidates(t, exclude, need) {
			w.Offers = append(w.Offers, ts.waveOffer(t, c.ID, c.Reasons, false, now, expires))
		}
	}
	if len(w.Offers) == 0 && live == 0 {
		// Nobody to ask now: look again later, until the task starts.
		if w.Next = now.Add(retryEmpty); w.Next.After(t.Start) {
			w.Next = t.Start
		}
	}
	n, err := ts.Tasks.OfferWave(ctx, w)
	if err != nil {
		return 0, err
	}
	if n > 0 {
		ts.Logger.InfoContext(ctx, "offers sent", "task", id, "offered", n, "live", live)
		ts.notify()
	}
	return n, nil
}

// waveOffer is the outbox entry that hands an offer to the person's
// conversation, which records it and sends the card.
func (ts *TaskService) waveOffer(t *Task, pid string, reasons []string, promoted bool, now, expires time.Time) WaveOffer {
	ref := ts.taskRef(t)
	ref.ExpiresAt, ref.Reasons, ref.State, ref.At, ref.Promoted = expires, reasons, OfferOffered, now, promoted
	ev := offerEventID(t.ID, ts.NewID())
	return WaveOffer{ProfileID: pid, ExpiresAt: expires, Out: Outgoing{
		ID: ev, Kind: OutEvent, To: pid, CreatedAt: now,
		Event: &Inbound{ID: ev, Kind: EventOffer, ProfileID: pid, Offer: &ref, At: now},
	}}
}

// offerExpiry is when an offer of t made at now lapses: after the task's
// offer TTL, and at the latest when it starts.
func offerExpiry(t *Task, now time.Time) time.Time {
	ttl := t.OfferTTL
	if ttl <= 0 {
		ttl = DefaultOfferTTL
	}
	if exp := now.Add(ttl); exp.Before(t.Start) {
		return exp
	}
	return t.Start
}

// offerExpiry is offerExpiry with the quiet hours: a deadline that falls
// in them (「お返事の期限: 12月8日 2:05まで」) moves to an hour after they
// end, so that a senior who wakes at eight still has time to answer; never
// past the start.
func (ts *TaskService) offerExpiry(t *Task, now time.Time) time.Time {
	exp := offerExpiry(t, now)
	if ts.Quiet == nil || !ts.Quiet.Contains(exp.In(ts.loc())) {
		return exp
	}
	if later := ts.Quiet.EndAfter(exp.In(ts.loc())).Add(time.Hour); later.Before(t.Start) {
		return later
	}
	return t.Start
}

// taskRef is what a person's conversation keeps of a task.
func (ts *TaskService) taskRef(t *Task) OfferRef {
	return OfferRef{TaskID: t.ID, Title: t.Title, Organization: t.Organization, Place: ts.place(t), Reward: t.Reward,
		Summary: summary(t.Description), Start: t.Start, End: t.End, Created: t.CreatedAt, SeriesID: t.SeriesID}
}

// summaryRunes bounds OfferRef.Summary.
const summaryRunes = 120

// summary is a task's description as an offer card shows it: on one
// paragraph, cut to summaryRunes with an ellipsis.
func summary(description string) string {
	s := strings.Join(strings.Fields(description), " ")
	if r := []rune(s); len(r) > summaryRunes {
		s = string(r[:summaryRunes-1]) + "…"
	}
	return s
}

// promotion gives a place freed by who (profile whoID) at once to the
// first person on the waitlist: the event for their conversation, their
// reminders and the coordinators' notice, naming them as Waitlisted.
func (ts *TaskService) promotion(ctx context.Context, ref OfferRef, who, whoID string, now time.Time) Promotion {
	r := ref
	r.State, r.AcceptedAt, r.At, r.Promoted, r.Reasons, r.ExpiresAt = OfferAccepted, now, now, true, nil, time.Time{}
	r.Confirm, r.Asked, r.Result, r.Named = "", false, nil, false
	ev := promotedEventID(ref.TaskID, ts.NewID())
	span := FormatSpanJA(ref.Start, ref.End, ts.loc())
	p := Promotion{
		Out: Outgoing{ID: ev, Kind: OutEvent, To: Waitlisted, CreatedAt: now,
			Event: &Inbound{ID: ev, Kind: EventPromoted, ProfileID: Waitlisted, Data: ref.TaskID, Offer: &r, At: now}},
		Reminders: ts.reminders(ref, Waitlisted, now),
		Notice:    coordinatorNotice(ts.NewID(), fmt.Sprintf(ja.Task.NoticePromoted, who, ref.Title, span), now, whoID),
	}
	// Who moves up, named for the coordinators (「キャンセル待ちの方」 left
	// them to open the task): read here, and checked by the store as the
	// place is given.
	if v, err := ts.Tasks.FindTask(ctx, ref.TaskID, now); err == nil && len(v.Waitlist) > 0 {
		first := v.Waitlist[0]
		p.Expected = first
		p.NamedNotice = coordinatorNotice(ts.NewID(), fmt.Sprintf(ja.Task.NoticePromotedNamed, who, ref.Title, span, ts.nameOf(ctx, first)), now, whoID, first)
	}
	return p
}

// place says where a task happens, in words.
func (ts *TaskService) place(t *Task) string {
	if t.Remote || t.Area == AreaRemote {
		return ja.Task.Online
	}
	if a, ok := ts.Catalog.Area(t.Area); ok {
		return a.LabelJA
	}
	return t.Area
}

func (ts *TaskService) loc() *time.Location { return zone(ts.Location) }

// zone is the service time zone: l, or time.Local when none is set.
func zone(l *time.Location) *time.Location {
	if l != nil {
		return l
	}
	return time.Local
}

// reminders are the entries about an accepted task still ahead at now:
//   - the day-before question, 「明日 行けますか？」: at 18:00 the evening
//     before; at once (after the quiet hours) for someone who accepts later,
//     or for a task posted less than a day ahead; none for someone who
//     accepts within 2 hours of the start, who counts as confirmed;
//   - the reminder 2 hours before the start;
//   - the question after the task, how it went, when it ends.
//
// A zero now gives every entry, for removal whatever the time.
func (ts *TaskService) reminders(ref OfferRef, pid string, now time.Time) []Due {
	loc := ts.loc()
	start := ref.Start.In(loc)
	ask := ts.dayBefore(ref)
	if !now.IsZero() && ts.askedAtOnce(ref, now) {
		ask = now
		if ts.Quiet != nil && ts.Quiet.Contains(now.In(loc)) {
			ask = ts.Quiet.EndAfter(now.In(loc))
		}
	}
	var out []Due
	for _, r := range []struct {
		kind string
		at   time.Time
		keep bool
	}{
		{remindEvening, ask, ask.Before(ref.Start.Add(-confirmWithin))},
		{remindSoon, start.Add(-soonReminder), true},
		{remindDone, ref.End.In(loc), true},
	} {
		if !now.IsZero() && (!r.keep || r.at.Before(now)) {
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

// dayBefore is when the day-before question about ref is asked: the
// evening before it starts.
func (ts *TaskService) dayBefore(ref OfferRef) time.Time {
	y, m, d := ref.Start.In(ts.loc()).Date()
	return time.Date(y, m, d-1, eveningReminder, 0, 0, 0, ts.loc())
}

// askedAtOnce reports that the day-before question about ref, for a place
// given at now, cannot wait for its evening: it has passed, or the task was
// posted less than a day ahead.
func (ts *TaskService) askedAtOnce(ref OfferRef, now time.Time) bool {
	return !now.Before(ts.dayBefore(ref)) || !ref.Created.IsZero() && ref.Start.Sub(ref.Created) < 24*time.Hour
}

// allReminders are every reminder a person could have for a task, for
// removal whatever the time.
func (ts *TaskService) allReminders(ref OfferRef, pid string) []Due {
	return ts.reminders(ref, pid, time.Time{})
}

// checkShort reports a task still short of people 24 hours before it starts.
func (ts *TaskService) checkShort(ctx context.Context, id string) error {
	v, err := ts.Tasks.FindTask(ctx, id, ts.Now())
	if ErrorCode(err) == ENOTFOUND {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check short %s: %w", id, err)
	}
	if v.Status != TaskOpen || len(v.Accepted) >= v.Headcount {
		return nil
	}
	text := fmt.Sprintf(ja.Task.NoticeShort, v.Title, FormatSpanJA(v.Start, v.End, ts.loc()), v.Headcount, len(v.Accepted))
	return ts.Outbox.Enqueue(ctx, coordinatorNotice(shortID(id), text, ts.Now()))
}

// coordinatorNotice is a message to the coordinators' channel about the
// people named in about (see Outgoing.About; empty IDs are left out).
func coordinatorNotice(id, text string, now time.Time, about ...string) Outgoing {
	out := Outgoing{ID: id, To: CoordinatorID, Messages: []Message{{Text: text}}, CreatedAt: now}
	for _, p := range about {
		if p != "" {
			out.About = append(out.About, p)
		}
	}
	return out
}

// answer applies a person's answer to a task and turns its outcome into the
// person's new state and replies.
func (ts *TaskService) answer(ctx context.Context, in Inbound, snap Snapshot, res Result, now time.Time) (Result, error) {
	req := res.Answer
	if len(req.Series) > 0 {
		return ts.answerSeries(ctx, in, snap, res, now)
	}
	if req.Op == OpAccept {
		res.Conv.Offers = ts.currentWords(ctx, res.Conv.Offers, req.TaskID, now)
	}
	out, err := ts.apply(ctx, in, snap, res, req, now)
	if err != nil {
		return res, err
	}
	return Answered(now, res, req, out), nil
}

// currentWords returns offers with the offer of taskID carrying the task's
// words as they are now: a coordinator may have renamed it since it was
// offered, and the thanks and the reminders should say the new name. A
// task that cannot be read keeps the words it was offered with.
func (ts *TaskService) currentWords(ctx context.Context, offers []OfferRef, taskID string, now time.Time) []OfferRef {
	ref, i := findRef(offers, taskID)
	if i < 0 {
		return offers
	}
	v, err := ts.Tasks.FindTask(ctx, taskID, now)
	if err != nil || v.Title == ref.Title && v.Organization == ref.Organization && v.Reward == ref.Reward && summary(v.Description) == ref.Summary {
		return offers
	}
	offers = append([]OfferRef(nil), offers...) // the caller's state is not touched
	offers[i].Title, offers[i].Organization, offers[i].Reward = v.Title, v.Organization, v.Reward
	offers[i].Summary = summary(v.Description)
	return offers
}

// apply applies one answer to one task in the store.
func (ts *TaskService) apply(ctx context.Context, in Inbound, snap Snapshot, res Result, req *AnswerRequest, now time.Time) (Outcome, error) {
	ref, i := findRef(res.Conv.Offers, req.TaskID)
	if i < 0 && (req.Op == OpCancel || req.Op == OpForget) {
		// A task the conversation no longer holds (deletion finds every
		// task ever offered): its notices and reminders need its details.
		v, err := ts.Tasks.FindTask(ctx, req.TaskID, now)
		if err != nil && ErrorCode(err) != ENOTFOUND {
			return Outcome{}, err
		}
		if err == nil {
			ref = ts.taskRef(&v.Task)
		}
	}
	a := Answer{TaskID: req.TaskID, ProfileID: in.ProfileID, Op: req.Op, EventID: in.ID, At: now}
	span := FormatSpanJA(ref.Start, ref.End, ts.loc())
	name := ""
	if snap.Profile != nil {
		name = snap.Profile.Name
	}
	a.ConfirmNow = ref.Start.Sub(now) <= confirmWithin
	switch req.Op {
	case OpAccept:
		a.Reminders = ts.reminders(ref, in.ProfileID, now)
		if ts.askedAtOnce(ref, now) {
			// Said yes when the day-before question would come at once
			// (its evening passed, or the task was posted less than a
			// day ahead): the yes is the confirmation. Asked a moment
			// later, 「予定どおり行けますか？」 read as if the yes was lost.
			a.ConfirmNow = true
			a.Reminders = slices.DeleteFunc(a.Reminders, func(d Due) bool { return d.Out.Event.Text == remindEvening })
		}
		a.Filled = ts.filledNotice(ctx, ref, span, in.ProfileID, name, now)
	case OpCancel, OpForget:
		a.Reminders = ts.allReminders(ref, in.ProfileID)
		who, whoID := san(name), in.ProfileID
		if req.Op == OpForget || who == "" {
			who = ja.Task.SomeoneWithdrew
		}
		if req.Op == OpForget {
			// Someone deleting their data: the notices name no one, and
			// the deletion's scrub must leave them.
			whoID = ""
		}
		a.Cancelled = coordinatorNotice(ts.NewID(), fmt.Sprintf(ja.Task.NoticeCancelled, who, ref.Title, span), now, whoID)
		a.Promote = ts.promotion(ctx, ref, who, whoID, now)
		a.Anon = req.Anon
	case OpComplete:
		a.Result = req.Result
		if req.Result.Status == NotCompleted {
			who := san(name)
			if who == "" {
				who = ja.Task.SomeoneWithdrew
			}
			a.ResultOut = coordinatorNotice(ts.NewID(), fmt.Sprintf(ja.Task.NoticeNotDone, who, ref.Title, span), now, in.ProfileID)
		}
	}
	out, err := ts.Tasks.Answer(ctx, a)
	if ErrorCode(err) == ENOTFOUND {
		out, err = Outcome{}, nil
	}
	if err != nil {
		return Outcome{}, err
	}
	ts.Logger.InfoContext(ctx, "offer answered", "task", req.TaskID, "profile", in.ProfileID,
		"op", req.Op, "state", out.State, "changed", out.Changed)
	if req.Op == OpAccept && out.Changed && out.Status == TaskFilled {
		ts.Logger.InfoContext(ctx, "task filled", "task", req.TaskID)
	}
	if out.Changed {
		ts.notify()
	}
	return out, nil
}

// taskEvent handles an event about a task rather than a person.
func (ts *TaskService) taskEvent(ctx context.Context, in Inbound) error {
	switch in.Kind {
	case EventTaskShort:
		return ts.checkShort(ctx, in.Data)
	case EventTaskUnconfirmed:
		return ts.checkUnconfirmed(ctx, in.Data)
	}
	return fmt.Errorf("task event %s: %w", in.ID, Errorf(EINVALID, "unknown kind %q", in.Kind))
}

// checkUnconfirmed flags to the coordinators, 2 hours before a task, the
// people asked the day before who never answered, once, so they can ask
// the waitlist or the next candidates in time.
func (ts *TaskService) checkUnconfirmed(ctx context.Context, id string) error {
	v, err := ts.Tasks.FindTask(ctx, id, ts.Now())
	if ErrorCode(err) == ENOTFOUND {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check unconfirmed %s: %w", id, err)
	}
	if v.Status == TaskCancelled || len(v.Asked) == 0 {
		return nil
	}
	names := make([]string, 0, len(v.Asked))
	for _, pid := range v.Asked {
		names = append(names, ts.nameOf(ctx, pid))
	}
	text := fmt.Sprintf(ja.Task.NoticeUnconfirmed, v.Title, FormatSpanJA(v.Start, v.End, ts.loc()), strings.Join(names, "、"))
	n, err := ts.Tasks.MarkUnconfirmed(ctx, id, v.Asked, coordinatorNotice(unconfirmedID(id), text, ts.Now(), v.Asked...))
	if err != nil {
		return err
	}
	ts.Logger.InfoContext(ctx, "unconfirmed flagged", "task", id, "people", n)
	if n > 0 {
		ts.notify()
	}
	return nil
}

// filledNotice is the coordinators' notice queued should pid's acceptance
// fill the task: it names everyone who will come, pid last, so that the
// coordinator knows who without opening the task. The names are read
// before the acceptance is applied, so a place given up at the same moment
// may still be named; the task page says who holds one. A task that cannot
// be read gets the notice without names.
func (ts *TaskService) filledNotice(ctx context.Context, ref OfferRef, span, pid, name string, now time.Time) Outgoing {
	id := filledNoticeID(ref.TaskID)
	v, err := ts.Tasks.FindTask(ctx, ref.TaskID, now)
	if err != nil || slices.Contains(v.Accepted, pid) || len(v.Accepted)+1 < v.Headcount {
		// An acceptance that leaves places open queues no notice: the
		// names are read only for the one that fills the task.
		return coordinatorNotice(id, fmt.Sprintf(ja.Task.NoticeFilled, ref.Title, span), now)
	}
	if name = san(name); name == "" {
		name = pid
	}
	names, about := make([]string, 0, len(v.Accepted)+1), append(slices.Clone(v.Accepted), pid)
	for _, other := range v.Accepted {
		names = append(names, ts.nameOf(ctx, other))
	}
	names = append(names, name)
	return coordinatorNotice(id, fmt.Sprintf(ja.Task.NoticeFilledNamed, ref.Title, span, strings.Join(names, "、")), now, about...)
}

// nameOf is how the coordinators' notices name a person: 「山田 花子さん」,
// or their ID when their name cannot be read.
func (ts *TaskService) nameOf(ctx context.Context, pid string) string {
	if ts.People != nil {
		if snap, err := ts.People.Load(ctx, pid, ""); err == nil && snap.Profile != nil && snap.Profile.Name != "" {
			return san(snap.Profile.Name)
		}
	}
	return pid
}

// san is a name as the coordinators' notices say it, with さん ("" stays
// ""): they speak of the people they work with.
func san(name string) string {
	if name == "" {
		return ""
	}
	return name + "さん"
}

// RecordResult records or corrects how a task went for a person who held a
// place on it, as a coordinator says: 404 for an unknown task, 422 for a
// person not accepted on it, a bad status or hours, 409 before it starts.
// The person's own record counts it through an event to their state.
//
// hours nil means the hours already recorded, else the task's length.
func (ts *TaskService) RecordResult(ctx context.Context, taskID, profileID string, status Completion, hours *float64) (*TaskView, error) {
	r := TaskResult{Status: status, Hours: -1}
	if hours != nil {
		r.Hours = *hours
	}
	if err := checkID("task", taskID); err != nil {
		return nil, err
	}
	now := ts.Now()
	v, err := ts.Tasks.FindTask(ctx, taskID, now)
	if err != nil {
		return nil, err
	}
	switch {
	case r.Status != Completed && r.Status != NotCompleted:
		return nil, FieldErrorf(EUNPROCESSABLE, "status", "status must be completed or not_completed, not %q", r.Status)
	case hours != nil && (r.Hours < 0 || r.Hours > MaxTaskHours || r.Hours != r.Hours):
		return nil, FieldErrorf(EUNPROCESSABLE, "hours", "hours must be between 0 and %d", MaxTaskHours)
	case !contains(v.Accepted, profileID):
		return nil, FieldErrorf(EUNPROCESSABLE, "profile_id", "%s is not accepted on task %s", profileID, taskID)
	case now.Before(v.Start):
		return nil, Errorf(ECONFLICT, "task %s has not started yet", taskID)
	}
	if r.Status == NotCompleted {
		r.Hours = 0
	} else if hours == nil {
		r.Hours = v.Length()
		if h, ok := v.Hours[profileID]; ok {
			r.Hours = h
		}
	}
	// The person's own record counts it through their state, told in the
	// same step as the task records it.
	ev, res := resultEventID(taskID, ts.NewID()), r
	tell := Outgoing{ID: ev, Kind: OutEvent, To: profileID, CreatedAt: now,
		Event: &Inbound{ID: ev, Kind: EventResult, ProfileID: profileID, Data: taskID, Result: &res, At: now}}
	out, err := ts.Tasks.Answer(ctx, Answer{TaskID: taskID, ProfileID: profileID, Op: OpComplete, At: now, Result: r, ResultOut: tell})
	if err != nil {
		return nil, fmt.Errorf("record result %s: %w", taskID, err)
	}
	if out.Changed {
		ts.notify()
	}
	ts.Logger.InfoContext(ctx, "result recorded", "task", taskID, "profile", profileID, "status", r.Status, "changed", out.Changed)
	return ts.Tasks.FindTask(ctx, taskID, now)
}

// OfferTo offers a task to a person a coordinator names (指名), whatever
// their skills and area, within their status and weekly limit: 404 for an
// unknown task or person, 409 when already offered or on the task or the
// task is not open, 422 when the person is paused, blocked or at their
// weekly limit. The offer reaches them as any other, and counts in the
// fairness ledger like any other.
func (ts *TaskService) OfferTo(ctx context.Context, taskID, profileID string) (*TaskView, error) {
	if err := checkID("task", taskID); err != nil {
		return nil, err
	}
	if strings.TrimSpace(profileID) == "" {
		// As POST /api/sessions/{id}/rsvps says it.
		return nil, FieldErrorf(EUNPROCESSABLE, "profile_id", "profile_id is required")
	}
	if ValidateProfileID(profileID) != nil {
		return nil, FieldErrorf(ENOTFOUND, "profile_id", "profile %q not found", profileID)
	}
	now := ts.Now()
	v, err := ts.Tasks.FindTask(ctx, taskID, now)
	if err != nil {
		return nil, err
	}
	snap, err := ts.People.Load(ctx, profileID, "")
	if err != nil {
		return nil, fmt.Errorf("offer %s to %s: %w", taskID, profileID, err)
	}
	p := snap.Profile
	if p == nil {
		return nil, FieldErrorf(ENOTFOUND, "profile_id", "profile %q not found", profileID)
	}
	if v.Status != TaskOpen || !now.Before(v.Start) {
		return nil, Errorf(ECONFLICT, "task %s is %s, not open for offers", taskID, v.Status)
	}
	switch p.Status {
	case StatusActive:
	case StatusOnboarding:
		return nil, FieldErrorf(EUNPROCESSABLE, "profile_id", "%s has not finished registering", profileID)
	default:
		return nil, FieldErrorf(EUNPROCESSABLE, "profile_id", "%s is %s", profileID, p.Status)
	}
	if _, _, week := snap.Conv.Recent(v.Start, ts.loc()); p.WeeklyLimit > 0 && week >= p.WeeklyLimit {
		return nil, FieldErrorf(EUNPROCESSABLE, "profile_id", "%s has reached their weekly limit of %d", profileID, p.WeeklyLimit)
	}
	if h, ok := snap.Conv.HeldDuring(taskID, v.Start, v.End); ok {
		// The bot would decline it quietly (see turn.offered): the
		// coordinator who named the person is told instead.
		return nil, FieldErrorf(EUNPROCESSABLE, "profile_id", "%s holds a place in %q at that time", profileID, h.Title)
	}
	o := ts.waveOffer(&v.Task, profileID, []string{ja.Task.WhyNamed}, false, now, ts.offerExpiry(&v.Task, now))
	ev := namedOfferEventID(taskID, ts.NewID())
	o.Out.ID, o.Out.Event.ID = ev, ev
	o.Out.Event.Offer.Named = true
	if err := ts.Tasks.OfferTo(ctx, o, taskID, v.End); err != nil {
		return nil, err
	}
	ts.Logger.InfoContext(ctx, "named offer", "task", taskID, "profile", profileID)
	ts.notify()
	return ts.Tasks.FindTask(ctx, taskID, now)
}
