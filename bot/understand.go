package bot

import (
	"regexp"
	"strings"

	"tsunagu/bot/avail"
	"tsunagu/bot/jtext"
)

// Understanding is what one message says, read for the step it answers.
// One message may answer several questions (「世田谷で、平日の午前に採点が
// できます」); the conversation fills every one it can.
type Understanding struct {
	// Command is a request that takes precedence over any answer.
	Command command
	Name    string
	Area    string
	// Skills are offered; NotSkills the sentence says the person cannot
	// do (「運転はできません」).
	Skills, NotSkills []string
	// Done says the list of skills is finished (「以上です」).
	Done bool
	Week avail.Reading
	// WeekErr is a time the person wrote that cannot be (「15時〜10時」).
	WeekErr error
	// Limit is the weekly limit; LimitLow says it is the lower of two
	// numbers the person hesitated between (「二、三回」).
	Limit    int
	LimitLow bool
	// Answered says Yes is a yes/no answer.
	Yes, Answered bool
}

// Found reports whether the message answered anything of the profile.
func (u Understanding) Found() bool {
	return u.Name != "" || u.Area != "" || len(u.Skills) > 0 || len(u.NotSkills) > 0 ||
		!u.Week.IsZero() || u.Limit > 0
}

// maxUnderstood bounds the message read, in bytes: a reply, not a letter.
const maxUnderstood = 1200

// weeklyCount finds a weekly limit said outside the limit question:
// 「週に2回」「週１件」.
var weeklyCount = regexp.MustCompile(`(週|月)(に|で)?(\d+|[一二三四五六七八九十]+)([、,~か]\s*(\d+|[一二三四五六七八九十]+))?(回|件)|(up to |about )?\d+ (a|per) week|(once|twice) a week`)

// Understand reads a message written at a step. Commands come first when the
// whole message is one (「退会」) or the step expects no free answer; then the
// step's own question and every other question of the profile the message
// also answers; then commands written as requests (「今月はお休みさせて
// ください」). It is pure and total.
func Understand(cat *Catalog, step Step, text string) Understanding {
	var u Understanding
	if len(text) > maxUnderstood {
		text = text[:maxUnderstood]
	}
	if cmd, ok := lookupCommand(text); ok {
		u.Command = cmd
		return u
	}
	switch step {
	case StepIdle, StepConfirm, StepConsent, StepDeleteConfirm, StepCancelTask:
		cmd, isCmd := intentOf(text)
		if isCmd && !(step == StepDeleteConfirm && cmd == cmdDelete) {
			u.Command = cmd
			if step == StepDeleteConfirm && cmd == cmdPause {
				// 「しばらく休むだけにしたいです」 keeps the registration.
				u.Answered = true
			}
			return u
		}
		if step == StepDeleteConfirm {
			u.Yes, u.Answered = withdrawalAnswer(text)
			if u.Answered && !u.Yes && mentionsIntent(jtext.Normalize(text), cmdPause) {
				u.Command = cmdPause // what answerDelete does next
			}
			return u
		}
		u.Yes, u.Answered = jtext.Answer(text)
		if step == StepIdle && jtext.Refuses(text) {
			u.Yes, u.Answered = false, true // as idleText reads it
		}
		return u
	}
	rest := text
	if step == StepName {
		u.Name, rest = jtext.Name(text)
		if u.Name != "" && ValidateName(u.Name) != nil {
			u.Name = ""
		}
	}
	u.readProfile(cat, step, rest)
	if !u.Found() && !u.Done {
		if cmd, ok := intentOf(text); ok {
			return Understanding{Command: cmd}
		}
		if step == StepSkills {
			// Only a plain 「いいえ」 to 「ほかにもありますか」 answers here.
			if yes, ok := jtext.YesNo(text); ok && !yes {
				u.Answered = true
			}
		}
	}
	return u
}

