package bot

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestIdleTextNamesWhatItIsAbout: what a senior types between
// conversations is about the offer, the place, the gathering or the
// coordinator it names or answers, and a maybe takes nothing. Every case
// is a sentence a walk-through found applied to the wrong thing.
func TestIdleTextNamesWhatItIsAbout(t *testing.T) {
	c := newOfferClock(t)
	s1, s2 := c.s1(), c.s2() // Thursday evening, Saturday afternoon
	talk := func(last string) *Talk {
		return &Talk{Open: true, OpenedAt: c.now.Add(-time.Hour), Messages: []TalkMessage{
			{From: TalkFromPerson, Text: "相談したいです", At: c.now.Add(-time.Hour)},
			{From: TalkFromBot, Text: ja.HandoffOpened, At: c.now.Add(-time.Hour)},
			{From: last, Text: "月曜は9時半に来られますか？", At: c.now.Add(-time.Minute)},
		}}
	}
	withTalk := func(conv Conversation, last string) Conversation {
		conv.Talk = talk(last)
		return conv
	}
	both := func(o []OfferRef, s ...SessionRef) Conversation { return Conversation{Offers: o, Sessions: s} }
	asking := func(conv Conversation, id string) Conversation {
		conv.Asked = id
		return conv
	}
	other := SessionRef{SessionID: "S3", Title: "シニアの交流会", Start: c.at(12, 4, 14, 0), End: c.at(12, 4, 15, 0)}
	phone := SessionRef{SessionID: "S4", Title: "スマホ教室", Start: c.at(12, 4, 10, 0), End: c.at(12, 4, 11, 0)}
	a3 := c.ref("A3", "会報の封入", c.at(12, 12, 10, 0), 2, OfferAccepted)
	cancelA3 := fmt.Sprintf(ja.Task.CancelAsk, "会報の封入", "12月12日(土) 10:00〜12:00")
	cancelling := func(id string) Conversation {
		conv := offers(c.a1(), c.a2())
		conv.Step, conv.CancelTask = StepCancelTask, id
		return conv
	}
	missedOnce := func(conv Conversation) Conversation {
		conv.Misses, conv.MissStep = 1, StepCancelTask
		return conv
	}
	confirmT1 := fmt.Sprintf(ja.Task.ConfirmAccept, "テストの採点", "12月1日(火) 8:00〜10:00")
	cancelA2 := fmt.Sprintf(ja.Task.CancelAsk, "Zoom配信のお手伝い", "12月5日(土) 14:00〜16:00")
	tests := []struct {
		name       string
		conv       Conversation
		text       string
		wantAnswer *AnswerRequest
		wantRSVP   *RSVPRequest
		wantText   string // in the replies
		wantNotice bool
	}{
		// A maybe takes no job: the card is shown to answer.
		{name: "行けたら行きます", conv: offers(c.t1()), text: "行けたら行きます", wantText: confirmT1},
		{name: "たぶん大丈夫だと思います", conv: offers(c.t1()), text: "１日はたぶん大丈夫だと思います", wantText: confirmT1},
		{name: "都合がつけば", conv: offers(c.t1()), text: "都合がつけば行きます", wantText: confirmT1},
		{name: "できたらやります", conv: offers(c.t1()), text: "できたらやります", wantText: confirmT1},
		{name: "a letter's closing", conv: offers(c.t1()), text: "いつもご連絡ありがとうございます今後ともよろしくお願いします", wantText: confirmT1},
		{name: "a greeting is greeted back", conv: offers(c.a1()), text: "おはようございます", wantText: "おはようございます。" + ja.GreetingTail},
		{name: "a greeting with a yes still answers", conv: offers(c.t1()), text: "こんにちは、はい引き受けます", wantAnswer: &AnswerRequest{TaskID: "T1", Op: OpAccept}},
		{name: "いつもお世話になっております", conv: Conversation{}, text: "いつもお世話になっております。", wantText: ja.GreetingTail},
		{name: "the link again", conv: both([]OfferRef{c.t1()}, withRSVP(s1, RSVPYes)), text: "ズームのアドレスをもう一度送ってください",
			wantText: ja.Session.LinkAgain},
		{name: "thanks with nothing waiting", conv: offers(c.a1()), text: "ありがとうございますよろしくお願いします", wantText: ja.YoureWelcome},
		{name: "行けるなら行きます", conv: offers(c.t1()), text: "行けるなら行きます", wantText: confirmT1},
		{name: "時間があればやります", conv: offers(c.t1()), text: "時間があればやります", wantText: confirmT1},
		{name: "もし空いていたら行きます", conv: offers(c.t1()), text: "もし空いていたら行きます", wantText: confirmT1},
		{name: "やってみようかなと思います", conv: offers(c.t1()), text: "はいやってみようかなと思います", wantText: confirmT1},
		{name: "行けそうです", conv: offers(c.t1()), text: "行けそうです", wantText: confirmT1},
		{name: "a plain yes still takes it", conv: offers(c.t1()), text: "はい大丈夫です", wantAnswer: &AnswerRequest{TaskID: "T1", Op: OpAccept}},
		{name: "a maybe to an invitation shows it again", conv: sessionsConv(s1), text: "行けたら行きます", wantText: ja.Session.ConfirmJoin},

		// A gathering named is answered, whatever offer waits.
		{name: "交流会に参加します with an offer waiting", conv: both([]OfferRef{c.t1()}, s1), text: "交流会に参加します",
			wantRSVP: &RSVPRequest{SessionID: "S1", Answer: RSVPYes}},
		{name: "交流会は欠席します with an offer waiting", conv: both([]OfferRef{c.t1()}, s1), text: "交流会は欠席します",
			wantRSVP: &RSVPRequest{SessionID: "S1", Answer: RSVPNo}},
		{name: "説明会 names the second of two", conv: sessionsConv(s1, s2), text: "説明会は参加します",
			wantRSVP: &RSVPRequest{SessionID: "S2", Answer: RSVPYes}},
		{name: "どちらも shows each invitation to answer", conv: sessionsConv(s1, s2), text: "どちらも参加します", wantText: ja.Session.AnswerEach},
		{name: "木曜日のは names the Thursday one", conv: sessionsConv(s1, s2), text: "木曜日のは参加します",
			wantRSVP: &RSVPRequest{SessionID: "S1", Answer: RSVPYes}},
		{name: "a gathering of two asks which, never the offer", conv: both([]OfferRef{c.t1()}, s1, other), text: "交流会は欠席します",
			wantText: ja.Session.WhichRSVP},
		{name: "the word in one title alone names it", conv: both([]OfferRef{c.t1()}, s1, phone), text: "交流会に参加します",
			wantRSVP: &RSVPRequest{SessionID: "S1", Answer: RSVPYes}},
		{name: "参加 with an invitation and an offer waiting asks which", conv: both([]OfferRef{c.t1()}, phone), text: "はい参加させていただきます",
			wantText: ja.Session.WhichRSVP},
		{name: "a joined gathering withdrawn by text", conv: both([]OfferRef{c.a1()}, withRSVP(s1, RSVPYes)), text: "やっぱりオンライン交流会は行けなくなりました",
			wantRSVP: &RSVPRequest{SessionID: "S1", Answer: RSVPNo}},
		{name: "a yes to a gathering joined already", conv: sessionsConv(withRSVP(s1, RSVPYes)), text: "交流会は参加します",
			wantText: "参加のお申し込みをいただいています"},
		{name: "when is it", conv: sessionsConv(withRSVP(s1, RSVPYes)), text: "交流会はいつでしたか", wantText: ja.Session.AskedAbout},
		{name: "a job's title with a gathering's word is the job's", conv: both([]OfferRef{c.ref("T9", "パソコン教室の補助", c.at(12, 4, 9, 0), 2, OfferOffered)}, s1),
			text: "パソコン教室の補助をやります", wantAnswer: &AnswerRequest{TaskID: "T9", Op: OpAccept}},

		// A coordinator asked last: the yes is theirs.
		{name: "a yes after the coordinator's question", conv: withTalk(offers(c.t1()), TalkFromCoordinator), text: "はい大丈夫です",
			wantText: ja.Task.AnswerOnTheCard, wantNotice: true},
		{name: "a yes after the person spoke last takes no job either", conv: withTalk(offers(c.t1()), TalkFromPerson), text: "はいそうします",
			wantText: ja.Task.AnswerOnTheCard, wantNotice: true},
		{name: "a no in a talk declines nothing", conv: withTalk(offers(c.t1()), TalkFromPerson), text: "いいえ、できません",
			wantText: ja.Task.AnswerOnTheCard, wantNotice: true},
		// The bot asked last (「…をお引き受けいただけますか？」): the
		// answer is to it (「はい」 went to the coordinators, and the job
		// he thought he took was not his).
		{name: "a yes to the bot's own question in a talk", conv: asking(withTalk(offers(c.t1(), c.t2()), TalkFromPerson), "T2"), text: "はい",
			wantAnswer: &AnswerRequest{TaskID: "T2", Op: OpAccept}},
		{name: "a no to the bot's own question in a talk", conv: asking(withTalk(offers(c.t1(), c.t2()), TalkFromCoordinator), "T2"), text: "やっぱりむりです",
			wantAnswer: &AnswerRequest{TaskID: "T2", Op: OpDecline}},
		{name: "words for the coordinator with an offer waiting", conv: withTalk(offers(c.t1()), TalkFromPerson), text: "駐車場はありますか",
			wantText: ja.HandoffForwarded, wantNotice: true},

		// A day that is bad, with a place taken that day.
		{name: "土曜日はだめになりました", conv: offers(c.a1(), c.a2()), text: "土曜日はだめになりました", wantText: cancelA2},
		{name: "５日のお仕事は無理になりました", conv: offers(c.a1(), c.a2()), text: "５日のお仕事は無理になりました", wantText: cancelA2},
		{name: "土曜日はお休みします", conv: offers(c.a1(), c.a2()), text: "今週の土曜日はお休みします", wantText: cancelA2},

		{name: "a bad day leaves an unanswered invitation alone", conv: both([]OfferRef{c.a1(), c.a2()}, s1), text: "土曜日はだめになりました", wantText: cancelA2},
		{name: "a bad day with two places that weekday asks which", conv: offers(c.a1(), c.a2(), a3), text: "土曜日はだめになりました", wantText: ja.Task.WhichCancel},
		{name: "来週の土曜日 is next week's", conv: offers(c.a1(), c.a2(), a3), text: "来週の土曜日は用事ができてしまいました", wantText: cancelA3},
		{name: "a bad day shows the session joined that day too", conv: both([]OfferRef{c.a1(), c.a2()}, withRSVP(s2, RSVPYes)), text: "土曜日はだめになりました", wantText: ja.Session.SameDay},
		{name: "大丈夫 to the cancel question keeps the place", conv: cancelling("A2"), text: "いいえやっぱり大丈夫です", wantText: ja.Task.CancelKept},
		{name: "行けそう to the cancel question keeps it", conv: cancelling("A2"), text: "やっぱり行けそうです", wantText: ja.Task.CancelKept},
		{name: "はい to the cancel question cancels", conv: cancelling("A2"), text: "はいお願いします", wantAnswer: &AnswerRequest{TaskID: "A2", Op: OpCancel}},
		{name: "a second unclear answer keeps it, no third question", conv: missedOnce(cancelling("A2")), text: "うーんどうしようかな", wantText: ja.Task.CancelKeptUnclear},

		// Offers named by their day.
		{name: "明日のは", conv: offers(c.t2(), c.t1()), text: "明日のはやります", wantAnswer: &AnswerRequest{TaskID: "T1", Op: OpAccept}},
		{name: "火曜のは", conv: offers(c.t2(), c.t1()), text: "火曜のはやります", wantAnswer: &AnswerRequest{TaskID: "T1", Op: OpAccept}},
		{name: "三日のほう", conv: offers(c.t2(), c.t1()), text: "三日のほうをお願いします", wantAnswer: &AnswerRequest{TaskID: "T2", Op: OpAccept}},
		{name: "a no naming one of two declines that one", conv: offers(c.t2(), c.t1()), text: "採点のほうはお断りします", wantAnswer: &AnswerRequest{TaskID: "T1", Op: OpDecline}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := offerPerson(StatusActive)
			p.Availability.Set(5, 9, 17) // Saturdays too
			r := Converse(testCatalog(t), c.now, p, tt.conv, textIn(tt.text))
			var said []string
			for _, m := range r.Messages {
				said = append(said, m.Text)
				if m.Card != nil {
					said = append(said, m.Card.Title, m.Card.Body)
				}
			}
			all := strings.Join(said, "\n")
			switch {
			case tt.wantAnswer != nil && (r.Answer == nil || r.Answer.TaskID != tt.wantAnswer.TaskID || r.Answer.Op != tt.wantAnswer.Op):
				t.Errorf("answer %+v, want %+v (said %q)", r.Answer, tt.wantAnswer, all)
			case tt.wantAnswer == nil && r.Answer != nil:
				t.Errorf("answered %+v (said %q)", r.Answer, all)
			}
			switch {
			case tt.wantRSVP != nil && (r.RSVP == nil || *r.RSVP != *tt.wantRSVP):
				t.Errorf("RSVP %+v, want %+v (said %q)", r.RSVP, tt.wantRSVP, all)
			case tt.wantRSVP == nil && r.RSVP != nil:
				t.Errorf("RSVP %+v (said %q)", r.RSVP, all)
			}
			if tt.wantText != "" && !strings.Contains(all, tt.wantText) {
				t.Errorf("said %q, want %q in it", all, tt.wantText)
			}
			if got := len(r.Notices) > 0; got != tt.wantNotice {
				t.Errorf("notices %q, want some: %v", r.Notices, tt.wantNotice)
			}
		})
	}
}

