package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"tsunagu/adapters/httpapi"
	"tsunagu/bot"
)

// MaxBodyBytes caps a Slack request body.
const MaxBodyBytes = 1 << 20

// coordinatorsTTL is how long the coordinator channel's members are cached.
const coordinatorsTTL = time.Minute

// Handler receives the translated events (the bot).
type Handler interface {
	Handle(ctx context.Context, in bot.Inbound) error
}

// Coordination is what coordinators create from Slack: the same services
// the REST API calls (the bot).
type Coordination interface {
	Recipients(ctx context.Context, aud bot.Audience) (bot.Recipients, error)
	CreateBroadcast(ctx context.Context, b *bot.Broadcast) (*bot.BroadcastView, error)
	CreateTask(ctx context.Context, t *bot.Task) (*bot.Task, error)
	CreateSession(ctx context.Context, s *bot.Session) (*bot.SessionView, error)
}

// ProfileFinder reads a profile to fill in the edit form.
type ProfileFinder interface {
	FindProfile(ctx context.Context, id string) (*bot.Profile, error)
}

// Enqueuer queues work for the outbox: requests are answered at once and
// whatever talks to Slack afterwards goes through it.
type Enqueuer interface {
	Enqueue(ctx context.Context, out bot.Outgoing) error
}

// DraftStore keeps an announcement until its confirm button is pressed
// (Take hands it out once) and remembers which forms were saved (Claim is
// true once per ID).
type DraftStore interface {
	Put(ctx context.Context, id string, draft []byte, ttl time.Duration) error
	Take(ctx context.Context, id string) (draft []byte, ok bool, err error)
	Claim(ctx context.Context, id string, ttl time.Duration) (bool, error)
	Release(ctx context.Context, id string) error
}

// formMemory is how long a saved form is remembered against a second
// press of its button.
const formMemory = 24 * time.Hour

// Options configure the Slack endpoints.
type Options struct {
	SigningSecret string
	// Channel is the coordinator channel: its members may run the
	// coordinator commands.
	Channel      string
	Handler      Handler
	Coordination Coordination
	Profiles     ProfileFinder
	Outbox       Enqueuer
	Drafts       DraftStore
	Catalog      *bot.Catalog
	// Location reads the dates and times of the forms (time.Local if nil).
	Location *time.Location
	Logger   *slog.Logger
	Now      func() time.Time
	NewID    func() string
}

// Webhook serves /slack/events, /slack/interactions and /slack/commands.
// Every request is verified with the signing secret (5-minute window) and
// answered at once: events become bot events committed with their replies,
// which the outbox sends. Only views.open is called inside a request, as
// its trigger is valid for three seconds.
type Webhook struct {
	Options
	api webAPI

	mu      sync.Mutex
	members map[string]bool
	fetched time.Time
}

