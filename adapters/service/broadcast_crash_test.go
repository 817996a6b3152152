package service

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tsunagu/adapters/linesim"
	redisadapter "tsunagu/adapters/redis"
	"tsunagu/bot"
	"tsunagu/bot/avail"
)

// childEnv marks the test binary started as a service to be killed.
const childEnv = "TSUNAGU_TEST_CHILD_SERVE"

// TestChildServe is not a test: run as a child process by
// TestBroadcastSurvivesKill, it serves with the configuration in its
// Environment and prints its address, until it is killed.
func TestChildServe(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("only run as a child process")
	}
	code := Run(context.Background(), []string{"serve"}, Environment{
		Lookup:    os.LookupEnv,
		Stdout:    os.Stderr,
		Stderr:    os.Stderr,
		Listening: func(addr string) { fmt.Printf("LISTENING %s\n", addr) },
	})
	os.Exit(code)
}

// child is a service running in another process.
type child struct {
	cmd  *exec.Cmd
	base string
}

func startChild(t *testing.T, env map[string]string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildServe$")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "LISTENING "); ok {
				addr <- a
			}
		}
	}()
	select {
	case a := <-addr:
		return &child{cmd: cmd, base: "http://" + a}
	case <-time.After(30 * time.Second):
		t.Fatal("child service did not start")
	}
	return nil
}

func (c *child) post(t *testing.T, admin, path string, body any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(string(b)))
	req.Header.Set("Authorization", "Bearer "+admin)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

// TestBroadcastSurvivesKill kills the process sending a broadcast half-way
// (SIGKILL, no shutdown) and lets a new process resume it: every recipient
// gets the announcement exactly once, although batches were in flight at
// LINE when the first process died (the retry key makes their resend a
// 409), and no request names more than 500 people.
func TestBroadcastSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	const people = 10000
	tr := newTestRedis(t)
	secret, token, admin := randomHex(16), randomHex(16), randomHex(16)
	sim := linesim.New(linesim.Options{ChannelSecret: secret, AccessToken: token})
	// LINE is slow today, and slower with every request, so that the
	// batches finish one after another and the kill lands between them.
	var seen atomic.Int64
	simAPI := sim.APIHandler()
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/multicast") {
			time.Sleep(100*time.Millisecond + time.Duration(seen.Add(1))*20*time.Millisecond)
		}
		simAPI.ServeHTTP(w, r)
	})
	api := httptest.NewServer(slow)
	t.Cleanup(api.Close)

	rdb := tr.client(t)
	store := redisadapter.NewStore(rdb)
	week, _ := avail.Parse("いつでも")
	now := time.Now()
	ctx := context.Background()
	users := make([]string, people)
	for i := range users {
		users[i] = fmt.Sprintf("U%032x", i)
		p := &bot.Profile{ID: "line:" + users[i], Name: "会員", Area: "setagaya", Skills: []string{"grading"},
			Availability: week, WeeklyLimit: 1, ConsentedAt: &now, Status: bot.StatusActive, CreatedAt: now, UpdatedAt: now}
		if err := store.CreateProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{
		"HTTP_ADDR": "127.0.0.1:0", "ADMIN_TOKEN": admin, "QUIET_HOURS": "",
		"LINE_CHANNEL_SECRET": secret, "LINE_CHANNEL_ACCESS_TOKEN": token, "LINE_API_BASE_URL": api.URL, "LOG_LEVEL": "error",
	}
	tr.setEnv(env)

	first := startChild(t, env)
	code, body := first.post(t, admin, "/api/broadcasts", map[string]any{"text": "臨時休館のお知らせ", "audience": map[string]any{}})
	if code != http.StatusAccepted {
		t.Fatalf("POST /api/broadcasts: %d %v", code, body)
	}
	id := body["id"].(string)
	go first.post(t, admin, "/api/jobs/broadcasts/run", nil) // dies with the process
	waitUntil(t, "a few batches delivered", func() bool { return sim.Calls(linesim.EndpointMulticast) >= 4 })
	if err := first.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = first.cmd.Wait()
	delivered := sim.Calls(linesim.EndpointMulticast)
	if delivered >= people/bot.MulticastSize {
		t.Fatalf("the first process finished (%d calls) before it was killed", delivered)
	}

	// The dead process's lease would lapse in 30 s; a test does not wait.
	for _, k := range scanKeys(t, rdb, "*:b:"+id+":lease") {
		rdb.Del(ctx, k)
	}
	second := startChild(t, env)
	if code, sum := second.post(t, admin, "/api/jobs/broadcasts/run", nil); code != http.StatusOK {
		t.Fatalf("resume: %d %v", code, sum)
	}
	for _, u := range users {
		n := 0
		for _, m := range sim.Messages(u) {
			n += strings.Count(m.Text, "臨時休館")
		}
		if n != 1 {
			t.Fatalf("%s got the announcement %d times", u, n)
		}
	}
	v, err := redisadapter.NewBroadcasts(rdb).FindBroadcast(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != bot.BroadcastDone || v.Sent != people || v.Total != people {
		t.Fatalf("progress after resuming: %+v", v)
	}
	t.Logf("killed after %d multicasts, resumed to %d (409s included)", delivered, sim.Calls(linesim.EndpointMulticast))
}
