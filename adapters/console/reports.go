package console

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"tsunagu/adapters/csvfile"
	"tsunagu/bot"
)

func (s *server) reportRoutes(route func(string, http.HandlerFunc)) {
	if s.reports == nil {
		return
	}
	route("GET "+Prefix+"reports", s.reportShow)
	route("GET "+Prefix+"reports.csv", s.reportCSV)
}

// reportPage is the figures of a period: the headline, a chart per figure
// a coordinator follows month by month, and the table by month.
type reportPage struct {
	// Org is the organization whose figures are shown, "" for the whole
	// service; Orgs are those to choose from.
	Org    string
	Orgs   []string
	Form   formValues
	Errors []formError
	Report *bot.Report
	Months []monthRow
	Total  monthRow
	Charts []chart
	// CSV is the link to the same figures as CSV; Periods are the fiscal
	// years one click away.
	CSV     string
	Periods []period
}

// monthRow is a month of the table, named as people say it.
type monthRow struct {
	Label string
	bot.Figures
}

// chart is a bar chart in plain HTML: each bar a <meter> with its number
// written beside it, so it reads without the picture.
type chart struct {
	ID, Title string
	Bars      []bar
	Max       float64
}

type bar struct {
	Label, Text string
	Value       float64
}

type period struct {
	Label, From, To string
}

// fiscalYear is the April–March year holding t.
func fiscalYear(t time.Time) int {
	if t.Month() < time.April {
		return t.Year() - 1
	}
	return t.Year()
}

