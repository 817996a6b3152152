package bot

import (
	"fmt"
	"time"
)

// EventKind is what a person did, in platform-neutral terms.
type EventKind string

// Inbound event kinds.
const (
	EventFollow   EventKind = "follow"   // added the bot (LINE follow, first Slack DM)
	EventUnfollow EventKind = "unfollow" // blocked or removed the bot
	EventText     EventKind = "text"     // typed a message
	EventPostback EventKind = "postback" // tapped a button carrying Data
	// EventProfileInfo carries facts the platform told us about the person
	// (their display name), fetched after a follow without blocking it.
	EventProfileInfo EventKind = "profile_info"
	// EventProfileForm is a whole profile filled in at once (Form set): the
	// Slack join and edit modal.
	EventProfileForm EventKind = "profile_form"

	// Events the service raises for a person itself, through the outbox, so
	// that they change the person's state exactly once.
	EventOffer            EventKind = "offer"             // a task is offered (Offer set)
	EventPromoted         EventKind = "promoted"          // a place freed went to them from the waitlist (Offer set)
	EventReminder         EventKind = "reminder"          // an accepted task is near (Data: task ID, Text: which reminder)
	EventTaskCancelled    EventKind = "task_cancelled"    // the coordinator cancelled a task (Data: task ID)
	EventInvite           EventKind = "invite"            // invited to a session (Session set)
	EventSessionReminder  EventKind = "session_reminder"  // a session is near (Session set, Text: the offset)
	EventSessionCancelled EventKind = "session_cancelled" // a session they said yes to was called off (Session set)
	// EventBecameActive follows a person's registration or resumption:
	// the upcoming sessions whose audience they now belong to invite them.
	EventBecameActive EventKind = "became_active"

	// Events of a conversation with the coordinators (see Talk).
	EventCoordinatorMessage EventKind = "coordinator_message" // a coordinator wrote to the person (Text)
	EventTalkClose          EventKind = "talk_close"          // a coordinator closed the conversation
	EventTalkExpire         EventKind = "talk_expire"         // a closed conversation is old enough to forget

	// EventTaskShort is about a task, not a person: 24 hours before the
	// start, a task still short of people is reported to the coordinators.
	EventTaskShort EventKind = "task_short"
	// EventTaskUnconfirmed is about a task too: 2 hours before the start,
	// the people asked the day before who never answered are flagged to
	// the coordinators.
	EventTaskUnconfirmed EventKind = "task_unconfirmed"
	// EventResult brings a person a result a coordinator recorded for a
	// task they held (Data: task ID, Result), so their own record counts it.
	EventResult EventKind = "task_result"
	// EventRegisteredByCoordinator tells someone whose registration a
	// coordinator finished for them (the console) that it is done, and
	// what it holds: the chat had left them halfway.
	EventRegisteredByCoordinator EventKind = "registered_by_coordinator"
)

// Inbound is one event from a person, translated by an adapter.
type Inbound struct {
	// ID identifies the delivery for deduplication (LINE webhookEventId,
	// Slack event_id). Events with an empty ID are never deduplicated.
	ID          string    `json:"id"`
	Kind        EventKind `json:"kind"`
	ProfileID   string    `json:"profile_id"`
	Text        string    `json:"text,omitempty"`
	Data        string    `json:"data,omitempty"`
	DisplayName string    `json:"display_name,omitempty"`
	// ReplyToken lets the adapter answer in-thread; it is valid until
	// ReplyBefore and only once.
	ReplyToken  string    `json:"reply_token,omitempty"`
	ReplyBefore time.Time `json:"reply_before,omitzero"`
	At          time.Time `json:"at"`
	// Offer describes the task of an EventOffer.
	Offer *OfferRef `json:"offer,omitempty"`
	// Series are all the dates of a weekly series offered at once, with
	// an EventOffer: one card for them all.
	Series []OfferRef `json:"series,omitempty"`
	// Session describes the session of an EventInvite or
	// EventSessionReminder.
	Session *SessionRef `json:"session,omitempty"`
	// Result is the result of an EventResult.
	Result *TaskResult `json:"result,omitempty"`
	// Form is the profile of an EventProfileForm.
	Form *ProfileForm `json:"form,omitempty"`
	// FromHome marks a tap on the person's home screen, which is shown
	// again afterwards so it does not go stale.
	FromHome bool `json:"from_home,omitempty"`
	// ByCoordinator marks an action a coordinator took for the person (a
	// pause or a resume in the console): the person is told who did it.
	ByCoordinator bool `json:"by_coordinator,omitempty"`
}

