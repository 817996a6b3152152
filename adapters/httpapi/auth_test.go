package httpapi_test

import (
	"net/http"
	"testing"

	"tsunagu/adapters/httpapi"
)

func TestAPIAsksForTheAdminToken(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name   string
		path   string
		header string
		want   int
	}{
		{"no Authorization header", "/api/catalog", "", http.StatusUnauthorized},
		{"wrong token", "/api/catalog", "Bearer nope", http.StatusUnauthorized},
		{"token with a suffix", "/api/catalog", "Bearer " + token + "x", http.StatusUnauthorized},
		{"token as Basic credentials", "/api/catalog", "Basic " + token, http.StatusUnauthorized},
		{"scheme without token", "/api/catalog", "Bearer", http.StatusUnauthorized},
		{"unknown route without token says nothing of routes", "/api/nothing", "", http.StatusUnauthorized},
		{"right token", "/api/catalog", "Bearer " + token, http.StatusOK},
		{"scheme in lower case", "/api/catalog", "bearer " + token, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.header != "" {
				h.Set("Authorization", tt.header)
			}
			rec := f.send(t, http.MethodGet, tt.path, "", h)
			if rec.Code != tt.want {
				t.Fatalf("status = %d, want %d: %s", rec.Code, tt.want, rec.Body)
			}
			if tt.want != http.StatusUnauthorized {
				return
			}
			if code, _ := errorOf(t, rec); code != "unauthorized" {
				t.Errorf("code = %q, want unauthorized", code)
			}
			if rec.Header().Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
}

func TestEmptyAdminTokenRefusesEveryone(t *testing.T) {
	f := newFixture(t, func(o *httpapi.Options) { o.AdminToken = "" })
	for _, header := range []string{"", "Bearer ", "Bearer  "} {
		rec := f.send(t, http.MethodGet, "/api/catalog", "", http.Header{"Authorization": {header}})
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("Authorization %q: status = %d, want 401", header, rec.Code)
		}
	}
}
