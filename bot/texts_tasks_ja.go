package bot

import (
	"strings"

	"tsunagu/bot/jtext"
)

// tasksJA is the Japanese message catalog of offers, answers, reminders and
// coordinator notices.
type tasksJA struct {
	OfferBody, PromotedBody, Accept, Decline, Why, CancelButton, KeepButton                                                                                                    string
	FieldWhen, FieldPlace, FieldReward, FieldOrg, FieldWhat, FieldDeadline                                                                                                     string
	Online, Deadline                                                                                                                                                           string // Deadline fmt: time
	AcceptedTitle, AcceptedBody, Waitlisted, AlreadyAccepted, AlreadyWaitlisted, Declined                                                                                      string
	AlreadyDeclined, AcceptedNoDecline, NotFound, Closed, Started, NoPending, WhichAccept                                                                                      string
	WhichDecline, CancelAsk, WhichCancel, NothingToCancel, CancelledByYou, CancelKept                                                                                          string
	CancelDeferred, CancelNone, TakeYourTime, ConfirmAccept, EndedNoCancel, HeadcountBelowAccepted, BegunNoEdit, DeclinedTask                                                  string // ConfirmAccept fmt: title, when; CancelDeferred fmt: title
	AnswerOnTheCard, PausedKeepsJobs, CancelKeptUnclear, WhichCancelMore, GoingUnsure, AcceptedBodySoon, AcceptedBodyNow, PromotedLead                                         string
	WhyTitle, WhyNone, WhyWaitlist                                                                                                                                             string
	ScheduleTitle, ScheduleNone, ScheduleLine                                                                                                                                  string // ScheduleLine fmt: span, title, place
	ReminderEvening, ReminderSoon, TaskCancelledByOrg                                                                                                                          string
	NoticeFilled, NoticeFilledNamed, NoticeCancelled, NoticeShort, SomeoneWithdrew, CmdSchedule                                                                                string // NoticeFilledNamed fmt: title, span, names
	PromotedTitle, NoticePromoted, NoticePromotedNamed                                                                                                                         string // NoticePromoted fmt: who, title, span; NoticePromotedNamed: the same, then who moved up
	PayLine, PayNone, NoJobThatDay, WhichNotGoing, NotOfferedThatDay, LimitChanged, WhichCancelAgain, NoticeUnreachable, WhichAnswer, PausedLeavesWaitlists, ReminderSoonTitle string // LimitChanged fmt: count; PayLine fmt: title, reward; PayNone fmt: title
	OverLimit, OverLimitAll                                                                                                                                                    string // OverLimit fmt: title, span, accepted that week, weekly limit; OverLimitAll fmt: weekly limit
	HeldAlready, DeclinedBefore, CancelledBefore, MixedAnswers, MixedAccept, MixedDecline                                                                                      string // HeldAlready fmt: title, span; DeclinedBefore, MixedAccept, MixedDecline fmt: title; MixedAnswers fmt: what was understood
	Ended                                                                                                                                                                      string
	Clash                                                                                                                                                                      string // fmt: title, span, title held, its span
	RedoNotDone, RedoKeep                                                                                                                                                      string // RedoNotDone fmt: title, hours

	// The day-before question and the question after the task.
	GoingAsk, Going, NotGoing, GoingThanks, GoingStarted     string // GoingAsk fmt: when (明日), title
	Tomorrow, Today                                          string
	DoneAsk, Done, NotDone, DoneThanks, NotDoneReply         string // DoneAsk fmt: title; DoneThanks fmt: hours
	HoursUpdated, DoneNotStarted, DoneNotYours, HoursUnclear string // HoursUpdated fmt: hours
	NoticeNotDone, NoticeUnconfirmed                         string // NoticeNotDone fmt: who, title, span; NoticeUnconfirmed fmt: title, span, names
	NamedBody, RecordTitle, RecordLine, RecordNone, WhyNamed string // RecordLine fmt: count, hours
	SeriesBody, SeriesAcceptAll, SeriesChoose, SeriesWhich   string // SeriesBody fmt: weekday, h, m, h, m, count, first, last
	SeriesAccepted, SeriesWaitlisted                         string // fmt: dates
}

