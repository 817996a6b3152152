package avail

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"tsunagu/bot/jtext"
)

// ErrNotUnderstood is returned by Parse for text it cannot read as
// availability. Parse prefers this to a guess: the conversation asks again.
var ErrNotUnderstood = errors.New("availability not understood")

// ErrEndBeforeStart is returned by Parse for a time range that ends before
// it starts, like 「15時〜10時」.
var ErrEndBeforeStart = errors.New("time range ends before it starts")

// maxParseLen bounds the text Parse reads, in runes; an availability answer
// is a line, not a letter.
const maxParseLen = 300

// Parse reads free text, Japanese first and English understood, as a week.
//
// Days: 月〜日 (alone, 「月曜」「月曜日」, or run together: 「月水金」),
// 平日 (Mon–Fri), 土日・週末 (Sat, Sun), 毎日・いつでも (every day), day
// ranges (「月〜木」「月曜から金曜」), and mon…sun, weekdays, weekends,
// daily, anytime.
//
// Times: clock times (「10時」「10時半」「10時30分」「10:30」「10am」, kanji
// 「十時」), ranges (「10時〜15時」「10:00-15:00」「10時から15時まで」,
// bare 「10-15」), open ranges (「10時から」「15時以降」 run to 18:00, or
// 21:00 from the evening; 「15時まで」 starts at 9:00) and parts of the day:
//
//	午前・午前中  9:00–12:00     昼・お昼  11:00–14:00 (noon as an endpoint)
//	午後         13:00–17:00     昼間・日中・終日  9:00–18:00
//	朝           7:00–10:00      夕方  16:00–18:00
//	夜・晩       18:00–21:00
//
// 朝 runs to 10:00, overlapping 午前, because people say 朝 for the early
// part of the working morning too (「朝のうちなら」). A lone clock time
// (「月曜10時」) is the hour from it.
//
// 12-hour readings: 午後・pm・夕方・夜 before a time make it afternoon
// (「午後2時」 is 14:00) and carry to the end of its range (「午後2時〜5時」
// is 14:00–17:00). Without a marker, 1時–5時 are read as afternoon (work at
// 3 a.m. is not what anyone means), and an end earlier than a morning start
// is afternoon (「10時〜3時」 is 10:00–15:00). Times written with a colon
// (「1:00」) are taken as 24-hour clock times. A range cannot cross
// midnight: 「22時〜2時」 is an error, 「22時〜24時」 is fine.
//
// A phrase with days and no time is those days 9:00–18:00; a time with no
// days is every day. Several clauses combine: in 「月水の午前、土曜の午後」
// a day after a clause that already has days and a time starts a new
// clause, days right after a time complete its clause (「10時〜15時
// 月水金」), and 「、」 closes a clause that has a time. Times round outward
// to whole half-hours (10:15–11:45 is 10:00–12:00).
//
// Anything Parse does not know — including negations such as 「月曜以外」
// or 「土日は無理」 — gives ErrNotUnderstood rather than a wrong week; a
// range that ends before it starts gives ErrEndBeforeStart. A nil error
// always comes with a non-zero week.
func Parse(s string) (Week, error) {
	if utf8.RuneCountInString(s) > maxParseLen {
		return Week{}, fmt.Errorf("%w: text too long", ErrNotUnderstood)
	}
	toks, err := tokenize(jtext.Normalize(s))
	if err != nil {
		return Week{}, err
	}
	p := parser{toks: toks}
	if err := p.parse(); err != nil {
		return Week{}, err
	}
	if p.week.IsZero() {
		return Week{}, fmt.Errorf("%w: no days or times in %q", ErrNotUnderstood, s)
	}
	return p.week, nil
}

// clause is days and the times on them.
type clause struct {
	days  uint8
	spans []span
	// timed is set when a time follows the days: days after that start a
	// new clause (「月水の午前 土曜の午後」), while days after a time
	// complete it (「10時〜15時 月水金」).
	timed bool
}

