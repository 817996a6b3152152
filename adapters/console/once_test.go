package console

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"tsunagu/bot"
)

var onceField = regexp.MustCompile(`name="once" value="([^"]+)"`)

// TestAFormSentTwiceMakesOneThing is a coordinator's double click on
// 「この内容で送る」 and 「登録して、条件に合う方へご案内する」: one
// announcement and one task, and every click lands on it.
func TestAFormSentTwiceMakesOneThing(t *testing.T) {
	f := newFixture(t, false)
	f.addAccount("a1", "a@example.jp", "A", "correct horse battery", false)
	b := f.browser()
	if resp := b.login("a@example.jp", "correct horse battery"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}

	t.Run("a broadcast, clicked twice at once", func(t *testing.T) {
		_, page := b.post("/console/broadcasts/confirm", url.Values{"text": {"年末年始のお知らせ"}})
		m := onceField.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("the confirmation page has no one-time key: %s", page)
		}
		form := url.Values{"text": {"年末年始のお知らせ"}, "once": {m[1]}, "csrf": {b.csrf}}
		var wg sync.WaitGroup
		locations := make([]string, 2)
		for i := range locations {
			wg.Add(1)
			go func() {
				defer wg.Done()
				locations[i] = b.sendRaw(t, "/console/broadcasts", form)
			}()
		}
		wg.Wait()
		f.svc.mu.Lock()
		n := len(f.svc.bcs)
		f.svc.mu.Unlock()
		if n != 1 {
			t.Errorf("%d broadcasts made from one form sent twice, want 1", n)
		}
		if locations[0] == "" || locations[0] != locations[1] || !strings.HasPrefix(locations[0], "/console/broadcasts/b") {
			t.Errorf("the two clicks led to %q and %q, want the one broadcast's page", locations[0], locations[1])
		}
	})

	t.Run("a broadcast sent again after Back to its confirmation", func(t *testing.T) {
		_, page := b.get("/console/broadcasts/new")
		m := onceField.FindStringSubmatch(page)
		if m == nil {
			t.Fatal("the compose page has no one-time key")
		}
		count := func() int {
			f.svc.mu.Lock()
			defer f.svc.mu.Unlock()
			return len(f.svc.bcs)
		}
		before := count()
		compose := url.Values{"text": {"大掃除のお知らせ"}, "area": {"setagaya"}, "once": {m[1]}}
		// confirmAndSend is the confirmation page (as the browser posts
		// it again on Back) and its 「この内容で送る」.
		confirmAndSend := func(compose url.Values) string {
			t.Helper()
			_, page := b.post("/console/broadcasts/confirm", compose)
			k := onceField.FindStringSubmatch(page)
			if k == nil {
				t.Fatalf("the confirmation page has no one-time key: %s", page)
			}
			send := url.Values{"text": compose["text"], "area": compose["area"], "once": {k[1]}, "csrf": {b.csrf}}
			return b.sendRaw(t, "/console/broadcasts", send)
		}
		first := confirmAndSend(compose)
		again := confirmAndSend(compose)
		if first == "" || again != first || count() != before+1 {
			t.Errorf("sent, Back, sent again: %q then %q, %d broadcasts made; want one, and its page twice", first, again, count()-before)
		}
		// The same page with another text is another announcement.
		changed := url.Values{"text": {"大掃除の日程が変わりました"}, "area": {"setagaya"}, "once": {m[1]}}
		if other := confirmAndSend(changed); other == first || count() != before+2 {
			t.Errorf("a changed text led to %q (first %q), %d broadcasts made", other, first, count()-before)
		}
	})

	t.Run("a task, sent again after its page came back", func(t *testing.T) {
		_, page := b.get("/console/tasks/new")
		m := onceField.FindStringSubmatch(page)
		if m == nil {
			t.Fatal("the task form has no one-time key")
		}
		form := taskForm(f, "二重送信テスト")
		form.Set("once", m[1])
		first, _ := b.post("/console/tasks", form)
		again, _ := b.post("/console/tasks", form)
		if first.StatusCode != http.StatusSeeOther || again.Header.Get("Location") != first.Header.Get("Location") {
			t.Errorf("first %d → %q, again %d → %q; want the same task", first.StatusCode, first.Header.Get("Location"), again.StatusCode, again.Header.Get("Location"))
		}
		if n := f.svc.countTasks("二重送信テスト"); n != 1 {
			t.Errorf("%d tasks made, want 1", n)
		}
	})

	t.Run("a refused form can be corrected and sent with its key", func(t *testing.T) {
		_, page := b.get("/console/tasks/new")
		key := onceField.FindStringSubmatch(page)[1]
		form := taskForm(f, "")
		form.Set("once", key)
		if resp, _ := b.post("/console/tasks", form); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("a task without a title: %d, want 422", resp.StatusCode)
		}
		form.Set("title", "直して送ったお仕事")
		if resp, _ := b.post("/console/tasks", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("the corrected form: %d, want it made", resp.StatusCode)
		}
		if n := f.svc.countTasks("直して送ったお仕事"); n != 1 {
			t.Errorf("%d tasks made, want 1", n)
		}
	})
}

