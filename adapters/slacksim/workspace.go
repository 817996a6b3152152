package slacksim

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Person is a simulated member of the workspace.
type Person struct {
	ID          string `json:"id"`
	RealName    string `json:"realName"`
	DisplayName string `json:"displayName"`
	// Coordinator is set for members of the coordinator channel.
	Coordinator bool `json:"coordinator"`
}

// Name is what Slack shows for the person: the display name, else the real
// name.
func (p Person) Name() string {
	if p.DisplayName != "" {
		return p.DisplayName
	}
	return p.RealName
}

// person is a simulated member's state.
type person struct {
	Person
	modals []string // view IDs of the open modal stack, root first
	home   string   // view ID of the published Home tab
}

// Channel kinds.
const (
	kindChannel = "channel"
	kindIM      = "im"
)

// channel is a conversation: a public channel or the DM between a person
// and the bot.
type channel struct {
	id      string
	name    string
	purpose string
	kind    string
	user    string   // the person of a DM
	members []string // people, in join order; the bot is always a member
	msgs    []*Message
}

func (c *channel) join(personID string) {
	if !slices.Contains(c.members, personID) {
		c.members = append(c.members, personID)
	}
}

func (c *channel) isMember(personID string) bool {
	return personID == BotUserID || slices.Contains(c.members, personID)
}

// Metadata is the metadata an app attaches to a message.
type Metadata struct {
	EventType    string         `json:"event_type"`
	EventPayload map[string]any `json:"event_payload"`
}

// Message is one message in a conversation, as the workspace keeps it.
type Message struct {
	Channel string `json:"channel"`
	TS      string `json:"ts"`
	// User is who wrote it: a person, or BotUserID for the app.
	User   string          `json:"user"`
	Text   string          `json:"text,omitempty"`
	Blocks json.RawMessage `json:"blocks,omitempty"`
	// Metadata is what chat.postMessage attached, if anything.
	Metadata *Metadata `json:"metadata,omitempty"`
	// Ephemeral messages are seen by VisibleTo only and are not in the
	// channel's history.
	Ephemeral bool   `json:"ephemeral,omitempty"`
	VisibleTo string `json:"visibleTo,omitempty"`
	// Via says how it came: "chat.postMessage", "chat.postEphemeral",
	// "command" (the answer to a slash command), "response_url", "person".
	Via string `json:"via"`
	// Command is the slash command a "command" answer or an in_channel
	// response answers, for the page to show with it.
	Command string `json:"command,omitempty"`
	// Note marks the simulator's own remarks (a request the service
	// refused, a slow answer): shown on the page, never part of Slack.
	Note   bool      `json:"note,omitempty"`
	Edited bool      `json:"edited,omitempty"`
	At     time.Time `json:"at"`
}

// Button is one button of a message or view.
type Button struct {
	BlockID  string
	ActionID string
	Text     string
	Value    string
	Style    string
	URL      string
}

// Buttons lists the message's buttons in reading order.
func (m Message) Buttons() []Button { return blockButtons(m.Blocks) }

// AllText is the message's text and every text of its blocks, one per line:
// what a test looks for words in.
func (m Message) AllText() string {
	parts := []string{m.Text}
	parts = append(parts, blockTexts(m.Blocks)...)
	return strings.Join(parts, "\n")
}

var personIDPattern = regexp.MustCompile(`^[UW][A-Z0-9]{2,20}$`)

// AddPerson adds a member to the workspace (and #general); coordinator
// also adds them to the coordinator channel. An empty id gets a Slack-like
// one; an existing id is renamed where names are given.
func (s *Sim) AddPerson(id, realName, displayName string, coordinator bool) (Person, error) {
	if id == "" {
		id = newID("U")
	}
	if !personIDPattern.MatchString(id) || id == BotUserID {
		return Person{}, fmt.Errorf("slacksim: add person: %w user ID %q (U and 2 to 20 capitals or digits)", ErrInvalid, id)
	}
	realName, displayName = strings.TrimSpace(realName), strings.TrimSpace(displayName)
	if realName == "" && displayName == "" {
		return Person{}, fmt.Errorf("slacksim: add person: %w: a name is needed", ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.addPersonLocked(id, realName, displayName)
	if coordinator {
		s.channels[CoordinatorChannel].join(id)
	}
	s.notifyLocked()
	return s.publicLocked(p), nil
}

// addPersonLocked creates or renames a person. s.mu must be held.
func (s *Sim) addPersonLocked(id, realName, displayName string) *person {
	p, ok := s.people[id]
	if !ok {
		p = &person{Person: Person{ID: id}}
		s.people[id] = p
		s.order = append(s.order, id)
		s.channels[GeneralChannel].join(id)
	}
	if realName != "" {
		p.RealName = realName
	}
	if displayName != "" {
		p.DisplayName = displayName
	}
	if p.RealName == "" {
		p.RealName = p.DisplayName
	}
	return p
}

func (s *Sim) addChannelLocked(id, name, purpose string) {
	s.channels[id] = &channel{id: id, name: name, purpose: purpose, kind: kindChannel}
	s.chanOrder = append(s.chanOrder, id)
}

// publicLocked describes a person. s.mu must be held.
func (s *Sim) publicLocked(p *person) Person {
	out := p.Person
	out.Coordinator = s.channels[CoordinatorChannel].isMember(p.ID)
	return out
}

// People lists the members in the order they joined.
func (s *Sim) People() []Person {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Person, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, s.publicLocked(s.people[id]))
	}
	return out
}

