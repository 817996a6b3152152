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

// clauseBreaks end the clause a word's verb can be in (see markNegated).
var clauseBreaks = normalizeAll("。", "!", "?", "けど", "けれど", "ですが", "ますが", "ませんが", "でも", "しかし", "ただ", "一方")

// negationWords negate the word before them: 「運転はできません」.
var negationWords = normalizeAll(
	"ません", "ない", "なかった", "無理", "むり", "だめ", "ダメ", "駄目", "苦手", "不得意", "以外", "除いて", "除く",
	"不可", "ng", "自信がな", "経験がな", "経験はな", "やったことがな", "未経験", "できず", "嫌い", "きらい",
	"お断り", "遠慮", "なし", "無し", "don't", "do not", "can't", "cannot", "not", "except",
)

// weakNegations negate only when nothing positive is said: 「運転は
// ちょっと…」, but 「ちょっとならできます」 offers it.
var weakNegations = normalizeAll("ちょっと", "ちょいと", "いまいち", "あまり", "あんまり")

// positiveWords say the word before them is offered.
var positiveWords = normalizeAll(
	"できます", "出来ます", "できる", "出来る", "得意", "とくい", "好き", "すき", "やってました", "やっていました",
	"経験があ", "経験あり", "経験者", "資格", "大丈夫", "いけます", "行けます", "ok", "やれます", "お手伝い",
	"手伝え", "します", "しています", "してました", "してきました", "can", "good at",
)

// positiveNegatives look negative but offer: 「問題ない」「構いません」.
var positiveNegatives = normalizeAll(
	"問題ない", "問題ありません", "問題はない", "問題はありません", "構いません", "かまいません", "かまわない", "構わない",
	"差し支えない", "差し支えありません", "苦にならない", "苦になりません", "嫌いじゃない", "嫌いではない",
	"できなくはない", "できなくもない", "少なくない", "すみません", "すいません", "申し訳ありません", "申し訳ございません",
)

// fillers are hesitations and greetings before an answer, as dictation
// writes them (NFKC form, since Name keeps the person's spelling).
// hesitations are the fillers DropHesitations removes anywhere, longest
// first (normalized: katakana is hiragana).
var hesitations = normalizeAll("えーっとですね", "えーとですね", "えっとですね", "あのですね", "えーっと", "えーと", "ええと", "えっと", "えーー", "えー",
	"あのー", "あのう", "うーんと", "うーん", "んーと", "んー", "まあ ", "まぁ ")

var fillers = []string{
	"えーっとですね", "えーとですね", "えっとですね", "あのですね", "えーっと", "えーと", "ええと", "えっと", "えー", "ええ、", "あのー", "あの、", "あの ", "あのう",
	"うーん", "うーんと", "んー", "あ、", "あっ、",
	"そうですね", "そうですねえ", "そうだね", "はい、", "はい ", "どうも", "こんにちは", "こんばんは", "おはようございます",
	"はじめまして", "初めまして", "よろしくお願いします",
}

// normFillers are fillers in normalized form, for normalized text.
var normFillers = func() []string {
	// 「はい、」 is an answer, not a filler, to a yes/no question.
	var out []string
	for _, f := range fillers {
		if f != "はい、" && f != "はい " {
			out = append(out, Normalize(f))
		}
	}
	return out
}()

// contrasts end the part of a sentence that an answer after them
// overrides: 「行きたいけど、その日は病院なんです」.
var contrasts = normalizeAll("けど", "けれど", "けれども", "ですが", "ますが", "でも、", "ただ、", "しかし")

// strongNo declines whatever else is said: 「また次の機会にお願いします」.
var strongNo = normalizeAll("ご縁がなかった", "縁がなかった", "次の機会", "またの機会", "見送", "辞退", "遠慮させて", "遠慮します", "遠慮しておき",
	"pass this time", "i'll pass", "not this time", "今回はパス", "やっぱりやめ", "消さないで", "残しておいて", "残してください")

// namePrefixes introduce a name: 「名前は山田です」.
var namePrefixes = []string{
	"私の名前は", "わたしの名前は", "わたしのなまえは", "僕の名前は", "名前は", "なまえは", "お名前は",
	"私は", "わたしは", "わたくしは", "僕は", "ぼくは", "俺は", "自分は", "my name is", "My name is", "I'm ", "I am ", "Please call me ", "please call me ", "Call me ", "call me ", "This is ",
}

