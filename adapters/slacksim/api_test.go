package slacksim

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

func TestPostedMessageAndItsMetadataAreInTheHistory(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	ch, _, _, err := w.client.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{DefaultMember}})
	if err != nil {
		t.Fatal(err)
	}
	if ch.ID != DMChannel(DefaultMember) {
		t.Fatalf("DM channel %q, want %q", ch.ID, DMChannel(DefaultMember))
	}
	_, ts1, err := w.client.PostMessageContext(ctx, ch.ID, slack.MsgOptionText("一通目", false))
	if err != nil {
		t.Fatal(err)
	}
	_, ts2, err := w.client.PostMessageContext(ctx, ch.ID, slack.MsgOptionText("二通目", false),
		slack.MsgOptionBlocks(slack.NewHeaderBlock(plainText("朝テストの採点")),
			slack.NewActionBlock("", button("accept", "引き受ける", "offer:accept:t1"))),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "tsunagu_outbox", EventPayload: map[string]any{"outbox_id": "ob-42"}}))
	if err != nil {
		t.Fatal(err)
	}
	if ts2 <= ts1 {
		t.Errorf("ts %q is not after %q", ts2, ts1)
	}

	h, err := w.client.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: ch.ID, Limit: 1, IncludeAllMetadata: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Messages) != 1 || h.Messages[0].Timestamp != ts2 || !h.HasMore {
		t.Fatalf("history page 1 = %+v, want the newest message and has_more", h)
	}
	got := h.Messages[0]
	if got.Metadata.EventType != "tsunagu_outbox" || got.Metadata.EventPayload["outbox_id"] != "ob-42" {
		t.Errorf("metadata = %+v", got.Metadata)
	}
	if got.BotID != BotID || len(got.Blocks.BlockSet) != 2 {
		t.Errorf("bot_id %q, %d blocks", got.BotID, len(got.Blocks.BlockSet))
	}
	h2, err := w.client.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: ch.ID, Cursor: h.ResponseMetaData.NextCursor})
	if err != nil {
		t.Fatal(err)
	}
	if len(h2.Messages) != 1 || h2.Messages[0].Timestamp != ts1 || h2.HasMore {
		t.Fatalf("history page 2 = %+v, want the older message only", h2.Messages)
	}
	plain, _ := w.client.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: ch.ID})
	if plain.Messages[0].Metadata.EventType != "" {
		t.Error("metadata came without include_all_metadata")
	}
	// Slack fills in the block and action IDs the app left out.
	if b := w.sim.Messages(ch.ID)[1].Buttons(); len(b) != 1 || b[0].BlockID == "" || b[0].Value != "offer:accept:t1" {
		t.Errorf("buttons = %+v", b)
	}
}

func TestRefusedCallsHaveSlackErrors(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	bad := slack.New("xoxb-wrong", slack.OptionAPIURL(w.api.URL+"/"))
	if _, err := bad.AuthTestContext(ctx); err == nil || err.Error() != "invalid_auth" {
		t.Errorf("wrong token: %v, want invalid_auth", err)
	}
	res, err := http.Post(w.api.URL+"/chat.postMessage", "application/x-www-form-urlencoded", strings.NewReader("channel=C0GENERAL&text=x"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), `"error":"not_authed"`) {
		t.Errorf("no token: %s", body)
	}
	res, err = http.Post(w.api.URL+"/chat.frobnicate", "application/x-www-form-urlencoded", strings.NewReader("token="+testToken))
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), `"error":"unknown_method"`) {
		t.Errorf("unknown method: %s", body)
	}
	cases := []struct {
		name string
		call func() error
		want string
	}{
		{"unknown channel", func() error {
			_, _, err := w.client.PostMessageContext(ctx, "C0NOPE", slack.MsgOptionText("x", false))
			return err
		}, "channel_not_found"},
		{"no text", func() error {
			_, _, err := w.client.PostMessageContext(ctx, GeneralChannel)
			return err
		}, "no_text"},
		{"header too long", func() error {
			_, _, err := w.client.PostMessageContext(ctx, GeneralChannel, slack.MsgOptionBlocks(slack.NewHeaderBlock(plainText(strings.Repeat("長", 151)))))
			return err
		}, "invalid_blocks"},
		{"ephemeral to a non-member", func() error {
			_, err := w.client.PostEphemeralContext(ctx, CoordinatorChannel, DefaultMember, slack.MsgOptionText("x", false))
			return err
		}, "user_not_in_channel"},
		{"unknown user", func() error {
			_, err := w.client.GetUserInfoContext(ctx, "U0NOBODY")
			return err
		}, "user_not_found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.call(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want %s", err, c.want)
			}
		})
	}
}

