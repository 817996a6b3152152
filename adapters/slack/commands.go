package slack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/slack-go/slack"

	"tsunagu/adapters/httpapi"
	"tsunagu/bot"
)

// draftTTL is how long an announcement waits for its confirm button.
const draftTTL = time.Hour

// Action IDs of the announcement's confirm message.
const (
	actionAnnounceSend   = "tsunagu_announce_send"
	actionAnnounceCancel = "tsunagu_announce_cancel"
)

// ephemeral answers a slash command to its caller only.
func ephemeral(w http.ResponseWriter, text string, blocks ...slack.Block) {
	msg := struct {
		ResponseType string        `json:"response_type"`
		Text         string        `json:"text"`
		Blocks       []slack.Block `json:"blocks,omitempty"`
	}{slack.ResponseTypeEphemeral, text, blocks}
	writeJSON(w, msg)
}

// commands serves the slash command, whatever its name: the first word of
// its text is the subcommand.
func (wh *Webhook) commands(w http.ResponseWriter, r *http.Request) {
	if _, ok := wh.verify(w, r); !ok {
		return
	}
	cmd, err := slack.SlashCommandParse(r)
	if err != nil || cmd.UserID == "" || cmd.TeamID == "" {
		httpapi.WriteError(w, r, bot.Errorf(bot.EINVALID, "malformed command"))
		return
	}
	text := strings.TrimSpace(unescape(cmd.Text))
	sub, rest := text, ""
	if i := strings.IndexFunc(text, unicode.IsSpace); i >= 0 {
		sub, rest = text[:i], text[i:]
	}
	sub = strings.ToLower(sub)
	ctx := r.Context()
	pid := profileID(cmd.TeamID, cmd.UserID)
	switch sub {
	case "join", "edit", "登録", "変更":
		if wh.openJoin(ctx, cmd.TriggerID, pid) {
			w.WriteHeader(http.StatusOK) // the form is open
			return
		}
		// Without the form the conversation in the DM registers them.
		in := bot.Inbound{ID: "slack-join:" + cmd.TeamID + ":" + cmd.UserID + ":" + cmd.TriggerID, Kind: bot.EventFollow, ProfileID: pid, At: wh.Now()}
		if err := wh.Handler.Handle(ctx, in); err != nil {
			wh.Logger.ErrorContext(ctx, "slack join failed", "profile", pid, "err", err)
			ephemeral(w, jaSlack.Failed)
			return
		}
		ephemeral(w, jaSlack.JoinFallback)
	case "profile", "プロフィール", "登録内容":
		wh.showProfile(ctx, w, cmd, pid)
	case "announce", "task", "session":
		if !wh.coordinator(ctx, w, cmd.UserID) {
			return
		}
		switch sub {
		case "announce":
			wh.draftAnnouncement(ctx, w, cmd, strings.TrimSpace(rest))
		case "task":
			wh.openForm(ctx, w, cmd.TriggerID, taskModal(wh.Catalog, wh.Now().In(wh.Location)))
		case "session":
			wh.openForm(ctx, w, cmd.TriggerID, sessionModal(wh.Catalog, wh.Now().In(wh.Location)))
		}
	default:
		help := jaSlack.Help
		if ok, _ := wh.isCoordinator(ctx, cmd.UserID); ok {
			help += "\n\n" + jaSlack.HelpCoordinator
		}
		ephemeral(w, named(help, cmd.Command))
	}
}

// showProfile answers `/tsunagu profile`: the bot sends the person's
// profile card to their DM, as the menu's 登録内容 button does there, with
// the buttons to change it; the command's own answer says where to look.
// Someone without a profile is told how to register, and nothing is
// started for them, and someone half-way through registering is sent back
// to it.
func (wh *Webhook) showProfile(ctx context.Context, w http.ResponseWriter, cmd slack.SlashCommand, pid string) {
	p, err := wh.Profiles.FindProfile(ctx, pid)
	if p == nil && (err == nil || bot.ErrorCode(err) == bot.ENOTFOUND) {
		ephemeral(w, named(jaSlack.ProfileNone, cmd.Command))
		return
	}
	if err != nil {
		wh.Logger.ErrorContext(ctx, "profile not read", "profile", pid, "err", err)
		ephemeral(w, jaSlack.Failed)
		return
	}
	if p.Status == bot.StatusOnboarding {
		// There is no card yet: the DM's questions are where they are.
		ephemeral(w, named(jaSlack.ProfileUnfinished, cmd.Command))
		return
	}
	in := bot.Inbound{ID: "slack-profile:" + cmd.TeamID + ":" + cmd.UserID + ":" + cmd.TriggerID, Kind: bot.EventPostback,
		ProfileID: pid, Data: bot.ShowProfileData(), At: wh.Now()}
	if err := wh.Handler.Handle(ctx, in); err != nil {
		wh.Logger.ErrorContext(ctx, "slack profile failed", "profile", pid, "err", err)
		ephemeral(w, jaSlack.Failed)
		return
	}
	ephemeral(w, jaSlack.ProfileSent)
}

