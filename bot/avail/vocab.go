package avail

// The words this package reads and writes, in one place. Phrases are
// written the way people type them; the tokenizer normalizes them once
// (jtext.Normalize: hiragana, lower case, half-width) when the package
// loads, and they are read-only after that.

// Clock times used by the phrases, in minutes since midnight.
const (
	h7  = 7 * 60
	h9  = 9 * 60
	h10 = 10 * 60
	h11 = 11 * 60
	h12 = 12 * 60
	h13 = 13 * 60
	h14 = 14 * 60
	h16 = 16 * 60
	h17 = 17 * 60
	h18 = 18 * 60
	h21 = 21 * 60
	h24 = 24 * 60
)

// dayStart and dayEnd bound the time assumed when a phrase names days but
// no time (「土日」「いつでも」): the working day, not the whole day, because
// nobody who says 「いつでも」 means three in the morning.
const (
	dayStart = h9
	dayEnd   = h18
)

// Day masks: bit d is day d (0 = Monday).
const (
	mon uint8 = 1 << iota
	tue
	wed
	thu
	fri
	sat
	sun

	weekdays = mon | tue | wed | thu | fri
	weekend  = sat | sun
	allDays  = weekdays | weekend
)

// dayLabels are the one-character day names used when a week is said back
// in Japanese (「月・水・金」).
var dayLabels = [7]string{"月", "火", "水", "木", "金", "土", "日"}

// Words for day groups when a week is said back in Japanese.
const (
	labelWeekdays = "平日"
	labelWeekend  = "土日"
	labelEveryDay = "毎日"
	labelAllDay   = "終日"
	labelEmpty    = "未設定"
	labelDaySufx  = "曜" // a lone day: 「土曜 13:00〜17:00」
	labelDaySep   = "・" // between days: 「月・水・金」
	labelDayRange = "〜" // a run of days: 「月〜木」
	labelTimeSep  = "〜" // within a time range: 「10:00〜15:00」
	labelRunSep   = "と" // between time ranges of one group
	labelGroupSep = "、" // between groups
)

// period is a named part of the day, like 午前. As a range endpoint
// (「朝から昼まで」) a period starts at from and ends at to, except 昼,
// which is the point noon either way. mer is how it reads a clock time
// right after it: 「午後2時」「夜7時」 are afternoon, 「朝8時」 morning.
type period struct {
	from, to int
	point    int // if non-zero, the time this period names as an endpoint
	mer      meridiem
}

// The periods. Their hours are product choices, documented in Parse.
var (
	morning   = period{from: h9, to: h12, mer: am}
	afternoon = period{from: h13, to: h17, mer: pm}
	early     = period{from: h7, to: h10, mer: am}
	noon      = period{from: h11, to: h14, point: h12, mer: pm}
	noonSharp = period{from: h12, to: h13, point: h12, mer: pm}
	daytime   = period{from: dayStart, to: dayEnd}
	evening   = period{from: h16, to: h18, mer: pm}
	night     = period{from: h18, to: h21, mer: pm}
)