// sendRaw posts form with b's cookies and returns where it led, without
// touching b (safe from several goroutines).
func (b *browser) sendRaw(t *testing.T, path string, form url.Values) string {
	req, err := http.NewRequest("POST", b.f.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Error(err)
		return ""
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Error(err)
		return ""
	}
	resp.Body.Close()
	return resp.Header.Get("Location")
}

// TestStatusPagesSpeakJapanese: a coordinator who follows an old link or
// whose login ran out reads why in Japanese, not net/http's English.
func TestStatusPagesSpeakJapanese(t *testing.T) {
	f := newFixture(t, false)
	f.addAccount("a1", "a@example.jp", "A", "correct horse battery", false)
	b := f.browser()
	b.login("a@example.jp", "correct horse battery")
	resp, body := b.get("/console/nowhere")
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "ページが見つかりません") || strings.Contains(body, "Not Found") {
		t.Errorf("unknown page: %d, body without the Japanese heading: %s", resp.StatusCode, body)
	}
	resp, body = b.post("/console/tasks", url.Values{"csrf": {"stale"}, "title": {"x"}})
	if resp.StatusCode != http.StatusForbidden || strings.Contains(body, "Forbidden") {
		t.Errorf("a stale form: %d, body %s", resp.StatusCode, body)
	}
}

// TestPeopleFoundByNameWithOrWithoutASpace: a coordinator types the name
// as they say it; the registry may hold it with a space of either width.
func TestPeopleFoundByNameWithOrWithoutASpace(t *testing.T) {
	f := newFixture(t, false)
	f.addAccount("root", "root@example.jp", "事務局", "password-of-root", true)
	b := f.browser()
	b.login("root@example.jp", "password-of-root")
	for i, name := range []string{"渡辺 美代子", "佐藤　和子"} {
		form := url.Values{"id": {"line:U" + strings.Repeat(string(rune('a'+i)), 32)}, "name": {name}, "area": {"setagaya"},
			"skill": {"grading"}, "availability": {"平日の午前"}, "weekly_limit": {"2"}, "consent": {"yes"}}
		if resp, body := b.post("/console/people", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("register %s: %d %s", name, resp.StatusCode, body)
		}
	}
	watanabe, sato := "/console/people/line:U"+strings.Repeat("a", 32), "/console/people/line:U"+strings.Repeat("b", 32)
	for query, want := range map[string]string{"渡辺美代子": watanabe, "佐藤 和子": sato, "佐藤和子": sato, "美代子": watanabe} {
		_, body := b.get("/console/people?name=" + url.QueryEscape(query))
		if !strings.Contains(body, `href="`+want+`"`) {
			t.Errorf("searching %q does not find %s", query, want)
		}
	}
}

