package bot

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"tsunagu/bot/avail"
)

// The corpus in testdata/corpus holds sentences written the way seniors
// write and dictate, one file per step, each with what a careful
// coordinator would understand (the format is in each file's comments).
// TestCorpus reads every line at its step and reports the rate per step.

// corpusMinRate is the share of the corpus that must be understood.
const corpusMinRate = 0.97

// corpusSteps maps a corpus file to the step its sentences answer.
var corpusSteps = map[string]Step{
	"name": StepName, "area": StepArea, "skills": StepSkills, "availability": StepAvailability,
	"limit": StepLimit, "consent": StepConsent, "confirm": StepConfirm, "delete": StepDeleteConfirm,
	"offer": StepIdle, "invite": StepIdle, "command": StepIdle, "multi": StepArea,
}

type corpusLine struct {
	file string
	line int
	step Step
	text string
	want string
}

func readCorpus(t testing.TB) []corpusLine {
	t.Helper()
	files, err := filepath.Glob("testdata/corpus/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	var out []corpusLine
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		step, ok := corpusSteps[name]
		if !ok {
			t.Fatalf("corpus file %s has no step", f)
		}
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		n := 0
		for sc.Scan() {
			n++
			l := sc.Text()
			if s, ok := strings.CutPrefix(l, "# step:"); ok {
				step = Step(strings.TrimSpace(s))
				continue
			}
			if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
				continue
			}
			text, want, ok := strings.Cut(l, "\t")
			if !ok {
				t.Fatalf("%s:%d: no tab", f, n)
			}
			out = append(out, corpusLine{file: name, line: n, step: step, text: text, want: want})
		}
		fh.Close()
	}
	return out
}

// expectation is a corpus line's expected reading.
type expectation struct {
	name, area, cmd string
	skills          []string
	skillsSet, done bool
	week            *avail.Week
	limit           int
	yes, no, ask    bool
}

func parseExpectation(t testing.TB, s string) expectation {
	var e expectation
	if i := strings.Index(s, "name="); i >= 0 {
		e.name = s[i+len("name="):]
		s = s[:i]
	}
	for _, tok := range strings.Fields(s) {
		k, v, _ := strings.Cut(tok, "=")
		switch k {
		case "area":
			e.area = v
		case "cmd":
			e.cmd = v
		case "skills":
			e.skillsSet = true
			if v != "" {
				e.skills = strings.Split(v, ",")
			}
		case "done":
			e.done = true
		case "avail":
			w, err := avail.Parse(v)
			if err != nil {
				t.Fatalf("canonical availability %q: %v", v, err)
			}
			e.week = &w
		case "limit":
			e.limit, _ = strconv.Atoi(v)
		case "yes":
			e.yes = true
		case "no":
			e.no = true
		case "ask":
			e.ask = true
		default:
			t.Fatalf("unknown expectation %q", tok)
		}
	}
	return e
}

// mismatch says how u differs from e, or "" when it does not.
func (e expectation) mismatch(u Understanding) string {
	var diffs []string
	add := func(what string, got, want any) {
		diffs = append(diffs, fmt.Sprintf("%s %v, want %v", what, got, want))
	}
	if string(u.Command) != e.cmd {
		add("command", u.Command, e.cmd)
	}
	if u.Name != e.name {
		add("name", strconv.Quote(u.Name), strconv.Quote(e.name))
	}
	if u.Area != e.area {
		add("area", u.Area, e.area)
	}
	got := slices.Clone(u.Skills)
	want := slices.Clone(e.skills)
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		add("skills", got, want)
	}
	if u.Done != e.done {
		add("done", u.Done, e.done)
	}
	switch {
	case e.week == nil && !u.Week.IsZero():
		add("week", u.Week.Apply(avail.Week{}).Japanese(), "none")
	case e.week != nil && u.Week.Apply(avail.Week{}) != *e.week:
		add("week", u.Week.Apply(avail.Week{}).Japanese(), e.week.Japanese())
	}
	if u.Limit != e.limit {
		add("limit", u.Limit, e.limit)
	}
	switch {
	case e.yes && !(u.Answered && u.Yes), e.no && !(u.Answered && !u.Yes):
		add("answer", fmt.Sprintf("%v/%v", u.Answered, u.Yes), map[bool]string{true: "yes", false: "no"}[e.yes])
	case !e.yes && !e.no && u.Answered && e.cmd == "":
		add("answer", u.Yes, "none")
	}
	return strings.Join(diffs, "; ")
}

// corpusCatalog is the default catalog the service ships with, read from
// the config package's file (importing config here would be a cycle).
func corpusCatalog(t testing.TB) *Catalog {
	t.Helper()
	raw, err := os.ReadFile("../config/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Skills []Skill `json:"skills"`
		Areas  []Area  `json:"areas"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	cat, err := NewCatalog(doc.Skills, doc.Areas)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func TestCorpus(t *testing.T) {
	cat := corpusCatalog(t)
	lines := readCorpus(t)
	if len(lines) < 400 {
		t.Fatalf("corpus has %d sentences, want at least 400", len(lines))
	}
	type tally struct{ ok, all int }
	rates := map[string]*tally{}
	total := tally{}
	for _, l := range lines {
		e := parseExpectation(t, l.want)
		u := Understand(cat, l.step, l.text)
		r := rates[l.file]
		if r == nil {
			r = &tally{}
			rates[l.file] = r
		}
		r.all++
		total.all++
		if d := e.mismatch(u); d != "" {
			t.Logf("%s:%d %q: %s", l.file, l.line, l.text, d)
			continue
		}
		r.ok++
		total.ok++
	}
	names := make([]string, 0, len(rates))
	for n := range rates {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Logf("%-13s %3d/%3d %5.1f%%", n, rates[n].ok, rates[n].all, 100*float64(rates[n].ok)/float64(rates[n].all))
	}
	rate := float64(total.ok) / float64(total.all)
	t.Logf("%-13s %3d/%3d %5.1f%%", "all", total.ok, total.all, 100*rate)
	if rate < corpusMinRate {
		t.Errorf("understood %.1f%% of the corpus, want at least %.0f%%", 100*rate, 100*corpusMinRate)
	}
}

// BenchmarkUnderstand reads the whole corpus, one sentence per op, and
// reports the rate understood and the slowest sentence seen.
func BenchmarkUnderstand(b *testing.B) {
	cat := corpusCatalog(b)
	lines := readCorpus(b)
	exp := make([]expectation, len(lines))
	for i, l := range lines {
		exp[i] = parseExpectation(b, l.want)
	}
	ok := 0
	for i, l := range lines {
		if exp[i].mismatch(Understand(cat, l.step, l.text)) == "" {
			ok++
		}
	}
	durs := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l := lines[i%len(lines)]
		start := time.Now()
		Understand(cat, l.step, l.text)
		durs = append(durs, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(durs)
	b.ReportMetric(100*float64(ok)/float64(len(lines)), "%understood")
	b.ReportMetric(float64(durs[len(durs)*99/100].Microseconds()), "p99-µs")
}
