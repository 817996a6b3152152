package slack

import (
	"context"
	"fmt"
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
	maxActions     = 25
)

// Sender delivers outbox entries to Slack people as DMs rendered in Block
// Kit: texts as sections, cards as a header, a section and fields, choices
// and card buttons as buttons whose value is the postback data.
type Sender struct{ n *Notifier }

// NewSender returns a Sender posting through n's client.
func NewSender(n *Notifier) *Sender { return &Sender{n: n} }

// Send posts the entry's messages in one DM. Slack has no retry key: a
// retried entry after a 5xx may post twice, which the worker accepts for
// conversation replies (a 429 posts nothing and is safe).
func (s *Sender) Send(ctx context.Context, out bot.Outgoing, _ int) error {
	if out.Kind != bot.OutMessages {
		return &bot.SendError{Permanent: true, Err: fmt.Errorf("slack send %s: kind %q is not sent as messages", out.ID, out.Kind)}
	}
	text, blocks := Render(out.Messages)
	if len(blocks) == 0 {
		return nil
	}
	parts := strings.SplitN(out.To, ":", 3)
	if len(parts) != 3 || parts[0] != bot.PlatformSlack {
		return &bot.SendError{Permanent: true, Err: fmt.Errorf("slack send %s: %q is not a Slack profile", out.ID, out.To)}
	}
	ch, _, _, err := s.n.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{parts[2]}})
	if err != nil {
		return classify(err)
	}
	_, _, err = s.n.api.PostMessageContext(ctx, ch.ID, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
	return classify(err)
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
				els = append(els, slack.NewButtonBlockElement(fmt.Sprintf("tsunagu-%d", action), c.Data, plain(c.Label, maxButtonText)))
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
				fields = append(fields, slack.NewTextBlockObject(slack.MarkdownType, "*"+escape(f.Label)+"*\n"+escape(f.Value), false, false))
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
