package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

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

// Announcer schedules a broadcast (the bot).
type Announcer interface {
	CreateBroadcast(ctx context.Context, b *bot.Broadcast) (*bot.BroadcastView, error)
}

// Webhook serves /slack/events, /slack/interactions and /slack/commands.
// Every request is verified with the signing secret (5-minute window) and
// answered at once: events become bot events committed with their replies,
// which the outbox sends.
type Webhook struct {
	secret    string
	handler   Handler
	announcer Announcer
	api       *slack.Client
	channel   string // the coordinator channel
	log       *slog.Logger
	now       func() time.Time

	mu      sync.Mutex
	members map[string]bool
	fetched time.Time
}

// NewWebhook returns the Slack endpoints. channel is the coordinator
// channel, whose members may run coordinator commands.
func NewWebhook(secret string, h Handler, a Announcer, n *Notifier, channel string, log *slog.Logger) *Webhook {
	return &Webhook{secret: secret, handler: h, announcer: a, api: n.api, channel: channel, log: log, now: time.Now}
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
		writeError(w, http.StatusRequestEntityTooLarge, "request body is larger than 1 MiB")
		return nil, false
	case err != nil:
		writeError(w, http.StatusBadRequest, "unreadable body")
		return nil, false
	}
	sv, err := slack.NewSecretsVerifier(r.Header, wh.secret)
	if err == nil {
		_, _ = sv.Write(body)
		err = sv.Ensure()
	}
	if err != nil {
		writeError(w, http.StatusUnauthorized, "invalid Slack signature")
		return nil, false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, true
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"error": map[string]string{"code": http.StatusText(status), "message": msg}})
	_, _ = w.Write(b)
}

func profileID(team, user string) string { return bot.PlatformSlack + ":" + team + ":" + user }

