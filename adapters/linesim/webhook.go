package linesim

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

// Errors of the user-driving methods.
var (
	// ErrBlocked: the user blocked the bot and must Follow again to talk.
	ErrBlocked = errors.New("the user has blocked the bot")
	// ErrUnknownUser: the user has never appeared in the simulator.
	ErrUnknownUser = errors.New("unknown user")
	// ErrNoWebhook: there is nothing to post or re-post.
	ErrNoWebhook = errors.New("no webhook")
	// ErrInvalid: the action itself is wrong (empty text, a bad user ID).
	ErrInvalid = errors.New("invalid")
)

// WebhookError is returned when the bot answers a webhook with a non-2xx
// status.
type WebhookError struct {
	Status int
	Body   string // the start of the answer, for the message
}

func (e *WebhookError) Error() string {
	return fmt.Sprintf("the bot answered %d: %s", e.Status, e.Body)
}

// sentWebhook is the last webhook posted, kept for Redeliver.
type sentWebhook struct {
	userID   string
	req      *webhook.CallbackRequest
	delivery *webhook.DeliveryContext
}

// Follow makes the user add the bot as a friend (or unblock it): a follow
// event with a fresh reply token. An unknown user is created; displayName,
// when set, becomes their profile name.
func (s *Sim) Follow(ctx context.Context, userID, displayName string) error {
	if !userIDPattern.MatchString(userID) {
		return fmt.Errorf("linesim: follow: %w user ID %q", ErrInvalid, userID)
	}
	s.mu.Lock()
	u := s.userLocked(userID)
	unblocked := u.state == stateBlocked
	if displayName != "" {
		u.name = displayName
	}
	if u.name == "" {
		u.name = defaultDisplayName
	}
	u.implicit = false
	u.state = stateFollowing
	s.appendLocked(u, entry{From: fromEvent, Kind: "follow"})
	token := s.issueReplyTokenLocked(userID)
	s.mu.Unlock()

	dc := &webhook.DeliveryContext{}
	return s.sendEvent(ctx, userID, "follow", &webhook.FollowEvent{
		Source:          &webhook.UserSource{UserId: userID},
		Timestamp:       s.now().UnixMilli(),
		Mode:            webhook.EventMode_ACTIVE,
		WebhookEventId:  newEventID(s.now()),
		DeliveryContext: dc,
		ReplyToken:      token,
		Follow:          &webhook.FollowDetail{IsUnblocked: unblocked},
	}, dc)
}

// Unfollow makes the user block the bot: an unfollow event, which carries no
// reply token. Messages to a blocked user are accepted and not delivered.
func (s *Sim) Unfollow(ctx context.Context, userID string) error {
	s.mu.Lock()
	u, ok := s.users[userID]
	if !ok {
		s.mu.Unlock()
		return fmt.Errorf("linesim: unfollow by %s: %w", userID, ErrUnknownUser)
	}
	u.state = stateBlocked
	u.loadingUntil = time.Time{}
	s.appendLocked(u, entry{From: fromEvent, Kind: "unfollow"})
	s.mu.Unlock()

	dc := &webhook.DeliveryContext{}
	return s.sendEvent(ctx, userID, "unfollow", &webhook.UnfollowEvent{
		Source:          &webhook.UserSource{UserId: userID},
		Timestamp:       s.now().UnixMilli(),
		Mode:            webhook.EventMode_ACTIVE,
		WebhookEventId:  newEventID(s.now()),
		DeliveryContext: dc,
	}, dc)
}

// Say makes the user send a text message.
func (s *Sim) Say(ctx context.Context, userID, text string) error {
	if n := charLen(text); n == 0 || n > maxTextLen {
		return fmt.Errorf("linesim: say: %w text: it must have 1 to %d characters, has %d", ErrInvalid, maxTextLen, n)
	}
	s.mu.Lock()
	if _, err := s.talkingUserLocked(userID); err != nil {
		s.mu.Unlock()
		return fmt.Errorf("linesim: say: %w", err)
	}
	s.appendLocked(s.users[userID], entry{From: fromUser, Kind: "text", Text: text})
	token := s.issueReplyTokenLocked(userID)
	s.messageID++
	msgID := strconv.FormatInt(s.messageID, 10)
	s.mu.Unlock()

	dc := &webhook.DeliveryContext{}
	return s.sendEvent(ctx, userID, "message", &webhook.MessageEvent{
		Source:          &webhook.UserSource{UserId: userID},
		Timestamp:       s.now().UnixMilli(),
		Mode:            webhook.EventMode_ACTIVE,
		WebhookEventId:  newEventID(s.now()),
		DeliveryContext: dc,
		ReplyToken:      token,
		Message:         &webhook.TextMessageContent{Id: msgID, Text: text, QuoteToken: randomToken(24)},
	}, dc)
}

// Tap makes the user tap a postback action with this data. The chat shows
// the action's displayText, taken from the newest message that offered it.
func (s *Sim) Tap(ctx context.Context, userID, data string) error {
	return s.tap(ctx, userID, Button{Data: data}, false)
}

