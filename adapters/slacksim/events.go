package slacksim

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/google/uuid"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// appHomeOpened is the app_home_opened event. slackevents has the type,
// but its view is a *slack.View, which would add the fields of an API
// answer ("ok", "error") to the view Slack sends; the view here is the one
// the simulator keeps, as Slack shows it.
type appHomeOpened struct {
	Type    string          `json:"type"`
	User    string          `json:"user"`
	Channel string          `json:"channel"`
	Tab     string          `json:"tab"`
	View    json.RawMessage `json:"view,omitempty"`
	EventTS string          `json:"event_ts"`
}

// dmEvent is the message.im event of a person's message: the text also as
// a rich_text block, as Slack's clients send it.
func dmEvent(m *Message) slackevents.MessageEvent {
	return slackevents.MessageEvent{
		ClientMsgID: uuid.NewString(),
		Type:        "message",
		User:        m.User,
		Text:        m.Text,
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewRichTextBlock(newBlockID(),
			slack.NewRichTextSection(slack.NewRichTextSectionTextElement(m.Text, nil)))}},
		TimeStamp:      m.TS,
		Channel:        m.Channel,
		ChannelType:    kindIM,
		EventTimeStamp: m.TS,
	}
}

// sendEvent posts one event_callback to the service's /slack/events and
// keeps it for Redeliver. A failure is noted in the conversation so the
// page shows that the service did not take it.
func (s *Sim) sendEvent(ctx context.Context, personID, channelID string, inner any) error {
	innerJSON, err := json.Marshal(inner)
	if err != nil {
		return fmt.Errorf("slacksim: encode event: %w", err)
	}
	raw := json.RawMessage(innerJSON)
	now := s.now()
	outer := slackevents.EventsAPICallbackEvent{
		Type:         string(slackevents.CallbackEvent),
		Token:        "simulated-verification-token",
		TeamID:       TeamID,
		APIAppID:     AppID,
		InnerEvent:   &raw,
		EventID:      newID("Ev"),
		EventTime:    int(now.Unix()),
		EventContext: "4-" + base64.RawURLEncoding.EncodeToString([]byte(`{"et":"event","tid":"`+TeamID+`","aid":"`+AppID+`"}`)),
		Authorizations: []slack.EventAuthorization{
			{TeamID: TeamID, UserID: BotUserID, IsBot: true},
		},
	}
	body, err := json.Marshal(outer)
	if err != nil {
		return fmt.Errorf("slacksim: encode event: %w", err)
	}
	s.mu.Lock()
	s.last = &sentEvent{body: body}
	s.mu.Unlock()
	return s.deliverEvent(ctx, personID, channelID, body, nil)
}

func (s *Sim) deliverEvent(ctx context.Context, personID, channelID string, body []byte, header http.Header) error {
	a, err := s.post(ctx, PathEvents, "application/json", body, header)
	if err == nil {
		err = a.check(PathEvents)
	}
	if err != nil {
		s.mu.Lock()
		s.noteLocked(channelID, personID, "イベントがアプリに届きませんでした: "+err.Error())
		s.mu.Unlock()
		return fmt.Errorf("slacksim: event: %w", err)
	}
	return nil
}

// Redeliver posts the last event again as Slack's retry does: the same
// body and event_id, with X-Slack-Retry-Num and X-Slack-Retry-Reason.
func (s *Sim) Redeliver(ctx context.Context) error {
	s.mu.Lock()
	last := s.last
	if last == nil {
		s.mu.Unlock()
		return fmt.Errorf("slacksim: redeliver: %w event sent yet", ErrNoService)
	}
	last.retries++
	header := http.Header{
		"X-Slack-Retry-Num":    {strconv.Itoa(last.retries)},
		"X-Slack-Retry-Reason": {"http_timeout"},
	}
	body := last.body
	s.mu.Unlock()
	a, err := s.post(ctx, PathEvents, "application/json", body, header)
	if err == nil {
		err = a.check(PathEvents)
	}
	if err != nil {
		return fmt.Errorf("slacksim: redeliver: %w", err)
	}
	return nil
}
