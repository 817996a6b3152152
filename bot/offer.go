package bot

import (
	"context"
	"time"
)

// OfferRef is what a person's conversation remembers about one task offered
// to them: enough to show the offer again, answer 「なぜ私に？」, list
// 「予定」 and count recent offers for fairness, without reading the task.
type OfferRef struct {
	TaskID       string `json:"task"`
	Title        string `json:"title"`
	Organization string `json:"org,omitempty"`
	Place        string `json:"place,omitempty"`
	Reward       string `json:"reward,omitempty"`
	// Summary is what the work is: the task's description, cut to
	// summaryRunes so that sixty offers keep a conversation small.
	Summary   string     `json:"summary,omitempty"`
	Start     time.Time  `json:"start"`
	End       time.Time  `json:"end"`
	ExpiresAt time.Time  `json:"expires"`
	Reasons   []string   `json:"why,omitempty"`
	State     OfferState `json:"state"`
	// At is when the offer was made; AcceptedAt when it was accepted.
	At         time.Time `json:"at"`
	AcceptedAt time.Time `json:"accepted_at,omitzero"`
	// Promoted marks a place freed by a cancellation, offered from the
	// waitlist.
	Promoted bool `json:"promoted,omitempty"`
	// CalledOff says the coordinators cancelled the task (State is then
	// cancelled), as against the person giving their place up.
	CalledOff bool `json:"called_off,omitempty"`
	// Created is when the task was posted: a task posted less than a day
	// ahead asks whether they still come at once, not the evening before.
	Created time.Time `json:"created,omitzero"`
	// Named marks an offer a coordinator made to this person by name.
	Named bool `json:"named,omitempty"`
	// SeriesID names the weekly series the task is one date of.
	SeriesID string `json:"series,omitempty"`
	// Confirm is where the day-before question stands (asked, confirmed).
	Confirm Confirmation `json:"confirm,omitempty"`
	// Asked marks the question after the task, how it went; Result is
	// what the person's record counts for it.
	Asked  bool        `json:"asked_result,omitempty"`
	Result *TaskResult `json:"result,omitempty"`
}

// AnswerOp is what a person does with an offer.
type AnswerOp string

// Answers to an offer.
const (
	OpAccept  AnswerOp = "accept"
	OpDecline AnswerOp = "decline"
	OpCancel  AnswerOp = "cancel" // withdraw after accepting (or from the waitlist)
	// OpForget removes the person from the task altogether, because their
	// data is being deleted: a place they held is given up as by OpCancel.
	OpForget AnswerOp = "forget"
	// OpAsk records that the day-before question reached the person; OpConfirm
	// that they said they still come.
	OpAsk     AnswerOp = "ask"
	OpConfirm AnswerOp = "confirm"
	// OpComplete records how an accepted task went, once it has begun: done
	// (with its hours) or not done.
	OpComplete AnswerOp = "complete"
)

// Confirmation is where an accepted person stands with the day-before
// question.
type Confirmation string

// Confirmations: asked and not answered yet, said they still come, or
// asked and silent 2 hours before the start.
const (
	ConfirmAsked       Confirmation = "asked"
	ConfirmConfirmed   Confirmation = "confirmed"
	ConfirmUnconfirmed Confirmation = "unconfirmed"
)

// Completion says how an accepted task went.
type Completion string

// Completions: done as planned, or not done.
const (
	Completed    Completion = "completed"
	NotCompleted Completion = "not_completed"
)

// Result of a task for one person: how it went and for how long.
type TaskResult struct {
	Status Completion `json:"status"`
	Hours  float64    `json:"hours"`
}

// MaxTaskHours bounds the hours recorded for one task.
const MaxTaskHours = 24

// AnonPrefix starts the name a deleted person keeps in the records that
// figures are computed from: a random token naming nobody, the same for all
// of one person's records, so that 実人数 stays right after a deletion.
const AnonPrefix = "anon:"

// IsAnon reports whether id is such a token rather than a person.
func IsAnon(id string) bool { return len(id) > len(AnonPrefix) && id[:len(AnonPrefix)] == AnonPrefix }