// events handles the Events API: the URL check, DMs to the bot.
func (wh *Webhook) events(w http.ResponseWriter, r *http.Request) {
	body, ok := wh.verify(w, r)
	if !ok {
		return
	}
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		writeError(w, http.StatusBadRequest, "malformed event")
		return
	}
	switch ev.Type {
	case slackevents.URLVerification:
		var c slackevents.ChallengeResponse
		if err := json.Unmarshal(body, &c); err != nil {
			writeError(w, http.StatusBadRequest, "malformed challenge")
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
	msg, isMsg := ev.InnerEvent.Data.(*slackevents.MessageEvent)
	if cb == nil || !isMsg || msg.ChannelType != "im" || msg.BotID != "" || msg.SubType != "" || msg.User == "" {
		w.WriteHeader(http.StatusOK) // not a person writing to the bot
		return
	}
	team := ev.TeamID
	if team == "" {
		team = cb.TeamID
	}
	in := bot.Inbound{ID: "slack:" + cb.EventID, Kind: bot.EventText, ProfileID: profileID(team, msg.User), Text: msg.Text, At: wh.now()}
	wh.handle(w, r, in)
}

func (wh *Webhook) handle(w http.ResponseWriter, r *http.Request, in bot.Inbound) {
	if err := wh.handler.Handle(r.Context(), in); err != nil {
		// Slack retries a failed delivery with the same event_id, which
		// the bot deduplicates.
		wh.log.ErrorContext(r.Context(), "slack event failed", "event", in.ID, "profile", in.ProfileID, "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
		return
	}
	w.WriteHeader(http.StatusOK)
}

// interactions turns button clicks into the bot's postbacks.
func (wh *Webhook) interactions(w http.ResponseWriter, r *http.Request) {
	if _, ok := wh.verify(w, r); !ok {
		return
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(r.PostFormValue("payload")), &cb); err != nil {
		writeError(w, http.StatusBadRequest, "malformed payload")
		return
	}
	if cb.Type != slack.InteractionTypeBlockActions || cb.User.ID == "" {
		w.WriteHeader(http.StatusOK)
		return
	}
	for _, a := range cb.ActionCallback.BlockActions {
		in := bot.Inbound{
			ID:   "slack-action:" + cb.Team.ID + ":" + cb.User.ID + ":" + a.ActionTs + ":" + a.ActionID,
			Kind: bot.EventPostback, ProfileID: profileID(cb.Team.ID, cb.User.ID), Data: a.Value, At: wh.now(),
		}
		if err := wh.handler.Handle(r.Context(), in); err != nil {
			wh.log.ErrorContext(r.Context(), "slack action failed", "profile", in.ProfileID, "err", err)
			writeError(w, http.StatusInternalServerError, "internal error")
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}

// ephemeral answers a slash command to its caller only.
func ephemeral(w http.ResponseWriter, text string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	b, _ := json.Marshal(map[string]string{"response_type": "ephemeral", "text": text})
	_, _ = w.Write(b)
}

// commands serves the slash command, whatever its name: the first word of
// its text is the subcommand.
func (wh *Webhook) commands(w http.ResponseWriter, r *http.Request) {
	if _, ok := wh.verify(w, r); !ok {
		return
	}
	cmd, err := slack.SlashCommandParse(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "malformed command")
		return
	}
	sub, rest, _ := strings.Cut(strings.TrimSpace(cmd.Text), " ")
	sub = strings.ToLower(sub)
	ctx := r.Context()
	switch sub {
	case "join":
		in := bot.Inbound{ID: "slack-join:" + cmd.TeamID + ":" + cmd.UserID + ":" + cmd.TriggerID, Kind: bot.EventFollow,
			ProfileID: profileID(cmd.TeamID, cmd.UserID), At: wh.now()}
		if err := wh.handler.Handle(ctx, in); err != nil {
			wh.log.ErrorContext(ctx, "slack join failed", "profile", in.ProfileID, "err", err)
			ephemeral(w, jaSlack.Failed)
			return
		}
		ephemeral(w, jaSlack.JoinStarted)
	case "announce", "task", "session":
		ok, err := wh.isCoordinator(ctx, cmd.UserID)
		if err != nil {
			wh.log.ErrorContext(ctx, "coordinator check failed", "user", cmd.UserID, "err", err)
			ephemeral(w, jaSlack.Failed)
			return
		}
		if !ok {
			ephemeral(w, jaSlack.NotCoordinator)
			return
		}
		switch sub {
		case "announce":
			wh.announce(w, r, strings.TrimSpace(rest))
		default:
			ephemeral(w, jaSlack.UseAPI)
		}
	default:
		coord, _ := wh.isCoordinator(ctx, cmd.UserID)
		if coord {
			ephemeral(w, jaSlack.Help+"\n"+jaSlack.HelpCoordinator)
			return
		}
		ephemeral(w, jaSlack.Help)
	}
}

func (wh *Webhook) announce(w http.ResponseWriter, r *http.Request, text string) {
	if text == "" {
		ephemeral(w, jaSlack.AnnounceEmpty)
		return
	}
	v, err := wh.announcer.CreateBroadcast(r.Context(), &bot.Broadcast{Text: text})
	if bot.ErrorCode(err) == bot.EUNPROCESSABLE {
		ephemeral(w, bot.ErrorMessage(err))
		return
	}
	if err != nil {
		wh.log.ErrorContext(r.Context(), "announce failed", "err", err)
		ephemeral(w, jaSlack.Failed)
		return
	}
	ephemeral(w, fmt.Sprintf(jaSlack.Announced, v.Total-v.Skipped, v.ID))
}

// isCoordinator reports whether the user is a member of the coordinator
// channel, asking Slack at most once a minute.
func (wh *Webhook) isCoordinator(ctx context.Context, user string) (bool, error) {
	if wh.channel == "" {
		return false, nil
	}
	wh.mu.Lock()
	defer wh.mu.Unlock()
	if wh.members == nil || wh.now().Sub(wh.fetched) > coordinatorsTTL {
		members := map[string]bool{}
		cursor := ""
		for {
			ids, next, err := wh.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: wh.channel, Cursor: cursor, Limit: 1000})
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
		wh.members, wh.fetched = members, wh.now()
	}
	return wh.members[user], nil
}
