package console

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"tsunagu/bot"
)

func (s *server) broadcastRoutes(route func(string, http.HandlerFunc)) {
	route("GET "+Prefix+"broadcasts", s.broadcastList)
	route("GET "+Prefix+"broadcasts/new", s.broadcastNew)
	route("POST "+Prefix+"broadcasts/confirm", s.broadcastConfirm)
	route("POST "+Prefix+"broadcasts", s.broadcastSend)
	route("GET "+Prefix+"broadcasts/{id}", s.broadcastShow)
	route("GET "+Prefix+"broadcasts/{id}/progress", s.broadcastProgress)
	route("GET "+Prefix+"broadcasts/{id}/cancel", s.broadcastCancelConfirm)
	route("POST "+Prefix+"broadcasts/{id}/cancel", s.broadcastCancel)
}

func (s *server) findBroadcasts(ctx context.Context, from, to time.Time, limit int64) ([]*bot.BroadcastView, error) {
	ids, err := s.accounts.Made(ctx, KindBroadcast, accountOf(ctx).org(), from, to, limit)
	if err != nil {
		return nil, err
	}
	var out []*bot.BroadcastView
	for _, id := range ids {
		v, err := s.broadcasts.FindBroadcast(ctx, id)
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

func (s *server) broadcastList(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	list, err := s.findBroadcasts(r.Context(), now.AddDate(-1, 0, 0), now.AddDate(1, 0, 0), 100)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "broadcasts", ja.TitleBroadcasts, list)
}

func (s *server) broadcastNew(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "broadcast_new", ja.TitleBroadcastNew, taskFormPage{Form: formValues{url.Values{}}})
}

// broadcastForm reads the compose form: the text, the audience and an
// optional send time.
func (s *server) broadcastForm(form url.Values) (*bot.Broadcast, []formError) {
	bc := &bot.Broadcast{Text: strings.TrimSpace(strings.ReplaceAll(form.Get("text"), "\r\n", "\n")), Audience: formAudience(form)}
	var errs []formError
	if bc.Text == "" {
		errs = append(errs, formError{"text", ja.TextMissing})
	}
	// A time to send: both a date and a time, and not past. Either one
	// alone is a half-filled form, not 「今すぐ」.
	d, tm := strings.TrimSpace(form.Get("send_date")), strings.TrimSpace(form.Get("send_time"))
	switch {
	case d == "" && tm == "":
	case d == "":
		errs = append(errs, formError{"send_at", ja.SendDateMissing})
	case tm == "":
		errs = append(errs, formError{"send_at", ja.SendTimeMissing})
	default:
		at, ok := s.formDate(d, tm)
		switch {
		case !ok:
			errs = append(errs, formError{"send_at", ja.SendTimeMissing})
		case !at.After(s.now()):
			errs = append(errs, formError{"send_at", ja.SendPast})
		}
		bc.SendAt = at
	}
	if err := bc.Audience.Validate(s.catalog); err != nil {
		errs = append(errs, formErrors(err)...)
	}
	return bc, errs
}

// broadcastConfirmPage shows how many the broadcast would reach, with the
// form again in hidden fields to send it.
type broadcastConfirmPage struct {
	Form formValues
	// Once is the one-time key of 「この内容で送る」 (see broadcastOnce).
	Once       string
	Broadcast  *bot.Broadcast
	Recipients bot.Recipients
	Total      int
}

func (s *server) broadcastConfirm(w http.ResponseWriter, r *http.Request) {
	bc, errs := s.broadcastForm(r.PostForm)
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "broadcast_new", ja.TitleBroadcastNew, taskFormPage{Form: formValues{r.PostForm}, Errors: errs})
		return
	}
	rec, err := s.broadcasts.Recipients(r.Context(), bc.Audience)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "broadcast_confirm", ja.TitleBroadcastOK, broadcastConfirmPage{
		Form: formValues{r.PostForm}, Once: broadcastOnce(r.PostForm), Broadcast: bc, Recipients: rec,
		Total: len(rec.LINE) + len(rec.Slack)})
}