var tasksJAText = tasksJA{
	OfferBody:    "お仕事のご案内です。お引き受けいただけますか？",
	PromotedBody: "キャンセル待ちのお仕事に空きが出ました。お引き受けいただけますか？",
	Accept:       "引き受ける",
	OverLimitAll: "全部お引き受けいただくと、ご登録の「週%d件まで」を超える週があります。お引き受けになるものを、ひとつずつ選んでください。",
	OverLimit:    "「%s」（%s）と同じ週に、もう%d件お引き受けいただいています。ご登録では、お仕事は週%d件までです。それでも引き受けますか？",
	Decline:      "見送る",
	Why:          "なぜ私に？",
	CancelButton: "キャンセルする",
	KeepButton:   "キャンセルしない",

	FieldWhen:     "日時",
	FieldPlace:    "場所",
	FieldReward:   "謝礼",
	FieldOrg:      "依頼元",
	FieldWhat:     "内容",
	FieldDeadline: "お返事の期限",
	Online:        "オンライン",
	Deadline:      "%d月%d日 %d:%02dまで",

	AcceptedTitle:          "お引き受けありがとうございます",
	AcceptedBody:           "前日の18時と、始まる2時間前にお知らせします。行けなくなったときは、下のボタンを押すか「キャンセル」と送ってください。",
	Waitlisted:             "ありがとうございます。あいにく、ちょうど定員に達してしまいました。キャンセル待ちとしてお名前をお預かりします。空きが出たら、そのまま参加が決まり、すぐにお知らせします。行けなくなったときは「予定」からお知らせください。",
	AlreadyAccepted:        "このお仕事は、すでにお引き受けいただいています。ありがとうございます。",
	AlreadyWaitlisted:      "キャンセル待ちとしてお預かりしています。空きが出たら、そのまま参加が決まり、お知らせします。",
	Declined:               "承知しました。お返事ありがとうございます。また合うお仕事があればご案内します。",
	AlreadyDeclined:        "見送りのお返事はいただいています。ありがとうございます。",
	AcceptedNoDecline:      "このお仕事はお引き受けいただいています。行けなくなったときは「キャンセル」と送ってください。",
	NotFound:               "すみません、このお仕事のご案内は見つかりませんでした。",
	Closed:                 "このお仕事の募集は終了しました。ご返信ありがとうございました。",
	Started:                "このお仕事は、すでに始まっています。",
	Ended:                  "このお仕事は、もう終わっています。",
	RedoNotDone:            "「%s」は「終わりました（%s）」と記録しています。「できませんでした」に直しますか？",
	RedoKeep:               "終わりました（そのまま）",
	Clash:                  "「%s」（%s）は、お引き受けの「%s」（%s）と時間が重なるため、お引き受けできません。こちらに行かれる場合は、先に「%[3]s」をキャンセルしてください。",
	NoPending:              "いま、お返事をお待ちしているご案内はありません。",
	WhichAccept:            "どのお仕事をお引き受けいただけますか？",
	WhichDecline:           "どのお仕事を見送りますか？",
	CancelAsk:              "「%s」（%s）をキャンセルしますか？",
	WhichCancel:            "どのお仕事をキャンセルしますか？",
	NothingToCancel:        "いま、キャンセルできるお仕事はありません。",
	CancelledByYou:         "キャンセルを承りました。ご連絡ありがとうございます。また次の機会によろしくお願いします。",
	CancelDeferred:         "わかりました。「%s」はキャンセルせず、そのままにしておきます。行けないとわかったら、「キャンセル」と送ってください。",
	CancelKept:             "キャンセルはしませんでした。当日はよろしくお願いします。",
	GoingUnsure:            "承知しました。はっきりしたら「行けます」か「行けなくなりました」と送ってください。",
	WhichCancelMore:        "（近いものから表示しています。ほかのお仕事は「20日の採点」のように送ってください）",
	WhichNotGoing:          "どのお仕事のことですか？\n引き受けたお仕事はキャンセル、お返事待ちのご案内は見送りになります。",
	PayLine:                "「%s」の謝礼は、%sです。",
	PayNone:                "「%s」の謝礼は、ご案内に書かれていません。担当者にお聞きください。",
	NoJobThatDay:           "その日にお引き受けいただいているお仕事はありませんので、キャンセルはいりません。その日だけのお休みでしたら、その日のご案内が届いたときに「見送る」を押してください。いまお引き受けのお仕事は、こちらです：",
	NotOfferedThatDay:      "その日のお仕事は、いまご案内していません。いまお返事をお待ちしているのは、こちらのお仕事です：",
	HeldAlready:            "「%s」（%s）は、お引き受けいただいています。ありがとうございます。",
	WhichCancelAgain:       "すみません、どのお仕事かわかりませんでした。上のボタンから選ぶか、「10日の受付」のように日にちで送ってください。",
	NoticeUnreachable:      "【連絡が届きません】%sがLINEの友だちを解除（ブロック）しました。リマインドや前日の確認が届きません。引き受けているお仕事：\n%s\n別の方法で来られるか確かめてください。",
	WhichAnswer:            "どちらへのお返事ですか？",
	ReminderSoonTitle:      "まもなくお仕事です",
	PausedLeavesWaitlists:  "キャンセル待ちのお申し込み（%d件）は取り下げました。再開したあと、またご案内します。",
	LimitChanged:           "1週間にご案内するお仕事を%d件までにしました。違うときは「変更」と送ってください。",
	DeclinedBefore:         "「%s」は、さきほど見送りで承りました。やはりお引き受けいただける場合は、下のカードの「引き受ける」を押してください（空きがあればお引き受けになります）。",
	CancelledBefore:        "「%s」は、キャンセルで承りました。やはり行ける場合は、下のカードの「引き受ける」を押してください（空きがあればお引き受けになります）。",
	MixedAnswers:           "%s、ですね。まちがいのないよう、それぞれのカードのボタンでお答えください。",
	MixedAccept:            "「%s」は引き受け",
	MixedDecline:           "「%s」は見送り",
	CancelKeptUnclear:      "キャンセルはせず、そのままにしています。行けなくなったときは「キャンセル」と送ってください。",
	CancelNone:             "キャンセルしない",
	DeclinedTask:           "「%s」は見送りで承りました。お返事ありがとうございます。また合うお仕事があればご案内します。",
	HeadcountBelowAccepted: "すでに%d人がお引き受けになっています。人数はそれより少なくできません（減らすときは、先にその方と相談してください）。",
	AcceptedBodySoon:       "始まる2時間前にお知らせします。行けなくなったときは、下のボタンを押すか「キャンセル」と送ってください。",
	AcceptedBodyNow:        "行けなくなったときは、下のボタンを押すか「キャンセル」と送ってください。",
	PromotedLead:           "お待たせしました。空きが出たため、参加が決まりました。",
	AnswerOnTheCard:        "お仕事のご案内には、カードの「引き受ける」か「見送る」でお答えください（「今回は見送ります」と送っていただいても大丈夫です）。",
	PausedKeepsJobs:        "お引き受けのお仕事はそのままです。行けないものがあれば、下から選んでキャンセルできます。",
	EndedNoCancel:          "このお仕事はもう終わっているため、取り消せません。実績の記録に残ります。来なかった方がいるときは、その方の結果を「できなかった」に直してください。",
	TakeYourTime:           "承知しました。どうぞゆっくりお考えください。決まりましたら、ご案内のカードの「引き受ける」か「見送る」を押してください。",
	ConfirmAccept:          "「%s」（%s）をお引き受けいただけますか？よろしければ「引き受ける」を押してください。",

	WhyTitle:    "このお仕事をご案内した理由です：",
	WhyNone:     "いま、ご案内中のお仕事はありません。",
	WhyWaitlist: "キャンセル待ちでお申し込みいただいていたため",

	ScheduleTitle: "これからのご予定です：",
	ScheduleNone:  "これからのご予定はありません。",
	ScheduleLine:  "・%s　%s（%s）",

	ReminderEvening:    "明日のお仕事のお知らせです。どうぞよろしくお願いします。",
	ReminderSoon:       "まもなくお仕事の時間です（2時間前のお知らせ）。お気をつけてお出かけください。",
	TaskCancelledByOrg: "申し訳ありません。「%s」（%s）は、依頼元のご都合で中止になりました。",

	NoticeFilled:        "【定員到達】「%s」（%s）の参加者が決まりました。",
	NoticeFilledNamed:   "【定員到達】「%s」（%s）の参加者が決まりました：%s。",
	NoticeCancelled:     "【キャンセル】%sが「%s」（%s）をキャンセルしました。キャンセル待ちの方はいません。空いた席は、条件に合う方が見つかればあらためてご案内します。お心当たりの方がいれば、お仕事のページから指名してご案内できます。",
	NoticeShort:         "【人数不足】「%s」（%s）は、%d名の募集に対して、いま%d名です。",
	SomeoneWithdrew:     "参加予定の方",
	NoticePromoted:      "【キャンセル・繰り上げ】%sが「%s」（%s）をキャンセルしました。キャンセル待ちの方が繰り上がり、参加が決まりました。",
	NoticePromotedNamed: "【キャンセル・繰り上げ】%sが「%s」（%s）をキャンセルしました。キャンセル待ちの%sが繰り上がり、参加が決まりました。",

	PromotedTitle: "キャンセル待ちから繰り上がりました",
	CmdSchedule:   "予定",

	GoingAsk:       "%sの「%s」、予定どおり行けますか？",
	Tomorrow:       "明日",
	Today:          "今日",
	Going:          "行けます",
	NotGoing:       "行けなくなりました",
	GoingThanks:    "ありがとうございます。当日はどうぞよろしくお願いします。",
	GoingStarted:   "このお仕事はもう始まっています。気をつけてお過ごしください。",
	DoneAsk:        "おつかれさまでした。「%s」は予定どおり終わりましたか？",
	Done:           "終わりました",
	NotDone:        "できませんでした",
	DoneThanks:     "ありがとうございました！%sとして記録しました。\n時間が違うときは「2時間半でした」のように送ってください。",
	NotDoneReply:   "お知らせありがとうございます。どうぞ気になさらないでください。\nお体の具合や、困ったことはありませんか？何かあれば、いつでも担当者にご相談いただけます。",
	HoursUpdated:   "わかりました。%sに直しました。ありがとうございます。",
	DoneNotStarted: "このお仕事はまだ始まっていません。終わったあとに、お知らせください。",
	DoneNotYours:   "このお仕事のお引き受けの記録が見つかりませんでした。",
	HoursUnclear:   "何時間だったか、「2時間半でした」のように送ってください。",

	NoticeNotDone:     "【できませんでした】%sから「%s」（%s）はできなかったと連絡がありました。お声がけをお願いします。",
	NoticeUnconfirmed: "【未確認】「%s」（%s）の出欠の確認に、まだお返事がありません：%s。キャンセル待ち・次の候補の方へのご連絡をご検討ください。",
	NamedBody:         "担当者から、ぜひあなたにとご指名のお仕事です。お引き受けいただけますか？",
	WhyNamed:          "担当者が、あなたにぜひお願いしたいとご指名しました",

	SeriesBody:       "毎週%s曜 %d:%02d〜%d:%02d、全%d回（%s〜%s）のお仕事です。全部の日でも、ご都合のよい日だけでも大丈夫です。",
	SeriesAcceptAll:  "全部の日を引き受ける",
	SeriesChoose:     "日を選ぶ",
	SeriesWhich:      "どの日を引き受けますか？（1日ずつ選べます）",
	SeriesAccepted:   "ありがとうございます！次の日をお引き受けしました：%s\n前日の18時に、行けるかどうかをおうかがいします。",
	SeriesWaitlisted: "次の日は定員のため、キャンセル待ちになりました：%s",

	RecordTitle: "これまでの実績です：",
	RecordLine:  "お引き受けして終わったお仕事：%d件\n合計：%s\nいつもありがとうございます。",
	RecordNone:  "まだ終わったお仕事の記録はありません。お仕事が終わると、ここに記録されます。",
}