func TestWorkspaceIsDescribedLikeSlack(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	auth, err := w.client.AuthTestContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if auth.UserID != BotUserID || auth.TeamID != TeamID || auth.BotID != BotID {
		t.Errorf("auth.test = %+v", auth)
	}
	u, err := w.client.GetUserInfoContext(ctx, DefaultCoordinator)
	if err != nil {
		t.Fatal(err)
	}
	if u.RealName != "山本 さくら" || u.Profile.DisplayName != "さくら" || u.Profile.RealName != "山本 さくら" {
		t.Errorf("users.info = %+v / %+v", u, u.Profile)
	}
}

func TestCoordinatorChannelMembersArePaged(t *testing.T) {
	w := newWorld(t)
	for _, id := range []string{"U0COORD2", "U0COORD3"} {
		if _, err := w.sim.AddPerson(id, "コーディネーター "+id, "", true); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.sim.AddPerson("U0MEMBER2", "会員", "", false); err != nil {
		t.Fatal(err)
	}
	var all []string
	cursor := ""
	pages := 0
	for {
		ids, next, err := w.client.GetUsersInConversationContext(context.Background(),
			&slack.GetUsersInConversationParameters{ChannelID: CoordinatorChannel, Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		all, pages = append(all, ids...), pages+1
		if next == "" {
			break
		}
		cursor = next
	}
	want := []string{BotUserID, DefaultCoordinator, "U0COORD2", "U0COORD3"}
	if strings.Join(all, ",") != strings.Join(want, ",") || pages != 2 {
		t.Errorf("members %v in %d pages, want %v in 2", all, pages, want)
	}
}

func TestInjectedFaults(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.sim.FailNext("chat.postMessage", http.StatusTooManyRequests, "3", 1)
	_, _, err := w.client.PostMessageContext(ctx, GeneralChannel, slack.MsgOptionText("x", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 3*time.Second {
		t.Fatalf("err = %v, want RateLimitedError after 3s", err)
	}
	w.sim.FailNext("chat.postMessage", http.StatusInternalServerError, "", 1)
	_, _, err = w.client.PostMessageContext(ctx, GeneralChannel, slack.MsgOptionText("x", false))
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) || sc.Code != 500 {
		t.Fatalf("err = %v, want StatusCodeError 500", err)
	}
	if n := len(w.sim.Messages(GeneralChannel)); n != 0 {
		t.Fatalf("%d messages posted by failed calls", n)
	}

	// A lost answer: the message is there, as the outbox finds in the
	// history when it checks before posting again.
	w.sim.DropNextResponse("chat.postMessage", 1)
	_, _, err = w.client.PostMessageContext(ctx, GeneralChannel, slack.MsgOptionText("届いた？", false),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "tsunagu_outbox", EventPayload: map[string]any{"outbox_id": "ob-7"}}))
	if err == nil {
		t.Fatal("a dropped answer gave no error")
	}
	h, err := w.client.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: GeneralChannel, IncludeAllMetadata: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Messages) != 1 || h.Messages[0].Metadata.EventPayload["outbox_id"] != "ob-7" {
		t.Errorf("history after a lost answer: %+v", h.Messages)
	}
	w.sim.FailNextWith("conversations.open", "fatal_error", 1)
	if _, _, _, err := w.client.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{DefaultMember}}); err == nil || err.Error() != "fatal_error" {
		t.Errorf("err = %v, want fatal_error", err)
	}
	if got := w.sim.Calls("chat.postMessage"); got != 3 {
		t.Errorf("Calls = %d, want 3", got)
	}
}

// openModal makes the fake service open view when it gets a command.
func openModal(t *testing.T, w *world, view slack.ModalViewRequest) {
	t.Helper()
	w.service.set(func(sv *service) {
		sv.onCommand = func(cmd slack.SlashCommand) reply {
			if _, err := w.client.OpenView(cmd.TriggerID, view); err != nil {
				t.Errorf("views.open: %v", err)
			}
			return reply{}
		}
	})
}

