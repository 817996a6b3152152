package bot

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"tsunagu/bot/jtext"
)

// StepCancelTask asks a person to confirm giving up an accepted task
// (Conversation.CancelTask).
const StepCancelTask Step = "cancel_task"

// Limits on what a conversation remembers of offers: answered offers are
// kept a month, for fairness counts, and never more than maxOfferRefs.
const (
	offerMemory  = 30 * 24 * time.Hour
	maxOfferRefs = 60
)

// AnswerRequest is an answer the conversation wants applied to a task; the
// Bot applies it through the TaskStore and then calls Answered.
type AnswerRequest struct {
	TaskID string
	Op     AnswerOp
	// Silent answers send nothing: an offer reaching someone who paused or
	// left is declined quietly so the next wave can go.
	Silent bool
	// Result is how the task went, for OpComplete.
	Result TaskResult
	// Anon, for OpForget, is the token the person's part in the figures is
	// kept under.
	Anon string
	// Series, if set, are the dates of a weekly series answered at once
	// (TaskID is the first of them).
	Series []string
}

// findRef returns the person's record of a task offer.
func findRef(refs []OfferRef, taskID string) (OfferRef, int) {
	for i, r := range refs {
		if r.TaskID == taskID {
			return r, i
		}
	}
	return OfferRef{}, -1
}

// keepRefs drops offers answered more than a month ago and caps the list.
// A place the person holds (accepted or waitlisted, not yet ended) and an
// offer still awaiting an answer are never dropped, whatever their number:
// they carry the person's schedule, reminders and the cancel button. Over the
// cap, the oldest of the others go first.
func keepRefs(refs []OfferRef, now time.Time) []OfferRef {
	var held, done []OfferRef
	for _, r := range refs {
		switch {
		case r.End.After(now) && refHeld(r, now):
			held = append(held, r)
		case r.End.After(now.Add(-offerMemory)):
			done = append(done, r)
		}
	}
	if room := max(maxOfferRefs-len(held), 0); len(done) > room {
		sort.SliceStable(done, func(i, j int) bool { return done[i].At.Before(done[j].At) })
		done = done[len(done)-room:]
	}
	kept := refs[:0:0]
	for _, r := range refs {
		if _, i := findRef(held, r.TaskID); i >= 0 {
			kept = append(kept, r)
		} else if _, i := findRef(done, r.TaskID); i >= 0 {
			kept = append(kept, r)
		}
	}
	return kept
}

// refHeld reports whether r still binds the person to the task: a place
// taken or waited for, or an offer that can still be answered.
func refHeld(r OfferRef, now time.Time) bool {
	switch r.State {
	case OfferAccepted, OfferWaitlisted:
		return true
	case OfferOffered:
		return r.ExpiresAt.IsZero() || r.ExpiresAt.After(now)
	}
	return false
}

// Recent counts, from a person's offers, what fairness and the weekly limit
// need: offers and accepted tasks of the last 30 days, and accepted tasks
// starting in the week (Monday to Sunday, in loc) of now.
func (c Conversation) Recent(now time.Time, loc *time.Location) (offers, assigned, thisWeek int) {
	monday := mondayOf(now, loc)
	sunday := monday.AddDate(0, 0, 7)
	since := now.Add(-offerMemory)
	for _, r := range c.Offers {
		if r.At.After(since) {
			offers++
		}
		if r.State != OfferAccepted {
			continue
		}
		if r.AcceptedAt.After(since) {
			assigned++
		}
		if !r.Start.Before(monday) && r.Start.Before(sunday) {
			thisWeek++
		}
	}
	return offers, assigned, thisWeek
}

// mondayOf is the start of t's week (Monday, midnight) in loc.
func mondayOf(t time.Time, loc *time.Location) time.Time {
	n := t.In(loc)
	y, m, d := n.Date()
	return time.Date(y, m, d-(int(n.Weekday())+6)%7, 0, 0, 0, 0, loc)
}

// RecentUntil is the first moment after now at which Recent may count
// differently with no change to c: when an offer or an acceptance leaves
// the 30 days, when the week of an accepted task begins, or when the week
// of one ends. It is zero when time alone changes nothing.
func (c Conversation) RecentUntil(now time.Time, loc *time.Location) time.Time {
	monday := mondayOf(now, loc)
	nextMonday := monday.AddDate(0, 0, 7)
	since := now.Add(-offerMemory)
	var until time.Time
	sooner := func(t time.Time) {
		if until.IsZero() || t.Before(until) {
			until = t
		}
	}
	for _, r := range c.Offers {
		if r.At.After(since) {
			sooner(r.At.Add(offerMemory))
		}
		if r.State != OfferAccepted {
			continue
		}
		if r.AcceptedAt.After(since) {
			sooner(r.AcceptedAt.Add(offerMemory))
		}
		switch {
		case r.Start.Before(monday):
			// Its week is over.
		case r.Start.Before(nextMonday):
			sooner(nextMonday) // this week's: it leaves the count
		default:
			sooner(mondayOf(r.Start, loc)) // it joins when its week begins
		}
	}
	return until
}

// pending are the offers awaiting an answer, soonest task first.
func (t *turn) pending() []OfferRef {
	return t.offersWhere(func(r OfferRef) bool { return r.State == OfferOffered && t.now.Before(r.Start) })
}

// upcoming are the accepted tasks not yet over, soonest first.
func (t *turn) upcoming() []OfferRef {
	return t.offersWhere(func(r OfferRef) bool { return r.State == OfferAccepted && t.now.Before(r.End) })
}

