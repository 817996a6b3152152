package bot

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"tsunagu/bot/avail"
	"tsunagu/bot/jtext"
)

// Step is where a person is in a conversation with the bot.
type Step string

// Steps of onboarding, editing and the detours any step can take. The empty
// step is "nothing asked": a registered person talking to the bot.
const (
	StepIdle          Step = ""
	StepConsent       Step = "consent"
	StepName          Step = "name"
	StepArea          Step = "area"
	StepSkills        Step = "skills"
	StepAvailability  Step = "availability"
	StepLimit         Step = "limit"
	StepConfirm       Step = "confirm"
	StepEditField     Step = "edit"
	StepDeleteConfirm Step = "delete"
)

// onboardingOrder is the order of the questions for a newcomer.
var onboardingOrder = []Step{StepConsent, StepName, StepArea, StepSkills, StepAvailability, StepLimit, StepConfirm}

// Conversation is the per-person state of the chat, stored beside the
// profile.
type Conversation struct {
	Step Step `json:"step,omitempty"`
	// Return is the step to go back to after the delete confirmation.
	Return Step `json:"return,omitempty"`
	// Editing is set while one field is being changed; answering it goes
	// back to the summary (onboarding) or to the profile (registered).
	Editing bool `json:"editing,omitempty"`
	// Asked is the offer the last message asked about by name (「…をお引き
	// 受けいただけますか？」): the next yes is about it, not about all.
	// It lasts one message.
	Asked string `json:"asked,omitempty"`
	// SuggestedName is the platform display name, offered as a button. It
	// is fetched only after consent.
	SuggestedName string `json:"suggested_name,omitempty"`
	// PrevSkills keeps the skills while they are being chosen again, so
	// cancelling the edit restores them.
	PrevSkills []string `json:"prev_skills,omitempty"`
	// BeforeBlock is the status to restore when a person who blocked the
	// bot adds it again: a paused person stays paused.
	BeforeBlock Status `json:"before_block,omitempty"`
	// Offers are the tasks offered to the person, answered or not, for a
	// month (see keepRefs).
	Offers []OfferRef `json:"offers,omitempty"`
	// CancelTask is the task whose cancellation StepCancelTask confirms.
	CancelTask string `json:"cancel_task,omitempty"`
	// Sessions are the sessions the person was invited to, until a day
	// after each ends.
	Sessions []SessionRef `json:"sessions,omitempty"`
	// Misses counts the answers in a row that MissStep did not understand
	// (see miss).
	Misses   int  `json:"misses,omitempty"`
	MissStep Step `json:"miss_step,omitempty"`
	// Talk is the conversation with the coordinators, open or recently
	// closed.
	Talk *Talk `json:"talk,omitempty"`
}

// endDetour goes back to idle from a question asked on the way (the
// confirmation of a cancellation, StepCancelTask) and forgets what it was
// about, so that a 「はい」 that follows answers nothing stale.
func (c *Conversation) endDetour() { c.Step, c.CancelTask = StepIdle, "" }

// Result is what one event does to a person: their new state and the
// messages to send back.
type Result struct {
	// Profile is the new profile, nil when there is none (never created,
	// or Delete is set).
	Profile  *Profile
	Conv     Conversation
	Messages []Message
	// Delete asks for every key about the person to be removed.
	Delete bool
	// LookupName asks the platform for the person's display name.
	LookupName bool
	// Answer asks for an answer to a task to be applied; the Bot does so
	// and completes the result with Answered.
	Answer *AnswerRequest
	// RSVP asks for an answer to an invitation to be applied (see
	// RSVPAnswered).
	RSVP *RSVPRequest
	// CannotJoin names a session the person cannot get into, for the
	// coordinators to be told.
	CannotJoin *SessionRef
	// Notices are texts for the coordinators (a person asking for them).
	Notices []string
}

// Converse is the conversation as a pure function: the person's state and an
// inbound event in, the new state and the replies out. It never fails: any
// input gets an answer, at worst a kind re-prompt. Times are read and
// written in now's location, the service time zone.
func Converse(cat *Catalog, now time.Time, p *Profile, c Conversation, in Inbound) Result {
	t := &turn{cat: cat, now: now, conv: c, in: in, asked: c.Asked}
	t.conv.Asked = ""
	if p != nil {
		cp := *p
		cp.Skills = append([]string(nil), p.Skills...)
		t.p = &cp
	}
	t.run()
	t.keepFromClash()
	t.keepWithinLimit()
	if t.del {
		return Result{Delete: true, Messages: t.out}
	}
	if t.p != nil && t.changed {
		t.p.UpdatedAt = now
	}
	return Result{Profile: t.p, Conv: t.conv, Messages: t.out, LookupName: t.lookup, Answer: t.request,
		RSVP: t.rsvp, CannotJoin: t.cannot, Notices: t.notices}
}

