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

// SessionService creates sessions and records RSVPs (the bot).
type SessionService interface {
	CreateSession(ctx context.Context, s *bot.Session) (*bot.SessionView, error)
	FindSession(ctx context.Context, id string) (*bot.SessionView, error)
	AddAttendee(ctx context.Context, sessionID, profileID string) (*bot.SessionView, bool, error)
	CancelSession(ctx context.Context, id string) (*bot.SessionView, error)
}

// audienceInput is an audience as posted: areas and skills may be labels.
type audienceInput struct {
	Channels   []string `json:"channels"`
	Areas      []string `json:"areas"`
	Skills     []string `json:"skills"`
	ProfileIDs []string `json:"profile_ids"`
}

func (in audienceInput) audience(cat *bot.Catalog) (bot.Audience, error) {
	a := bot.Audience{Channels: []string{}, Areas: []string{}, Skills: []string{}, ProfileIDs: []string{}}
	for _, c := range in.Channels {
		a.Channels = append(a.Channels, strings.ToLower(strings.TrimSpace(c)))
	}
	for _, w := range in.Areas {
		id, err := findArea(cat, w, bot.EUNPROCESSABLE, "audience.areas")
		if err != nil {
			return a, bot.FieldErrorf(bot.EUNPROCESSABLE, "audience.areas", "audience.areas: %s", bot.ErrorMessage(err))
		}
		a.Areas = append(a.Areas, id)
	}
	for _, w := range in.Skills {
		id, err := findSkill(cat, w, bot.EUNPROCESSABLE, "audience.skills")
		if err != nil {
			return a, bot.FieldErrorf(bot.EUNPROCESSABLE, "audience.skills", "audience.skills: %s", bot.ErrorMessage(err))
		}
		a.Skills = append(a.Skills, id)
	}
	for _, id := range in.ProfileIDs {
		a.ProfileIDs = append(a.ProfileIDs, strings.TrimSpace(id))
	}
	return a, nil
}

type sessionInput struct {
	Title       string        `json:"title"`
	Description string        `json:"description"`
	Start       string        `json:"start"`
	End         string        `json:"end"`
	URL         string        `json:"url"`
	Audience    audienceInput `json:"audience"`
	Reminders   []string      `json:"reminders"`
}

func (in sessionInput) session(cat *bot.Catalog) (*bot.Session, error) {
	s := &bot.Session{Title: strings.TrimSpace(in.Title), Description: strings.TrimSpace(in.Description), URL: strings.TrimSpace(in.URL)}
	var err error
	if s.Start, err = parseTime("start", in.Start); err != nil {
		return nil, err
	}
	if s.End, err = parseTime("end", in.End); err != nil {
		return nil, err
	}
	if s.Audience, err = in.Audience.audience(cat); err != nil {
		return nil, err
	}
	if in.Reminders != nil {
		s.Reminders = []time.Duration{}
		for _, r := range in.Reminders {
			d, err := time.ParseDuration(strings.TrimSpace(r))
			if err != nil {
				return nil, bot.FieldErrorf(bot.EUNPROCESSABLE, "reminders", "reminders: %q is not a duration such as \"24h\" or \"1h\"", r)
			}
			s.Reminders = append(s.Reminders, d)
		}
	}
	return s, nil
}

func parseTime(field, in string) (time.Time, error) {
	if strings.TrimSpace(in) == "" {
		return time.Time{}, bot.FieldErrorf(bot.EUNPROCESSABLE, field, "%s is required (RFC 3339, e.g. 2026-12-01T19:00:00+09:00)", field)
	}
	v, err := time.Parse(time.RFC3339, strings.TrimSpace(in))
	if err != nil {
		return time.Time{}, bot.FieldErrorf(bot.EUNPROCESSABLE, field, "%s must be an RFC 3339 time such as 2026-12-01T19:00:00+09:00, got %q", field, in)
	}
	return v, nil
}

// duration writes d as a client wrote it: 24h, 1h30m, 90m as 1h30m; not
// Go's 24h0m0s.
func duration(d time.Duration) string {
	s := d.String()
	if t, ok := strings.CutSuffix(s, "m0s"); ok {
		s = t + "m"
	}
	if t, ok := strings.CutSuffix(s, "h0m"); ok {
		s = t + "h"
	}
	return s
}

// sessionBody is a session as clients see it.
type sessionBody struct {
	*bot.SessionView
	Reminders []string `json:"reminders"`
}

func presentSession(v *bot.SessionView) sessionBody {
	b := sessionBody{SessionView: v, Reminders: []string{}}
	for _, r := range v.Reminders {
		b.Reminders = append(b.Reminders, duration(r))
	}
	return b
}

func (s *server) createSession(w http.ResponseWriter, r *http.Request) {
	var in sessionInput
	if err := DecodeJSON(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	ses, err := in.session(s.catalog)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	v, err := s.sessions.CreateSession(r.Context(), ses)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/sessions/"+url.PathEscape(v.ID))
	WriteJSON(w, http.StatusCreated, presentSession(v))
}

func (s *server) getSession(w http.ResponseWriter, r *http.Request) {
	v, err := s.sessions.FindSession(r.Context(), r.PathValue("id"))
	if err != nil {
		WriteError(w, r, fmt.Errorf("find session: %w", err))
		return
	}
	WriteJSON(w, http.StatusOK, presentSession(v))
}

// addRSVP records that a person will attend: 201 when that is new, 200
// when they were already coming.
func (s *server) addRSVP(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ProfileID string `json:"profile_id"`
	}
	if err := DecodeJSON(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	if strings.TrimSpace(in.ProfileID) == "" {
		WriteError(w, r, bot.FieldErrorf(bot.EUNPROCESSABLE, "profile_id", "profile_id is required"))
		return
	}
	v, changed, err := s.sessions.AddAttendee(r.Context(), r.PathValue("id"), strings.TrimSpace(in.ProfileID))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	status := http.StatusOK
	if changed {
		status = http.StatusCreated
	}
	WriteJSON(w, status, presentSession(v))
}

// cancelSession calls a session off and tells who was coming: 200 with the
// session, 409 when it was cancelled already, 422 when it has ended.
func (s *server) cancelSession(w http.ResponseWriter, r *http.Request) {
	v, err := s.sessions.CancelSession(r.Context(), r.PathValue("id"))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, presentSession(v))
}
