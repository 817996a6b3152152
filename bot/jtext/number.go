package jtext

// maxDigits keeps numbers far from int overflow; nothing a person counts
// in a chat needs more.
const maxDigits = 9

// Number reads a whole string as a non-negative integer written in ASCII
// digits (「15」) or kanji numerals, either positional (「一五」) or with
// units (「十五」「二十」「百二」). Anything else, including an empty
// string, signs and other characters, is ok=false. Callers normalize first
// so full-width digits count.
func Number(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	if isDigit(rune(s[0])) {
		if len(s) > maxDigits {
			return 0, false
		}
		v := 0
		for _, r := range s {
			if !isDigit(r) {
				return 0, false
			}
			v = v*10 + int(r-'0')
		}
		return v, true
	}
	return kanjiNumber(s)
}

func kanjiNumber(s string) (int, bool) {
	hasUnit := false
	n := 0
	for _, r := range s {
		_, d := kanjiDigit(r)
		_, u := kanjiUnit(r)
		if !d && !u {
			return 0, false
		}
		hasUnit = hasUnit || u
		n++
	}
	if !hasUnit {
		// Positional, like 「一五」 or 「二〇」.
		if n > maxDigits {
			return 0, false
		}
		v := 0
		for _, r := range s {
			d, _ := kanjiDigit(r)
			v = v*10 + d
		}
		return v, true
	}
	// With units: each unit multiplies the digit before it (1 if none), and
	// units must fall (二十五 yes, 十百 no), which also bounds the value.
	total, digit, lastUnit := 0, -1, 0
	for _, r := range s {
		if d, ok := kanjiDigit(r); ok {
			if digit >= 0 {
				return 0, false
			}
			digit = d
			continue
		}
		u, _ := kanjiUnit(r)
		if lastUnit != 0 && u >= lastUnit {
			return 0, false
		}
		if digit < 0 {
			digit = 1
		}
		total += digit * u
		digit, lastUnit = -1, u
	}
	if digit >= 0 {
		total += digit
	}
	return total, true
}

func kanjiDigit(r rune) (int, bool) {
	switch r {
	case '〇', '零':
		return 0, true
	case '一':
		return 1, true
	case '二':
		return 2, true
	case '三':
		return 3, true
	case '四':
		return 4, true
	case '五':
		return 5, true
	case '六':
		return 6, true
	case '七':
		return 7, true
	case '八':
		return 8, true
	case '九':
		return 9, true
	}
	return 0, false
}

func kanjiUnit(r rune) (int, bool) {
	switch r {
	case '十':
		return 10, true
	case '百':
		return 100, true
	case '千':
		return 1000, true
	}
	return 0, false
}
