package service

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestPlaygroundPrintsAConsoleLoginThatWorks logs in to the console with
// the demo coordinator the playground prints.
func TestPlaygroundPrintsAConsoleLoginThatWorks(t *testing.T) {
	base, stdout := bootPlayground(t)
	consoleLogin(t, base, stdout.String())
}

// consoleLogin logs in as the demo coordinator the banner names and
// returns a function reading a console page with that login.
func consoleLogin(t *testing.T, base, banner string) func(path string) string {
	t.Helper()
	m := regexp.MustCompile(`Console:\s+(\S+/console/)\s+\(email (\S+), password (\S+)\)`).FindStringSubmatch(banner)
	if m == nil {
		t.Fatalf("the banner has no console login:\n%s", banner)
	}
	if m[1] != base+"/console/" || m[2] != DemoCoordinatorEmail {
		t.Fatalf("console %s for %s", m[1], m[2])
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	get := func(path string) string {
		t.Helper()
		resp, err := c.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(get("/console/login"))
	if csrf == nil {
		t.Fatal("no form token on the login page")
	}
	resp, err := c.PostForm(base+"/console/login", url.Values{"csrf": {csrf[1]}, "email": {m[2]}, "password": {m[3]}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "デモ 担当者") || !strings.Contains(string(body), "今日") {
		t.Fatalf("after login: %d %.500s", resp.StatusCode, body)
	}
	return get
}
