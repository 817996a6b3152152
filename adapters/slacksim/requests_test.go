package slacksim

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

func TestDMBecomesASignedMessageEvent(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	if err := w.sim.SendDM(ctx, DefaultMember, "こんにちは"); err != nil {
		t.Fatal(err)
	}
	if err := w.sim.SendDM(ctx, DefaultMember, "よろしく"); err != nil {
		t.Fatal(err)
	}
	ev := w.service.lastEvent(t)
	if ev.Type != slackevents.CallbackEvent || ev.TeamID != TeamID || ev.APIAppID != AppID {
		t.Errorf("outer event %+v", ev)
	}
	msg, ok := ev.InnerEvent.Data.(*slackevents.MessageEvent)
	if !ok {
		t.Fatalf("inner event %T", ev.InnerEvent.Data)
	}
	if msg.ChannelType != "im" || msg.User != DefaultMember || msg.Text != "よろしく" || msg.Channel != DMChannel(DefaultMember) || msg.TimeStamp == "" || msg.BotID != "" || msg.SubType != "" {
		t.Errorf("message event %+v", msg)
	}
	if ids := w.service.eventIDs; ids[0] == ids[1] || !strings.HasPrefix(ids[0], "Ev") {
		t.Errorf("event IDs %v", ids)
	}
	if got := w.sim.Messages(DMChannel(DefaultMember)); len(got) != 2 || got[1].User != DefaultMember {
		t.Errorf("the DM shows %+v", got)
	}
	// In a channel the message is only shown: the app is not subscribed.
	if err := w.sim.Say(ctx, DefaultMember, GeneralChannel, "みなさんこんにちは"); err != nil {
		t.Fatal(err)
	}
	if n := len(w.service.events); n != 2 {
		t.Errorf("%d events after a channel message, want 2", n)
	}
	if err := w.sim.Say(ctx, DefaultMember, CoordinatorChannel, "入れて"); !errors.Is(err, ErrInvalid) {
		t.Errorf("a non-member wrote in the coordinator channel: %v", err)
	}

	if err := w.sim.Redeliver(ctx); err != nil {
		t.Fatal(err)
	}
	if ids := w.service.eventIDs; ids[2] != ids[1] || w.service.retries[2] != "1" {
		t.Errorf("redelivery: IDs %v, retry nums %q", ids, w.service.retries)
	}
}

func TestWrongSecretIsRefusedAndNoted(t *testing.T) {
	w := newWorld(t)
	w.sim.secret = "not-the-secret"
	err := w.sim.SendDM(context.Background(), DefaultMember, "こんにちは")
	var se *ServiceError
	if !errors.As(err, &se) || se.Status != http.StatusUnauthorized {
		t.Fatalf("err = %v, want the service's 401", err)
	}
	if notes := w.sim.Notes(DMChannel(DefaultMember)); len(notes) != 1 || !strings.Contains(notes[0].Text, "401") {
		t.Errorf("notes = %+v", notes)
	}
}

