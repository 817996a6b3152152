package bot

import (
	"fmt"
	"time"
)

// formJA is what the bot says about a profile filled in as a form.
type formJA struct {
	AreaMissing, SkillUnknown, AvailabilityMissing, ConsentMissing, Invalid string
}

var formJAText = formJA{
	AreaMissing:         "地域を選んでください。",
	SkillUnknown:        "選べない項目が含まれています。もう一度選んでください。",
	AvailabilityMissing: "曜日と時間帯をそれぞれ1つ以上選ぶか、空き時間を文字で書いてください。",
	ConsentMissing:      "ご登録には、お預かりする情報の使い方への同意が必要です。",
	Invalid:             "すみません、登録フォームの内容を保存できませんでした。もう一度フォームを開いてお試しください。",
}

// homeJA is the home screen (Slack App Home).
type homeJA struct {
	WelcomeTitle, WelcomeBody, Join, Continue, DeleteConfirm, PausedNote, Waiting string
	Upcoming, TaskComing, SessionComing, Nothing                                  string
}

var homeJAText = homeJA{
	WelcomeTitle:  "つなぐへようこそ",
	WelcomeBody:   "地域のちょっとしたお仕事や集まりと、できる方をおつなぎします。「登録する」からフォームで登録できます。ボットへのDMで、チャットで答えながら登録することもできます。",
	Join:          "登録する",
	Continue:      "登録の途中です。ボットとのDMで続きを答えるか、「登録する」からフォームでまとめて登録できます。",
	DeleteConfirm: "登録内容とこれまでのやりとりをすべて削除します。引き受けているお仕事も取り消されます。よろしいですか？",
	PausedNote:    "いまはお休み中です。新しいお仕事のご案内は届きません。",
	Waiting:       "お返事をお待ちしています（%d件）",
	Upcoming:      "これからの予定",
	TaskComing:    "お引き受けいただいたお仕事です。",
	SessionComing: "参加予定の集まりです。",
	Nothing:       "いまお返事待ちのお仕事や予定はありません。合うお仕事があれば、DMでお知らせします。",
}

// fieldsJA is what people and coordinators are told about an input field
// filled in wrong (ErrorJA): one kind sentence per field, keyed by the
// field's API name, and a few sentences for single problems and for
// errors about no field.
type fieldsJA struct {
	ByField                                         map[string]string
	StartPast, StartTooFar                          string
	NotFound, Conflict, Unavailable, Invalid, Other string
}

var fieldsJAText = fieldsJA{
	ByField: map[string]string{
		FormName:               ja.NameInvalid,
		FormArea:               ja.Form.AreaMissing,
		FormSkills:             ja.Form.SkillUnknown,
		FormAvailability:       ja.Form.AvailabilityMissing,
		FormLimit:              ja.LimitInvalid,
		FormConsent:            ja.Form.ConsentMissing,
		"id":                   "IDの形が正しくありません。",
		"profile_id":           "IDの形が正しくありません。",
		"title":                fmt.Sprintf("タイトルを1行で、%d文字までで入れてください。", MaxTitleRunes),
		"description":          fmt.Sprintf("内容は%d文字までで、ふつうの文字と改行で書いてください。", MaxDescriptionRunes),
		"organization":         fmt.Sprintf("依頼元は1行で、%d文字までにしてください。", MaxOrganizationLen),
		"reward":               fmt.Sprintf("謝礼は1行で、%d文字までにしてください。", MaxRewardLen),
		"text":                 "本文を、ふつうの文字と改行で書いてください。長すぎるときは短くしてください。",
		"start":                "開始の日時を選んでください。",
		"end":                  "終了の日時を、開始より後にしてください。",
		"headcount":            fmt.Sprintf("人数は1〜%d人にしてください。", MaxHeadcount),
		"offer_ttl":            fmt.Sprintf("お返事の期限は%d分以上にしてください。", int(MinOfferTTL/time.Minute)),
		"url":                  fmt.Sprintf("参加URLは、http:// か https:// で始まる%d文字までのURLにしてください。", MaxURLLen),
		"reminders":            fmt.Sprintf("リマインドは%d個まで、開始の30日前から直前までの間で選んでください。", MaxSessionReminders),
		"send_at":              "送る日時を正しく入れてください。",
		"audience.areas":       "ご案内する地域は、一覧から選んでください。",
		"audience.skills":      "ご案内するスキルは、一覧から選んでください。",
		"audience.channels":    "ご案内先は LINE か Slack にしてください。",
		"audience.profile_ids": "ご案内する方のIDの形が正しくありません。",
	},
	StartPast:   "開始がもう過ぎています。",
	StartTooFar: "開始が2年より先になっています。日付をお確かめください。",
	NotFound:    "見つかりませんでした。すでに削除されたかもしれません。",
	Conflict:    "ほかの操作と重なりました。画面を開き直して、もう一度お試しください。",
	Unavailable: "いま送信先のサービスにつながりません。少し待ってから、もう一度お試しください。",
	Invalid:     "入力内容を確かめて、もう一度お試しください。",
	Other:       "すみません、うまく処理できませんでした。少し待ってから、もう一度お試しください。",
}