func (t *turn) offersWhere(keep func(OfferRef) bool) []OfferRef {
	var out []OfferRef
	for _, r := range t.conv.Offers {
		if keep(r) {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out
}

func (t *turn) span(r OfferRef) string { return FormatSpanJA(r.Start, r.End, t.loc()) }

// loc is the service time zone: Converse is given now in it.
func (t *turn) loc() *time.Location { return t.now.Location() }

// offered records an offer and shows its card; someone who cannot take
// offers now declines it quietly.
func (t *turn) offered() {
	ref := t.in.Offer
	if ref == nil {
		return
	}
	if t.p == nil || t.p.Status != StatusActive {
		t.request = &AnswerRequest{TaskID: ref.TaskID, Op: OpDecline, Silent: true}
		if t.p == nil {
			t.request.Op = OpForget
		}
		if len(t.in.Series) > 1 {
			for _, r := range t.in.Series {
				t.request.Series = append(t.request.Series, r.TaskID)
			}
		}
		return
	}
	if len(t.in.Series) > 1 {
		t.offeredSeries()
		return
	}
	if old, i := findRef(t.conv.Offers, ref.TaskID); i >= 0 && old.State == OfferAccepted {
		return // already has the place (a stale wave)
	} else if _, clash := t.conv.HeldDuring(ref.TaskID, ref.Start, ref.End); clash {
		// Busy then with a place taken: the wave goes on to others.
		t.request = &AnswerRequest{TaskID: ref.TaskID, Op: OpDecline, Silent: true}
		return
	} else if i >= 0 {
		t.conv.Offers = append(t.conv.Offers[:i:i], t.conv.Offers[i+1:]...)
	}
	t.conv.Offers = keepRefs(append(t.conv.Offers[:len(t.conv.Offers):len(t.conv.Offers)], *ref), t.now)
	t.p.Counters.Offers++
	if t.conv.Step == StepCancelTask {
		// The card is now the last thing on screen: a 「はい」 next answers
		// it, not the cancellation asked before.
		t.conv.endDetour()
	}
	t.changed = true
	t.say(t.offerCard(*ref))
}

// promoted records a place that came to the person from the waitlist and
// tells them. Someone deleted meanwhile leaves it at once, and someone who
// blocked the bot gives it back: they would never learn of it.
func (t *turn) promoted() {
	ref := t.in.Offer
	if ref == nil {
		return
	}
	switch {
	case t.p == nil:
		t.request = &AnswerRequest{TaskID: ref.TaskID, Op: OpForget, Silent: true}
		return
	case t.p.Status == StatusBlocked:
		t.request = &AnswerRequest{TaskID: ref.TaskID, Op: OpCancel, Silent: true}
		return
	}
	r := *ref
	r.State, r.AcceptedAt = OfferAccepted, t.now
	refs := t.conv.Offers[:len(t.conv.Offers):len(t.conv.Offers)]
	if old, i := findRef(refs, r.TaskID); i >= 0 {
		if old.State == OfferAccepted {
			return // a repeat
		}
		r.At = old.At
		refs = append(refs[:i:i], refs[i+1:]...)
	}
	t.conv.Offers = keepRefs(append(refs, r), t.now)
	t.p.Counters.Accepts++
	t.changed = true
	t.say(t.acceptedCard(r, ja.Task.PromotedTitle, ja.Task.PromotedLead+t.remindersAhead(r, ja.Task.AcceptedBody)))
}

func (t *turn) offerCard(r OfferRef) Message {
	body := ja.Task.OfferBody
	switch {
	case r.Promoted:
		body = ja.Task.PromotedBody
	case r.Named:
		body = ja.Task.NamedBody
	}
	card := &Card{Title: r.Title, Body: body, Fields: t.taskFields(r)}
	if r.Summary != "" {
		card.Fields = append(card.Fields, Field{Label: ja.Task.FieldWhat, Value: r.Summary})
	}
	if r.Organization != "" {
		card.Fields = append(card.Fields, Field{Label: ja.Task.FieldOrg, Value: r.Organization})
	}
	if !r.ExpiresAt.IsZero() && r.ExpiresAt.Before(r.Start) {
		e := r.ExpiresAt.In(t.loc())
		card.Fields = append(card.Fields, Field{Label: ja.Task.FieldDeadline,
			Value: fmt.Sprintf(ja.Task.Deadline, e.Month(), e.Day(), e.Hour(), e.Minute())})
	}
	card.Buttons = []Choice{
		OfferAccept(r.TaskID).button(ja.Task.Accept),
		OfferDecline(r.TaskID).button(ja.Task.Decline),
		OfferWhy(r.TaskID).button(ja.Task.Why),
	}
	return Message{Card: card}
}

// rewardAmount is a reward as the coordinator wrote it without the word
// the bot says before it: 「謝礼 2,000円」 would read 「謝礼: 謝礼 2,000円」
// on a card and 「謝礼は、謝礼 2,000円です」 in a reply.
func rewardAmount(reward string) string {
	amount := reward
	for _, w := range []string{ja.Task.FieldReward, "報酬"} {
		amount = strings.TrimPrefix(amount, w)
	}
	if amount = strings.TrimSpace(strings.TrimLeft(amount, ":：　 ")); amount == "" {
		return reward
	}
	return amount
}

func (t *turn) taskFields(r OfferRef) []Field {
	f := []Field{{Label: ja.Task.FieldWhen, Value: t.span(r)}}
	if r.Place != "" {
		f = append(f, Field{Label: ja.Task.FieldPlace, Value: r.Place})
	}
	if r.Reward != "" {
		f = append(f, Field{Label: ja.Task.FieldReward, Value: rewardAmount(r.Reward)})
	}
	return f
}

// acceptedCard confirms a place, with the button to give it up.
func (t *turn) acceptedCard(r OfferRef, title, body string) Message {
	return Message{Card: &Card{
		Title:   title,
		Body:    r.Title + "\n" + body,
		Fields:  t.taskFields(r),
		Buttons: []Choice{TaskCancel(r.TaskID).button(ja.Task.CancelButton)},
	}}
}

// remind sends what is due about an accepted task: the day-before
// question, the reminder 2 hours before, or the question after the task.
func (t *turn) remind() {
	r, i := findRef(t.conv.Offers, t.in.Data)
	if t.p == nil || i < 0 || r.State != OfferAccepted {
		return
	}
	switch t.in.Text {
	case remindEvening:
		t.askGoing(r)
	case remindDone:
		t.askDone(r, i)
	default:
		if t.now.Before(r.End) {
			// Titled as a reminder: the task's title is in the body
			// already, and twice it read as a stutter.
			t.say(t.acceptedCard(r, ja.Task.ReminderSoonTitle, ja.Task.ReminderSoon))
		}
	}
}

// taskCancelled tells a person that the coordinator cancelled a task they
// were offered or had accepted.
func (t *turn) taskCancelled() {
	r, i := findRef(t.conv.Offers, t.in.Data)
	if t.p == nil || i < 0 {
		return
	}
	switch r.State {
	case OfferOffered, OfferAccepted, OfferWaitlisted:
	default:
		return
	}
	// Copy before writing: Converse must not touch its caller's state.
	t.conv.Offers = append([]OfferRef(nil), t.conv.Offers...)
	t.conv.Offers[i].State, t.conv.Offers[i].CalledOff = OfferCancelled, true
	if t.conv.Step == StepCancelTask && t.conv.CancelTask == r.TaskID {
		t.conv.endDetour()
	}
	t.text(fmt.Sprintf(ja.Task.TaskCancelledByOrg, r.Title, t.span(r)))
}

// taskButton handles the buttons of offer and task cards.
func (t *turn) taskButton(a Action) {
	if a.Verb == verbOffer && (a.Op == opAcceptAll || a.Op == opDeclineAll || a.Op == opChoose) {
		t.seriesButton(a)
		return
	}
	id := a.ID
	ref, i := findRef(t.conv.Offers, id)
	if i < 0 {
		t.text(ja.Task.NotFound)
		return
	}
	switch {
	case ref.State == OfferCancelled && ref.CalledOff:
		// An old card's button (「行けます」 on the day-before question) of
		// a task called off: it is off, and it stays off for the person
		// (it came back into their schedule and their weekly limit).
		t.text(fmt.Sprintf(ja.Task.TaskCancelledByOrg, ref.Title, t.span(ref)))
		return
	case ref.State == OfferCancelled && a != OfferAccept(id) && a != OfferAcceptOver(id) && a != OfferWhy(id):
		// Given up: only its 「引き受ける」 takes it back.
		t.text(fmt.Sprintf(ja.Task.CancelledBefore, ref.Title))
		return
	}
	switch a {
	case OfferAccept(id):
		t.request = &AnswerRequest{TaskID: id, Op: OpAccept}
	case OfferAcceptOver(id):
		t.request = &AnswerRequest{TaskID: id, Op: OpAccept}
		t.overLimitTold = true
	case OfferDecline(id):
		t.request = &AnswerRequest{TaskID: id, Op: OpDecline}
	case OfferWhy(id):
		t.why(ref)
	case TaskCancel(id):
		t.askCancel(ref)
	case TaskCancelYes(id):
		if t.conv.Step != StepCancelTask || t.conv.CancelTask != id {
			// The 「キャンセルする」 of a question no longer open, such
			// as one answered before she took the place again: it
			// cancelled the new place without a word. It is asked anew.
			t.askCancel(ref)
			return
		}
		t.conv.endDetour()
		t.request = &AnswerRequest{TaskID: id, Op: OpCancel}
	case TaskKeep(id):
		t.conv.endDetour()
		t.text(ja.Task.CancelKept)
	case TaskGoing(id):
		t.request = &AnswerRequest{TaskID: id, Op: OpConfirm}
	case TaskNotGoing(id):
		// The answer to an explicit question: no second one.
		t.conv.endDetour()
		t.request = &AnswerRequest{TaskID: id, Op: OpCancel}
	case TaskDone(id):
		t.request = t.doneRequest(ref, 0)
	case TaskNotDone(id):
		if ref.Result != nil && ref.Result.Status == Completed && t.asked != askedRedo+id {
			// An old card's 「できませんでした」 over a task recorded as
			// done: it turned the record and told the coordinators to
			// follow up, on a misclick. It is asked once.
			t.conv.Asked = askedRedo + id
			t.text(fmt.Sprintf(ja.Task.RedoNotDone, ref.Title, formatHours(ref.Result.Hours)),
				TaskNotDone(id).button(ja.Task.NotDone), TaskDone(id).button(ja.Task.RedoKeep))
			return
		}
		t.request = &AnswerRequest{TaskID: id, Op: OpComplete, Result: TaskResult{Status: NotCompleted}}
	default:
		t.text(ja.StaleButton)
	}
}

func (t *turn) why(r OfferRef) {
	if len(r.Reasons) == 0 {
		t.text(ja.Task.WhyTitle + "\n・" + r.Title)
		return
	}
	t.text(ja.Task.WhyTitle + "\n・" + strings.Join(r.Reasons, "\n・"))
}

func (t *turn) askCancel(r OfferRef) {
	if r.State != OfferAccepted && r.State != OfferWaitlisted {
		t.text(ja.Task.NothingToCancel)
		return
	}
	t.conv.Step, t.conv.CancelTask = StepCancelTask, r.TaskID
	t.text(fmt.Sprintf(ja.Task.CancelAsk, r.Title, t.span(r)),
		TaskCancelYes(r.TaskID).button(ja.Task.CancelButton),
		TaskKeep(r.TaskID).button(ja.Task.KeepButton))
}

// answerCancelTask reads the confirmation of a cancellation typed as text.
func (t *turn) answerCancelTask() {
	id := t.conv.CancelTask
	ref, i := findRef(t.conv.Offers, id)
	if i < 0 {
		t.conv.endDetour()
		t.text(ja.Task.NothingToCancel)
		return
	}
	yes, ok := cancelAnswer(t.in.Text)
	if !ok {
		if t.conv.MissStep == StepCancelTask {
			// Asked twice: nothing is cancelled on a guess, and the
			// question is not asked a third time.
			t.conv.endDetour()
			t.conv.Misses, t.conv.MissStep = 0, ""
			t.text(ja.Task.CancelKeptUnclear)
			return
		}
		t.conv.Misses, t.conv.MissStep = 1, StepCancelTask
		t.askCancel(ref)
		return
	}
	t.conv.endDetour()
	t.conv.Misses, t.conv.MissStep = 0, ""
	switch {
	case !yes && jtext.Defers(t.in.Text):
		t.text(fmt.Sprintf(ja.Task.CancelDeferred, ref.Title))
		return
	case !yes:
		t.text(ja.Task.CancelKept)
		return
	}
	t.request = &AnswerRequest{TaskID: id, Op: OpCancel}
}

// cancelAnswer reads the answer to 「…をキャンセルしますか？」: yes
// cancels. Words of going (「やっぱり行けそうです」「大丈夫です」) keep the
// place, whatever yes they hold: to that question they mean "I can go".
//
// Words of cancelling say yes, though キャンセル is a no elsewhere: the
// button's own label typed (「キャンセルする」), 「はい、キャンセルでお願い
// します」, or the reason said again (「孫の熱で明日は行けなくなりました」)
// each kept the place before. Only a negated cancellation keeps it.
//
// An answer that puts it off (「まだわからないので、はっきりしたらまた連絡
// します」) keeps the place, and one that only acknowledges (「わかりまし
// た」) is asked again: neither cancels.
func cancelAnswer(text string) (cancel, ok bool) {
	switch k := key(text); {
	case cancelTaskWords[k]:
		return true, true
	case k == key("まちがい") || k == key("間違い"):
		return false, true // the cancellation asked for by mistake
	}
	n := jtext.Normalize(text)
	switch {
	case containsAny(n, keepPlaceWords) || jtext.Defers(text):
		return false, true
	case onlyAcknowledges(text):
		return false, false
	case mentionsCancel(text) || becameUnable(text) || speaksOfNotGoing(text):
		return true, true
	case containsAny(n, keepGoingWords):
		return false, true
	}
	return jtext.Answer(text)
}

// keepGoingWords say the person can go after all.
var keepGoingWords = normalizeAll("行けます", "いけます", "行けそう", "いけそう", "行きます", "いきます", "大丈夫", "だいじょうぶ",
	"予定どおり", "予定通り", "やっぱり行", "そのまま")

// keepPlaceWords say not to cancel, though they name cancelling.
var keepPlaceWords = normalizeAll("キャンセルしない", "キャンセルしません", "キャンセルはしない", "キャンセルはしません", "キャンセルはやめ",
	"キャンセルをやめ", "キャンセルは取り消", "キャンセルを取り消", "取り消さない", "取り消しません", "やめない", "やめません", "そのままで",
	"まちがいです", "間違いです", "まちがいでした", "間違いでした", "まちがえ", "間違え")

// idleText reads free text from a registered person between
// conversations: answers to offers, cancellations and 「なぜ私に？」.
func (t *turn) idleText() {
	k := key(t.in.Text)
	pending, upcoming := t.pending(), t.upcoming()
	yes, isAnswer := jtext.Answer(t.in.Text)
	if rest, ok := withoutCorrection(t.in.Text); ok && rest != "" {
		// 「ちがいます、草むしりはやりたいんです」: the last answer was
		// wrong; the rest is the answer.
		if y, known := jtext.Answer(rest); known {
			yes, isAnswer = y, true
		}
	}
	if !isAnswer && (becameUnable(t.in.Text) || containsAny(jtext.Normalize(t.in.Text), plainNotGoingWords)) {
		// 「あした いけなくなった」「いかない」 are a no, though no word of
		// a no is in them.
		yes, isAnswer = false, true
	}
	if jtext.Refuses(t.in.Text) {
		// 「いや、大丈夫です」 to an offer or an invitation is "no,
		// thank you".
		yes, isAnswer = false, true
	}
	// The offer or place the text names, where there is a choice to make.
	namedPlace, namedPending := -1, -1
	if t.asked == askedWhichCancel {
		namedPlace = namedOffer(upcoming, t.in.Text, t.now)
	}
	if len(pending) > 1 {
		namedPending = namedOffer(pending, t.in.Text, t.now)
	}
	switch {
	case namedPlace >= 0:
		// 「22日の採点の方です」 typed instead of tapping one of the list.
		t.askCancel(upcoming[namedPlace])
	case asksForTheLink(t.in.Text) && t.resendSessionLink():
		// 「ズームのアドレスをもう一度送ってください」.
	case t.answerNamedSession(yes, isAnswer, pending, upcoming):
		// 「交流会は欠席します」 is about the gathering, whatever offer
		// waits.
	case t.talkOpen() && endsTalk(t.in.Text):
		// 「相談は終わりです」: the person may end it too (only the
		// coordinators could, and every answer to an offer went to them).
		t.closeTalk()
		t.notify(fmt.Sprintf(ja.TalkEndedByPerson, t.who()))
	case t.talkOpen() && isAnswer && !yes && declinesAnOffer(t.in.Text) && (len(pending) == 1 || namedPending >= 0):
		// 「今回は見送ります」 while a coordinator is on the line declines
		// the offer: it answers nothing a coordinator asks.
		which := pending[0]
		if namedPending >= 0 {
			which = pending[namedPending]
		}
		t.request = &AnswerRequest{TaskID: which.TaskID, Op: OpDecline}
	case isAnswer && t.talkOpen() && (!yes || jtext.Commits(t.in.Text)) && t.askedAbout(pending) != "":
		// The bot's own question was the last message (「…をお引き受け
		// いただけますか？」): the answer is to it, coordinator on the
		// line or not (「はい」 went to them, and the job was not taken).
		op := OpAccept
		if !yes {
			op = OpDecline
		}
		t.request = &AnswerRequest{TaskID: t.askedAbout(pending), Op: op}
	case isAnswer && t.talkOpen() && (len(pending) > 0 || t.coordinatorSpokeLast()):
		// While a coordinator is on the line, 「はい大丈夫です」 may
		// answer them or an offer: it goes to them, and an offer is taken
		// or declined only by its card's buttons (above, not sent again
		// with every answer).
		t.forwardToCoordinators()
		if len(pending) > 0 {
			t.text(ja.Task.AnswerOnTheCard)
		}
	case (isAnswer && yes || takesBack(t.in.Text)) && len(pending) == 0 && !namedPlaceHeld(upcoming, t.in.Text, t.now) && t.aboutAnswered(false):
		// 「やっぱり明日行けることになりました、さっきのはとりけして
		// ください」 after giving the place up: its card, to take it back.
	case takesBack(t.in.Text) && t.takeBackLastGivenUp():
		// 「やっぱり行けます」 naming nothing: the place just given up,
		// never another date of a series still offered.
	case cancelTaskWords[k] || len(upcoming) > 0 && mentionsCancel(t.in.Text):
		// 「キャンセルしたいです」 is about a place taken, even with an
		// offer waiting (that one has its own 「見送る」).
		t.chooseCancel(upcoming)
	case cannotJoinWords[k]:
		t.cannotJoin()
	case isAnswer && len(pending) > 0 && !t.talkOpen() && t.answerNamesAnotherDay(yes, pending, upcoming):
		// 「月曜は行けなくなりました」 with the Monday taken and another
		// day offered: about the Monday, never the offer.
	case isAnswer && !yes && len(pending) == 0 && !t.talkOpen() && t.notGoingOnANamedDay(upcoming):
		// 「金曜日はだめになりました」 with a place taken that Friday.
	case isAnswer && len(pending) == 0 && t.answerInvite(yes):
	case t.talkOpen() && len(pending) == 0:
		// While a coordinator is on the line, words that answer nothing
		// pending are for them.
		t.forwardToCoordinators()
	case len(pending) == 0 && t.weekChangedInPassing():
	case isAnswer && !yes && len(pending) == 0 && len(upcoming) > 0 && namesADay(t.in.Text):
		// 「来週の月曜日は病院なので行けません」 and no place taken that day
		// (notGoingOnANamedDay found none): another day's job is not the
		// one to cancel, and a reflexive 「はい」 would have cancelled it.
		t.noJobThatDay(upcoming)
	case isAnswer && !yes && len(pending) == 0 && len(upcoming) > 0 && speaksOfNotGoing(t.in.Text):
		// 「行けなくなりました」 with nothing to answer is about a place
		// taken; a bare 「いいえ」 cancels nothing.
		t.chooseCancel(upcoming)
	case len(pending) > 0 && jtext.Undecided(t.in.Text):
		// 「ちょっと考えさせてください」: the offer stays open.
		t.text(ja.Task.TakeYourTime)
	case len(pending)+len(upcoming) > 0 && asksAboutPay(t.in.Text):
		// 「これいくらもらえるの？」: the reward of what waits (or of what
		// they hold), not 「よくわかりませんでした」 and the menu.
		t.tellPay(pending, upcoming)
	case len(pending) > 0 && asksWhatTheJobIs(t.in.Text):
		// 「どんな仕事でしたっけ」: the cards again, to answer from.
		for _, r := range pending {
			t.say(t.offerCard(r))
		}
	case asksToRepeat(t.in.Text):
		// 「もう一度」「なんて？」: what is waiting, again.
		t.repeatWaiting(pending, upcoming)
	case len(pending) > 0 && containsAny(jtext.Normalize(t.in.Text), mayITakeWords):
		// 「引き受けてもいいですか？」: yes, with the buttons to say so.
		t.confirmAccept(pending)
	case len(pending) == 0 && confusedWords[k]:
		// 「わからない」 is asked for help, not told it was not understood.
		t.command(cmdHelp)
	case len(pending) == 0 && len(upcoming) == 0 && quitting(t.in.Text):
		// 「もう としだから やめます」 with nothing held: the withdrawal,
		// asked first.
		t.command(cmdDelete)
	case len(pending) == 0 && t.limitChangedInPassing():
	case len(pending) == 0 && t.skillsRemovedInPassing():
	case whyWords[k]:
		if len(pending) == 0 {
			t.text(ja.Task.WhyNone)
			return
		}
		t.why(pending[len(pending)-1])
	case !isAnswer && greeting(t.in.Text) != "":
		// 「おはようございます」: greeted back, not told it was not
		// understood; an offer waiting is pointed at.
		tail := ja.GreetingTail
		if len(pending) > 0 {
			tail = ja.GreetingPending
		}
		t.text(greeting(t.in.Text) + tail)
	case (thanksWords[k] || saysThanks(t.in.Text)) && len(pending) == 0:
		// A thank-you is not a request to apologise for, with the
		// letter's closing after it too (「ありがとうございます、よろしく
		// お願いします」).
		t.text(ja.YoureWelcome)
	case isAnswer && !yes && len(pending) == 0 && len(upcoming) == 0 && t.leaveJoinedSession():
		// 「やっぱり参加しません」 after saying yes to a gathering.
	case isAnswer && yes && len(pending) == 0 && t.justAccepted(upcoming) != nil:
		// 「はい」 sent twice: the first took the job, and the second is
		// told so, not that nothing waits (which read as the yes lost).
		r := t.justAccepted(upcoming)
		t.text(fmt.Sprintf(ja.Task.HeldAlready, r.Title, t.span(*r)))
	case isAnswer && len(pending) == 0:
		t.text(ja.Task.NoPending)
		t.menu()
	case len(pending) > 1 && t.mixedAnswers(pending):
		// 「草むしりはやります、宿題は見送ります」.
	case isAnswer && yes && len(pending) > 1 && t.acceptNamedDays(pending):
		// 「15日と22日に行けます」「29日以外なら行けます」: those dates.
	case namedPending >= 0 && isAnswer && !yes:
		// 「採点のほうはお断りします」: that one, not the list again.
		t.request = &AnswerRequest{TaskID: pending[namedPending].TaskID, Op: OpDecline}
	case namedPending >= 0 && (!isAnswer || yes):
		// 「草むしりの方をお願いします」「14日の方」: one of the offers, by
		// its title or its day. A clear yes takes it; anything else shows
		// its buttons.
		r := pending[namedPending]
		if isAnswer && jtext.Commits(t.in.Text) {
			t.request = &AnswerRequest{TaskID: r.TaskID, Op: OpAccept}
			return
		}
		t.confirmAccept([]OfferRef{r})
	case isAnswer && yes && !jtext.Commits(t.in.Text):
		// A yes read from a pleasantry (「いいですね」) or a maybe
		// (「行けたら行きます」) takes no job: the person is asked with
		// the card's buttons.
		t.confirmAccept(pending)
	case isAnswer && len(t.pendingInvites()) > 0 && len(namedOffers(pending, t.in.Text, t.now)) == 0:
		// 「はい」 with an offer and an invitation both waiting: which
		// one (it went to the older card, the job).
		t.whichOfferOrSession(yes, pending, t.pendingInvites())
	case isAnswer:
		op, which := OpAccept, ja.Task.WhichAccept
		if !yes {
			op, which = OpDecline, ja.Task.WhichDecline
		}
		if len(pending) == 1 {
			t.request = &AnswerRequest{TaskID: pending[0].TaskID, Op: op}
			return
		}
		if asked := t.askedAbout(pending); asked != "" {
			// The answer to the question just asked about that one.
			t.request = &AnswerRequest{TaskID: asked, Op: op}
			return
		}
		if ids, ok := oneSeries(pending); ok {
			// Every pending offer is a date of one series: a yes takes
			// them all, a no declines them all (the card offers choosing).
			t.request = &AnswerRequest{TaskID: ids[0], Op: op, Series: ids}
			return
		}
		if saysAll(t.in.Text) {
			// 「両方ともお受けします」「どちらも見送ります」.
			t.answerAll(pending, op)
			return
		}
		t.askWhich(pending, op, which)
	case len(pending) > 1 && saysAll(t.in.Text) && (t.asked == askedWhichAccept || t.asked == askedWhichDecline):
		// 「りょうほう」「ぜんぶ」 to 「どのお仕事を…？」.
		op := OpAccept
		if t.asked == askedWhichDecline {
			op = OpDecline
		}
		t.answerAll(pending, op)
	case t.talkOpen():
		// With an offer waiting too: words that answer nothing are for
		// the coordinator on the line.
		t.forwardToCoordinators()
	case thanksWords[k] || saysThanks(t.in.Text):
		// A thank-you with an offer waiting: thanked back and pointed at
		// it, never told it was not understood.
		t.text(ja.YoureWelcome + "\n" + ja.GreetingPending)
	default:
		t.idleMiss()
	}
}

// endsTalk reports a message that ends the talk with the coordinators:
// 「相談は終わりです」「もう大丈夫です、解決しました」.
func endsTalk(text string) bool { return containsAny(jtext.Normalize(text), endTalkWords) }

// declinesAnOffer reports a no that can only be about an offer: 「今回は
// 見送ります」「辞退します」, as against a bare 「いいえ」.
func declinesAnOffer(text string) bool { return containsAny(jtext.Normalize(text), declineWords) }

// asksToRepeat reports 「もう一度」「なんて？」: the last thing again.
func asksToRepeat(text string) bool {
	n := strings.TrimRight(jtext.Normalize(text), " 。.!?~…")
	return repeatWords[n] || containsAny(n, repeatPhrases)
}

// repeatWaiting says again what waits for the person: the offers' cards,
// else the places they hold, else the menu.
func (t *turn) repeatWaiting(pending, upcoming []OfferRef) {
	going, goingOpen := t.goingAsked()
	switch {
	case goingOpen:
		// 「え？なんですか？」 after 「明日は予定どおり行けますか？」.
		t.askGoing(going)
	case len(pending) > 0:
		for _, r := range pending {
			t.say(t.offerCard(r))
		}
	case len(upcoming) > 0:
		t.schedule()
	default:
		t.menu()
	}
}

// quitting reports a sentence that says the person is stopping: 「もう
// としだから やめます」.
func quitting(text string) bool {
	n := jtext.Normalize(text)
	return strings.Contains(n, "やめます") || strings.Contains(n, "やめる")
}

// answerNamesAnotherDay answers a yes or a no, with offers waiting, that
// names a day or a task none of them is: it is not their answer, and no
// offer is taken or declined on it. A no about places the person holds
// (「月曜は行けなくなりました」「16日の棚の取り付けは行けなくなりました」)
// is about those, as with no offer waiting; when it names a place and an
// offer alike, which one is asked. A word about a task the coordinator
// cancelled (「29日もできます」) is told so. Any other day named is told it
// has no offer, with the waiting offers' cards to answer from. It reports
// whether it answered.
func (t *turn) answerNamesAnotherDay(yes bool, pending, upcoming []OfferRef) bool {
	namedPending := namedOffers(pending, t.in.Text, t.now)
	if !yes {
		switch namedPlaces := namedOffers(upcoming, t.in.Text, t.now); {
		case len(namedPlaces) > 0 && len(namedPending) == 0:
			return t.notGoingOnANamedDay(upcoming)
		case len(namedPlaces) > 0:
			t.chooseNotGoing(namedPlaces, namedPending)
			return true
		case len(namedPending) == 0 && len(upcoming) > 0 && becameUnable(t.in.Text):
			// 「急に行けなくなってしまって」 naming nothing: something
			// changed since a yes, so it is about a place taken, as the
			// bare 「行けなくなりました」 is (cancelTaskWords).
			t.chooseCancel(upcoming)
			return true
		}
	}
	if len(namedPending) > 0 {
		return false
	}
	if t.aboutAnswered(!yes) {
		// 「ちがいます、草むしりはやりたいんです」 after a decline is about
		// the 草むしり, never the offer still waiting.
		return true
	}
	if !namesADay(t.in.Text) && !namesToday(jtext.Normalize(t.in.Text)) {
		return false
	}
	t.text(ja.Task.NotOfferedThatDay)
	for _, r := range pending {
		t.say(t.offerCard(r))
	}
	return true
}

// aboutAnswered answers words about offers already answered that the text
// names, and reports whether it named any: a task
// called off says so; one declined, lapsed or given up shows its card
// again, whose 「引き受ける」 still takes it if a place is left, unless the
// words say no again; a place held or a place on the waitlist says so.
func (t *turn) aboutAnswered(no bool) bool {
	answered := t.offersWhere(func(r OfferRef) bool { return r.State != OfferOffered && t.now.Before(r.End) })
	named := namedOffers(answered, t.in.Text, t.now)
	for _, r := range named {
		t.aboutAnsweredOne(r, no)
	}
	return len(named) > 0
}

func (t *turn) aboutAnsweredOne(r OfferRef, no bool) {
	switch r.State {
	case OfferCancelled:
		if !r.CalledOff {
			// 「やっぱり明日行けることになりました」 after giving the
			// place up: its card again, whose 「引き受ける」 takes it back
			// if it is still free.
			t.text(fmt.Sprintf(ja.Task.CancelledBefore, r.Title))
			t.say(t.offerCard(r))
			return
		}
		t.text(fmt.Sprintf(ja.Task.TaskCancelledByOrg, r.Title, t.span(r)))
	case OfferAccepted:
		t.text(fmt.Sprintf(ja.Task.HeldAlready, r.Title, t.span(r)))
	case OfferWaitlisted:
		t.text(ja.Task.AlreadyWaitlisted)
	default:
		if no {
			t.text(fmt.Sprintf(ja.Task.DeclinedTask, r.Title))
			return
		}
		t.text(fmt.Sprintf(ja.Task.DeclinedBefore, r.Title))
		t.say(t.offerCard(r))
	}
}

// mixedAnswers answers a sentence that takes one offer and declines
// another (「草むしりのほうはやります、宿題のほうは今回は見送ります」):
// read whole it is one answer, which went to the wrong offer. Each
// clause that names one offer is read alone; when they differ, nothing is
// taken or declined on words split this way: what was understood is said
// back, with each card to answer on. It reports whether it answered.
func (t *turn) mixedAnswers(pending []OfferRef) bool {
	type said struct {
		r   OfferRef
		yes bool
	}
	var got []said
	seen := map[string]bool{}
	for _, clause := range clauses(t.in.Text) {
		named := namedOffers(pending, clause, t.now)
		yes, ok := jtext.Answer(clause)
		if jtext.Refuses(clause) {
			yes, ok = false, true
		}
		if len(named) != 1 || !ok || seen[named[0].TaskID] {
			continue
		}
		seen[named[0].TaskID] = true
		got = append(got, said{named[0], yes})
	}
	mixed := false
	for _, g := range got[min(1, len(got)):] {
		mixed = mixed || g.yes != got[0].yes
	}
	if !mixed {
		return false
	}
	var parts []string
	for _, g := range got {
		verb := ja.Task.MixedAccept
		if !g.yes {
			verb = ja.Task.MixedDecline
		}
		parts = append(parts, fmt.Sprintf(verb, g.r.Title))
	}
	t.text(fmt.Sprintf(ja.Task.MixedAnswers, strings.Join(parts, "、")))
	for _, g := range got {
		t.say(t.offerCard(g.r))
	}
	return true
}

// acceptNamedDays answers a yes that names some of the dates offered by
// their day: 「15日と22日に行けます」 takes those two, 「29日以外なら行けま
// す」 all but the 29th (it took the 29th alone, and the other all of a
// series). The dates not named are left to their cards. A yes that does
// not commit asks first. It reports whether it answered.
func (t *turn) acceptNamedDays(pending []OfferRef) bool {
	n := jtext.Normalize(t.in.Text)
	var named, others []OfferRef
	for _, r := range pending {
		if namesDay(n, r.Start.In(t.loc()), t.now) {
			named = append(named, r)
		} else {
			others = append(others, r)
		}
	}
	except := containsAny(n, exceptWords)
	if except {
		named = others
	}
	if len(named) == 0 || len(named) == len(pending) && !except {
		return false
	}
	if !jtext.Commits(t.in.Text) {
		t.confirmAccept(named)
		return true
	}
	ids := make([]string, len(named))
	for i, r := range named {
		ids[i] = r.TaskID
	}
	t.request = &AnswerRequest{TaskID: ids[0], Op: OpAccept}
	if len(ids) > 1 {
		t.request.Series = ids
	}
	return true
}

// leaveJoinedSession answers a no, with nothing else to answer, from
// someone who joins a gathering ahead: that one is left (「やっぱり参加し
// ません」 was told nothing was waiting, and she stayed an attendee to be
// reminded); with several, which one is asked. It reports whether it
// answered.
func (t *turn) leaveJoinedSession() bool {
	var joined []SessionRef
	for _, r := range t.conv.Sessions {
		if r.RSVP == RSVPYes && !r.Cancelled && t.now.Before(r.Start) {
			joined = append(joined, r)
		}
	}
	return t.rsvpOneOf(false, joined)
}

// whichOfferOrSession asks which of the offers and invitations waiting a
// yes or a no answers, each button saying what it does.
func (t *turn) whichOfferOrSession(yes bool, offers []OfferRef, invites []SessionRef) {
	var ch []Choice
	for _, r := range offers {
		if yes {
			ch = append(ch, OfferAccept(r.TaskID).button(ja.Task.Accept+"："+choiceLabel(r, t.loc())))
		} else {
			ch = append(ch, OfferDecline(r.TaskID).button(ja.Task.Decline+"："+choiceLabel(r, t.loc())))
		}
	}
	for _, r := range invites {
		ch = append(ch, rsvpButton(yes, r))
	}
	t.text(ja.Task.WhichAnswer, ch[:min(len(ch), cancelListed)]...)
}

// withoutCorrection is text without the 「ちがいます」 it begins with, if
// it does: 「ちがいます、草むしりはやりたいんです」 answers with the rest.
func withoutCorrection(text string) (string, bool) {
	n := jtext.Normalize(text)
	for _, w := range correctionWords {
		if rest, ok := strings.CutPrefix(n, w); ok {
			return strings.TrimLeft(rest, "、,。. "), true
		}
	}
	return text, false
}

// clauses splits a sentence where one answer may end and another begin:
// at punctuation and at contrasts (「…やりますが、…」「…けど…」).
func clauses(text string) []string {
	n := runOnSentences(jtext.Normalize(text))
	for _, c := range []string{"けれども", "けれど", "けど", "でも", "が、", "が,"} {
		n = strings.ReplaceAll(n, c, "。")
	}
	return strings.FieldsFunc(n, func(r rune) bool { return strings.ContainsRune("、,。.!?\n", r) })
}

// runOnSentences ends a sentence after each polite ending another
// sentence runs on from, as dictation writes them: 「見送りますテストの採点
// はやります」. An ending followed by what continues it (「ますが」「ます
// ので」「ますよろしく…」) is left alone.
func runOnSentences(n string) string {
	var b strings.Builder
	for {
		i, end := -1, 0
		for _, e := range []string{"ます", "です", "ません", "ました"} {
			if j := strings.Index(n, e); j >= 0 && (i < 0 || j < i || j == i && len(e) > end) {
				i, end = j, len(e)
			}
		}
		if i < 0 {
			b.WriteString(n)
			return b.String()
		}
		b.WriteString(n[:i+end])
		n = n[i+end:]
		if r, _ := utf8.DecodeRuneInString(n); n != "" && !strings.ContainsRune("がしけよねのでかなわとー…。、,.!?~ )」", r) {
			b.WriteString("。")
		}
	}
}

// takesBack reports a sentence taking a cancellation back: 「やっぱり
// 行けます」「さっきのキャンセルは取り消してください」.
func takesBack(text string) bool {
	n := jtext.Normalize(text)
	return containsAny(n, takeBackWords) || containsAny(n, afterAllWords) && containsAny(n, goingWords)
}

// takeBackLastGivenUp shows the card of the place the person gave up,
// the soonest still ahead, to take it back; it reports whether there was
// one.
func (t *turn) takeBackLastGivenUp() bool {
	given := t.offersWhere(func(r OfferRef) bool { return r.State == OfferCancelled && !r.CalledOff && t.now.Before(r.Start) })
	if len(given) == 0 {
		return false
	}
	t.aboutAnsweredOne(given[0], false)
	return true
}

// namedPlaceHeld reports text naming a place the person holds.
func namedPlaceHeld(upcoming []OfferRef, text string, now time.Time) bool {
	return len(namedOffers(upcoming, text, now)) > 0
}

// chooseNotGoing asks which of some places held and offers waiting a
// 「行けなくなりました」 is about: a place is cancelled (after its own
// question), an offer declined.
func (t *turn) chooseNotGoing(places, offers []OfferRef) {
	var ch []Choice
	for _, r := range places {
		ch = append(ch, TaskCancel(r.TaskID).button(choiceLabel(r, t.loc())))
	}
	for _, r := range offers {
		ch = append(ch, OfferDecline(r.TaskID).button(choiceLabel(r, t.loc())))
	}
	ch = ch[:min(len(ch), cancelListed)]
	ch = append(ch, TaskKeep(places[0].TaskID).button(ja.Task.CancelNone))
	t.conv.Asked = askedWhichCancel
	t.text(ja.Task.WhichNotGoing, ch...)
}

// becameUnable reports a no that says something changed since a yes:
// 「行けなくなりました」「無理になりました」, as against 「行けません」.
func becameUnable(text string) bool {
	return containsAny(jtext.Normalize(text), becameUnableWords)
}

// notGoingOnANamedDay answers a no that names the day or the title of
// places the person holds (「金曜日はだめになりました」「11日のお仕事は
// 無理になりました」): it is about those, and they are asked whether to
// cancel (which, when there are several). Their week is left alone: one
// bad Friday is not every Friday. A session they join that day is shown
// with its 「参加しない」. It reports whether it answered.
func (t *turn) notGoingOnANamedDay(upcoming []OfferRef) bool {
	named := namedOffers(upcoming, t.in.Text, t.now)
	var day time.Time
	switch len(named) {
	case 0:
		return false
	case 1:
		t.askCancel(named[0])
		day = named[0].Start
	default:
		t.chooseCancel(named)
		day = named[0].Start
	}
	y, m, d := day.In(t.loc()).Date()
	for _, r := range t.conv.Sessions {
		if ry, rm, rd := r.Start.In(t.loc()).Date(); r.RSVP == RSVPYes && !r.Cancelled && ry == y && rm == m && rd == d {
			t.say(Message{Card: &Card{Title: r.Title, Body: ja.Session.SameDay, Fields: t.sessionFields(r),
				Buttons: []Choice{SessionRSVP(RSVPNo, r.SessionID).button(ja.Session.NotJoin)}}})
		}
	}
	return true
}

// asksAboutPay reports a question about the money: 「これいくらもらえる
// の？」「謝礼はありますか」「交通費は出ますか」.
func asksAboutPay(text string) bool {
	n := jtext.Normalize(text)
	return containsAny(n, payWords) && (isQuestion(text) || containsAny(n, payAskWords))
}

var payAskWords = normalizeAll("いくら", "なんぼ", "教えて")

var payWords = normalizeAll("いくら", "なんぼ", "報酬", "謝礼", "お礼", "給料", "給与", "時給", "日当", "お金", "おかね",
	"交通費", "ギャラ", "お駄賃", "もらえる", "貰える", "払われ", "支払")

// tellPay says the reward of each offer waiting, or else of each place
// held; a task that names none is said to, with the coordinators to ask.
func (t *turn) tellPay(pending, upcoming []OfferRef) {
	refs := pending
	if len(refs) == 0 {
		refs = upcoming
	}
	lines := make([]string, 0, len(refs))
	none := false
	for _, r := range refs {
		if r.Reward == "" {
			none = true
			lines = append(lines, fmt.Sprintf(ja.Task.PayNone, r.Title))
			continue
		}
		lines = append(lines, fmt.Sprintf(ja.Task.PayLine, r.Title, rewardAmount(r.Reward)))
	}
	if none {
		t.text(strings.Join(lines, "\n"), commandAction(cmdHandoff).button(ja.HandoffButton))
		return
	}
	t.text(strings.Join(lines, "\n"))
}

// justAcceptedWithin is how lately a place must have been taken for a
// second yes to be about it.
const justAcceptedWithin = 15 * time.Minute

// justAccepted is the place among upcoming taken last, if within
// justAcceptedWithin.
func (t *turn) justAccepted(upcoming []OfferRef) *OfferRef {
	var last *OfferRef
	for i, r := range upcoming {
		if r.State == OfferAccepted && t.now.Sub(r.AcceptedAt) <= justAcceptedWithin && (last == nil || r.AcceptedAt.After(last.AcceptedAt)) {
			last = &upcoming[i]
		}
	}
	return last
}

// noJobThatDay answers a day named as one the person cannot come, when
// none of their places is on it: nothing to cancel, and the places they
// hold, to see which they meant.
func (t *turn) noJobThatDay(upcoming []OfferRef) {
	lines := []string{ja.Task.NoJobThatDay}
	for _, r := range upcoming {
		lines = append(lines, fmt.Sprintf(ja.Task.ScheduleLine, t.span(r), r.Title, r.Place))
	}
	t.text(strings.Join(lines, "\n"))
}

func (t *turn) chooseCancel(upcoming []OfferRef) {
	switch len(upcoming) {
	case 0:
		t.text(ja.Task.NothingToCancel)
	case 1:
		t.askCancel(upcoming[0])
	default:
		var ch []Choice
		for _, r := range upcoming[:min(len(upcoming), cancelListed)] {
			ch = append(ch, TaskCancel(r.TaskID).button(choiceLabel(r, t.loc())))
		}
		// A way out: the question was perhaps not what they meant.
		ch = append(ch, TaskKeep(upcoming[0].TaskID).button(ja.Task.CancelNone))
		t.conv.Asked = askedWhichCancel
		which := ja.Task.WhichCancel
		if len(upcoming) > cancelListed {
			// The rest can be named: 「20日の採点」.
			which += ja.Task.WhichCancelMore
		}
		t.text(which, ch...)
	}
}

// cancelListed bounds the places a 「どれをキャンセル」 question lists, the
// soonest, so that its way out fits among LINE's thirteen quick replies.
const cancelListed = 11

// askedWhichCancel is Conversation.Asked after 「どのお仕事をキャンセル
// しますか？」: the next message may name one.
const askedWhichCancel = "which-cancel"

// askedAbout is the pending offer the previous message asked about by
// name (Conversation.Asked), or "".
func (t *turn) askedAbout(pending []OfferRef) string {
	id := strings.TrimPrefix(t.asked, askedOverLimit)
	if _, i := findRef(pending, id); id == "" || i < 0 {
		return ""
	}
	return id
}

// Conversation.Asked after 「どのお仕事をお引き受けいただけますか？」 and
// 「どのお仕事を見送りますか？」: the next message may say all of them.
const (
	askedWhichAccept  = "which-accept"
	askedWhichDecline = "which-decline"
)

// askWhich asks which pending offer a yes (op OpAccept) or a no is about,
// with a button each. Asked again straight after, it offers a person too:
// the same question a third time would be a loop.
func (t *turn) askWhich(pending []OfferRef, op AnswerOp, which string) {
	var ch []Choice
	for _, r := range pending {
		ch = append(ch, offerAnswer(op, r.TaskID).button(choiceLabel(r, t.loc())))
	}
	asked := askedWhichAccept
	if op == OpDecline {
		asked = askedWhichDecline
	}
	if t.asked == asked {
		ch = append(ch, commandAction(cmdHandoff).button(ja.HandoffButton))
	}
	t.conv.Asked = asked
	t.text(which, ch...)
}

// answerAll answers every pending offer at once, as the dates of a series
// are.
func (t *turn) answerAll(pending []OfferRef, op AnswerOp) {
	ids := make([]string, len(pending))
	for i, r := range pending {
		ids[i] = r.TaskID
	}
	t.request = &AnswerRequest{TaskID: ids[0], Op: op, Series: ids}
}

// saysAll reports words for every one of the offers: 「両方」「どちらも」
// 「ぜんぶ」.
func saysAll(text string) bool { return containsAny(jtext.Normalize(text), allWords) }

var allWords = normalizeAll("両方", "りょうほう", "どちらも", "どっちも", "全部", "ぜんぶ", "全て", "すべて", "どれも",
	"二つとも", "ふたつとも", "2つとも", "二件とも", "2件とも", "みんな")

// askedRedo, before a task's ID, is Conversation.Asked after asking
// whether a task recorded as done was not done after all.
const askedRedo = "redo:"

// askedOverLimit, before a task's ID, is Conversation.Asked after
// keepWithinLimit's question about that task: a yes to it takes the task.
const askedOverLimit = "over-limit:"

// keepWithinLimit turns an acceptance that would take the person past the
// weekly limit they set themselves (無理のない働き方) into a question:
// offers sent before their other acceptances can each be taken, and a
// senior may not remember having said yes to another that week. Taken all
// the same when they say so: the limit is theirs.
// HeldDuring returns a place the person holds, other than task's, at some
// time from start to end, if any: nobody can be at two jobs at once, and a
// coordinator counting on two people would see one.
func (c Conversation) HeldDuring(task string, start, end time.Time) (OfferRef, bool) {
	for _, h := range c.Offers {
		if h.TaskID != task && h.State == OfferAccepted && !h.CalledOff && h.Start.Before(end) && start.Before(h.End) {
			return h, true
		}
	}
	return OfferRef{}, false
}

// keepFromClash refuses to take an offer at the time of a place the person
// holds, and says which.
func (t *turn) keepFromClash() {
	r := t.request
	if r == nil || r.Op != OpAccept || t.p == nil {
		return
	}
	for _, id := range append([]string{r.TaskID}, r.Series...) {
		ref, i := findRef(t.conv.Offers, id)
		if i < 0 || ref.State == OfferAccepted || ref.State == OfferWaitlisted {
			continue
		}
		if held, ok := t.conv.HeldDuring(ref.TaskID, ref.Start, ref.End); ok {
			t.request = nil
			t.text(fmt.Sprintf(ja.Task.Clash, ref.Title, t.span(ref), held.Title, t.span(held)))
			return
		}
	}
}

func (t *turn) keepWithinLimit() {
	r := t.request
	if r == nil || r.Op != OpAccept || t.p == nil || t.p.WeeklyLimit <= 0 ||
		t.overLimitTold || t.asked == askedOverLimit+r.TaskID {
		return
	}
	if len(r.Series) > 0 {
		t.keepAllWithinLimit(r.Series)
		return
	}
	ref, i := findRef(t.conv.Offers, r.TaskID)
	if i < 0 || ref.State == OfferAccepted || ref.State == OfferWaitlisted {
		return
	}
	_, _, week := t.conv.Recent(ref.Start, t.loc())
	if week < t.p.WeeklyLimit {
		return
	}
	t.request = nil
	t.conv.Asked = askedOverLimit + ref.TaskID
	t.text(fmt.Sprintf(ja.Task.OverLimit, ref.Title, t.span(ref), week, t.p.WeeklyLimit),
		OfferAcceptOver(ref.TaskID).button(ja.Task.Accept), OfferDecline(ref.TaskID).button(ja.Task.Decline))
}

// keepAllWithinLimit is keepWithinLimit for several offers taken at once
// (「両方ともお受けします」, a series' 「全部引き受ける」): when they would
// take some week past the limit, each is offered to take on its own.
func (t *turn) keepAllWithinLimit(ids []string) {
	loc := t.loc()
	var refs []OfferRef
	added := map[time.Time]int{}
	for _, id := range ids {
		ref, i := findRef(t.conv.Offers, id)
		if i < 0 || ref.State == OfferAccepted || ref.State == OfferWaitlisted {
			continue
		}
		refs = append(refs, ref)
		added[mondayOf(ref.Start, loc)]++
	}
	over := false
	for monday, n := range added {
		if _, _, week := t.conv.Recent(monday, loc); week+n > t.p.WeeklyLimit {
			over = true
		}
	}
	if !over {
		return
	}
	t.request = nil
	ch := make([]Choice, 0, len(refs))
	for _, r := range refs {
		ch = append(ch, OfferAccept(r.TaskID).button(choiceLabel(r, loc)))
	}
	t.text(fmt.Sprintf(ja.Task.OverLimitAll, t.p.WeeklyLimit), ch...)
}

// confirmAccept asks before taking a job on a yes that may not be one:
// each pending offer with its 「引き受ける」 button, and 「見送る」 for one.
func (t *turn) confirmAccept(pending []OfferRef) {
	if len(pending) == 1 {
		r := pending[0]
		t.conv.Asked = r.TaskID
		t.text(fmt.Sprintf(ja.Task.ConfirmAccept, r.Title, t.span(r)),
			OfferAccept(r.TaskID).button(ja.Task.Accept), OfferDecline(r.TaskID).button(ja.Task.Decline))
		return
	}
	t.askWhich(pending, OpAccept, ja.Task.WhichAccept)
}

// mentionsCancel reports a sentence that asks to cancel: 「キャンセルした
// いです」「取り消してください」.
func mentionsCancel(text string) bool {
	n := jtext.Normalize(text)
	return strings.Contains(n, "キャンセル") || strings.Contains(n, "きゃんせる") || strings.Contains(n, "取り消")
}

// speaksOfNotGoing reports a no about a place already taken: 「行けなく
// なりました」「キャンセルします」, as against a bare 「いいえ」.
func speaksOfNotGoing(text string) bool {
	n := jtext.Normalize(text)
	for _, w := range notGoingWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// choiceLabel names a task on a button: its date, then its title, which a
// platform with short labels cuts (LINE keeps the date and the title's
// start).
func choiceLabel(r OfferRef, loc *time.Location) string {
	s := r.Start.In(loc)
	return fmt.Sprintf("%d/%d %s", s.Month(), s.Day(), r.Title)
}

// schedule lists what the person said yes to and is still ahead: the
// tasks they hold and the sessions they will join, soonest first.
func (t *turn) schedule() {
	type line struct {
		start time.Time
		text  string
	}
	// 「今週の予定は」「来週の予定」: that week's only.
	week := weekSaid(jtext.Normalize(t.in.Text))
	inWeek := func(at time.Time) bool { return week < 0 || weeksApart(t.now, at) == week }
	var lines []line
	for _, r := range t.upcoming() {
		if inWeek(r.Start) {
			lines = append(lines, line{r.Start, fmt.Sprintf(ja.Task.ScheduleLine, t.span(r), r.Title, r.Place)})
		}
	}
	for _, r := range t.conv.Sessions {
		if r.RSVP == RSVPYes && !r.Cancelled && t.now.Before(r.End) && inWeek(r.Start) {
			lines = append(lines, line{r.Start, fmt.Sprintf(ja.Task.ScheduleLine,
				FormatSpanJA(r.Start, r.End, t.loc()), r.Title, ja.Session.ScheduleWhere)})
		}
	}
	if len(lines) == 0 {
		t.text(ja.Task.ScheduleNone)
		return
	}
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].start.Before(lines[j].start) })
	out := []string{ja.Task.ScheduleTitle}
	for _, l := range lines {
		out = append(out, l.text)
	}
	t.text(strings.Join(out, "\n"))
}

