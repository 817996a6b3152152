package bot

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Talk is a conversation between a person and the coordinators (「担当者と
// 話したい」). It lives in the person's conversation state, so it is
// committed with what the person said and deleted with them.
type Talk struct {
	Open     bool          `json:"open"`
	OpenedAt time.Time     `json:"opened_at"`
	ClosedAt *time.Time    `json:"closed_at,omitempty"`
	Messages []TalkMessage `json:"messages,omitempty"`
}

// TalkMessage is one message of a Talk.
type TalkMessage struct {
	// From is TalkFromPerson, TalkFromCoordinator or TalkFromBot.
	From string    `json:"from"`
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

// Who wrote a TalkMessage.
const (
	TalkFromPerson      = "person"
	TalkFromCoordinator = "coordinator"
	TalkFromBot         = "bot"
)

// Bounds of a Talk: the newest messages are kept, each cut to a length a
// chat message has.
const (
	maxTalkMessages = 100
	maxTalkText     = 2000
)

// TalkRetention is how long a closed conversation is kept before it is
// removed: long enough to look something up, no longer.
const TalkRetention = 30 * 24 * time.Hour

func (t *turn) talkOpen() bool { return t.conv.Talk != nil && t.conv.Talk.Open }

// coordinatorSpokeLast reports an open talk whose last word, the bot's
// aside, is a coordinator's: what the person says next answers them.
func (t *turn) coordinatorSpokeLast() bool {
	if !t.talkOpen() {
		return false
	}
	ms := t.conv.Talk.Messages
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].From != TalkFromBot {
			return ms[i].From == TalkFromCoordinator
		}
	}
	return false
}

// record adds a message to the open talk, keeping the newest.
func (t *turn) record(from, text string) {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > maxTalkText {
		text = string([]rune(text)[:maxTalkText])
	}
	tk := t.conv.Talk
	tk.Messages = append(tk.Messages, TalkMessage{From: from, Text: text, At: t.now})
	if n := len(tk.Messages); n > maxTalkMessages {
		tk.Messages = append([]TalkMessage(nil), tk.Messages[n-maxTalkMessages:]...)
	}
	t.changed = true
}

// openTalk starts a conversation with the coordinators, or keeps the one
// that is open.
func (t *turn) openTalk() {
	if t.talkOpen() {
		if t.in.Kind == EventText {
			t.forwardToCoordinators()
			return
		}
		t.text(ja.HandoffAlready)
		return
	}
	t.conv.Talk = &Talk{Open: true, OpenedAt: t.now}
	t.changed = true
	said := ""
	if t.in.Kind == EventText {
		said = t.in.Text
		t.record(TalkFromPerson, said)
	}
	t.record(TalkFromBot, ja.HandoffOpened)
	t.text(ja.HandoffOpened)
	t.notify(fmt.Sprintf(ja.HandoffNotice, t.who(), quoteOr(said)))
}

// forwardToCoordinators passes what the person wrote to the coordinators of
// the open talk, instead of a re-prompt the person has already seen.
func (t *turn) forwardToCoordinators() {
	t.record(TalkFromPerson, t.in.Text)
	t.notify(fmt.Sprintf(ja.HandoffForward, t.who(), quoteOr(t.in.Text)))
	t.text(ja.HandoffForwarded)
}

// coordinatorMessage delivers a coordinator's answer to the person, opening
// a talk if none is open: a coordinator may reach out first.
func (t *turn) coordinatorMessage() {
	if t.p == nil || t.p.Status == StatusBlocked {
		return
	}
	if !t.talkOpen() {
		t.conv.Talk = &Talk{Open: true, OpenedAt: t.now}
	}
	if t.conv.Step == StepCancelTask {
		// A question the bot asked before the coordinator wrote (「…を
		// キャンセルしますか？」) is not what the next 「はい」 answers:
		// the coordinator's question is.
		t.conv.endDetour()
	}
	t.record(TalkFromCoordinator, t.in.Text)
	t.text(fmt.Sprintf(ja.FromCoordinator, strings.TrimSpace(t.in.Text)))
}

// closeTalk ends the open talk and tells the person briefly.
func (t *turn) closeTalk() {
	if t.p == nil || !t.talkOpen() {
		return
	}
	now := t.now
	t.conv.Talk.Open, t.conv.Talk.ClosedAt = false, &now
	t.record(TalkFromBot, ja.TalkClosed)
	if t.p.Status != StatusBlocked {
		t.text(ja.TalkClosed)
	}
}

// expireTalk forgets a closed talk once it is old enough.
func (t *turn) expireTalk() {
	tk := t.conv.Talk
	if t.p == nil || tk == nil || tk.Open || tk.ClosedAt == nil || t.now.Sub(*tk.ClosedAt) < TalkRetention {
		return
	}
	t.conv.Talk = nil
	t.changed = true
}

// notify queues a notice for the coordinators.
func (t *turn) notify(text string) { t.notices = append(t.notices, text) }

