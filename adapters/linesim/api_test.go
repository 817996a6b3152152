package linesim

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

func TestReplyTokenIsSingleUse(t *testing.T) {
	w := newWorld(t)
	if err := w.sim.Follow(context.Background(), "Uhanako", "花子"); err != nil {
		t.Fatal(err)
	}
	token := w.replyToken(t)

	res, got, err := w.client.ReplyMessageWithHttpInfo(&messaging_api.ReplyMessageRequest{ReplyToken: token, Messages: texts(2)})
	if err != nil {
		t.Fatalf("first reply: %v", err)
	}
	if len(got.SentMessages) != 2 || got.SentMessages[0].Id == "" || got.SentMessages[0].QuoteToken == "" {
		t.Errorf("sentMessages = %+v", got.SentMessages)
	}
	if res.Header.Get("X-Line-Request-Id") == "" {
		t.Error("no X-Line-Request-Id")
	}

	res, _, err = w.client.ReplyMessageWithHttpInfo(&messaging_api.ReplyMessageRequest{ReplyToken: token, Messages: texts(1)})
	if status(res) != http.StatusBadRequest || err == nil || !strings.Contains(err.Error(), "Invalid reply token") {
		t.Fatalf("second reply: status %d, %v; want 400 Invalid reply token", status(res), err)
	}
	msgs := w.sim.Messages("Uhanako")
	if len(msgs) != 2 || msgs[0].Via != "reply" || msgs[0].Text != "こんにちは" {
		t.Fatalf("delivered %+v, want the two messages of the first reply", msgs)
	}
}

func TestReplyTokenExpiresAfterAMinute(t *testing.T) {
	tests := []struct {
		name  string
		after time.Duration
		want  int
	}{
		{"in time", 59 * time.Second, http.StatusOK},
		{"a minute late", 60 * time.Second, http.StatusBadRequest},
		{"long after", time.Hour, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			if err := w.sim.Say(context.Background(), "Uichiro", "はい"); err != nil {
				t.Fatal(err)
			}
			w.clock.Advance(tt.after)
			res, _, err := w.client.ReplyMessageWithHttpInfo(&messaging_api.ReplyMessageRequest{ReplyToken: w.replyToken(t), Messages: texts(1)})
			if status(res) != tt.want {
				t.Fatalf("reply after %v: status %d (%v), want %d", tt.after, status(res), err, tt.want)
			}
		})
	}
}

func TestRepeatedRetryKeyIsConflictAndDeliveredOnce(t *testing.T) {
	w := newWorld(t)
	key := uuid.NewString()
	push := func() (*http.Response, error) {
		res, _, err := w.client.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: "Ukazuko", Messages: texts(1)}, key)
		return res, err
	}
	if res, err := push(); status(res) != http.StatusOK {
		t.Fatalf("first push: %d %v", status(res), err)
	}
	res, err := push()
	if status(res) != http.StatusConflict || !strings.Contains(err.Error(), "The retry key is already accepted") {
		t.Fatalf("repeat: %d %v, want 409 'The retry key is already accepted'", status(res), err)
	}
	if res.Header.Get("X-Line-Accepted-Request-Id") == "" {
		t.Error("409 without X-Line-Accepted-Request-Id")
	}
	if n := len(w.sim.Messages("Ukazuko")); n != 1 {
		t.Fatalf("delivered %d times, want once", n)
	}

	w.clock.Advance(24 * time.Hour)
	if res, err := push(); status(res) != http.StatusOK {
		t.Fatalf("push a day later: %d %v, want the key forgotten", status(res), err)
	}
}

func TestRetryKeyMustBeAUUID(t *testing.T) {
	w := newWorld(t)
	for _, key := range []string{"", "not-a-uuid", "{" + uuid.NewString() + "}"} {
		// The v8 SDK sends the header even when the key is empty.
		res, _, _ := w.client.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: "Ukazuko", Messages: texts(1)}, key)
		if status(res) != http.StatusBadRequest {
			t.Errorf("key %q: status %d, want 400", key, status(res))
		}
	}
	if n := len(w.sim.Messages("Ukazuko")); n != 0 {
		t.Fatalf("delivered %d messages despite bad keys", n)
	}
}