// Answered turns the outcome of an applied answer into the person's new
// state and the replies. It is pure, like Converse, and like it reads times
// in now's location.
func Answered(now time.Time, res Result, req *AnswerRequest, out Outcome) Result {
	t := &turn{now: now, conv: res.Conv, out: res.Messages}
	ref, i := findRef(t.conv.Offers, req.TaskID)
	if i >= 0 && out.State != "" {
		t.conv.Offers = append([]OfferRef(nil), t.conv.Offers...)
		t.conv.Offers[i].State = out.State
		if out.State == OfferAccepted && out.Changed {
			t.conv.Offers[i].AcceptedAt = now
		}
		ref = t.conv.Offers[i]
	}
	switch req.Op {
	case OpAsk, OpConfirm, OpComplete:
		res.Conv, res.Messages, res.Answer = t.conv, t.out, nil
		res = answeredQuestion(t, res, req, out, ref, i)
		return res
	}
	if p := res.Profile; p != nil && out.Changed {
		switch out.State {
		case OfferAccepted:
			p.Counters.Accepts++
		case OfferDeclined:
			p.Counters.Declines++
		case OfferCancelled:
			p.Counters.Cancellations++
		}
	}
	if req.Op == OpForget && i >= 0 {
		t.conv.Offers = append(t.conv.Offers[:i:i], t.conv.Offers[i+1:]...)
	}
	if !req.Silent {
		t.answeredText(req, out, ref)
	}
	res.Conv, res.Messages, res.Answer = t.conv, t.out, nil
	return res
}

