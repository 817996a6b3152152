package avail

import "testing"

func TestWeekSet(t *testing.T) {
	tests := []struct {
		name     string
		set      func(w *Week)
		wantDay  int
		wantBits uint64
	}{
		{"half-open range", func(w *Week) { w.Set(0, 18, 24) }, 0, 0b111111 << 18},
		{"first slot", func(w *Week) { w.Set(2, 0, 1) }, 2, 1},
		{"whole day", func(w *Week) { w.Set(6, 0, SlotsPerDay) }, 6, dayMask},
		{"clipped to the day", func(w *Week) { w.Set(1, -5, 100) }, 1, dayMask},
		{"empty range sets nothing", func(w *Week) { w.Set(3, 10, 10) }, 3, 0},
		{"backwards range sets nothing", func(w *Week) { w.Set(3, 12, 10) }, 3, 0},
		{"day out of range sets nothing", func(w *Week) { w.Set(7, 0, 10) }, 0, 0},
		{"negative day sets nothing", func(w *Week) { w.Set(-1, 0, 10) }, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w Week
			tt.set(&w)
			if got, want := w[tt.wantDay], tt.wantBits; got != want {
				t.Errorf("day %d = %b, want %b", tt.wantDay, got, want)
			}
			if got, want := w.Slots(), popcount(tt.wantBits); got != want {
				t.Errorf("Slots() = %d, want %d", got, want)
			}
		})
	}
}

func popcount(b uint64) int {
	n := 0
	for ; b != 0; b &= b - 1 {
		n++
	}
	return n
}

func TestWeekHas(t *testing.T) {
	var w Week
	w.Set(4, 20, 22)
	tests := []struct {
		name      string
		day, slot int
		want      bool
	}{
		{"inside", 4, 20, true},
		{"last slot inside", 4, 21, true},
		{"end is exclusive", 4, 22, false},
		{"other day", 3, 20, false},
		{"slot out of range", 4, 48, false},
		{"day out of range", 9, 20, false},
		{"negative slot", 4, -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := w.Has(tt.day, tt.slot), tt.want; got != want {
				t.Errorf("Has(%d, %d) = %v, want %v", tt.day, tt.slot, got, want)
			}
		})
	}
}

func TestWeekIsZero(t *testing.T) {
	var w Week
	if !w.IsZero() {
		t.Error("zero week is not zero")
	}
	w[0] = 1 << 60 // bits past the day mean nothing
	if !w.IsZero() || w.Slots() != 0 {
		t.Error("bits past slot 47 count as free time")
	}
	w.Set(0, 0, 1)
	if w.IsZero() {
		t.Error("week with a slot is zero")
	}
}

func TestCoversAndOverlaps(t *testing.T) {
	mornings := on(t, "月火水木金", "09:00", "12:00")
	tests := []struct {
		name         string
		w, other     Week
		wantCovers   bool
		wantOverlaps bool
	}{
		{"task inside the free time", mornings, on(t, "水", "10:00", "11:00"), true, true},
		{"task running past the free time", mornings, on(t, "水", "11:00", "13:00"), false, true},
		{"task on another day", mornings, on(t, "土", "10:00", "11:00"), false, false},
		{"task in the afternoon", mornings, on(t, "水", "13:00", "14:00"), false, false},
		{"anything covers nothing", mornings, Week{}, true, false},
		{"nothing covers a task", Week{}, on(t, "水", "10:00", "11:00"), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := tt.w.Covers(tt.other), tt.wantCovers; got != want {
				t.Errorf("Covers = %v, want %v", got, want)
			}
			if got, want := tt.w.Overlaps(tt.other), tt.wantOverlaps; got != want {
				t.Errorf("Overlaps = %v, want %v", got, want)
			}
		})
	}
}
