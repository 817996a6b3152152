package httpapi_test

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"tsunagu/adapters/httpapi"
	"tsunagu/bot"
	"tsunagu/bot/avail"
)

// ImportProfile makes the memory store a profile importer; it keeps no
// conversations, so update gets a blank one.
func (m *memStore) ImportProfile(_ context.Context, p *bot.Profile, update func(*bot.Profile, *bot.Conversation)) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return false, m.err
	}
	stored, ok := m.profiles[p.ID]
	if !ok {
		m.profiles[p.ID] = clone(p)
		return true, nil
	}
	update(&stored, &bot.Conversation{})
	m.profiles[p.ID] = clone(&stored)
	return false, nil
}

var _ httpapi.ProfileImporter = (*memStore)(nil)

// csvFixture is the API with imports on and a record of the profiles it
// said changed.
type csvFixture struct {
	*fixture
	mu      sync.Mutex
	changed []string
}

func newCSVFixture(t *testing.T, change ...func(*httpapi.Options)) *csvFixture {
	t.Helper()
	cf := &csvFixture{}
	cf.fixture = newFixture(t, append([]func(*httpapi.Options){func(o *httpapi.Options) {
		o.Imports = o.Profiles.(*memStore)
		o.ProfileChanged = func(_ context.Context, id string) {
			cf.mu.Lock()
			defer cf.mu.Unlock()
			cf.changed = append(cf.changed, id)
		}
	}}, change...)...)
	return cf
}

// export GETs a CSV, checking that it is one.
func (cf *csvFixture) export(t *testing.T, query string) string {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/api/profiles?format=csv"+query, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	cf.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("export: status %d: %s", rec.Code, rec.Body)
	}
	if got, want := rec.Header().Get("Content-Type"), "text/csv; charset=utf-8"; got != want {
		t.Errorf("Content-Type = %q, want %q", got, want)
	}
	if got, want := rec.Header().Get("Content-Disposition"), `attachment; filename="profiles-20250401.csv"`; got != want {
		t.Errorf("Content-Disposition = %q, want %q", got, want)
	}
	return rec.Body.String()
}

// importCSV posts a CSV file.
func (cf *csvFixture) importCSV(t *testing.T, body string) *httptest.ResponseRecorder {
	t.Helper()
	h := http.Header{"Authorization": {"Bearer " + token}, "Content-Type": {"text/csv"}}
	return cf.send(t, http.MethodPost, "/api/profiles/import", body, h)
}

