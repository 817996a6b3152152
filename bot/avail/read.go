package avail

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"tsunagu/bot/jtext"
)

// Reading is the availability found inside a sentence: the time it offers
// and the time it rules out.
type Reading struct {
	// Free is the time the sentence offers (「月水金の午前」).
	Free Week
	// Except is the time it rules out: 「月曜はだめ」 rules out Monday,
	// 「午前中は無理」 every morning, 「土日以外」 Saturday and Sunday.
	Except Week
	// Days says the sentence named days (「平日」「月曜」), not only times.
	Days bool
	// Others says Free holds the days a 「〜以外」 left (「水曜日以外」).
	Others bool
}

// OnlyRulesOut reports a sentence that rules days out and offers no time
// of its own: 「水曜日以外」 alone, whose offer is the other days at the
// usual hours. Said while changing a week, it takes those days out of it
// rather than adding the others whole.
func (r Reading) OnlyRulesOut() bool {
	if !r.Others || r.Except.IsZero() {
		return false
	}
	var day uint64
	for s := dayStart / slotMinutes; s < dayEnd/slotMinutes; s++ {
		day |= 1 << s
	}
	for _, slots := range r.Free {
		if slots != 0 && slots != day {
			return false
		}
	}
	return true
}

// IsZero reports whether the sentence said nothing about time.
func (r Reading) IsZero() bool { return r.Free.IsZero() && r.Except.IsZero() }

// Apply returns the week the person means. A sentence that offers time
// means that time, without what it rules out. A sentence that only rules
// time out (「月曜はだめです」) changes base: the person's current week, or
// for someone with none yet, the working hours of every day.
func (r Reading) Apply(base Week) Week {
	w := r.Free
	if w.IsZero() {
		w = base
		if w.IsZero() {
			for d := range 7 {
				w.Set(d, dayStart/slotMinutes, dayEnd/slotMinutes)
			}
		}
	}
	return w.Minus(r.Except)
}

// Adjust returns base changed by the sentence, as when someone changes
// the week they gave: what it rules out is taken away and what it offers
// added (「水曜の午前はだめになったので火曜の午前にしてください」「木曜の
// 午前も空きました」), the rest of base kept.
//
// What the sentence rules out stays out, though its offer holds it too:
// 「水曜日以外の平日の午後」 offers the weekday afternoons, Wednesday's
// among them, and rules Wednesday out.
func (r Reading) Adjust(base Week) Week { return base.Minus(r.Except).Plus(r.Free.Minus(r.Except)) }

// OnDaysOf returns w on the days o has time only: 「午前もできるように
// なりました」 adds mornings to the days a person gives, not to every day.
func (w Week) OnDaysOf(o Week) Week {
	for d := range w {
		if o[d] == 0 {
			w[d] = 0
		}
	}
	return w
}

// WithDaysOf returns w with the days o has time on replaced by o's time:
// 「木曜日は三時までになりました」 is Thursday's time from now on.
func (w Week) WithDaysOf(o Week) Week {
	for d := range w {
		if o[d] != 0 {
			w[d] = o[d]
		}
	}
	return w
}

// Plus returns w with the slots of o too.
func (w Week) Plus(o Week) Week {
	for d := range w {
		w[d] |= o[d]
	}
	return w
}

// Minus returns w without the slots of o.
func (w Week) Minus(o Week) Week {
	for d := range w {
		w[d] &^= o[d]
	}
	return w
}

