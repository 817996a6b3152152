package bot

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"
)

// TaskRecord is what the figures need of one task: the task, when it first
// had its headcount, who holds a place, every offer made and the results
// recorded. People deleted since appear under their anonymous tokens.
type TaskRecord struct {
	Task     Task
	FilledAt time.Time
	Accepted []string
	Offers   []OfferRecord
	Results  map[string]TaskResult
}

// OfferRecord is one offer: to whom, where it stands, when it was made.
type OfferRecord struct {
	ProfileID string
	State     OfferState
	At        time.Time
	// ExpiresAt is when an offer awaiting an answer lapses.
	ExpiresAt time.Time
}

// SessionRecord is what the figures need of one session.
type SessionRecord struct {
	ID         string
	Start, End time.Time
	Attendees  []string
	// Cancelled sessions were not held: they count nowhere.
	Cancelled bool
}

// ReportSource reads the records the figures are computed from (the Redis
// store): every task and session still kept, in no order.
type ReportSource interface {
	EachTaskRecord(ctx context.Context, fn func(TaskRecord) error) error
	EachSessionRecord(ctx context.Context, fn func(SessionRecord) error) error
}

// Figures are what the programs report for a period (SPEC: GET /api/reports).
type Figures struct {
	Tasks               int      `json:"tasks"`
	TasksFilled         int      `json:"tasks_filled"`
	FillRate            float64  `json:"fill_rate"`
	Places              int      `json:"places"`
	PlacesFilled        int      `json:"places_filled"`
	Participations      int      `json:"participations"`
	People              int      `json:"people"`
	Hours               float64  `json:"hours"`
	Sessions            int      `json:"sessions"`
	SessionAttendances  int      `json:"session_attendances"`
	Offers              int      `json:"offers"`
	Accepted            int      `json:"accepted"`
	Declined            int      `json:"declined"`
	Expired             int      `json:"expired"`
	MedianMinutesToFill *float64 `json:"median_minutes_to_fill"`
}

// MonthFigures are the figures of one calendar month.
type MonthFigures struct {
	Month string `json:"month"`
	Figures
}

// Report is the figures of a period of whole days and of each of its months.
type Report struct {
	From string `json:"from"`
	To   string `json:"to"`
	Figures
	ByMonth []MonthFigures `json:"by_month"`
	// Kept says some records were left out (ReportOf): the figures are a
	// program's own, without the counts of records retention dropped.
	Kept bool `json:"-"`
}

// ReportFields are the figures' names in the order a table shows them (the
// JSON names, for the CSV header).
var ReportFields = []string{"tasks", "tasks_filled", "fill_rate", "places", "places_filled", "participations", "people",
	"hours", "sessions", "session_attendances", "offers", "accepted", "declined", "expired", "median_minutes_to_fill"}

// Values are the figures in the order of ReportFields, as a table writes
// them: "" for a median that does not exist.
func (f Figures) Values() []string {
	median := ""
	if f.MedianMinutesToFill != nil {
		median = fmt.Sprint(*f.MedianMinutesToFill)
	}
	return []string{fmt.Sprint(f.Tasks), fmt.Sprint(f.TasksFilled), fmt.Sprint(f.FillRate), fmt.Sprint(f.Places),
		fmt.Sprint(f.PlacesFilled), fmt.Sprint(f.Participations), fmt.Sprint(f.People), fmt.Sprint(f.Hours),
		fmt.Sprint(f.Sessions), fmt.Sprint(f.SessionAttendances), fmt.Sprint(f.Offers), fmt.Sprint(f.Accepted),
		fmt.Sprint(f.Declined), fmt.Sprint(f.Expired), median}
}

// Table is the report as a table: the JSON names as the header (after
// "month"), a row per month, then the total.
func (r *Report) Table() [][]string {
	rows := [][]string{append([]string{"month"}, ReportFields...)}
	for _, m := range r.ByMonth {
		rows = append(rows, append([]string{m.Month}, m.Figures.Values()...))
	}
	return append(rows, append([]string{"total"}, r.Figures.Values()...))
}

// ReportService computes the figures programs report from the records kept
// (RETENTION_DAYS), plus the anonymous monthly counts left of older ones.
type ReportService struct {
	Source ReportSource
	// Folded, if set, reads the anonymous counts of records retention has
	// dropped, by month ("2026-04") and figure name.
	Folded   func(ctx context.Context) (map[string]map[string]float64, error)
	Now      func() time.Time
	Location *time.Location
}

// Report computes the figures from from to to, inclusive dates
// (YYYY-MM-DD) in the service time zone; empty dates mean the current
// fiscal year, April to March.
func (s *ReportService) Report(ctx context.Context, from, to string) (*Report, error) {
	return s.ReportOf(ctx, from, to, nil)
}

