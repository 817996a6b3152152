// Package slack is tsunagu's Slack app: the signed endpoints Slack calls
// (events, interactions, slash commands), the forms and the App Home, and
// the senders that post what the outbox holds.
package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"golang.org/x/time/rate"

	"tsunagu/adapters/broadcast"
	"tsunagu/bot"
)

// outboxMark names the message metadata carrying the outbox entry's ID.
const outboxMark = "tsunagu_outbox"

// historyDepth is how many recent messages a retry looks through for its
// own post.
const historyDepth = 50

// Pacing of chat.postMessage: Slack allows about one message a second per
// channel, with short bursts.
const (
	channelRate  = rate.Limit(1)
	channelBurst = 3
	pacerIdle    = 10 * time.Minute
)

// webAPI is the part of Slack's Web API this adapter calls; slack-go's
// *slack.Client is it.
type webAPI interface {
	PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error)
	GetConversationHistoryContext(ctx context.Context, params *slack.GetConversationHistoryParameters) (*slack.GetConversationHistoryResponse, error)
	OpenConversationContext(ctx context.Context, params *slack.OpenConversationParameters) (*slack.Channel, bool, bool, error)
	PublishViewContext(ctx context.Context, req slack.PublishViewContextRequest) (*slack.ViewResponse, error)
	GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (*slack.User, error)
	OpenViewContext(ctx context.Context, triggerID string, view slack.ModalViewRequest) (*slack.ViewResponse, error)
	GetUsersInConversationContext(ctx context.Context, params *slack.GetUsersInConversationParameters) ([]string, string, error)
	DeleteMessageContext(ctx context.Context, channel, messageTimestamp string) (string, string, error)
}

// Client is the Slack connection the adapter's parts share: the Web API,
// posts paced per channel and marked so a retry never posts twice, and
// broadcast DMs.
type Client struct {
	api    webAPI
	hc     *http.Client
	apiURL string
	pace   *pacer
}

// NewClient returns a Client calling the Web API at apiURL (with a trailing
// slash) with token.
func NewClient(apiURL, token string, hc *http.Client) *Client {
	return &Client{
		api:    slack.New(token, slack.OptionAPIURL(apiURL), slack.OptionHTTPClient(hc)),
		hc:     hc,
		apiURL: apiURL,
		pace:   &pacer{limits: map[string]*channelLimit{}},
	}
}

// Notifier posts outbox entries addressed to bot.CoordinatorID to the
// coordinator channel, and takes back those a deletion retracts.
type Notifier struct {
	c       *Client
	channel string
	posts   PostRecorder
}

// PostRecorder remembers which posts speak of whom (the Redis store), so
// that deleting a person takes their posts back.
type PostRecorder interface {
	RecordPost(ctx context.Context, about []string, ref string) error
}

// NewNotifier returns a Notifier posting to channel through c and
// recording in posts (if not nil) the posts about people.
func NewNotifier(c *Client, channel string, posts PostRecorder) *Notifier {
	return &Notifier{c: c, channel: channel, posts: posts}
}

// Send posts the entry's texts to the coordinator channel, once; an
// OutRetract entry deletes the post it names.
func (n *Notifier) Send(ctx context.Context, out bot.Outgoing, attempt int) error {
	if out.Kind == bot.OutRetract {
		return n.retract(ctx, out.Retract)
	}
	var texts []string
	for _, m := range out.Messages {
		if m.Text != "" {
			texts = append(texts, m.Text)
		}
	}
	// Notices name people, whose names must not ping the channel or link.
	channel, ts, err := n.c.post(ctx, n.channel, out.ID, attempt, slack.MsgOptionText(escape(strings.Join(texts, "\n")), false))
	if err != nil || len(out.About) == 0 || n.posts == nil || ts == "" {
		return err
	}
	if err := n.posts.RecordPost(ctx, out.About, channel+"/"+ts); err != nil {
		// Posted: a retry would not post again, and would record then.
		return &bot.SendError{Err: err}
	}
	return nil
}

// retract deletes the post ref ("<channel>/<ts>"); one already gone is
// fine.
func (n *Notifier) retract(ctx context.Context, ref string) error {
	channel, ts, ok := strings.Cut(ref, "/")
	if !ok || channel == "" || ts == "" {
		return &bot.SendError{Permanent: true, Err: fmt.Errorf("retract %q: not a channel/ts", ref)}
	}
	_, _, err := n.c.api.DeleteMessageContext(ctx, channel, ts)
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && se.Err == "message_not_found" {
		return nil
	}
	return classify(err)
}

