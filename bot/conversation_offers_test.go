package bot

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// The offer tests run on Monday 2026-11-30 10:00 in Tokyo: Converse reads
// times in now's location, so now carries the service time zone.

func offerTokyo(t testing.TB) *time.Location {
	t.Helper()
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatalf("load Asia/Tokyo: %v", err)
	}
	return tokyo
}

// offerClock is the fixed time and the fixtures built on it.
type offerClock struct {
	loc *time.Location
	now time.Time
}

func newOfferClock(t testing.TB) offerClock {
	tokyo := offerTokyo(t)
	return offerClock{loc: tokyo, now: time.Date(2026, 11, 30, 10, 0, 0, 0, tokyo)}
}

// at is a wall-clock time in Tokyo.
func (c offerClock) at(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2026, month, day, hour, minute, 0, 0, c.loc)
}

// ref is an offer of a task starting at start and lasting hours, offered a
// day before now.
func (c offerClock) ref(id, title string, start time.Time, hours int, state OfferState) OfferRef {
	r := OfferRef{
		TaskID: id, Title: title, Place: "世田谷区",
		Start: start, End: start.Add(time.Duration(hours) * time.Hour),
		Reasons: []string{"採点ができる方を探しています", "世田谷区にお住まいです"},
		State:   state, At: c.now.Add(-24 * time.Hour),
	}
	if state == OfferAccepted {
		r.AcceptedAt = c.now.Add(-23 * time.Hour)
	}
	return r
}

// Fixture tasks: T1 and T2 are offers awaiting an answer, A1 and A2 accepted
// places; T1 and A1 are the soonest.
func (c offerClock) t1() OfferRef {
	return c.ref("T1", "テストの採点", c.at(12, 1, 8, 0), 2, OfferOffered)
}
func (c offerClock) t2() OfferRef {
	return c.ref("T2", "名簿のパソコン入力", c.at(12, 3, 13, 0), 3, OfferOffered)
}
func (c offerClock) a1() OfferRef {
	return c.ref("A1", "子ども食堂の保育補助", c.at(12, 2, 9, 0), 3, OfferAccepted)
}
func (c offerClock) a2() OfferRef {
	return c.ref("A2", "Zoom配信のお手伝い", c.at(12, 5, 14, 0), 2, OfferAccepted)
}

// offerPerson is a registered person in the given status.
func offerPerson(status Status) *Profile {
	consented := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	p := &Profile{ID: "line:U0042", Name: "山田 花子", Area: "setagaya", Skills: []string{"grading", "pc_input"},
		WeeklyLimit: 2, ConsentedAt: &consented, Status: status, CreatedAt: consented, UpdatedAt: consented}
	p.Availability.Set(0, 18, 24)
	return p
}

func textIn(s string) Inbound {
	return Inbound{ID: "ev1", Kind: EventText, ProfileID: "line:U0042", Text: s}
}
func tapIn(d string) Inbound {
	return Inbound{ID: "ev1", Kind: EventPostback, ProfileID: "line:U0042", Data: d}
}

func offers(refs ...OfferRef) Conversation { return Conversation{Offers: refs} }

// cloneConv deep-copies a conversation's offers so a test can tell whether
// Converse wrote into its input.
func cloneConv(c Conversation) Conversation {
	c.Offers = append([]OfferRef(nil), c.Offers...)
	return c
}

func refIDs(refs []OfferRef) []string {
	var ids []string
	for _, r := range refs {
		ids = append(ids, r.TaskID)
	}
	return ids
}

func choiceData(ch []Choice) []string {
	var out []string
	for _, c := range ch {
		out = append(out, c.Data)
	}
	return out
}

func fieldOf(c *Card, label string) (string, bool) {
	for _, f := range c.Fields {
		if f.Label == label {
			return f.Value, true
		}
	}
	return "", false
}

func stateOf(t *testing.T, c Conversation, id string) OfferRef {
	t.Helper()
	r, i := findRef(c.Offers, id)
	if i < 0 {
		t.Fatalf("no ref %s in %v", id, refIDs(c.Offers))
	}
	return r
}

func isMenu(m Message) bool { return m.Card != nil && m.Card.Title == ja.MenuTitle }

func TestOfferEvent(t *testing.T) {
	c := newOfferClock(t)
	offerOf := func(r OfferRef) Inbound {
		r.At = c.now
		return Inbound{ID: "offer:T1", Kind: EventOffer, ProfileID: "line:U0042", Offer: &r}
	}
	tests := []struct {
		name  string
		p     *Profile
		conv  Conversation
		in    Inbound
		check func(t *testing.T, in Inbound, before Conversation, r Result)
	}{
		{name: "active person gets the card", p: offerPerson(StatusActive), conv: offers(c.a1()), in: offerOf(c.t1()),
			check: func(t *testing.T, in Inbound, before Conversation, r Result) {
				if r.Answer != nil {
					t.Errorf("answer %+v, want none", r.Answer)
				}
				got := stateOf(t, r.Conv, "T1")
				if !reflect.DeepEqual(got, *in.Offer) {
					t.Errorf("stored ref %+v, want %+v", got, *in.Offer)
				}
				if len(r.Conv.Offers) != 2 {
					t.Errorf("offers %v, want A1 and T1", refIDs(r.Conv.Offers))
				}
				if len(r.Messages) != 1 || r.Messages[0].Card == nil {
					t.Fatalf("messages %+v, want one card", r.Messages)
				}
				card := r.Messages[0].Card
				if card.Title != "テストの採点" || card.Body != ja.Task.OfferBody {
					t.Errorf("card title %q body %q", card.Title, card.Body)
				}
				if v, _ := fieldOf(card, ja.Task.FieldWhen); v != "12月1日(火) 8:00〜10:00" {
					t.Errorf("日時 = %q, want 12月1日(火) 8:00〜10:00", v)
				}
				if card.Fields[0].Label != "日時" {
					t.Errorf("first field %q, want 日時", card.Fields[0].Label)
				}
				if v, _ := fieldOf(card, ja.Task.FieldPlace); v != "世田谷区" {
					t.Errorf("場所 = %q", v)
				}
				want := []string{"offer:accept:T1", "offer:decline:T1", "offer:why:T1"}
				if got := choiceData(card.Buttons); !reflect.DeepEqual(got, want) {
					t.Errorf("buttons %v, want %v", got, want)
				}
			}},
		{name: "promoted offer with organization, reward and deadline", p: offerPerson(StatusActive),
			in: func() Inbound {
				r := c.t1()
				r.Promoted, r.Organization, r.Reward = true, "世田谷第一小学校", "交通費 1,000円"
				r.ExpiresAt = c.at(11, 30, 20, 0)
				return offerOf(r)
			}(),
			check: func(t *testing.T, in Inbound, before Conversation, r Result) {
				if len(r.Messages) != 1 || r.Messages[0].Card == nil {
					t.Fatalf("messages %+v, want one card", r.Messages)
				}
				card := r.Messages[0].Card
				if card.Body != ja.Task.PromotedBody {
					t.Errorf("body %q, want the promoted body", card.Body)
				}
				for label, want := range map[string]string{ja.Task.FieldOrg: "世田谷第一小学校", ja.Task.FieldReward: "交通費 1,000円", ja.Task.FieldDeadline: "11月30日 20:00まで"} {
					if v, ok := fieldOf(card, label); !ok || v != want {
						t.Errorf("field %s = %q, want %q", label, v, want)
					}
				}
			}},
		{name: "paused person declines silently", p: offerPerson(StatusPaused), conv: offers(c.a1()), in: offerOf(c.t1()),
			check: func(t *testing.T, in Inbound, before Conversation, r Result) {
				if len(r.Messages) != 0 {
					t.Errorf("messages %+v, want none", r.Messages)
				}
				want := &AnswerRequest{TaskID: "T1", Op: OpDecline, Silent: true}
				if !reflect.DeepEqual(r.Answer, want) {
					t.Errorf("answer %+v, want %+v", r.Answer, want)
				}
				if !reflect.DeepEqual(r.Conv, before) {
					t.Errorf("conv %+v changed, want %+v", r.Conv, before)
				}
			}},
		{name: "person still onboarding declines silently", p: offerPerson(StatusOnboarding), conv: Conversation{Step: StepSkills}, in: offerOf(c.t1()),
			check: func(t *testing.T, in Inbound, before Conversation, r Result) {
				want := &AnswerRequest{TaskID: "T1", Op: OpDecline, Silent: true}
				if len(r.Messages) != 0 || !reflect.DeepEqual(r.Answer, want) {
					t.Errorf("messages %+v answer %+v, want none and %+v", r.Messages, r.Answer, want)
				}
			}},
		{name: "unknown person is forgotten", p: nil, in: offerOf(c.t1()),
			check: func(t *testing.T, in Inbound, before Conversation, r Result) {
				want := &AnswerRequest{TaskID: "T1", Op: OpForget, Silent: true}
				if len(r.Messages) != 0 || !reflect.DeepEqual(r.Answer, want) {
					t.Errorf("messages %+v answer %+v, want none and %+v", r.Messages, r.Answer, want)
				}
				if r.Profile != nil || len(r.Conv.Offers) != 0 {
					t.Errorf("profile %+v offers %v, want nothing stored", r.Profile, refIDs(r.Conv.Offers))
				}
			}},
		{name: "repeat offer of an accepted task changes nothing", p: offerPerson(StatusActive),
			conv: offers(func() OfferRef { r := c.t1(); r.State, r.AcceptedAt = OfferAccepted, c.now.Add(-time.Hour); return r }(), c.a1()),
			in:   offerOf(c.t1()),
			check: func(t *testing.T, in Inbound, before Conversation, r Result) {
				if len(r.Messages) != 0 || r.Answer != nil {
					t.Errorf("messages %+v answer %+v, want nothing", r.Messages, r.Answer)
				}
				if !reflect.DeepEqual(r.Conv, before) {
					t.Errorf("conv %+v, want unchanged %+v", r.Conv, before)
				}
			}},
		{name: "repeat offer of a declined task replaces the ref", p: offerPerson(StatusActive),
			conv: offers(func() OfferRef { r := c.t1(); r.State = OfferDeclined; return r }(), c.a1()),
			in:   offerOf(c.t1()),
			check: func(t *testing.T, in Inbound, before Conversation, r Result) {
				if len(r.Conv.Offers) != 2 || stateOf(t, r.Conv, "T1").State != OfferOffered {
					t.Errorf("offers %+v, want one T1 offered and A1", r.Conv.Offers)
				}
				if len(r.Messages) != 1 || r.Messages[0].Card == nil {
					t.Errorf("messages %+v, want the card again", r.Messages)
				}
				if !reflect.DeepEqual(before, cloneConv(before)) || before.Offers[0].State != OfferDeclined {
					t.Errorf("input conversation was changed: %+v", before.Offers)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := cloneConv(tt.conv)
			r := Converse(testCatalog(t), c.now, tt.p, tt.conv, tt.in)
			tt.check(t, tt.in, before, r)
		})
	}
}

func TestOfferTextAnswers(t *testing.T) {
	c := newOfferClock(t)
	started := c.ref("S1", "始まったお仕事", c.now.Add(-time.Hour), 3, OfferOffered)
	past := c.ref("P1", "終わったお仕事", c.at(11, 20, 9, 0), 2, OfferOffered)
	tests := []struct {
		name        string
		conv        Conversation
		text        string
		wantAnswer  *AnswerRequest
		wantText    string   // the first message's text
		wantChoices []string // its choices' data
		wantMenu    bool
	}{
		{name: "はい accepts the one offer", conv: offers(c.t1(), c.a1()), text: "はい", wantAnswer: &AnswerRequest{TaskID: "T1", Op: OpAccept}},
		{name: "できます accepts", conv: offers(c.t1()), text: "できます", wantAnswer: &AnswerRequest{TaskID: "T1", Op: OpAccept}},
		{name: "引き受けます accepts", conv: offers(c.t1()), text: "引き受けます", wantAnswer: &AnswerRequest{TaskID: "T1", Op: OpAccept}},
		// 「OK」 answers an announcement as often as an offer: asked.
		{name: "OK asks first", conv: offers(c.t1()), text: "OK", wantText: fmt.Sprintf(ja.Task.ConfirmAccept, "テストの採点", "12月1日(火) 8:00〜10:00"),
			wantChoices: []string{"offer:accept:T1", "offer:decline:T1"}},
		{name: "full-width ＯＫ asks first", conv: offers(c.t1()), text: "ＯＫです！", wantText: fmt.Sprintf(ja.Task.ConfirmAccept, "テストの採点", "12月1日(火) 8:00〜10:00"),
			wantChoices: []string{"offer:accept:T1", "offer:decline:T1"}},
		{name: "いいえ declines", conv: offers(c.t1(), c.a1()), text: "いいえ", wantAnswer: &AnswerRequest{TaskID: "T1", Op: OpDecline}},
		{name: "今回は見送ります declines", conv: offers(c.t1()), text: "今回は見送ります", wantAnswer: &AnswerRequest{TaskID: "T1", Op: OpDecline}},
		{name: "行けません with an offer declines it rather than cancelling", conv: offers(c.t1(), c.a1()), text: "行けません", wantAnswer: &AnswerRequest{TaskID: "T1", Op: OpDecline}},
		{name: "はい with two offers asks which, soonest first", conv: offers(c.t2(), c.a1(), c.t1()), text: "はい",
			wantText: ja.Task.WhichAccept, wantChoices: []string{"offer:accept:T1", "offer:accept:T2"}},
		{name: "いいえ with two offers asks which", conv: offers(c.t2(), c.t1()), text: "いいえ",
			wantText: ja.Task.WhichDecline, wantChoices: []string{"offer:decline:T1", "offer:decline:T2"}},
		{name: "はい with no offer", conv: offers(c.a1()), text: "はい", wantText: ja.Task.NoPending, wantMenu: true},
		{name: "はい with nothing at all", conv: Conversation{}, text: "はい", wantText: ja.Task.NoPending, wantMenu: true},
		{name: "a started task is not pending", conv: offers(started, c.t1()), text: "はい", wantAnswer: &AnswerRequest{TaskID: "T1", Op: OpAccept}},
		{name: "only started and past offers: nothing pending", conv: offers(started, past), text: "はい", wantText: ja.Task.NoPending, wantMenu: true},
		{name: "answered offers are not pending", conv: offers(func() OfferRef { r := c.t2(); r.State = OfferDeclined; return r }(), c.t1()), text: "はい",
			wantAnswer: &AnswerRequest{TaskID: "T1", Op: OpAccept}},
		{name: "なぜ私に？ explains the offer", conv: offers(c.t1()), text: "なぜ私に？",
			wantText: ja.Task.WhyTitle + "\n・採点ができる方を探しています\n・世田谷区にお住まいです"},
		{name: "なぜ with no offer", conv: offers(c.a1()), text: "なぜ", wantText: ja.Task.WhyNone},
		{name: "free text gets the menu", conv: offers(c.t1()), text: "孫が遊びに来てくれました", wantText: ja.NotUnderstood, wantMenu: true},
		{name: "a greeting with an offer waiting points at it", conv: offers(c.t1()), text: "こんにちは", wantText: "こんにちは。" + ja.GreetingPending},
		{name: "with two offers, one named by its title is taken", conv: offers(c.t2(), c.t1()), text: "採点の方をお願いします",
			wantAnswer: &AnswerRequest{TaskID: "T1", Op: OpAccept}},
		{name: "with two offers, one named by its day is asked about", conv: offers(c.t2(), c.t1()), text: "3日の方",
			wantText:    fmt.Sprintf(ja.Task.ConfirmAccept, "名簿のパソコン入力", "12月3日(木) 13:00〜16:00"),
			wantChoices: []string{"offer:accept:T2", "offer:decline:T2"}},
		{name: "11日 does not name an offer on the 1st", conv: offers(c.t2(), c.t1()), text: "11日の方",
			wantText: ja.NotUnderstood, wantMenu: true},
		{name: "a thank-you is answered, not apologised for", conv: offers(c.a1()), text: "ありがとうございます。", wantText: ja.YoureWelcome},
		{name: "small talk takes no job", conv: offers(c.t1()), text: "今日はいい天気ですね", wantText: ja.NotUnderstood, wantMenu: true},
		{name: "not sure takes no job", conv: offers(c.t1()), text: "できるかどうかわかりません", wantText: ja.Task.TakeYourTime},
		{name: "thinking it over keeps the offer open", conv: offers(c.t1()), text: "ちょっと考えさせてください", wantText: ja.Task.TakeYourTime},
		{name: "a pleasantry is asked about before a job is taken", conv: offers(c.t1()), text: "いいですね",
			wantText:    fmt.Sprintf(ja.Task.ConfirmAccept, "テストの採点", "12月1日(火) 8:00〜10:00"),
			wantChoices: []string{"offer:accept:T1", "offer:decline:T1"}},
		{name: "a pleasantry with two offers asks which", conv: offers(c.t2(), c.t1()), text: "それでいいです",
			wantText: ja.Task.WhichAccept, wantChoices: []string{"offer:accept:T1", "offer:accept:T2"}},
		{name: "はいやります takes the job at once", conv: offers(c.t1()), text: "はいやりますよろしくお願いします", wantAnswer: &AnswerRequest{TaskID: "T1", Op: OpAccept}},
		{name: "その日なら大丈夫です takes the job at once", conv: offers(c.t1()), text: "その日なら大丈夫です", wantAnswer: &AnswerRequest{TaskID: "T1", Op: OpAccept}},
		{name: "a bare no with a place taken cancels nothing", conv: offers(c.a1(), c.a2()), text: "いいえ", wantText: ja.Task.NoPending, wantMenu: true},
		{name: "giving up this job declines the offer and withdraws nothing", conv: offers(c.t1()), text: "足が痛いのでこのお仕事はやめたいです",
			wantAnswer: &AnswerRequest{TaskID: "T1", Op: OpDecline}},
		{name: "thinking with nothing pending cancels nothing", conv: offers(c.a1(), c.a2()), text: "ちょっと考えさせてください", wantText: ja.NotUnderstood, wantMenu: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := cloneConv(tt.conv)
			r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), tt.conv, textIn(tt.text))
			if !reflect.DeepEqual(r.Answer, tt.wantAnswer) {
				t.Errorf("answer %+v, want %+v (said %q)", r.Answer, tt.wantAnswer, said(r))
			}
			got := r.Conv
			got.Misses, got.MissStep = 0, "" // counted for the way out, see idleMiss
			got.Asked = ""                   // the offer a question named, see confirmAccept
			if !reflect.DeepEqual(got, before) {
				t.Errorf("conversation changed: %+v, want %+v", r.Conv, before)
			}
			if tt.wantAnswer != nil {
				if len(r.Messages) != 0 {
					t.Errorf("messages %+v before the answer is applied, want none", r.Messages)
				}
				return
			}
			if len(r.Messages) == 0 {
				t.Fatal("no messages")
			}
			if m := r.Messages[0]; m.Text != tt.wantText || !reflect.DeepEqual(choiceData(m.Choices), tt.wantChoices) {
				t.Errorf("message %q choices %v, want %q %v", m.Text, choiceData(m.Choices), tt.wantText, tt.wantChoices)
			}
			if got := len(r.Messages) == 2 && isMenu(r.Messages[1]); got != tt.wantMenu {
				t.Errorf("menu shown %v, want %v (messages %+v)", got, tt.wantMenu, r.Messages)
			}
		})
	}
}

