package console

import (
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tsunagu/bot"
)

var (
	botField   = bot.ErrorField
	botErrorJA = bot.ErrorJA
)

// funcs are the templates' helpers: labels from the catalog and the
// console's words, times in the service zone.
func (s *server) funcs() template.FuncMap {
	return template.FuncMap{
		// once draws the one-time key of a form that makes something
		// (see submitOnce).
		"once": func() string { return randomToken(16) },
		"sub":  func(a, b int) int { return a - b },
		"skill": func(id string) string {
			if sk, ok := s.catalog.Skill(id); ok {
				return sk.LabelJA
			}
			return id
		},
		"skills": func(ids []string) string { return strings.Join(s.catalog.SkillLabels(ids), "、") },
		"area": func(id string) string {
			if id == "" {
				return "リモート"
			}
			if a, ok := s.catalog.Area(id); ok {
				return a.LabelJA
			}
			return id
		},
		"catalogSkills": s.catalog.Skills,
		"catalogAreas":  s.catalog.Areas,
		"when": func(v any) string {
			var t time.Time
			switch v := v.(type) {
			case time.Time:
				t = v
			case *time.Time:
				if v != nil {
					t = *v
				}
			}
			if t.IsZero() {
				return ""
			}
			t = t.In(s.loc)
			return t.Format("1月2日") + "(" + weekdays[t.Weekday()] + ") " + t.Format("15:04")
		},
		"span":       func(a, b time.Time) string { return bot.FormatSpanJA(a, b, s.loc) },
		"status":     func(st any) string { return label(ja.StatusLabels, fmt.Sprint(st)) },
		"taskStatus": func(st bot.TaskStatus) string { return label(ja.TaskStatusLabels, string(st)) },
		// taskState is a task's status as a coordinator reads it: one that
		// has ended is 終了, not 満員 or 募集中.
		"taskState": func(st bot.TaskStatus, end time.Time) string {
			if st != bot.TaskCancelled && !s.now().Before(end) {
				st = bot.TaskClosed
			}
			return label(ja.TaskStatusLabels, string(st))
		},
		"bcStatus":       func(st bot.BroadcastStatus) string { return label(ja.BroadcastLabels, string(st)) },
		"channel":        func(id string) string { return label(ja.ChannelLabels, bot.Platform(id)) },
		"has":            func(list []string, v string) bool { return slices.Contains(list, v) },
		"path":           url.PathEscape,
		"percent":        percent,
		"hours":          formatHours,
		"pct":            formatPercent,
		"minutes":        formatMinutes,
		"maxSeriesDates": func() int { return bot.MaxSeriesDates },
		"lastText": func(ms []bot.TalkMessage) string {
			if len(ms) == 0 {
				return ""
			}
			return ms[len(ms)-1].Text
		},
	}
}

var weekdays = [...]string{"日", "月", "火", "水", "木", "金", "土"}

func label(m map[string]string, k string) string {
	if v, ok := m[k]; ok {
		return v
	}
	return k
}

func percent(n, of int) int {
	if of <= 0 {
		return 0
	}
	p := n * 100 / of
	return min(p, 100)
}

// formDate reads a date (2026-12-07) and a time (09:00) in the service
// zone.
func (s *server) formDate(date, clock string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(date)+" "+strings.TrimSpace(clock), s.loc)
	return t, err == nil
}

// formInt reads a whole number; ok is false for anything else.
func formInt(v string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	return n, err == nil
}

// formAudience reads the audience checkboxes (channel, area, skill).
func formAudience(form url.Values) bot.Audience {
	return bot.Audience{
		Channels: nonEmpty(form["channel"]),
		Areas:    nonEmpty(form["area"]),
		Skills:   nonEmpty(form["skill"]),
	}
}

func nonEmpty(vs []string) []string {
	var out []string
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// formError is one problem of a submitted form, by field.
type formError struct {
	Field, Message string
}

// formErrors lists every problem in err, said in Japanese.
func formErrors(err error) []formError {
	var out []formError
	for _, e := range bot.FieldErrors(err) {
		out = append(out, formError{Field: e.Field, Message: errorJA(e)})
	}
	return out
}

// formValues keeps what was typed, to show a refused form again filled in.
type formValues struct {
	url.Values
}

// Checked reports whether a multi-valued field (checkboxes) holds v.
func (f formValues) Checked(key, v string) bool { return slices.Contains(f.Values[key], v) }
