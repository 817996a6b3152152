package config

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// env turns a map into a lookup function, as os.LookupEnv would see it.
func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}

// validServe is the smallest environment `serve` accepts.
func validServe() map[string]string {
	return map[string]string{
		"REDIS_URL":                 "redis://localhost:6379/0",
		"ADMIN_TOKEN":               "admin-secret",
		"LINE_CHANNEL_SECRET":       "line-secret",
		"LINE_CHANNEL_ACCESS_TOKEN": "line-token",
	}
}

func errStrings(errs []error) []string {
	out := make([]string, len(errs))
	for i, err := range errs {
		out[i] = err.Error()
	}
	return out
}

func TestFromEnvDefaults(t *testing.T) {
	cfg, errs := FromEnv(env(validServe()))
	if len(errs) > 0 {
		t.Fatalf("FromEnv: %q", errStrings(errs))
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"HTTPAddr", cfg.HTTPAddr, ":8080"},
		{"LINEAPIBaseURL", cfg.LINEAPIBaseURL, "https://api.line.me"},
		{"SlackAPIURL", cfg.SlackAPIURL, "https://slack.com/api/"},
		{"Location", cfg.Location.String(), "Asia/Tokyo"},
		{"QuietHours", cfg.QuietHours, QuietHours{Enabled: true, Start: 21 * time.Hour, End: 8 * time.Hour}},
		{"LINEEnabled", cfg.LINEEnabled(), true},
		{"SlackEnabled", cfg.SlackEnabled(), false},
		{"CatalogFile", cfg.CatalogFile, ""},
		{"RedisClusterAddrs", len(cfg.RedisClusterAddrs), 0},
		{"Retention", cfg.Retention, 400 * 24 * time.Hour},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestFromEnvReadsValues(t *testing.T) {
	vars := map[string]string{
		"HTTP_ADDR":                 "127.0.0.1:0",
		"REDIS_CLUSTER_ADDRS":       " node1:7000, node2:7001 ,,",
		"REDIS_URL":                 "", // compose passes unset variables as empty
		"ADMIN_TOKEN":               "admin-secret",
		"LINE_CHANNEL_SECRET":       "",
		"LINE_CHANNEL_ACCESS_TOKEN": "",
		"LINE_API_BASE_URL":         "http://127.0.0.1:9999/",
		"SLACK_SIGNING_SECRET":      "slack-secret\n",
		"SLACK_BOT_TOKEN":           "xoxb-1",
		"SLACK_API_URL":             "http://127.0.0.1:9998/api",
		"SLACK_COORDINATOR_CHANNEL": "C0123456789",
		"TIMEZONE":                  "UTC",
		"QUIET_HOURS":               "22:30 - 07:00",
		"CATALOG_FILE":              "/etc/tsunagu/catalog.json",
	}
	cfg, errs := FromEnv(env(vars))
	if len(errs) > 0 {
		t.Fatalf("FromEnv: %q", errStrings(errs))
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"HTTPAddr", cfg.HTTPAddr, "127.0.0.1:0"},
		{"RedisURL", cfg.RedisURL, ""},
		{"RedisClusterAddrs", strings.Join(cfg.RedisClusterAddrs, "|"), "node1:7000|node2:7001"},
		{"LINEEnabled", cfg.LINEEnabled(), false},
		{"LINEAPIBaseURL without trailing slash", cfg.LINEAPIBaseURL, "http://127.0.0.1:9999"},
		{"SlackSigningSecret trimmed", cfg.SlackSigningSecret, "slack-secret"},
		{"SlackEnabled", cfg.SlackEnabled(), true},
		{"SlackAPIURL with trailing slash", cfg.SlackAPIURL, "http://127.0.0.1:9998/api/"},
		{"SlackCoordinatorChannel", cfg.SlackCoordinatorChannel, "C0123456789"},
		{"Location", cfg.Location.String(), "UTC"},
		{"QuietHours", cfg.QuietHours.String(), "22:30-07:00"},
		{"CatalogFile", cfg.CatalogFile, "/etc/tsunagu/catalog.json"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestFromEnvQuietHoursSetButEmptyDisables(t *testing.T) {
	vars := validServe()
	vars["QUIET_HOURS"] = ""
	cfg, errs := FromEnv(env(vars))
	if len(errs) > 0 {
		t.Fatalf("FromEnv: %q", errStrings(errs))
	}
	if cfg.QuietHours.Enabled {
		t.Errorf("QuietHours = %v, want disabled", cfg.QuietHours)
	}
}

func TestFromEnvProblems(t *testing.T) {
	tests := []struct {
		name  string
		set   map[string]string
		unset []string
		want  string
	}{
		{
			name: "retention not a number",
			set:  map[string]string{"RETENTION_DAYS": "一年"},
			want: `RETENTION_DAYS must be a number of days from 1 to 3650, got "一年"`,
		},
		{
			name: "retention of no days",
			set:  map[string]string{"RETENTION_DAYS": "0"},
			want: `RETENTION_DAYS must be a number of days from 1 to 3650, got "0"`,
		},
		{
			name:  "admin token missing",
			unset: []string{"ADMIN_TOKEN"},
			want:  "ADMIN_TOKEN is required",
		},
		{
			name:  "no redis",
			unset: []string{"REDIS_URL"},
			want:  "REDIS_URL or REDIS_CLUSTER_ADDRS is required",
		},
		{
			name: "both redis kinds",
			set:  map[string]string{"REDIS_CLUSTER_ADDRS": "node1:7000"},
			want: "REDIS_URL and REDIS_CLUSTER_ADDRS are mutually exclusive: set one",
		},
		{
			name: "redis url with another scheme",
			set:  map[string]string{"REDIS_URL": "http://localhost:6379"},
			want: `REDIS_URL must start with redis:// or rediss://, got scheme "http"`,
		},
		{
			name: "redis url without a host",
			set:  map[string]string{"REDIS_URL": "redis:///0"},
			want: "REDIS_URL has no host: redis:///0",
		},
		{
			name:  "cluster seed without a port",
			unset: []string{"REDIS_URL"},
			set:   map[string]string{"REDIS_CLUSTER_ADDRS": "node1:7000,node2"},
			want:  `REDIS_CLUSTER_ADDRS entry "node2" must be host:port`,
		},
		{
			name:  "line secret without token",
			unset: []string{"LINE_CHANNEL_ACCESS_TOKEN"},
			want:  "LINE_CHANNEL_ACCESS_TOKEN is required when LINE_CHANNEL_SECRET is set",
		},
		{
			name:  "line token without secret",
			unset: []string{"LINE_CHANNEL_SECRET"},
			want:  "LINE_CHANNEL_SECRET is required when LINE_CHANNEL_ACCESS_TOKEN is set",
		},
		{
			name: "slack secret without token",
			set:  map[string]string{"SLACK_SIGNING_SECRET": "s"},
			want: "SLACK_BOT_TOKEN is required when SLACK_SIGNING_SECRET is set",
		},
		{
			name: "slack token without secret",
			set:  map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"},
			want: "SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN is set",
		},
		{
			name:  "no platform at all",
			unset: []string{"LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN"},
			want:  "at least one of LINE (LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN) or Slack (SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN) must be configured",
		},
		{
			name: "line api base url without scheme",
			set:  map[string]string{"LINE_API_BASE_URL": "api.line.me"},
			want: `LINE_API_BASE_URL must be an http:// or https:// URL, got "api.line.me"`,
		},
		{
			name: "slack api url with another scheme",
			set:  map[string]string{"SLACK_API_URL": "ftp://slack.com/api/"},
			want: `SLACK_API_URL must be an http:// or https:// URL, got "ftp://slack.com/api/"`,
		},
		{
			name: "coordinator channel given by name",
			set:  map[string]string{"SLACK_COORDINATOR_CHANNEL": "#coordinators"},
			want: "SLACK_COORDINATOR_CHANNEL must be a channel ID such as C0123456789, not a name (#coordinators)",
		},
		{
			name: "unknown time zone",
			set:  map[string]string{"TIMEZONE": "Mars/Base"},
			want: `TIMEZONE "Mars/Base" is not a known time zone`,
		},
		{
			name: "time zone set but empty",
			set:  map[string]string{"TIMEZONE": ""},
			want: `TIMEZONE is set but empty: unset it to use the default "Asia/Tokyo"`,
		},
		{
			name: "http addr set but empty",
			set:  map[string]string{"HTTP_ADDR": " "},
			want: `HTTP_ADDR is set but empty: unset it to use the default ":8080"`,
		},
		{
			name: "http addr without colon",
			set:  map[string]string{"HTTP_ADDR": "8080"},
			want: `HTTP_ADDR must be host:port such as ":8080", got "8080"`,
		},
		{
			name: "quiet hours in words",
			set:  map[string]string{"QUIET_HOURS": "9pm-8am"},
			want: `QUIET_HOURS must be HH:MM-HH:MM, got "9pm-8am"`,
		},
		{
			name: "quiet hours hour out of range",
			set:  map[string]string{"QUIET_HOURS": "25:00-08:00"},
			want: `QUIET_HOURS must be HH:MM-HH:MM, got "25:00-08:00"`,
		},
		{
			name: "quiet hours start and end equal",
			set:  map[string]string{"QUIET_HOURS": "08:00-08:00"},
			want: `QUIET_HOURS start and end are equal in "08:00-08:00": set it empty to disable quiet hours`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := validServe()
			for _, k := range tt.unset {
				delete(vars, k)
			}
			for k, v := range tt.set {
				vars[k] = v
			}
			_, errs := FromEnv(env(vars))
			got := errStrings(errs)
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("problems = %q, want exactly [%q]", got, tt.want)
			}
		})
	}
}

func TestFromEnvReportsAllProblemsTogether(t *testing.T) {
	vars := map[string]string{
		"REDIS_URL":           "localhost:6379",
		"REDIS_CLUSTER_ADDRS": "node1:7000",
		"LINE_CHANNEL_SECRET": "s",
		"SLACK_BOT_TOKEN":     "xoxb-1",
		"TIMEZONE":            "Mars/Base",
		"QUIET_HOURS":         "evening",
		"LINE_API_BASE_URL":   "not a url",
	}
	_, errs := FromEnv(env(vars))
	got := errStrings(errs)
	want := []string{
		"REDIS_URL and REDIS_CLUSTER_ADDRS are mutually exclusive: set one",
		`REDIS_URL must start with redis:// or rediss://, got scheme "localhost"`,
		`LINE_API_BASE_URL must be an http:// or https:// URL, got "not a url"`,
		"LINE_CHANNEL_ACCESS_TOKEN is required when LINE_CHANNEL_SECRET is set",
		"SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN is set",
		"ADMIN_TOKEN is required",
		`TIMEZONE "Mars/Base" is not a known time zone`,
		`QUIET_HOURS must be HH:MM-HH:MM, got "evening"`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n got %q\nwant %q", got, want)
	}
	for _, line := range got {
		if strings.Contains(line, "\n") {
			t.Errorf("problem %q spans several lines", line)
		}
	}
}

func TestFromEnvEmptyEnvironment(t *testing.T) {
	_, errs := FromEnv(env(nil))
	got := errStrings(errs)
	want := []string{
		"REDIS_URL or REDIS_CLUSTER_ADDRS is required",
		"at least one of LINE (LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN) or Slack (SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN) must be configured",
		"ADMIN_TOKEN is required",
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n got %q\nwant %q", got, want)
	}
}

func TestFromEnvNeverEchoesRedisPassword(t *testing.T) {
	for _, url := range []string{"http://user:hunter2@localhost:6379", "redis://user:hunter2@/0", "redis://:hunter2@host:%zz"} {
		vars := validServe()
		vars["REDIS_URL"] = url
		_, errs := FromEnv(env(vars))
		if len(errs) == 0 {
			t.Errorf("REDIS_URL %q accepted", url)
		}
		for _, err := range errs {
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("problem %q shows the password", err)
			}
		}
	}
}