// who names the person for the coordinators: name and ID.
// who names the person to the coordinators: 「高橋健太さん（line:U…）」, or
// 「line:U… さん」 before they gave a name.
func (t *turn) who() string {
	if t.p != nil && t.p.Name != "" {
		return fmt.Sprintf("%s（%s）", san(t.p.Name), t.in.ProfileID)
	}
	return t.in.ProfileID + " さん"
}

func quoteOr(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ja.HandoffButtonPressed
	}
	if utf8.RuneCountInString(s) > 500 {
		s = string([]rune(s)[:500]) + "…"
	}
	return "「" + s + "」"
}

// TalkView is a person's conversation with the coordinators, as the API
// and the console show it.
type TalkView struct {
	ProfileID string        `json:"profile_id"`
	Name      string        `json:"name"`
	Open      bool          `json:"open"`
	OpenedAt  time.Time     `json:"opened_at"`
	ClosedAt  *time.Time    `json:"closed_at,omitempty"`
	Messages  []TalkMessage `json:"messages"`
}

// TalkStore lists the conversations with the coordinators.
type TalkStore interface {
	// FindTalks returns the open (or closed) conversations, oldest first.
	FindTalks(ctx context.Context, open bool) ([]TalkView, error)
	// ExpiredTalks returns the IDs of people whose conversation closed
	// before the given time.
	ExpiredTalks(ctx context.Context, closedBefore time.Time) ([]string, error)
}

// TalkService is the coordinators' side of the conversations with people:
// listing them, writing to a person, closing and forgetting them. What
// reaches a person goes through their conversation (Handle), so it is
// committed with their state and sent by the outbox.
type TalkService struct {
	// People loads a person's state; Talks lists the conversations.
	People ConversationStore
	Talks  TalkStore
	// Handle is the person's conversation (Bot.Handle, in order with the
	// person's other events).
	Handle func(ctx context.Context, in Inbound) error
	Now    func() time.Time
	NewID  func() string
}

// FindTalks returns the open (or closed) conversations with the
// coordinators.
func (s *TalkService) FindTalks(ctx context.Context, open bool) ([]TalkView, error) {
	views, err := s.Talks.FindTalks(ctx, open)
	if err != nil {
		return nil, fmt.Errorf("find talks: %w", err)
	}
	return views, nil
}

// WriteToPerson delivers a coordinator's message to the person in their
// chat, through the person's commit and the outbox, opening a conversation
// if none is open.
func (s *TalkService) WriteToPerson(ctx context.Context, profileID, text string) error {
	text = strings.TrimSpace(text)
	if err := requireText("text", text, maxTalkText, true); err != nil {
		return err
	}
	if _, err := s.talkOf(ctx, profileID); err != nil {
		return err
	}
	in := Inbound{ID: talkEventID(s.NewID()), Kind: EventCoordinatorMessage, ProfileID: profileID, Text: text, At: s.Now()}
	if err := s.Handle(ctx, in); err != nil {
		return fmt.Errorf("write to %s: %w", profileID, err)
	}
	return nil
}

// CloseTalk closes the person's open conversation; ECONFLICT if none is
// open.
func (s *TalkService) CloseTalk(ctx context.Context, profileID string) error {
	tk, err := s.talkOf(ctx, profileID)
	if err != nil {
		return err
	}
	if tk == nil || !tk.Open {
		return Errorf(ECONFLICT, "%s has no open conversation", profileID)
	}
	in := Inbound{ID: talkEventID(s.NewID()), Kind: EventTalkClose, ProfileID: profileID, At: s.Now()}
	if err := s.Handle(ctx, in); err != nil {
		return fmt.Errorf("close talk %s: %w", profileID, err)
	}
	return nil
}

// ExpireTalks forgets the conversations closed more than TalkRetention ago.
func (s *TalkService) ExpireTalks(ctx context.Context) (int, error) {
	ids, err := s.Talks.ExpiredTalks(ctx, s.Now().Add(-TalkRetention))
	if err != nil {
		return 0, fmt.Errorf("expire talks: %w", err)
	}
	for _, id := range ids {
		if err := s.Handle(ctx, Inbound{ID: talkEventID(s.NewID()), Kind: EventTalkExpire, ProfileID: id, At: s.Now()}); err != nil {
			return 0, fmt.Errorf("expire talk %s: %w", id, err)
		}
	}
	return len(ids), nil
}

// talkOf returns the person's talk (nil if none), or ENOTFOUND.
func (s *TalkService) talkOf(ctx context.Context, profileID string) (*Talk, error) {
	if err := ValidateProfileID(profileID); err != nil {
		return nil, Errorf(ENOTFOUND, "no profile %s", profileID)
	}
	snap, err := s.People.Load(ctx, profileID, "")
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", profileID, err)
	}
	if snap.Profile == nil {
		return nil, Errorf(ENOTFOUND, "no profile %s", profileID)
	}
	return snap.Conv.Talk, nil
}
