package slacksim

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

const (
	// maxLongPoll bounds one long-poll of the page.
	maxLongPoll = 25 * time.Second
	// pageMessages is how many of a conversation's newest messages the
	// page gets.
	pageMessages = 200
)

// PageHandler serves the workspace page and the JSON endpoints behind it:
//
//	GET  /                  the page (?user=U... opens that person)
//	GET  /ui/static/...     its script and style
//	GET  /ui/people         {"people":[Person...]}
//	POST /ui/people         {"id"?, "realName", "displayName"?, "coordinator"?} → Person
//	GET  /ui/state?user=&after=&wait=
//	POST /ui/send           {"user", "channel", "text"}: a slash command when text starts with /
//	POST /ui/app            {"user", "tab"}: the app's Home or Messages tab opened
//	POST /ui/action         {"user", "action":Action, "entered"?}
//	POST /ui/submit         {"user", "viewId", "entered"}
//	POST /ui/close          {"user", "viewId", "entered"?}
//
// state answers everything the person sees once the workspace has changed
// since version `after`; with wait (seconds, at most 25) it waits for a
// change first. The page uses relative URLs, so it works under
// http.StripPrefix (the playground serves it at /slacksim/). A POST a
// browser sends from another origin is refused with 403.
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
	mux.Handle("GET /ui/static/", http.StripPrefix("/ui/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /ui/people", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, object{"people": s.People()})
	})
	mux.HandleFunc("POST /ui/people", s.pageAddPerson)
	mux.HandleFunc("GET /ui/state", s.pageState)
	mux.HandleFunc("POST /ui/send", s.pageAction(func(ctx context.Context, a pageRequest) error {
		if len(a.Text) > 0 && a.Text[0] == '/' {
			return s.Command(ctx, a.User, a.Channel, a.Text)
		}
		return s.Say(ctx, a.User, a.Channel, a.Text)
	}))
	mux.HandleFunc("POST /ui/app", s.pageAction(func(ctx context.Context, a pageRequest) error {
		if a.Tab != "home" && a.Tab != "messages" {
			return ErrInvalid
		}
		return s.openApp(ctx, a.User, a.Tab)
	}))
	mux.HandleFunc("POST /ui/action", s.pageAction(func(ctx context.Context, a pageRequest) error {
		return s.act(ctx, a.User, a.Action, a.Entered)
	}))
	mux.HandleFunc("POST /ui/submit", s.pageAction(func(ctx context.Context, a pageRequest) error {
		return s.submit(ctx, a.User, a.ViewID, func(*view) (Entered, error) { return a.Entered, nil })
	}))
	mux.HandleFunc("POST /ui/close", s.pageAction(func(ctx context.Context, a pageRequest) error {
		return s.closeModal(ctx, a.User, a.ViewID, a.Entered)
	}))
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
// script, and it loads nothing from elsewhere except images in blocks.
func securePage(w http.ResponseWriter) {
	w.Header().Set("Content-Security-Policy",
		"default-src 'self'; img-src 'self' https: http: data:; script-src 'self'; style-src 'self'; "+
			"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
}

// pageRequest is the body of the page's POSTs.
type pageRequest struct {
	User        string  `json:"user"`
	ID          string  `json:"id"`
	RealName    string  `json:"realName"`
	DisplayName string  `json:"displayName"`
	Coordinator bool    `json:"coordinator"`
	Channel     string  `json:"channel"`
	Text        string  `json:"text"`
	Tab         string  `json:"tab"`
	Action      Action  `json:"action"`
	ViewID      string  `json:"viewId"`
	Entered     Entered `json:"entered"`
}

func readPageRequest(w http.ResponseWriter, r *http.Request) (pageRequest, bool) {
	var a pageRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 256<<10)).Decode(&a); err != nil {
		writePageError(w, http.StatusBadRequest, "bad request: "+err.Error())
		return a, false
	}
	return a, true
}

func (s *Sim) pageAddPerson(w http.ResponseWriter, r *http.Request) {
	a, ok := readPageRequest(w, r)
	if !ok {
		return
	}
	p, err := s.AddPerson(a.ID, a.RealName, a.DisplayName, a.Coordinator)
	if err != nil {
		writePageError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, p)
}

