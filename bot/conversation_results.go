package bot

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"tsunagu/bot/jtext"
)

// correctFor is how long after a task its hours can still be corrected in
// words (「2時間半でした」).
const correctFor = 7 * 24 * time.Hour

// askGoing asks the day-before question, 「明日 行けますか？」, and has the
// task record that it was asked (the coordinators see who never answers).
func (t *turn) askGoing(r OfferRef) {
	if !t.now.Before(r.Start) || r.Confirm == ConfirmConfirmed {
		return
	}
	when := ja.Task.Tomorrow
	if sameDay(r.Start.In(t.loc()), t.now) {
		when = ja.Task.Today
	} else if s := r.Start.In(t.loc()); !sameDay(s, t.now.AddDate(0, 0, 1)) {
		when = fmt.Sprintf("%d月%d日", s.Month(), s.Day())
	}
	t.say(Message{Card: &Card{
		Title:  r.Title,
		Body:   fmt.Sprintf(ja.Task.GoingAsk, when, r.Title),
		Fields: t.taskFields(r),
		Buttons: []Choice{
			TaskGoing(r.TaskID).button(ja.Task.Going),
			TaskNotGoing(r.TaskID).button(ja.Task.NotGoing),
		},
	}})
	t.request = &AnswerRequest{TaskID: r.TaskID, Op: OpAsk, Silent: true}
}

// askDone asks, once the task has ended, whether it went as planned.
func (t *turn) askDone(r OfferRef, i int) {
	if r.Result != nil || t.now.Before(r.End) {
		return
	}
	t.conv.Offers = append([]OfferRef(nil), t.conv.Offers...)
	t.conv.Offers[i].Asked = true
	t.say(Message{Card: &Card{
		Title: r.Title,
		Body:  fmt.Sprintf(ja.Task.DoneAsk, r.Title),
		Buttons: []Choice{
			TaskDone(r.TaskID).button(ja.Task.Done),
			TaskNotDone(r.TaskID).button(ja.Task.NotDone),
		},
	}})
}

// doneRequest records a task as done, for hours (0: as it was, else the
// task's length).
func (t *turn) doneRequest(r OfferRef, hours float64) *AnswerRequest {
	if hours <= 0 {
		hours = r.End.Sub(r.Start).Hours()
		if r.Result != nil && r.Result.Status == Completed {
			hours = r.Result.Hours
		}
	}
	return &AnswerRequest{TaskID: r.TaskID, Op: OpComplete, Result: TaskResult{Status: Completed, Hours: roundHours(hours)}}
}

// goingAsked is the task whose day-before question awaits an answer, the
// soonest if several.
func (t *turn) goingAsked() (OfferRef, bool) {
	refs := t.offersWhere(func(r OfferRef) bool {
		return r.State == OfferAccepted && t.now.Before(r.Start) &&
			(r.Confirm == ConfirmAsked || r.Confirm == ConfirmUnconfirmed)
	})
	if len(refs) == 0 {
		return OfferRef{}, false
	}
	return refs[0], true
}

// doneAsked is the task the question after it is about: asked and not
// answered, or answered lately enough to correct the hours; the latest.
func (t *turn) doneAsked() (OfferRef, bool) {
	refs := t.offersWhere(func(r OfferRef) bool {
		return r.State == OfferAccepted && !t.now.Before(r.End) &&
			(r.Asked && r.Result == nil || r.Result != nil && t.now.Before(r.End.Add(correctFor)))
	})
	if len(refs) == 0 {
		return OfferRef{}, false
	}
	return refs[len(refs)-1], true
}

// taskQuestionText reads a sentence that answers the day-before question
// or the question after a task, when one is open: 「はい、行けます」
// 「すみません、行けなくなりました」「終わりました」「2時間半でした」
// 「できませんでした」. A bare yes or no answers them only when no offer
// awaits an answer. It reports whether the text was such an answer.
func (t *turn) taskQuestionText() bool {
	n := jtext.Normalize(t.in.Text)
	yes, isYesNo := jtext.Answer(t.in.Text)
	bare := isYesNo && len(t.pending()) == 0
	going, goingOpen := t.goingAsked()
	goingOpen = goingOpen && !t.aboutSomethingElse(going)
	// Words of going answer the day-before question, the newer one, even
	// with the question after an earlier task still open: 「行けますけど
	// 10分くらい遅れるかもしれません」 recorded that task as done in 0.25
	// hours.
	speaksOfGoing := goingOpen && (containsAny(n, goingWords) || containsAny(n, notGoingWords))
	if r, ok := t.doneAsked(); ok && !speaksOfGoing && !t.aboutSomethingElse(r) {
		hours, hasHours := jtext.Hours(t.in.Text)
		asks := isQuestion(t.in.Text) // 「終わったかって？まだ始めてないよ」 records nothing
		switch {
		case containsAny(n, notDoneWords) || bare && !yes && r.Result == nil:
			t.request = &AnswerRequest{TaskID: r.TaskID, Op: OpComplete, Result: TaskResult{Status: NotCompleted}}
			return true
		case hasHours && hours > 0 && hours <= MaxTaskHours && !asks && (r.Result == nil || r.Result.Status == Completed):
			// Hours correct a completion; they do not turn 「できません
			// でした」 into one.
			t.request = t.doneRequest(r, hours)
			return true
		case r.Result == nil && !asks && (containsAny(n, taskDoneWords) || bare && yes):
			t.request = t.doneRequest(r, 0)
			return true
		}
	}
	if r, ok := going, goingOpen; ok {
		// 「大丈夫だと思います」 is how a sure yes is said politely;
		// 「たぶん」 or 「行けたら」 are not sure.
		unsure := isYesNo && yes && jtext.Hedged(strings.ReplaceAll(n, jtext.Normalize("だと思い"), ""))
		switch {
		case containsAny(n, notGoingWords) || bare && !yes:
			t.conv.endDetour()
			t.request = &AnswerRequest{TaskID: r.TaskID, Op: OpCancel}
			return true
		case unsure:
			// The coordinators must know who will come: it stays
			// unconfirmed until it is sure.
			t.text(ja.Task.GoingUnsure)
			return true
		case containsAny(n, goingWords) || bare && yes:
			t.request = &AnswerRequest{TaskID: r.TaskID, Op: OpConfirm}
			return true
		}
	}
	return false
}

