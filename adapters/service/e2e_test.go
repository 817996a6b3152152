package service

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	"tsunagu/adapters/linesim"
	"tsunagu/config"
)

// service is the real service booted in-process through `serve`, between a
// simulated LINE platform and Redis (embedded, REDIS_URL or
// REDIS_CLUSTER_ADDRS when set).
type service struct {
	// clock is the service's: tests Advance it rather than sleep.
	clock *laterClock
	base  string
	admin string
	sim   *linesim.Sim
	rdb   testRedis
}

// testRedis is the Redis a test's services share: one server (url) or the
// seed nodes of a Cluster (cluster).
type testRedis struct {
	url     string
	cluster []string
}

// newTestRedis is the Redis a test's services share: the Cluster named by
// REDIS_CLUSTER_ADDRS with every master flushed, else database 14 of the
// server named by REDIS_URL, flushed, else an embedded one. It is flushed
// first so that people left by earlier tests are not matched to this
// test's tasks.
func newTestRedis(t testing.TB) testRedis {
	t.Helper()
	if addrs := os.Getenv("REDIS_CLUSTER_ADDRS"); addrs != "" {
		r := testRedis{cluster: strings.Split(addrs, ",")}
		c := goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: r.cluster})
		defer c.Close()
		err := c.ForEachMaster(context.Background(), func(ctx context.Context, n *goredis.Client) error {
			return n.FlushDB(ctx).Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	return testRedis{url: testRedisURL(t)}
}

// testRedisURL is one server for a test: embedded, or with REDIS_URL
// database 14 of that server, flushed first.
func testRedisURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("REDIS_URL")
	if u == "" {
		return "redis://" + miniredis.RunT(t).Addr()
	}
	opt, err := goredis.ParseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	opt.DB = 14
	c := goredis.NewClient(opt)
	defer c.Close()
	if err := c.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	pu.Path = "/14"
	return pu.String()
}

// setEnv names this Redis in a service's environment.
func (r testRedis) setEnv(env map[string]string) {
	if len(r.cluster) > 0 {
		env["REDIS_CLUSTER_ADDRS"] = strings.Join(r.cluster, ",")
		return
	}
	env["REDIS_URL"] = r.url
}

// setConfig names this Redis in a service's configuration.
func (r testRedis) setConfig(c config.Config) config.Config {
	c.RedisURL, c.RedisClusterAddrs = r.url, r.cluster
	return c
}

