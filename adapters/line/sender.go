package line

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"tsunagu/bot"
)

// DefaultAPIBaseURL is the LINE Messaging API used when NewSender gets "".
const DefaultAPIBaseURL = "https://api.line.me"

// defaultTimeout bounds a call when the caller gives no HTTP client: the
// SDK's default client waits forever.
const defaultTimeout = 10 * time.Second

// Sender delivers outbox entries to LINE and looks up display names. It is
// safe for concurrent use.
type Sender struct {
	// api is a template, never called directly: each call works on a
	// shallow copy with its own context, because the SDK's WithContext
	// stores the context in the client and would race between goroutines.
	api *messaging_api.MessagingApiAPI
	log *slog.Logger
	now func() time.Time
	// rendered remembers the encoding of messages sent to many.
	rendered *renderedMemory
}

// SenderOption configures a Sender.
type SenderOption func(*Sender)

// WithSenderLogger sets where the Sender reports messages it had to drop or
// trim. The default is slog.Default().
func WithSenderLogger(log *slog.Logger) SenderOption {
	return func(s *Sender) { s.log = log }
}

// WithSenderClock replaces time.Now, to test reply-token expiry.
func WithSenderClock(now func() time.Time) SenderOption {
	return func(s *Sender) { s.now = now }
}

// NewSender returns a Sender calling the Messaging API at baseURL (""
// means DefaultAPIBaseURL) with the channel access token. hc should carry a
// timeout; nil gets a client with a 10 s timeout.
func NewSender(baseURL, accessToken string, hc *http.Client, opts ...SenderOption) (*Sender, error) {
	if baseURL == "" {
		baseURL = DefaultAPIBaseURL
	}
	if hc == nil {
		hc = &http.Client{Timeout: defaultTimeout}
	}
	api, err := messaging_api.NewMessagingApiAPI(accessToken,
		messaging_api.WithEndpoint(baseURL), messaging_api.WithHTTPClient(hc))
	if err != nil {
		return nil, fmt.Errorf("line sender: %w", err)
	}
	s := &Sender{api: api, log: slog.Default(), now: time.Now, rendered: newRenderedMemory()}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// client returns a per-call copy of the API client bound to ctx. The copy
// is a few words and shares the http.Client, so this is cheap.
func (s *Sender) client(ctx context.Context) *messaging_api.MessagingApiAPI {
	c := *s.api
	return c.WithContext(ctx)
}

// Send delivers out.Messages, at most five per request as LINE allows. The
// first request uses the reply token when this is the first attempt and the
// token is still fresh (replies are free and not counted in the monthly
// quota); a rejected token falls back to push. Pushes carry a retry key
// derived from out.ID, so a retried Send never delivers a request twice:
// LINE answers 409 for a key it already accepted, which counts as success.
//
// One exception: when a reply succeeded and a later chunk failed, the next
// attempt pushes the first chunk again (a reply has no retry key). Only an
// entry of more than five messages can hit this.
//
// Errors are *bot.SendError: 429 and 5xx and network errors are retryable
// (429 with RetryAfter from the Retry-After header); other 4xx are
// Permanent.
func (s *Sender) Send(ctx context.Context, out bot.Outgoing, attempt int) error {
	if out.Kind != bot.OutMessages {
		return &bot.SendError{Permanent: true, Err: fmt.Errorf("line send %s: kind %q is not sent as messages", out.ID, out.Kind)}
	}
	to, err := userID(out.To)
	if err != nil {
		return &bot.SendError{Permanent: true, Err: fmt.Errorf("line send %s: %w", out.ID, err)}
	}
	msgs := s.rendered.render(out.To, out.Messages, s.log)
	if len(msgs) == 0 {
		s.log.Warn("line send: nothing to send", "outgoing_id", out.ID)
		return nil
	}
	base := s.retryBase(out.ID)
	useReply := out.ReplyToken != "" && attempt == 0 && s.now().Before(out.ReplyBefore)

	for i := 0; i*maxMessagesPerRequest < len(msgs); i++ {
		chunk := msgs[i*maxMessagesPerRequest : min((i+1)*maxMessagesPerRequest, len(msgs))]
		if i == 0 && useReply {
			replied, err := s.reply(ctx, out.ID, out.ReplyToken, chunk)
			if err != nil {
				return err
			}
			if replied {
				continue
			}
		}
		if err := s.push(ctx, fmt.Sprintf("line push %s chunk %d", out.ID, i), to, chunk, retryKey(base, i)); err != nil {
			return err
		}
	}
	return nil
}

// reply sends with the reply token. replied is false, with no error, when
// LINE rejects the request with 400: almost always an expired or used token,
// and since a 400 delivers nothing, pushing instead is safe; a message LINE
// really dislikes fails again, permanently, on the push.
func (s *Sender) reply(ctx context.Context, id, token string, msgs []messaging_api.MessageInterface) (replied bool, err error) {
	res, _, err := s.client(ctx).ReplyMessageWithHttpInfo(&messaging_api.ReplyMessageRequest{ReplyToken: token, Messages: msgs})
	if res != nil && res.StatusCode == http.StatusBadRequest {
		s.log.Debug("line reply rejected, pushing instead", "outgoing_id", id, "reason", errorMessage(res))
		return false, nil
	}
	if err := classify("line reply "+id, res, err, false); err != nil {
		return false, err
	}
	return true, nil
}

func (s *Sender) push(ctx context.Context, op, to string, msgs []messaging_api.MessageInterface, key string) error {
	res, _, err := s.client(ctx).PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: to, Messages: msgs}, key)
	return classify(op, res, err, true)
}

