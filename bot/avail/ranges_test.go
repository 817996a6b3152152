package avail

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestRanges(t *testing.T) {
	w := union(on(t, "月", "09:00", "12:00"), on(t, "月", "11:00", "13:00"), on(t, "月", "15:00", "16:00"), on(t, "日", "18:00", "24:00"))
	got := w.Ranges()
	want := []Range{
		{Day: "mon", From: "09:00", To: "13:00"},
		{Day: "mon", From: "15:00", To: "16:00"},
		{Day: "sun", From: "18:00", To: "24:00"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Ranges() = %v, want %v", got, want)
	}
	if got := (Week{}).Ranges(); got != nil {
		t.Errorf("zero week Ranges() = %v, want none", got)
	}
}

func TestFromRanges(t *testing.T) {
	tests := []struct {
		name    string
		in      []Range
		want    func(t *testing.T) Week
		wantErr string
	}{
		{name: "one range", in: []Range{{"mon", "09:00", "12:00"}}, want: func(t *testing.T) Week { return on(t, "月", "09:00", "12:00") }},
		{name: "overlapping ranges merge", in: []Range{{"tue", "09:00", "12:00"}, {"tue", "10:00", "13:30"}}, want: func(t *testing.T) Week { return on(t, "火", "09:00", "13:30") }},
		{name: "to may be 24:00", in: []Range{{"sun", "22:00", "24:00"}}, want: func(t *testing.T) Week { return on(t, "日", "22:00", "24:00") }},
		{name: "upper-case and full day names", in: []Range{{"Monday", "09:00", "10:00"}, {"FRI", "9:00", "10:00"}}, want: func(t *testing.T) Week {
			return on(t, "月金", "09:00", "10:00")
		}},
		{name: "no ranges is the zero week", in: nil, want: func(*testing.T) Week { return Week{} }},
		{name: "unknown day", in: []Range{{"xyz", "09:00", "10:00"}}, wantErr: `day "xyz" is not one of mon..sun`},
		{name: "off the half hour", in: []Range{{"mon", "10:15", "11:00"}}, wantErr: "from 10:15 is not on a 30-minute boundary"},
		{name: "to off the half hour", in: []Range{{"mon", "10:00", "11:45"}}, wantErr: "to 11:45 is not on a 30-minute boundary"},
		{name: "to before from", in: []Range{{"mon", "12:00", "10:00"}}, wantErr: "to must be after from"},
		{name: "empty range", in: []Range{{"mon", "10:00", "10:00"}}, wantErr: "to must be after from"},
		{name: "not a time", in: []Range{{"mon", "ten", "11:00"}}, wantErr: `from "ten" is not a time like 09:30`},
		{name: "past the end of the day", in: []Range{{"mon", "23:00", "24:30"}}, wantErr: "to 24:30 is not a time of day"},
		{name: "signed hour", in: []Range{{"mon", "+9:00", "11:00"}}, wantErr: "is not a time like"},
		{name: "the error names the range", in: []Range{{"mon", "09:00", "10:00"}, {"mon", "09:00", "08:00"}}, wantErr: "availability[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromRanges(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("FromRanges error = %v, want one saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := tt.want(t); got != want {
				t.Errorf("FromRanges = %s, want %s", got.Japanese(), want.Japanese())
			}
		})
	}
}

func TestWeekJSON(t *testing.T) {
	w := union(on(t, "月水金", "10:00", "15:00"), on(t, "土", "18:00", "24:00"))
	b, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"day":"mon","from":"10:00","to":"15:00"},{"day":"wed","from":"10:00","to":"15:00"},` +
		`{"day":"fri","from":"10:00","to":"15:00"},{"day":"sat","from":"18:00","to":"24:00"}]`
	if got := string(b); got != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
	var back Week
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back != w {
		t.Errorf("round trip = %s, want %s", back.Japanese(), w.Japanese())
	}
}

func TestWeekJSONInStruct(t *testing.T) {
	type profile struct {
		Availability Week `json:"availability"`
	}
	b, err := json.Marshal(profile{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"availability":[]}`; got != want {
		t.Errorf("zero week = %s, want %s", got, want)
	}
	for _, in := range []string{`{"availability":null}`, `{"availability":[]}`, `{}`} {
		p := profile{Availability: on(t, "月", "09:00", "10:00")}
		if in == `{}` {
			p = profile{}
		}
		if err := json.Unmarshal([]byte(in), &p); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if !p.Availability.IsZero() {
			t.Errorf("%s = %s, want the zero week", in, p.Availability.Japanese())
		}
	}
	var p profile
	err = json.Unmarshal([]byte(`{"availability":[{"day":"mon","from":"10:15","to":"11:00"}]}`), &p)
	if err == nil || !strings.Contains(err.Error(), "30-minute boundary") {
		t.Errorf("bad range error = %v", err)
	}
	if err := json.Unmarshal([]byte(`{"availability":"weekdays"}`), &p); err == nil {
		t.Error("a string is accepted as availability")
	}
}
