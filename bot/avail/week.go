// Package avail holds weekly availability: which half-hours of a typical
// week a person is free, how to read it from free Japanese (「平日の午前」
// 「月水金 10時〜15時」), how to store it as JSON ranges and how to say it back
// to a senior in a short line.
//
// Times are wall-clock times in the service time zone; a Week knows no
// dates, so holidays and one-off absences are not its business.
package avail

import "math/bits"

// SlotsPerDay is the number of half-hour slots in a day.
const SlotsPerDay = 48

// slotMinutes is the length of a slot.
const slotMinutes = 30

// dayMask has a bit for every slot of a day; higher bits of a uint64 mean
// nothing and are ignored.
const dayMask = 1<<SlotsPerDay - 1

// Week is a weekly availability: Week[d] is day d (0 = Monday … 6 = Sunday)
// and its bit i says that the slot starting at i*30 minutes is free. The
// zero Week has no free time.
type Week [7]uint64

// Set marks the slots [fromSlot, toSlot) of a day as free. Out-of-range
// arguments are clipped, and a day outside 0..6 changes nothing, so a
// caller's arithmetic can never corrupt the week.
func (w *Week) Set(day, fromSlot, toSlot int) {
	if day < 0 || day >= len(w) {
		return
	}
	fromSlot = max(fromSlot, 0)
	toSlot = min(toSlot, SlotsPerDay)
	if fromSlot >= toSlot {
		return
	}
	w[day] |= (uint64(1)<<(toSlot-fromSlot) - 1) << fromSlot
}

// Has reports whether a slot of a day is free; anything out of range is not.
func (w Week) Has(day, slot int) bool {
	if day < 0 || day >= len(w) || slot < 0 || slot >= SlotsPerDay {
		return false
	}
	return w[day]&(1<<slot) != 0
}

// IsZero reports whether no slot is free.
func (w Week) IsZero() bool {
	for _, d := range w {
		if d&dayMask != 0 {
			return false
		}
	}
	return true
}

// Slots counts the free slots.
func (w Week) Slots() int {
	n := 0
	for _, d := range w {
		n += bits.OnesCount64(d & dayMask)
	}
	return n
}

// Covers reports whether every free slot of other is free in w: a person
// with week w can take the whole of a task that needs other.
func (w Week) Covers(other Week) bool {
	for d := range w {
		if other[d]&dayMask&^w[d] != 0 {
			return false
		}
	}
	return true
}

// Overlaps reports whether w and other share at least one free slot.
func (w Week) Overlaps(other Week) bool {
	for d := range w {
		if other[d]&w[d]&dayMask != 0 {
			return true
		}
	}
	return false
}

// runs returns the contiguous free runs of a day as [from, to) slot pairs.
func (w Week) runs(day int) [][2]int {
	var out [][2]int
	d := w[day] & dayMask
	for d != 0 {
		from := bits.TrailingZeros64(d)
		n := bits.TrailingZeros64(^(d >> from))
		out = append(out, [2]int{from, from + n})
		d &^= (uint64(1)<<n - 1) << from
	}
	return out
}