// turn carries one event through the conversation.
type turn struct {
	cat     *Catalog
	now     time.Time
	p       *Profile
	conv    Conversation
	in      Inbound
	out     []Message
	del     bool
	lookup  bool
	changed bool
	request *AnswerRequest
	rsvp    *RSVPRequest
	cannot  *SessionRef
	notices []string
	// asked is the offer the previous message asked about (Conversation.Asked).
	asked string
	// overLimitTold is set by 「引き受ける」 on the question of
	// keepWithinLimit: the acceptance goes past the weekly limit.
	overLimitTold bool
}

func (t *turn) say(m ...Message)            { t.out = append(t.out, m...) }
func (t *turn) text(s string, ch ...Choice) { t.say(Message{Text: s, Choices: ch}) }

func (t *turn) run() {
	switch t.in.Kind {
	case EventUnfollow:
		if t.p != nil && t.p.Status != StatusBlocked {
			t.conv.BeforeBlock = t.p.Status
			t.p.Status = StatusBlocked
			t.changed = true
			if up := t.upcoming(); len(up) > 0 {
				// They still hold places, and no reminder or question
				// reaches them now: the coordinators must, another way.
				var jobs []string
				for _, r := range up {
					jobs = append(jobs, fmt.Sprintf(ja.Task.ScheduleLine, t.span(r), r.Title, r.Place))
				}
				t.notify(fmt.Sprintf(ja.Task.NoticeUnreachable, t.who(), strings.Join(jobs, "\n")))
			}
		}
		return
	case EventProfileInfo:
		t.profileInfo()
		return
	case EventOffer:
		t.offered()
		return
	case EventPromoted:
		t.promoted()
		return
	case EventReminder:
		t.remind()
		return
	case EventTaskCancelled:
		t.taskCancelled()
		return
	case EventResult:
		t.resultRecorded()
		return
	case EventInvite:
		t.invited()
		return
	case EventSessionReminder:
		t.sessionReminder()
		return
	case EventSessionCancelled:
		t.calledOff()
		return
	case EventProfileForm:
		t.submitForm()
		return
	case EventCoordinatorMessage:
		t.coordinatorMessage()
		return
	case EventTalkClose:
		t.closeTalk()
		return
	case EventTalkExpire:
		t.expireTalk()
		return
	case EventRegisteredByCoordinator:
		t.registeredByCoordinator()
		return
	}
	if t.in.Kind == EventPostback {
		switch t.in.Data {
		case HomeDelete:
			// Asked already, by the home screen's confirmation dialog.
			if t.p != nil {
				t.del = true
				t.text(ja.Deleted)
			}
			return
		case HomeJoin:
			// The form could not be opened: register in the chat instead.
			t.in.Kind = EventFollow
		case HomeEdit:
			t.in.Data = commandAction(cmdEdit).String()
		}
	}
	switch {
	case t.p == nil:
		t.start()
	case t.p.Status == StatusBlocked && t.in.Kind == EventFollow:
		t.unblock()
	case t.p.Status == StatusBlocked:
		// A late or redelivered message from before the block: the person
		// does not want to hear from us, so it changes nothing.
	case t.in.Kind == EventFollow && t.p.Status == StatusOnboarding:
		t.text(ja.WelcomeBack)
		t.prompt()
	case t.in.Kind == EventFollow:
		// Already registered, e.g. imported by a coordinator.
		t.text(ja.WelcomeRegistered, menuChoices(t.p)...)
	default:
		t.answer()
	}
}

// profileInfo keeps the platform display name (looked up after consent)
// and offers it if the name question is waiting for an answer.
func (t *turn) profileInfo() {
	name := strings.TrimSpace(t.in.DisplayName)
	if t.p == nil || t.p.ConsentedAt == nil || name == "" || ValidateName(name) != nil {
		return
	}
	t.conv.SuggestedName = name
	if t.conv.Step == StepName && t.p.Name == "" {
		t.text(fmt.Sprintf(ja.SuggestName, name), answerAction(StepName, opSuggested).button(name))
	}
}

// start greets a person the service has not met and asks for consent. The
// profile holds nothing personal until they consent.
func (t *turn) start() {
	if t.in.Kind == EventText {
		if cmd, ok := lookupCommand(t.in.Text); (ok && cmd == cmdDelete) || (!ok && isIntent(t.in.Text, cmdDelete)) {
			// 「データを消してください」 from someone we hold nothing of
			// (just deleted, say): said so, and nothing is stored.
			t.text(ja.NothingToDelete)
			return
		}
	}
	if t.in.Kind == EventPostback {
		if v := ParseAction(t.in.Data).Verb; v != verbCmd && v != verbHome {
			// An old card's button (a second 「退会する」, an offer from
			// before leaving) from someone we hold nothing of: told, and
			// nothing is made of it. A message or a menu starts anew.
			t.text(ja.ButtonOfNoOne)
			return
		}
	}
	t.p = &Profile{ID: t.in.ProfileID, Status: StatusOnboarding, CreatedAt: t.now}
	t.changed = true
	t.conv = Conversation{Step: StepConsent}
	t.text(ja.Welcome)
	t.prompt()
}

