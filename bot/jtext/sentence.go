package jtext

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxSentence bounds what the sentence readers look at, in bytes: a chat
// answer, not a letter.
const maxSentence = 600

// Name reads a person's name from how they introduce themselves:
// 「山田花子と申します」「えーと、佐藤です」「名前は田中一郎です。よろしく
// お願いします」「調布に住んでいる山本です」. The name keeps the person's
// spelling (only NFKC-folded and trimmed); rest is what the message says
// besides the introduction, for other questions to read. A message that is
// not an introduction is taken whole as the name when it is short and has
// no sentence in it; otherwise name is empty.
func Name(s string) (name, rest string) {
	s = strings.TrimSpace(strings.ToValidUTF8(norm.NFKC.String(s), ""))
	if len(s) > maxSentence {
		return "", s
	}
	if i := strings.Index(s, "「"); i >= 0 {
		if j := strings.Index(s[i:], "」"); j > len("「") {
			// 「山口」で登録してください: the name is what is quoted.
			if q := strings.TrimSpace(s[i+len("「") : i+j]); q != "" && utf8.RuneCountInString(q) <= 20 {
				return q, ""
			}
		}
	}
	best := ""
	for _, sent := range sentences(s) {
		n := introduced(sent)
		switch {
		case n == "":
		case best == "":
			// The first introduction is the name: 「高橋です。平日の夜なら
			// 大丈夫です」 says more after it, no second name.
			best = n
		case strings.Contains(n, best) && utf8.RuneCountInString(n) > utf8.RuneCountInString(best):
			// 「林です。林まさこです。」: the fuller name wins.
			best = n
		}
	}
	if best != "" {
		return best, withoutLast(s, best)
	}
	if m := renamed.FindStringSubmatch(s); m != nil {
		// 「名前を佐藤文子に変えてください」「佐藤文子にしてください」.
		if n := strings.TrimSpace(m[1]); n != "" && utf8.RuneCountInString(n) <= 20 && !notAName(n) {
			return n, ""
		}
	}
	body := strings.TrimRight(stripPrefix(trimFillers(s)), "。.! ")
	if utf8.RuneCountInString(body) <= 15 && !strings.ContainsAny(body, "、。,?？") && !notAName(body) {
		return body, ""
	}
	return "", s
}

// renamed finds the name a request to change it names: 「名前を佐藤文子に
// 変えてください」, or at the question 「佐藤文子にしてください」.
var renamed = regexp.MustCompile(`^(?:.{0,6}?名前[をは])?\s*([^、。,!?\s]{1,20}?)\s*(?:に|へ)(?:変え|変更|して|直し|訂正)`)

// afterRequest is what follows the last request or polite ending in
// dictation that runs on: 「漢字の文子にしてください佐藤文子」 is 「佐藤文子」.
// 「ます」「です」 end a sentence only before a kanji or katakana (not in
// 「増田ますみ」).
func afterRequest(stem string) string {
	for _, e := range []string{"ください", "下さい", "お願いします"} {
		if i := strings.LastIndex(stem, e); i >= 0 {
			stem = stem[i+len(e):]
		}
	}
	for _, e := range []string{"ます", "です"} {
		if i := strings.LastIndex(stem, e); i >= 0 {
			if r, _ := utf8.DecodeRuneInString(stem[i+len(e):]); unicode.Is(unicode.Han, r) || unicode.Is(unicode.Katakana, r) {
				stem = stem[i+len(e):]
			}
		}
	}
	return strings.TrimSpace(stem)
}

// introduced reads the name from one sentence of an introduction, or "".
func introduced(sent string) string {
	body := stripPrefix(trimFillers(sent))
	if rest, ok := strings.CutPrefix(body, "はい"); ok {
		// 「はい佐藤ヨシ子です」: the yes to the question, then the name.
		if r, _ := utf8.DecodeRuneInString(rest); unicode.Is(unicode.Han, r) || unicode.Is(unicode.Katakana, r) {
			body = rest
		}
	}
	for _, suf := range nameSuffixes {
		i := strings.Index(body, suf)
		if i <= 0 {
			continue
		}
		if endsOnly[suf] && !endsIntroduction(body[i+len(suf):]) {
			// 「やまだよしこ」 holds 「だよ」, and is all name.
			continue
		}
		stem := strings.TrimSpace(body[:i])
		if j := strings.LastIndexAny(stem, "、,"); j >= 0 {
			// After the whole separator: 、 is three bytes, and cutting
			// one byte in left two of it before the name.
			_, size := utf8.DecodeRuneInString(stem[j:])
			stem = strings.TrimSpace(stem[j+size:])
		}
		stem = stripPrefix(afterRequest(stem))
		// 「調布に住んでいる山本です」: the name is the last word.
		if tail := nameTail(stem); tail != "" && tail != stem && clauseBefore(stem, tail) {
			stem = tail
		}
		if stem != "" && utf8.RuneCountInString(stem) <= 20 && !notAName(stem) {
			return stem
		}
	}
	return ""
}