// TestPauseShowsThePlacesKept: pausing for a hospital stay keeps the
// places taken, and says which, each with its cancel button.
func TestPauseShowsThePlacesKept(t *testing.T) {
	c := newOfferClock(t)
	// 「入院することになりました…お休みさせてください」 asks first
	// (it names 来週); then the button.
	r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), offers(c.a1(), c.t1(), c.a2()), tapIn("cmd:pause"))
	if r.Profile == nil || r.Profile.Status != StatusPaused {
		t.Fatalf("not paused: %+v", r.Messages)
	}
	if len(r.Messages) != 2 || r.Messages[1].Text != ja.Task.PausedKeepsJobs {
		t.Fatalf("messages %+v", r.Messages)
	}
	var got []string
	for _, ch := range r.Messages[1].Choices {
		got = append(got, ch.Data)
	}
	if strings.Join(got, " ") != "task:cancel:A1 task:cancel:A2" {
		t.Errorf("choices %v", got)
	}
}

// TestAcceptedCardPromisesOnlyRemindersAhead: a task taken the evening
// before or on the day does not promise the evening reminder that has
// passed (the question comes at once instead).
func TestAcceptedCardPromisesOnlyRemindersAhead(t *testing.T) {
	c := newOfferClock(t)
	tonight := c.ref("T7", "夜の受付", c.at(11, 30, 19, 0), 2, OfferOffered) // now is 10:00 the same day
	soon := c.ref("T8", "昼の受付", c.at(11, 30, 11, 0), 2, OfferOffered)
	for _, tt := range []struct {
		ref           OfferRef
		want, notWant string
	}{
		{c.t1(), ja.Task.AcceptedBody, "\x00"},
		{tonight, ja.Task.AcceptedBodySoon, "前日"},
		{soon, ja.Task.AcceptedBodyNow, "2時間前"},
	} {
		req := AnswerRequest{TaskID: tt.ref.TaskID, Op: OpAccept}
		res := Answered(c.now, Result{Profile: offerPerson(StatusActive), Conv: offers(tt.ref), Answer: &req}, &req,
			Outcome{State: OfferAccepted, Status: TaskOpen, Changed: true})
		if len(res.Messages) != 1 || res.Messages[0].Card == nil || !strings.Contains(res.Messages[0].Card.Body, tt.want) ||
			strings.Contains(res.Messages[0].Card.Body, tt.notWant) {
			t.Errorf("%s: %+v, want %q", tt.ref.Title, res.Messages, tt.want)
		}
	}
}

