package service

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
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tsunagu/adapters/linesim"
)

// fakeSlack is the part of the Slack Web API the service calls: DMs are
// opened and posted to (with metadata, which conversations.history returns),
// users looked up, the coordinator channel's members listed, modals opened
// with a trigger, Home tabs published, interactions answered at their
// response_url. It can refuse the next posts with 429, or take the next
// post and still answer 500 as Slack sometimes does.
type fakeSlack struct {
	mu          sync.Mutex
	url         string
	posts       map[string][]string // user (or channel) → texts with block values
	history     map[string][]map[string]any
	coordinator []string
	limited     int
	failAfter   int // posts taken but answered 500
	calls       map[string]int
	triggers    map[string]string         // trigger → user
	modals      map[string]map[string]any // user → the last modal opened
	homes       map[string]string         // user → the Home view published (JSON)
	responses   []map[string]any
	seq         int
	byTS        map[string][2]any // channel/ts → (posts key, index): chat.delete empties it
}

func newFakeSlack(t *testing.T, coordinators ...string) (*fakeSlack, string) {
	f := &fakeSlack{posts: map[string][]string{}, history: map[string][]map[string]any{}, coordinator: coordinators,
		calls: map[string]int{}, triggers: map[string]string{}, modals: map[string]map[string]any{}, homes: map[string]string{},
		byTS: map[string][2]any{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	f.url = srv.URL
	return f, srv.URL + "/"
}

func (f *fakeSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		_ = json.NewDecoder(r.Body).Decode(&body)
	} else {
		_ = r.ParseForm()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	method := strings.TrimPrefix(r.URL.Path, "/")
	f.calls[method]++
	w.Header().Set("Content-Type", "application/json")
	reply := func(v any) { b, _ := json.Marshal(v); _, _ = w.Write(b) }
	switch {
	case method == "conversations.open":
		_, _ = fmt.Fprintf(w, `{"ok":true,"channel":{"id":"D-%s"}}`, r.Form.Get("users"))
	case method == "chat.postMessage":
		if f.limited > 0 {
			f.limited--
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"ok":false,"error":"ratelimited"}`))
			return
		}
		ch := r.Form.Get("channel")
		to := strings.TrimPrefix(ch, "D-")
		f.posts[to] = append(f.posts[to], r.Form.Get("text")+" "+r.Form.Get("blocks"))
		f.seq++
		ts := fmt.Sprintf("1.%06d", f.seq)
		f.byTS[ch+"/"+ts] = [2]any{to, len(f.posts[to]) - 1}
		var meta any
		_ = json.Unmarshal([]byte(r.Form.Get("metadata")), &meta)
		f.history[ch] = append([]map[string]any{{"type": "message", "text": r.Form.Get("text"), "ts": ts, "metadata": meta}}, f.history[ch]...)
		if f.failAfter > 0 {
			f.failAfter--
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		reply(map[string]any{"ok": true, "channel": ch, "ts": ts})
	case method == "chat.delete":
		at, ok := f.byTS[r.Form.Get("channel")+"/"+r.Form.Get("ts")]
		if !ok {
			reply(map[string]any{"ok": false, "error": "message_not_found"})
			return
		}
		f.posts[at[0].(string)][at[1].(int)] = ""
		delete(f.byTS, r.Form.Get("channel")+"/"+r.Form.Get("ts"))
		reply(map[string]any{"ok": true, "channel": r.Form.Get("channel"), "ts": r.Form.Get("ts")})
	case method == "conversations.history":
		reply(map[string]any{"ok": true, "messages": f.history[r.Form.Get("channel")]})
	case method == "users.info":
		reply(map[string]any{"ok": true, "user": map[string]any{"id": r.Form.Get("user"), "real_name": "Slack " + r.Form.Get("user"),
			"profile": map[string]any{"display_name": "slack-" + r.Form.Get("user")}}})
	case method == "conversations.members":
		reply(map[string]any{"ok": true, "members": f.coordinator, "response_metadata": map[string]string{"next_cursor": ""}})
	case method == "views.open":
		user, ok := f.triggers[fmt.Sprint(body["trigger_id"])]
		if !ok {
			reply(map[string]any{"ok": false, "error": "invalid_trigger_id"})
			return
		}
		delete(f.triggers, fmt.Sprint(body["trigger_id"]))
		view, _ := body["view"].(map[string]any)
		f.modals[user] = view
		reply(map[string]any{"ok": true, "view": map[string]any{"id": "V" + strconv.Itoa(f.calls[method])}})
	case method == "views.publish":
		b, _ := json.Marshal(body["view"])
		f.homes[fmt.Sprint(body["user_id"])] = string(b)
		reply(map[string]any{"ok": true, "view": map[string]any{"id": "VH"}})
	case strings.HasPrefix(method, "response/"):
		f.responses = append(f.responses, body)
		_, _ = w.Write([]byte("ok"))
	default:
		reply(map[string]any{"ok": false, "error": "unknown_method"})
	}
}

func (f *fakeSlack) postsTo(user string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.posts[user]...)
}

func (f *fakeSlack) home(user string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.homes[user]
}

func (f *fakeSlack) modal(user string) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.modals[user]
}

func (f *fakeSlack) lastResponse() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.responses) == 0 {
		return ""
	}
	b, _ := json.Marshal(f.responses[len(f.responses)-1])
	return string(b)
}

func (f *fakeSlack) responseCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.responses)
}

// trigger issues a trigger ID for the user, as Slack does with each
// command and click.
func (f *fakeSlack) trigger(user string, seq int) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := fmt.Sprintf("tr%d-%s", seq, user)
	f.triggers[id] = user
	return id
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
	before := len(c.fake.postsTo(user))
	if res := c.interact(user, "message", "a1", value); res.StatusCode != http.StatusOK {
		c.t.Fatalf("interaction answered %d", res.StatusCode)
	}
	return c.wait(user, before)
}

// interact clicks a button on a surface ("message", "home", "ephemeral").
func (c *slackClient) interact(user, surface, actionID, value string) *http.Response {
	c.t.Helper()
	c.seq++
	cb := map[string]any{"type": "block_actions", "team": map[string]string{"id": "T1"}, "user": map[string]string{"id": user},
		"trigger_id":   c.fake.trigger(user, c.seq),
		"response_url": c.fake.url + "/response/" + strconv.Itoa(c.seq),
		"container":    map[string]string{"type": surface},
		"actions":      []map[string]string{{"type": "button", "block_id": "b1", "action_id": actionID, "value": value, "action_ts": strconv.Itoa(c.seq)}}}
	if surface == "home" {
		cb["view"] = map[string]any{"id": "VH", "type": "home"}
	}
	payload, _ := json.Marshal(cb)
	return c.send("/slack/interactions", "application/x-www-form-urlencoded", "payload="+url.QueryEscape(string(payload)), time.Now(), true)
}

// submit sends a modal's values; values are block ID → the element's state.
func (c *slackClient) submit(user, viewID, callback string, values map[string]map[string]any) map[string]any {
	c.t.Helper()
	state := map[string]any{}
	for block, v := range values {
		state[block] = map[string]any{"value": v}
	}
	payload, _ := json.Marshal(map[string]any{"type": "view_submission", "team": map[string]string{"id": "T1"},
		"user": map[string]string{"id": user},
		"view": map[string]any{"id": viewID, "type": "modal", "callback_id": callback, "state": map[string]any{"values": state}}})
	res := c.send("/slack/interactions", "application/x-www-form-urlencoded", "payload="+url.QueryEscape(string(payload)), time.Now(), true)
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusOK {
		c.t.Fatalf("submission answered %d (%v)", res.StatusCode, err)
	}
	return out
}

func (c *slackClient) command(user, text string) string {
	c.t.Helper()
	c.seq++
	form := url.Values{"command": {"/tsunagu"}, "text": {text}, "team_id": {"T1"}, "user_id": {user}, "channel_id": {"C1"},
		"trigger_id": {c.fake.trigger(user, c.seq)}, "response_url": {c.fake.url + "/response/" + strconv.Itoa(c.seq)}}
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
	return bootSlackWith(t, nil, coordinators...)
}

// bootSlackWith is bootSlack with before preparing the simulated LINE
// (bootServiceWith).
func bootSlackWith(t *testing.T, before func(*linesim.Sim), coordinators ...string) (*service, *slackClient) {
	fake, api := newFakeSlack(t, coordinators...)
	secret := randomHex(16)
	s := bootServiceWith(t, before, "SLACK_SIGNING_SECRET", secret, "SLACK_BOT_TOKEN", "xoxb-test", "SLACK_API_URL", api,
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
	s.settled(t)
	if n := len(c.fake.postsTo(u)); n != posts {
		t.Fatalf("a retried event posted %d more", n-posts)
	}
	c.fake.mu.Lock()
	c.fake.limited = 1 // the next post is refused once with Retry-After: 1
	c.fake.mu.Unlock()
	start := time.Now()
	c.interact(u, "message", "a1", "consent:yes")
	waitUntil(t, "the name question", func() bool { return strings.Contains(strings.Join(c.fake.postsTo(u), ""), "お名前を教えて") })
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

	// A post Slack took but answered 500 to is not posted again: the
	// retry finds it in the DM's history by the outbox entry's ID.
	c.fake.mu.Lock()
	c.fake.failAfter = 1
	c.fake.mu.Unlock()
	before := len(c.fake.postsTo(u))
	c.dm(u, "メニュー")
	// The worker's first retry comes after about a second.
	waitUntil(t, "the retry checked the history", func() bool {
		c.fake.mu.Lock()
		defer c.fake.mu.Unlock()
		return c.fake.calls["conversations.history"] > 0
	})
	s.settled(t)
	if got := c.fake.postsTo(u)[before:]; len(got) != 1 {
		t.Fatalf("after a 500 the menu was posted %d times", len(got))
	}
}

// TestSlackAnnounceIsForCoordinators refuses a stranger politely and lets a
// member of the coordinator channel announce to LINE and Slack people. LINE's
// quota is near its limit, so that each confirmation reads it afresh.
func TestSlackAnnounceIsForCoordinators(t *testing.T) {
	s, c := bootSlackWith(t, nearTheQuota, "UBOSS")
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
	// The coordinator sees how many people it reaches before anything
	// is sent.
	got := c.command("UBOSS", "announce 来週の交流会は中止です")
	if !strings.Contains(got, "2人に送信する") || !strings.Contains(got, "LINE 1人・Slack 1人") {
		t.Fatalf("announce: %s", got)
	}
	draft := regexp.MustCompile(`"action_id":"tsunagu_announce_send","value":"([0-9a-f]+)"`).FindStringSubmatch(got)
	if draft == nil {
		t.Fatalf("no send button in %s", got)
	}
	if code, sum := s.api(t, "POST", "/api/jobs/broadcasts/run", nil); code != http.StatusOK || fmt.Sprint(sum["result"]) != fmt.Sprint(map[string]any{"broadcasts": 0.0, "deferred": 0.0, "sent": 0.0}) {
		t.Fatalf("sent before the confirmation: %d %v", code, sum)
	}
	if res := c.interact("UTARO", "ephemeral", "tsunagu_announce_send", draft[1]); res.StatusCode != http.StatusOK {
		t.Fatalf("click: %d", res.StatusCode)
	}
	waitUntil(t, "the stranger refused", func() bool { return strings.Contains(c.fake.lastResponse(), "コーディネーター") })
	// Refused for the LINE quota: the draft is kept, so the button works
	// once there is room.
	s.sim.SetQuota(1000, 1000)
	c.interact("UBOSS", "ephemeral", "tsunagu_announce_send", draft[1])
	waitUntil(t, "the quota refusal", func() bool { return strings.Contains(c.fake.lastResponse(), "quota") })
	s.sim.SetQuota(1000, 0)
	c.interact("UBOSS", "ephemeral", "tsunagu_announce_send", draft[1])
	waitUntil(t, "the confirmation answered", func() bool {
		return strings.Contains(c.fake.lastResponse(), "2人へのお知らせを受け付けました")
	})
	// A second click on the same button sends nothing more, and leaves
	// the first click's answer in place: replaced with 「送信済みか、期限が
	// 過ぎています」, it invited sending the announcement again.
	answers := c.fake.responseCount()
	c.interact("UBOSS", "ephemeral", "tsunagu_announce_send", draft[1])

	if code, sum := s.api(t, "POST", "/api/jobs/broadcasts/run", nil); code != http.StatusOK {
		t.Fatalf("run: %d %v", code, sum)
	}
	if msgs := hanako.reply(); !contains(msgs, "来週の交流会は中止です") {
		t.Fatalf("LINE person: %s", texts(msgs))
	}
	waitUntil(t, "the DM to the Slack person", func() bool {
		return strings.Contains(strings.Join(c.fake.postsTo("UTARO"), ""), "来週の交流会は中止です")
	})
	if msgs := s.sim.Messages(hanako.id); len(msgs) != hanako.seen {
		t.Fatalf("the announcement came twice: %s", texts(msgs))
	}
	// The API lists it with the others (SPEC: 「listed under /api/broadcasts」).
	code, list := s.api(t, "GET", "/api/broadcasts", nil)
	bs, _ := list["broadcasts"].([]any)
	if code != http.StatusOK || len(bs) != 1 || bs[0].(map[string]any)["text"] != "来週の交流会は中止です" || bs[0].(map[string]any)["status"] != "done" {
		t.Fatalf("GET /api/broadcasts: %d %v", code, list)
	}

	// やめる drops a draft.
	got = c.command("UBOSS", "announce やっぱりやめます")
	draft = regexp.MustCompile(`"action_id":"tsunagu_announce_cancel","value":"([0-9a-f]+)"`).FindStringSubmatch(got)
	if draft == nil {
		t.Fatalf("no cancel button in %s", got)
	}
	c.interact("UBOSS", "ephemeral", "tsunagu_announce_cancel", draft[1])
	waitUntil(t, "the cancel answered", func() bool { return strings.Contains(c.fake.lastResponse(), "やめました") })
	if n := c.fake.responseCount(); n != answers+1 {
		t.Errorf("%d answers after the double click and the やめる, want 1 (the やめる's)", n-answers)
	}
	// The dropped draft's 送信 (from a double click) sends nothing, and
	// 「やめました」 stays.
	c.interact("UBOSS", "ephemeral", "tsunagu_announce_send", draft[1])
	if code, list := s.api(t, "GET", "/api/broadcasts", nil); code != http.StatusOK || len(list["broadcasts"].([]any)) != 1 {
		t.Fatalf("after the dropped draft's 送信: %d %v", code, list)
	}
	// A draft gone (its hour passed) is told so.
	c.interact("UBOSS", "ephemeral", "tsunagu_announce_send", "0123456789abcdef")
	waitUntil(t, "the expired draft refused", func() bool { return strings.Contains(c.fake.lastResponse(), "期限") })
}
