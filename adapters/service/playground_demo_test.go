package service

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"tsunagu/bot"
)

// bootPlaygroundArgs runs `tsunagu playground <args>` with a known admin
// token and returns its base URL, what it printed and how long it took to
// listen.
func bootPlaygroundArgs(t *testing.T, args string) (string, *bytes.Buffer, time.Duration) {
	t.Helper()
	env := map[string]string{"HTTP_ADDR": "127.0.0.1:0", "LOG_LEVEL": "warn", "ADMIN_TOKEN": "demo-test-token"}
	var stdout bytes.Buffer
	began := time.Now()
	base := startCommand(t, strings.TrimSpace("playground "+args), env, &stdout)
	return base, &stdout, time.Since(began)
}

// getAPI reads an /api/ route with the test's admin token into out.
func getAPI(t *testing.T, base, path string, out any) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	req.Header.Set("Authorization", "Bearer demo-test-token")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

var offerButton = regexp.MustCompile(`offer:accept:([0-9a-f-]{36})`)

func TestPlaygroundOpensOnALivingDemoWorld(t *testing.T) {
	base, stdout, took := bootPlaygroundArgs(t, "")
	t.Logf("the playground listened after %s", took.Round(time.Millisecond))
	if !strings.Contains(stdout.String(), "Demo world:") || !strings.Contains(stdout.String(), "--empty") {
		t.Errorf("the banner does not say what was seeded:\n%s", stdout)
	}

	t.Run("the reports of the fiscal year show figures", func(t *testing.T) {
		// Early in April the fiscal year holds too little of the demo's
		// past: the last six weeks are asked for instead.
		loc, _ := time.LoadLocation("Asia/Tokyo")
		now := time.Now().In(loc)
		fy := time.Date(now.Year(), time.April, 1, 0, 0, 0, 0, loc)
		if now.Before(fy) {
			fy = fy.AddDate(-1, 0, 0)
		}
		path := "/api/reports"
		if now.Sub(fy) < 10*24*time.Hour {
			path += "?from=" + now.AddDate(0, 0, -42).Format(time.DateOnly) + "&to=" + now.Format(time.DateOnly)
		}
		var r struct {
			Participations     int     `json:"participations"`
			People             int     `json:"people"`
			Hours              float64 `json:"hours"`
			SessionAttendances int     `json:"session_attendances"`
			Declined           int     `json:"declined"`
			Expired            int     `json:"expired"`
		}
		getAPI(t, base, path, &r)
		t.Logf("%s: %+v", path, r)
		if r.Participations <= 0 || r.People <= 0 || r.Hours <= 0 {
			t.Errorf("participations %d, people %d, hours %v: want each above 0", r.Participations, r.People, r.Hours)
		}
	})

	t.Run("the console shows the demo's tasks and sessions", func(t *testing.T) {
		get := consoleLogin(t, base, stdout.String())
		tasks, sessions := get("/console/tasks"), get("/console/sessions")
		for _, title := range []string{"朝テストの採点", "返礼品の発送", "保育園の便利屋さん"} {
			if !strings.Contains(tasks, title) {
				t.Errorf("the console's tasks lack %s", title)
			}
		}
		if !strings.Contains(sessions, "放課後企業クラブ") {
			t.Errorf("the console's sessions lack the demo's session (filed under the demo organization)")
		}
	})

	var profiles struct{ Profiles []bot.Profile }
	getAPI(t, base, "/api/profiles", &profiles)
	t.Run("people on LINE and Slack in several areas", func(t *testing.T) {
		platforms, areas := map[string]int{}, map[string]bool{}
		for _, p := range profiles.Profiles {
			if p.Status != bot.StatusActive || len(p.Skills) == 0 || p.Availability.IsZero() {
				t.Errorf("%s is %s with skills %v and availability %v: want active and matchable", p.ID, p.Status, p.Skills, p.Availability)
			}
			platforms[bot.Platform(p.ID)]++
			areas[p.Area] = true
		}
		if platforms[bot.PlatformLINE] == 0 || platforms[bot.PlatformSlack] == 0 || len(areas) < 3 {
			t.Errorf("people by platform %v in %d areas: want LINE and Slack people in at least 3", platforms, len(areas))
		}
	})

	t.Run("an open task is offered in the LINE simulator, and nothing of the past", func(t *testing.T) {
		var got []string // what the demo people on LINE received
		var taskID, who string
		deadline := time.Now().Add(10 * time.Second)
		for taskID == "" && time.Now().Before(deadline) {
			got = got[:0]
			for _, p := range profiles.Profiles {
				if bot.Platform(p.ID) != bot.PlatformLINE {
					continue
				}
				user := strings.TrimPrefix(p.ID, "line:")
				var chat struct {
					Entries []struct {
						From    string          `json:"from"`
						Message json.RawMessage `json:"message"`
					} `json:"entries"`
				}
				getJSON(t, base+"/sim/line/messages?user="+user, &chat)
				for _, e := range chat.Entries {
					if e.From != "bot" {
						continue
					}
					got = append(got, string(e.Message))
					if m := offerButton.FindStringSubmatch(string(e.Message)); m != nil && taskID == "" {
						taskID, who = m[1], p.ID
					}
				}
			}
			if taskID == "" {
				time.Sleep(50 * time.Millisecond)
			}
		}
		if taskID == "" {
			t.Fatalf("no demo person on LINE got an offer card; they got %d messages", len(got))
		}
		var task struct {
			Title   string   `json:"title"`
			Status  string   `json:"status"`
			Offered []string `json:"offered"`
			Start   time.Time
		}
		getAPI(t, base, "/api/tasks/"+taskID, &task)
		if task.Status != string(bot.TaskOpen) || !task.Start.After(time.Now()) || !slices.Contains(task.Offered, who) {
			t.Errorf("task %q is %s from %s, offered to %v: want open, ahead, offered to %s", task.Title, task.Status, task.Start, task.Offered, who)
		}
		// The past was replayed without a word to the simulators: the
		// demo people on LINE got offer cards for the coming tasks only.
		for _, m := range got {
			if !offerButton.MatchString(m) {
				t.Errorf("a demo person on LINE got a message that is not an offer: %.300s", m)
			}
		}
	})
}

func TestPlaygroundEmptyStartsBlank(t *testing.T) {
	base, stdout, took := bootPlaygroundArgs(t, "--empty")
	t.Logf("the empty playground listened after %s", took.Round(time.Millisecond))
	if !strings.Contains(stdout.String(), "Demo world:   none") {
		t.Errorf("the banner does not say the world is empty:\n%s", stdout)
	}
	var profiles struct{ Profiles []bot.Profile }
	getAPI(t, base, "/api/profiles", &profiles)
	if len(profiles.Profiles) != 0 {
		t.Errorf("%d profiles in an empty playground", len(profiles.Profiles))
	}
}

func getJSON(t *testing.T, url string, out any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}
