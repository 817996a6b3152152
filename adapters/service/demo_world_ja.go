package service

// The playground's demo world, in Japanese: the organizations, people,
// tasks and sessions of the programs in the seeds (../shared/seeds): the
// work-sharing of Polaris and the R60-SETAGAYA senior matching with the
// city's おしごとカフェ (000, 001), 大田区SDGs副業 (002), the hometown-tax
// return gifts of a local trading company (003) and 放課後企業クラブ (004).
// The people are invented; their names are common ones.

// Organizations that post the demo tasks and hold the sessions.
const (
	orgWorkShare = "Polaris ワークシェア"
	orgJobCafe   = "世田谷区 おしごとカフェ"
	orgFujisato  = "藤里町 しごとづくりプロジェクト"
	orgOta       = "大田区SDGs副業"
	orgClub      = "放課後企業クラブ（まちのキャリア支援室）"
)

// demoPerson is one person of the demo world. Availability is in words,
// read by the bot's own parser, as the person would have answered.
type demoPerson struct {
	platform     string // bot.PlatformLINE or bot.PlatformSlack
	user         string // LINE user ID or Slack user ID
	name         string
	area         string
	skills       []string
	availability string
	weeklyLimit  int
}

// demoPeople: seniors on LINE in Setagaya, Chofu, Fujisato and Ota, and
// side-jobbers on Slack who work online or in Ota and Okayama.
var demoPeople = []demoPerson{
	{"line", "Ud3e00000000000000000000000000001", "佐藤 和子", "setagaya", []string{"grading", "data_entry", "office_work"}, "平日の8時〜12時", 3},
	{"line", "Ud3e00000000000000000000000000002", "渡辺 美代子", "setagaya", []string{"grading", "english", "tutoring"}, "平日の8時〜12時", 3},
	{"line", "Ud3e00000000000000000000000000008", "山本 清", "setagaya", []string{"grading", "pc_basics"}, "平日の7時〜11時", 2},
	{"line", "Ud3e00000000000000000000000000009", "木村 俊夫", "setagaya", []string{"grading", "elderly_care"}, "月水金の8時〜12時", 2},
	{"line", "Ud3e00000000000000000000000000003", "鈴木 茂", "setagaya", []string{"handyman", "carpentry", "drone"}, "平日の9時〜16時", 2},
	{"line", "Ud3e00000000000000000000000000004", "高橋 節子", "chofu", []string{"grading", "childcare", "reception"}, "月水金の8時〜13時", 2},
	{"line", "Ud3e00000000000000000000000000005", "田村 恵子", "fujisato", []string{"packing", "farming", "cooking"}, "平日の9時〜16時", 3},
	{"line", "Ud3e00000000000000000000000000006", "佐々木 勝", "fujisato", []string{"packing", "driving", "handyman"}, "月〜土の9時〜17時", 2},
	{"line", "Ud3e00000000000000000000000000007", "伊藤 博", "ota", []string{"handyman", "carpentry", "cleaning"}, "平日の9時〜17時", 2},
	{"slack", "U0DEMO01", "中村 翔太", "remote", []string{"zoom_support", "video_editing", "it_support"}, "毎日18時〜22時、土日の9時〜18時", 2},
	{"slack", "U0DEMO02", "小林 真理", "remote", []string{"product_planning", "pr_marketing", "sns"}, "平日の19時〜22時、土日の10時〜17時", 2},
	{"slack", "U0DEMO03", "山口 健", "ota", []string{"programming", "chat_support", "it_support"}, "平日の18時〜23時", 3},
	{"slack", "U0DEMO04", "加藤 由美", "okayama", []string{"facilitation", "business_planning", "zoom_support"}, "平日の18時〜22時", 2},
}

// demoTask is a task of the demo world. Day is days from today (negative:
// the past); a weekday task moves to the nearest weekday before it.
type demoTask struct {
	day        int
	weekday    bool
	start, end string // "HH:MM" in the service time zone
	title      string
	desc       string
	org        string
	skills     []string
	area       string // "" with remote
	remote     bool
	headcount  int
	reward     string
	// What happens to it (past tasks only): how many of those offered
	// accept and decline (the others let the offer expire), which of the
	// accepted could not do it, and hours a coordinator corrects.
	accept, decline int
	notDone         int     // the n-th accepted (1-based) could not do it; 0: all did
	correctHours    float64 // the first accepted person's hours as a coordinator recorded them; 0: as planned
}

