// Package httpapi serves the service's own HTTP routes: health and
// readiness probes, Prometheus metrics and the coordinators' REST API under
// /api/. Platform webhooks are other packages' handlers, mounted by the
// caller on the returned mux.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"time"

	"tsunagu/bot"
)

// Options configure New. Catalog and Profiles are required for the API.
type Options struct {
	// AdminToken is the bearer token of /api/. Empty refuses every API
	// request: the API fails closed.
	AdminToken string
	Catalog    *bot.Catalog
	Profiles   bot.ProfileStore
	// Ready reports whether the service can take traffic (Redis answers a
	// ping). Nil means always ready.
	Ready func(ctx context.Context) error
	// Metrics serves GET /metrics; nil leaves the route out.
	Metrics http.Handler
	// Now is the clock; nil means time.Now. Location is the service time
	// zone, for times written out as text (CSV); nil means time.Local.
	Now      func() time.Time
	Location *time.Location
	Logger   *slog.Logger
	// API adds routes under /api/, such as "POST /api/tasks": they are
	// served behind the bearer token, with request logging, panic recovery
	// and JSON 404/405 answers, like the built-in API routes.
	API map[string]http.Handler
	// Tasks serves /api/tasks and Sessions /api/sessions; nil leaves the
	// routes out.
	Tasks      TaskService
	Sessions   SessionService
	Broadcasts BroadcastService
	// Outcomes serves POST /api/tasks/{id}/completions and .../offers, and
	// Reports GET /api/reports; nil leaves the routes out.
	Outcomes TaskOutcomes
	Reports  Reports
	// Conversations serves /api/conversations; nil leaves the routes out.
	Conversations ConversationService
	// Notices, if set, serves GET /api/notices.
	Notices NoticeBoard
	// Jobs are run by POST /api/jobs/{name}/run.
	Jobs map[string]Job
	// Imports, if set, serves POST /api/profiles/import (CSV).
	Imports ProfileImporter
	// ProfileChanged, if set, is told about an imported profile before
	// the answer, so that a task created next can already match it.
	ProfileChanged func(ctx context.Context, id string)
	// Mount adds public routes, such as "POST /line/webhook", with request
	// logging and panic recovery. Handlers registered directly on the
	// returned mux get neither.
	Mount map[string]http.Handler
}

// lister is the task service when it can list tasks.
func lister(t TaskService) TaskLister {
	l, _ := t.(TaskLister)
	return l
}

// server holds the dependencies the handlers share.
type server struct {
	token         string
	catalog       *bot.Catalog
	profiles      bot.ProfileStore
	imports       ProfileImporter
	ready         func(ctx context.Context) error
	tasks         TaskService
	sessions      SessionService
	broadcasts    BroadcastService
	conversations ConversationService
	outcomes      TaskOutcomes
	reports       Reports
	lister        TaskLister
	notices       NoticeBoard
	jobs          map[string]Job
	changed       func(ctx context.Context, id string)
	now           func() time.Time
	loc           *time.Location
	log           *slog.Logger
}

