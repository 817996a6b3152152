package line

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"tsunagu/bot"
)

// call is one request the fake LINE API received.
type call struct {
	Path     string
	RetryKey string
	HasKey   bool
	Auth     string
	Body     map[string]any
}

// fakeLINE is a Messaging API that records calls and answers with respond,
// or 200 {} when respond returns 0.
type fakeLINE struct {
	mu      sync.Mutex
	calls   []call
	respond func(c call) (status int, header http.Header, body string)
}

func (f *fakeLINE) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	c := call{Path: r.URL.Path, RetryKey: r.Header.Get("X-Line-Retry-Key"), Auth: r.Header.Get("Authorization")}
	_, c.HasKey = r.Header["X-Line-Retry-Key"]
	_ = json.Unmarshal(b, &c.Body)
	f.mu.Lock()
	f.calls = append(f.calls, c)
	respond := f.respond
	f.mu.Unlock()

	status, header, body := 0, http.Header(nil), ""
	if respond != nil {
		status, header, body = respond(c)
	}
	if status == 0 {
		status, body = 200, `{}`
		if strings.HasPrefix(c.Path, "/v2/bot/profile/") {
			body = `{"displayName":"山田 花子","userId":"U1"}`
		}
	}
	for k, v := range header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func (f *fakeLINE) got() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

func (f *fakeLINE) paths() []string {
	var p []string
	for _, c := range f.got() {
		p = append(p, c.Path)
	}
	return p
}

func (f *fakeLINE) setRespond(fn func(call) (int, http.Header, string)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.respond = fn
}

const (
	replyPath = "/v2/bot/message/reply"
	pushPath  = "/v2/bot/message/push"
)

var now = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

func newTestSender(t *testing.T, f *fakeLINE) *Sender {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	s, err := NewSender(srv.URL, "test-token", srv.Client(),
		WithSenderClock(func() time.Time { return now }), WithSenderLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func texts(n int) []bot.Message {
	m := make([]bot.Message, n)
	for i := range m {
		m[i] = bot.Message{Text: fmt.Sprintf("メッセージ %d", i+1)}
	}
	return m
}

const outID = "6f1c1a52-3f0e-4c53-9a57-7d2a4f0e9b11"

func outgoing(token string, replyBefore time.Time, msgs ...bot.Message) bot.Outgoing {
	return bot.Outgoing{ID: outID, To: "line:U4af4980629", ReplyToken: token, ReplyBefore: replyBefore, Messages: msgs, CreatedAt: now}
}

func TestSendRoute(t *testing.T) {
	fresh, stale := now.Add(30*time.Second), now.Add(-time.Second)
	invalidToken := func(c call) (int, http.Header, string) {
		if c.Path == replyPath {
			return 400, nil, `{"message":"Invalid reply token"}`
		}
		return 0, nil, ""
	}
	tests := []struct {
		name      string
		out       bot.Outgoing
		attempt   int
		respond   func(call) (int, http.Header, string)
		wantPaths []string
	}{
		{"fresh token replies", outgoing("rt", fresh, texts(1)...), 0, nil, []string{replyPath}},
		{"stale token pushes", outgoing("rt", stale, texts(1)...), 0, nil, []string{pushPath}},
		{"no token pushes", outgoing("", time.Time{}, texts(1)...), 0, nil, []string{pushPath}},
		{"a retry pushes even with a fresh token", outgoing("rt", fresh, texts(1)...), 1, nil, []string{pushPath}},
		{"invalid reply token falls back to push", outgoing("rt", fresh, texts(1)...), 0, invalidToken, []string{replyPath, pushPath}},
		{"seven messages make two requests", outgoing("", time.Time{}, texts(7)...), 0, nil, []string{pushPath, pushPath}},
		{"seven messages: reply then push", outgoing("rt", fresh, texts(7)...), 0, nil, []string{replyPath, pushPath}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeLINE{respond: tt.respond}
			s := newTestSender(t, f)
			if err := s.Send(context.Background(), tt.out, tt.attempt); err != nil {
				t.Fatalf("Send: %v", err)
			}
			if got, want := strings.Join(f.paths(), " "), strings.Join(tt.wantPaths, " "); got != want {
				t.Fatalf("calls = %s, want %s", got, want)
			}
			for _, c := range f.got() {
				if c.Auth != "Bearer test-token" {
					t.Errorf("Authorization = %q", c.Auth)
				}
				switch c.Path {
				case replyPath:
					if c.HasKey {
						t.Error("reply sent X-Line-Retry-Key; LINE answers 400 to that")
					}
					if c.Body["replyToken"] != "rt" {
						t.Errorf("replyToken = %v", c.Body["replyToken"])
					}
				case pushPath:
					if _, err := uuid.Parse(c.RetryKey); err != nil {
						t.Errorf("retry key %q is not a UUID", c.RetryKey)
					}
					if c.Body["to"] != "U4af4980629" {
						t.Errorf("to = %v, want the bare user ID", c.Body["to"])
					}
				}
			}
		})
	}
}

func TestSendRetryKeys(t *testing.T) {
	f := &fakeLINE{}
	s := newTestSender(t, f)
	out := outgoing("", time.Time{}, texts(12)...)
	for range 2 { // the second Send is a retry: same keys again
		if err := s.Send(context.Background(), out, 1); err != nil {
			t.Fatal(err)
		}
	}
	calls := f.got()
	if len(calls) != 6 {
		t.Fatalf("%d calls, want 6", len(calls))
	}
	var sizes []int
	seen := map[string]bool{}
	for i, c := range calls[:3] {
		sizes = append(sizes, len(c.Body["messages"].([]any)))
		if seen[c.RetryKey] {
			t.Errorf("chunk %d reuses retry key %s", i, c.RetryKey)
		}
		seen[c.RetryKey] = true
		if retry := calls[i+3].RetryKey; retry != c.RetryKey {
			t.Errorf("chunk %d: retry key %s on retry, %s first", i, retry, c.RetryKey)
		}
	}
	if calls[0].RetryKey != outID {
		t.Errorf("first retry key = %s, want the outgoing ID %s", calls[0].RetryKey, outID)
	}
	if fmt.Sprint(sizes) != "[5 5 2]" {
		t.Errorf("chunk sizes = %v, want [5 5 2]", sizes)
	}
}

func TestSendErrors(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		header  http.Header
		want    *bot.SendError // nil: success
		wantErr bool
	}{
		{name: "409 with a retry key was accepted before", status: 409},
		{name: "429 with Retry-After", status: 429, header: http.Header{"Retry-After": {"7"}}, want: &bot.SendError{Status: 429, RetryAfter: 7 * time.Second}},
		{name: "429 without Retry-After", status: 429, want: &bot.SendError{Status: 429}},
		{name: "500 is retryable", status: 500, want: &bot.SendError{Status: 500}},
		{name: "503 is retryable", status: 503, want: &bot.SendError{Status: 503}},
		{name: "400 is permanent", status: 400, want: &bot.SendError{Status: 400, Permanent: true}},
		{name: "403 is permanent", status: 403, want: &bot.SendError{Status: 403, Permanent: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeLINE{respond: func(call) (int, http.Header, string) {
				return tt.status, tt.header, `{"message":"nope"}`
			}}
			s := newTestSender(t, f)
			err := s.Send(context.Background(), outgoing("", time.Time{}, texts(1)...), 0)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Send = %v, want success", err)
				}
				return
			}
			se, ok := err.(*bot.SendError)
			if !ok {
				t.Fatalf("Send = %T %v, want *bot.SendError", err, err)
			}
			if se.Status != tt.want.Status || se.Permanent != tt.want.Permanent || se.RetryAfter != tt.want.RetryAfter || se.Err == nil {
				t.Errorf("got %+v, want %+v", se, tt.want)
			}
		})
	}
}