type importAnswer struct {
	Created int `json:"created"`
	Updated int `json:"updated"`
	Error   *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	Rows []struct {
		Line    int    `json:"line"`
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"rows"`
}

func TestProfilesExportAsCSVForExcel(t *testing.T) {
	cf := newCSVFixture(t)
	for _, body := range []string{hanako, taro} {
		if rec := cf.do(t, http.MethodPost, "/api/profiles", body); rec.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
	}
	paused := bot.Profile{ID: "slack:T1:U9", Name: "=cmd|' /C calc'!A0", Area: "ota", Skills: []string{"handyman"},
		WeeklyLimit: 1, Status: bot.StatusPaused, CreatedAt: now, UpdatedAt: now}
	paused.Availability.Set(5, 0, avail.SlotsPerDay) // all Saturday
	cf.store.put(paused)

	got := cf.export(t, "")
	if !strings.HasPrefix(got, "\ufeffid,name,area,skills,availability,weekly_limit,status,") {
		t.Fatalf("no BOM and header: %q", got[:min(len(got), 80)])
	}
	if !strings.Contains(got, "\r\n") {
		t.Error("lines do not end in CRLF, as Excel writes them")
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(got, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"line:U0123456789abcdef0123456789abcdef", "山田 花子", "世田谷区", "採点、Zoom配信サポート", "月曜 9:00〜12:00、金曜 18:00〜24:00", "2", "active"},
		{"slack:T1:U2", "Taro", "リモート", "Zoom配信サポート", "土曜 10:00〜17:00", "1", "active"},
		{"slack:T1:U9", "'=cmd|' /C calc'!A0", "大田区", "営繕・修理", "土曜 0:00〜24:00", "1", "paused"},
	}
	if len(records) != 1+len(want) {
		t.Fatalf("%d records, want a header and %d: %q", len(records), len(want), records)
	}
	for i, w := range want {
		if rec := records[i+1][:7]; !reflect.DeepEqual(rec, w) {
			t.Errorf("row %d\n got %q\nwant %q", i+1, rec, w)
		}
	}
	if c := records[0]; c[len(c)-3] != "consented_at" || records[1][len(c)-3] != "2025-04-01T10:30:00Z" {
		t.Errorf("consented_at: header %q, row %q", c, records[1])
	}

	t.Run("the JSON list's filters apply", func(t *testing.T) {
		got := cf.export(t, "&status=paused&skill="+urlq("修理"))
		if lines := strings.Split(strings.TrimSpace(got), "\r\n"); len(lines) != 2 || !strings.HasPrefix(lines[1], "slack:T1:U9,") {
			t.Errorf("filtered export: %q", got)
		}
	})
	t.Run("an unknown format is refused", func(t *testing.T) {
		rec := cf.do(t, http.MethodGet, "/api/profiles?format=xlsx", "")
		if code, _ := errorOf(t, rec); rec.Code != http.StatusBadRequest || code != bot.EINVALID {
			t.Errorf("status %d, code %q; want 400 invalid", rec.Code, code)
		}
	})
	t.Run("without format the list stays JSON", func(t *testing.T) {
		rec := cf.do(t, http.MethodGet, "/api/profiles?format=json", "")
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), `{"profiles":[`) {
			t.Errorf("status %d: %s", rec.Code, rec.Body)
		}
	})
}

func TestCSVImportIsAllOrNothing(t *testing.T) {
	cf := newCSVFixture(t)
	// Taro is known already: paused, with a history.
	known := bot.Profile{ID: "slack:T0123ABCD:U0123ABCD", Name: "Taro", Area: "ota", Skills: []string{"handyman"},
		WeeklyLimit: 1, Status: bot.StatusPaused, Counters: bot.Counters{Offers: 4, Accepts: 3}, CreatedAt: now.AddDate(0, -1, 0)}
	known.Availability.Set(5, 20, 34)
	cf.store.put(known)

	bad := "\ufeffid,name,area,skills,availability,weekly_limit,status\r\n" +
		"line:U0123456789abcdef0123456789abcdef,山田 花子,世田谷,丸付け、ズーム,平日の午前,２,active\r\n" +
		"slack:T0123ABCD:U0123ABCD,Taro Yamada,札幌,修理,土日,1,paused\r\n" +
		"line:U00000000000000000000000000000001,次郎,大田区,けん玉,月水金 10時〜15時,30,\r\n"
	rec := cf.importCSV(t, bad)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("status = %d, want 422: %s", rec.Code, rec.Body)
	}
	var ans importAnswer
	decode(t, rec, &ans)
	if ans.Error == nil || ans.Error.Code != bot.EUNPROCESSABLE || !strings.Contains(ans.Error.Message, "nothing was imported") {
		t.Errorf("error = %+v", ans.Error)
	}
	type row struct {
		Line  int
		Field string
	}
	var rows []row
	for _, r := range ans.Rows {
		rows = append(rows, row{r.Line, r.Field})
	}
	if want := []row{{3, "area"}, {4, "skills"}, {4, "weekly_limit"}}; !reflect.DeepEqual(rows, want) {
		t.Errorf("rows = %+v, want %+v", ans.Rows, want)
	}
	if n := len(cf.store.profiles); n != 1 {
		t.Errorf("%d profiles stored after a refused import, want only the one known before", n)
	}
	if len(cf.changed) != 0 {
		t.Errorf("changes announced after a refused import: %v", cf.changed)
	}

	good := strings.Replace(strings.Replace(bad, "札幌", "世田谷区", 1), "けん玉,月水金 10時〜15時,30", "営繕・修理,月水金 10時〜15時,3", 1)
	rec = cf.importCSV(t, good)
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200: %s", rec.Code, rec.Body)
	}
	ans = importAnswer{}
	decode(t, rec, &ans)
	if ans.Created != 2 || ans.Updated != 1 {
		t.Errorf("created %d, updated %d; want 2 and 1", ans.Created, ans.Updated)
	}
	if want := []string{"line:U0123456789abcdef0123456789abcdef", "slack:T0123ABCD:U0123ABCD", "line:U00000000000000000000000000000001"}; !reflect.DeepEqual(cf.changed, want) {
		t.Errorf("changed = %v, want %v", cf.changed, want)
	}

	hanako, _ := cf.store.FindProfile(t.Context(), "line:U0123456789abcdef0123456789abcdef")
	if hanako.Status != bot.StatusActive || hanako.Area != "setagaya" || !reflect.DeepEqual(hanako.Skills, []string{"grading", "zoom"}) ||
		hanako.WeeklyLimit != 2 || hanako.ConsentedAt == nil || !hanako.ConsentedAt.Equal(now) {
		t.Errorf("new person = %+v, want active, setagaya, grading and zoom, 2 a week, consent attested now", hanako)
	}
	taro, _ := cf.store.FindProfile(t.Context(), "slack:T0123ABCD:U0123ABCD")
	weekend, _ := avail.Parse("土日")
	if taro.Name != "Taro Yamada" || taro.Area != "setagaya" || taro.Availability != weekend || !taro.UpdatedAt.Equal(now) {
		t.Errorf("known person not updated: %+v", taro)
	}
	if taro.Status != bot.StatusPaused || taro.Counters != known.Counters || !taro.CreatedAt.Equal(known.CreatedAt) || taro.ConsentedAt == nil {
		t.Errorf("known person lost what is theirs: %+v (was %+v)", taro, known)
	}

	rec = cf.importCSV(t, good)
	ans = importAnswer{}
	decode(t, rec, &ans)
	if rec.Code != http.StatusOK || ans.Created != 0 || ans.Updated != 3 {
		t.Errorf("the same file again: %d %+v, want 200 with 3 updated", rec.Code, ans)
	}
}

func TestCSVRoundTripKeepsThePeople(t *testing.T) {
	from := newCSVFixture(t)
	for _, body := range []string{hanako, taro} {
		if rec := from.do(t, http.MethodPost, "/api/profiles", body); rec.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
	}
	odd := bot.Profile{ID: "slack:T1:U9", Name: "-さん", Area: "ota", Skills: []string{"handyman", "grading"},
		WeeklyLimit: 20, Status: bot.StatusPaused, CreatedAt: now, UpdatedAt: now}
	odd.Availability.Set(0, 0, avail.SlotsPerDay)
	odd.Availability.Set(2, 1, 3)
	odd.Availability.Set(2, 40, 48)
	odd.Availability.Set(6, 19, 20)
	// Slack IDs the import takes are stricter than stored ones: a real one.
	odd.ID = "slack:T0123ABCD:W0123ABCD"
	from.store.put(odd)

	exported := from.export(t, "")
	to := newCSVFixture(t)
	rec := to.importCSV(t, exported)
	if rec.Code != http.StatusOK {
		t.Fatalf("import of an export: %d %s\n%s", rec.Code, rec.Body, exported)
	}
	before, _ := from.store.FindProfiles(t.Context(), bot.ProfileFilter{})
	after, _ := to.store.FindProfiles(t.Context(), bot.ProfileFilter{})
	if len(after) != len(before) {
		t.Fatalf("%d people after the round trip, want %d", len(after), len(before))
	}
	for i, b := range before {
		a := after[i]
		if a.ID != b.ID || a.Name != b.Name || a.Area != b.Area || !reflect.DeepEqual(a.Skills, b.Skills) ||
			a.Availability != b.Availability || a.WeeklyLimit != b.WeeklyLimit {
			t.Errorf("round trip changed a person:\n got %+v\nwant %+v", a, b)
		}
		if b.ConsentedAt != nil && (a.ConsentedAt == nil || !a.ConsentedAt.Equal(*b.ConsentedAt)) {
			t.Errorf("%s: consented %v, want %v as exported", b.ID, a.ConsentedAt, b.ConsentedAt)
		}
	}
}

func TestCSVImportRefusesBadFiles(t *testing.T) {
	header := "id,name,area,skills,availability,weekly_limit\n"
	row := "line:U0123456789abcdef0123456789abcdef,山田 花子,世田谷,採点,平日の午前,2\n"
	tests := []struct {
		name       string
		body       io.Reader
		wantStatus int
		wantField  string // of the first row problem, for a 422
		wantLine   int
	}{
		{"an empty file", strings.NewReader(""), http.StatusUnprocessableEntity, "", 1},
		{"a missing column", strings.NewReader("id,name,area,skills,weekly_limit\n"), http.StatusUnprocessableEntity, "availability", 1},
		{"the same person twice", strings.NewReader(header + row + row), http.StatusUnprocessableEntity, "id", 3},
		{"JSON posted by mistake", strings.NewReader(hanako), http.StatusUnprocessableEntity, "id", 1},
		{"over 1 MiB", strings.NewReader(header + strings.Repeat(row, (1<<20)/len(row)+1)), http.StatusRequestEntityTooLarge, "", 0},
		{"over 1 MiB, of unknown length", struct{ io.Reader }{strings.NewReader(header + strings.Repeat(row, (1<<20)/len(row)+1))}, http.StatusRequestEntityTooLarge, "", 0},
	}
	cf := newCSVFixture(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := cf.sendReader(t, http.MethodPost, "/api/profiles/import", tt.body)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d: %s", rec.Code, tt.wantStatus, rec.Body)
			}
			var ans importAnswer
			decode(t, rec, &ans)
			if ans.Error == nil {
				t.Fatalf("no error: %s", rec.Body)
			}
			if tt.wantStatus != http.StatusUnprocessableEntity {
				return
			}
			if len(ans.Rows) == 0 || ans.Rows[0].Field != tt.wantField || ans.Rows[0].Line != tt.wantLine {
				t.Errorf("rows = %+v, want the first on line %d about %q", ans.Rows, tt.wantLine, tt.wantField)
			}
		})
	}
	if n := len(cf.store.profiles); n != 0 {
		t.Errorf("%d profiles stored by refused files", n)
	}
}

// failingImports fails from the nth write on, like Redis going away
// mid-import.
type failingImports struct {
	*memStore
	mu     sync.Mutex
	writes int
	n      int
}

func (f *failingImports) ImportProfile(ctx context.Context, p *bot.Profile, update func(*bot.Profile, *bot.Conversation)) (bool, error) {
	f.mu.Lock()
	f.writes++
	fail := f.writes >= f.n
	f.mu.Unlock()
	if fail {
		return false, errors.New("connection refused")
	}
	return f.memStore.ImportProfile(ctx, p, update)
}

func TestCSVImportStoppedMidwayCanBeRunAgain(t *testing.T) {
	var fi *failingImports
	cf := newCSVFixture(t, func(o *httpapi.Options) {
		fi = &failingImports{memStore: o.Profiles.(*memStore), n: 2}
		o.Imports = fi
	})
	file := "id,name,area,skills,availability,weekly_limit\n" +
		"line:U0123456789abcdef0123456789abcdef,山田 花子,世田谷,採点,平日の午前,2\n" +
		"slack:T0123ABCD:U0123ABCD,Taro,リモート,ズーム,土日,1\n"
	rec := cf.importCSV(t, file)
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500: %s", rec.Code, rec.Body)
	}
	if n := len(cf.store.profiles); n != 1 {
		t.Errorf("%d people stored before the failure, want the first", n)
	}
	fi.n = 100 // Redis is back
	rec = cf.importCSV(t, file)
	var ans importAnswer
	decode(t, rec, &ans)
	if rec.Code != http.StatusOK || ans.Created != 1 || ans.Updated != 1 {
		t.Errorf("run again: %d %s, want 200 with 1 created and 1 updated", rec.Code, rec.Body)
	}
}