// New returns a mux with every route. The caller may register more
// handlers on it; patterns under /api/ belong in Options.API so that they
// stay behind the token. Like http.ServeMux.Handle, New panics when an
// Options pattern is malformed or conflicts with another.
func New(o Options) *http.ServeMux {
	s := &server{
		token:         o.AdminToken,
		catalog:       o.Catalog,
		profiles:      o.Profiles,
		imports:       o.Imports,
		ready:         o.Ready,
		tasks:         o.Tasks,
		sessions:      o.Sessions,
		broadcasts:    o.Broadcasts,
		conversations: o.Conversations,
		outcomes:      o.Outcomes,
		lister:        lister(o.Tasks),
		reports:       o.Reports,
		notices:       o.Notices,
		jobs:          o.Jobs,
		changed:       o.ProfileChanged,
		now:           o.Now,
		loc:           o.Location,
		log:           o.Logger,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.loc == nil {
		s.loc = time.Local
	}

	api := http.NewServeMux()
	api.HandleFunc("GET /api/catalog", s.getCatalog)
	api.HandleFunc("POST /api/profiles", s.createProfile)
	api.HandleFunc("GET /api/profiles", s.listProfiles)
	api.HandleFunc("GET /api/profiles/{id}", s.getProfile)
	if s.imports != nil {
		// No conflict with GET /api/profiles/{id}: the methods differ, and
		// no profile ID can be "import".
		api.HandleFunc("POST /api/profiles/import", s.importProfiles)
	}
	if s.tasks != nil {
		api.HandleFunc("POST /api/tasks", s.createTask)
		api.HandleFunc("GET /api/tasks/{id}", s.getTask)
		api.HandleFunc("POST /api/tasks/{id}/cancel", s.cancelTask)
	}
	if s.lister != nil {
		api.HandleFunc("GET /api/tasks", s.listTasks)
	}
	if _, ok := s.tasks.(TaskEditor); ok {
		api.HandleFunc("PATCH /api/tasks/{id}", s.editTask)
	}
	if s.outcomes != nil {
		api.HandleFunc("POST /api/tasks/{id}/completions", s.recordCompletion)
		api.HandleFunc("POST /api/tasks/{id}/offers", s.offerToNamed)
	}
	if s.reports != nil {
		api.HandleFunc("GET /api/reports", s.getReport)
	}
	if s.sessions != nil {
		api.HandleFunc("POST /api/sessions", s.createSession)
		api.HandleFunc("GET /api/sessions/{id}", s.getSession)
		api.HandleFunc("POST /api/sessions/{id}/rsvps", s.addRSVP)
		api.HandleFunc("POST /api/sessions/{id}/cancel", s.cancelSession)
	}
	if s.broadcasts != nil {
		api.HandleFunc("POST /api/broadcasts", s.createBroadcast)
		api.HandleFunc("GET /api/broadcasts", s.listBroadcasts)
		api.HandleFunc("GET /api/broadcasts/{id}", s.getBroadcast)
		api.HandleFunc("POST /api/broadcasts/{id}/cancel", s.cancelBroadcast)
	}
	if s.conversations != nil {
		api.HandleFunc("GET /api/conversations", s.listConversations)
		api.HandleFunc("POST /api/conversations/{id}/messages", s.postConversationMessage)
		api.HandleFunc("POST /api/conversations/{id}/close", s.closeConversation)
	}
	if s.notices != nil {
		api.HandleFunc("GET /api/notices", s.listNotices)
	}
	api.HandleFunc("POST /api/jobs/{name}/run", s.runJob)
	for pattern, h := range o.API {
		api.Handle(pattern, h)
	}

	mux := http.NewServeMux()
	apiHandler := s.observe(s.authorize(routeJSON(api)))
	mux.Handle("/api/", apiHandler)
	mux.Handle("/api", apiHandler) // rather than the mux's HTML redirect
	s.probe(mux, "/healthz", http.HandlerFunc(s.healthz))
	s.probe(mux, "/readyz", http.HandlerFunc(s.readyz))
	if o.Metrics != nil {
		s.probe(mux, "/metrics", o.Metrics)
	}
	allowed := map[string][]string{} // path → the methods mounted on it
	for pattern, h := range o.Mount {
		mux.Handle(pattern, s.observe(h))
		if method, path, ok := strings.Cut(pattern, " "); ok && strings.HasPrefix(path, "/") && !strings.HasSuffix(path, "/") {
			allowed[path] = append(allowed[path], method)
		}
	}
	// A webhook asked with another method (GET /line/webhook) answers a
	// JSON 405 as the API does, not the mux's plain text.
	for path, methods := range allowed {
		allow := strings.Join(sortStrings(methods), ", ")
		mux.Handle(path, s.observe(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			WriteError(w, r, bot.Errorf(errMethod, "method %s not allowed", r.Method))
		})))
	}
	return mux
}

// probe registers a GET-only route, answering other methods with a JSON 405
// rather than the mux's plain-text one.
func (s *server) probe(mux *http.ServeMux, path string, h http.Handler) {
	mux.Handle("GET "+path, s.observe(h))
	mux.Handle(path, s.observe(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET, HEAD")
		WriteError(w, r, bot.Errorf(errMethod, "method %s not allowed", r.Method))
	})))
}

func sortStrings(s []string) []string {
	sort.Strings(s)
	return s
}
