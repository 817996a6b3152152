package bot

import (
	"fmt"
	"strings"
)

// prompt asks the question of the current step again, with its buttons.
func (t *turn) prompt() {
	switch t.conv.Step {
	case StepConsent:
		t.say(Message{Card: &Card{
			Title: ja.ConsentTitle,
			Body:  ja.ConsentBody,
			Buttons: []Choice{
				answerAction(StepConsent, opYes).button(ja.ConsentYes),
				answerAction(StepConsent, opNo).button(ja.ConsentNo),
			},
		}})
	case StepName:
		var ch []Choice
		if t.conv.SuggestedName != "" {
			ch = append(ch, answerAction(StepName, opSuggested).button(t.conv.SuggestedName))
		}
		t.text(ja.AskName, t.withCancel(ch)...)
	case StepArea:
		ch := make([]Choice, 0, len(t.cat.Areas()))
		for _, a := range t.cat.Areas() {
			ch = append(ch, answerAction(StepArea, a.ID).button(a.LabelJA))
		}
		t.text(ja.AskArea, t.withCancel(ch)...)
	case StepSkills:
		ask := ja.AskSkills
		if t.conv.Editing && len(t.p.Skills) > 0 {
			// What is registered, to add to it or take from it knowingly.
			ask = fmt.Sprintf(ja.CurrentSkills, strings.Join(t.cat.SkillLabels(t.p.Skills), "、"))
		}
		t.text(ask, t.withCancel(t.skillChoices())...)
	case StepAvailability:
		ch := make([]Choice, 0, len(ja.AvailPresets))
		for _, p := range ja.AvailPresets {
			ch = append(ch, answerAction(StepAvailability, p).button(p))
		}
		ask := ja.AskAvailability
		if t.conv.Editing && t.p != nil && !t.p.Availability.IsZero() {
			// What is being changed, to change it knowingly.
			ask = fmt.Sprintf(ja.CurrentAvailability, t.p.Availability.Japanese()) + ask
		}
		t.text(ask, t.withCancel(ch)...)
	case StepLimit:
		ch := make([]Choice, 0, len(ja.LimitPresets))
		for _, n := range ja.LimitPresets {
			ch = append(ch, limitAction(n).button(fmt.Sprintf(ja.LimitValue, n)))
		}
		t.text(ja.AskLimit, t.withCancel(ch)...)
	case StepConfirm:
		card := t.summary(ja.SummaryTitle)
		card.Body = ja.SummaryBody
		card.Buttons = []Choice{
			answerAction(StepConfirm, opYes).button(ja.Register),
			answerAction(StepConfirm, opEdit).button(ja.Fix),
		}
		t.say(Message{Card: card})
	case StepEditField:
		t.text(ja.AskEditField,
			answerAction(StepEditField, string(StepName)).button(ja.FieldName),
			answerAction(StepEditField, string(StepArea)).button(ja.FieldArea),
			answerAction(StepEditField, string(StepSkills)).button(ja.FieldSkills),
			answerAction(StepEditField, string(StepAvailability)).button(ja.FieldAvailability),
			answerAction(StepEditField, string(StepLimit)).button(ja.FieldLimit),
			answerAction(StepEditField, opCancel).button(ja.Cancel),
		)
	case StepDeleteConfirm:
		body := ja.DeleteBody
		if n := len(t.upcoming()); n > 0 {
			// Withdrawing gives up the places taken: said before, not after.
			body += "\n" + fmt.Sprintf(ja.DeleteTakesJobs, n)
		}
		buttons := []Choice{
			answerAction(StepDeleteConfirm, opYes).button(ja.DeleteYes),
			answerAction(StepDeleteConfirm, opNo).button(ja.DeleteNo),
		}
		if t.p.Status == StatusActive {
			// Many who say 「やめたい」 want a rest, not to be forgotten.
			body += "\n" + ja.DeleteOrPause
			buttons = append(buttons, commandAction(cmdPause).button(ja.PauseInstead))
		}
		t.say(Message{Card: &Card{Title: ja.DeleteTitle, Body: body, Buttons: buttons}})
	case StepCancelTask:
		if ref, i := findRef(t.conv.Offers, t.conv.CancelTask); i >= 0 {
			t.askCancel(ref)
			return
		}
		t.conv.endDetour()
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
	return append(ch, kept(answerAction(t.conv.Step, opCancel).button(ja.Cancel)))
}

// skillChoices offers "next" once something is chosen, the full list, and
// the skills not chosen yet (a platform showing fewer buttons keeps the
// first two and drops skills from the end: the list names them all).
func (t *turn) skillChoices() []Choice {
	var ch []Choice
	if len(t.p.Skills) > 0 {
		ch = append(ch, kept(answerAction(StepSkills, opDone).button(ja.Next)))
	}
	ch = append(ch, kept(answerAction(StepSkills, opList).button(ja.SkillsListButton)))
	if t.conv.Editing {
		for _, id := range t.p.Skills {
			ch = append(ch, answerAction(StepSkills, opRemove+id).button(fmt.Sprintf(ja.SkillRemoveButton, t.cat.SkillLabels([]string{id})[0])))
		}
	}
	for _, s := range t.cat.Skills() {
		if !contains(t.p.Skills, s.ID) {
			ch = append(ch, answerAction(StepSkills, s.ID).button(s.LabelJA))
		}
	}
	return ch
}

// menu shows what a registered person can do.
func (t *turn) menu() {
	t.say(Message{Card: &Card{Title: ja.MenuTitle, Body: ja.MenuBody, Buttons: menuChoices(t.p)}})
}

func menuChoices(p *Profile) []Choice {
	pause := commandAction(cmdPause).button(ja.CmdPause)
	if p != nil && p.Status == StatusPaused {
		pause = commandAction(cmdResume).button(ja.CmdResume)
	}
	return []Choice{
		commandAction(cmdSchedule).button(ja.Task.CmdSchedule),
		commandAction(cmdProfile).button(ja.CmdProfile),
		commandAction(cmdEdit).button(ja.CmdEdit),
		pause,
		commandAction(cmdHelp).button(ja.CmdHelp),
		commandAction(cmdDelete).button(ja.CmdDelete),
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

// registeredByCoordinator shows someone the registration a coordinator
// finished for them, with the menu's buttons to look at it again or
// change it. A person who left or blocked the bot meanwhile is not told.
func (t *turn) registeredByCoordinator() {
	if t.p == nil || t.p.Status != StatusActive && t.p.Status != StatusPaused {
		return
	}
	card := t.summary(ja.RegisteredByCoordinatorTitle)
	card.Body = ja.RegisteredByCoordinator
	card.Buttons = menuChoices(t.p)[1:4]
	t.say(Message{Card: card})
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
