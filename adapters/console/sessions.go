package console

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"tsunagu/bot"
)

func (s *server) sessionRoutes(route func(string, http.HandlerFunc)) {
	route("GET "+Prefix+"sessions", s.sessionList)
	route("GET "+Prefix+"sessions/new", s.sessionNew)
	route("POST "+Prefix+"sessions", s.sessionCreate)
	route("GET "+Prefix+"sessions/{id}", s.sessionShow)
	route("GET "+Prefix+"sessions/{id}/cancel", s.sessionCancelConfirm)
	route("POST "+Prefix+"sessions/{id}/cancel", s.sessionCancel)
}

func (s *server) findSessions(ctx context.Context, from, to time.Time, limit int64) ([]*bot.SessionView, error) {
	ids, err := s.accounts.Made(ctx, KindSession, accountOf(ctx).org(), from, to, limit)
	if err != nil {
		return nil, err
	}
	var out []*bot.SessionView
	for _, id := range ids {
		v, err := s.sessions.FindSession(ctx, id)
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

type sessionListPage struct {
	Upcoming, Past []*bot.SessionView
}

func (s *server) sessionList(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	up, err := s.findSessions(r.Context(), now.Add(-3*time.Hour), now.AddDate(1, 0, 0), 200)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	past, err := s.findSessions(r.Context(), now.AddDate(-1, 0, 0), now.Add(-3*time.Hour), 50)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	reverse(up)
	if accountOf(r.Context()).Admin {
		// Sessions made through the API or Slack are nobody's in the
		// console's index: an admin sees them with the rest.
		if up, err = s.withUnindexed(r.Context(), up, now.Add(-3*time.Hour)); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "sessions", ja.TitleSessions, sessionListPage{Upcoming: up, Past: past})
}

func (s *server) sessionNew(w http.ResponseWriter, r *http.Request) {
	form := url.Values{"start": {"19:00"}, "end": {"20:00"}, "date": {s.now().In(s.loc).AddDate(0, 0, 7).Format("2006-01-02")},
		"reminder": {"24h", "1h"}}
	s.render(w, r, http.StatusOK, "session_new", ja.TitleSessionNew, taskFormPage{Form: formValues{form}})
}

// reminderChoices are the offsets the session form offers.
var reminderChoices = map[string]time.Duration{"72h": 72 * time.Hour, "24h": 24 * time.Hour, "3h": 3 * time.Hour, "1h": time.Hour}

func (s *server) sessionCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := s.submitOnce(w, r, Prefix+"sessions")
	if sub == nil {
		return
	}
	defer sub.finish(r)
	a := accountOf(ctx)
	form := r.PostForm
	ss := &bot.Session{
		Title:       strings.TrimSpace(form.Get("title")),
		Description: strings.TrimSpace(form.Get("description")),
		URL:         strings.TrimSpace(form.Get("url")),
		Audience:    formAudience(form),
		Reminders:   []time.Duration{},
	}
	for _, k := range form["reminder"] {
		if d, ok := reminderChoices[k]; ok {
			ss.Reminders = append(ss.Reminders, d)
		}
	}
	var errs []formError
	start, ok1 := s.formDate(form.Get("date"), form.Get("start"))
	end, ok2 := s.formDate(form.Get("date"), form.Get("end"))
	if !ok1 || !ok2 {
		errs = append(errs, formError{"start", ja.TimeMissing})
	}
	ss.Start, ss.End = start, end
	if len(errs) == 0 {
		v, err := s.sessions.CreateSession(ctx, ss)
		if err == nil {
			if err := s.accounts.RecordMade(ctx, KindSession, v.ID, a.Org, v.Start); err != nil {
				s.fail(w, r, err)
				return
			}
			s.audit(ctx, a.ID, "session.create", v.ID)
			sub.done(w, r, Prefix+"sessions/"+url.PathEscape(v.ID), "session")
			return
		}
		if code := bot.ErrorCode(err); code != bot.EUNPROCESSABLE && code != bot.EINVALID {
			s.fail(w, r, err)
			return
		}
		errs = formErrors(err)
	}
	s.render(w, r, http.StatusUnprocessableEntity, "session_new", ja.TitleSessionNew, taskFormPage{Form: formValues{form}, Errors: errs})
}

type sessionPage struct {
	*bot.SessionView
	Attendees, Declined []person
	// Cancellable is a session neither called off nor over (one that was
	// held is the program's record).
	Cancellable bool
}

// loadSession reads the session of the request's {id} for its pages, or
// answers the request itself and returns false.
func (s *server) loadSession(w http.ResponseWriter, r *http.Request) (sessionPage, bool) {
	ctx := r.Context()
	id := r.PathValue("id")
	if err := s.mine(ctx, KindSession, id); err != nil {
		s.fail(w, r, err)
		return sessionPage{}, false
	}
	v, err := s.sessions.FindSession(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return sessionPage{}, false
	}
	return sessionPage{SessionView: v, Attendees: s.names(ctx, v.Attendees), Declined: s.names(ctx, v.Declined),
		Cancellable: v.CancelledAt == nil && s.now().Before(v.End)}, true
}

func (s *server) sessionShow(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.loadSession(w, r); ok {
		s.render(w, r, http.StatusOK, "session", p.Title, p)
	}
}

func (s *server) sessionCancelConfirm(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadSession(w, r)
	switch {
	case !ok:
	case !p.Cancellable:
		s.renderStatus(w, r, http.StatusConflict, ja.SessionNotCancellable)
	default:
		s.render(w, r, http.StatusOK, "session_cancel", ja.TitleSessionCancel, p)
	}
}

func (s *server) sessionCancel(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	if err := s.mine(ctx, KindSession, id); err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.sessions.CancelSession(ctx, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(ctx, accountOf(ctx).ID, "session.cancel", id)
	done(w, r, Prefix+"sessions/"+url.PathEscape(id), "called_off")
}

// withUnindexed adds to listed the upcoming sessions (since) it lacks,
// soonest first.
func (s *server) withUnindexed(ctx context.Context, listed []*bot.SessionView, since time.Time) ([]*bot.SessionView, error) {
	all, err := s.sessions.Upcoming(ctx, since)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, v := range listed {
		have[v.ID] = true
	}
	for _, ses := range all {
		if have[ses.ID] {
			continue
		}
		v, err := s.sessions.FindSession(ctx, ses.ID)
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		listed = append(listed, v)
	}
	sort.SliceStable(listed, func(i, j int) bool { return listed[i].Start.Before(listed[j].Start) })
	return listed, nil
}