// TestOfferCardSaysWhatTheWorkIs: the card carries the task's description,
// cut short, so 「どんな仕事ですか」 has an answer on it.
func TestOfferCardSaysWhatTheWorkIs(t *testing.T) {
	c := newOfferClock(t)
	long := strings.Repeat("SNS投稿文を3本書いていただきます。", 10)
	if got := []rune(summary("一行目\n\n  二行目  " + long)); len(got) != summaryRunes || got[len(got)-1] != '…' || !strings.HasPrefix(string(got), "一行目 二行目 SNS") {
		t.Errorf("summary %q", string(got))
	}
	r := c.t1()
	r.Summary = "小学生の漢字テストの丸つけです。"
	card := (&turn{cat: testCatalog(t), now: c.now}).offerCard(r).Card
	found := false
	for _, f := range card.Fields {
		found = found || f.Label == ja.Task.FieldWhat && f.Value == r.Summary
	}
	if !found {
		t.Errorf("fields %+v", card.Fields)
	}
	res := Converse(testCatalog(t), c.now, offerPerson(StatusActive), offers(r), textIn("どんな仕事でしたっけ"))
	if len(res.Messages) != 1 || res.Messages[0].Card == nil || res.Messages[0].Card.Title != r.Title {
		t.Errorf("「どんな仕事でしたっけ」: %+v", res.Messages)
	}
}