// Answer is one person's answer to one task, applied atomically by the
// TaskStore.
type Answer struct {
	TaskID    string
	ProfileID string
	Op        AnswerOp
	// EventID makes the answer idempotent: the same event applied twice
	// reports the same outcome and changes nothing the second time.
	EventID string
	At      time.Time
	// Reminders are queued when the answer is an accepted place, each at
	// its due time; they are removed again on cancellation.
	Reminders []Due
	// Filled is the coordinators' notice queued when this acceptance fills
	// the task; Cancelled the one queued when this answer gives a place up.
	Filled, Cancelled Outgoing
	// Promote, set with Cancelled, gives a place this answer frees at once
	// to the first person on the waitlist.
	Promote Promotion
	// ConfirmNow marks an acceptance (or a promotion) so close to the start
	// that it counts as confirmed without the day-before question.
	ConfirmNow bool
	// Result is what OpComplete records; ResultOut is queued in the same
	// step when it changes: the coordinators' notice of a task not done, or
	// the person's record of a result a coordinator gave.
	Result    TaskResult
	ResultOut Outgoing
	// Anon, with OpForget, is the token the person's part in the figures is
	// kept under (AnonPrefix + random); empty drops it.
	Anon string
}

// Waitlisted stands for the first person on a task's waitlist in a
// Promotion: who that is becomes known only inside the store's atomic
// answer, which puts their profile ID wherever this appears.
const Waitlisted = "{{waitlisted}}"

// Promotion is what the store queues when a freed place goes to the first
// person on the waitlist; its entries name them as Waitlisted.
type Promotion struct {
	// Out is the event that records the place in their conversation and
	// tells them.
	Out Outgoing
	// Reminders are theirs for the task.
	Reminders []Due
	// Notice tells the coordinators, instead of Answer.Cancelled.
	Notice Outgoing
	// Expected is the first on the waitlist as read before the answer,
	// and NamedNotice the notice naming them: the store queues it when
	// the place does go to them, Notice when someone else got there first.
	Expected    string
	NamedNotice Outgoing
}

// Due is an outbox entry to queue at a time (a reminder, a check).
type Due struct {
	At  time.Time
	Out Outgoing
}

// Outcome is where a person stands with a task after an Answer.
type Outcome struct {
	// State is the person's offer state; empty when the person was never
	// offered the task (or the task is gone).
	State OfferState
	// Status is the task's status.
	Status TaskStatus
	// Changed is false when the answer changed nothing (a repeat, or an
	// answer that does not apply).
	Changed bool
	// Started reports that the task has begun or ended, so answers no
	// longer apply.
	Started bool
}

// TaskView is a task with everyone's relation to it, for coordinators.
type TaskView struct {
	Task
	Accepted  []string `json:"accepted"`
	Waitlist  []string `json:"waitlist"`
	Offered   []string `json:"offered"`
	Declined  []string `json:"declined"`
	Expired   []string `json:"expired"`
	Cancelled []string `json:"cancelled"`
	// Confirmed said they still come (or accepted within 2 hours of the
	// start); Unconfirmed were asked and silent 2 hours before it; Asked
	// were asked and may still answer.
	Confirmed   []string `json:"confirmed"`
	Unconfirmed []string `json:"unconfirmed"`
	Asked       []string `json:"-"`
	// Completed and NotCompleted are the outcomes recorded; Hours the
	// hours of every completed person.
	Completed    []string           `json:"completed"`
	NotCompleted []string           `json:"not_completed"`
	Hours        map[string]float64 `json:"hours"`
	// FilledAt is when the task first had its headcount (zero if never).
	FilledAt time.Time `json:"filled_at,omitzero"`
	// Departed counts those who held a place or did the task and have
	// since deleted their data: the lists above name people, and they
	// are no one now, but they still came (the report counts them too).
	Departed int `json:"departed,omitempty"`
	// DepartedHours are the hours of each of them who completed the task,
	// longest first: what they did stays in the program's record.
	DepartedHours []float64 `json:"-"`
}