// client connects a test to this Redis, closed when the test ends.
func (r testRedis) client(t testing.TB) goredis.UniversalClient {
	t.Helper()
	var c goredis.UniversalClient
	if len(r.cluster) > 0 {
		c = goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: r.cluster})
	} else {
		opt, err := goredis.ParseURL(r.url)
		if err != nil {
			t.Fatal(err)
		}
		c = goredis.NewClient(opt)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// scanKeys lists the keys matching pattern on every node.
func scanKeys(t *testing.T, c goredis.UniversalClient, pattern string) []string {
	t.Helper()
	var (
		mu   sync.Mutex
		keys []string
	)
	err := forEachNode(context.Background(), c, func(ctx context.Context, n *goredis.Client) error {
		iter := n.Scan(ctx, 0, pattern, 1000).Iterator()
		for iter.Next(ctx) {
			mu.Lock()
			keys = append(keys, iter.Val())
			mu.Unlock()
		}
		return iter.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// forEachNode calls fn with each server holding keys: every master of a
// Cluster, or the one server.
func forEachNode(ctx context.Context, c goredis.UniversalClient, fn func(context.Context, *goredis.Client) error) error {
	if cc, ok := c.(*goredis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, fn)
	}
	return fn(ctx, c.(*goredis.Client))
}

// laterClock is real time shifted by what a test moved it forward: the
// service's time flows as usual, and a test jumps to when something falls
// due instead of sleeping until then.
type laterClock struct {
	mu    sync.Mutex
	ahead time.Duration
}

func (c *laterClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.ahead)
}

// Advance moves the clock forward by d.
func (c *laterClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ahead += d
}

// startCommand runs `tsunagu <command>` with env on a free port until the
// test ends, and returns its base URL; out gets what it prints.
func startCommand(t *testing.T, command string, env map[string]string, out io.Writer) string {
	return startCommandAt(t, command, env, out, nil)
}

// startCommandAt is startCommand with the service's clock.
func startCommandAt(t *testing.T, command string, env map[string]string, out io.Writer, now func() time.Time) string {
	t.Helper()
	return startCommandLogging(t, command, env, out, testWriter{t}, now)
}

// startCommandLogging is startCommandAt with the service's log going to
// stderr.
func startCommandLogging(t testing.TB, command string, env map[string]string, out, stderr io.Writer, now func() time.Time) string {
	t.Helper()
	base, stop := startCommandStoppable(t, command, env, out, stderr, now)
	t.Cleanup(stop)
	return base
}

// startCommandStoppable is startCommandLogging for a test that stops the
// command itself, before it ends (calling stop again does nothing).
func startCommandStoppable(t testing.TB, command string, env map[string]string, out, stderr io.Writer, now func() time.Time) (base string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrc, done := make(chan string, 1), make(chan int, 1)
	go func() {
		done <- Run(ctx, strings.Fields(command), Environment{
			Lookup:    func(k string) (string, bool) { v, ok := env[k]; return v, ok },
			Stdout:    out,
			Stderr:    stderr,
			Listening: func(addr string) { addrc <- addr },
			Now:       now,
		})
	}()
	var addr string
	select {
	case addr = <-addrc:
	case code := <-done:
		cancel()
		t.Fatalf("%s exited with %d before listening", command, code)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatalf("%s did not start listening", command)
	}
	var once sync.Once
	return "http://" + addr, func() {
		once.Do(func() {
			cancel()
			if code := <-done; code != 0 {
				t.Errorf("%s exited with %d", command, code)
			}
		})
	}
}

func bootService(t *testing.T, extraEnv ...string) *service {
	t.Helper()
	return bootServiceWith(t, nil, extraEnv...)
}

// bootServiceWith is bootService with before, if set, preparing the
// simulated LINE before the service starts (and first reads its quota).
func bootServiceWith(t *testing.T, before func(*linesim.Sim), extraEnv ...string) *service {
	t.Helper()
	rdb := newTestRedis(t)
	secret, token, admin := randomHex(16), randomHex(16), randomHex(16)
	sim := linesim.New(linesim.Options{ChannelSecret: secret, AccessToken: token})
	if before != nil {
		before(sim)
	}
	api := httptest.NewServer(sim.APIHandler())
	t.Cleanup(api.Close)

	env := map[string]string{
		"HTTP_ADDR":                 "127.0.0.1:0",
		"ADMIN_TOKEN":               admin,
		"LINE_CHANNEL_SECRET":       secret,
		"LINE_CHANNEL_ACCESS_TOKEN": token,
		"LINE_API_BASE_URL":         api.URL,
		"LOG_LEVEL":                 "warn",
		"QUIET_HOURS":               "",
	}
	rdb.setEnv(env)
	for i := 0; i+1 < len(extraEnv); i += 2 {
		env[extraEnv[i]] = extraEnv[i+1]
	}
	clock := &laterClock{}
	base := startCommandAt(t, "serve", env, io.Discard, clock.Now)
	sim.SetWebhookURL(base + "/line/webhook")
	return &service{clock: clock, base: base, admin: admin, sim: sim, rdb: rdb}
}

// nearTheQuota leaves under a tenth of LINE's monthly quota, so that the
// service reads the quota in every request that creates a broadcast
// (line.QuotaCache) and a test may change it between two broadcasts.
func nearTheQuota(sim *linesim.Sim) { sim.SetQuota(1000, 950) }

// quotaReadAtStart waits for the service's first background read of LINE's
// quota, so that faults injected after it are met by the requests.
func (s *service) quotaReadAtStart(t *testing.T) {
	t.Helper()
	waitUntil(t, "the quota read at start", func() bool { return s.sim.Calls(linesim.EndpointQuotaConsumption) > 0 })
}

// testWriter sends the service's logs to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// person is one simulated LINE user talking to the service.
type person struct {
	t    *testing.T
	s    *service
	id   string
	seen int
}

func (s *service) newPerson(t *testing.T, name string) *person {
	return &person{t: t, s: s, id: "U" + randomHex(16)}
}

// reply waits for the bot's answer to what the person just did and returns
// every message of it.
func (p *person) reply() []linesim.Delivered {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	msgs, err := p.s.sim.WaitMessages(ctx, p.id, p.seen+1)
	if err != nil {
		p.t.Fatalf("waiting for a reply after %d messages: %v", p.seen, err)
	}
	got := msgs[p.seen:]
	p.seen = len(msgs)
	return got
}

// until waits for a message containing text that arrives on its own, such
// as the display-name suggestion pushed after the name lookup.
func (p *person) until(text string) {
	p.t.Helper()
	for _, m := range p.s.sim.Messages(p.id)[:p.seen] {
		if strings.Contains(m.Text, text) {
			return
		}
	}
	for {
		for _, m := range p.reply() {
			if strings.Contains(m.Text, text) {
				return
			}
		}
	}
}

// consent agrees to the data use and waits for both the name question and
// the suggestion of the LINE display name, which comes a moment later.
func (p *person) consent() {
	p.t.Helper()
	p.tap("consent:yes")
	p.until("よろしければ")
}

func (p *person) follow(name string) []linesim.Delivered {
	p.t.Helper()
	if err := p.s.sim.Follow(context.Background(), p.id, name); err != nil {
		p.t.Fatal(err)
	}
	return p.reply()
}

func (p *person) say(text string) []linesim.Delivered {
	p.t.Helper()
	if err := p.s.sim.Say(context.Background(), p.id, text); err != nil {
		p.t.Fatal(err)
	}
	return p.reply()
}

func (p *person) tap(data string) []linesim.Delivered {
	p.t.Helper()
	if err := p.s.sim.Tap(context.Background(), p.id, data); err != nil {
		p.t.Fatal(err)
	}
	return p.reply()
}

func texts(msgs []linesim.Delivered) string {
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString(m.Text)
		b.WriteString(string(m.Raw))
		b.WriteString("\n")
	}
	return b.String()
}

func offers(msgs []linesim.Delivered, data string) bool {
	for _, m := range msgs {
		for _, b := range append(append([]linesim.Button(nil), m.Buttons...), m.QuickReplies...) {
			if b.Data == data {
				return true
			}
		}
	}
	return false
}

func (s *service) api(t *testing.T, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.base+path, rd)
	req.Header.Set("Authorization", "Bearer "+s.admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestSeniorRegistersOnLINE(t *testing.T) {
	s := bootService(t)
	p := s.newPerson(t, "花子")

	msgs := p.follow("花子")
	if !offers(msgs, "consent:yes") {
		t.Fatalf("follow: no consent button in %s", texts(msgs))
	}
	steps := []struct {
		do     func() []linesim.Delivered
		expect string // postback data of a button the reply must offer, or text it must show
	}{
		{func() []linesim.Delivered { p.consent(); return p.s.sim.Messages(p.id) }, "name:suggested"},
		{func() []linesim.Delivered { return p.say("山田 花子") }, "area:setagaya"},
		{func() []linesim.Delivered { return p.say("世田谷") }, "skill:list"},
		{func() []linesim.Delivered { return p.say("採点、パソコン") }, "skill:done"},
		{func() []linesim.Delivered { return p.tap("skill:done") }, "月水金"},
		{func() []linesim.Delivered { return p.say("月水金 10時〜15時") }, "limit:2"},
		{func() []linesim.Delivered { return p.say("２件") }, "confirm:yes"},
		{func() []linesim.Delivered { return p.tap("confirm:yes") }, "登録が完了"},
	}
	for i, st := range steps {
		msgs := st.do()
		if !offers(msgs, st.expect) && !strings.Contains(texts(msgs), st.expect) {
			t.Fatalf("step %d: reply lacks %q: %s", i, st.expect, texts(msgs))
		}
	}

	code, prof := s.api(t, "GET", "/api/profiles/line:"+p.id, nil)
	if code != http.StatusOK {
		t.Fatalf("GET profile: %d %v", code, prof)
	}
	if prof["status"] != "active" || prof["area"] != "setagaya" || prof["name"] != "山田 花子" || prof["weekly_limit"] != float64(2) {
		t.Fatalf("profile = %v", prof)
	}
	if skills := fmt.Sprint(prof["skills"]); !strings.Contains(skills, "grading") {
		t.Fatalf("skills = %s", skills)
	}
}

func TestRedeliveredEventIsHandledOnce(t *testing.T) {
	s := bootService(t)
	p := s.newPerson(t, "一郎")
	p.follow("一郎")
	p.consent()
	if err := s.sim.Redeliver(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The redelivery was answered 200 after its (non-)effect was committed,
	// so the next reply is the next message in the chat: nothing in between.
	msgs := p.say("ヘルプ")
	n := 0
	for _, m := range msgs {
		n += strings.Count(m.Text, "お名前を教えてください")
	}
	if n != 1 {
		t.Fatalf("want exactly the help reply with one re-prompt, got %d prompts: %s", n, texts(msgs))
	}
	all := s.sim.Messages(p.id)
	prompts := 0
	for _, m := range all {
		prompts += strings.Count(m.Text, "お名前を教えてください")
	}
	if prompts != 2 { // once after consent, once after help
		t.Fatalf("name prompt sent %d times, want 2", prompts)
	}
}

func TestDeleteLeavesNoKeyNamingThePerson(t *testing.T) {
	s := bootService(t)
	p := s.newPerson(t, "次郎")
	p.follow("次郎")
	p.consent()
	p.say("次郎")
	p.say("退会")
	msgs := p.tap("delete:yes")
	if !strings.Contains(texts(msgs), "削除しました") {
		t.Fatalf("no goodbye: %s", texts(msgs))
	}
	rdb := s.redis(t)
	// The goodbye message leaves the outbox when the worker acknowledges it,
	// just after the simulator received it; allow it that moment.
	deadline := time.Now().Add(5 * time.Second)
	for {
		left := keysNaming(t, rdb, p.id, "次郎")
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("keys still naming the person: %v", left)
		}
		time.Sleep(20 * time.Millisecond)
	}
	code, _ := s.api(t, "GET", "/api/profiles/line:"+p.id, nil)
	if code != http.StatusNotFound {
		t.Fatalf("GET deleted profile: %d", code)
	}
}

// TestServeRefusesAMissingCatalog: a CATALOG_FILE that is not there is a
// configuration problem like the others, exit code 2 (it was 1).
func TestServeRefusesAMissingCatalog(t *testing.T) {
	var stderr bytes.Buffer
	env := map[string]string{"ADMIN_TOKEN": "t", "LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "a",
		"CATALOG_FILE": filepath.Join(t.TempDir(), "nothing.json")}
	newTestRedis(t).setEnv(env)
	code := Run(context.Background(), []string{"serve"}, Environment{
		Lookup: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Stdout: io.Discard, Stderr: &stderr,
	})
	if code != 2 || !strings.Contains(stderr.String(), "nothing.json") {
		t.Fatalf("exit code %d, want 2 naming the file: %s", code, stderr.String())
	}
}

func TestServeRefusesHalfSetConfiguration(t *testing.T) {
	var stderr bytes.Buffer
	env := map[string]string{"LINE_CHANNEL_SECRET": "x"}
	code := Run(context.Background(), []string{"serve"}, Environment{
		Lookup: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Stdout: io.Discard, Stderr: &stderr,
	})
	if code != 2 {
		t.Fatalf("exit code %d, want 2", code)
	}
	for _, want := range []string{"LINE_CHANNEL_ACCESS_TOKEN", "ADMIN_TOKEN", "REDIS_URL"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr does not name %s:\n%s", want, stderr.String())
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	var stderr bytes.Buffer
	if code := Run(context.Background(), []string{"frobnicate"}, Environment{Stderr: &stderr, Stdout: io.Discard}); code != 2 {
		t.Fatalf("exit code %d, want 2", code)
	}
}

func TestServiceAnswersBadInputClearly(t *testing.T) {
	s := bootService(t)
	post := func(body []byte, sig string) int {
		t.Helper()
		resp, err := s.sim.PostRaw(context.Background(), body, sig)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	empty := []byte(`{"destination":"Ubot","events":[]}`)
	malformed := []byte(`{"destination":"Ubot","events":[{]`)
	huge := append([]byte(`{"destination":"Ubot","events":[],"pad":"`), bytes.Repeat([]byte("x"), 1<<20)...)
	huge = append(huge, `"}`...)
	cases := []struct {
		name string
		body []byte
		sig  string
		want int
	}{
		{"verification with no events", empty, s.sim.Sign(empty), http.StatusOK},
		{"wrong signature", empty, s.sim.Sign([]byte("other")), http.StatusUnauthorized},
		{"missing signature", empty, "", http.StatusUnauthorized},
		{"malformed JSON", malformed, s.sim.Sign(malformed), http.StatusBadRequest},
		{"over 1 MiB", huge, s.sim.Sign(huge), http.StatusRequestEntityTooLarge},
	}
	for _, c := range cases {
		if got := post(c.body, c.sig); got != c.want {
			t.Errorf("%s: status %d, want %d", c.name, got, c.want)
		}
	}

	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/api/profiles/line:Unobody": 404} {
		if code, _ := s.api(t, "GET", path, nil); code != want {
			t.Errorf("GET %s = %d, want %d", path, code, want)
		}
	}
	resp, err := http.Get(s.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`tsunagu_webhooks_total{platform="line",result="bad_signature"} 2`,
		`tsunagu_webhooks_total{platform="line",result="too_large"} 1`,
		`tsunagu_outbox_depth`,
	} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
