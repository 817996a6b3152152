// Package console is the coordinators' web console under /console/: pages
// rendered on the server with html/template, in Japanese, large type for a
// desk or a tablet, with htmx (vendored, embedded like every asset: no
// network at run time) refreshing a task's fill and a broadcast's progress
// in place.
//
// Every page but the login and the set-password page needs a login: a
// cookie holding a random token, whose digest Redis keeps for twelve hours.
// Every form carries the login's CSRF token and every POST is also checked
// with net/http's cross-origin protection (Sec-Fetch-Site, Origin).
// Coordinators belong to an organization: they see what their organization
// made through the console (tasks, sessions, broadcasts) and every person;
// an admin sees everything and manages the accounts. Tasks are read from
// the task service, wherever they were made: a coordinator also sees the
// tasks no organization owns (posted through the API, Slack or the chat),
// which in a small program is work the coordinators share; another
// organization's tasks stay hidden (404).
//
// The console talks to the rest of the service only through the small
// interfaces below, each defined for what its pages need. Named offers,
// recorded outcomes and reports are optional: when nil, their sections and
// pages are left out.
package console

import (
	"context"
	"log/slog"
	"time"

	"tsunagu/adapters/profilecsv"
	"tsunagu/bot"
)

// Accounts keeps coordinator accounts, logins, the audit log and what each
// organization made (adapters/redis.Accounts).
type Accounts interface {
	CreateCoordinator(ctx context.Context, c *bot.Coordinator) error
	FindCoordinator(ctx context.Context, id string) (*bot.Coordinator, error)
	FindCoordinatorByEmail(ctx context.Context, email string) (*bot.Coordinator, error)
	FindCoordinators(ctx context.Context) ([]*bot.Coordinator, error)
	SetPasswordHash(ctx context.Context, id, hash string) error
	SetDisabled(ctx context.Context, id string, disabled bool) error

	CreateSetupToken(ctx context.Context, token, accountID string, ttl time.Duration) error
	PeekSetupToken(ctx context.Context, token string) (string, error)
	UseSetupToken(ctx context.Context, token string) (string, error)

	CreateLogin(ctx context.Context, token string, l bot.Login, ttl time.Duration) error
	FindLogin(ctx context.Context, token string) (*bot.Login, error)
	DeleteLogin(ctx context.Context, token string) error

	LoginFailures(ctx context.Context, subject string) (int, time.Duration, error)
	RecordLoginFailure(ctx context.Context, subject string, window time.Duration) (int, error)
	ClearLoginFailures(ctx context.Context, subject string) error

	Audit(ctx context.Context, e bot.AuditEntry) error

	// A form that makes something is handled once however often it is
	// sent (see submitOnce).
	ClaimSubmission(ctx context.Context, account, once string, ttl time.Duration) (first bool, path string, err error)
	FinishSubmission(ctx context.Context, account, once, path string, ttl time.Duration) error

	RecordMade(ctx context.Context, kind, id, org string, at time.Time) error
	Owner(ctx context.Context, kind, id string) (string, error)
	Owners(ctx context.Context, kind string, ids []string) (map[string]string, error)
	Made(ctx context.Context, kind, org string, from, to time.Time, limit int64) ([]string, error)
}

// Tasks makes, lists, shows and cancels tasks (bot.TaskService).
type Tasks interface {
	CreateTask(ctx context.Context, t *bot.Task) (*bot.Task, error)
	// CreateSeries makes a weekly series: one task per date from t's to
	// until (inclusive).
	CreateSeries(ctx context.Context, t *bot.Task, until time.Time) ([]*bot.Task, error)
	// ListTasks lists the tasks starting on the dates from..to
	// (YYYY-MM-DD, inclusive, in the service zone), soonest first,
	// wherever they were made.
	ListTasks(ctx context.Context, from, to string) ([]*bot.TaskView, error)
	FindTask(ctx context.Context, id string) (*bot.TaskView, error)
	// EditTask changes a task's words and headcount.
	EditTask(ctx context.Context, id string, e bot.TaskEdit) (*bot.TaskView, error)
	CancelTask(ctx context.Context, id string) (*bot.TaskView, error)
}

// Sessions makes and shows sessions (bot.SessionService).
type Sessions interface {
	CreateSession(ctx context.Context, s *bot.Session) (*bot.SessionView, error)
	FindSession(ctx context.Context, id string) (*bot.SessionView, error)
	CancelSession(ctx context.Context, id string) (*bot.SessionView, error)
	// Upcoming lists the sessions made anywhere (the API, Slack) that
	// start after since: an admin sees them too.
	Upcoming(ctx context.Context, since time.Time) ([]*bot.Session, error)
}

