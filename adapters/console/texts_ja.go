package console

import (
	"fmt"

	"tsunagu/bot"
)

// ja is what the console's Go code says; the pages' own words are in
// templates/. Errors about a form's field come from bot.ErrorJA.
var ja = struct {
	TitleLogin, TitleSetup, TitleToday, TitleTasks, TitleTaskNew, TitleTaskCancel                              string
	TitleLoginNeeded, TitleForbidden, TitleNotFound, TitleRefused, TitleUnavailable                            string
	TitleError, Departed, TaskNotCancellable, TaskNotEditable                                                  string
	TitleTaskEdit, HeadcountInvalid, TitleSessionCancel, SessionNotCancellable                                 string
	TitleSessions, TitleSessionNew, TitleBroadcasts, TitleBroadcastNew, TitleBroadcastOK, TitleBroadcastCancel string
	BroadcastBegun                                                                                             string
	TitlePeople, TitlePersonNew, TitlePersonDelete, TitleTalks, TitleCoordinators                              string
	TitlePersonEdit, PersonNotEditable                                                                         string
	LoginNeeded, Forbidden, AdminOnly, FormExpired, NotFound, Internal                                         string
	WrongPassword, TooManyFailures, PasswordRules, PasswordsDiffer, SetupLinkInvalid                           string
	DateMissing, TimeMissing, AvailabilityUnknown, SkillsMissing, IDMissing, TextMissing                       string
	SendDateMissing, SendTimeMissing, SendPast                                                                 string
	ConsentMissing, PersonExists, EmailExists, UntilMissing                                                    string
	TitlePeopleImport, FileMissing, FileUnreadable, FileTooLarge                                               string
	// ImportRefused (the number of problems) and ImportStopped (the people
	// written before it stopped) are formats.
	ImportRefused, ImportStopped string
	// CSVColumns name the columns of the people CSV in a refused import.
	CSVColumns                                            map[string]string
	TitleReports, NoName, Remote                          string
	ThisFiscalYear, LastFiscalYear                        string
	ChartParticipations, ChartHours, ChartFillRate, Total string
	// CSVMonth and CSVFigures head the report's CSV, by figure name.
	CSVMonth   string
	CSVFigures map[string]string
	// OfferRefused, ResultRefused and ReportRefused say why the named-offer
	// form, the outcome form and the report's period were refused, by
	// "code field", field or code (refusalJA).
	OfferRefused, ResultRefused, ReportRefused map[string]string
	StatusLabels                               map[string]string
	OfferLabels                                map[string]string
	ChannelLabels                              map[string]string
	BroadcastLabels                            map[string]string
	TaskStatusLabels                           map[string]string
	Fields                                     map[string]string
	DeleteSelf                                 string
}{
	TitleLogin:            "ログイン",
	TitleLoginNeeded:      "ログインが必要です",
	TitleForbidden:        "この操作はできません",
	TitleNotFound:         "ページが見つかりません",
	TitleRefused:          "受け付けられませんでした",
	TitleUnavailable:      "ただいま混み合っています",
	TitleError:            "エラーが発生しました",
	Departed:              "（退会された方）",
	TaskNotCancellable:    "このお仕事はもう終わっているため、取り消せません。実績の記録に残ります。来なかった方がいるときは、お仕事のページでその方の結果を直してください。",
	TaskNotEditable:       "このお仕事はもう始まっているため、内容や人数は変えられません。",
	TitleSetup:            "パスワードの設定",
	TitleToday:            "今日",
	TitleTasks:            "お仕事",
	TitleTaskNew:          "お仕事の登録",
	TitleTaskEdit:         "お仕事の変更",
	HeadcountInvalid:      "人数を1〜100の数字で入れてください。",
	TitleTaskCancel:       "お仕事の取り消し",
	TitleSessions:         "説明会・交流会",
	TitleSessionNew:       "説明会・交流会の登録",
	TitleSessionCancel:    "説明会・交流会の中止",
	SessionNotCancellable: "この会はもう終わっているか、すでに中止になっているため、中止にできません。",
	TitleBroadcasts:       "お知らせ",
	TitleBroadcastCancel:  "お知らせの取り消し",
	TitleBroadcastNew:     "お知らせを書く",
	TitleBroadcastOK:      "お知らせの確認",
	TitlePeople:           "登録者",
	TitlePersonNew:        "登録者の代理登録",
	TitlePersonEdit:       "登録内容を直す",
	PersonNotEditable:     "この方の登録内容は、ここでは直せません（ブロック中の方は、ご本人が戻られてから直してください）。",
	TitlePersonDelete:     "登録者の削除",
	TitleTalks:            "ご相談",
	TitleCoordinators:     "担当者アカウント",

	LoginNeeded:      "ログインしてください。",
	Forbidden:        "この操作は受け付けられませんでした。画面を開き直して、もう一度お試しください。",
	AdminOnly:        "この画面は管理者だけが使えます。",
	FormExpired:      "入力画面の有効期限が切れました。画面を開き直して、もう一度お試しください。",
	NotFound:         "見つかりませんでした。すでに削除されたか、ほかの団体のものかもしれません。",
	Internal:         "すみません、うまく処理できませんでした。少し待ってから、もう一度お試しください。",
	WrongPassword:    "メールアドレスかパスワードが違います。",
	TooManyFailures:  fmt.Sprintf("ログインの失敗が続いたため、しばらく受け付けを止めています。%d分ほど待ってから、もう一度お試しください。", int(failWindow.Minutes())),
	PasswordRules:    fmt.Sprintf("パスワードは%d文字以上、%d文字以内にしてください。", MinPasswordLen, MaxPasswordLen),
	PasswordsDiffer:  "確認のために入れたパスワードが一致しません。",
	SetupLinkInvalid: "このリンクは使えません。すでに使われたか、期限（24時間）が切れています。管理者に新しいリンクを頼んでください。",

	DateMissing:         "日付を選んでください。",
	TimeMissing:         "開始と終了の時刻を選んでください。",
	SendDateMissing:     "送る日付を選んでください。今すぐ送るときは、時刻も空にしてください。",
	SendTimeMissing:     "送る時刻を選んでください。今すぐ送るときは、日付も空にしてください。",
	SendPast:            "送る日時がもう過ぎています。これから先の日時を選ぶか、今すぐ送るときは日付と時刻を空にしてください。",
	AvailabilityUnknown: "都合のよい時間を「平日の午前」「月水金 10時〜15時」のように書いてください。",
	SkillsMissing:       "スキルを1つ以上選んでください。",
	IDMissing:           "LINE か Slack の ID を入れてください。",
	TextMissing:         "本文を入れてください。",
	ConsentMissing:      "ご本人の同意を確かめたら、チェックを入れてください。",
	PersonExists:        "このIDの方はもう登録されています（チャットで登録を始めた方も含みます）。登録者の一覧からその方のページを開き、「登録内容を直す」から登録を仕上げたり直したりできます。",
	EmailExists:         "このメールアドレスのアカウントはもうあります。",
	UntilMissing:        "毎週くり返すときは、「いつまで」の日付を選んでください。",
	TitlePeopleImport:   "登録者をCSVで取り込む",
	FileMissing:         "取り込むCSVファイルを選んでください。",
	FileUnreadable:      "ファイルを読めませんでした。もう一度選んでください。",
	FileTooLarge:        "ファイルが大きすぎます（1MBまで）。何回かに分けて取り込んでください。",
	ImportRefused:       "CSVに直すところが%d件あります。だれも取り込んでいません。下の表の行を直して、もう一度取り込んでください。",
	ImportStopped:       "取り込みが途中で止まりました（%d人は取り込み済み）。同じファイルをもう一度取り込んでも大丈夫です。",
	CSVColumns: map[string]string{
		"id": "ID", "name": "お名前", "area": "地域", "skills": "スキル", "availability": "都合のよい時間",
		"weekly_limit": "1週間の上限", "consented_at": "同意日時", "": "（ファイル全体）",
	},

	TitleReports: "レポート",
	NoName:       "お名前未登録",
	// A fiscal year is named by the year it starts in: 2026年度 is April
	// 2026 to March 2027.
	ThisFiscalYear:      "今年度（%d年度）",
	LastFiscalYear:      "前年度（%d年度）",
	ChartParticipations: "月ごとの延べ人数",
	ChartHours:          "月ごとの時間",
	ChartFillRate:       "月ごとの充足率",
	Total:               "合計",
	CSVMonth:            "月",
	CSVFigures: map[string]string{"tasks": "お仕事の数", "tasks_filled": "満員になったお仕事", "fill_rate": "充足率", "places": "募集人数",
		"places_filled": "決まった人数", "participations": "延べ人数", "people": "実人数", "hours": "時間", "sessions": "開催した集まり",
		"session_attendances": "集まりの参加", "offers": "ご案内", "accepted": "引き受け", "declined": "見送り", "expired": "期限切れ",
		"median_minutes_to_fill": "満員までの分（中央値）"},
	Remote: "リモート",
	OfferRefused: map[string]string{
		"invalid profile_id":       "ご案内する方を一覧から選んでください。",
		"not_found profile_id":     "この方は見つかりませんでした。データを削除されたかもしれません。",
		"unprocessable profile_id": "この方にはいまご案内できません。お休み中か、登録の途中か、1週間の上限に達しています。",
		"not_found":                "このお仕事は見つかりませんでした。",
		"conflict":                 "この方にはもうご案内しているか、このお仕事の募集が終わっています。",
	},
	ResultRefused: map[string]string{
		"profile_id": "この方はこのお仕事を引き受けていません。画面を開き直してください。",
		"status":     "「終わった」か「できなかった」を選んでください。",
		"hours":      "時間は 0〜24 の数か「2時間半」のように入れてください（例: 2.5）。空欄ならお仕事の長さになります。",
		"conflict":   "結果は、お仕事が始まってから記録できます。",
		"not_found":  "このお仕事は見つかりませんでした。",
	},
	ReportRefused: map[string]string{
		"from": "はじめの日を、2026-04-01 のような日付で選んでください。",
		"to":   "おわりの日を、はじめの日より後の日付で選んでください（10年まで）。",
	},

	StatusLabels: map[string]string{
		"onboarding": "登録中", "active": "紹介中", "paused": "お休み中", "blocked": "ブロック",
	},
	OfferLabels: map[string]string{
		"offered": "お返事待ち", "accepted": "引き受け", "waitlisted": "キャンセル待ち",
		"declined": "見送り", "expired": "期限切れ", "cancelled": "取り消し",
	},
	ChannelLabels: map[string]string{"line": "LINE", "slack": "Slack"},
	BroadcastLabels: map[string]string{
		"scheduled": "送信予定", "sending": "送信中", "done": "送信済み", "cancelled": "取り消し済み",
	},
	TaskStatusLabels: map[string]string{
		"open": "募集中", "filled": "満員", "closed": "終了", "cancelled": "取り消し",
	},
	// Fields of the console's own forms that bot.ErrorJA does not know.
	Fields: map[string]string{
		"email": "メールアドレスを正しく入れてください。",
		"org":   "団体名を1行で入れてください。",
		// CreateSeries refuses an end before the first date or too far.
		"repeat.until": fmt.Sprintf("「いつまで」は、最初の日から%d週間あとまでの日付を選んでください。", bot.MaxSeriesDates),
		"password":     fmt.Sprintf("パスワードは%d文字以上、%d文字以内にしてください。", MinPasswordLen, MaxPasswordLen),
	},
	DeleteSelf:     "自分のアカウントは止められません。",
	BroadcastBegun: "このお知らせは、もう送り始めているか、取り消し済みのため、取り消せません。",
}

