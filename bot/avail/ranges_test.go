package avail

import (
	"encoding/json"
	"math/rand/v2"
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

// readGeneral is UnmarshalJSON without its shortcut for the compact form.
func readGeneral(b []byte) (Week, error) {
	var rs []Range
	if err := json.Unmarshal(b, &rs); err != nil {
		return Week{}, err
	}
	return FromRanges(rs)
}

func TestWeekJSONCompact(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		compact  bool // the shortcut reads it
	}{
		{"empty", `[]`, true},
		{"one range", `[{"day":"mon","from":"09:00","to":"12:00"}]`, true},
		{"half hours and the end of the day", `[{"day":"sun","from":"00:30","to":"24:00"},{"day":"tue","from":"13:30","to":"14:00"}]`, true},
		{"overlapping ranges merge", `[{"day":"fri","from":"09:00","to":"12:00"},{"day":"fri","from":"11:00","to":"15:30"}]`, true},
		{"null", `null`, false},
		{"spaces", `[{"day": "mon","from":"09:00","to":"12:00"}]`, false},
		{"space between ranges", `[{"day":"mon","from":"09:00","to":"12:00"}, {"day":"tue","from":"09:00","to":"12:00"}]`, false},
		{"fields in another order", `[{"from":"09:00","day":"mon","to":"12:00"}]`, false},
		{"full day name", `[{"day":"Monday","from":"09:00","to":"12:00"}]`, false},
		{"upper-case day", `[{"day":"MON","from":"09:00","to":"12:00"}]`, false},
		{"one-digit hour", `[{"day":"mon","from":"9:00","to":"12:00"}]`, false},
		{"escaped letter", `[{"day":"m\u006fn","from":"09:00","to":"12:00"}]`, false},
		{"quarter hour", `[{"day":"mon","from":"09:15","to":"12:00"}]`, false},
		{"after midnight", `[{"day":"mon","from":"09:00","to":"24:30"}]`, false},
		{"hour 25", `[{"day":"mon","from":"25:00","to":"26:00"}]`, false},
		{"end before start", `[{"day":"mon","from":"12:00","to":"09:00"}]`, false},
		{"empty range", `[{"day":"mon","from":"12:00","to":"12:00"}]`, false},
		{"unknown day", `[{"day":"xyz","from":"09:00","to":"12:00"}]`, false},
		{"trailing comma", `[{"day":"mon","from":"09:00","to":"12:00"},]`, false},
		{"cut short", `[{"day":"mon","from":"09:00","to":"12:00"`, false},
		{"object", `{"day":"mon","from":"09:00","to":"12:00"}`, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := readCompact([]byte(tt.in))
			if ok != tt.compact {
				t.Fatalf("readCompact(%s) ok = %v, want %v", tt.in, ok, tt.compact)
			}
			want, err := readGeneral([]byte(tt.in))
			if ok && (err != nil || got != want) {
				t.Errorf("readCompact(%s) = %v, the general way %v (%v)", tt.in, got, want, err)
			}
			var w Week
			if gotErr := w.UnmarshalJSON([]byte(tt.in)); (gotErr == nil) != (err == nil) || err == nil && w != want {
				t.Errorf("UnmarshalJSON(%s) = %v, %v; the general way %v, %v", tt.in, w, gotErr, want, err)
			}
		})
	}
}

// Every week MarshalJSON writes takes the shortcut back to itself.
func TestWeekJSONCompactRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		var w Week
		for d := range w {
			w[d] = r.Uint64() & dayMask
			if r.IntN(3) == 0 {
				w[d] = 0
			}
		}
		b, err := json.Marshal(w)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := readCompact(b)
		if !ok || got != w {
			t.Fatalf("readCompact(%s) = %v, %v; want %v", b, got, ok, w)
		}
	}
}
