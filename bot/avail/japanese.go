package avail

import (
	"fmt"
	"strings"
)

// Japanese says the week back to a senior in one short line, grouping days
// with the same hours: 「月・水・金 10:00〜15:00」「平日 9:00〜12:00、土日 終日」.
// Mon–Fri together are 平日, Sat–Sun 土日, all seven 毎日, three or more
// days in a row 「月〜木」; a day free from 0:00 to 24:00 is 終日. A zero
// week is 「未設定」.
func (w Week) Japanese() string {
	if w.IsZero() {
		return labelEmpty
	}
	type group struct {
		days uint8
		bits uint64
	}
	var groups []group
next:
	for d := range w {
		b := w[d] & dayMask
		if b == 0 {
			continue
		}
		for i := range groups {
			if groups[i].bits == b {
				groups[i].days |= 1 << d
				continue next
			}
		}
		groups = append(groups, group{days: 1 << d, bits: b})
	}
	parts := make([]string, 0, len(groups))
	for _, g := range groups {
		parts = append(parts, daysJapanese(g.days)+" "+hoursJapanese(g.bits))
	}
	return strings.Join(parts, labelGroupSep)
}

func daysJapanese(m uint8) string {
	switch m {
	case allDays:
		return labelEveryDay
	case weekdays:
		return labelWeekdays
	case weekend:
		return labelWeekend
	}
	var names []string
	for d := range 7 {
		if m&(1<<d) != 0 {
			names = append(names, dayLabels[d])
		}
	}
	if len(names) == 1 {
		return names[0] + labelDaySufx
	}
	first, last := lowBit(m), highBit(m)
	if len(names) >= 3 && last-first+1 == len(names) {
		return dayLabels[first] + labelDayRange + dayLabels[last]
	}
	return strings.Join(names, labelDaySep)
}

func hoursJapanese(b uint64) string {
	if b == dayMask {
		return labelAllDay
	}
	w := Week{b}
	runs := w.runs(0)
	out := make([]string, 0, len(runs))
	for _, r := range runs {
		out = append(out, shortClock(r[0]*slotMinutes)+labelTimeSep+shortClock(r[1]*slotMinutes))
	}
	return strings.Join(out, labelRunSep)
}

// shortClock writes 9:00 rather than 09:00, which reads more naturally in
// a sentence.
func shortClock(min int) string { return fmt.Sprintf("%d:%02d", min/60, min%60) }