func (s *server) reportShow(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	fy := fiscalYear(s.now().In(s.loc))
	page := reportPage{Form: formValues{url.Values{"from": {q.Get("from")}, "to": {q.Get("to")}}}}
	var err error
	for _, y := range []int{fy, fy - 1} {
		label := ja.ThisFiscalYear
		if y != fy {
			label = ja.LastFiscalYear
		}
		page.Periods = append(page.Periods, period{Label: fmt.Sprintf(label, y), From: fmt.Sprintf("%d-04-01", y), To: fmt.Sprintf("%d-03-31", y+1)})
	}
	org := s.reportOrg(r)
	page.Org = org
	if page.Orgs, err = s.organizations(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.report(r, org)
	if err != nil {
		if code := bot.ErrorCode(err); code != bot.EINVALID && code != bot.EUNPROCESSABLE {
			s.fail(w, r, err)
			return
		}
		page.Errors = []formError{{Field: bot.ErrorField(err), Message: refusalJA(err, ja.ReportRefused)}}
		s.render(w, r, http.StatusUnprocessableEntity, "reports", ja.TitleReports, page)
		return
	}
	page.Report, page.Total = rep, monthRow{Label: ja.Total, Figures: rep.Figures}
	page.Form.Set("from", rep.From)
	page.Form.Set("to", rep.To)
	page.CSV = Prefix + "reports.csv?" + url.Values{"from": {rep.From}, "to": {rep.To}, "org": {org}}.Encode()
	people := chart{ID: "chart-people", Title: ja.ChartParticipations}
	hours := chart{ID: "chart-hours", Title: ja.ChartHours}
	fill := chart{ID: "chart-fill", Title: ja.ChartFillRate, Max: 100}
	for _, m := range rep.ByMonth {
		label := monthLabel(m.Month)
		page.Months = append(page.Months, monthRow{Label: label, Figures: m.Figures})
		people.Bars = append(people.Bars, bar{Label: label, Value: float64(m.Participations), Text: fmt.Sprintf("%d人", m.Participations)})
		hours.Bars = append(hours.Bars, bar{Label: label, Value: m.Hours, Text: formatHours(m.Hours) + "時間"})
		f := bar{Label: label, Value: m.FillRate * 100, Text: "—"}
		if m.Places > 0 {
			f.Text = fmt.Sprintf("%s（%d / %d人）", formatPercent(m.FillRate), m.PlacesFilled, m.Places)
		}
		fill.Bars = append(fill.Bars, f)
	}
	for _, c := range []*chart{&people, &hours} {
		for _, b := range c.Bars {
			c.Max = math.Max(c.Max, b.Value)
		}
		c.Max = math.Max(c.Max, 1) // an empty chart still draws
	}
	page.Charts = []chart{people, hours, fill}
	s.render(w, r, http.StatusOK, "reports", ja.TitleReports, page)
}

// reportCSV is the figures of the page as a file a coordinator opens in
// Excel: UTF-8 with a BOM, headers in Japanese as the page says them (the
// API's CSV keeps the JSON names, for programs), a row per month named as
// people say it, then the total; a fill rate where nothing was asked for
// is left empty, as the page shows —.
func (s *server) reportCSV(w http.ResponseWriter, r *http.Request) {
	rep, err := s.report(r, s.reportOrg(r))
	if err != nil {
		if code := bot.ErrorCode(err); code == bot.EINVALID || code == bot.EUNPROCESSABLE {
			s.renderStatus(w, r, http.StatusUnprocessableEntity, refusalJA(err, ja.ReportRefused))
			return
		}
		s.fail(w, r, err)
		return
	}
	header := []string{ja.CSVMonth}
	for _, f := range bot.ReportFields {
		header = append(header, ja.CSVFigures[f])
	}
	rows := [][]string{header}
	for _, m := range rep.ByMonth {
		rows = append(rows, append([]string{monthLabel(m.Month)}, csvValues(m.Figures)...))
	}
	rows = append(rows, append([]string{ja.Total}, csvValues(rep.Figures)...))
	csvfile.Send(w, fmt.Sprintf("tsunagu-report-%s-%s.csv", rep.From, rep.To), csvfile.Rows(rows))
}

// csvValues are the figures as the CSV writes them: the API's, with the
// fill rate as a percentage and empty where there were no places.
func csvValues(f bot.Figures) []string {
	v := f.Values()
	for i, name := range bot.ReportFields {
		if name == "fill_rate" {
			v[i] = ""
			if f.Places > 0 {
				v[i] = formatPercent(f.FillRate)
			}
		}
	}
	return v
}

// reportOrg is the organization a report is for: the one asked for
// (?org=, empty for the whole service), else a coordinator's own and an
// admin's whole service. A coordinator reporting to the city hands in
// their program's figures, not every program's.
func (s *server) reportOrg(r *http.Request) string {
	if q := r.URL.Query(); q.Has("org") {
		return q.Get("org")
	}
	if a := accountOf(r.Context()); !a.Admin {
		return a.Org
	}
	return ""
}

// report computes the figures of the period asked for, of org's tasks and
// sessions only when org is set.
func (s *server) report(r *http.Request, org string) (*bot.Report, error) {
	q := r.URL.Query()
	if org == "" {
		return s.reports.Report(r.Context(), q.Get("from"), q.Get("to"))
	}
	keep := func(ctx context.Context, kind string, ids []string) (map[string]bool, error) {
		owners, err := s.accounts.Owners(ctx, kind, ids)
		if err != nil {
			return nil, err
		}
		kept := make(map[string]bool, len(owners))
		for id, o := range owners {
			kept[id] = o == org
		}
		return kept, nil
	}
	return s.reports.ReportOf(r.Context(), q.Get("from"), q.Get("to"), keep)
}

// organizations are the organizations of the console's accounts, sorted.
func (s *server) organizations(ctx context.Context) ([]string, error) {
	cs, err := s.accounts.FindCoordinators(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range cs {
		if c.Org != "" && !slices.Contains(out, c.Org) {
			out = append(out, c.Org)
		}
	}
	slices.Sort(out)
	return out, nil
}

// monthLabel says "2026-04" as 2026年4月.
func monthLabel(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	return fmt.Sprintf("%d年%d月", t.Year(), int(t.Month()))
}

// formatHours writes hours without trailing zeros: 2.5, 12.
func formatHours(h float64) string { return strconv.FormatFloat(math.Round(h*100)/100, 'f', -1, 64) }

// formatPercent writes a rate from 0 to 1 as a whole percentage.
func formatPercent(rate float64) string { return fmt.Sprintf("%d%%", int(math.Round(rate*100))) }

// formatMinutes writes a median time to fill: 45分, 2時間10分, or — when
// nothing filled.
func formatMinutes(m *float64) string {
	if m == nil {
		return "—"
	}
	n := int(math.Round(*m))
	if n < 60 {
		return fmt.Sprintf("%d分", n)
	}
	if n%60 == 0 {
		return fmt.Sprintf("%d時間", n/60)
	}
	return fmt.Sprintf("%d時間%d分", n/60, n%60)
}
