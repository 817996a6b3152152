package bot

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"tsunagu/bot/avail"
	"tsunagu/bot/jtext"
)

// maxMisses is how many answers in a row a step may not understand before
// the bot stops repeating its question and offers a person to talk to.
const maxMisses = 2

// answerText reads a sentence typed at a profile question (name, area,
// skills, availability, limit). Everything the sentence answers is kept,
// whichever question asked, and only what is still missing is asked next:
// 「世田谷で、平日の午前に採点ができます」 at the area question fills area,
// skills and availability.
func (t *turn) answerText() {
	step := t.conv.Step
	if step == StepSkills && listWords[key(t.in.Text)] {
		t.answerSkills("list")
		return
	}
	u := Understand(t.cat, step, t.in.Text)
	if u.Command != "" {
		t.command(u.Command)
		return
	}
	if step == StepAvailability && t.conv.Editing && !t.p.Availability.IsZero() && namesADate(t.in.Text) {
		// 「来週の水曜日はお休みします」 while changing the week is about
		// one Wednesday: nothing to change, and the question stays.
		t.text(ja.OneDayNotWeek)
		t.prompt()
		return
	}
	if step == StepName && u.Name == "" && t.conv.SuggestedName != "" && u.Answered && u.Yes {
		u.Name = t.conv.SuggestedName
	}
	var said []string // what was kept besides the question's own answer
	answered := false
	if u.Name != "" && step == StepName {
		t.p.Name = u.Name
		answered = true
	}
	if u.Area != "" {
		t.p.Area = u.Area
		if step == StepArea {
			answered = true
		} else {
			said = append(said, ja.FieldArea+"："+t.areaLabel())
		}
	}
	addedSkills := t.takeSkills(u)
	if len(addedSkills) > 0 && step != StepSkills {
		said = append(said, ja.FieldSkills+"："+strings.Join(t.cat.SkillLabels(addedSkills), "、"))
	}
	// 「来週の水曜日はお休みします」 said at another question is about one
	// Wednesday: the week stays as it is.
	oneDay := step != StepAvailability && !t.p.Availability.IsZero() && namesADate(t.in.Text)
	if !u.Week.IsZero() && !oneDay {
		w := u.Week.Apply(t.p.Availability)
		editing := t.conv.Editing && step == StepAvailability && !t.p.Availability.IsZero()
		switch {
		case editing && u.Week.OnlyRulesOut():
			// 「水曜日以外」 while changing the week: Wednesday out of it,
			// not every other day added whole.
			w = t.p.Availability.Minus(u.Week.Except)
		case !t.p.Availability.IsZero() && (jtext.Adds(t.in.Text) ||
			editing && !u.Week.Except.IsZero() && (u.Week.Free.IsZero() || speaksOfAChange(t.in.Text))):
			// A change to the week given (「水曜はだめになったので火曜に」
			// 「木曜も空きました」「あと平日の午後も」) keeps the rest of
			// it; a whole new week (「月水の午前です」「水曜日以外の平日
			// の午後一時から四時まで」) replaces it.
			w = u.Week.Adjust(t.p.Availability)
		}
		if !w.IsZero() {
			t.p.Availability = w
			if step == StepAvailability {
				answered = true
			} else {
				said = append(said, ja.FieldAvailability+"："+w.Japanese())
			}
		}
	}
	if u.Limit >= MinWeeklyLimit && u.Limit <= MaxWeeklyLimit {
		t.p.WeeklyLimit = u.Limit
		if step == StepLimit {
			answered = true
		} else {
			said = append(said, ja.FieldLimit+"："+fmt.Sprintf(ja.LimitValue, u.Limit))
		}
	}
	if answered || len(said) > 0 || len(addedSkills) > 0 || len(u.NotSkills) > 0 {
		t.changed = true
		t.conv.Misses, t.conv.MissStep = 0, ""
	}
	if len(said) > 0 {
		t.text(fmt.Sprintf(ja.AlsoNoted, strings.Join(said, "\n")))
	}

	switch step {
	case StepName:
		if answered {
			t.advance()
			return
		}
	case StepArea:
		if answered {
			t.advance()
			return
		}
	case StepSkills:
		t.afterSkills(u, addedSkills)
		return
	case StepAvailability:
		if answered {
			t.text(fmt.Sprintf(ja.AvailabilityOK, t.p.Availability.Japanese()))
			t.advance()
			return
		}
		if errors.Is(u.WeekErr, avail.ErrEndBeforeStart) {
			t.text(ja.AvailabilityBackwards)
			t.prompt()
			return
		}
	case StepLimit:
		if answered {
			if u.LimitLow {
				t.text(fmt.Sprintf(ja.LimitTookLower, u.Limit))
			}
			t.advance()
			return
		}
		if u.Limit != 0 {
			t.text(ja.LimitInvalid)
			t.prompt()
			return
		}
	}
	if len(said) > 0 {
		// Something else was answered: ask this question again, kindly.
		t.prompt()
		return
	}
	t.miss(missTexts[step])
}

