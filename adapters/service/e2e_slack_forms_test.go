package service

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// Element states as Slack sends them in a view_submission.
func textValue(s string) map[string]any {
	return map[string]any{"type": "plain_text_input", "value": s}
}
func numberValue(s string) map[string]any {
	return map[string]any{"type": "number_input", "value": s}
}
func selected(v string) map[string]any {
	return map[string]any{"type": "static_select", "selected_option": map[string]any{"value": v}}
}
func selectedAll(kind string, vs ...string) map[string]any {
	opts := []map[string]any{}
	for _, v := range vs {
		opts = append(opts, map[string]any{"value": v})
	}
	return map[string]any{"type": kind, "selected_options": opts}
}
func dateValue(d time.Time) map[string]any {
	return map[string]any{"type": "datepicker", "selected_date": d.Format(time.DateOnly)}
}
func timeValue(s string) map[string]any {
	return map[string]any{"type": "timepicker", "selected_time": s}
}

// joinForm is a complete join form: Mondays 9-12 in Setagaya, grading.
func joinForm(name string) map[string]map[string]any {
	return map[string]map[string]any{
		"name":         textValue(name),
		"area":         selected("setagaya"),
		"skills":       selectedAll("multi_static_select", "grading", "data_entry"),
		"days":         selectedAll("checkboxes", "0"),
		"bands":        selectedAll("checkboxes", "morning"),
		"weekly_limit": numberValue("2"),
		"consent":      selectedAll("checkboxes", "yes"),
	}
}

// TestSlackJoinFormMakesAnActiveProfile registers a side-jobber with the
// join modal: problems are shown under their fields and save nothing; a
// good form makes the same active profile as the chat; /tsunagu join again
// opens it filled in, for editing.
func TestSlackJoinFormMakesAnActiveProfile(t *testing.T) {
	s, c := bootSlack(t)
	const u = "UMIKA"
	if got := c.command(u, "join"); got != "" {
		t.Fatalf("join answered %q, want the form opened and nothing said", got)
	}
	modal := fmtAny(c.fake.modal(u))
	for _, want := range []string{"tsunagu_join", "setagaya", "grading", "number_input", "checkboxes", "同意"} {
		if !strings.Contains(modal, want) {
			t.Fatalf("join form lacks %q: %s", want, modal)
		}
	}

	bad := joinForm(" ")
	bad["bands"] = selectedAll("checkboxes")
	delete(bad, "consent")
	res := c.submit(u, "V1", "tsunagu_join", bad)
	errs, _ := res["errors"].(map[string]any)
	if res["response_action"] != "errors" || errs["name"] == nil || errs["bands"] == nil || errs["consent"] == nil {
		t.Fatalf("bad form: %v", res)
	}
	if code, _ := s.api(t, "GET", "/api/profiles/slack:T1:"+u, nil); code != http.StatusNotFound {
		t.Fatalf("a refused form saved a profile: %d", code)
	}

	res = c.submit(u, "V1", "tsunagu_join", joinForm("三上 美佳"))
	if res["response_action"] != "update" || !strings.Contains(fmtAny(res["view"]), "登録しました") {
		t.Fatalf("good form: %v", res)
	}
	code, p := s.api(t, "GET", "/api/profiles/slack:T1:"+u, nil)
	if code != http.StatusOK || p["status"] != "active" || p["name"] != "三上 美佳" || p["area"] != "setagaya" ||
		p["weekly_limit"] != 2.0 || fmtAny(p["skills"]) != `["grading","data_entry"]` ||
		!strings.Contains(fmtAny(p["availability"]), `{"day":"mon","from":"09:00","to":"12:00"}`) || p["consented_at"] == nil {
		t.Fatalf("profile: %d %v", code, p)
	}
	if got := c.wait(u, 0); !strings.Contains(got, "登録が完了") {
		t.Fatalf("DM after the form: %s", got)
	}
	waitUntil(t, "the Home tab shown", func() bool { return strings.Contains(c.fake.home(u), "home:edit") })

	// The same form again edits: filled in, the availability as text.
	c.command(u, "join")
	modal = fmtAny(c.fake.modal(u))
	if !strings.Contains(modal, "三上 美佳") || !strings.Contains(modal, "登録内容の変更") {
		t.Fatalf("edit form is not filled in: %s", modal)
	}
	edit := joinForm("三上 美佳")
	edit["avail_text"] = textValue("土日 10時〜15時")
	edit["weekly_limit"] = numberValue("3")
	res = c.submit(u, "V2", "tsunagu_join", edit)
	if !strings.Contains(fmtAny(res["view"]), "保存しました") {
		t.Fatalf("edit: %v", res)
	}
	_, p = s.api(t, "GET", "/api/profiles/slack:T1:"+u, nil)
	if av := fmtAny(p["availability"]); p["weekly_limit"] != 3.0 || !strings.Contains(av, `{"day":"sat","from":"10:00","to":"15:00"}`) || strings.Contains(av, "mon") {
		t.Fatalf("edited profile: %v", p)
	}
	res = c.submit(u, "V3", "tsunagu_join", map[string]map[string]any{"avail_text": textValue("そのうち")})
	if errs, _ := res["errors"].(map[string]any); errs["avail_text"] == nil {
		t.Fatalf("availability not understood is not shown: %v", res)
	}
}

