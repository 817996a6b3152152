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
		{name: "organization and reward at their limits", edit: func(t *Task) {
			t.Organization, t.Reward = strings.Repeat("会", MaxOrganizationLen), strings.Repeat("🍵", MaxRewardLen/2)
		}},
		{name: "organization of 170,000 characters", edit: func(t *Task) { t.Organization = strings.Repeat("会", 170_000) }, wantErr: "organization is longer than 100"},
		{name: "organization on two lines", edit: func(t *Task) { t.Organization = "世田谷区\n教育委員会" }, wantErr: "organization must be one line"},
		{name: "organization of invisible characters", edit: func(t *Task) { t.Organization = "\u200b\ufeff" }, wantErr: "organization has no visible character"},
		{name: "reward one emoji over", edit: func(t *Task) { t.Reward = strings.Repeat("🍵", MaxRewardLen/2) + "円" }, wantErr: "reward is longer than 100"},
		{name: "reward with an escape", edit: func(t *Task) { t.Reward = "時給\x1b[1m1100円" }, wantErr: "reward contains a control character"},
		{name: "title of a zero-width space", edit: func(t *Task) { t.Title = "\u200b" }, wantErr: "title has no visible character"},
		{name: "title with a paragraph separator", edit: func(t *Task) { t.Title = "採点\u2029補助" }, wantErr: "title must be one line"},
		{name: "title of 31 emoji, 62 as LINE counts", edit: func(t *Task) { t.Title = strings.Repeat("📝", 31) }, wantErr: "title is longer than 60"},
		{name: "description on several lines", edit: func(t *Task) { t.Description = "赤ペンは用意します。\n\n当日は9時集合です。" }},
		{name: "description with a bell", edit: func(t *Task) { t.Description = "赤ペン\a" }, wantErr: "description contains a control character"},
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
