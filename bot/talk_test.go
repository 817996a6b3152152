package bot

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// Two answers in a row that a question cannot read end the loop: the
// second says what is expected and offers a person.
func TestSecondMissOffersAPerson(t *testing.T) {
	c := newChat(t)
	c.follow()
	c.tap("consent:yes")
	c.say("山田 花子")
	r := c.say("うーん、どうしよう")
	if c.conv.Step != StepArea || hasButton(r, "cmd:handoff") {
		t.Fatalf("first miss: step %q, handoff offered %v", c.conv.Step, hasButton(r, "cmd:handoff"))
	}
	r = c.say("よくわかりません")
	if !hasButton(r, "cmd:handoff") || !hasButton(r, "area:setagaya") || !strings.Contains(said(r), "世田谷") {
		t.Fatalf("second miss: %q, buttons %v", said(r), buttons(r))
	}
	// An answer understood resets the count.
	c.say("家は世田谷のほうです")
	if c.conv.Step != StepSkills || c.conv.Misses != 0 {
		t.Fatalf("after an answer: step %q misses %d", c.conv.Step, c.conv.Misses)
	}
}

func TestTalkWithCoordinators(t *testing.T) {
	c := registered(t)
	r := c.say("担当者と話したいです")
	if !c.conv.Talk.Open || len(r.Notices) != 1 || !strings.Contains(r.Notices[0], "担当者と話したい") || !strings.Contains(r.Notices[0], "line:U0001") {
		t.Fatalf("open: talk %+v notices %q", c.conv.Talk, r.Notices)
	}
	if !strings.Contains(said(r), "お伝えしました") {
		t.Fatalf("open: said %q", said(r))
	}

	r = c.say("来週から入院することになりまして")
	if len(r.Notices) != 1 || !strings.Contains(r.Notices[0], "入院") || strings.Contains(said(r), ja.MenuBody) {
		t.Fatalf("during the talk, words went to the menu: notices %q said %q", r.Notices, said(r))
	}
	if got := c.conv.Talk.Messages[len(c.conv.Talk.Messages)-1]; got.From != TalkFromPerson || !strings.Contains(got.Text, "入院") {
		t.Fatalf("last message %+v", got)
	}
	// A command still works while the talk is open.
	if r = c.say("プロフィール"); len(r.Notices) != 0 {
		t.Fatalf("a command was forwarded: %q", r.Notices)
	}

	r = c.send(Inbound{Kind: EventCoordinatorMessage, Text: "お大事になさってください。"})
	if !strings.Contains(said(r), "担当者より") || !strings.Contains(said(r), "お大事に") {
		t.Fatalf("coordinator message: %q", said(r))
	}
	r = c.send(Inbound{Kind: EventTalkClose})
	if c.conv.Talk.Open || c.conv.Talk.ClosedAt == nil || !strings.Contains(said(r), "終了") {
		t.Fatalf("close: %+v said %q", c.conv.Talk, said(r))
	}
	// Closed, what the bot does not understand gets the menu again.
	if r = c.say("来週から入院することになりまして"); len(r.Notices) != 0 {
		t.Fatalf("forwarded after the close: %q", r.Notices)
	}

	r = c.send(Inbound{Kind: EventTalkExpire})
	if c.conv.Talk == nil {
		t.Fatal("a talk closed today was forgotten")
	}
	c.last = Converse(c.cat, testNow.Add(TalkRetention+time.Hour), c.p, c.conv, Inbound{Kind: EventTalkExpire, ProfileID: c.p.ID})
	if c.last.Conv.Talk != nil {
		t.Fatalf("a talk closed %v ago is kept", TalkRetention)
	}
}

func TestHandoffButtonDuringOnboarding(t *testing.T) {
	c := newChat(t)
	c.follow()
	c.tap("consent:yes")
	r := c.tap("cmd:handoff")
	if c.conv.Talk == nil || !c.conv.Talk.Open || len(r.Notices) != 1 || c.conv.Step != StepName {
		t.Fatalf("talk %+v notices %q step %q", c.conv.Talk, r.Notices, c.conv.Step)
	}
}

// Editing one field, a sentence that also answers another changes both.
func TestEditFillsEverythingSaid(t *testing.T) {
	c := registered(t)
	c.say("変更")
	c.tap("edit:area")
	c.say("調布に引っ越しました。平日の午後なら大丈夫です")
	if c.p.Area != "chofu" || c.conv.Step != StepIdle {
		t.Fatalf("area %q step %q", c.p.Area, c.conv.Step)
	}
	if !c.p.Availability.Has(0, 14*2) || c.p.Availability.Has(0, 10*2) {
		t.Fatalf("availability %s, want weekday afternoons", c.p.Availability.Japanese())
	}
}

// Someone a coordinator finished registering (the console) is shown what
// was registered and how to change it; nobody else hears of it.
func TestRegisteredByCoordinator(t *testing.T) {
	c := newChat(t)
	c.follow()
	c.tap("consent:yes")
	c.say("山田 花子")
	if c.conv.Step != StepArea {
		t.Fatalf("step %q, want the area question", c.conv.Step)
	}
	// What the console's import does to her (profilecsv.Refresh).
	c.p.Area, c.p.Skills, c.p.WeeklyLimit, c.p.Status = "setagaya", []string{"grading"}, 2, StatusActive
	c.conv.Step = StepIdle
	r := c.send(Inbound{Kind: EventRegisteredByCoordinator})
	if got := said(r); !strings.Contains(got, ja.RegisteredByCoordinatorTitle) || !strings.Contains(got, "山田 花子") || !strings.Contains(got, "世田谷") {
		t.Fatalf("told %q", got)
	}
	if got := buttons(r); !slices.Contains(got, "cmd:edit") {
		t.Fatalf("buttons %q, want one to change it", got)
	}
	if c.conv.Step != StepIdle || c.p.Status != StatusActive {
		t.Fatalf("the message changed her state: step %q status %q", c.conv.Step, c.p.Status)
	}

	for name, p := range map[string]*Profile{
		"left":    nil,
		"blocked": {ID: "line:U0001", Name: "山田 花子", Status: StatusBlocked},
		"halfway": {ID: "line:U0001", Name: "山田 花子", Status: StatusOnboarding},
	} {
		if r := Converse(c.cat, testNow, p, Conversation{}, Inbound{ID: "evX", ProfileID: "line:U0001", Kind: EventRegisteredByCoordinator}); len(r.Messages) != 0 {
			t.Errorf("%s: told %q", name, said(r))
		}
	}
}

// Hours are said as people say them, not 「1.5時間」.
func TestFormatHours(t *testing.T) {
	for h, want := range map[float64]string{2: "2時間", 1.5: "1時間半", 0.5: "30分", 2.25: "2時間15分", 1.0 / 3: "20分", 0: "0時間", 10.75: "10時間45分"} {
		if got := formatHours(h); got != want {
			t.Errorf("formatHours(%v) = %q, want %q", h, got, want)
		}
	}
}
