package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"tsunagu/bot"
)

// TaskService creates, shows and cancels tasks (the bot).
type TaskService interface {
	CreateTask(ctx context.Context, t *bot.Task) (*bot.Task, error)
	FindTask(ctx context.Context, id string) (*bot.TaskView, error)
	CancelTask(ctx context.Context, id string) (*bot.TaskView, error)
}

// SeriesService creates weekly series of tasks (the task service); the
// API accepts "repeat" when its TaskService is one.
type SeriesService interface {
	CreateSeries(ctx context.Context, t *bot.Task, until time.Time) ([]*bot.Task, error)
}

// repeatInput asks for a task repeated every week until a date.
type repeatInput struct {
	Weekly bool   `json:"weekly"`
	Until  string `json:"until"` // YYYY-MM-DD, inclusive, or RFC 3339
}

// Job runs a scheduled sweep now and summarizes what it did.
type Job func(ctx context.Context) (any, error)

// taskInput is the body of POST /api/tasks. Times and the offer TTL stay
// strings here so that a bad one is a 422 naming the field.
type taskInput struct {
	Title        string   `json:"title"`
	Description  string   `json:"description"`
	Organization string   `json:"organization"`
	Skills       []string `json:"skills"`
	RequireAll   bool     `json:"require_all"`
	Area         string   `json:"area"`
	Remote       bool     `json:"remote"`
	Start        string   `json:"start"`
	End          string   `json:"end"`
	Headcount    int      `json:"headcount"`
	Reward       string   `json:"reward"`
	OfferTTL     string   `json:"offer_ttl"`
	// Repeat makes a weekly series: each date its own task.
	Repeat *repeatInput `json:"repeat"`
}

// task turns the input into a task; skills and area may be labels or
// synonyms. Validation against the clock is the service's.
func (in taskInput) task(cat *bot.Catalog) (*bot.Task, error) {
	t := &bot.Task{
		Title:        strings.TrimSpace(in.Title),
		Description:  strings.TrimSpace(in.Description),
		Organization: strings.TrimSpace(in.Organization),
		RequireAll:   in.RequireAll,
		Remote:       in.Remote,
		Headcount:    in.Headcount,
		Reward:       strings.TrimSpace(in.Reward),
		Skills:       []string{},
	}
	seen := map[string]bool{}
	for _, word := range in.Skills {
		id, err := findSkill(cat, word, bot.EUNPROCESSABLE, "skills")
		if err != nil {
			return nil, bot.FieldErrorf(bot.EUNPROCESSABLE, "skills", "skills: %s", bot.ErrorMessage(err))
		}
		if id != "" && !seen[id] {
			seen[id] = true
			t.Skills = append(t.Skills, id)
		}
	}
	area, err := findArea(cat, in.Area, bot.EUNPROCESSABLE, "area")
	if err != nil {
		return nil, bot.FieldErrorf(bot.EUNPROCESSABLE, "area", "area: %s", bot.ErrorMessage(err))
	}
	t.Area = area
	if t.Start, err = parseTime("start", in.Start); err != nil {
		return nil, err
	}
	if t.End, err = parseTime("end", in.End); err != nil {
		return nil, err
	}
	if s := strings.TrimSpace(in.OfferTTL); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return nil, bot.FieldErrorf(bot.EUNPROCESSABLE, "offer_ttl", "offer_ttl must be a positive duration such as \"24h\" or \"90m\", got %q", in.OfferTTL)
		}
		t.OfferTTL = d
	}
	return t, nil
}

// taskBody is a task as clients see it.
type taskBody struct {
	*bot.TaskView
	OfferTTL string `json:"offer_ttl"`
	// Series lists every date of a weekly series, when one was created.
	Series []seriesDate `json:"series,omitempty"`
}

// seriesDate is one date of a series: its task and start.
type seriesDate struct {
	ID    string    `json:"id"`
	Start time.Time `json:"start"`
}

func presentTask(v *bot.TaskView) taskBody {
	if v.Skills == nil {
		v.Skills = []string{}
	}
	return taskBody{TaskView: v, OfferTTL: duration(v.OfferTTL)}
}

