package jtext

import "strings"

// maxCountText bounds the text Count reads: a count is a short answer.
const maxCountText = 200

// Count reads one small non-negative number from a short answer:
// 「3」「３件」「週3」「週に3回」「三件」「二つ」「ひとつ」「5回まで」.
// A number before 「週」「週間」「か月」 is the period, not the count, so
// 「1週間に3回」 is 3 and 「週一」 is 1.
//
// It answers ok=false when there is no number, when there are two different
// ones (「3か4」「3〜5件」, so the caller can ask again rather than guess),
// for negatives (「-3」「マイナス3」) and for fractions (「2.5」). Zero is 0
// with ok=true: ranges are the caller's to check.
func Count(s string) (int, bool) {
	n := Normalize(s)
	if len(n) > maxCountText {
		return 0, false
	}
	for _, w := range minusWords {
		if strings.Contains(n, w) {
			return 0, false
		}
	}
	rs := []rune(n)
	found, value := false, 0
	for i := 0; i < len(rs); {
		if w := wordAt(rs, i, notNumbers); w > 0 {
			i += w
			continue
		}
		v, end, ok := numberAt(rs, i)
		if !ok {
			i++
			continue
		}
		if end < 0 {
			return 0, false
		}
		if wordAt(rs, end, periodWords) > 0 {
			i = end
			continue
		}
		if found && v != value {
			return 0, false
		}
		found, value = true, v
		i = end
	}
	return value, found
}

// numberAt reads a number starting at rs[i]: ASCII digits, kanji numerals
// or a native counting word. end is where it stops; end < 0 means the
// number is there but no count can be (negative, fraction, too large).
func numberAt(rs []rune, i int) (v, end int, ok bool) {
	for w, n := range nativeCounts {
		if hasPrefixAt(rs, i, w) {
			return n, i + len([]rune(w)), true
		}
	}
	class := numeralClass(rs[i])
	if class == 0 {
		return 0, 0, false
	}
	end = i
	for end < len(rs) && numeralClass(rs[end]) == class {
		end++
	}
	if class == digitClass {
		if i > 0 && isMinus(prevNonSpace(rs, i)) {
			return 0, -1, true
		}
		if end+1 < len(rs) && rs[end] == '.' && isDigit(rs[end+1]) {
			return 0, -1, true
		}
	}
	v, ok = Number(string(rs[i:end]))
	if !ok {
		return 0, -1, true
	}
	return v, end, true
}

const (
	digitClass = 1
	kanjiClass = 2
)

func numeralClass(r rune) int {
	if isDigit(r) {
		return digitClass
	}
	if _, ok := kanjiDigit(r); ok {
		return kanjiClass
	}
	if _, ok := kanjiUnit(r); ok {
		return kanjiClass
	}
	return 0
}

func isMinus(r rune) bool {
	switch r {
	case '-', '−', '‐', '‑', '‒', '–', '—', '―', 'ー':
		return true
	}
	return false
}

func prevNonSpace(rs []rune, i int) rune {
	for j := i - 1; j >= 0; j-- {
		if rs[j] != ' ' {
			return rs[j]
		}
	}
	return 0
}

// wordAt returns the length in runes of the first of words found at rs[i],
// or 0.
func wordAt(rs []rune, i int, words []string) int {
	for _, w := range words {
		if hasPrefixAt(rs, i, w) {
			return len([]rune(w))
		}
	}
	return 0
}

func hasPrefixAt(rs []rune, i int, w string) bool {
	for _, r := range w {
		if i >= len(rs) || rs[i] != r {
			return false
		}
		i++
	}
	return w != ""
}