// Length is how long the task lasts, in hours: what a completed person is
// counted for unless they or a coordinator say otherwise.
func (t *Task) Length() float64 { return roundHours(t.End.Sub(t.Start).Hours()) }

// roundHours keeps hours to the quarter hour people speak in.
func roundHours(h float64) float64 { return float64(int(h*4+0.5)) / 4 }

// WaveState is what the offer sweep needs to know about a task.
type WaveState struct {
	Task *Task
	// Offers maps everyone ever offered the task to their state; Expiry
	// the live offers to when they lapse.
	Offers   map[string]OfferState
	Expiry   map[string]time.Time
	Accepted int
	Waitlist []string
}

// Wave is one batch of offers for a task.
type Wave struct {
	TaskID string
	At     time.Time
	// Target is how many live offers the task should have after the wave;
	// the store adds at most Target minus the live offers it counts, so two
	// replicas sweeping at once cannot double a wave.
	Target int
	// Offers are in rank order: the waitlist first, then new candidates.
	Offers []WaveOffer
	// Next is when the task should be looked at again if nothing happens
	// sooner (an answer, a cancellation).
	Next time.Time
	// End is when the task ends: the people offered stay findable for
	// deletion until then.
	End time.Time
}

// WaveOffer is one person offered a task; Out carries the EventOffer.
type WaveOffer struct {
	ProfileID string
	ExpiresAt time.Time
	Out       Outgoing
}

// TaskStore keeps tasks and offers. Every method that changes an offer is
// atomic in the store, whatever the number of replicas.
type TaskStore interface {
	// CreateTask stores a new task and schedules its first wave and its
	// checks (still short, unconfirmed).
	CreateTask(ctx context.Context, t *Task, checks ...Due) error
	// UpdateTask stores a task's new words and headcount; the status
	// follows the headcount (filled or open, offering the new places at
	// now); ENOTFOUND if unknown, ECONFLICT if cancelled or closed, or if
	// more have accepted than the new headcount meanwhile.
	UpdateTask(ctx context.Context, t *Task, now time.Time) error
	// FindTasks returns the tasks starting in [from, to), soonest first.
	FindTasks(ctx context.Context, from, to, now time.Time) ([]*TaskView, error)
	// FindTask returns the task and its offers, ENOTFOUND if unknown.
	FindTask(ctx context.Context, id string, now time.Time) (*TaskView, error)
	// CancelTask marks the task cancelled and queues notice(person) for
	// everyone offered, accepted or waitlisted; it returns how many were
	// told, or ECONFLICT if the task is no longer open or filled.
	CancelTask(ctx context.Context, id string, now time.Time, notice func(profileID string) Outgoing) (int, error)
	// Answer applies a person's answer atomically.
	Answer(ctx context.Context, a Answer) (Outcome, error)
	// OfferTo records and queues an offer to one named person, outside the
	// waves; ECONFLICT if they already have a relation to the task.
	OfferTo(ctx context.Context, o WaveOffer, taskID string, end time.Time) error
	// MarkUnconfirmed marks those of people only asked the day-before
	// question as unconfirmed, queueing notice if any was; it returns how
	// many it marked.
	MarkUnconfirmed(ctx context.Context, taskID string, people []string, notice Outgoing) (int, error)
	// WaveState reads what a wave needs.
	WaveState(ctx context.Context, id string) (*WaveState, error)
	// OfferWave records and queues a wave; it returns how many were offered.
	OfferWave(ctx context.Context, w Wave) (int, error)
	// Reschedule sets when the offer sweep looks at the task next; a zero
	// time takes it off the sweep.
	Reschedule(ctx context.Context, id string, at time.Time) error
	// Hasten brings the next look of every task on the sweep forward to
	// at, when it was later; it returns how many tasks it moved.
	Hasten(ctx context.Context, at time.Time) (int, error)
	// DueTasks returns up to limit tasks whose offers are due at now.
	DueTasks(ctx context.Context, now time.Time, limit int) ([]string, error)
	// ClaimDue moves up to limit entries due at now (reminders, checks)
	// into the outbox, each exactly once; it returns how many moved.
	ClaimDue(ctx context.Context, now time.Time, limit int) (int, error)
}
