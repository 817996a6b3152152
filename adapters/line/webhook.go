// Package line connects the bot to the LINE Messaging API: a webhook that
// turns LINE events into bot.Inbound and a Sender that turns bot.Outgoing
// into reply and push calls.
package line

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"tsunagu/adapters/httpapi"
	"tsunagu/bot"
)

// MaxBodyBytes caps a webhook body. LINE sends at most a few events per
// request, far below this; anything bigger is not from LINE.
const MaxBodyBytes = 1 << 20

// replyWindow is how long after an event we still try its reply token. LINE
// keeps a token about a minute; the margin covers the outbox's queueing and
// clock skew so a reply is not sent with a token about to die.
const replyWindow = 50 * time.Second

// Webhook results reported to the WithResultHook hook, one per request.
const (
	ResultOK           = "ok"
	ResultBadSignature = "bad_signature"
	ResultTooLarge     = "too_large"
	ResultMalformed    = "malformed"
	ResultError        = "error"
)

// EventHandler receives the translated events of one-to-one chats, one at a
// time and in the order LINE sent them.
type EventHandler interface {
	Handle(ctx context.Context, in bot.Inbound) error
}

// Webhook is the http.Handler for LINE's webhook endpoint.
type Webhook struct {
	secret   string
	handler  EventHandler
	log      *slog.Logger
	onResult func(result string)
}

var _ http.Handler = (*Webhook)(nil)

// WebhookOption configures a Webhook.
type WebhookOption func(*Webhook)

// WithResultHook calls fn once per request with one of the Result constants,
// for metrics.
func WithResultHook(fn func(result string)) WebhookOption {
	return func(w *Webhook) { w.onResult = fn }
}

// NewWebhook returns the handler for POST /line/webhook. It verifies the
// X-Line-Signature with the channel secret and hands each event of a
// one-to-one chat to h.
//
// Translation: follow → bot.EventFollow, unfollow → bot.EventUnfollow, a text
// message → bot.EventText, a postback → bot.EventPostback. Any other message
// (sticker, image, location, ...) becomes a bot.EventText with empty Text, so
// the bot can kindly say it only reads text. Other event types and events
// from groups or rooms are acknowledged and ignored.
func NewWebhook(secret string, h EventHandler, log *slog.Logger, opts ...WebhookOption) *Webhook {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	w := &Webhook{secret: secret, handler: h, log: log, onResult: func(string) {}}
	for _, o := range opts {
		o(w)
	}
	return w
}

// ServeHTTP answers 200 once every event is handled, 401 for a wrong or
// missing signature, 413 for a body over MaxBodyBytes, 400 for a body that is
// not a webhook, and 500 when the handler fails (LINE redelivers; the bot's
// dedupe on the event ID makes that safe).
func (wh *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// ParseRequest reads the whole body itself, with no cap.
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	cb, err := webhook.ParseRequest(wh.secret, r)
	if err != nil {
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			wh.fail(w, r, ResultTooLarge, bot.ETOOLARGE, "request body is larger than 1 MiB")
		case errors.Is(err, webhook.ErrInvalidSignature):
			wh.fail(w, r, ResultBadSignature, bot.EUNAUTHORIZED, "invalid or missing X-Line-Signature")
		default:
			// The SDK's error quotes the whole body, which may hold what
			// people wrote: log only the JSON error beneath it.
			wh.log.Debug("line webhook: malformed body", "err", errors.Unwrap(err))
			wh.fail(w, r, ResultMalformed, bot.EINVALID, "request body is not a LINE webhook")
		}
		return
	}

	for _, ev := range cb.Events {
		in, ok := translate(ev)
		if !ok {
			wh.log.Debug("line webhook: event ignored", "type", ev.GetType())
			continue
		}
		// One request's events are handled in order: they may be one
		// person's consecutive messages and the conversation is a state
		// machine. Stop at the first failure; LINE redelivers the request.
		err := wh.handler.Handle(r.Context(), in)
		if bot.ErrorCode(err) == bot.EINVALID {
			// An event the bot can never accept (an ID outside LINE's
			// form): a redelivery would fail the same way, so drop it.
			wh.log.Warn("line webhook: event refused", "event_id", in.ID, "err", err)
			continue
		}
		if err != nil {
			wh.log.Error("line webhook: handle event", "event_id", in.ID, "profile_id", in.ProfileID, "kind", in.Kind, "err", err)
			wh.fail(w, r, ResultError, bot.EINTERNAL, "internal error")
			return
		}
		wh.log.Debug("line webhook: event handled", "event_id", in.ID, "profile_id", in.ProfileID, "kind", in.Kind)
	}
	wh.onResult(ResultOK)
	w.WriteHeader(http.StatusOK)
}

// fail reports the result and answers with the API's error shape, the
// status following from the code.
func (wh *Webhook) fail(w http.ResponseWriter, r *http.Request, result, code, msg string) {
	wh.onResult(result)
	httpapi.WriteError(w, r, &bot.Error{Code: code, Message: msg})
}

// translate turns a LINE event into a bot event. ok is false for events the
// bot does not act on. The SDK decodes events as values, never pointers.
func translate(ev webhook.EventInterface) (in bot.Inbound, ok bool) {
	var (
		src   webhook.SourceInterface
		ts    int64
		id    string
		dc    *webhook.DeliveryContext
		token string
	)
	switch e := ev.(type) {
	case webhook.FollowEvent:
		src, ts, id, dc, token = e.Source, e.Timestamp, e.WebhookEventId, e.DeliveryContext, e.ReplyToken
		in.Kind = bot.EventFollow
	case webhook.UnfollowEvent:
		src, ts, id, dc = e.Source, e.Timestamp, e.WebhookEventId, e.DeliveryContext
		in.Kind = bot.EventUnfollow
	case webhook.MessageEvent:
		src, ts, id, dc, token = e.Source, e.Timestamp, e.WebhookEventId, e.DeliveryContext, e.ReplyToken
		in.Kind = bot.EventText
		if t, isText := e.Message.(webhook.TextMessageContent); isText {
			in.Text = t.Text
		}
	case webhook.PostbackEvent:
		src, ts, id, dc, token = e.Source, e.Timestamp, e.WebhookEventId, e.DeliveryContext, e.ReplyToken
		in.Kind = bot.EventPostback
		if e.Postback != nil {
			in.Data = e.Postback.Data
		}
	default:
		return bot.Inbound{}, false
	}

	// Only one-to-one chats: the bot talks to a person, never to a group.
	user, isUser := src.(webhook.UserSource)
	if !isUser || user.UserId == "" {
		return bot.Inbound{}, false
	}
	in.ProfileID = bot.PlatformLINE + ":" + user.UserId
	in.ID = id

	in.At = time.UnixMilli(ts)
	if ts <= 0 {
		// LINE always sets it; a missing one must not date the event 1970.
		in.At = time.Now()
	}
	// A redelivered event may come long after its token died; pushing is
	// the only safe way to answer it.
	if token != "" && (dc == nil || !dc.IsRedelivery) {
		in.ReplyToken = token
		in.ReplyBefore = in.At.Add(replyWindow)
	}
	return in, true
}
