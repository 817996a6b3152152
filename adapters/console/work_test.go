package console

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"tsunagu/bot"
)

func TestTasksMadeOutsideTheConsoleAreSeen(t *testing.T) {
	f := newFixture(t, false)
	f.addAccount("a1", "a@example.jp", "世田谷ジョブカフェ", "password-of-a", false)
	f.addAccount("b1", "b@example.jp", "大田区シルバー", "password-of-b", false)
	f.addAccount("root", "root@example.jp", "事務局", "password-of-root", true)
	a, b, root := f.browser(), f.browser(), f.browser()
	a.login("a@example.jp", "password-of-a")
	b.login("b@example.jp", "password-of-b")
	root.login("root@example.jp", "password-of-root")

	soon := time.Now().In(f.tokyo).Add(48 * time.Hour)
	api := f.svc.addTask("Zoom配信サポート", soon)
	past := f.svc.addTask("返礼品の発送", time.Now().AddDate(0, 0, -20))
	ours := a.postTask("朝テストの採点")

	for _, c := range []struct {
		who      string
		b        *browser
		sees     []string
		sees404  []string
		seesNot  []string
		seesPage []string
	}{
		{"an admin", root, []string{"Zoom配信サポート", "返礼品の発送", "朝テストの採点"}, nil, nil, []string{api, past, ours}},
		{"the coordinator who made one", a, []string{"Zoom配信サポート", "返礼品の発送", "朝テストの採点"}, nil, nil, []string{api, past, ours}},
		{"another organization's coordinator", b, []string{"Zoom配信サポート", "返礼品の発送"}, []string{ours}, []string{"朝テストの採点"}, []string{api, past}},
	} {
		_, list := c.b.get("/console/tasks")
		_, today := c.b.get("/console/")
		for _, title := range c.sees {
			if !strings.Contains(list, title) {
				t.Errorf("%s: the tasks page lacks %s", c.who, title)
			}
		}
		if !strings.Contains(today, "Zoom配信サポート") || strings.Contains(today, "返礼品の発送") {
			t.Errorf("%s: today should show the coming task made through the API and not the past one", c.who)
		}
		for _, title := range c.seesNot {
			if strings.Contains(list, title) || strings.Contains(today, title) {
				t.Errorf("%s: sees %s", c.who, title)
			}
		}
		for _, id := range c.seesPage {
			if resp, _ := c.b.get("/console/tasks/" + id); resp.StatusCode != http.StatusOK {
				t.Errorf("%s: task page %s: %d", c.who, id, resp.StatusCode)
			}
		}
		for _, id := range c.sees404 {
			for _, path := range []string{"/console/tasks/" + id, "/console/tasks/" + id + "/fill"} {
				if resp, _ := c.b.get(path); resp.StatusCode != http.StatusNotFound {
					t.Errorf("%s: GET %s: %d, want 404", c.who, path, resp.StatusCode)
				}
			}
			if resp, _ := c.b.post("/console/tasks/"+id+"/cancel", nil); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: cancel %s: %d, want 404", c.who, id, resp.StatusCode)
			}
		}
	}
	// The API's task is a shared one: another coordinator may act on it.
	if resp, _ := b.post("/console/tasks/"+api+"/cancel", nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("cancel a task no organization owns: %d", resp.StatusCode)
	}
}

