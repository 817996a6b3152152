package httpapi_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"tsunagu/adapters/httpapi"
	"tsunagu/bot"
)

func TestUnroutedAPIRequestsAnswerJSON(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name      string
		method    string
		path      string
		want      int
		wantCode  string
		wantAllow string
	}{
		{"unknown route", http.MethodGet, "/api/nothing", http.StatusNotFound, bot.ENOTFOUND, ""},
		{"unknown nested route", http.MethodGet, "/api/profiles/line:U1/offers", http.StatusNotFound, bot.ENOTFOUND, ""},
		{"bare prefix", http.MethodGet, "/api/", http.StatusNotFound, bot.ENOTFOUND, ""},
		{"prefix without slash", http.MethodGet, "/api", http.StatusNotFound, bot.ENOTFOUND, ""},
		{"profile ID missing", http.MethodGet, "/api/profiles/", http.StatusNotFound, bot.ENOTFOUND, ""},
		{"profile deleted by PUT", http.MethodPut, "/api/profiles/line:U1", http.StatusMethodNotAllowed, "method_not_allowed", "GET, HEAD"},
		{"catalog posted to", http.MethodPost, "/api/catalog", http.StatusMethodNotAllowed, "method_not_allowed", "GET, HEAD"},
		{"profiles deleted", http.MethodDelete, "/api/profiles", http.StatusMethodNotAllowed, "method_not_allowed", "GET, HEAD, POST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := f.do(t, tt.method, tt.path, "")
			if rec.Code != tt.want {
				t.Fatalf("status = %d, want %d: %s", rec.Code, tt.want, rec.Body)
			}
			if code, _ := errorOf(t, rec); code != tt.wantCode {
				t.Errorf("code = %q, want %q", code, tt.wantCode)
			}
			if got := rec.Header().Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tt.wantAllow)
			}
		})
	}
}

func TestExtraAPIRoutesStayBehindTheToken(t *testing.T) {
	called := 0
	f := newFixture(t, func(o *httpapi.Options) {
		o.API = map[string]http.Handler{
			"POST /api/tasks": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				called++
				httpapi.WriteJSON(w, http.StatusCreated, map[string]string{"id": "t1"})
			}),
		}
	})
	if rec := f.send(t, http.MethodPost, "/api/tasks", "{}", nil); rec.Code != http.StatusUnauthorized || called != 0 {
		t.Fatalf("without token: status %d, handler called %d times", rec.Code, called)
	}
	if rec := f.do(t, http.MethodPost, "/api/tasks", "{}"); rec.Code != http.StatusCreated || called != 1 {
		t.Fatalf("with token: status %d, handler called %d times", rec.Code, called)
	}
	if rec := f.do(t, http.MethodGet, "/api/tasks", ""); rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("GET of a POST route: status %d, want 405", rec.Code)
	}
}

func TestMountedRoutesArePublic(t *testing.T) {
	f := newFixture(t, func(o *httpapi.Options) {
		o.Mount = map[string]http.Handler{
			"POST /line/webhook": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				httpapi.WriteJSON(w, http.StatusOK, map[string]string{})
			}),
		}
	})
	if rec := f.send(t, http.MethodPost, "/line/webhook", "{}", nil); rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	if len(f.logs.records(t, "http request")) != 1 {
		t.Errorf("mounted route not logged: %s", f.logs)
	}
	// Asked with another method, a webhook answers as the API does.
	rec := f.send(t, http.MethodGet, "/line/webhook", "", nil)
	if code, _ := errorOf(t, rec); rec.Code != http.StatusMethodNotAllowed || code != "method_not_allowed" || rec.Header().Get("Allow") != "POST" {
		t.Errorf("GET /line/webhook: %d %q, Allow %q", rec.Code, code, rec.Header().Get("Allow"))
	}
}