func TestTriggerIDsAreValidOnceForThreeSeconds(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	modal := slack.ModalViewRequest{Type: slack.VTModal, Title: plainText("参加登録"), Close: plainText("やめる"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewSectionBlock(plainText("ようこそ"), nil, nil)}}}
	openModal(t, w, modal)
	if err := w.sim.Command(ctx, DefaultMember, DMChannel(DefaultMember), "/tsunagu join"); err != nil {
		t.Fatal(err)
	}
	v, ok := w.sim.Modal(DefaultMember)
	if !ok || v.Title != "参加登録" || !strings.HasPrefix(v.ID, "V") {
		t.Fatalf("modal = %+v, %v", v, ok)
	}
	trigger := w.service.commands[0].TriggerID
	if _, err := w.client.OpenView(trigger, modal); err == nil || err.Error() != "exchanged_trigger_id" {
		t.Errorf("reused trigger: %v", err)
	}
	w.service.set(func(sv *service) { sv.onCommand = nil })
	if err := w.sim.Command(ctx, DefaultMember, DMChannel(DefaultMember), "/tsunagu join"); err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(3*time.Second + time.Millisecond)
	if _, err := w.client.OpenView(w.service.commands[1].TriggerID, modal); err == nil || err.Error() != "expired_trigger_id" {
		t.Errorf("late trigger: %v", err)
	}
	if _, err := w.client.OpenView("123.456.abc", modal); err == nil || err.Error() != "invalid_trigger_id" {
		t.Errorf("made-up trigger: %v", err)
	}
	noTitle := modal
	noTitle.Title = nil
	if _, err := w.client.OpenView(w.issueTrigger(DefaultMember), noTitle); err == nil || !strings.Contains(err.Error(), "invalid_arguments") {
		t.Errorf("modal without a title: %v", err)
	}
}

// issueTrigger hands out a trigger as an interaction would.
func (w *world) issueTrigger(personID string) string {
	w.sim.mu.Lock()
	defer w.sim.mu.Unlock()
	return w.sim.issueTriggerLocked(personID)
}

func TestHomeTabIsPublishedAndOpened(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
		slack.NewHeaderBlock(plainText("つなぐへようこそ")),
		slack.NewActionBlock("home-actions", button("join", "参加する", "join")),
	}}}
	res, err := w.client.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: DefaultMember, View: home})
	if err != nil {
		t.Fatal(err)
	}
	got, ok := w.sim.Home(DefaultMember)
	if !ok || got.ID != res.ID || !strings.Contains(got.AllText(), "つなぐへようこそ") {
		t.Fatalf("home = %+v", got)
	}
	stale := "1.stale"
	if _, err := w.client.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: DefaultMember, View: home, Hash: &stale}); err == nil || err.Error() != "hash_conflict" {
		t.Errorf("stale hash: %v", err)
	}
	if err := w.sim.OpenHome(ctx, DefaultMember); err != nil {
		t.Fatal(err)
	}
	raw := w.service.lastEvent(t).InnerEvent
	if raw.Type != "app_home_opened" {
		t.Fatalf("event %s", raw.Type)
	}
	if err := w.sim.Click(ctx, DefaultMember, "join"); err != nil {
		t.Fatal(err)
	}
	cb := w.service.lastInteraction(t)
	if cb.Container.Type != "view" || cb.View.ID != res.ID || cb.View.Type != slack.VTHomeTab || cb.ResponseURL != "" {
		t.Errorf("home click = %+v", cb)
	}
}

func TestResponseURLReplacesAndPosts(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.service.set(func(sv *service) {
		sv.onCommand = func(slack.SlashCommand) reply {
			return jsonReply(map[string]any{"response_type": "ephemeral", "text": "受け付けました"})
		}
	})
	if err := w.sim.Command(ctx, DefaultCoordinator, CoordinatorChannel, "/tsunagu announce 明日は休み"); err != nil {
		t.Fatal(err)
	}
	respURL := w.service.commands[0].ResponseURL
	if _, err := url.Parse(respURL); err != nil || !strings.HasPrefix(respURL, w.api.URL+"/response/") {
		t.Fatalf("response_url %q", respURL)
	}
	if _, _, err := w.client.PostMessageContext(ctx, "", slack.MsgOptionText("送信しました（12人）", false), slack.MsgOptionReplaceOriginal(respURL)); err != nil {
		t.Fatal(err)
	}
	msgs := w.sim.Messages(CoordinatorChannel)
	if len(msgs) != 1 || msgs[0].Text != "送信しました（12人）" || !msgs[0].Ephemeral || !msgs[0].Edited {
		t.Fatalf("after replace_original: %+v", msgs)
	}
	if _, _, err := w.client.PostMessageContext(ctx, "", slack.MsgOptionText("みなさんへ", false), slack.MsgOptionResponseURL(respURL, slack.ResponseTypeInChannel)); err != nil {
		t.Fatal(err)
	}
	msgs = w.sim.Messages(CoordinatorChannel)
	if len(msgs) != 2 || msgs[1].Ephemeral || msgs[1].User != BotUserID {
		t.Fatalf("after in_channel: %+v", msgs)
	}
	w.clock.Advance(31 * time.Minute)
	if _, _, err := w.client.PostMessageContext(ctx, "", slack.MsgOptionText("遅すぎ", false), slack.MsgOptionResponseURL(respURL, slack.ResponseTypeEphemeral)); err == nil {
		t.Error("an expired response_url was accepted")
	}
}