func TestAPIRefusesAWrongAccessToken(t *testing.T) {
	w := newWorld(t)
	calls := []struct{ method, path, body string }{
		{"POST", EndpointReply, `{"replyToken":"x","messages":[{"type":"text","text":"a"}]}`},
		{"POST", EndpointPush, `{"to":"U1","messages":[{"type":"text","text":"a"}]}`},
		{"POST", EndpointMulticast, `{"to":["U1"],"messages":[{"type":"text","text":"a"}]}`},
		{"GET", EndpointProfile + "/U1", ""},
		{"POST", EndpointLoading, `{"chatId":"U1"}`},
		{"GET", EndpointQuota, ""},
		{"GET", EndpointQuotaConsumption, ""},
	}
	for _, auth := range []string{"", "Bearer wrong", testToken} {
		for _, c := range calls {
			req, _ := http.NewRequest(c.method, w.api.URL+c.path, strings.NewReader(c.body))
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var body struct{ Message string }
			_ = json.NewDecoder(res.Body).Decode(&body)
			res.Body.Close()
			if res.StatusCode != http.StatusUnauthorized || body.Message == "" {
				t.Errorf("%s %s with %q: %d %q, want 401 with a message", c.method, c.path, auth, res.StatusCode, body.Message)
			}
		}
	}
	if n := len(w.sim.Messages("U1")); n != 0 {
		t.Fatalf("unauthorized calls delivered %d messages", n)
	}
}

func TestMessageCountMustBeOneToFive(t *testing.T) {
	w := newWorld(t)
	for _, n := range []int{0, 1, 5, 6} {
		res, _, err := w.client.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: "U1", Messages: texts(n)}, uuid.NewString())
		want := http.StatusOK
		if n < 1 || n > 5 {
			want = http.StatusBadRequest
		}
		if status(res) != want {
			t.Errorf("%d messages: status %d (%v), want %d", n, status(res), err, want)
		}
	}
	if got := len(w.sim.Messages("U1")); got != 6 {
		t.Fatalf("delivered %d, want 1+5", got)
	}
}

func TestMulticastTakesAtMost500Recipients(t *testing.T) {
	w := newWorld(t)
	ids := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = newUserID()
		}
		return out
	}
	res, _, err := w.client.MulticastWithHttpInfo(&messaging_api.MulticastRequest{To: ids(501), Messages: texts(1)}, uuid.NewString())
	if status(res) != http.StatusBadRequest {
		t.Fatalf("501 recipients: %d %v, want 400", status(res), err)
	}
	to := ids(500)
	res, _, err = w.client.MulticastWithHttpInfo(&messaging_api.MulticastRequest{To: to, Messages: texts(2)}, uuid.NewString())
	if status(res) != http.StatusOK {
		t.Fatalf("500 recipients: %d %v", status(res), err)
	}
	for _, id := range []string{to[0], to[499]} {
		msgs := w.sim.Messages(id)
		if len(msgs) != 2 || msgs[0].Via != "multicast" {
			t.Fatalf("%s got %+v, want 2 multicast messages", id, msgs)
		}
	}
}

func TestFailNextAnswersTheInjectedStatus(t *testing.T) {
	w := newWorld(t)
	w.sim.FailNext(EndpointPush, http.StatusTooManyRequests, "3", 2)
	key := uuid.NewString()
	for i := range 2 {
		res, _, _ := w.client.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: "U1", Messages: texts(1)}, key)
		if status(res) != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "3" {
			t.Fatalf("call %d: %d Retry-After %q, want 429 with Retry-After 3", i, status(res), res.Header.Get("Retry-After"))
		}
	}
	// The failed calls took no effect, so the same retry key is still fresh.
	if res, _, err := w.client.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: "U1", Messages: texts(1)}, key); status(res) != http.StatusOK {
		t.Fatalf("third call: %d %v", status(res), err)
	}
	if got := w.sim.Calls(EndpointPush); got != 3 {
		t.Errorf("Calls = %d, want 3", got)
	}
	if got := len(w.sim.Messages("U1")); got != 1 {
		t.Errorf("delivered %d, want 1", got)
	}
	if got := w.sim.Calls(EndpointMulticast); got != 0 {
		t.Errorf("multicast Calls = %d, want 0", got)
	}
}