func TestOfferButtons(t *testing.T) {
	c := newOfferClock(t)
	tests := []struct {
		name       string
		p          *Profile
		conv       Conversation
		data       string
		wantAnswer *AnswerRequest
		wantText   string // the first message's text, when no answer
		wantStep   Step
	}{
		{name: "accept", p: offerPerson(StatusActive), conv: offers(c.t1(), c.t2()), data: "offer:accept:T2", wantAnswer: &AnswerRequest{TaskID: "T2", Op: OpAccept}},
		{name: "decline", p: offerPerson(StatusActive), conv: offers(c.t1(), c.t2()), data: "offer:decline:T1", wantAnswer: &AnswerRequest{TaskID: "T1", Op: OpDecline}},
		{name: "why lists the reasons", p: offerPerson(StatusActive), conv: offers(c.t1()), data: "offer:why:T1",
			wantText: ja.Task.WhyTitle + "\n・採点ができる方を探しています\n・世田谷区にお住まいです"},
		{name: "why without reasons names the task", p: offerPerson(StatusActive),
			conv: offers(func() OfferRef { r := c.t1(); r.Reasons = nil; return r }()), data: "offer:why:T1",
			wantText: ja.Task.WhyTitle + "\n・テストの採点"},
		{name: "unknown task", p: offerPerson(StatusActive), conv: offers(c.t1()), data: "offer:accept:NOPE", wantText: ja.Task.NotFound},
		{name: "unknown verb on a known task", p: offerPerson(StatusActive), conv: offers(c.t1()), data: "offer:maybe:T1", wantText: ja.StaleButton},
		{name: "onboarding person's tap is stale", p: offerPerson(StatusOnboarding),
			conv: Conversation{Step: StepLimit, Offers: []OfferRef{c.t1()}}, data: "offer:accept:T1",
			wantText: ja.StaleButton, wantStep: StepLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Converse(testCatalog(t), c.now, tt.p, tt.conv, tapIn(tt.data))
			if !reflect.DeepEqual(r.Answer, tt.wantAnswer) {
				t.Errorf("answer %+v, want %+v (said %q)", r.Answer, tt.wantAnswer, said(r))
			}
			if r.Conv.Step != tt.wantStep {
				t.Errorf("step %q, want %q", r.Conv.Step, tt.wantStep)
			}
			if tt.wantAnswer != nil {
				if len(r.Messages) != 0 {
					t.Errorf("messages %+v, want none before Answered", r.Messages)
				}
				return
			}
			if len(r.Messages) == 0 || r.Messages[0].Text != tt.wantText {
				t.Errorf("said %q, want %q first", said(r), tt.wantText)
			}
		})
	}
}