func TestForPlayground(t *testing.T) {
	t.Run("nothing required", func(t *testing.T) {
		cfg, errs := ForPlayground(env(nil))
		if len(errs) > 0 {
			t.Fatalf("ForPlayground: %q", errStrings(errs))
		}
		if cfg.RedisURL != "" || cfg.AdminToken != "" || cfg.HTTPAddr != "127.0.0.1:8080" || cfg.Location.String() != "Asia/Tokyo" || cfg.QuietHours.Enabled {
			t.Errorf("config = %+v, want defaults on this machine only, with embedded Redis, no admin token and no quiet hours", cfg)
		}
	})
	t.Run("all interfaces when told", func(t *testing.T) {
		cfg, errs := ForPlayground(env(map[string]string{"HTTP_ADDR": ":8080"}))
		if len(errs) > 0 || cfg.HTTPAddr != ":8080" {
			t.Fatalf("HTTP_ADDR=:8080: %q %q", cfg.HTTPAddr, errStrings(errs))
		}
	})
	t.Run("Redis is always embedded", func(t *testing.T) {
		for _, vars := range []map[string]string{
			{"REDIS_URL": "redis://:hunter2@prod.example:6379/0"},
			{"REDIS_CLUSTER_ADDRS": "prod-1.example:6379,prod-2.example:6379"},
			{"REDIS_URL": "redis://prod.example:6379/0", "REDIS_CLUSTER_ADDRS": "prod-1.example:6379"},
		} {
			cfg, errs := ForPlayground(env(vars))
			if len(errs) > 0 || cfg.RedisURL != "" || cfg.RedisClusterAddrs != nil {
				t.Errorf("%v: Redis %q %q, problems %q; want embedded and no problem", vars, cfg.RedisURL, cfg.RedisClusterAddrs, errStrings(errs))
			}
		}
	})
	t.Run("quiet hours when asked", func(t *testing.T) {
		cfg, errs := ForPlayground(env(map[string]string{"QUIET_HOURS": "21:00-08:00"}))
		if len(errs) > 0 || !cfg.QuietHours.Enabled {
			t.Fatalf("QUIET_HOURS set: %+v %q", cfg.QuietHours, errStrings(errs))
		}
	})
	t.Run("half-set platforms left to the caller", func(t *testing.T) {
		_, errs := ForPlayground(env(map[string]string{"LINE_CHANNEL_SECRET": "s", "SLACK_BOT_TOKEN": "t"}))
		if len(errs) > 0 {
			t.Errorf("problems = %q, want none", errStrings(errs))
		}
	})
	t.Run("what is set is still checked", func(t *testing.T) {
		_, errs := ForPlayground(env(map[string]string{"TIMEZONE": "Mars/Base", "HTTP_ADDR": "8080"}))
		got := errStrings(errs)
		want := []string{
			`HTTP_ADDR must be host:port such as "127.0.0.1:8080", got "8080"`,
			`TIMEZONE "Mars/Base" is not a known time zone`,
		}
		if !slices.Equal(got, want) {
			t.Errorf("problems:\n got %q\nwant %q", got, want)
		}
	})
}