// TestScheduleOfAWeek: 「今週の予定は」 lists this week's, 「来週の予定」
// next week's.
func TestScheduleOfAWeek(t *testing.T) {
	c := newOfferClock(t) // Monday 11/30
	a3 := c.ref("A3", "会報の封入", c.at(12, 12, 10, 0), 2, OfferAccepted)
	for text, want := range map[string][2]string{
		"今週の予定は":        {"Zoom配信のお手伝い", "会報の封入"},
		"来週の予定を教えてください": {"会報の封入", "Zoom配信のお手伝い"},
	} {
		res := Converse(testCatalog(t), c.now, offerPerson(StatusActive), offers(c.a2(), a3), textIn(text))
		if len(res.Messages) != 1 || !strings.Contains(res.Messages[0].Text, want[0]) || strings.Contains(res.Messages[0].Text, want[1]) {
			t.Errorf("%s: %+v", text, res.Messages)
		}
	}
}

// TestAQuestionOpenIsNotAnsweredByWhatIsAboutSomethingElse: while
// 「予定どおり行けますか？」 waits for an answer about tomorrow's job, a
// message about a gathering or another day cancels nothing; 「今夜は
// 行けなくなりました」 is about tonight, not an invitation for Saturday;
// a day off said while the week is edited changes nothing.
func TestAQuestionOpenIsNotAnsweredByWhatIsAboutSomethingElse(t *testing.T) {
	c := newOfferClock(t) // Monday 11/30 10:00; T1 tomorrow 8:00
	cat := testCatalog(t)
	asked := c.ref("A9", "朝テストの採点", c.at(12, 1, 8, 0), 2, OfferAccepted)
	asked.Confirm = ConfirmAsked
	s1 := withRSVP(c.s1(), RSVPYes)
	for _, tt := range []struct {
		text     string
		wantRSVP *RSVPRequest
	}{
		{"交流会は欠席します", &RSVPRequest{SessionID: "S1", Answer: RSVPNo}},
		{"来週の水曜日はお休みします", nil},
		{"すみません、金曜日は行けなくなりました", nil},
	} {
		r := Converse(cat, c.now, offerPerson(StatusActive), Conversation{Offers: []OfferRef{asked}, Sessions: []SessionRef{s1}}, textIn(tt.text))
		if r.Answer != nil && r.Answer.Op == OpCancel {
			t.Errorf("%s: cancelled the job asked about: %+v", tt.text, r.Messages)
		}
		if (r.RSVP == nil) != (tt.wantRSVP == nil) || r.RSVP != nil && *r.RSVP != *tt.wantRSVP {
			t.Errorf("%s: RSVP %+v, want %+v", tt.text, r.RSVP, tt.wantRSVP)
		}
	}
	// The question's own answer still cancels.
	r := Converse(cat, c.now, offerPerson(StatusActive), Conversation{Offers: []OfferRef{asked}}, textIn("すみません、明日は行けなくなりました"))
	if r.Answer == nil || r.Answer.Op != OpCancel {
		t.Errorf("明日は行けなくなりました: %+v %+v", r.Answer, r.Messages)
	}

	tonight := c.ref("A8", "夜の受付", c.at(11, 30, 19, 0), 2, OfferAccepted)
	r = Converse(cat, c.now, offerPerson(StatusActive), Conversation{Offers: []OfferRef{tonight}, Sessions: []SessionRef{c.s2()}}, textIn("今夜は行けなくなりました"))
	if r.RSVP != nil || len(r.Messages) == 0 || !strings.Contains(r.Messages[0].Text, "夜の受付") {
		t.Errorf("今夜は行けなくなりました: RSVP %+v, said %+v", r.RSVP, r.Messages)
	}

	p := offerPerson(StatusActive)
	before := p.Availability
	conv := Conversation{Step: StepAvailability, Editing: true}
	r = Converse(cat, c.now, p, conv, textIn("来週の水曜日はお休みします"))
	if r.Profile != nil && r.Profile.Availability != before || len(r.Messages) == 0 || r.Messages[0].Text != ja.OneDayNotWeek {
		t.Errorf("a day off while editing the week: %+v", r.Messages)
	}
}

