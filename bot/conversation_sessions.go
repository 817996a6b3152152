package bot

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"tsunagu/bot/jtext"
)

// Limits on what a conversation keeps of sessions.
const (
	sessionMemory  = 24 * time.Hour // after the end
	maxSessionRefs = 30
	// joinWindow is how long before the start 「入れない」 is read as a
	// problem getting into the session.
	joinWindow = 2 * time.Hour
)

// RSVPRequest is an RSVP the conversation wants applied; the Bot applies it
// and completes the result with RSVPAnswered.
type RSVPRequest struct {
	SessionID string
	Answer    string
}

// keepSessions drops sessions a day after they ended and caps the list. A
// session the person said they will join, not yet ended, is never dropped:
// it carries their reminders and the way to say they cannot come. Over the
// cap the oldest of the others go first.
func keepSessions(refs []SessionRef, now time.Time) []SessionRef {
	var kept []SessionRef
	others := 0
	for _, r := range refs {
		if r.End.After(now.Add(-sessionMemory)) && !(r.RSVP == RSVPYes && r.End.After(now)) {
			others++
		}
	}
	drop := max(others-maxSessionRefs, 0)
	for _, r := range refs {
		switch {
		case r.RSVP == RSVPYes && r.End.After(now):
			kept = append(kept, r)
		case !r.End.After(now.Add(-sessionMemory)):
		case drop > 0:
			drop--
		default:
			kept = append(kept, r)
		}
	}
	return kept
}

func (t *turn) putSession(ref SessionRef) {
	refs := append([]SessionRef(nil), t.conv.Sessions...)
	if old, i := findSession(refs, ref.SessionID); i >= 0 {
		if ref.RSVP == "" {
			ref.RSVP = old.RSVP
		}
		ref.Cancelled = ref.Cancelled || old.Cancelled
		refs = append(refs[:i], refs[i+1:]...)
	}
	t.conv.Sessions = keepSessions(append(refs, ref), t.now)
}

// invited records an invitation and shows its card.
func (t *turn) invited() {
	ref := t.in.Session
	if ref == nil || t.p == nil || t.p.Status != StatusActive || !t.now.Before(ref.Start) {
		return
	}
	if old, i := findSession(t.conv.Sessions, ref.SessionID); i >= 0 && old.Cancelled {
		return
	}
	t.putSession(*ref)
	if t.conv.Step == StepCancelTask {
		// As with an offer card: a 「はい」 next answers the invitation.
		t.conv.endDetour()
	}
	t.say(t.inviteCard(*ref))
}

func (t *turn) inviteCard(ref SessionRef) Message {
	return Message{Card: &Card{
		Title:  ref.Title,
		Body:   ja.Session.InviteBody,
		Fields: t.inviteFields(ref),
		Buttons: []Choice{
			SessionRSVP(RSVPYes, ref.SessionID).button(ja.Session.Join),
			SessionRSVP(RSVPNo, ref.SessionID).button(ja.Session.NotJoin),
		},
	}}
}

func (t *turn) sessionFields(r SessionRef) []Field {
	f := t.inviteFields(r)
	if r.URL != "" {
		f = append(f, Field{Label: ja.Session.FieldURL, Value: r.URL})
	}
	return f
}

// inviteFields are a session's when and, if it has a description, what it
// is about: a title alone (「オンライン説明会」) does not say.
func (t *turn) inviteFields(r SessionRef) []Field {
	f := []Field{{Label: ja.Task.FieldWhen, Value: FormatSpanJA(r.Start, r.End, t.loc())}}
	if r.Summary != "" {
		f = append(f, Field{Label: ja.Task.FieldWhat, Value: r.Summary})
	}
	return f
}

