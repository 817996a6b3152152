package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"tsunagu/adapters/csvfile"
	"tsunagu/bot"
)

// TaskOutcomes records how tasks went and offers tasks to named people (the
// task service).
type TaskOutcomes interface {
	RecordResult(ctx context.Context, taskID, profileID string, status bot.Completion, hours *float64) (*bot.TaskView, error)
	OfferTo(ctx context.Context, taskID, profileID string) (*bot.TaskView, error)
}

// TaskEditor changes a task's words and headcount (the task service).
type TaskEditor interface {
	EditTask(ctx context.Context, id string, e bot.TaskEdit) (*bot.TaskView, error)
}

// editTask changes a task's words or headcount (PATCH /api/tasks/{id}).
func (s *server) editTask(w http.ResponseWriter, r *http.Request) {
	var e bot.TaskEdit
	if err := DecodeJSON(w, r, &e); err != nil {
		WriteError(w, r, err)
		return
	}
	v, err := s.tasks.(TaskEditor).EditTask(r.Context(), r.PathValue("id"), e)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, presentTask(v))
}

// TaskLister lists the tasks of a period (the task service).
type TaskLister interface {
	ListTasks(ctx context.Context, from, to string) ([]*bot.TaskView, error)
}

// Reports computes the figures programs report (bot.ReportService).
type Reports interface {
	Report(ctx context.Context, from, to string) (*bot.Report, error)
}

// completionInput is the body of POST /api/tasks/{id}/completions.
type completionInput struct {
	ProfileID string   `json:"profile_id"`
	Status    string   `json:"status"`
	Hours     *float64 `json:"hours"`
}

// recordCompletion records or corrects how a task went for one person.
func (s *server) recordCompletion(w http.ResponseWriter, r *http.Request) {
	var in completionInput
	if err := DecodeJSON(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	if bot.ValidateProfileID(in.ProfileID) != nil {
		WriteError(w, r, bot.FieldErrorf(bot.EUNPROCESSABLE, "profile_id", "profile_id: %q is not a profile ID", in.ProfileID))
		return
	}
	v, err := s.outcomes.RecordResult(r.Context(), r.PathValue("id"), in.ProfileID, bot.Completion(in.Status), in.Hours)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, presentTask(v))
}

// offerInput is the body of POST /api/tasks/{id}/offers.
type offerInput struct {
	ProfileID string `json:"profile_id"`
}

// offerToNamed offers a task to a person the coordinator names (指名).
func (s *server) offerToNamed(w http.ResponseWriter, r *http.Request) {
	var in offerInput
	if err := DecodeJSON(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	v, err := s.outcomes.OfferTo(r.Context(), r.PathValue("id"), in.ProfileID)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/tasks/"+url.PathEscape(v.ID))
	WriteJSON(w, http.StatusCreated, presentTask(v))
}

// getReport answers the figures of a period, as JSON or as CSV Excel opens
// (UTF-8 with a BOM): the JSON field names as the header, one row per
// month, then the total.
func (s *server) getReport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	asCSV, err := csvFormat(q)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	rep, err := s.reports.Report(r.Context(), q.Get("from"), q.Get("to"))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	if !asCSV {
		WriteJSON(w, http.StatusOK, rep)
		return
	}
	csvfile.Send(w, fmt.Sprintf("report-%s-%s.csv", rep.From, rep.To), csvfile.Rows(rep.Table()))
}

// listTasks lists the tasks starting in a period (from, to: inclusive
// dates; by default the last 30 days and the next 90), as JSON or as CSV
// Excel opens: one row per task with its places and who came.
func (s *server) listTasks(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	asCSV, err := csvFormat(q)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	views, err := s.lister.ListTasks(r.Context(), q.Get("from"), q.Get("to"))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	if !asCSV {
		out := make([]taskBody, len(views))
		for i, v := range views {
			out[i] = presentTask(v)
		}
		WriteJSON(w, http.StatusOK, map[string]any{"tasks": out})
		return
	}
	rows := [][]string{{"id", "series_id", "title", "organization", "area", "skills", "start", "end", "headcount", "status",
		"accepted", "waitlist", "confirmed", "unconfirmed", "completed", "not_completed", "hours"}}
	loc := s.loc
	for _, v := range views {
		area := v.Area
		if v.Remote {
			area = "リモート"
		} else if a, ok := s.catalog.Area(v.Area); ok {
			area = a.LabelJA
		}
		hours := 0.0
		for _, h := range v.Hours {
			hours += h
		}
		rows = append(rows, []string{v.ID, v.SeriesID, cell(v.Title), cell(v.Organization), area,
			strings.Join(s.catalog.SkillLabels(v.Skills), skillSep),
			v.Start.In(loc).Format("2006-01-02 15:04"), v.End.In(loc).Format("2006-01-02 15:04"),
			strconv.Itoa(v.Headcount), string(v.Status), strconv.Itoa(len(v.Accepted)), strconv.Itoa(len(v.Waitlist)),
			strconv.Itoa(len(v.Confirmed)), strconv.Itoa(len(v.Unconfirmed)), strconv.Itoa(len(v.Completed)),
			strconv.Itoa(len(v.NotCompleted)), strconv.FormatFloat(hours, 'f', -1, 64)})
	}
	csvfile.Send(w, fmt.Sprintf("tasks-%s.csv", s.now().In(s.loc).Format("20060102")), csvfile.Rows(rows))
}