// tap sends a postback. When shown is true, b carries the label and
// displayText of the button the page tapped; otherwise they are looked up.
func (s *Sim) tap(ctx context.Context, userID string, b Button, shown bool) error {
	if n := charLen(b.Data); n == 0 || n > maxPostbackData {
		return fmt.Errorf("linesim: tap: %w data: it must have 1 to %d characters, has %d", ErrInvalid, maxPostbackData, n)
	}
	s.mu.Lock()
	u, err := s.talkingUserLocked(userID)
	if err != nil {
		s.mu.Unlock()
		return fmt.Errorf("linesim: tap: %w", err)
	}
	if !shown {
		if offered, ok := offeredButton(u, b.Data); ok {
			b = offered
		}
	}
	if b.DisplayText != "" {
		s.appendLocked(u, entry{From: fromUser, Kind: "postback", Text: b.DisplayText})
	} else {
		// LINE shows nothing; the page shows a quiet note so the tap is seen.
		note := b.Label
		if note == "" {
			note = b.Data
		}
		s.appendLocked(u, entry{From: fromEvent, Kind: "postback", Text: note})
	}
	token := s.issueReplyTokenLocked(userID)
	s.mu.Unlock()

	dc := &webhook.DeliveryContext{}
	return s.sendEvent(ctx, userID, "postback", &webhook.PostbackEvent{
		Source:          &webhook.UserSource{UserId: userID},
		Timestamp:       s.now().UnixMilli(),
		Mode:            webhook.EventMode_ACTIVE,
		WebhookEventId:  newEventID(s.now()),
		DeliveryContext: dc,
		ReplyToken:      token,
		Postback:        &webhook.PostbackContent{Data: b.Data},
	}, dc)
}

// offeredButton finds the newest postback action with this data.
func offeredButton(u *user, data string) (Button, bool) {
	for i := len(u.delivered) - 1; i >= 0; i-- {
		d := u.delivered[i]
		for _, b := range append(append([]Button(nil), d.Buttons...), d.QuickReplies...) {
			if b.Data == data {
				return b, true
			}
		}
	}
	return Button{}, false
}

// Redeliver posts the last webhook again as LINE's redelivery does: the same
// events, webhookEventIds and reply tokens, with deliveryContext.isRedelivery
// set.
func (s *Sim) Redeliver(ctx context.Context) error {
	s.mu.Lock()
	last := s.last
	if last == nil {
		s.mu.Unlock()
		return fmt.Errorf("linesim: redeliver: %w", ErrNoWebhook)
	}
	last.delivery.IsRedelivery = true
	body, err := json.Marshal(last.req)
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("linesim: redeliver: encode webhook: %w", err)
	}
	if err := s.postSigned(ctx, body); err != nil {
		return fmt.Errorf("linesim: redeliver to %s: %w", last.userID, err)
	}
	return nil
}

// PostRaw posts body to the webhook URL with signature as X-Line-Signature
// (left out when empty) and returns the bot's answer, whatever its status;
// the caller closes its body. It is for tests of bad signatures and bodies;
// Sign gives the right signature.
func (s *Sim) PostRaw(ctx context.Context, body []byte, signature string) (*http.Response, error) {
	resp, err := s.post(ctx, body, signature)
	if err != nil {
		return nil, fmt.Errorf("linesim: %w", err)
	}
	return resp, nil
}

// post posts body to the webhook URL.
func (s *Sim) post(ctx context.Context, body []byte, signature string) (*http.Response, error) {
	s.mu.Lock()
	url := s.webhookURL
	s.mu.Unlock()
	if url == "" {
		return nil, fmt.Errorf("post webhook: %w URL set", ErrNoWebhook)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("post webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "LineBotWebhook/2.0")
	if signature != "" {
		req.Header.Set("X-Line-Signature", signature)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("post webhook: %w", err)
	}
	return resp, nil
}

// Sign returns the X-Line-Signature of body: base64(HMAC-SHA256(secret, body)).
func (s *Sim) Sign(body []byte) string {
	mac := hmac.New(sha256.New, []byte(s.secret))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// sendEvent posts one event in its own webhook, as LINE does for one-to-one
// chats, and keeps it for Redeliver. A failure is also noted in the chat so
// the page shows that the bot did not take it.
func (s *Sim) sendEvent(ctx context.Context, userID, what string, ev webhook.EventInterface, dc *webhook.DeliveryContext) error {
	req := &webhook.CallbackRequest{Destination: s.destination, Events: []webhook.EventInterface{ev}}
	body, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("linesim: %s by %s: encode webhook: %w", what, userID, err)
	}
	s.mu.Lock()
	s.last = &sentWebhook{userID: userID, req: req, delivery: dc}
	s.mu.Unlock()
	if err := s.postSigned(ctx, body); err != nil {
		s.mu.Lock()
		s.appendLocked(s.userLocked(userID), entry{From: fromEvent, Kind: "error", Text: err.Error()})
		s.mu.Unlock()
		return fmt.Errorf("linesim: %s by %s: %w", what, userID, err)
	}
	return nil
}

// postSigned posts a signed body and wants a 2xx answer.
func (s *Sim) postSigned(ctx context.Context, body []byte) error {
	resp, err := s.post(ctx, body, s.Sign(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	start, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	// Drain the rest so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return &WebhookError{Status: resp.StatusCode, Body: string(bytes.TrimSpace(start))}
	}
	return nil
}

// talkingUserLocked returns the user about to send something, created if
// unknown (a person may write to an account before adding it). s.mu must
// be held.
func (s *Sim) talkingUserLocked(userID string) (*user, error) {
	if !userIDPattern.MatchString(userID) {
		return nil, fmt.Errorf("%w user ID %q", ErrInvalid, userID)
	}
	u := s.userLocked(userID)
	if u.state == stateBlocked {
		return nil, fmt.Errorf("%s: %w", userID, ErrBlocked)
	}
	if u.name == "" {
		u.name = defaultDisplayName
	}
	u.implicit = false
	return u, nil
}

// issueReplyTokenLocked issues a reply token for one event and forgets the
// expired ones. s.mu must be held.
func (s *Sim) issueReplyTokenLocked(userID string) string {
	now := s.now()
	for t, rt := range s.replyTok {
		if now.Sub(rt.issued) >= replyTokenTTL {
			delete(s.replyTok, t)
		}
	}
	t := randomHex(16)
	s.replyTok[t] = replyToken{userID: userID, issued: now}
	return t
}
