package csvfile

import (
	"net/http/httptest"
	"testing"
)

func TestSendWritesAnExcelFile(t *testing.T) {
	w := httptest.NewRecorder()
	Send(w, "report.csv", Rows([][]string{{"month", "people"}, {"2026-11", "2"}, {"合計", "=1+1"}}))
	if got, want := w.Body.String(), "\ufeffmonth,people\r\n2026-11,2\r\n合計,=1+1\r\n"; got != want {
		t.Errorf("body %q, want %q", got, want)
	}
	h := w.Header()
	if h.Get("Content-Type") != "text/csv; charset=utf-8" || h.Get("Content-Disposition") != `attachment; filename="report.csv"` ||
		h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Cache-Control") != "no-store" {
		t.Errorf("headers %v", h)
	}
}
