package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func TestHelpersCountAndObserve(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg, func() float64 { return 7 })

	m.Webhook("line", "ok")
	m.Webhook("line", "ok")
	m.Webhook("slack", "bad_signature")
	m.Sent("line", "sent")
	m.ObserveHandler("line", 3*time.Millisecond)

	got := scrape(t, reg)
	tests := []struct {
		name string
		line string
	}{
		{"two LINE webhooks ok", `tsunagu_webhooks_total{platform="line",result="ok"} 2`},
		{"one Slack webhook refused", `tsunagu_webhooks_total{platform="slack",result="bad_signature"} 1`},
		{"one LINE message sent", `tsunagu_sends_total{platform="line",result="sent"} 1`},
		{"one handler observation", `tsunagu_handler_duration_seconds_count{platform="line"} 1`},
		{"outbox depth read at scrape", `tsunagu_outbox_depth 7`},
	}
	for _, tt := range tests {
		if !strings.Contains(got, tt.line+"\n") {
			t.Errorf("%s: output lacks %q", tt.name, tt.line)
		}
	}
	if strings.Contains(got, `tsunagu_sends_total{platform="slack"`) {
		t.Error("a Slack send series appeared without a Slack send")
	}
}

// scrape returns what /metrics serves for reg.
func scrape(t *testing.T, reg *prometheus.Registry) string {
	t.Helper()
	rec := httptest.NewRecorder()
	Handler(reg).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: status %d, want 200", rec.Code)
	}
	body, _ := io.ReadAll(rec.Body)
	return string(body)
}

func TestHandlerServesNamesWithPrefix(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg, func() float64 { return 42 })
	m.Webhook("line", "ok")
	m.Sent("slack", "dead")
	m.ObserveHandler("line", 200*time.Microsecond)

	body := scrape(t, reg)
	for _, want := range []string{
		`tsunagu_webhooks_total{platform="line",result="ok"} 1`,
		`tsunagu_sends_total{platform="slack",result="dead"} 1`,
		`tsunagu_handler_duration_seconds_bucket{platform="line",le="0.00025"} 1`,
		`tsunagu_handler_duration_seconds_bucket{platform="line",le="0.0001"} 0`,
		`tsunagu_handler_duration_seconds_bucket{platform="line",le="5"} 1`,
		`tsunagu_outbox_depth 42`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics output lacks %q", want)
		}
	}
}

func TestOutboxGaugeLeftOutWithoutFunc(t *testing.T) {
	reg := prometheus.NewRegistry()
	New(reg, nil)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "tsunagu_outbox_depth" {
			t.Fatal("outbox gauge registered without a depth func")
		}
	}
}

func TestNilMetricsIsANoOp(t *testing.T) {
	var m *Metrics
	m.Webhook("line", "ok")
	m.Sent("line", "sent")
	m.ObserveHandler("line", time.Second)
}

func TestNewPanicsOnDoubleRegistration(t *testing.T) {
	reg := prometheus.NewRegistry()
	New(reg, nil)
	defer func() {
		if recover() == nil {
			t.Fatal("second New on the same registry did not panic")
		}
	}()
	New(reg, nil)
}