// Message is one platform-neutral message. Adapters render Card as a LINE
// Flex bubble or Slack blocks and Choices as quick replies or buttons.
type Message struct {
	Text    string   `json:"text,omitempty"`
	Card    *Card    `json:"card,omitempty"`
	Choices []Choice `json:"choices,omitempty"`
}

// Card is a titled box of facts with buttons.
type Card struct {
	Title   string   `json:"title"`
	Body    string   `json:"body,omitempty"`
	Fields  []Field  `json:"fields,omitempty"`
	Buttons []Choice `json:"buttons,omitempty"`
}

// Field is one labelled line of a card.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Choice is a button. Tapping it sends Data back as a postback; Label is what
// the person sees and what the chat shows as their answer.
type Choice struct {
	Label string `json:"label"`
	Data  string `json:"data"`
	// Confirm, if set, is asked before the tap is sent where the platform
	// can (a Slack confirmation dialog).
	Confirm string `json:"confirm,omitempty"`
	// Keep marks a choice a platform that can show only so many must not
	// drop (leaving an edit, talking to a person); the others are dropped
	// from the end.
	Keep bool `json:"keep,omitempty"`
}

// kept is c marked to be kept.
func kept(c Choice) Choice { c.Keep = true; return c }

// OutKind says what an outbox entry asks the platform to do.
type OutKind string

// Outbox entry kinds.
const (
	OutMessages      OutKind = ""               // send Messages to To
	OutLookupProfile OutKind = "lookup_profile" // fetch To's display name, feed it back as EventProfileInfo
	OutEvent         OutKind = "event"          // hand Event to the bot (offers, reminders, task news)
	OutHome          OutKind = "home"           // show To their home screen again (Slack App Home)
	OutRespond       OutKind = "respond"        // answer an interaction at ResponseURL (Slack)
	OutRetract       OutKind = "retract"        // take back a post to the coordinators (Retract says which)
)

// CoordinatorID is the recipient of notices for coordinators (a task filled,
// a cancellation, a task still short). Its platform, "coordinator", is
// delivered to the coordinator channel.
const CoordinatorID = "coordinator:channel"

// Outgoing is one durable outbox entry.
type Outgoing struct {
	// ID is unique per entry and stable across retries: LINE uses it as the
	// X-Line-Retry-Key so a retried push is not delivered twice.
	ID          string    `json:"id"`
	Kind        OutKind   `json:"kind,omitempty"`
	To          string    `json:"to"`
	ReplyToken  string    `json:"reply_token,omitempty"`
	ReplyBefore time.Time `json:"reply_before,omitzero"`
	Messages    []Message `json:"messages,omitempty"`
	// Event is the event an OutEvent entry carries.
	Event *Inbound `json:"event,omitempty"`
	// ResponseURL is where an OutRespond entry answers: it replaces the
	// message the person interacted with.
	ResponseURL string    `json:"response_url,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	// Retract is the platform's reference of a post an OutRetract entry
	// takes back (Slack: "<channel>/<ts>").
	Retract string `json:"retract,omitempty"`
	// About are the people a coordinator notice speaks of, by profile ID:
	// its text names them by name, which they may have changed since, and
	// deleting one of them finds the notice by ID.
	About []string `json:"about,omitempty"`
}

// SendError classifies a failed send so the outbox knows whether and when to
// try again.
type SendError struct {
	Status     int           // the platform's HTTP status, 0 when none came back
	Permanent  bool          // retrying cannot help (a 4xx other than 429)
	RetryAfter time.Duration // the platform asked us to wait this long
	Err        error
}

func (e *SendError) Error() string {
	return fmt.Sprintf("send: status %d: %v", e.Status, e.Err)
}

func (e *SendError) Unwrap() error { return e.Err }