// TestABroadcastsTimeIsWholeAndAhead: half a send time, or one already
// past, is the coordinator's slip to be told of, never 「今すぐ」.
func TestABroadcastsTimeIsWholeAndAhead(t *testing.T) {
	f := newFixture(t, false)
	f.addAccount("a1", "a@example.jp", "A", "correct horse battery", false)
	b := f.browser()
	b.login("a@example.jp", "correct horse battery")
	tomorrow := time.Now().In(f.tokyo).AddDate(0, 0, 1).Format("2006-01-02")
	yesterday := time.Now().In(f.tokyo).AddDate(0, 0, -1).Format("2006-01-02")
	tests := []struct {
		name, date, time string
		status           int
		want             string
	}{
		{"now", "", "", http.StatusOK, "すぐに送ります"},
		{"tomorrow at ten", tomorrow, "10:00", http.StatusOK, "10:00に送ります"},
		{"a time without a date", "", "10:00", http.StatusUnprocessableEntity, ja.SendDateMissing},
		{"a date without a time", tomorrow, "", http.StatusUnprocessableEntity, ja.SendTimeMissing},
		{"yesterday", yesterday, "10:00", http.StatusUnprocessableEntity, ja.SendPast},
	}
	for _, tt := range tests {
		resp, body := b.post("/console/broadcasts/confirm", url.Values{"text": {"年末年始のお知らせ"}, "send_date": {tt.date}, "send_time": {tt.time}})
		if resp.StatusCode != tt.status || !strings.Contains(body, tt.want) {
			t.Errorf("%s: %d, want %d saying %q", tt.name, resp.StatusCode, tt.status, tt.want)
		}
	}
}

// TestSomeoneWhoCameAndLeftStillCounts: a past task two people did, one
// of whom has since deleted their data, still shows two who came, as the
// report counts them, with no name and no link for the one who left.
func TestSomeoneWhoCameAndLeftStillCounts(t *testing.T) {
	f, b, path, id := withATask(t)
	f.svc.mu.Lock()
	v := f.svc.tasks[id]
	v.Accepted = []string{"line:Ustays"}
	v.Completed = []string{"line:Ustays"}
	v.Hours = map[string]float64{"line:Ustays": 2}
	v.Departed = 1
	v.DepartedHours = []float64{2.5}
	v.Start, v.End = time.Now().Add(-5*time.Hour), time.Now().Add(-3*time.Hour) // done: the outcome forms show
	f.svc.mu.Unlock()
	_, body := b.get(path)
	if !strings.Contains(body, "2 / 2人") || !strings.Contains(body, "（退会された方）") || strings.Contains(body, "anon:") {
		t.Errorf("the task page after one who came deleted their data: %s", body)
	}
	// What they did is shown as done, and there is no form to record
	// anything for no one (it could only be refused).
	if !strings.Contains(body, "終了（2人）") || !strings.Contains(body, "（退会された方）　2.5時間") {
		t.Errorf("the one who left is not among those done: %s", body)
	}
	if strings.Contains(body, `name="profile_id" value=""`) {
		t.Errorf("an outcome form for someone who left: %s", body)
	}
}

// TestAnUnrecordedOutcomeIsChosen: the outcome form of someone with
// nothing recorded has no answer chosen for the coordinator, so that one
// careless click cannot record a completion; a recorded one shows what was
// recorded.
func TestAnUnrecordedOutcomeIsChosen(t *testing.T) {
	f, b, path, id := withATask(t)
	f.svc.mu.Lock()
	v := f.svc.tasks[id]
	v.Accepted = []string{"line:Udone", "line:Unot"}
	v.Completed = []string{"line:Udone"}
	v.Hours = map[string]float64{"line:Udone": 2}
	v.Start, v.End = time.Now().Add(-5*time.Hour), time.Now().Add(-3*time.Hour)
	f.svc.mu.Unlock()
	_, body := b.get(path)
	if n := strings.Count(body, `<option value="" selected>選んでください</option>`); n != 1 {
		t.Errorf("%d outcome forms with nothing chosen, want the unrecorded one: %s", n, body)
	}
	if !strings.Contains(body, `<option value="completed" selected>終わった</option>`) {
		t.Errorf("the recorded completion is not shown chosen: %s", body)
	}
}