// TestSlackAppHome shows a stranger the way in, and a registered person
// their profile, the offer waiting for them and the buttons to pause and
// leave, which work from the Home tab and refresh it.
func TestSlackAppHome(t *testing.T) {
	s, c := bootSlack(t)
	const u = "UAKI"
	c.event("EvHome1", map[string]any{"type": "app_home_opened", "user": u, "channel": "D-" + u, "tab": "home"})
	waitUntil(t, "the stranger's Home", func() bool { return strings.Contains(c.fake.home(u), "home:join") })

	if res := c.interact(u, "home", "tsunagu-1", "home:join"); res.StatusCode != http.StatusOK {
		t.Fatalf("join click: %d", res.StatusCode)
	}
	if !strings.Contains(fmtAny(c.fake.modal(u)), "tsunagu_join") {
		t.Fatal("the Home's join button did not open the form")
	}
	c.submit(u, "VA", "tsunagu_join", joinForm("秋山"))

	start := nextMonday(t).Add(time.Hour) // 9:00-11:00, inside the morning
	code, task := s.api(t, "POST", "/api/tasks", map[string]any{"title": "テストの採点", "skills": []string{"grading"},
		"area": "setagaya", "start": start.Format(time.RFC3339), "end": start.Add(2 * time.Hour).Format(time.RFC3339), "headcount": 1})
	if code != http.StatusCreated || !strings.Contains(fmtAny(task["offered"]), "slack:T1:"+u) {
		t.Fatalf("task: %d %v", code, task)
	}
	waitUntil(t, "the offer by DM", func() bool { return strings.Contains(strings.Join(c.fake.postsTo(u), ""), "offer:accept:") })
	c.event("EvHome2", map[string]any{"type": "app_home_opened", "user": u, "channel": "D-" + u, "tab": "home"})
	waitUntil(t, "the Home with the offer", func() bool {
		h := c.fake.home(u)
		return strings.Contains(h, "offer:accept:"+task["id"].(string)) && strings.Contains(h, "秋山") && strings.Contains(h, "cmd:pause")
	})

	c.interact(u, "home", "tsunagu-2", "cmd:pause")
	waitUntil(t, "the Home after pausing", func() bool { return strings.Contains(c.fake.home(u), "cmd:resume") })
	if _, p := s.api(t, "GET", "/api/profiles/slack:T1:"+u, nil); p["status"] != "paused" {
		t.Fatalf("after pause: %v", p)
	}

	home := c.fake.home(u)
	if !strings.Contains(home, "confirm") || !strings.Contains(home, "home:delete") {
		t.Fatalf("delete without a confirmation: %s", home)
	}
	c.interact(u, "home", "tsunagu-3", "home:delete")
	waitUntil(t, "the Home after leaving", func() bool { return strings.Contains(c.fake.home(u), "home:join") })
	if code, _ := s.api(t, "GET", "/api/profiles/slack:T1:"+u, nil); code != http.StatusNotFound {
		t.Fatalf("after delete: %d", code)
	}
	if got := s.task(t, task["id"].(string)); strings.Contains(fmtAny(got), u) {
		t.Fatalf("the task still names the person: %v", got)
	}
}

