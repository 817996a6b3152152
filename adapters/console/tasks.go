package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"tsunagu/bot"
	"tsunagu/bot/jtext"
)

// Kinds of what an organization makes, in the index of who made what and
// the audit log. The playground's demo world files its tasks and sessions
// under them too (Accounts.RecordMade), as its coordinator's.
const (
	KindTask      = "task"
	KindSession   = "session"
	KindBroadcast = "broadcast"
)

func (s *server) taskRoutes(route func(string, http.HandlerFunc)) {
	route("GET "+Prefix+"tasks", s.taskList)
	route("GET "+Prefix+"tasks/new", s.taskNew)
	route("POST "+Prefix+"tasks", s.taskCreate)
	route("GET "+Prefix+"tasks/{id}", s.taskShow)
	route("GET "+Prefix+"tasks/{id}/fill", s.taskFill)
	route("GET "+Prefix+"tasks/{id}/edit", s.taskEditForm)
	route("POST "+Prefix+"tasks/{id}/edit", s.taskEdit)
	route("GET "+Prefix+"tasks/{id}/cancel", s.taskCancelConfirm)
	route("POST "+Prefix+"tasks/{id}/cancel", s.taskCancel)
	if s.offers != nil {
		route("POST "+Prefix+"tasks/{id}/offers", s.taskOffer)
	}
	if s.outcomes != nil {
		route("POST "+Prefix+"tasks/{id}/completions", s.taskCompletion)
	}
}

// mine checks that the account may see something: an admin anything, a
// coordinator what their organization made through the console and, for
// tasks, those no organization owns (seesTask). Anything else is
// ENOTFOUND, as if it did not exist.
func (s *server) mine(ctx context.Context, kind, id string) error {
	a := accountOf(ctx)
	org, err := s.accounts.Owner(ctx, kind, id)
	if bot.ErrorCode(err) == bot.ENOTFOUND && (a.Admin || kind == KindTask) {
		return nil // made through the API, Slack or the chat
	}
	if err != nil {
		return err
	}
	if !a.Admin && org != a.Org {
		return bot.Errorf(bot.ENOTFOUND, "%s %s belongs to another organization", kind, id)
	}
	return nil
}

// seesTask is who sees a task: an admin every task; a coordinator their
// organization's tasks and those no organization owns (owned false: posted
// through the API, Slack or the chat rather than the console). In a small
// program those are work every coordinator shares, and hiding them would
// hide most of the work; another organization's tasks stay its own.
func (a *account) seesTask(owner string, owned bool) bool {
	return a.Admin || !owned || owner == a.Org
}

// taskRow is a task with its fill, for lists.
type taskRow struct {
	*bot.TaskView
	Filled, Percent int
}

func fillOf(v *bot.TaskView) taskRow {
	// Someone who did the task and then deleted their data is still one
	// of those who came (TaskView.Departed), and the fill agrees with the
	// report.
	filled := len(v.Accepted) + v.Departed
	return taskRow{TaskView: v, Filled: filled, Percent: percent(filled, v.Headcount)}
}

