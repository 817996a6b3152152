package slack

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"tsunagu/bot"
)

func TestRenderCardsAndChoicesAsBlockKit(t *testing.T) {
	text, blocks := Render([]bot.Message{
		{Text: "お仕事のご案内です <b>"},
		{Card: &bot.Card{Title: "朝テストの採点", Body: "お引き受けいただけますか？",
			Fields:  []bot.Field{{Label: "日時", Value: "12月1日(火) 8:00〜10:00"}, {Label: "場所", Value: "世田谷区"}},
			Buttons: []bot.Choice{{Label: "引き受ける", Data: "offer:accept:T1"}, {Label: "見送る", Data: "offer:decline:T1"}}}},
		{Text: "どれですか？", Choices: []bot.Choice{{Label: strings.Repeat("長", 100), Data: "x:1"}}},
	})
	raw, err := json.Marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, b := range got {
		types = append(types, b["type"].(string))
	}
	if strings.Join(types, ",") != "section,header,section,actions,section,actions" {
		t.Fatalf("blocks %v", types)
	}
	s := string(raw)
	for _, want := range []string{`"value":"offer:accept:T1"`, `"value":"offer:decline:T1"`, `*日時*\n12月1日(火) 8:00〜10:00`} {
		if !strings.Contains(s, want) {
			t.Errorf("blocks lack %s: %s", want, s)
		}
	}
	if first := got[0]["text"].(map[string]any)["text"]; first != "お仕事のご案内です &lt;b&gt;" {
		t.Errorf("people's text not escaped for mrkdwn: %q", first)
	}
	ids := map[string]bool{}
	for _, b := range got {
		if b["type"] != "actions" {
			continue
		}
		for _, el := range b["elements"].([]any) {
			e := el.(map[string]any)
			id := e["action_id"].(string)
			if ids[id] {
				t.Errorf("action_id %s repeated", id)
			}
			ids[id] = true
			if label := e["text"].(map[string]any)["text"].(string); len([]rune(label)) > maxButtonText {
				t.Errorf("button label of %d characters", len([]rune(label)))
			}
		}
	}
	if !strings.Contains(text, "朝テストの採点") {
		t.Errorf("fallback text %q", text)
	}
}

// fakeWebAPI is a Slack Web API keeping each channel's messages with their
// metadata; failNext posts are taken and answered 500 anyway.
type fakeWebAPI struct {
	mu        sync.Mutex
	history   map[string][]map[string]any
	posts     int
	failNext  int
	published []string
	responses []string
}

func (f *fakeWebAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if strings.HasPrefix(r.URL.Path, "/hook") {
		b, _ := io.ReadAll(r.Body)
		f.responses = append(f.responses, string(b))
		return
	}
	if r.URL.Path == "/views.publish" {
		b, _ := io.ReadAll(r.Body)
		f.published = append(f.published, string(b))
		_, _ = w.Write([]byte(`{"ok":true}`))
		return
	}
	_ = r.ParseForm()
	switch r.URL.Path {
	case "/conversations.open":
		_, _ = w.Write([]byte(`{"ok":true,"channel":{"id":"D1"}}`))
	case "/chat.postMessage":
		f.posts++
		var meta any
		_ = json.Unmarshal([]byte(r.Form.Get("metadata")), &meta)
		ch := r.Form.Get("channel")
		f.history[ch] = append([]map[string]any{{"text": r.Form.Get("text"), "metadata": meta}}, f.history[ch]...)
		if f.failNext > 0 {
			f.failNext--
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		_, _ = w.Write([]byte(`{"ok":true}`))
	case "/conversations.history":
		b, _ := json.Marshal(map[string]any{"ok": true, "messages": f.history[r.Form.Get("channel")]})
		_, _ = w.Write(b)
	case "/users.info":
		_, _ = w.Write([]byte(`{"ok":true,"user":{"id":"U1","real_name":"Hanako Yamada","profile":{"display_name":""}}}`))
	default:
		_, _ = w.Write([]byte(`{"ok":false,"error":"unknown_method"}`))
	}
}

type homeOf []bot.Message

func (h homeOf) Home(context.Context, string) ([]bot.Message, error) { return h, nil }

func TestSenderPostsOnceAfterA5xx(t *testing.T) {
	f := &fakeWebAPI{history: map[string][]map[string]any{}, failNext: 1}
	srv := httptest.NewServer(f)
	defer srv.Close()
	s := NewSender(NewClient(srv.URL+"/", "xoxb", srv.Client()), homeOf{{Text: "ホーム"}})
	out := bot.Outgoing{ID: "out-1", To: "slack:T1:U1", Messages: []bot.Message{{Text: "こんにちは"}}}
	ctx := context.Background()

	err := s.Send(ctx, out, 0)
	var se *bot.SendError
	if !errors.As(err, &se) || se.Permanent || se.Status != http.StatusBadGateway {
		t.Fatalf("first send: %v, want a 502 to retry", err)
	}
	// The retry finds the post in the history and does not post again.
	if err := s.Send(ctx, out, 1); err != nil {
		t.Fatal(err)
	}
	if f.posts != 1 {
		t.Fatalf("posted %d times, want once", f.posts)
	}
	// A post that really was lost is posted by the retry.
	lost := bot.Outgoing{ID: "out-2", To: "slack:T1:U1", Messages: []bot.Message{{Text: "もう一度"}}}
	if err := s.Send(ctx, lost, 1); err != nil || f.posts != 2 {
		t.Fatalf("lost post: %v, %d posts", err, f.posts)
	}

	if err := s.Send(ctx, bot.Outgoing{ID: "h", Kind: bot.OutHome, To: "slack:T1:U1"}, 0); err != nil {
		t.Fatal(err)
	}
	if len(f.published) != 1 || !strings.Contains(f.published[0], `"user_id":"U1"`) || !strings.Contains(f.published[0], "ホーム") {
		t.Fatalf("published %v", f.published)
	}
	if name, err := s.LookupName(ctx, "slack:T1:U1"); err != nil || name != "Hanako Yamada" {
		t.Fatalf("LookupName = %q, %v", name, err)
	}
}

func TestSenderRespondsOnlyToSlack(t *testing.T) {
	f := &fakeWebAPI{history: map[string][]map[string]any{}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	s := NewSender(NewClient(srv.URL+"/", "xoxb", srv.Client()), nil)
	answer := func(url string) error {
		return s.Send(context.Background(), bot.Outgoing{ID: "r", Kind: bot.OutRespond, To: "slack:T1:U1", ResponseURL: url,
			Messages: []bot.Message{{Text: "受け付けました"}}}, 0)
	}
	if err := answer(srv.URL + "/hook/1"); err != nil || len(f.responses) != 1 || !strings.Contains(f.responses[0], `"replace_original":true`) {
		t.Fatalf("respond: %v %v", err, f.responses)
	}
	for _, url := range []string{"http://169.254.169.254/latest", "https://evil.example/hook", "http://hooks.slack.com/x", "::"} {
		var se *bot.SendError
		if err := answer(url); !errors.As(err, &se) || !se.Permanent {
			t.Errorf("respond to %q: %v, want refused for good", url, err)
		}
	}
}
