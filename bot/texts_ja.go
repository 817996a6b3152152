package bot

import "tsunagu/bot/jtext"

// The Japanese message catalog: every sentence the bot says lives here, so
// wording can be reviewed (and one day translated) in one place. Short
// sentences and polite forms, for people who are new to smartphones.
// The field sentences quote the conversation's own (ja.NameInvalid), so
// they join the catalog once both exist.
func init() { ja.Fields = fieldsJAText }

// greetingJA is a greeting and what the bot says back.
type greetingJA struct {
	words []string
	reply string
}

var ja = struct {
	Welcome, WelcomeBack, WelcomeRegistered, SuggestName, ConsentTitle, ConsentBody, ConsentYes, ConsentNo, ConsentDeclined,
	ConsentRetry, AskName, NameInvalid, AskArea, AreaUnknown, AskSkills, SkillsMore,
	SkillsUnknown, SkillsNeedOne, SkillsTooMany, SkillsList, SkillsListButton, SkillsDone,
	AskAvailability, AvailabilityUnknown, AvailabilityOK, AskLimit, LimitInvalid,
	SummaryTitle, SummaryBody, Register, Fix, Registered, AskEditField, EditCancel, Edited,
	ProfileTitle, MenuTitle, MenuBody, Help, HelpOnboarding, Paused, AlreadyPaused, Resumed,
	PauseOneDay, PauseYes, PauseNo, AlreadyActive, DeleteTitle, DeleteBody, DeleteTakesJobs, DeleteYes, DeleteNo, Deleted, DeleteCancelled, DeleteCancelledJobs, DeleteDeferred,
	DeleteOrPause, PauseInstead, ButtonOfNoOne, TalkEndedByPerson, NameFixed, WeekFixed, AreaFixed string // WeekFixed, AreaFixed fmt: the new week, the new area
	NotUnderstood, NotUnderstoodField, WeekChanged, WeekChangedFrom, CurrentAvailability, NothingToDelete, YoureWelcome, TextOnly, StaleButton, InOnboarding, ConfirmRetry string
	Greetings                                                                                                                                                              []greetingJA
	GreetingTail, GreetingPending                                                                                                                                          string

	AlsoNoted, AvailabilityBackwards, LimitTookLower, SkillsNotAdded, SkillsAdded, DeleteRetry,
	SkillsRemoved, SkillRemoveButton, SkillsTakenOff, CurrentSkills, OneDayNotWeek, PausedByCoordinator, ResumedByCoordinator,
	RegisteredByCoordinatorTitle, RegisteredByCoordinator,
	HandoffButton, HandoffOffer, HandoffOpened, HandoffAlready, HandoffForwarded, HandoffNotice,
	HandoffForward, HandoffButtonPressed, FromCoordinator, TalkClosed string

	FieldName, FieldArea, FieldSkills, FieldAvailability, FieldLimit, FieldStatus string
	LimitValue                                                                    string // fmt: count
	StatusActive, StatusPaused                                                    string
	CmdProfile, CmdEdit, CmdPause, CmdResume, CmdDelete, CmdHelp, Cancel          string
	Next                                                                          string
	AvailPresets                                                                  []string
	LimitPresets                                                                  []int

	// The catalog's sections, each in its own file.
	Task      tasksJA
	Session   sessionsJA
	Form      formJA
	Home      homeJA
	Fields    fieldsJA
	Broadcast broadcastJA
}{
	Task:      tasksJAText,
	Session:   sessionsJAText,
	Form:      formJAText,
	Home:      homeJAText,
	Broadcast: broadcastJAText,

	Welcome:                      "はじめまして。「つなぐ」は、地域のちょっとしたお仕事と、できる方をおつなぎするサービスです。",
	WelcomeBack:                  "おかえりなさい。続きからどうぞ。",
	WelcomeRegistered:            "友だち追加ありがとうございます。ご登録はお済みです。合うお仕事があれば、こちらからご案内します。",
	SuggestName:                  "アプリに表示されているお名前「%s」でよろしければ、下のボタンを押してください。",
	ConsentTitle:                 "ご利用の前に",
	ConsentBody:                  "お仕事のご紹介のために、お名前・地域・できること・空き時間をお預かりします。ご紹介以外には使いません。「退会」と送れば、いつでもすべて削除できます。",
	ConsentYes:                   "同意する",
	ConsentNo:                    "同意しない",
	ConsentDeclined:              "承知しました。同意いただくまで、お名前などはお預かりしません。気が変わりましたら「同意する」を押してください。",
	ConsentRetry:                 "「同意する」か「同意しない」のボタンでお答えください。",
	AskName:                      "お名前を教えてください。（ニックネームでも大丈夫です）",
	NameInvalid:                  "お名前は1行、40文字以内で教えてください。",
	AskArea:                      "お仕事をしたい地域を選んでください。",
	AreaUnknown:                  "すみません、地域がわかりませんでした。下のボタンから選んでください。",
	AskSkills:                    "できること・得意なことを選んでください。いくつでも選べます。文字で「採点、パソコン入力」のように送っても大丈夫です。",
	SkillsMore:                   "「%s」を追加しました。ほかにもあれば選んでください。終わったら「次へ」を押してください。",
	SkillsUnknown:                "「%s」はわかりませんでした。ボタンから選ぶか、「一覧」と送ると全部の項目をご覧いただけます。",
	SkillsNeedOne:                "少なくとも1つ選んでください。",
	SkillsTooMany:                "選べるのは15個までです。「次へ」を押してください。",
	SkillsList:                   "選べる項目はこちらです：\n%s\n文字で送っていただいても大丈夫です。",
	SkillsListButton:             "一覧",
	SkillsDone:                   "次へ",
	AskAvailability:              "お仕事ができる曜日と時間を教えてください。\n例：「平日の午前」「月水金 10時〜15時」「土日」",
	AvailabilityUnknown:          "すみません、曜日や時間がわかりませんでした。「月水金 10時〜15時」のように送るか、ボタンから選んでください。",
	AvailabilityOK:               "「%s」ですね。",
	AskLimit:                     "1週間に何件まで、お仕事を受けられますか？",
	LimitInvalid:                 "1から20までの数でお答えください。（例：「2件」）",
	SummaryTitle:                 "登録内容の確認",
	SummaryBody:                  "この内容で登録してよろしいですか？",
	Register:                     "登録する",
	Fix:                          "修正する",
	Registered:                   "登録が完了しました。ありがとうございます！合うお仕事があれば、こちらからご案内します。「メニュー」と送ると、登録内容の確認や休止ができます。",
	AskEditField:                 "どこを変更しますか？",
	EditCancel:                   "変更をやめました。",
	Edited:                       "変更しました。",
	ProfileTitle:                 "登録内容",
	MenuTitle:                    "メニュー",
	MenuBody:                     "ご用件を選んでください。",
	Help:                         "つなぐの使い方：\n・「メニュー」…メニューを表示\n・「プロフィール」…登録内容の確認\n・「変更」…登録内容の変更\n・「休止」／「再開」…ご案内を止める／再開する\n・「予定」…お引き受けしたお仕事の確認\n・「実績」…これまでのお仕事の記録\n・「担当者」…担当者と話す\n・「退会」…登録内容をすべて削除\nお仕事のご案内には、カードの「引き受ける」か「見送る」を押すか、「はい、やります」のように文字で答えてください。",
	HelpOnboarding:               "ただいまご登録の途中です。続けてお答えください。",
	Paused:                       "ご案内を休止しました。再開するときは「再開」と送ってください。",
	PauseOneDay:                  "承知しました。お休みの日はお仕事をお引き受けいただかなくて大丈夫です。ご案内をしばらく止めることもできますが、止めますか？（止めると、「再開」と送るまで新しいご案内は届きません）",
	PauseYes:                     "しばらく止める",
	PauseNo:                      "止めない",
	AlreadyPaused:                "いまは休止中です。再開するときは「再開」と送ってください。",
	Resumed:                      "ご案内を再開しました。",
	PausedByCoordinator:          "担当者が、お仕事のご案内をお休みにしました。再開するときは「再開」と送ってください。",
	ResumedByCoordinator:         "担当者が、お仕事のご案内を再開しました。",
	RegisteredByCoordinatorTitle: "ご登録が済みました",
	RegisteredByCoordinator:      "担当者が、ご登録の続きを入力しました。この内容で、合うお仕事をこちらからご案内します。違うところがあれば「変更」を押してお直しください。",
	AlreadyActive:                "いまはご案内を受け付けています。",
	DeleteTitle:                  "退会の確認",
	DeleteBody:                   "退会すると、お名前・地域・できること・空き時間など、お預かりした内容はすべて削除されます。よろしいですか？",
	DeleteTakesJobs:              "お引き受けいただいているお仕事（%d件）も取り消しになり、担当者にお知らせします。",
	DeleteYes:                    "退会する",
	DeleteNo:                     "退会しない",
	DeleteOrPause:                "しばらくお休みしたいだけでしたら、「休止」でご案内を止めることもできます（登録内容は残り、「再開」でまたご案内します）。",
	PauseInstead:                 "休止にする",
	ButtonOfNoOne:                "このボタンは、いまは使えません（ご登録がないか、退会されたあとのボタンです）。あらためてご登録いただくときは、メッセージを送ってください。",
	Deleted:                      "登録内容をすべて削除しました。これまでありがとうございました。またいつでもご登録いただけます。",
	DeleteCancelled:              "退会をとりやめました。登録はそのままです。",
	DeleteCancelledJobs:          "お引き受けのお仕事（%d件）も、そのままです。",
	DeleteDeferred:               "わかりました。いまは退会しません。登録もお仕事の予定もそのままです。退会するときは、あらためて「退会」と送ってください。",
	NotUnderstood:                "すみません、よくわかりませんでした。下のメニューから選んでください。",
	CurrentAvailability:          "いまの空き時間：%s\n",
	WeekChanged:                  "空き時間を変更しました。いまの空き時間：%s\n違うときは「変更」と送ってください。",
	WeekChangedFrom:              "空き時間を変更しました。%sからとのことですが、ご案内はいまから、この空き時間で届きます。それまでのご案内は「見送る」でお答えください。\nいまの空き時間：%s",
	WeekFixed:                    "空き時間を直しました：%s",
	NameFixed:                    "お名前を直しました：%s",
	AreaFixed:                    "地域を直しました：%s",
	NothingToDelete:              "お預かりしている登録内容はありません（削除済みです）。またご登録いただくときは、何か送ってください。",
	YoureWelcome:                 "こちらこそ、ありがとうございます。ご用のときは、いつでも送ってください。",
	Greetings: []greetingJA{
		{[]string{"おはよう"}, "おはようございます。"},
		{[]string{"こんにちは", "こんにちわ"}, "こんにちは。"},
		{[]string{"こんばんは", "こんばんわ"}, "こんばんは。"},
		{[]string{"いつもお世話になっ", "お世話になっております", "お世話になります"}, "こちらこそ、いつもお世話になっております。"},
	},
	GreetingTail:       "新しいお仕事があれば、こちらからご案内しますね。ご用のときは「メニュー」と送ってください。",
	GreetingPending:    "お返事をお待ちしているお仕事のご案内があります。カードのボタンでお答えください。",
	NotUnderstoodField: "すみません、どこを変えたいのかわかりませんでした。下のボタンから選んでください。",
	TextOnly:           "すみません、文字かボタンでお答えください。",
	StaleButton:        "このボタンは、いまは使えません。",
	InOnboarding:       "ただいまご登録の途中です。",
	ConfirmRetry:       "「登録する」か「修正する」を押してください。",

	FieldName:             "お名前",
	FieldArea:             "地域",
	FieldSkills:           "できること",
	FieldAvailability:     "空き時間",
	FieldLimit:            "1週間の上限",
	FieldStatus:           "状態",
	LimitValue:            "%d件まで",
	StatusActive:          "ご案内中",
	StatusPaused:          "休止中",
	CmdProfile:            "登録内容",
	CmdEdit:               "変更",
	CmdPause:              "休止",
	CmdResume:             "再開",
	CmdDelete:             "退会",
	CmdHelp:               "ヘルプ",
	Cancel:                "やめる",
	Next:                  "次へ",
	AlsoNoted:             "あわせて、次の内容も承りました。\n%s",
	AvailabilityBackwards: "すみません、終わりの時間が始まりより前になっています。「10時〜15時」のように送ってください。",
	LimitTookLower:        "少なめの「%d件まで」にしておきますね。あとで「変更」からいつでも変えられます。",
	SkillsNotAdded:        "「%s」は登録しませんね。",
	SkillsRemoved:         "「%s」を外しました。ほかにもあれば選んでください。終わったら「次へ」を押してください。",
	SkillRemoveButton:     "外す：%s",
	OneDayNotWeek:         "その日だけのお休みでしたら、登録の変更はいりません。その日のご案内が届いたら「見送る」を押してください。毎週の空き時間を変えるときは「月水金の午前」のように送ってください。",
	SkillsTakenOff:        "「%s」を外しました。",
	CurrentSkills:         "いま登録している「できること」は、%sです。加えるものを選ぶか、外すものは「外す」のボタンを押してください。終わったら「次へ」を押してください。",
	SkillsAdded:           "「%s」を追加しました。",
	DeleteRetry:           "「退会する」か「退会しない」を押してください。",
	HandoffButton:         "担当者に相談する",
	HandoffOffer:          "担当者に直接ご相談いただくこともできます。",
	HandoffOpened:         "担当者にお伝えしました。お返事はこのトークにお送りします。ご用件があれば、続けてお書きください。",
	HandoffAlready:        "担当者にお伝えしています。お返事まで少しお待ちください。",
	HandoffForwarded:      "担当者にお伝えしました。",
	HandoffNotice:         "【ご相談】%sが担当者との会話を希望しています：%s\n返信は管理画面の「ご相談」からどうぞ。",
	HandoffForward:        "【ご相談】%s：%s",
	HandoffButtonPressed:  "（「担当者に相談する」を押しました）",
	FromCoordinator:       "担当者より：\n%s",
	TalkClosed:            "担当者とのお話はいったん終了しました。またいつでも「担当者と話したい」と送ってください。",
	TalkEndedByPerson:     "【ご相談終了】%sが、担当者とのご相談を終わりにしました。",

	AvailPresets: []string{"平日の午前", "平日の午後", "土日", "夕方", "夜", "いつでも"},
	LimitPresets: []int{1, 2, 3, 5},
}