// findTasks lists the tasks starting on the days of from..to (in the
// service zone) that the account sees, soonest first: every task the task
// service has, wherever it was made, filtered by seesTask.
func (s *server) findTasks(ctx context.Context, from, to time.Time) ([]taskRow, error) {
	views, err := s.tasks.ListTasks(ctx, from.In(s.loc).Format(time.DateOnly), to.In(s.loc).Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	a := accountOf(ctx)
	var owners map[string]string
	if !a.Admin {
		ids := make([]string, len(views))
		for i, v := range views {
			ids[i] = v.ID
		}
		if owners, err = s.accounts.Owners(ctx, KindTask, ids); err != nil {
			return nil, err
		}
	}
	out := make([]taskRow, 0, len(views))
	for _, v := range views {
		if org, owned := owners[v.ID]; a.seesTask(org, owned) {
			out = append(out, fillOf(v))
		}
	}
	return out, nil
}

type taskListPage struct {
	Upcoming, Past []taskRow
}

// The tasks page lists the coming tasks (those started less than half a
// day ago too) and the past ones of the last 90 days, the newest first.
const (
	maxUpcoming = 200
	maxPast     = 50
	pastDays    = 90
)

func (s *server) taskList(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	tasks, err := s.findTasks(r.Context(), now.AddDate(0, 0, -pastDays), now.AddDate(1, 0, 0))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var page taskListPage
	split := now.Add(-12 * time.Hour)
	for _, t := range tasks {
		if t.Start.Before(split) {
			page.Past = append(page.Past, t)
		} else if len(page.Upcoming) < maxUpcoming {
			page.Upcoming = append(page.Upcoming, t)
		}
	}
	reverse(page.Past) // newest first
	if len(page.Past) > maxPast {
		page.Past = page.Past[:maxPast]
	}
	s.render(w, r, http.StatusOK, "tasks", ja.TitleTasks, page)
}

func reverse[T any](s []T) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

type taskFormPage struct {
	Form   formValues
	Errors []formError
}

// ErrorFor is the message about one field, shown beside it ("" if none).
func (p taskFormPage) ErrorFor(field string) string {
	for _, e := range p.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

func (s *server) taskNew(w http.ResponseWriter, r *http.Request) {
	a := accountOf(r.Context())
	form := url.Values{"organization": {a.Org}, "headcount": {"1"}, "start": {"09:00"}, "end": {"12:00"},
		"date": {s.now().In(s.loc).AddDate(0, 0, 7).Format("2006-01-02")}}
	s.render(w, r, http.StatusOK, "task_new", ja.TitleTaskNew, taskFormPage{Form: formValues{form}})
}

// taskFromForm reads the one task form.
func (s *server) taskFromForm(form url.Values) (*bot.Task, []formError) {
	var errs []formError
	t := &bot.Task{
		Title:        strings.TrimSpace(form.Get("title")),
		Description:  strings.TrimSpace(form.Get("description")),
		Organization: strings.TrimSpace(form.Get("organization")),
		Skills:       nonEmpty(form["skill"]),
		Reward:       strings.TrimSpace(form.Get("reward")),
	}
	if area := form.Get("area"); area == "remote" {
		t.Remote = true
	} else {
		t.Area = area
	}
	start, ok1 := s.formDate(form.Get("date"), form.Get("start"))
	end, ok2 := s.formDate(form.Get("date"), form.Get("end"))
	switch {
	case strings.TrimSpace(form.Get("date")) == "":
		errs = append(errs, formError{"date", ja.DateMissing})
	case !ok1 || !ok2:
		errs = append(errs, formError{"start", ja.TimeMissing})
	}
	if len(t.Skills) == 0 {
		// The form says 「1つ以上」: a task with none is offered to
		// everyone in the area, which a coordinator who forgot to tick
		// one did not mean.
		errs = append(errs, formError{"skill", ja.SkillsMissing})
	}
	t.Start, t.End = start, end
	t.Headcount, _ = formInt(form.Get("headcount"))
	return t, errs
}

// taskCreate posts the task, or a weekly series of it when 「毎週くり
// 返す」 is checked: one task per week up to 「いつまで」, each with its
// own places and fill (bot.TaskService.CreateSeries). The page shown next
// is the first date's, which lists every date of the series.
func (s *server) taskCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := s.submitOnce(w, r, Prefix+"tasks")
	if sub == nil {
		return
	}
	defer sub.finish(r)
	a := accountOf(ctx)
	t, errs := s.taskFromForm(r.PostForm)
	weekly := r.PostForm.Get("repeat") == "weekly"
	var until time.Time
	if weekly {
		var ok bool
		if until, ok = s.formDate(r.PostForm.Get("until"), "00:00"); !ok {
			errs = append(errs, formError{"repeat.until", ja.UntilMissing})
		}
	}
	if len(errs) == 0 {
		var made []*bot.Task
		var err error
		if weekly {
			made, err = s.tasks.CreateSeries(ctx, t, until)
		} else {
			var one *bot.Task
			if one, err = s.tasks.CreateTask(ctx, t); err == nil {
				made = []*bot.Task{one}
			}
		}
		if err == nil {
			for _, m := range made {
				if err := s.accounts.RecordMade(ctx, KindTask, m.ID, a.Org, m.Start); err != nil {
					s.fail(w, r, err)
					return
				}
			}
			flash := "task"
			if weekly {
				s.audit(ctx, a.ID, "task.series", made[0].SeriesID)
				flash = "series"
			} else {
				s.audit(ctx, a.ID, "task.create", made[0].ID)
			}
			sub.done(w, r, Prefix+"tasks/"+url.PathEscape(made[0].ID), flash)
			return
		}
		if code := bot.ErrorCode(err); code != bot.EUNPROCESSABLE && code != bot.EINVALID {
			s.fail(w, r, err)
			return
		}
		errs = formErrors(err)
	} else {
		// The form's own slips (no date) and the task's (no title, 0
		// people) are shown together, to be corrected at once.
		errs = append(errs, otherFields(formErrors(t.Validate(s.catalog, s.now())), errs)...)
	}
	s.render(w, r, http.StatusUnprocessableEntity, "task_new", ja.TitleTaskNew, taskFormPage{Form: formValues{r.PostForm}, Errors: errs})
}

// otherFields are the errors of more about fields that have none in have;
// a missing date also stands for its times.
func otherFields(more, have []formError) []formError {
	seen := map[string]bool{}
	for _, e := range have {
		seen[e.Field] = true
		if e.Field == "date" || e.Field == "start" {
			seen["start"], seen["end"] = true, true
		}
	}
	var out []formError
	for _, e := range more {
		if !seen[e.Field] {
			out = append(out, e)
		}
	}
	return out
}

// seriesDate is one date of a weekly series, for the task page's list.
type seriesDate struct {
	ID         string
	Start, End time.Time
	Status     bot.TaskStatus
	Filled     int
	Headcount  int
	Current    bool
}

// seriesOf lists the dates of the task's weekly series. A series' tasks
// are numbered from 1 (bot.SeriesSep); a date gone (retention) is skipped,
// and the list ends at the first number missing after this task's.
func (s *server) seriesOf(ctx context.Context, v *bot.TaskView) ([]seriesDate, error) {
	if v.SeriesID == "" {
		return nil, nil
	}
	own, _ := strconv.Atoi(strings.TrimPrefix(v.ID, v.SeriesID+bot.SeriesSep))
	var out []seriesDate
	for i := 1; i <= bot.MaxSeriesDates+1; i++ {
		id := v.SeriesID + bot.SeriesSep + strconv.Itoa(i)
		d, err := s.tasks.FindTask(ctx, id)
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			if i > own {
				break
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, seriesDate{ID: d.ID, Start: d.Start, End: d.End, Status: d.Status,
			Filled: len(d.Accepted), Headcount: d.Headcount, Current: d.ID == v.ID})
	}
	return out, nil
}

// person is a profile ID with the name to show (or the ID, for someone
// who has since deleted their data).
type person struct {
	ID, Name string
	// Gone is someone who did the task and deleted their data since
	// (bot.TaskView.Departed): counted, with no name and no page to link.
	Gone bool
	// Unreachable blocked the bot (or left the Slack workspace): nothing
	// reaches them, reminders and questions included.
	Unreachable bool
}

func (s *server) names(ctx context.Context, ids []string) []person {
	out := make([]person, 0, len(ids))
	for _, id := range ids {
		p := person{ID: id, Name: id}
		if pr, err := s.people.FindProfile(ctx, id); err == nil {
			if pr.Name != "" {
				p.Name = pr.Name
			}
			p.Unreachable = pr.Status == bot.StatusBlocked
		}
		out = append(out, p)
	}
	return out
}

// taskPage is a task's status: who is on it in each state, by name, and
// the forms a coordinator acts with.
type taskPage struct {
	taskRow
	Accepted, Waitlist, Offered, Declined, Expired, Cancelled []person
	// Confirmed said they still come; Unconfirmed were asked the evening
	// before and had not answered 2 hours before the start; Asked may
	// still answer.
	Confirmed, Unconfirmed, Asked []person
	// Done did the task, with their hours; NotDone could not.
	Done    []donePerson
	NotDone []person
	Live    bool
	// Editable is a task not yet begun (its words told the people who
	// came); Cancellable one not yet ended (what was done is the
	// program's record).
	Editable, Cancellable bool

	// CanOffer shows the named-offer form, with the active people not yet
	// on the task; OfferError is why the last offer was refused.
	CanOffer   bool
	Candidates []candidate
	OfferPick  string
	OfferError string
	// Outcomes are the forms recording how it went, one per accepted
	// person, once the task has started; Length is the hours an empty
	// field stands for.
	Outcomes []outcome
	Length   float64
	Errors   []formError
	// Series are the dates of the weekly series the task is one of.
	Series []seriesDate
}

// donePerson is someone who did the task, and for how long.
type donePerson struct {
	person
	Hours float64
}

// candidate is a person the named-offer form offers to pick.
type candidate struct {
	ID, Label string
}

// outcome is one accepted person's row of the outcome form: what is
// recorded, and why the last try was refused.
type outcome struct {
	person
	Status bot.Completion
	Hours  float64
	Error  string
	Typed  string // what was typed, shown again after a refusal
}

func (s *server) loadTask(w http.ResponseWriter, r *http.Request) (*taskPage, bool) {
	ctx := r.Context()
	id := r.PathValue("id")
	if err := s.mine(ctx, KindTask, id); err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	v, err := s.tasks.FindTask(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	p := &taskPage{
		taskRow: fillOf(v), Accepted: s.names(ctx, v.Accepted), Waitlist: s.names(ctx, v.Waitlist),
		Offered: s.names(ctx, v.Offered), Declined: s.names(ctx, v.Declined), Expired: s.names(ctx, v.Expired),
		Cancelled: s.names(ctx, v.Cancelled),
		Confirmed: s.names(ctx, v.Confirmed), Unconfirmed: s.names(ctx, v.Unconfirmed), Asked: s.names(ctx, v.Asked),
		NotDone: s.names(ctx, v.NotCompleted),
		Live:    v.Status == bot.TaskOpen || v.Status == bot.TaskFilled,
		Length:  v.Length(),
	}
	for range v.Departed {
		p.Accepted = append(p.Accepted, person{Name: ja.Departed, Gone: true})
	}
	now := s.now()
	p.Editable, p.Cancellable = p.Live && now.Before(v.Start), p.Live && now.Before(v.End)
	for _, d := range s.names(ctx, v.Completed) {
		p.Done = append(p.Done, donePerson{person: d, Hours: v.Hours[d.ID]})
	}
	for _, h := range v.DepartedHours {
		p.Done = append(p.Done, donePerson{person: person{Name: ja.Departed, Gone: true}, Hours: h})
	}
	if s.offers != nil && v.Status == bot.TaskOpen && now.Before(v.Start) {
		p.CanOffer = true
		if p.Candidates, err = s.candidates(ctx, v); err != nil {
			s.fail(w, r, err)
			return nil, false
		}
	}
	if s.outcomes != nil && !now.Before(v.Start) {
		for _, a := range p.Accepted {
			if a.Gone {
				// No one to record for: what they did is in Done.
				continue
			}
			o := outcome{person: a}
			switch {
			case slices.Contains(v.Completed, a.ID):
				o.Status, o.Hours = bot.Completed, v.Hours[a.ID]
			case slices.Contains(v.NotCompleted, a.ID):
				o.Status = bot.NotCompleted
			}
			p.Outcomes = append(p.Outcomes, o)
		}
	}
	return p, true
}

// candidates are the active people not yet on the task, by name, for the
// named-offer form: a name with the area and channel, so that two people
// of one name can be told apart.
func (s *server) candidates(ctx context.Context, v *bot.TaskView) ([]candidate, error) {
	active, err := s.people.FindProfiles(ctx, bot.ProfileFilter{Status: bot.StatusActive})
	if err != nil {
		return nil, err
	}
	on := map[string]bool{}
	for _, list := range [][]string{v.Accepted, v.Waitlist, v.Offered, v.Declined, v.Expired, v.Cancelled} {
		for _, id := range list {
			on[id] = true
		}
	}
	out := make([]candidate, 0, len(active))
	for _, p := range active {
		if on[p.ID] {
			continue
		}
		name := p.Name
		if name == "" {
			name = ja.NoName
		}
		where := ja.Remote
		if a, ok := s.catalog.Area(p.Area); ok {
			where = a.LabelJA
		}
		out = append(out, candidate{ID: p.ID, Label: fmt.Sprintf("%s（%s・%s）", name, where, label(ja.ChannelLabels, bot.Platform(p.ID)))})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out, nil
}

func (s *server) taskShow(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadTask(w, r)
	if !ok {
		return
	}
	var err error
	if p.Series, err = s.seriesOf(r.Context(), p.TaskView); err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	if flash := q.Get("done"); (flash == "task" || flash == "edited" || flash == "series") && nobodyAsked(p) {
		// 「ご案内を送っています」 would be untrue: say so, and what can
		// be done.
		q.Set("done", flash+"-none")
		u := *r.URL
		u.RawQuery = q.Encode()
		r = r.WithContext(r.Context())
		r.URL = &u
	}
	s.render(w, r, http.StatusOK, "task", p.Title, p)
}

// nobodyAsked reports an open task short of people with no one asked and
// no one waiting for a place: its wave found nobody.
func nobodyAsked(p *taskPage) bool {
	return p.Status == bot.TaskOpen && p.Filled < p.Headcount && len(p.Offered) == 0 && len(p.Waitlist) == 0
}

// taskFill is the fill section alone, which the task page polls.
func (s *server) taskFill(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.loadTask(w, r); ok {
		s.fragment(w, r, "task", "fill", p)
	}
}

func (s *server) taskCancelConfirm(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadTask(w, r)
	switch {
	case !ok:
	case !p.Cancellable:
		// An old tab or the history: no confirmation for what cannot be.
		s.renderStatus(w, r, http.StatusConflict, ja.TaskNotCancellable)
	default:
		s.render(w, r, http.StatusOK, "task_cancel", ja.TitleTaskCancel, p)
	}
}

func (s *server) taskCancel(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	if err := s.mine(ctx, KindTask, id); err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.tasks.CancelTask(ctx, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(ctx, accountOf(ctx).ID, "task.cancel", id)
	done(w, r, Prefix+"tasks/"+url.PathEscape(id), "cancelled")
}

// taskOffer offers the task to a person picked by name (NamedOffers).
func (s *server) taskOffer(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	if err := s.mine(ctx, KindTask, id); err != nil {
		s.fail(w, r, err)
		return
	}
	pid := strings.TrimSpace(r.PostFormValue("profile_id"))
	var err error = bot.FieldErrorf(bot.EINVALID, "profile_id", "pick a person")
	if pid != "" {
		_, err = s.offers.OfferTo(ctx, id, pid)
	}
	if err != nil {
		s.taskRefused(w, r, err, func(p *taskPage) {
			msg := refusalJA(err, ja.OfferRefused)
			if !p.CanOffer { // the task filled or started meanwhile: no form to put it beside
				p.Errors = []formError{{Field: "profile_id", Message: msg}}
				return
			}
			p.OfferPick, p.OfferError = pid, msg
		})
		return
	}
	s.audit(ctx, accountOf(ctx).ID, "task.offer", id)
	done(w, r, Prefix+"tasks/"+url.PathEscape(id), "offered")
}

// taskCompletion records or corrects how the task went for an accepted
// person (Outcomes). An empty hours field keeps the hours recorded, else
// the task's length; hours may be typed as a number or in words
// (「2時間半」).
func (s *server) taskCompletion(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	if err := s.mine(ctx, KindTask, id); err != nil {
		s.fail(w, r, err)
		return
	}
	pid := r.PostFormValue("profile_id")
	typed := strings.TrimSpace(r.PostFormValue("hours"))
	hours, ok := formHours(typed)
	var err error
	if ok {
		_, err = s.outcomes.RecordResult(ctx, id, pid, bot.Completion(r.PostFormValue("status")), hours)
	} else {
		err = bot.FieldErrorf(bot.EUNPROCESSABLE, "hours", "hours: %q is not a number of hours", typed)
	}
	if err != nil {
		s.taskRefused(w, r, err, func(p *taskPage) {
			msg := refusalJA(err, ja.ResultRefused)
			for i := range p.Outcomes {
				if p.Outcomes[i].ID == pid {
					p.Outcomes[i].Error, p.Outcomes[i].Typed = msg, typed
					return
				}
			}
			p.Errors = []formError{{Field: "profile_id", Message: msg}} // no longer on the task
		})
		return
	}
	s.audit(ctx, accountOf(ctx).ID, "task.completion", id)
	done(w, r, Prefix+"tasks/"+url.PathEscape(id), "recorded")
}

// formHours reads the hours field: empty is nil (the service decides),
// else a number, full-width digits too, or words such as 「2時間半」.
func formHours(v string) (*float64, bool) {
	if v == "" {
		return nil, true
	}
	n := jtext.Normalize(v)
	if h, err := strconv.ParseFloat(n, 64); err == nil {
		return &h, true
	}
	if h, ok := jtext.Hours(n); ok {
		return &h, true
	}
	return nil, false
}

// taskRefused shows the task page again with why a form on it was
// refused, placed beside that form by show.
func (s *server) taskRefused(w http.ResponseWriter, r *http.Request, err error, show func(*taskPage)) {
	switch bot.ErrorCode(err) {
	case bot.EUNPROCESSABLE, bot.EINVALID, bot.ECONFLICT, bot.ENOTFOUND:
	default:
		s.fail(w, r, err)
		return
	}
	p, ok := s.loadTask(w, r)
	if !ok {
		return
	}
	show(p)
	s.render(w, r, http.StatusUnprocessableEntity, "task", p.Title, p)
}

// refusalJA says why a form was refused, in Japanese: the error's own
// sentence when the service gives one, else the form's words for its code
// and field, its field or its code, else bot.ErrorJA's.
func refusalJA(err error, words map[string]string) string {
	said := bot.ErrorJA(err)
	var e *bot.Error
	if !errors.As(err, &e) || said != bot.ErrorJA(&bot.Error{Code: e.Code, Field: e.Field}) {
		return said
	}
	for _, k := range []string{e.Code + " " + e.Field, e.Field, e.Code} {
		if m, ok := words[k]; ok {
			return m
		}
	}
	return said
}

// taskEditPage is the form that changes a task's words and headcount.
type taskEditPage struct {
	taskFormPage
	ID, Title string
}

// taskEditForm shows the task's words and headcount to change. Its time,
// place and skills decided who was asked: changing them is a new task.
func (s *server) taskEditForm(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadTask(w, r)
	if !ok {
		return
	}
	if !p.Editable {
		s.renderStatus(w, r, http.StatusConflict, ja.TaskNotEditable)
		return
	}
	form := url.Values{"title": {p.Title}, "description": {p.Description}, "organization": {p.Organization},
		"reward": {p.Reward}, "headcount": {strconv.Itoa(p.Headcount)}}
	s.render(w, r, http.StatusOK, "task_edit", ja.TitleTaskEdit, taskEditPage{taskFormPage{Form: formValues{form}}, p.ID, p.Title})
}

// taskEdit stores the changed words and headcount; more places are
// offered at once, fewer than those who accepted are refused.
func (s *server) taskEdit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	if err := s.mine(ctx, KindTask, id); err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	text := func(k string) *string { v := strings.TrimSpace(f.Get(k)); return &v }
	e := bot.TaskEdit{Title: text("title"), Description: text("description"), Organization: text("organization"),
		Reward: text("reward")}
	var errs []formError
	if n, ok := formInt(f.Get("headcount")); ok {
		e.Headcount = &n
	} else {
		errs = append(errs, formError{"headcount", ja.HeadcountInvalid})
	}
	if len(errs) == 0 {
		_, err := s.tasks.EditTask(ctx, id, e)
		if err == nil {
			s.audit(ctx, accountOf(ctx).ID, "task.edit", id)
			done(w, r, Prefix+"tasks/"+url.PathEscape(id), "edited")
			return
		}
		switch bot.ErrorCode(err) {
		case bot.EUNPROCESSABLE, bot.EINVALID, bot.ECONFLICT:
			errs = formErrors(err)
		default:
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, "task_edit", ja.TitleTaskEdit,
		taskEditPage{taskFormPage{Form: formValues{f}, Errors: errs}, id, f.Get("title")})
}