func TestSlashCommandAnswersAreShownAsSlackShowsThem(t *testing.T) {
	cases := []struct {
		name          string
		answer        reply
		wantMessages  int
		wantEphemeral bool
		wantText      string
	}{
		{"JSON ephemeral", jsonReply(map[string]any{"response_type": "ephemeral", "text": "使い方: /tsunagu join"}), 1, true, "使い方"},
		{"JSON in_channel", jsonReply(map[string]any{"response_type": "in_channel", "text": "お知らせを送りました"}), 2, false, "お知らせ"},
		{"plain text", reply{ctype: "text/plain", body: "了解です"}, 1, true, "了解です"},
		{"blocks", jsonReply(map[string]any{"blocks": []any{map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": "*太字*"}}}}), 1, true, "*太字*"},
		{"empty 200", reply{}, 0, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			w.service.set(func(sv *service) { sv.onCommand = func(slack.SlashCommand) reply { return c.answer } })
			if err := w.sim.Command(context.Background(), DefaultMember, GeneralChannel, "/tsunagu help me"); err != nil {
				t.Fatal(err)
			}
			cmd := w.service.commands[0]
			if cmd.Command != "/tsunagu" || cmd.Text != "help me" || cmd.UserID != DefaultMember || cmd.ChannelID != GeneralChannel ||
				cmd.ChannelName != "general" || cmd.TeamID != TeamID || cmd.TriggerID == "" || cmd.ResponseURL == "" || cmd.APIAppID != AppID {
				t.Errorf("command = %+v", cmd)
			}
			msgs := w.sim.Messages(GeneralChannel)
			if len(msgs) != c.wantMessages {
				t.Fatalf("%d messages, want %d: %+v", len(msgs), c.wantMessages, msgs)
			}
			if c.wantMessages == 0 {
				return
			}
			last := msgs[len(msgs)-1]
			if last.Ephemeral != c.wantEphemeral || !strings.Contains(last.AllText(), c.wantText) || last.User != BotUserID {
				t.Errorf("answer = %+v", last)
			}
			if c.wantEphemeral && (last.VisibleTo != DefaultMember || last.Command != "/tsunagu help me") {
				t.Errorf("ephemeral answer = %+v", last)
			}
		})
	}
}

func TestFailedCommandIsNotedLikeSlack(t *testing.T) {
	w := newWorld(t)
	w.service.set(func(sv *service) {
		sv.onCommand = func(slack.SlashCommand) reply { return reply{status: http.StatusInternalServerError, body: "boom"} }
	})
	err := w.sim.Command(context.Background(), DefaultMember, DMChannel(DefaultMember), "/tsunagu join")
	var se *ServiceError
	if !errors.As(err, &se) || se.Status != 500 {
		t.Fatalf("err = %v", err)
	}
	if notes := w.sim.Notes(DMChannel(DefaultMember)); len(notes) != 1 || !strings.Contains(notes[0].Text, "http_service_error") {
		t.Errorf("notes = %+v", notes)
	}
}

func TestButtonClickSendsBlockActions(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	accept := button("accept", "引き受ける", "offer:accept:t1")
	accept.Style = slack.StylePrimary
	accept.Confirm = slack.NewConfirmationBlockObject(plainText("確認"), plainText("引き受けますか？"), plainText("はい"), plainText("いいえ"))
	_, ts, err := w.client.PostMessageContext(ctx, DefaultMember, slack.MsgOptionText("依頼", false),
		slack.MsgOptionBlocks(slack.NewActionBlock("", accept, button("decline", "見送る", "offer:decline:t1"))))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.sim.Click(ctx, DefaultMember, "offer:accept:t1"); err != nil {
		t.Fatal(err)
	}
	cb := w.service.lastInteraction(t)
	if cb.Type != slack.InteractionTypeBlockActions || cb.User.ID != DefaultMember || cb.Team.ID != TeamID || cb.TriggerID == "" || cb.ResponseURL == "" {
		t.Errorf("callback = %+v", cb)
	}
	if cb.Container.Type != "message" || cb.Container.MessageTs != ts || cb.Container.ChannelID != DMChannel(DefaultMember) || cb.Channel.ID != DMChannel(DefaultMember) || cb.Message.Timestamp != ts {
		t.Errorf("container %+v, channel %+v, message ts %q", cb.Container, cb.Channel.ID, cb.Message.Timestamp)
	}
	acts := cb.ActionCallback.BlockActions
	if len(acts) != 1 || acts[0].Value != "offer:accept:t1" || acts[0].ActionID != "accept" || acts[0].BlockID == "" || acts[0].ActionTs == "" || acts[0].Type != "button" {
		t.Errorf("actions = %+v", acts)
	}
	if err := w.sim.Click(ctx, DefaultMember, "nothing-like-this"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing button: %v", err)
	}
	// The answer through response_url replaces the clicked message.
	if _, _, err := w.client.PostMessageContext(ctx, "", slack.MsgOptionText("引き受けました", false), slack.MsgOptionReplaceOriginal(cb.ResponseURL)); err != nil {
		t.Fatal(err)
	}
	if msgs := w.sim.Messages(DMChannel(DefaultMember)); len(msgs) != 1 || msgs[0].Text != "引き受けました" || msgs[0].Blocks != nil {
		t.Errorf("after replace_original: %+v", msgs)
	}
}

// formView has one input of each kind the simulator fills in.
func formView() slack.ModalViewRequest {
	opt := func(v, label string) *slack.OptionBlockObject {
		return slack.NewOptionBlockObject(v, plainText(label), nil)
	}
	name := slack.NewPlainTextInputBlockElement(plainText("山田 花子"), "name")
	name.MaxLength = 10
	bio := slack.NewPlainTextInputBlockElement(nil, "bio")
	bio.Multiline = true
	area := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plainText("地域"), "area", opt("setagaya", "世田谷区"), opt("meguro", "目黒区"))
	skills := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, plainText("スキル"), "skills", opt("grading", "採点"), opt("watch", "見守り"), opt("pc", "PC"))
	maxSkills := 2
	skills.MaxSelectedItems = &maxSkills
	days := slack.NewCheckboxGroupsBlockElement("days", opt("mon", "月"), opt("tue", "火"))
	mode := slack.NewRadioButtonsBlockElement("mode", opt("onsite", "現地"), opt("remote", "リモート"))
	date := slack.NewDatePickerBlockElement("date")
	tm := slack.NewTimePickerBlockElement("time")
	hours := slack.NewNumberInputBlockElement(nil, "hours", false)
	site := slack.NewURLTextInputBlockElement(nil, "site")
	mail := slack.NewEmailTextInputBlockElement(nil, "mail")
	input := func(id, label string, el slack.BlockElement, optional bool) *slack.InputBlock {
		b := slack.NewInputBlock(id, plainText(label), nil, el)
		b.Optional = optional
		return b
	}
	return slack.ModalViewRequest{
		Type: slack.VTModal, Title: plainText("参加登録"), Submit: plainText("登録"), Close: plainText("やめる"),
		CallbackID: "join", PrivateMetadata: "p1", NotifyOnClose: true,
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			input("b_name", "お名前", name, false), input("b_bio", "自己紹介", bio, true), input("b_area", "地域", area, false),
			input("b_skills", "スキル", skills, true), input("b_days", "曜日", days, true), input("b_mode", "働き方", mode, true),
			input("b_date", "開始日", date, true), input("b_time", "時刻", tm, true), input("b_hours", "時間", hours, true),
			input("b_site", "URL", site, true), input("b_mail", "メール", mail, true),
		}},
	}
}

