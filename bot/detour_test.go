package bot

import "testing"

// A person asked to confirm giving up a task (StepCancelTask) leaves the
// question in many ways; each goes back to idle and forgets the task, so a
// 「はい」 that follows answers nothing stale.
func TestEveryWayOutOfTheCancelQuestion(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	asking := func(taskID string) Conversation {
		conv := offers(c.a1(), c.t1())
		conv.Step, conv.CancelTask = StepCancelTask, taskID
		conv.Sessions = []SessionRef{c.s1()}
		return conv
	}
	t2 := c.t2()
	tests := []struct {
		name       string
		task       string
		in         Inbound
		wantCancel bool // the cancellation is applied
	}{
		{name: "keep button", task: "A1", in: tapIn(TaskKeep("A1").String())},
		{name: "confirm button", task: "A1", in: tapIn(TaskCancelYes("A1").String()), wantCancel: true},
		{name: "typed no", task: "A1", in: textIn("いいえ")},
		{name: "typed yes", task: "A1", in: textIn("はい"), wantCancel: true},
		{name: "a new offer arrives", task: "A1", in: Inbound{ID: "ev1", Kind: EventOffer, ProfileID: "line:U0042", Offer: &t2}},
		{name: "an invitation arrives", task: "A1", in: sesIn(EventInvite, c.s2(), "")},
		{name: "the coordinators cancel the task", task: "A1", in: Inbound{ID: "ev1", Kind: EventTaskCancelled, ProfileID: "line:U0042", Data: "A1"}},
		{name: "a command", task: "A1", in: textIn("メニュー")},
		{name: "typed yes to a task no longer held", task: "GONE", in: textIn("はい")},
		{name: "asked again about a task no longer held", task: "GONE", in: textIn("ヘルプ")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Converse(cat, c.now, offerPerson(StatusActive), asking(tt.task), tt.in)
			if r.Conv.Step != StepIdle || r.Conv.CancelTask != "" {
				t.Errorf("step %q, cancel %q: want idle and no task", r.Conv.Step, r.Conv.CancelTask)
			}
			if got := r.Answer != nil && r.Answer.Op == OpCancel; got != tt.wantCancel {
				t.Errorf("answer %+v, cancellation applied %v, want %v", r.Answer, got, tt.wantCancel)
			}
		})
	}
}
