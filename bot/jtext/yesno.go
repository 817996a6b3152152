package jtext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxAnswerLen bounds how long a yes/no answer may be: a long message is a
// question or a story, not an answer, and is better handed to a person.
const maxAnswerLen = 120

// YesNo reads a yes/no answer from free text. ok is false when the text is
// not clearly one or the other.
//
// The whole answer must be known words: 「はい」「できます！」「OKです」
// 「了解しました😊」 are yes, 「いいえ」「今回は見送ります」「結構です。」 are no,
// and 「はいけい」 or 「はい、でも…」 are not understood. Several pieces that
// agree are understood (「はい、お願いします」), pieces that disagree are not
// (「はい、いいえ」), and apologies or thanks beside an answer are ignored
// (「すみません、できません」). Sentence endings such as 「です」「よ」「ね」
// and trailing punctuation or emoji are tolerated.
func YesNo(s string) (yes bool, ok bool) {
	n := Normalize(s)
	if len(n) > maxAnswerLen {
		return false, false
	}
	if v, known := answerWord(n); known {
		return v, true
	}
	decided := false
	for _, piece := range strings.FieldsFunc(n, isNoise) {
		v, known := answerWord(piece)
		if !known {
			if courtesyWords[trimNoise(piece)] {
				continue
			}
			return false, false
		}
		if decided && v != yes {
			return false, false
		}
		yes, decided = v, true
	}
	return yes, decided
}

// answerWord looks up one normalized piece of an answer, first as it is,
// then without a leading 「今回は」 and without sentence endings.
func answerWord(p string) (yes bool, ok bool) {
	p = trimNoise(p)
	for _, pre := range answerPrefixes {
		if rest, cut := strings.CutPrefix(p, pre); cut && rest != "" {
			p = rest
			break
		}
	}
	// Each suffix is tried after the one before it is gone, so
	// 「できますよー」 loses 「ー」 and then 「よ」. The bound keeps it short.
	for range 4 {
		if yesWords[p] {
			return true, true
		}
		if noWords[p] {
			return false, true
		}
		stripped := false
		for _, suf := range answerSuffixes {
			if rest, cut := strings.CutSuffix(p, suf); cut && rest != "" {
				p, stripped = trimNoise(rest), true
				break
			}
		}
		if !stripped {
			break
		}
	}
	return false, false
}

// isNoise reports runes that separate or decorate the words of an answer:
// punctuation, symbols (emoji, ~), spaces, and the marks and joiners that
// ride on emoji.
func isNoise(r rune) bool {
	return unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r) ||
		unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf)
}

func trimNoise(s string) string { return strings.TrimFunc(s, isNoise) }

// Answer reads a yes/no answer from a sentence, as people dictate them:
// 「はい、大丈夫だと思います」「伺えます」「お引き受けできます」 are yes,
// 「その日はちょっと…」「今回はご縁がなかったということで」「すみません、
// 用事があって行けません」 are no. It first tries YesNo; then it looks for
// the words that decide (negative ones first, so 「できません」 is not
// 「できます」), ignoring apologies and fillers. A sentence with both
// (「はい、でも行けません」) or a question (「行けますか？」) is not
// understood, and neither is one with no deciding word.
func Answer(s string) (yes, ok bool) {
	if yes, ok := YesNo(s); ok {
		return yes, true
	}
	n := Normalize(s)
	for _, ack := range acknowledgements {
		// 「はい、その日は都合が悪いので今回はやめておきます」: the はい
		// acknowledges; the rest answers, a no as well as a yes.
		if rest, cut := strings.CutPrefix(n, ack); cut && rest != "" {
			if y, known := Answer(rest); known && !y {
				return false, true
			}
		}
	}
	if n == "" || len(n) > maxSentence {
		return false, false
	}
	for _, w := range strongNo {
		if strings.Contains(n, w) {
			return false, true
		}
	}
	// Each sentence is read alone; a question (「何時に行けばいいですか」)
	// says nothing, and after a contrast (「参加したいけど、日にちが合わない」)
	// the last part decides.
	decided := false
	for _, sent := range strings.FieldsFunc(n, func(r rune) bool { return strings.ContainsRune("。!?\n", r) }) {
		if i := lastContrast(sent); i >= 0 {
			// What follows the contrast decides, when it answers:
			// 「行けますけどちょっと遅れます」 is still a yes.
			if _, known := sentenceAnswer(sent[i:]); known || undecidedIn(sent[i:]) {
				sent = sent[i:]
			} else {
				sent = sent[:i]
			}
		}
		if q := strings.TrimRight(sent, "…. ~"); strings.HasSuffix(q, "か") || strings.HasSuffix(q, "かな") && !strings.Contains(q, "しようかな") && !strings.Contains(q, "みようかな") {
			continue
		}
		if undecidedIn(sent) {
			// 「ちょっと考えさせてください」 says neither; 「よくわからない
			// けど、はい」 was cut at its contrast above.
			continue
		}
		v, known := sentenceAnswer(sent)
		if !known {
			continue
		}
		if decided && v != yes {
			return false, false
		}
		yes, decided = v, true
	}
	if strings.HasSuffix(strings.TrimRight(n, " "), "?") && !decided {
		return false, false
	}
	return yes, decided
}

