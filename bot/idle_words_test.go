package bot

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestWhatSeniorsWriteBetweenOffers: sentences a senior walking the bot
// wrote, each of which was not understood (or worse), read as meant:
// hiragana forms, plain forms, thanks with an offer waiting, asking for
// the last thing again, saying they do not follow, changing the limit or
// a skill in a sentence, and stopping.
func TestWhatSeniorsWriteBetweenOffers(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	held := c.ref("A9", "物置の修理", c.at(12, 1, 9, 0), 2, OfferAccepted) // tomorrow
	tests := []struct {
		conv   Conversation
		status Status
		text   string
		// answer is the answer made (op:task); cancelAsked the place asked
		// about; status the person's after; step the step after.
		answer, cancelAsked string
		after               Status
		step                Step
		said                string
		check               func(t *testing.T, r Result)
	}{
		{conv: offers(c.t1()), text: "ひきうける", answer: "accept:T1"},
		{conv: offers(c.t1()), text: "うけます", answer: "accept:T1"},
		{conv: offers(held), text: "あした いけなくなった", cancelAsked: "A9"},
		{conv: offers(held), text: "1日のしゅうり いけなくなりました", cancelAsked: "A9"},
		{conv: offers(), text: "やすみたい", after: StatusPaused},
		{conv: offers(), status: StatusPaused, text: "かえってきたので またおねがいします", after: StatusActive},
		{conv: offers(), text: "わたしの予定をおしえてください", said: ja.Task.ScheduleNone},
		{conv: offers(held), text: "明日は何時でしたかね", said: "物置の修理"},
		{conv: offers(held), text: "わたしが申し込んだお仕事はなんでしたっけ", said: "物置の修理"},
		{conv: offers(), text: "もう としだから やめます", step: StepDeleteConfirm},
		{conv: offers(), text: "いろいろありがとうございました もうやめたいと思います", step: StepDeleteConfirm},
		{conv: offers(c.t1()), text: "ありがとうございます", said: ja.GreetingPending},
		{conv: offers(c.t1()), text: "もう一度", said: "テストの採点"},
		{conv: offers(c.t1()), text: "なんて？もういっかい", said: "テストの採点"},
		{conv: offers(), text: "わからない", said: "つなぐの使い方"},
		{conv: offers(), text: "これは何ですか", said: "つなぐの使い方"},
		{conv: offers(), text: "週に1件までにしてください", check: func(t *testing.T, r Result) {
			if r.Profile.WeeklyLimit != 1 {
				t.Errorf("weekly limit %d, want 1", r.Profile.WeeklyLimit)
			}
		}},
		{conv: offers(), text: "採点をできることから外してください", check: func(t *testing.T, r Result) {
			if slices.Contains(r.Profile.Skills, "grading") || !slices.Contains(r.Profile.Skills, "pc_input") {
				t.Errorf("skills %v, want grading taken off only", r.Profile.Skills)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			status := tc.status
			if status == "" {
				status = StatusActive
			}
			r := Converse(cat, c.now, offerPerson(status), tc.conv, textIn(tc.text))
			got := ""
			if r.Answer != nil {
				got = string(r.Answer.Op) + ":" + r.Answer.TaskID
			}
			if got != tc.answer {
				t.Errorf("answer %q, want %q (said %q)", got, tc.answer, said(r))
			}
			if tc.cancelAsked != "" && (r.Conv.Step != StepCancelTask || r.Conv.CancelTask != tc.cancelAsked) {
				t.Errorf("step %q cancel %q, want asked to cancel %s (said %q)", r.Conv.Step, r.Conv.CancelTask, tc.cancelAsked, said(r))
			}
			if tc.after != "" && r.Profile.Status != tc.after {
				t.Errorf("status %q, want %q (said %q)", r.Profile.Status, tc.after, said(r))
			}
			if tc.step != "" && r.Conv.Step != tc.step {
				t.Errorf("step %q, want %q (said %q)", r.Conv.Step, tc.step, said(r))
			}
			if tc.said != "" && !strings.Contains(said(r), tc.said) {
				t.Errorf("said %q, want %q in it", said(r), tc.said)
			}
			if strings.Contains(said(r), ja.NotUnderstood) {
				t.Errorf("said it did not understand: %q", said(r))
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

// TestAChangeRequestHoldingItsValue: a request to change the area, the
// week or the limit that says the new value is applied at once, not asked
// again; one that does not still asks.
func TestAChangeRequestHoldingItsValue(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	tests := []struct {
		text  string
		check func(r Result) bool
		step  Step
	}{
		{"娘のところに引っ越しまして、これからは調布市になります", func(r Result) bool { return r.Profile.Area == "chofu" }, StepIdle},
		{"空き時間を変えたいです水曜日以外の平日の午後一時から四時まで",
			func(r Result) bool { return r.Profile.Availability.Japanese() == "月・火・木・金 13:00〜16:00" }, StepIdle},
		{"週の回数を3回に変更したいです", func(r Result) bool { return r.Profile.WeeklyLimit == 3 }, StepIdle},
		{"地域を変えたい", func(r Result) bool { return r.Profile.Area == "setagaya" }, StepArea},
	}
	for _, tc := range tests {
		r := Converse(cat, c.now, offerPerson(StatusActive), offers(), textIn(tc.text))
		if !tc.check(r) || r.Conv.Step != tc.step {
			t.Errorf("%q: area %s, week %s, limit %d, step %q (said %q)", tc.text, r.Profile.Area,
				r.Profile.Availability.Japanese(), r.Profile.WeeklyLimit, r.Conv.Step, said(r))
		}
	}
}

// TestAnOfferAnsweredMidEdit: an offer that came while the person was
// changing their skills is answered by 「はい」 (it was read as an answer
// to the skills question, over and over); a skill named still goes to
// the skills.
func TestAnOfferAnsweredMidEdit(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	editing := func() Conversation {
		conv := offers(c.t1())
		conv.Step, conv.Editing, conv.PrevSkills = StepSkills, true, []string{"grading", "pc_input"}
		return conv
	}
	for _, text := range []string{"はい", "だいこん ほるの やります"} {
		r := Converse(cat, c.now, offerPerson(StatusActive), editing(), textIn(text))
		if r.Answer == nil || r.Answer.Op != OpAccept || r.Answer.TaskID != "T1" || r.Conv.Editing || r.Conv.Step != StepIdle {
			t.Errorf("%q mid-edit: answer %+v, step %q, editing %v (said %q)", text, r.Answer, r.Conv.Step, r.Conv.Editing, said(r))
		}
	}
	r := Converse(cat, c.now, offerPerson(StatusActive), editing(), textIn("保育補助もできます"))
	if r.Answer != nil || !r.Conv.Editing {
		t.Errorf("a skill named mid-edit: answer %+v, editing %v (said %q)", r.Answer, r.Conv.Editing, said(r))
	}
}

// TestTakingAGivenUpPlaceBack: after giving a place up, 「やっぱり明日行け
// ることになりました」 shows its card to take it back (it was told nothing
// was waiting); a task the coordinators called off is said to be.
func TestTakingAGivenUpPlaceBack(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	given := c.ref("A9", "物置の修理", c.at(12, 1, 9, 0), 2, OfferCancelled) // tomorrow
	r := Converse(cat, c.now, offerPerson(StatusActive), offers(given), textIn("やっぱり明日行けることになりました、さっきのはとりけしてください"))
	if !strings.Contains(said(r), "「物置の修理」は、キャンセルで承りました") || r.Answer != nil {
		t.Errorf("said %q (answer %+v), want the card to take it back", said(r), r.Answer)
	}
	calledOff := given
	calledOff.CalledOff = true
	r = Converse(cat, c.now, offerPerson(StatusActive), offers(calledOff), textIn("やっぱり明日行けます"))
	if !strings.Contains(said(r), "中止になりました") {
		t.Errorf("said %q, want the task called off", said(r))
	}
}

// TestNamingWhichPlaceAfterAMiss: after 「どのお仕事をキャンセルしますか」
// one answer that names nothing keeps the question (it showed the menu,
// and 「10日のほうです」 next was not understood); a day said in words
// (とおか) names it.
func TestNamingWhichPlaceAfterAMiss(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	tenth := c.ref("A10", "受付", c.at(12, 10, 9, 0), 2, OfferAccepted)
	r := Converse(cat, c.now, offerPerson(StatusActive), offers(c.a1(), tenth), textIn("キャンセルしたいです"))
	r = Converse(cat, c.now, r.Profile, r.Conv, textIn("あのほら、あれです"))
	if !strings.Contains(said(r), ja.Task.WhichCancelAgain) {
		t.Fatalf("after a miss: said %q, want the question kept", said(r))
	}
	r = Converse(cat, c.now, r.Profile, r.Conv, textIn("10日のほうです"))
	if r.Conv.Step != StepCancelTask || r.Conv.CancelTask != "A10" {
		t.Errorf("naming it after a miss: step %q cancel %q (said %q)", r.Conv.Step, r.Conv.CancelTask, said(r))
	}
	r = Converse(cat, c.now, offerPerson(StatusActive), offers(c.a1(), tenth), textIn("キャンセルしたいです"))
	r = Converse(cat, c.now, r.Profile, r.Conv, textIn("じゅうにがつとおかのほう"))
	if r.Conv.CancelTask != "A10" {
		t.Errorf("とおか: cancel %q (said %q)", r.Conv.CancelTask, said(r))
	}
}

// TestBlockingWithPlacesHeldTellsTheCoordinators: someone who blocks the
// bot while holding places can no longer be reminded: the coordinators are
// told which places, so they reach them another way. Without places
// nobody is told.
func TestBlockingWithPlacesHeldTellsTheCoordinators(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	unfollow := Inbound{ID: "ev1", Kind: EventUnfollow, ProfileID: "line:U0042"}
	r := Converse(cat, c.now, offerPerson(StatusActive), offers(c.a1(), c.t1()), unfollow)
	if r.Profile.Status != StatusBlocked || len(r.Notices) != 1 || !strings.Contains(r.Notices[0], "子ども食堂の保育補助") ||
		strings.Contains(r.Notices[0], "テストの採点") || !strings.Contains(r.Notices[0], "山田 花子") {
		t.Errorf("status %q, notices %q", r.Profile.Status, r.Notices)
	}
	if r := Converse(cat, c.now, offerPerson(StatusActive), offers(c.t1()), unfollow); len(r.Notices) != 0 {
		t.Errorf("notices without places held: %q", r.Notices)
	}
}

// TestAnOldButtonOfSomeoneGone: after a deletion, a second 「退会する」 or
// an old offer's 「引き受ける」 makes no new profile (each restarted the
// registration, storing someone who had just left); a message, a menu
// button or the Home's 登録する start anew.
func TestAnOldButtonOfSomeoneGone(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	for _, data := range []string{"delete:yes", "offer:accept:T1", "session:yes:S1", "consent:yes"} {
		r := Converse(cat, c.now, nil, Conversation{}, tapIn(data))
		if r.Profile != nil || !strings.Contains(said(r), ja.ButtonOfNoOne) {
			t.Errorf("%s from no one: profile %+v, said %q", data, r.Profile, said(r))
		}
	}
	for _, in := range []Inbound{tapIn("cmd:menu"), tapIn(HomeJoin), textIn("こんにちは")} {
		if r := Converse(cat, c.now, nil, Conversation{}, in); r.Profile == nil || r.Profile.Status != StatusOnboarding {
			t.Errorf("%+v from no one: profile %+v, want registration begun", in, r.Profile)
		}
	}
}

// TestAnAcknowledgementTakesNothing: 「OK」「了解です🙆‍♂️」 answer an
// announcement as often as an offer: with an offer or an invitation
// waiting they are asked about, never taken as a yes (each took a job or
// a seat the person was not asked about just then).
func TestAnAcknowledgementTakesNothing(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	for _, text := range []string{"OK", "了解です🙆‍♂️", "承知しました", "わかりました！"} {
		r := Converse(cat, c.now, offerPerson(StatusActive), offers(c.t1()), textIn(text))
		if r.Answer != nil || !strings.Contains(said(r), "テストの採点") {
			t.Errorf("%q with an offer waiting: answer %+v, said %q", text, r.Answer, said(r))
		}
		conv := Conversation{Sessions: []SessionRef{c.s1()}}
		r = Converse(cat, c.now, offerPerson(StatusActive), conv, textIn(text))
		if r.RSVP != nil || !strings.Contains(said(r), "オンライン交流会") {
			t.Errorf("%q with an invitation waiting: rsvp %+v, said %q", text, r.RSVP, said(r))
		}
	}
	if r := Converse(cat, c.now, offerPerson(StatusActive), offers(c.t1()), textIn("了解です、引き受けます")); r.Answer == nil || r.Answer.Op != OpAccept {
		t.Errorf("an acknowledgement with a yes: answer %+v", r.Answer)
	}
}

// TestOffersWhileTalkingToACoordinator: with a coordinator on the line, an
// explicit decline declines the one offer (it was forwarded, with the card
// again, five times); the person can end the talk; an ambiguous yes still
// goes to the coordinator, without the card again.
func TestOffersWhileTalkingToACoordinator(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	talking := func() Conversation {
		conv := offers(c.t1())
		conv.Talk = &Talk{Open: true, OpenedAt: c.now.Add(-time.Hour)}
		return conv
	}
	r := Converse(cat, c.now, offerPerson(StatusActive), talking(), textIn("今回は見送ります"))
	if r.Answer == nil || r.Answer.Op != OpDecline || r.Answer.TaskID != "T1" {
		t.Errorf("a decline while talking: answer %+v (said %q)", r.Answer, said(r))
	}
	r = Converse(cat, c.now, offerPerson(StatusActive), talking(), textIn("もう大丈夫です、相談は終わりです"))
	if r.Conv.Talk == nil || r.Conv.Talk.Open || len(r.Notices) != 1 || !strings.Contains(r.Notices[0], "ご相談終了") {
		t.Errorf("ending the talk: talk %+v, notices %q", r.Conv.Talk, r.Notices)
	}
	r = Converse(cat, c.now, offerPerson(StatusActive), talking(), textIn("はい"))
	for _, m := range r.Messages {
		if m.Card != nil {
			t.Errorf("the offer card sent again with a forwarded answer: %+v", m.Card)
		}
	}
	if r.Answer != nil || !strings.Contains(said(r), ja.Task.AnswerOnTheCard) {
		t.Errorf("a yes while talking: answer %+v, said %q", r.Answer, said(r))
	}
}

// TestCancellingAsSeniorsConfirmIt: at 「…をキャンセルしますか？」 the
// button's label typed, a yes with キャンセル in it, or the reason said
// again cancel (each kept the place: a likely no-show); a negated one
// keeps it. Taking a cancellation back is never a withdrawal (「さっきの
// キャンセルは取り消してください」 led to deleting everything).
func TestCancellingAsSeniorsConfirmIt(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	asking := func() Conversation {
		conv := offers(c.a1())
		conv.Step, conv.CancelTask = StepCancelTask, "A1"
		return conv
	}
	for _, tc := range []struct {
		text   string
		cancel bool
	}{
		{"キャンセルする", true},
		{"はい、キャンセルでお願いします", true},
		{"すみません、孫の熱で明日は行けなくなりました", true},
		{"キャンセルしないです", false},
		{"やっぱり行けます", false},
		// Put off, or only acknowledged: nothing is cancelled (both
		// cancelled her only job).
		{"まだわからないので、はっきりしたらまた連絡します", false},
		{"わかりました", false},
		{"了解です", false},
		{"はい、わかりました", false},
		{"まちがい", false},
		{"まちがいです、行けます", false},
	} {
		r := Converse(cat, c.now, offerPerson(StatusActive), asking(), textIn(tc.text))
		if got := r.Answer != nil && r.Answer.Op == OpCancel; got != tc.cancel {
			t.Errorf("%q: cancelled %v, want %v (said %q)", tc.text, got, tc.cancel, said(r))
		}
	}
	given := c.ref("A9", "物置の修理", c.at(12, 1, 9, 0), 2, OfferCancelled)
	r := Converse(cat, c.now, offerPerson(StatusActive), offers(given), textIn("すみませんやっぱり1日行けますさっきのキャンセルは取り消してください"))
	if r.Conv.Step == StepDeleteConfirm || r.Delete {
		t.Fatalf("taking a cancellation back asked about withdrawing (said %q)", said(r))
	}
	if !strings.Contains(said(r), "物置の修理") {
		t.Errorf("said %q, want the place to take back", said(r))
	}
	// With another offer waiting, 「やっぱり行けます」 naming nothing is
	// about the place just given up, not the offer.
	r = Converse(cat, c.now, offerPerson(StatusActive), offers(given, c.t2()), textIn("やっぱり行けます"))
	if r.Answer != nil || !strings.Contains(said(r), "「物置の修理」は、キャンセルで承りました") {
		t.Errorf("やっぱり行けます with an offer waiting: answer %+v, said %q", r.Answer, said(r))
	}
}

// TestAQuestionWhileTalkingGoesToTheCoordinator: with a coordinator on
// the line, 「学童の29日はお休みになるんでしょうか」 is forwarded (it became
// a question about cancelling), and a coordinator's message ends a
// cancel question left open, so her 「はい、わかりました」 answers the
// coordinator and cancels nothing.
func TestAQuestionWhileTalkingGoesToTheCoordinator(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	conv := offers(c.a1())
	conv.Talk = &Talk{Open: true, OpenedAt: c.now.Add(-time.Hour)}
	r := Converse(cat, c.now, offerPerson(StatusActive), conv, textIn("2日の保育補助はお休みになるんでしょうか"))
	if r.Conv.Step == StepCancelTask || len(r.Notices) != 1 || !strings.Contains(said(r), ja.HandoffForwarded) {
		t.Fatalf("a question while talking: step %q, notices %q, said %q", r.Conv.Step, r.Notices, said(r))
	}
	if want := "【ご相談】山田 花子さん（line:U0042）："; !strings.HasPrefix(r.Notices[0], want) {
		t.Errorf("notice %q, want it to start %q (it read 「さん（…） さん」)", r.Notices[0], want)
	}
	conv.Step, conv.CancelTask = StepCancelTask, "A1"
	msg := Inbound{ID: "ev2", Kind: EventCoordinatorMessage, ProfileID: "line:U0042", Text: "2日は予定どおりお願いできますか？"}
	r = Converse(cat, c.now, offerPerson(StatusActive), conv, msg)
	r = Converse(cat, c.now, r.Profile, r.Conv, textIn("はい、わかりました"))
	if r.Answer != nil {
		t.Errorf("her yes to the coordinator cancelled: %+v (said %q)", r.Answer, said(r))
	}
}

// TestOldButtonsOfACalledOffTask: 「行けます」 or 「引き受ける」 on an old
// card of a task the coordinators called off says it is off and asks
// nothing of the store (it came back into her schedule, confirmed); the
// 「行けます」 of a place she gave up says so.
func TestOldButtonsOfACalledOffTask(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	off := c.a1()
	off.State, off.CalledOff = OfferCancelled, true
	for _, data := range []string{"task:going:A1", "offer:accept:A1", "task:cancelyes:A1"} {
		r := Converse(cat, c.now, offerPerson(StatusActive), offers(off), tapIn(data))
		if r.Answer != nil || !strings.Contains(said(r), "中止になりました") {
			t.Errorf("%s on a task called off: answer %+v, said %q", data, r.Answer, said(r))
		}
	}
	given := c.a1()
	given.State = OfferCancelled
	if r := Converse(cat, c.now, offerPerson(StatusActive), offers(given), tapIn("task:going:A1")); r.Answer != nil {
		t.Errorf("行けます on a place given up: answer %+v", r.Answer)
	}
	if r := Converse(cat, c.now, offerPerson(StatusActive), offers(given), tapIn("offer:accept:A1")); r.Answer == nil || r.Answer.Op != OpAccept {
		t.Errorf("引き受ける on a place given up: answer %+v", r.Answer)
	}
}

// TestASeriesAnsweredDateByDate: dates of a weekly series named in a yes
// are the ones taken (「29日以外なら行けます」 took the 29th alone;
// 「15日と22日に行けます」 took every date).
func TestASeriesAnsweredDateByDate(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	var series []OfferRef
	for i, day := range []int{8, 15, 22, 29} {
		r := c.ref(fmt.Sprintf("S%d", i), "学童の宿題見守り", c.at(12, day, 9, 30), 2, OfferOffered)
		r.SeriesID = "series-1"
		series = append(series, r)
	}
	accepted := func(r Result) []string {
		if r.Answer == nil || r.Answer.Op != OpAccept {
			return nil
		}
		if len(r.Answer.Series) > 0 {
			return r.Answer.Series
		}
		return []string{r.Answer.TaskID}
	}
	if got := accepted(Converse(cat, c.now, offerPerson(StatusActive), offers(series...), textIn("15日と22日に行けます"))); !slices.Equal(got, []string{"S1", "S2"}) {
		t.Errorf("15日と22日: took %v", got)
	}
	r := Converse(cat, c.now, offerPerson(StatusActive), offers(series...), textIn("29日以外なら行けます"))
	if got := accepted(r); got != nil && !slices.Equal(got, []string{"S0", "S1", "S2"}) {
		t.Errorf("29日以外: took %v", got)
	}
	if got := accepted(r); got == nil && (strings.Contains(said(r), "12/29") || !strings.Contains(said(r), "12/8")) {
		t.Errorf("29日以外, asked: %q", said(r))
	}
}

// TestTheNewerQuestionIsAnswered: with the question after an earlier task
// answered and tomorrow's day-before question open, 「行けますけど10分くら
// い遅れるかもしれません」 is about tomorrow (it recorded the earlier task,
// which she could not do, as done in 0.25 hours); a question back
// records nothing.
func TestTheNewerQuestionIsAnswered(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	done := c.ref("P1", "花壇の水やり", c.now.Add(-5*time.Hour), 2, OfferAccepted)
	done.Asked, done.Result = true, &TaskResult{Status: NotCompleted}
	tomorrow := c.ref("A1", "子ども食堂の保育補助", c.now.Add(24*time.Hour), 3, OfferAccepted)
	tomorrow.Confirm = ConfirmAsked
	r := Converse(cat, c.now, offerPerson(StatusActive), offers(done, tomorrow), textIn("行けますけど10分くらい遅れるかもしれません"))
	if r.Answer != nil && r.Answer.TaskID == "P1" {
		t.Errorf("the earlier task's outcome was changed: %+v", r.Answer)
	}
	open := c.ref("P2", "物置の修理", c.now.Add(-5*time.Hour), 2, OfferAccepted)
	open.Asked = true
	if r := Converse(cat, c.now, offerPerson(StatusActive), offers(open), textIn("終わったかって？まだ始めてないよ")); r.Answer != nil {
		t.Errorf("a question back recorded %+v", r.Answer)
	}
}

// TestAHesitationThatQualifiesIsNoNo: 「ちょっと」 before what it
// qualifies is not 「その日はちょっと…」. 「行けますけどちょっと遅れます」
// cancelled her place at once, and 「はい終わりました、ちょっと早めに終わり
// ました」 recorded the task as not done.
func TestAHesitationThatQualifiesIsNoNo(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	for _, tc := range []struct {
		say  string
		done bool // the question after the task, or else the day before
		want AnswerRequest
	}{
		{"行けますけどちょっと遅れます", false, AnswerRequest{TaskID: "A1", Op: OpConfirm}},
		{"ちょっと遅れます", false, AnswerRequest{TaskID: "A1", Op: OpConfirm}},
		{"はい、ちょっと遅れます", false, AnswerRequest{TaskID: "A1", Op: OpConfirm}},
		{"遅れるので行けません", false, AnswerRequest{TaskID: "A1", Op: OpCancel}},
		{"その日はちょっと…", false, AnswerRequest{TaskID: "A1", Op: OpCancel}},
		// Two hours is the task's own length, taken when none is said.
		{"はい終わりました、ちょっと早めに終わりました", true, AnswerRequest{TaskID: "P1", Op: OpComplete, Result: TaskResult{Status: Completed, Hours: 2}}},
		{"母は無事終わったと言っています。三時間ちょっとだったそうです", true, AnswerRequest{TaskID: "P1", Op: OpComplete, Result: TaskResult{Status: Completed, Hours: 3}}},
		{"ちょっと…できませんでした", true, AnswerRequest{TaskID: "P1", Op: OpComplete, Result: TaskResult{Status: NotCompleted}}},
	} {
		t.Run(tc.say, func(t *testing.T) {
			ref := c.ref("A1", "漢字テストの採点", c.now.Add(24*time.Hour), 3, OfferAccepted)
			ref.Confirm = ConfirmAsked
			if tc.done {
				ref = c.ref("P1", "漢字テストの採点", c.now.Add(-5*time.Hour), 2, OfferAccepted)
				ref.Asked = true
			}
			r := Converse(cat, c.now, offerPerson(StatusActive), offers(ref), textIn(tc.say))
			if r.Answer == nil || r.Answer.TaskID != tc.want.TaskID || r.Answer.Op != tc.want.Op ||
				r.Answer.Result.Status != tc.want.Result.Status || r.Answer.Result.Hours != tc.want.Result.Hours {
				t.Errorf("answer %+v, want %+v (said %q)", r.Answer, tc.want, said(r))
			}
		})
	}
}

// TestAPauseInsteadOfWithdrawing: 「退会はやめて、休止にしてください」 said
// on its own pauses (it showed the withdrawal card).
func TestAPauseInsteadOfWithdrawing(t *testing.T) {
	c := newOfferClock(t)
	r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), offers(), textIn("退会はやめて、休止にしてください"))
	if r.Profile.Status != StatusPaused || r.Conv.Step == StepDeleteConfirm {
		t.Errorf("status %q, step %q (said %q)", r.Profile.Status, r.Conv.Step, said(r))
	}
}

// TestAQuestionAgainIsAskedAgain: 「え？なんですか？」 after the
// day-before question asks it again, and 「引き受けてもいいですか？」 to an
// offer gets its buttons (each got 「よくわかりませんでした」 and the menu).
func TestAQuestionAgainIsAskedAgain(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	tomorrow := c.ref("A1", "子ども食堂の保育補助", c.now.Add(24*time.Hour), 3, OfferAccepted)
	tomorrow.Confirm = ConfirmAsked
	r := Converse(cat, c.now, offerPerson(StatusActive), offers(tomorrow), textIn("え？なんですか？"))
	if len(r.Messages) == 0 || r.Messages[0].Card == nil || !hasButton(r, "task:going:A1") {
		t.Errorf("え？なんですか？: said %q, want the day-before question again", said(r))
	}
	r = Converse(cat, c.now, offerPerson(StatusActive), offers(c.t1()), textIn("引き受けてもいいですか？"))
	if r.Answer != nil || !hasButton(r, "offer:accept:T1") {
		t.Errorf("引き受けてもいいですか: answer %+v, said %q", r.Answer, said(r))
	}
}

// TestPausingLeavesTheWaitlists: someone who pauses leaves the waitlists
// they are on, told so (a paused person was promoted and asked the day
// before whether she came); places taken stay.
func TestPausingLeavesTheWaitlists(t *testing.T) {
	c := newOfferClock(t)
	w1 := c.ref("W1", "物置の修理", c.at(12, 4, 9, 0), 2, OfferWaitlisted)
	w2 := c.ref("W2", "草むしり", c.at(12, 6, 9, 0), 2, OfferWaitlisted)
	r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), offers(c.a1(), w1, w2), textIn("休止"))
	if r.Profile.Status != StatusPaused || r.Answer == nil || r.Answer.Op != OpCancel || !r.Answer.Silent ||
		!slices.Equal(r.Answer.Series, []string{"W1", "W2"}) {
		t.Fatalf("status %q, answer %+v", r.Profile.Status, r.Answer)
	}
	if !strings.Contains(said(r), "キャンセル待ちのお申し込み（2件）は取り下げました") || !strings.Contains(said(r), ja.Task.PausedKeepsJobs) {
		t.Errorf("said %q", said(r))
	}
}
