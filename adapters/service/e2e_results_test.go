package service

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestFromAcceptedToDone drives a task from the offers to the figures
// through the LINE simulator and the API: one person drops out the evening
// before and the waitlist is promoted and asked at once, the others confirm
// by button and in words, the hours are told in words and corrected by a
// coordinator, a named offer reaches someone the matching would not ask,
// and the report's figures, computed here from what the test did, stay the
// same after a person who took part deletes their data.
func TestFromAcceptedToDone(t *testing.T) {
	s := bootService(t)
	graders := []*person{
		s.importPerson(t, "佐藤", "世田谷区", "採点"),
		s.importPerson(t, "鈴木", "世田谷", "採点"),
		s.importPerson(t, "高橋", "setagaya", "grading"),
	}
	friend := s.importPerson(t, "田中", "大田区", "パソコン入力")
	gid := func(i int) string { return "line:" + graders[i].id }

	start := nextMonday(t)
	end := start.Add(2 * time.Hour)
	created := time.Now()
	code, body := s.api(t, "POST", "/api/tasks", map[string]any{
		"title": "朝テストの採点", "organization": "個別指導塾", "skills": []string{"採点"},
		"area": "世田谷区", "start": start.Format(time.RFC3339), "end": end.Format(time.RFC3339), "headcount": 2,
	})
	if code != http.StatusCreated {
		t.Fatalf("POST /api/tasks: %d %v", code, body)
	}
	id := body["id"].(string)
	for _, p := range graders {
		p.reply()
	}
	graders[0].tap("offer:accept:" + id)
	graders[1].say("はい、やります")
	if msgs := graders[2].say("はい"); !contains(msgs, "キャンセル待ち") {
		t.Fatalf("the third is not waitlisted: %s", texts(msgs))
	}

	// A named offer (指名) to someone the matching would never ask: their
	// skill and area differ, and the task is on Tuesday.
	tue := start.AddDate(0, 0, 1)
	code, body = s.api(t, "POST", "/api/tasks", map[string]any{
		"title": "返礼品の発送準備", "skills": []string{"採点"}, "area": "世田谷区",
		"start": tue.Format(time.RFC3339), "end": tue.Add(3 * time.Hour).Format(time.RFC3339), "headcount": 1,
	})
	if code != http.StatusCreated || len(idsOf(body["offered"])) != 0 {
		t.Fatalf("second task: %d %v", code, body)
	}
	named := body["id"].(string)
	code, body = s.api(t, "POST", "/api/tasks/"+named+"/offers", map[string]any{"profile_id": "line:" + friend.id})
	if code != http.StatusCreated || !slices.Equal(idsOf(body["offered"]), []string{"line:" + friend.id}) {
		t.Fatalf("named offer: %d %v", code, body)
	}
	if msgs := friend.reply(); !contains(msgs, "ご指名") || !offers(msgs, "offer:accept:"+named) {
		t.Fatalf("the named offer card: %s", texts(msgs))
	}
	for _, tc := range []struct {
		path string
		body map[string]any
		want int
	}{
		{"/api/tasks/" + named + "/offers", map[string]any{"profile_id": "line:" + friend.id}, http.StatusConflict},
		{"/api/tasks/" + named + "/offers", map[string]any{"profile_id": "line:U" + strings.Repeat("0", 32)}, http.StatusNotFound},
		{"/api/tasks/nosuchtask/offers", map[string]any{"profile_id": "line:" + friend.id}, http.StatusNotFound},
		{"/api/tasks/" + named + "/offers", map[string]any{}, http.StatusUnprocessableEntity},                    // as an RSVP without one
		{"/api/tasks/" + id + "/offers", map[string]any{"profile_id": "line:" + friend.id}, http.StatusConflict}, // filled
	} {
		if code, body := s.api(t, "POST", tc.path, tc.body); code != tc.want || body["error"] == nil {
			t.Errorf("POST %s %v: %d %v, want %d with an error", tc.path, tc.body, code, body, tc.want)
		}
	}
	if msgs := friend.tap("offer:accept:" + named); !contains(msgs, "お引き受けありがとうございます") {
		t.Fatalf("accepting the named offer: %s", texts(msgs))
	}

	// The evening before at 18:00, those holding a place are asked.
	sunday := start.AddDate(0, 0, -1)
	evening := time.Date(sunday.Year(), sunday.Month(), sunday.Day(), 18, 0, 0, 0, start.Location())
	s.clock.Advance(evening.Sub(s.clock.Now()))
	s.runJob(t, "reminders")
	for _, i := range []int{0, 1} {
		if msgs := graders[i].reply(); !contains(msgs, "明日の「朝テストの採点」、予定どおり行けますか") || !offers(msgs, "task:going:"+id) {
			t.Fatalf("the day-before question to %s: %s", graders[i].id, texts(msgs))
		}
	}
	// One drops out in a sentence: the waitlist is promoted and, accepted
	// after 18:00, asked at once.
	s.clock.Advance(30 * time.Minute)
	if msgs := graders[0].say("すみません、急用で行けなくなりました"); !contains(msgs, "キャンセル") {
		t.Fatalf("dropping out: %s", texts(msgs))
	}
	if msgs := graders[2].reply(); !contains(msgs, "繰り上がりました") {
		t.Fatalf("promotion: %s", texts(msgs))
	}
	s.runJob(t, "reminders")
	if msgs := graders[2].reply(); !contains(msgs, "行けますか") {
		t.Fatalf("the promoted person was not asked at once: %s", texts(msgs))
	}
	if msgs := graders[1].tap("task:going:" + id); !contains(msgs, "よろしくお願いします") {
		t.Fatalf("going tapped: %s", texts(msgs))
	}
	if msgs := graders[2].say("はい、大丈夫です。行きます"); !contains(msgs, "よろしくお願いします") {
		t.Fatalf("going said: %s", texts(msgs))
	}
	task := s.task(t, id)
	wantAcc := []string{gid(1), gid(2)}
	slices.Sort(wantAcc)
	if !slices.Equal(idsOf(task["accepted"]), wantAcc) || !slices.Equal(idsOf(task["confirmed"]), wantAcc) ||
		!slices.Equal(idsOf(task["cancelled"]), []string{gid(0)}) || len(idsOf(task["unconfirmed"])) != 0 {
		t.Fatalf("the evening before: %v", task)
	}
	// Recording before the start is a conflict.
	if code, body := s.api(t, "POST", "/api/tasks/"+id+"/completions", map[string]any{"profile_id": gid(1), "status": "completed"}); code != http.StatusConflict {
		t.Fatalf("completion before the start: %d %v", code, body)
	}

	// When it ends, each is asked how it went.
	s.clock.Advance(end.Sub(s.clock.Now()) + time.Minute)
	s.runJob(t, "reminders")
	for _, i := range []int{1, 2} {
		if msgs := graders[i].reply(); !contains(msgs, "予定どおり終わりましたか") {
			t.Fatalf("the question after the task to %s: %s", graders[i].id, texts(msgs))
		}
	}
	if msgs := graders[1].say("無事に終わりました。1時間半くらいでした"); !contains(msgs, "1時間半として記録") {
		t.Fatalf("hours in words: %s", texts(msgs))
	}
	if msgs := graders[2].tap("task:notdone:" + id); !contains(msgs, "気になさらないで") {
		t.Fatalf("not done: %s", texts(msgs))
	}
	s.waitNotice(t, "できなかった", "高橋", "朝テストの採点")
	// What was done is the record: a task that has ended is not cancelled
	// (that would take it out of the report).
	if code, body := s.api(t, "POST", "/api/tasks/"+id+"/cancel", nil); code != http.StatusUnprocessableEntity {
		t.Fatalf("cancelling a task that has ended: %d %v, want 422", code, body)
	}
	task = s.task(t, id)
	if !slices.Equal(idsOf(task["completed"]), []string{gid(1)}) || !slices.Equal(idsOf(task["not_completed"]), []string{gid(2)}) ||
		fmt.Sprint(task["hours"]) != fmt.Sprintf("map[%s:1.5]", gid(1)) {
		t.Fatalf("after the task: %v", task)
	}
	// A coordinator corrects: 高橋 came after all, for the task's length.
	code, body = s.api(t, "POST", "/api/tasks/"+id+"/completions", map[string]any{"profile_id": gid(2), "status": "completed"})
	hours, _ := body["hours"].(map[string]any)
	if code != http.StatusOK || len(hours) != 2 || hours[gid(1)] != 1.5 || hours[gid(2)] != 2.0 {
		t.Fatalf("correction: %d %v", code, body)
	}
	for _, tc := range []struct {
		path string
		body map[string]any
		want int
	}{
		{"/api/tasks/" + id + "/completions", map[string]any{"profile_id": gid(0), "status": "completed"}, http.StatusUnprocessableEntity},
		{"/api/tasks/" + id + "/completions", map[string]any{"profile_id": gid(1), "status": "done"}, http.StatusUnprocessableEntity},
		{"/api/tasks/" + id + "/completions", map[string]any{"profile_id": gid(1), "status": "completed", "hours": 25}, http.StatusUnprocessableEntity},
		{"/api/tasks/nosuchtask/completions", map[string]any{"profile_id": gid(1), "status": "completed"}, http.StatusNotFound},
	} {
		if code, body := s.api(t, "POST", tc.path, tc.body); code != tc.want || body["error"] == nil {
			t.Errorf("POST %s %v: %d %v, want %d", tc.path, tc.body, code, body, tc.want)
		}
	}
	// The correction reaches 高橋's record through the outbox, a moment
	// after the API answered.
	for deadline := time.Now().Add(5 * time.Second); ; {
		msgs := graders[2].say("実績")
		if contains(msgs, "1件") && contains(msgs, "2時間") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("実績 after the correction: %s", texts(msgs))
		}
	}

	// The figures, as the test counts them: two tasks (places 2 + 1, all
	// filled); the first ended with two participations (1.5 + 2 hours);
	// four offers made, every one said yes to (佐藤's then given back).
	from, to := created.In(start.Location()).Format(time.DateOnly), tue.Format(time.DateOnly)
	want := map[string]any{"tasks": 2.0, "tasks_filled": 2.0, "places": 3.0, "places_filled": 3.0, "fill_rate": 1.0,
		"participations": 2.0, "people": 2.0, "hours": 3.5, "offers": 4.0, "accepted": 4.0, "declined": 0.0, "expired": 0.0,
		"sessions": 0.0, "session_attendances": 0.0}
	check := func(when string) {
		t.Helper()
		code, rep := s.api(t, "GET", "/api/reports?from="+from+"&to="+to, nil)
		if code != http.StatusOK {
			t.Fatalf("report %s: %d %v", when, code, rep)
		}
		for k, v := range want {
			if rep[k] != v {
				t.Errorf("report %s: %s = %v, want %v", when, k, rep[k], v)
			}
		}
		if rep["median_minutes_to_fill"] == nil {
			t.Errorf("report %s: no median time to fill", when)
		}
		months, _ := rep["by_month"].([]any)
		if len(months) == 0 {
			t.Fatalf("report %s: no months", when)
		}
		sum := 0.0
		for _, m := range months {
			sum += m.(map[string]any)["participations"].(float64)
		}
		if sum != 2 {
			t.Errorf("report %s: participations by month add up to %v", when, sum)
		}
	}
	check("before any deletion")

	// 鈴木 took part and deletes their data: the counts stay, they do not.
	if msgs := graders[1].say("退会"); !offers(msgs, "delete:yes") {
		t.Fatalf("退会: %s", texts(msgs))
	}
	graders[1].tap("delete:yes")
	check("after 鈴木 left")
	task = s.task(t, id)
	if slices.Contains(idsOf(task["accepted"]), gid(1)) || len(idsOf(task["accepted"])) != 1 || len(idsOf(task["completed"])) != 1 {
		t.Fatalf("the task after 鈴木 left: %v", task)
	}
	// …but still came: the task's fill agrees with the report.
	if fmt.Sprint(task["departed"]) != "1" {
		t.Fatalf("the task after 鈴木 left counts %v departed, want 1", task["departed"])
	}
	if keys := keysNaming(t, s.redis(t), gid(1), "鈴木"); len(keys) != 0 {
		t.Fatalf("keys still naming 鈴木: %v", keys)
	}

	// The same figures as CSV, for Excel.
	code, _, text := s.raw(t, "GET", "/api/reports?format=csv&from="+from+"&to="+to, "", "")
	raw := []byte(text)
	if code != http.StatusOK || !bytes.HasPrefix(raw, []byte("\ufeff")) {
		t.Fatalf("the CSV has no BOM: %q", raw[:min(20, len(raw))])
	}
	rows, err := csv.NewReader(bytes.NewReader(raw[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	last := rows[len(rows)-1]
	if rows[0][0] != "month" || rows[0][1] != "tasks" || last[0] != "total" || last[slices.Index(rows[0], "people")] != "2" ||
		last[slices.Index(rows[0], "hours")] != "3.5" {
		t.Fatalf("CSV rows %v", rows)
	}

	// The tasks of the period, as a list and as CSV.
	code, list := s.api(t, "GET", "/api/tasks?from="+from+"&to="+to, nil)
	if tasks, _ := list["tasks"].([]any); code != http.StatusOK || len(tasks) != 2 || tasks[0].(map[string]any)["id"] != id {
		t.Fatalf("GET /api/tasks: %d %v", code, list)
	}
	for _, q := range []string{"from=2026/12/01", "to=来週", "from=" + to + "&to=" + from} {
		if code, body := s.api(t, "GET", "/api/tasks?"+q, nil); code != http.StatusBadRequest || body["error"] == nil {
			t.Errorf("GET /api/tasks?%s: %d %v, want 400", q, code, body)
		}
	}
	code, _, text = s.raw(t, "GET", "/api/tasks?format=csv&from="+from+"&to="+to, "", "")
	rows, err = csv.NewReader(strings.NewReader(strings.TrimPrefix(text, "\ufeff"))).ReadAll()
	if code != http.StatusOK || err != nil || !strings.HasPrefix(text, "\ufeff") || len(rows) != 3 {
		t.Fatalf("tasks CSV: %d %v %q", code, err, text)
	}
	col := func(name string) int { return slices.Index(rows[0], name) }
	if r := rows[1]; r[col("title")] != "朝テストの採点" || r[col("area")] != "世田谷区" || !strings.HasSuffix(r[col("start")], " 08:00") || r[col("completed")] != "1" || r[col("hours")] != "2" {
		t.Errorf("the first task's row %v (header %v)", r, rows[0])
	}
}

// runJob runs a scheduled job through the API.
func (s *service) runJob(t *testing.T, name string) {
	t.Helper()
	if code, body := s.api(t, "POST", "/api/jobs/"+name+"/run", nil); code != http.StatusOK {
		t.Fatalf("job %s: %d %v", name, code, body)
	}
}

// TestAWeeklySeriesThroughTheAPI: a coordinator posts a task every Monday
// for four weeks; the senior gets one card and takes every date in one
// tap; each date is its own task, filled.
func TestAWeeklySeriesThroughTheAPI(t *testing.T) {
	s := bootService(t)
	p := s.importPerson(t, "佐藤", "世田谷区", "採点")
	start := nextMonday(t)
	until := start.AddDate(0, 0, 21)
	code, body := s.api(t, "POST", "/api/tasks", map[string]any{
		"title": "朝テストの採点", "skills": []string{"採点"}, "area": "世田谷区", "headcount": 1,
		"start": start.Format(time.RFC3339), "end": start.Add(2 * time.Hour).Format(time.RFC3339),
		"repeat": map[string]any{"weekly": true, "until": until.Format(time.DateOnly)},
	})
	if code != http.StatusCreated {
		t.Fatalf("POST a series: %d %v", code, body)
	}
	dates, _ := body["series"].([]any)
	series, _ := body["series_id"].(string)
	if len(dates) != 4 || series == "" {
		t.Fatalf("series %v (%q)", dates, series)
	}
	msgs := p.reply()
	if len(msgs) != 1 || !contains(msgs, "全4回") || !offers(msgs, "offer:acceptall:"+series) {
		t.Fatalf("want one card for the four dates: %s", texts(msgs))
	}
	if msgs := p.tap("offer:acceptall:" + series); !contains(msgs, "お引き受けしました") {
		t.Fatalf("taking every date: %s", texts(msgs))
	}
	for _, d := range dates {
		id := d.(map[string]any)["id"].(string)
		task := s.task(t, id)
		if task["status"] != "filled" || !slices.Equal(idsOf(task["accepted"]), []string{"line:" + p.id}) || task["series_id"] != series {
			t.Errorf("date %s: %v", id, task)
		}
	}
	for _, bad := range []map[string]any{{"weekly": false, "until": until.Format(time.DateOnly)}, {"weekly": true, "until": "来月"},
		{"weekly": true, "until": start.AddDate(1, 0, 0).Format(time.DateOnly)}} {
		code, body := s.api(t, "POST", "/api/tasks", map[string]any{
			"title": "朝テストの採点", "skills": []string{"採点"}, "area": "世田谷区", "headcount": 1,
			"start": start.Format(time.RFC3339), "end": start.Add(2 * time.Hour).Format(time.RFC3339), "repeat": bad,
		})
		e, _ := body["error"].(map[string]any)
		if code != http.StatusUnprocessableEntity || e == nil || !strings.HasPrefix(fmt.Sprint(e["field"]), "repeat") {
			t.Errorf("repeat %v: %d %v, want a 422 naming repeat", bad, code, body)
		}
	}
}

// TestACoordinatorEditsATask: a typo fixed and one more place; the new
// place is offered at once; fewer places than accepted is refused.
func TestACoordinatorEditsATask(t *testing.T) {
	s := bootService(t)
	a := s.importPerson(t, "佐藤", "世田谷区", "採点")
	b := s.importPerson(t, "鈴木", "世田谷区", "採点")
	start := nextMonday(t)
	code, body := s.api(t, "POST", "/api/tasks", map[string]any{
		"title": "朝テストの採点", "skills": []string{"採点"}, "area": "世田谷区", "headcount": 1, "offer_ttl": "1h",
		"start": start.Format(time.RFC3339), "end": start.Add(2 * time.Hour).Format(time.RFC3339),
	})
	if code != http.StatusCreated {
		t.Fatalf("POST: %d %v", code, body)
	}
	id := body["id"].(string)
	a.reply()
	b.reply()
	a.tap("offer:accept:" + id)
	b.tap("offer:decline:" + id)
	if task := s.task(t, id); task["status"] != "filled" {
		t.Fatalf("before the edit: %v", task)
	}
	c := s.importPerson(t, "高橋", "世田谷区", "採点")
	code, body = s.api(t, "PATCH", "/api/tasks/"+id, map[string]any{"title": "朝テストの採点（小学生）", "headcount": 2})
	if code != http.StatusOK || body["title"] != "朝テストの採点（小学生）" || body["status"] != "open" || fmt.Sprint(body["headcount"]) != "2" {
		t.Fatalf("PATCH: %d %v", code, body)
	}
	if msgs := c.reply(); !offers(msgs, "offer:accept:"+id) || !contains(msgs, "朝テストの採点（小学生）") {
		t.Fatalf("the new place was not offered at once: %s", texts(msgs))
	}
	for _, tc := range []struct {
		body map[string]any
		want int
	}{
		{map[string]any{"headcount": 0}, http.StatusUnprocessableEntity},
		{map[string]any{"title": ""}, http.StatusUnprocessableEntity},
	} {
		if code, body := s.api(t, "PATCH", "/api/tasks/"+id, tc.body); code != tc.want {
			t.Errorf("PATCH %v: %d %v, want %d", tc.body, code, body, tc.want)
		}
	}
	c.tap("offer:accept:" + id)
	if code, body := s.api(t, "PATCH", "/api/tasks/"+id, map[string]any{"headcount": 1}); code != http.StatusConflict {
		t.Errorf("fewer places than accepted: %d %v, want 409", code, body)
	}
	if code, _ := s.api(t, "PATCH", "/api/tasks/nosuch", map[string]any{"headcount": 1}); code != http.StatusNotFound {
		t.Errorf("unknown task: %d", code)
	}
}

// TestARenamedTaskIsThankedForByItsNewName: someone offered a task before
// a coordinator renamed it accepts it and is thanked for, and reminded of,
// the task by its new name.
func TestARenamedTaskIsThankedForByItsNewName(t *testing.T) {
	s := bootService(t)
	p := s.importPerson(t, "佐藤", "世田谷区", "採点")
	start := nextMonday(t)
	code, body := s.api(t, "POST", "/api/tasks", map[string]any{
		"title": "採点", "skills": []string{"採点"}, "area": "世田谷区",
		"start": start.Format(time.RFC3339), "end": start.Add(2 * time.Hour).Format(time.RFC3339), "headcount": 1,
	})
	if code != http.StatusCreated {
		t.Fatalf("POST: %d %v", code, body)
	}
	id := body["id"].(string)
	if msgs := p.reply(); !offers(msgs, "offer:accept:"+id) {
		t.Fatalf("not offered: %s", texts(msgs))
	}
	if code, body := s.api(t, "PATCH", "/api/tasks/"+id, map[string]any{"title": "朝テストの採点（小学生）"}); code != http.StatusOK {
		t.Fatalf("PATCH: %d %v", code, body)
	}
	if msgs := p.tap("offer:accept:" + id); !contains(msgs, "朝テストの採点（小学生）") {
		t.Errorf("the thanks for a renamed task: %s", texts(msgs))
	}
}