func TestDroppedResponseThenRetryIsDeliveredOnce(t *testing.T) {
	w := newWorld(t)
	w.sim.DropNextResponse(EndpointPush, 1)
	key := uuid.NewString()
	req := &messaging_api.PushMessageRequest{To: "U1", Messages: texts(1)}
	if _, _, err := w.client.PushMessageWithHttpInfo(req, key); err == nil {
		t.Fatal("the dropped call succeeded")
	}
	res, _, _ := w.client.PushMessageWithHttpInfo(req, key)
	if status(res) != http.StatusConflict {
		t.Fatalf("retry: %d, want 409", status(res))
	}
	if got := len(w.sim.Messages("U1")); got != 1 {
		t.Fatalf("delivered %d, want 1", got)
	}
}

func TestProfileOfSimulatedUsers(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	if err := w.sim.Follow(ctx, "Uhanako", "山田 花子"); err != nil {
		t.Fatal(err)
	}
	// Pushing to someone the sim never met leaves them without a profile.
	if _, _, err := w.client.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: "Ustranger", Messages: texts(1)}, uuid.NewString()); err != nil {
		t.Fatal(err)
	}
	res, p, err := w.client.GetProfileWithHttpInfo("Uhanako")
	if err != nil || p.DisplayName != "山田 花子" || p.UserId != "Uhanako" {
		t.Fatalf("profile: %d %+v %v", status(res), p, err)
	}
	for _, id := range []string{"Unobody", "Ustranger"} {
		if res, _, _ := w.client.GetProfileWithHttpInfo(id); status(res) != http.StatusNotFound {
			t.Errorf("profile of %s: %d, want 404", id, status(res))
		}
	}
	if err := w.sim.Unfollow(ctx, "Uhanako"); err != nil {
		t.Fatal(err)
	}
	if res, _, _ := w.client.GetProfileWithHttpInfo("Uhanako"); status(res) != http.StatusNotFound {
		t.Errorf("profile of a blocked user: %d, want 404", status(res))
	}
}

func TestBlockedUsersReceiveNothing(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	if err := w.sim.Follow(ctx, "Uhanako", "花子"); err != nil {
		t.Fatal(err)
	}
	if err := w.sim.Unfollow(ctx, "Uhanako"); err != nil {
		t.Fatal(err)
	}
	res, _, err := w.client.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: "Uhanako", Messages: texts(1)}, uuid.NewString())
	if status(res) != http.StatusOK {
		t.Fatalf("push to a blocked user: %d %v, want 200 as on LINE", status(res), err)
	}
	if got := len(w.sim.Messages("Uhanako")); got != 0 {
		t.Fatalf("a blocked user got %d messages", got)
	}
	if err := w.sim.Say(ctx, "Uhanako", "もしもし"); err == nil {
		t.Fatal("a blocked user could talk")
	}
}

func TestQuota(t *testing.T) {
	w := newWorld(t)
	w.sim.SetQuota(3, 1)
	q, err := w.client.GetMessageQuota()
	if err != nil || q.Type != messaging_api.QuotaType_LIMITED || q.Value != 3 {
		t.Fatalf("quota %+v %v", q, err)
	}
	if _, _, err := w.client.MulticastWithHttpInfo(&messaging_api.MulticastRequest{To: []string{"U1", "U2"}, Messages: texts(3)}, uuid.NewString()); err != nil {
		t.Fatalf("multicast within quota: %v", err)
	}
	used, err := w.client.GetMessageQuotaConsumption()
	if err != nil || used.TotalUsage != 3 {
		t.Fatalf("consumption %+v %v, want 3 (recipients count, not message objects)", used, err)
	}
	res, _, _ := w.client.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: "U1", Messages: texts(1)}, uuid.NewString())
	if status(res) != http.StatusTooManyRequests {
		t.Fatalf("push over quota: %d, want 429", status(res))
	}
	// Replies do not use the quota.
	if err := w.sim.Say(context.Background(), "U1", "はい"); err != nil {
		t.Fatal(err)
	}
	if res, _, err := w.client.ReplyMessageWithHttpInfo(&messaging_api.ReplyMessageRequest{ReplyToken: w.replyToken(t), Messages: texts(1)}); err != nil {
		t.Fatalf("reply over quota: %d %v", status(res), err)
	}
	w.sim.SetQuota(0, 0)
	if q, err := w.client.GetMessageQuota(); err != nil || q.Type != messaging_api.QuotaType_NONE {
		t.Fatalf("unlimited quota %+v %v", q, err)
	}
}