func TestParseQuietHours(t *testing.T) {
	tests := []struct {
		in      string
		want    QuietHours
		wantErr bool
	}{
		{in: "21:00-08:00", want: QuietHours{Enabled: true, Start: 21 * time.Hour, End: 8 * time.Hour}},
		{in: " 9:30 - 17:45 ", want: QuietHours{Enabled: true, Start: 9*time.Hour + 30*time.Minute, End: 17*time.Hour + 45*time.Minute}},
		{in: "22:00-24:00", want: QuietHours{Enabled: true, Start: 22 * time.Hour, End: 24 * time.Hour}},
		{in: "00:00-06:00", want: QuietHours{Enabled: true, Start: 0, End: 6 * time.Hour}},
		{in: "", want: QuietHours{}},
		{in: "   ", want: QuietHours{}},
		{in: "21:00", wantErr: true},
		{in: "21-08", wantErr: true},
		{in: "21:00-08:60", wantErr: true},
		{in: "24:00-08:00", wantErr: true},
		{in: "24:30-08:00", wantErr: true},
		{in: "+1:00-08:00", wantErr: true},
		{in: "２１:００-08:00", wantErr: true},
		{in: "21:00-08:00-09:00", wantErr: true},
		{in: "12:00-12:00", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseQuietHours(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseQuietHours(%q) = %v, want an error", tt.in, got)
				}
				if !strings.HasPrefix(err.Error(), "quiet hours ") {
					t.Errorf("error %q does not say what it is about", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseQuietHours(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
		})
	}
}

func mustQuiet(t *testing.T, s string) QuietHours {
	t.Helper()
	q, err := ParseQuietHours(s)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestQuietHoursContains(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	at := func(hh, mm, ss, ns int) time.Time { return time.Date(2025, 6, 2, hh, mm, ss, ns, tokyo) }
	night := mustQuiet(t, "21:00-08:00")
	lunch := mustQuiet(t, "12:00-13:00")
	late := mustQuiet(t, "22:00-24:00")

	tests := []struct {
		name string
		q    QuietHours
		t    time.Time
		want bool
	}{
		{"evening before quiet hours", night, at(20, 59, 59, 999999999), false},
		{"quiet hours start included", night, at(21, 0, 0, 0), true},
		{"just before midnight", night, at(23, 59, 0, 0), true},
		{"midnight", night, at(0, 0, 0, 0), true},
		{"last minute of the night", night, at(7, 59, 0, 0), true},
		{"last nanosecond of the night", night, at(7, 59, 59, 999999999), true},
		{"quiet hours end excluded", night, at(8, 0, 0, 0), false},
		{"noon", night, at(12, 0, 0, 0), false},
		{"before a daytime range", lunch, at(11, 59, 0, 0), false},
		{"daytime range start", lunch, at(12, 0, 0, 0), true},
		{"inside a daytime range", lunch, at(12, 59, 0, 0), true},
		{"daytime range end", lunch, at(13, 0, 0, 0), false},
		{"night outside a daytime range", lunch, at(23, 0, 0, 0), false},
		{"range to 24:00 before midnight", late, at(23, 59, 59, 0), true},
		{"range to 24:00 at midnight", late, at(0, 0, 0, 0), false},
		{"disabled at night", QuietHours{}, at(23, 0, 0, 0), false},
		{"disabled with times kept", QuietHours{Start: 21 * time.Hour, End: 8 * time.Hour}, at(23, 0, 0, 0), false},
		// 12:00 UTC is 21:00 in Tokyo: the wall clock of t's location decides.
		{"read in Tokyo", night, time.Date(2025, 6, 2, 12, 0, 0, 0, time.UTC).In(tokyo), true},
		{"same instant read in UTC", night, time.Date(2025, 6, 2, 12, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.q.Contains(tt.t); got != tt.want {
				t.Errorf("%v.Contains(%s) = %v, want %v", tt.q, tt.t.Format("15:04:05.999999999 MST"), got, tt.want)
			}
		})
	}
}

func TestQuietHoursEndAfter(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	night := mustQuiet(t, "21:00-08:00")
	tests := []struct {
		name    string
		q       QuietHours
		t, want time.Time
	}{
		{"late evening waits for tomorrow morning", night,
			time.Date(2025, 6, 2, 22, 15, 0, 0, tokyo), time.Date(2025, 6, 3, 8, 0, 0, 0, tokyo)},
		{"early morning waits for this morning", night,
			time.Date(2025, 6, 3, 3, 0, 0, 0, tokyo), time.Date(2025, 6, 3, 8, 0, 0, 0, tokyo)},
		{"end of month rolls over", night,
			time.Date(2025, 6, 30, 23, 0, 0, 0, tokyo), time.Date(2025, 7, 1, 8, 0, 0, 0, tokyo)},
		{"daytime goes at once", night,
			time.Date(2025, 6, 2, 10, 0, 0, 0, tokyo), time.Date(2025, 6, 2, 10, 0, 0, 0, tokyo)},
		{"disabled goes at once", QuietHours{},
			time.Date(2025, 6, 2, 23, 0, 0, 0, tokyo), time.Date(2025, 6, 2, 23, 0, 0, 0, tokyo)},
		{"range to 24:00 ends at midnight", mustQuiet(t, "22:00-24:00"),
			time.Date(2025, 6, 2, 23, 0, 0, 0, tokyo), time.Date(2025, 6, 3, 0, 0, 0, 0, tokyo)},
		// Clocks jump from 02:00 to 03:00: the period still ends at 08:00 on the wall clock.
		{"daylight saving day", night,
			time.Date(2025, 3, 9, 1, 0, 0, 0, newYork), time.Date(2025, 3, 9, 8, 0, 0, 0, newYork)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.q.EndAfter(tt.t); !got.Equal(tt.want) {
				t.Errorf("EndAfter(%s) = %s, want %s", tt.t, got, tt.want)
			}
		})
	}
}

func TestQuietHoursString(t *testing.T) {
	for _, tt := range []struct {
		q    QuietHours
		want string
	}{
		{mustQuiet(t, "21:00-08:00"), "21:00-08:00"},
		{mustQuiet(t, "9:05-24:00"), "09:05-24:00"},
		{QuietHours{}, "off"},
	} {
		if got := tt.q.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}
