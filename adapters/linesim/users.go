package linesim

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"time"
)

// Delivered is one message the bot delivered to a simulated user.
type Delivered struct {
	// Seq orders the user's chat: user actions and bot messages share one
	// sequence per user, so Seq grows but has gaps between bot messages.
	Seq int
	// Via is how it came: "reply", "push" or "multicast".
	Via string
	At  time.Time
	// Raw is the message object exactly as the bot sent it.
	Raw json.RawMessage
	// Type is the message type: "text", "flex", "template", ...
	Type string
	// Text is the text of a text message, or the altText of a flex or
	// template message.
	Text string
	// Buttons are the actions of the message body: Flex button components
	// (and template actions), in order.
	Buttons []Button
	// QuickReplies are the quick reply items, in order.
	QuickReplies []Button
}

// Button is one tappable action the bot offered.
type Button struct {
	Label string
	// Data is the postback data of a postback action.
	Data string
	// Text is the text a message action sends.
	Text string
	// DisplayText is what a postback action shows as the user's message.
	DisplayText string
	// URI is the target of a uri action.
	URI string
}

// User is a simulated LINE user as the chat page lists them.
type User struct {
	ID          string `json:"userId"`
	DisplayName string `json:"displayName"`
	// State is "new" (never a friend), "following" or "blocked".
	State    string `json:"state"`
	Messages int    `json:"messages"` // messages the bot delivered
}

// Friend states of a simulated user.
const (
	stateNew       = "new"
	stateFollowing = "following"
	stateBlocked   = "blocked"
)

// defaultDisplayName names users who talk before anyone named them.
const defaultDisplayName = "LINEユーザー"

// Timeline entry sources.
const (
	fromUser  = "user"
	fromBot   = "bot"
	fromEvent = "event" // follow, unfollow, a postback without displayText, a webhook error
)

// entry is one line of a user's chat as the page shows it.
type entry struct {
	Seq  int       `json:"seq"`
	At   time.Time `json:"at"`
	From string    `json:"from"`
	// Kind is "text", "postback", "follow", "unfollow" or "error" for user
	// and event entries, the message type for bot entries.
	Kind    string          `json:"kind"`
	Via     string          `json:"via,omitempty"`
	Text    string          `json:"text,omitempty"`
	Message json.RawMessage `json:"message,omitempty"`
}

// user is a simulated user's state.
type user struct {
	id    string
	name  string
	state string
	// implicit is set while the user exists only because the bot sent to
	// them (an imported profile): LINE would know them, the sim does not
	// know their name.
	implicit     bool
	seq          int
	timeline     []entry
	delivered    []Delivered
	loadingUntil time.Time
}

var userIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// AddUser creates a simulated user who has not followed the bot yet. An
// empty id gets a LINE-like one (U + 32 hex digits); an existing id is
// returned as it is, renamed if displayName is set.
func (s *Sim) AddUser(id, displayName string) (User, error) {
	if id == "" {
		id = newUserID()
	}
	if !userIDPattern.MatchString(id) {
		return User{}, fmt.Errorf("linesim: add user: %w user ID %q", ErrInvalid, id)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userLocked(id)
	if displayName != "" {
		u.name = displayName
	}
	if u.name == "" {
		u.name = defaultDisplayName
	}
	u.implicit = false
	s.notifyLocked()
	return u.public(), nil
}

// AddFriend creates a simulated user who already has the bot as a friend,
// with no follow event: someone the service knew before the simulator
// started (the playground's demo people), so the page lists them as
// friends and the bot's pushes reach them as they would on LINE.
func (s *Sim) AddFriend(id, displayName string) (User, error) {
	u, err := s.AddUser(id, displayName)
	if err != nil {
		return User{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID].state = stateFollowing
	s.notifyLocked()
	return s.users[u.ID].public(), nil
}

// Users lists the simulated users in the order they appeared.
func (s *Sim) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, s.users[id].public())
	}
	return out
}

// Messages returns what the bot delivered to the user, oldest first.
func (s *Sim) Messages(userID string) []Delivered {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[userID]
	if !ok {
		return nil
	}
	return append([]Delivered(nil), u.delivered...)
}

// WaitMessages waits until the bot has delivered at least n messages to the
// user and returns all of them, or returns ctx's error with what arrived.
func (s *Sim) WaitMessages(ctx context.Context, userID string, n int) ([]Delivered, error) {
	for {
		s.mu.Lock()
		var got []Delivered
		if u, ok := s.users[userID]; ok {
			got = append(got, u.delivered...)
		}
		changed := s.changed
		s.mu.Unlock()
		if len(got) >= n {
			return got, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return got, fmt.Errorf("linesim: wait for %d messages to %s, have %d: %w", n, userID, len(got), ctx.Err())
		}
	}
}

// userLocked returns the user, creating an unnamed one if needed. s.mu must
// be held.
func (s *Sim) userLocked(id string) *user {
	u, ok := s.users[id]
	if !ok {
		u = &user{id: id, state: stateNew, implicit: true}
		s.users[id] = u
		s.order = append(s.order, id)
	}
	return u
}

// appendLocked adds an entry to the user's chat. s.mu must be held.
func (s *Sim) appendLocked(u *user, e entry) entry {
	u.seq++
	e.Seq = u.seq
	e.At = s.now()
	u.timeline = append(u.timeline, e)
	s.notifyLocked()
	return e
}

// deliverLocked records a message from the bot. Blocked users get nothing,
// as on LINE, where the API still answers 200. s.mu must be held.
func (s *Sim) deliverLocked(userID, via string, m outgoing) {
	u := s.userLocked(userID)
	if u.state == stateBlocked {
		return
	}
	e := s.appendLocked(u, entry{From: fromBot, Kind: m.desc.Type, Via: via, Message: m.raw})
	d := m.desc
	d.Seq, d.Via, d.At, d.Raw = e.Seq, via, e.At, m.raw
	// Each recipient of a multicast gets its own copy to read or change.
	d.Buttons, d.QuickReplies = slices.Clone(d.Buttons), slices.Clone(d.QuickReplies)
	u.delivered = append(u.delivered, d)
	// A message ends the loading animation on LINE too.
	u.loadingUntil = time.Time{}
}

func (u *user) public() User {
	name := u.name
	if name == "" {
		name = u.id
	}
	return User{ID: u.id, DisplayName: name, State: u.state, Messages: len(u.delivered)}
}