// Read finds availability inside a sentence as people write and dictate
// it: 「月水金の午前中なら大丈夫です」「火曜と木曜の10時から3時までなら
// 行けます」「土日以外ならいつでも」「平日の午前、でも水曜はだめです」.
//
// It reads what Parse reads and skips the words around it, with three
// differences that a sentence needs:
//
//   - Negation rules time out instead of failing: days or times followed by
//     だめ・無理・NG・できません・都合が悪い・用事・仕事なので… (up to the
//     next 、 or positive word such as 大丈夫) go to Except; 「〜以外」
//     turns the days before it into the other days of the week.
//   - A lone day kanji counts only where it reads as a day (「月曜」, a run
//     such as 「月水金」, 「月と水」, 「月の午前」), so 「今月」「お金」「植木」
//     say nothing about Monday, Friday or Thursday.
//   - A number followed by a counter (「週に2回」「3日」「4月」「2時間」) is
//     not a time.
//
// A range that ends before it starts is still ErrEndBeforeStart; a sentence
// with no time in it is a zero Reading and no error.
func Read(s string) (Reading, error) {
	if utf8.RuneCountInString(s) > maxParseLen {
		return Reading{}, fmt.Errorf("%w: text too long", ErrNotUnderstood)
	}
	toks := scan(jtext.DropHesitations(jtext.Normalize(s)))
	var r Reading
	var free []token
	start := 0 // the first token of the phrase a negation would rule out
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.kind {
		case tkExcept:
			next := nextKind(toks, i+1)
			if t.text == "except" && next == tkDays {
				// "anytime except Sunday": English names the days after.
				i = skipTo(toks, i+1)
				r.Except = r.Except.union(fullDays(toks[i].days))
				continue
			}
			j := len(free) - 1
			if j >= 0 && free[j].kind == tkDays && next == tkDays {
				// 「水曜以外の平日」: the days after are the offer.
				r.Except = r.Except.union(fullDays(free[j].days))
				free = free[:j]
				continue
			}
			// 「土日以外」: the days before it are ruled out and the others
			// offered, with the times that follow (「月曜以外の午前」).
			if j >= 0 && free[j].kind == tkDays && j >= phraseStart(free, start) {
				r.Except = r.Except.union(fullDays(free[j].days))
				free[j].days = allDays &^ free[j].days
				r.Others = true
				continue
			}
			r.Except = r.Except.union(phraseWeek(free[phraseStart(free, start):]))
			free = free[:phraseStart(free, start)]
			start = len(free)
		case tkNeg:
			from := phraseStart(free, start)
			r.Except = r.Except.union(phraseWeek(free[from:]))
			free = free[:from]
			start = len(free)
		case tkPos:
			free = append(free, token{kind: tkStrong, text: t.text})
			start = len(free)
		case tkStrong:
			free = append(free, t)
			start = len(free)
		case tkDays:
			r.Days = true
			if t.days == allDays && len(free) > 0 && free[len(free)-1].kind == tkDays {
				// 「土日ならいつでも」: any time of those days.
				continue
			}
			free = append(free, t)
		case tkUnknown:
			// A word the reader does not know may sit between the days and
			// their negation (「水曜は病院なのでだめ」), so it does not end
			// the phrase; for the parser it separates clauses.
			free = append(free, token{kind: tkStrong, text: t.text})
		default:
			free = append(free, t)
		}
	}
	w, err := parseLenient(free)
	if err != nil {
		return Reading{}, err
	}
	r.Free = w
	return r, nil
}

// phraseStart returns the first token of the phrase that began at start,
// skipping the separators an unknown word left.
func phraseStart(free []token, start int) int {
	for start < len(free) && free[start].kind == tkStrong {
		start++
	}
	return start
}

// fullDays is the whole of the given days.
func fullDays(days uint8) Week {
	var w Week
	for d := range 7 {
		if days&(1<<d) != 0 {
			w.Set(d, 0, SlotsPerDay)
		}
	}
	return w
}

func (w Week) union(o Week) Week {
	for d := range w {
		w[d] |= o[d]
	}
	return w
}

// phraseWeek reads a ruled-out phrase: days alone are the whole of those
// days (「月曜はだめ」), times alone those times on every day (「午前は無理」).
func phraseWeek(toks []token) Week {
	var days uint8
	timed := false
	for _, t := range toks {
		switch t.kind {
		case tkDays:
			days |= t.days
		case tkNum, tkPeriod, tkMeridiem:
			timed = true
		}
	}
	if !timed {
		return fullDays(days)
	}
	w, err := parseLenient(toks)
	if err != nil {
		return Week{}
	}
	return w
}

// parseLenient parses tokens as Parse does; when the whole fails for
// anything but a backwards range, it keeps the clauses that parse.
func parseLenient(toks []token) (Week, error) {
	p := parser{toks: toks, gather: true}
	err := p.parse()
	if err == nil {
		return p.week, nil
	}
	if errors.Is(err, ErrEndBeforeStart) {
		return Week{}, err
	}
	var w Week
	seg := 0
	for i := 0; i <= len(toks); i++ {
		if i < len(toks) && toks[i].kind != tkStrong {
			continue
		}
		p := parser{toks: toks[seg:i], gather: true}
		if err := p.parse(); err == nil {
			w = w.union(p.week)
		} else if errors.Is(err, ErrEndBeforeStart) {
			return Week{}, err
		}
		seg = i + 1
	}
	return w, nil
}

// scan is the forgiving tokenizer of Read: it never fails, turning what it
// does not know into tkUnknown tokens.
func scan(s string) []token {
	rs := []rune(s)
	var out []token
	unknownFrom := -1
	unknown := func(i int) {
		if unknownFrom < 0 {
			unknownFrom = i
		}
	}
	flush := func(i int) {
		if unknownFrom >= 0 {
			out = append(out, token{kind: tkUnknown, text: string(rs[unknownFrom:i])})
			unknownFrom = -1
		}
	}
	for i := 0; i < len(rs); {
		if n := numberLen(rs[i:]); n > 0 {
			if c := counterAt(rs, i+n); c > 0 {
				// 「週に2回」「3日」「2時間」: a count, not a time.
				unknown(i)
				i += n + c
				continue
			}
			v, ok := jtext.Number(string(rs[i : i+n]))
			if !ok {
				unknown(i)
				i += n
				continue
			}
			flush(i)
			out = append(out, token{kind: tkNum, num: v, text: string(rs[i : i+n])})
			i += n
			continue
		}
		t, n := readTable.longest(rs[i:])
		if n > 0 && acceptable(rs, i, n, t, out) {
			flush(i)
			if t.kind != tkFiller {
				t.text = string(rs[i : i+n])
				out = append(out, t)
			}
			i += n
			continue
		}
		unknown(i)
		i++
	}
	flush(len(rs))
	return out
}

