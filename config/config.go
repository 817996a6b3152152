// Package config reads the service configuration from the environment and
// holds the default skill and area catalog.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	// The container is a static binary on a distroless base with no zoneinfo
	// on disk; without the embedded database TIMEZONE could not load.
	_ "time/tzdata"
)

// Defaults for variables that may be left unset.
const (
	DefaultHTTPAddr       = ":8080"
	DefaultLINEAPIBaseURL = "https://api.line.me"
	DefaultSlackAPIURL    = "https://slack.com/api/"
	DefaultTimezone       = "Asia/Tokyo"
	DefaultQuietHours     = "21:00-08:00"
	// DefaultRetentionDays keeps the details of ended tasks, sessions and
	// broadcasts for a fiscal-year report with a month to spare.
	DefaultRetentionDays = 400
)

// DefaultPlaygroundAddr is the playground's HTTP_ADDR default: its pages
// have no login, so it is open to this machine only unless told otherwise.
const DefaultPlaygroundAddr = "127.0.0.1:8080"

// Config is everything the service reads from its environment.
type Config struct {
	HTTPAddr string // HTTP_ADDR, listen address

	// Exactly one of RedisURL and RedisClusterAddrs is set in serve; both
	// are always empty in the playground, which runs on embedded Redis.
	RedisURL          string   // REDIS_URL, redis:// or rediss://
	RedisClusterAddrs []string // REDIS_CLUSTER_ADDRS, host:port seed nodes

	LINEChannelSecret      string // LINE_CHANNEL_SECRET
	LINEChannelAccessToken string // LINE_CHANNEL_ACCESS_TOKEN
	LINEAPIBaseURL         string // LINE_API_BASE_URL, without a trailing slash

	SlackSigningSecret      string // SLACK_SIGNING_SECRET
	SlackBotToken           string // SLACK_BOT_TOKEN
	SlackAPIURL             string // SLACK_API_URL, always with a trailing slash
	SlackCoordinatorChannel string // SLACK_COORDINATOR_CHANNEL, a channel ID

	AdminToken string // ADMIN_TOKEN, bearer token for /api/

	Location   *time.Location // TIMEZONE, the service time zone
	QuietHours QuietHours     // QUIET_HOURS, when offers and broadcasts wait
	// Retention is RETENTION_DAYS: how long the details of ended tasks,
	// sessions and broadcasts are kept before only anonymous counts remain.
	Retention time.Duration

	CatalogFile string // CATALOG_FILE, empty for the embedded catalog

	// OutboxConcurrency is OUTBOX_CONCURRENCY, how many sends each
	// replica's outbox worker has in flight at once; 0 leaves the
	// worker's default.
	OutboxConcurrency int

	// PublicURL is CONSOLE_URL, or else PUBLIC_URL: where coordinators
	// reach the service, for the console's set-password links.
	PublicURL string
}

// MaxOutboxConcurrency bounds OUTBOX_CONCURRENCY: more sends at once than
// this would only meet the platforms' rate limits.
const MaxOutboxConcurrency = 256

// LINEEnabled reports whether the LINE channel is configured.
func (c Config) LINEEnabled() bool {
	return c.LINEChannelSecret != "" && c.LINEChannelAccessToken != ""
}

// SlackEnabled reports whether the Slack app is configured.
func (c Config) SlackEnabled() bool {
	return c.SlackSigningSecret != "" && c.SlackBotToken != ""
}

// mode says how strict loading is.
type mode int

const (
	modeServe mode = iota
	modePlayground
)

// FromEnv reads the configuration for `serve`, where Redis, ADMIN_TOKEN and
// at least one complete platform are required. lookup is os.LookupEnv in
// production. It returns every problem at once, each a one-line message
// naming the variable; the Config must not be used when there are any.
func FromEnv(lookup func(string) (string, bool)) (Config, []error) {
	return load(lookup, modeServe)
}

