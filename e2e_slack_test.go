package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSlack is the part of the Slack Web API the service calls: DMs are
// opened and posted to, the coordinator channel's members listed. It
// records every post by user, and can answer the next posts with 429.
type fakeSlack struct {
	mu          sync.Mutex
	posts       map[string][]string // user (or channel) → texts with block values
	coordinator []string
	limited     int
	calls       map[string]int
}

func newFakeSlack(t *testing.T, coordinators ...string) (*fakeSlack, string) {
	f := &fakeSlack{posts: map[string][]string{}, coordinator: coordinators, calls: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL + "/"
}

func (f *fakeSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f.mu.Lock()
	defer f.mu.Unlock()
	method := strings.TrimPrefix(r.URL.Path, "/")
	f.calls[method]++
	w.Header().Set("Content-Type", "application/json")
	switch method {
	case "conversations.open":
		_, _ = fmt.Fprintf(w, `{"ok":true,"channel":{"id":"D-%s"}}`, r.Form.Get("users"))
	case "chat.postMessage":
		if f.limited > 0 {
			f.limited--
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"ok":false,"error":"ratelimited"}`))
			return
		}
		to := strings.TrimPrefix(r.Form.Get("channel"), "D-")
		f.posts[to] = append(f.posts[to], r.Form.Get("text")+" "+r.Form.Get("blocks"))
		_, _ = w.Write([]byte(`{"ok":true,"channel":"D","ts":"1.1"}`))
	case "conversations.members":
		b, _ := json.Marshal(map[string]any{"ok": true, "members": f.coordinator, "response_metadata": map[string]string{"next_cursor": ""}})
		_, _ = w.Write(b)
	default:
		_, _ = w.Write([]byte(`{"ok":false,"error":"unknown_method"}`))
	}
}

func (f *fakeSlack) postsTo(user string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.posts[user]...)
}

// slackClient signs requests to the service like Slack does.
type slackClient struct {
	t      *testing.T
	base   string
	secret string
	fake   *fakeSlack
	seq    int
}

func (c *slackClient) send(path, contentType, body string, ts time.Time, sign bool) *http.Response {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	stamp := strconv.FormatInt(ts.Unix(), 10)
	if sign {
		mac := hmac.New(sha256.New, []byte(c.secret))
		mac.Write([]byte("v0:" + stamp + ":" + body))
		req.Header.Set("X-Slack-Request-Timestamp", stamp)
		req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { res.Body.Close() })
	return res
}

func (c *slackClient) event(eventID string, event map[string]any) *http.Response {
	b, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": "T1", "event_id": eventID, "event": event})
	return c.send("/slack/events", "application/json", string(b), time.Now(), true)
}

// dm writes to the bot and waits for the answer posted to the user.
func (c *slackClient) dm(user, text string) string {
	c.t.Helper()
	c.seq++
	before := len(c.fake.postsTo(user))
	res := c.event(fmt.Sprintf("Ev%d", c.seq), map[string]any{"type": "message", "channel_type": "im", "user": user, "text": text, "channel": "D-" + user})
	if res.StatusCode != http.StatusOK {
		c.t.Fatalf("event answered %d", res.StatusCode)
	}
	return c.wait(user, before)
}

func (c *slackClient) click(user, value string) string {
	c.t.Helper()
	c.seq++
	before := len(c.fake.postsTo(user))
	payload, _ := json.Marshal(map[string]any{"type": "block_actions", "team": map[string]string{"id": "T1"},
		"user": map[string]string{"id": user}, "actions": []map[string]string{{"type": "button", "block_id": "b1", "action_id": "a1", "value": value, "action_ts": strconv.Itoa(c.seq)}}})
	res := c.send("/slack/interactions", "application/x-www-form-urlencoded", "payload="+url.QueryEscape(string(payload)), time.Now(), true)
	if res.StatusCode != http.StatusOK {
		c.t.Fatalf("interaction answered %d", res.StatusCode)
	}
	return c.wait(user, before)
}

func (c *slackClient) command(user, text string) string {
	c.t.Helper()
	form := url.Values{"command": {"/tsunagu"}, "text": {text}, "team_id": {"T1"}, "user_id": {user}, "channel_id": {"C1"}, "trigger_id": {"tr" + strconv.Itoa(c.seq)}}
	c.seq++
	res := c.send("/slack/commands", "application/x-www-form-urlencoded", form.Encode(), time.Now(), true)
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		c.t.Fatalf("command answered %d: %s", res.StatusCode, b)
	}
	return string(b)
}

func (c *slackClient) wait(user string, before int) string {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if p := c.fake.postsTo(user); len(p) > before {
			time.Sleep(30 * time.Millisecond) // the rest of the answer
			return strings.Join(c.fake.postsTo(user)[before:], "\n")
		}
		time.Sleep(10 * time.Millisecond)
	}
	c.t.Fatalf("no DM to %s", user)
	return ""
}

func bootSlack(t *testing.T, coordinators ...string) (*service, *slackClient) {
	fake, api := newFakeSlack(t, coordinators...)
	secret := randomHex(16)
	s := bootService(t, "SLACK_SIGNING_SECRET", secret, "SLACK_BOT_TOKEN", "xoxb-test", "SLACK_API_URL", api,
		"SLACK_COORDINATOR_CHANNEL", "CCOORD")
	return s, &slackClient{t: t, base: s.base, secret: secret, fake: fake}
}

func TestSlackRequestsAreVerified(t *testing.T) {
	s, c := bootSlack(t)
	body := `{"type":"url_verification","challenge":"abc123","token":"x"}`
	res := c.send("/slack/events", "application/json", body, time.Now(), true)
	if b, _ := io.ReadAll(res.Body); res.StatusCode != http.StatusOK || string(b) != "abc123" {
		t.Fatalf("url_verification: %d %q", res.StatusCode, b)
	}
	for name, res := range map[string]*http.Response{
		"unsigned":  c.send("/slack/events", "application/json", body, time.Now(), false),
		"stale":     c.send("/slack/events", "application/json", body, time.Now().Add(-6*time.Minute), true),
		"command":   c.send("/slack/commands", "application/x-www-form-urlencoded", "text=help", time.Now(), false),
		"interacts": c.send("/slack/interactions", "application/x-www-form-urlencoded", "payload={}", time.Now(), false),
	} {
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, res.StatusCode)
		}
	}
	wrong := *c
	wrong.secret = "not-the-secret"
	if res := wrong.send("/slack/events", "application/json", body, time.Now(), true); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong secret: %d", res.StatusCode)
	}
	big := `{"type":"url_verification","challenge":"` + strings.Repeat("x", 1<<20) + `"}`
	if res := c.send("/slack/events", "application/json", big, time.Now(), true); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized: %d", res.StatusCode)
	}
	if res := c.send("/slack/events", "application/json", "{nope", time.Now(), true); res.StatusCode != http.StatusBadRequest {
		t.Errorf("malformed: %d", res.StatusCode)
	}
	_ = s
}

// TestSlackDMConversationMakesAProfile registers a side-jobber through DMs
// and button clicks, as on LINE; a retried event has one effect; a 429 is
// waited out.
func TestSlackDMConversationMakesAProfile(t *testing.T) {
	s, c := bootSlack(t)
	const u = "UJIRO"
	if got := c.dm(u, "こんにちは"); !strings.Contains(got, "consent:yes") {
		t.Fatalf("first DM: %s", got)
	}
	// Slack retries an event it thinks was lost: same event_id, one effect.
	posts := len(c.fake.postsTo(u))
	c.event(fmt.Sprintf("Ev%d", c.seq), map[string]any{"type": "message", "channel_type": "im", "user": u, "text": "こんにちは"})
	time.Sleep(200 * time.Millisecond)
	if n := len(c.fake.postsTo(u)); n != posts {
		t.Fatalf("a retried event posted %d more", n-posts)
	}
	c.fake.mu.Lock()
	c.fake.limited = 1 // the next post is refused once with Retry-After: 1
	c.fake.mu.Unlock()
	start := time.Now()
	if got := c.click(u, "consent:yes"); !strings.Contains(got, "お名前") {
		t.Fatalf("consent: %s", got)
	}
	if wait := time.Since(start); wait < time.Second {
		t.Fatalf("the answer came %s after a 429 asking for 1s", wait)
	}
	steps := []struct{ do, want string }{
		{"text:山田 次郎", "area:"}, {"text:リモート", "skill:"}, {"text:ライティング、翻訳", "skill:done"},
		{"click:skill:done", "月水金"}, {"text:平日の夜", "limit:"}, {"text:1件", "confirm:yes"}, {"click:confirm:yes", "登録が完了"},
	}
	for _, st := range steps {
		kind, arg, _ := strings.Cut(st.do, ":")
		var got string
		if kind == "text" {
			got = c.dm(u, arg)
		} else {
			got = c.click(u, arg)
		}
		if !strings.Contains(got, st.want) {
			t.Fatalf("%s: %s lacks %q", st.do, got, st.want)
		}
	}
	code, p := s.api(t, "GET", "/api/profiles/slack:T1:"+u, nil)
	if code != http.StatusOK || p["status"] != "active" || p["area"] != "remote" {
		t.Fatalf("profile: %d %v", code, p)
	}

	// /tsunagu join starts the same conversation by DM.
	before := len(c.fake.postsTo("UHANA"))
	if got := c.command("UHANA", "join"); !strings.Contains(got, "DM") {
		t.Fatalf("join: %s", got)
	}
	if got := c.wait("UHANA", before); !strings.Contains(got, "consent:yes") {
		t.Fatalf("join DM: %s", got)
	}
}

// TestSlackAnnounceIsForCoordinators refuses a stranger politely and lets a
// member of the coordinator channel announce to LINE and Slack people.
func TestSlackAnnounceIsForCoordinators(t *testing.T) {
	s, c := bootSlack(t, "UBOSS")
	hanako := s.importPerson(t, "花子", "世田谷区", "採点")
	code, body := s.api(t, "POST", "/api/profiles", map[string]any{"id": "slack:T1:UTARO", "name": "太郎", "area": "remote",
		"skills": []string{"翻訳"}, "weekly_limit": 1, "availability": []map[string]string{{"day": "sat", "from": "10:00", "to": "12:00"}}})
	if code != http.StatusCreated {
		t.Fatalf("import: %d %v", code, body)
	}
	if got := c.command("UTARO", "announce みなさんへ"); !strings.Contains(got, "コーディネーター") {
		t.Fatalf("stranger announce: %s", got)
	}
	if got := c.command("UTARO", "help"); strings.Contains(got, "announce") {
		t.Fatalf("help for a stranger lists coordinator commands: %s", got)
	}
	if got := c.command("UBOSS", "help"); !strings.Contains(got, "announce") {
		t.Fatalf("help for a coordinator: %s", got)
	}
	got := c.command("UBOSS", "announce 来週の交流会は中止です")
	if !strings.Contains(got, "2人") {
		t.Fatalf("announce: %s", got)
	}
	if code, sum := s.api(t, "POST", "/api/jobs/broadcasts/run", nil); code != http.StatusOK {
		t.Fatalf("run: %d %v", code, sum)
	}
	if msgs := hanako.reply(); !contains(msgs, "来週の交流会は中止です") {
		t.Fatalf("LINE person: %s", texts(msgs))
	}
	waitUntil(t, "the DM to the Slack person", func() bool {
		return strings.Contains(strings.Join(c.fake.postsTo("UTARO"), ""), "来週の交流会は中止です")
	})
}
