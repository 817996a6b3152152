package line

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"tsunagu/bot"
)

const testSecret = "test-channel-secret"

// recorder is an EventHandler that keeps what it got and can fail on a
// chosen event ID.
type recorder struct {
	got    []bot.Inbound
	failOn string
	refuse string // answered with an EINVALID error
}

var _ EventHandler = (*recorder)(nil)

func (r *recorder) Handle(_ context.Context, in bot.Inbound) error {
	if r.failOn != "" && in.ID == r.failOn {
		return errors.New("store down")
	}
	if r.refuse != "" && in.ID == r.refuse {
		return bot.Errorf(bot.EINVALID, "bad profile id")
	}
	r.got = append(r.got, in)
	return nil
}

func sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// post sends body to a fresh webhook with the given signature header
// ("" leaves it out) and returns the response and the results reported.
func post(t *testing.T, h EventHandler, body []byte, sig string) (*httptest.ResponseRecorder, []string) {
	t.Helper()
	var results []string
	wh := NewWebhook(testSecret, h, nil, WithResultHook(func(r string) { results = append(results, r) }))
	req := httptest.NewRequest(http.MethodPost, "/line/webhook", bytes.NewReader(body))
	if sig != "" {
		req.Header.Set("X-Line-Signature", sig)
	}
	rec := httptest.NewRecorder()
	wh.ServeHTTP(rec, req)
	return rec, results
}

// Event JSON as LINE sends it; ts is 2024-05-01 10:00:00 JST.
const ts = 1714525200000

func event(id, typ, source, extra string) string {
	return fmt.Sprintf(`{"type":%q,"mode":"active","timestamp":%d,"source":%s,"webhookEventId":%q,"deliveryContext":{"isRedelivery":false}%s}`,
		typ, ts, source, id, extra)
}

const (
	user1 = `{"type":"user","userId":"U4af4980629"}`
	group = `{"type":"group","groupId":"Ca56f9","userId":"U4af4980629"}`
	room  = `{"type":"room","roomId":"Ra8dbf4","userId":"U4af4980629"}`
)

func body(events ...string) []byte {
	return []byte(`{"destination":"Uxxxxxxxx","events":[` + strings.Join(events, ",") + `]}`)
}

func TestWebhookStatus(t *testing.T) {
	valid := body(event("01HW1", "follow", user1, `,"replyToken":"rt1"`))
	huge := append(append([]byte(`{"events":[],"pad":"`), bytes.Repeat([]byte("x"), MaxBodyBytes)...), `"}`...)
	tests := []struct {
		name       string
		body       []byte
		sig        string
		wantStatus int
		wantResult string
		wantCode   string
	}{
		{"signed events accepted", valid, sign(testSecret, valid), 200, ResultOK, ""},
		{"empty events verify the URL", []byte(`{"destination":"U1","events":[]}`), sign(testSecret, []byte(`{"destination":"U1","events":[]}`)), 200, ResultOK, ""},
		{"wrong signature", valid, sign("another-secret", valid), 401, ResultBadSignature, "unauthorized"},
		{"signature not base64", valid, "!!!", 401, ResultBadSignature, "unauthorized"},
		{"missing signature", valid, "", 401, ResultBadSignature, "unauthorized"},
		{"body over 1 MiB", huge, sign(testSecret, huge), 413, ResultTooLarge, "too_large"},
		{"body over 1 MiB, unsigned", huge, "", 413, ResultTooLarge, "too_large"},
		{"malformed JSON", []byte(`{"events":[`), sign(testSecret, []byte(`{"events":[`)), 400, ResultMalformed, "invalid"},
		{"event without type", []byte(`{"events":[{}]}`), sign(testSecret, []byte(`{"events":[{}]}`)), 400, ResultMalformed, "invalid"},
		{"events not an array", []byte(`{"events":{}}`), sign(testSecret, []byte(`{"events":{}}`)), 400, ResultMalformed, "invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, results := post(t, &recorder{}, tt.body, tt.sig)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d (body %s)", rec.Code, tt.wantStatus, rec.Body)
			}
			if len(results) != 1 || results[0] != tt.wantResult {
				t.Errorf("results = %v, want [%s]", results, tt.wantResult)
			}
			if tt.wantCode == "" {
				return
			}
			var got struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("error body %q: %v", rec.Body, err)
			}
			if got.Error.Code != tt.wantCode || got.Error.Message == "" {
				t.Errorf("error = %+v, want code %q and a message", got.Error, tt.wantCode)
			}
		})
	}
}