func TestCancelAcceptedTask(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	p := offerPerson(StatusActive)
	a1 := c.a1()
	askText := fmt.Sprintf(ja.Task.CancelAsk, a1.Title, "12月2日(水) 9:00〜12:00")
	askChoices := []string{"task:cancelyes:A1", "task:keep:A1"}

	t.Run("ask", func(t *testing.T) {
		tests := []struct {
			name        string
			conv        Conversation
			in          Inbound
			wantStep    Step
			wantCancel  string
			wantText    string
			wantChoices []string
		}{
			{name: "キャンセル", conv: offers(c.a1()), in: textIn("キャンセル"), wantStep: StepCancelTask, wantCancel: "A1", wantText: askText, wantChoices: askChoices},
			{name: "行けなくなりました", conv: offers(c.a1()), in: textIn("行けなくなりました"), wantStep: StepCancelTask, wantCancel: "A1", wantText: askText, wantChoices: askChoices},
			{name: "キャンセルしたい。", conv: offers(c.a1()), in: textIn("キャンセルしたい。"), wantStep: StepCancelTask, wantCancel: "A1", wantText: askText, wantChoices: askChoices},
			{name: "キャンセル with a pending offer too", conv: offers(c.t1(), c.a1()), in: textIn("キャンセル"), wantStep: StepCancelTask, wantCancel: "A1", wantText: askText, wantChoices: askChoices},
			{name: "行けません with no offer but one place", conv: offers(c.a1()), in: textIn("行けません"), wantStep: StepCancelTask, wantCancel: "A1", wantText: askText, wantChoices: askChoices},
			{name: "giving up the job is a cancellation, not a withdrawal", conv: offers(c.a1()), in: textIn("この仕事はやめたいです"), wantStep: StepCancelTask, wantCancel: "A1", wantText: askText, wantChoices: askChoices},
			{name: "cancel button on the accepted card", conv: offers(c.a1()), in: tapIn("task:cancel:A1"), wantStep: StepCancelTask, wantCancel: "A1", wantText: askText, wantChoices: askChoices},
			{name: "two places: which one, soonest first, or none", conv: offers(c.a2(), c.t1(), c.a1()), in: textIn("キャンセル"),
				wantText: ja.Task.WhichCancel, wantChoices: []string{"task:cancel:A1", "task:cancel:A2", "task:keep:A1"}},
			{name: "nothing to cancel", conv: offers(c.t1()), in: textIn("キャンセル"), wantText: ja.Task.NothingToCancel},
			{name: "an ended task cannot be cancelled", conv: offers(c.ref("P1", "終わったお仕事", c.at(11, 20, 9, 0), 2, OfferAccepted)), in: textIn("行けなくなりました"),
				wantText: ja.Task.NothingToCancel},
			{name: "cancel button on an offer not accepted", conv: offers(c.t1()), in: tapIn("task:cancel:T1"), wantText: ja.Task.NothingToCancel},
			{name: "cancel button on an unknown task", conv: offers(c.a1()), in: tapIn("task:cancel:NOPE"), wantText: ja.Task.NotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := Converse(cat, c.now, p, tt.conv, tt.in)
				if r.Answer != nil {
					t.Errorf("answer %+v, want none yet", r.Answer)
				}
				if r.Conv.Step != tt.wantStep || r.Conv.CancelTask != tt.wantCancel {
					t.Errorf("step %q cancel %q, want %q %q", r.Conv.Step, r.Conv.CancelTask, tt.wantStep, tt.wantCancel)
				}
				if len(r.Messages) != 1 {
					t.Fatalf("messages %+v, want one", r.Messages)
				}
				if m := r.Messages[0]; m.Text != tt.wantText || !reflect.DeepEqual(choiceData(m.Choices), tt.wantChoices) {
					t.Errorf("said %q %v, want %q %v", m.Text, choiceData(m.Choices), tt.wantText, tt.wantChoices)
				}
			})
		}
	})

	t.Run("confirm", func(t *testing.T) {
		asking := Conversation{Step: StepCancelTask, CancelTask: "A1", Offers: []OfferRef{c.t1(), c.a1()}}
		tests := []struct {
			name       string
			in         Inbound
			wantAnswer *AnswerRequest
			wantStep   Step
			wantText   string
		}{
			{name: "はい", in: textIn("はい"), wantAnswer: &AnswerRequest{TaskID: "A1", Op: OpCancel}},
			{name: "キャンセルします", in: textIn("キャンセルします"), wantAnswer: &AnswerRequest{TaskID: "A1", Op: OpCancel}},
			{name: "yes button", in: tapIn("task:cancelyes:A1"), wantAnswer: &AnswerRequest{TaskID: "A1", Op: OpCancel}},
			{name: "いいえ", in: textIn("いいえ"), wantText: ja.Task.CancelKept},
			{name: "keep button", in: tapIn("task:keep:A1"), wantText: ja.Task.CancelKept},
			{name: "unclear answer asks again", in: textIn("うーん、どうしよう"), wantStep: StepCancelTask, wantText: askText},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := Converse(cat, c.now, p, cloneConv(asking), tt.in)
				if !reflect.DeepEqual(r.Answer, tt.wantAnswer) {
					t.Errorf("answer %+v, want %+v (said %q)", r.Answer, tt.wantAnswer, said(r))
				}
				wantCancel := ""
				if tt.wantStep == StepCancelTask {
					wantCancel = "A1"
				}
				if r.Conv.Step != tt.wantStep || r.Conv.CancelTask != wantCancel {
					t.Errorf("step %q cancel %q, want %q %q", r.Conv.Step, r.Conv.CancelTask, tt.wantStep, wantCancel)
				}
				if tt.wantAnswer != nil {
					if len(r.Messages) != 0 {
						t.Errorf("messages %+v, want none before Answered", r.Messages)
					}
					return
				}
				if len(r.Messages) == 0 || r.Messages[0].Text != tt.wantText {
					t.Errorf("said %q, want %q", said(r), tt.wantText)
				}
			})
		}
	})

	t.Run("a command leaves the question", func(t *testing.T) {
		asking := Conversation{Step: StepCancelTask, CancelTask: "A1", Offers: []OfferRef{c.t1(), c.a1()}}
		r := Converse(cat, c.now, p, asking, textIn("予定"))
		want := ja.Task.ScheduleTitle + "\n" + fmt.Sprintf(ja.Task.ScheduleLine, "12月2日(水) 9:00〜12:00", a1.Title, a1.Place)
		if r.Answer != nil || r.Conv.Step != StepIdle || len(r.Messages) != 1 || r.Messages[0].Text != want {
			t.Fatalf("answer %+v step %q said %q, want the schedule at the idle step", r.Answer, r.Conv.Step, said(r))
		}
		// A later 「はい」 no longer cancels anything.
		if r2 := Converse(cat, c.now, r.Profile, r.Conv, textIn("はい")); r2.Answer == nil || r2.Answer.TaskID != "T1" || r2.Answer.Op != OpAccept {
			t.Errorf("はい after leaving: answer %+v, want accept T1", r2.Answer)
		}
		if r.Conv.CancelTask != "" {
			t.Errorf("CancelTask = %q after leaving the question, want empty", r.Conv.CancelTask)
		}
	})

	t.Run("a detour at the question asks it again", func(t *testing.T) {
		tests := []struct {
			name string
			ins  []Inbound
		}{
			{name: "sticker", ins: []Inbound{textIn("")}},
			{name: "old button of another step", ins: []Inbound{tapIn("consent:yes")}},
			{name: "delete, then not", ins: []Inbound{textIn("退会"), tapIn("delete:no")}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				conv := Conversation{Step: StepCancelTask, CancelTask: "A1", Offers: []OfferRef{c.t1(), c.a1()}}
				var r Result
				for _, in := range tt.ins {
					r = Converse(cat, c.now, p, conv, in)
					conv = r.Conv
				}
				if r.Answer != nil {
					t.Fatalf("answer %+v", r.Answer)
				}
				if r.Conv.Step != StepCancelTask || r.Conv.CancelTask != "A1" {
					t.Fatalf("step %q cancel %q, want still asking about A1", r.Conv.Step, r.Conv.CancelTask)
				}
				if !hasButton(r, "task:cancelyes:A1") {
					t.Errorf("after %s the cancel question is not asked again (said %q)", tt.name, said(r))
				}
			})
		}
	})

	t.Run("the withdrawal card says the places taken go too", func(t *testing.T) {
		r := Converse(cat, c.now, p, offers(c.a1(), c.a2(), c.t1()), textIn("退会"))
		want := fmt.Sprintf(ja.DeleteTakesJobs, 2)
		if len(r.Messages) == 0 || r.Messages[0].Card == nil || !strings.Contains(r.Messages[0].Card.Body, want) {
			t.Errorf("withdrawal card %+v, want it to say %q", r.Messages, want)
		}
		r = Converse(cat, c.now, p, offers(c.t1()), textIn("退会"))
		if len(r.Messages) == 0 || r.Messages[0].Card == nil || strings.Contains(r.Messages[0].Card.Body, "取り消し") {
			t.Errorf("withdrawal card with no place taken %+v, want nothing said of places", r.Messages)
		}
		// A rest instead is offered to someone active: many who say
		// 「やめたい」 want one.
		if card := r.Messages[0].Card; !strings.Contains(card.Body, ja.DeleteOrPause) || !slices.Contains(choiceData(card.Buttons), "cmd:pause") {
			t.Errorf("withdrawal card %+v, want the pause offered instead", card)
		}
	})

	t.Run("a yes after a new offer card does not cancel the earlier place", func(t *testing.T) {
		conv := Conversation{Step: StepCancelTask, CancelTask: "A1", Offers: []OfferRef{c.a1()}}
		t2 := c.t2()
		r := Converse(cat, c.now, p, conv, Inbound{Kind: EventOffer, ProfileID: p.ID, Offer: &t2})
		if len(r.Messages) != 1 || r.Messages[0].Card == nil {
			t.Fatalf("offer: messages %+v", r.Messages)
		}
		r = Converse(cat, c.now, p, r.Conv, textIn("はい"))
		if r.Answer != nil && r.Answer.Op == OpCancel {
			t.Fatalf("「はい」 after a new offer card cancelled the earlier place: answer %+v", r.Answer)
		}
		// Accepting T2, or asking which task is meant, are both fine.
		if r.Answer != nil && (r.Answer.TaskID != "T2" || r.Answer.Op != OpAccept) {
			t.Errorf("answer %+v, want accept T2 or a question", r.Answer)
		}
	})

	t.Run("confirming a task that is gone", func(t *testing.T) {
		r := Converse(cat, c.now, p, Conversation{Step: StepCancelTask, CancelTask: "GONE", Offers: []OfferRef{c.a1()}}, textIn("はい"))
		if r.Answer != nil || r.Conv.Step != StepIdle || r.Conv.CancelTask != "" || said(r) != ja.Task.NothingToCancel+"\n" {
			t.Errorf("answer %+v step %q cancel %q said %q", r.Answer, r.Conv.Step, r.Conv.CancelTask, said(r))
		}
	})

	t.Run("whole flow: ask, then yes, then Answered", func(t *testing.T) {
		conv := offers(c.a1())
		r := Converse(cat, c.now, p, conv, textIn("行けなくなりました"))
		r = Converse(cat, c.now, r.Profile, r.Conv, textIn("はい"))
		if r.Answer == nil || r.Answer.Op != OpCancel || r.Conv.Step != StepIdle {
			t.Fatalf("answer %+v step %q", r.Answer, r.Conv.Step)
		}
		r = Answered(c.now, r, r.Answer, Outcome{State: OfferCancelled, Status: TaskOpen, Changed: true})
		if said(r) != ja.Task.CancelledByYou+"\n" || stateOf(t, r.Conv, "A1").State != OfferCancelled {
			t.Errorf("said %q, offers %+v", said(r), r.Conv.Offers)
		}
		r = Converse(cat, c.now, r.Profile, r.Conv, textIn("キャンセル"))
		if said(r) != ja.Task.NothingToCancel+"\n" {
			t.Errorf("after cancelling, said %q", said(r))
		}
	})
}

func TestSchedule(t *testing.T) {
	c := newOfferClock(t)
	past := c.ref("P1", "先週のお仕事", c.at(11, 20, 9, 0), 2, OfferAccepted)
	cancelled := c.ref("C1", "キャンセルしたお仕事", c.at(12, 4, 9, 0), 2, OfferCancelled)
	tests := []struct {
		name    string
		conv    Conversation
		text    string
		want    []string // in this order
		notWant []string
	}{
		{name: "予定 lists upcoming places soonest first", conv: offers(c.a2(), past, c.t1(), c.a1(), cancelled), text: "予定",
			want:    []string{ja.Task.ScheduleTitle, "12月2日(水) 9:00〜12:00", c.a1().Title, "12月5日(土) 14:00〜16:00", c.a2().Title},
			notWant: []string{past.Title, c.t1().Title, cancelled.Title}},
		{name: "スケジュール", conv: offers(c.a1()), text: "スケジュール",
			want: []string{ja.Task.ScheduleTitle, "12月2日(水) 9:00〜12:00", c.a1().Title, "世田谷区"}},
		{name: "予定を見る", conv: offers(c.a1()), text: "予定を見る", want: []string{c.a1().Title}},
		{name: "nothing ahead", conv: offers(past, c.t1()), text: "予定", want: []string{ja.Task.ScheduleNone}, notWant: []string{past.Title, c.t1().Title}},
		{name: "nothing at all", conv: Conversation{}, text: "スケジュール", want: []string{ja.Task.ScheduleNone}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), tt.conv, textIn(tt.text))
			if r.Answer != nil || len(r.Messages) != 1 {
				t.Fatalf("answer %+v messages %+v, want one message", r.Answer, r.Messages)
			}
			s := r.Messages[0].Text
			pos := 0
			for _, w := range tt.want {
				i := strings.Index(s[pos:], w)
				if i < 0 {
					t.Fatalf("schedule %q lacks %q (in order)", s, w)
				}
				pos += i + len(w)
			}
			for _, w := range tt.notWant {
				if strings.Contains(s, w) {
					t.Errorf("schedule %q lists %q", s, w)
				}
			}
		})
	}
}

