package linesim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

// page serves the chat page of w's simulator under prefix, as the
// playground may mount it.
func page(t *testing.T, w *world, prefix string) string {
	t.Helper()
	var h http.Handler = w.sim.PageHandler()
	if prefix != "" {
		mux := http.NewServeMux()
		mux.Handle(prefix+"/", http.StripPrefix(prefix, h))
		h = mux
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL + prefix
}

func call(t *testing.T, method, url string, body any, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: decode: %v", method, url, err)
		}
	}
	return res.StatusCode
}

// longPoll is a GET for a goroutine, which must not call t.Fatal.
func longPoll(url string) (pageChat, int) {
	var c pageChat
	res, err := http.Get(url)
	if err != nil {
		return c, 0
	}
	defer res.Body.Close()
	_ = json.NewDecoder(res.Body).Decode(&c)
	return c, res.StatusCode
}

func TestPageServesTheApp(t *testing.T) {
	for _, prefix := range []string{"", "/play"} {
		w := newWorld(t)
		base := page(t, w, prefix)
		res, err := http.Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		html, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(string(html), `id="linesim-app"`) || !strings.Contains(string(html), "友だち追加") {
			t.Fatalf("prefix %q: GET / = %d\n%s", prefix, res.StatusCode, html)
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("CSP = %q", csp)
		}
		// Every asset the page names is served, relative to the page.
		for _, m := range regexp.MustCompile(`(?:src|href)="(sim/line/static/[^"]+)"`).FindAllStringSubmatch(string(html), -1) {
			res, err := http.Get(base + "/" + m[1])
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || len(b) == 0 {
				t.Errorf("%s: %d", m[1], res.StatusCode)
			}
		}
		res, err = http.Get(base + "/sim/line/static/app.js")
		if err != nil {
			t.Fatal(err)
		}
		js, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(js), "drawFlexContainer") || strings.Contains(string(js), "innerHTML") {
			t.Error("app.js lacks the Flex renderer or uses innerHTML")
		}
		if res, _ := http.Get(base + "/favicon.ico"); res.StatusCode != http.StatusNotFound {
			t.Errorf("the page claims other paths: %d", res.StatusCode)
		}
	}
}

func TestPageDrivesAConversation(t *testing.T) {
	w := newWorld(t)
	base := page(t, w, "")

	var u User
	if code := call(t, "POST", base+"/sim/line/users", map[string]string{"displayName": "山田 花子"}, &u); code != http.StatusCreated {
		t.Fatalf("create user: %d", code)
	}
	if !regexp.MustCompile(`^U[0-9a-f]{32}$`).MatchString(u.ID) || u.DisplayName != "山田 花子" || u.State != stateNew {
		t.Fatalf("created %+v", u)
	}
	var again User
	if code := call(t, "POST", base+"/sim/line/users", map[string]string{"userId": u.ID}, &again); code != http.StatusOK || again.DisplayName != "山田 花子" {
		t.Fatalf("create existing: %d %+v", code, again)
	}
	var list struct{ Users []User }
	call(t, "GET", base+"/sim/line/users", nil, &list)
	if len(list.Users) != 1 || list.Users[0].ID != u.ID {
		t.Fatalf("users %+v", list.Users)
	}

	if code := call(t, "POST", base+"/sim/line/follow", map[string]string{"user": u.ID}, nil); code != http.StatusOK {
		t.Fatalf("follow: %d", code)
	}
	if _, ok := w.bot.last(t).(webhook.FollowEvent); !ok {
		t.Fatalf("the bot got %T", w.bot.last(t))
	}
	consent := &messaging_api.FlexMessage{AltText: "同意のお願い", Contents: bubble(button("同意する", "consent:yes"))}
	if _, _, err := w.client.ReplyMessageWithHttpInfo(&messaging_api.ReplyMessageRequest{ReplyToken: w.replyToken(t), Messages: []messaging_api.MessageInterface{consent}}); err != nil {
		t.Fatal(err)
	}
	if code := call(t, "POST", base+"/sim/line/tap", map[string]string{"user": u.ID, "data": "consent:yes", "displayText": "同意する"}, nil); code != http.StatusOK {
		t.Fatalf("tap: %d", code)
	}
	if p, ok := w.bot.last(t).(webhook.PostbackEvent); !ok || p.Postback.Data != "consent:yes" {
		t.Fatalf("the bot got %#v", w.bot.last(t))
	}
	if code := call(t, "POST", base+"/sim/line/say", map[string]string{"user": u.ID, "text": "山田 花子です"}, nil); code != http.StatusOK {
		t.Fatalf("say: %d", code)
	}

	var chat pageChat
	call(t, "GET", base+"/sim/line/messages?user="+u.ID, nil, &chat)
	var kinds []string
	for _, e := range chat.Entries {
		kinds = append(kinds, e.From+":"+e.Kind)
	}
	if got, want := strings.Join(kinds, " "), "event:follow bot:flex user:postback user:text"; got != want {
		t.Fatalf("chat = %s, want %s", got, want)
	}
	if chat.User.State != stateFollowing || chat.Entries[1].Via != "reply" || !json.Valid(chat.Entries[1].Message) {
		t.Errorf("chat %+v", chat)
	}

	var later pageChat
	call(t, "GET", base+"/sim/line/messages?user="+u.ID+"&after=3", nil, &later)
	if len(later.Entries) != 1 || later.Entries[0].Text != "山田 花子です" {
		t.Errorf("after=3: %+v", later.Entries)
	}

	if code := call(t, "POST", base+"/sim/line/unfollow", map[string]string{"user": u.ID}, nil); code != http.StatusOK {
		t.Fatalf("unfollow: %d", code)
	}
	var errBody struct{ Error string }
	if code := call(t, "POST", base+"/sim/line/say", map[string]string{"user": u.ID, "text": "もしもし"}, &errBody); code != http.StatusConflict || errBody.Error == "" {
		t.Fatalf("say while blocked: %d %q, want 409", code, errBody.Error)
	}
}