// pageAction runs one action of a person for the page and tells it how it
// went.
func (s *Sim) pageAction(do func(context.Context, pageRequest) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, ok := readPageRequest(w, r)
		if !ok {
			return
		}
		err := do(r.Context(), a)
		var (
			serr *ServiceError
			ierr *InputError
		)
		switch {
		case err == nil:
			writeJSON(w, http.StatusOK, object{"ok": true})
		case errors.As(err, &ierr):
			writeJSON(w, http.StatusUnprocessableEntity, object{"error": "入力を確認してください", "errors": ierr.Errors})
		case errors.As(err, &serr):
			writePageError(w, http.StatusBadGateway, err.Error())
		case errors.Is(err, ErrUnknownPerson), errors.Is(err, ErrNotFound):
			writePageError(w, http.StatusNotFound, err.Error())
		case errors.Is(err, ErrInvalid):
			writePageError(w, http.StatusBadRequest, err.Error())
		case errors.Is(err, ErrNoService):
			writePageError(w, http.StatusServiceUnavailable, err.Error())
		default:
			// The service could not be reached at all.
			writePageError(w, http.StatusBadGateway, err.Error())
		}
	}
}

func writePageError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, object{"error": msg})
}

// pageView is a modal or Home tab for the page.
type pageView struct {
	ID           string            `json:"id"`
	Type         string            `json:"type"`
	Hash         string            `json:"hash"`
	Title        json.RawMessage   `json:"title,omitempty"`
	Submit       json.RawMessage   `json:"submit,omitempty"`
	Close        json.RawMessage   `json:"close,omitempty"`
	Blocks       []object          `json:"blocks"`
	Errors       map[string]string `json:"errors,omitempty"`
	Entered      Entered           `json:"entered,omitempty"`
	Failure      string            `json:"failure,omitempty"`
	ClearOnClose bool              `json:"clearOnClose,omitempty"`
}

func (v *view) page() *pageView {
	return &pageView{ID: v.id, Type: v.typ, Hash: v.hash, Title: v.title, Submit: v.submit, Close: v.close,
		Blocks: v.blocks, Errors: v.errors, Entered: v.entered, Failure: v.failure, ClearOnClose: v.clearOnClose}
}

// pageChannel is a conversation for the page.
type pageChannel struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Kind     string    `json:"kind"`
	Purpose  string    `json:"purpose,omitempty"`
	Members  []string  `json:"members"`
	Messages []Message `json:"messages"`
}

// pageSnapshot is everything one person sees.
type pageSnapshot struct {
	Version    int64         `json:"version"`
	Me         Person        `json:"me"`
	People     []Person      `json:"people"`
	Channels   []pageChannel `json:"channels"`
	Home       *pageView     `json:"home"`
	Modal      *pageView     `json:"modal"`
	ModalDepth int           `json:"modalDepth"`
	Bot        object        `json:"bot"`
}

func (s *Sim) pageState(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	waitSecs, _ := strconv.Atoi(q.Get("wait"))
	wait := min(time.Duration(max(waitSecs, 0))*time.Second, maxLongPoll)
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		snap, changed, ok := s.snapshot(q.Get("user"), after)
		if !ok {
			writePageError(w, http.StatusNotFound, "unknown person "+q.Get("user"))
			return
		}
		if snap != nil || wait == 0 {
			if snap == nil {
				snap, _, _ = s.snapshot(q.Get("user"), -1)
			}
			writeJSON(w, http.StatusOK, snap)
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

// snapshot describes what the person sees, or nil when nothing changed
// since version after, with the channel closed on the next change.
func (s *Sim) snapshot(personID string, after int64) (*pageSnapshot, <-chan struct{}, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.people[personID]
	if !ok {
		return nil, nil, false
	}
	if s.version <= after {
		return nil, s.changed, true
	}
	snap := &pageSnapshot{Version: s.version, Me: s.publicLocked(p), People: []Person{}, Channels: []pageChannel{},
		Bot: object{"id": BotUserID, "name": BotName}}
	for _, id := range s.order {
		snap.People = append(snap.People, s.publicLocked(s.people[id]))
	}
	for _, id := range append(append([]string(nil), s.chanOrder...), DMChannel(p.ID)) {
		c := s.channels[id]
		if id == DMChannel(p.ID) {
			c = s.dmLocked(p.ID)
		}
		if !c.isMember(p.ID) {
			continue
		}
		pc := pageChannel{ID: c.id, Name: c.name, Kind: c.kind, Purpose: c.purpose,
			Members: append([]string{BotUserID}, c.members...), Messages: []Message{}}
		for _, m := range c.msgs {
			if !m.Ephemeral || m.VisibleTo == p.ID {
				pc.Messages = append(pc.Messages, *m)
			}
		}
		pc.Messages = pc.Messages[max(0, len(pc.Messages)-pageMessages):]
		snap.Channels = append(snap.Channels, pc)
	}
	if v, ok := s.views[p.home]; ok {
		snap.Home = v.page()
	}
	if v, ok := s.topModalLocked(p); ok {
		snap.Modal, snap.ModalDepth = v.page(), len(p.modals)
	}
	return snap, s.changed, true
}