func TestAnswered(t *testing.T) {
	c := newOfferClock(t)
	accepted := c.t1()
	accepted.State, accepted.AcceptedAt = OfferAccepted, c.now.Add(-2*time.Hour)
	waitlisted := c.t1()
	waitlisted.State = OfferWaitlisted
	tests := []struct {
		name      string
		ref       OfferRef
		req       AnswerRequest
		out       Outcome
		wantText  string // the only message's text; "" for none
		wantCard  bool   // the only message is the accepted card
		wantState OfferState
		wantGone  bool
	}{
		{name: "accepted", ref: c.t1(), req: AnswerRequest{TaskID: "T1", Op: OpAccept},
			out: Outcome{State: OfferAccepted, Status: TaskOpen, Changed: true}, wantCard: true, wantState: OfferAccepted},
		{name: "accepted and filled", ref: c.t1(), req: AnswerRequest{TaskID: "T1", Op: OpAccept},
			out: Outcome{State: OfferAccepted, Status: TaskFilled, Changed: true}, wantCard: true, wantState: OfferAccepted},
		{name: "waitlisted", ref: c.t1(), req: AnswerRequest{TaskID: "T1", Op: OpAccept},
			out: Outcome{State: OfferWaitlisted, Status: TaskFilled, Changed: true}, wantText: ja.Task.Waitlisted, wantState: OfferWaitlisted},
		{name: "declined", ref: c.t1(), req: AnswerRequest{TaskID: "T1", Op: OpDecline},
			out: Outcome{State: OfferDeclined, Status: TaskOpen, Changed: true}, wantText: fmt.Sprintf(ja.Task.DeclinedTask, "テストの採点"), wantState: OfferDeclined},
		{name: "cancelled", ref: accepted, req: AnswerRequest{TaskID: "T1", Op: OpCancel},
			out: Outcome{State: OfferCancelled, Status: TaskOpen, Changed: true}, wantText: ja.Task.CancelledByYou, wantState: OfferCancelled},
		{name: "already accepted", ref: accepted, req: AnswerRequest{TaskID: "T1", Op: OpAccept},
			out: Outcome{State: OfferAccepted, Status: TaskFilled}, wantText: ja.Task.AlreadyAccepted, wantState: OfferAccepted},
		{name: "already waitlisted", ref: waitlisted, req: AnswerRequest{TaskID: "T1", Op: OpAccept},
			out: Outcome{State: OfferWaitlisted, Status: TaskFilled}, wantText: ja.Task.AlreadyWaitlisted, wantState: OfferWaitlisted},
		{name: "task gone", ref: c.t1(), req: AnswerRequest{TaskID: "T1", Op: OpAccept},
			out: Outcome{}, wantText: ja.Task.NotFound, wantState: OfferOffered},
		{name: "started", ref: c.t1(), req: AnswerRequest{TaskID: "T1", Op: OpAccept},
			out: Outcome{State: OfferOffered, Status: TaskOpen, Started: true}, wantText: ja.Task.Started, wantState: OfferOffered},
		{name: "ended: a card from a week ago", ref: c.ref("T1", "テストの採点", c.now.Add(-10*24*time.Hour), 2, OfferOffered), req: AnswerRequest{TaskID: "T1", Op: OpAccept},
			out: Outcome{State: OfferOffered, Status: TaskOpen, Started: true}, wantText: ja.Task.Ended, wantState: OfferOffered},
		{name: "task cancelled", ref: c.t1(), req: AnswerRequest{TaskID: "T1", Op: OpAccept},
			out: Outcome{State: OfferOffered, Status: TaskCancelled}, wantText: ja.Task.Closed, wantState: OfferOffered},
		{name: "task closed", ref: c.t1(), req: AnswerRequest{TaskID: "T1", Op: OpDecline},
			out: Outcome{State: OfferOffered, Status: TaskClosed}, wantText: ja.Task.Closed, wantState: OfferOffered},
		{name: "decline after accepting", ref: accepted, req: AnswerRequest{TaskID: "T1", Op: OpDecline},
			out: Outcome{State: OfferAccepted, Status: TaskOpen}, wantText: ja.Task.AcceptedNoDecline, wantState: OfferAccepted},
		{name: "declined twice", ref: c.t1(), req: AnswerRequest{TaskID: "T1", Op: OpDecline},
			out: Outcome{State: OfferDeclined, Status: TaskOpen}, wantText: ja.Task.AlreadyDeclined, wantState: OfferDeclined},
		{name: "cancel of nothing", ref: c.t1(), req: AnswerRequest{TaskID: "T1", Op: OpCancel},
			out: Outcome{State: OfferDeclined, Status: TaskOpen}, wantText: ja.Task.NothingToCancel, wantState: OfferDeclined},
		{name: "silent decline", ref: c.t1(), req: AnswerRequest{TaskID: "T1", Op: OpDecline, Silent: true},
			out: Outcome{State: OfferDeclined, Status: TaskOpen, Changed: true}, wantState: OfferDeclined},
		{name: "silent decline of an unrecorded offer", ref: c.t2(), req: AnswerRequest{TaskID: "T1", Op: OpDecline, Silent: true},
			out: Outcome{State: OfferDeclined, Status: TaskOpen, Changed: true}},
		{name: "forget removes the ref", ref: accepted, req: AnswerRequest{TaskID: "T1", Op: OpForget, Silent: true},
			out: Outcome{State: OfferCancelled, Status: TaskOpen, Changed: true}, wantGone: true},
		{name: "forget of a task gone removes the ref", ref: c.t1(), req: AnswerRequest{TaskID: "T1", Op: OpForget, Silent: true},
			out: Outcome{}, wantGone: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conv := offers(c.a2(), tt.ref)
			before := cloneConv(conv)
			req := tt.req
			res := Answered(c.now, Result{Profile: offerPerson(StatusActive), Conv: conv, Answer: &req}, &req, tt.out)
			if res.Answer != nil {
				t.Errorf("Answer %+v left in the result", res.Answer)
			}
			if res.Profile == nil {
				t.Error("profile lost")
			}
			if !reflect.DeepEqual(conv, before) {
				t.Errorf("input conversation changed: %+v", conv.Offers)
			}
			if a2 := stateOf(t, res.Conv, "A2"); !reflect.DeepEqual(a2, c.a2()) {
				t.Errorf("another ref changed: %+v", a2)
			}
			switch {
			case tt.wantCard:
				if len(res.Messages) != 1 || res.Messages[0].Card == nil {
					t.Fatalf("messages %+v, want one card", res.Messages)
				}
				card := res.Messages[0].Card
				if card.Title != ja.Task.AcceptedTitle || !strings.Contains(card.Body, tt.ref.Title) || !strings.Contains(card.Body, ja.Task.AcceptedBody) {
					t.Errorf("card %q / %q", card.Title, card.Body)
				}
				if got := choiceData(card.Buttons); !reflect.DeepEqual(got, []string{"task:cancel:T1"}) {
					t.Errorf("buttons %v, want task:cancel:T1", got)
				}
				if v, _ := fieldOf(card, ja.Task.FieldWhen); v != "12月1日(火) 8:00〜10:00" {
					t.Errorf("日時 = %q", v)
				}
			case tt.wantText == "":
				if len(res.Messages) != 0 {
					t.Errorf("messages %+v, want none", res.Messages)
				}
			default:
				if len(res.Messages) != 1 || res.Messages[0].Text != tt.wantText {
					t.Errorf("said %q, want %q", said(res), tt.wantText)
				}
			}
			r, i := findRef(res.Conv.Offers, "T1")
			switch {
			case tt.wantGone:
				if i >= 0 || len(res.Conv.Offers) != 1 {
					t.Errorf("offers %v, want T1 removed", refIDs(res.Conv.Offers))
				}
				return
			case tt.ref.TaskID != "T1":
				if i >= 0 {
					t.Errorf("an unrecorded offer was added: %+v", r)
				}
				return
			case i < 0:
				t.Fatalf("T1 lost: %v", refIDs(res.Conv.Offers))
			}
			if r.State != tt.wantState {
				t.Errorf("state %q, want %q", r.State, tt.wantState)
			}
			wantAt := tt.ref.AcceptedAt
			if tt.out.Changed && tt.out.State == OfferAccepted {
				wantAt = c.now
			}
			if !r.AcceptedAt.Equal(wantAt) {
				t.Errorf("AcceptedAt %v, want %v", r.AcceptedAt, wantAt)
			}
		})
	}

	t.Run("keeps the messages already in the result", func(t *testing.T) {
		req := &AnswerRequest{TaskID: "T1", Op: OpDecline}
		res := Answered(c.now, Result{Conv: offers(c.t1()), Messages: []Message{{Text: "前置き"}}, Answer: req}, req,
			Outcome{State: OfferDeclined, Status: TaskOpen, Changed: true})
		if len(res.Messages) != 2 || res.Messages[0].Text != "前置き" || res.Messages[1].Text != fmt.Sprintf(ja.Task.DeclinedTask, "テストの採点") {
			t.Errorf("messages %+v", res.Messages)
		}
	})
}

func TestReminderAndTaskCancelledEvents(t *testing.T) {
	c := newOfferClock(t)
	cancelledRef := c.a2()
	cancelledRef.State = OfferCancelled
	declined := c.t2()
	declined.State = OfferDeclined
	ended := c.ref("P1", "終わったお仕事", c.at(11, 20, 9, 0), 2, OfferAccepted)
	base := offers(c.t1(), c.a1(), cancelledRef, declined, ended)
	reminder := func(id, kind string) Inbound {
		return Inbound{ID: "remind:" + id + ":" + kind, Kind: EventReminder, ProfileID: "line:U0042", Data: id, Text: kind}
	}
	orgCancel := func(id string) Inbound {
		return Inbound{ID: "cancelled:" + id, Kind: EventTaskCancelled, ProfileID: "line:U0042", Data: id}
	}
	tests := []struct {
		name      string
		p         *Profile
		conv      Conversation
		in        Inbound
		wantCard  string // a substring of the only card's body
		wantText  string // the only text
		wantState map[string]OfferState
		wantStep  Step
	}{
		{name: "soon reminder", p: offerPerson(StatusActive), conv: base, in: reminder("A1", "soon"), wantCard: ja.Task.ReminderSoon},
		{name: "reminder reaches a paused person", p: offerPerson(StatusPaused), conv: base, in: reminder("A1", "soon"), wantCard: ja.Task.ReminderSoon},
		{name: "reminder of a cancelled place", p: offerPerson(StatusActive), conv: base, in: reminder("A2", "evening")},
		{name: "reminder of an offer never accepted", p: offerPerson(StatusActive), conv: base, in: reminder("T1", "evening")},
		{name: "reminder of an unknown task", p: offerPerson(StatusActive), conv: base, in: reminder("NOPE", "soon")},
		{name: "reminder of a task over", p: offerPerson(StatusActive), conv: base, in: reminder("P1", "soon")},
		{name: "reminder to a deleted person", p: nil, conv: Conversation{}, in: reminder("A1", "soon")},
		{name: "organizer cancels an accepted task", p: offerPerson(StatusActive), conv: base, in: orgCancel("A1"),
			wantText:  fmt.Sprintf(ja.Task.TaskCancelledByOrg, c.a1().Title, "12月2日(水) 9:00〜12:00"),
			wantState: map[string]OfferState{"A1": OfferCancelled, "T1": OfferOffered}},
		{name: "organizer cancels an offered task", p: offerPerson(StatusActive), conv: base, in: orgCancel("T1"),
			wantText:  fmt.Sprintf(ja.Task.TaskCancelledByOrg, c.t1().Title, "12月1日(火) 8:00〜10:00"),
			wantState: map[string]OfferState{"T1": OfferCancelled, "A1": OfferAccepted}},
		{name: "organizer cancels the task being cancelled", p: offerPerson(StatusActive),
			conv: Conversation{Step: StepCancelTask, CancelTask: "A1", Offers: base.Offers}, in: orgCancel("A1"),
			wantText:  fmt.Sprintf(ja.Task.TaskCancelledByOrg, c.a1().Title, "12月2日(水) 9:00〜12:00"),
			wantState: map[string]OfferState{"A1": OfferCancelled}},
		{name: "organizer cancels another task mid-question", p: offerPerson(StatusActive),
			conv: Conversation{Step: StepCancelTask, CancelTask: "A1", Offers: base.Offers}, in: orgCancel("T1"),
			wantText:  fmt.Sprintf(ja.Task.TaskCancelledByOrg, c.t1().Title, "12月1日(火) 8:00〜10:00"),
			wantState: map[string]OfferState{"A1": OfferAccepted, "T1": OfferCancelled}, wantStep: StepCancelTask},
		{name: "organizer cancels a declined task", p: offerPerson(StatusActive), conv: base, in: orgCancel("T2"),
			wantState: map[string]OfferState{"T2": OfferDeclined}},
		{name: "organizer cancels an unknown task", p: offerPerson(StatusActive), conv: base, in: orgCancel("NOPE")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Converse(testCatalog(t), c.now, tt.p, cloneConv(tt.conv), tt.in)
			if r.Answer != nil {
				t.Errorf("answer %+v, want none", r.Answer)
			}
			switch {
			case tt.wantCard != "":
				if len(r.Messages) != 1 || r.Messages[0].Card == nil {
					t.Fatalf("messages %+v, want one card", r.Messages)
				}
				card := r.Messages[0].Card
				// The task named once, in the body; the title says what the
				// card is.
				if !strings.Contains(card.Body, tt.wantCard) || !strings.HasPrefix(card.Body, c.a1().Title+"\n") || card.Title == c.a1().Title {
					t.Errorf("card %q / %q, want the task and %q", card.Title, card.Body, tt.wantCard)
				}
				if v, _ := fieldOf(card, ja.Task.FieldWhen); v != "12月2日(水) 9:00〜12:00" {
					t.Errorf("日時 = %q", v)
				}
				if !reflect.DeepEqual(choiceData(card.Buttons), []string{"task:cancel:A1"}) {
					t.Errorf("buttons %v", choiceData(card.Buttons))
				}
			case tt.wantText != "":
				if len(r.Messages) != 1 || r.Messages[0].Text != tt.wantText {
					t.Errorf("said %q, want %q", said(r), tt.wantText)
				}
			default:
				if len(r.Messages) != 0 {
					t.Errorf("messages %+v, want none", r.Messages)
				}
			}
			for id, want := range tt.wantState {
				if got := stateOf(t, r.Conv, id).State; got != want {
					t.Errorf("%s state %q, want %q", id, got, want)
				}
			}
			if tt.wantState == nil && tt.p != nil && !reflect.DeepEqual(r.Conv, tt.conv) {
				t.Errorf("conversation changed: %+v", r.Conv)
			}
			wantCancel := ""
			if tt.wantStep == StepCancelTask {
				wantCancel = "A1"
			}
			if r.Conv.Step != tt.wantStep || r.Conv.CancelTask != wantCancel {
				t.Errorf("step %q cancel %q, want %q %q", r.Conv.Step, r.Conv.CancelTask, tt.wantStep, wantCancel)
			}
		})
	}
}

// TestConverseLeavesOffersOfTheInput: Converse is documented as a pure
// function, and Answered copies the offers before changing one; no event
// may write into the caller's Conversation.
func TestConverseLeavesOffersOfTheInput(t *testing.T) {
	c := newOfferClock(t)
	for _, in := range []Inbound{
		{Kind: EventTaskCancelled, Data: "A1"},
		{Kind: EventReminder, Data: "A1", Text: "soon"},
		{Kind: EventOffer, Offer: func() *OfferRef { r := c.t2(); return &r }()},
		{Kind: EventText, Text: "キャンセル"},
		{Kind: EventText, Text: "はい"},
		{Kind: EventPostback, Data: "task:cancelyes:A1"},
	} {
		t.Run(string(in.Kind)+" "+in.Text+in.Data, func(t *testing.T) {
			in.ProfileID = "line:U0042"
			conv := offers(c.t1(), c.a1())
			before := cloneConv(conv)
			Converse(testCatalog(t), c.now, offerPerson(StatusActive), conv, in)
			if !reflect.DeepEqual(conv, before) {
				t.Errorf("input offers changed: %+v, want %+v", conv.Offers, before.Offers)
			}
		})
	}
}

