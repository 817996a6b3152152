package console

import (
	"net/http"
	"net/url"

	"tsunagu/bot"
)

func (s *server) talkRoutes(route func(string, http.HandlerFunc)) {
	route("GET "+Prefix+"talks", s.talkList)
	route("GET "+Prefix+"talks/{id}", s.talkShow)
	route("GET "+Prefix+"talks/{id}/messages", s.talkMessages)
	route("POST "+Prefix+"talks/{id}/messages", s.talkWrite)
	route("POST "+Prefix+"talks/{id}/close", s.talkClose)
}

type talksPage struct {
	Open, Closed []bot.TalkView
}

// talkList shows the open conversations, oldest first (the longest
// waiting on top), and the recently closed ones.
func (s *server) talkList(w http.ResponseWriter, r *http.Request) {
	open, err := s.talks.FindTalks(r.Context(), true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	closed, err := s.talks.FindTalks(r.Context(), false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	reverse(closed)
	if len(closed) > 30 {
		closed = closed[:30]
	}
	s.render(w, r, http.StatusOK, "talks", ja.TitleTalks, talksPage{Open: open, Closed: closed})
}

type talkPage struct {
	Person *bot.Profile
	Talk   *bot.TalkView
	Errors []formError
	Text   string
}

func (s *server) loadTalk(w http.ResponseWriter, r *http.Request) (*talkPage, bool) {
	p, ok := s.loadPerson(w, r)
	if !ok {
		return nil, false
	}
	page := &talkPage{Person: p}
	for _, open := range []bool{true, false} {
		views, err := s.talks.FindTalks(r.Context(), open)
		if err != nil {
			s.fail(w, r, err)
			return nil, false
		}
		for i := range views {
			if views[i].ProfileID == p.ID {
				page.Talk = &views[i]
				return page, true
			}
		}
	}
	return page, true
}

func (s *server) talkShow(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.loadTalk(w, r); ok {
		s.render(w, r, http.StatusOK, "talk", ja.TitleTalks, p)
	}
}

// talkMessages is the message list alone, which the talk page polls.
func (s *server) talkMessages(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.loadTalk(w, r); ok {
		s.fragment(w, r, "talk", "messages", p)
	}
}

// talkWrite sends a coordinator's answer to the person's chat (opening a
// conversation if none is open). The text is not logged anywhere but the
// conversation itself.
func (s *server) talkWrite(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	text := r.PostFormValue("text")
	if err := s.talks.WriteToPerson(ctx, id, text); err != nil {
		if code := bot.ErrorCode(err); code != bot.EUNPROCESSABLE && code != bot.EINVALID {
			s.fail(w, r, err)
			return
		}
		p, ok := s.loadTalk(w, r)
		if !ok {
			return
		}
		p.Errors, p.Text = formErrors(err), text
		s.render(w, r, http.StatusUnprocessableEntity, "talk", ja.TitleTalks, p)
		return
	}
	s.audit(ctx, accountOf(ctx).ID, "talk.write", bot.AuditRef(id))
	done(w, r, Prefix+"talks/"+url.PathEscape(id), "sent")
}

func (s *server) talkClose(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	if err := s.talks.CloseTalk(ctx, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(ctx, accountOf(ctx).ID, "talk.close", bot.AuditRef(id))
	done(w, r, Prefix+"talks", "closed")
}