// broadcastOnce is the one-time key of a confirmation page: the compose
// page's key with what the form says. The browser's Back from the
// broadcast sent shows this page again from the same form, and its
// 「この内容で送る」 must lead to that broadcast, not make a second one for
// everyone; the same page changed (another text, another time) is another
// broadcast. A form from an older page without a key gets a new one.
func broadcastOnce(form url.Values) string {
	key := form.Get("once")
	if key == "" {
		return randomToken(16)
	}
	h := sha256.New()
	for _, field := range []string{"text", "channel", "area", "skill", "send_date", "send_time"} {
		vs := slices.Clone(form[field])
		slices.Sort(vs)
		fmt.Fprintf(h, "%s=%q;", field, vs)
	}
	return key + "." + hex.EncodeToString(h.Sum(nil)[:12])
}

func (s *server) broadcastSend(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := s.submitOnce(w, r, Prefix+"broadcasts")
	if sub == nil {
		return
	}
	defer sub.finish(r)
	a := accountOf(ctx)
	bc, errs := s.broadcastForm(r.PostForm)
	if len(errs) == 0 {
		v, err := s.broadcasts.CreateBroadcast(ctx, bc)
		if err == nil {
			if err := s.accounts.RecordMade(ctx, KindBroadcast, v.ID, a.Org, v.CreatedAt); err != nil {
				s.fail(w, r, err)
				return
			}
			s.audit(ctx, a.ID, "broadcast.create", v.ID)
			sub.done(w, r, Prefix+"broadcasts/"+url.PathEscape(v.ID), "broadcast")
			return
		}
		if code := bot.ErrorCode(err); code != bot.EUNPROCESSABLE && code != bot.EINVALID && code != bot.EUNAVAILABLE {
			s.fail(w, r, err)
			return
		}
		errs = formErrors(err)
	}
	s.render(w, r, http.StatusUnprocessableEntity, "broadcast_new", ja.TitleBroadcastNew, taskFormPage{Form: formValues{r.PostForm}, Errors: errs})
}

type broadcastPage struct {
	*bot.BroadcastView
	Done, Percent int
	Live          bool
	// Error is why the last try to call it off was refused.
	Error string
}

func (s *server) loadBroadcast(w http.ResponseWriter, r *http.Request) (*broadcastPage, bool) {
	ctx := r.Context()
	id := r.PathValue("id")
	if err := s.mine(ctx, KindBroadcast, id); err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	v, err := s.broadcasts.FindBroadcast(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	n := v.Sent + v.Failed + v.Skipped
	live := v.Status != bot.BroadcastDone && v.Status != bot.BroadcastCancelled
	return &broadcastPage{BroadcastView: v, Done: n, Percent: percent(n, v.Total), Live: live}, true
}

// broadcastCancelConfirm asks before calling a broadcast off, as for a
// task or a session: it cannot be undone. One begun already says so on
// its page.
func (s *server) broadcastCancelConfirm(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadBroadcast(w, r)
	switch {
	case !ok:
	case p.Status != bot.BroadcastScheduled:
		p.Error = ja.BroadcastBegun
		s.render(w, r, http.StatusConflict, "broadcast", ja.TitleBroadcasts, p)
	default:
		s.render(w, r, http.StatusOK, "broadcast_cancel", ja.TitleBroadcastCancel, p)
	}
}

// broadcastCancel calls off a broadcast not begun yet: a scheduled one with
// a mistake is stopped before it reaches everyone. Once sending, it says
// it is too late.
func (s *server) broadcastCancel(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	if err := s.mine(ctx, KindBroadcast, id); err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.broadcasts.CancelBroadcast(ctx, id); err != nil {
		if bot.ErrorCode(err) != bot.ECONFLICT {
			s.fail(w, r, err)
			return
		}
		if p, ok := s.loadBroadcast(w, r); ok {
			p.Error = ja.BroadcastBegun
			s.render(w, r, http.StatusConflict, "broadcast", ja.TitleBroadcasts, p)
		}
		return
	}
	s.audit(ctx, accountOf(ctx).ID, "broadcast.cancel", id)
	done(w, r, Prefix+"broadcasts/"+url.PathEscape(id), "bc_cancelled")
}

func (s *server) broadcastShow(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.loadBroadcast(w, r); ok {
		s.render(w, r, http.StatusOK, "broadcast", ja.TitleBroadcasts, p)
	}
}

func (s *server) broadcastProgress(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.loadBroadcast(w, r); ok {
		s.fragment(w, r, "broadcast", "progress", p)
	}
}
