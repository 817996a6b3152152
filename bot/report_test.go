package bot

import (
	"context"
	"reflect"
	"testing"
	"time"
)

// memReports is a ReportSource over records held in memory.
type memReports struct {
	tasks    []TaskRecord
	sessions []SessionRecord
}

func (m memReports) EachTaskRecord(_ context.Context, fn func(TaskRecord) error) error {
	for _, r := range m.tasks {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

func (m memReports) EachSessionRecord(_ context.Context, fn func(SessionRecord) error) error {
	for _, r := range m.sessions {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

func TestReportFigures(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	at := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, tokyo) }
	now := at(12, 20, 12)
	task := func(id string, start time.Time, hours, head int, status TaskStatus) Task {
		return Task{ID: id, Start: start, End: start.Add(time.Duration(hours) * time.Hour), Headcount: head, Status: status,
			CreatedAt: start.Add(-48 * time.Hour)}
	}
	offer := func(who string, st OfferState, made time.Time) OfferRecord {
		return OfferRecord{ProfileID: who, State: st, At: made}
	}
	src := memReports{
		tasks: []TaskRecord{
			// November: filled in 30 minutes; A completed 2.5h (said so), B
			// not done; C's offer expired, D declined.
			{Task: task("T1", at(11, 10, 9), 2, 2, TaskFilled), FilledAt: at(11, 8, 9).Add(30 * time.Minute),
				Accepted: []string{"A", "B"},
				Offers: []OfferRecord{offer("A", OfferAccepted, at(11, 8, 9)), offer("B", OfferAccepted, at(11, 8, 9)),
					offer("C", OfferExpired, at(11, 8, 9)), offer("D", OfferDeclined, at(11, 8, 9))},
				Results: map[string]TaskResult{"A": {Completed, 2.5}, "B": {NotCompleted, 0}}},
			// December: one of three places taken by a deleted person
			// (anonymous), who counts once among the people with A.
			{Task: task("T2", at(12, 1, 9), 3, 3, TaskOpen), Accepted: []string{"anon:x1"},
				Offers: []OfferRecord{offer("anon:x1", OfferAccepted, at(11, 29, 9)), offer("E", OfferOffered, at(11, 29, 9)),
					{ProfileID: "F", State: OfferOffered, At: at(11, 29, 9), ExpiresAt: at(11, 30, 9)}},
				Results: map[string]TaskResult{}},
			// December, cancelled: neither tasks nor places, but its
			// offer was made and counts.
			{Task: task("T3", at(12, 5, 9), 2, 1, TaskCancelled), Offers: []OfferRecord{offer("A", OfferCancelled, at(12, 1, 9))}},
			// December, ahead of now: a place and a fill, no participation.
			{Task: task("T4", at(12, 25, 9), 2, 1, TaskFilled), FilledAt: at(12, 24, 9), Accepted: []string{"A"},
				Offers: []OfferRecord{offer("A", OfferAccepted, at(12, 18, 9))}},
			// Outside the range (October), offers too.
			{Task: task("T5", at(10, 5, 9), 2, 1, TaskFilled), FilledAt: at(10, 1, 9), Accepted: []string{"G"},
				Offers: []OfferRecord{offer("G", OfferAccepted, at(10, 1, 9))}},
		},
		sessions: []SessionRecord{
			{ID: "S1", Start: at(11, 20, 19), End: at(11, 20, 21), Attendees: []string{"A", "H"}},
			{ID: "S2", Start: at(12, 22, 19), End: at(12, 22, 21), Attendees: []string{"A"}}, // not held yet
			// Called off: not held, though people had said yes.
			{ID: "S3", Start: at(11, 25, 19), End: at(11, 25, 21), Attendees: []string{"A", "J"}, Cancelled: true},
		},
	}
	s := &ReportService{Source: src, Now: func() time.Time { return now }, Location: tokyo,
		Folded: func(context.Context) (map[string]map[string]float64, error) {
			return map[string]map[string]float64{"2026-11": {"tasks": 1, "places": 2, "places_filled": 1, "participations": 1, "hours": 3,
				"offers": 2, "offers_accepted": 1, "offers_declined": 1}, "2025-11": {"tasks": 9}}, nil
		}}
	rep, err := s.Report(context.Background(), "2026-11-01", "2026-12-31")
	if err != nil {
		t.Fatal(err)
	}
	thirty := 30.0
	nov := Figures{Tasks: 1 + 1, TasksFilled: 1, Places: 2 + 2, PlacesFilled: 2 + 1, FillRate: 0.75,
		Participations: 1 + 2 + 1, People: 2, Hours: 2.5 + 3, Sessions: 1, SessionAttendances: 2,
		Offers: 4 + 3 + 2, Accepted: 2 + 1 + 1, Declined: 1 + 1, Expired: 1 + 1, MedianMinutesToFill: &thirty}
	dec := rep.ByMonth[1].Figures
	if rep.From != "2026-11-01" || rep.To != "2026-12-31" || len(rep.ByMonth) != 2 || rep.ByMonth[0].Month != "2026-11" {
		t.Fatalf("period %s–%s, months %+v", rep.From, rep.To, rep.ByMonth)
	}
	if got := rep.ByMonth[0].Figures; !reflect.DeepEqual(got, nov) {
		t.Errorf("November\n got %+v\nwant %+v", got, nov)
	}
	// December: T2 (3 places, 1 taken, ended: the deleted person's
	// participation, 3 hours) and T4 (1 of 1, ahead), T3 left out; offers
	// made in December: T3's and T4's, both said yes to. S2 is not held
	// yet: no session.
	if dec.Tasks != 2 || dec.Places != 4 || dec.PlacesFilled != 2 || dec.TasksFilled != 1 || dec.Participations != 1 ||
		dec.Hours != 3 || dec.People != 1 || dec.Offers != 2 || dec.Accepted != 2 || dec.Sessions != 0 || dec.SessionAttendances != 0 {
		t.Errorf("December %+v", dec)
	}
	if dec.MedianMinutesToFill == nil || *dec.MedianMinutesToFill != 24*60 {
		t.Errorf("December median %v, want a day", dec.MedianMinutesToFill)
	}
	// The whole period: 延べ 5, 実人数 A, H and the deleted person.
	if rep.People != 3 || rep.Participations != 5 || rep.Tasks != 4 || rep.Places != 8 || rep.Hours != 8.5 {
		t.Errorf("total %+v", rep.Figures)
	}
	if rep.MedianMinutesToFill == nil || *rep.MedianMinutesToFill != (30+24*60)/2.0 {
		t.Errorf("total median %v", rep.MedianMinutesToFill)
	}
}

func TestReportPeopleCountsTheDeletedOnce(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	at := func(d int) time.Time { return time.Date(2026, 6, d, 9, 0, 0, 0, tokyo) }
	rec := func(id string, d int, who ...string) TaskRecord {
		return TaskRecord{Task: Task{ID: id, Start: at(d), End: at(d).Add(2 * time.Hour), Headcount: len(who), Status: TaskFilled},
			Accepted: who}
	}
	src := memReports{tasks: []TaskRecord{rec("a", 1, "anon:k", "P"), rec("b", 2, "anon:k"), rec("c", 3, "anon:z", "P")}}
	s := &ReportService{Source: src, Now: func() time.Time { return at(30) }, Location: tokyo}
	rep, err := s.Report(context.Background(), "2026-06-01", "2026-06-30")
	if err != nil {
		t.Fatal(err)
	}
	// 延べ 5, 実人数 3: P, and two deleted people, each once.
	if rep.Participations != 5 || rep.People != 3 || rep.Hours != 10 {
		t.Errorf("figures %+v", rep.Figures)
	}
	if rep.MedianMinutesToFill != nil {
		t.Errorf("median %v, want none: nothing recorded a fill", *rep.MedianMinutesToFill)
	}
}

func TestReportRange(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	now := time.Date(2027, 2, 10, 12, 0, 0, 0, tokyo)
	tests := []struct {
		from, to         string
		wantFrom, wantTo string
		months           int
		bad              string // the field named, if refused
	}{
		{wantFrom: "2026-04-01", wantTo: "2027-03-31", months: 12}, // the fiscal year of now
		{from: "2026-11-15", to: "2026-11-20", wantFrom: "2026-11-15", wantTo: "2026-11-20", months: 1},
		{from: "2026-11-15", to: "2027-01-02", wantFrom: "2026-11-15", wantTo: "2027-01-02", months: 3},
		{from: "2026-11-15", wantFrom: "2026-11-15", wantTo: "2027-11-14", months: 13},
		{from: "2026/11/15", bad: "from"},
		{from: "2026-11-15", to: "2026-11-14", bad: "to"},
		{to: "yesterday", bad: "to"},
	}
	for _, tt := range tests {
		s := &ReportService{Source: memReports{}, Now: func() time.Time { return now }, Location: tokyo}
		rep, err := s.Report(context.Background(), tt.from, tt.to)
		if tt.bad != "" {
			if ErrorCode(err) != EINVALID || ErrorField(err) != tt.bad {
				t.Errorf("%q–%q: %v, want invalid %s", tt.from, tt.to, err, tt.bad)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if rep.From != tt.wantFrom || rep.To != tt.wantTo || len(rep.ByMonth) != tt.months {
			t.Errorf("%q–%q: %s–%s with %d months, want %s–%s with %d", tt.from, tt.to, rep.From, rep.To, len(rep.ByMonth),
				tt.wantFrom, tt.wantTo, tt.months)
		}
		if rep.MedianMinutesToFill != nil || rep.FillRate != 0 {
			t.Errorf("empty report %+v", rep.Figures)
		}
	}
}