// unblock welcomes back someone who had blocked the bot.
func (t *turn) unblock() {
	t.changed = true
	before := t.conv.BeforeBlock
	t.conv.BeforeBlock = ""
	if (before == StatusActive || before == StatusPaused) && t.firstMissing() == StepIdle {
		t.p.Status = before
		t.conv = Conversation{SuggestedName: t.conv.SuggestedName}
		t.text(ja.WelcomeBack, menuChoices(t.p)...)
		return
	}
	t.p.Status = StatusOnboarding
	if t.conv.Step == StepIdle || t.conv.Step == StepDeleteConfirm {
		t.conv.Step = t.firstMissing()
	}
	if t.conv.Step == StepIdle {
		t.conv.Step = StepConfirm
	}
	t.text(ja.WelcomeBack)
	t.prompt()
}

// onlySymbols reports a text of emoji and marks alone (「👍」「🙆‍♀️」「🙏🙏」).
func onlySymbols(s string) bool {
	symbols := false
	for _, r := range s {
		switch {
		case unicode.IsSymbol(r):
			symbols = true
		case unicode.IsSpace(r), unicode.IsPunct(r), unicode.Is(unicode.Variation_Selector, r), unicode.Is(unicode.Mn, r), r == 0x200D:
		default:
			return false
		}
	}
	return symbols
}

// answer handles text and button taps.
func (t *turn) answer() {
	if t.in.Kind == EventText && (strings.TrimSpace(t.in.Text) == "" || onlySymbols(t.in.Text)) {
		// A sticker, a photo, a place, 👍: nothing to read.
		switch {
		case t.conv.Step == StepIdle && !t.talkOpen() && len(t.pending()) > 0:
			t.text(ja.YoureWelcome + "\n" + ja.GreetingPending)
		case t.conv.Step == StepIdle && !t.talkOpen():
			// Most often a thank-you, after a reminder or an answer.
			t.text(ja.YoureWelcome)
		case t.conv.Step != StepIdle:
			// Counted as a miss: the second in a row offers a person.
			t.miss(ja.TextOnly)
		default:
			t.text(ja.TextOnly)
		}
		return
	}
	var act Action
	if t.in.Kind == EventPostback {
		act = ParseAction(t.in.Data)
	}
	verb, arg := act.Verb, act.Op
	if t.in.Kind == EventText && t.talkOpen() && t.conv.Step == StepIdle && isQuestion(t.in.Text) && !asksToRepeat(t.in.Text) {
		// With a coordinator on the line, a question (「学童の29日はお休み
		// になるんでしょうか」) is for them: read as a request, it became a
		// cancellation the coordinator never saw.
		t.forwardToCoordinators()
		return
	}
	if verb == verbCmd {
		t.command(command(arg))
		return
	}
	if (verb == verbOffer || verb == verbTask) && t.p.Status != StatusOnboarding {
		t.taskButton(act)
		return
	}
	if verb == verbSession && t.p.Status != StatusOnboarding {
		t.sessionButton(act)
		return
	}
	if t.in.Kind == EventText && t.conv.Step == StepIdle && t.p.Status != StatusOnboarding && t.taskQuestionText() {
		return
	}
	if t.in.Kind == EventText {
		if cmd, ok := lookupCommand(t.in.Text); ok {
			t.command(cmd)
			return
		}
		if cmd, ok := t.requested(); ok {
			t.command(cmd)
			return
		}
	}
	// A card's "cancel" (task:cancel:<id>) gives up a task, not the edit.
	if t.conv.Editing && ((arg == opCancel && act.ID == "") || (t.in.Kind == EventText && cancelWords[key(t.in.Text)])) {
		t.text(ja.EditCancel)
		t.finishEdit(false)
		return
	}
	if verb != "" && verb != stepVerb[t.conv.Step] {
		t.text(ja.StaleButton)
		t.prompt()
		return
	}
	if t.in.Kind == EventText && profileSteps[t.conv.Step] {
		if t.answersAnOfferMidEdit() {
			return
		}
		t.answerText()
		return
	}
	switch t.conv.Step {
	case StepConsent:
		t.answerConsent(arg)
	case StepName:
		t.answerName(arg)
	case StepArea:
		t.answerArea(arg)
	case StepSkills:
		t.answerSkills(arg)
	case StepAvailability:
		t.answerAvailability(arg)
	case StepLimit:
		t.answerLimit(arg)
	case StepConfirm:
		t.answerConfirm(arg)
	case StepEditField:
		t.answerEditField(arg)
	case StepDeleteConfirm:
		t.answerDelete(arg)
	case StepCancelTask:
		t.answerCancelTask()
	default:
		t.idleText()
	}
}