// takeSkills adds the skills a sentence offers and removes those it says
// the person cannot do. It returns the skills added.
func (t *turn) takeSkills(u Understanding) []string {
	var added []string
	for _, id := range u.Skills {
		if contains(t.p.Skills, id) || len(t.p.Skills) >= MaxSkills {
			continue
		}
		t.p.Skills = append(t.p.Skills, id)
		added = append(added, id)
	}
	for _, id := range u.NotSkills {
		if i := index(t.p.Skills, id); i >= 0 {
			t.p.Skills = append(t.p.Skills[:i:i], t.p.Skills[i+1:]...)
		}
	}
	return added
}

func index(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// afterSkills answers a sentence at the skills question.
func (t *turn) afterSkills(u Understanding, added []string) {
	switch {
	case len(u.NotSkills) > 0 && t.conv.Editing:
		// 「採点はもうできません」 while editing took it off the list
		// (takeSkills): said as such.
		t.text(fmt.Sprintf(ja.SkillsTakenOff, strings.Join(t.cat.SkillLabels(u.NotSkills), "、")))
	case len(u.NotSkills) > 0:
		t.text(fmt.Sprintf(ja.SkillsNotAdded, strings.Join(t.cat.SkillLabels(u.NotSkills), "、")))
	}
	// 「いいえ」 to 「ほかにもありますか」 ends the list as 「以上です」 does.
	done := u.Done || (u.Answered && !u.Yes && len(t.p.Skills) > 0)
	switch {
	case done && len(t.p.Skills) == 0:
		t.text(ja.SkillsNeedOne)
		t.prompt()
	case done:
		if len(added) > 0 {
			t.text(fmt.Sprintf(ja.SkillsAdded, strings.Join(t.cat.SkillLabels(added), "、")))
		}
		t.advance()
	case len(added) > 0:
		t.text(fmt.Sprintf(ja.SkillsMore, strings.Join(t.cat.SkillLabels(added), "、")), t.skillChoices()...)
	case len(u.NotSkills) > 0 || u.Found():
		t.prompt()
	case utf8.RuneCountInString(t.in.Text) <= 12 && len(jtext.SplitList(t.in.Text)) > 0:
		// A short word the catalog does not know is named back.
		t.miss(fmt.Sprintf(ja.SkillsUnknown, strings.Join(jtext.SplitList(t.in.Text), "、")))
	default:
		t.miss(missTexts[StepSkills])
	}
}

// miss answers a message the current question did not understand. The
// first time it asks again; from the second time in a row it says what it
// expects with an example and offers a person to talk to, so nobody is left
// going round in circles. While a conversation with the coordinators is
// open, the message goes to them instead.
func (t *turn) miss(retry string) {
	if t.talkOpen() {
		t.forwardToCoordinators()
		return
	}
	if t.conv.MissStep != t.conv.Step {
		t.conv.MissStep, t.conv.Misses = t.conv.Step, 0
	}
	t.conv.Misses++
	if t.conv.Misses < maxMisses {
		t.text(retry)
		t.prompt()
		return
	}
	t.text(stuckTexts[t.conv.Step])
	t.prompt()
	t.offerHandoff()
}

// offerHandoff adds 「担当者に相談する」 to the buttons of the last message.
func (t *turn) offerHandoff() {
	if len(t.out) == 0 {
		t.text(ja.HandoffOffer, commandAction(cmdHandoff).button(ja.HandoffButton))
		return
	}
	m := &t.out[len(t.out)-1]
	c := kept(commandAction(cmdHandoff).button(ja.HandoffButton))
	switch {
	case m.Card != nil && len(m.Card.Buttons) < 4:
		m.Card.Buttons = append(m.Card.Buttons, c)
	case m.Card != nil:
		t.text(ja.HandoffOffer, c)
	default:
		m.Choices = append(m.Choices, c)
	}
}

func (t *turn) areaLabel() string {
	if a, ok := t.cat.Area(t.p.Area); ok {
		return a.LabelJA
	}
	return t.p.Area
}

// idleMiss answers a registered person's message that means nothing here:
// the menu, and from the second time in a row a person to talk to.
func (t *turn) idleMiss() {
	if t.conv.MissStep != StepIdle || t.conv.Misses == 0 {
		t.conv.MissStep, t.conv.Misses = StepIdle, 0
	}
	t.conv.Misses++
	if t.asked == askedWhichCancel && t.conv.Misses < maxMisses {
		// The list of places is still on the screen: one more try at
		// naming one, rather than the menu.
		t.conv.Asked = askedWhichCancel
		t.text(ja.Task.WhichCancelAgain)
		return
	}
	t.text(ja.NotUnderstood)
	t.menu()
	if t.conv.Misses >= maxMisses {
		t.offerHandoff()
	}
}

// speaksOfAChange reports a sentence told as a change (「だめになったので」
// 「無理になって」), whose days and times amend the week rather than
// replace it.
func speaksOfAChange(text string) bool {
	return containsAny(jtext.Normalize(text), changeWords)
}

// weekChangedInPassing applies a change of free time said between
// conversations (「金曜の午前も空きました」「水曜はだめになりました」) to
// the week, keeping the rest, and says what the week is now. A day said
// without 「も」 or 「〜なりました」 (「月曜は病院です」) may be one day
// only, and is left alone.
func (t *turn) weekChangedInPassing() bool {
	text := t.in.Text
	when, rest, from := changeFrom(text)
	if from {
		// 「来月から火曜も大丈夫になりました」: a change from then on.
		text = rest
	}
	if t.p == nil || t.p.Availability.IsZero() || namesADate(text) {
		// 「来週の月曜も行けます」 is about one Monday, not every one.
		return false
	}
	w, ok := t.amendedWeek(text, !from)
	if !ok {
		return false
	}
	t.p.Availability, t.changed = w, true
	if from {
		// The week has one availability: it changes now, and she is told
		// so, with what to do until then.
		t.text(fmt.Sprintf(ja.WeekChangedFrom, when, w.Japanese()))
		return true
	}
	t.text(fmt.Sprintf(ja.WeekChanged, w.Japanese()))
	return true
}

// changeFrom splits off a leading 「来月から」「4月から」「年明けからは」:
// when the change begins, and the rest of the sentence.
func changeFrom(text string) (when, rest string, ok bool) {
	n := jtext.Normalize(text)
	m := changeFromRE.FindStringSubmatch(n)
	if m == nil {
		return "", text, false
	}
	return m[1], strings.TrimLeft(n[len(m[0]):], "、, "), true
}

var changeFromRE = regexp.MustCompile(`^(?:(?:あの|えっと|えーと|実は|じつは)[、, ]*)?(来月|らいげつ|再来月|来週|らいしゅう|再来週|年明け|来年|\d+月|[一二三四五六七八九十]+月|\d+月\d+日)(?:の\d+日)?(?:から|以降|より)(?:は)?`)

// amendedWeek is the person's week as a sentence told as a change amends
// it, and whether it does: 「木曜も空きました」 adds, 「水曜はだめになりま
// した」 takes away, 「木曜日は三時までになりました」 gives Thursday its new
// time, and times without days (「午後はだめになりました」「午前もできる
// ようになりました」) apply to the days the person gives. A sentence that
// is not told as a change, or changes nothing, is not one; with lasting, a
// sentence must also say the change lasts (「なりました」, or 「も」 with
// days named), as one said in passing while idle must.
func (t *turn) amendedWeek(text string, lasting bool) (avail.Week, bool) {
	base := t.p.Availability
	r, err := avail.Read(text)
	if err != nil || r.IsZero() || base.IsZero() {
		return base, false
	}
	n := jtext.Normalize(text)
	became := strings.Contains(n, "なりました") || strings.Contains(n, "なった")
	adds := jtext.Adds(text) && !r.Free.IsZero()
	if lasting && !(adds && (r.Days || became) || became) {
		return base, false
	}
	if !r.Days {
		r.Free = r.Free.OnDaysOf(base)
	}
	var w avail.Week
	switch {
	case r.OnlyRulesOut():
		w = base.Minus(r.Except)
	case adds || !r.Except.IsZero():
		w = r.Adjust(base)
	case r.Days && became:
		w = base.WithDaysOf(r.Free)
	default:
		return base, false
	}
	return w, !w.IsZero() && w != base
}

// limitChangedInPassing applies a weekly limit asked for between
// conversations: 「週に1件までにしてください」「これからは週に一回くらいに
// 減らしたいです」.
func (t *turn) limitChangedInPassing() bool {
	n := jtext.Normalize(t.in.Text)
	if !strings.Contains(n, "週") || !containsAny(n, limitChangeWords) {
		return false
	}
	limit, _, ok := jtext.Limit(t.in.Text)
	if !ok || limit < MinWeeklyLimit || limit > MaxWeeklyLimit {
		return false
	}
	if limit != t.p.WeeklyLimit {
		t.p.WeeklyLimit, t.changed = limit, true
	}
	t.text(fmt.Sprintf(ja.Task.LimitChanged, limit))
	return true
}

// skillsRemovedInPassing takes skills off between conversations:
// 「草むしりをできることから外してください」.
func (t *turn) skillsRemovedInPassing() bool {
	n := jtext.Normalize(t.in.Text)
	if !containsAny(n, removeSkillWords) {
		return false
	}
	named, _ := t.cat.SpotSkills(t.in.Text)
	var gone []string
	for _, id := range named {
		if i := slices.Index(t.p.Skills, id); i >= 0 {
			t.p.Skills = slices.Delete(slices.Clone(t.p.Skills), i, i+1)
			gone = append(gone, id)
		}
	}
	if len(gone) == 0 {
		return false
	}
	t.changed = true
	t.text(fmt.Sprintf(ja.SkillsTakenOff, strings.Join(t.cat.SkillLabels(gone), "、")))
	return true
}
