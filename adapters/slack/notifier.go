// Package slack talks to Slack: for now it posts coordinator notices to the
// coordinator channel.
package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/slack-go/slack"

	"tsunagu/bot"
)

// Notifier posts outbox entries addressed to bot.CoordinatorID to the
// coordinator channel.
type Notifier struct {
	api     *slack.Client
	channel string
}

// NewNotifier returns a Notifier posting with token to channel through the
// Web API at apiURL (with a trailing slash).
func NewNotifier(apiURL, token, channel string, hc *http.Client) *Notifier {
	return &Notifier{
		api:     slack.New(token, slack.OptionAPIURL(apiURL), slack.OptionHTTPClient(hc)),
		channel: channel,
	}
}

// Send posts the entry's texts. Slack has no idempotency key, so a post is
// retried only when Slack said it was not taken (429 or an error before an
// answer); other failures are permanent rather than risking a double post.
func (n *Notifier) Send(ctx context.Context, out bot.Outgoing, _ int) error {
	var texts []string
	for _, m := range out.Messages {
		if m.Text != "" {
			texts = append(texts, m.Text)
		}
	}
	_, _, err := n.api.PostMessageContext(ctx, n.channel, slack.MsgOptionText(strings.Join(texts, "\n"), false))
	return classify(err)
}

// classify turns a slack-go error into nil or a *bot.SendError.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return &bot.SendError{Status: http.StatusTooManyRequests, RetryAfter: rl.RetryAfter, Err: err}
	}
	var se slack.StatusCodeError
	if errors.As(err, &se) {
		return &bot.SendError{Status: se.Code, Permanent: se.Code < 500, Err: err}
	}
	var sr slack.SlackErrorResponse
	if errors.As(err, &sr) {
		return &bot.SendError{Status: http.StatusOK, Permanent: true, Err: fmt.Errorf("slack: %s", sr.Err)}
	}
	return &bot.SendError{Err: err}
}

// DM sends text to a Slack profile (slack:<team>:<user>) as a direct
// message: conversations.open, then chat.postMessage.
func (n *Notifier) DM(ctx context.Context, profileID, text string) error {
	parts := strings.SplitN(profileID, ":", 3)
	if len(parts) != 3 || parts[0] != bot.PlatformSlack || parts[2] == "" {
		return &bot.SendError{Permanent: true, Err: fmt.Errorf("slack dm: %q is not a Slack profile", profileID)}
	}
	ch, _, _, err := n.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{parts[2]}})
	if err != nil {
		return classify(err)
	}
	if _, _, err := n.api.PostMessageContext(ctx, ch.ID, slack.MsgOptionText(text, false)); err != nil {
		return classify(err)
	}
	return nil
}