// notNameWords are never in a name, and often in what else a sentence
// ending in 「です」 says: times, days, conditions, abilities.
// (Not 時 or 希望, which are in names: 時田, 希望 (のぞみ).)
// notNamesWhole are whole answers that are no name, though a name may
// hold them (はいだ is a name).
var notNamesWhole = map[string]bool{"はい": true, "いいえ": true, "ええ": true, "うん": true, "同意します": true, "同意": true,
	"同意する": true, "了解": true, "了解です": true, "わかりました": true, "ok": true, "OK": true, "次へ": true, "つぎ": true}

var notNameWords = []string{"大丈夫", "平日", "週末", "土日", "曜", "午前", "午後", "夜", "なら", "だけ", "まで", "から",
	"できます", "出来ます", "可能", "好き", "得意", "住んで", "在住", "お願い", "休み"}

// nameSuffixes end an introduction, longest first.
var nameSuffixes = []string{
	"と申します。よろしくお願いいたします", "と申します。よろしくお願いします", "と申します、よろしくお願いします",
	"と申す者です", "と申します", "ともうします", "と言います", "といいます", "と呼んでください", "と呼んでください。",
	"でお願いします", "でおねがいします", "でございます", "です。よろしくお願いします", "です、よろしくお願いします",
	"ですよろしくお願いします", "でいいです", "で大丈夫です", "で登録", "と呼んで", "です", "でーす", "だよ", ", please", " please", ".", ",",
}

// monthWords make a count per month: 「月に4回」.
var monthWords = normalizeAll("月に", "ひと月", "一ヶ月", "1ヶ月", "1か月", "一か月", "ひと月に", "毎月", "月間", "a month", "per month")

// courtesyNoise looks like an answer word but is politeness: すみません
// ends in ません, 構いません is a yes.
var courtesyNoise = normalizeAll("すみません", "すいません", "申し訳ありません", "申し訳ございません", "申し訳ないです", "申し訳ない", "ありがとうございます", "ありがとう")

// answerNo decides a sentence for no; it is read before answerYes.
var answerNo = normalizeAll(
	"できません", "出来ません", "できない", "出来ない", "できかねます", "やれません", "やれない", "行けません", "いけません", "行けない", "いけない", "行けなく",
	"伺えません", "うかがえません", "参加できません", "参加しません", "参加しない", "不参加", "欠席",
	"お引き受けできません", "引き受けられません", "受けられません", "お受けできません", "難しい", "むずかしい", "厳しい", "きびしい",
	"無理", "むり", "だめ", "駄目", "見送", "遠慮", "辞退", "お断り", "断り", "ご縁がなかった", "縁がなかった", "ご縁がありません",
	"都合が悪", "都合がつかな", "都合がつきません", "都合がわる", "用事があ", "予定があ", "予定が入", "先約", "やめておきます", "やめときます",
	"やめます", "やめる", "やめとく", "やめたい", "やめさせて", "結構です", "けっこうです", "いいえ", "いや、", "パス", "同意しません", "同意しない", "同意できません",
	"not", "no,", "no ", "can't", "cannot", "won't", "decline", "sorry, no", "手が離せな", "体調が", "ちょっと厳し",
	"ちょっと難し", "今回はやめ", "今回は見", "またの機会", "次の機会", "次回", "またにします", "やっぱりやめ",
	"むりじゃ", "むりや", "無理じゃ", "あかん", "だめじゃ", "ダメじゃ", "でけへん", "できん",
	"違います", "ちがいます", "違う", "ちがう", "間違って", "まちがって", "間違ってい", "しないで", "しません", "しない", "don't", "do not", "wrong",
	"そうにない", "そうにありません", "そうもない", "そうもありません",
	"合わない", "あわない", "合いません", "病院", "通院", "は仕事です", "は仕事なん", "仕事があ", "もういい", "もう結構", "もうけっこう", "用事", "キャンセル", "きゃんせる", "取り消",
)

