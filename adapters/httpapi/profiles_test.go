package httpapi_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"tsunagu/bot"
	"tsunagu/bot/avail"
)

// hanako is a senior imported by a coordinator, spelled the way people
// type: a ward without 区, skills by synonym and label, one ID repeated.
const hanako = `{
	"id": "line:U0123456789abcdef0123456789abcdef",
	"name": " 山田 花子 ",
	"area": "世田谷",
	"skills": ["丸付け", "Zoom配信サポート", "grading"],
	"availability": [{"day":"mon","from":"09:00","to":"12:00"}, {"day":"Friday","from":"18:00","to":"24:00"}],
	"weekly_limit": 2
}`

// taro is a side-jobber on Slack, working remotely.
const taro = `{
	"id": "slack:T1:U2",
	"name": "Taro",
	"area": "オンライン",
	"skills": ["ズーム"],
	"availability": [{"day":"sat","from":"10:00","to":"17:00"}],
	"weekly_limit": 1,
	"consented_at": "2025-03-01T09:00:00+09:00"
}`

func TestImportedProfileIsNormalizedAndActive(t *testing.T) {
	f := newFixture(t)
	rec := f.do(t, http.MethodPost, "/api/profiles", hanako)
	if rec.Code != http.StatusCreated {
		t.Fatalf("status = %d, want 201: %s", rec.Code, rec.Body)
	}
	if got, want := rec.Header().Get("Location"), "/api/profiles/line:U0123456789abcdef0123456789abcdef"; got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}
	var got bot.Profile
	decode(t, rec, &got)
	week, _ := avail.FromRanges([]avail.Range{{Day: "mon", From: "09:00", To: "12:00"}, {Day: "fri", From: "18:00", To: "24:00"}})
	want := bot.Profile{
		ID:           "line:U0123456789abcdef0123456789abcdef",
		Name:         "山田 花子",
		Area:         "setagaya",
		Skills:       []string{"grading", "zoom"},
		Availability: week,
		WeeklyLimit:  2,
		ConsentedAt:  &now,
		Status:       bot.StatusActive,
		CreatedAt:    now,
		UpdatedAt:    now,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("answered\n got %+v\nwant %+v", got, want)
	}
	stored, err := f.store.FindProfile(t.Context(), "line:U0123456789abcdef0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*stored, want) {
		t.Errorf("stored\n got %+v\nwant %+v", *stored, want)
	}
	if !strings.Contains(rec.Body.String(), `"to":"24:00"`) {
		t.Errorf("end of day not written as 24:00: %s", rec.Body)
	}
}

func TestGivenConsentTimeIsKept(t *testing.T) {
	f := newFixture(t)
	rec := f.do(t, http.MethodPost, "/api/profiles", taro)
	if rec.Code != http.StatusCreated {
		t.Fatalf("status = %d: %s", rec.Code, rec.Body)
	}
	var got bot.Profile
	decode(t, rec, &got)
	want := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	if got.ConsentedAt == nil || !got.ConsentedAt.Equal(want) {
		t.Errorf("consented_at = %v, want %v", got.ConsentedAt, want)
	}
	if got.Area != bot.AreaRemote || got.Status != bot.StatusActive {
		t.Errorf("area, status = %q, %q; want remote, active", got.Area, got.Status)
	}
}

