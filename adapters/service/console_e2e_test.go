package service

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"tsunagu/bot"
)

// consoleClient is a coordinator's browser without the browser: cookies
// by hand (serve marks them Secure, which Go's cookie jar keeps off plain
// http) and the CSRF token of the last page.
type consoleClient struct {
	t       *testing.T
	base    string
	cookies map[string]string
	csrf    string
}

var csrfInPage = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (c *consoleClient) do(method, path string, form url.Values) (int, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		if form.Get("csrf") == "" {
			form.Set("csrf", c.csrf)
		}
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	for _, k := range resp.Cookies() {
		c.cookies[k.Name] = k.Value
	}
	b, _ := io.ReadAll(resp.Body)
	if m := csrfInPage.FindStringSubmatch(string(b)); m != nil {
		c.csrf = m[1]
	}
	return resp.StatusCode, string(b)
}

// TestConsoleDeletesAPersonForReal deletes a person from the console and
// finds them gone from the service, as after 「退会」 in the chat; the
// person is told.
func TestConsoleDeletesAPersonForReal(t *testing.T) {
	s := bootService(t)
	s.addCoordinator(t, "sakura@example.jp", "a good long password", "世田谷ジョブカフェ", false)
	p := s.importPerson(t, "次郎", "世田谷区", "採点")
	c := &consoleClient{t: t, base: s.base, cookies: map[string]string{}}
	c.do("GET", "/console/login", nil)
	if code, _ := c.do("POST", "/console/login", url.Values{"email": {"sakura@example.jp"}, "password": {"a good long password"}}); code != http.StatusSeeOther {
		t.Fatalf("login: %d", code)
	}
	id := "line:" + p.id
	// A pause from the console: the audit log names him by digest.
	c.do("GET", "/console/people/"+id, nil)
	if code, _ := c.do("POST", "/console/people/"+id+"/pause", url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("pause: %d", code)
	}
	ref := bot.AuditRef(id)
	if len(keysNaming(t, s.redis(t), ref)) == 0 {
		t.Fatal("the pause left no audit entry naming him")
	}
	if code, body := c.do("GET", "/console/people/"+id+"/delete", nil); code != http.StatusOK || !strings.Contains(body, "次郎") {
		t.Fatalf("delete page: %d", code)
	}
	if code, _ := c.do("POST", "/console/people/"+id+"/delete", url.Values{"confirm": {"yes"}}); code != http.StatusSeeOther {
		t.Fatalf("delete: %d", code)
	}
	if code, _ := s.api(t, "GET", "/api/profiles/"+id, nil); code != http.StatusNotFound {
		t.Fatalf("GET the deleted profile: %d", code)
	}
	p.waitFor("the goodbye", func(_ []byte, text string) bool { return strings.Contains(text, "削除しました") })
	deadline := time.Now().Add(5 * time.Second)
	for {
		left := keysNaming(t, s.redis(t), p.id, "次郎", ref)
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("keys still naming the person: %v", left)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestConsoleFinishesARegistrationForReal: a senior stuck halfway through
// registering in LINE is finished from the console by a coordinator, and
// LINE tells her what was registered; then she is offered work as anyone.
func TestConsoleFinishesARegistrationForReal(t *testing.T) {
	s := bootService(t)
	s.addCoordinator(t, "sakura@example.jp", "a good long password", "世田谷ジョブカフェ", false)
	p := s.newPerson(t, "節子")
	p.follow("節子")
	p.consent()
	p.say("高橋 節子")
	c := &consoleClient{t: t, base: s.base, cookies: map[string]string{}}
	c.do("GET", "/console/login", nil)
	if code, _ := c.do("POST", "/console/login", url.Values{"email": {"sakura@example.jp"}, "password": {"a good long password"}}); code != http.StatusSeeOther {
		t.Fatalf("login: %d", code)
	}
	id := "line:" + p.id
	if code, _ := c.do("GET", "/console/people/"+id+"/edit", nil); code != http.StatusOK {
		t.Fatalf("finishing form: %d", code)
	}
	form := url.Values{"name": {"高橋 節子"}, "area": {"setagaya"}, "skill": {"grading"}, "availability": {"平日の午前"},
		"weekly_limit": {"2"}}
	if code, body := c.do("POST", "/console/people/"+id+"/edit", form); code != http.StatusSeeOther {
		t.Fatalf("finish: %d %s", code, body)
	}
	p.waitFor("the registration done", func(_ []byte, text string) bool {
		return strings.Contains(text, "担当者が、ご登録の続きを入力しました")
	})
	if code, body := s.api(t, "GET", "/api/profiles/"+id, nil); code != http.StatusOK || body["status"] != "active" {
		t.Fatalf("profile after finishing: %d %s", code, body)
	}
}