// acknowledgementWords begin a message that only acknowledges (see
// Acknowledges), longest first.
var acknowledgementWords = normalizeAll("かしこまりました", "わかりました", "分かりました", "りょうかい", "了解", "承知", "しょうち",
	"おっけー", "おけ", "okay", "ok", "got it", "noted", "roger")

// politeRefusals are noes to an offer made of yes words (see Refuses),
// without separators.
var politeRefusals = normalizeAll("いや大丈夫", "いやだいじょうぶ", "いえ大丈夫", "いえだいじょうぶ", "いいえ大丈夫", "いいえだいじょうぶ",
	"今回は大丈夫", "今回はだいじょうぶ", "こんかいは大丈夫", "こんかいはだいじょうぶ", "今回大丈夫です",
	"今回はいいです", "今回は結構", "今回はけっこう", "いや結構", "いやけっこう", "いえ結構", "いえけっこう", "いやいいです", "いえいいです",
	"大丈夫ですまたの", "大丈夫ですまた今度", "だいじょうぶですまた", "遠慮しておきます")

// fineWords and fineEndings make 「大丈夫です」 (see onlyFine).
var (
	fineWords   = normalizeAll("大丈夫", "だいじょうぶ", "ダイジョウブ")
	fineEndings = normalizeAll("でございます", "です", "ですよ", "ですね", "だよ", "です", "よ", "ね", "だ", "ー", "っ")
)

// answerYes decides a sentence for yes.
var answerYes = normalizeAll(
	"できます", "出来ます", "できる", "行けます", "いけます", "行ける", "伺えます", "うかがえます", "伺います", "うかがいます",
	"お引き受け", "引き受け", "引受", "お受けします", "受けます", "参加します", "参加したい", "参加させて", "出席します", "出席したい",
	"大丈夫", "だいじょうぶ", "問題ありません", "問題ない", "構いません", "かまいません", "お願いします", "お願いいたします", "おねがいします",
	"お願い致します", "よろしく", "喜んで", "ぜひ", "是非", "やります", "やらせて", "やってみます", "手伝います", "お手伝いします",
	"同意します", "同意いたします", "同意", "承知", "了解", "やれます", "やれると思", "やれる", "かしこまりました", "わかりました", "分かりました", "ok", "おっけー", "いいですよ",
	"いいです", "良いです", "登録します", "登録して", "それで", "その内容で", "この内容で", "退会します", "削除して", "消してください",
	"yes", "sure", "i can", "i'll", "count me in", "sounds good", "correct", "right", "looks good",
	"間違いありません", "間違いない", "合ってます", "あってます", "合っています", "あっています", "ばっちり", "その通り", "そのとおり",
	"いいと思います", "よろしいです", "空いてます", "空いています", "あいてます", "あいています", "行きます", "いきます", "出ます", "入ります",
	"参加してみ", "参加しようかな", "出席させて", "もう使わない", "やりたい", "やってみたい", "引き受けたい", "お受けしたい",
	"ひきうけ", "うけます", "おうけします", "さんかします", "しゅっせきします",
	"これでええ", "それでええ", "ええよ", "ええで", "よかよ", "いいよ",
	// Maybes (see hedges): a yes to ask about, never a job taken.
	"行けそう", "いけそう", "できそう", "出来そう", "やれそう",
)

// acknowledgements begin an answer without being it (see Answer).
var acknowledgements = normalizeAll("はい、", "はい ", "はい,", "ええ、", "ええ ", "うん、", "うん ")

// answerYesLeading are short yeses that say yes only where a sentence or
// a word starts: 「今日はいい天気」 holds 「はい」 and says nothing.
var answerYesLeading = normalizeAll("はい", "ええ", "うん")

// undecided says the person has not decided yet: 「ちょっと考えさせて
// ください」「できるかどうかわかりません」. Such a sentence answers
// nothing, whatever yes or no words it also holds.
var undecided = normalizeAll("考えさせて", "考えます", "考えてみ", "考えてから", "考え中", "考えておき", "考えとき",
	"検討", "迷って", "迷い中", "悩んで", "悩み中", "かどうか", "まだわから", "わからない", "わかりません", "分からない", "分かりません",
	"後で返事", "あとで返事", "後ほど", "のちほど", "改めて", "あらためて", "また連絡", "どうしようかな", "どうしよう",
	// Asking someone first: 「母に聞いてみますので少しお待ちください」.
	"聞いてみます", "聞いてから", "相談してみます", "相談してから", "確認してみます", "確認してから", "お待ちください", "待ってください",
	"let me think", "not sure", "i'll think")

