package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestHelpersCountAndObserve(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg, func() float64 { return 7 })

	m.Webhook("line", "ok")
	m.Webhook("line", "ok")
	m.Webhook("slack", "bad_signature")
	m.Sent("line", "sent")
	m.ObserveHandler("line", 3*time.Millisecond)

	counts := []struct {
		name string
		c    prometheus.Collector
		want float64
	}{
		{"two LINE webhooks ok", m.Webhooks.WithLabelValues("line", "ok"), 2},
		{"one Slack webhook refused", m.Webhooks.WithLabelValues("slack", "bad_signature"), 1},
		{"one LINE message sent", m.Sends.WithLabelValues("line", "sent"), 1},
		{"no Slack message sent", m.Sends.WithLabelValues("slack", "sent"), 0},
	}
	for _, c := range counts {
		if got := testutil.ToFloat64(c.c); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	if got := testutil.CollectAndCount(m.HandlerSeconds); got != 1 {
		t.Errorf("handler histogram series = %d, want 1", got)
	}
}

func TestHandlerServesNamesWithPrefix(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg, func() float64 { return 42 })
	m.Webhook("line", "ok")
	m.Sent("slack", "dead")
	m.ObserveHandler("line", 200*time.Microsecond)

	rec := httptest.NewRecorder()
	Handler(reg).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`tsunagu_webhooks_total{platform="line",result="ok"} 1`,
		`tsunagu_sends_total{platform="slack",result="dead"} 1`,
		`tsunagu_handler_duration_seconds_bucket{platform="line",le="0.00025"} 1`,
		`tsunagu_handler_duration_seconds_bucket{platform="line",le="0.0001"} 0`,
		`tsunagu_handler_duration_seconds_bucket{platform="line",le="5"} 1`,
		`tsunagu_outbox_depth 42`,
	} {
		if !strings.Contains(string(body), want) {
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
