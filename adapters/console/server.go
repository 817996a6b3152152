package console

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"tsunagu/bot"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// server holds what the handlers share.
type server struct {
	accounts   Accounts
	catalog    *bot.Catalog
	people     People
	tasks      Tasks
	sessions   Sessions
	broadcasts Broadcasts
	talks      Talks
	handle     func(ctx context.Context, in bot.Inbound) error
	changed    func(ctx context.Context, id string)
	offers     NamedOffers
	outcomes   Outcomes
	plans      Plans
	notices    Notices
	reports    Reports
	imports    Imports
	secure     bool
	baseURL    string
	loc        *time.Location
	now        func() time.Time
	newID      func() string
	log        *slog.Logger
	pages      map[string]*template.Template
}

// New returns the console's handler, to be mounted at Prefix. It panics
// when a template does not parse (a programming error, caught by tests).
func New(o Options) http.Handler {
	s := &server{
		accounts: o.Accounts, catalog: o.Catalog, people: o.People, tasks: o.Tasks, sessions: o.Sessions,
		broadcasts: o.Broadcasts, talks: o.Talks, handle: o.Handle, changed: o.ProfileChanged,
		offers: o.NamedOffers, outcomes: o.Outcomes, plans: o.Plans, notices: o.Notices, reports: o.Reports, imports: o.Imports,
		secure: o.SecureCookies, baseURL: o.BaseURL, loc: o.Location, now: o.Now, newID: o.NewID, log: o.Logger,
	}
	if s.loc == nil {
		s.loc = time.Local
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.pages = s.parsePages()

	open := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	open.Handle("GET "+Prefix+"static/", http.StripPrefix(Prefix+"static/", cacheStatic(http.FileServerFS(static))))
	open.HandleFunc("GET "+Prefix+"login", s.loginForm)
	open.HandleFunc("POST "+Prefix+"login", s.login)
	open.HandleFunc("GET "+Prefix+"setup", s.setupForm)
	open.HandleFunc("POST "+Prefix+"setup", s.setup)

	in := http.NewServeMux()
	route := func(pattern string, h http.HandlerFunc) { in.HandleFunc(pattern, h) }
	route("GET "+Prefix+"{$}", s.today)
	route("POST "+Prefix+"logout", s.logout)
	s.taskRoutes(route)
	s.sessionRoutes(route)
	s.broadcastRoutes(route)
	s.peopleRoutes(route)
	s.peopleCSVRoutes(route)
	s.talkRoutes(route)
	route("GET "+Prefix+"coordinators", s.requireAdmin(s.coordinatorList))
	route("POST "+Prefix+"coordinators", s.requireAdmin(s.coordinatorAdd))
	route("POST "+Prefix+"coordinators/{id}/disable", s.requireAdmin(s.coordinatorDisable))
	route("POST "+Prefix+"coordinators/{id}/enable", s.requireAdmin(s.coordinatorEnable))
	s.reportRoutes(route)
	in.HandleFunc(Prefix, func(w http.ResponseWriter, r *http.Request) {
		s.renderStatus(w, r, http.StatusNotFound, ja.NotFound)
	})
	open.Handle(Prefix, s.requireLogin(in))

	// Browsers say where a POST comes from (Sec-Fetch-Site, Origin): one
	// from another site is refused before any handler, on top of the
	// forms' tokens.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderStatus(w, r, http.StatusForbidden, ja.Forbidden)
	}))
	return securityHeaders(cop.Handler(limitBody(open)))
}

// securityHeaders: no framing, no sniffing, no referrer beyond the site,
// and scripts and styles only from the console itself.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// maxForm bounds a form's body: a broadcast of 5,000 characters and its
// audience fit many times over. The one upload (a CSV of people) may be
// maxUpload, with room for the form around it.
const maxForm = 256 << 10

