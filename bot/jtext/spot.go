package jtext

import (
	"strings"
	"unicode"
)

// Hit is a known word found inside a sentence.
type Hit struct {
	// ID is what the word names (a skill or area ID).
	ID string
	// Start and End are rune offsets in the normalized sentence.
	Start, End int
	// Negated is set when the sentence says the opposite of it: 「運転は
	// できません」「運転以外なら」.
	Negated bool
}

// Spotter finds the words of a vocabulary anywhere in a sentence: a phrase
// matcher, longest word first, over normalized text.
type Spotter struct {
	words  map[string]string
	maxLen int
	// narrow, for places, negates only with 「じゃなくて」「以外」 within
	// the word's own phrase: 「蒲田です、運転はできません」 keeps 蒲田.
	narrow bool
}

// Narrow makes the spotter negate only what is explicitly set aside
// (「世田谷じゃなくて調布」), as fits places.
func (s *Spotter) Narrow() *Spotter { s.narrow = true; return s }

// NewSpotter returns a spotter for words, keyed by their normalized form.
func NewSpotter(words map[string]string) *Spotter {
	s := &Spotter{words: words}
	for w := range words {
		s.maxLen = max(s.maxLen, len([]rune(w)))
	}
	return s
}

// Find returns the words in sentence, left to right, without overlaps, and
// marks the negated ones (see Negations). The sentence is normalized here.
func (s *Spotter) Find(sentence string) []Hit {
	rs := []rune(Normalize(sentence))
	var hits []Hit
	for i := 0; i < len(rs); {
		n, id := s.longest(rs, i)
		if n == 0 {
			i++
			continue
		}
		hits = append(hits, Hit{ID: id, Start: i, End: i + n})
		i += n
	}
	if s.narrow {
		for k := range hits {
			scope := string(rs[hits[k].End:])
			if cut := strings.IndexAny(scope, "、,。!?"); cut >= 0 {
				scope = scope[:cut]
			}
			for _, w := range setAside {
				if strings.Contains(scope, w) {
					hits[k].Negated = true
				}
			}
		}
		return hits
	}
	markNegated(rs, hits)
	return hits
}

func (s *Spotter) longest(rs []rune, i int) (int, string) {
	for n := min(s.maxLen, len(rs)-i); n > 0; n-- {
		id, ok := s.words[string(rs[i:i+n])]
		if !ok {
			continue
		}
		if !standsAlone(rs, i, n) {
			continue
		}
		return n, id
	}
	return 0, ""
}

// standsAlone reports whether a word found at rs[i:i+n] is a word of its
// own. Short words written in kana or Latin letters are also pieces of
// other words (「じむ」 in 「わたしじむ」, "it" in "with"), so they must start
// where a word can start; words with kanji are specific enough anywhere.
func standsAlone(rs []rune, i, n int) bool {
	w := rs[i : i+n]
	if hasHan(w) || n > 3 {
		return true
	}
	if i == 0 {
		return true
	}
	prev := rs[i-1]
	if isLatin(w[0]) {
		return !isLatin(prev) && (i+n == len(rs) || !isLatin(rs[i+n]))
	}
	return !unicode.Is(unicode.Hiragana, prev) || isParticle(prev)
}

func hasHan(rs []rune) bool {
	for _, r := range rs {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func isLatin(r rune) bool { return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

// isParticle reports the particles a word commonly follows: 「わたしは
// ぱそこんが」.
func isParticle(r rune) bool { return strings.ContainsRune("はがをにでともや", r) }

// markNegated sets Hit.Negated from what follows each word in its clause.
//
// A sentence is cut into clauses at 。！？ and at contrasts (けど, でも,
// 〜ますが): in 「採点はできますが運転はできません」 each skill has its own
// verb. Within a clause, what follows a word up to the next word is its
// scope. A scope with a negation (ません, ない, 無理, だめ, 苦手, 以外, NG)
// negates; one with a positive word (できます, 得意, 大丈夫) does not; a
// scope with neither takes the verdict of the next word in the clause, so
// 「採点と運転はできません」 negates both. 「しか〜ない」 is positive
// (「採点しかできません」 offers grading), and so are 「問題ない」
// 「構いません」.
func markNegated(rs []rune, hits []Hit) {
	verdict := make([]int, len(hits)) // -1 negated, +1 positive, 0 unknown
	for k := range hits {
		end := len(rs)
		if k+1 < len(hits) {
			end = hits[k+1].Start
		}
		scope := string(rs[hits[k].End:end])
		cut := clauseEnd(scope)
		verdict[k] = polarity(scope[:cut])
		if cut < len(scope) && verdict[k] == 0 {
			verdict[k] = 1 // the clause ended without a verb: an item of a list
		}
	}
	for k := len(hits) - 1; k >= 0; k-- {
		if verdict[k] == 0 {
			verdict[k] = 1
			if k+1 < len(hits) {
				verdict[k] = verdict[k+1]
			}
		}
		hits[k].Negated = verdict[k] < 0
	}
}

// clauseEnd returns the byte offset where the clause of a scope ends.
func clauseEnd(scope string) int {
	end := len(scope)
	for _, m := range clauseBreaks {
		if i := strings.Index(scope, m); i >= 0 && i+len(m) < end {
			end = i + len(m)
		}
	}
	return end
}

// polarity is -1 for a negated scope, +1 for a positive one, 0 for neither.
func polarity(scope string) int {
	if strings.HasPrefix(scope, "しか") || strings.HasPrefix(scope, "だけしか") {
		return 1
	}
	for _, w := range positiveNegatives {
		scope = strings.ReplaceAll(scope, w, " ")
	}
	for _, w := range negationWords {
		if strings.Contains(scope, w) {
			return -1
		}
	}
	for _, w := range positiveWords {
		if strings.Contains(scope, w) {
			return 1
		}
	}
	for _, w := range weakNegations {
		if strings.Contains(scope, w) {
			return -1
		}
	}
	return 0
}