func TestProfileIsFoundByPlainAndEncodedID(t *testing.T) {
	f := newFixture(t)
	for _, body := range []string{hanako, taro} {
		if rec := f.do(t, http.MethodPost, "/api/profiles", body); rec.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
	}
	tests := []struct {
		name, path, wantID string
	}{
		{"LINE ID as it is", "/api/profiles/line:U0123456789abcdef0123456789abcdef", "line:U0123456789abcdef0123456789abcdef"},
		{"LINE ID percent-encoded", "/api/profiles/line%3AU0123456789abcdef0123456789abcdef", "line:U0123456789abcdef0123456789abcdef"},
		{"LINE ID in lower-case hex", "/api/profiles/line%3aU0123456789abcdef0123456789abcdef", "line:U0123456789abcdef0123456789abcdef"},
		{"Slack ID as it is", "/api/profiles/slack:T1:U2", "slack:T1:U2"},
		{"Slack ID percent-encoded", "/api/profiles/slack%3AT1%3AU2", "slack:T1:U2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := f.do(t, http.MethodGet, tt.path, "")
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d: %s", rec.Code, rec.Body)
			}
			var got map[string]any
			decode(t, rec, &got)
			if got["id"] != tt.wantID || got["status"] != "active" {
				t.Errorf("id, status = %v, %v; want %s, active", got["id"], got["status"], tt.wantID)
			}
			for _, k := range []string{"name", "area", "skills", "availability", "weekly_limit", "consented_at", "counters", "created_at", "updated_at"} {
				if _, ok := got[k]; !ok {
					t.Errorf("profile lacks %q: %s", k, rec.Body)
				}
			}
		})
	}
}

func TestUnknownProfileIsNotFound(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/api/profiles/line:Unobody", "/api/profiles/nonsense", "/api/profiles/line:a%2Fb"} {
		rec := f.do(t, http.MethodGet, path, "")
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: status = %d, want 404", path, rec.Code)
			continue
		}
		if code, _ := errorOf(t, rec); code != bot.ENOTFOUND {
			t.Errorf("GET %s: code = %q", path, code)
		}
	}
}