func (t *turn) answeredText(req *AnswerRequest, out Outcome, ref OfferRef) {
	switch {
	case out.State == "":
		t.text(ja.Task.NotFound)
	case out.Changed && out.State == OfferAccepted:
		t.say(t.acceptedCard(ref, ja.Task.AcceptedTitle, t.remindersAhead(ref, ja.Task.AcceptedBody)))
	case out.Changed && out.State == OfferWaitlisted:
		t.text(ja.Task.Waitlisted)
	case out.Changed && out.State == OfferDeclined:
		t.text(fmt.Sprintf(ja.Task.DeclinedTask, ref.Title))
	case out.Changed && out.State == OfferCancelled:
		t.text(ja.Task.CancelledByYou)
	case out.State == OfferAccepted && req.Op == OpAccept:
		t.text(ja.Task.AlreadyAccepted)
	case out.State == OfferWaitlisted && req.Op == OpAccept:
		t.text(ja.Task.AlreadyWaitlisted)
	case out.Started && !ref.End.IsZero() && !t.now.Before(ref.End):
		// A card from a week ago: 「始まっています」 said of a job long over.
		t.text(ja.Task.Ended)
	case out.Started:
		t.text(ja.Task.Started)
	case out.Status != TaskOpen && out.Status != TaskFilled:
		t.text(ja.Task.Closed)
	case out.State == OfferAccepted && req.Op == OpDecline:
		t.text(ja.Task.AcceptedNoDecline)
	case out.State == OfferDeclined && req.Op == OpDecline:
		t.text(ja.Task.AlreadyDeclined)
	case req.Op == OpCancel:
		t.text(ja.Task.NothingToCancel)
	default:
		t.text(ja.Task.NotFound)
	}
}

