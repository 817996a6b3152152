package avail

import (
	"encoding/json"
	"errors"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"平日の午前", "月水金 10時〜15時", "月・水・金 10:00-15:00", "月曜と木曜の午前", "火曜日 13時から16時",
		"１０時〜１５時", "午後2時〜5時", "mon wed fri 10-15", "weekdays morning", "月水の午前、土曜の午後",
		"15時〜10時", "〜", "10:", "午後", "am10", "24時から", "金〜月", "十時から三時", "から", "0時まで",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrNotUnderstood) && !errors.Is(err, ErrEndBeforeStart) {
				t.Fatalf("Parse(%q) error %v is neither sentinel", s, err)
			}
			if !w.IsZero() {
				t.Fatalf("Parse(%q) failed with a week %v", s, w)
			}
			return
		}
		if w.IsZero() {
			t.Fatalf("Parse(%q) = zero week without an error", s)
		}
		back, err := FromRanges(w.Ranges())
		if err != nil {
			t.Fatalf("Parse(%q) ranges %v do not load: %v", s, w.Ranges(), err)
		}
		if back != w {
			t.Fatalf("Parse(%q) ranges do not round-trip: %v", s, w.Ranges())
		}
	})
}

func FuzzFromRanges(f *testing.F) {
	f.Add("mon", "09:00", "12:00")
	f.Add("sun", "22:00", "24:00")
	f.Add("xyz", "10:15", "09:00")
	f.Add("Monday", "9:00", "+10:00")
	f.Add("tue", "24:00", "24:00")
	f.Fuzz(func(t *testing.T, day, from, to string) {
		w, err := FromRanges([]Range{{Day: day, From: from, To: to}})
		if err != nil {
			if !w.IsZero() {
				t.Fatalf("failed with a week %v", w)
			}
			return
		}
		if w.IsZero() {
			t.Fatalf("%q %q-%q accepted as nothing", day, from, to)
		}
		b, err := json.Marshal(w)
		if err != nil {
			t.Fatal(err)
		}
		var back Week
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s does not load: %v", b, err)
		}
		if back != w {
			t.Fatalf("JSON round trip %s changed the week", b)
		}
	})
}

// FuzzWeekJSON checks that whatever the compact shortcut accepts, the
// general way reads the same.
func FuzzWeekJSON(f *testing.F) {
	f.Add(`[]`)
	f.Add(`[{"day":"mon","from":"09:00","to":"12:00"},{"day":"sun","from":"23:30","to":"24:00"}]`)
	f.Add(`[{"day":"tue","from":"24:00","to":"24:30"}]`)
	f.Add(`[{"day":"wed","from":"0a:00","to":"12:00"}]`)
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := readCompact([]byte(s))
		if !ok {
			return
		}
		want, err := readGeneral([]byte(s))
		if err != nil || got != want {
			t.Fatalf("readCompact(%s) = %v; the general way %v, %v", s, got, want, err)
		}
	})
}

// FuzzRead: a sentence never breaks the reader, and a change it makes to a
// week never keeps what it rules out.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"水曜日以外", "水曜日以外の平日の午後一時から四時まで", "えーと月曜と えー 木曜の午後", "午後はだめになりました",
		"木曜も空きました", "月曜はだめ、火曜の午前にしてください", "えー", "あのー えーと", "土日以外ならいつでも",
	} {
		f.Add(s)
	}
	base, err := Parse("平日 9時〜18時")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := Read(s)
		if err != nil {
			return
		}
		if w := r.Adjust(base); w.Overlaps(r.Except) {
			t.Fatalf("Read(%q).Adjust keeps what it rules out: %v", s, w.Ranges())
		}
		if r.OnlyRulesOut() && r.Except.IsZero() {
			t.Fatalf("Read(%q) rules out nothing but says it only rules out", s)
		}
	})
}