// flashes are the messages shown after a POST, by the ?done= key of the
// page it redirects to.
var flashes = map[string]string{
	"task":         "お仕事を登録しました。条件に合う方へご案内を送っています。",
	"cancelled":    "お仕事を取り消しました。ご案内した方にお知らせします。",
	"edited":       "お仕事の内容を変えました。人数を増やしたときは、条件に合う方へご案内を送っています。",
	"session":      "説明会・交流会を登録しました。ご案内を送っています。",
	"called_off":   "中止にしました。参加と答えた方にお知らせします。",
	"broadcast":    "お知らせを受け付けました。",
	"person":       "登録しました。",
	"paused":       "お休みにしました。ご本人にもお知らせしました。",
	"resumed":      "紹介を再開しました。ご本人にもお知らせしました。",
	"deleted":      "登録者のデータを削除しました。",
	"sent":         "返信を送りました。",
	"closed":       "ご相談を終了しました。",
	"disabled":     "アカウントを止めました。",
	"enabled":      "アカウントを使えるようにしました。",
	"offered":      "ご案内を送りました。",
	"recorded":     "記録しました。",
	"imported":     "CSVを取り込みました。",
	"bc_cancelled": "お知らせの送信を取り消しました。だれにも送られません。",
	"series":       "毎週のお仕事を登録しました。日程は下の「くり返しの日程」のとおりです。条件に合う方へご案内を送っています。",
	// The same, when nobody was found to ask (taskShow).
	"task-none":   "お仕事を登録しました。いま条件に合う方が見つからないため、ご案内はまだ送っていません。条件に合う方が登録されたら、その方にご案内します。下の「指名してご案内する」から、選んだ方に送ることもできます。",
	"edited-none": "お仕事の内容を変えました。いま条件に合う方が見つからないため、新しいご案内は送っていません。下の「指名してご案内する」から、選んだ方に送ることもできます。",
	"series-none": "毎週のお仕事を登録しました。日程は下の「くり返しの日程」のとおりです。いま条件に合う方が見つからないため、ご案内はまだ送っていません。",
}

// errorJA is err said in Japanese for a form: the console's own fields
// first, then the bot's sentences.
func errorJA(err error) string {
	if s, ok := ja.Fields[botField(err)]; ok {
		return s
	}
	return botErrorJA(err)
}