func TestSendNetworkErrorIsRetryable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	s, err := NewSender(url, "tok", &http.Client{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), outgoing("", time.Time{}, texts(1)...), 0)
	var se *bot.SendError
	if !errors.As(err, &se) || se.Permanent || se.Status != 0 {
		t.Fatalf("Send = %#v, want a retryable SendError", err)
	}
}

func TestSendReplyRateLimitedIsRetried(t *testing.T) {
	f := &fakeLINE{respond: func(c call) (int, http.Header, string) { return 429, nil, `{}` }}
	s := newTestSender(t, f)
	err := s.Send(context.Background(), outgoing("rt", now.Add(time.Minute), texts(1)...), 0)
	var se *bot.SendError
	if !errors.As(err, &se) || se.Status != 429 || se.Permanent {
		t.Fatalf("Send = %v, want retryable 429", err)
	}
	if got := f.paths(); len(got) != 1 || got[0] != replyPath {
		t.Errorf("calls = %v, want one reply: the next attempt pushes", got)
	}
}

func TestSendRejectsBadRecipients(t *testing.T) {
	for _, out := range []bot.Outgoing{
		{ID: outID, To: "slack:T1:U1", Messages: texts(1)},
		{ID: outID, To: "U123", Messages: texts(1)},
		{ID: outID, Kind: bot.OutLookupProfile, To: "line:U1"},
	} {
		s := newTestSender(t, &fakeLINE{})
		err := s.Send(context.Background(), out, 0)
		var se *bot.SendError
		if !errors.As(err, &se) || !se.Permanent {
			t.Errorf("Send(%+v) = %v, want a permanent error", out, err)
		}
	}
}

func TestSendConcurrent(t *testing.T) {
	// Run under -race: the SDK client must not be shared mutably.
	f := &fakeLINE{}
	s := newTestSender(t, f)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			out := outgoing("", time.Time{}, texts(1)...)
			out.ID = uuid.NewString()
			if err := s.Send(ctx, out, i); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

func TestSendHonoursContext(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	s, err := NewSender(srv.URL, "tok", srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err = s.Send(ctx, outgoing("", time.Time{}, texts(1)...), 0)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Send = %v, want the context's deadline", err)
	}
}

func TestLookupName(t *testing.T) {
	f := &fakeLINE{}
	s := newTestSender(t, f)
	name, err := s.LookupName(context.Background(), "line:U4af4980629")
	if err != nil || name != "山田 花子" {
		t.Fatalf("LookupName = %q, %v", name, err)
	}
	if got := f.paths(); len(got) != 1 || got[0] != "/v2/bot/profile/U4af4980629" {
		t.Errorf("calls = %v", got)
	}

	f.setRespond(func(call) (int, http.Header, string) { return 404, nil, `{"message":"Not found"}` })
	_, err = s.LookupName(context.Background(), "line:U4af4980629")
	var se *bot.SendError
	if !errors.As(err, &se) || !se.Permanent || se.Status != 404 {
		t.Errorf("LookupName of a blocker = %v, want permanent 404", err)
	}
}

func TestRetryAfter(t *testing.T) {
	for h, want := range map[string]time.Duration{
		"": 0, "7": 7 * time.Second, " 30 ": 30 * time.Second, "-1": 0, "soon": 0,
		time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat): 0,
	} {
		if got := retryAfter(h); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", h, got, want)
		}
	}
	if got := retryAfter(time.Now().Add(time.Minute).UTC().Format(http.TimeFormat)); got <= 0 || got > time.Minute {
		t.Errorf("retryAfter(date in a minute) = %v", got)
	}
}
