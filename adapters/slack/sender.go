package slack

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"tsunagu/bot"
)

// Block Kit limits the renderer keeps to.
const (
	maxButtonText  = 75
	maxHeaderText  = 150
	maxSectionText = 3000
	maxFields      = 10
	maxFieldText   = 2000
	maxActions     = 25
)

// HomeSource builds a person's home screen (the bot).
type HomeSource interface {
	Home(ctx context.Context, profileID string) ([]bot.Message, error)
}

// Sender delivers outbox entries to Slack people: messages as DMs rendered
// in Block Kit (texts as sections, cards as a header, a section and fields,
// choices and card buttons as buttons whose value is the postback data),
// the App Home, and answers to interactions at their response_url.
type Sender struct {
	c    *Client
	home HomeSource
}

// NewSender returns a Sender posting through c; home builds the App Home.
func NewSender(c *Client, home HomeSource) *Sender { return &Sender{c: c, home: home} }

// Send delivers one entry. Messages are posted once even when retried (see
// Notifier.post); views.publish replaces the whole Home, so it is safe to
// repeat.
func (s *Sender) Send(ctx context.Context, out bot.Outgoing, attempt int) error {
	user, err := userOf(out.To)
	if err != nil {
		return err
	}
	switch out.Kind {
	case bot.OutMessages:
		text, blocks := Render(out.Messages)
		if len(blocks) == 0 {
			return nil
		}
		ch, _, _, err := s.c.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
		if err != nil {
			return classify(err)
		}
		_, _, err = s.c.post(ctx, ch.ID, out.ID, attempt, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
		return err
	case bot.OutHome:
		msgs, err := s.home.Home(ctx, out.To)
		if err != nil {
			return &bot.SendError{Err: err}
		}
		_, err = s.c.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: homeView(msgs)})
		return classify(err)
	case bot.OutRespond:
		return s.respond(ctx, out)
	}
	return &bot.SendError{Permanent: true, Err: fmt.Errorf("slack send %s: kind %q is not sent", out.ID, out.Kind)}
}

// respond replaces the message a person interacted with. The URL came in a
// signed request; it must still point at Slack (or the configured API
// host), so an entry can never make the service post elsewhere.
func (s *Sender) respond(ctx context.Context, out bot.Outgoing) error {
	u, err := url.Parse(out.ResponseURL)
	api, _ := url.Parse(s.c.apiURL)
	if err != nil || !(u.Scheme == "https" && u.Host == "hooks.slack.com" || api != nil && u.Host == api.Host && u.Scheme == api.Scheme) {
		return &bot.SendError{Permanent: true, Err: fmt.Errorf("slack respond %s: response URL is not Slack's", out.ID)}
	}
	text, blocks := Render(out.Messages)
	msg := &slack.WebhookMessage{Text: text, ReplaceOriginal: true, ResponseType: slack.ResponseTypeEphemeral}
	if len(blocks) > 0 {
		msg.Blocks = &slack.Blocks{BlockSet: blocks}
	}
	return classify(slack.PostWebhookCustomHTTPContext(ctx, out.ResponseURL, s.c.hc, msg))
}

// LookupName fetches a person's Slack name, offered as their name during
// the chat registration.
func (s *Sender) LookupName(ctx context.Context, profileID string) (string, error) {
	user, err := userOf(profileID)
	if err != nil {
		return "", err
	}
	u, err := s.c.api.GetUserInfoContext(ctx, user)
	if err != nil {
		return "", classify(err)
	}
	for _, name := range []string{u.Profile.DisplayName, u.Profile.RealName, u.RealName} {
		if name = strings.TrimSpace(name); name != "" {
			return name, nil
		}
	}
	return "", nil
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func plain(s string, n int) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, clip(s, n), false, false)
}

// escape keeps people's text from being read as Slack markup.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// Render turns neutral messages into Block Kit, with a plain-text fallback
// for notifications.
func Render(msgs []bot.Message) (string, []slack.Block) {
	var (
		blocks   []slack.Block
		fallback []string
		action   int
	)
	buttons := func(choices []bot.Choice) {
		for i := 0; i < len(choices); i += maxActions {
			var els []slack.BlockElement
			for _, c := range choices[i:min(i+maxActions, len(choices))] {
				action++
				b := slack.NewButtonBlockElement(fmt.Sprintf("tsunagu-%d", action), c.Data, plain(c.Label, maxButtonText))
				if c.Confirm != "" {
					b.Style = slack.StyleDanger
					b.Confirm = slack.NewConfirmationBlockObject(plain(c.Label, 100), plain(c.Confirm, 300),
						plain(c.Label, 30), plain(jaSlack.Back, 30))
					b.Confirm.Style = slack.StyleDanger
				}
				els = append(els, b)
			}
			blocks = append(blocks, slack.NewActionBlock("", els...))
		}
	}
	for _, m := range msgs {
		if m.Text != "" {
			fallback = append(fallback, m.Text)
			blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, clip(escape(m.Text), maxSectionText), false, false), nil, nil))
		}
		if c := m.Card; c != nil {
			fallback = append(fallback, c.Title)
			blocks = append(blocks, slack.NewHeaderBlock(plain(c.Title, maxHeaderText)))
			var fields []*slack.TextBlockObject
			for _, f := range c.Fields[:min(len(c.Fields), maxFields)] {
				fields = append(fields, slack.NewTextBlockObject(slack.MarkdownType, clip("*"+escape(f.Label)+"*\n"+escape(f.Value), maxFieldText), false, false))
			}
			var body *slack.TextBlockObject
			if c.Body != "" {
				body = slack.NewTextBlockObject(slack.MarkdownType, clip(escape(c.Body), maxSectionText), false, false)
			}
			if body != nil || len(fields) > 0 {
				blocks = append(blocks, slack.NewSectionBlock(body, fields, nil))
			}
			if len(c.Buttons) > 0 {
				buttons(c.Buttons)
			}
		}
		if len(m.Choices) > 0 {
			buttons(m.Choices)
		}
	}
	return clip(strings.Join(fallback, "\n"), maxSectionText), blocks
}
