package jtext

import (
	"regexp"
	"strconv"
	"strings"
)

// maxHoursText bounds the text Hours reads: how long something took is a
// short sentence.
const maxHoursText = 200

// hoursPattern finds a duration in normalized text: 「2時間半」「2時間30分」
// 「1.5時間」「90分」「二時間半」, with a number in digits or kanji.
var hoursPattern = regexp.MustCompile(`([0-9]+(?:\.[0-9]+)?|[〇一二三四五六七八九十]+)\s*(?:時間\s*(半)?(?:\s*([0-9]+|[〇一二三四五六七八九十]+)\s*分)?|分)`)

// Hours reads how long something took from a sentence: 「2時間半でした」
// is 2.5, 「1時間だけ」 1, 「90分くらい」 1.5, 「1時間30分」 1.5. It answers
// ok=false when there is no duration, or two different ones
// (「2時間か3時間」), so the caller can ask again rather than guess.
func Hours(s string) (float64, bool) {
	n := Normalize(s)
	if len(n) > maxHoursText {
		return 0, false
	}
	found := hoursPattern.FindAllStringSubmatch(n, -1)
	if len(found) == 0 {
		return 0, false
	}
	var h float64
	for i, m := range found {
		v, ok := number(m[1])
		if !ok {
			return 0, false
		}
		var d float64
		switch {
		case strings.HasSuffix(m[0], "分") && !strings.Contains(m[0], "時間"):
			d = v / 60
		default:
			d = v
			if m[2] != "" {
				d += 0.5
			}
			if m[3] != "" {
				min, ok := number(m[3])
				if !ok {
					return 0, false
				}
				d += min / 60
			}
		}
		if i > 0 && d != h {
			return 0, false
		}
		h = d
	}
	return h, true
}

// number reads digits, with a decimal part, or kanji numerals.
func number(s string) (float64, bool) {
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		return v, true
	}
	v, ok := Number(s)
	return float64(v), ok
}
