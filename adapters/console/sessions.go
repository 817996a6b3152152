package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"tsunagu/bot"
)

func (s *server) sessionRoutes(route func(string, http.HandlerFunc)) {
	route("GET "+Prefix+"sessions", s.sessionList)
	route("GET "+Prefix+"sessions/new", s.sessionNew)
	route("POST "+Prefix+"sessions", s.sessionCreate)
	route("GET "+Prefix+"sessions/{id}", s.sessionShow)
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
}

func (s *server) sessionShow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	if err := s.mine(ctx, KindSession, id); err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.sessions.FindSession(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "session", v.Title, sessionPage{SessionView: v, Attendees: s.names(ctx, v.Attendees), Declined: s.names(ctx, v.Declined)})
}
