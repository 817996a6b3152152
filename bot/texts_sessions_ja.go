package bot

// sessionsJA is the Japanese message catalog of sessions.
type sessionsJA struct {
	InviteBody, Join, NotJoin, FieldURL, JoinedTitle, JoinedBody, JoinedNoReminder, NotJoining, NotFound string
	WhichRSVP, ReminderBody, CannotJoinReply, NoSessionNow, NoticeCannotJoin, Today, Tomorrow            string // ReminderBody fmt: the quoted title, when it starts
	SomeoneCannotJoin                                                                                    string
	CalledOff, CalledOffAnswer, AlreadyCancelled, EndedNoCancel, ScheduleWhere                           string // CalledOff fmt: title, when
	ConfirmJoin, AskedAbout, AlreadyJoined, AlreadyNotJoining, LinkAgain, AnswerEach, SameDay            string // Already*: title
}

var sessionsJAText = sessionsJA{
	InviteBody:        "集まりのご案内です。参加されますか？",
	Join:              "参加する",
	NotJoin:           "参加しない",
	FieldURL:          "参加URL",
	JoinedTitle:       "参加のお申し込みを承りました",
	JoinedBody:        "%sにお知らせします。参加できなくなったときは、下のボタンを押してください。",
	JoinedNoReminder:  "当日は上のURLからご参加ください。参加できなくなったときは、下のボタンを押してください。",
	NotJoining:        "承知しました。「%s」には今回は参加されないと承りました。またのご案内をお待ちください。",
	NotFound:          "すみません、この集まりのご案内は見つかりませんでした。",
	WhichRSVP:         "どの集まりへのお返事ですか？",
	Today:             "きょう",
	Tomorrow:          "あした",
	ReminderBody:      "%sは、%sです。時間になったら、下のURLからご参加ください。",
	CannotJoinReply:   "担当者に伝えました。少しお待ちください。念のため、もう一度URLをお送りします：\n%s",
	NoSessionNow:      "いま始まる集まりは見つかりませんでした。お困りのことは、そのまま文字で送ってください。",
	NoticeCannotJoin:  "【入室できない】%sが「%s」（%s）に入れないようです。ご連絡をお願いします。",
	SomeoneCannotJoin: "参加者の方",
	CalledOff:         "申し訳ありません。「%s」（%s）は、主催者のご都合で中止になりました。お申し込みいただき、ありがとうございました。",
	CalledOffAnswer:   "申し訳ありません。「%s」（%s）は中止になりました。またのご案内をお待ちください。",
	AlreadyCancelled:  "この集まりはすでに中止になっています。",
	EndedNoCancel:     "この集まりはもう終わっているため、中止にできません。実績の記録に残ります。",
	ScheduleWhere:     "集まり",
	ConfirmJoin:       "参加されるときは「参加する」を、見合わせるときは「参加しない」を押してください。",
	AskedAbout:        "この集まりのご案内です。",
	SameDay:           "この日は、この集まりにも参加のお申し込みをいただいています。こちらも参加できないときは「参加しない」を押してください。",
	AnswerEach:        "それぞれのご案内の「参加する」か「参加しない」を押してください。",
	LinkAgain:         "参加のURLをもう一度お送りします。当日はこのURLを押すと入れます。",
	AlreadyJoined:     "「%s」には、参加のお申し込みをいただいています。当日お待ちしています。",
	AlreadyNotJoining: "「%s」は、不参加で承っています。参加できるようになったら「参加する」を押してください。",
}

// cannotJoinWords are what people send when they cannot get into a session.
var cannotJoinWords = map[string]bool{}

func init() {
	for _, w := range []string{"入れない", "入れません", "はいれない", "はいれません", "入室できない", "入室できません",
		"urlが分からない", "urlがわからない", "urlが分かりません", "urlがわかりません", "つながらない", "繋がらない",
		"つながりません", "繋がりません", "zoomに入れない", "zoomに入れません"} {
		cannotJoinWords[key(w)] = true
	}
}