// ForPlayground reads the configuration for `playground`. It checks what is
// set but requires nothing: the caller fills in the platform secrets and,
// when ADMIN_TOKEN is empty, an admin token. REDIS_URL and
// REDIS_CLUSTER_ADDRS are not read: the playground always runs on embedded
// Redis, so a shell set up for production cannot point it at production
// data (it would join the outbox group and send real entries through the
// simulators). HTTP_ADDR defaults to DefaultPlaygroundAddr.
func ForPlayground(lookup func(string) (string, bool)) (Config, []error) {
	return load(lookup, modePlayground)
}

func load(lookup func(string) (string, bool), m mode) (Config, []error) {
	r := &reader{lookup: lookup}
	addr := DefaultHTTPAddr
	if m == modePlayground {
		addr = DefaultPlaygroundAddr
	}
	c := Config{
		HTTPAddr:                r.withDefault("HTTP_ADDR", addr),
		LINEChannelSecret:       r.optional("LINE_CHANNEL_SECRET"),
		LINEChannelAccessToken:  r.optional("LINE_CHANNEL_ACCESS_TOKEN"),
		LINEAPIBaseURL:          r.withDefault("LINE_API_BASE_URL", DefaultLINEAPIBaseURL),
		SlackSigningSecret:      r.optional("SLACK_SIGNING_SECRET"),
		SlackBotToken:           r.optional("SLACK_BOT_TOKEN"),
		SlackAPIURL:             r.withDefault("SLACK_API_URL", DefaultSlackAPIURL),
		SlackCoordinatorChannel: r.optional("SLACK_COORDINATOR_CHANNEL"),
		AdminToken:              r.optional("ADMIN_TOKEN"),
		CatalogFile:             r.optional("CATALOG_FILE"),
		PublicURL:               r.optional("CONSOLE_URL"),
	}
	if c.PublicURL == "" {
		c.PublicURL = r.optional("PUBLIC_URL")
	}

	if _, port, err := net.SplitHostPort(c.HTTPAddr); err != nil || port == "" {
		r.failf("HTTP_ADDR must be host:port such as %q, got %q", addr, c.HTTPAddr)
	}

	if m == modeServe {
		c.RedisURL = r.optional("REDIS_URL")
		c.RedisClusterAddrs = splitList(r.optional("REDIS_CLUSTER_ADDRS"))
	}
	switch {
	case c.RedisURL != "" && len(c.RedisClusterAddrs) > 0:
		r.failf("REDIS_URL and REDIS_CLUSTER_ADDRS are mutually exclusive: set one")
	case c.RedisURL == "" && len(c.RedisClusterAddrs) == 0 && m == modeServe:
		r.failf("REDIS_URL or REDIS_CLUSTER_ADDRS is required")
	}
	if c.RedisURL != "" {
		r.check(checkRedisURL(c.RedisURL))
	}
	for _, addr := range c.RedisClusterAddrs {
		if host, port, err := net.SplitHostPort(addr); err != nil || host == "" || port == "" {
			r.failf("REDIS_CLUSTER_ADDRS entry %q must be host:port", addr)
		}
	}

	r.check(checkHTTPURL("LINE_API_BASE_URL", c.LINEAPIBaseURL))
	// The LINE client appends paths such as /v2/bot/message/push.
	c.LINEAPIBaseURL = strings.TrimRight(c.LINEAPIBaseURL, "/")
	r.check(checkHTTPURL("SLACK_API_URL", c.SlackAPIURL))
	if !strings.HasSuffix(c.SlackAPIURL, "/") {
		// slack-go appends the method name directly: without the slash
		// "…/api" + "chat.postMessage" would be a wrong URL.
		c.SlackAPIURL += "/"
	}
	if strings.HasPrefix(c.SlackCoordinatorChannel, "#") {
		r.failf("SLACK_COORDINATOR_CHANNEL must be a channel ID such as C0123456789, not a name (%s)", c.SlackCoordinatorChannel)
	}

	if m == modeServe {
		r.pair("LINE_CHANNEL_SECRET", c.LINEChannelSecret, "LINE_CHANNEL_ACCESS_TOKEN", c.LINEChannelAccessToken)
		r.pair("SLACK_SIGNING_SECRET", c.SlackSigningSecret, "SLACK_BOT_TOKEN", c.SlackBotToken)
		// A half-set platform already has its own line from pair; only
		// report the missing platform when nothing at all was given.
		nothingSet := c.LINEChannelSecret == "" && c.LINEChannelAccessToken == "" &&
			c.SlackSigningSecret == "" && c.SlackBotToken == ""
		if nothingSet {
			r.failf("at least one of LINE (LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN) or Slack (SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN) must be configured")
		}
		if c.AdminToken == "" {
			r.failf("ADMIN_TOKEN is required")
		}
	}

	tz := r.withDefault("TIMEZONE", DefaultTimezone)
	var err error
	if c.Location, err = time.LoadLocation(tz); err != nil {
		r.failf("TIMEZONE %q is not a known time zone", tz)
		c.Location, _ = time.LoadLocation(DefaultTimezone)
	}

	qh, ok := lookup("QUIET_HOURS")
	switch {
	case !ok && m == modePlayground:
		// Someone trying the service at night should see offers and
		// broadcasts arrive; QUIET_HOURS=21:00-08:00 shows them held.
		qh = ""
	case !ok:
		qh = DefaultQuietHours
	}
	if c.QuietHours, err = parseQuietHours(qh); err != nil {
		r.failf("QUIET_HOURS %v", err)
	}

	days := r.withDefault("RETENTION_DAYS", strconv.Itoa(DefaultRetentionDays))
	if n, ok := digits(days); !ok || n < 1 || n > 3650 {
		r.failf("RETENTION_DAYS must be a number of days from 1 to 3650, got %q", days)
	} else {
		c.Retention = time.Duration(n) * 24 * time.Hour
	}

	if v := r.optional("OUTBOX_CONCURRENCY"); v != "" {
		n, ok := digits(v)
		if !ok || n < 1 || n > MaxOutboxConcurrency {
			r.failf("OUTBOX_CONCURRENCY must be a whole number from 1 to %d, got %q", MaxOutboxConcurrency, v)
		} else {
			c.OutboxConcurrency = n
		}
	}

	return c, r.errs
}

