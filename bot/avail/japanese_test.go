package avail

import "testing"

func TestJapanese(t *testing.T) {
	tests := []struct {
		name string
		week func(t *testing.T) Week
		want string
	}{
		{"empty", func(*testing.T) Week { return Week{} }, "未設定"},
		{"days with the same hours grouped", func(t *testing.T) Week { return on(t, "月水金", "10:00", "15:00") }, "月・水・金 10:00〜15:00"},
		{"Mon–Fri is 平日", func(t *testing.T) Week { return on(t, "月火水木金", "09:00", "12:00") }, "平日 9:00〜12:00"},
		{"Sat–Sun all day is 土日 終日", func(t *testing.T) Week { return on(t, "土日", "00:00", "24:00") }, "土日 終日"},
		{"every day", func(t *testing.T) Week { return on(t, "毎日", "09:00", "18:00") }, "毎日 9:00〜18:00"},
		{"a lone day", func(t *testing.T) Week { return on(t, "土", "13:00", "17:00") }, "土曜 13:00〜17:00"},
		{"a run of days", func(t *testing.T) Week { return on(t, "火水木", "13:00", "17:00") }, "火〜木 13:00〜17:00"},
		{"several runs in a day", func(t *testing.T) Week {
			return union(on(t, "月", "09:00", "12:00"), on(t, "月", "13:00", "17:00"))
		}, "月曜 9:00〜12:00と13:00〜17:00"},
		{"several groups", func(t *testing.T) Week {
			return union(on(t, "月火水木金", "09:00", "12:00"), on(t, "土日", "13:00", "17:00"))
		}, "平日 9:00〜12:00、土日 13:00〜17:00"},
		{"groups in day order", func(t *testing.T) Week {
			return union(on(t, "月水", "09:00", "12:00"), on(t, "火", "18:00", "24:00"))
		}, "月・水 9:00〜12:00、火曜 18:00〜24:00"},
		{"half hours", func(t *testing.T) Week { return on(t, "日", "10:30", "11:30") }, "日曜 10:30〜11:30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := tt.week(t).Japanese(), tt.want; got != want {
				t.Errorf("Japanese() = %q, want %q", got, want)
			}
		})
	}
}

func TestParseThenJapanese(t *testing.T) {
	tests := []struct{ in, want string }{
		{"月水金 10時〜15時", "月・水・金 10:00〜15:00"},
		{"平日の午前", "平日 9:00〜12:00"},
		{"土日", "土日 9:00〜18:00"},
		{"月水の午前、土曜の午後", "月・水 9:00〜12:00、土曜 13:00〜17:00"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			w, err := Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := w.Japanese(), tt.want; got != want {
				t.Errorf("Japanese() = %q, want %q", got, want)
			}
		})
	}
}