// phrases maps what people write to what it means. Every entry must be
// non-empty after normalization; the tokenizer takes the longest match, so
// 「午前中」 wins over 「午前」 and 「日中」 over 「日」.
var phrases = map[string]token{
	// Days.
	"月": days(mon), "火": days(tue), "水": days(wed), "木": days(thu),
	"金": days(fri), "土": days(sat), "日": days(sun),
	"げつよう": days(mon), "かよう": days(tue), "すいよう": days(wed), "もくよう": days(thu),
	"きんよう": days(fri), "どよう": days(sat), "にちよう": days(sun),
	"平日": days(weekdays), "へいじつ": days(weekdays),
	"土日": days(weekend), "どにち": days(weekend), "週末": days(weekend), "しゅうまつ": days(weekend),
	"土日祝": days(weekend), "土日祝日": days(weekend),
	"毎日": days(allDays), "まいにち": days(allDays), "いつでも": days(allDays), "全日": days(allDays),
	"何曜日でも": days(allDays), "曜日問わず": days(allDays), "曜日は問いません": days(allDays),
	"mon": days(mon), "monday": days(mon), "mondays": days(mon),
	"tue": days(tue), "tues": days(tue), "tuesday": days(tue), "tuesdays": days(tue),
	"wed": days(wed), "weds": days(wed), "wednesday": days(wed), "wednesdays": days(wed),
	"thu": days(thu), "thur": days(thu), "thurs": days(thu), "thursday": days(thu), "thursdays": days(thu),
	"fri": days(fri), "friday": days(fri), "fridays": days(fri),
	"sat": days(sat), "saturday": days(sat), "saturdays": days(sat),
	"sun": days(sun), "sunday": days(sun), "sundays": days(sun),
	"weekday": days(weekdays), "weekdays": days(weekdays),
	"weekend": days(weekend), "weekends": days(weekend),
	"every day": days(allDays), "everyday": days(allDays), "daily": days(allDays),
	"anytime": days(allDays), "any time": days(allDays),

	// Parts of the day.
	"午前": per(morning), "午前中": per(morning), "ごぜん": per(morning), "ごぜんちゅう": per(morning),
	"morning": per(morning), "mornings": per(morning),
	"午後": per(afternoon), "ごご": per(afternoon), "afternoon": per(afternoon), "afternoons": per(afternoon),
	"朝": per(early), "あさ": per(early), "朝方": per(early), "early morning": per(early),
	"昼": per(noon), "お昼": per(noon), "ひる": per(noon), "おひる": per(noon), "昼頃": per(noon),
	"正午": per(noonSharp), "noon": per(noonSharp), "midday": per(noonSharp),
	"昼間": per(daytime), "ひるま": per(daytime), "日中": per(daytime), "にっちゅう": per(daytime),
	"終日": per(daytime), "一日中": per(daytime), "いちにちじゅう": per(daytime), "all day": per(daytime), "daytime": per(daytime),
	"夕方": per(evening), "ゆうがた": per(evening),
	"夜": per(night), "よる": per(night), "晩": per(night), "夜間": per(night),
	"evening": per(night), "evenings": per(night), "night": per(night), "nights": per(night),

	// Clock times.
	"時": {kind: tkHour}, "じ": {kind: tkHour}, "o'clock": {kind: tkHour},
	"分": {kind: tkMinute}, "半": {kind: tkHalf}, ":": {kind: tkColon},
	"am": mer(am), "a.m.": mer(am), "pm": mer(pm), "p.m.": mer(pm),

	// Ranges.
	"~": {kind: tkTo}, "-": {kind: tkTo}, "ー": {kind: tkTo}, "から": {kind: tkTo}, "より": {kind: tkTo}, "to": {kind: tkTo},
	"まで": {kind: tkUntil}, "until": {kind: tkUntil}, "till": {kind: tkUntil}, "以前": {kind: tkUntil}, "before": {kind: tkUntil},
	"以降": {kind: tkAfter}, "以後": {kind: tkAfter}, "過ぎ": {kind: tkAfter}, "すぎ": {kind: tkAfter}, "after": {kind: tkAfter},

	// Clause separators: after a time, the next days start a new clause.
	"、": {kind: tkStrong}, ",": {kind: tkStrong}, "。": {kind: tkStrong}, ".": {kind: tkStrong}, ";": {kind: tkStrong},

	// Words that carry no time but are common around it.
	" ": filler, "・": filler, "/": filler, "&": filler, "+": filler, "!": filler, "?": filler,
	"の": filler, "と": filler, "や": filler, "か": filler, "は": filler, "が": filler, "に": filler,
	"で": filler, "も": filler, "ね": filler, "よ": filler, "なら": filler, "だと": filler, "あと": filler,
	"です": filler, "ます": filler, "だけ": filler, "のみ": filler, "ok": filler, "毎週": filler,
	"曜": filler, "曜日": filler, "ようび": filler, "祝": filler, "祝日": filler,
	"お願いします": filler, "おねがいします": filler, "お願いいたします": filler, "大丈夫": filler, "だいじょうぶ": filler,
	"空いています": filler, "空いてます": filler, "空いてる": filler, "あいています": filler, "あいてます": filler, "あいてる": filler,
	"可能": filler, "できます": filler, "都合がいい": filler, "都合が良い": filler, "希望": filler,
	"頃": filler, "ごろ": filler, "くらい": filler, "ぐらい": filler, "位": filler, "程度": filler, "ほど": filler,
	"and": filler, "or": filler, "on": filler, "every": filler, "in": filler, "the": filler, "at": filler,
	"from": filler, "between": filler,
	"の間": filler, "のあいだ": filler, "(": filler, ")": filler, "「": filler, "」": filler, "[": filler, "]": filler,
}

