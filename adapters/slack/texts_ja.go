package slack

// jaSlack is what the Slack endpoints and forms say themselves.
var jaSlack = struct {
	Help, HelpCoordinator, JoinFallback, ProfileSent, ProfileNone, ProfileUnfinished, NotCoordinator, AnnounceEmpty, AnnounceTooLong, Failed string

	AnnounceConfirm, AnnounceSend, AnnounceCancel, Announced, AnnounceCancelled, AnnounceGone string

	Choose, Back, Close, Everyone, Create string

	JoinTitle, JoinSubmit, EditTitle, EditSubmit, JoinIntro, FieldName, NameHint, FieldArea                           string
	FieldSkills, SkillsHint, FieldDays, FieldBands, FieldAvailText, AvailTextHint                                     string
	AvailTextUsed, AvailBoxesUsed, AvailTextUnknown, BandsMissing, FieldLimit, LimitHint, FieldConsent, ConsentOption string
	ConsentHint, JoinedTitle, Joined, EditedTitle, Edited                                                             string
	TaskTitle, SessionTitle, FieldTitle, TitleHint, SessionTitleHint, FieldDescription                                string
	FieldOrg, FieldTaskSkills, TaskSkillsHint, FieldDate, FieldStart, FieldEnd                                        string
	FieldHeadcount, FieldReward, RewardHint, FieldURL, URLHint, FieldAudAreas, FieldAudSkills                         string
	AudienceHint, FieldReminders, TitleMissing, DateMissing, TimeMissing, EndBeforeStart                              string
	StartPast, HeadcountRange, Created, TaskCreated                                                                   string
	SessionCreated, NotCoordinatorView, FormRepeated, FormFailed                                                      string
}{
	Help:              "つなぐの使い方：\n・`/tsunagu join` …登録フォームを開く（登録済みの方は登録内容の変更）\n・`/tsunagu profile` …いまの登録内容をDMでお送りします\n・`/tsunagu help` …この説明\nボットへのDMで、チャットで答えながら登録することもできます。「メニュー」「予定」とDMすると、登録内容や予定を確認できます。アプリの「ホーム」タブにも登録内容とお返事待ちのご案内が出ます。",
	HelpCoordinator:   "コーディネーター向け：\n・`/tsunagu announce <本文>` …登録者全員へのお知らせ（送る前に人数を確認します）\n・`/tsunagu task` …お仕事を作成\n・`/tsunagu session` …集まり（オンライン説明会など）を作成",
	JoinFallback:      "登録フォームを開けなかったため、ボットからDMでご案内します。DMの質問にお答えください。",
	ProfileSent:       "いまの登録内容を、ボットからのDMでお送りしました。変更もそこからできます。",
	ProfileNone:       "まだ登録されていません。`/tsunagu join` で登録フォームが開きます。",
	ProfileUnfinished: "登録がまだ途中です。ボットからのDMの質問にお答えいただくか、`/tsunagu join` のフォームで登録を終えてください。",
	NotCoordinator:    "申し訳ありません。このコマンドはコーディネーターのチャンネルのメンバーの方だけがお使いいただけます。",
	AnnounceEmpty:     "お知らせの本文を続けて書いてください。例：`/tsunagu announce 年末年始のお休みのお知らせ`",
	AnnounceTooLong:   "お知らせは%d文字までです（いま%d文字）。短くしてもう一度お送りください。",
	Failed:            "すみません、うまく処理できませんでした。少し待ってからもう一度お試しください。",

	AnnounceConfirm:   "次のお知らせを *%d人*（LINE %d人・Slack %d人）に送ります。よろしいですか？",
	AnnounceSend:      "%d人に送信する",
	AnnounceCancel:    "やめる",
	Announced:         "%d人へのお知らせを受け付けました（ID: %s）。送り終わると、このチャンネルに結果をお知らせします。",
	AnnounceCancelled: "お知らせの送信をやめました。",
	AnnounceGone:      "このお知らせは送信済みか、確認の期限（1時間）が過ぎています。もう一度 `/tsunagu announce` からお送りください。",

	Choose:   "選んでください",
	Back:     "戻る",
	Close:    "閉じる",
	Everyone: "指定なし（全員）",
	Create:   "作成する",

	JoinTitle:        "つなぐに登録",
	JoinSubmit:       "登録する",
	EditTitle:        "登録内容の変更",
	EditSubmit:       "保存する",
	JoinIntro:        "地域のちょっとしたお仕事や集まりのご案内を、SlackのDMでお届けします。お名前・地域・できること・空き時間は、ご紹介のためだけに使います。DMで「退会」と送るか、ホームタブの「退会」で、いつでもすべて削除できます。",
	FieldName:        "お名前",
	NameHint:         "ニックネームでも大丈夫です（40文字まで）。",
	FieldArea:        "地域",
	FieldSkills:      "できること・得意なこと",
	SkillsHint:       "いくつでも選べます（15個まで）。",
	FieldDays:        "できる曜日",
	FieldBands:       "できる時間帯",
	FieldAvailText:   "空き時間（文字で書く場合）",
	AvailTextHint:    "曜日と時間帯の代わりに書けます（両方あるときは文字を優先します）。例：「月水金 10時〜15時」「平日の夜」",
	AvailTextUsed:    "空き時間は、文字でお書きの内容（%s）で登録しました。チェックと両方あるときは文字を優先します。",
	AvailBoxesUsed:   "空き時間は、文字の内容が読み取れなかったため、チェックの内容（%s）で登録しました。",
	AvailTextUnknown: "曜日や時間がわかりませんでした。「月水金 10時〜15時」のように書いてください。",
	BandsMissing:     "時間帯を1つ以上選んでください。",
	FieldLimit:       "1週間に受けられる件数",
	LimitHint:        "1〜20件",
	FieldConsent:     "同意",
	ConsentOption:    "ご紹介のために情報を預けることに同意します",
	ConsentHint:      "同意いただかないと登録できません。",
	JoinedTitle:      "登録しました",
	Joined:           "ご登録ありがとうございます！合うお仕事があれば、DMでご案内します。登録内容はアプリの「ホーム」タブでいつでも確認・変更できます。",
	EditedTitle:      "保存しました",
	Edited:           "登録内容を変更しました。",

	TaskTitle:        "お仕事を作成",
	SessionTitle:     "集まりを作成",
	FieldTitle:       "タイトル",
	TitleHint:        "例：小学校のテスト採点（60文字まで）",
	SessionTitleHint: "例：オンライン説明会（60文字まで）",
	FieldDescription: "内容",
	FieldOrg:         "依頼元",
	FieldTaskSkills:  "必要なこと",
	TaskSkillsHint:   "どれか1つできる方にご案内します。空欄なら、地域と時間が合う方全員が対象です。",
	FieldDate:        "日付",
	FieldStart:       "開始",
	FieldEnd:         "終了",
	FieldHeadcount:   "人数",
	FieldReward:      "謝礼",
	RewardHint:       "例：時給1,100円、交通費支給",
	FieldURL:         "参加URL",
	URLHint:          "オンラインの場合のURL（https://…）",
	FieldAudAreas:    "ご案内する地域",
	FieldAudSkills:   "ご案内するスキル",
	AudienceHint:     "空欄なら登録中の全員にご案内します。",
	FieldReminders:   "リマインド",
	TitleMissing:     "タイトルを入れてください。",
	DateMissing:      "日付を選んでください。",
	TimeMissing:      "時刻を選んでください。",
	EndBeforeStart:   "終了は開始より後にしてください。",
	StartPast:        "開始がもう過ぎています。",
	HeadcountRange:   "人数は1〜%d人にしてください。",

	Created:            "作成しました",
	TaskCreated:        "お仕事「%s」（%s、%d人）を作成しました。条件の合う方へ順にご案内します。埋まったとき・キャンセルが出たとき・前日になっても足りないときは、このチャンネルにお知らせします。\nID: `%s`",
	SessionCreated:     "集まり「%s」（%s）を作成しました。%d人にご案内をお送りします。\nID: `%s`",
	FormRepeated:       "この内容はすでに受け付けています。",
	FormFailed:         "すみません、保存できませんでした。入力はそのままです。少し待ってからもう一度「作成する」「登録する」を押してください。",
	NotCoordinatorView: "コーディネーターのチャンネルのメンバーの方だけが作成できます。",
}