// profileSteps are the questions whose typed answers answerText reads.
var profileSteps = map[Step]bool{StepName: true, StepArea: true, StepSkills: true, StepAvailability: true, StepLimit: true}

// requested recognises a command written as a request (「今月はお休み
// させてください」) where the question is a yes or no, or nothing is asked.
// At the profile questions answerText looks for answers first.
func (t *turn) requested() (command, bool) {
	switch t.conv.Step {
	case StepIdle, StepConsent, StepConfirm, StepDeleteConfirm, StepCancelTask, StepEditField:
	default:
		return "", false
	}
	cmd, ok := intentOf(t.in.Text)
	if !ok || (cmd == cmdDelete && t.conv.Step == StepDeleteConfirm) || (cmd == cmdEdit && t.conv.Step == StepEditField) {
		return "", false
	}
	return cmd, true
}

// stepVerb is the postback verb each step's buttons carry; a tap on an old
// button from another step is recognised as stale.
var stepVerb = map[Step]string{
	StepConsent: verbConsent, StepName: verbName, StepArea: verbArea, StepSkills: verbSkill,
	StepAvailability: verbAvail, StepLimit: verbLimit, StepConfirm: verbConfirm,
	StepEditField: verbEdit, StepDeleteConfirm: verbDelete, StepCancelTask: verbTask,
}

// politeEndings are stripped before looking a command up: 「退会します」
// means 退会.
var politeEndings = []string{"をお願いします", "お願いします", "してください", "したいです", "したい", "します", "する"}

// lookupCommand recognises a whole message as a command.
func lookupCommand(text string) (command, bool) {
	k := key(text)
	if cmd, ok := commandWords[k]; ok {
		return cmd, true
	}
	for _, end := range politeEndings {
		if stem, ok := strings.CutSuffix(k, end); ok && stem != "" {
			if cmd, ok := commandWords[stem]; ok {
				return cmd, true
			}
		}
	}
	return "", false
}

// key normalizes free text for a lookup in a word list.
func key(s string) string {
	return strings.TrimRight(jtext.Normalize(s), "。．.！!、 ")
}

// yesNo reads a yes/no answer from a button argument or free text.
func (t *turn) yesNo(arg string) (yes, ok bool) {
	switch arg {
	case opYes:
		return true, true
	case opNo:
		return false, true
	}
	if t.in.Kind != EventText {
		return false, false
	}
	return jtext.Answer(t.in.Text)
}

func (t *turn) answerConsent(arg string) {
	yes, ok := t.yesNo(arg)
	switch {
	case !ok:
		t.miss(ja.ConsentRetry)
	case !yes:
		t.text(ja.ConsentDeclined, answerAction(StepConsent, opYes).button(ja.ConsentYes))
	default:
		now := t.now
		t.p.ConsentedAt = &now
		t.changed = true
		if name := strings.TrimSpace(t.in.DisplayName); name != "" && ValidateName(name) == nil {
			t.conv.SuggestedName = name
		} else if t.conv.SuggestedName == "" {
			t.lookup = true
		}
		t.advance()
	}
}

func (t *turn) answerName(arg string) {
	name := strings.TrimSpace(t.in.Text)
	if arg == opSuggested || (t.conv.SuggestedName != "" && isYes(t.in)) {
		name = t.conv.SuggestedName
	}
	if err := ValidateName(name); err != nil {
		t.text(ja.NameInvalid)
		t.prompt()
		return
	}
	t.p.Name = name
	t.changed = true
	t.advance()
}

func isYes(in Inbound) bool {
	if in.Kind != EventText {
		return false
	}
	yes, ok := jtext.YesNo(in.Text)
	return ok && yes
}

func (t *turn) answerArea(arg string) {
	id := arg
	if id == "" {
		id, _ = t.cat.FindArea(t.in.Text)
	}
	if _, ok := t.cat.Area(id); !ok {
		t.text(ja.AreaUnknown)
		t.prompt()
		return
	}
	t.p.Area = id
	t.changed = true
	t.advance()
}

