package avail

import "fmt"

// endpoint is one end of a time range as written, before it is read on a
// 24-hour clock.
type endpoint struct {
	min   int      // hour*60 + minute as written
	mer   meridiem // a marker written with it: 午後, pm, 夜 …
	colon bool     // written 10:30, which people mean as a 24-hour time
	bare  bool     // a plain number, no 時 and no colon: only in ranges
	per   *period  // a part of the day used as an endpoint: 「朝から」
}

func (e endpoint) hour() int { return e.min / 60 }

// endpoint reads one endpoint at the current token; ok is false when none
// starts here.
func (p *parser) endpoint() (e endpoint, ok bool, err error) {
	switch t := p.peek(0); t.kind {
	case tkPeriod:
		p.i++
		if p.peek(0).kind != tkNum {
			per := t.per
			return endpoint{per: &per}, true, nil
		}
		e.mer = t.per.mer // 「午後2時」「夜7時」
	case tkMeridiem:
		p.i++
		if p.peek(0).kind != tkNum {
			return e, false, fmt.Errorf("%w: %q without a time", ErrNotUnderstood, t.text)
		}
		e.mer = t.mer
	case tkNum:
	default:
		return e, false, nil
	}
	h := p.peek(0).num
	p.i++
	m := 0
	switch p.peek(0).kind {
	case tkColon:
		p.i++
		if p.peek(0).kind != tkNum {
			return e, false, fmt.Errorf("%w: a time with a colon and no minutes", ErrNotUnderstood)
		}
		m = p.peek(0).num
		p.i++
		e.colon = true
	case tkHour:
		p.i++
		switch {
		case p.peek(0).kind == tkHalf:
			m = 30
			p.i++
		case p.peek(0).kind == tkNum && p.peek(1).kind == tkMinute:
			m = p.peek(0).num
			p.i += 2
		case p.peek(0).kind == tkNum && !startsClock(p.peek(1).kind):
			// 「10時30から」: minutes without 分, as people type in a hurry.
			m = p.peek(0).num
			p.i++
		}
	default:
		e.bare = true
	}
	if t := p.peek(0); t.kind == tkMeridiem { // 10am, 3 pm
		if e.mer != noMer && e.mer != t.mer {
			return e, false, fmt.Errorf("%w: both morning and afternoon", ErrNotUnderstood)
		}
		e.mer = t.mer
		p.i++
	}
	if h > 24 || m > 59 || (h == 24 && m > 0) {
		return e, false, fmt.Errorf("%w: %d:%02d is not a time of day", ErrNotUnderstood, h, m)
	}
	e.min = h*60 + m
	return e, true, nil
}

// timeRange reads a time, a range or a part of the day at the current
// token.
func (p *parser) timeRange() (span, error) {
	if k := p.peek(0).kind; k == tkTo || k == tkUntil { // 「〜15時」
		p.i++
		end, ok, err := p.endpoint()
		if err != nil {
			return span{}, err
		}
		if !ok {
			return span{}, fmt.Errorf("%w: a range without an end", ErrNotUnderstood)
		}
		p.skip(tkUntil)
		return openStart(end)
	}
	start, ok, err := p.endpoint()
	if err != nil {
		return span{}, err
	}
	if !ok {
		return span{}, fmt.Errorf("%w: %q", ErrNotUnderstood, p.peek(0).text)
	}
	switch p.peek(0).kind {
	case tkUntil: // 「15時まで」
		p.i++
		return openStart(start)
	case tkAfter: // 「15時以降」
		p.i++
		return openEnd(start)
	case tkTo:
		p.i++
		end, ok, err := p.endpoint()
		if err != nil {
			return span{}, err
		}
		if !ok { // 「10時から」
			return openEnd(start)
		}
		p.skip(tkUntil)
		return closedRange(start, end)
	}
	if start.per != nil {
		return span{start.per.from, start.per.to}, nil
	}
	if start.bare && start.mer == noMer {
		return span{}, fmt.Errorf("%w: the number %d alone", ErrNotUnderstood, start.hour())
	}
	from, _ := startOf(start)
	return checked(span{from, min(from+60, h24)})
}

// startsClock reports tokens that make the number before them an hour.
func startsClock(k tokKind) bool { return k == tkHour || k == tkColon || k == tkMeridiem }

func (p *parser) skip(k tokKind) {
	if p.peek(0).kind == k {
		p.i++
	}
}

// startOf reads the start of a range on a 24-hour clock; afternoon says
// whether it was read as afternoon because of a marker or the 1時–5時 rule,
// which the end of the range then follows.
func startOf(e endpoint) (min int, afternoon bool) {
	if e.per != nil {
		if e.per.point != 0 {
			return e.per.point, false
		}
		return e.per.from, false
	}
	switch e.mer {
	case pm:
		if e.hour() < 12 {
			return e.min + 12*60, true
		}
		return e.min, true
	case am:
		if e.hour() == 12 { // 12am is midnight
			return e.min - 12*60, false
		}
		return e.min, false
	}
	if !e.colon && e.hour() >= 1 && e.hour() <= 5 {
		return e.min + 12*60, true
	}
	return e.min, false
}

// endOf reads the end of a range that starts at start.
func endOf(e endpoint, start int, afternoon bool) int {
	if e.per != nil {
		if e.per.point != 0 {
			return e.per.point
		}
		return e.per.to
	}
	switch {
	case e.mer == pm && e.hour() < 12:
		return e.min + 12*60
	case e.mer != noMer, e.colon:
		return e.min
	case afternoon && e.hour() < 12: // 「午後2時〜5時」
		return e.min + 12*60
	case e.hour() >= 1 && e.hour() <= 5: // 「9時〜5時」
		return e.min + 12*60
	case e.min <= start && start < h12 && e.hour() < 12: // 「9時〜8時」: till 8 p.m.
		return e.min + 12*60
	}
	return e.min
}

func closedRange(start, end endpoint) (span, error) {
	from, afternoon := startOf(start)
	return checked(span{from, endOf(end, from, afternoon)})
}

// openStart is a range with only an end (「15時まで」): it starts when the
// working day does, or two hours before an early end.
func openStart(end endpoint) (span, error) {
	to := endOf(end, 0, end.mer == pm)
	from := dayStart
	if to <= dayStart {
		from = max(to-2*60, 0)
	}
	return checked(span{from, to})
}

// openEnd is a range with only a start (「10時から」): it runs to the end of
// the working day, or of the evening, or of the day.
func openEnd(start endpoint) (span, error) {
	from, _ := startOf(start)
	to := h24
	switch {
	case from < dayEnd:
		to = dayEnd
	case from < h21:
		to = h21
	}
	return checked(span{from, to})
}

func checked(s span) (span, error) {
	if s.from < 0 || s.to > h24 || s.from >= h24 {
		return span{}, fmt.Errorf("%w: %s-%s is not within a day", ErrNotUnderstood, clock(max(s.from, 0)), clock(s.to))
	}
	if s.to <= s.from {
		return span{}, fmt.Errorf("%w: %s-%s", ErrEndBeforeStart, clock(s.from), clock(s.to))
	}
	return s, nil
}