func TestLoadingAnimation(t *testing.T) {
	w := newWorld(t)
	if err := w.sim.Follow(context.Background(), "U1", "一郎"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		secs int32
		want int
	}{{0, http.StatusAccepted}, {5, http.StatusAccepted}, {60, http.StatusAccepted}, {7, http.StatusBadRequest}, {65, http.StatusBadRequest}} {
		res, _, _ := w.client.ShowLoadingAnimationWithHttpInfo(&messaging_api.ShowLoadingAnimationRequest{ChatId: "U1", LoadingSeconds: tt.secs})
		if status(res) != tt.want {
			t.Errorf("loadingSeconds %d: %d, want %d", tt.secs, status(res), tt.want)
		}
	}
	chat, _, _ := w.sim.chatAfter("U1", 0)
	if !chat.Loading {
		t.Error("the chat does not show the loading animation")
	}
	if _, _, err := w.client.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: "U1", Messages: texts(1)}, uuid.NewString()); err != nil {
		t.Fatal(err)
	}
	if chat, _, _ := w.sim.chatAfter("U1", 0); chat.Loading {
		t.Error("a message did not end the loading animation")
	}
}

func TestReplyRefusesARetryKey(t *testing.T) {
	w := newWorld(t)
	if err := w.sim.Say(context.Background(), "U1", "はい"); err != nil {
		t.Fatal(err)
	}
	body := `{"replyToken":"` + w.replyToken(t) + `","messages":[{"type":"text","text":"a"}]}`
	req, _ := http.NewRequest("POST", w.api.URL+EndpointReply, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("X-Line-Retry-Key", uuid.NewString())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("reply with a retry key: %d, want 400", res.StatusCode)
	}
}

func TestInvalidMessagesAreRefused(t *testing.T) {
	long := strings.Repeat("あ", 301)
	quick := func(n int) *messaging_api.QuickReply {
		q := &messaging_api.QuickReply{}
		for range n {
			q.Items = append(q.Items, messaging_api.QuickReplyItem{Action: &messaging_api.MessageAction{Label: "はい", Text: "はい"}})
		}
		return q
	}
	tests := []struct {
		name string
		msg  messaging_api.MessageInterface
		want int
	}{
		{"empty text", &messaging_api.TextMessage{Text: ""}, 400},
		{"13 quick replies", &messaging_api.TextMessage{Text: "a", QuickReply: quick(13)}, 200},
		{"14 quick replies", &messaging_api.TextMessage{Text: "a", QuickReply: quick(14)}, 400},
		{"quick reply label over 20", &messaging_api.TextMessage{Text: "a", QuickReply: &messaging_api.QuickReply{Items: []messaging_api.QuickReplyItem{
			{Action: &messaging_api.PostbackAction{Label: strings.Repeat("長", 21), Data: "x"}}}}}, 400},
		{"flex without altText", &messaging_api.FlexMessage{Contents: bubble(button("はい", "ok"))}, 400},
		{"flex without contents", &messaging_api.FlexMessage{AltText: "a"}, 400},
		{"postback data over 300", &messaging_api.FlexMessage{AltText: "a", Contents: bubble(button("はい", long))}, 400},
		{"flex button", &messaging_api.FlexMessage{AltText: "a", Contents: bubble(button("はい", "ok"))}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			res, _, err := w.client.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: "U1", Messages: []messaging_api.MessageInterface{tt.msg}}, uuid.NewString())
			if status(res) != tt.want {
				t.Fatalf("status %d (%v), want %d", status(res), err, tt.want)
			}
		})
	}
}

func TestUnknownAPIPathIs404(t *testing.T) {
	w := newWorld(t)
	res, err := http.Get(w.api.URL + "/v2/bot/nothing")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound || !json.Valid(b) {
		t.Fatalf("%d %s", res.StatusCode, b)
	}
}

func bubble(footer ...messaging_api.FlexComponentInterface) *messaging_api.FlexBubble {
	return &messaging_api.FlexBubble{
		Body: &messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Contents: []messaging_api.FlexComponentInterface{
			&messaging_api.FlexText{Text: "小学校の採点", Weight: messaging_api.FlexTextWEIGHT_BOLD, Size: "xl", Wrap: true},
		}},
		Footer: &messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_HORIZONTAL, Contents: footer},
	}
}

func button(label, data string) *messaging_api.FlexButton {
	return &messaging_api.FlexButton{Style: messaging_api.FlexButtonSTYLE_PRIMARY,
		Action: &messaging_api.PostbackAction{Label: label, Data: data, DisplayText: label}}
}
