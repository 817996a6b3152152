package bot

import (
	"strings"
	"testing"
	"time"
)

func TestTaskValidate(t *testing.T) {
	cat := testCatalog(t)
	start := testNow.Add(48 * time.Hour)
	valid := func() Task {
		return Task{Title: "朝テストの採点", Skills: []string{"grading"}, Area: "setagaya",
			Start: start, End: start.Add(2 * time.Hour), Headcount: 2}
	}
	tests := []struct {
		name    string
		edit    func(*Task)
		wantErr string // substring naming the field; "" means valid
	}{
		{name: "valid on-site task", edit: func(*Task) {}},
		{name: "valid remote task without area", edit: func(t *Task) { t.Remote, t.Area = true, "" }},
		{name: "title required", edit: func(t *Task) { t.Title = "  " }, wantErr: "title"},
		{name: "end before start", edit: func(t *Task) { t.End = t.Start.Add(-time.Hour) }, wantErr: "end must be after start"},
		{name: "end equal to start", edit: func(t *Task) { t.End = t.Start }, wantErr: "end must be after start"},
		{name: "start in the past", edit: func(t *Task) { t.Start, t.End = testNow.Add(-time.Hour), testNow.Add(time.Hour) }, wantErr: "start is in the past"},
		{name: "headcount zero", edit: func(t *Task) { t.Headcount = 0 }, wantErr: "headcount"},
		{name: "unknown skill", edit: func(t *Task) { t.Skills = []string{"juggling"} }, wantErr: `skills: "juggling"`},
		{name: "unknown area", edit: func(t *Task) { t.Area = "osaka" }, wantErr: `area: "osaka"`},
		{name: "on-site needs an area", edit: func(t *Task) { t.Area = "" }, wantErr: "area is required"},
		{name: "offer ttl too short", edit: func(t *Task) { t.OfferTTL = time.Second }, wantErr: "offer_ttl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task := valid()
			tt.edit(&task)
			err := task.Validate(cat, testNow)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("no error, want one about %q", tt.wantErr)
			case tt.wantErr != "" && (!strings.Contains(err.Error(), tt.wantErr) || ErrorCode(err) != EUNPROCESSABLE):
				t.Fatalf("error %v (code %s), want unprocessable about %q", err, ErrorCode(err), tt.wantErr)
			}
		})
	}
}

func TestFormatSpanJA(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		start, end time.Time
		want       string
	}{
		{"morning grading", time.Date(2026, 12, 7, 8, 0, 0, 0, tokyo), time.Date(2026, 12, 7, 10, 0, 0, 0, tokyo), "12月7日(月) 8:00〜10:00"},
		{"given in UTC, shown in Tokyo", time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 1, 30, 0, 0, time.UTC), "12月1日(火) 8:00〜10:30"},
		{"across midnight", time.Date(2026, 12, 5, 22, 0, 0, 0, tokyo), time.Date(2026, 12, 6, 1, 0, 0, 0, tokyo), "12月5日(土) 22:00〜12月6日(日) 1:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatSpanJA(tt.start, tt.end, tokyo); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
