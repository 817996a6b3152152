package jtext

// The word lists of this package, in one place. They are written the way
// people type them and normalized once when the package loads, so a new
// entry needs no thought about kana or width. They are read-only after that.

// yesWords answer a question like 「お願いできますか？」 with yes. Whole
// answers only: 「はいけい」 is not 「はい」.
var yesWords = wordSet(
	"はい", "はーい", "はいはい", "うん", "うんうん", "ええ",
	"OK", "okay", "o.k", "おk", "おけ", "オッケー", "オッケイ", "オーケー",
	"できます", "できる", "出来ます", "出来る", "できますよ",
	"大丈夫", "だいじょうぶ", "可能", "行けます", "いけます",
	"お願いします", "おねがいします", "お願いいたします", "お願い致します", "お願い",
	"よろしくお願いします", "よろしくお願いいたします", "よろしく",
	"同意します", "同意する", "同意", "同意いたします",
	"引き受けます", "引き受ける", "引受けます", "お引き受けします", "受けます",
	"やります", "やる", "参加します", "参加する", "参加したい", "出席します", "喜んで",
	"了解", "了解しました", "りょうかい", "承知しました", "承知いたしました", "かしこまりました",
	"yes", "y", "yeah", "yep", "sure", "of course", "accept", "agree", "i agree", "yes please",
)

// noWords answer the same question with no.
var noWords = wordSet(
	"いいえ", "いえ", "いや", "嫌", "ううん",
	"だめ", "ダメ", "駄目",
	"できません", "出来ません", "できない", "出来ない", "行けません", "いけません",
	"やめます", "やめる", "止めます", "やめておきます", "やめときます",
	"見送ります", "見送る", "見送り", "見送りで", "見送らせてください", "見送らせていただきます",
	"結構です", "けっこうです",
	"同意しない", "同意しません", "同意できません",
	"無理", "むり", "難しい", "むずかしい", "不可",
	"遠慮します", "遠慮しておきます", "辞退します", "辞退", "お断りします", "断ります",
	"パス", "パスします", "パスで",
	"参加しない", "参加しません", "不参加", "欠席", "欠席します",
	"no", "n", "nope", "no thanks", "decline", "disagree",
)

// courtesyWords may sit beside an answer without changing it: in
// 「すみません、できません」 only 「できません」 answers. Alone they answer
// nothing.
var courtesyWords = wordSet(
	"すみません", "すいません", "申し訳ありません", "申し訳ないです", "申し訳ございません",
	"ごめんなさい", "ごめん", "ありがとう", "ありがとうございます", "では", "それでは", "じゃあ",
	"thanks", "thank you", "sorry",
)

// answerPrefixes are dropped from the front of an answer piece:
// 「今回は見送ります」 answers like 「見送ります」.
var answerPrefixes = normalizeAll("今回は", "今回も", "今回", "今日は", "ぜひ", "是非")

// answerSuffixes are sentence endings dropped from the end of an answer
// piece, one after another: 「了解です」「できますよー」「はいっ」.
var answerSuffixes = normalizeAll("でございます", "でーす", "です", "ですね", "ですよ", "よ", "ね", "ー", "っ")

// nativeCounts are the native Japanese counting words (ひとつ, ふたつ, …),
// which are how many people say a small number aloud.
var nativeCounts = map[string]int{
	"ひとつ": 1, "ふたつ": 2, "みっつ": 3, "よっつ": 4, "いつつ": 5,
	"むっつ": 6, "ななつ": 7, "やっつ": 8, "ここのつ": 9, "ぜろ": 0,
}

// notNumbers are words with a kanji numeral in them that are not numbers:
// 「十分です」 is "that is enough", not ten.
var notNumbers = normalizeAll(
	"十分", "一緒", "一応", "一番", "一杯", "一生", "一般", "一部", "一切", "一度も",
	"万一", "唯一", "統一", "同一", "一人ひとり", "一日中",
)

// periodWords name the period a count is per, not the count: in
// 「1週間に3回」 the answer is 3. A number directly before one of these is
// skipped.
var periodWords = normalizeAll("週間", "週", "ヶ月", "か月", "カ月", "箇月")

// minusWords before a number make it negative, which no count is.
var minusWords = normalizeAll("マイナス", "minus")

func wordSet(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range normalizeAll(words...) {
		m[w] = true
	}
	return m
}

func normalizeAll(words ...string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = Normalize(w)
	}
	return out
}
