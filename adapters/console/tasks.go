package console

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tsunagu/bot"
)

// Kinds of what an organization makes, in the index and the audit log.
const (
	kindTask      = "task"
	kindSession   = "session"
	kindBroadcast = "broadcast"
)

func (s *server) taskRoutes(route func(string, http.HandlerFunc)) {
	route("GET "+Prefix+"tasks", s.taskList)
	route("GET "+Prefix+"tasks/new", s.taskNew)
	route("POST "+Prefix+"tasks", s.taskCreate)
	route("GET "+Prefix+"tasks/{id}", s.taskShow)
	route("GET "+Prefix+"tasks/{id}/fill", s.taskFill)
	route("GET "+Prefix+"tasks/{id}/cancel", s.taskCancelConfirm)
	route("POST "+Prefix+"tasks/{id}/cancel", s.taskCancel)
	if s.offers != nil {
		route("POST "+Prefix+"tasks/{id}/offers", s.taskOffer)
	}
	if s.outcomes != nil {
		route("POST "+Prefix+"tasks/{id}/completions", s.taskCompletion)
	}
}

// mine checks that the account may see something made through the console:
// an admin anything, a coordinator what their organization made. Anything
// else is ENOTFOUND, as if it did not exist.
func (s *server) mine(ctx context.Context, kind, id string) error {
	a := accountOf(ctx)
	org, err := s.accounts.Owner(ctx, kind, id)
	if a.Admin && bot.ErrorCode(err) == bot.ENOTFOUND {
		return nil // made through the API or Slack: admins see it
	}
	if err != nil {
		return err
	}
	if !a.Admin && org != a.Org {
		return bot.Errorf(bot.ENOTFOUND, "%s %s belongs to another organization", kind, id)
	}
	return nil
}

// taskRow is a task with its fill, for lists.
type taskRow struct {
	*bot.TaskView
	Filled, Percent int
}

func fillOf(v *bot.TaskView) taskRow {
	return taskRow{TaskView: v, Filled: len(v.Accepted), Percent: percent(len(v.Accepted), v.Headcount)}
}

// findMade loads the tasks an account's organization made with a start
// from..to, skipping those gone (retention, deletion).
func (s *server) findTasks(ctx context.Context, from, to time.Time, limit int64) ([]taskRow, error) {
	ids, err := s.accounts.Made(ctx, kindTask, accountOf(ctx).org(), from, to, limit)
	if err != nil {
		return nil, err
	}
	var out []taskRow
	for _, id := range ids {
		v, err := s.tasks.FindTask(ctx, id)
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, fillOf(v))
	}
	return out, nil
}

type taskListPage struct {
	Upcoming, Past []taskRow
}

func (s *server) taskList(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	upcoming, err := s.findTasks(r.Context(), now.Add(-12*time.Hour), now.AddDate(1, 0, 0), 200)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	past, err := s.findTasks(r.Context(), now.AddDate(-1, 0, 0), now.Add(-12*time.Hour), 50)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	reverse(upcoming) // soonest first
	s.render(w, r, http.StatusOK, "tasks", ja.TitleTasks, taskListPage{Upcoming: upcoming, Past: past})
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
	t.Start, t.End = start, end
	t.Headcount, _ = formInt(form.Get("headcount"))
	return t, errs
}

func (s *server) taskCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := accountOf(ctx)
	t, errs := s.taskFromForm(r.PostForm)
	if len(errs) == 0 {
		created, err := s.tasks.CreateTask(ctx, t)
		if err == nil {
			if err := s.accounts.RecordMade(ctx, kindTask, created.ID, a.Org, created.Start); err != nil {
				s.fail(w, r, err)
				return
			}
			s.audit(ctx, a.ID, "task.create", created.ID)
			done(w, r, Prefix+"tasks/"+url.PathEscape(created.ID), "task")
			return
		}
		if code := bot.ErrorCode(err); code != bot.EUNPROCESSABLE && code != bot.EINVALID {
			s.fail(w, r, err)
			return
		}
		errs = formErrors(err)
	}
	s.render(w, r, http.StatusUnprocessableEntity, "task_new", ja.TitleTaskNew, taskFormPage{Form: formValues{r.PostForm}, Errors: errs})
}

