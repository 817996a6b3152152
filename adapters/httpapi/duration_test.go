package httpapi

import (
	"testing"
	"time"
)

// A duration reads back as clients write it (「24h」), not as Go prints it
// (「24h0m0s」).
func TestDurationAsWritten(t *testing.T) {
	for d, want := range map[time.Duration]string{
		24 * time.Hour:                  "24h",
		time.Hour + 30*time.Minute:      "1h30m",
		30 * time.Minute:                "30m",
		45 * time.Second:                "45s",
		time.Hour + 30*time.Second:      "1h0m30s",
		2*time.Hour + 5*time.Minute + 0: "2h5m",
	} {
		if got := duration(d); got != want {
			t.Errorf("duration(%v) = %q, want %q", d, got, want)
		}
	}
}
