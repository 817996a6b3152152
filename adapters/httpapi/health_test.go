package httpapi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"tsunagu/adapters/httpapi"
	"tsunagu/adapters/metrics"
)

func TestProbes(t *testing.T) {
	down := func(o *httpapi.Options) {
		o.Ready = func(context.Context) error { return errors.New("dial tcp 10.0.0.7:6379: connection refused") }
	}
	tests := []struct {
		name     string
		change   []func(*httpapi.Options)
		method   string
		path     string
		want     int
		wantBody string
	}{
		{"alive", nil, http.MethodGet, "/healthz", http.StatusOK, `{"status":"ok"}`},
		{"alive to HEAD", nil, http.MethodHead, "/healthz", http.StatusOK, ""},
		{"ready with Redis up", nil, http.MethodGet, "/readyz", http.StatusOK, `{"status":"ok"}`},
		{"ready without a check", []func(*httpapi.Options){func(o *httpapi.Options) { o.Ready = nil }}, http.MethodGet, "/readyz", http.StatusOK, `{"status":"ok"}`},
		{"not ready with Redis down", []func(*httpapi.Options){down}, http.MethodGet, "/readyz", http.StatusServiceUnavailable, `{"status":"unavailable"}`},
		{"still alive with Redis down", []func(*httpapi.Options){down}, http.MethodGet, "/healthz", http.StatusOK, `{"status":"ok"}`},
		{"probe takes no POST", nil, http.MethodPost, "/healthz", http.StatusMethodNotAllowed, `"code":"method_not_allowed"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.change...)
			rec := f.send(t, tt.method, tt.path, "", nil)
			if rec.Code != tt.want {
				t.Fatalf("status = %d, want %d: %s", rec.Code, tt.want, rec.Body)
			}
			if !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Errorf("body = %s, want it to contain %s", rec.Body, tt.wantBody)
			}
			if strings.Contains(rec.Body.String(), "10.0.0.7") {
				t.Errorf("body leaks the Redis error: %s", rec.Body)
			}
		})
	}
}

func TestMetricsAreServed(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := metrics.New(reg, func() float64 { return 3 })
	m.Webhook("line", "ok")
	f := newFixture(t, func(o *httpapi.Options) { o.Metrics = metrics.Handler(reg) })

	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{`tsunagu_webhooks_total{platform="line",result="ok"} 1`, "tsunagu_outbox_depth 3"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestMetricsRouteLeftOutWithoutHandler(t *testing.T) {
	f := newFixture(t)
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusNotFound {
		t.Fatalf("status = %d, want 404", rec.Code)
	}
}