func (t *turn) answerSkills(arg string) {
	var add []string
	switch {
	case arg == opDone || (t.in.Kind == EventText && doneWords[key(t.in.Text)]):
		if len(t.p.Skills) == 0 {
			t.text(ja.SkillsNeedOne)
			t.prompt()
			return
		}
		t.advance()
		return
	case arg == opList || (t.in.Kind == EventText && listWords[key(t.in.Text)]):
		labels := make([]string, 0, len(t.cat.Skills()))
		for _, s := range t.cat.Skills() {
			labels = append(labels, s.LabelJA)
		}
		t.text(fmt.Sprintf(ja.SkillsList, strings.Join(labels, "、")))
		t.prompt()
		return
	case strings.HasPrefix(arg, opRemove):
		id := strings.TrimPrefix(arg, opRemove)
		if i := index(t.p.Skills, id); i >= 0 {
			t.p.Skills = slices.Delete(slices.Clone(t.p.Skills), i, i+1)
			t.changed = true
			t.text(fmt.Sprintf(ja.SkillsRemoved, strings.Join(t.cat.SkillLabels([]string{id}), "、")), t.skillChoices()...)
			return
		}
		t.prompt()
		return
	case arg != "":
		if _, ok := t.cat.Skill(arg); ok {
			add = []string{arg}
		}
	default:
		var unknown []string
		add, unknown = t.cat.FindSkills(t.in.Text)
		if len(unknown) > 0 && len(add) == 0 {
			t.text(fmt.Sprintf(ja.SkillsUnknown, strings.Join(unknown, "、")))
			t.prompt()
			return
		}
		if len(unknown) > 0 {
			t.text(fmt.Sprintf(ja.SkillsUnknown, strings.Join(unknown, "、")))
		}
	}
	var added []string
	for _, id := range add {
		if contains(t.p.Skills, id) {
			continue
		}
		if len(t.p.Skills) >= MaxSkills {
			t.text(ja.SkillsTooMany, answerAction(StepSkills, opDone).button(ja.Next))
			return
		}
		t.p.Skills = append(t.p.Skills, id)
		added = append(added, id)
		t.changed = true
	}
	if len(added) > 0 {
		t.text(fmt.Sprintf(ja.SkillsMore, strings.Join(t.cat.SkillLabels(added), "、")), t.skillChoices()...)
		return
	}
	t.prompt()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (t *turn) answerAvailability(arg string) {
	phrase := arg
	if phrase == "" {
		phrase = t.in.Text
	}
	w, err := avail.Parse(phrase)
	if err != nil || w.IsZero() {
		t.text(ja.AvailabilityUnknown)
		t.prompt()
		return
	}
	t.p.Availability = w
	t.changed = true
	t.text(fmt.Sprintf(ja.AvailabilityOK, w.Japanese()))
	t.advance()
}

func (t *turn) answerLimit(arg string) {
	n, ok := 0, false
	if arg != "" {
		v, err := strconv.Atoi(arg)
		n, ok = v, err == nil
	} else {
		n, ok = jtext.Count(t.in.Text)
	}
	if !ok || n < MinWeeklyLimit || n > MaxWeeklyLimit {
		t.text(ja.LimitInvalid)
		t.prompt()
		return
	}
	t.p.WeeklyLimit = n
	t.changed = true
	t.advance()
}

func (t *turn) answerConfirm(arg string) {
	if t.in.Kind == EventText && fixWords[key(t.in.Text)] {
		arg = opEdit
	}
	if arg == opEdit || (t.in.Kind == EventText && editFieldWords[key(t.in.Text)] != "") {
		if step := editFieldWords[key(t.in.Text)]; step != "" {
			t.editField(step)
			return
		}
		t.conv.Step = StepEditField
		t.prompt()
		return
	}
	if t.in.Kind == EventText && t.correctedAtConfirm() {
		t.prompt() // the card again, as it now is
		return
	}
	yes, ok := t.yesNo(arg)
	if t.in.Kind == EventText && registerWords[key(t.in.Text)] {
		yes, ok = true, true
	}
	switch {
	case !ok:
		t.miss(ja.ConfirmRetry)
	case !yes:
		t.conv.Step = StepEditField
		t.prompt()
	case t.p.Validate(t.cat) != nil:
		// Something is missing (a field was lost or the catalog changed):
		// ask again from the first unanswered question.
		if step := t.firstMissing(); step != StepIdle {
			t.conv.Step = step
		} else {
			t.text(ja.ConfirmRetry)
		}
		t.prompt()
	default:
		t.p.Status = StatusActive
		t.changed = true
		t.conv = Conversation{SuggestedName: t.conv.SuggestedName}
		t.text(ja.Registered, menuChoices(t.p)...)
	}
}

// answersAnOfferMidEdit answers an offer that came while the person was
// changing their profile: 「はい」 or 「やります」 to its card, which says
// nothing about the field being changed, answers the offer, and the edit
// ends with what it saved. Read as an answer to the field's question, it
// kept the person there until they typed 「おわり」. It reports whether
// it answered.
func (t *turn) answersAnOfferMidEdit() bool {
	if !t.conv.Editing || t.p.Status == StatusOnboarding || len(t.pending()) == 0 {
		return false
	}
	if u := Understand(t.cat, t.conv.Step, t.in.Text); u.Found() || u.Done || u.Command != "" {
		return false
	}
	if _, ok := jtext.Answer(t.in.Text); !ok && !jtext.Refuses(t.in.Text) {
		return false
	}
	t.finishEditQuietly()
	t.idleText()
	return true
}

// finishEditQuietly ends an edit without the profile card: what it saved
// stays, a skills list it emptied comes back.
func (t *turn) finishEditQuietly() {
	if t.conv.PrevSkills != nil && len(t.p.Skills) == 0 {
		t.p.Skills = t.conv.PrevSkills
		t.changed = true
	}
	t.conv.Editing, t.conv.PrevSkills, t.conv.Step = false, nil, StepIdle
	t.conv.endDetour()
}

// editedInOneSentence applies a request to change a field that holds the
// new value itself (the area, the week or the weekly limit), as if it
// answered that field's question, and reports whether it did. Asked the
// question again instead, the person had to say it twice.
func (t *turn) editedInOneSentence() bool {
	step, named := fieldNamed(t.in.Text)
	u := Understand(t.cat, StepAvailability, t.in.Text)
	switch {
	case named && step != StepArea && step != StepAvailability && step != StepLimit:
		return false
	case !named && u.Area != "" && u.Area != t.p.Area:
		step = StepArea
	case !named && !u.Week.IsZero() && u.Week.Days:
		step = StepAvailability
	case !named:
		return false
	}
	switch u = Understand(t.cat, step, t.in.Text); step {
	case StepArea:
		if u.Area == "" || u.Area == t.p.Area {
			return false
		}
	case StepAvailability:
		if u.Week.IsZero() {
			return false
		}
	case StepLimit:
		if u.Limit < MinWeeklyLimit || u.Limit > MaxWeeklyLimit {
			return false
		}
	}
	t.conv.Step, t.conv.Editing = step, true
	t.answerText()
	return true
}

// namesTheName reports a sentence that says it gives the name: 「名前は
// 小林トメです」「小林トメと申します」.
func namesTheName(text string) bool {
	return containsAny(jtext.Normalize(text), nameSayingWords)
}

// correctedAtConfirm applies a correction written at 「この内容で登録して
// よろしいですか？」: 「あ、やっぱり火曜日の午前もできます」 changes the
// week, 「やっぱり大田区です」 the area. Read as a yes, it registered the
// card as it was and threw the correction away. It reports whether
// anything changed.
func (t *turn) correctedAtConfirm() bool {
	changed := false
	if w, ok := t.amendedWeek(t.in.Text, false); ok {
		t.p.Availability = w
		t.text(fmt.Sprintf(ja.WeekFixed, w.Japanese()))
		changed = true
	}
	if id, ok := t.cat.SpotArea(t.in.Text); ok && id != t.p.Area {
		t.p.Area = id
		t.text(fmt.Sprintf(ja.AreaFixed, t.areaLabel()))
		changed = true
	}
	if name, _ := jtext.Name(t.in.Text); name != "" && name != t.p.Name && ValidateName(name) == nil && namesTheName(t.in.Text) {
		// 「名前は小林トメです」: only a sentence that says it is the name.
		t.p.Name = name
		t.text(fmt.Sprintf(ja.NameFixed, name))
		changed = true
	}
	if changed {
		t.changed = true
	}
	return changed
}

func (t *turn) answerEditField(arg string) {
	if arg == opCancel || (t.in.Kind == EventText && cancelWords[key(t.in.Text)]) {
		t.text(ja.EditCancel)
		t.finishEdit(false)
		return
	}
	step := Step(arg)
	if arg == "" {
		var ok bool
		if step, ok = editFieldWords[key(t.in.Text)]; !ok {
			step, _ = fieldNamed(t.in.Text)
		}
	}
	switch step {
	case StepName, StepArea, StepSkills, StepAvailability, StepLimit:
		t.editField(step)
	default:
		if t.in.Kind == EventText && t.p.Status != StatusOnboarding && len(t.pending()) > 0 {
			if _, answers := jtext.Answer(t.in.Text); answers || jtext.Undecided(t.in.Text) {
				// An offer came while the question was open, and this
				// answers it: the question is left, the offer answered.
				t.conv.Step, t.conv.Editing = StepIdle, false
				t.idleText()
				return
			}
		}
		// Counted, so that the question cannot go round for ever: the
		// second miss offers a person to ask.
		t.miss(ja.NotUnderstoodField)
	}
}

func (t *turn) editField(step Step) {
	t.conv.Step = step
	t.conv.Editing = true
	if step == StepSkills {
		// Editing starts from the skills registered: what is chosen is
		// added, 「外す」 removes one, and nothing goes unsaid. The old list
		// comes back if the person cancels.
		t.conv.PrevSkills = slices.Clone(t.p.Skills)
		t.changed = true
	}
	t.prompt()
}

// advance moves to the next question, or back to the summary or profile
// after an edit.
func (t *turn) advance() {
	if t.conv.Editing {
		t.finishEdit(true)
		return
	}
	// Questions a sentence already answered (「世田谷で、平日の午前に
	// 採点ができます」) are not asked again.
	for i, s := range onboardingOrder {
		if s == t.conv.Step && i+1 < len(onboardingOrder) {
			t.conv.Step = onboardingOrder[i+1]
			for t.conv.Step != StepConfirm && t.answered(t.conv.Step) {
				i++
				t.conv.Step = onboardingOrder[i+1]
			}
			break
		}
	}
	t.conv.Misses, t.conv.MissStep = 0, ""
	t.prompt()
}

// answered reports whether a profile question already has a valid answer.
func (t *turn) answered(s Step) bool {
	switch s {
	case StepName:
		return ValidateName(t.p.Name) == nil
	case StepArea:
		return t.areaKnown()
	case StepSkills:
		return len(t.p.Skills) > 0
	case StepAvailability:
		return !t.p.Availability.IsZero()
	case StepLimit:
		return t.p.WeeklyLimit >= MinWeeklyLimit && t.p.WeeklyLimit <= MaxWeeklyLimit
	}
	return false
}

func (t *turn) finishEdit(edited bool) {
	t.conv.Editing = false
	if t.conv.PrevSkills != nil && (!edited || len(t.p.Skills) == 0) {
		t.p.Skills = t.conv.PrevSkills
		t.changed = true
	}
	t.conv.PrevSkills = nil
	if t.p.Status == StatusOnboarding {
		t.conv.Step = StepConfirm
		t.prompt()
		return
	}
	t.conv.Step = StepIdle
	if missing := t.firstMissing(); missing != StepIdle {
		// An edit was abandoned half-way (skills emptied): ask it again.
		t.conv.Step, t.conv.Editing = missing, true
		t.prompt()
		return
	}
	if edited {
		t.text(ja.Edited)
	}
	t.say(t.profileCard())
}

// firstMissing returns the first onboarding question without a valid answer.
func (t *turn) firstMissing() Step {
	t.pruneSkills()
	switch {
	case t.p.ConsentedAt == nil:
		return StepConsent
	case ValidateName(t.p.Name) != nil:
		return StepName
	case !t.areaKnown():
		return StepArea
	case len(t.p.Skills) == 0:
		return StepSkills
	case t.p.Availability.IsZero():
		return StepAvailability
	case t.p.WeeklyLimit < MinWeeklyLimit || t.p.WeeklyLimit > MaxWeeklyLimit:
		return StepLimit
	}
	return StepIdle
}

// pruneSkills drops skills the catalog no longer has (an operator replaced
// it), so they are asked again instead of failing validation forever.
func (t *turn) pruneSkills() {
	known := t.p.Skills[:0:0]
	for _, s := range t.p.Skills {
		if _, ok := t.cat.Skill(s); ok {
			known = append(known, s)
		}
	}
	if len(known) != len(t.p.Skills) {
		t.p.Skills = known
		t.changed = true
	}
}

func (t *turn) areaKnown() bool {
	_, ok := t.cat.Area(t.p.Area)
	return ok
}

func (t *turn) answerDelete(arg string) {
	yes, ok := t.yesNo(arg)
	if arg == "" && t.in.Kind == EventText {
		yes, ok = withdrawalAnswer(t.in.Text)
	}
	if t.in.Kind == EventText && key(t.in.Text) == key(ja.DeleteYes) {
		yes, ok = true, true
	}
	if arg == "" && t.in.Kind == EventText && ok && !yes && jtext.Defers(t.in.Text) {
		// 「明日の片付けが終わってからにします」: not now.
		t.conv.Step, t.conv.Return = t.conv.Return, StepIdle
		t.text(ja.DeleteDeferred)
		if t.conv.Step != StepIdle {
			t.prompt()
		}
		return
	}
	switch {
	case !ok:
		t.miss(ja.DeleteRetry)
	case yes:
		t.del = true
		t.out = nil
		t.text(ja.Deleted)
	default:
		t.conv.Step = t.conv.Return
		t.conv.Return = StepIdle
		t.text(ja.DeleteCancelled)
		if up := t.upcoming(); len(up) > 0 {
			t.text(fmt.Sprintf(ja.DeleteCancelledJobs, len(up)))
		}
		if t.in.Kind == EventText && t.conv.Step == StepIdle && mentionsIntent(jtext.Normalize(t.in.Text), cmdPause) {
			// 「退会はやめて、休止にしてください」: what they asked instead.
			t.command(cmdPause)
			return
		}
		if t.conv.Step != StepIdle {
			t.prompt()
		}
	}
}

// command runs a command typed or tapped at any point.
func (t *turn) command(cmd command) {
	onboarding := t.p.Status == StatusOnboarding
	if t.conv.Step == StepDeleteConfirm && cmd != cmdDelete && cmd != cmdHelp {
		// Another request at 「退会しますか？」 (「退会はやめて、休止に」)
		// is a no to it: said so, then done.
		t.text(ja.DeleteCancelled)
	}
	switch cmd {
	case cmdHelp:
		t.text(ja.Help)
		if onboarding || t.conv.Step != StepIdle {
			t.text(ja.HelpOnboarding)
			t.prompt()
		}
		return
	case cmdHandoff:
		t.openTalk()
		return
	case cmdDelete:
		if t.conv.Step == StepDeleteConfirm && t.in.Kind == EventText {
			// 「退会します」 in answer to 「退会しますか？」 is a yes.
			t.answerDelete(opYes)
			return
		}
		if t.conv.Step != StepDeleteConfirm {
			t.conv.Return = t.conv.Step
		}
		t.conv.Step = StepDeleteConfirm
		t.prompt()
		return
	}
	if onboarding {
		// Until registration is complete, only help and delete make sense;
		// everything else returns to the question being asked.
		if cmd == cmdEdit && t.conv.Step == StepConfirm && t.in.Kind == EventText && t.correctedAtConfirm() {
			// 「地域は調布に直してください」 says what to change.
		} else if cmd == cmdEdit && t.conv.Step == StepConfirm {
			t.conv.Step = StepEditField
		} else {
			t.text(ja.InOnboarding)
		}
		t.prompt()
		return
	}
	// A command ends whatever detour a registered person was in; an edit
	// left half-way keeps the old answer.
	if t.conv.Editing && t.conv.PrevSkills != nil {
		t.p.Skills = t.conv.PrevSkills
		t.changed = true
	}
	t.conv.endDetour()
	t.conv.Editing, t.conv.Return, t.conv.PrevSkills = false, StepIdle, nil
	switch cmd {
	case cmdMenu:
		t.menu()
	case cmdProfile:
		t.say(t.profileCard())
	case cmdSchedule:
		t.schedule()
	case cmdRecord:
		t.showRecord()
	case cmdEdit:
		if t.in.Kind == EventText && t.editedInOneSentence() {
			// 「これからは調布市になります」「空き時間を変えたいです、水曜
			// 日以外の平日の午後」: the new value is in the request.
			return
		}
		if step, ok := fieldNamed(t.in.Text); ok && t.in.Kind == EventText {
			// 「空き時間を直したいです」 says which.
			t.editField(step)
			return
		}
		t.conv.Step = StepEditField
		t.prompt()
	case cmdPause:
		if up := t.upcoming(); t.in.Kind == EventText && t.p.Status != StatusPaused && namedOffer(up, t.in.Text, t.now) >= 0 {
			// 「11日はお休みします」 with a place taken that day: that
			// place is what they speak of.
			t.askCancel(up[namedOffer(up, t.in.Text, t.now)])
			return
		}
		if t.in.Kind == EventText && t.p.Status != StatusPaused && namesADay(t.in.Text) {
			// 「来週の水曜日はお休みします」 is one day off, not a wish to
			// hear of no work at all: asked before everything stops.
			t.text(ja.PauseOneDay, commandAction(cmdPause).button(ja.PauseYes), commandAction(cmdMenu).button(ja.PauseNo))
			return
		}
		if t.p.Status == StatusPaused {
			t.text(ja.AlreadyPaused, commandAction(cmdResume).button(ja.CmdResume))
			return
		}
		t.p.Status = StatusPaused
		t.changed = true
		paused := ja.Paused
		if t.in.ByCoordinator {
			paused = ja.PausedByCoordinator
		}
		t.text(paused, commandAction(cmdResume).button(ja.CmdResume))
		if up := t.upcoming(); len(up) > 0 {
			// A hospital stay ahead: the places taken stay taken unless
			// they say so, and they are shown which.
			var ch []Choice
			for _, r := range up[:min(len(up), pausedListed)] {
				ch = append(ch, TaskCancel(r.TaskID).button(choiceLabel(r, t.loc())))
			}
			t.text(ja.Task.PausedKeepsJobs, ch...)
		}
		if waiting := t.offersWhere(func(r OfferRef) bool { return r.State == OfferWaitlisted && t.now.Before(r.Start) }); len(waiting) > 0 {
			// A place on a waitlist is work that may come at any moment:
			// asked to be sent none, they leave the lists (a paused person
			// was promoted, then asked the day before whether she came).
			ids := make([]string, len(waiting))
			for i, r := range waiting {
				ids[i] = r.TaskID
			}
			t.request = &AnswerRequest{TaskID: ids[0], Op: OpCancel, Silent: true}
			if len(ids) > 1 {
				t.request.Series = ids
			}
			t.text(fmt.Sprintf(ja.Task.PausedLeavesWaitlists, len(ids)))
		}
	case cmdResume:
		if t.p.Status == StatusActive {
			t.text(ja.AlreadyActive, menuChoices(t.p)...)
			return
		}
		t.p.Status = StatusActive
		t.changed = true
		resumed := ja.Resumed
		if t.in.ByCoordinator {
			resumed = ja.ResumedByCoordinator
		}
		t.text(resumed, menuChoices(t.p)...)
	default:
		t.menu()
	}
}

// pausedListed bounds the places a pause lists, each a button (LINE shows
// thirteen quick replies at most).
const pausedListed = 10