// ReportKeep says which records of one kind ("task" or "session") a report
// counts, by ID: a program's own, for a coordinator reporting on it.
type ReportKeep func(ctx context.Context, kind string, ids []string) (map[string]bool, error)

// ReportOf is Report counting only the records keep keeps (all when keep
// is nil). The anonymous counts left of records retention dropped name no
// task or session, so a report that keeps some leaves them out: it covers
// the records kept (RETENTION_DAYS), and says so (Report.Kept).
func (s *ReportService) ReportOf(ctx context.Context, from, to string, keep ReportKeep) (*Report, error) {
	loc := zone(s.Location)
	now := s.Now().In(loc)
	start, end, err := reportRange(from, to, now, loc)
	if err != nil {
		return nil, err
	}
	b := newReportBuilder(start, end, now)
	if keep == nil {
		if err := s.Source.EachTaskRecord(ctx, func(r TaskRecord) error { b.addTask(r); return nil }); err != nil {
			return nil, fmt.Errorf("report: tasks: %w", err)
		}
		if err := s.Source.EachSessionRecord(ctx, func(r SessionRecord) error { b.addSession(r); return nil }); err != nil {
			return nil, fmt.Errorf("report: sessions: %w", err)
		}
	} else if err := s.addKept(ctx, b, keep); err != nil {
		return nil, err
	}
	if s.Folded != nil && keep == nil {
		folded, err := s.Folded(ctx)
		if err != nil {
			return nil, fmt.Errorf("report: counts: %w", err)
		}
		b.addFolded(folded)
	}
	return b.report(), nil
}

// addKept adds the records keep keeps: all are read first, then asked
// about at once, one call per kind.
func (s *ReportService) addKept(ctx context.Context, b *reportBuilder, keep ReportKeep) error {
	var tasks []TaskRecord
	var sessions []SessionRecord
	if err := s.Source.EachTaskRecord(ctx, func(r TaskRecord) error { tasks = append(tasks, r); return nil }); err != nil {
		return fmt.Errorf("report: tasks: %w", err)
	}
	if err := s.Source.EachSessionRecord(ctx, func(r SessionRecord) error { sessions = append(sessions, r); return nil }); err != nil {
		return fmt.Errorf("report: sessions: %w", err)
	}
	ids := make([]string, len(tasks))
	for i, r := range tasks {
		ids[i] = r.Task.ID
	}
	kept, err := keep(ctx, "task", ids)
	if err != nil {
		return fmt.Errorf("report: tasks kept: %w", err)
	}
	for _, r := range tasks {
		if kept[r.Task.ID] {
			b.addTask(r)
		}
	}
	ids = ids[:0]
	for _, r := range sessions {
		ids = append(ids, r.ID)
	}
	if kept, err = keep(ctx, "session", ids); err != nil {
		return fmt.Errorf("report: sessions kept: %w", err)
	}
	for _, r := range sessions {
		if kept[r.ID] {
			b.addSession(r)
		}
	}
	b.kept = true
	return nil
}

// reportRange reads the dates of a report: the first instant of from and
// the first instant after to.
func reportRange(from, to string, now time.Time, loc *time.Location) (time.Time, time.Time, error) {
	y := now.Year()
	if now.Month() < time.April {
		y--
	}
	start := time.Date(y, time.April, 1, 0, 0, 0, 0, loc)
	end := start.AddDate(1, 0, 0)
	var err error
	if from != "" {
		if start, err = parseDay("from", from, loc); err != nil {
			return start, end, err
		}
	}
	if to != "" {
		last, err := parseDay("to", to, loc)
		if err != nil {
			return start, end, err
		}
		end = last.AddDate(0, 0, 1)
	} else if from != "" {
		end = start.AddDate(1, 0, 0)
	}
	switch {
	case !end.After(start):
		return start, end, FieldErrorf(EINVALID, "to", "to must not be before from")
	case end.Sub(start) > 10*366*24*time.Hour:
		return start, end, FieldErrorf(EINVALID, "to", "a report covers at most 10 years")
	}
	return start, end, nil
}

// parseDay reads a date of a query (YYYY-MM-DD) as its first instant in
// loc; a bad one is an invalid field.
func parseDay(field, s string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		return t, FieldErrorf(EINVALID, field, "%s: want a date as YYYY-MM-DD, got %q", field, s)
	}
	return t, nil
}

// tally is the figures of one month or the whole period being added up.
type tally struct {
	Figures
	people  map[string]bool
	minutes []float64
}

func newTally() *tally { return &tally{people: map[string]bool{}} }