// reader reads variables and collects problems, so that an operator sees
// all of them in one run instead of fixing them one restart at a time.
type reader struct {
	lookup func(string) (string, bool)
	errs   []error
}

func (r *reader) failf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf(format, args...))
}

func (r *reader) check(err error) {
	if err != nil {
		r.errs = append(r.errs, err)
	}
}

// optional returns the trimmed value, empty when unset. Set-but-empty counts
// as unset because compose files pass `${VAR:-}` through as empty strings.
// Trimming matters for secrets: a trailing newline from a secrets file
// would make every signature check fail without a clear reason.
func (r *reader) optional(name string) string {
	v, _ := r.lookup(name)
	return strings.TrimSpace(v)
}

// withDefault returns the value, or def when unset. A variable with a
// default that is set but empty is reported: silently using the default
// could hide a broken deployment template.
func (r *reader) withDefault(name, def string) string {
	v, ok := r.lookup(name)
	if !ok {
		return def
	}
	v = strings.TrimSpace(v)
	if v == "" {
		r.failf("%s is set but empty: unset it to use the default %q", name, def)
		return def
	}
	return v
}

// pair reports a problem when only one half of a credential is set.
func (r *reader) pair(nameA, a, nameB, b string) {
	switch {
	case a != "" && b == "":
		r.failf("%s is required when %s is set", nameB, nameA)
	case a == "" && b != "":
		r.failf("%s is required when %s is set", nameA, nameB)
	}
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// checkRedisURL validates REDIS_URL without echoing it: it may hold a
// password.
func checkRedisURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("REDIS_URL is not a valid URL")
	}
	if u.Scheme != "redis" && u.Scheme != "rediss" {
		return fmt.Errorf("REDIS_URL must start with redis:// or rediss://, got scheme %q", u.Scheme)
	}
	if u.Host == "" {
		return fmt.Errorf("REDIS_URL has no host: %s", u.Redacted())
	}
	return nil
}