// numberLen is the length of the number at the start of rs: ASCII digits
// or kanji numerals.
func numberLen(rs []rune) int {
	if n := runLen(rs, func(r rune) bool { return r >= '0' && r <= '9' }); n > 0 {
		return n
	}
	return runLen(rs, func(r rune) bool { return strings.ContainsRune(kanjiNumerals, r) })
}

// counterAt returns the length of a counter word at rs[i], or 0.
func counterAt(rs []rune, i int) int {
	for _, c := range counters {
		if hasPrefix(rs[i:], c) {
			// 「2日曜」 is not a count of days, 「10時」 is no counter.
			if c == "日" && hasPrefix(rs[i+1:], "曜") {
				continue
			}
			return len([]rune(c))
		}
	}
	return 0
}

func hasPrefix(rs []rune, p string) bool {
	i := 0
	for _, r := range p {
		if i >= len(rs) || rs[i] != r {
			return false
		}
		i++
	}
	return true
}

// acceptable reports whether the phrase found at rs[i:i+n] means what the
// table says here. Clock words need a number before them (「じ」 is also in
// 「じむ」), and a lone day kanji must read as a day.
func acceptable(rs []rune, i, n int, t token, out []token) bool {
	prev := tkEnd
	if len(out) > 0 {
		prev = out[len(out)-1].kind
	}
	switch t.kind {
	case tkHour, tkColon:
		return prev == tkNum && (i == 0 || !isSpaceRune(rs[i-1]))
	case tkMinute:
		return prev == tkNum
	case tkHalf:
		return prev == tkHour
	case tkTo, tkUntil, tkAfter:
		// 「から」「ー」 belong to a range only next to a time or a day:
		// 「家から近い」「えーと」 have none.
		switch prev {
		case tkNum, tkHour, tkHalf, tkMinute, tkPeriod, tkDays, tkMeridiem:
			return true
		}
		return t.kind == tkTo && i+n < len(rs) && (startsTime(rs[i+n]) || strings.ContainsRune(dayKanji, rs[i+n]))
	case tkDays:
		if n == 1 && strings.ContainsRune(dayKanji, rs[i]) {
			return loneDayReads(rs, i)
		}
	}
	return true
}

func isSpaceRune(r rune) bool { return r == ' ' }

// dayKanji are the one-character day names, which are also everyday words.
const dayKanji = "月火水木金土日"

// loneDayReads reports whether the day kanji at rs[i] is a day: followed by
// 曜, next to another day (「月水金」「月・水」「月と水」「月〜金」), or
// followed by a time (「月の午前」「水10時」). The whole message 「月」 is
// a day too.
func loneDayReads(rs []rune, i int) bool {
	isDay := func(j int) bool { return j >= 0 && j < len(rs) && strings.ContainsRune(dayKanji, rs[j]) }
	at := func(j int) rune {
		if j < 0 || j >= len(rs) {
			return 0
		}
		return rs[j]
	}
	if len(rs) == 1 {
		return true
	}
	next := at(i + 1)
	if next == '曜' || hasPrefix(rs[i+1:], "よう") {
		return true
	}
	if isDay(i+1) || isDay(i-1) {
		return true
	}
	joiner := func(r rune) bool { return strings.ContainsRune("・、,/と~や ", r) }
	if joiner(next) && isDay(i+2) || joiner(at(i-1)) && isDay(i-2) {
		return true
	}
	if next == 'の' && startsTime(at(i+2)) || startsTime(next) {
		return true
	}
	return false
}

// startsTime reports runes that begin a time or a part of the day.
func startsTime(r rune) bool {
	return (r >= '0' && r <= '9') || strings.ContainsRune("午朝昼夕夜晩"+kanjiNumerals, r)
}

// nextKind is the kind of the first token from i on that is not a filler
// left by an unknown word.
func nextKind(toks []token, i int) tokKind {
	if i = skipTo(toks, i); i < len(toks) {
		return toks[i].kind
	}
	return tkEnd
}

func skipTo(toks []token, i int) int {
	for i < len(toks) && toks[i].kind == tkUnknown {
		i++
	}
	return i
}