// answeredQuestion applies the outcome of OpAsk, OpConfirm or OpComplete to
// the person's state (the ref at i, the record's counters) and words the
// reply.
func answeredQuestion(t *turn, res Result, req *AnswerRequest, out Outcome, ref OfferRef, i int) Result {
	t.out = res.Messages
	if i >= 0 {
		t.conv.Offers = append([]OfferRef(nil), t.conv.Offers...)
	}
	switch req.Op {
	case OpAsk:
		if i >= 0 && out.State == OfferAccepted && ref.Confirm == "" {
			t.conv.Offers[i].Confirm = ConfirmAsked
		}
	case OpConfirm:
		switch {
		case out.State != OfferAccepted:
			t.text(ja.Task.DoneNotYours)
		case out.Started:
			t.text(ja.Task.GoingStarted)
		default:
			if i >= 0 {
				t.conv.Offers[i].Confirm = ConfirmConfirmed
			}
			t.text(ja.Task.GoingThanks)
		}
	case OpComplete:
		switch {
		case out.State != OfferAccepted:
			t.text(ja.Task.DoneNotYours)
		case !out.Started:
			t.text(ja.Task.DoneNotStarted)
		default:
			prev := ref.Result
			if i >= 0 {
				r := req.Result
				t.conv.Offers[i].Result, t.conv.Offers[i].Asked = &r, false
			}
			countResult(res.Profile, prev, req.Result)
			switch {
			case req.Result.Status == NotCompleted:
				t.text(ja.Task.NotDoneReply, kept(commandAction(cmdHandoff).button(ja.HandoffButton)))
			case prev != nil && prev.Status == Completed:
				t.text(fmt.Sprintf(ja.Task.HoursUpdated, formatHours(req.Result.Hours)))
			default:
				t.text(fmt.Sprintf(ja.Task.DoneThanks, formatHours(req.Result.Hours)))
			}
		}
	}
	res.Conv, res.Messages = t.conv, t.out
	return res
}

// countResult moves the person's record from what it counted for a task
// (prev, nil for nothing) to next.
func countResult(p *Profile, prev *TaskResult, next TaskResult) {
	if p == nil {
		return
	}
	if prev != nil && prev.Status == Completed {
		p.Counters.Completed--
		p.Counters.Hours -= prev.Hours
	}
	if next.Status == Completed {
		p.Counters.Completed++
		p.Counters.Hours += next.Hours
	}
	p.Counters.Hours = roundHours(max(p.Counters.Hours, 0))
}

// resultRecorded takes in a result a coordinator recorded for a task the
// person held: their record counts it, silently (a correction is not news
// to the person).
func (t *turn) resultRecorded() {
	r, i := findRef(t.conv.Offers, t.in.Data)
	if t.p == nil || i < 0 || t.in.Result == nil {
		return
	}
	next := *t.in.Result
	countResult(t.p, r.Result, next)
	t.changed = true
	t.conv.Offers = append([]OfferRef(nil), t.conv.Offers...)
	t.conv.Offers[i].Result, t.conv.Offers[i].Asked = &next, false
}

// showRecord shows the person their own record: tasks done and hours.
func (t *turn) showRecord() {
	c := t.p.Counters
	if c.Completed == 0 {
		t.text(ja.Task.RecordNone)
		return
	}
	t.text(ja.Task.RecordTitle + "\n" + fmt.Sprintf(ja.Task.RecordLine, c.Completed, formatHours(c.Hours)))
}

// formatHours writes hours as people read them: 2, 2.5, 1.25.
// formatHours says hours as people say them: 「2時間」「2時間半」
// 「1時間15分」「30分」, not 「1.5時間」.
func formatHours(h float64) string {
	minutes := int(math.Round(h * 60))
	hh, mm := minutes/60, minutes%60
	switch {
	case mm == 0:
		return strconv.Itoa(hh) + "時間"
	case mm == 30 && hh > 0:
		return strconv.Itoa(hh) + "時間半"
	case hh == 0:
		return strconv.Itoa(mm) + "分"
	}
	return fmt.Sprintf("%d時間%d分", hh, mm)
}

// aboutSomethingElse reports a message that, whatever yes or no it holds,
// is not about the task r a question is open for: it names a gathering
// (「交流会は欠席します」) or a day other than r's (「来週の水曜日はお休み
// します」). It is left to the rest of the conversation, which asks before
// it cancels anything.
func (t *turn) aboutSomethingElse(r OfferRef) bool {
	n := jtext.Normalize(t.in.Text)
	for _, w := range gatheringWords {
		if strings.Contains(n, jtext.Normalize(w)) {
			return true
		}
	}
	for _, s := range t.conv.Sessions {
		if !s.Cancelled && t.now.Before(s.End) && namesTitle(n, s.Title) && !namesTitle(n, r.Title) {
			return true
		}
	}
	return (namesADay(t.in.Text) || namesToday(n)) && !namesDay(n, r.Start.In(t.loc()), t.now)
}
