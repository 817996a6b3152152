package jtext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize folds text into the form word lists are written in, so that a
// lookup does not depend on how the person's keyboard spelled a word:
//
//   - NFKC: full-width digits and letters become ASCII, half-width katakana
//     becomes full-width, 「：」 becomes ":".
//   - katakana becomes hiragana (パソコン and ぱそこん are one word); the
//     prolonged sound mark ー stays, so コーヒー becomes こーひー.
//   - ASCII letters are lower-cased.
//   - every run of whitespace (including the ideographic space U+3000)
//     becomes one ASCII space; the ends are trimmed.
//   - wave dashes (〜, ～, ∼) always become "~", since they never belong
//     to a word. Hyphens and dashes (-, ‐, −, –, —, ―) and the prolonged
//     sound mark ー become "~" only between a number or time and a number
//     (10-15, 10時ー15時, 10:00 – 15:00), and the spaces around such a
//     range separator are dropped: "10:00~15:00". A consequence is that a
//     phone number or an ISO date changes (090~1234~5678); callers that need
//     those must not normalize them.
//
// Invalid UTF-8 bytes and zero-width spaces are dropped. Normalize is
// idempotent: Normalize(Normalize(s)) == Normalize(s).
func Normalize(s string) string {
	// Drop what NFKC keeps but a person cannot see, before composing, so
	// that removing it later cannot make two runes compose differently.
	s = strings.Map(func(r rune) rune {
		if r == '\u200b' || r == '\ufeff' || r == utf8.RuneError {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	s = norm.NFKC.String(s)
	// Folding can make runes compose that did not before (J̌ has no
	// composed form, ǰ has), so compose again for a stable result.
	s = norm.NFKC.String(strings.Map(foldRune, s))

	runes := make([]rune, 0, len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && len(runes) > 0 {
			runes = append(runes, ' ')
		}
		space = false
		runes = append(runes, r)
	}
	return string(unifyRanges(runes))
}

// foldRune maps one rune of NFKC text: katakana to hiragana, ASCII upper
// case to lower case.
func foldRune(r rune) rune {
	switch {
	case r >= 'A' && r <= 'Z':
		return r + 'a' - 'A'
	// ァ (U+30A1) … ヶ (U+30F6) sit exactly 0x60 above ぁ … ゖ; ヽヾ above ゝゞ.
	// ヷヸヹヺ have no hiragana and ー・ are shared, so they stay.
	case r >= 'ァ' && r <= 'ヶ', r == 'ヽ', r == 'ヾ':
		return r - 0x60
	}
	return r
}

// isWave reports wave dashes and tildes: always range marks, never part of
// a word.
func isWave(r rune) bool {
	switch r {
	case '~', '〜', '～', '∼', '⁓':
		return true
	}
	return false
}

// isDash reports hyphens, dashes and the prolonged sound mark, which are
// range marks only between numbers (ー is also the long vowel in こーひー).
func isDash(r rune) bool {
	switch r {
	case '-', '‐', '‑', '‒', '–', '—', '―', '−', 'ー', '－', 'ｰ':
		return true
	}
	return false
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// unifyRanges rewrites range separators in text that is already
// NFKC-normalized and has single spaces; see Normalize.
func unifyRanges(in []rune) []rune {
	out := make([]rune, 0, len(in))
	for i := 0; i < len(in); i++ {
		r := in[i]
		if !isWave(r) && !isDash(r) {
			out = append(out, r)
			continue
		}
		if rangeBefore(out) && rangeAfter(in[i+1:]) {
			if n := len(out); n > 0 && out[n-1] == ' ' {
				out = out[:n-1]
			}
			out = append(out, '~')
			if i+1 < len(in) && in[i+1] == ' ' {
				i++
			}
			continue
		}
		if isWave(r) {
			r = '~'
		}
		out = append(out, r)
	}
	return out
}

// rangeBefore reports whether text ending like this is the start of a
// range: a number or a time (10, 10:00, 10時, 10時半, 10時30分).
func rangeBefore(out []rune) bool {
	n := len(out)
	if n > 0 && out[n-1] == ' ' {
		n--
	}
	if n == 0 {
		return false
	}
	switch r := out[n-1]; {
	case isDigit(r), r == '時', r == '分', r == '半':
		return true
	}
	return false
}

// rangeAfter reports whether text starting like this is the end of a
// range: a number, or a time that begins with 午前/午後.
func rangeAfter(rest []rune) bool {
	if len(rest) > 0 && rest[0] == ' ' {
		rest = rest[1:]
	}
	if len(rest) == 0 {
		return false
	}
	return isDigit(rest[0]) || rest[0] == '午'
}