// recentConv is a person's offers around c.now, Monday 30 November, for
// the tests of Recent.
func recentConv(c offerClock) Conversation {
	mk := func(id string, state OfferState, at, acceptedAt, start time.Time) OfferRef {
		return OfferRef{TaskID: id, Title: id, State: state, At: at, AcceptedAt: acceptedAt, Start: start, End: start.Add(2 * time.Hour)}
	}
	return offers(
		// Offered recently, not accepted: an offer only.
		mk("offered", OfferOffered, c.at(11, 29, 12, 0), time.Time{}, c.at(12, 8, 9, 0)),
		// Offered 41 days ago: counts for nothing.
		mk("old-offer", OfferDeclined, c.at(10, 20, 12, 0), time.Time{}, c.at(10, 25, 9, 0)),
		// Accepted, on the Sunday of this week.
		mk("sunday", OfferAccepted, c.at(11, 25, 12, 0), c.at(11, 26, 9, 0), c.at(12, 6, 10, 0)),
		// Accepted, on the next Monday at midnight: not this week.
		mk("next-monday", OfferAccepted, c.at(11, 25, 12, 0), c.at(11, 26, 9, 0), c.at(12, 7, 0, 0)),
		// Accepted long ago, starting this Monday at midnight: this week only.
		mk("this-monday", OfferAccepted, c.at(9, 30, 12, 0), c.at(10, 1, 9, 0), c.at(11, 30, 0, 0)),
		// Accepted recently, on the Sunday before: not this week.
		mk("last-sunday", OfferAccepted, c.at(11, 19, 12, 0), c.at(11, 20, 9, 0), c.at(11, 29, 23, 0)),
		// Accepted then cancelled: an offer, not a place.
		mk("cancelled", OfferCancelled, c.at(11, 28, 12, 0), c.at(11, 28, 13, 0), c.at(12, 2, 9, 0)),
	)
}

func TestRecent(t *testing.T) {
	c := newOfferClock(t)
	conv := recentConv(c)
	tests := []struct {
		name                       string
		now                        time.Time
		offers, assigned, thisWeek int
	}{
		{name: "Monday morning", now: c.now, offers: 5, assigned: 3, thisWeek: 2},
		{name: "Monday morning read in UTC", now: c.now.In(time.UTC), offers: 5, assigned: 3, thisWeek: 2},
		{name: "Monday just after midnight (Sunday in UTC)", now: c.at(11, 30, 0, 30).In(time.UTC), offers: 5, assigned: 3, thisWeek: 2},
		{name: "Sunday night", now: c.at(12, 6, 23, 59), offers: 5, assigned: 3, thisWeek: 2},
		{name: "next Monday", now: c.at(12, 7, 0, 0), offers: 5, assigned: 3, thisWeek: 1},
		{name: "four weeks later", now: c.at(12, 27, 12, 0), offers: 2, assigned: 0, thisWeek: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, a, w := conv.Recent(tt.now, c.loc)
			if o != tt.offers || a != tt.assigned || w != tt.thisWeek {
				t.Errorf("Recent = %d, %d, %d; want %d, %d, %d", o, a, w, tt.offers, tt.assigned, tt.thisWeek)
			}
		})
	}
}

func TestRecentUntil(t *testing.T) {
	c := newOfferClock(t)
	conv := recentConv(c)
	day := 24 * time.Hour
	tests := []struct {
		name string
		conv Conversation
		now  time.Time
		want time.Time
	}{
		// "this-monday" starts this week: the count of the week moves
		// next Monday.
		{name: "Monday morning", conv: conv, now: c.now, want: c.at(12, 7, 0, 0)},
		// Then "next-monday" is this week's, until the Monday after.
		{name: "next Monday", conv: conv, now: c.at(12, 7, 0, 0), want: c.at(12, 14, 0, 0)},
		// No accepted task starts from then on; the offer of
		// "last-sunday" (19 November, noon) leaves the 30 days first,
		// then its acceptance (20 November, 9:00).
		{name: "two Mondays on", conv: conv, now: c.at(12, 14, 0, 0), want: c.at(11, 19, 12, 0).Add(30 * day)},
		{name: "its acceptance next", conv: conv, now: c.at(12, 19, 12, 0), want: c.at(11, 20, 9, 0).Add(30 * day)},
		// Next the offers of 25 November, at noon, 30 days on.
		{name: "after the first leaves", conv: conv, now: c.at(12, 20, 9, 0), want: c.at(11, 25, 12, 0).Add(30 * day)},
		// Every acceptance is over a month old: only the last offers
		// leave, "cancelled" (28 November, noon) first.
		{name: "four weeks later", conv: conv, now: c.at(12, 27, 12, 0), want: c.at(11, 28, 12, 0).Add(30 * day)},
		{name: "nothing left to leave", conv: conv, now: c.at(12, 31, 12, 0), want: time.Time{}},
		{name: "no offers", conv: Conversation{}, now: c.now, want: time.Time{}},
		// An accepted task three weeks on, accepted long ago: nothing
		// moves until its week begins, on Monday 21 December.
		{name: "a task in a later week", now: c.now, want: c.at(12, 21, 0, 0), conv: offers(OfferRef{
			TaskID: "later", State: OfferAccepted, At: c.at(9, 1, 9, 0), AcceptedAt: c.at(9, 1, 10, 0),
			Start: c.at(12, 21, 9, 0), End: c.at(12, 21, 11, 0),
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.conv.RecentUntil(tt.now, c.loc)
			if !got.Equal(tt.want) {
				t.Errorf("RecentUntil = %v, want %v", got, tt.want)
			}
		})
	}

	// Whatever it says, nothing changes before it: walk two months an
	// hour at a time (and a minute either side of each due moment).
	t.Run("no count moves before it", func(t *testing.T) {
		for _, conv := range []Conversation{conv, tests[len(tests)-1].conv} {
			now := c.at(11, 1, 0, 0)
			for now.Before(c.at(1, 1, 0, 0).AddDate(1, 0, 0)) {
				until := conv.RecentUntil(now, c.loc)
				o, a, w := conv.Recent(now, c.loc)
				end := until
				if end.IsZero() {
					end = now.Add(60 * day)
				}
				for at := now; at.Before(end); at = at.Add(time.Hour) {
					for _, tt := range []time.Time{at, end.Add(-time.Minute)} {
						if o2, a2, w2 := conv.Recent(tt, c.loc); o2 != o || a2 != a || w2 != w {
							t.Fatalf("from %v, due %v: Recent at %v is %d, %d, %d; at the start %d, %d, %d",
								now, until, tt, o2, a2, w2, o, a, w)
						}
					}
				}
				if until.IsZero() {
					break
				}
				now = until
			}
		}
	})
}

func TestKeepRefs(t *testing.T) {
	c := newOfferClock(t)
	mk := func(id string, at, end time.Time) OfferRef {
		return OfferRef{TaskID: id, State: OfferDeclined, At: at, Start: end.Add(-time.Hour), End: end}
	}
	t.Run("drops refs over a month old", func(t *testing.T) {
		refs := []OfferRef{
			mk("ended-31d", c.now.Add(-40*24*time.Hour), c.now.Add(-31*24*time.Hour)),
			mk("ended-29d", c.now.Add(-35*24*time.Hour), c.now.Add(-29*24*time.Hour)),
			mk("ended-30d-1m", c.now.Add(-35*24*time.Hour), c.now.Add(-30*24*time.Hour-time.Minute)),
			mk("ended-30d+1m", c.now.Add(-35*24*time.Hour), c.now.Add(-30*24*time.Hour+time.Minute)),
			mk("ahead", c.now.Add(-time.Hour), c.now.Add(48*time.Hour)),
		}
		before := append([]OfferRef(nil), refs...)
		got := refIDs(keepRefs(refs, c.now))
		if want := []string{"ended-29d", "ended-30d+1m", "ahead"}; !reflect.DeepEqual(got, want) {
			t.Errorf("kept %v, want %v", got, want)
		}
		if !reflect.DeepEqual(refs, before) {
			t.Error("keepRefs changed its input")
		}
	})
	t.Run("caps at 60, keeping the newest offers", func(t *testing.T) {
		var refs []OfferRef
		// 70 offers made a minute apart, listed in a scrambled order.
		for i := 0; i < 70; i++ {
			k := (i * 37) % 70
			refs = append(refs, mk(fmt.Sprintf("o%02d", k), c.now.Add(-time.Duration(70-k)*time.Minute), c.now.Add(time.Duration(k)*time.Hour)))
		}
		before := append([]OfferRef(nil), refs...)
		kept := keepRefs(refs, c.now)
		if len(kept) != maxOfferRefs || maxOfferRefs != 60 {
			t.Fatalf("kept %d refs, want 60", len(kept))
		}
		have := map[string]bool{}
		for _, r := range kept {
			have[r.TaskID] = true
		}
		for k := 0; k < 70; k++ {
			if want := k >= 10; have[fmt.Sprintf("o%02d", k)] != want {
				t.Errorf("o%02d kept %v, want %v", k, !want, want)
			}
		}
		if !reflect.DeepEqual(refs, before) {
			t.Error("keepRefs changed its input")
		}
	})
	t.Run("old refs go before the cap counts", func(t *testing.T) {
		var refs []OfferRef
		for i := 0; i < 65; i++ {
			end := c.now.Add(time.Duration(i) * time.Hour)
			if i < 10 {
				end = c.now.Add(-40 * 24 * time.Hour)
			}
			// The old ones are the newest offers: age, not At, drops them.
			refs = append(refs, mk(fmt.Sprintf("o%02d", i), c.now.Add(-time.Duration(100-i)*time.Minute), end))
		}
		if got := len(keepRefs(refs, c.now)); got != 55 {
			t.Errorf("kept %d, want 55", got)
		}
	})
	t.Run("an offer beyond the cap evicts the oldest", func(t *testing.T) {
		var refs []OfferRef
		for i := 0; i < 60; i++ {
			refs = append(refs, mk(fmt.Sprintf("o%02d", i), c.now.Add(-time.Duration(60-i)*time.Hour), c.now.Add(24*time.Hour)))
		}
		r := c.t1()
		r.At = c.now
		res := Converse(testCatalog(t), c.now, offerPerson(StatusActive), offers(refs...), Inbound{Kind: EventOffer, ProfileID: "line:U0042", Offer: &r})
		if len(res.Conv.Offers) != 60 {
			t.Fatalf("%d offers, want 60", len(res.Conv.Offers))
		}
		if _, i := findRef(res.Conv.Offers, "o00"); i >= 0 {
			t.Error("the oldest offer was kept")
		}
		if _, i := findRef(res.Conv.Offers, "T1"); i < 0 {
			t.Error("the new offer was dropped")
		}
	})
	t.Run("places held and offers awaiting an answer outlive any number of newer offers", func(t *testing.T) {
		held := []OfferRef{
			{TaskID: "accepted", State: OfferAccepted, At: c.now.Add(-90 * time.Hour), Start: c.now.Add(200 * time.Hour), End: c.now.Add(202 * time.Hour)},
			{TaskID: "waitlisted", State: OfferWaitlisted, At: c.now.Add(-89 * time.Hour), Start: c.now.Add(200 * time.Hour), End: c.now.Add(202 * time.Hour)},
			{TaskID: "awaiting", State: OfferOffered, At: c.now.Add(-88 * time.Hour), ExpiresAt: c.now.Add(time.Hour), Start: c.now.Add(200 * time.Hour), End: c.now.Add(202 * time.Hour)},
		}
		gone := []OfferRef{
			{TaskID: "accepted-ended", State: OfferAccepted, At: c.now.Add(-87 * time.Hour), Start: c.now.Add(-3 * time.Hour), End: c.now.Add(-time.Hour)},
			{TaskID: "offer-lapsed", State: OfferOffered, At: c.now.Add(-86 * time.Hour), ExpiresAt: c.now.Add(-time.Hour), Start: c.now.Add(200 * time.Hour), End: c.now.Add(202 * time.Hour)},
		}
		refs := append(append([]OfferRef(nil), held...), gone...)
		for i := 0; i < 80; i++ {
			refs = append(refs, mk(fmt.Sprintf("n%02d", i), c.now.Add(-time.Duration(80-i)*time.Minute), c.now.Add(24*time.Hour)))
		}
		kept := keepRefs(refs, c.now)
		if len(kept) != maxOfferRefs {
			t.Errorf("kept %d, want %d", len(kept), maxOfferRefs)
		}
		for _, r := range held {
			if _, i := findRef(kept, r.TaskID); i < 0 {
				t.Errorf("%s was dropped", r.TaskID)
			}
		}
		for _, r := range gone {
			if _, i := findRef(kept, r.TaskID); i >= 0 {
				t.Errorf("%s was kept over newer offers", r.TaskID)
			}
		}
		if _, i := findRef(kept, "n79"); i < 0 {
			t.Error("the newest offer was dropped")
		}
	})
}

func TestKeepSessions(t *testing.T) {
	c := newOfferClock(t)
	at := func(h int) time.Time { return c.now.Add(time.Duration(h) * time.Hour) }
	refs := []SessionRef{
		{SessionID: "coming", RSVP: RSVPYes, Start: at(100), End: at(101)},
		{SessionID: "ended-2d", RSVP: RSVPYes, Start: at(-49), End: at(-48)},
		{SessionID: "ended-1h", RSVP: RSVPYes, Start: at(-2), End: at(-1)},
	}
	for i := 0; i < 40; i++ {
		refs = append(refs, SessionRef{SessionID: fmt.Sprintf("s%02d", i), Start: at(10 + i), End: at(11 + i)})
	}
	got := refIDsOf(keepSessions(refs, c.now))
	if len(got) != 1+maxSessionRefs {
		t.Errorf("kept %d sessions, want %d", len(got), 1+maxSessionRefs)
	}
	have := map[string]bool{}
	for _, id := range got {
		have[id] = true
	}
	for id, want := range map[string]bool{"coming": true, "ended-2d": false, "ended-1h": false, "s00": false, "s09": false, "s10": true, "s39": true} {
		if have[id] != want {
			t.Errorf("%s kept %v, want %v", id, have[id], want)
		}
	}
}

func refIDsOf(refs []SessionRef) []string {
	var ids []string
	for _, r := range refs {
		ids = append(ids, r.SessionID)
	}
	return ids
}

func TestReminders(t *testing.T) {
	c := newOfferClock(t)
	b := &TaskService{Location: c.loc}
	ref := c.ref("T9", "読み聞かせ", c.at(12, 3, 9, 0), 2, OfferAccepted)
	const pid = "line:U0042"
	evening, soon, end := c.at(12, 2, 18, 0), c.at(12, 3, 7, 0), c.at(12, 3, 11, 0)
	posted := ref
	posted.Created = c.at(12, 2, 20, 0) // 13 hours ahead
	tests := []struct {
		name  string
		ref   OfferRef
		quiet QuietHours
		now   time.Time
		want  []time.Time
		kinds []string
	}{
		{name: "three days ahead", ref: ref, now: c.now, want: []time.Time{evening, soon, end}, kinds: []string{"evening", "soon", "done"}},
		{name: "the evening before, after six: asked at once", ref: ref, now: c.at(12, 2, 19, 0),
			want: []time.Time{c.at(12, 2, 19, 0), soon, end}, kinds: []string{"evening", "soon", "done"}},
		{name: "exactly at six", ref: ref, now: evening, want: []time.Time{evening, soon, end}, kinds: []string{"evening", "soon", "done"}},
		{name: "in quiet hours: asked when they end", ref: ref, quiet: fixedQuiet{from: 21, to: 8}, now: c.at(12, 2, 6, 0),
			want: []time.Time{evening, soon, end}, kinds: []string{"evening", "soon", "done"}},
		{name: "late at night: the question would come after the check, so none", ref: ref, quiet: fixedQuiet{from: 21, to: 8},
			now: c.at(12, 2, 23, 0), want: []time.Time{soon, end}, kinds: []string{"soon", "done"}},
		{name: "posted less than a day ahead: asked at once", ref: posted, now: posted.Created,
			want: []time.Time{posted.Created, soon, end}, kinds: []string{"evening", "soon", "done"}},
		{name: "within two hours: confirmed, not asked", ref: ref, now: c.at(12, 3, 8, 0), want: []time.Time{end}, kinds: []string{"done"}},
		{name: "after the end: nothing", ref: ref, now: c.at(12, 3, 12, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &TaskService{Location: c.loc, Quiet: tt.quiet}
			got := b.reminders(tt.ref, pid, tt.now)
			if len(got) != len(tt.want) {
				t.Fatalf("%d reminders %+v, want %d", len(got), got, len(tt.want))
			}
			for i, d := range got {
				if !d.At.Equal(tt.want[i]) {
					t.Errorf("reminder %d at %v, want %v", i, d.At, tt.want[i])
				}
				o := d.Out
				if o.Kind != OutEvent || o.To != pid || o.Event == nil {
					t.Fatalf("reminder %d out %+v", i, o)
				}
				e := o.Event
				if e.Kind != EventReminder || e.Data != "T9" || e.Text != tt.kinds[i] || e.ProfileID != pid || e.ID != o.ID {
					t.Errorf("reminder %d event %+v", i, e)
				}
				if o.ID != "remind:T9:"+tt.kinds[i]+":"+pid {
					t.Errorf("reminder %d id %q", i, o.ID)
				}
			}
		})
	}

	t.Run("entries are rebuilt byte for byte", func(t *testing.T) {
		marshal := func(ds []Due) string {
			t.Helper()
			j, err := json.Marshal(ds)
			if err != nil {
				t.Fatal(err)
			}
			return string(j)
		}
		first := marshal(b.reminders(ref, pid, c.now))
		if again := marshal(b.reminders(ref, pid, c.now)); again != first {
			t.Errorf("computed twice:\n%s\n%s", first, again)
		}
		if later := marshal(b.reminders(ref, pid, c.now.Add(3*time.Hour))); later != first {
			t.Errorf("computed later:\n%s\n%s", first, later)
		}
		// The ref as stored in JSON, its times in UTC, gives the same bytes.
		utc := ref
		utc.Start, utc.End = ref.Start.In(time.UTC), ref.End.In(time.UTC)
		if fromUTC := marshal(b.reminders(utc, pid, c.now.In(time.UTC))); fromUTC != first {
			t.Errorf("from UTC times:\n%s\n%s", first, fromUTC)
		}
		// What a cancellation removes is what an acceptance queued.
		if all := marshal(b.allReminders(ref, pid)); all != first {
			t.Errorf("allReminders:\n%s\nreminders:\n%s", all, first)
		}
	})

	t.Run("the evening before crosses a month", func(t *testing.T) {
		r := c.ref("T10", "月初のお仕事", c.at(12, 1, 9, 0), 1, OfferAccepted)
		got := b.reminders(r, pid, c.now)
		if len(got) != 3 || !got[0].At.Equal(c.at(11, 30, 18, 0)) || !got[1].At.Equal(c.at(12, 1, 7, 0)) || !got[2].At.Equal(c.at(12, 1, 10, 0)) {
			t.Errorf("reminders %+v", got)
		}
	})
}

// FuzzOfferAnswers: whatever a person with two offers and one place types or
// taps, the bot answers or asks for an answer to be applied, and only ever
// for a task the person was offered.
func FuzzOfferAnswers(f *testing.F) {
	for _, s := range []string{"はい", "いいえ", "OK", "今回は見送ります", "キャンセル", "行けなくなりました", "行けません",
		"予定", "なぜ私に？", "offer:accept:T1", "offer:why:T2", "task:cancelyes:A1", "task:cancel:T1", "offer:accept:NOPE", "", "\xff", "はい、いいえ"} {
		f.Add(s, false, false)
		f.Add(s, true, false)
		f.Add(s, false, true)
	}
	cat := testCatalog(f)
	c := newOfferClock(f)
	f.Fuzz(func(t *testing.T, s string, postback, cancelling bool) {
		conv := offers(c.t2(), c.a1(), c.t1())
		if cancelling {
			conv.Step, conv.CancelTask = StepCancelTask, "A1"
		}
		known := map[string]bool{}
		for _, r := range conv.Offers {
			known[r.TaskID] = true
		}
		in := textIn(s)
		if postback {
			in = tapIn(s)
		}
		r := Converse(cat, c.now, offerPerson(StatusActive), conv, in)
		if r.Answer == nil && len(r.Messages) == 0 {
			t.Fatalf("no answer to %q (postback %v, cancelling %v)", s, postback, cancelling)
		}
		if r.Answer != nil {
			if !known[r.Answer.TaskID] {
				t.Fatalf("answer %+v for a task never offered, from %q", r.Answer, s)
			}
			if _, i := findRef(r.Conv.Offers, r.Answer.TaskID); i < 0 && !r.Delete {
				t.Fatalf("answer %+v for a task not in the result's offers, from %q", r.Answer, s)
			}
			if r.Answer.Silent {
				t.Fatalf("a person's own answer %+v is silent, from %q", r.Answer, s)
			}
		}
		if !r.Delete && len(r.Conv.Offers) != 3 {
			t.Fatalf("offers %v after %q, want all three kept", refIDs(r.Conv.Offers), s)
		}
	})
}

func TestPromotedFromTheWaitlist(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	waiting := c.t1()
	waiting.State = OfferWaitlisted
	placed := c.t1()
	placed.State, placed.AcceptedAt, placed.Promoted = OfferAccepted, c.now, true
	in := Inbound{Kind: EventPromoted, ProfileID: "line:U0042", Data: "T1", Offer: &placed}
	tests := []struct {
		name      string
		p         *Profile
		conv      Conversation
		request   *AnswerRequest
		told      bool
		wantState OfferState
	}{
		{"the waiting person is told and holds the place", offerPerson(StatusActive), offers(waiting, c.t2()), nil, true, OfferAccepted},
		{"someone whose offer fell out of the conversation too", offerPerson(StatusActive), offers(c.t2()), nil, true, OfferAccepted},
		{"a paused person waited for it: the place is theirs", offerPerson(StatusPaused), offers(waiting), nil, true, OfferAccepted},
		{"a repeat tells nothing twice", offerPerson(StatusActive), offers(placed), nil, false, OfferAccepted},
		{"someone who blocked the bot gives it back", offerPerson(StatusBlocked), offers(waiting),
			&AnswerRequest{TaskID: "T1", Op: OpCancel, Silent: true}, false, OfferWaitlisted},
		{"someone deleted leaves the task", nil, Conversation{}, &AnswerRequest{TaskID: "T1", Op: OpForget, Silent: true}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := cloneConv(tt.conv)
			res := Converse(cat, c.now, tt.p, tt.conv, in)
			if !reflect.DeepEqual(res.Answer, tt.request) {
				t.Errorf("answer request %+v, want %+v", res.Answer, tt.request)
			}
			if told := len(res.Messages) == 1 && res.Messages[0].Card != nil &&
				res.Messages[0].Card.Title == ja.Task.PromotedTitle && hasButton(res, "task:cancel:T1"); told != tt.told {
				t.Errorf("told %v, want %v: %+v", told, tt.told, res.Messages)
			}
			if got, _ := findRef(res.Conv.Offers, "T1"); got.State != tt.wantState {
				t.Errorf("state %q, want %q", got.State, tt.wantState)
			}
			if !reflect.DeepEqual(tt.conv, before) {
				t.Error("Converse changed its input")
			}
		})
	}
}