// person is a profile ID with the name to show (or the ID, for someone
// who has since deleted their data).
type person struct {
	ID, Name string
}

func (s *server) names(ctx context.Context, ids []string) []person {
	out := make([]person, 0, len(ids))
	for _, id := range ids {
		p := person{ID: id, Name: id}
		if pr, err := s.people.FindProfile(ctx, id); err == nil && pr.Name != "" {
			p.Name = pr.Name
		}
		out = append(out, p)
	}
	return out
}

// taskPage is a task's status: who is on it in each state, by name.
type taskPage struct {
	taskRow
	Accepted, Waitlist, Offered, Declined, Expired, Cancelled []person
	Live                                                      bool
	CanOffer, CanRecord                                       bool
	Errors                                                    []formError
}

func (s *server) loadTask(w http.ResponseWriter, r *http.Request) (*taskPage, bool) {
	ctx := r.Context()
	id := r.PathValue("id")
	if err := s.mine(ctx, kindTask, id); err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	v, err := s.tasks.FindTask(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return &taskPage{
		taskRow: fillOf(v), Accepted: s.names(ctx, v.Accepted), Waitlist: s.names(ctx, v.Waitlist),
		Offered: s.names(ctx, v.Offered), Declined: s.names(ctx, v.Declined), Expired: s.names(ctx, v.Expired),
		Cancelled: s.names(ctx, v.Cancelled),
		Live:      v.Status == bot.TaskOpen || v.Status == bot.TaskFilled,
		CanOffer:  s.offers != nil && v.Status == bot.TaskOpen,
		CanRecord: s.outcomes != nil && !v.Start.After(s.now()),
	}, true
}

func (s *server) taskShow(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.loadTask(w, r); ok {
		s.render(w, r, http.StatusOK, "task", p.Title, p)
	}
}

// taskFill is the fill section alone, which the task page polls.
func (s *server) taskFill(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.loadTask(w, r); ok {
		s.fragment(w, r, "task", "fill", p)
	}
}

func (s *server) taskCancelConfirm(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.loadTask(w, r); ok {
		s.render(w, r, http.StatusOK, "task_cancel", ja.TitleTaskCancel, p)
	}
}

func (s *server) taskCancel(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	if err := s.mine(ctx, kindTask, id); err != nil {
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

// taskOffer offers the task to a named person (NamedOffers).
func (s *server) taskOffer(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	if err := s.mine(ctx, kindTask, id); err != nil {
		s.fail(w, r, err)
		return
	}
	pid := strings.TrimSpace(r.PostFormValue("profile_id"))
	if err := s.offers.OfferTo(ctx, id, pid); err != nil {
		s.taskRefused(w, r, err)
		return
	}
	s.audit(ctx, accountOf(ctx).ID, "task.offer", id)
	done(w, r, Prefix+"tasks/"+url.PathEscape(id), "offered")
}

// taskCompletion records whether an accepted person did the task
// (Outcomes).
func (s *server) taskCompletion(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	if err := s.mine(ctx, kindTask, id); err != nil {
		s.fail(w, r, err)
		return
	}
	hours, err := strconv.ParseFloat(strings.TrimSpace(r.PostFormValue("hours")), 64)
	if err != nil {
		hours = 0
	}
	if err := s.outcomes.RecordCompletion(ctx, id, r.PostFormValue("profile_id"), r.PostFormValue("status"), hours); err != nil {
		s.taskRefused(w, r, err)
		return
	}
	s.audit(ctx, accountOf(ctx).ID, "task.completion", id)
	done(w, r, Prefix+"tasks/"+url.PathEscape(id), "recorded")
}

// taskRefused shows the task page again with what was refused.
func (s *server) taskRefused(w http.ResponseWriter, r *http.Request, err error) {
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
	p.Errors = formErrors(err)
	s.render(w, r, http.StatusUnprocessableEntity, "task", p.Title, p)
}
