package service

import (
	"context"
	_ "embed"
	"encoding/json"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"tsunagu/adapters/console"
	redisadapter "tsunagu/adapters/redis"
	"tsunagu/bot"
)

// axeSource is axe-core (npm axe-core, vendored for the tests only: it is
// not in the binary), injected into every page the browser test visits.
//
//go:embed testdata/axe.min.js
var axeSource string

// findChromium returns CHROME_PATH, or Debian's chromium, or another
// Chrome on the PATH; "" when there is none.
func findChromium() string {
	if p := os.Getenv("CHROME_PATH"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// newBrowser starts a headless Chromium for the test, or skips it.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := findChromium()
	if path == "" {
		t.Skip("no Chromium found (apt-get install chromium, or set CHROME_PATH): the console's browser test did not run")
	}
	// Not t.TempDir: Chromium's helper processes may still write there for
	// a moment after the browser is gone, and a failed removal would fail
	// the test. Removed after the browser, with a few tries.
	profile, err := os.MkdirTemp("", "tsunagu-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1024, 1366), // a tablet held upright
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() {
		cancelTime()
		cancelCtx()
		cancelAlloc()
		for range 20 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond) // the browser's helpers exiting, not a wait for a result
		}
		t.Logf("left %s behind", profile)
	})
	if err := chromedp.Run(ctx); err != nil {
		t.Skipf("Chromium at %s did not start (%v): the console's browser test did not run", path, err)
	}
	return ctx
}

// page is the console in the browser, with checks every page must pass.
type page struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func (p *page) run(what string, actions ...chromedp.Action) {
	p.t.Helper()
	if err := chromedp.Run(p.ctx, actions...); err != nil {
		var html string
		_ = chromedp.Run(p.ctx, chromedp.OuterHTML("main", &html, chromedp.ByQuery))
		p.t.Fatalf("%s: %v\npage: %.2000s", what, err, html)
	}
}

// open goes to a console page and checks it.
func (p *page) open(path string) {
	p.t.Helper()
	p.run("open "+path, chromedp.Navigate(p.base+path), chromedp.WaitVisible("main", chromedp.ByQuery))
	p.check(path)
}

// check runs axe-core on the page and fails on serious or critical
// violations, and checks the body text is at least 16px.
func (p *page) check(where string) {
	p.t.Helper()
	var size string
	p.run("font size", chromedp.Evaluate(`getComputedStyle(document.body).fontSize`, &size))
	if px, err := strconv.ParseFloat(strings.TrimSuffix(size, "px"), 64); err != nil || px < 16 {
		p.t.Errorf("%s: body font-size %s, want at least 16px", where, size)
	}
	var loaded bool
	p.run("axe", chromedp.Evaluate(`typeof axe !== "undefined"`, &loaded))
	if !loaded {
		p.run("inject axe", chromedp.Evaluate(axeSource, nil))
	}
	var found string
	p.run("axe run", chromedp.Evaluate(`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(
		r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
		 .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}))))`,
		&found, func(e *runtime.EvaluateParams) *runtime.EvaluateParams { return e.WithAwaitPromise(true) }))
	var violations []map[string]any
	if err := json.Unmarshal([]byte(found), &violations); err != nil {
		p.t.Fatalf("%s: axe answered %q: %v", where, found, err)
	}
	for _, v := range violations {
		p.t.Errorf("%s: accessibility (%v) %v: %v %v", where, v["impact"], v["id"], v["help"], v["nodes"])
	}
}

