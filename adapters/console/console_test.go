package console

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	redisadapter "tsunagu/adapters/redis"
	"tsunagu/bot"
)

var testCatalog = func() *bot.Catalog {
	c, err := bot.NewCatalog(
		[]bot.Skill{{ID: "grading", LabelJA: "採点", LabelEN: "grading"}, {ID: "pc", LabelJA: "パソコン入力", LabelEN: "data entry"}},
		[]bot.Area{{ID: "setagaya", LabelJA: "世田谷区", LabelEN: "Setagaya"}, {ID: "ota", LabelJA: "大田区", LabelEN: "Ota"}})
	if err != nil {
		panic(err)
	}
	return c
}()

// fixture is a console on an embedded Redis with the rest of the service
// faked.
type fixture struct {
	t     *testing.T
	srv   *httptest.Server
	mr    *miniredis.Miniredis
	acc   *redisadapter.Accounts
	svc   *fakeService
	tokyo *time.Location
}

func newFixture(t *testing.T, secure bool) *fixture {
	t.Helper()
	mr := miniredis.RunT(t)
	rdb := goredis.NewClient(&goredis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { rdb.Close() })
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, mr: mr, acc: redisadapter.NewAccounts(rdb), svc: newFakeService(), tokyo: tokyo}
	n := 0
	h := New(Options{
		Accounts: f.acc, Catalog: testCatalog, People: f.svc, Tasks: f.svc, Sessions: f.svc, Broadcasts: f.svc,
		Talks: f.svc, Handle: f.svc.Handle, SecureCookies: secure, Location: tokyo,
		NamedOffers: f.svc, Outcomes: f.svc, Imports: f.svc, Plans: f.svc, Notices: f.svc, Reports: &bot.ReportService{Source: f.svc, Now: time.Now, Location: tokyo},
		NewID: func() string { n++; return "id" + strings.Repeat("x", n) },
	})
	f.srv = httptest.NewServer(h)
	t.Cleanup(f.srv.Close)
	return f
}

// addAccount creates an account with a password, as the set-password
// page would.
func (f *fixture) addAccount(id, email, org, password string, admin bool) {
	f.t.Helper()
	hash, err := HashPassword(password)
	if err != nil {
		f.t.Fatal(err)
	}
	err = f.acc.CreateCoordinator(context.Background(), &bot.Coordinator{ID: id, Email: email, Name: "担当 " + id, Org: org,
		Admin: admin, PasswordHash: hash, CreatedAt: time.Now()})
	if err != nil {
		f.t.Fatal(err)
	}
}

// browser is one coordinator's browser: its cookies, no redirects
// followed, and the CSRF token of the last page it saw.
type browser struct {
	f       *fixture
	cookies map[string]string
	csrf    string
	header  http.Header
}

func (f *fixture) browser() *browser {
	return &browser{f: f, cookies: map[string]string{}, header: http.Header{}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) do(method, path string, form url.Values) (*http.Response, string) {
	b.f.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.f.srv.URL+path, body)
	if err != nil {
		b.f.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range b.header {
		req.Header[k] = v
	}
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		b.f.t.Fatal(err)
	}
	defer resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	raw, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindStringSubmatch(string(raw)); m != nil {
		b.csrf = m[1]
	}
	return resp, string(raw)
}

func (b *browser) get(path string) (*http.Response, string) { return b.do("GET", path, nil) }

// post sends a form with the page's CSRF token.
func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.f.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrf") == "" {
		form.Set("csrf", b.csrf)
	}
	return b.do("POST", path, form)
}

func (b *browser) login(email, password string) *http.Response {
	b.f.t.Helper()
	b.get("/console/login")
	resp, _ := b.post("/console/login", url.Values{"email": {email}, "password": {password}})
	if resp.StatusCode == http.StatusSeeOther {
		b.get("/console/") // for the login's CSRF token
	}
	return resp
}

