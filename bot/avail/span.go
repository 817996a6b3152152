package avail

import "time"

// SpanWeek returns the slots a concrete interval [start, end) touches, as
// wall-clock times in loc: a task from 23:00 to 01:00 needs the last two
// slots of one day and the first two of the next. Slots partly inside the
// interval count. An empty or backwards interval is the zero week; one of a
// week or longer touches every slot. A nil loc is UTC.
func SpanWeek(start, end time.Time, loc *time.Location) Week {
	var w Week
	if !end.After(start) {
		return w
	}
	if end.Sub(start) >= 7*24*time.Hour {
		for d := range w {
			w[d] = dayMask
		}
		return w
	}
	if loc == nil {
		loc = time.UTC
	}
	start, end = start.In(loc), end.In(loc)
	for cur := start; cur.Before(end); {
		y, m, d := cur.Date()
		midnight := time.Date(y, m, d+1, 0, 0, 0, 0, loc)
		from := wallMinutes(cur) / slotMinutes
		to := SlotsPerDay
		if end.Before(midnight) {
			// Round the end up: a slot the interval only enters is
			// still needed.
			to = (wallMinutes(end) + slotMinutes - 1) / slotMinutes
			if end.Second() != 0 || end.Nanosecond() != 0 {
				to = (wallMinutes(end) + slotMinutes) / slotMinutes
			}
		}
		// A day whose clocks go back (DST) can end "before" it starts
		// on the wall clock; take the whole stretch between the two.
		from, to = min(from, to), max(from, to, min(from+1, SlotsPerDay))
		w.Set(weekday(cur), from, to)
		if !midnight.After(cur) { // never loop on a broken zone
			break
		}
		cur = midnight
	}
	return w
}

func wallMinutes(t time.Time) int { return t.Hour()*60 + t.Minute() }

// weekday is the Week index of t: Monday 0 … Sunday 6.
func weekday(t time.Time) int { return (int(t.Weekday()) + 6) % 7 }