// Words that answer offers and manage accepted tasks, normalized by key.
var (
	cancelTaskWords = map[string]bool{
		"きゃんせる": true, "きゃんせるしたい": true, "きゃんせるします": true, "きゃんせるでお願いします": true,
		"行けなくなった": true, "行けなくなりました": true, "いけなくなった": true, "いけなくなりました": true,
		"行けなくなってしまいました": true, "参加できなくなりました": true, "都合が悪くなりました": true, "cancel": true,
	}
	jobQuestionWords = normalizeAll("どんな仕事", "どんなお仕事", "仕事の内容", "お仕事の内容", "内容をもう一度", "もう一度教えて",
		"何の仕事", "なんの仕事", "何のお仕事", "なんのお仕事", "どういう仕事", "どういうお仕事", "仕事でしたっけ")
	thanksWords = map[string]bool{
		"ありがとう": true, "ありがとうございます": true, "ありがとうございました": true, "どうもありがとう": true,
		"どうもありがとうございます": true, "どうも": true, "助かります": true, "助かりました": true, "お世話になります": true,
		"お世話になりました": true, "thanks": true, "thank you": true,
	}
	whyWords = map[string]bool{
		"なぜ私に?": true, "なぜ私に": true, "なぜ": true, "どうして": true, "どうして私に": true,
		"なんで": true, "why": true, "why me": true, "理由": true,
		"なんでわしに": true, "なんでわたしに": true, "なんで私に": true, "どうして私なんですか": true, "どうしてわたしなんですか": true,
		"なぜわたしに": true, "なんで私": true, "どうして私": true, "なぜ私なんですか": true,
	}
	scheduleWords = []string{"予定", "よてい", "すけじゅーる", "予定を見る", "予定の確認", "schedule"}

	// Found anywhere in an answer to the day-before question (normalized
	// when the package loads); not going is looked for first, since
	// 「行けなくなりました」 contains 「行け」.
	notGoingWords = normalizeAll("行けなく", "いけなく", "行けません", "いけません", "行けない", "いけない", "行かれません", "参加できなく",
		"参加できません", "都合が悪", "キャンセル", "やめたい", "やめさせて", "無理にな", "むりにな", "休みます", "お休みします", "欠席", "行きません", "いきません", "行かない", "いかない", "can't go", "cannot go")
	// Turn the days named into the others (see acceptNamedDays).
	exceptWords = normalizeAll("以外", "除いて", "のぞいて", "抜きで", "ぬきで", "except")
	// Take a cancellation back (see takesBack), or say "after all".
	takeBackWords = normalizeAll("キャンセルを取り消", "キャンセルは取り消", "キャンセルをとりけ", "キャンセルはとりけ", "キャンセルはなし",
		"キャンセルをやめ", "キャンセルはやめ", "キャンセルを撤回", "行けることになりました", "いけることになりました")
	afterAllWords = normalizeAll("やっぱり", "やはり", "やっぱ")
	// End the talk with the coordinators (see endsTalk).
	endTalkWords = normalizeAll("相談は終わり", "相談はおわり", "相談を終わり", "相談を終了", "相談は終了", "解決しました", "もう解決", "話は終わり",
		"終わりにします", "おわりにします", "もう大丈夫です、ありがとう", "これで大丈夫です", "no more questions", "that's all")
	// Can only decline an offer (see declinesAnOffer).
	declineWords = normalizeAll("見送", "辞退", "遠慮します", "遠慮させて", "今回はパス", "i'll pass", "pass this time", "not this time", "no thanks")
	// Ask for the last thing again: whole (repeatWords) or anywhere.
	repeatWords   = map[string]bool{"もう一度": true, "もういちど": true, "もう一回": true, "もういっかい": true, "もう1回": true, "なんて": true, "え?": true, "え": true}
	repeatPhrases = normalizeAll("もう一度お願い", "もう一度送", "もう一度見せ", "もう一回", "もういっかい", "もういちど", "もう1回", "聞こえ", "なんて?",
		"え?なんですか", "えっ?なんですか", "なんですか?", "何ですか?", "なんでしょうか", "何でしょうか")
	// Ask whether one may take the job offered: a yes, asked about.
	mayITakeWords = normalizeAll("引き受けてもいい", "ひきうけてもいい", "やってもいい", "やらせてもら", "参加してもいい", "お受けしてもいい", "受けてもいい")
	// Say the person does not follow (whole messages, normalized).
	confusedWords = map[string]bool{"わからない": true, "わかりません": true, "分からない": true, "分かりません": true, "よくわからない": true,
		"よくわかりません": true, "意味がわからない": true, "意味がわかりません": true, "どういうこと": true, "どういうことですか": true}
	// Ask for a weekly limit (with 週 and a count): 「週に1件までにして」.
	limitChangeWords = normalizeAll("までにして", "までにし", "に減ら", "にへら", "に増や", "にふや", "にしてください", "くらいにして", "ぐらいにして", "に変えて")
	// Take a skill off: 「草むしりを外してください」.
	removeSkillWords = normalizeAll("外して", "はずして", "除いて", "のぞいて", "から消して", "削って", "外したい", "はずしたい")
	// Begin a sentence that says the last answer was not what was meant.
	correctionWords = normalizeAll("ちがいます", "違います", "ちがう", "違う", "まちがえました", "間違えました", "そうじゃなくて", "そうではなくて")
	// Found anywhere in a no: it was a yes before.
	plainNotGoingWords = normalizeAll("行かない", "いかない", "行きません", "いきません")
	becameUnableWords  = normalizeAll("行けなくな", "いけなくな", "参加できなくな", "行かれなくな", "無理にな", "むりにな", "ムリにな",
		"だめにな", "ダメにな", "駄目にな", "都合が悪くな", "都合がつかなくな")
	goingWords = normalizeAll("行けます", "いけます", "行きます", "いきます", "参加します", "伺います", "うかがいます", "大丈夫", "だいじょうぶ",
		"予定どおり", "予定通り", "行けるよ", "行けると思", "参ります", "まいります", "i'll be there", "i will come", "going",
		// Late is still going: 「ちょっと遅れます」.
		"遅れます", "遅れると思", "遅れるかも", "遅刻します", "遅くなります", "おくれます")
	// Found anywhere in an answer to the question after the task.
	notDoneWords = normalizeAll("できませんでした", "出来ませんでした", "行けませんでした", "いけませんでした", "行かなかった", "行けなかった",
		"休みました", "欠席しました", "参加できませんでした", "できなかった", "出来なかった", "中止にな", "didn't", "could not", "couldn't")
	taskDoneWords = normalizeAll("終わりました", "おわりました", "終わった", "おわった", "終了しました", "できました", "出来ました", "無事", "ぶじ",
		"完了", "済みました", "やりました", "行ってきました", "いってきました", "予定どおり", "予定通り", "done", "finished")
	recordWords = map[string]bool{"実績": true, "じっせき": true, "記録": true, "record": true, "私の実績": true, "これまでの実績": true}
)

// normalizeAll normalizes words as jtext.Normalize does text.
func normalizeAll(words ...string) []string {
	for i, w := range words {
		words[i] = jtext.Normalize(w)
	}
	return words
}

// containsAny reports whether n (normalized) contains one of words.
func containsAny(n string, words []string) bool {
	for _, w := range words {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}