// sessionReminder reminds an attendee, with the URL.
func (t *turn) sessionReminder() {
	ref := t.in.Session
	if ref == nil || t.p == nil || !t.now.Before(ref.End) {
		return
	}
	if old, i := findSession(t.conv.Sessions, ref.SessionID); i >= 0 && (old.RSVP == RSVPNo || old.Cancelled) {
		// Claimed just before the person said no, or before the session
		// was called off: they are not coming.
		return
	}
	r := *ref
	r.RSVP = RSVPYes
	t.putSession(r)
	t.say(Message{Card: &Card{
		Title:  ref.Title,
		Body:   fmt.Sprintf(ja.Session.ReminderBody, quoteJA(ref.Title), t.startsJA(ref.Start)),
		Fields: t.sessionFields(r),
		Buttons: []Choice{
			SessionRSVP(RSVPNo, ref.SessionID).button(ja.Session.NotJoin),
		},
	}})
}

// startsJA says when something starts as seen from now: 「きょう 19:00か
// ら」「あした 19:00から」, else its date (「12月10日(木) 19:00から」).
// 「始まる1日前」 left the person to work out which day that was.
func (t *turn) startsJA(start time.Time) string {
	s, now := start.In(t.loc()), t.now.In(t.loc())
	day := fmt.Sprintf("%d月%d日(%s)", s.Month(), s.Day(), weekdaysJA[s.Weekday()])
	switch {
	case sameDay(s, now):
		day = ja.Session.Today
	case sameDay(s, now.AddDate(0, 0, 1)):
		day = ja.Session.Tomorrow
	}
	return fmt.Sprintf("%s %d:%02dから", day, s.Hour(), s.Minute())
}

// quoteJA puts a title in 「」, its own 「」 becoming 『』 as Japanese
// writes quotes within quotes (「「…「…」」」 nested three deep).
func quoteJA(title string) string {
	return "「" + strings.NewReplacer("「", "『", "」", "』").Replace(title) + "」"
}

// calledOff tells an attendee that the session was called off; it takes
// no answer from then on.
func (t *turn) calledOff() {
	ref := t.in.Session
	if ref == nil || t.p == nil {
		return
	}
	t.markCalledOff(*ref)
	t.text(fmt.Sprintf(ja.Session.CalledOff, ref.Title, FormatSpanJA(ref.Start, ref.End, t.loc())))
}

func (t *turn) markCalledOff(ref SessionRef) {
	ref.Cancelled = true
	t.putSession(ref)
}

// SessionCalledOff words the answer to an RSVP given to a session that was
// called off, and records it as such in the person's state.
func SessionCalledOff(now time.Time, res Result, ref SessionRef) Result {
	t := &turn{now: now, conv: res.Conv, out: res.Messages}
	t.markCalledOff(ref)
	t.text(fmt.Sprintf(ja.Session.CalledOffAnswer, ref.Title, FormatSpanJA(ref.Start, ref.End, t.loc())))
	res.Conv, res.Messages, res.RSVP = t.conv, t.out, nil
	return res
}

// sessionButton handles 参加する / 参加しない.
func (t *turn) sessionButton(a Action) {
	ans, id := a.Op, a.ID
	ref, i := findSession(t.conv.Sessions, id)
	if i < 0 || (ans != RSVPYes && ans != RSVPNo) {
		t.text(ja.Session.NotFound)
		return
	}
	if ref.Cancelled {
		t.text(fmt.Sprintf(ja.Session.CalledOffAnswer, ref.Title, FormatSpanJA(ref.Start, ref.End, t.loc())))
		return
	}
	if ans == RSVPYes && ref.RSVP == RSVPYes {
		// A second tap of 「参加する」: said so, not the whole card again.
		t.text(fmt.Sprintf(ja.Session.AlreadyJoined, ref.Title))
		return
	}
	t.rsvp = &RSVPRequest{SessionID: id, Answer: ans}
}