// lastContrast returns where the part after the last contrast starts, or -1.
func lastContrast(s string) int {
	at := -1
	for _, c := range contrasts {
		if i := strings.LastIndex(s, c); i >= 0 && i+len(c) > at && i+len(c) < len(s) {
			at = i + len(c)
		}
	}
	return at
}

// sentenceAnswer decides one sentence by its words, negative ones first.
func sentenceAnswer(n string) (yes, ok bool) {
	n = StripFillers(n)
	for _, w := range courtesyNoise {
		n = strings.ReplaceAll(n, w, " ")
	}
	neg, pos := false, false
	for _, w := range answerNo {
		if strings.Contains(n, w) {
			neg = true
			n = strings.ReplaceAll(n, w, " ")
		}
	}
	for _, w := range answerYes {
		if strings.Contains(n, w) {
			pos = true
		}
	}
	for _, w := range answerYesLeading {
		if startsWord(n, w) {
			pos = true
		}
	}
	if !neg && !pos {
		// 「その日はちょっと…」: a hesitation that ends the sentence is a
		// soft no. Followed by what it qualifies, it is not one:
		// 「ちょっと遅れます」「ちょっと早めに終わりました」.
		for _, w := range softNo {
			if i := strings.LastIndex(n, w); i >= 0 && trailsOff(n[i+len(w):]) {
				return false, true
			}
		}
		for _, w := range dayNo {
			if strings.Contains(n, w) {
				return false, true
			}
		}
	}
	if neg == pos {
		return false, false
	}
	return pos, true
}

// trailsOff reports whether what follows a hesitation says nothing more:
// marks, 「…」, or an ending such as 「です」「なので」.
func trailsOff(rest string) bool {
	const marks = " …・.,、。~ー-"
	rest = strings.Trim(rest, marks)
	for _, e := range trailingEndings {
		rest = strings.Trim(strings.TrimPrefix(rest, e), marks)
	}
	return rest == ""
}

// Undecided reports a sentence that says the person has not decided yet
// (「ちょっと考えさせてください」): it is neither yes nor no.
func Undecided(s string) bool {
	n := Normalize(s)
	if len(n) > maxSentence {
		return false
	}
	return undecidedIn(n)
}

func undecidedIn(n string) bool {
	for _, w := range undecided {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// startsWord reports whether w begins n or one of its words: at the start,
// or after a space or a mark (「えーと、はい」「はいやります」), never inside a
// word (「今日はいい」).
func startsWord(n, w string) bool {
	for i := 0; ; {
		j := strings.Index(n[i:], w)
		if j < 0 {
			return false
		}
		at := i + j
		if at == 0 {
			return true
		}
		r, _ := utf8.DecodeLastRuneInString(n[:at])
		if isNoise(r) {
			return true
		}
		i = at + len(w)
	}
}

// Commits reports a yes said in words that take something on
// (「はい」「引き受けます」「その日なら大丈夫です」), as against a yes
// read from a pleasantry (「いいですね」).
//
// In a message of several sentences the first that answers decides,
// unless another refuses: a hedge in a later sentence is about something
// else (「ぜひ参加したいと思います。Zoomは孫に教わったので大丈夫だと思
// います」 was asked about again), and a closing 「よろしくお願いします」
// after 「行けたら行きます」 commits to nothing.
func Commits(s string) bool {
	parts := messageSentences(s)
	if len(parts) < 2 {
		return commitsOne(s)
	}
	for _, p := range parts {
		if Refuses(p) {
			return false
		}
	}
	answer, ok := answering(parts)
	return ok && commitsOne(answer)
}

// messageSentences splits a message at its sentence ends (only there:
// 「大丈夫です、行けます」 is one answer).
func messageSentences(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("。．！!？?\n", r) })
}

// answering is the first of parts that reads as a yes or a no.
func answering(parts []string) (string, bool) {
	for _, p := range parts {
		if _, ok := Answer(p); ok {
			return p, true
		}
	}
	return "", false
}