// command is something a person can ask for at any point of a conversation.
type command string

const (
	cmdMenu    command = "menu"
	cmdProfile command = "profile"
	cmdEdit    command = "edit"
	cmdPause   command = "pause"
	cmdResume  command = "resume"
	cmdDelete  command = "delete"
	cmdHelp    command = "help"
	// cmdSchedule lists the person's upcoming accepted tasks (「予定」).
	cmdSchedule command = "schedule"
	// cmdHandoff opens a conversation with the coordinators (「担当者と
	// 話したい」).
	cmdHandoff command = "handoff"
	// cmdRecord shows the person their own record (「実績」).
	cmdRecord command = "record"
)

// intents are commands written as requests, found anywhere in a message
// (normalized when the package loads). The first that matches wins, so the
// list goes from the most to the least consequential.
var intents = func() []intent {
	list := []intent{
		{cmdHandoff, []string{"担当者", "担当の方", "担当さん", "人と話", "ひとと話", "人間と話", "誰かと話", "だれかと話", "スタッフと話", "スタッフの方",
			"職員さん", "職員の方", "電話で相談", "相談したい", "相談できますか", "相談に乗って", "相談させて", "相談があ", "直接話", "話を聞いてほしい",
			"話を聞いてもらえ", "問い合わせたい", "オペレーター", "担当の人", "人に代わ", "代わってもらえ", "talk to a person", "talk to someone", "human", "coordinator"}},
		{cmdDelete, []string{"退会", "アカウントを削除", "アカウント削除", "登録を削除", "データを削除", "情報を削除", "削除したい", "削除してください", "削除して",
			"消してください", "消して欲しい", "消してほしい", "消したい", "登録をやめ", "登録を取り消", "登録解除", "脱退", "やめたいです", "もうやめ", "やめたいと思",
			"やめさせてもら", "delete my", "unsubscribe"}},
		{cmdResume, []string{"再開", "さいかい", "またお願いします", "またおねがいします", "またよろしく", "また紹介", "またお仕事を紹介", "またお仕事を", "また仕事を", "紹介を始め", "お休みを終わり", "休止を解除", "休止をやめ", "復帰", "お休みは終わり",
			"resume", "start again"}},
		{cmdPause, []string{"休止", "お休みさせ", "休ませ", "一時停止", "紹介を止め", "紹介をとめ", "連絡を止め", "連絡をとめ", "案内を止め", "案内をとめ", "止めてください", "とめてください",
			"しばらく休", "しばらくやす", "お休みに", "お休みしたい", "休みたい", "やすみたい", "やすませ", "お休みします", "おやすみします", "休みます", "やすみます", "お休みをください", "お休みでお願い", "送らないで", "控えて", "停止", "pause", "stop sending"}},
		{cmdEdit, []string{"変更", "追加したい", "増やしたい", "edit", "変えたい", "変えて", "修正", "直したい", "直して", "書き換え", "編集", "引っ越", "登録し直", "change my", "update my"}},
		{cmdProfile, []string{"登録内容", "登録って", "登録はどう", "登録を確認", "登録状況", "登録情報", "プロフィール", "私の情報", "わたしの情報", "自分の情報",
			"登録されて", "登録した内容", "登録したか", "内容で登録", "my profile"}},
		{cmdSchedule, []string{"予定を教", "予定をおしえ", "よていをおしえ", "予定は", "何時でした", "なんじでした", "何時だった", "何時からでした", "何日でした", "予定を見", "予定を確認", "予定ある", "予定あります", "スケジュール", "次のお仕事", "次の仕事", "引き受けた仕事",
			"何を引き受け", "なにを引き受け", "よていを", "よていは",
			"引き受けたお仕事", "いつでしたっけ", "いつだっけ", "予定も", "my schedule", "upcoming",
			"申し込んだお仕事", "申し込んだ仕事", "申込んだお仕事", "もうしこんだおしごと", "もうしこんだ仕事", "受けたお仕事はなん", "受けた仕事はなん"}},
		{cmdRecord, []string{"実績", "じっせき", "これまでの記録", "私の記録", "わたしの記録", "自分の記録", "何件やった", "何回やった", "どれくらい働", "働いた時間", "my record"}},
		{cmdHelp, []string{"使い方", "つかいかた", "ヘルプ", "これは何", "これはなに", "これなに", "なにこれ", "何これ", "どういうサービス", "何のサービス", "どうすればいい", "どうしたらいい", "どうやって", "わからないので教えて", "操作がわから", "何ができる", "なにができる", "how to use", "help"}},
		{cmdMenu, []string{"メニュー", "menu"}},
	}
	for i := range list {
		for j, w := range list[i].words {
			list[i].words[j] = jtext.Normalize(w)
		}
	}
	return list
}()

