package linesim

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

var ulid = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{26}$`)

// common are the fields every event of a one-to-one chat carries.
type common struct {
	source     webhook.SourceInterface
	timestamp  int64
	mode       webhook.EventMode
	eventID    string
	delivery   *webhook.DeliveryContext
	replyToken string
}

func commonOf(t *testing.T, ev webhook.EventInterface) common {
	t.Helper()
	switch e := ev.(type) {
	case webhook.FollowEvent:
		return common{e.Source, e.Timestamp, e.Mode, e.WebhookEventId, e.DeliveryContext, e.ReplyToken}
	case webhook.UnfollowEvent:
		return common{e.Source, e.Timestamp, e.Mode, e.WebhookEventId, e.DeliveryContext, ""}
	case webhook.MessageEvent:
		return common{e.Source, e.Timestamp, e.Mode, e.WebhookEventId, e.DeliveryContext, e.ReplyToken}
	case webhook.PostbackEvent:
		return common{e.Source, e.Timestamp, e.Mode, e.WebhookEventId, e.DeliveryContext, e.ReplyToken}
	}
	t.Fatalf("unexpected event %T", ev)
	return common{}
}

func TestUserActionsArriveAsSignedWebhooks(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	const id = "U0123456789abcdef0123456789abcdef"
	seen := map[string]bool{}
	check := func(ev webhook.EventInterface, wantToken bool) {
		t.Helper()
		c := commonOf(t, ev)
		src, ok := c.source.(webhook.UserSource)
		if !ok || src.UserId != id {
			t.Errorf("%T source = %#v, want user %s", ev, c.source, id)
		}
		if c.timestamp != w.clock.Now().UnixMilli() {
			t.Errorf("%T timestamp %d, want the sim clock's %d", ev, c.timestamp, w.clock.Now().UnixMilli())
		}
		if c.mode != webhook.EventMode_ACTIVE {
			t.Errorf("%T mode %q", ev, c.mode)
		}
		if !ulid.MatchString(c.eventID) || seen[c.eventID] {
			t.Errorf("%T webhookEventId %q is not a fresh ULID", ev, c.eventID)
		}
		seen[c.eventID] = true
		if c.delivery == nil || c.delivery.IsRedelivery {
			t.Errorf("%T deliveryContext = %+v, want isRedelivery false", ev, c.delivery)
		}
		if wantToken != (c.replyToken != "") {
			t.Errorf("%T replyToken %q, want one: %v", ev, c.replyToken, wantToken)
		}
	}

	if err := w.sim.Follow(ctx, id, "花子"); err != nil {
		t.Fatal(err)
	}
	f, ok := w.bot.last(t).(webhook.FollowEvent)
	if !ok || f.Follow == nil || f.Follow.IsUnblocked {
		t.Fatalf("follow: got %#v", w.bot.last(t))
	}
	check(f, true)

	if err := w.sim.Say(ctx, id, "月水金 10時〜15時"); err != nil {
		t.Fatal(err)
	}
	m, ok := w.bot.last(t).(webhook.MessageEvent)
	if !ok {
		t.Fatalf("say: got %T", w.bot.last(t))
	}
	if tm, ok := m.Message.(webhook.TextMessageContent); !ok || tm.Text != "月水金 10時〜15時" || tm.Id == "" {
		t.Fatalf("say: message %#v", m.Message)
	}
	check(m, true)

	if err := w.sim.Tap(ctx, id, "consent:yes"); err != nil {
		t.Fatal(err)
	}
	p, ok := w.bot.last(t).(webhook.PostbackEvent)
	if !ok || p.Postback == nil || p.Postback.Data != "consent:yes" {
		t.Fatalf("tap: got %#v", w.bot.last(t))
	}
	check(p, true)

	if err := w.sim.Unfollow(ctx, id); err != nil {
		t.Fatal(err)
	}
	u, ok := w.bot.last(t).(webhook.UnfollowEvent)
	if !ok {
		t.Fatalf("unfollow: got %T", w.bot.last(t))
	}
	check(u, false)

	if err := w.sim.Follow(ctx, id, ""); err != nil {
		t.Fatal(err)
	}
	if f, ok := w.bot.last(t).(webhook.FollowEvent); !ok || !f.Follow.IsUnblocked {
		t.Fatalf("follow after block: %#v, want isUnblocked", w.bot.last(t))
	}
	w.bot.mu.Lock()
	defer w.bot.mu.Unlock()
	for _, d := range w.bot.dest {
		if d != w.sim.Destination() || !regexp.MustCompile(`^U[0-9a-f]{32}$`).MatchString(d) {
			t.Fatalf("destination %q", d)
		}
	}
}

func TestRedeliverKeepsTheEventID(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	if err := w.sim.Tap(ctx, "U1", "consent:yes"); err != nil {
		t.Fatal(err)
	}
	first := commonOf(t, w.bot.last(t))
	if err := w.sim.Redeliver(ctx); err != nil {
		t.Fatal(err)
	}
	again := commonOf(t, w.bot.last(t))
	if again.eventID != first.eventID || again.replyToken != first.replyToken || again.timestamp != first.timestamp {
		t.Errorf("redelivered %+v, first %+v: want the same event", again, first)
	}
	if !again.delivery.IsRedelivery {
		t.Error("redelivery without isRedelivery")
	}
	if p := w.bot.last(t).(webhook.PostbackEvent); p.Postback.Data != "consent:yes" {
		t.Errorf("redelivered data %q", p.Postback.Data)
	}
}

func TestRedeliverWithNothingSent(t *testing.T) {
	w := newWorld(t)
	if err := w.sim.Redeliver(context.Background()); !errors.Is(err, ErrNoWebhook) {
		t.Fatalf("err = %v, want ErrNoWebhook", err)
	}
}

func TestBotErrorIsReturned(t *testing.T) {
	w := newWorld(t)
	w.bot.setStatus(http.StatusInternalServerError)
	err := w.sim.Say(context.Background(), "U1", "はい")
	var werr *WebhookError
	if !errors.As(err, &werr) || werr.Status != http.StatusInternalServerError {
		t.Fatalf("err = %v, want a WebhookError with 500", err)
	}
	chat, _, _ := w.sim.chatAfter("U1", 0)
	if last := chat.Entries[len(chat.Entries)-1]; last.Kind != "error" {
		t.Fatalf("the chat does not show the failure: %+v", chat.Entries)
	}
}

func TestPostRaw(t *testing.T) {
	w := newWorld(t)
	body := []byte(`{"destination":"U1","events":[]}`)
	for _, tt := range []struct {
		name, sig string
		want      int
	}{
		{"signed", w.sim.Sign(body), http.StatusOK},
		{"bad signature", "AAAA", http.StatusUnauthorized},
		{"no signature", "", http.StatusUnauthorized},
	} {
		res, err := w.sim.PostRaw(context.Background(), body, tt.sig)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, res.StatusCode, tt.want)
		}
	}
}

func TestWaitMessagesWakesOnDelivery(t *testing.T) {
	w := newWorld(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	type result struct {
		msgs []Delivered
		err  error
	}
	done := make(chan result, 1)
	go func() {
		msgs, err := w.sim.WaitMessages(ctx, "U1", 2)
		done <- result{msgs, err}
	}()
	for i := range 2 {
		if _, _, err := w.client.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: "U1", Messages: texts(1)}, uuid.NewString()); err != nil {
			t.Fatalf("push %d: %v", i, err)
		}
	}
	r := <-done
	if r.err != nil || len(r.msgs) != 2 {
		t.Fatalf("WaitMessages: %d messages, %v", len(r.msgs), r.err)
	}
	if r.msgs[0].Seq >= r.msgs[1].Seq {
		t.Errorf("seqs %d, %d do not grow", r.msgs[0].Seq, r.msgs[1].Seq)
	}
}

func TestWaitMessagesEndsWithTheContext(t *testing.T) {
	w := newWorld(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	msgs, err := w.sim.WaitMessages(ctx, "U1", 1)
	if !errors.Is(err, context.Canceled) || len(msgs) != 0 {
		t.Fatalf("got %d messages, %v; want context.Canceled", len(msgs), err)
	}
}

func TestDeliveredDescribesFlexAndQuickReplies(t *testing.T) {
	w := newWorld(t)
	msg := &messaging_api.FlexMessage{
		AltText: "お仕事のご案内",
		Contents: &messaging_api.FlexCarousel{Contents: []messaging_api.FlexBubble{
			*bubble(button("受ける", "offer:t1:accept"), &messaging_api.FlexButton{Action: &messaging_api.MessageAction{Label: "見送る", Text: "今回は見送ります"}}),
			*bubble(&messaging_api.FlexButton{Action: &messaging_api.UriAction{Label: "地図", Uri: "https://example.com/map"}}),
		}},
		QuickReply: &messaging_api.QuickReply{Items: []messaging_api.QuickReplyItem{
			{Action: &messaging_api.PostbackAction{Label: "メニュー", Data: "menu", DisplayText: "メニュー"}},
		}},
	}
	if _, _, err := w.client.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: "U1", Messages: []messaging_api.MessageInterface{msg}}, uuid.NewString()); err != nil {
		t.Fatal(err)
	}
	got := w.sim.Messages("U1")[0]
	if got.Type != "flex" || got.Text != "お仕事のご案内" || got.Via != "push" {
		t.Errorf("type %q text %q via %q", got.Type, got.Text, got.Via)
	}
	want := []Button{
		{Label: "受ける", Data: "offer:t1:accept", DisplayText: "受ける"},
		{Label: "見送る", Text: "今回は見送ります"},
		{Label: "地図", URI: "https://example.com/map"},
	}
	if len(got.Buttons) != len(want) {
		t.Fatalf("buttons %+v, want %+v", got.Buttons, want)
	}
	for i := range want {
		if got.Buttons[i] != want[i] {
			t.Errorf("button %d = %+v, want %+v", i, got.Buttons[i], want[i])
		}
	}
	if len(got.QuickReplies) != 1 || got.QuickReplies[0].Data != "menu" {
		t.Errorf("quick replies %+v", got.QuickReplies)
	}
	var raw map[string]any
	if err := json.Unmarshal(got.Raw, &raw); err != nil || raw["type"] != "flex" || raw["altText"] != "お仕事のご案内" {
		t.Errorf("raw %s (%v)", got.Raw, err)
	}
}

func TestTapShowsTheOfferedDisplayText(t *testing.T) {
	w := newWorld(t)
	msg := &messaging_api.FlexMessage{AltText: "同意", Contents: bubble(button("同意する", "consent:yes"))}
	if _, _, err := w.client.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: "U1", Messages: []messaging_api.MessageInterface{msg}}, uuid.NewString()); err != nil {
		t.Fatal(err)
	}
	if err := w.sim.Tap(context.Background(), "U1", "consent:yes"); err != nil {
		t.Fatal(err)
	}
	if err := w.sim.Tap(context.Background(), "U1", "never:offered"); err != nil {
		t.Fatal(err)
	}
	chat, _, _ := w.sim.chatAfter("U1", 1)
	if len(chat.Entries) != 2 {
		t.Fatalf("entries %+v", chat.Entries)
	}
	if e := chat.Entries[0]; e.From != fromUser || e.Text != "同意する" {
		t.Errorf("tap shows %+v, want the user's bubble 同意する", e)
	}
	if e := chat.Entries[1]; e.From != fromEvent || e.Kind != "postback" {
		t.Errorf("tap without displayText shows %+v, want a quiet note", e)
	}
}

func TestEventIDsAreULIDs(t *testing.T) {
	at := time.Date(2025, 4, 1, 10, 0, 0, 0, time.UTC)
	a, b := newEventID(at), newEventID(at.Add(time.Millisecond))
	if !ulid.MatchString(a) || !ulid.MatchString(b) {
		t.Fatalf("%q %q are not ULIDs", a, b)
	}
	// The time prefix sorts, as ULIDs do.
	if a[:10] >= b[:10] {
		t.Errorf("time prefixes %q, %q do not sort", a[:10], b[:10])
	}
	if a[0] > '7' {
		t.Errorf("%q overflows 128 bits", a)
	}
}
