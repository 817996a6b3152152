package avail

import (
	"fmt"
	"strings"

	"tsunagu/bot/jtext"
)

// tokKind is what a piece of normalized text means to the parser.
type tokKind int

const (
	tkEnd      tokKind = iota // past the last token
	tkFiller                  // carries nothing; dropped by the tokenizer
	tkDays                    // days: 月, 平日, weekends
	tkPeriod                  // a part of the day: 午前, 夜
	tkMeridiem                // am or pm
	tkNum                     // a number
	tkHour                    // 時
	tkMinute                  // 分
	tkHalf                    // 半
	tkColon                   // :
	tkTo                      // a range separator: 〜, -, から
	tkUntil                   // まで
	tkAfter                   // 以降
	tkStrong                  // 、 and other clause separators

	// Kinds only Read produces.
	tkUnknown // words the reader does not know
	tkNeg     // rules out what comes before: だめ, 無理, できません
	tkExcept  // 以外: the other days
	tkPos     // 大丈夫, できます: ends what a later negation rules out
)

// meridiem is a 12-hour clock marker.
type meridiem int

const (
	noMer meridiem = iota
	am
	pm
)

type token struct {
	kind tokKind
	days uint8
	per  period
	mer  meridiem
	num  int
	text string // as written, for error messages
}

func days(m uint8) token   { return token{kind: tkDays, days: m} }
func per(p period) token   { return token{kind: tkPeriod, per: p} }
func mer(m meridiem) token { return token{kind: tkMeridiem, mer: m} }

var filler = token{kind: tkFiller}

// kanjiNumerals are the runes of a kanji number (「十時」).
const kanjiNumerals = "〇零一二三四五六七八九十"

// vocab is phrases keyed by their normalized spelling, built once.
type vocab struct {
	words  map[string]token
	maxLen int // the longest key, in runes
}

var table = newVocab(phrases)

func newVocab(ph map[string]token) vocab {
	v := vocab{words: make(map[string]token, len(ph))}
	for w, t := range ph {
		k := normKey(w)
		v.words[k] = t
		v.maxLen = max(v.maxLen, len([]rune(k)))
	}
	return v
}

// tokenize splits normalized text into meaningful tokens, taking the
// longest phrase at each point. Text it does not know is an error: Parse
// never skips a word that might have said "not".
func tokenize(s string) ([]token, error) {
	rs := []rune(s)
	var out []token
	for i := 0; i < len(rs); {
		if n := runLen(rs[i:], func(r rune) bool { return r >= '0' && r <= '9' }); n > 0 {
			v, ok := jtext.Number(string(rs[i : i+n]))
			if !ok {
				return nil, fmt.Errorf("%w: number %q", ErrNotUnderstood, string(rs[i:i+n]))
			}
			out = append(out, token{kind: tkNum, num: v, text: string(rs[i : i+n])})
			i += n
			continue
		}
		if t, n := table.longest(rs[i:]); n > 0 {
			if t.kind != tkFiller {
				t.text = string(rs[i : i+n])
				out = append(out, t)
			}
			i += n
			continue
		}
		if n := runLen(rs[i:], func(r rune) bool { return strings.ContainsRune(kanjiNumerals, r) }); n > 0 {
			v, ok := jtext.Number(string(rs[i : i+n]))
			if !ok {
				return nil, fmt.Errorf("%w: number %q", ErrNotUnderstood, string(rs[i:i+n]))
			}
			out = append(out, token{kind: tkNum, num: v, text: string(rs[i : i+n])})
			i += n
			continue
		}
		return nil, fmt.Errorf("%w: %q", ErrNotUnderstood, snippet(rs[i:]))
	}
	return out, nil
}

// normKey is a phrase as the tokenizer sees it.
func normKey(w string) string {
	if k := jtext.Normalize(w); k != "" {
		return k
	}
	return w // whitespace, which Normalize trims away
}

func (v vocab) longest(rs []rune) (token, int) {
	for n := min(v.maxLen, len(rs)); n > 0; n-- {
		if t, ok := v.words[string(rs[:n])]; ok {
			return t, n
		}
	}
	return token{}, 0
}

func runLen(rs []rune, in func(rune) bool) int {
	n := 0
	for n < len(rs) && in(rs[n]) {
		n++
	}
	return n
}

// snippet is the start of the text Parse stopped at, short enough for an
// error message.
func snippet(rs []rune) string {
	if len(rs) > 10 {
		rs = rs[:10]
	}
	return string(rs)
}
