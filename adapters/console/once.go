package console

import (
	"context"
	"net/http"
	"time"
)

// How long a sent form is remembered, and how long a repeat waits for the
// first send to finish.
const (
	onceTTL  = time.Hour
	onceWait = 5 * time.Second
	oncePoll = 50 * time.Millisecond
)

// submission is one sent form that makes something (a task, a session, a
// broadcast; a person needs none, their ID being theirs, and their page's
// path, which names them, is kept out of Redis). The form carries a one-time key, drawn when the
// page was shown; the first send with it is handled, and every repeat
// (a double click, a reload of the answer, a second tab) is answered with
// the page the first one led to. Without it a double click on 「この内容で
// 送る」 sent an announcement twice.
type submission struct {
	s            *server
	account, key string
	path         string // where the first send led; "" until then
	unclaimed    bool   // no key: an older page, or a client of its own
}

// submitOnce claims the form's first handling. When the request is a
// repeat it answers it, with the first one's page (or fallback when the
// first is still at work after onceWait), and returns nil. The caller
// defers finish, and calls done instead of the package's done.
func (s *server) submitOnce(w http.ResponseWriter, r *http.Request, fallback string) *submission {
	a := accountOf(r.Context())
	sub := &submission{s: s, account: a.ID, key: r.PostForm.Get("once")}
	if sub.key == "" {
		sub.unclaimed = true
		return sub
	}
	deadline := time.Now().Add(onceWait)
	for {
		first, path, err := s.accounts.ClaimSubmission(r.Context(), sub.account, sub.key, onceTTL)
		if err != nil {
			s.fail(w, r, err)
			return nil
		}
		if first {
			return sub
		}
		if path != "" || time.Now().After(deadline) {
			if path == "" {
				path = fallback
			}
			http.Redirect(w, r, path, http.StatusSeeOther)
			return nil
		}
		select {
		case <-r.Context().Done():
			return nil
		case <-time.After(oncePoll):
		}
	}
}

// done redirects to what the form made and remembers it for repeats.
func (sub *submission) done(w http.ResponseWriter, r *http.Request, path, flash string) {
	sub.path = withFlash(path, flash)
	http.Redirect(w, r, sub.path, http.StatusSeeOther)
}

// finish records where the form led, or releases the key when it led
// nowhere (refused, to be corrected and sent again).
func (sub *submission) finish(r *http.Request) {
	if sub.unclaimed {
		return
	}
	// Recorded even when the request's context has ended: a repeat is
	// waiting for it.
	ctx := context.WithoutCancel(r.Context())
	if err := sub.s.accounts.FinishSubmission(ctx, sub.account, sub.key, sub.path, onceTTL); err != nil {
		sub.s.log.WarnContext(ctx, "console: a sent form could not be recorded", "err", err)
	}
}
