package console

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"tsunagu/bot"
)

// seat makes a person the fake knows, active unless said otherwise.
func (f *fixture) seat(letter, name, area string, status bot.Status) string {
	id := "line:U" + strings.Repeat(letter, 32)
	f.svc.mu.Lock()
	defer f.svc.mu.Unlock()
	f.svc.people[id] = &bot.Profile{ID: id, Name: name, Area: area, Skills: []string{"grading"}, Status: status, WeeklyLimit: 2}
	return id
}

// postTask posts a task as b and returns its ID.
func (b *browser) postTask(title string) string {
	b.f.t.Helper()
	resp, body := b.post("/console/tasks", taskForm(b.f, title))
	if resp.StatusCode != http.StatusSeeOther {
		b.f.t.Fatalf("create task: %d %s", resp.StatusCode, body)
	}
	return strings.TrimPrefix(strings.Split(resp.Header.Get("Location"), "?")[0], "/console/tasks/")
}

// editTask changes the fake's task, as the service would over time.
func (f *fixture) editTask(id string, edit func(v *bot.TaskView)) {
	f.svc.mu.Lock()
	defer f.svc.mu.Unlock()
	edit(f.svc.tasks[id])
}

// section is the part of a page from the element with the id to the end
// of its section.
func section(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if j := strings.Index(rest, "</section>"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

func TestANamedOfferPicksAnActivePersonByName(t *testing.T) {
	f := newFixture(t, false)
	f.addAccount("a1", "a@example.jp", "世田谷ジョブカフェ", "password-of-a", false)
	f.addAccount("b1", "b@example.jp", "大田区シルバー", "password-of-b", false)
	a, other := f.browser(), f.browser()
	a.login("a@example.jp", "password-of-a")
	other.login("b@example.jp", "password-of-b")
	hanako := f.seat("a", "山田 花子", "setagaya", bot.StatusActive)
	jiro := f.seat("b", "鈴木 次郎", "ota", bot.StatusPaused)
	id := a.postTask("朝テストの採点")
	page := "/console/tasks/" + id

	_, body := a.get(page)
	offer := section(body, "offer-h")
	if !strings.Contains(offer, `<option value="`+hanako+`">山田 花子（世田谷区・LINE）</option>`) {
		t.Fatalf("the offer form does not list the active person by name:\n%s", offer)
	}
	if strings.Contains(offer, "鈴木 次郎") || strings.Contains(offer, `name="profile_id" required placeholder`) {
		t.Fatalf("the offer form lists a paused person or asks for a raw ID:\n%s", offer)
	}

	refusals := []struct {
		name, pick, want string
	}{
		{"nobody picked", "", ja.OfferRefused["invalid profile_id"]},
		{"paused since the page was drawn", jiro, ja.OfferRefused["unprocessable profile_id"]},
		{"deleted since", "line:U" + strings.Repeat("c", 32), ja.OfferRefused["not_found profile_id"]},
	}
	for _, c := range refusals {
		resp, body := a.post(page+"/offers", url.Values{"profile_id": {c.pick}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", c.name, resp.StatusCode)
		}
		if got := section(body, "offer-h"); !strings.Contains(got, `<p id="offer-err" class="error" role="alert">`+c.want) || !strings.Contains(got, `aria-invalid="true"`) {
			t.Errorf("%s: the refusal is not beside the form, want %q:\n%s", c.name, c.want, got)
		}
	}
	if n := len(f.svc.tasks[id].Offered); n != 0 {
		t.Fatalf("offered after refusals: %d", n)
	}

	// A forged token, and another organization, change nothing.
	if resp, _ := a.post(page+"/offers", url.Values{"profile_id": {hanako}, "csrf": {"forged-token-forged-token"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("forged token: %d, want 403", resp.StatusCode)
	}
	if resp, body := other.post(page+"/offers", url.Values{"profile_id": {hanako}}); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "朝テストの採点") {
		t.Errorf("another organization: %d, want 404", resp.StatusCode)
	}
	if n := len(f.svc.tasks[id].Offered); n != 0 {
		t.Fatalf("offered by a forged form or another organization: %d", n)
	}

	resp, _ := a.post(page+"/offers", url.Values{"profile_id": {hanako}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page+"?done=offered" {
		t.Fatalf("offer: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got := f.svc.tasks[id].Offered; len(got) != 1 || got[0] != hanako {
		t.Fatalf("offered = %v", got)
	}
	_, body = a.get(page + "?done=offered")
	if !strings.Contains(body, flashes["offered"]) || strings.Contains(section(body, "offer-h"), "山田 花子") {
		t.Errorf("after the offer: no flash, or the person is still offered to pick")
	}
	// The same person again, from a page drawn before: a kind conflict.
	if _, body := a.post(page+"/offers", url.Values{"profile_id": {hanako}}); !strings.Contains(body, ja.OfferRefused["conflict"]) {
		t.Errorf("a second offer is not refused kindly")
	}
}

func TestOutcomesAreRecordedPerAcceptedPerson(t *testing.T) {
	f := newFixture(t, false)
	f.addAccount("a1", "a@example.jp", "世田谷ジョブカフェ", "password-of-a", false)
	f.addAccount("b1", "b@example.jp", "大田区シルバー", "password-of-b", false)
	a, other := f.browser(), f.browser()
	a.login("a@example.jp", "password-of-a")
	other.login("b@example.jp", "password-of-b")
	hanako := f.seat("a", "山田 花子", "setagaya", bot.StatusActive)
	ichiro := f.seat("b", "佐藤 一郎", "setagaya", bot.StatusActive)
	stranger := f.seat("c", "田中 三郎", "setagaya", bot.StatusActive)
	id := a.postTask("朝テストの採点")
	page := "/console/tasks/" + id
	now := time.Now()

	// Before the task starts there is no outcome form, and a form sent
	// anyway is refused kindly.
	f.editTask(id, func(v *bot.TaskView) { v.Accepted = []string{hanako, ichiro} })
	if _, body := a.get(page); strings.Contains(body, `id="rec-h"`) {
		t.Fatal("outcome form before the task started")
	}
	if resp, body := a.post(page+"/completions", url.Values{"profile_id": {hanako}, "status": {"completed"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, ja.ResultRefused["conflict"]) {
		t.Fatalf("before the start: %d, want 422 with %q", resp.StatusCode, ja.ResultRefused["conflict"])
	}

	f.editTask(id, func(v *bot.TaskView) { v.Start, v.End = now.Add(-3*time.Hour), now.Add(-time.Hour) })
	_, body := a.get(page)
	rec := section(body, "rec-h")
	for _, want := range []string{`id="st-` + hanako + `"`, `id="h-` + ichiro + `"`, "お仕事の長さ（2時間）", "未記録"} {
		if !strings.Contains(rec, want) {
			t.Fatalf("the outcome form lacks %q:\n%s", want, rec)
		}
	}

	steps := []struct {
		name, who, status, hours string
		want                     *float64
	}{
		{"empty hours: the service decides", hanako, "completed", "", nil},
		{"full-width digits", hanako, "completed", "２．５", ptr(2.5)},
		{"hours in words", hanako, "completed", "2時間半", ptr(2.5)},
		{"could not", ichiro, "not_completed", "", nil},
	}
	for _, c := range steps {
		resp, body := a.post(page+"/completions", url.Values{"profile_id": {c.who}, "status": {c.status}, "hours": {c.hours}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", c.name, resp.StatusCode, body)
		}
		last := f.svc.results[len(f.svc.results)-1]
		if last.profile != c.who || string(last.status) != c.status || (last.hours == nil) != (c.want == nil) || (c.want != nil && *last.hours != *c.want) {
			t.Errorf("%s: the service was told %+v", c.name, last)
		}
	}
	_, body = a.get(page)
	fill := section(body, "fill-h")
	if !strings.Contains(fill, "終了（1人）") || !strings.Contains(fill, "山田 花子</a>　2.5時間") || !strings.Contains(fill, "できなかった（1人）") {
		t.Errorf("the task page does not show the outcomes:\n%s", fill)
	}

	refusals := []struct {
		name, who, hours, want, beside string
	}{
		{"too many hours", hanako, "30", ja.ResultRefused["hours"], hanako},
		{"hours not understood", hanako, "たくさん", ja.ResultRefused["hours"], hanako},
		{"someone not on the task", stranger, "", ja.ResultRefused["profile_id"], ""},
	}
	for _, c := range refusals {
		n := len(f.svc.results)
		resp, body := a.post(page+"/completions", url.Values{"profile_id": {c.who}, "status": {"completed"}, "hours": {c.hours}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d, want 422 saying %q", c.name, resp.StatusCode, c.want)
		}
		if c.beside != "" && (!strings.Contains(body, `<p id="err-`+c.beside+`" class="error" role="alert">`) || !strings.Contains(body, `value="`+c.hours+`"`)) {
			t.Errorf("%s: the refusal is not beside the person's form with what was typed", c.name)
		}
		// Said at the top of the page too, where she is after the reload
		// (the form is at the bottom, out of view).
		if c.beside != "" {
			top := body[strings.Index(body, "<h1>"):strings.Index(body, `id="fill"`)]
			// The link's colon is escaped; a browser decodes it to find
			// the field.
			if !strings.Contains(top, `class="errors" role="alert"`) || !strings.Contains(top, `href="#h-`+strings.ReplaceAll(c.beside, ":", "%3a")+`"`) {
				t.Errorf("%s: no word of the refusal at the top of the page", c.name)
			}
		}
		if len(f.svc.results) != n {
			t.Errorf("%s: recorded anyway", c.name)
		}
	}

	n := len(f.svc.results)
	if resp, _ := a.post(page+"/completions", url.Values{"profile_id": {hanako}, "status": {"not_completed"}, "csrf": {"forged-token-forged-token"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("forged token: %d, want 403", resp.StatusCode)
	}
	if resp, _ := other.post(page+"/completions", url.Values{"profile_id": {hanako}, "status": {"not_completed"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organization: %d, want 404", resp.StatusCode)
	}
	if len(f.svc.results) != n {
		t.Fatal("an outcome was recorded by a forged form or another organization")
	}
}

func ptr(v float64) *float64 { return &v }

func TestTodayShowsWhoHasNotConfirmed(t *testing.T) {
	f := newFixture(t, false)
	f.addAccount("a1", "a@example.jp", "世田谷ジョブカフェ", "password-of-a", false)
	a := f.browser()
	a.login("a@example.jp", "password-of-a")
	hanako := f.seat("a", "山田 花子", "setagaya", bot.StatusActive)
	ichiro := f.seat("b", "佐藤 一郎", "setagaya", bot.StatusActive)
	jiro := f.seat("c", "鈴木 次郎", "setagaya", bot.StatusActive)
	id := a.postTask("朝テストの採点")
	f.editTask(id, func(v *bot.TaskView) {
		v.Headcount = 3
		v.Accepted, v.Unconfirmed, v.Confirmed, v.Asked = []string{hanako, ichiro, jiro}, []string{hanako}, []string{ichiro}, []string{jiro}
	})
	_, body := a.get("/console/")
	if !strings.Contains(body, `class="card attention" href="#unconfirmed"><span class="num">1</span>人`) {
		t.Errorf("today has no card for the unconfirmed")
	}
	box := section(body, "unconfirmed")
	if !strings.Contains(box, "朝テストの採点") || !strings.Contains(box, "<strong>山田 花子</strong>") || strings.Contains(box, "佐藤 一郎") {
		t.Errorf("the unconfirmed section:\n%s", box)
	}
	for _, want := range []string{"未確認 1人</span> 山田 花子", "確認済み 1人", "お返事待ち 1人"} {
		if !strings.Contains(body, want) {
			t.Errorf("today lacks %q", want)
		}
	}
	_, body = a.get("/console/tasks/" + id + "/fill")
	if !strings.Contains(body, `<div class="attention">`) || !strings.Contains(body, "未確認（1人）") || !strings.Contains(body, "確認済み（1人）") {
		t.Errorf("the task's fill does not show who has not confirmed:\n%s", body)
	}
}

func TestThePersonPageShowsTheirRecord(t *testing.T) {
	f := newFixture(t, false)
	f.addAccount("a1", "a@example.jp", "A", "password-of-a", false)
	a := f.browser()
	a.login("a@example.jp", "password-of-a")
	id := f.seat("a", "山田 花子", "setagaya", bot.StatusActive)
	f.svc.people[id].Counters = bot.Counters{Completed: 3, Hours: 7.5}
	if _, body := a.get("/console/people/" + id); !strings.Contains(body, "終わったお仕事 <strong>3件</strong>・合計 <strong>7.5時間</strong>") {
		t.Errorf("the person page lacks their record")
	}
}

var rowHeader = regexp.MustCompile(`<th scope="row">`)

func TestTheReportsPage(t *testing.T) {
	f := newFixture(t, false)
	f.addAccount("a1", "a@example.jp", "A", "password-of-a", false)
	a := f.browser()
	a.login("a@example.jp", "password-of-a")
	hanako := f.seat("a", "山田 花子", "setagaya", bot.StatusActive)
	id := a.postTask("朝テストの採点")
	now := time.Now().In(f.tokyo)
	f.editTask(id, func(v *bot.TaskView) {
		v.Start, v.End, v.CreatedAt = now.Add(-3*time.Hour), now.Add(-time.Hour), now.Add(-5*time.Hour)
		v.Accepted, v.Completed, v.Hours = []string{hanako}, []string{hanako}, map[string]float64{hanako: 2.5}
	})

	// The current fiscal year by default: April to March, every month.
	fy := fiscalYear(now)
	resp, body := a.get("/console/reports")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("reports: %d", resp.StatusCode)
	}
	for _, want := range []string{`value="` + time.Date(fy, 4, 1, 0, 0, 0, 0, f.tokyo).Format(time.DateOnly) + `"`,
		`value="` + time.Date(fy+1, 3, 31, 0, 0, 0, 0, f.tokyo).Format(time.DateOnly) + `"`, `aria-current="page">レポート`} {
		if !strings.Contains(body, want) {
			t.Errorf("the default page lacks %q", want)
		}
	}
	if n := len(rowHeader.FindAllString(body, -1)); n != 13 {
		t.Errorf("table rows = %d, want 12 months and the total", n)
	}

	from, to := now.AddDate(0, 0, -7).Format(time.DateOnly), now.AddDate(0, 0, 1).Format(time.DateOnly)
	q := "?" + url.Values{"from": {from}, "to": {to}}.Encode()
	_, body = a.get("/console/reports" + q)
	for _, want := range []string{
		`<p class="label">延べ人数</p><p class="value">1<small>人</small>`,
		`<p class="label">実人数</p><p class="value">1<small>人</small>`,
		`<p class="label">充足率</p><p class="value">50%</p>`, // 1 of 2 places
		`<p class="label">時間</p><p class="value">2.5<small>時間</small>`,
		`<p class="label">満員までの時間（中央値）</p><p class="value">—</p>`,
		`aria-hidden="true"></meter><span class="bar-value">1人</span>`,
		`<span class="bar-value">2.5時間</span>`,
		`<span class="bar-value">50%（1 / 2人）</span>`,
		// The CSV of the same period and organization (the account's own).
		`href="/console/reports.csv?` + strings.ReplaceAll(url.Values{"from": {from}, "org": {"A"}, "to": {to}}.Encode(), "&", "&amp;") + `"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the report lacks %q", want)
		}
	}

	resp, csvBody := a.get("/console/reports.csv" + q)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("csv: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	// Headed in Japanese for Excel, every figure named; a month with no
	// places has no fill rate, as the page shows —.
	if !strings.HasPrefix(csvBody, "\uFEFF月,お仕事の数,満員になったお仕事,充足率,募集人数,決まった人数,延べ人数,実人数,時間,") {
		t.Errorf("csv header: %.200q", csvBody)
	}
	for _, f := range bot.ReportFields {
		if ja.CSVFigures[f] == "" {
			t.Errorf("no CSV header for %s", f)
		}
	}
	lines := strings.Split(strings.TrimSuffix(csvBody, "\r\n"), "\r\n")
	if total := lines[len(lines)-1]; !strings.HasPrefix(total, "合計,1,0,50%,2,1,1,1,2.5,") {
		t.Errorf("csv total row: %q", total)
	}
	if first := lines[1]; !strings.Contains(first, "年") || !strings.HasPrefix(first[strings.Index(first, ","):], ",0,0,,0,") {
		t.Errorf("csv first month (no tasks): %q", first)
	}

	for _, c := range []struct{ name, query, want string }{
		{"not a date", "?from=2026-13-01", ja.ReportRefused["from"]},
		{"the end before the start", "?from=2026-05-01&to=2026-04-01", ja.ReportRefused["to"]},
	} {
		resp, body := a.get("/console/reports" + c.query)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, c.want) || !strings.Contains(body, `id="from"`) {
			t.Errorf("%s: %d, want the form again saying %q", c.name, resp.StatusCode, c.want)
		}
		if resp, _ := a.get("/console/reports.csv" + c.query); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s as CSV: %d, want 422", c.name, resp.StatusCode)
		}
	}
}
