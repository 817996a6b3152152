package bot

// jaForm is what the bot says about a profile filled in as a form.
var jaForm = struct {
	AreaMissing, SkillUnknown, AvailabilityMissing, ConsentMissing, Invalid string
}{
	AreaMissing:         "地域を選んでください。",
	SkillUnknown:        "選べない項目が含まれています。もう一度選んでください。",
	AvailabilityMissing: "曜日と時間帯をそれぞれ1つ以上選ぶか、空き時間を文字で書いてください。",
	ConsentMissing:      "ご登録には、お預かりする情報の使い方への同意が必要です。",
	Invalid:             "すみません、登録フォームの内容を保存できませんでした。もう一度フォームを開いてお試しください。",
}

// jaHome is the home screen (Slack App Home).
var jaHome = struct {
	WelcomeTitle, WelcomeBody, Join, Continue, DeleteConfirm, PausedNote, Waiting string
	Upcoming, TaskComing, SessionComing, Nothing                                  string
}{
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