// TestACoordinatorsPauseSaysWhoDidIt: paused from the console, the person
// is told a coordinator did it, not as if they had.
func TestACoordinatorsPauseSaysWhoDidIt(t *testing.T) {
	c := newOfferClock(t)
	in := Inbound{ID: "console:1", Kind: EventPostback, ProfileID: "line:U0042", Data: PauseAction(), ByCoordinator: true}
	r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), Conversation{}, in)
	if r.Profile == nil || r.Profile.Status != StatusPaused || len(r.Messages) == 0 || r.Messages[0].Text != ja.PausedByCoordinator {
		t.Errorf("paused by a coordinator: %+v", r.Messages)
	}
	in.Data, in.ID = ResumeAction(), "console:2"
	r = Converse(testCatalog(t), c.now, r.Profile, r.Conv, in)
	if r.Profile == nil || r.Profile.Status != StatusActive || len(r.Messages) == 0 || r.Messages[0].Text != ja.ResumedByCoordinator {
		t.Errorf("resumed by a coordinator: %+v", r.Messages)
	}
}

// TestNotGoingOnADayWithoutAJob: 「来週の月曜日は病院なので行けません」
// from someone whose only place is on a Wednesday asks to cancel nothing
// (it asked to cancel the Wednesday, one 「はい」 away); the Wednesday is
// shown, and a day that has her job still asks about that one.
func TestNotGoingOnADayWithoutAJob(t *testing.T) {
	c := newOfferClock(t)
	wed := c.ref("W1", "放課後の子どもの見守り", c.at(12, 2, 9, 0), 2, OfferAccepted)
	for _, text := range []string{"来週の月曜日は病院なので行けません", "7日は行けなくなりました", "金曜日はだめになりました"} {
		r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), offers(wed), textIn(text))
		if r.Conv.Step == StepCancelTask || r.Answer != nil {
			t.Errorf("%q: asked to cancel %q (said %q)", text, r.Conv.CancelTask, said(r))
		}
		if !strings.Contains(said(r), ja.Task.NoJobThatDay) || !strings.Contains(said(r), "放課後の子どもの見守り") {
			t.Errorf("%q: said %q", text, said(r))
		}
	}
	r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), offers(wed), textIn("水曜日は行けなくなりました"))
	if r.Conv.Step != StepCancelTask || r.Conv.CancelTask != "W1" {
		t.Errorf("the job's own day: step %q cancel %q (said %q)", r.Conv.Step, r.Conv.CancelTask, said(r))
	}
}