// LookupName returns the LINE display name of a line:<userId> profile.
// Errors are *bot.SendError, classified as for Send; a person who blocked
// the bot is a Permanent 404.
func (s *Sender) LookupName(ctx context.Context, profileID string) (string, error) {
	id, err := userID(profileID)
	if err != nil {
		return "", &bot.SendError{Permanent: true, Err: fmt.Errorf("line profile: %w", err)}
	}
	// The SDK puts the ID into the path unescaped.
	res, profile, err := s.client(ctx).GetProfileWithHttpInfo(url.PathEscape(id))
	if err := classify("line profile "+profileID, res, err, false); err != nil {
		return "", err
	}
	if profile == nil {
		// A 2xx whose body did not decode.
		return "", &bot.SendError{Status: res.StatusCode, Err: fmt.Errorf("line profile %s: unreadable response", profileID)}
	}
	return profile.DisplayName, nil
}

// userID strips the line: prefix of a profile ID.
func userID(profileID string) (string, error) {
	if err := bot.ValidateProfileID(profileID); err != nil {
		return "", err
	}
	if bot.Platform(profileID) != bot.PlatformLINE {
		return "", fmt.Errorf("profile %q is not on LINE", profileID)
	}
	return strings.TrimPrefix(profileID, bot.PlatformLINE+":"), nil
}

// retryBase is the UUID the retry keys of an entry derive from. Entry IDs
// are UUIDs; anything else is hashed into one so that it stays stable
// across retries. An empty ID cannot be made idempotent: it gets a random
// key rather than sharing one key with every other ID-less entry (LINE
// would drop them all as repeats for 24 h).
func (s *Sender) retryBase(id string) uuid.UUID {
	if u, err := uuid.Parse(id); err == nil {
		return u
	}
	if id == "" {
		s.log.Warn("line send: outgoing without ID, push is not idempotent")
		return uuid.New()
	}
	return uuid.NewSHA1(uuid.NameSpaceOID, []byte("tsunagu/outgoing/"+id))
}

// retryKey is the X-Line-Retry-Key of the chunk-th request of an entry: the
// entry's own UUID for the first, a name-based UUID for the rest, so every
// request has its own key and keeps it across retries.
func retryKey(base uuid.UUID, chunk int) string {
	if chunk == 0 {
		return base.String()
	}
	return uuid.NewSHA1(base, []byte(strconv.Itoa(chunk))).String()
}

// classify turns an SDK result into nil or a *bot.SendError whose Err names
// the operation op. It returns the *bot.SendError itself, unwrapped, so the
// outbox can inspect it with a plain type assertion too. A 2xx is
// success even when the SDK failed to decode the body: LINE took the
// request. With a retry key, 409 means LINE accepted this request before.
func classify(op string, res *http.Response, err error, withRetryKey bool) error {
	if res == nil {
		if err == nil {
			return nil
		}
		// No response: network trouble, a timeout or a cancelled context.
		return &bot.SendError{Err: fmt.Errorf("%s: %w", op, err)}
	}
	status := res.StatusCode
	switch {
	case status/100 == 2:
		return nil
	case status == http.StatusConflict && withRetryKey:
		return nil
	case status == http.StatusTooManyRequests:
		return &bot.SendError{Status: status, RetryAfter: retryAfter(res.Header.Get("Retry-After")), Err: errOf(op, err, res)}
	case status/100 == 4:
		return &bot.SendError{Status: status, Permanent: true, Err: errOf(op, err, res)}
	default:
		return &bot.SendError{Status: status, Err: errOf(op, err, res)}
	}
}

func errOf(op string, err error, res *http.Response) error {
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return fmt.Errorf("%s: %s", op, res.Status)
}

// retryAfter parses Retry-After as seconds or an HTTP date; 0 when absent
// or unreadable, which leaves the wait to the outbox's backoff.
func retryAfter(h string) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if n, err := strconv.Atoi(h); err == nil {
		if n < 0 {
			return 0
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// errorMessage reads LINE's error message from a non-2xx response, whose
// body the SDK has already buffered.
func errorMessage(res *http.Response) string {
	if res.Body == nil {
		return ""
	}
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1024))
	return string(b)
}
