package bot

import (
	"context"
	"time"
)

// Snapshot is what the store knows about one person when an event arrives.
type Snapshot struct {
	// Profile is nil for a person the service has never seen (or deleted).
	Profile *Profile
	Conv    Conversation
	// Version increases with every commit; Commit checks it so that two
	// replicas handling the same person cannot interleave.
	Version int64
	// Seen reports that the event was already processed.
	Seen bool
	// Cached reports that the state is this replica's memory of the last
	// one it read or committed, not a read of the store: it may be behind
	// another replica (the commit's version check catches that), and Seen
	// is not known (the commit refuses a processed event).
	Cached bool
}

// Change is the result of handling one event, committed atomically: the
// person's new state, the event marked processed and the replies queued.
type Change struct {
	ProfileID string
	// Version is the Snapshot's version; the commit fails with ECONFLICT if
	// the stored version moved.
	Version int64
	EventID string
	// Profile and Conv replace the stored ones; ignored when Delete is set.
	Profile *Profile
	Conv    Conversation
	// Delete removes every key about the person (APPI deletion).
	Delete   bool
	Outgoing []Outgoing
	At       time.Time
}

// ConversationStore holds each person's profile and conversation state.
type ConversationStore interface {
	// Load returns the person's state and whether eventID was processed.
	Load(ctx context.Context, profileID, eventID string) (Snapshot, error)
	// Commit applies a Change atomically, or returns an ECONFLICT *Error.
	Commit(ctx context.Context, ch Change) error
}

// Reloader is a ConversationStore whose Load may answer from memory
// (Snapshot.Cached): Reload always reads the stored state.
type Reloader interface {
	Reload(ctx context.Context, profileID, eventID string) (Snapshot, error)
}

// ProfileStore serves coordinators' profile queries and imports.
type ProfileStore interface {
	// CreateProfile stores a new profile; ECONFLICT if the ID exists.
	CreateProfile(ctx context.Context, p *Profile) error
	// FindProfile returns the profile or an ENOTFOUND *Error.
	FindProfile(ctx context.Context, id string) (*Profile, error)
	// FindProfiles returns the profiles passing the filter, ordered by ID.
	FindProfiles(ctx context.Context, f ProfileFilter) ([]*Profile, error)
}

// Traces are what may name a person outside their own state: the tasks they
// were offered, the sessions they were invited to or named in, and the
// broadcasts they are a recipient of.
type Traces struct {
	Tasks, Sessions, Broadcasts []string
	// Posts are the coordinators' channel posts about the person, as
	// Outgoing.Retract names them: outside Redis, taken back through the
	// outbox.
	Posts []string
}

// TraceStore finds and removes what names a person beyond their own keys,
// for deletion.
type TraceStore interface {
	// Traces lists what may name the person; it may list more than does,
	// never less.
	Traces(ctx context.Context, profileID string) (Traces, error)
	// Scrub removes queued retries, dead letters, reminders, coordinator
	// notices and audit entries that contain any of needles, and returns
	// how many.
	Scrub(ctx context.Context, needles []string) (int, error)
	// ForgetEvents removes the dedupe records of the events, wherever they
	// are kept: the IDs the service builds from a person's ID (a reminder,
	// an invitation) would otherwise let anyone who knows the person's ID
	// confirm what they were part of.
	ForgetEvents(ctx context.Context, eventIDs []string) error
}
