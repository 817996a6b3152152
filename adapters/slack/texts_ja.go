package slack

// jaSlack is what the Slack endpoints say themselves.
var jaSlack = struct {
	Help, HelpCoordinator, JoinStarted, NotCoordinator, UseAPI, AnnounceEmpty, Announced, Failed string
}{
	Help:            "つなぐの使い方：\n・`/tsunagu join` …登録をはじめる（DMでご案内します）\n・`/tsunagu help` …この説明\nボットへのDMで「メニュー」「予定」なども使えます。",
	HelpCoordinator: "コーディネーター向け：\n・`/tsunagu announce <本文>` …全員へのお知らせ\n・`/tsunagu task`・`/tsunagu session` …お仕事・集まりの作成（いまはREST APIから）",
	JoinStarted:     "DMでご案内をお送りしました。ボットとのDMをご覧ください。",
	NotCoordinator:  "申し訳ありません。このコマンドはコーディネーターのチャンネルのメンバーの方だけがお使いいただけます。",
	UseAPI:          "お仕事・集まりの作成は、いまはREST API（/api/tasks・/api/sessions）からお願いします。",
	AnnounceEmpty:   "お知らせの本文を続けて書いてください。例：`/tsunagu announce 年末年始のお休みのお知らせ`",
	Announced:       "%d人へのお知らせを受け付けました（ID: %s）。進み具合は /api/broadcasts/<ID> で確認できます。",
	Failed:          "すみません、うまく処理できませんでした。少し待ってからもう一度お試しください。",
}