func TestWebhookTranslation(t *testing.T) {
	at := time.UnixMilli(ts)
	tests := []struct {
		name  string
		event string
		want  []bot.Inbound
	}{
		{
			name:  "follow starts onboarding with a reply token",
			event: event("e1", "follow", user1, `,"replyToken":"rt1","follow":{"isUnblocked":false}`),
			want: []bot.Inbound{{ID: "e1", Kind: bot.EventFollow, ProfileID: "line:U4af4980629",
				ReplyToken: "rt1", ReplyBefore: at.Add(50 * time.Second), At: at}},
		},
		{
			name:  "unfollow has no reply token",
			event: event("e2", "unfollow", user1, ""),
			want:  []bot.Inbound{{ID: "e2", Kind: bot.EventUnfollow, ProfileID: "line:U4af4980629", At: at}},
		},
		{
			name:  "text message",
			event: event("e3", "message", user1, `,"replyToken":"rt3","message":{"id":"m1","type":"text","text":"はい、できます","quoteToken":"q"}`),
			want: []bot.Inbound{{ID: "e3", Kind: bot.EventText, ProfileID: "line:U4af4980629", Text: "はい、できます",
				ReplyToken: "rt3", ReplyBefore: at.Add(50 * time.Second), At: at}},
		},
		{
			name:  "postback carries its data",
			event: event("e4", "postback", user1, `,"replyToken":"rt4","postback":{"data":"offer:accept:t1"}`),
			want: []bot.Inbound{{ID: "e4", Kind: bot.EventPostback, ProfileID: "line:U4af4980629", Data: "offer:accept:t1",
				ReplyToken: "rt4", ReplyBefore: at.Add(50 * time.Second), At: at}},
		},
		{
			name:  "sticker becomes empty text so the bot can say it reads text only",
			event: event("e5", "message", user1, `,"replyToken":"rt5","message":{"id":"m2","type":"sticker","packageId":"1","stickerId":"1","stickerResourceType":"STATIC","quoteToken":"q"}`),
			want: []bot.Inbound{{ID: "e5", Kind: bot.EventText, ProfileID: "line:U4af4980629",
				ReplyToken: "rt5", ReplyBefore: at.Add(50 * time.Second), At: at}},
		},
		{
			name:  "image becomes empty text too",
			event: event("e6", "message", user1, `,"replyToken":"rt6","message":{"id":"m3","type":"image","contentProvider":{"type":"line"},"quoteToken":"q"}`),
			want: []bot.Inbound{{ID: "e6", Kind: bot.EventText, ProfileID: "line:U4af4980629",
				ReplyToken: "rt6", ReplyBefore: at.Add(50 * time.Second), At: at}},
		},
		{
			name:  "redelivered event is answered by push",
			event: strings.Replace(event("e7", "message", user1, `,"replyToken":"rt7","message":{"id":"m4","type":"text","text":"はい"}`), `"isRedelivery":false`, `"isRedelivery":true`, 1),
			want:  []bot.Inbound{{ID: "e7", Kind: bot.EventText, ProfileID: "line:U4af4980629", Text: "はい", At: at}},
		},
		{
			name:  "group message ignored",
			event: event("e8", "message", group, `,"replyToken":"rt8","message":{"id":"m5","type":"text","text":"hi"}`),
		},
		{
			name:  "room postback ignored",
			event: event("e9", "postback", room, `,"replyToken":"rt9","postback":{"data":"x"}`),
		},
		{
			name:  "join event ignored",
			event: event("e10", "join", group, `,"replyToken":"rt10"`),
		},
		{
			name:  "unknown event type ignored",
			event: event("e11", "somethingNew", user1, ""),
		},
		{
			name:  "event without source ignored",
			event: `{"type":"follow","timestamp":1,"webhookEventId":"e12","replyToken":"rt"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := body(tt.event)
			h := &recorder{}
			rec, _ := post(t, h, b, sign(testSecret, b))
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200 (%s)", rec.Code, rec.Body)
			}
			if len(h.got) != len(tt.want) {
				t.Fatalf("handled %d events %+v, want %d", len(h.got), h.got, len(tt.want))
			}
			for i := range tt.want {
				got, want := h.got[i], tt.want[i]
				if !got.At.Equal(want.At) || !got.ReplyBefore.Equal(want.ReplyBefore) {
					t.Errorf("times = %v/%v, want %v/%v", got.At, got.ReplyBefore, want.At, want.ReplyBefore)
				}
				got.At, got.ReplyBefore, want.At, want.ReplyBefore = time.Time{}, time.Time{}, time.Time{}, time.Time{}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("got  %+v\nwant %+v", got, want)
				}
			}
		})
	}
}

func TestWebhookHandlesEventsInOrder(t *testing.T) {
	b := body(
		event("a", "follow", user1, `,"replyToken":"r1"`),
		event("b", "message", group, `,"message":{"id":"m","type":"text","text":"x"}`),
		event("c", "message", user1, `,"replyToken":"r2","message":{"id":"m","type":"text","text":"佐藤"}`),
		event("d", "postback", user1, `,"replyToken":"r3","postback":{"data":"area:setagaya"}`),
	)
	h := &recorder{}
	rec, _ := post(t, h, b, sign(testSecret, b))
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
	var ids []string
	for _, in := range h.got {
		ids = append(ids, in.ID)
	}
	if got, want := strings.Join(ids, ","), "a,c,d"; got != want {
		t.Errorf("handled %s, want %s", got, want)
	}
}

func TestWebhookStopsAtHandlerError(t *testing.T) {
	b := body(
		event("a", "follow", user1, ""),
		event("b", "message", user1, `,"message":{"id":"m","type":"text","text":"x"}`),
		event("c", "message", user1, `,"message":{"id":"m","type":"text","text":"y"}`),
	)
	h := &recorder{failOn: "b"}
	rec, results := post(t, h, b, sign(testSecret, b))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
	if len(h.got) != 1 || h.got[0].ID != "a" {
		t.Errorf("handled %+v, want only a: LINE redelivers the rest", h.got)
	}
	if len(results) != 1 || results[0] != ResultError {
		t.Errorf("results = %v, want [error]", results)
	}
}

func FuzzWebhook(f *testing.F) {
	f.Add([]byte(`{"events":[]}`))
	f.Add(body(event("e1", "follow", user1, `,"replyToken":"rt1"`)))
	f.Add(body(event("e2", "message", user1, `,"message":{"type":"text","text":"はい"}`)))
	f.Add(body(event("e3", "postback", user1, `,"postback":null`)))
	f.Add(body(`{"type":"message","source":null,"message":null,"deliveryContext":null}`))
	f.Add(body(`{"type":"postback","source":{"type":"user"}}`))
	f.Add([]byte(`{"events":[null]}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		rec, _ := post(t, &recorder{}, b, sign(testSecret, b))
		if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
			t.Fatalf("status %d for %q", rec.Code, b)
		}
	})
}

func TestWebhookSkipsEventsTheBotCanNeverAccept(t *testing.T) {
	b := body(
		event("a", "follow", user1, ""),
		event("b", "message", user1, `,"message":{"id":"m","type":"text","text":"x"}`),
		event("c", "message", user1, `,"message":{"id":"m","type":"text","text":"y"}`),
	)
	h := &recorder{refuse: "b"}
	rec, _ := post(t, h, b, sign(testSecret, b))
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200: a redelivery would be refused the same way", rec.Code)
	}
	if len(h.got) != 2 || h.got[1].ID != "c" {
		t.Errorf("handled %+v, want a and c", h.got)
	}
}