// TestAnsweringEveryOfferAtOnce: 「両方ともお受けします」 takes both
// offers, 「どちらも見送ります」 declines both, and 「りょうほう」 after
// 「どのお仕事を…？」 says which; a yes that names none is asked about
// once, then with a person to ask (it was asked three times over).
func TestAnsweringEveryOfferAtOnce(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	p := offerPerson(StatusActive)
	p.WeeklyLimit = 5
	both := offers(c.t1(), c.t2())
	all := func(op AnswerOp) *AnswerRequest {
		return &AnswerRequest{TaskID: "T1", Op: op, Series: []string{"T1", "T2"}}
	}
	for _, tc := range []struct {
		text string
		want *AnswerRequest
	}{
		{"両方ともお受けします", all(OpAccept)},
		{"どちらも引き受けます", all(OpAccept)},
		{"どちらも見送ります", all(OpDecline)},
	} {
		r := Converse(cat, c.now, p, both, textIn(tc.text))
		if !reflect.DeepEqual(r.Answer, tc.want) {
			t.Errorf("%q: answer %+v, want %+v (said %q)", tc.text, r.Answer, tc.want, said(r))
		}
	}
	r := Converse(cat, c.now, p, both, textIn("はい"))
	if r.Answer != nil || r.Conv.Asked != askedWhichAccept || slices.Contains(choiceData(r.Messages[0].Choices), "cmd:handoff") {
		t.Fatalf("はい: answer %+v asked %q buttons %q", r.Answer, r.Conv.Asked, choiceData(r.Messages[0].Choices))
	}
	if again := Converse(cat, c.now, r.Profile, r.Conv, textIn("はい")); again.Answer != nil || !slices.Contains(choiceData(again.Messages[0].Choices), "cmd:handoff") {
		t.Errorf("はい again: answer %+v, buttons %q, want a person offered", again.Answer, choiceData(again.Messages[0].Choices))
	}
	for _, text := range []string{"りょうほう", "ぜんぶ"} {
		if got := Converse(cat, c.now, r.Profile, r.Conv, textIn(text)); !reflect.DeepEqual(got.Answer, all(OpAccept)) {
			t.Errorf("%q to which: answer %+v (said %q)", text, got.Answer, said(got))
		}
	}
	// Without the question, a bare 「ぜんぶ」 takes nothing.
	if got := Converse(cat, c.now, p, both, textIn("ぜんぶ")); got.Answer != nil {
		t.Errorf("a bare ぜんぶ took %+v", got.Answer)
	}
}

