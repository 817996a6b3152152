package service

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"tsunagu/adapters/linesim"
)

// nextMonday is 8:00 on the first Monday at least two days ahead, in Tokyo.
func nextMonday(t *testing.T) time.Time {
	t.Helper()
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	d := time.Now().In(tokyo).AddDate(0, 0, 2)
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, 1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 8, 0, 0, 0, tokyo)
}

// importPerson registers a person through the API, as a coordinator who
// knows them would, and makes them a LINE user of the simulator.
func (s *service) importPerson(t *testing.T, name, area string, skills ...string) *person {
	t.Helper()
	p := s.newPerson(t, name)
	if _, err := s.sim.AddUser(p.id, name); err != nil {
		t.Fatal(err)
	}
	code, body := s.api(t, "POST", "/api/profiles", map[string]any{
		"id": "line:" + p.id, "name": name, "area": area, "skills": skills, "weekly_limit": 2,
		"availability": []map[string]string{{"day": "mon", "from": "08:00", "to": "12:00"}},
	})
	if code != http.StatusCreated {
		t.Fatalf("import %s: %d %v", name, code, body)
	}
	return p
}

// waitFor polls the coordinator notices until one contains every word.
func (s *service) waitNotice(t *testing.T, words ...string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		_, body := s.api(t, "GET", "/api/notices", nil)
		ns, _ := body["notices"].([]any)
		for _, n := range ns {
			text, _ := n.(map[string]any)["text"].(string)
			ok := true
			for _, w := range words {
				ok = ok && strings.Contains(text, w)
			}
			if ok {
				return text
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no coordinator notice with %q", words)
	return ""
}

func (s *service) task(t *testing.T, id string) map[string]any {
	t.Helper()
	code, body := s.api(t, "GET", "/api/tasks/"+id, nil)
	if code != http.StatusOK {
		t.Fatalf("GET task: %d %v", code, body)
	}
	return body
}

func idsOf(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	slices.Sort(out)
	return out
}

func contains(msgs []linesim.Delivered, text string) bool {
	return strings.Contains(texts(msgs), text)
}

// TestTaskIsOfferedAndFilled follows a task from the coordinator's POST to a
// filled task through signed LINE webhooks: the right people get the offer
// card, two accept (by button and by 「はい」), the third is waitlisted,
// the coordinators are told; a cancellation promotes the waitlist.
func TestTaskIsOfferedAndFilled(t *testing.T) {
	s := bootService(t)
	graders := []*person{
		s.importPerson(t, "佐藤", "世田谷区", "採点"),
		s.importPerson(t, "鈴木", "世田谷", "採点", "パソコン入力"),
		s.importPerson(t, "高橋", "setagaya", "grading"),
	}
	elsewhere := s.importPerson(t, "田中", "大田区", "採点")

	start := nextMonday(t)
	code, created := s.api(t, "POST", "/api/tasks", map[string]any{
		"title": "朝テストの採点", "organization": "個別指導塾", "skills": []string{"採点"},
		"area": "世田谷区", "start": start.Format(time.RFC3339), "end": start.Add(2 * time.Hour).Format(time.RFC3339),
		"headcount": 2, "offer_ttl": "2h", "reward": "時給1,100円",
	})
	if code != http.StatusCreated {
		t.Fatalf("POST /api/tasks: %d %v", code, created)
	}
	id := created["id"].(string)
	if _, ok := created["filled_at"]; ok || created["offer_ttl"] != "2h" {
		t.Errorf("created: filled_at %v (want none yet), offer_ttl %v (want 2h as sent)", created["filled_at"], created["offer_ttl"])
	}
	want := []string{"line:" + graders[0].id, "line:" + graders[1].id, "line:" + graders[2].id}
	slices.Sort(want)
	if got := idsOf(created["offered"]); !slices.Equal(got, want) {
		t.Fatalf("offered = %v, want the three graders in Setagaya %v", got, want)
	}
	span := fmt.Sprintf("%d月%d日(月) 8:00〜10:00", start.Month(), start.Day())
	for _, p := range graders {
		msgs := p.reply()
		if !offers(msgs, "offer:accept:"+id) || !offers(msgs, "offer:decline:"+id) || !contains(msgs, span) {
			t.Fatalf("offer card to %s lacks the buttons or %q: %s", p.id, span, texts(msgs))
		}
	}
	if n := len(s.sim.Messages(elsewhere.id)); n != 0 {
		t.Fatalf("a person in Ota-ku got %d messages", n)
	}

	if msgs := graders[0].tap("offer:why:" + id); !contains(msgs, "採点") {
		t.Fatalf("なぜ私に？ does not name the skill: %s", texts(msgs))
	}
	if msgs := graders[0].tap("offer:accept:" + id); !contains(msgs, "お引き受けありがとうございます") {
		t.Fatalf("accept: %s", texts(msgs))
	}
	if msgs := graders[1].say("はい、できます"); !contains(msgs, "お引き受けありがとうございます") {
		t.Fatalf("はい: %s", texts(msgs))
	}
	if msgs := graders[2].tap("offer:accept:" + id); !contains(msgs, "キャンセル待ち") {
		t.Fatalf("late accept: %s", texts(msgs))
	}
	// Tapping again changes nothing.
	if msgs := graders[0].tap("offer:accept:" + id); !contains(msgs, "すでにお引き受け") {
		t.Fatalf("repeated accept: %s", texts(msgs))
	}

	task := s.task(t, id)
	if task["status"] != "filled" || len(idsOf(task["accepted"])) != 2 || fmt.Sprint(task["waitlist"]) != "[line:"+graders[2].id+"]" {
		t.Fatalf("task after two accepts = %v", task)
	}
	// The notice names who will come, so that the coordinator need not
	// open the task.
	s.waitNotice(t, "定員", "朝テストの採点", span, "佐藤さん、鈴木さん")

	if msgs := graders[0].say("予定"); !contains(msgs, "朝テストの採点") || !contains(msgs, span) {
		t.Fatalf("予定: %s", texts(msgs))
	}
	// 佐藤 cannot come after all: released without penalty, the first on
	// the waitlist gets the place at once and is told, the coordinators too.
	if msgs := graders[0].say("行けなくなりました"); !offers(msgs, "task:cancelyes:"+id) {
		t.Fatalf("cancel question: %s", texts(msgs))
	}
	if msgs := graders[0].say("はい"); !contains(msgs, "キャンセルを承りました") {
		t.Fatalf("cancel: %s", texts(msgs))
	}
	if msgs := graders[2].reply(); !contains(msgs, "繰り上がりました") || !offers(msgs, "task:cancel:"+id) {
		t.Fatalf("waitlist promotion: %s", texts(msgs))
	}
	s.waitNotice(t, "キャンセル", "佐藤さんが", "朝テストの採点", "キャンセル待ちの高橋さんが繰り上がり")
	task = s.task(t, id)
	want = []string{"line:" + graders[1].id, "line:" + graders[2].id}
	slices.Sort(want)
	if task["status"] != "filled" || !slices.Equal(idsOf(task["accepted"]), want) || len(idsOf(task["waitlist"])) != 0 {
		t.Fatalf("task after the cancellation = %v", task)
	}
	if msgs := graders[2].say("予定"); !contains(msgs, "朝テストの採点") {
		t.Fatalf("予定 of the promoted: %s", texts(msgs))
	}

	// The school calls it off: everyone holding a place is told, once.
	if code, body := s.api(t, "POST", "/api/tasks/"+id+"/cancel", nil); code != http.StatusOK || body["status"] != "cancelled" {
		t.Fatalf("cancel: %d %v", code, body)
	}
	for _, p := range graders[1:] {
		if msgs := p.reply(); !contains(msgs, "中止になりました") {
			t.Fatalf("cancellation to %s: %s", p.id, texts(msgs))
		}
	}
	if code, body := s.api(t, "POST", "/api/tasks/"+id+"/cancel", nil); code != http.StatusConflict {
		t.Fatalf("cancelling again: %d %v, want 409", code, body)
	}
}

// TestTaskValidationNamesTheField checks the 422s a coordinator gets.
func TestTaskValidationNamesTheField(t *testing.T) {
	s := bootService(t)
	start := nextMonday(t)
	good := func() map[string]any {
		return map[string]any{"title": "採点", "skills": []string{"採点"}, "area": "世田谷区",
			"start": start.Format(time.RFC3339), "end": start.Add(2 * time.Hour).Format(time.RFC3339), "headcount": 2}
	}
	cases := []struct {
		name, field string
		change      func(m map[string]any)
	}{
		{"end before start", "end", func(m map[string]any) { m["end"] = start.Add(-time.Hour).Format(time.RFC3339) }},
		{"no headcount", "headcount", func(m map[string]any) { m["headcount"] = 0 }},
		{"unknown skill", "skills", func(m map[string]any) { m["skills"] = []string{"宇宙遊泳"} }},
		{"unknown area", "area", func(m map[string]any) { m["area"] = "火星" }},
		{"start in the past", "start", func(m map[string]any) {
			m["start"] = time.Now().Add(-time.Hour).Format(time.RFC3339)
			m["end"] = time.Now().Add(time.Hour).Format(time.RFC3339)
		}},
		{"bad time", "start", func(m map[string]any) { m["start"] = "月曜の朝" }},
		{"bad ttl", "offer_ttl", func(m map[string]any) { m["offer_ttl"] = "一日" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := good()
			c.change(body)
			code, out := s.api(t, "POST", "/api/tasks", body)
			e, _ := out["error"].(map[string]any)
			if code != http.StatusUnprocessableEntity || e == nil || !strings.Contains(fmt.Sprint(e["message"]), c.field) {
				t.Fatalf("%s: %d %v, want 422 naming %q", c.name, code, out, c.field)
			}
		})
	}
	if code, out := s.api(t, "GET", "/api/tasks/nope", nil); code != http.StatusNotFound {
		t.Fatalf("unknown task: %d %v", code, out)
	}
	if code, out := s.api(t, "POST", "/api/jobs/nope/run", nil); code != http.StatusNotFound {
		t.Fatalf("unknown job: %d %v", code, out)
	}
	if code, out := s.api(t, "POST", "/api/tasks/nope/cancel", nil); code != http.StatusNotFound {
		t.Fatalf("cancel unknown task: %d %v", code, out)
	}
}

func fmtAny(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestAcceptingPastTheWeeklyLimitAsksFirst: three offers for one Monday
// reach a senior whose limit is two a week, before she answers any; the
// third 「引き受ける」 asks her first, and her second tap takes it.
func TestAcceptingPastTheWeeklyLimitAsksFirst(t *testing.T) {
	s := bootService(t)
	p := s.importPerson(t, "佐藤", "世田谷区", "採点")
	start := nextMonday(t)
	var ids []string
	for i, title := range []string{"朝テストの採点", "宿題の丸つけ", "答案の整理"} {
		ids = append(ids, s.createTask(t, title, start.Add(time.Duration(i)*time.Hour), 1))
		p.reply()
	}
	for _, id := range ids[:2] {
		if msgs := p.tap("offer:accept:" + id); !contains(msgs, "お引き受けありがとうございます") {
			t.Fatalf("accept %s: %s", id, texts(msgs))
		}
	}
	msgs := p.tap("offer:accept:" + ids[2])
	if !contains(msgs, "もう2件") || !offers(msgs, "offer:acceptover:"+ids[2]) || !offers(msgs, "offer:decline:"+ids[2]) {
		t.Fatalf("the third acceptance was not asked about: %s", texts(msgs))
	}
	if task := s.task(t, ids[2]); len(idsOf(task["accepted"])) != 0 {
		t.Fatalf("the question took the task: %v", task)
	}
	if msgs := p.tap("offer:acceptover:" + ids[2]); !contains(msgs, "お引き受けありがとうございます") {
		t.Fatalf("accept all the same: %s", texts(msgs))
	}
	if task := s.task(t, ids[2]); task["status"] != "filled" {
		t.Fatalf("after her second tap: %v", task)
	}
}