func TestStoreFailuresAreHiddenAndLogged(t *testing.T) {
	f := newFixture(t)
	f.store.err = fmt.Errorf("load profile: %w", errors.New("dial tcp 10.0.0.7:6379: connection refused"))
	h := http.Header{"Authorization": {"Bearer " + token}, "X-Request-Id": {"req-42"}}

	rec := f.send(t, http.MethodGet, "/api/profiles/line:U0123456789abcdef0123456789abcdef", "", h)
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
	code, msg := errorOf(t, rec)
	if code != bot.EINTERNAL || msg != "internal error" {
		t.Errorf("error = %s %q, want internal \"internal error\"", code, msg)
	}
	if strings.Contains(rec.Body.String(), "10.0.0.7") {
		t.Errorf("body leaks the cause: %s", rec.Body)
	}
	logged := f.logs.records(t, "request failed")
	if len(logged) != 1 {
		t.Fatalf("want one failure logged, got %s", f.logs)
	}
	if logged[0]["request_id"] != "req-42" || !strings.Contains(fmt.Sprint(logged[0]["err"]), "10.0.0.7") {
		t.Errorf("failure log = %v, want the request ID and the cause", logged[0])
	}
}

func TestPanicBecomesJSON500(t *testing.T) {
	f := newFixture(t, func(o *httpapi.Options) {
		o.API = map[string]http.Handler{
			"GET /api/boom": http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("nil map somewhere") }),
		}
	})
	rec := f.do(t, http.MethodGet, "/api/boom", "")
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
	if code, msg := errorOf(t, rec); code != bot.EINTERNAL || strings.Contains(msg, "nil map") {
		t.Errorf("error = %s %q", code, msg)
	}
	if got := f.logs.records(t, "panic serving request"); len(got) != 1 || got[0]["pattern"] != "GET /api/boom" {
		t.Errorf("panic log = %v", got)
	}
}

func TestRequestLogNamesThePatternNotThePath(t *testing.T) {
	f := newFixture(t)
	f.do(t, http.MethodPost, "/api/profiles", hanako)
	h := http.Header{"Authorization": {"Bearer " + token}, "X-Request-Id": {"abc-123"}}
	rec := f.send(t, http.MethodGet, "/api/profiles/line%3AU0123456789abcdef0123456789abcdef", "", h)
	if got := rec.Header().Get("X-Request-Id"); got != "abc-123" {
		t.Errorf("X-Request-Id = %q, want the incoming one", got)
	}
	f.do(t, http.MethodGet, "/api/nowhere", "")
	f.send(t, http.MethodGet, "/healthz", "", nil)

	logged := f.logs.records(t, "http request")
	if len(logged) != 4 {
		t.Fatalf("want 4 request lines, got %d: %s", len(logged), f.logs)
	}
	want := []struct {
		pattern string
		status  float64
	}{
		{"POST /api/profiles", 201},
		{"GET /api/profiles/{id}", 200},
		{"/api/", 404},
		{"GET /healthz", 200},
	}
	for i, w := range want {
		got := logged[i]
		if got["pattern"] != w.pattern || got["status"] != w.status || got["method"] == nil || got["duration"] == nil {
			t.Errorf("line %d = %v, want pattern %q status %v", i, got, w.pattern, w.status)
		}
		if id, _ := got["request_id"].(string); id == "" {
			t.Errorf("line %d has no request ID", i)
		}
	}
	if logged[1]["request_id"] != "abc-123" {
		t.Errorf("request ID = %v, want abc-123", logged[1]["request_id"])
	}
	for _, secret := range []string{"U0123456789abcdef0123456789abcdef", "花子", token} {
		if strings.Contains(f.logs.String(), secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
}

func TestOddRequestIDsAreReplaced(t *testing.T) {
	f := newFixture(t)
	for _, in := range []string{"", "has space", "line\nbreak", strings.Repeat("x", 65)} {
		rec := f.send(t, http.MethodGet, "/healthz", "", http.Header{"X-Request-Id": {in}})
		got := rec.Header().Get("X-Request-Id")
		if got == "" || got == in {
			t.Errorf("incoming %q: answered ID %q", in, got)
		}
	}
}
