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
}

func presentTask(v *bot.TaskView) taskBody {
	if v.Skills == nil {
		v.Skills = []string{}
	}
	return taskBody{TaskView: v, OfferTTL: v.OfferTTL.String()}
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
	t, err = s.tasks.CreateTask(r.Context(), t)
	if err != nil {
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
	WriteJSON(w, http.StatusCreated, presentTask(v))
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