// committingYes are the words of a yes that takes something on: a
// sentence answered yes without one of them (「いいですね」「それで」)
// is asked again before a job is taken.
var committingYes = normalizeAll("できます", "やれます", "やれると思", "出来ます", "行けます", "いけます", "伺えます", "うかがえます", "伺います", "うかがいます",
	"引き受け", "引受", "お受けします", "受けます", "参加します", "参加させて", "参加したい", "出席したい", "さんかしたい", "出席します", "大丈夫", "だいじょうぶ", "お願いします",
	"ひきうけ", "うけます", "おうけします", "さんかします", "やりたい", "やってみたい", "引き受けたい",
	"お願いいたします", "おねがいします", "お願い致します", "喜んで", "よろこんで", "ぜひ", "是非", "やります", "やらせて", "やってみます",
	"手伝います", "お手伝いします", "行きます", "いきます", "空いてます", "空いています", "承知", "了解", "かしこまりました",
	"i can", "i'll", "count me in", "sure", "yes")

// hedges make a yes a maybe: 「行けたら行きます」「たぶん大丈夫だと思い
// ます」「都合がつけば」. A hedged yes takes nothing before the person
// is asked. So do the pleasantries that close a letter (「今後とも
// よろしくお願いします」), which hold a yes word and answer nothing.
var hedges = normalizeAll("たぶん", "多分", "おそらく", "恐らく", "かもしれ", "かも", "だと思い", "だとおもい", "と思うけど", "と思うんですが",
	"行けたら", "いけたら", "できたら", "出来たら", "やれたら", "出られたら", "でられたら", "参加できたら", "来られたら",
	"行ければ", "いければ", "できれば", "出来れば", "やれれば", "出られれば", "つけば", "付けば", "合えば", "あえば", "空けば", "あけば",
	"空いていれば", "あいていれば", "空いてたら", "あいてたら", "間に合えば", "間に合ったら", "よければ", "良ければ", "よかったら",
	"可能なら", "可能であれば", "もしかしたら", "もしかすると", "場合によって", "次第", "未定", "わかったら", "分かったら",
	"今後とも", "これからも", "引き続き", "ひきつづき",
	"るなら", "えるなら", "大丈夫なら", "だいじょうぶなら", "があれば", "がもてれば", "ていたら", "てたら", "ようかな", "かなと思", "かなとおも",
	"けそう", "きそう", "れそう", "できそう", "行けるか", "いけるか")

// addingWords say a sentence adds to what was given: 「木曜の午前も空き
// ました」「追加で金曜も」.
var addingWords = normalizeAll("あと", "時も", "曜も", "曜日も", "午前も", "午後も", "も空", "もあい", "も大丈夫", "もいけ", "も行け", "も可能", "もok", "も出来", "もでき", "追加", "加えて", "増え", "増やし")

// softNo is a hesitation that, alone, declines: 「その日はちょっと…」.
// trailingEndings may follow a soft no without saying more, longest
// first: 「その日はちょっとですね…」「ちょっと…なので」.
var trailingEndings = normalizeAll("なんです", "ですね", "でして", "なので", "です", "ので", "かな", "ね", "な")

var softNo = normalizeAll("ちょっと", "ちょいと", "うーん", "微妙", "いまいち")

// dayNo names the day as the trouble, whatever reason follows: 「その日は
// 孫の運動会なんです」.
var dayNo = normalizeAll("その日は", "その時間は", "その日って")

// setAside negates a place: 「世田谷じゃなくて調布」「以前は大田区でした」.
var setAside = normalizeAll("じゃなく", "ではなく", "じゃない", "ではない", "以外", "でしたが", "だったけど", "だったが", "から引っ越", "を離れ")

// limitWords are weekly counts said in words.
var limitWords = map[string]int{"週いち": 1, "once a week": 1, "twice a week": 2, "週に一度": 1, "週一度": 1, "週に二度": 2}