func TestModalSubmissionCarriesStateAsSlackSendsIt(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	openModal(t, w, formView())
	if err := w.sim.Command(ctx, DefaultMember, DMChannel(DefaultMember), "/tsunagu join"); err != nil {
		t.Fatal(err)
	}

	// Slack's client checks required inputs and limits before sending.
	err := w.sim.Submit(ctx, DefaultMember, Values{"name": {"とても長い名前をここに入力します"}, "hours": {"1.5"}, "mail": {"no-at-sign"}})
	var ie *InputError
	if !errors.As(err, &ie) || ie.Errors["b_area"] == "" || ie.Errors["b_name"] == "" || ie.Errors["b_hours"] == "" || ie.Errors["b_mail"] == "" {
		t.Fatalf("err = %v, want input errors for area, name, hours and mail", err)
	}
	if len(w.service.interactions) != 0 {
		t.Fatal("an incomplete form was sent")
	}

	w.service.set(func(sv *service) {
		sv.onInteraction = func(slack.InteractionCallback) reply {
			return jsonReply(slack.NewErrorsViewSubmissionResponse(map[string]string{"b_name": "その名前は使えません"}))
		}
	})
	err = w.sim.Submit(ctx, DefaultMember, Values{"name": {"花子"}, "hours": {"3"}, "mail": {"hana@example.jp"}, "area": {"meguro"},
		"skills": {"grading", "pc"}, "days": {"tue"}, "mode": {"remote"}, "date": {"2026-12-07"}, "time": {"09:30"}, "site": {"https://example.jp"}})
	if err != nil {
		t.Fatal(err)
	}
	cb := w.service.lastInteraction(t)
	if cb.Type != slack.InteractionTypeViewSubmission || cb.View.CallbackID != "join" || cb.View.PrivateMetadata != "p1" || cb.View.Hash == "" || cb.TriggerID == "" {
		t.Errorf("submission = %+v", cb.View)
	}
	vals := cb.View.State.Values
	checks := map[string]bool{
		"name":   vals["b_name"]["name"].Value == "花子",
		"bio":    vals["b_bio"]["bio"].Value == "",
		"area":   vals["b_area"]["area"].SelectedOption.Value == "meguro" && vals["b_area"]["area"].SelectedOption.Text.Text == "目黒区",
		"skills": len(vals["b_skills"]["skills"].SelectedOptions) == 2 && vals["b_skills"]["skills"].SelectedOptions[1].Value == "pc",
		"days":   len(vals["b_days"]["days"].SelectedOptions) == 1,
		"mode":   vals["b_mode"]["mode"].SelectedOption.Value == "remote",
		"date":   vals["b_date"]["date"].SelectedDate == "2026-12-07",
		"time":   vals["b_time"]["time"].SelectedTime == "09:30",
		"hours":  vals["b_hours"]["hours"].Value == "3",
		"site":   vals["b_site"]["site"].Value == "https://example.jp",
		"type":   vals["b_area"]["area"].Type == "static_select" && vals["b_days"]["days"].Type == "checkboxes",
	}
	for what, ok := range checks {
		if !ok {
			t.Errorf("state of %s is wrong: %+v", what, vals)
		}
	}
	v, open := w.sim.Modal(DefaultMember)
	if !open || v.Errors["b_name"] != "その名前は使えません" {
		t.Fatalf("after response_action errors: %+v, open %v", v, open)
	}

	// update replaces the modal in place; an empty answer closes it.
	w.service.set(func(sv *service) {
		sv.onInteraction = func(slack.InteractionCallback) reply {
			return jsonReply(slack.NewUpdateViewSubmissionResponse(&slack.ModalViewRequest{Type: slack.VTModal, Title: plainText("確認"),
				Submit: plainText("OK"), Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewSectionBlock(plainText("よろしいですか"), nil, nil)}}}))
		}
	})
	if err := w.sim.Submit(ctx, DefaultMember, Values{"name": {"花"}}); err != nil {
		t.Fatal(err)
	}
	if v2, _ := w.sim.Modal(DefaultMember); v2.ID != v.ID || v2.Title != "確認" || len(v2.Errors) != 0 {
		t.Fatalf("after update: %+v", v2)
	}
	w.service.set(func(sv *service) { sv.onInteraction = nil })
	if err := w.sim.Submit(ctx, DefaultMember, nil); err != nil {
		t.Fatal(err)
	}
	if _, open := w.sim.Modal(DefaultMember); open {
		t.Error("an empty 200 left the modal open")
	}
}

