package service

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// raw sends a request with a body as it is and returns the answer.
func (s *service) raw(t *testing.T, method, path, contentType, body string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(method, s.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+s.admin)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// TestCoordinatorImportsAndExportsPeopleAsCSV: a coordinator uploads the
// list of people they know, as Excel saves it. A file with one bad row is
// refused whole; the corrected file registers the new people (active at
// once, matched by the next task) and completes the one who had started
// in the chat; the export gives it all back for Excel.
func TestCoordinatorImportsAndExportsPeopleAsCSV(t *testing.T) {
	s := bootService(t)
	// 花子 began in LINE and stopped at the name question.
	hanako := s.newPerson(t, "花子")
	hanako.follow("花子")
	hanako.consent()
	newcomers := []*person{s.newPerson(t, "次郎"), s.newPerson(t, "三郎")}
	for _, p := range newcomers {
		if _, err := s.sim.AddUser(p.id, "x"); err != nil {
			t.Fatal(err)
		}
	}
	id := func(p *person) string { return "line:" + p.id }

	file := func(area string) string {
		return "\ufeffid,name,area,skills,availability,weekly_limit\r\n" +
			id(hanako) + ",山田 花子,世田谷,採点、パソコン,平日の午前,２\r\n" +
			id(newcomers[0]) + ",佐藤 次郎," + area + ",丸付け,月水金 8時〜12時,1\r\n" +
			id(newcomers[1]) + ",\"鈴木 三郎\",大田区,\"ズーム; 受付\",土日,3\r\n"
	}

	code, _, body := s.raw(t, "POST", "/api/profiles/import", "text/csv", file("札幌"))
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("a file with a bad row: %d %s", code, body)
	}
	var refused struct {
		Error struct{ Code string } `json:"error"`
		Rows  []struct {
			Line  int    `json:"line"`
			Field string `json:"field"`
		} `json:"rows"`
	}
	if err := json.Unmarshal([]byte(body), &refused); err != nil {
		t.Fatal(err)
	}
	if refused.Error.Code != "unprocessable" || len(refused.Rows) != 1 || refused.Rows[0].Line != 3 || refused.Rows[0].Field != "area" {
		t.Fatalf("422 body = %s, want the area of line 3", body)
	}
	for _, p := range newcomers {
		if code, _ := s.api(t, "GET", "/api/profiles/"+id(p), nil); code != http.StatusNotFound {
			t.Errorf("%s stored by a refused file: %d", p.id, code)
		}
	}
	if _, prof := s.api(t, "GET", "/api/profiles/"+id(hanako), nil); prof["status"] != "onboarding" {
		t.Errorf("花子 changed by a refused file: %v", prof)
	}

	code, _, body = s.raw(t, "POST", "/api/profiles/import", "text/csv", file("世田谷区"))
	if code != http.StatusOK {
		t.Fatalf("the corrected file: %d %s", code, body)
	}
	var counts map[string]int
	if err := json.Unmarshal([]byte(body), &counts); err != nil || counts["created"] != 2 || counts["updated"] != 1 {
		t.Fatalf("answer %s, want 2 created and 1 updated", body)
	}
	for _, p := range append([]*person{hanako}, newcomers...) {
		code, prof := s.api(t, "GET", "/api/profiles/"+id(p), nil)
		if code != http.StatusOK || prof["status"] != "active" {
			t.Errorf("%s after the import: %d %v, want active", p.id, code, prof)
		}
	}
	_, prof := s.api(t, "GET", "/api/profiles/"+id(hanako), nil)
	if prof["name"] != "山田 花子" || prof["area"] != "setagaya" || fmt.Sprint(prof["skills"]) != "[grading pc_basics]" || prof["weekly_limit"] != 2.0 {
		t.Errorf("花子 = %v", prof)
	}
	// 花子 is registered now: what she writes next is not taken for her
	// name, the question she had stopped at.
	hanako.say("大田です")
	if _, prof := s.api(t, "GET", "/api/profiles/"+id(hanako), nil); prof["name"] != "山田 花子" || prof["status"] != "active" {
		t.Errorf("花子 after writing to the bot: %v", prof)
	}
	if msgs := hanako.say("登録内容"); !contains(msgs, "地域: 世田谷区") {
		t.Errorf("花子's profile after the import: %s", texts(msgs))
	}

	// The next task already matches 次郎, in Setagaya on Monday mornings.
	start := nextMonday(t).Add(time.Hour)
	code, task := s.api(t, "POST", "/api/tasks", map[string]any{
		"title": "朝テストの採点", "organization": "個別指導塾", "skills": []string{"採点"}, "area": "世田谷区",
		"start": start.Format(time.RFC3339), "end": start.Add(2 * time.Hour).Format(time.RFC3339), "headcount": 1, "offer_ttl": "2h",
	})
	if code != http.StatusCreated {
		t.Fatalf("POST /api/tasks: %d %v", code, task)
	}
	if got := idsOf(task["offered"]); !slices.Contains(got, id(newcomers[0])) {
		t.Errorf("offered %v, want 次郎 among them", got)
	}

	code, h, csvBody := s.raw(t, "GET", "/api/profiles?format=csv&area="+"setagaya", "", "")
	if code != http.StatusOK || h.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.Contains(h.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %v", code, h)
	}
	if !strings.HasPrefix(csvBody, "\ufeffid,name,area,skills,availability,weekly_limit,status") {
		t.Errorf("export does not start with the BOM and the header: %q", csvBody[:min(80, len(csvBody))])
	}
	for _, want := range []string{"世田谷区", "採点・丸つけ、パソコン・スマホ", "平日 9:00〜12:00", "月・水・金 8:00〜12:00", "active"} {
		if !strings.Contains(csvBody, want) {
			t.Errorf("export lacks %q:\n%s", want, csvBody)
		}
	}
	if strings.Contains(csvBody, "鈴木") {
		t.Errorf("export ignores the area filter:\n%s", csvBody)
	}
}