// Broadcasts counts an audience, sends and follows broadcasts
// (bot.BroadcastService).
type Broadcasts interface {
	Recipients(ctx context.Context, aud bot.Audience) (bot.Recipients, error)
	CreateBroadcast(ctx context.Context, bc *bot.Broadcast) (*bot.BroadcastView, error)
	FindBroadcast(ctx context.Context, id string) (*bot.BroadcastView, error)
	CancelBroadcast(ctx context.Context, id string) (*bot.BroadcastView, error)
}

// Talks are the conversations people opened with the coordinators
// (bot.TalkService).
type Talks interface {
	FindTalks(ctx context.Context, open bool) ([]bot.TalkView, error)
	WriteToPerson(ctx context.Context, profileID, text string) error
	CloseTalk(ctx context.Context, profileID string) error
}

// People finds and registers people (the Redis store).
type People interface {
	CreateProfile(ctx context.Context, p *bot.Profile) error
	FindProfile(ctx context.Context, id string) (*bot.Profile, error)
	FindProfiles(ctx context.Context, f bot.ProfileFilter) ([]*bot.Profile, error)
}

// Notices reads the coordinators' notices, newest first (the Redis
// notice board).
type Notices interface {
	Notices(ctx context.Context, limit int) ([]bot.Notice, error)
}

// Plans reads a person's conversation, which holds what they said yes to
// (the Redis store's Load; eventID empty).
type Plans interface {
	Load(ctx context.Context, profileID, eventID string) (bot.Snapshot, error)
}

// NamedOffers offers a task to a named person (a 指名 offer, as POST
// /api/tasks/{id}/offers does; bot.TaskService). The task page shows its
// form, with the active people by name, when set.
type NamedOffers interface {
	OfferTo(ctx context.Context, taskID, profileID string) (*bot.TaskView, error)
}

// Outcomes records or corrects whether an accepted person did the task
// and for how long (POST /api/tasks/{id}/completions; bot.TaskService).
// hours nil keeps the hours recorded, else the task's length. The task
// page shows a form per accepted person once the task has started.
type Outcomes interface {
	RecordResult(ctx context.Context, taskID, profileID string, status bot.Completion, hours *float64) (*bot.TaskView, error)
}

// Reports computes the figures programs report for a period of inclusive
// dates, empty meaning the current fiscal year (GET /api/reports;
// bot.ReportService). The reports page and its CSV are shown when set.
type Reports interface {
	Report(ctx context.Context, from, to string) (*bot.Report, error)
	ReportOf(ctx context.Context, from, to string, keep bot.ReportKeep) (*bot.Report, error)
}

// Imports registers or updates the people of a CSV import
// (redis.Store.ImportProfile, as POST /api/profiles/import uses).
type Imports = profilecsv.Importer

// Options configure New. Accounts, Catalog, People, Tasks, Sessions,
// Broadcasts, Talks and Handle are required.
type Options struct {
	Accounts   Accounts
	Catalog    *bot.Catalog
	People     People
	Tasks      Tasks
	Sessions   Sessions
	Broadcasts Broadcasts
	Talks      Talks
	// Handle runs an event through the person's conversation, in order
	// with their own events: pausing, resuming and deleting a person go
	// the same way as when they do it in the chat.
	Handle func(ctx context.Context, in bot.Inbound) error
	// ProfileChanged, if set, is told about a person registered here, so
	// that a task posted next can match them at once.
	ProfileChanged func(ctx context.Context, id string)

	// Optional parts; nil leaves them out.
	NamedOffers NamedOffers
	Outcomes    Outcomes
	Reports     Reports
	// Imports, when set, shows 「CSVで取り込む」 on the people page.
	Imports Imports
	// Plans, when set, lists on a person's page and on their deletion
	// page the tasks and sessions they said yes to.
	Plans Plans
	// Notices, when set, lists the coordinators' latest notices (a
	// cancellation, a task filled or short, someone unreachable) on the
	// first page.
	Notices Notices

	// SecureCookies marks the login cookie Secure (serve, behind HTTPS).
	SecureCookies bool
	// BaseURL is where the service is reached from outside
	// ("https://tsunagu.example"), for the set-password links an admin
	// hands out. Without it a link is on the address the admin's browser
	// used, which is where the console is reached.
	BaseURL  string
	Location *time.Location
	Now      func() time.Time
	NewID    func() string
	Logger   *slog.Logger
}

// Prefix is where the console is mounted.
const Prefix = "/console/"
