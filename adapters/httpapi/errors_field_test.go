package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"tsunagu/adapters/httpapi"
	"tsunagu/bot"
)

// validatingService stands for the bot's task, session, broadcast and
// conversation services: it refuses with the domain's own validation and creates
// nothing; a title of "boom" fails without a code, as a store would.
type validatingService struct {
	httpapi.TaskService
	httpapi.SessionService
	httpapi.BroadcastService
	httpapi.ConversationService
	cat *bot.Catalog
}

func (v validatingService) CreateTask(_ context.Context, t *bot.Task) (*bot.Task, error) {
	if t.Title == "boom" {
		return nil, errors.New("redis: connection refused")
	}
	if err := t.Validate(v.cat, now); err != nil {
		return nil, err
	}
	return t, nil
}

func (v validatingService) CreateSession(_ context.Context, s *bot.Session) (*bot.SessionView, error) {
	if err := s.Validate(v.cat, now); err != nil {
		return nil, err
	}
	return &bot.SessionView{Session: *s}, nil
}

func (v validatingService) AddAttendee(context.Context, string, string) (*bot.SessionView, bool, error) {
	return nil, false, errors.New("not reached: the profile_id is checked first")
}

func (v validatingService) FindSession(context.Context, string) (*bot.SessionView, error) {
	return &bot.SessionView{}, nil
}

func (v validatingService) CreateBroadcast(context.Context, *bot.Broadcast) (*bot.BroadcastView, error) {
	return nil, errors.New("not reached: send_at is checked first")
}