// fixedQuiet is quiet hours from one whole hour to another, overnight.
type fixedQuiet struct{ from, to int }

func (q fixedQuiet) Contains(t time.Time) bool { return t.Hour() >= q.from || t.Hour() < q.to }

func (q fixedQuiet) EndAfter(t time.Time) time.Time {
	y, m, d := t.Date()
	end := time.Date(y, m, d, q.to, 0, 0, 0, t.Location())
	if !end.After(t) {
		end = end.AddDate(0, 0, 1)
	}
	return end
}

// TestTheRewardIsNotLabelledTwice: a coordinator types 「謝礼2,000円」 in
// the reward box, which the card labels 謝礼 already.
func TestTheRewardIsNotLabelledTwice(t *testing.T) {
	c := newOfferClock(t)
	for typed, want := range map[string]string{"謝礼2,000円": "2,000円", "謝礼：2,000円": "2,000円", "交通費 1,000円": "交通費 1,000円", "謝礼": "謝礼"} {
		r := c.t1()
		r.Reward = typed
		r.At = c.now
		res := Converse(testCatalog(t), c.now, offerPerson(StatusActive), Conversation{},
			Inbound{ID: "offer:T1", Kind: EventOffer, ProfileID: "line:U0042", Offer: &r})
		if len(res.Messages) == 0 || res.Messages[0].Card == nil {
			t.Fatalf("%q: no card", typed)
		}
		if v, _ := fieldOf(res.Messages[0].Card, ja.Task.FieldReward); v != want {
			t.Errorf("reward typed %q shows %q, want %q", typed, v, want)
		}
	}
}

// TestAskingWhatTheJobWasShowsItAgain: 「どんな仕事でしたっけ」 with an
// offer waiting brings its card back, buttons and all.
func TestAskingWhatTheJobWasShowsItAgain(t *testing.T) {
	c := newOfferClock(t)
	for _, text := range []string{"どんな仕事でしたっけ", "さっきのお仕事の内容をもう一度教えてください"} {
		r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), offers(c.t1()), textIn(text))
		if r.Answer != nil || len(r.Messages) != 1 || r.Messages[0].Card == nil || r.Messages[0].Card.Title != "テストの採点" ||
			!slices.Contains(choiceData(r.Messages[0].Card.Buttons), "offer:accept:T1") {
			t.Errorf("%q: answer %+v, said %q; want the offer's card again", text, r.Answer, said(r))
		}
	}
}

// TestAnOfferAnsweredWhileChoosingWhatToChange: an offer arrives while
// 「どこを変更しますか？」 is open, and the senior answers the offer.
func TestAnOfferAnsweredWhileChoosingWhatToChange(t *testing.T) {
	c := newOfferClock(t)
	conv := offers(c.t1())
	conv.Step = StepEditField
	r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), conv, textIn("はい、やります"))
	if r.Answer == nil || r.Answer.TaskID != "T1" || r.Answer.Op != OpAccept || r.Conv.Step != StepIdle {
		t.Errorf("answer %+v, step %q, said %q; want the offer taken and the question left", r.Answer, r.Conv.Step, said(r))
	}
	r = Converse(testCatalog(t), c.now, offerPerson(StatusActive), conv, textIn("ちょっと考えさせてください"))
	if r.Answer != nil || !strings.Contains(said(r), ja.Task.TakeYourTime) {
		t.Errorf("thinking it over: answer %+v, said %q", r.Answer, said(r))
	}
}