func TestProfilesAreListedByFilter(t *testing.T) {
	f := newFixture(t)
	for _, body := range []string{hanako, taro} {
		if rec := f.do(t, http.MethodPost, "/api/profiles", body); rec.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
	}
	f.store.put(bot.Profile{ID: "line:Unew", Status: bot.StatusOnboarding, CreatedAt: now, UpdatedAt: now})

	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"no filter lists everyone, ordered by ID", "", []string{"line:U0123456789abcdef0123456789abcdef", "line:Unew", "slack:T1:U2"}},
		{"area by ID", "?area=setagaya", []string{"line:U0123456789abcdef0123456789abcdef"}},
		{"area by label", "?area=" + urlq("世田谷区"), []string{"line:U0123456789abcdef0123456789abcdef"}},
		{"area by synonym", "?area=" + urlq("在宅"), []string{"slack:T1:U2"}},
		{"skill by ID", "?skill=zoom", []string{"line:U0123456789abcdef0123456789abcdef", "slack:T1:U2"}},
		{"skill by synonym", "?skill=" + urlq("丸付け"), []string{"line:U0123456789abcdef0123456789abcdef"}},
		{"status", "?status=onboarding", []string{"line:Unew"}},
		{"status in capitals", "?status=ACTIVE", []string{"line:U0123456789abcdef0123456789abcdef", "slack:T1:U2"}},
		{"filters combine", "?skill=zoom&area=remote&status=active", []string{"slack:T1:U2"}},
		{"nobody matches", "?status=paused", []string{}},
		{"empty parameters match all", "?area=&skill=&status=", []string{"line:U0123456789abcdef0123456789abcdef", "line:Unew", "slack:T1:U2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := f.do(t, http.MethodGet, "/api/profiles"+tt.query, "")
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d: %s", rec.Code, rec.Body)
			}
			var body struct {
				Profiles []map[string]any `json:"profiles"`
			}
			decode(t, rec, &body)
			if body.Profiles == nil {
				t.Fatalf("profiles is null or missing: %s", rec.Body)
			}
			got := []string{}
			for _, p := range body.Profiles {
				got = append(got, fmt.Sprint(p["id"]))
				if p["skills"] == nil {
					t.Errorf("%v: skills is null", p["id"])
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ids = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBadFiltersAreRefused(t *testing.T) {
	f := newFixture(t)
	for _, query := range []string{"?status=sleeping", "?area=" + urlq("札幌"), "?skill=juggling"} {
		rec := f.do(t, http.MethodGet, "/api/profiles"+query, "")
		if rec.Code != http.StatusBadRequest {
			t.Errorf("%s: status = %d, want 400", query, rec.Code)
			continue
		}
		if code, _ := errorOf(t, rec); code != bot.EINVALID {
			t.Errorf("%s: code = %q", query, code)
		}
	}
}

func TestBadImportsAreRefused(t *testing.T) {
	// with returns hanako with one field replaced (or removed, for nil).
	with := func(field string, value any) string {
		var m map[string]any
		if err := json.Unmarshal([]byte(hanako), &m); err != nil {
			panic(err)
		}
		if value == nil {
			delete(m, field)
		} else {
			m[field] = value
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	slot := func(day, from, to string) []map[string]string {
		return []map[string]string{{"day": day, "from": from, "to": to}}
	}
	tests := []struct {
		name        string
		body        string
		wantStatus  int
		wantCode    string
		wantMessage string // a part of the message, naming the field
	}{
		{"existing ID", hanako, http.StatusConflict, bot.ECONFLICT, "line:U0123456789abcdef0123456789abcdef"},
		{"ID of no platform", with("id", "U999"), http.StatusUnprocessableEntity, bot.EUNPROCESSABLE, "id"},
		{"LINE ID LINE never issues", with("id", "line:tanaka"), http.StatusUnprocessableEntity, bot.EUNPROCESSABLE, "not a LINE user ID"},
		{"LINE ID in capitals", with("id", "line:U0123456789ABCDEF0123456789ABCDEF"), http.StatusUnprocessableEntity, bot.EUNPROCESSABLE, "not a LINE user ID"},
		{"Slack user ID in lower case", with("id", "slack:T1:u2"), http.StatusUnprocessableEntity, bot.EUNPROCESSABLE, "not a Slack ID"},
		{"name on two lines", with("name", "山田\u2028花子"), http.StatusUnprocessableEntity, bot.EUNPROCESSABLE, "name"},
		{"name of a zero-width space", with("name", "\u200b"), http.StatusUnprocessableEntity, bot.EUNPROCESSABLE, "name"},
		{"unknown skill named", with("skills", []string{"採点", "juggling"}), http.StatusUnprocessableEntity, bot.EUNPROCESSABLE, `"juggling"`},
		{"no skills", with("skills", []string{}), http.StatusUnprocessableEntity, bot.EUNPROCESSABLE, "skills"},
		{"unknown area named", with("area", "札幌"), http.StatusUnprocessableEntity, bot.EUNPROCESSABLE, `"札幌"`},
		{"no area", with("area", nil), http.StatusUnprocessableEntity, bot.EUNPROCESSABLE, "area"},
		{"no name", with("name", "  "), http.StatusUnprocessableEntity, bot.EUNPROCESSABLE, "name"},
		{"range ending before it starts", with("availability", slot("mon", "12:00", "09:00")), http.StatusUnprocessableEntity, bot.EUNPROCESSABLE, "availability[0]"},
		{"unknown day", with("availability", slot("moonday", "09:00", "12:00")), http.StatusUnprocessableEntity, bot.EUNPROCESSABLE, "availability[0]"},
		{"time off the half-hour", with("availability", slot("mon", "09:15", "12:00")), http.StatusUnprocessableEntity, bot.EUNPROCESSABLE, "availability[0]"},
		{"time past the end of day", with("availability", slot("mon", "09:00", "24:30")), http.StatusUnprocessableEntity, bot.EUNPROCESSABLE, "availability[0]"},
		{"no availability", with("availability", []any{}), http.StatusUnprocessableEntity, bot.EUNPROCESSABLE, "availability"},
		{"weekly limit 0", with("weekly_limit", 0), http.StatusUnprocessableEntity, bot.EUNPROCESSABLE, "weekly_limit"},
		{"weekly limit missing", with("weekly_limit", nil), http.StatusUnprocessableEntity, bot.EUNPROCESSABLE, "weekly_limit"},
		{"weekly limit too high", with("weekly_limit", 99), http.StatusUnprocessableEntity, bot.EUNPROCESSABLE, "weekly_limit"},
		{"malformed JSON", `{"id": "line:U9",`, http.StatusBadRequest, bot.EINVALID, "malformed"},
		{"not JSON at all", `id=line:U9`, http.StatusBadRequest, bot.EINVALID, "malformed"},
		{"limit as a string", with("weekly_limit", "2"), http.StatusBadRequest, bot.EINVALID, "weekly_limit"},
		{"skills as a string", with("skills", "採点"), http.StatusBadRequest, bot.EINVALID, "skills"},
		{"consent time not a time", with("consented_at", "yesterday"), http.StatusBadRequest, bot.EINVALID, "malformed"},
		{"empty body", "", http.StatusBadRequest, bot.EINVALID, "empty"},
		{"two values", hanako + hanako, http.StatusBadRequest, bot.EINVALID, "malformed"},
		{"body over 1 MiB", with("name", strings.Repeat("あ", 400_000)), http.StatusRequestEntityTooLarge, bot.ETOOLARGE, "larger"},
		{"value followed by 1 MiB of blanks", hanako + strings.Repeat(" ", 1<<20), http.StatusRequestEntityTooLarge, bot.ETOOLARGE, "larger"},
	}
	f := newFixture(t)
	if rec := f.do(t, http.MethodPost, "/api/profiles", hanako); rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := f.do(t, http.MethodPost, "/api/profiles", tt.body)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d: %s", rec.Code, tt.wantStatus, rec.Body)
			}
			code, msg := errorOf(t, rec)
			if code != tt.wantCode || !strings.Contains(msg, tt.wantMessage) {
				t.Errorf("error = %s %q, want %s mentioning %q", code, msg, tt.wantCode, tt.wantMessage)
			}
		})
	}
}

func TestOversizedBodyOfUnknownLengthIsRefused(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"one long value", `{"name":"` + strings.Repeat("x", 2<<20) + `"}`},
		{"a value, then blanks past the cap", hanako + strings.Repeat(" ", 1<<20)},
	}
	f := newFixture(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A reader of no known length makes the request chunked: only
			// reading finds the size out.
			rec := f.sendReader(t, http.MethodPost, "/api/profiles", struct{ io.Reader }{strings.NewReader(tt.body)})
			if rec.Code != http.StatusRequestEntityTooLarge {
				t.Fatalf("status = %d, want 413: %s", rec.Code, rec.Body)
			}
		})
	}
}

func TestContentTypeIsNotChecked(t *testing.T) {
	f := newFixture(t)
	h := http.Header{"Authorization": {"Bearer " + token}, "Content-Type": {"text/plain"}}
	if rec := f.send(t, http.MethodPost, "/api/profiles", hanako, h); rec.Code != http.StatusCreated {
		t.Fatalf("status = %d, want 201: %s", rec.Code, rec.Body)
	}
}

// A profile read from GET carries fields an import does not take (status,
// counters, times); posting it back imports it, active, rather than failing.
func TestImportIgnoresFieldsItDoesNotTake(t *testing.T) {
	f := newFixture(t)
	body := strings.Replace(hanako, `"weekly_limit": 2`, `"weekly_limit": 2, "status": "paused", "counters": {"offers": 9}`, 1)
	rec := f.do(t, http.MethodPost, "/api/profiles", body)
	if rec.Code != http.StatusCreated {
		t.Fatalf("status = %d, want 201: %s", rec.Code, rec.Body)
	}
	var got bot.Profile
	decode(t, rec, &got)
	if got.Status != bot.StatusActive || got.Counters.Offers != 0 {
		t.Errorf("imported %+v, want active with fresh counters", got)
	}
}
