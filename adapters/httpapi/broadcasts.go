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

// BroadcastService schedules broadcasts and reports their progress (the
// bot).
type BroadcastService interface {
	CreateBroadcast(ctx context.Context, b *bot.Broadcast) (*bot.BroadcastView, error)
	FindBroadcast(ctx context.Context, id string) (*bot.BroadcastView, error)
	ListBroadcasts(ctx context.Context, from, to string) ([]*bot.BroadcastView, error)
	CancelBroadcast(ctx context.Context, id string) (*bot.BroadcastView, error)
}

// cancelBroadcast calls off a broadcast not begun: 200 with it, 409 once
// it is sending, done or called off.
func (s *server) cancelBroadcast(w http.ResponseWriter, r *http.Request) {
	v, err := s.broadcasts.CancelBroadcast(r.Context(), r.PathValue("id"))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, v)
}

type broadcastInput struct {
	Text     string        `json:"text"`
	Audience audienceInput `json:"audience"`
	SendAt   string        `json:"send_at"`
}

// createBroadcast schedules an announcement: 202, sent in the background.
func (s *server) createBroadcast(w http.ResponseWriter, r *http.Request) {
	var in broadcastInput
	if err := DecodeJSON(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	a, err := in.Audience.audience(s.catalog)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	b := &bot.Broadcast{Text: in.Text, Audience: a}
	if strings.TrimSpace(in.SendAt) != "" {
		if b.SendAt, err = time.Parse(time.RFC3339, strings.TrimSpace(in.SendAt)); err != nil {
			WriteError(w, r, bot.FieldErrorf(bot.EUNPROCESSABLE, "send_at", "send_at must be an RFC 3339 time such as 2026-12-01T10:00:00+09:00, got %q", in.SendAt))
			return
		}
	}
	v, err := s.broadcasts.CreateBroadcast(r.Context(), b)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/broadcasts/"+url.PathEscape(v.ID))
	WriteJSON(w, http.StatusAccepted, v)
}

// listBroadcasts lists the broadcasts due between ?from and ?to
// (YYYY-MM-DD), the latest first: those made here, in the console and by
// 「/tsunagu announce」 on Slack.
func (s *server) listBroadcasts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	list, err := s.broadcasts.ListBroadcasts(r.Context(), q.Get("from"), q.Get("to"))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"broadcasts": list})
}

func (s *server) getBroadcast(w http.ResponseWriter, r *http.Request) {
	v, err := s.broadcasts.FindBroadcast(r.Context(), r.PathValue("id"))
	if err != nil {
		WriteError(w, r, fmt.Errorf("find broadcast: %w", err))
		return
	}
	WriteJSON(w, http.StatusOK, v)
}