// named writes the app's own command name where a text says /tsunagu:
// the app may name it otherwise.
func named(text, command string) string {
	if command == "" {
		return text
	}
	return strings.ReplaceAll(text, "/tsunagu", command)
}

// coordinator checks the caller is a coordinator; otherwise it has
// answered with a polite refusal.
func (wh *Webhook) coordinator(ctx context.Context, w http.ResponseWriter, user string) bool {
	ok, err := wh.isCoordinator(ctx, user)
	if err != nil {
		wh.Logger.ErrorContext(ctx, "coordinator check failed", "user", user, "err", err)
		ephemeral(w, jaSlack.Failed)
		return false
	}
	if !ok {
		ephemeral(w, jaSlack.NotCoordinator)
	}
	return ok
}

func (wh *Webhook) openForm(ctx context.Context, w http.ResponseWriter, trigger string, v slack.ModalViewRequest) {
	if _, err := wh.api.OpenViewContext(ctx, trigger, v); err != nil {
		wh.Logger.ErrorContext(ctx, "form not opened", "form", v.CallbackID, "err", err)
		ephemeral(w, jaSlack.Failed)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// draft is an announcement waiting for its confirm button.
type draft struct {
	User string `json:"user"`
	Text string `json:"text"`
}

// draftAnnouncement shows the coordinator how many people an announcement
// would reach, with the buttons to send it or not. Nothing is sent before
// the click.
func (wh *Webhook) draftAnnouncement(ctx context.Context, w http.ResponseWriter, cmd slack.SlashCommand, text string) {
	// Counted as LINE counts, so what passes here is not refused on send.
	switch n := bot.TextLen(text); {
	case n == 0:
		ephemeral(w, jaSlack.AnnounceEmpty)
		return
	case n > bot.MaxBroadcastRunes:
		ephemeral(w, fmt.Sprintf(jaSlack.AnnounceTooLong, bot.MaxBroadcastRunes, n))
		return
	}
	rcp, err := wh.Coordination.Recipients(ctx, bot.Audience{})
	if err != nil {
		wh.Logger.ErrorContext(ctx, "announce: audience", "err", err)
		ephemeral(w, jaSlack.Failed)
		return
	}
	id := randomID()
	b, _ := json.Marshal(draft{User: cmd.UserID, Text: text})
	if err := wh.Drafts.Put(ctx, id, b, draftTTL); err != nil {
		wh.Logger.ErrorContext(ctx, "announce: keep draft", "err", err)
		ephemeral(w, jaSlack.Failed)
		return
	}
	total := len(rcp.LINE) + len(rcp.Slack)
	send := slack.NewButtonBlockElement(actionAnnounceSend, id, plain(fmt.Sprintf(jaSlack.AnnounceSend, total), maxButtonText))
	send.Style = slack.StylePrimary
	cancel := slack.NewButtonBlockElement(actionAnnounceCancel, id, plain(jaSlack.AnnounceCancel, maxButtonText))
	question := fmt.Sprintf(jaSlack.AnnounceConfirm, total, len(rcp.LINE), len(rcp.Slack))
	ephemeral(w, question,
		slack.NewSectionBlock(mrkdwn(question), nil, nil),
		slack.NewSectionBlock(mrkdwn("> "+strings.ReplaceAll(escape(text), "\n", "\n> ")), nil, nil),
		slack.NewActionBlock("announce", send, cancel),
	)
}

// slackLink is Slack's markup for links and mentions: <url|label>, <url>,
// <@U123|name>.
var slackLink = regexp.MustCompile(`<([^<>|]*)(?:\|([^<>]*))?>`)

// unescape turns a slash command's text, which Slack sends with its
// markup, back into what the coordinator typed, as people outside Slack
// (a LINE announcement) can read it: a link with its label keeps its
// address beside the label (the label alone lost where it led), a mention
// of the channel (@channel) means nothing there and goes, and &, <, >
// are themselves.
func unescape(s string) string {
	s = slackLink.ReplaceAllStringFunc(s, func(m string) string {
		sub := slackLink.FindStringSubmatch(m)
		target, label := sub[1], sub[2]
		switch {
		case strings.HasPrefix(target, "!"):
			return "" // <!channel>, <!here>, <!everyone>
		case strings.HasPrefix(target, "#") && label != "":
			return "#" + label
		case label == "" || label == target:
			return strings.TrimPrefix(target, "mailto:")
		case strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://"):
			return label + "（" + target + "）"
		}
		return label
	})
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

func randomID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