// nameSayingWords say a sentence gives the name (see namesTheName).
var nameSayingWords = normalizeAll("名前は", "なまえは", "と申します", "ともうします", "といいます", "と言います", "名前を")

// changeWords tell of a change (see speaksOfAChange).
var changeWords = normalizeAll("なった", "なりました", "なって", "なります", "ので", "けど", "けれど", "代わりに", "かわりに")

// keepRegistrationWords take a withdrawal back: 「退会はやめて」「退会
// しないで」「やっぱり退会は取り消します」.
var keepRegistrationWords = normalizeAll("退会はやめ", "退会をやめ", "退会は止め", "退会はなし", "退会は取り消", "退会を取り消", "退会はとりけ",
	"退会はキャンセル", "退会をキャンセル", "退会しない", "退会はしない", "退会はしません", "退会しません", "退会せず", "退会は結構", "退会は待", "退会はまだ",
	"たいかいはやめ", "たいかいしない", "やめないで", "消さないで", "削除しないで", "削除はしない", "削除はやめ", "続けます", "続けたい", "つづけ")

// jobWords name a job or a day of one; registrationWords name what a
// withdrawal removes. 「この仕事はやめたい」 is about the first,
// 「登録をやめたい」 the second (see aboutAJob).
var (
	jobWords          = normalizeAll("仕事", "これは", "この", "その日", "今回", "その時間", "参加", "採点", "作業")
	registrationWords = normalizeAll("登録", "退会", "アカウント", "データ", "情報", "サービス", "ライン", "line", "つなぐ", "全部", "すべて")
)