// TestEveryMistakeOfATaskFormAtOnce: a form with no title, 0 people and
// no date says all three, not one per try.
func TestEveryMistakeOfATaskFormAtOnce(t *testing.T) {
	f := newFixture(t, false)
	f.addAccount("a1", "a@example.jp", "A", "correct horse battery", false)
	b := f.browser()
	b.login("a@example.jp", "correct horse battery")
	form := taskForm(f, "")
	form.Set("headcount", "0")
	form.Set("date", "")
	resp, body := b.post("/console/tasks", form)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if n := errorsListed(body); !strings.Contains(body, ja.DateMissing) || n != 3 {
		t.Errorf("%d errors listed, want the title, the headcount and the date: %s", n, body)
	}
	form.Set("date", time.Now().In(f.tokyo).AddDate(0, 0, 3).Format("2006-01-02"))
	if _, body = b.post("/console/tasks", form); errorsListed(body) != 2 {
		t.Errorf("with the date: %d errors listed, want the title and the headcount", errorsListed(body))
	}
	// No skill ticked: the form says 「1つ以上」, and a task with none went
	// to everyone in the area.
	form = taskForm(f, "スキルなし")
	form.Del("skill")
	if resp, body := b.post("/console/tasks", form); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, ja.SkillsMissing) {
		t.Errorf("without a skill: %d", resp.StatusCode)
	}
	if n := f.svc.countTasks("スキルなし"); n != 0 {
		t.Errorf("%d tasks made without a skill", n)
	}
}

// errorsListed counts the items of a page's error box.
func errorsListed(body string) int {
	i := strings.Index(body, `class="errors"`)
	if i < 0 {
		return 0
	}
	box := body[i:]
	box = box[:strings.Index(box, "</div>")]
	return strings.Count(box, "<li>")
}

// TestBegunAndEndedTasksSayWhy: an old tab or the history opens the edit
// or cancel page of a task that has begun or ended; the page says why it
// cannot, instead of a form that fails.
func TestBegunAndEndedTasksSayWhy(t *testing.T) {
	f, b, path, id := withATask(t)
	set := func(start, end time.Time) {
		f.svc.mu.Lock()
		f.svc.tasks[id].Start, f.svc.tasks[id].End = start, end
		f.svc.mu.Unlock()
	}
	now := time.Now()

	set(now.Add(-time.Hour), now.Add(time.Hour)) // begun, not ended
	if resp, body := b.get(path + "/edit"); resp.StatusCode != http.StatusConflict || !strings.Contains(body, ja.TaskNotEditable) {
		t.Errorf("edit of a begun task: %d", resp.StatusCode)
	}
	if resp, _ := b.get(path + "/cancel"); resp.StatusCode != http.StatusOK {
		t.Errorf("cancel of a task under way: %d, want its confirmation", resp.StatusCode)
	}
	if _, body := b.get(path); strings.Contains(body, path+"/edit") || !strings.Contains(body, path+"/cancel") {
		t.Error("a begun task's page: want the cancel link and no edit link")
	}

	set(now.Add(-3*time.Hour), now.Add(-time.Hour)) // ended
	if resp, body := b.get(path + "/cancel"); resp.StatusCode != http.StatusConflict || !strings.Contains(body, ja.TaskNotCancellable) {
		t.Errorf("cancel of an ended task: %d", resp.StatusCode)
	}
	if _, body := b.get(path); strings.Contains(body, path+"/cancel") {
		t.Error("an ended task's page links to its cancellation")
	}
}

// withATask logs an admin in and posts a task through the form: the
// fixture, the browser, the task's page and its ID.
func withATask(t *testing.T) (f *fixture, b *browser, path, id string) {
	t.Helper()
	f = newFixture(t, false)
	f.addAccount("root", "root@example.jp", "事務局", "password-of-root", true)
	b = f.browser()
	b.login("root@example.jp", "password-of-root")
	resp, _ := b.post("/console/tasks", taskForm(f, "朝テストの採点"))
	path = strings.Split(resp.Header.Get("Location"), "?")[0]
	return f, b, path, strings.TrimPrefix(path, "/console/tasks/")
}

