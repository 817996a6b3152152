package bot

// tasksJA is the Japanese message catalog of offers, answers, reminders and
// coordinator notices.
type tasksJA struct {
	OfferBody, PromotedBody, Accept, Decline, Why, CancelButton, KeepButton               string
	FieldWhen, FieldPlace, FieldReward, FieldOrg, FieldDeadline                           string
	Online, Deadline                                                                      string // Deadline fmt: time
	AcceptedTitle, AcceptedBody, Waitlisted, AlreadyAccepted, AlreadyWaitlisted, Declined string
	AlreadyDeclined, AcceptedNoDecline, NotFound, Closed, Started, NoPending, WhichAccept string
	WhichDecline, CancelAsk, WhichCancel, NothingToCancel, CancelledByYou, CancelKept     string
	WhyTitle, WhyNone, WhyWaitlist                                                        string
	ScheduleTitle, ScheduleNone, ScheduleLine                                             string // ScheduleLine fmt: span, title, place
	ReminderEvening, ReminderSoon, TaskCancelledByOrg                                     string
	NoticeFilled, NoticeCancelled, NoticeShort, SomeoneWithdrew, CmdSchedule              string
	PromotedTitle, PromotedAccepted, NoticePromoted                                       string // NoticePromoted fmt: who, title, span
}

var tasksJAText = tasksJA{
	OfferBody:    "お仕事のご案内です。お引き受けいただけますか？",
	PromotedBody: "キャンセル待ちのお仕事に空きが出ました。お引き受けいただけますか？",
	Accept:       "引き受ける",
	Decline:      "見送る",
	Why:          "なぜ私に？",
	CancelButton: "キャンセルする",
	KeepButton:   "やめる",

	FieldWhen:     "日時",
	FieldPlace:    "場所",
	FieldReward:   "謝礼",
	FieldOrg:      "依頼元",
	FieldDeadline: "お返事の期限",
	Online:        "オンライン",
	Deadline:      "%d月%d日 %d:%02dまで",

	AcceptedTitle:     "お引き受けありがとうございます",
	AcceptedBody:      "前日の18時と、始まる2時間前にお知らせします。行けなくなったときは、下のボタンを押すか「キャンセル」と送ってください。",
	Waitlisted:        "ありがとうございます。あいにく、ちょうど定員に達してしまいました。キャンセル待ちとしてお名前をお預かりします。空きが出たら、すぐにお知らせします。",
	AlreadyAccepted:   "このお仕事は、すでにお引き受けいただいています。ありがとうございます。",
	AlreadyWaitlisted: "キャンセル待ちとしてお預かりしています。空きが出たらお知らせします。",
	Declined:          "承知しました。お返事ありがとうございます。また合うお仕事があればご案内します。",
	AlreadyDeclined:   "見送りのお返事はいただいています。ありがとうございます。",
	AcceptedNoDecline: "このお仕事はお引き受けいただいています。行けなくなったときは「キャンセル」と送ってください。",
	NotFound:          "すみません、このお仕事のご案内は見つかりませんでした。",
	Closed:            "このお仕事の募集は終了しました。ご返信ありがとうございました。",
	Started:           "このお仕事は、すでに始まっています。",
	NoPending:         "いま、お返事をお待ちしているご案内はありません。",
	WhichAccept:       "どのお仕事をお引き受けいただけますか？",
	WhichDecline:      "どのお仕事を見送りますか？",
	CancelAsk:         "「%s」（%s）をキャンセルしますか？",
	WhichCancel:       "どのお仕事をキャンセルしますか？",
	NothingToCancel:   "いま、キャンセルできるお仕事はありません。",
	CancelledByYou:    "キャンセルを承りました。ご連絡ありがとうございます。また次の機会によろしくお願いします。",
	CancelKept:        "キャンセルはしませんでした。当日はよろしくお願いします。",

	WhyTitle:    "このお仕事をご案内した理由です：",
	WhyNone:     "いま、ご案内中のお仕事はありません。",
	WhyWaitlist: "キャンセル待ちでお申し込みいただいていたため",

	ScheduleTitle: "これからのご予定です：",
	ScheduleNone:  "これからのご予定はありません。",
	ScheduleLine:  "・%s　%s（%s）",

	ReminderEvening:    "明日のお仕事のお知らせです。どうぞよろしくお願いします。",
	ReminderSoon:       "まもなくお仕事の時間です（2時間前のお知らせ）。お気をつけてお出かけください。",
	TaskCancelledByOrg: "申し訳ありません。「%s」（%s）は、依頼元のご都合で中止になりました。",

	NoticeFilled:    "【定員到達】「%s」（%s）の参加者が決まりました。",
	NoticeCancelled: "【キャンセル】%sが「%s」（%s）をキャンセルしました。キャンセル待ちの方・次の候補の方にご案内します。",
	NoticeShort:     "【人数不足】「%s」（%s）は開始24時間前の時点で、%d名の募集に対して%d名です。",
	SomeoneWithdrew: "参加予定の方",
	NoticePromoted:  "【キャンセル・繰り上げ】%sが「%s」（%s）をキャンセルしました。キャンセル待ちの方が繰り上がり、参加が決まりました。",

	PromotedTitle:    "キャンセル待ちから繰り上がりました",
	PromotedAccepted: "お待たせしました。空きが出たため、参加が決まりました。前日の18時と、始まる2時間前にお知らせします。行けなくなったときは、下のボタンを押すか「キャンセル」と送ってください。",
	CmdSchedule:      "予定",
}

// Words that answer offers and manage accepted tasks, normalized by key.
var (
	cancelTaskWords = map[string]bool{
		"きゃんせる": true, "きゃんせるしたい": true, "きゃんせるします": true, "きゃんせるでお願いします": true,
		"行けなくなった": true, "行けなくなりました": true, "いけなくなった": true, "いけなくなりました": true,
		"行けなくなってしまいました": true, "参加できなくなりました": true, "都合が悪くなりました": true, "cancel": true,
	}
	whyWords = map[string]bool{
		"なぜ私に?": true, "なぜ私に": true, "なぜ": true, "どうして": true, "どうして私に": true,
		"なんで": true, "why": true, "why me": true, "理由": true,
	}
	scheduleWords = []string{"予定", "よてい", "すけじゅーる", "予定を見る", "予定の確認", "schedule"}
)