// NewWebhook returns the Slack endpoints, calling the Web API through n's
// client.
func NewWebhook(opts Options, c *Client) *Webhook {
	if opts.Location == nil {
		opts.Location = time.Local
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Webhook{Options: opts, api: c.api}
}

// Routes returns the handlers to mount.
func (wh *Webhook) Routes() map[string]http.Handler {
	return map[string]http.Handler{
		"POST /slack/events":       http.HandlerFunc(wh.events),
		"POST /slack/interactions": http.HandlerFunc(wh.interactions),
		"POST /slack/commands":     http.HandlerFunc(wh.commands),
	}
}

// verify reads the body and checks its signature. On failure it has
// answered: 413 for a body over MaxBodyBytes, 401 for a bad, stale or
// missing signature. The body is put back for the form parsers.
func (wh *Webhook) verify(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		httpapi.WriteError(w, r, bot.Errorf(bot.ETOOLARGE, "request body is larger than 1 MiB"))
		return nil, false
	case err != nil:
		httpapi.WriteError(w, r, bot.Errorf(bot.EINVALID, "unreadable body"))
		return nil, false
	}
	sv, err := slack.NewSecretsVerifier(r.Header, wh.SigningSecret)
	if err == nil {
		_, _ = sv.Write(body)
		err = sv.Ensure()
	}
	if err != nil {
		httpapi.WriteError(w, r, bot.Errorf(bot.EUNAUTHORIZED, "invalid Slack signature"))
		return nil, false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, true
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	b, _ := json.Marshal(v)
	_, _ = w.Write(b)
}

func profileID(team, user string) string { return bot.PlatformSlack + ":" + team + ":" + user }

// events handles the Events API: the URL check, DMs to the bot and the
// App Home being opened.
func (wh *Webhook) events(w http.ResponseWriter, r *http.Request) {
	body, ok := wh.verify(w, r)
	if !ok {
		return
	}
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		httpapi.WriteError(w, r, bot.Errorf(bot.EINVALID, "malformed event"))
		return
	}
	switch ev.Type {
	case slackevents.URLVerification:
		var c slackevents.ChallengeResponse
		if err := json.Unmarshal(body, &c); err != nil {
			httpapi.WriteError(w, r, bot.Errorf(bot.EINVALID, "malformed challenge"))
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte(c.Challenge))
		return
	case slackevents.CallbackEvent:
	default:
		w.WriteHeader(http.StatusOK)
		return
	}
	cb, _ := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if cb == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	team := ev.TeamID
	if team == "" {
		team = cb.TeamID
	}
	switch inner := ev.InnerEvent.Data.(type) {
	case *slackevents.MessageEvent:
		if inner.ChannelType != "im" || inner.BotID != "" || inner.SubType != "" || inner.User == "" {
			break // not a person writing to the bot
		}
		wh.handle(w, r, bot.Inbound{ID: "slack:" + cb.EventID, Kind: bot.EventText,
			ProfileID: profileID(team, inner.User), Text: inner.Text, At: wh.Now()})
		return
	case *slackevents.AppHomeOpenedEvent:
		if inner.Tab != "home" || inner.User == "" {
			break
		}
		// Publishing is a Web API call: the outbox makes it.
		out := bot.Outgoing{ID: bot.HomeOutID(cb.EventID), Kind: bot.OutHome, To: profileID(team, inner.User), CreatedAt: wh.Now()}
		if err := wh.Outbox.Enqueue(r.Context(), out); err != nil {
			wh.Logger.ErrorContext(r.Context(), "queue home failed", "event", cb.EventID, "err", err)
			httpapi.WriteError(w, r, bot.Errorf(bot.EINTERNAL, "internal error"))
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}

func (wh *Webhook) handle(w http.ResponseWriter, r *http.Request, in bot.Inbound) {
	if err := wh.Handler.Handle(r.Context(), in); err != nil {
		// Slack retries a failed delivery with the same event_id, which
		// the bot deduplicates.
		wh.Logger.ErrorContext(r.Context(), "slack event failed", "event", in.ID, "profile", in.ProfileID, "err", err)
		httpapi.WriteError(w, r, bot.Errorf(bot.EINTERNAL, "internal error"))
		return
	}
	w.WriteHeader(http.StatusOK)
}

// isCoordinator reports whether the user is a member of the coordinator
// channel, asking Slack at most once a minute.
func (wh *Webhook) isCoordinator(ctx context.Context, user string) (bool, error) {
	if wh.Channel == "" {
		return false, nil
	}
	wh.mu.Lock()
	defer wh.mu.Unlock()
	if wh.members == nil || wh.Now().Sub(wh.fetched) > coordinatorsTTL {
		members := map[string]bool{}
		cursor := ""
		for {
			ids, next, err := wh.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: wh.Channel, Cursor: cursor, Limit: 1000})
			if err != nil {
				return false, err
			}
			for _, id := range ids {
				members[id] = true
			}
			if next == "" {
				break
			}
			cursor = next
		}
		wh.members, wh.fetched = members, wh.Now()
	}
	return wh.members[user], nil
}

// openJoin opens the join form (the edit form for someone registered) with
// the trigger of the click or command; false when Slack refused it.
func (wh *Webhook) openJoin(ctx context.Context, trigger, pid string) bool {
	p, err := wh.Profiles.FindProfile(ctx, pid)
	if err != nil && bot.ErrorCode(err) != bot.ENOTFOUND {
		wh.Logger.ErrorContext(ctx, "join form: profile", "profile", pid, "err", err)
		return false
	}
	if _, err := wh.api.OpenViewContext(ctx, trigger, joinModal(wh.Catalog, p)); err != nil {
		wh.Logger.WarnContext(ctx, "join form not opened", "profile", pid, "err", err)
		return false
	}
	return true
}