// post sends a message marked with the outbox entry's ID, and returns the
// channel's ID and the message's ts. Slack has no idempotency key and a
// 5xx or a timeout may hide a post that was made, so a retry first looks
// for the mark among the channel's latest messages and posts only if it
// is not there.
func (c *Client) post(ctx context.Context, channel, outID string, attempt int, opts ...slack.MsgOption) (channelID, ts string, err error) {
	if attempt > 0 {
		ts, found, err := c.posted(ctx, channel, outID)
		if err != nil {
			return "", "", classify(err)
		}
		if found {
			return channel, ts, nil
		}
	}
	if err := c.pace.wait(ctx, channel); err != nil {
		return "", "", &bot.SendError{Err: err}
	}
	opts = append(opts, slack.MsgOptionMetadata(slack.SlackMetadata{
		EventType: outboxMark, EventPayload: map[string]any{"outbox_id": outID},
	}))
	channelID, ts, err = c.api.PostMessageContext(ctx, channel, opts...)
	if err != nil {
		return "", "", classify(err)
	}
	return channelID, ts, nil
}

// posted reports whether a message marked with outID is among the
// channel's latest, and its ts.
func (c *Client) posted(ctx context.Context, channel, outID string) (ts string, found bool, err error) {
	h, err := c.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
		ChannelID: channel, Limit: historyDepth, IncludeAllMetadata: true,
	})
	if err != nil {
		return "", false, fmt.Errorf("history of %s: %w", channel, err)
	}
	for _, m := range h.Messages {
		if m.Metadata.EventType == outboxMark && m.Metadata.EventPayload["outbox_id"] == outID {
			return m.Timestamp, true, nil
		}
	}
	return "", false, nil
}

// transient are the ok:false errors worth trying again.
var transient = map[string]bool{
	"internal_error": true, "fatal_error": true, "service_unavailable": true, "request_timeout": true, "ratelimited": true,
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
		// Slack reports some passing trouble as ok:false too; the
		// history check keeps their retry from posting twice.
		return &bot.SendError{Status: http.StatusOK, Permanent: !transient[sr.Err], Err: fmt.Errorf("slack: %s", sr.Err)}
	}
	return &bot.SendError{Err: err}
}

// userOf returns the Slack user ID of a profile ID slack:<team>:<user>.
func userOf(profileID string) (string, error) {
	parts := strings.SplitN(profileID, ":", 3)
	if len(parts) != 3 || parts[0] != bot.PlatformSlack || parts[2] == "" {
		return "", &bot.SendError{Permanent: true, Err: fmt.Errorf("%q is not a Slack profile", profileID)}
	}
	return parts[2], nil
}

// DM sends text to a Slack profile (slack:<team>:<user>) as a direct
// message: conversations.open, then chat.postMessage marked with key.
// Broadcasts use it; they record each recipient themselves. A retry
// (attempt > 0) first looks for the mark in the conversation, like post,
// so a 5xx or a timeout that hid a delivered DM does not send it twice.
func (c *Client) DM(ctx context.Context, profileID, text, key string, attempt int) error {
	user, err := userOf(profileID)
	if err != nil {
		return err
	}
	ch, _, _, err := c.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
	if err != nil {
		return classify(err)
	}
	_, _, err = c.post(ctx, ch.ID, key, attempt, slack.MsgOptionText(text, false))
	return err
}

// broadcastRate paces broadcast DMs: Slack allows about one message a
// second per channel and a workspace-wide burst beyond that.
const broadcastRate = 10

var _ broadcast.BatchSender = (*Client)(nil)

// Limits are Slack's limits for broadcasts: one DM per request, since
// Slack has no multicast, paced within Slack's workspace burst.
func (c *Client) Limits() broadcast.Limits {
	return broadcast.Limits{Batch: 1, PerSecond: broadcastRate, InFlight: 1}
}

// SendBatch sends a broadcast text to one Slack profile as a DM (see DM:
// key marks the post, and a retry posts only if it did not land).
func (c *Client) SendBatch(ctx context.Context, to []string, text, key string, attempt int) error {
	if len(to) != 1 {
		return &bot.SendError{Permanent: true, Err: fmt.Errorf("slack broadcast %s: %d recipients in one DM", key, len(to))}
	}
	return c.DM(ctx, to[0], text, key, attempt)
}

// pacer keeps posts to each channel within Slack's rate. It is per
// process: replicas share Slack's limit, and a 429 tells them to wait.
type pacer struct {
	mu     sync.Mutex
	limits map[string]*channelLimit
	swept  time.Time
}

type channelLimit struct {
	l    *rate.Limiter
	used time.Time
}

func (p *pacer) wait(ctx context.Context, channel string) error {
	now := time.Now()
	p.mu.Lock()
	if now.Sub(p.swept) > pacerIdle {
		for ch, cl := range p.limits {
			if now.Sub(cl.used) > pacerIdle {
				delete(p.limits, ch)
			}
		}
		p.swept = now
	}
	cl := p.limits[channel]
	if cl == nil {
		cl = &channelLimit{l: rate.NewLimiter(channelRate, channelBurst)}
		p.limits[channel] = cl
	}
	cl.used = now
	p.mu.Unlock()
	return cl.l.Wait(ctx)
}