// checkHTTPURL checks that raw is an absolute http or https URL.
func checkHTTPURL(name, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s must be an http:// or https:// URL, got %q", name, raw)
	}
	return nil
}

// QuietHours is the daily period when offers and broadcasts are not pushed.
// Start and End are wall-clock offsets from midnight; End may be before
// Start when the period wraps midnight (21:00-08:00).
type QuietHours struct {
	Enabled    bool
	Start, End time.Duration
}

// ParseQuietHours parses "HH:MM-HH:MM". An empty string disables quiet hours.
// The end may be 24:00; start and end may not be equal, since that could
// mean all day or never.
func ParseQuietHours(s string) (QuietHours, error) {
	q, err := parseQuietHours(s)
	if err != nil {
		return QuietHours{}, fmt.Errorf("quiet hours %w", err)
	}
	return q, nil
}

// parseQuietHours returns errors that read after the name of what is being
// parsed ("QUIET_HOURS must be …").
func parseQuietHours(s string) (QuietHours, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return QuietHours{}, nil
	}
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return QuietHours{}, fmt.Errorf("must be HH:MM-HH:MM, got %q", s)
	}
	start, okStart := parseClock(strings.TrimSpace(from))
	end, okEnd := parseClock(strings.TrimSpace(to))
	if !okStart || !okEnd || start == 24*time.Hour {
		return QuietHours{}, fmt.Errorf("must be HH:MM-HH:MM, got %q", s)
	}
	if start == end {
		return QuietHours{}, fmt.Errorf("start and end are equal in %q: set it empty to disable quiet hours", s)
	}
	return QuietHours{Enabled: true, Start: start, End: end}, nil
}

// parseClock parses "H:MM" or "HH:MM" from 00:00 to 24:00.
func parseClock(s string) (time.Duration, bool) {
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(hh) < 1 || len(hh) > 2 || len(mm) != 2 {
		return 0, false
	}
	h, okH := digits(hh)
	m, okM := digits(mm)
	if !okH || !okM || h > 24 || m > 59 || (h == 24 && m != 0) {
		return 0, false
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, true
}

// digits parses ASCII digits only; strconv.Atoi would also take signs.
func digits(s string) (int, bool) {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// Contains reports whether t falls in the quiet hours, read on the wall
// clock of t's location (pass t in the service time zone). Start is
// included, End is not.
func (q QuietHours) Contains(t time.Time) bool {
	if !q.Enabled {
		return false
	}
	off := sinceMidnight(t)
	if q.Start < q.End {
		return off >= q.Start && off < q.End
	}
	if q.Start > q.End {
		return off >= q.Start || off < q.End
	}
	return false
}

// EndAfter returns when the quiet period containing t ends, or t itself when
// t is not in quiet hours: the earliest time a deferred push may go out.
func (q QuietHours) EndAfter(t time.Time) time.Time {
	if !q.Contains(t) {
		return t
	}
	day := t
	if q.Start > q.End && sinceMidnight(t) >= q.Start {
		day = t.AddDate(0, 0, 1) // the period wraps: it ends tomorrow
	}
	y, m, d := day.Date()
	// time.Date rather than midnight.Add(End): on a daylight-saving day the
	// wall clock and elapsed time differ, and quiet hours are wall-clock.
	return time.Date(y, m, d, int(q.End/time.Hour), int(q.End%time.Hour/time.Minute), 0, 0, t.Location())
}

// String returns "HH:MM-HH:MM", or "off" when disabled.
func (q QuietHours) String() string {
	if !q.Enabled {
		return "off"
	}
	return clock(q.Start) + "-" + clock(q.End)
}

func clock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

func sinceMidnight(t time.Time) time.Duration {
	h, m, s := t.Clock()
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute +
		time.Duration(s)*time.Second + time.Duration(t.Nanosecond())
}
