package matching

// The Japanese phrases of 「なぜ私に？」. Short, and never about what a person
// lacks: a reason is always something in their favour.
var ja = struct {
	CanDo, ActiveIn, Remote, Free, FewOffers, Completed string
}{
	CanDo:     "%sができる",         // skill label: 「採点ができる」
	ActiveIn:  "%sで活動",          // area label: 「世田谷区で活動」
	Remote:    "オンラインで参加できる",    // remote task
	Free:      "%s が空いている",      // task window: 「月曜 8:00〜10:00 が空いている」
	FewOffers: "最近のご案内が少ない",     // fairness lifted them
	Completed: "これまでにお仕事の実績がある", // completed tasks, few cancellations
}