func TestClosingAModalTellsTheAppOnlyWhenAsked(t *testing.T) {
	for _, notify := range []bool{false, true} {
		w := newWorld(t)
		view := formView()
		view.NotifyOnClose = notify
		openModal(t, w, view)
		ctx := context.Background()
		if err := w.sim.Command(ctx, DefaultMember, GeneralChannel, "/tsunagu join"); err != nil {
			t.Fatal(err)
		}
		if err := w.sim.CloseModal(ctx, DefaultMember); err != nil {
			t.Fatal(err)
		}
		if _, open := w.sim.Modal(DefaultMember); open {
			t.Error("the modal is still open")
		}
		if got := len(w.service.interactions); got != map[bool]int{false: 0, true: 1}[notify] {
			t.Errorf("notify_on_close %v: %d interactions", notify, got)
		}
		if notify {
			if cb := w.service.lastInteraction(t); cb.Type != slack.InteractionTypeViewClosed || cb.View.CallbackID != "join" || cb.IsCleared {
				t.Errorf("view_closed = %+v", cb)
			}
		}
	}
}

func TestModalsStackAndSelectsInMessagesAct(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	menu := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plainText("選ぶ"), "pick",
		slack.NewOptionBlockObject("a", plainText("A"), nil), slack.NewOptionBlockObject("b", plainText("B"), nil))
	if _, _, err := w.client.PostMessageContext(ctx, DefaultMember, slack.MsgOptionBlocks(
		slack.NewSectionBlock(plainText("どれにしますか"), nil, slack.NewAccessory(menu)))); err != nil {
		t.Fatal(err)
	}
	step := func(title string) slack.ModalViewRequest {
		return slack.ModalViewRequest{Type: slack.VTModal, Title: plainText(title), Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewActionBlock("", button("next", "次へ", "next"))}}}
	}
	w.service.set(func(sv *service) {
		sv.onInteraction = func(cb slack.InteractionCallback) reply {
			var err error
			if cb.Container.Type == "message" {
				_, err = w.client.OpenView(cb.TriggerID, step("1"))
			} else {
				_, err = w.client.PushView(cb.TriggerID, step("次"))
			}
			if err != nil && err.Error() != "push_limit_reached" {
				t.Errorf("views call: %v", err)
			}
			return reply{}
		}
	})
	if err := w.sim.Choose(ctx, DefaultMember, "pick", "b"); err != nil {
		t.Fatal(err)
	}
	if got := w.service.interactions[0].ActionCallback.BlockActions[0]; got.SelectedOption.Value != "b" || got.Type != "static_select" {
		t.Errorf("select action = %+v", got)
	}
	if err := w.sim.Choose(ctx, DefaultMember, "pick", "zzz"); err == nil {
		t.Error("an option the select does not offer was chosen")
	}
	for range 3 {
		if err := w.sim.Click(ctx, DefaultMember, "next"); err != nil {
			t.Fatal(err)
		}
	}
	if d := w.sim.ModalDepth(DefaultMember); d != 3 {
		t.Errorf("depth %d, want 3 (Slack stacks three)", d)
	}
	if err := w.sim.CloseModal(ctx, DefaultMember); err != nil {
		t.Fatal(err)
	}
	if d := w.sim.ModalDepth(DefaultMember); d != 2 {
		t.Errorf("depth after closing the top %d, want 2", d)
	}
	var payload map[string]any
	b, _ := json.Marshal(w.service.interactions[1])
	_ = json.Unmarshal(b, &payload)
	if payload["view"] == nil {
		t.Error("an action in a modal came without its view")
	}
}