func (t *tally) done() Figures {
	f := t.Figures
	f.People = len(t.people)
	if f.Places > 0 {
		f.FillRate = math.Round(float64(f.PlacesFilled)/float64(f.Places)*1000) / 1000
	}
	f.Hours = math.Round(f.Hours*100) / 100
	if len(t.minutes) > 0 {
		sort.Float64s(t.minutes)
		n := len(t.minutes)
		m := t.minutes[n/2]
		if n%2 == 0 {
			m = (t.minutes[n/2-1] + t.minutes[n/2]) / 2
		}
		m = math.Round(m*10) / 10
		f.MedianMinutesToFill = &m
	}
	return f
}

// reportBuilder adds records up into the period's and each month's tally.
type reportBuilder struct {
	start, end, now time.Time
	total           *tally
	months          []string
	byMonth         map[string]*tally
	kept            bool // some records were left out (ReportOf)
}

func newReportBuilder(start, end, now time.Time) *reportBuilder {
	b := &reportBuilder{start: start, end: end, now: now, total: newTally(), byMonth: map[string]*tally{}}
	for m := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, start.Location()); m.Before(end); m = m.AddDate(0, 1, 0) {
		key := m.Format("2006-01")
		b.months = append(b.months, key)
		b.byMonth[key] = newTally()
	}
	return b
}

// at returns the tallies a time counts in (none outside the period).
func (b *reportBuilder) at(t time.Time) []*tally {
	if t.Before(b.start) || !t.Before(b.end) {
		return nil
	}
	return []*tally{b.total, b.byMonth[t.In(b.start.Location()).Format("2006-01")]}
}

func (b *reportBuilder) addTask(r TaskRecord) {
	t := r.Task
	for _, o := range r.Offers {
		for _, y := range b.at(o.At) {
			y.Offers++
			switch o.State {
			case OfferAccepted, OfferWaitlisted, OfferCancelled:
				y.Accepted++
			case OfferDeclined:
				y.Declined++
			case OfferExpired:
				y.Expired++
			case OfferOffered:
				if !o.ExpiresAt.IsZero() && !b.now.Before(o.ExpiresAt) {
					y.Expired++
				}
			}
		}
	}
	if t.Status == TaskCancelled {
		return
	}
	accepted := len(r.Accepted)
	ended := !b.now.Before(t.End)
	for _, y := range b.at(t.Start) {
		y.Tasks++
		y.Places += t.Headcount
		y.PlacesFilled += min(accepted, t.Headcount)
		if accepted >= t.Headcount {
			y.TasksFilled++
		}
		if !r.FilledAt.IsZero() {
			y.minutes = append(y.minutes, r.FilledAt.Sub(t.CreatedAt).Minutes())
		}
		if !ended {
			continue
		}
		for _, who := range r.Accepted {
			res, ok := r.Results[who]
			if ok && res.Status == NotCompleted {
				continue
			}
			hours := t.Length()
			if ok {
				hours = res.Hours
			}
			y.Participations++
			y.Hours += hours
			y.people[who] = true
		}
	}
}

func (b *reportBuilder) addSession(r SessionRecord) {
	if r.Cancelled {
		return
	}
	for _, y := range b.at(r.Start) {
		if b.now.Before(r.End) {
			// Not held yet: a program reports the sessions it held.
			continue
		}
		y.Sessions++
		for _, who := range r.Attendees {
			y.SessionAttendances++
			y.Participations++
			y.people[who] = true
		}
	}
}

// addFolded adds the anonymous counts of months whose records retention
// dropped. They have no people (実人数 needs the records) and no fill times.
func (b *reportBuilder) addFolded(folded map[string]map[string]float64) {
	for month, f := range folded {
		m, ok := b.byMonth[month]
		if !ok {
			continue
		}
		for _, y := range []*tally{b.total, m} {
			y.Tasks += int(f["tasks"])
			y.TasksFilled += int(f["tasks_filled"])
			y.Places += int(f["places"])
			y.PlacesFilled += int(f["places_filled"])
			y.Participations += int(f["participations"]) + int(f["session_attendances"])
			y.Hours += f["hours"]
			y.Sessions += int(f["sessions"])
			y.SessionAttendances += int(f["session_attendances"])
			y.Offers += int(f["offers"])
			y.Accepted += int(f["offers_accepted"] + f["offers_waitlisted"] + f["offers_cancelled"])
			y.Declined += int(f["offers_declined"])
			y.Expired += int(f["offers_expired"] + f["offers_offered"])
		}
	}
}

func (b *reportBuilder) report() *Report {
	r := &Report{
		From:    b.start.Format(time.DateOnly),
		To:      b.end.AddDate(0, 0, -1).Format(time.DateOnly),
		Figures: b.total.done(),
		ByMonth: make([]MonthFigures, 0, len(b.months)),
		Kept:    b.kept,
	}
	for _, m := range b.months {
		r.ByMonth = append(r.ByMonth, MonthFigures{Month: m, Figures: b.byMonth[m].done()})
	}
	return r
}