// TestACancelledTaskSaysWhoWasTold: the page of a task the coordinator
// called off does not list people as still to answer or waiting for a
// place: it says the task was called off and who was told.
func TestACancelledTaskSaysWhoWasTold(t *testing.T) {
	f, b, path, id := withATask(t)
	f.svc.mu.Lock()
	v := f.svc.tasks[id]
	v.Offered, v.Waitlist, v.Status = []string{"line:Uasked"}, []string{"line:Uwaiting"}, bot.TaskCancelled
	f.svc.mu.Unlock()
	_, body := b.get(path)
	for _, want := range []string{"このお仕事は取り消しました", "ご案内していた方（1人）", "キャンセル待ちだった方（1人）"} {
		if !strings.Contains(body, want) {
			t.Errorf("the cancelled task's page lacks %q: %s", want, body)
		}
	}
	if strings.Contains(body, "お返事待ち（") {
		t.Errorf("a cancelled task lists people as still to answer: %s", body)
	}
}

// TestATaskNobodyFitsSaysSo: after posting a task whose wave found nobody,
// the page does not say offers are on their way; it says nobody fitted and
// what the coordinator can do. With someone asked it says they were.
func TestATaskNobodyFitsSaysSo(t *testing.T) {
	f := newFixture(t, false)
	f.addAccount("root", "root@example.jp", "事務局", "password-of-root", true)
	b := f.browser()
	b.login("root@example.jp", "password-of-root")
	resp, _ := b.post("/console/tasks", taskForm(f, "朝テストの採点"))
	loc := resp.Header.Get("Location")
	if _, body := b.get(loc); !strings.Contains(body, "いま条件に合う方が見つからないため") || strings.Contains(body, "条件に合う方へご案内を送っています") {
		t.Errorf("a task nobody was asked for: %s", body)
	}
	id := strings.TrimPrefix(strings.Split(loc, "?")[0], "/console/tasks/")
	f.svc.mu.Lock()
	f.svc.tasks[id].Offered = []string{"line:Uasked"}
	f.svc.mu.Unlock()
	if _, body := b.get(loc); !strings.Contains(body, "条件に合う方へご案内を送っています") {
		t.Errorf("a task with someone asked: %s", body)
	}
}

// TestSomeoneComingWhoBlockedTheBotIsFlagged: a person who accepted and
// then blocked the LINE account is still counted as coming, but the task
// page and the first page say nothing reaches them.
func TestSomeoneComingWhoBlockedTheBotIsFlagged(t *testing.T) {
	f, b, path, id := withATask(t)
	f.svc.mu.Lock()
	f.svc.people["line:Ublocked"] = &bot.Profile{ID: "line:Ublocked", Name: "高橋 節子", Status: bot.StatusBlocked}
	f.svc.people["line:Ufine"] = &bot.Profile{ID: "line:Ufine", Name: "木村 俊夫", Status: bot.StatusActive}
	f.svc.tasks[id].Accepted = []string{"line:Ublocked", "line:Ufine"}
	f.svc.mu.Unlock()
	_, body := b.get(path)
	if strings.Count(body, "連絡が届きません（ブロック中）") != 1 {
		t.Errorf("the task page does not flag the one who blocked the bot, once: %s", body)
	}
	if _, body := b.get("/console/"); !strings.Contains(body, "連絡が届かない方 1人") || !strings.Contains(body, "高橋 節子") {
		t.Errorf("the first page does not flag her: %s", body)
	}
}