func commitsOne(s string) bool {
	n := StripFillers(Normalize(s))
	if onlyFine(n) || Refuses(s) || Acknowledges(s) {
		// 「大丈夫です」 alone says yes as often as "no, thank you".
		return false
	}
	if yes, ok := YesNo(s); ok && yes {
		return true
	}
	if hedgedIn(n) {
		return false
	}
	for _, w := range committingYes {
		if strings.Contains(n, w) {
			return true
		}
	}
	for _, w := range answerYesLeading {
		if startsWord(n, w) {
			return true
		}
	}
	return false
}

// Hedged reports a yes made a maybe (「行けたら行きます」「たぶん大丈夫
// です」) or a closing pleasantry (「今後ともよろしくお願いします」): a
// yes that must be asked about before it takes anything. In a message of
// several sentences it is the answering one that counts, as for Commits.
func Hedged(s string) bool {
	if parts := messageSentences(s); len(parts) > 1 {
		if answer, ok := answering(parts); ok {
			return hedgedIn(Normalize(answer))
		}
	}
	return hedgedIn(Normalize(s))
}

func hedgedIn(n string) bool {
	for _, w := range hedges {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// Adds reports a sentence that adds to what the person gave before
// (「木曜の午前も空きました」) rather than restating all of it.
func Adds(s string) bool {
	n := Normalize(s)
	for _, w := range addingWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// Refuses reports a no to an offer said with yes words: 「いや、大丈夫
// です」「いえ、今回は大丈夫です」「今回はいいです」 decline it, as
// 「結構です」 does. Answer reads them as yes, which they are elsewhere
// (「いや、大丈夫です、行けます」 to 「予定どおり行けますか？」).
func Refuses(s string) bool {
	return containsAny(withoutSeparators(Normalize(s)), politeRefusals)
}

// onlyFine reports a normalized sentence that is 「大丈夫です」 and
// nothing more.
func onlyFine(n string) bool {
	m := withoutSeparators(n)
	for _, w := range fineWords {
		m = strings.ReplaceAll(m, w, "")
	}
	if len(m) == len(withoutSeparators(n)) {
		return false
	}
	for {
		trimmed := m
		for _, end := range fineEndings {
			trimmed = strings.TrimSuffix(trimmed, end)
		}
		if trimmed == m {
			return m == ""
		}
		m = trimmed
	}
}

// withoutSeparators is n without spaces and punctuation: 「いや 大丈夫」
// and 「いや、大丈夫」 read alike.
func withoutSeparators(n string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(" 、,。.!?…~", r) {
			return -1
		}
		return r
	}, n)
}

func containsAny(n string, words []string) bool {
	for _, w := range words {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// Defers reports an answer that puts a decision off: 「まだわからないので、
// はっきりしたらまた連絡します」「明日の片付けが終わってからにします」
// 「少し考えます」. To 「退会しますか？」 or 「キャンセルしますか？」 it is
// not a yes, whatever yes words it holds: nothing is done yet.
func Defers(s string) bool {
	return containsAny(Normalize(s), deferWords)
}

var deferWords = normalizeAll("まだわから", "まだ分から", "はっきりしたら", "はっきりしてから", "わかったら", "分かったら",
	"決まったら", "また連絡", "またご連絡", "また連絡します", "あとで連絡", "後で連絡", "あとにします", "後にします",
	"からにします", "終わってから", "おわってから", "考えます", "考えてから", "かんがえます", "様子を見", "ようすをみ",
	"保留", "もう少し待", "ちょっと待って", "少し待って", "待ってください", "まってください", "まだ決め", "まだきめ")

// Acknowledges reports a message that only acknowledges (「了解です」「OK」
// 「わかりました」「承知しました」): said to an announcement as often as to
// an offer, it takes nothing on before the person is asked.
func Acknowledges(s string) bool {
	m := withoutSeparators(StripFillers(Normalize(s)))
	m = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r) || r == '\ufe0f' || r == '\u200d' {
			return -1 // emoji: 🙆‍♂️ 👍
		}
		return r
	}, m)
	for _, w := range acknowledgementWords {
		if rest, ok := strings.CutPrefix(m, w); ok {
			for changed := true; changed; {
				changed = false
				for _, end := range fineEndings {
					if r, cut := strings.CutSuffix(rest, end); cut {
						rest, changed = r, true
					}
				}
				for _, end := range []string{"しました", "いたしました", "です", "でーす"} {
					if r, cut := strings.CutSuffix(rest, end); cut {
						rest, changed = r, true
					}
				}
			}
			if rest == "" {
				return true
			}
		}
	}
	return false
}