func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := int64(maxForm)
		if r.URL.Path == uploadPath {
			limit = maxUpload + 64<<10
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

func cacheStatic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

// pageNames are the templates under templates/, each a page rendered in
// the layout.
var pageNames = []string{
	"login", "setup", "status", "today",
	"tasks", "task_new", "task", "task_cancel", "task_edit",
	"sessions", "session_new", "session", "session_cancel",
	"broadcasts", "broadcast_new", "broadcast_confirm", "broadcast", "broadcast_cancel",
	"people", "person_new", "person", "person_edit", "person_delete", "people_import",
	"talks", "talk",
	"coordinators", "reports",
}

func (s *server) parsePages() map[string]*template.Template {
	out := map[string]*template.Template{}
	for _, name := range pageNames {
		t := template.New(name).Funcs(s.funcs())
		t = template.Must(t.ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
		out[name] = t
	}
	return out
}

// view is what the layout needs around a page.
type view struct {
	Title   string
	Account *account
	CSRF    string
	Section string
	Flash   string
	Reports bool
	Page    any
}

// render writes a page in the layout.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, name, title string, page any) {
	v := view{Title: title, Page: page, Reports: s.reports != nil, Flash: flashes[r.URL.Query().Get("done")]}
	if a := accountOf(r.Context()); a != nil {
		v.Account, v.CSRF = a, a.login.CSRF
	}
	v.Section, _, _ = strings.Cut(strings.TrimPrefix(r.URL.Path, Prefix), "/")
	s.write(w, r, status, name, "layout", v)
}

// fragment writes one named template of a page alone (an htmx swap).
func (s *server) fragment(w http.ResponseWriter, r *http.Request, name, block string, page any) {
	v := view{Page: page}
	if a := accountOf(r.Context()); a != nil {
		v.Account, v.CSRF = a, a.login.CSRF
	}
	s.write(w, r, http.StatusOK, name, block, v)
}

func (s *server) write(w http.ResponseWriter, r *http.Request, status int, name, block string, v view) {
	t, ok := s.pages[name]
	if !ok {
		panic("console: no page " + name)
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, block, v); err != nil {
		s.log.ErrorContext(r.Context(), "console: template failed", "page", name, "err", err)
		http.Error(w, ja.Internal, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = fmt.Fprint(w, b.String())
}

// renderStatus is a page with only a message (an error, a refusal).
func (s *server) renderStatus(w http.ResponseWriter, r *http.Request, status int, message string) {
	s.render(w, r, status, "status", statusTitle(status), message)
}

// statusTitle heads a status page in the coordinators' words, not
// net/http's English.
func statusTitle(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return ja.TitleLoginNeeded
	case http.StatusForbidden:
		return ja.TitleForbidden
	case http.StatusNotFound:
		return ja.TitleNotFound
	case http.StatusConflict, http.StatusUnprocessableEntity, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		return ja.TitleRefused
	case http.StatusServiceUnavailable:
		return ja.TitleUnavailable
	}
	return ja.TitleError
}

// fail answers an error by its code: not found 404, others 500 with a
// kind message; the error itself goes to the log only.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch bot.ErrorCode(err) {
	case bot.ENOTFOUND:
		s.renderStatus(w, r, http.StatusNotFound, ja.NotFound)
	case bot.ECONFLICT:
		s.renderStatus(w, r, http.StatusConflict, bot.ErrorJA(err))
	case bot.EUNPROCESSABLE, bot.EINVALID:
		// A refusal the service explains (a task that has ended cannot be
		// cancelled): said as such, not as a failure to try again.
		s.renderStatus(w, r, http.StatusUnprocessableEntity, bot.ErrorJA(err))
	case bot.EUNAVAILABLE:
		s.renderStatus(w, r, http.StatusServiceUnavailable, bot.ErrorJA(err))
	default:
		s.log.ErrorContext(r.Context(), "console: request failed", "pattern", r.Pattern, "err", err)
		s.renderStatus(w, r, http.StatusInternalServerError, ja.Internal)
	}
}

// done redirects after a POST to a page showing what happened.
func done(w http.ResponseWriter, r *http.Request, path, flash string) {
	http.Redirect(w, r, withFlash(path, flash), http.StatusSeeOther)
}

// withFlash is path with the note of what was done, if any.
func withFlash(path, flash string) string {
	if flash == "" {
		return path
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "done=" + flash
}
