package jtext

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// SplitList splits a list answer such as 「丸つけ・ズーム」 or
// 「パソコン、スマホ」 into its items, trimmed and without empty ones.
//
// Items are separated by 、 , ， ・ ･ ／ / ; ； | ＆ & 。 and whitespace, by
// 「とか」, and by a hiragana 「と」 used as a conjunction. The items keep
// the person's own spelling (only NFKC-folded, so ＰＣ becomes PC), because
// a caller that does not know an item says so back in the person's words;
// callers normalize items before looking them up.
//
// 「と」 is also a sound inside words (ことば, とびら, おとな), so it
// separates only where the next item starts with something other than
// hiragana: 「パソコンとスマホ」「草取りと掃除」「採点と英語」 split,
// 「ことば」 does not, and neither does the all-hiragana
// 「ぱそこんとすまほ」 (the person is asked again instead of being
// misread). A katakana ト, as in テスト, never separates. 「とか」
// separates on the same terms and also at the end (「パソコンとか」), and a
// trailing 「など」 is dropped from an item.
func SplitList(s string) []string {
	s = strings.ToValidUTF8(norm.NFKC.String(s), "")
	runes := []rune(s)
	var items []string
	start := 0
	flush := func(end int) {
		item := strings.TrimSpace(string(runes[start:end]))
		if rest, cut := strings.CutSuffix(item, "など"); cut {
			item = strings.TrimSpace(rest)
		}
		if item != "" {
			items = append(items, item)
		}
	}
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		switch {
		case isListSep(r):
			flush(i)
			start = i + 1
		case r == 'と' && i > start && i+1 < len(runes) && runes[i+1] == 'か' &&
			(i+2 == len(runes) || startsItem(runes[i+2]) || isListSep(runes[i+2])):
			// 「パソコンとかスマホとか」: とか is "and such".
			flush(i)
			i++
			start = i + 1
		case r == 'と' && i > start && i+1 < len(runes) && startsItem(runes[i+1]):
			flush(i)
			start = i + 1
		}
	}
	flush(len(runes))
	return items
}

func isListSep(r rune) bool {
	switch r {
	case '、', ',', '・', '/', ';', '|', '&', '。', '､', '｡':
		return true
	}
	return unicode.IsSpace(r)
}

// startsItem reports whether a rune can begin the item after a conjunction
// と: anything but hiragana and separators.
func startsItem(r rune) bool {
	return !unicode.Is(unicode.Hiragana, r) && r != 'ー' && !isListSep(r)
}