// createTask registers a task and sends its first offers.
func (s *server) createTask(w http.ResponseWriter, r *http.Request) {
	var in taskInput
	if err := DecodeJSON(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	t, err := in.task(s.catalog)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	var dates []seriesDate
	if in.Repeat != nil {
		var err error
		if t, dates, err = s.createSeries(r.Context(), t, in.Repeat); err != nil {
			WriteError(w, r, err)
			return
		}
	} else if t, err = s.tasks.CreateTask(r.Context(), t); err != nil {
		WriteError(w, r, err)
		return
	}
	v, err := s.tasks.FindTask(r.Context(), t.ID)
	if err != nil {
		// Created, but not readable right now: answer with what we have.
		v = &bot.TaskView{Task: *t, Accepted: []string{}, Waitlist: []string{}, Offered: []string{},
			Declined: []string{}, Expired: []string{}, Cancelled: []string{}}
	}
	w.Header().Set("Location", "/api/tasks/"+url.PathEscape(t.ID))
	body := presentTask(v)
	body.Series = dates
	WriteJSON(w, http.StatusCreated, body)
}

// createSeries creates a weekly series and returns its first date.
func (s *server) createSeries(ctx context.Context, t *bot.Task, in *repeatInput) (*bot.Task, []seriesDate, error) {
	series, ok := s.tasks.(SeriesService)
	switch {
	case !ok:
		return nil, nil, bot.FieldErrorf(bot.EUNPROCESSABLE, "repeat", "repeating tasks are not available here")
	case !in.Weekly:
		return nil, nil, bot.FieldErrorf(bot.EUNPROCESSABLE, "repeat.weekly", "only weekly repeats exist: set repeat.weekly to true")
	}
	until, err := time.Parse(time.DateOnly, strings.TrimSpace(in.Until))
	if err != nil {
		if until, err = time.Parse(time.RFC3339, strings.TrimSpace(in.Until)); err != nil {
			return nil, nil, bot.FieldErrorf(bot.EUNPROCESSABLE, "repeat.until", "repeat.until must be a date (YYYY-MM-DD), got %q", in.Until)
		}
	}
	// A bare date is a day in the service's time zone, the task's own.
	if until.Location() == time.UTC && len(strings.TrimSpace(in.Until)) == len(time.DateOnly) {
		until = time.Date(until.Year(), until.Month(), until.Day(), 12, 0, 0, 0, t.Start.Location())
	}
	tasks, err := series.CreateSeries(ctx, t, until)
	if err != nil {
		return nil, nil, err
	}
	dates := make([]seriesDate, len(tasks))
	for i, d := range tasks {
		dates[i] = seriesDate{ID: d.ID, Start: d.Start}
	}
	return tasks[0], dates, nil
}

func (s *server) getTask(w http.ResponseWriter, r *http.Request) {
	v, err := s.tasks.FindTask(r.Context(), r.PathValue("id"))
	if err != nil {
		WriteError(w, r, fmt.Errorf("find task: %w", err))
		return
	}
	WriteJSON(w, http.StatusOK, presentTask(v))
}

// cancelTask cancels a task; everyone offered or accepted is told.
// Cancelling a task that is already cancelled or closed is a 409.
func (s *server) cancelTask(w http.ResponseWriter, r *http.Request) {
	v, err := s.tasks.CancelTask(r.Context(), r.PathValue("id"))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, presentTask(v))
}

// runJob runs a scheduled job now.
func (s *server) runJob(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	job, ok := s.jobs[name]
	if !ok {
		names := make([]string, 0, len(s.jobs))
		for n := range s.jobs {
			names = append(names, n)
		}
		WriteError(w, r, bot.Errorf(bot.ENOTFOUND, "no job %q; jobs: %s", name, strings.Join(sortStrings(names), ", ")))
		return
	}
	sum, err := job(r.Context())
	if err != nil {
		WriteError(w, r, fmt.Errorf("job %s: %w", name, err))
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"job": name, "result": sum})
}