// TestASecondYes: 「はい」 sent twice is told the job is hers (it was told
// nothing waits, which read as the first yes lost); long after, a yes
// with nothing to answer gets the menu as before.
func TestASecondYes(t *testing.T) {
	c := newOfferClock(t)
	held := c.ref("A5", "空き家の棚づくり", c.at(12, 4, 9, 0), 2, OfferAccepted)
	held.AcceptedAt = c.now.Add(-time.Minute)
	r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), offers(held), textIn("はい"))
	if !strings.Contains(said(r), "「空き家の棚づくり」（12月4日(金) 9:00〜11:00）は、お引き受けいただいています") || r.Answer != nil {
		t.Errorf("a second はい: said %q", said(r))
	}
	held.AcceptedAt = c.now.Add(-time.Hour)
	r = Converse(testCatalog(t), c.now, offerPerson(StatusActive), offers(held), textIn("はい"))
	if !strings.Contains(said(r), ja.Task.NoPending) {
		t.Errorf("a yes an hour later: said %q", said(r))
	}
}

// TestAskingAboutThePay: 「これいくらもらえるの？」 is told the reward of
// the offer waiting, or of the place held (it got 「よくわかりませんでし
// た」 and the menu, with the reward on the card above).
func TestAskingAboutThePay(t *testing.T) {
	c := newOfferClock(t)
	offered := c.t1()
	offered.Reward = "日当8,000円"
	held := c.a1()
	withWord := c.t1()
	withWord.Reward = "謝礼 2,000円" // it read 「謝礼は、謝礼 2,000円です」
	for _, tc := range []struct {
		name, text string
		conv       Conversation
		want       string
	}{
		{"an offer waiting", "これいくらもらえるの？", offers(offered), "「テストの採点」の謝礼は、日当8,000円です"},
		{"in hiragana", "いくら", offers(offered), "日当8,000円"},
		{"a place held without a reward", "謝礼はありますか", offers(held), "ご案内に書かれていません"},
		{"a reward written with its word", "報酬はいくらですか", offers(withWord), "「テストの採点」の謝礼は、2,000円です"},
	} {
		r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), tc.conv, textIn(tc.text))
		if !strings.Contains(said(r), tc.want) || r.Answer != nil {
			t.Errorf("%s: %q said %q, want %q", tc.name, tc.text, said(r), tc.want)
		}
	}
}

// TestTerseNotGoing: 「いかない」 from someone holding two places asks which
// (it was not understood).
func TestTerseNotGoing(t *testing.T) {
	c := newOfferClock(t)
	r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), offers(c.a1(), c.a2()), textIn("いかない"))
	if r.Conv.Asked != askedWhichCancel || r.Answer != nil {
		t.Errorf("いかない: asked %q answer %+v said %q", r.Conv.Asked, r.Answer, said(r))
	}
}