// TestAYesAfterAQuestionAboutOneOffer: the bot asked about one of two
// offers by name; the yes that follows is about that one.
func TestAYesAfterAQuestionAboutOneOffer(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	r := Converse(cat, c.now, offerPerson(StatusActive), offers(c.t2(), c.t1()), textIn("3日の方"))
	if r.Conv.Asked != "T2" {
		t.Fatalf("asked %q after naming the 3rd, want T2 (said %q)", r.Conv.Asked, said(r))
	}
	r = Converse(cat, c.now, offerPerson(StatusActive), r.Conv, textIn("はいやりますよろしくお願いします"))
	if r.Answer == nil || r.Answer.TaskID != "T2" || r.Answer.Op != OpAccept {
		t.Errorf("the yes after the question: answer %+v, said %q", r.Answer, said(r))
	}
	// One message later the question is gone: a yes asks which again.
	conv := offers(c.t2(), c.t1())
	conv.Asked = "T2"
	r = Converse(cat, c.now, offerPerson(StatusActive), conv, textIn("こんにちは"))
	if r = Converse(cat, c.now, offerPerson(StatusActive), r.Conv, textIn("はい")); r.Answer != nil {
		t.Errorf("a yes two messages after the question took %+v", r.Answer)
	}
}

// TestNamingWhichPlaceToCancel: the answer to 「どのお仕事をキャンセル
// しますか？」 typed instead of tapped.
func TestNamingWhichPlaceToCancel(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	p := offerPerson(StatusActive)
	r := Converse(cat, c.now, p, offers(c.a1(), c.a2()), textIn("キャンセルしたいです"))
	if !strings.Contains(said(r), ja.Task.WhichCancel) {
		t.Fatalf("said %q, want the which-one question", said(r))
	}
	r = Converse(cat, c.now, p, r.Conv, textIn("Zoom配信の方です"))
	if r.Conv.Step != StepCancelTask || r.Conv.CancelTask != "A2" {
		t.Errorf("after naming it: step %q cancel %q (said %q), want asked about A2", r.Conv.Step, r.Conv.CancelTask, said(r))
	}
}

// TestCancellingWithAnOfferWaiting: 「キャンセルしたいです」 is about a place
// taken, not the offer waiting beside it; a whole title picks its place
// though another title shares a word.
func TestCancellingWithAnOfferWaiting(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	p := offerPerson(StatusActive)
	r := Converse(cat, c.now, p, offers(c.t1(), c.a1(), c.a2()), textIn("キャンセルしたいです"))
	if r.Answer != nil || !strings.Contains(said(r), ja.Task.WhichCancel) {
		t.Errorf("with an offer and two places: answer %+v, said %q; want which place", r.Answer, said(r))
	}
	a3 := c.ref("A3", "期末テストの採点", c.at(12, 4, 9, 0), 2, OfferAccepted)
	a4 := c.ref("A4", "月曜の採点", c.at(12, 7, 9, 0), 2, OfferAccepted)
	r = Converse(cat, c.now, p, offers(a3, a4), textIn("キャンセルしたいです"))
	r = Converse(cat, c.now, p, r.Conv, textIn("期末テストの採点"))
	if r.Conv.CancelTask != "A3" {
		t.Errorf("naming 期末テストの採点: cancel %q (said %q), want A3", r.Conv.CancelTask, said(r))
	}
}

// TestWordsAboutAnotherDayWithAnOfferWaiting: with an offer waiting, a yes
// or a no that names another day or task is not its answer. A no about a
// place taken is about that place (the senior who wrote 「月曜は行けなく
// なりました」 had her other offer declined and stayed booked); a yes to a
// date the coordinator cancelled is told so, never moved to another date
// of the series; a day nothing is offered on shows what is.
func TestWordsAboutAnotherDayWithAnOfferWaiting(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	p := offerPerson(StatusActive)
	t1, a1 := c.t1(), c.a1() // 採点 offered Tue 12/1; 保育補助 taken Wed 12/2
	sameDay := c.ref("T3", "名簿のパソコン入力", c.at(12, 2, 14, 0), 2, OfferOffered)
	cancelled := c.ref("X1", "保育園の便利屋さん", c.at(12, 3, 9, 0), 2, OfferCancelled)
	cancelled.CalledOff = true
	series := c.ref("S2", "保育園の便利屋さん", c.at(12, 10, 9, 0), 2, OfferOffered)
	tests := []struct {
		name string
		conv Conversation
		text string
		// cancelAsked is the place asked about (StepCancelTask); answer
		// the answer made at once; said what was said.
		cancelAsked string
		answer      *AnswerRequest
		said        []string
		choices     []string
	}{
		{name: "a no naming the place's weekday", conv: offers(t1, a1), text: "すみません、水曜は行けなくなりました",
			cancelAsked: "A1"},
		{name: "a no naming the place's date and title", conv: offers(t1, a1), text: "2日の保育補助は行けなくなりました",
			cancelAsked: "A1"},
		{name: "a no naming the offer's date declines it", conv: offers(t1, a1), text: "1日は行けません",
			answer: &AnswerRequest{TaskID: "T1", Op: OpDecline}},
		{name: "a no naming a day with a place and an offer asks which", conv: offers(sameDay, a1), text: "2日は行けなくなりました",
			said: []string{ja.Task.WhichNotGoing}, choices: []string{"task:cancel:A1", "offer:decline:T3", "task:keep:A1"}},
		{name: "became unable, naming nothing, is about the place", conv: offers(t1, a1), text: "急に行けなくなってしまって",
			cancelAsked: "A1"},
		{name: "a plain no to the one offer declines it", conv: offers(t1, a1), text: "行けません",
			answer: &AnswerRequest{TaskID: "T1", Op: OpDecline}},
		{name: "a yes to a cancelled date is told so", conv: offers(cancelled, series), text: "3日もできます",
			said: []string{"中止になりました", "保育園の便利屋さん"}},
		{name: "a yes to a day nothing is offered on shows the offers", conv: offers(t1), text: "4日ならできます",
			said: []string{ja.Task.NotOfferedThatDay, "テストの採点"}},
		{name: "a day in kanji is a day too", conv: offers(t1), text: "五日ならできます",
			said: []string{ja.Task.NotOfferedThatDay, "テストの採点"}},
		{name: "a yes naming the offer's day takes it", conv: offers(t1), text: "1日なら行きます",
			answer: &AnswerRequest{TaskID: "T1", Op: OpAccept}},
		{name: "a yes naming no day takes the one offer", conv: offers(t1), text: "はい、やります",
			answer: &AnswerRequest{TaskID: "T1", Op: OpAccept}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Converse(cat, c.now, p, tc.conv, textIn(tc.text))
			if !reflect.DeepEqual(r.Answer, tc.answer) {
				t.Fatalf("answer %+v, want %+v (said %q)", r.Answer, tc.answer, said(r))
			}
			if tc.cancelAsked != "" && (r.Conv.Step != StepCancelTask || r.Conv.CancelTask != tc.cancelAsked) {
				t.Fatalf("step %q cancel %q, want asked to cancel %s (said %q)", r.Conv.Step, r.Conv.CancelTask, tc.cancelAsked, said(r))
			}
			for _, w := range tc.said {
				if !strings.Contains(said(r), w) {
					t.Errorf("said %q, want %q in it", said(r), w)
				}
			}
			if tc.choices != nil {
				last := r.Messages[len(r.Messages)-1]
				if got := choiceData(last.Choices); !slices.Equal(got, tc.choices) {
					t.Errorf("choices %v, want %v", got, tc.choices)
				}
			}
		})
	}
}

// TestTakingAWithdrawalBack: at 「退会しますか？」 a sentence that takes the
// withdrawal back never deletes, whatever else it holds, and a pause asked
// for instead is made (it deleted her data and freed her two jobs).
func TestTakingAWithdrawalBack(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	for _, tc := range []struct {
		text  string
		pause bool
	}{
		{"それなら退会はやめて、休止にしてください", true},
		{"退会しないで、お休みにしてください", true},
		{"やっぱり退会は取り消します", false},
		{"たいかいはやめます", false},
		{"退会はなしでお願いします", false},
	} {
		t.Run(tc.text, func(t *testing.T) {
			p := offerPerson(StatusActive)
			r := Converse(cat, c.now, p, offers(c.a1(), c.a2()), textIn("たいかい"))
			if r.Conv.Step != StepDeleteConfirm {
				t.Fatalf("たいかい: step %q, want the confirmation", r.Conv.Step)
			}
			r = Converse(cat, c.now, r.Profile, r.Conv, textIn(tc.text))
			if r.Delete {
				t.Fatalf("deleted on %q (said %q)", tc.text, said(r))
			}
			if !strings.Contains(said(r), ja.DeleteCancelled) {
				t.Errorf("said %q, want the withdrawal called off", said(r))
			}
			if got := r.Profile.Status == StatusPaused; got != tc.pause {
				t.Errorf("paused %v, want %v (said %q)", got, tc.pause, said(r))
			}
		})
	}
	// Putting it off or acknowledging the question deletes nothing (「わか
	// りました」 deleted her, and tomorrow's job with her).
	for _, tc := range []struct {
		text    string
		asked   bool // still at the question
		message string
	}{
		{"明日の片付けが終わってからにします", false, ja.DeleteDeferred},
		{"もう少し考えます", false, ja.DeleteDeferred},
		{"わかりました", true, ja.DeleteRetry},
		{"了解しました", true, ja.DeleteRetry},
	} {
		t.Run(tc.text, func(t *testing.T) {
			r := Converse(cat, c.now, offerPerson(StatusActive), offers(c.a1()), textIn("たいかい"))
			r = Converse(cat, c.now, r.Profile, r.Conv, textIn(tc.text))
			if r.Delete {
				t.Fatalf("deleted on %q (said %q)", tc.text, said(r))
			}
			if got := r.Conv.Step == StepDeleteConfirm; got != tc.asked || !strings.Contains(said(r), tc.message) {
				t.Errorf("at the question %v (want %v), said %q (want %q)", got, tc.asked, said(r), tc.message)
			}
			if tc.asked {
				// A second acknowledgement still deletes nothing.
				if r = Converse(cat, c.now, r.Profile, r.Conv, textIn(tc.text)); r.Delete {
					t.Fatalf("deleted on the second %q", tc.text)
				}
			}
		})
	}
	// Called off with a job held, the job is said to stay.
	r := Converse(cat, c.now, offerPerson(StatusActive), offers(c.a1()), textIn("たいかい"))
	if r = Converse(cat, c.now, r.Profile, r.Conv, textIn("退会しません")); !strings.Contains(said(r), "お引き受けのお仕事（1件）も、そのままです") {
		t.Errorf("called off with a job held: said %q", said(r))
	}
	// A plain yes still deletes.
	p := offerPerson(StatusActive)
	r = Converse(cat, c.now, p, offers(), textIn("退会"))
	if r = Converse(cat, c.now, r.Profile, r.Conv, textIn("はい、退会します")); !r.Delete {
		t.Errorf("a plain yes did not delete (said %q)", said(r))
	}
}

// TestFineIsNotAlwaysYes: 「いや、大丈夫です」「今回は大丈夫です」 decline
// an offer (both took the job); 「大丈夫です」 alone is asked about; a
// 「はい」 with it takes the job.
func TestFineIsNotAlwaysYes(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	p := offerPerson(StatusActive)
	decline := &AnswerRequest{TaskID: "T1", Op: OpDecline}
	accept := &AnswerRequest{TaskID: "T1", Op: OpAccept}
	for _, tc := range []struct {
		text   string
		answer *AnswerRequest
	}{
		{"いや だいじょうぶです", decline},
		{"いえ、今回は大丈夫です", decline},
		{"今回はいいです", decline},
		{"いや、結構です", decline},
		{"大丈夫です", nil},
		{"だいじょうぶですよ", nil},
		{"はい、大丈夫です", accept},
		{"その日なら大丈夫です、行けます", accept},
	} {
		r := Converse(cat, c.now, p, offers(c.t1()), textIn(tc.text))
		if !reflect.DeepEqual(r.Answer, tc.answer) {
			t.Errorf("%q: answer %+v, want %+v (said %q)", tc.text, r.Answer, tc.answer, said(r))
		}
		if tc.answer == nil && !strings.Contains(said(r), "テストの採点") {
			t.Errorf("%q: said %q, want the offer asked about", tc.text, said(r))
		}
	}
}

// TestTwoAnswersInOneSentence: a sentence that takes one offer and
// declines the other is said back with both cards, acting on neither (it
// declined the one she wanted); words about an offer declined a moment ago
// are about it, never the offer still waiting.
func TestTwoAnswersInOneSentence(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	p := offerPerson(StatusActive)
	r := Converse(cat, c.now, p, offers(c.t1(), c.t2()), textIn("採点のほうはやります、パソコン入力のほうは今回は見送ります"))
	if r.Answer != nil {
		t.Fatalf("acted on split words: %+v", r.Answer)
	}
	for _, want := range []string{"「テストの採点」は引き受け", "「名簿のパソコン入力」は見送り"} {
		if !strings.Contains(said(r), want) {
			t.Errorf("said %q, want %q", said(r), want)
		}
	}
	cards := 0
	for _, m := range r.Messages {
		if m.Card != nil {
			cards++
		}
	}
	if cards != 2 {
		t.Errorf("%d cards, want both offers' (said %q)", cards, said(r))
	}

	declined := c.t1()
	declined.State = OfferDeclined
	r = Converse(cat, c.now, p, offers(declined, c.t2()), textIn("ちがいます採点はやりたいんです"))
	if r.Answer != nil {
		t.Fatalf("answered an offer on words about another: %+v", r.Answer)
	}
	if !strings.Contains(said(r), "「テストの採点」は、さきほど見送りで承りました") {
		t.Errorf("said %q, want the declined offer spoken of", said(r))
	}
}