// readProfile reads the answers to the profile questions in text.
func (u *Understanding) readProfile(cat *Catalog, step Step, text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	if id, ok := cat.SpotArea(text); ok {
		u.Area = id
	} else if step == StepArea {
		u.Area, _ = cat.FindArea(text)
	}
	u.Skills, u.NotSkills = cat.SpotSkills(stripDone(text))
	if step == StepSkills {
		u.Done = saysDone(text, len(u.Skills)+len(u.NotSkills) > 0)
	}
	u.Week, u.WeekErr = avail.Read(text)
	if step != StepAvailability && !u.Week.Days {
		// 「朝テストの採点」 says nothing about when: outside the
		// availability question, time counts only with days.
		u.Week = avail.Reading{}
	}
	n := jtext.Normalize(text)
	if step == StepLimit {
		u.Limit, u.LimitLow, _ = jtext.Limit(text)
		if u.Limit > 0 {
			// A count answers this question; the days around it (「平日に
			// 2回」) are not a new week.
			u.Week = avail.Reading{}
		}
	} else if m := weeklyCount.FindString(n); m != "" {
		u.Limit, u.LimitLow, _ = jtext.Limit(m)
	}
	if step != StepAvailability && step != StepLimit && u.Week.Free.IsZero() {
		// Only the availability question may rule time out without
		// offering any: elsewhere 「土日はだめ」 is too little to go on.
		u.Week.Except = avail.Week{}
	}
}