// TestAPersonsPlansAreShown: a person's page lists the tasks and sessions
// ahead they said yes to, and the deletion page warns that deleting them
// takes them off those (it said so only in general words).
func TestAPersonsPlansAreShown(t *testing.T) {
	f, b, _, _ := withATask(t)
	now := time.Now()
	f.svc.mu.Lock()
	f.svc.people["line:Uwatanabe"] = &bot.Profile{ID: "line:Uwatanabe", Name: "渡辺 美代子", Status: bot.StatusActive}
	f.svc.convs["line:Uwatanabe"] = bot.Conversation{
		Offers: []bot.OfferRef{
			{TaskID: "t-9", Title: "月曜の採点", Start: now.Add(48 * time.Hour), End: now.Add(50 * time.Hour), State: bot.OfferAccepted},
			{TaskID: "t-8", Title: "終わった採点", Start: now.Add(-50 * time.Hour), End: now.Add(-48 * time.Hour), State: bot.OfferAccepted},
			{TaskID: "t-7", Title: "見送った仕事", Start: now.Add(48 * time.Hour), End: now.Add(50 * time.Hour), State: bot.OfferDeclined},
		},
		Sessions: []bot.SessionRef{{SessionID: "s-1", Title: "オンライン説明会", Start: now.Add(24 * time.Hour), End: now.Add(25 * time.Hour), RSVP: bot.RSVPYes}},
	}
	f.svc.mu.Unlock()
	for _, path := range []string{"/console/people/line:Uwatanabe", "/console/people/line:Uwatanabe/delete"} {
		_, body := b.get(path)
		plans := body[strings.Index(body, "plans"):]
		if !strings.Contains(plans, "月曜の採点") || !strings.Contains(plans, "オンライン説明会") ||
			strings.Contains(body, "終わった採点") || strings.Contains(body, "見送った仕事") {
			t.Errorf("%s: the plans ahead are not what she said yes to: %s", path, body)
		}
		if strings.Index(plans, "オンライン説明会") > strings.Index(plans, "月曜の採点") {
			t.Errorf("%s: plans not soonest first", path)
		}
	}
	if _, body := b.get("/console/people/line:Uwatanabe/delete"); !strings.Contains(body, "引き受けている予定があります") {
		t.Errorf("the deletion page does not warn of her plans: %s", body)
	}
}

// TestAScheduledBroadcastCanBeCalledOff: a broadcast set for tomorrow
// morning shows 「この送信を取り消す」, which calls it off; one already
// sending shows no such button, and a stale form says it is too late.
func TestAScheduledBroadcastCanBeCalledOff(t *testing.T) {
	f, b, _, _ := withATask(t)
	f.svc.mu.Lock()
	f.svc.bcs["b-9"] = &bot.BroadcastView{Broadcast: bot.Broadcast{ID: "b-9", Text: "年末年始のお知らせ", SendAt: time.Now().Add(20 * time.Hour)},
		Status: bot.BroadcastScheduled, Total: 13}
	f.svc.bcs["b-8"] = &bot.BroadcastView{Broadcast: bot.Broadcast{ID: "b-8", Text: "送信中のお知らせ"}, Status: bot.BroadcastSending, Total: 13}
	f.svc.mu.Unlock()
	if _, body := b.get("/console/broadcasts/b-9"); !strings.Contains(body, "この送信を取り消す") {
		t.Fatalf("a scheduled broadcast offers no way to call it off: %s", body)
	}
	// The button asks first, as for a task or a session (it acted in one
	// click, for good).
	if resp, body := b.get("/console/broadcasts/b-9/cancel"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "よろしいですか") ||
		!strings.Contains(body, "年末年始のお知らせ") || !strings.Contains(body, "13人") {
		t.Fatalf("the confirmation: %d %s", resp.StatusCode, body)
	}
	if f.svc.bcs["b-9"].Status != bot.BroadcastScheduled {
		t.Fatal("asking called it off")
	}
	resp, _ := b.post("/console/broadcasts/b-9/cancel", url.Values{})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d", resp.StatusCode)
	}
	if _, body := b.get(resp.Header.Get("Location")); !strings.Contains(body, "取り消し済み") || !strings.Contains(body, "だれにも送られません") ||
		strings.Contains(body, "この送信を取り消す") {
		t.Errorf("after calling it off: %s", body)
	}
	if _, body := b.get("/console/broadcasts/b-8"); strings.Contains(body, "この送信を取り消す") {
		t.Errorf("a broadcast already sending offers to call it off")
	}
	if resp, body := b.post("/console/broadcasts/b-8/cancel", url.Values{}); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "取り消せません") {
		t.Errorf("calling off one sending: %d", resp.StatusCode)
	}
	if resp, body := b.get("/console/broadcasts/b-8/cancel"); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "取り消せません") {
		t.Errorf("the confirmation of one sending: %d", resp.StatusCode)
	}
}

