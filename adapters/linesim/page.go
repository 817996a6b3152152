package linesim

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"strconv"
	"time"
)

//go:embed page
var pageFiles embed.FS

// maxLongPoll bounds one long-poll of the chat page.
const maxLongPoll = 25 * time.Second

// PageHandler serves the chat page and the JSON endpoints behind it:
//
//	GET  /                         the page (?user=U... opens that person)
//	GET  /sim/line/static/...      its script and style
//	GET  /sim/line/users           {"users":[User...]}
//	POST /sim/line/users           {"userId"?, "displayName"} → User
//	POST /sim/line/follow          {"user", "displayName"?}
//	POST /sim/line/unfollow        {"user"}
//	POST /sim/line/say             {"user", "text"}
//	POST /sim/line/tap             {"user", "data", "displayText"?, "label"?}
//	GET  /sim/line/messages?user=&after=&wait=&loading=
//
// messages answers the chat entries after seq `after`; with wait (seconds,
// at most 25) it waits for something new first. The page uses relative
// URLs, so it also works under http.StripPrefix. A POST a browser sends
// from another origin is refused with 403.
func (s *Sim) PageHandler() http.Handler {
	static, err := fs.Sub(pageFiles, "page")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		securePage(w)
		http.ServeFileFS(w, r, static, "index.html")
	})
	mux.Handle("GET /sim/line/static/", http.StripPrefix("/sim/line/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /sim/line/users", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"users": s.Users()})
	})
	mux.HandleFunc("POST /sim/line/users", s.pageAddUser)
	mux.HandleFunc("POST /sim/line/follow", s.pageAction(func(ctx context.Context, a pageRequest) error {
		return s.Follow(ctx, a.User, a.DisplayName)
	}))
	mux.HandleFunc("POST /sim/line/unfollow", s.pageAction(func(ctx context.Context, a pageRequest) error {
		return s.Unfollow(ctx, a.User)
	}))
	mux.HandleFunc("POST /sim/line/say", s.pageAction(func(ctx context.Context, a pageRequest) error {
		return s.Say(ctx, a.User, a.Text)
	}))
	mux.HandleFunc("POST /sim/line/tap", s.pageAction(func(ctx context.Context, a pageRequest) error {
		return s.tap(ctx, a.User, Button{Data: a.Data, Label: a.Label, DisplayText: a.DisplayText}, true)
	}))
	mux.HandleFunc("GET /sim/line/messages", s.pageMessages)
	return sameOrigin(mux)
}

// sameOrigin refuses state-changing requests that a browser sends from
// another origin: the page's endpoints have no login, so without it any web
// site open in the same browser could post as the simulated people (and,
// through them, reach the service). Requests without browser headers
// (curl, tests) pass, as do the page's own.
func sameOrigin(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writePageError(w, http.StatusForbidden, "cross-origin request refused")
	}))
	return cop.Handler(h)
}

// securePage keeps the page to its own files: bot text can never run as
// script, and it loads nothing from elsewhere except images the bot sent.
func securePage(w http.ResponseWriter) {
	w.Header().Set("Content-Security-Policy",
		"default-src 'self'; img-src 'self' https: http: data:; script-src 'self'; style-src 'self'; "+
			"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
}

// pageRequest is the body of the page's POSTs.
type pageRequest struct {
	User        string `json:"user"`
	UserID      string `json:"userId"`
	DisplayName string `json:"displayName"`
	Text        string `json:"text"`
	Data        string `json:"data"`
	Label       string `json:"label"`
	DisplayText string `json:"displayText"`
}

func readPageRequest(w http.ResponseWriter, r *http.Request) (pageRequest, bool) {
	var a pageRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&a); err != nil {
		writePageError(w, http.StatusBadRequest, "bad request: "+err.Error())
		return a, false
	}
	return a, true
}

func (s *Sim) pageAddUser(w http.ResponseWriter, r *http.Request) {
	a, ok := readPageRequest(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	_, existed := s.users[a.UserID]
	s.mu.Unlock()
	u, err := s.AddUser(a.UserID, a.DisplayName)
	if err != nil {
		writePageError(w, http.StatusBadRequest, err.Error())
		return
	}
	status := http.StatusCreated
	if existed {
		status = http.StatusOK
	}
	writeJSON(w, status, u)
}

// pageAction runs one user action for the page and tells it how it went.
func (s *Sim) pageAction(do func(context.Context, pageRequest) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, ok := readPageRequest(w, r)
		if !ok {
			return
		}
		err := do(r.Context(), a)
		var werr *WebhookError
		switch {
		case err == nil:
			writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
		case errors.As(err, &werr):
			writePageError(w, http.StatusBadGateway, err.Error())
		case errors.Is(err, ErrBlocked):
			writePageError(w, http.StatusConflict, err.Error())
		case errors.Is(err, ErrUnknownUser):
			writePageError(w, http.StatusNotFound, err.Error())
		case errors.Is(err, ErrInvalid):
			writePageError(w, http.StatusBadRequest, err.Error())
		case errors.Is(err, ErrNoWebhook):
			writePageError(w, http.StatusServiceUnavailable, err.Error())
		case errors.Is(err, context.Canceled):
			writePageError(w, http.StatusRequestTimeout, err.Error())
		default:
			// The bot could not be reached at all.
			writePageError(w, http.StatusBadGateway, err.Error())
		}
	}
}

// pageChat is the answer of GET /sim/line/messages.
type pageChat struct {
	User    User    `json:"user"`
	Entries []entry `json:"entries"`
	// Loading is the loading animation the bot started; LoadingMS is how
	// much longer it runs.
	Loading   bool  `json:"loading"`
	LoadingMS int64 `json:"loadingMs"`
}

func (s *Sim) pageMessages(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	id := q.Get("user")
	after, _ := strconv.Atoi(q.Get("after"))
	waitSecs, _ := strconv.Atoi(q.Get("wait"))
	wait := min(time.Duration(max(waitSecs, 0))*time.Second, maxLongPoll)
	shownLoading := q.Get("loading") == "1"

	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		chat, changed, ok := s.chatAfter(id, after)
		if !ok {
			writePageError(w, http.StatusNotFound, "unknown user "+id)
			return
		}
		if len(chat.Entries) > 0 || chat.Loading != shownLoading || wait == 0 {
			writeJSON(w, http.StatusOK, chat)
			return
		}
		select {
		case <-changed:
		case <-timer.C:
			wait = 0
		case <-s.closed:
			wait = 0
		case <-r.Context().Done():
			return
		}
	}
}

// chatAfter returns the user's chat after seq and the channel that is closed
// on the next change.
func (s *Sim) chatAfter(id string, after int) (pageChat, <-chan struct{}, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		return pageChat{}, nil, false
	}
	c := pageChat{User: u.public(), Entries: []entry{}}
	for _, e := range u.timeline {
		if e.Seq > after {
			c.Entries = append(c.Entries, e)
		}
	}
	if left := u.loadingUntil.Sub(s.now()); left > 0 {
		c.Loading, c.LoadingMS = true, left.Milliseconds()
	}
	return c, s.changed, true
}

func writePageError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