// DMChannel is the ID of the DM between the person and the bot: D and the
// user ID, stable for the workspace.
func DMChannel(personID string) string { return "D" + personID }

// dmLocked returns the person's DM with the bot, opening it on first use.
// s.mu must be held.
func (s *Sim) dmLocked(personID string) *channel {
	id := DMChannel(personID)
	c, ok := s.channels[id]
	if !ok {
		c = &channel{id: id, kind: kindIM, user: personID, members: []string{personID}}
		s.channels[id] = c
	}
	return c
}

// channelLocked finds a conversation by ID; a DM channel of a known person
// is opened on demand. s.mu must be held.
func (s *Sim) channelLocked(id string) (*channel, bool) {
	if c, ok := s.channels[id]; ok {
		return c, true
	}
	if user, ok := strings.CutPrefix(id, "D"); ok {
		if _, known := s.people[user]; known {
			return s.dmLocked(user), true
		}
	}
	return nil, false
}

// Messages returns the messages of a conversation, oldest first, ephemeral
// ones included, the simulator's notes left out.
func (s *Sim) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.messagesLocked(channelID)
}

func (s *Sim) messagesLocked(channelID string) []Message {
	c, ok := s.channels[channelID]
	if !ok {
		return nil
	}
	var out []Message
	for _, m := range c.msgs {
		if !m.Note {
			out = append(out, *m)
		}
	}
	return out
}

// Notes returns the simulator's remarks in a conversation: requests the
// service refused or answered late.
func (s *Sim) Notes(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	if c, ok := s.channels[channelID]; ok {
		for _, m := range c.msgs {
			if m.Note {
				out = append(out, *m)
			}
		}
	}
	return out
}

// WaitMessages waits until the conversation has at least n messages (as
// Messages counts them) and returns all of them, or returns ctx's error
// with what is there.
func (s *Sim) WaitMessages(ctx context.Context, channelID string, n int) ([]Message, error) {
	for {
		s.mu.Lock()
		got := s.messagesLocked(channelID)
		changed := s.changed
		s.mu.Unlock()
		if len(got) >= n {
			return got, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return got, fmt.Errorf("slacksim: wait for %d messages in %s, have %d: %w", n, channelID, len(got), ctx.Err())
		}
	}
}

// postLocked adds a message to a conversation and returns it. s.mu must be
// held.
func (s *Sim) postLocked(c *channel, m Message) *Message {
	m.Channel = c.id
	m.TS = s.tsLocked()
	m.At = s.now()
	mp := &m
	c.msgs = append(c.msgs, mp)
	s.notifyLocked()
	return mp
}

// noteLocked leaves a remark of the simulator for the person in a
// conversation. s.mu must be held.
func (s *Sim) noteLocked(channelID, personID, text string) {
	c, ok := s.channelLocked(channelID)
	if !ok {
		c = s.dmLocked(personID)
	}
	s.postLocked(c, Message{User: "", Text: text, Ephemeral: true, VisibleTo: personID, Via: "sim", Note: true})
}

// findMessageLocked finds a message by conversation and ts. s.mu must be
// held.
func (s *Sim) findMessageLocked(channelID, ts string) (*channel, int, bool) {
	c, ok := s.channels[channelID]
	if !ok {
		return nil, 0, false
	}
	for i, m := range c.msgs {
		if m.TS == ts {
			return c, i, true
		}
	}
	return c, 0, false
}