func stripPrefix(body string) string {
	for _, pre := range namePrefixes {
		if r, ok := strings.CutPrefix(body, pre); ok {
			return strings.TrimLeft(r, " 、,")
		}
		if i := strings.Index(body, pre); i > 0 && utf8.RuneCountInString(body[:i]) <= 6 {
			// 「えーっとですね名前は…」: a few words before the prefix.
			return strings.TrimLeft(body[i+len(pre):], " 、,")
		}
	}
	return body
}

// withoutLast is s without the last occurrence of name: what remains for
// the other questions (「世田谷の佐藤です」 leaves 「世田谷の」).
func withoutLast(s, name string) string {
	i := strings.LastIndex(s, name)
	if i < 0 {
		return s
	}
	return strings.TrimSpace(s[:i] + " " + s[i+len(name):])
}

// sentences splits text after 。！？ and after a 「です、」 that ends an
// introduction.
func sentences(s string) []string {
	var out []string
	start := 0
	rs := []rune(s)
	for i, r := range rs {
		end := strings.ContainsRune("。!?\n", r)
		if r == '、' && i >= 2 && (string(rs[i-2:i]) == "です" || string(rs[i-2:i]) == "ます") {
			end = true
		}
		if end {
			if p := strings.TrimSpace(string(rs[start : i+1])); p != "" {
				out = append(out, p)
			}
			start = i + 1
		}
	}
	if p := strings.TrimSpace(string(rs[start:])); p != "" {
		out = append(out, p)
	}
	return out
}

// nameTail is the run of kanji, katakana and Latin letters at the end of
// s: the noun before です.
func nameTail(s string) string {
	rs := []rune(s)
	i := len(rs)
	for i > 0 {
		r := rs[i-1]
		if unicode.Is(unicode.Han, r) || unicode.Is(unicode.Katakana, r) || r == 'ー' || r == '々' || isLatin(r) {
			i--
			continue
		}
		break
	}
	return string(rs[i:])
}

// clauseBefore reports whether what comes before tail in stem ends in a
// particle or a clause that leads to a name: 「世田谷の|林」「調布に住んで
// いる|山本」. Kana inside a given name is not one: 「山田よし|子」
// 「佐藤はる|子」 are whole names.
func clauseBefore(stem, tail string) bool {
	head := []rune(strings.TrimSuffix(stem, tail))
	run := 0 // the hiragana just before the tail
	for i := len(head) - 1; i >= 0 && unicode.Is(unicode.Hiragana, head[i]); i-- {
		run++
	}
	if run == 0 {
		return false
	}
	switch last := head[len(head)-1]; {
	case strings.ContainsRune("のにではがを", last):
		return true
	case strings.ContainsRune("るた", last):
		// A verb's end (「住んでいる」「来た」), not a name's 「はる」.
		return run >= 3
	}
	return false
}

// endsOnly are the suffixes that end an introduction only at the end of
// a sentence, being parts of names elsewhere (「やまだよしこ」).
var endsOnly = map[string]bool{"です": true, "でーす": true, "だよ": true}

// endsIntroduction reports whether rest, what follows a suffix, leaves
// the introduction ended: nothing, marks, a greeting, or (dictation puts
// no 。) a new sentence starting with a kanji or katakana word:
// 「さとうよしこです調布に住んでおります」.
func endsIntroduction(rest string) bool {
	rest = strings.TrimLeft(rest, " 、,。.!！?？ー〜~ね")
	if r, _ := utf8.DecodeRuneInString(rest); unicode.Is(unicode.Han, r) || unicode.Is(unicode.Katakana, r) {
		return true
	}
	return rest == "" || strings.HasPrefix(rest, "よろしく")
}

// trimFillers drops hesitations and greetings from the front of an answer
// in the person's spelling: 「えーと、」「あのー」「はい、」「こんにちは。」.
func trimFillers(s string) string { return strings.TrimSpace(cutFillers(s, fillers, " 、,。.")) }