// oneSeries returns the task IDs of refs when they are all dates of one
// series.
func oneSeries(refs []OfferRef) ([]string, bool) {
	ids := make([]string, 0, len(refs))
	for _, r := range refs {
		if r.SeriesID == "" || r.SeriesID != refs[0].SeriesID {
			return nil, false
		}
		ids = append(ids, r.TaskID)
	}
	return ids, len(ids) > 0
}

// asksWhatTheJobIs reports 「どんな仕事でしたっけ」「さっきのお仕事の内容を
// もう一度教えてください」.
func asksWhatTheJobIs(text string) bool {
	n := jtext.Normalize(text)
	for _, w := range jobQuestionWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// namedOffer returns the index of the one offer of pending that text
// names, by a word of its title (「草むしり」 of 「保育園の庭の草むしり」),
// its day of the month (「14日」「十四日」), its day of the week (「月曜の」)
// or its day from now (「明日の」), or -1 when it names none or several.
func namedOffer(pending []OfferRef, text string, now time.Time) int {
	if named := namedOffers(pending, text, now); len(named) == 1 {
		for i, r := range pending {
			if r.TaskID == named[0].TaskID {
				return i
			}
		}
	}
	return -1
}

// namedOffers returns the offers of refs that text names, as namedOffer
// reads it: the one whose whole title it holds, else every one it names
// by a title word or a day.
func namedOffers(refs []OfferRef, text string, now time.Time) []OfferRef {
	n := jtext.Normalize(text)
	// A whole title first: 「期末テストの採点」 names that one, though
	// 「採点」 is in 「月曜の採点」 too.
	var whole []OfferRef
	for _, r := range refs {
		if strings.Contains(n, jtext.Normalize(r.Title)) {
			whole = append(whole, r)
		}
	}
	if len(whole) == 1 {
		return whole
	}
	var found []OfferRef
	for _, r := range refs {
		if namesOffer(n, r, now) {
			found = append(found, r)
		}
	}
	return found
}

func namesOffer(n string, r OfferRef, now time.Time) bool {
	start := r.Start.In(now.Location())
	return namesDay(n, start, now) || namesTitle(n, r.Title)
}

// namesTitle reports whether the normalized text n holds the title or one
// of its words of two characters or more.
func namesTitle(n, title string) bool {
	title = jtext.Normalize(title)
	if strings.Contains(n, title) {
		return true
	}
	for _, w := range strings.FieldsFunc(title, func(r rune) bool {
		return strings.ContainsRune("のと・、,()（）「」 ", r)
	}) {
		if utf8.RuneCountInString(w) >= 2 && strings.Contains(n, w) {
			return true
		}
		// 「宿題の見守り」 names 「宿題見守り」: a compound is said with
		// 「の」 between its parts.
		rs := []rune(w)
		for i := 2; i <= len(rs)-2; i++ {
			if strings.Contains(n, string(rs[:i])+"の"+string(rs[i:])) {
				return true
			}
		}
	}
	return false
}

// namesDay reports whether the normalized text n names the day of t: by
// its day of the month in digits or kanji (「14日」「十四日」, never 「1日」
// inside 「11日」), its day of the week (「金曜」), or as today, tomorrow or
// the day after, seen from now.
func namesDay(n string, t, now time.Time) bool {
	days := []string{fmt.Sprintf("%d日", t.Day())}
	if t.Day() > 1 { // 「一日」 is as often "one day"
		days = append(days, kanjiNumber(t.Day())+"日")
	}
	for _, day := range days {
		for i := strings.Index(n, day); i >= 0; {
			// Not inside a longer number, nor 「二日間」「一日中」.
			if (i == 0 || !isNumeral(n[:i])) && !strings.HasPrefix(n[i+len(day):], "間") && !strings.HasPrefix(n[i+len(day):], "中") {
				return true
			}
			j := strings.Index(n[i+1:], day)
			if j < 0 {
				break
			}
			i += 1 + j
		}
	}
	if kana := kanaDays[t.Day()]; kana != "" && strings.Contains(n, kana) {
		// 「とおかのほう」: the tenth, as it is said.
		return true
	}
	if strings.Contains(n, weekdaysJA[t.Weekday()]+"曜") {
		// 「来週の月曜」 is one Monday: the week said must be t's.
		want := weekSaid(n)
		return want < 0 || weeksApart(now, t) == want
	}
	if week := weekSaid(n); week >= 0 {
		switch {
		case containsAny(n, weekStartWords):
			// 「来週の頭」: its Monday or Tuesday.
			return weeksApart(now, t) == week && (t.Weekday() == time.Monday || t.Weekday() == time.Tuesday)
		case !aWeekday.MatchString(n) && !aDate.MatchString(strings.NewReplacer("再来週", "", "来週", "", "今週", "").Replace(n)):
			// 「今週は無理そうです」: the week alone is every day of it.
			return weeksApart(now, t) == week
		}
	}
	if named, ok := seasonNamed(n, t, now); ok {
		return named
	}
	y1, m1, d1 := now.Date()
	y2, m2, d2 := t.Date()
	// 「しあさって」 holds 「あさって」: each is looked for without the other.
	threeDays := strings.Contains(n, "しあさって") || strings.Contains(n, "明明後日")
	n = strings.NewReplacer("しあさって", "", "明明後日", "").Replace(n)
	switch time.Date(y2, m2, d2, 0, 0, 0, 0, time.UTC).Sub(time.Date(y1, m1, d1, 0, 0, 0, 0, time.UTC)) / (24 * time.Hour) {
	case 0:
		return namesToday(n)
	case 1:
		return (strings.Contains(n, "明日") && !strings.Contains(n, "明後日")) || strings.Contains(n, "あした") || strings.Contains(n, "あす")
	case 2:
		return strings.Contains(n, "明後日") || strings.Contains(n, "あさって")
	case 3:
		return threeDays
	}
	return false
}

// weekStartWords say the start of a week: 「来週の頭」「来週はじめ」.
var weekStartWords = []string{"頭", "はじめ", "初め", "始め"}

// seasonNamed tells whether n, naming a time of the month or the year
// (「月末」「年末年始」「お盆」), names t's; ok is false when it names none.
// A time without fixed days (「連休」) is taken to include t: a person
// who says it about a job means that job.
func seasonNamed(n string, t, now time.Time) (named, ok bool) {
	_, m, d := t.Date()
	last := time.Date(t.Year(), m+1, 0, 0, 0, 0, 0, time.UTC).Day()
	months := (t.Year()-now.Year())*12 + int(m-now.Month())
	switch {
	case strings.Contains(n, "年末年始"):
		return m == time.December && d >= 20 || m == time.January && d <= 7, true
	case strings.Contains(n, "年末"):
		return m == time.December && d >= 20, true
	case strings.Contains(n, "年始") || strings.Contains(n, "正月"):
		return m == time.January && d <= 7, true
	case strings.Contains(n, "お盆"):
		return m == time.August && d >= 10 && d <= 20, true
	case strings.Contains(n, "月末"):
		return d > last-7 && (months == 0 || strings.Contains(n, "来月") && months == 1), true
	case strings.Contains(n, "月初") || strings.Contains(n, "月はじめ") || strings.Contains(n, "月の初め"):
		return d <= 7 && (months == 0 && !strings.Contains(n, "来月") || strings.Contains(n, "来月") && months == 1), true
	case strings.Contains(n, "再来月"):
		return months == 2, true
	case strings.Contains(n, "来月"):
		return months == 1, true
	case strings.Contains(n, "連休") || strings.Contains(n, "ゴールデンウィーク"):
		return true, true
	}
	return false, false
}

// kanaDays are the days of the month said in words rather than numbers
// (ついたち, とおか, はつか), by day. いつか (someday) and ようか (しよう
// か) say other things as often, and are left out.
var kanaDays = map[int]string{1: "ついたち", 2: "ふつか", 3: "みっか", 4: "よっか", 6: "むいか", 7: "なのか",
	9: "ここのか", 10: "とおか", 14: "じゅうよっか", 20: "はつか", 24: "にじゅうよっか"}

// isNumeral reports whether s ends in a digit or a kanji numeral: the
// 「1日」 it precedes is part of a longer number.
func isNumeral(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsDigit(r) || strings.ContainsRune("一二三四五六七八九十", r)
}

// kanjiNumber writes 1–39 in kanji numerals: 14 is 十四, 20 二十.
func kanjiNumber(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	s := ""
	if n >= 10 {
		if n >= 20 {
			s = digits[n/10]
		}
		s += "十"
	}
	return s + digits[n%10]
}

// saysThanks reports a sentence that thanks: 「いつもありがとうございます」.
func saysThanks(text string) bool {
	n := jtext.Normalize(text)
	return strings.Contains(n, "ありがとう") || strings.Contains(n, "お世話になって") || strings.Contains(n, "感謝")
}

// remindersAhead is what an accepted card says of the reminders to come:
// body (the evening before and two hours before) when both are ahead, and
// only what is left for a task taken on the day or the evening before
// (the question 「予定どおり行けますか？」 then comes at once).
func (t *turn) remindersAhead(r OfferRef, body string) string {
	start := r.Start.In(t.loc())
	y, m, d := start.Date()
	evening := time.Date(y, m, d-1, eveningReminder, 0, 0, 0, t.loc())
	switch {
	case !t.now.Before(r.Start.Add(-soonReminder)):
		return ja.Task.AcceptedBodyNow
	case !t.now.Before(evening) || !r.Created.IsZero() && r.Start.Sub(r.Created) < 24*time.Hour:
		return ja.Task.AcceptedBodySoon
	}
	return body
}

// greeting returns the greeting a message opens with, as the reply says
// it back (「おはようございます。」), or "" when it is not one.
func greeting(text string) string {
	n := jtext.Normalize(text)
	if utf8.RuneCountInString(n) > 25 {
		return "" // more than a greeting: left to the rest
	}
	for _, g := range ja.Greetings {
		for _, w := range g.words {
			if strings.HasPrefix(n, jtext.Normalize(w)) {
				return g.reply
			}
		}
	}
	return ""
}

// asksForTheLink reports a request for a session's link: 「ズームの
// アドレスをもう一度送ってください」「URLを教えて」.
func asksForTheLink(text string) bool {
	n := jtext.Normalize(text)
	link := false
	for _, w := range []string{"url", "アドレス", "リンク", "ズーム", "zoom", "入り方", "はいりかた"} {
		link = link || strings.Contains(n, jtext.Normalize(w))
	}
	return link && (strings.Contains(n, "送") || strings.Contains(n, "教え") || strings.Contains(n, "おしえ") || isQuestion(text))
}

// weekSaid is the week the normalized text n names, counted from this
// one (今週 0, 来週 1, 再来週 2), or -1 when it names none.
func weekSaid(n string) int {
	switch {
	case strings.Contains(n, "再来週"):
		return 2
	case strings.Contains(n, "来週"):
		return 1
	case strings.Contains(n, "今週"):
		return 0
	}
	return -1
}

// weeksApart is how many weeks (Monday to Sunday) t is after now's.
func weeksApart(now, t time.Time) int {
	monday := func(x time.Time) time.Time {
		y, m, d := x.Date()
		return time.Date(y, m, d-(int(x.Weekday())+6)%7, 0, 0, 0, 0, time.UTC)
	}
	return int(monday(t.In(now.Location())).Sub(monday(now)).Hours() / (24 * 7))
}

// namesToday reports a normalized text that speaks of today: 「今日」
// 「本日」「今夜」「今晩」.
func namesToday(n string) bool {
	for _, w := range []string{"今日", "きょう", "本日", "今夜", "こんや", "今晩"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}
