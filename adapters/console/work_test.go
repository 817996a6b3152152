package console

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"tsunagu/adapters/csvfile"
	"tsunagu/adapters/profilecsv"
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
	if !strings.Contains(page, flashes["series-none"]) { // the fake asks no one
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

// upload sends the import form with a file, with the page's CSRF token
// unless fields has one.
func (b *browser) upload(path string, fields url.Values, file string) (*http.Response, string) {
	b.f.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if fields.Get("csrf") == "" {
		fields.Set("csrf", b.csrf)
	}
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("file", "people.csv")
	_, _ = io.WriteString(fw, file)
	mw.Close()
	req, _ := http.NewRequest("POST", b.f.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		b.f.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, string(raw)
}

func TestPeopleCSVExportAndImport(t *testing.T) {
	f := newFixture(t, false)
	f.addAccount("a1", "a@example.jp", "世田谷ジョブカフェ", "password-of-a", false)
	a := f.browser()
	a.login("a@example.jp", "password-of-a")
	hanako := f.seat("a", "山田 花子", "setagaya", bot.StatusActive)
	f.seat("b", "=佐藤 一郎", "ota", bot.StatusActive)

	t.Run("the list's link downloads the filter's people as the API writes them", func(t *testing.T) {
		_, page := a.get("/console/people?area=setagaya&name=")
		if !strings.Contains(page, `href="/console/people.csv?area=setagaya" download>Excelで書き出す`) {
			t.Fatalf("no CSV link for the filter:\n%s", page)
		}
		resp, body := a.get("/console/people.csv?area=setagaya")
		var want bytes.Buffer
		want.WriteString(csvfile.BOM)
		profilecsv.Encode(&want, testCatalog, []*bot.Profile{f.svc.people[hanako]})
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
			!strings.HasPrefix(resp.Header.Get("Content-Disposition"), `attachment; filename="profiles-`) {
			t.Fatalf("export: %d %v", resp.StatusCode, resp.Header)
		}
		if body != want.String() || !strings.HasPrefix(body, "\ufeffid,name,area,skills,availability,weekly_limit,status,") {
			t.Errorf("export:\n%q\nwant\n%q", body, want.String())
		}
		if _, all := a.get("/console/people.csv"); !strings.Contains(all, "'=佐藤 一郎") || !strings.Contains(all, "山田 花子") {
			t.Errorf("the whole list's export (a formula-like name guarded):\n%s", all)
		}
	})

	header := "id,name,area,skills,availability,weekly_limit\r\n"
	jiro := "line:U" + strings.Repeat("c", 32)
	good := header + hanako + ",山田 花子,世田谷区,採点、パソコン入力,平日の午前,3\r\n" + jiro + ",鈴木 次郎,大田区,採点,土日,1\r\n"
	bad := header + hanako + ",山田 花子,世田谷区,採点,平日の午前,3\r\n" + jiro + ",鈴木 次郎,札幌,採点,土日,たくさん\r\n"
	consent := func() url.Values { return url.Values{"consent": {"yes"}} }

	t.Run("forged or token-less uploads are refused", func(t *testing.T) {
		a.get("/console/people/import")
		for _, token := range []string{"forged-token-forged-token", " "} {
			if resp, _ := a.upload("/console/people/import", url.Values{"consent": {"yes"}, "csrf": {token}}, good); resp.StatusCode != http.StatusForbidden {
				t.Errorf("token %q: %d, want 403", token, resp.StatusCode)
			}
		}
		if f.svc.imported != 0 {
			t.Fatal("a forged upload imported people")
		}
	})

	t.Run("a bad row: every problem by line and column, in Japanese, nobody imported", func(t *testing.T) {
		a.get("/console/people/import")
		resp, body := a.upload("/console/people/import", consent(), bad)
		table := section(body, "problems-h")
		for _, want := range []string{"<td>3行目</td><td>地域</td><td>地域「札幌」は一覧にありません。</td>",
			"<td>3行目</td><td>1週間の上限</td><td>1週間の上限「たくさん」が数ではありません。</td>"} {
			if !strings.Contains(table, want) {
				t.Errorf("the problems lack %s:\n%s", want, table)
			}
		}
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "直すところが2件あります。だれも取り込んでいません") {
			t.Errorf("bad file: %d", resp.StatusCode)
		}
		if f.svc.imported != 0 || f.svc.people[hanako].WeeklyLimit != 2 {
			t.Fatal("a file with a bad row imported someone")
		}
		resp, body = a.upload("/console/people/import", url.Values{}, good)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, ja.ConsentMissing) || f.svc.imported != 0 {
			t.Errorf("without consent: %d, imported %d", resp.StatusCode, f.svc.imported)
		}
	})

	t.Run("a file over 1 MiB is refused", func(t *testing.T) {
		huge := header + strings.Repeat(hanako+",山田 花子,世田谷区,採点,平日の午前,3\r\n", 30000)
		resp, body := a.upload("/console/people/import", consent(), huge)
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, ja.FileTooLarge) || f.svc.imported != 0 {
			t.Errorf("huge file: %d, imported %d", resp.StatusCode, f.svc.imported)
		}
	})

	t.Run("a good file: all imported, counted on the list", func(t *testing.T) {
		resp, _ := a.upload("/console/people/import", consent(), good)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/console/people?created=1&done=imported&updated=1" {
			t.Fatalf("good file: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if p := f.svc.people[jiro]; p == nil || p.Area != "ota" || p.Status != bot.StatusActive || p.ConsentedAt == nil {
			t.Errorf("jiro = %+v", p)
		}
		if p := f.svc.people[hanako]; p.WeeklyLimit != 3 || len(p.Skills) != 2 {
			t.Errorf("hanako not updated: %+v", p)
		}
		if _, body := a.get(resp.Header.Get("Location")); !strings.Contains(body, "新しく登録 1人・内容を更新 1人") {
			t.Errorf("the list does not say what was imported")
		}
	})
}

// TestAnEndedTaskIsShownEnded: a task that has ended reads 終了 in the list
// and on its page, whatever its fill (a full one read 満員, an unfilled one
// 募集中).
func TestAnEndedTaskIsShownEnded(t *testing.T) {
	f := newFixture(t, false)
	f.addAccount("root", "root@example.jp", "事務局", "password-of-root", true)
	b := f.browser()
	b.login("root@example.jp", "password-of-root")
	past := f.svc.addTask("返礼品の発送", time.Now().AddDate(0, 0, -20))
	f.svc.mu.Lock()
	f.svc.tasks[past].Status = bot.TaskFilled
	f.svc.mu.Unlock()
	_, list := b.get("/console/tasks")
	row := list[strings.Index(list, "返礼品の発送"):]
	row = row[:strings.Index(row, "</tr>")]
	if !strings.Contains(row, "終了") || strings.Contains(row, "満員") {
		t.Errorf("the ended task's row: %s", row)
	}
	if _, page := b.get("/console/tasks/" + past); !strings.Contains(page, `<span class="tag">終了</span>`) {
		t.Errorf("the ended task's page does not say 終了")
	}
}