// readPhrases are the words only Read knows: what a sentence says around
// a time. They are checked with the phrases above, longest first, so
// 「できません」 wins over 「できます」's filler and 「大丈夫」 stays positive.
var readPhrases = map[string]token{
	// Ruling out.
	"だめ": neg, "ダメ": neg, "駄目": neg, "無理": neg, "むり": neg, "ng": neg, "不可": neg,
	"できません": neg, "出来ません": neg, "できない": neg, "出来ない": neg,
	"いけません": neg, "行けません": neg, "いけない": neg, "行けない": neg,
	"難しい": neg, "むずかしい": neg, "厳しい": neg, "きびしい": neg, "苦手": neg,
	"都合が悪い": neg, "都合がわるい": neg, "都合がつかない": neg, "都合がつきません": neg,
	"空いていません": neg, "空いてません": neg, "空いてない": neg, "あいていません": neg, "あいてません": neg, "あいてない": neg,
	"用事": neg, "予定があ": neg, "予定が入って": neg, "忙しい": neg, "いそがしい": neg,
	"仕事なので": neg, "仕事があ": neg, "仕事をして": neg, "仕事して": neg, "仕事で": neg, "勤めて": neg, "働いて": neg,
	"通院": neg, "病院": neg, "デイサービス": neg, "習い事": neg, "孫の世話": neg, "休めない": neg,
	"ちょっと": neg, "避けたい": neg, "避けて": neg, "除外": neg,
	"not": neg, "except": except, "but not": neg, "no good": neg, "busy": neg,
	"以外": except, "除いて": except, "除く": except, "を除き": except, "抜きで": except, "以外なら": except, "以外は": except,

	// Offering: a later negation does not reach back past these.
	"大丈夫": pos, "だいじょうぶ": pos, "できます": pos, "出来ます": pos, "いけます": pos, "行けます": pos,
	"空いています": pos, "空いてます": pos, "空いてる": pos, "あいています": pos, "あいてます": pos, "あいてる": pos,
	"いいです": pos, "良いです": pos, "よいです": pos, "かまいません": pos, "構いません": pos, "問題ありません": pos, "問題ない": pos,
	"都合がいい": pos, "都合が良い": pos, "都合がよい": pos, "暇": pos, "ひま": pos, "可能": pos, "ok": pos, "オッケー": pos,
	// A sentence's end, dictated without 。: 「…4時です土日はだめです」
	// is two sentences, and the second's だめ does not reach the first.
	"です": pos, "ます": pos,
	"けど": {kind: tkStrong}, "けれど": {kind: tkStrong}, "でも": {kind: tkStrong}, "ただし": {kind: tkStrong}, "しかし": {kind: tkStrong},

	// Days people name in sentences.
	"休日": days(weekend), "土曜日曜": days(weekend), "土曜と日曜": days(weekend),
	"平日ならいつでも": days(weekdays), "週末": days(weekend),
	"午前中": per(morning), "朝のうち": per(early), "お昼前": per(morning), "昼前": per(morning),
	"よう日": filler, "日曜大工": {kind: tkUnknown}, "お休み": neg, "休み": neg, "昼から": {kind: tkPeriod, per: afternoon},
	"昼過ぎ": per(afternoon), "昼すぎ": per(afternoon), "お昼過ぎ": per(afternoon), "お昼すぎ": per(afternoon),
	"昼間": per(daytime), "夕方以降": per(period{from: h16, to: h21, mer: pm}),
}

var (
	neg    = token{kind: tkNeg}
	except = token{kind: tkExcept}
	pos    = token{kind: tkPos}
)

// counters after a number make it a count, not a time: 「週に2回」「3日」.
var counters = []string{"回", "件", "人", "名", "日", "歳", "才", "年", "月", "週", "つ", "個", "円", "時間", "階", "度", "番", "か所", "ヶ所", "か月", "ヶ月", "枚", "部", "分間", "万"}

// readTable is the tokenizer's vocabulary for Read: phrases and readPhrases.
var readTable = func() vocab {
	all := make(map[string]token, len(phrases)+len(readPhrases))
	for w, t := range phrases {
		all[w] = t
	}
	for w, t := range readPhrases {
		all[w] = t
	}
	return newVocab(all)
}()