// text waits until the element's text contains want, without reloading.
func (p *page) text(sel, want string, within time.Duration) {
	p.t.Helper()
	deadline := time.Now().Add(within)
	var got string
	for time.Now().Before(deadline) {
		_ = chromedp.Run(p.ctx, chromedp.Text(sel, &got, chromedp.ByQuery, chromedp.AtLeast(0)))
		if strings.Contains(got, want) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.t.Fatalf("%s says %q, want %q within %v", sel, got, want, within)
}

// addCoordinator makes a console account with a password in the service's
// Redis, as the set-password page does.
func (s *service) addCoordinator(t *testing.T, email, password, org string, admin bool) {
	t.Helper()
	hash, err := console.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	err = redisadapter.NewAccounts(s.redis(t)).CreateCoordinator(context.Background(), &bot.Coordinator{
		ID: uuid.NewString(), Email: email, Name: "山本 さくら", Org: org, Admin: admin, PasswordHash: hash, CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
}

// waitFor waits for a LINE message to the person that satisfies ok.
func (p *person) waitFor(what string, ok func(m []byte, text string) bool) {
	p.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range p.s.sim.Messages(p.id) {
			if ok(m.Raw, m.Text) {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.t.Fatalf("%s never reached %s: %s", what, p.id, texts(p.s.sim.Messages(p.id)))
}

// TestConsoleInABrowser drives the console in headless Chromium against
// the whole service and the LINE simulator: a coordinator logs in, posts a
// task, the offer reaches a senior on LINE, who accepts it there, and the
// task page's fill changes without a reload; then a broadcast is composed
// with its recipient count and sent, and a conversation the senior opened
// is answered. Every page passes axe-core (nothing serious or critical)
// and has body text of at least 16px.
func TestConsoleInABrowser(t *testing.T) {
	ctx := newBrowser(t)
	s := bootService(t)
	s.addCoordinator(t, "sakura@example.jp", "a good long password", "世田谷ジョブカフェ", false)
	senior := s.importPerson(t, "佐藤 一郎", "世田谷区", "採点")
	p := &page{t: t, ctx: ctx, base: s.base}

	p.open("/console/login")
	p.run("log in",
		chromedp.SendKeys("#email", "sakura@example.jp", chromedp.ByQuery),
		chromedp.SendKeys("#password", "a good long password", chromedp.ByQuery),
		chromedp.Click("button.primary", chromedp.ByQuery),
		chromedp.WaitVisible(".cards", chromedp.ByQuery))
	p.check("/console/ (today)")

	// Post a task in the console.
	start := nextMonday(t)
	p.open("/console/tasks/new")
	p.run("fill in the task",
		chromedp.SendKeys("#title", "朝テストの採点", chromedp.ByQuery),
		chromedp.Click(`input[name="skill"][value="grading"]`, chromedp.ByQuery),
		chromedp.SetValue("#area", "setagaya", chromedp.ByQuery),
		chromedp.SetValue("#date", start.Format("2006-01-02"), chromedp.ByQuery),
		chromedp.SetValue("#start", "08:00", chromedp.ByQuery),
		chromedp.SetValue("#end", "10:00", chromedp.ByQuery),
		chromedp.SetValue("#headcount", "1", chromedp.ByQuery),
		chromedp.Click(`form button[type="submit"].primary`, chromedp.ByQuery),
		chromedp.WaitVisible("#fill", chromedp.ByQuery))
	var loc string
	p.run("task page", chromedp.Location(&loc))
	id := strings.TrimPrefix(strings.Split(loc, "?")[0], s.base+"/console/tasks/")
	p.check("the task page")
	p.text("#fill-count", "0 / 1人", 5*time.Second)
	p.text("#fill", "佐藤 一郎", 5*time.Second) // offered, by name

	// The offer reaches the senior on LINE; they accept it there.
	accept := bot.OfferAccept(id).String()
	senior.waitFor("the offer card", func(raw []byte, _ string) bool { return strings.Contains(string(raw), accept) })
	p.run("mark the page", chromedp.Evaluate(`window.notReloaded = true`, nil))
	if err := s.sim.Tap(context.Background(), senior.id, accept); err != nil {
		t.Fatal(err)
	}
	p.text("#fill-count", "1 / 1人", 10*time.Second)
	var same bool
	p.run("still the same page", chromedp.Evaluate(`window.notReloaded === true`, &same))
	if !same {
		t.Fatal("the page was reloaded; the fill should change in place")
	}
	p.text("#fill", "満員", 5*time.Second)
	p.open("/console/tasks/" + id + "/edit")
	p.open("/console/tasks/" + id + "/cancel")

	// Compose a broadcast: the count first, then send.
	p.open("/console/broadcasts/new")
	p.run("compose",
		chromedp.SendKeys("#text", "年末年始のお休みのお知らせです。", chromedp.ByQuery),
		chromedp.Click(`input[name="area"][value="setagaya"]`, chromedp.ByQuery),
		chromedp.Click(`form button[type="submit"].primary`, chromedp.ByQuery),
		chromedp.WaitVisible("#recipient-count", chromedp.ByQuery))
	p.check("the broadcast confirmation")
	p.text("#recipient-count", "1人にお送りします", time.Second)
	p.run("send", chromedp.Click(`form button[type="submit"].primary`, chromedp.ByQuery), chromedp.WaitVisible("#progress", chromedp.ByQuery))
	p.check("the broadcast's progress")
	if code, body := s.api(t, "POST", "/api/jobs/broadcasts/run", nil); code != 200 {
		t.Fatalf("run broadcasts: %d %v", code, body)
	}
	p.text("#progress", "送信済み", 15*time.Second)
	senior.waitFor("the broadcast", func(_ []byte, text string) bool { return strings.Contains(text, "年末年始のお休み") })

	// A draft survives leaving the page (as after a login that ran out):
	// typed, left, and found again in the same tab.
	p.open("/console/broadcasts/new")
	p.run("write a draft", chromedp.SendKeys("#text", "来週の説明会のお知らせ（下書き）", chromedp.ByQuery))
	p.open("/console/")
	p.open("/console/broadcasts/new")
	var draft string
	p.run("read the draft back", chromedp.Value("#text", &draft, chromedp.ByQuery))
	if draft != "来週の説明会のお知らせ（下書き）" {
		t.Errorf("the draft after leaving the page: %q", draft)
	}

	// The senior asks for a person; the coordinator answers in the console.
	if err := s.sim.Say(context.Background(), senior.id, "担当者と話したいです"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		p.open("/console/talks")
		var body string
		p.run("talks", chromedp.Text("main", &body, chromedp.ByQuery))
		if strings.Contains(body, "佐藤 一郎") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the conversation is not listed: %s", body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	p.run("open the conversation", chromedp.Click(`main table a`, chromedp.ByQuery), chromedp.WaitVisible("#messages", chromedp.ByQuery))
	p.check("the conversation")
	p.run("answer",
		chromedp.SendKeys("#text", "担当の山本です。明日お電話します。", chromedp.ByQuery),
		chromedp.Click(`form button[type="submit"].primary`, chromedp.ByQuery),
		chromedp.WaitVisible(".flash", chromedp.ByQuery))
	senior.waitFor("the coordinator's answer", func(_ []byte, text string) bool { return strings.Contains(text, "明日お電話します") })
	p.text("#messages", "明日お電話します", 5*time.Second)

	// The reports: the figures of this fiscal year, their bars, and the
	// CSV the link downloads, fetched with the page's own login.
	p.open("/console/reports")
	p.text("main", "延べ人数", time.Second)
	p.text(".figures", "充足率", time.Second)
	var bars int
	p.run("bars", chromedp.Evaluate(`document.querySelectorAll("ul.bars li meter").length`, &bars))
	if bars != 36 {
		t.Errorf("bars = %d, want 12 months in each of 3 charts", bars)
	}
	var got struct {
		Status int
		Type   string
		BOM    []int
		Header string
	}
	p.run("download the CSV", chromedp.Evaluate(`fetch(document.querySelector("a[download]").href).then(async r => {
		const b = new Uint8Array(await r.arrayBuffer());
		return {status: r.status, type: r.headers.get("Content-Type"), bom: Array.from(b.slice(0, 3)),
			header: new TextDecoder().decode(b.slice(3)).split("\r\n")[0]};
	})`, &got, func(e *runtime.EvaluateParams) *runtime.EvaluateParams { return e.WithAwaitPromise(true) }))
	// Headed in Japanese, for Excel (the API's CSV keeps the JSON names).
	if want := "月,お仕事の数,満員になったお仕事,充足率,募集人数,決まった人数,延べ人数,実人数,時間,開催した集まり,集まりの参加,ご案内,引き受け,見送り,期限切れ,満員までの分（中央値）"; got.Status != 200 || !strings.HasPrefix(got.Type, "text/csv") ||
		len(got.BOM) != 3 || got.BOM[0] != 0xEF || got.BOM[1] != 0xBB || got.BOM[2] != 0xBF || got.Header != want {
		t.Errorf("the CSV: %+v, want 200 text/csv, the BOM EF BB BF and %q", got, want)
	}
	p.open("/console/reports?from=2026-13-01") // the form again, with the error
	p.text(".errors", "はじめの日", time.Second)

	// A weekly task: three dates, each page listing the others.
	p.open("/console/tasks/new")
	p.run("fill in a weekly task",
		chromedp.SendKeys("#title", "保育園の便利屋さん", chromedp.ByQuery),
		chromedp.Click(`input[name="skill"][value="grading"]`, chromedp.ByQuery),
		chromedp.SetValue("#area", "setagaya", chromedp.ByQuery),
		chromedp.SetValue("#date", start.Format("2006-01-02"), chromedp.ByQuery),
		chromedp.SetValue("#start", "13:00", chromedp.ByQuery),
		chromedp.SetValue("#end", "15:00", chromedp.ByQuery),
		chromedp.SetValue("#headcount", "1", chromedp.ByQuery),
		chromedp.Click(`input[name="repeat"][value="weekly"]`, chromedp.ByQuery),
		chromedp.SetValue("#until", start.AddDate(0, 0, 14).Format("2006-01-02"), chromedp.ByQuery),
		chromedp.Click(`form button[type="submit"].primary`, chromedp.ByQuery),
		chromedp.WaitVisible("#series-h", chromedp.ByQuery))
	p.check("the first date of a weekly task")
	var dates int
	p.run("series dates", chromedp.Evaluate(`document.querySelectorAll("ul.series li").length`, &dates))
	if dates != 3 {
		t.Errorf("the series lists %d dates, want 3", dates)
	}
	p.run("open the last date", chromedp.Click(`ul.series li:last-child a`, chromedp.ByQuery), chromedp.WaitVisible("#series-h", chromedp.ByQuery))
	p.check("the last date of a weekly task")

	// A weekly task without its end date: the reason beside the field.
	p.open("/console/tasks/new")
	p.run("a weekly task without an end",
		chromedp.SendKeys("#title", "保育園の便利屋さん", chromedp.ByQuery),
		chromedp.Click(`input[name="skill"][value="grading"]`, chromedp.ByQuery),
		chromedp.Click(`input[name="repeat"][value="weekly"]`, chromedp.ByQuery),
		chromedp.Click(`form button[type="submit"].primary`, chromedp.ByQuery),
		chromedp.WaitVisible("#until-err", chromedp.ByQuery))
	p.check("the task form refused")

	// The other pages, for accessibility.
	for _, path := range []string{"/console/tasks", "/console/sessions", "/console/sessions/new", "/console/broadcasts",
		"/console/people", "/console/people/new", "/console/people/line:" + senior.id, "/console/people/line:" + senior.id + "/edit",
		"/console/people/line:" + senior.id + "/delete",
		"/console/people/import"} {
		p.open(path)
	}
}