func TestPageLongPollWakesOnAMessage(t *testing.T) {
	w := newWorld(t)
	base := page(t, w, "")
	if _, err := w.sim.AddUser("U1", "一郎"); err != nil {
		t.Fatal(err)
	}
	got := make(chan pageChat, 1)
	go func() {
		c, _ := longPoll(base + "/sim/line/messages?user=U1&after=0&wait=25")
		got <- c
	}()
	if _, _, err := w.client.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: "U1", Messages: texts(1)}, uuid.NewString()); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-got:
		if len(c.Entries) != 1 || c.Entries[0].From != fromBot {
			t.Fatalf("long-poll answered %+v", c.Entries)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the long-poll did not wake")
	}
}

func TestCloseEndsLongPolls(t *testing.T) {
	w := newWorld(t)
	base := page(t, w, "")
	if _, err := w.sim.AddUser("U1", "一郎"); err != nil {
		t.Fatal(err)
	}
	done := make(chan int, 1)
	go func() {
		_, code := longPoll(base + "/sim/line/messages?user=U1&after=0&wait=25")
		done <- code
	}()
	w.sim.Close()
	select {
	case code := <-done:
		if code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not end the long-poll")
	}
}

func TestPageErrors(t *testing.T) {
	w := newWorld(t)
	base := page(t, w, "")
	w.bot.setStatus(http.StatusInternalServerError)
	tests := []struct {
		name, method, path string
		body               any
		want               int
	}{
		{"bot fails", "POST", "/sim/line/say", map[string]string{"user": "U1", "text": "はい"}, http.StatusBadGateway},
		{"unknown user's chat", "GET", "/sim/line/messages?user=Unobody", nil, http.StatusNotFound},
		{"unfollow by a stranger", "POST", "/sim/line/unfollow", map[string]string{"user": "Unobody"}, http.StatusNotFound},
		{"bad user id", "POST", "/sim/line/users", map[string]string{"userId": "<script>"}, http.StatusBadRequest},
		{"empty text", "POST", "/sim/line/say", map[string]string{"user": "U1", "text": ""}, http.StatusBadRequest},
	}
	for _, tt := range tests {
		var out struct{ Error string }
		if code := call(t, tt.method, base+tt.path, tt.body, &out); code != tt.want || out.Error == "" {
			t.Errorf("%s: %d %q, want %d with an error", tt.name, code, out.Error, tt.want)
		}
	}
}
