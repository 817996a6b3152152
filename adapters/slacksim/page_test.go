package slacksim

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// pageWorld serves the page the way the playground does, under /slacksim.
func pageWorld(t *testing.T) (*world, *httptest.Server) {
	t.Helper()
	w := newWorld(t)
	mux := http.NewServeMux()
	mux.Handle("/slacksim/", http.StripPrefix("/slacksim", w.sim.PageHandler()))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return w, srv
}

func pagePost(t *testing.T, srv *httptest.Server, path string, body any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	res, err := http.Post(srv.URL+"/slacksim/"+path, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func TestPageIsServedWithItsAssetsAndAStrictPolicy(t *testing.T) {
	_, srv := pageWorld(t)
	for path, want := range map[string]string{
		"/slacksim/":                  `src="ui/static/app.js"`,
		"/slacksim/ui/static/app.js":  "textContent",
		"/slacksim/ui/static/app.css": ".bk-section",
		"/slacksim/ui/people":         "山本 さくら",
	} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %d, want %q in the body", path, res.StatusCode, want)
		}
		if path == "/slacksim/" && !strings.Contains(res.Header.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Errorf("page policy %q", res.Header.Get("Content-Security-Policy"))
		}
	}
	// The page never builds markup from text: no innerHTML anywhere.
	js, _ := pageFiles.ReadFile("page/app.js")
	if bytes.Contains(js, []byte("innerHTML")) {
		t.Error("app.js uses innerHTML")
	}
}

func TestPageStateWaitsForChangesAndShowsOnlyWhatThePersonSees(t *testing.T) {
	w, srv := pageWorld(t)
	get := func(user string, after int64, wait string) pageSnapshot {
		t.Helper()
		res, err := http.Get(srv.URL + "/slacksim/ui/state?user=" + user + "&after=" + strconv.FormatInt(after, 10) + "&wait=" + wait)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var snap pageSnapshot
		if err := json.NewDecoder(res.Body).Decode(&snap); err != nil {
			t.Fatal(err)
		}
		return snap
	}
	first := get(DefaultMember, -1, "0")
	for _, c := range first.Channels {
		if c.ID == CoordinatorChannel {
			t.Error("a member sees the coordinator channel")
		}
	}
	done := make(chan pageSnapshot)
	go func() { done <- get(DefaultMember, first.Version, "5") }()
	if _, err := w.client.PostEphemeralContext(context.Background(), GeneralChannel, DefaultCoordinator, slack.MsgOptionText("あなただけ", false)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.client.PostMessageContext(context.Background(), GeneralChannel, slack.MsgOptionText("みなさんへ", false)); err != nil {
		t.Fatal(err)
	}
	select {
	case snap := <-done:
		if snap.Version <= first.Version {
			t.Errorf("version %d after %d", snap.Version, first.Version)
		}
	case <-time.After(4 * time.Second):
		t.Fatal("the long-poll did not wake up")
	}
	snap := get(DefaultMember, -1, "0")
	for _, c := range snap.Channels {
		for _, m := range c.Messages {
			if m.Text == "あなただけ" {
				t.Error("someone else's ephemeral message is shown")
			}
		}
	}
}

func TestPageDrivesCommandsActionsAndForms(t *testing.T) {
	w, srv := pageWorld(t)
	openModal(t, w, formView())
	if status, out := pagePost(t, srv, "ui/send", map[string]any{"user": DefaultMember, "channel": DMChannel(DefaultMember), "text": "/tsunagu join"}); status != http.StatusOK {
		t.Fatalf("send: %d %v", status, out)
	}
	if w.service.commands[0].Text != "join" {
		t.Errorf("command text %q", w.service.commands[0].Text)
	}
	v, open := w.sim.Modal(DefaultMember)
	if !open {
		t.Fatal("no modal")
	}
	status, out := pagePost(t, srv, "ui/submit", map[string]any{"user": DefaultMember, "viewId": v.ID, "entered": Entered{"b_name": {"name": {""}}}})
	if status != http.StatusUnprocessableEntity || out["errors"].(map[string]any)["b_name"] == nil {
		t.Fatalf("empty required input: %d %v", status, out)
	}
	status, _ = pagePost(t, srv, "ui/submit", map[string]any{"user": DefaultMember, "viewId": v.ID,
		"entered": Entered{"b_name": {"name": {"花子"}}, "b_area": {"area": {"setagaya"}}}})
	if status != http.StatusOK {
		t.Fatalf("submit: %d", status)
	}
	if got := w.service.lastInteraction(t).View.State.Values["b_area"]["area"].SelectedOption.Value; got != "setagaya" {
		t.Errorf("submitted area %q", got)
	}
	if status, out := pagePost(t, srv, "ui/send", map[string]any{"user": DefaultMember, "channel": DMChannel(DefaultMember), "text": "こんにちは"}); status != http.StatusOK {
		t.Fatalf("send: %d %v", status, out)
	}
	if status, _ := pagePost(t, srv, "ui/people", map[string]any{"realName": "鈴木 一郎", "coordinator": true}); status != http.StatusCreated {
		t.Fatalf("add person: %d", status)
	}
	people := w.sim.People()
	if last := people[len(people)-1]; last.RealName != "鈴木 一郎" || !last.Coordinator {
		t.Errorf("added %+v", last)
	}
	if status, _ := pagePost(t, srv, "ui/app", map[string]any{"user": DefaultMember, "tab": "home"}); status != http.StatusOK {
		t.Errorf("open home: %d", status)
	}
}