// doneWhenAlone end the list only in a message that names no skill:
// 「ないです」 alone ends it, 「Zoomは使ったことがないです」 does not.
var doneWhenAlone = func() []string {
	words := []string{"ありません", "ないです", "いいえ", "ない。", "なし"}
	for i, w := range words {
		words[i] = jtext.Normalize(w)
	}
	return words
}()

// intent is a command and the phrases that ask for it.
type intent struct {
	cmd   command
	words []string
}

// doneSentences end the list of skills when found in a sentence (normalized
// when the package loads).
var doneSentences = func() []string {
	words := []string{"以上", "いじょう", "それだけ", "それで全部", "それで終わり", "それでおしまい", "もうありません", "もうない", "他にはありません", "ほかにはありません",
		"他はありません", "ほかはありません", "他にはない", "ほかにはない", "他にない", "ほかにない", "特にありません", "とくにありません", "特にない", "とくにない",
		"もう大丈夫", "これで大丈夫", "これでいい", "これで結構", "終わりです", "おわりです", "おしまい", "次へ", "次に進", "これで全部", "それくらい",
		"だけです", "だけ。", "that's all", "that is all", "that's it", "nothing else", "no more", "done"}
	for i, w := range words {
		words[i] = jtext.Normalize(w)
	}
	return words
}()