// saysDone reports a message that ends the list of skills: 「以上です」
// 「それだけです」「もうありません」.
func saysDone(text string, named bool) bool {
	k := key(text)
	if doneWords[k] {
		return true
	}
	for _, w := range doneSentences {
		if strings.Contains(k, w) {
			return true
		}
	}
	if named {
		// 「Zoomは使ったことがないです」 is about Zoom, not the end.
		return false
	}
	for _, w := range doneWhenAlone {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// stripDone removes the English ends of a list, whose "it" would read as
// IT support: "that's it".
func stripDone(text string) string {
	l := strings.ToLower(text)
	for _, w := range []string{"that's it", "that is it", "that’s it"} {
		if i := strings.Index(l, w); i >= 0 {
			return text[:i] + text[i+len(w):]
		}
	}
	return text
}

// intentOf recognises a command written as a request: 「私の登録って
// どうなってますか」「アカウントを削除したいです」「担当者と話したい」.
func intentOf(text string) (command, bool) {
	n := jtext.Normalize(text)
	if len(n) > maxUnderstood {
		return "", false
	}
	// 「さっきのキャンセルは取り消してください」 holds 「消してください」:
	// taking something back is not deleting.
	n = strings.ReplaceAll(n, jtext.Normalize("取り消"), "とりけ")
	for _, in := range intents {
		for _, w := range in.words {
			if strings.Contains(n, w) {
				if in.cmd == cmdDelete && (aboutAJob(n) || containsAny(n, keepRegistrationWords)) {
					// 「このお仕事はやめたいです」 gives up a job, not the
					// registration: the offer or the place answers it.
					// 「退会はやめて、休止にしてください」 asks for the pause.
					continue
				}
				return in.cmd, true
			}
		}
	}
	return "", false
}

// aboutAJob reports a normalized sentence about a job rather than the
// registration: it names a job (「このお仕事」「その日」「今回」) and not the
// registration, the account or the data.
func aboutAJob(n string) bool {
	for _, w := range registrationWords {
		if strings.Contains(n, w) {
			return false
		}
	}
	for _, w := range jobWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// withoutIntent is text, normalized, without the words that ask for cmd.
func withoutIntent(text string, cmd command) string {
	n := jtext.Normalize(text)
	for _, in := range intents {
		if in.cmd != cmd {
			continue
		}
		for _, w := range in.words {
			n = strings.ReplaceAll(n, w, " ")
		}
	}
	return n
}

// fieldNamed returns the one field a sentence names, if it names one.
func fieldNamed(text string) (Step, bool) {
	n := jtext.Normalize(text)
	found := Step("")
	for _, m := range fieldMentions {
		if strings.Contains(n, m.word) {
			if found != "" && found != m.step {
				return "", false // 「名前と時間」: which first is theirs to say
			}
			found = m.step
			n = strings.ReplaceAll(n, m.word, " ")
		}
	}
	return found, found != ""
}

// mentionsIntent reports whether the normalized sentence n holds a word of
// cmd's, whichever command it would be read as first: 「退会はやめて、
// 休止にしてください」 asks for a pause.
func mentionsIntent(n string, cmd command) bool {
	for _, in := range intents {
		if in.cmd == cmd && containsAny(n, in.words) {
			return true
		}
	}
	return false
}

// isIntent reports whether text asks for cmd, as a request in words.
func isIntent(text string, cmd command) bool {
	got, ok := intentOf(text)
	return ok && got == cmd
}

// aDate finds a particular day in a sentence (「来週の」「明日」「14日」
// 「二十九日」; 「一日」 is as often "one day"), as
// against a day of every week (「月曜」).
var aDate = regexp.MustCompile(`来週|再来週|今週|明日|あした|あす|明後日|あさって|今日|きょう|今度の|\d+日|[二三四五六七八九十][一二三四五六七八九十]*日|\d+/\d+|` +
	// A time of the month or the year is some days, not every week:
	// 「月末はお休みしたいです」 is not a pause for good.
	`月末|月初|月はじめ|年末|年始|正月|お盆|連休|ゴールデンウィーク|来月|再来月`)

// namesADate reports a sentence about a particular day: 「来週の月曜も
// 行けます」 is about one Monday, not every one.
func namesADate(text string) bool { return aDate.MatchString(jtext.Normalize(text)) }

// aWeekday finds a day of the week: 「水曜日」.
var aWeekday = regexp.MustCompile(`[月火水木金土日]曜`)

// namesADay reports a sentence that names a day: a date or a day of the
// week (「来週の水曜日はお休みします」).
func namesADay(text string) bool {
	return namesADate(text) || aWeekday.MatchString(jtext.Normalize(text))
}

// isQuestion reports a sentence that asks: 「…ますか？」「…かな」.
func isQuestion(text string) bool {
	n := strings.TrimRight(jtext.Normalize(text), " 。.!…~")
	return strings.Contains(n, "?") || strings.HasSuffix(n, "か") || strings.HasSuffix(n, "かな")
}

// onlyAcknowledges reports an answer that says the question was read and
// nothing more, 「はい」 before it or not: 「(はい、)わかりました」「了解で
// す」. To a question whose yes deletes or cancels, it is no yes.
func onlyAcknowledges(text string) bool {
	return jtext.Acknowledges(text) || jtext.Acknowledges(strings.TrimPrefix(jtext.Normalize(text), "はい"))
}

// withdrawalAnswer reads an answer to 「退会しますか？」. A sentence about
// withdrawing says yes (「もうやめたいです」) unless the rest of it says no
// (「まだ退会しません」); a question about it (「退会するとどうなります
// か？」) answers nothing and is asked again.
//
// A sentence that takes the withdrawal back says no whatever else it
// holds: 「それなら退会はやめて、休止にしてください」 read as a sentence
// about withdrawing deleted everything. A deletion needs a yes that is
// nothing but a yes.
//
// One that puts it off says no; one that only acknowledges answers
// nothing.
func withdrawalAnswer(text string) (yes, ok bool) {
	switch {
	case jtext.Defers(text):
		return false, true // 「明日の片付けが終わってからにします」: not now
	case onlyAcknowledges(text):
		return false, false
	}
	n := jtext.Normalize(text)
	if containsAny(n, keepRegistrationWords) || mentionsIntent(n, cmdPause) || mentionsIntent(n, cmdEdit) {
		return false, true
	}
	if !isIntent(text, cmdDelete) {
		return jtext.Answer(text)
	}
	if yes, ok = jtext.Answer(withoutIntent(text, cmdDelete)); ok || isQuestion(text) {
		return yes, ok
	}
	return true, true
}
