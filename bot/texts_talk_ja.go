package bot

// Japanese texts of sentences understood, questions not understood, and
// conversations with the coordinators.
var (
	// missTexts ask a question again after an answer it did not understand.
	missTexts = map[Step]string{
		StepName:         ja.NameInvalid,
		StepArea:         ja.AreaUnknown,
		StepSkills:       "すみません、できることがわかりませんでした。「採点」「パソコン入力」のように送るか、下のボタンから選んでください。",
		StepAvailability: ja.AvailabilityUnknown,
		StepLimit:        ja.LimitInvalid,
	}
	// stuckTexts say what a question expects, with an example, after the
	// second answer in a row it did not understand.
	stuckTexts = map[Step]string{
		StepConsent:       "うまく読み取れず、すみません。下の「同意する」か「同意しない」を押してください。わからないことは担当者にご相談いただけます。",
		StepName:          "うまく読み取れず、すみません。お名前だけを送ってください。（例：「山田花子」）\nわからないことは担当者にご相談いただけます。",
		StepArea:          "うまく読み取れず、すみません。下のボタンから地域を選ぶか、「世田谷」のように地域の名前だけを送ってください。\nわからないことは担当者にご相談いただけます。",
		StepSkills:        "うまく読み取れず、すみません。できることを「採点、パソコン入力」のように送るか、ボタンから選んでください。終わったら「以上です」と送ってください。\nわからないことは担当者にご相談いただけます。",
		StepAvailability:  "うまく読み取れず、すみません。曜日と時間を「平日の午前」「月水金 10時〜15時」のように送るか、ボタンから選んでください。\nわからないことは担当者にご相談いただけます。",
		StepLimit:         "うまく読み取れず、すみません。1週間に受けられるお仕事の数を「2件」のように数字で送ってください。\nわからないことは担当者にご相談いただけます。",
		StepConfirm:       "うまく読み取れず、すみません。この内容でよろしければ「登録する」、直すときは「修正する」を押してください。\nわからないことは担当者にご相談いただけます。",
		StepDeleteConfirm: "うまく読み取れず、すみません。削除するときは「退会する」、続けるときは「退会しない」を押してください。\nわからないことは担当者にご相談いただけます。",
		StepEditField:     "うまく読み取れず、すみません。下のボタンから、変えたいところを選んでください。変えないときは「やめる」と送ってください。\nわからないことは担当者にご相談いただけます。",
	}
)
