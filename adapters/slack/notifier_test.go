package slack

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"tsunagu/bot"
)

// fakeAPI answers chat.postMessage with the given status and body, and
// records what was posted.
type fakeAPI struct {
	mu     sync.Mutex
	posted []map[string]string
	status int
	body   string
	header http.Header
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/chat.postMessage" {
		http.NotFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.posted = append(f.posted, map[string]string{
		"channel": r.Form.Get("channel"), "text": r.Form.Get("text"), "auth": r.Header.Get("Authorization") + r.Form.Get("token"),
	})
	status, body := f.status, f.body
	for k, v := range f.header {
		w.Header()[k] = v
	}
	f.mu.Unlock()
	if status == 0 {
		status, body = http.StatusOK, `{"ok":true,"channel":"C1","ts":"1.2"}`
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func notice(text string) bot.Outgoing {
	return bot.Outgoing{ID: "n1", To: bot.CoordinatorID, Messages: []bot.Message{{Text: text}}}
}

func TestNoticeIsPostedToTheCoordinatorChannel(t *testing.T) {
	f := &fakeAPI{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	n := NewNotifier(NewClient(srv.URL+"/", "xoxb-test", srv.Client()), "CCOORD", nil)
	if err := n.Send(context.Background(), notice("【定員到達】採点"), 0); err != nil {
		t.Fatal(err)
	}
	if len(f.posted) != 1 || f.posted[0]["channel"] != "CCOORD" || f.posted[0]["text"] != "【定員到達】採点" ||
		!strings.Contains(f.posted[0]["auth"], "xoxb-test") {
		t.Fatalf("posted %v", f.posted)
	}
	// A name chosen as <!channel> neither pings the channel nor links.
	if err := n.Send(context.Background(), notice("【入室できない】<!channel>さんが <https://evil|公式> に入れません"), 0); err != nil {
		t.Fatal(err)
	}
	if got := f.posted[1]["text"]; strings.ContainsAny(got, "<>") {
		t.Fatalf("notice markup not escaped: %s", got)
	}
}

func TestNoticeFailuresAreClassified(t *testing.T) {
	cases := []struct {
		name       string
		status     int
		body       string
		header     http.Header
		permanent  bool
		retryAfter time.Duration
	}{
		{"rate limited", http.StatusTooManyRequests, `{"ok":false,"error":"ratelimited"}`, http.Header{"Retry-After": {"7"}}, false, 7 * time.Second},
		{"server error", http.StatusInternalServerError, `oops`, nil, false, 0},
		{"channel not found", http.StatusOK, `{"ok":false,"error":"channel_not_found"}`, nil, true, 0},
		{"bad token", http.StatusOK, `{"ok":false,"error":"invalid_auth"}`, nil, true, 0},
		{"slack trouble", http.StatusOK, `{"ok":false,"error":"internal_error"}`, nil, false, 0},
		{"slack down", http.StatusOK, `{"ok":false,"error":"service_unavailable"}`, nil, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeAPI{status: c.status, body: c.body, header: c.header}
			srv := httptest.NewServer(f)
			defer srv.Close()
			err := NewNotifier(NewClient(srv.URL+"/", "xoxb-test", srv.Client()), "CCOORD", nil).Send(context.Background(), notice("x"), 0)
			var se *bot.SendError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a SendError", err)
			}
			if se.Permanent != c.permanent || se.RetryAfter != c.retryAfter {
				t.Fatalf("permanent %v retry after %v, want %v %v (%v)", se.Permanent, se.RetryAfter, c.permanent, c.retryAfter, err)
			}
		})
	}
}

func TestDMOpensTheConversationAndPosts(t *testing.T) {
	var opened, posted []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/conversations.open":
			opened = append(opened, r.Form.Get("users"))
			_, _ = w.Write([]byte(`{"ok":true,"channel":{"id":"D42"}}`))
		case "/chat.postMessage":
			posted = append(posted, r.Form.Get("channel")+" "+r.Form.Get("text"))
			_, _ = w.Write([]byte(`{"ok":true,"channel":"D42","ts":"1.2"}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	n := NewClient(srv.URL+"/", "xoxb-test", srv.Client())
	if err := n.DM(context.Background(), "slack:T1:U42", "お知らせ", "broadcast:B1", 0); err != nil {
		t.Fatal(err)
	}
	if len(opened) != 1 || opened[0] != "U42" || len(posted) != 1 || posted[0] != "D42 お知らせ" {
		t.Fatalf("opened %v posted %v", opened, posted)
	}
	var se *bot.SendError
	if err := n.DM(context.Background(), "line:U1", "x", "broadcast:B1", 0); !errors.As(err, &se) || !se.Permanent {
		t.Fatalf("a LINE profile: %v", err)
	}
}

// TestPostsArePacedPerChannel: a burst of three goes at once, the fourth
// to the same channel must wait about a second, another channel need not.
func TestPostsArePacedPerChannel(t *testing.T) {
	p := &pacer{limits: map[string]*channelLimit{}}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	for i := range channelBurst {
		if err := p.wait(ctx, "D1"); err != nil {
			t.Fatalf("post %d of the burst waited: %v", i+1, err)
		}
	}
	// rate.Limiter refuses at once a wait that would pass the deadline.
	if err := p.wait(ctx, "D1"); err == nil {
		t.Fatal("a fourth post to the same channel went out within 200ms")
	}
	if err := p.wait(ctx, "D2"); err != nil {
		t.Fatalf("another channel was held back: %v", err)
	}
}

// recorder is a PostRecorder keeping what it was told.
type recorder struct {
	mu   sync.Mutex
	refs map[string][]string // ref → about
}

func (r *recorder) RecordPost(_ context.Context, about []string, ref string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refs[ref] = about
	return nil
}

// TestNoticesAboutPeopleAreRecordedAndRetracted: a notice about someone
// is remembered by channel and ts, and an OutRetract entry deletes it;
// one gone already is no error, a malformed reference a permanent one.
func TestNoticesAboutPeopleAreRecordedAndRetracted(t *testing.T) {
	var deleted []string
	missing := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/chat.postMessage":
			_, _ = w.Write([]byte(`{"ok":true,"channel":"C1","ts":"1.2"}`))
		case "/chat.delete":
			if missing {
				_, _ = w.Write([]byte(`{"ok":false,"error":"message_not_found"}`))
				return
			}
			deleted = append(deleted, r.Form.Get("channel")+"/"+r.Form.Get("ts"))
			_, _ = w.Write([]byte(`{"ok":true}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	rec := &recorder{refs: map[string][]string{}}
	n := NewNotifier(NewClient(srv.URL+"/", "xoxb-test", srv.Client()), "#coordinators", rec)
	about := notice("【ご相談】森山さん")
	about.About = []string{"slack:T1:UMORI"}
	if err := n.Send(context.Background(), about, 0); err != nil {
		t.Fatal(err)
	}
	if err := n.Send(context.Background(), notice("【定員到達】採点"), 0); err != nil {
		t.Fatal(err)
	}
	if len(rec.refs) != 1 || strings.Join(rec.refs["C1/1.2"], ",") != "slack:T1:UMORI" {
		t.Fatalf("recorded %v", rec.refs)
	}
	retract := bot.Outgoing{ID: "r1", Kind: bot.OutRetract, To: bot.CoordinatorID, Retract: "C1/1.2"}
	if err := n.Send(context.Background(), retract, 0); err != nil || strings.Join(deleted, ",") != "C1/1.2" {
		t.Fatalf("retract: %v, deleted %v", err, deleted)
	}
	missing = true
	if err := n.Send(context.Background(), retract, 1); err != nil {
		t.Errorf("retracting a post gone already: %v", err)
	}
	retract.Retract = "nonsense"
	var se *bot.SendError
	if err := n.Send(context.Background(), retract, 0); !errors.As(err, &se) || !se.Permanent {
		t.Errorf("a malformed reference: %v", err)
	}
}