// TestSlackCoordinatorForms creates a task and a session from their modals,
// the same objects the REST API creates; strangers cannot open them.
func TestSlackCoordinatorForms(t *testing.T) {
	s, c := bootSlack(t, "UBOSS")
	grader := s.importPerson(t, "佐藤", "世田谷区", "採点")

	if got := c.command("UTARO", "task"); !strings.Contains(got, "コーディネーター") {
		t.Fatalf("stranger's task: %s", got)
	}
	if c.fake.modal("UTARO") != nil {
		t.Fatal("a stranger got the task form")
	}
	if got := c.command("UBOSS", "task"); got != "" {
		t.Fatalf("task answered %q", got)
	}
	if !strings.Contains(fmtAny(c.fake.modal("UBOSS")), "tsunagu_task") {
		t.Fatalf("task form: %v", c.fake.modal("UBOSS"))
	}
	day := nextMonday(t)
	form := map[string]map[string]any{
		"title": textValue("朝テストの採点"), "organization": textValue("個別指導塾"),
		"skills": selectedAll("multi_static_select", "grading"), "area": selected("setagaya"),
		"date": dateValue(day), "start": timeValue("10:00"), "end": timeValue("09:00"),
		"headcount": numberValue("2"), "reward": textValue("時給1,100円"),
	}
	res := c.submit("UBOSS", "VT", "tsunagu_task", form)
	if errs, _ := res["errors"].(map[string]any); res["response_action"] != "errors" || errs["end"] == nil {
		t.Fatalf("end before start: %v", res)
	}
	form["start"], form["end"] = timeValue("08:00"), timeValue("10:00")
	res = c.submit("UBOSS", "VT", "tsunagu_task", form)
	view := fmtAny(res["view"])
	if res["response_action"] != "update" || !strings.Contains(view, "作成しました") {
		t.Fatalf("task: %v", res)
	}
	id := view[strings.Index(view, "ID: `")+len("ID: `"):]
	id = id[:strings.Index(id, "`")]
	got := s.task(t, id)
	if got["headcount"] != 2.0 || got["organization"] != "個別指導塾" || !strings.Contains(fmtAny(got["offered"]), grader.id) {
		t.Fatalf("task from the form: %v", got)
	}
	if msgs := grader.reply(); !offers(msgs, "offer:accept:"+id) {
		t.Fatalf("offer to the grader: %s", texts(msgs))
	}
	// Pressed again after a slow answer: nothing is created twice.
	res = c.submit("UBOSS", "VT", "tsunagu_task", form)
	if view := fmtAny(res["view"]); !strings.Contains(view, "すでに受け付けています") {
		t.Fatalf("second press: %v", res)
	}
	if n := len(s.sim.Messages(grader.id)); n != grader.seen {
		t.Fatalf("the grader got %d more messages after the second press", n-grader.seen)
	}

	c.command("UBOSS", "session")
	if !strings.Contains(fmtAny(c.fake.modal("UBOSS")), "tsunagu_session") {
		t.Fatalf("session form: %v", c.fake.modal("UBOSS"))
	}
	res = c.submit("UBOSS", "VS", "tsunagu_session", map[string]map[string]any{
		"title": textValue("オンライン交流会"), "date": dateValue(day), "start": timeValue("19:00"), "end": timeValue("20:00"),
		"url": map[string]any{"type": "url_text_input", "value": "https://zoom.example/j/1"}, "audience_areas": selectedAll("multi_static_select", "setagaya"),
		"reminders": selectedAll("checkboxes", "24h0m0s"),
	})
	if view := fmtAny(res["view"]); !strings.Contains(view, "1人にご案内") {
		t.Fatalf("session: %v", res)
	}
	if msgs := grader.reply(); !contains(msgs, "オンライン交流会") || !strings.Contains(fmtAny(msgs), "session:yes:") {
		t.Fatalf("invitation: %s", texts(msgs))
	}
}

// TestSlackProfileCommand: `/tsunagu profile` (a subcommand the contract
// names) sends a registered person their profile card by DM and says so;
// someone not registered is told how to register, and no profile is made
// for them; someone half-way is sent back to the questions.
func TestSlackProfileCommand(t *testing.T) {
	s, c := bootSlack(t)
	const u = "UMIKA"
	if got := c.command(u, "profile"); !strings.Contains(got, "まだ登録されていません") || !strings.Contains(got, "/tsunagu join") {
		t.Fatalf("profile before joining answered %q", got)
	}
	if code, _ := s.api(t, "GET", "/api/profiles/slack:T1:"+u, nil); code != http.StatusNotFound {
		t.Fatalf("asking for a profile made one: %d", code)
	}
	// Half-way through the DM's questions there is no card yet.
	c.dm(u, "こんにちは")
	if got := c.command(u, "profile"); !strings.Contains(got, "登録がまだ途中") {
		t.Fatalf("profile while registering answered %q", got)
	}
	c.command(u, "join")
	c.submit(u, "V1", "tsunagu_join", joinForm("三上 美佳"))
	before := len(c.fake.postsTo(u))
	if got := c.command(u, "profile"); !strings.Contains(got, "DMでお送りしました") {
		t.Fatalf("profile answered %q", got)
	}
	card := c.wait(u, before)
	for _, want := range []string{"三上 美佳", "世田谷", "採点", "月"} {
		if !strings.Contains(card, want) {
			t.Fatalf("profile card lacks %q: %s", want, card)
		}
	}
}