// StripFillers drops hesitations from the front of a normalized answer;
// 「はい、」 stays, being an answer.
func StripFillers(n string) string { return cutFillers(n, normFillers, " 、,。.~") }

// DropHesitations removes the hesitations dictation leaves anywhere in a
// normalized sentence (「月曜と えー 木曜の午後」), each where a word
// begins: at the start, or after a space or punctuation. Between two
// parts of an answer they read as a word of their own and cut it in two.
func DropHesitations(n string) string {
	var b strings.Builder
	rest := n
	atWord := true
	for rest != "" {
		if atWord {
			cut := false
			for _, h := range hesitations {
				if r, ok := strings.CutPrefix(rest, h); ok {
					rest, cut = r, true
					b.WriteByte(' ')
					break
				}
			}
			if cut {
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(rest)
		b.WriteRune(r)
		rest = rest[size:]
		atWord = strings.ContainsRune(" 、,。.~!?", r)
	}
	return b.String()
}

// cutFillers removes words from the front of s, with the punctuation
// around them, as long as one is there.
func cutFillers(s string, words []string, punct string) string {
	for changed := true; changed; {
		changed = false
		s = strings.TrimLeft(s, punct)
		for _, f := range words {
			if r, ok := strings.CutPrefix(s, f); ok {
				s, changed = r, true
				break
			}
		}
	}
	return s
}

// Limit reads how many tasks a week a person wants: 「週に2回くらい」
// 「1件で」「週一」. A range or a hesitation between two numbers
// (「二、三回」「2〜3件」「2か3」) gives the lower one with low set, so the
// caller can say which it took; 「月に4回」 is per month and becomes about
// once a week (at least 1). ok is false when no count is there.
func Limit(s string) (n int, low, ok bool) {
	t := Normalize(s)
	if len(t) > maxSentence {
		return 0, false, false
	}
	// 「午後2時から4時も」 is a time, not two or four a week.
	t = clockTimes.ReplaceAllString(t, " ")
	for w, v := range limitWords {
		if strings.Contains(t, w) {
			return v, false, true
		}
	}
	monthly := strings.HasPrefix(t, "月") && len(t) > len("月") && isDigit(rune(t[len("月")]))
	for _, w := range monthWords {
		if strings.Contains(t, w) {
			monthly = true
			break
		}
	}
	perWeek := func(v int) int {
		if monthly {
			return max(1, (v+2)/4)
		}
		return v
	}
	// Two numbers: 「2、3回」「2~3件」「2か3」「二三回」.
	if nums := numbersIn(t); len(nums) == 2 && nums[1] > nums[0] && nums[1]-nums[0] <= 3 {
		return perWeek(nums[0]), true, true
	}
	if v, ok := Count(t); ok {
		return perWeek(v), false, true
	}
	return 0, false, false
}

// clockTimes are the times of day in a normalized sentence: 2時, 2時半,
// 14時30分, 14:30.
var clockTimes = regexp.MustCompile(`\d+\s*時(\s*\d+\s*分|半)?|\d+:\d+`)

// numbersIn returns the numbers of text, splitting a run of two kanji digits
// that count up (「二三回」 is "two or three").
func numbersIn(t string) []int {
	rs := []rune(t)
	var out []int
	for i := 0; i < len(rs); {
		if w := wordAt(rs, i, notNumbers); w > 0 {
			i += w
			continue
		}
		if w := wordAt(rs, i, periodWords); w > 0 {
			i += w
			continue
		}
		v, end, ok := numberAt(rs, i)
		if !ok || end < 0 {
			i++
			continue
		}
		if wordAt(rs, end, periodWords) > 0 {
			i = end
			continue
		}
		if end-i == 2 {
			a, okA := kanjiDigit(rs[i])
			b, okB := kanjiDigit(rs[i+1])
			if okA && okB && b == a+1 {
				out = append(out, a, b)
				i = end
				continue
			}
		}
		out = append(out, v)
		i = end
	}
	return out
}

// notAName reports a stem before 「です」 that says something else than a
// name: 「平日の夜なら大丈夫です」「午前中だけです」.
func notAName(stem string) bool {
	if notNamesWhole[strings.TrimRight(stem, "。.!！ ")] {
		// 「はい」「同意します」 typed at the name question answer another.
		return true
	}
	for _, w := range notNameWords {
		if strings.Contains(stem, w) {
			return true
		}
	}
	return false
}