func init() {
	for w := range recordWords {
		commandWords[key(w)] = cmdRecord
	}
	for _, w := range scheduleWords {
		commandWords[key(w)] = cmdSchedule
	}
}

// commandWords maps normalized words (see jtext.Normalize: hiragana, lower
// case) to commands. Japanese first, English understood.
var commandWords = map[string]command{
	"めにゅー": cmdMenu, "menu": cmdMenu,
	"ぷろふぃーる": cmdProfile, "登録内容": cmdProfile, "profile": cmdProfile, "登録内容の確認": cmdProfile,
	"変更": cmdEdit, "修正": cmdEdit, "編集": cmdEdit, "登録内容の変更": cmdEdit, "edit": cmdEdit, "change": cmdEdit,
	"休止": cmdPause, "一時停止": cmdPause, "お休み": cmdPause, "pause": cmdPause, "stop": cmdPause, "しばらく止める": cmdPause,
	"止めない": cmdMenu, "とめない": cmdMenu,
	"再開": cmdResume, "resume": cmdResume, "start": cmdResume,
	"退会": cmdDelete, "退会したい": cmdDelete, "データ削除": cmdDelete, "削除": cmdDelete, "delete": cmdDelete, "unsubscribe": cmdDelete,
	"へるぷ": cmdHelp, "help": cmdHelp, "使い方": cmdHelp, "?": cmdHelp,
	// Typed in hiragana, as a first smartphone's keyboard leaves them.
	"きゅうし": cmdPause, "さいかい": cmdResume, "へんこう": cmdEdit, "しゅうせい": cmdEdit, "たいかい": cmdDelete,
	"つかいかた": cmdHelp, "予定": cmdSchedule, "よてい": cmdSchedule, "じっせき": cmdRecord, "実績": cmdRecord,
}