// span is a time range in minutes since midnight, [from, to).
type span struct{ from, to int }

type parser struct {
	toks []token
	i    int
	cur  clause
	week Week
	// gather, set by Read, joins a clause of days alone with a clause of
	// times alone across a comma (「10時〜15時くらいで、月曜と木曜」);
	// held are such clauses waiting for their other half.
	gather bool
	held   clause
	// days are the days the last clause named: a clause of times alone
	// after it restates or adds to their time (「月水金の午前中、9時から
	// 12時まで」 is Monday, Wednesday and Friday, not every day).
	days uint8
}

func (p *parser) peek(k int) token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return token{kind: tkEnd}
}

func (p *parser) parse() error {
	for p.peek(0).kind != tkEnd {
		t := p.peek(0)
		switch t.kind {
		case tkDays:
			p.i++
			mask := t.days
			// 「月〜金」「月曜から金曜まで」: a run of days, wrapping past Sunday.
			if p.peek(0).kind == tkTo {
				if next := p.peek(1); next.kind == tkDays {
					mask = dayRun(t.days, next.days)
					p.i += 2
				} else {
					p.i++ // 「月曜から」: from Monday, nothing more to it
				}
			}
			if p.peek(0).kind == tkUntil {
				p.i++
			}
			if p.cur.timed {
				p.flush()
			}
			p.cur.days |= mask
		case tkStrong:
			p.i++
			if len(p.cur.spans) > 0 {
				p.flush()
			}
		case tkNum, tkPeriod, tkMeridiem, tkTo, tkUntil:
			s, err := p.timeRange()
			if err != nil {
				return err
			}
			p.cur.spans = append(p.cur.spans, s)
			p.cur.timed = p.cur.days != 0
		default:
			return fmt.Errorf("%w: unexpected %q", ErrNotUnderstood, t.text)
		}
	}
	p.flush()
	if p.gather && (p.held.days != 0 || len(p.held.spans) > 0) {
		p.cur, p.gather = p.held, false
		p.flush()
	}
	return nil
}

// flush adds the current clause to the week, filling in what it left out.
func (p *parser) flush() {
	c := p.cur
	p.cur = clause{}
	if c.days == 0 && len(c.spans) == 0 {
		return
	}
	if p.gather && (c.days == 0 || len(c.spans) == 0) {
		h := &p.held
		switch {
		case c.days != 0 && len(h.spans) > 0 && h.days == 0:
			c.spans, *h = h.spans, clause{}
		case len(c.spans) > 0 && h.days != 0 && len(h.spans) == 0:
			c.days, *h = h.days, clause{}
		default:
			h.days |= c.days
			h.spans = append(h.spans, c.spans...)
			return
		}
	}
	switch {
	case c.days != 0:
		p.days = c.days
	case p.days != 0:
		c.days = p.days
	default:
		c.days = allDays
	}
	if len(c.spans) == 0 {
		c.spans = []span{{dayStart, dayEnd}}
	}
	for d := range 7 {
		if c.days&(1<<d) == 0 {
			continue
		}
		for _, s := range c.spans {
			// Round outward: a person free 10:15–11:45 is asked about
			// the half-hours that touch that time.
			p.week.Set(d, s.from/slotMinutes, (s.to+slotMinutes-1)/slotMinutes)
		}
	}
}

// dayRun returns the days from the first day of a through the last day of
// b, wrapping past Sunday (「金〜月」 is Fri, Sat, Sun, Mon).
func dayRun(a, b uint8) uint8 {
	first, last := lowBit(a), highBit(b)
	var mask uint8
	for d := first; ; d = (d + 1) % 7 {
		mask |= 1 << d
		if d == last {
			return mask
		}
	}
}

func lowBit(m uint8) int {
	for d := range 7 {
		if m&(1<<d) != 0 {
			return d
		}
	}
	return 0
}

func highBit(m uint8) int {
	for d := 6; d >= 0; d-- {
		if m&(1<<d) != 0 {
			return d
		}
	}
	return 0
}