func TestAWeeklyTaskIsASeriesOfDates(t *testing.T) {
	f := newFixture(t, false)
	f.addAccount("a1", "a@example.jp", "世田谷ジョブカフェ", "password-of-a", false)
	f.addAccount("b1", "b@example.jp", "大田区シルバー", "password-of-b", false)
	a, b := f.browser(), f.browser()
	a.login("a@example.jp", "password-of-a")
	b.login("b@example.jp", "password-of-b")
	form := taskForm(f, "朝テストの採点")
	first, _ := time.ParseInLocation(time.DateOnly, form.Get("date"), f.tokyo)

	t.Run("refused beside the field, in Japanese, nothing made", func(t *testing.T) {
		for _, c := range []struct{ name, until, want string }{
			{"no end date", "", "「いつまで」の日付を選んでください"},
			{"an end before the first date", first.AddDate(0, 0, -1).Format(time.DateOnly), "最初の日から26週間あとまで"},
			{"an end too far", first.AddDate(1, 0, 0).Format(time.DateOnly), "最初の日から26週間あとまで"},
		} {
			form := taskForm(f, "朝テストの採点")
			form.Set("repeat", "weekly")
			form.Set("until", c.until)
			resp, body := a.post("/console/tasks", form)
			beside := regexp.MustCompile(`(?s)id="until".*?</fieldset>`).FindString(body)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(beside, `aria-invalid="true"`) ||
				!strings.Contains(beside, `id="until-err"`) || !strings.Contains(beside, c.want) {
				t.Errorf("%s: %d, beside the field:\n%s", c.name, resp.StatusCode, beside)
			}
			if !strings.Contains(body, `value="朝テストの採点"`) || !strings.Contains(body, `value="weekly" checked`) {
				t.Errorf("%s: the form lost what was typed", c.name)
			}
		}
		if len(f.svc.tasks) != 0 {
			t.Fatalf("a refused series made %d tasks", len(f.svc.tasks))
		}
	})

	t.Run("a forged form makes nothing", func(t *testing.T) {
		form := taskForm(f, "朝テストの採点")
		form.Set("repeat", "weekly")
		form.Set("until", first.AddDate(0, 0, 14).Format(time.DateOnly))
		form.Set("csrf", "forged-token-forged-token")
		if resp, _ := a.post("/console/tasks", form); resp.StatusCode != http.StatusForbidden || len(f.svc.tasks) != 0 {
			t.Fatalf("forged: %d, %d tasks", resp.StatusCode, len(f.svc.tasks))
		}
	})

	form.Set("repeat", "weekly")
	form.Set("until", first.AddDate(0, 0, 14).Format(time.DateOnly)) // three Thursdays, say
	resp, _ := a.post("/console/tasks", form)
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "done=series") {
		t.Fatalf("series: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if len(f.svc.tasks) != 3 {
		t.Fatalf("tasks = %d, want 3 (one a week)", len(f.svc.tasks))
	}
	_, page := a.get(resp.Header.Get("Location"))
	if !strings.Contains(page, flashes["series"]) {
		t.Errorf("no flash for the series")
	}
	dates := section(page, "series-h")
	var ids []string
	for i := range 3 {
		day := first.AddDate(0, 0, 7*i)
		span := bot.FormatSpanJA(day.Add(9*time.Hour), day.Add(11*time.Hour), f.tokyo)
		if !strings.Contains(dates, span) {
			t.Errorf("the series lacks %s:\n%s", span, dates)
		}
		id := strings.TrimSuffix(strings.Split(resp.Header.Get("Location"), "?")[0], "1") + strconv.Itoa(i+1)
		ids = append(ids, strings.TrimPrefix(id, "/console/tasks/"))
	}
	if !strings.Contains(dates, `aria-current="page"`) || strings.Contains(dates, `href="/console/tasks/`+ids[0]+`"`) ||
		!strings.Contains(dates, `href="/console/tasks/`+ids[1]+`"`) || !strings.Contains(dates, `href="/console/tasks/`+ids[2]+`"`) {
		t.Errorf("the first date's page should link the other two:\n%s", dates)
	}
	_, third := a.get("/console/tasks/" + ids[2])
	if s := section(third, "series-h"); !strings.Contains(s, `href="/console/tasks/`+ids[0]+`"`) || strings.Count(s, "<li>") != 3 {
		t.Errorf("the third date's page:\n%s", s)
	}
	for _, id := range ids {
		if resp, _ := b.get("/console/tasks/" + id); resp.StatusCode != http.StatusNotFound {
			t.Errorf("another organization sees %s: %d", id, resp.StatusCode)
		}
	}
	if _, list := a.get("/console/tasks"); strings.Count(list, "朝テストの採点") != 3 {
		t.Errorf("the tasks page should list the three dates")
	}
}