// TestErrorJSONNamesTheField: an answer to a request refused for one of
// its fields says which, as "field" inside "error", next to the code and
// message of the contract; other errors have no "field".
func TestErrorJSONNamesTheField(t *testing.T) {
	cat := testCatalog(t)
	svc := validatingService{cat: cat}
	f := newFixture(t, func(o *httpapi.Options) {
		o.Tasks, o.Sessions, o.Broadcasts, o.Conversations = svc, svc, svc, svc
	})
	with := func(base string, field string, value any) string {
		var m map[string]any
		if err := json.Unmarshal([]byte(base), &m); err != nil {
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
	start := now.Add(48 * time.Hour)
	task := `{"title":"採点","skills":["grading"],"area":"setagaya","headcount":1,"start":"` +
		start.Format(time.RFC3339) + `","end":"` + start.Add(2*time.Hour).Format(time.RFC3339) + `"}`
	session := `{"title":"説明会","start":"` + start.Format(time.RFC3339) + `","end":"` + start.Add(time.Hour).Format(time.RFC3339) + `"}`
	tests := []struct {
		name, method, path, body string
		status                   int
		field                    string // "" for no "field" at all
	}{
		{"profile: ID of no platform", "POST", "/api/profiles", with(hanako, "id", "U999"), 422, "id"},
		{"profile: unknown area", "POST", "/api/profiles", with(hanako, "area", "札幌"), 422, "area"},
		{"profile: no area", "POST", "/api/profiles", with(hanako, "area", nil), 422, "area"},
		{"profile: unknown skill", "POST", "/api/profiles", with(hanako, "skills", []string{"juggling"}), 422, "skills"},
		{"profile: name on two lines", "POST", "/api/profiles", with(hanako, "name", "山田\n花子"), 422, "name"},
		{"profile: no availability", "POST", "/api/profiles", with(hanako, "availability", []any{}), 422, "availability"},
		{"profile: bad time range", "POST", "/api/profiles", with(hanako, "availability", []map[string]string{{"day": "mon", "from": "12:00", "to": "09:00"}}), 422, "availability"},
		{"profile: weekly limit 0", "POST", "/api/profiles", with(hanako, "weekly_limit", 0), 422, "weekly_limit"},
		{"profile: weekly limit as a string", "POST", "/api/profiles", with(hanako, "weekly_limit", "2"), 400, "weekly_limit"},
		{"profiles: unknown status", "GET", "/api/profiles?status=sleeping", "", 400, "status"},
		{"profiles: unknown skill", "GET", "/api/profiles?skill=juggling", "", 400, "skill"},
		{"profiles: unknown area", "GET", "/api/profiles?area=" + urlq("札幌"), "", 400, "area"},
		{"task: no title", "POST", "/api/tasks", with(task, "title", " "), 422, "title"},
		{"task: unknown skill", "POST", "/api/tasks", with(task, "skills", []string{"juggling"}), 422, "skills"},
		{"task: unknown area", "POST", "/api/tasks", with(task, "area", "札幌"), 422, "area"},
		{"task: no start", "POST", "/api/tasks", with(task, "start", nil), 422, "start"},
		{"task: end not a time", "POST", "/api/tasks", with(task, "end", "noon"), 422, "end"},
		{"task: end before start", "POST", "/api/tasks", with(task, "end", start.Add(-time.Hour).Format(time.RFC3339)), 422, "end"},
		{"task: headcount 0", "POST", "/api/tasks", with(task, "headcount", 0), 422, "headcount"},
		{"task: offer_ttl not a duration", "POST", "/api/tasks", with(task, "offer_ttl", "soon"), 422, "offer_ttl"},
		{"task: reward too long", "POST", "/api/tasks", with(task, "reward", strings.Repeat("円", bot.MaxRewardLen+1)), 422, "reward"},
		{"session: ftp url", "POST", "/api/sessions", with(session, "url", "ftp://example.jp"), 422, "url"},
		{"session: reminder not a duration", "POST", "/api/sessions", with(session, "reminders", []string{"tomorrow"}), 422, "reminders"},
		{"session: audience area unknown", "POST", "/api/sessions", with(session, "audience", map[string]any{"areas": []string{"札幌"}}), 422, "audience.areas"},
		{"session: audience skill unknown", "POST", "/api/sessions", with(session, "audience", map[string]any{"skills": []string{"juggling"}}), 422, "audience.skills"},
		{"session: audience channel unknown", "POST", "/api/sessions", with(session, "audience", map[string]any{"channels": []string{"fax"}}), 422, "audience.channels"},
		{"rsvp: no profile_id", "POST", "/api/sessions/S1/rsvps", `{}`, 422, "profile_id"},
		{"broadcast: send_at not a time", "POST", "/api/broadcasts", `{"text":"お知らせ","send_at":"tomorrow"}`, 422, "send_at"},
		{"conversations: unknown status", "GET", "/api/conversations?status=sleeping", "", 400, "status"},
		{"malformed JSON names no field", "POST", "/api/tasks", `{"title":`, 400, ""},
		{"a body that is not an object", "POST", "/api/profiles", `[]`, 400, ""},
		{"profile: consent in the future", "POST", "/api/profiles", with(hanako, "consented_at", "2099-01-01T00:00:00Z"), 422, "consented_at"},
		{"task: start years ahead", "POST", "/api/tasks", with(with(task, "start", "9999-12-21T09:00:00+09:00"), "end", "9999-12-21T11:00:00+09:00"), 422, "start"},
		{"an audience that is not an object", "POST", "/api/sessions", with(session, "audience", []string{}), 400, "audience"},
		{"unknown route names no field", "GET", "/api/nothing", "", 404, ""},
		{"internal error names no field", "POST", "/api/tasks", with(task, "title", "boom"), 500, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := f.do(t, tc.method, tc.path, tc.body)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			var body struct {
				Error map[string]any `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("decode %s: %v", rec.Body, err)
			}
			if body.Error["code"] == nil || body.Error["message"] == nil {
				t.Errorf("no code or message: %s", rec.Body)
			}
			if msg, _ := body.Error["message"].(string); strings.Contains(msg, "httpapi.") || strings.Contains(msg, "bot.") {
				t.Errorf("the message names a Go type: %q", msg)
			}
			field, has := body.Error["field"]
			switch {
			case tc.field == "" && has:
				t.Errorf("field %v, want none: %s", field, rec.Body)
			case tc.field != "" && field != tc.field:
				t.Errorf("field %v, want %q: %s", field, tc.field, rec.Body)
			}
		})
	}
}

// TestCodedInternalErrorIsLoggedOnce: a webhook that logged its failure
// with its own context answers through WriteError with an error coded
// internal, which is not logged a second time; an error without a code
// is still logged, as nobody else said anything about it.
func TestCodedInternalErrorIsLoggedOnce(t *testing.T) {
	f := newFixture(t, func(o *httpapi.Options) {
		o.Mount = map[string]http.Handler{
			"POST /hook/coded": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				httpapi.WriteError(w, r, &bot.Error{Code: bot.EINTERNAL, Message: "internal error"})
			}),
			"POST /hook/uncoded": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				httpapi.WriteError(w, r, errors.New("redis: connection refused"))
			}),
		}
	})
	for path, wantLogged := range map[string]int{"/hook/coded": 0, "/hook/uncoded": 1} {
		before := len(f.logs.records(t, "request failed"))
		rec := f.send(t, http.MethodPost, path, "", http.Header{})
		if rec.Code != http.StatusInternalServerError {
			t.Fatalf("%s: status %d", path, rec.Code)
		}
		if code, msg := errorOf(t, rec); code != bot.EINTERNAL || msg != "internal error" {
			t.Errorf("%s: error %s %q", path, code, msg)
		}
		if got := len(f.logs.records(t, "request failed")) - before; got != wantLogged {
			t.Errorf("%s: logged %d times, want %d", path, got, wantLogged)
		}
	}
}
