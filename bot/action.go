package bot

import (
	"strconv"
	"strings"
)

// Action is what a button carries back when it is tapped: the postback data
// of a LINE button, the value of a Slack one. It travels as a string
// ("offer:accept:<task>", "cmd:delete", "area:setagaya"), so buttons already
// sent, and events in flight, keep working only while String gives the same
// bytes for the same action: change a verb or an op and old buttons go
// stale.
//
// Verb says what the button belongs to: a question of the conversation (its
// stepVerb), a command ("cmd"), the home screen ("home"), or a card about a
// task or a session ("offer", "task", "session"). Op is what it does, or for
// a question the answer it gives (an area or skill ID, a preset, a number).
// ID is the task or session a card's button is about; only cards have one.
type Action struct {
	Verb, Op, ID string
}

// Verbs of the buttons. The questions' verbs are listed in stepVerb.
const (
	verbCmd     = "cmd"
	verbHome    = "home"
	verbOffer   = "offer"
	verbTask    = "task"
	verbSession = "session"

	verbConsent = "consent"
	verbName    = "name"
	verbArea    = "area"
	verbSkill   = "skill"
	verbAvail   = "avail"
	verbLimit   = "limit"
	verbConfirm = "confirm"
	verbEdit    = "edit"
	verbDelete  = "delete"
)

// Ops shared by several verbs or read by the conversation.
const (
	opYes    = "yes"
	opNo     = "no"
	opCancel = "cancel"
	opEdit   = "edit"
	opDone   = "done"
	opList   = "list"
	// opRemove, before a skill's ID, takes it off the list being edited.
	opRemove    = "remove."
	opSuggested = "suggested"
	opWhy       = "why"
	opCancelYes = "cancelyes"
	opKeep      = "keep"
	opGoing     = "going"
	opNotGoing  = "notgoing"
	opNotDone   = "notdone"
	// opAcceptOver takes an offer past the person's weekly limit, once
	// they were told (see keepWithinLimit).
	opAcceptOver = "acceptover"
	// The ops of a series card, whose ID is the series.
	opAcceptAll  = "acceptall"
	opDeclineAll = "declineall"
	opChoose     = "choose"
)

// cardVerb reports whether a verb's buttons name a task or a session after
// the op. The answers to questions are read whole: an area ID or a preset
// may hold a colon.
func cardVerb(verb string) bool {
	return verb == verbOffer || verb == verbTask || verb == verbSession
}

// String encodes the action as button data: "verb:op", and ":id" after it
// when the action names a task or session. An action without an op or ID
// is its verb alone.
func (a Action) String() string {
	switch {
	case a.ID != "":
		return a.Verb + ":" + a.Op + ":" + a.ID
	case a.Op != "":
		return a.Verb + ":" + a.Op
	}
	return a.Verb
}

// ParseAction decodes button data. It is total: data no button carries
// (an old or forged postback) still gives an action, whose verb or op the
// conversation does not know and answers as a stale button. The verb is
// what comes before the first colon (all of data without one); for a card
// verb the op ends at the next colon and the ID is the rest; for any other
// verb the op is the whole rest. ParseAction(s).String() is s, but for
// trailing colons that it may drop ("offer:accept:" is "offer:accept").
func ParseAction(data string) Action {
	verb, rest, _ := strings.Cut(data, ":")
	if !cardVerb(verb) {
		return Action{Verb: verb, Op: rest}
	}
	op, id, _ := strings.Cut(rest, ":")
	return Action{Verb: verb, Op: op, ID: id}
}

// button is a button with this action.
func (a Action) button(label string) Choice { return Choice{Label: label, Data: a.String()} }

// OfferAccept, OfferDecline and OfferWhy are the buttons of an offer card.
func OfferAccept(taskID string) Action  { return offerAnswer(OpAccept, taskID) }
func OfferDecline(taskID string) Action { return offerAnswer(OpDecline, taskID) }
func OfferWhy(taskID string) Action     { return Action{Verb: verbOffer, Op: opWhy, ID: taskID} }

// OfferAcceptOver takes an offer all the same after the person was told it
// goes past their weekly limit.
func OfferAcceptOver(taskID string) Action {
	return Action{Verb: verbOffer, Op: opAcceptOver, ID: taskID}
}

// offerAnswer accepts (OpAccept) or declines (OpDecline) an offer.
func offerAnswer(op AnswerOp, taskID string) Action {
	return Action{Verb: verbOffer, Op: string(op), ID: taskID}
}

// TaskCancel asks to give up an accepted task; TaskCancelYes confirms it and
// TaskKeep keeps the place.
func TaskCancel(taskID string) Action    { return Action{Verb: verbTask, Op: opCancel, ID: taskID} }
func TaskCancelYes(taskID string) Action { return Action{Verb: verbTask, Op: opCancelYes, ID: taskID} }
func TaskKeep(taskID string) Action      { return Action{Verb: verbTask, Op: opKeep, ID: taskID} }

// OfferAcceptSeries, OfferChooseDates and OfferDeclineSeries are the
// buttons of a weekly series' card.
func OfferAcceptSeries(series string) Action {
	return Action{Verb: verbOffer, Op: opAcceptAll, ID: series}
}
func OfferChooseDates(series string) Action { return Action{Verb: verbOffer, Op: opChoose, ID: series} }
func OfferDeclineSeries(series string) Action {
	return Action{Verb: verbOffer, Op: opDeclineAll, ID: series}
}

// TaskGoing and TaskNotGoing answer the day-before question; TaskDone and
// TaskNotDone the question after the task.
func TaskGoing(taskID string) Action    { return Action{Verb: verbTask, Op: opGoing, ID: taskID} }
func TaskNotGoing(taskID string) Action { return Action{Verb: verbTask, Op: opNotGoing, ID: taskID} }
func TaskDone(taskID string) Action     { return Action{Verb: verbTask, Op: opDone, ID: taskID} }
func TaskNotDone(taskID string) Action  { return Action{Verb: verbTask, Op: opNotDone, ID: taskID} }

// SessionRSVP answers an invitation: answer is RSVPYes or RSVPNo.
func SessionRSVP(answer, sessionID string) Action {
	return Action{Verb: verbSession, Op: answer, ID: sessionID}
}

// commandAction runs a command, as typing it would.
func commandAction(cmd command) Action { return Action{Verb: verbCmd, Op: string(cmd)} }

// ShowProfileData is the data of the menu's 登録内容 button, which has the
// bot send the person their profile card: for a platform command that
// asks the same outside the chat (Slack's `/tsunagu profile`).
func ShowProfileData() string { return commandAction(cmdProfile).String() }

// homeAction is a button of the home screen (HomeJoin, HomeEdit,
// HomeDelete).
func homeAction(op string) Action { return Action{Verb: verbHome, Op: op} }

// answerAction answers the question of a step: a yes or no, a keyword
// (opDone, opCancel ...) or a value.
func answerAction(step Step, op string) Action { return Action{Verb: stepVerb[step], Op: op} }

// limitAction answers the weekly limit question with n.
func limitAction(n int) Action { return answerAction(StepLimit, strconv.Itoa(n)) }
