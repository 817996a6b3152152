package avail

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Range is one contiguous free time of one day, the way the REST API and
// storage spell a Week: {"day":"mon","from":"09:00","to":"12:00"}. Day is
// "mon".."sun"; From and To are "HH:MM" on 30-minute boundaries, To may be
// "24:00" (end of day) and From is before To.
type Range struct {
	Day  string `json:"day"`
	From string `json:"from"`
	To   string `json:"to"`
}

// dayIDs are the Range.Day names in Week order.
var dayIDs = [7]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// Ranges returns the free time as merged contiguous runs, day by day from
// Monday, earliest first. A zero week has no ranges.
func (w Week) Ranges() []Range {
	var out []Range
	for d := range w {
		for _, r := range w.runs(d) {
			out = append(out, Range{Day: dayIDs[d], From: clock(r[0] * slotMinutes), To: clock(r[1] * slotMinutes)})
		}
	}
	return out
}

// FromRanges builds a week from ranges; overlapping ranges merge. Day names
// are also understood in upper case and in full ("Monday"), because people
// write API requests by hand.
func FromRanges(rs []Range) (Week, error) {
	var w Week
	for i, r := range rs {
		day, ok := dayIndex(r.Day)
		if !ok {
			return Week{}, fmt.Errorf("availability[%d]: day %q is not one of mon..sun", i, r.Day)
		}
		from, err := parseClock(r.From)
		if err != nil {
			return Week{}, fmt.Errorf("availability[%d]: from %w", i, err)
		}
		to, err := parseClock(r.To)
		if err != nil {
			return Week{}, fmt.Errorf("availability[%d]: to %w", i, err)
		}
		if to <= from {
			return Week{}, fmt.Errorf("availability[%d]: to must be after from (%s-%s)", i, r.From, r.To)
		}
		w.Set(day, from/slotMinutes, to/slotMinutes)
	}
	return w, nil
}

// MarshalJSON writes the week as a JSON array of Range; a zero week is [].
func (w Week) MarshalJSON() ([]byte, error) {
	rs := w.Ranges()
	if rs == nil {
		rs = []Range{}
	}
	return json.Marshal(rs)
}

// UnmarshalJSON reads a JSON array of Range; null and [] are the zero week.
func (w *Week) UnmarshalJSON(b []byte) error {
	// Every stored profile holds a week as MarshalJSON writes it, and a
	// replica that starts reads them all: most of the time reading a
	// profile went to its week. That exact spelling is read without
	// reflection or strings; any other (spaces, another order of the
	// fields, "Monday", a bad range) is read the general way below.
	if got, ok := readCompact(b); ok {
		*w = got
		return nil
	}
	var rs []Range
	if err := json.Unmarshal(b, &rs); err != nil {
		return fmt.Errorf("availability: %w", err)
	}
	got, err := FromRanges(rs)
	if err != nil {
		return err
	}
	*w = got
	return nil
}

// compactRange is one range as MarshalJSON writes it; the day and the two
// times sit at fixed offsets.
const compactRange = `{"day":"mon","from":"09:00","to":"12:00"}`

// readCompact reads a week spelled exactly as MarshalJSON spells it. It
// reports false for anything else, and for a range FromRanges refuses, so
// the caller can read it the general way (and give its error); whatever
// it accepts, FromRanges reads the same.
func readCompact(b []byte) (Week, bool) {
	var w Week
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return Week{}, false
	}
	b = b[1 : len(b)-1]
	for i := 0; len(b) > 0; i++ {
		if i > 0 {
			if b[0] != ',' {
				return Week{}, false
			}
			b = b[1:]
		}
		if len(b) < len(compactRange) {
			return Week{}, false
		}
		r := b[:len(compactRange)]
		b = b[len(compactRange):]
		if string(r[:8]) != `{"day":"` || string(r[11:21]) != `","from":"` ||
			string(r[26:34]) != `","to":"` || string(r[39:]) != `"}` {
			return Week{}, false
		}
		day := -1
		for d, id := range dayIDs {
			if string(r[8:11]) == id {
				day = d
			}
		}
		from, okFrom := compactClock(r[21:26])
		to, okTo := compactClock(r[34:39])
		if day < 0 || !okFrom || !okTo || to <= from {
			return Week{}, false
		}
		w.Set(day, from, to)
	}
	return w, true
}

// compactClock reads "HH:MM" as MarshalJSON writes it, on a half-hour
// from 00:00 to 24:00, as a slot number (48 for 24:00).
func compactClock(b []byte) (int, bool) {
	if b[0] < '0' || b[0] > '2' || b[1] < '0' || b[1] > '9' || b[2] != ':' || b[4] != '0' {
		return 0, false
	}
	h := int(b[0]-'0')*10 + int(b[1]-'0')
	switch {
	case h > 24:
		return 0, false
	case b[3] == '0':
		return 2 * h, true
	case b[3] == '3' && h < 24:
		return 2*h + 1, true
	}
	return 0, false
}

func dayIndex(s string) (int, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for i, id := range dayIDs {
		if s == id || s == fullDayNames[i] {
			return i, true
		}
	}
	return 0, false
}

var fullDayNames = [7]string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// clock formats minutes since midnight as "HH:MM"; 1440 is "24:00".
func clock(min int) string {
	return fmt.Sprintf("%02d:%02d", min/60, min%60)
}

// parseClock reads "HH:MM" (or "H:MM") on a 30-minute boundary between
// 00:00 and 24:00 as minutes since midnight.
func parseClock(s string) (int, error) {
	hh, mm, ok := strings.Cut(s, ":")
	h, errH := strconv.Atoi(hh)
	m, errM := strconv.Atoi(mm)
	if !ok || errH != nil || errM != nil || len(hh) < 1 || len(hh) > 2 || len(mm) != 2 ||
		hh[0] == '+' || hh[0] == '-' || mm[0] == '+' || mm[0] == '-' {
		return 0, fmt.Errorf("%q is not a time like 09:30", s)
	}
	if h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("%s is not a time of day", s)
	}
	if m%slotMinutes != 0 {
		return 0, fmt.Errorf("%s is not on a 30-minute boundary", s)
	}
	return h*60 + m, nil
}
