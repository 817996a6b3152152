package console

import (
	"net/http"
	"strings"
	"testing"
	"time"
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
