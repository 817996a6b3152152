package bot

import (
	"slices"
	"strings"
	"testing"
)

// TestEditingSkillsStartsFromWhatIsRegistered: 「できることを変えたい」
// shows the skills registered, adds what is chosen, removes what is taken
// off (by button or in words), and 「やめる」 puts the old list back. It
// used to start from an empty list and say 「追加しました」 while
// replacing everything.
func TestEditingSkillsStartsFromWhatIsRegistered(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	start := func(t *testing.T) (*Profile, Conversation) {
		t.Helper()
		p := offerPerson(StatusActive) // grading, pc_input
		r := Converse(cat, c.now, p, Conversation{}, textIn("できることを変えたいです"))
		if r.Conv.Step != StepSkills || len(r.Messages) != 1 || !strings.Contains(r.Messages[0].Text, "採点、パソコン入力") {
			t.Fatalf("the skills question: step %s, %+v", r.Conv.Step, r.Messages)
		}
		var data []string
		for _, ch := range r.Messages[0].Choices {
			data = append(data, ch.Data)
		}
		if !slices.Contains(data, "skill:remove.grading") || !slices.Contains(data, "skill:zoom_support") || slices.Contains(data, "skill:grading") {
			t.Fatalf("choices %v", data)
		}
		return r.Profile, r.Conv
	}
	step := func(t *testing.T, p *Profile, conv Conversation, in Inbound) (*Profile, Conversation, []Message) {
		t.Helper()
		r := Converse(cat, c.now, p, conv, in)
		if r.Profile != nil {
			p = r.Profile
		}
		return p, r.Conv, r.Messages
	}

	t.Run("add one, remove one, next", func(t *testing.T) {
		p, conv := start(t)
		p, conv, _ = step(t, p, conv, tapIn("skill:zoom_support"))
		p, conv, msgs := step(t, p, conv, tapIn("skill:remove.grading"))
		if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "「採点」を外しました") {
			t.Errorf("removed: %+v", msgs)
		}
		p, conv, _ = step(t, p, conv, tapIn("skill:done"))
		if !slices.Equal(p.Skills, []string{"pc_input", "zoom_support"}) || conv.Step != StepIdle {
			t.Errorf("skills %v, step %s", p.Skills, conv.Step)
		}
	})

	t.Run("taken off in words", func(t *testing.T) {
		p, conv := start(t)
		p, conv, msgs := step(t, p, conv, textIn("採点はもうできません"))
		if !slices.Equal(p.Skills, []string{"pc_input"}) || len(msgs) == 0 || !strings.Contains(msgs[0].Text, "外しました") {
			t.Errorf("skills %v, said %+v", p.Skills, msgs)
		}
		if conv.Step != StepSkills {
			t.Errorf("step %s, want the question still open", conv.Step)
		}
	})

	t.Run("やめる keeps the old list", func(t *testing.T) {
		p, conv := start(t)
		p, conv, _ = step(t, p, conv, tapIn("skill:remove.grading"))
		p, conv, _ = step(t, p, conv, tapIn("skill:zoom_support"))
		p, _, _ = step(t, p, conv, tapIn("skill:cancel"))
		if !slices.Equal(p.Skills, []string{"grading", "pc_input"}) {
			t.Errorf("skills %v after cancelling", p.Skills)
		}
	})
}

// TestOneDayOffAtAnotherQuestionKeepsTheWeek: 「来週の水曜日はお休みします」
// sent while the weekly-limit question is open is about one Wednesday:
// the week registered stays.
func TestOneDayOffAtAnotherQuestionKeepsTheWeek(t *testing.T) {
	c := newOfferClock(t)
	cat := testCatalog(t)
	p := offerPerson(StatusActive)
	p.Availability.Set(2, 9, 12) // Wednesday mornings too
	before := p.Availability
	r := Converse(cat, c.now, p, Conversation{}, textIn("1週間の上限を変更したい"))
	if r.Conv.Step != StepLimit {
		t.Fatalf("step %s: %+v", r.Conv.Step, r.Messages)
	}
	r = Converse(cat, c.now, r.Profile, r.Conv, textIn("来週の水曜日はお休みします"))
	if got := r.Profile; got != nil && got.Availability != before {
		t.Errorf("the week became %s, was %s", got.Availability.Japanese(), before.Japanese())
	}
}