// An acceptance past the weekly limit the person set is asked about first
// (offers sent before her other acceptances could each be taken); a yes
// to the question, or its button, takes the task all the same, and
// nothing loops.
func TestWeeklyLimitAsksBeforeTakingMore(t *testing.T) {
	c := newOfferClock(t)
	full := offers(c.t1(), c.a1(), c.a2()) // A1 and A2 fill her week of T1 (limit 2)
	asked := cloneConv(full)
	asked.Asked = askedOverLimit + "T1"
	nextWeek := c.ref("T3", "答案の整理", c.at(12, 8, 9, 0), 2, OfferOffered)
	roomy := offerPerson(StatusActive)
	roomy.WeeklyLimit = 3
	tests := []struct {
		name       string
		p          *Profile
		conv       Conversation
		in         Inbound
		wantAnswer *AnswerRequest
		wantAsked  bool // the question, with its two buttons
	}{
		{name: "the button asks", p: offerPerson(StatusActive), conv: full, in: tapIn("offer:accept:T1"), wantAsked: true},
		{name: "a yes asks", p: offerPerson(StatusActive), conv: full, in: textIn("はい、行けます"), wantAsked: true},
		{name: "its button takes it", p: offerPerson(StatusActive), conv: asked, in: tapIn("offer:acceptover:T1"),
			wantAnswer: &AnswerRequest{TaskID: "T1", Op: OpAccept}},
		{name: "a yes to it takes it", p: offerPerson(StatusActive), conv: asked, in: textIn("はい"),
			wantAnswer: &AnswerRequest{TaskID: "T1", Op: OpAccept}},
		{name: "a no to it declines", p: offerPerson(StatusActive), conv: asked, in: textIn("やめておきます"),
			wantAnswer: &AnswerRequest{TaskID: "T1", Op: OpDecline}},
		{name: "the old accept button later asks again", p: offerPerson(StatusActive), conv: full, in: tapIn("offer:accept:T1"), wantAsked: true},
		{name: "room left", p: roomy, conv: full, in: tapIn("offer:accept:T1"), wantAnswer: &AnswerRequest{TaskID: "T1", Op: OpAccept}},
		{name: "another week", p: offerPerson(StatusActive), conv: offers(nextWeek, c.a1(), c.a2()), in: tapIn("offer:accept:T3"),
			wantAnswer: &AnswerRequest{TaskID: "T3", Op: OpAccept}},
		{name: "a decline is never asked", p: offerPerson(StatusActive), conv: full, in: tapIn("offer:decline:T1"),
			wantAnswer: &AnswerRequest{TaskID: "T1", Op: OpDecline}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Converse(testCatalog(t), c.now, tt.p, tt.conv, tt.in)
			if !reflect.DeepEqual(r.Answer, tt.wantAnswer) {
				t.Errorf("answer %+v, want %+v (said %q)", r.Answer, tt.wantAnswer, said(r))
			}
			if !tt.wantAsked {
				return
			}
			if !strings.Contains(said(r), "もう2件") || !strings.Contains(said(r), "週2件まで") || !strings.Contains(said(r), "テストの採点") {
				t.Errorf("said %q, want the limit and the task named", said(r))
			}
			if got := choiceData(r.Messages[len(r.Messages)-1].Choices); !slices.Equal(got, []string{"offer:acceptover:T1", "offer:decline:T1"}) {
				t.Errorf("buttons %q", got)
			}
			if r.Conv.Asked != askedOverLimit+"T1" {
				t.Errorf("asked %q", r.Conv.Asked)
			}
			// Its answer never asks again.
			again := Converse(testCatalog(t), c.now, r.Profile, r.Conv, textIn("はい"))
			if !reflect.DeepEqual(again.Answer, &AnswerRequest{TaskID: "T1", Op: OpAccept}) {
				t.Errorf("a yes to the question: answer %+v, said %q", again.Answer, said(again))
			}
		})
	}
}

// TestTakingAllPastTheWeeklyLimit: 「両方ともお受けします」 that would take
// a week past the limit offers each to take on its own; within it, both
// are taken.
func TestTakingAllPastTheWeeklyLimit(t *testing.T) {
	c := newOfferClock(t)
	p := offerPerson(StatusActive) // 2 a week
	withOne := offers(c.t1(), c.t2(), c.a1())
	r := Converse(testCatalog(t), c.now, p, withOne, textIn("両方ともお受けします"))
	if r.Answer != nil || !strings.Contains(said(r), "週2件まで") {
		t.Fatalf("past the limit: answer %+v, said %q", r.Answer, said(r))
	}
	if got := choiceData(r.Messages[0].Choices); !slices.Equal(got, []string{"offer:accept:T1", "offer:accept:T2"}) {
		t.Errorf("buttons %q", got)
	}
	r = Converse(testCatalog(t), c.now, p, offers(c.t1(), c.t2()), textIn("両方ともお受けします"))
	if r.Answer == nil || len(r.Answer.Series) != 2 {
		t.Errorf("within the limit: answer %+v, said %q", r.Answer, said(r))
	}
}

// TestAMixedAnswerDictatedInOneBreath: 「宿題の見守りは今回は見送りますテスト
// の採点はやります」, dictated without a stop, declined the job she wanted:
// 「宿題の見守り」 did not name 「学童の宿題見守り」, and the whole sentence's
// 見送り went to the one named. Each clause is read alone, and what was
// understood is said back with each card to answer on.
func TestAMixedAnswerDictatedInOneBreath(t *testing.T) {
	c := newOfferClock(t)
	watch := c.ref("W1", "学童の宿題見守り", c.at(12, 3, 15, 0), 2, OfferOffered)
	grade := c.ref("G1", "学力テストの採点", c.at(12, 4, 9, 0), 3, OfferOffered)
	for _, say := range []string{
		"宿題の見守りは今回は見送りますテストの採点はやりますよろしくお願いします",
		"えーと宿題の見守りは見送りです採点はやります",
	} {
		r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), offers(watch, grade), textIn(say))
		if r.Answer != nil {
			t.Errorf("%s: answered %+v on a sentence split by guess", say, r.Answer)
		}
		if got := said(r); !strings.Contains(got, "学童の宿題見守り") || !strings.Contains(got, "学力テストの採点") {
			t.Errorf("%s: said %q, want both named back", say, got)
		}
	}
}

func TestRunOnSentences(t *testing.T) {
	for in, want := range map[string]string{
		"見送りますテストの採点はやります": "見送ります。テストの採点はやります",
		"やりますよろしくお願いします":   "やりますよろしくお願いします",
		"行けますが遅れます":        "行けますが遅れます",
		"見送りです採点はやります":     "見送りです。採点はやります",
		"できませんでした":         "できませんでした",
	} {
		if got := runOnSentences(in); got != want {
			t.Errorf("runOnSentences(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestAskingSomeoneFirstKeepsTheOfferOpen: 「母に聞いてみますので少しお待ち
// ください」, written by a daughter, was not understood and got the menu.
func TestAskingSomeoneFirstKeepsTheOfferOpen(t *testing.T) {
	c := newOfferClock(t)
	for _, say := range []string{"母に聞いてみますので少しお待ちください", "夫と相談してみます"} {
		r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), offers(c.t1()), textIn(say))
		if r.Answer != nil || !strings.Contains(said(r), ja.Task.TakeYourTime) {
			t.Errorf("%s: answer %+v, said %q; want the offer left open", say, r.Answer, said(r))
		}
	}
}

// TestThisWeekIsEveryDayOfIt: 「今週は無理そうです」 was read as naming a day
// and answered 「その日のお仕事は、いまご案内していません」, again at every
// repeat; with places held this week it said no cancellation was needed.
func TestThisWeekIsEveryDayOfIt(t *testing.T) {
	c := newOfferClock(t) // Monday 11/30
	sat := c.ref("T1", "地域サイトの不具合修正", c.at(12, 5, 9, 0), 3, OfferOffered)
	r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), offers(sat), textIn("今週は無理そうです"))
	if r.Answer == nil || r.Answer.TaskID != "T1" || r.Answer.Op != OpDecline {
		t.Errorf("an offer this week: answer %+v, said %q; want it declined", r.Answer, said(r))
	}
	held := c.ref("A1", "子ども食堂の会計チェック", c.at(12, 2, 19, 0), 2, OfferAccepted)
	r = Converse(testCatalog(t), c.now, offerPerson(StatusActive), offers(held), textIn("今週は無理そうです"))
	if r.Answer != nil {
		t.Errorf("a place held this week was answered %+v at once; want asked first", r.Answer)
	}
	if got := said(r); !strings.Contains(got, "子ども食堂の会計チェック") || strings.Contains(got, "キャンセルはいりません") {
		t.Errorf("a place held this week: said %q; want it named, and no word that no cancellation is needed", got)
	}
}

// TestAnOldCancelConfirmationAsksAgain: the 「キャンセルする」 of a question
// answered long ago (before she took the place again) cancelled the place
// at once, and the coordinators were told.
func TestAnOldCancelConfirmationAsksAgain(t *testing.T) {
	c := newOfferClock(t)
	conv := offers(c.a1())
	r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), conv, tapIn(TaskCancelYes("A1").String()))
	if r.Answer != nil || r.Conv.Step != StepCancelTask || !strings.Contains(said(r), "子ども食堂の保育補助") {
		t.Fatalf("an old confirmation: answer %+v, step %q, said %q; want asked again", r.Answer, r.Conv.Step, said(r))
	}
	r = Converse(testCatalog(t), c.now, offerPerson(StatusActive), r.Conv, tapIn(TaskCancelYes("A1").String()))
	if r.Answer == nil || r.Answer.Op != OpCancel || r.Answer.TaskID != "A1" {
		t.Errorf("the confirmation of the open question: answer %+v, want the place cancelled", r.Answer)
	}
}

// TestNoTwoJobsAtOnce: he held 地域サイトの不具合修正 on Saturday 9–12, was
// offered another job on Saturday 9–11 and took it: two places at once,
// and a coordinator counting on him at both.
func TestNoTwoJobsAtOnce(t *testing.T) {
	c := newOfferClock(t)
	held := c.ref("A1", "地域サイトの不具合修正", c.at(12, 5, 9, 0), 3, OfferAccepted)
	same := c.ref("T1", "市民セミナーのZoom配信", c.at(12, 5, 9, 0), 2, OfferOffered)
	after := c.ref("T2", "商店街サイトの更新", c.at(12, 5, 12, 0), 2, OfferOffered)

	in := Inbound{ID: "ev1", Kind: EventOffer, ProfileID: "line:U0042", Offer: &same}
	r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), offers(held), in)
	if r.Answer == nil || r.Answer.Op != OpDecline || !r.Answer.Silent || len(r.Messages) != 0 {
		t.Errorf("an offer at the time of a place held: answer %+v, said %q; want declined quietly", r.Answer, said(r))
	}
	for _, accept := range []Inbound{tapIn(OfferAccept("T1").String()), textIn("はい、引き受けます")} {
		r = Converse(testCatalog(t), c.now, offerPerson(StatusActive), offers(held, same), accept)
		if r.Answer != nil || !strings.Contains(said(r), "地域サイトの不具合修正") {
			t.Errorf("%s on a clashing offer: answer %+v, said %q; want refused, naming the place held", accept.Text+accept.Data, r.Answer, said(r))
		}
	}
	r = Converse(testCatalog(t), c.now, offerPerson(StatusActive), offers(held, after), tapIn(OfferAccept("T2").String()))
	if r.Answer == nil || r.Answer.Op != OpAccept {
		t.Errorf("a job right after the one held: answer %+v, said %q; want taken", r.Answer, said(r))
	}
}

// TestAnOldNotDoneButtonAsksFirst: 「できませんでした」 on an old card, over a
// task recorded as done in 1.5 hours, turned the record at once and told the
// coordinators to follow up.
func TestAnOldNotDoneButtonAsksFirst(t *testing.T) {
	c := newOfferClock(t)
	done := c.ref("P1", "漢字テストの採点", c.now.Add(-5*time.Hour), 2, OfferAccepted)
	done.Asked, done.Result = true, &TaskResult{Status: Completed, Hours: 1.5}
	tap := tapIn(TaskNotDone("P1").String())
	r := Converse(testCatalog(t), c.now, offerPerson(StatusActive), offers(done), tap)
	if r.Answer != nil || !strings.Contains(said(r), "1時間半") {
		t.Fatalf("the first tap: answer %+v, said %q; want asked, with what is recorded", r.Answer, said(r))
	}
	r = Converse(testCatalog(t), c.now, offerPerson(StatusActive), r.Conv, tap)
	if r.Answer == nil || r.Answer.Result.Status != NotCompleted {
		t.Errorf("the second tap: answer %+v; want recorded as not done", r.Answer)
	}
	open := c.ref("P2", "名簿の入力", c.now.Add(-5*time.Hour), 2, OfferAccepted)
	open.Asked = true
	r = Converse(testCatalog(t), c.now, offerPerson(StatusActive), offers(open), tapIn(TaskNotDone("P2").String()))
	if r.Answer == nil || r.Answer.Result.Status != NotCompleted {
		t.Errorf("the question's own button: answer %+v; want recorded at once", r.Answer)
	}
}