// pendingInvites are invitations not answered, soonest first.
func (t *turn) pendingInvites() []SessionRef {
	var out []SessionRef
	for _, r := range t.conv.Sessions {
		if r.RSVP == "" && !r.Cancelled && t.now.Before(r.Start) {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out
}

// answerInvite reads a yes or no typed to the invitations when no offer
// awaits an answer; it reports whether it did. A maybe (「行けたら行き
// ます」) shows the invitations again, to answer with their buttons.
func (t *turn) answerInvite(yes bool) bool {
	pending := t.pendingInvites()
	if n := jtext.Normalize(t.in.Text); namesADay(t.in.Text) || namesToday(n) {
		// 「今夜は行けなくなりました」 is about tonight: an invitation to
		// Saturday is not what it answers.
		var that []SessionRef
		for _, r := range pending {
			if namesDay(n, r.Start.In(t.loc()), t.now) {
				that = append(that, r)
			}
		}
		pending = that
	}
	if len(pending) > 1 && speaksOfAll(t.in.Text) {
		// 「どちらも参加します」: each card, to answer each; asking
		// 「どの集まりですか」 again would go round in circles.
		t.text(ja.Session.AnswerEach)
		for _, r := range pending {
			t.say(t.inviteCard(r))
		}
		return true
	}
	if len(pending) > 0 && yes && (jtext.Hedged(t.in.Text) || jtext.Acknowledges(t.in.Text)) {
		// A maybe, or 「了解です」 that may answer an announcement sent
		// since: the cards, to say yes on.
		t.text(ja.Session.ConfirmJoin)
		for _, r := range pending {
			t.say(t.inviteCard(r))
		}
		return true
	}
	return t.rsvpOneOf(yes, pending)
}

// rsvpOneOf answers yes or no to the one session of refs, or asks which
// with a button each; it reports whether there was any.
func (t *turn) rsvpOneOf(yes bool, refs []SessionRef) bool {
	switch len(refs) {
	case 0:
		return false
	case 1:
		ans := RSVPNo
		if yes {
			ans = RSVPYes
		}
		t.rsvp = &RSVPRequest{SessionID: refs[0].SessionID, Answer: ans}
	default:
		var ch []Choice
		for _, r := range refs {
			ch = append(ch, rsvpButton(yes, r))
		}
		t.text(ja.Session.WhichRSVP, ch...)
	}
	return true
}

// rsvpButton is the button answering yes or no to a session, saying what
// it answers as well as which: a title alone hid that 「つなぐ説明会」
// meant 「参加しない」.
func rsvpButton(yes bool, r SessionRef) Choice {
	if yes {
		return SessionRSVP(RSVPYes, r.SessionID).button(ja.Session.Join + "：" + r.Title)
	}
	return SessionRSVP(RSVPNo, r.SessionID).button(ja.Session.NotJoin + "：" + r.Title)
}

// cannotJoin answers 「入れない」 around a session the person is attending:
// the coordinators are told and the URL is sent again.
func (t *turn) cannotJoin() {
	var best *SessionRef
	for i := range t.conv.Sessions {
		r := &t.conv.Sessions[i]
		if r.RSVP == RSVPYes && !r.Cancelled && t.now.After(r.Start.Add(-joinWindow)) && t.now.Before(r.End) {
			if best == nil || r.Start.Before(best.Start) {
				best = r
			}
		}
	}
	if best == nil {
		t.text(ja.Session.NoSessionNow)
		return
	}
	ref := *best
	t.cannot = &ref
	t.text(fmt.Sprintf(ja.Session.CannotJoinReply, ref.URL))
}

// RSVPAnswered records an applied RSVP in the person's state and words the
// reply. offsets are the session's reminders, to say when they come.
func RSVPAnswered(now time.Time, res Result, offsets []time.Duration) Result {
	req := res.RSVP
	t := &turn{now: now, conv: res.Conv, out: res.Messages}
	ref, i := findSession(t.conv.Sessions, req.SessionID)
	if i >= 0 {
		ref.RSVP = req.Answer
		t.putSession(ref)
	}
	if req.Answer == RSVPYes {
		var when []string
		for _, o := range offsets {
			if w := offsetJA(o.String()); w != "" && ref.Start.Add(-o).After(now) {
				when = append(when, w)
			}
		}
		body := ref.Title + "\n" + ja.Session.JoinedNoReminder
		if len(when) > 0 {
			body = ref.Title + "\n" + fmt.Sprintf(ja.Session.JoinedBody, strings.Join(when, "と"))
		}
		t.say(Message{Card: &Card{
			Title:   ja.Session.JoinedTitle,
			Body:    body,
			Fields:  t.sessionFields(ref),
			Buttons: []Choice{SessionRSVP(RSVPNo, ref.SessionID).button(ja.Session.NotJoin)},
		}})
	} else {
		t.text(fmt.Sprintf(ja.Session.NotJoining, ref.Title))
	}
	res.Conv, res.Messages, res.RSVP = t.conv, t.out, nil
	return res
}

// gatheringWords name a session without its title: 「交流会は欠席します」.
var gatheringWords = []string{"交流会", "説明会", "集まり", "あつまり", "講座", "教室", "セミナー", "勉強会", "相談会", "懇親会", "新年会", "忘年会"}

// answerNamedSession answers a yes or no that names a session the person
// was invited to or joins, by its title (or a word of it), its day, or a
// word for a gathering when one session alone can be meant: 「説明会は
// 参加します」「やっぱりスマホ教室は行けなくなりました」. A session named
// only by a day some task of tasks is on too is left to the tasks. A
// question about a named session (「スマホ教室はいつでしたか」) is
// answered with its card. It reports whether it answered.
func (t *turn) answerNamedSession(yes, isAnswer bool, pending, upcoming []OfferRef) bool {
	tasks := append(pending[:len(pending):len(pending)], upcoming...)
	var refs []SessionRef
	for _, r := range t.conv.Sessions {
		if !r.Cancelled && t.now.Before(r.End) {
			refs = append(refs, r)
		}
	}
	if len(refs) == 0 {
		return false
	}
	n := jtext.Normalize(t.in.Text)
	gathering := false
	var withWord []SessionRef // the sessions whose title holds the word said
	naming := t.in.Text       // what names one session beyond the word
	for _, w := range gatheringWords {
		if w := jtext.Normalize(w); strings.Contains(n, w) {
			gathering = true
			naming = strings.ReplaceAll(jtext.Normalize(naming), w, " ")
			for _, r := range refs {
				if _, at := findSession(withWord, r.SessionID); at < 0 && strings.Contains(jtext.Normalize(r.Title), w) {
					withWord = append(withWord, r)
				}
			}
		}
	}
	if len(withWord) > 0 {
		// 「交流会に参加します」 is about 「シニアのオンライン交流会」,
		// not about 「スマホ教室」.
		refs = withWord
	}
	asRefs := make([]OfferRef, len(refs))
	for i, r := range refs {
		asRefs[i] = OfferRef{TaskID: r.SessionID, Title: r.Title, Start: r.Start, End: r.End}
	}
	// 「交流会」 in two titles names neither: only what else is said can.
	i := namedOffer(asRefs, naming, t.now)
	byTitle := i >= 0 && namesTitle(n, refs[i].Title)
	taskByTitle := false
	for _, r := range tasks {
		taskByTitle = taskByTitle || namesTitle(n, r.Title)
	}
	switch {
	case taskByTitle:
		return false // 「パソコン教室の補助をやります」 is the job's
	case i >= 0 && !byTitle && !gathering && namedOffer(tasks, t.in.Text, t.now) >= 0:
		return false // 「14日は行けません」 with a job and a session that day
	case i < 0 && gathering && len(refs) == 1:
		i = 0
	case i < 0 && gathering && isAnswer:
		// 「交流会は欠席します」 with two gatherings: which, never an offer.
		t.askWhichSession(refs, yes, nil)
		return true
	case i < 0 && isAnswer && len(pending) > 0 && len(t.pendingInvites()) > 0 && speaksOfJoining(n):
		// 「はい参加させていただきます」 with an invitation and an offer
		// waiting: which of them, by their buttons.
		t.askWhichSession(t.pendingInvites(), yes, pending)
		return true
	case i < 0:
		return false
	}
	ref := refs[i]
	switch {
	case !isAnswer && isQuestion(t.in.Text):
		t.say(Message{Card: &Card{Title: ref.Title, Body: ja.Session.AskedAbout, Fields: t.sessionFields(ref),
			Buttons: t.sessionButtons(ref)}})
	case !isAnswer:
		return false
	case yes && jtext.Hedged(t.in.Text):
		t.text(ja.Session.ConfirmJoin)
		t.say(t.inviteCard(ref))
	case yes && ref.RSVP == RSVPYes:
		t.text(fmt.Sprintf(ja.Session.AlreadyJoined, ref.Title))
	case !yes && ref.RSVP == RSVPNo:
		t.text(fmt.Sprintf(ja.Session.AlreadyNotJoining, ref.Title), SessionRSVP(RSVPYes, ref.SessionID).button(ja.Session.Join))
	case yes:
		t.rsvp = &RSVPRequest{SessionID: ref.SessionID, Answer: RSVPYes}
	default:
		t.rsvp = &RSVPRequest{SessionID: ref.SessionID, Answer: RSVPNo}
	}
	return true
}

// sessionButtons are the answers a session's card offers: the other one
// than the person gave.
func (t *turn) sessionButtons(ref SessionRef) []Choice {
	switch ref.RSVP {
	case RSVPYes:
		return []Choice{SessionRSVP(RSVPNo, ref.SessionID).button(ja.Session.NotJoin)}
	case RSVPNo:
		return []Choice{SessionRSVP(RSVPYes, ref.SessionID).button(ja.Session.Join)}
	}
	return []Choice{SessionRSVP(RSVPYes, ref.SessionID).button(ja.Session.Join), SessionRSVP(RSVPNo, ref.SessionID).button(ja.Session.NotJoin)}
}

// resendSessionLink shows the soonest session the person joins that has a
// link, with it; it reports whether there was one.
func (t *turn) resendSessionLink() bool {
	var best *SessionRef
	for i := range t.conv.Sessions {
		r := &t.conv.Sessions[i]
		if r.RSVP == RSVPYes && !r.Cancelled && r.URL != "" && t.now.Before(r.End) && (best == nil || r.Start.Before(best.Start)) {
			best = r
		}
	}
	if best == nil {
		return false
	}
	t.say(Message{Card: &Card{Title: best.Title, Body: ja.Session.LinkAgain, Fields: t.sessionFields(*best),
		Buttons: t.sessionButtons(*best)}})
	return true
}

// speaksOfAll reports an answer about all of several things: 「どちらも」
// 「両方」「全部」.
func speaksOfAll(text string) bool {
	n := jtext.Normalize(text)
	for _, w := range []string{"どちらも", "どっちも", "両方", "りょうほう", "全部", "ぜんぶ", "すべて", "全て"} {
		if strings.Contains(n, jtext.Normalize(w)) {
			return true
		}
	}
	return false
}

// askWhichSession asks which session (or offer) an answer is for, with the
// answer's button for each session not already answered so, soonest
// first, then each offer's.
func (t *turn) askWhichSession(refs []SessionRef, yes bool, offers []OfferRef) {
	ans, op := RSVPNo, OpDecline
	if yes {
		ans, op = RSVPYes, OpAccept
	}
	refs = slices.Clone(refs)
	sort.SliceStable(refs, func(i, j int) bool { return refs[i].Start.Before(refs[j].Start) })
	var ch []Choice
	for _, r := range refs {
		if r.RSVP != ans {
			ch = append(ch, SessionRSVP(ans, r.SessionID).button(r.Title))
		}
	}
	for _, r := range offers {
		ch = append(ch, offerAnswer(op, r.TaskID).button(choiceLabel(r, t.loc())))
	}
	if len(ch) == 0 {
		t.text(fmt.Sprintf(ja.Session.AlreadyJoined, refs[0].Title))
		return
	}
	t.text(ja.Session.WhichRSVP, ch...)
}

// speaksOfJoining reports the words of an answer to an invitation:
// 「参加」「出席」「欠席」.
func speaksOfJoining(n string) bool {
	return strings.Contains(n, "参加") || strings.Contains(n, "出席") || strings.Contains(n, "欠席")
}