const (
	descGrading = "私立中学校の朝テスト（小テスト）の採点と丸つけです。解答例を見ながら赤ペンで丸をつけ、点数を名簿に書き込みます。初めての方にも先生が最初に説明します。"
	descZoom    = "求職者向けセミナー「ギグワークの可能性」のZoom配信サポートです。入室の案内、画面共有の切り替え、チャットの質問の取りまとめをお願いします。自宅から参加できます。"
	descHandy   = "保育園の便利屋さん！用務員のお仕事です。遊具の点検、棚の修理、園庭の片付けなど、園の「ちょっと困った」を手伝ってください。"
	descGifts   = "ふるさと納税の返礼品の発送作業です。特産品の箱詰め、緩衝材の詰め込み、伝票の貼り付けをします。立ち仕事ですが、休憩をはさみながら進めます。"
	descChat    = "プログラミングスクールの受講生からのチャット質問に答えるサポートです。回答の難しいものは講師に回してください。"
	descFactory = "町工場のホームページの問い合わせ対応を見直すため、現状の調査と改善案づくりを手伝ってください。オンラインの打ち合わせが中心です。"
)

// demoTasks: the past ones give the reports their figures; the coming
// ones are open, and their offers reach the simulators when the playground
// starts.
var demoTasks = []demoTask{
	{day: -29, weekday: true, start: "08:00", end: "10:00", title: "朝テストの採点", desc: descGrading, org: orgWorkShare,
		skills: []string{"grading"}, area: "setagaya", headcount: 2, reward: "2,000円", accept: 2, decline: 1},
	{day: -22, start: "19:00", end: "21:00", title: "Zoom配信サポート（求職者向けセミナー）", desc: descZoom, org: orgJobCafe,
		skills: []string{"zoom_support"}, remote: true, headcount: 1, reward: "3,000円", accept: 1},
	{day: -16, weekday: true, start: "10:00", end: "15:00", title: "返礼品の発送", desc: descGifts, org: orgFujisato,
		skills: []string{"packing"}, area: "fujisato", headcount: 2, reward: "1時間 1,000円", accept: 2, correctHours: 4.5},
	{day: -11, weekday: true, start: "09:00", end: "12:00", title: "保育園の便利屋さん", desc: descHandy, org: orgWorkShare,
		skills: []string{"handyman"}, area: "setagaya", headcount: 1, reward: "3,000円", accept: 1},
	{day: -8, weekday: true, start: "19:00", end: "21:00", title: "町工場の問い合わせ対応の改善", desc: descFactory, org: orgOta,
		skills: []string{"it_support", "programming"}, area: "ota", headcount: 1, reward: "5,000円", accept: 1},
	{day: -6, weekday: true, start: "08:00", end: "10:00", title: "朝テストの採点", desc: descGrading, org: orgWorkShare,
		skills: []string{"grading"}, area: "setagaya", headcount: 2, reward: "2,000円", accept: 2, notDone: 2},
	{day: -3, weekday: true, start: "19:00", end: "22:00", title: "プログラミングスクールのチャットサポート", desc: descChat, org: orgOta,
		skills: []string{"chat_support"}, remote: true, headcount: 1, reward: "1時間 1,500円", accept: 1},

	{day: 2, weekday: true, start: "08:00", end: "10:00", title: "朝テストの採点", desc: descGrading, org: orgWorkShare,
		skills: []string{"grading"}, area: "setagaya", headcount: 2, reward: "2,000円"},
	{day: 3, start: "19:00", end: "21:00", title: "Zoom配信サポート（求職者向けセミナー）", desc: descZoom, org: orgJobCafe,
		skills: []string{"zoom_support"}, remote: true, headcount: 1, reward: "3,000円"},
	{day: 4, weekday: true, start: "10:00", end: "15:00", title: "返礼品の発送", desc: descGifts, org: orgFujisato,
		skills: []string{"packing"}, area: "fujisato", headcount: 2, reward: "1時間 1,000円"},
}

// demoSession is a session of the demo world; yes is how many of the
// invited answer 「参加する」 (past sessions only).
type demoSession struct {
	day        int
	start, end string
	title      string
	desc       string
	url        string
	slackOnly  bool
	yes        int
}

var demoSessions = []demoSession{
	{day: -13, start: "19:30", end: "21:00", title: "放課後企業クラブ オンライン交流会",
		desc: "企業の社員と町の職員・住民が、Zoomでゆるやかにつながる交流会です。自己紹介と、町の「やってみたいこと」を話します。",
		url:  "https://zoom.example/j/4150001", yes: 3},
	{day: 5, start: "19:30", end: "21:00", title: "放課後企業クラブ「ふるさと納税の返礼品を考える」",
		desc: "町の特産品を使った返礼品のアイデアを、企業の皆さんと町の職員で話し合うオンラインセッションです。",
		url:  "https://zoom.example/j/4150002", slackOnly: true},
}
