package avail

import (
	"testing"
	"time"
)

func TestSpanWeek(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	// 2026-12-07 is a Monday.
	at := func(loc *time.Location, day, h, m int) time.Time { return time.Date(2026, 12, day, h, m, 0, 0, loc) }
	tests := []struct {
		name       string
		start, end time.Time
		loc        *time.Location
		want       func(t *testing.T) Week
	}{
		{"within a day", at(tokyo, 7, 10, 0), at(tokyo, 7, 12, 0), tokyo, func(t *testing.T) Week { return on(t, "月", "10:00", "12:00") }},
		{"partial slots round outward", at(tokyo, 9, 10, 10), at(tokyo, 9, 11, 5), tokyo, func(t *testing.T) Week { return on(t, "水", "10:00", "11:30") }},
		{"seconds past a boundary need the next slot", at(tokyo, 9, 10, 0), at(tokyo, 9, 11, 0).Add(time.Second), tokyo, func(t *testing.T) Week {
			return on(t, "水", "10:00", "11:30")
		}},
		{"across midnight", at(tokyo, 11, 23, 0), at(tokyo, 12, 1, 0), tokyo, func(t *testing.T) Week {
			return union(on(t, "金", "23:00", "24:00"), on(t, "土", "00:00", "01:00"))
		}},
		{"across Sunday night into Monday", at(tokyo, 13, 22, 0), at(tokyo, 14, 9, 0), tokyo, func(t *testing.T) Week {
			return union(on(t, "日", "22:00", "24:00"), on(t, "月", "00:00", "09:00"))
		}},
		{"read in the service zone", at(time.UTC, 7, 1, 0), at(time.UTC, 7, 3, 0), tokyo, func(t *testing.T) Week { return on(t, "月", "10:00", "12:00") }},
		{"a UTC evening is the next Tokyo morning", at(time.UTC, 6, 23, 0), at(time.UTC, 7, 1, 0), tokyo, func(t *testing.T) Week {
			return on(t, "月", "08:00", "10:00")
		}},
		{"another zone", at(tokyo, 8, 9, 0), at(tokyo, 8, 10, 0), ny, func(t *testing.T) Week { return on(t, "月", "19:00", "20:00") }},
		{"nil location is UTC", at(time.UTC, 7, 10, 0), at(time.UTC, 7, 11, 0), nil, func(t *testing.T) Week { return on(t, "月", "10:00", "11:00") }},
		{"several days", at(tokyo, 7, 12, 0), at(tokyo, 9, 12, 0), tokyo, func(t *testing.T) Week {
			return union(on(t, "月", "12:00", "24:00"), on(t, "火", "00:00", "24:00"), on(t, "水", "00:00", "12:00"))
		}},
		{"a week or more is everything", at(tokyo, 7, 12, 0), at(tokyo, 14, 12, 0), tokyo, func(t *testing.T) Week { return on(t, "毎日", "00:00", "24:00") }},
		{"empty interval", at(tokyo, 7, 12, 0), at(tokyo, 7, 12, 0), tokyo, func(*testing.T) Week { return Week{} }},
		{"backwards interval", at(tokyo, 7, 12, 0), at(tokyo, 7, 11, 0), tokyo, func(*testing.T) Week { return Week{} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := SpanWeek(tt.start, tt.end, tt.loc), tt.want(t); got != want {
				t.Errorf("SpanWeek = %s, want %s", got.Japanese(), want.Japanese())
			}
		})
	}
}

func TestSpanWeekAcrossDST(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	// 2026-11-01 01:00–01:59 happens twice in New York.
	start := time.Date(2026, 11, 1, 0, 30, 0, 0, ny)
	end := start.Add(2 * time.Hour) // 01:30 on the second pass
	got := SpanWeek(start, end, ny)
	if !got.Has(6, 1) || !got.Has(6, 2) || got.Has(6, 4) {
		t.Errorf("SpanWeek across the clock going back = %s", got.Japanese())
	}
}