// Words that finish a list answer or leave a detour.
var (
	doneWords     = map[string]bool{"次へ": true, "つぎへ": true, "次": true, "完了": true, "以上": true, "いじょう": true, "おわり": true, "終わり": true, "done": true, "next": true}
	listWords     = map[string]bool{"一覧": true, "いちらん": true, "list": true, "全部": true}
	registerWords = map[string]bool{"登録する": true, "登録します": true, "登録": true, "登録してください": true, "register": true,
		"とうろく": true, "とうろくする": true, "とうろくします": true, "とうろくしてください": true, "登録お願いします": true, "とうろくおねがいします": true}
	fixWords    = map[string]bool{"修正する": true, "修正します": true, "修正": true, "直す": true, "fix": true}
	cancelWords = map[string]bool{"やめる": true, "やめます": true, "キャンセル": true, "きゃんせる": true, "cancel": true, "戻る": true}
)

// editFieldWords maps what people call each profile field to its step.
// fieldMentions find the field a sentence is about (「空いてる時間を変え
// たい」「時間です」), the more particular words first: 「空き時間」 before
// 「時間」, 「何件」 before 「件」.
var fieldMentions = func() []struct {
	word string
	step Step
} {
	list := []struct {
		word string
		step Step
	}{
		{"名前", StepName}, {"なまえ", StepName},
		{"上限", StepLimit}, {"件数", StepLimit}, {"回数", StepLimit}, {"何件", StepLimit}, {"何回", StepLimit},
		{"できること", StepSkills}, {"得意", StepSkills}, {"スキル", StepSkills}, {"仕事の種類", StepSkills},
		{"空き時間", StepAvailability}, {"空いてる時間", StepAvailability}, {"空いている時間", StepAvailability}, {"あいてる時間", StepAvailability},
		{"時間", StepAvailability}, {"曜日", StepAvailability}, {"じかん", StepAvailability},
		{"地域", StepArea}, {"住所", StepArea}, {"住んで", StepArea}, {"引っ越", StepArea}, {"エリア", StepArea}, {"場所", StepArea},
	}
	for i := range list {
		list[i].word = jtext.Normalize(list[i].word)
	}
	return list
}()

var editFieldWords = map[string]Step{
	"名前": StepName, "お名前": StepName, "name": StepName,
	"地域": StepArea, "えりあ": StepArea, "場所": StepArea, "area": StepArea,
	"できること": StepSkills, "すきる": StepSkills, "得意なこと": StepSkills, "skills": StepSkills, "skill": StepSkills,
	"空き時間": StepAvailability, "時間": StepAvailability, "曜日": StepAvailability, "availability": StepAvailability,
	"上限": StepLimit, "件数": StepLimit, "1週間の上限": StepLimit, "週の上限": StepLimit, "limit": StepLimit,
}
