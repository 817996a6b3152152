package bot

import (
	"fmt"
	"strconv"
	"strings"
)

// maxChoices is the most quick-reply buttons a message carries (LINE's
// limit is 13).
const maxChoices = 13

// prompt asks the question of the current step again, with its buttons.
func (t *turn) prompt() {
	switch t.conv.Step {
	case StepConsent:
		t.say(Message{Card: &Card{
			Title: ja.ConsentTitle,
			Body:  ja.ConsentBody,
			Buttons: []Choice{
				{Label: ja.ConsentYes, Data: "consent:yes"},
				{Label: ja.ConsentNo, Data: "consent:no"},
			},
		}})
	case StepName:
		var ch []Choice
		if t.conv.SuggestedName != "" {
			ch = append(ch, Choice{Label: truncate(t.conv.SuggestedName, 20), Data: "name:suggested"})
		}
		t.text(ja.AskName, t.withCancel(ch)...)
	case StepArea:
		ch := make([]Choice, 0, len(t.cat.Areas()))
		for _, a := range t.cat.Areas() {
			ch = append(ch, Choice{Label: a.LabelJA, Data: "area:" + a.ID})
		}
		t.text(ja.AskArea, t.withCancel(limitChoices(ch))...)
	case StepSkills:
		t.text(ja.AskSkills, t.withCancel(t.skillChoices())...)
	case StepAvailability:
		ch := make([]Choice, 0, len(ja.AvailPresets))
		for _, p := range ja.AvailPresets {
			ch = append(ch, Choice{Label: p, Data: "avail:" + p})
		}
		t.text(ja.AskAvailability, t.withCancel(ch)...)
	case StepLimit:
		ch := make([]Choice, 0, len(ja.LimitPresets))
		for _, n := range ja.LimitPresets {
			ch = append(ch, Choice{Label: fmt.Sprintf(ja.LimitValue, n), Data: "limit:" + strconv.Itoa(n)})
		}
		t.text(ja.AskLimit, t.withCancel(ch)...)
	case StepConfirm:
		card := t.summary(ja.SummaryTitle)
		card.Body = ja.SummaryBody
		card.Buttons = []Choice{
			{Label: ja.Register, Data: "confirm:yes"},
			{Label: ja.Fix, Data: "confirm:edit"},
		}
		t.say(Message{Card: card})
	case StepEditField:
		t.text(ja.AskEditField,
			Choice{Label: ja.FieldName, Data: "edit:" + string(StepName)},
			Choice{Label: ja.FieldArea, Data: "edit:" + string(StepArea)},
			Choice{Label: ja.FieldSkills, Data: "edit:" + string(StepSkills)},
			Choice{Label: ja.FieldAvailability, Data: "edit:" + string(StepAvailability)},
			Choice{Label: ja.FieldLimit, Data: "edit:" + string(StepLimit)},
			Choice{Label: ja.Cancel, Data: "edit:cancel"},
		)
	case StepDeleteConfirm:
		t.say(Message{Card: &Card{
			Title: ja.DeleteTitle,
			Body:  ja.DeleteBody,
			Buttons: []Choice{
				{Label: ja.DeleteYes, Data: "delete:yes"},
				{Label: ja.DeleteNo, Data: "delete:no"},
			},
		}})
	case StepCancelTask:
		if ref, i := findRef(t.conv.Offers, t.conv.CancelTask); i >= 0 {
			t.askCancel(ref)
			return
		}
		t.conv.Step, t.conv.CancelTask = StepIdle, ""
		t.menu()
	default:
		t.menu()
	}
}

// withCancel adds a button to leave an edit without changing anything.
func (t *turn) withCancel(ch []Choice) []Choice {
	if !t.conv.Editing {
		return ch
	}
	if len(ch) >= maxChoices {
		ch = ch[:maxChoices-1]
	}
	return append(ch, Choice{Label: ja.Cancel, Data: stepVerb[t.conv.Step] + ":cancel"})
}

// skillChoices offers the skills not chosen yet, the full list, and "next"
// once something is chosen.
func (t *turn) skillChoices() []Choice {
	var ch []Choice
	if len(t.p.Skills) > 0 {
		ch = append(ch, Choice{Label: ja.Next, Data: "skill:done"})
	}
	ch = append(ch, Choice{Label: ja.SkillsListButton, Data: "skill:list"})
	for _, s := range t.cat.Skills() {
		if len(ch) == maxChoices {
			break
		}
		if !contains(t.p.Skills, s.ID) {
			ch = append(ch, Choice{Label: truncate(s.LabelJA, 20), Data: "skill:" + s.ID})
		}
	}
	return ch
}

// menu shows what a registered person can do.
func (t *turn) menu() {
	t.say(Message{Card: &Card{Title: ja.MenuTitle, Body: ja.MenuBody, Buttons: menuChoices(t.p)}})
}

func menuChoices(p *Profile) []Choice {
	pause := Choice{Label: ja.CmdPause, Data: "cmd:pause"}
	if p != nil && p.Status == StatusPaused {
		pause = Choice{Label: ja.CmdResume, Data: "cmd:resume"}
	}
	return []Choice{
		{Label: ja.CmdProfile, Data: "cmd:profile"},
		{Label: ja.CmdEdit, Data: "cmd:edit"},
		pause,
		{Label: ja.CmdHelp, Data: "cmd:help"},
		{Label: ja.CmdDelete, Data: "cmd:delete"},
	}
}

// summary is the profile as a card of fields.
func (t *turn) summary(title string) *Card {
	area := t.p.Area
	if a, ok := t.cat.Area(area); ok {
		area = a.LabelJA
	}
	return &Card{
		Title: title,
		Fields: []Field{
			{Label: ja.FieldName, Value: t.p.Name},
			{Label: ja.FieldArea, Value: area},
			{Label: ja.FieldSkills, Value: strings.Join(t.cat.SkillLabels(t.p.Skills), "、")},
			{Label: ja.FieldAvailability, Value: t.p.Availability.Japanese()},
			{Label: ja.FieldLimit, Value: fmt.Sprintf(ja.LimitValue, t.p.WeeklyLimit)},
		},
	}
}

func (t *turn) profileCard() Message {
	card := t.summary(ja.ProfileTitle)
	status := ja.StatusActive
	if t.p.Status == StatusPaused {
		status = ja.StatusPaused
	}
	card.Fields = append(card.Fields, Field{Label: ja.FieldStatus, Value: status})
	card.Buttons = menuChoices(t.p)[1:4]
	return Message{Card: card}
}

func limitChoices(ch []Choice) []Choice {
	if len(ch) > maxChoices {
		return ch[:maxChoices]
	}
	return ch
}

// truncate shortens s to n runes, marking the cut.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