// TestAReportIsOfTheCoordinatorsProgram: a coordinator's report counts
// her organization's tasks by default, and the whole service when she
// asks; an admin's is the whole service, or one organization's.
func TestAReportIsOfTheCoordinatorsProgram(t *testing.T) {
	f := newFixture(t, false)
	f.addAccount("root", "root@example.jp", "事務局", "password-of-root", true)
	f.addAccount("cafe", "cafe@example.jp", "おしごとカフェ", "password-of-cafe", false)
	root, cafe := f.browser(), f.browser()
	root.login("root@example.jp", "password-of-root")
	cafe.login("cafe@example.jp", "password-of-cafe")
	cafe.post("/console/tasks", taskForm(f, "カフェの採点"))
	root.post("/console/tasks", taskForm(f, "事務局の入力"))
	root.post("/console/tasks", taskForm(f, "事務局の採点"))
	tasks := func(body string) string {
		t.Helper()
		m := regexp.MustCompile(`お仕事の数</p><p class="value">(\d+)`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no task count: %s", body)
		}
		return m[1]
	}
	if _, body := cafe.get("/console/reports"); tasks(body) != "1" || !strings.Contains(body, "「おしごとカフェ」がコンソールで登録した") {
		t.Errorf("the café's own report counts %s tasks", tasks(body))
	}
	if _, body := cafe.get("/console/reports?org="); tasks(body) != "3" {
		t.Errorf("the whole service, asked by the café: %s tasks", tasks(body))
	}
	if _, body := root.get("/console/reports"); tasks(body) != "3" {
		t.Errorf("the admin's report: %s tasks", tasks(body))
	}
	if _, body := root.get("/console/reports?org=" + url.QueryEscape("事務局")); tasks(body) != "2" {
		t.Errorf("the admin's report of 事務局: %s tasks", tasks(body))
	}
	if _, body := cafe.get("/console/reports.csv"); !strings.Contains(body, "合計,1,") {
		t.Errorf("the café's CSV: %s", body)
	}
}

// TestTheFirstPageListsWhatChanged: the coordinators' latest notices (a
// cancellation, someone unreachable) are on the first page, not only in
// a Slack channel the coordinator at a desk may not watch; old ones are
// not.
func TestTheFirstPageListsWhatChanged(t *testing.T) {
	f, b, _, _ := withATask(t)
	f.svc.mu.Lock()
	f.svc.notices = []bot.Notice{
		{ID: "n2", Text: "【キャンセル】佐藤 和子が「朝テストの採点」をキャンセルしました。", At: time.Now().Add(-time.Hour)},
		{ID: "n1", Text: "【定員到達】「古いお仕事」の参加者が決まりました。", At: time.Now().AddDate(0, 0, -30)},
	}
	f.svc.mu.Unlock()
	_, body := b.get("/console/")
	if !strings.Contains(body, "最近の連絡") || !strings.Contains(body, "佐藤 和子が「朝テストの採点」をキャンセル") || strings.Contains(body, "古いお仕事") {
		t.Errorf("the first page's notices: %s", body)
	}
}