func TestPagesAndActionsNeedALogin(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser()
	for _, path := range []string{"/console/", "/console/tasks", "/console/tasks/new", "/console/tasks/t-1",
		"/console/sessions", "/console/broadcasts/new", "/console/people", "/console/people/line:U1",
		"/console/talks", "/console/coordinators", "/console/reports", "/console/reports.csv", "/console/nowhere",
		"/console/people.csv", "/console/people/import"} {
		resp, _ := b.get(path)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/console/login?next=") {
			t.Errorf("GET %s without a login: %d %s, want a redirect to the login", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	b.header.Set("HX-Request", "true")
	if resp, _ := b.get("/console/tasks/t-1/fill"); resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("HX-Redirect") == "" {
		t.Errorf("htmx poll without a login: %d, HX-Redirect %q", resp.StatusCode, resp.Header.Get("HX-Redirect"))
	}
	b.header.Del("HX-Request")
	for _, path := range []string{"/console/tasks", "/console/tasks/t-1/cancel", "/console/tasks/t-1/offers",
		"/console/tasks/t-1/completions", "/console/broadcasts", "/console/people",
		"/console/people/line:U1/delete", "/console/talks/line:U1/messages", "/console/coordinators", "/console/logout",
		"/console/people/import"} {
		if resp, _ := b.post(path, url.Values{"title": {"x"}}); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("POST %s without a login: %d, want 401", path, resp.StatusCode)
		}
	}
	if len(f.svc.tasks) != 0 || len(f.svc.handled) != 0 {
		t.Fatalf("something was done without a login: %v %v", f.svc.tasks, f.svc.handled)
	}
	if resp, body := b.get("/console/login"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "ログイン") {
		t.Fatalf("login page: %d", resp.StatusCode)
	}
}

// taskForm is a valid task for the console's form.
func taskForm(f *fixture, title string) url.Values {
	day := time.Now().In(f.tokyo).AddDate(0, 0, 3).Format("2006-01-02")
	return url.Values{"title": {title}, "organization": {"塾"}, "skill": {"grading"}, "area": {"setagaya"},
		"date": {day}, "start": {"09:00"}, "end": {"11:00"}, "headcount": {"2"}}
}

func TestFormsWithoutTheirTokenAreRefused(t *testing.T) {
	f := newFixture(t, false)
	f.addAccount("a1", "a@example.jp", "A", "correct horse battery", false)
	b := f.browser()
	if resp := b.login("a@example.jp", "correct horse battery"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	cases := []struct {
		name   string
		csrf   string
		header map[string]string
	}{
		{"no token", "-", nil},
		{"another token", "forged-token-forged-token", nil},
		{"the right token from another site", "", map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{"the right token with a foreign Origin", "", map[string]string{"Origin": "https://evil.example"}},
	}
	for _, c := range cases {
		form := taskForm(f, "朝テストの採点")
		if c.csrf == "-" {
			form.Set("csrf", "")
			b.header.Set("X-No", "1")
			resp, _ := b.do("POST", "/console/tasks", form)
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s: %d, want 403", c.name, resp.StatusCode)
			}
			continue
		}
		if c.csrf != "" {
			form.Set("csrf", c.csrf)
		}
		for k, v := range c.header {
			b.header.Set(k, v)
		}
		resp, _ := b.post("/console/tasks", form)
		for k := range c.header {
			b.header.Del(k)
		}
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", c.name, resp.StatusCode)
		}
	}
	if len(f.svc.tasks) != 0 {
		t.Fatalf("a refused form made a task")
	}
	b.header.Set("Sec-Fetch-Site", "same-origin")
	if resp, _ := b.post("/console/tasks", taskForm(f, "朝テストの採点")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the right token: %d, want 303", resp.StatusCode)
	}
	if len(f.svc.tasks) != 1 {
		t.Fatalf("tasks = %d, want 1", len(f.svc.tasks))
	}
}

func TestACoordinatorSeesOnlyTheirOrganizationsTasks(t *testing.T) {
	f := newFixture(t, false)
	f.addAccount("a1", "a@example.jp", "世田谷ジョブカフェ", "password-of-a", false)
	f.addAccount("b1", "b@example.jp", "大田区シルバー", "password-of-b", false)
	f.addAccount("root", "root@example.jp", "事務局", "password-of-root", true)
	a, b, root := f.browser(), f.browser(), f.browser()
	a.login("a@example.jp", "password-of-a")
	b.login("b@example.jp", "password-of-b")
	root.login("root@example.jp", "password-of-root")

	resp, _ := a.post("/console/tasks", taskForm(f, "朝テストの採点"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	page := resp.Header.Get("Location")
	id := strings.TrimPrefix(strings.Split(page, "?")[0], "/console/tasks/")
	if resp, body := a.get(page); resp.StatusCode != http.StatusOK || !strings.Contains(body, "朝テストの採点") || !strings.Contains(body, "hx-trigger=\"every 2s\"") {
		t.Fatalf("own task: %d", resp.StatusCode)
	}
	for _, path := range []string{"/console/tasks/" + id, "/console/tasks/" + id + "/fill", "/console/tasks/" + id + "/cancel"} {
		if resp, body := b.get(path); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "朝テストの採点") {
			t.Errorf("GET %s by another organization: %d", path, resp.StatusCode)
		}
	}
	if resp, _ := b.post("/console/tasks/"+id+"/cancel", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("cancel by another organization: %d", resp.StatusCode)
	}
	if _, body := b.get("/console/tasks"); strings.Contains(body, "朝テストの採点") {
		t.Errorf("another organization's list shows the task")
	}
	if f.svc.tasks[id].Status != bot.TaskOpen {
		t.Fatalf("the task was cancelled by another organization")
	}
	if resp, body := root.get("/console/tasks/" + id); resp.StatusCode != http.StatusOK || !strings.Contains(body, "朝テストの採点") {
		t.Errorf("admin: %d", resp.StatusCode)
	}
	if _, body := root.get("/console/"); !strings.Contains(body, "朝テストの採点") {
		t.Errorf("admin's today page lacks the task")
	}
	if resp, _ := a.get("/console/coordinators"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("coordinators page for a non-admin: %d", resp.StatusCode)
	}
}

func TestWrongPasswordsAreRefusedAfterFive(t *testing.T) {
	f := newFixture(t, false)
	f.addAccount("a1", "a@example.jp", "A", "the right password", false)
	b := f.browser()
	for i := 1; i <= maxEmailFailures; i++ {
		if resp := b.login("a@example.jp", "wrong password"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d, want 401", i, resp.StatusCode)
		}
	}
	resp := b.login("A@example.jp ", "the right password")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("the right password after five wrong: %d (Retry-After %q), want 429", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if _, ok := b.cookies[cookieName]; ok {
		t.Fatal("a login cookie was set while refused")
	}
	// Another browser at the same address, for another account, still
	// gets in: the address limit is higher.
	f.addAccount("c1", "c@example.jp", "A", "c's password", false)
	if resp := f.browser().login("c@example.jp", "c's password"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("another account: %d", resp.StatusCode)
	}
	f.mr.FastForward(failWindow + time.Second)
	if resp := b.login("a@example.jp", "the right password"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after the window: %d, want 303", resp.StatusCode)
	}
}

func TestPasswordHashRoundTrip(t *testing.T) {
	h1, err := HashPassword("合言葉は つなぐ 2026")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := HashPassword("合言葉は つなぐ 2026")
	if h1 == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash = %s", h1)
	}
	for _, c := range []struct {
		hash, password string
		want           bool
	}{
		{h1, "合言葉は つなぐ 2026", true},
		{h2, "合言葉は つなぐ 2026", true},
		{h1, "合言葉は つなぐ 2025", false},
		{h1, "", false},
		{"", "", false},
		{"$argon2id$v=19$m=4294967295,t=2,p=1$c2FsdA$a2V5", "x", false},
		{strings.Replace(h1, "$argon2id$", "$argon2i$", 1), "合言葉は つなぐ 2026", false},
	} {
		if got := CheckPassword(c.hash, c.password); got != c.want {
			t.Errorf("CheckPassword(%.40s…, %q) = %v", c.hash, c.password, got)
		}
	}
}

func TestSetPasswordLinkWorksOnceAndExpires(t *testing.T) {
	f := newFixture(t, false)
	ctx := context.Background()
	_, token, err := AddCoordinator(ctx, f.acc, NewCoordinator{Email: "New@Example.jp", Name: "新人", Org: "A"}, "n1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b := f.browser()
	if resp, body := b.get("/console/setup?token=" + token); resp.StatusCode != http.StatusOK || !strings.Contains(body, "new@example.jp") {
		t.Fatalf("setup page: %d", resp.StatusCode)
	}
	if resp, _ := b.post("/console/setup", url.Values{"token": {token}, "password": {"short"}, "password2": {"short"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a short password: %d", resp.StatusCode)
	}
	form := url.Values{"token": {token}, "password": {"a long enough one"}, "password2": {"a long enough one"}}
	if resp, _ := b.post("/console/setup", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("set password: %d", resp.StatusCode)
	}
	if resp, _ := b.get("/console/"); resp.StatusCode != http.StatusOK {
		t.Fatalf("logged in after setting the password: %d", resp.StatusCode)
	}
	other := f.browser()
	other.get("/console/login")
	if resp, _ := other.post("/console/setup", url.Values{"token": {token}, "password": {"an attacker's pick"}, "password2": {"an attacker's pick"}}); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("the link a second time: %d, want 404", resp.StatusCode)
	}
	if resp := f.browser().login("new@example.jp", "a long enough one"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login with the password set: %d", resp.StatusCode)
	}

	_, late, err := AddCoordinator(ctx, f.acc, NewCoordinator{Email: "late@example.jp", Name: "遅い人", Org: "A"}, "n2", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.mr.FastForward(SetupTokenTTL + time.Minute)
	if resp, _ := f.browser().get("/console/setup?token=" + late); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("an expired link: %d, want 404", resp.StatusCode)
	}
}

func TestLoginCookie(t *testing.T) {
	for _, secure := range []bool{false, true} {
		f := newFixture(t, secure)
		f.addAccount("a1", "a@example.jp", "A", "the right password", false)
		b := f.browser()
		b.get("/console/login")
		resp, _ := b.post("/console/login", url.Values{"email": {"a@example.jp"}, "password": {"the right password"}})
		var c *http.Cookie
		for _, k := range resp.Cookies() {
			if k.Name == cookieName {
				c = k
			}
		}
		if c == nil {
			t.Fatalf("secure=%v: no login cookie", secure)
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != secure || c.Path != "/console/" || len(c.Value) < 40 {
			t.Errorf("secure=%v: cookie %+v", secure, c)
		}
		if keys := f.mr.Keys(); strings.Contains(strings.Join(keys, " "), c.Value) {
			t.Errorf("the cookie's token is a Redis key as it is")
		}
		// Logging out ends the login on the server, not only in the browser.
		b.get("/console/")
		token := b.cookies[cookieName]
		b.post("/console/logout", nil)
		b.cookies[cookieName] = token
		if resp, _ := b.get("/console/"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("secure=%v: the old cookie still works after logout: %d", secure, resp.StatusCode)
		}
	}
}

func TestADisabledAccountIsLoggedOut(t *testing.T) {
	f := newFixture(t, false)
	f.addAccount("a1", "a@example.jp", "A", "the right password", false)
	f.addAccount("root", "root@example.jp", "事務局", "password-of-root", true)
	a, root := f.browser(), f.browser()
	a.login("a@example.jp", "the right password")
	root.login("root@example.jp", "password-of-root")
	root.get("/console/coordinators")
	if resp, _ := root.post("/console/coordinators/a1/disable", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", resp.StatusCode)
	}
	if resp, _ := a.get("/console/"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a disabled account's page: %d", resp.StatusCode)
	}
	if resp := f.browser().login("a@example.jp", "the right password"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a disabled account logs in: %d", resp.StatusCode)
	}
	resp, body := root.post("/console/coordinators", url.Values{"email": {"x@example.jp"}, "name": {"新しい人"}, "org": {"B"}})
	// Without a BaseURL the link is on the address the admin used, not a
	// guessed one that leads nowhere.
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, f.srv.URL+"/console/setup?token=") {
		t.Fatalf("add: %d, want a link on %s: %s", resp.StatusCode, f.srv.URL, body)
	}
}

func TestEveryPageRenders(t *testing.T) {
	f := newFixture(t, false)
	f.addAccount("root", "root@example.jp", "事務局", "password-of-root", true)
	b := f.browser()
	b.login("root@example.jp", "password-of-root")
	pid := "line:U" + strings.Repeat("a", 32)
	week := url.Values{"id": {pid}, "name": {"山田 花子"}, "area": {"setagaya"}, "skill": {"grading"},
		"availability": {"平日の午前"}, "weekly_limit": {"2"}, "consent": {"yes"}}
	if resp, body := b.post("/console/people", week); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("register: %d %s", resp.StatusCode, body)
	}
	f.svc.talks = []bot.TalkView{{ProfileID: pid, Name: "山田 花子", Open: true, OpenedAt: time.Now(),
		Messages: []bot.TalkMessage{{From: bot.TalkFromPerson, Text: "担当者と話したい", At: time.Now()}}}}
	resp, _ := b.post("/console/tasks", taskForm(f, "朝テストの採点"))
	task := strings.Split(resp.Header.Get("Location"), "?")[0]
	day := time.Now().In(f.tokyo).AddDate(0, 0, 3).Format("2006-01-02")
	resp, body := b.post("/console/sessions", url.Values{"title": {"放課後企業クラブ"}, "date": {day}, "start": {"19:00"}, "end": {"20:00"}, "reminder": {"24h"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("session: %d %s", resp.StatusCode, body)
	}
	session := strings.Split(resp.Header.Get("Location"), "?")[0]
	if _, body := b.post("/console/broadcasts/confirm", url.Values{"text": {"年末年始のお知らせ"}, "area": {"setagaya"}}); !strings.Contains(body, "1人にお送りします") {
		t.Fatalf("confirm page lacks the count: %s", body)
	}
	resp, _ = b.post("/console/broadcasts", url.Values{"text": {"年末年始のお知らせ"}})
	broadcast := strings.Split(resp.Header.Get("Location"), "?")[0]
	for _, path := range []string{"/console/", "/console/tasks", "/console/tasks/new", task, task + "/fill", task + "/cancel",
		"/console/sessions", "/console/sessions/new", session, "/console/broadcasts", "/console/broadcasts/new",
		broadcast, broadcast + "/progress", "/console/people", "/console/people?name=花子&area=setagaya", "/console/people/new",
		"/console/people/" + pid, "/console/people/" + pid + "/edit", "/console/people/" + pid + "/delete", "/console/talks", "/console/talks/" + pid,
		"/console/talks/" + pid + "/messages", "/console/coordinators", "/console/reports", "/console/people/import"} {
		resp, body := b.get(path)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "</") {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
		}
	}
	if resp, _ := b.post("/console/people/"+pid+"/pause", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("pause: %d", resp.StatusCode)
	}
	if resp, _ := b.post("/console/people/"+pid+"/delete", url.Values{"confirm": {"yes"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	if len(f.svc.handled) != 2 || f.svc.handled[0].Data != bot.PauseAction() || f.svc.handled[1].Data != bot.HomeDelete || f.svc.handled[1].ProfileID != pid {
		t.Fatalf("events handed to the person's conversation: %+v", f.svc.handled)
	}
	log, _ := f.acc.AuditLog(context.Background(), 20)
	for _, e := range log {
		if strings.Contains(e.Object, pid) || strings.Contains(e.Object, "山田") {
			t.Errorf("the audit log names a person: %+v", e)
		}
	}
	if len(log) < 6 || log[0].Action != "person.delete" || log[0].AccountID != "root" {
		t.Errorf("audit log = %+v", log)
	}
}

// TestACoordinatorEditsATask: the words and the headcount change from the
// task's page; fewer places than accepted and an empty title are refused
// beside their fields, another organization cannot, and a forged form is
// refused.
func TestACoordinatorEditsATask(t *testing.T) {
	f := newFixture(t, false)
	f.addAccount("a1", "a@example.jp", "世田谷ジョブカフェ", "password-of-a", false)
	f.addAccount("b1", "b@example.jp", "大田区シルバー", "password-of-b", false)
	a, b := f.browser(), f.browser()
	a.login("a@example.jp", "password-of-a")
	b.login("b@example.jp", "password-of-b")
	resp, _ := a.post("/console/tasks", taskForm(f, "朝テストの採点"))
	id := strings.TrimPrefix(strings.Split(resp.Header.Get("Location"), "?")[0], "/console/tasks/")
	f.svc.tasks[id].Accepted = []string{"line:U1", "line:U2"}

	if resp, body := a.get("/console/tasks/" + id + "/edit"); resp.StatusCode != http.StatusOK || !strings.Contains(body, `value="朝テストの採点"`) {
		t.Fatalf("edit form: %d", resp.StatusCode)
	}
	edit := func(title, headcount string) url.Values {
		return url.Values{"title": {title}, "description": {""}, "organization": {"塾"}, "reward": {""}, "headcount": {headcount}}
	}
	if resp, body := a.post("/console/tasks/"+id+"/edit", edit("朝テストの採点", "1")); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `id="headcount-err"`) {
		t.Errorf("fewer places than accepted: %d", resp.StatusCode)
	}
	if resp, _ := a.post("/console/tasks/"+id+"/edit", edit("朝テストの採点", "三")); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a headcount in words: %d", resp.StatusCode)
	}
	if resp, _ := b.post("/console/tasks/"+id+"/edit", edit("乗っ取り", "5")); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organization: %d", resp.StatusCode)
	}
	forged := edit("偽物", "5")
	forged.Set("csrf", "forged-token-forged-token")
	if resp, _ := a.post("/console/tasks/"+id+"/edit", forged); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a forged form: %d", resp.StatusCode)
	}
	if v := f.svc.tasks[id]; v.Title != "朝テストの採点" || v.Headcount == 5 {
		t.Fatalf("a refused edit changed the task: %q %d", v.Title, v.Headcount)
	}
	resp, _ = a.post("/console/tasks/"+id+"/edit", edit("朝テストの採点（小学生）", "3"))
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "done=edited") {
		t.Fatalf("edit: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if v := f.svc.tasks[id]; v.Title != "朝テストの採点（小学生）" || v.Headcount != 3 {
		t.Errorf("after the edit: %q %d", v.Title, v.Headcount)
	}
}

// TestAnAdminSeesSessionsMadeThroughTheAPI: a session posted through the
// API belongs to no organization's index; an admin's list shows it among
// the console's own, a coordinator's does not.
func TestAnAdminSeesSessionsMadeThroughTheAPI(t *testing.T) {
	f := newFixture(t, false)
	f.addAccount("a1", "a@example.jp", "世田谷ジョブカフェ", "password-of-a", false)
	f.addAccount("root", "root@example.jp", "事務局", "password-of-root", true)
	a, root := f.browser(), f.browser()
	a.login("a@example.jp", "password-of-a")
	root.login("root@example.jp", "password-of-root")
	start := time.Now().Add(48 * time.Hour)
	f.svc.sessions["api-1"] = &bot.SessionView{Session: bot.Session{ID: "api-1", Title: "APIから登録した交流会", Start: start, End: start.Add(time.Hour)}}
	if _, body := root.get("/console/sessions"); !strings.Contains(body, "APIから登録した交流会") {
		t.Errorf("the admin's list lacks the session made through the API")
	}
	if _, body := a.get("/console/sessions"); strings.Contains(body, "APIから登録した交流会") {
		t.Errorf("a coordinator's list shows a session that is not their organization's")
	}
}
