package console

import (
	"net/http"
	"time"

	"tsunagu/bot"
)

// todayDays is how far ahead the today page looks.
const todayDays = 7

type todayPage struct {
	Tasks      []todayTask
	OpenTalks  int
	Broadcasts []*bot.BroadcastView
	Short      int
	// Unconfirmed counts the people, over the tasks listed, who were asked
	// the evening before whether they still come and did not answer.
	Unconfirmed int
	// Notices are the coordinators' notices of the last days, newest
	// first: what changed (a cancellation, a task filled or short,
	// someone who can no longer be reached).
	Notices []bot.Notice
}

// How many of the coordinators' notices, and how old, the first page lists.
const (
	todayNotices    = 10
	todayNoticeDays = 7
)

// todayTask is a task of the next days with who has not said they come:
// a coordinator phones them before the day.
type todayTask struct {
	taskRow
	Unconfirmed, Asked []person
	// Unreachable are people coming who blocked the bot: no reminder or
	// question reaches them, so a coordinator must.
	Unreachable []person
}

// today is the first page: the tasks of the next days with their fill,
// the conversations waiting for an answer and the broadcasts going out.
func (s *server) today(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := s.now()
	tasks, err := s.findTasks(ctx, now.Add(-12*time.Hour), now.AddDate(0, 0, todayDays))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := todayPage{}
	for _, t := range tasks {
		if t.Status == bot.TaskCancelled || t.End.Before(now) {
			continue
		}
		tt := todayTask{taskRow: t, Unconfirmed: s.names(ctx, t.Unconfirmed), Asked: s.names(ctx, t.Asked)}
		for _, p := range s.names(ctx, t.Accepted) {
			if p.Unreachable {
				tt.Unreachable = append(tt.Unreachable, p)
			}
		}
		page.Tasks = append(page.Tasks, tt)
		page.Unconfirmed += len(t.Unconfirmed)
		if t.Filled < t.Headcount {
			page.Short++
		}
	}
	talks, err := s.talks.FindTalks(ctx, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page.OpenTalks = len(talks)
	bcs, err := s.findBroadcasts(ctx, now.AddDate(0, 0, -7), now.AddDate(0, 1, 0), 50)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, b := range bcs {
		if b.Status == bot.BroadcastScheduled || b.Status == bot.BroadcastSending {
			page.Broadcasts = append(page.Broadcasts, b)
		}
	}
	if s.notices != nil {
		ns, err := s.notices.Notices(ctx, todayNotices)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, n := range ns {
			if n.At.After(now.AddDate(0, 0, -todayNoticeDays)) {
				page.Notices = append(page.Notices, n)
			}
		}
	}
	s.render(w, r, http.StatusOK, "today", ja.TitleToday, page)
}