// TestACoordinatorFinishesARegistration: someone who began registering in
// the chat and got stuck is finished from their page, with their consent
// attested (the 代理登録 form refused their ID as taken), and told in the
// chat; a registered person's details are changed the same way, their
// status kept, without a message.
func TestACoordinatorFinishesARegistration(t *testing.T) {
	f, b, _, _ := withATask(t)
	const id = "line:U" + "0123456789abcdef0123456789abcdef"
	f.svc.mu.Lock()
	f.svc.people[id] = &bot.Profile{ID: id, Name: "高橋 節子", Status: bot.StatusOnboarding}
	f.svc.mu.Unlock()
	if _, body := b.get("/console/people/" + id); !strings.Contains(body, "登録を仕上げる") {
		t.Fatalf("an onboarding person's page has no way to finish: %s", body)
	}
	form := url.Values{"name": {"高橋 節子"}, "area": {"setagaya"}, "skill": {"grading"}, "availability": {"平日の午前"}, "weekly_limit": {"2"}}
	if resp, body := b.post("/console/people/"+id+"/edit", form); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, ja.ConsentMissing) {
		t.Fatalf("without consent: %d", resp.StatusCode)
	}
	form.Set("consent", "yes")
	if resp, _ := b.post("/console/people/"+id+"/edit", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("finish: %d", resp.StatusCode)
	}
	f.svc.mu.Lock()
	p := *f.svc.people[id]
	f.svc.mu.Unlock()
	if p.Status != bot.StatusActive || p.Area != "setagaya" || p.WeeklyLimit != 2 || p.ConsentedAt == nil || p.Availability.Japanese() != "平日 9:00〜12:00" {
		t.Errorf("after finishing: %+v", p)
	}
	told := func() (n int) {
		f.svc.mu.Lock()
		defer f.svc.mu.Unlock()
		for _, in := range f.svc.handled {
			if in.Kind == bot.EventRegisteredByCoordinator && in.ProfileID == id {
				n++
			}
		}
		return n
	}
	if n := told(); n != 1 {
		t.Errorf("she was told %d times that her registration is done", n)
	}

	// The same form changes a paused person's details; she stays paused.
	f.svc.mu.Lock()
	f.svc.people[id].Status = bot.StatusPaused
	f.svc.mu.Unlock()
	if _, body := b.get("/console/people/" + id + "/edit"); !strings.Contains(body, `value="平日 9:00〜12:00"`) || strings.Contains(body, `name="consent"`) {
		t.Errorf("the edit form is not filled in as she is: %s", body)
	}
	form.Set("area", "ota")
	b.post("/console/people/"+id+"/edit", form)
	f.svc.mu.Lock()
	p = *f.svc.people[id]
	f.svc.mu.Unlock()
	if p.Area != "ota" || p.Status != bot.StatusPaused {
		t.Errorf("after an edit: area %q, status %q", p.Area, p.Status)
	}
	if n := told(); n != 1 {
		t.Errorf("an edit of a registered person told her %d times in all", n)
	}
}

// TestCancelledBroadcastsAreNotGoingOut: the first page's count of
// announcements going out leaves out one called off (it said 3件 after
// three were cancelled).
func TestCancelledBroadcastsAreNotGoingOut(t *testing.T) {
	f := newFixture(t, false)
	f.addAccount("a1", "a@example.jp", "A", "correct horse battery", false)
	b := f.browser()
	b.login("a@example.jp", "correct horse battery")
	tomorrow := time.Now().In(f.tokyo).AddDate(0, 0, 1).Format("2006-01-02")
	_, page := b.post("/console/broadcasts/confirm", url.Values{"text": {"年末年始のお知らせ"}, "send_date": {tomorrow}, "send_time": {"10:00"}})
	m := onceField.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no one-time key")
	}
	at := b.sendRaw(t, "/console/broadcasts", url.Values{"text": {"年末年始のお知らせ"}, "send_date": {tomorrow}, "send_time": {"10:00"},
		"once": {m[1]}, "csrf": {b.csrf}})
	going := regexp.MustCompile(`<span class="num">(\d+)</span>件<br>送信中・送信予定のお知らせ`)
	count := func() string {
		_, body := b.get("/console/")
		if m := going.FindStringSubmatch(body); m != nil {
			return m[1]
		}
		return "?"
	}
	if n := count(); n != "1" {
		t.Fatalf("scheduled: %s going out, want 1", n)
	}
	id := strings.TrimPrefix(strings.Split(at, "?")[0], "/console/broadcasts/")
	b.get("/console/broadcasts/" + id)
	if resp, _ := b.post("/console/broadcasts/"+id+"/cancel", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d", resp.StatusCode)
	}
	if n := count(); n != "0" {
		t.Errorf("after the cancel: %s going out, want 0", n)
	}
}
