package bot

import (
	"time"
)

// The IDs of the events and outbox entries the service makes itself, one
// builder per kind, so that the formats are written once.
//
// An event's ID is its dedupe key: Handle processes an ID once per person,
// so two different events must never share one. An outbox entry's ID names
// it in retries and dead letters, and LINE's X-Line-Retry-Key is derived
// from it. Reminders are removed by rebuilding their entries byte for byte,
// so their IDs carry no time. Each kind has its own prefix; events from the
// platforms keep their own IDs (LINE's webhookEventId, which has no colon)
// or a prefix of the adapter's ("slack:", "slack-join:", "slack-action:",
// "slack-view:"). The IDs of cancellations, reminders and invitations
// name the person by profile ID (a promotion as Waitlisted, which the
// store replaces with the person promoted). Their dedupe records outlive
// the event by a week, so deleting a person rebuilds those IDs
// (forgetPerson) to remove them: an ID built from someone's ID must be one
// deletion can rebuild from what it reads, or else carry a nonce (offers,
// promotions, results), which no one can guess to confirm the record.

// offerEventID is the event that brings a wave's offer of a task to a
// person; the nonce is new for each offer.
func offerEventID(taskID, nonce string) string { return "offer:" + taskID + ":" + nonce }

// promotedEventID is the event that gives the first waitlisted person the
// place freed at at.
func promotedEventID(taskID, nonce string) string {
	return "promoted:" + taskID + ":" + Waitlisted + ":" + nonce
}

// taskCancelledEventID tells a person that the coordinators cancelled a
// task.
func taskCancelledEventID(taskID, profileID string) string {
	return "cancelled:" + taskID + ":" + profileID
}

// taskReminderID is a reminder (remindEvening, remindSoon) of an accepted
// task, the entry and its event.
func taskReminderID(taskID, kind, profileID string) string {
	return "remind:" + taskID + ":" + kind + ":" + profileID
}

// shortID is the check, 24 hours before a task, that it has its people,
// the entry and its event, and also the notice to the coordinators when it
// has not: one of each per task.
func shortID(taskID string) string { return "short:" + taskID }

// unconfirmedID is the check, 2 hours before a task, for the people who
// never answered the day-before question; once per task.
func unconfirmedID(taskID string) string { return "unconfirmed:" + taskID }

// seriesEventID is one date's part of an answer to a whole series.
func seriesEventID(eventID, taskID string) string { return eventID + ":date:" + taskID }

// namedOfferEventID brings a coordinator's named offer to a person.
func namedOfferEventID(taskID, nonce string) string { return "named:" + taskID + ":" + nonce }

// resultEventID brings a result a coordinator recorded to the person; the
// nonce is new for each (a time and the person's ID would let anyone who
// knows them confirm the dedupe record).
func resultEventID(taskID, nonce string) string {
	return "result:" + taskID + ":" + nonce
}

// filledNoticeID is the notice to the coordinators that a task is full,
// once per task.
func filledNoticeID(taskID string) string { return "filled:" + taskID }

// forgetEventID is the part of a deletion (event eventID) that takes the
// person off one task.
func forgetEventID(eventID, taskID string) string { return eventID + ":forget:" + taskID }

// inviteEventID brings a session's invitation to a person.
func inviteEventID(sessionID, profileID string) string {
	return "invite:" + sessionID + ":" + profileID
}

// sessionReminderID is the reminder of a session offset before its start,
// the entry and its event.
func sessionReminderID(sessionID string, offset time.Duration, profileID string) string {
	return "sremind:" + sessionID + ":" + offset.String() + ":" + profileID
}

// sessionCancelledEventID tells an attendee that the coordinators called
// a session off.
func sessionCancelledEventID(sessionID, profileID string) string {
	return "scancelled:" + sessionID + ":" + profileID
}

// talkEventID is a coordinator's message to a person, or the closing or
// expiry of their conversation; id is new for each.
func talkEventID(id string) string { return "talk:" + id }

// reportNoticeID is the delivery report of a broadcast to the
// coordinators.
func reportNoticeID(broadcastID string) string { return "report:" + broadcastID }

// LookupEventID is the event that brings the platform's display name of a
// person, fetched by the outbox entry outID (an OutLookupProfile).
func LookupEventID(outID string) string { return "lookup:" + outID }

// HomeOutID is the entry that redraws a person's home screen when the
// platform says (event eventID) that they opened it.
func HomeOutID(eventID string) string { return "home:" + eventID }
