package avail

import (
	"errors"
	"testing"
)

func TestRead(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // a phrase Parse reads as the week meant; "" for none
		days     bool
	}{
		{"days and a part of the day in a sentence", "月水金の午前中なら大丈夫です", "月水金の午前", true},
		// Dictated: the clock restates the part of the day; it read as
		// every day, and offers came on Saturdays.
		{"a time restated after days keeps them", "月水金の午前中、９時から１２時まで", "月水金9時〜12時", true},
		{"a time restated with fillers", "月水金の午前中、あー、９時から１２時くらいまでなら。週２回まで。", "月水金9時〜12時", true},
		{"以外 turns the days into the others", "土日以外ならいつでも", "平日", true},
		{"だめ after a comma rules a day out", "平日の午前、でも水曜はだめです", "月火木金の午前", true},
		{"only a day ruled out: every other day", "月曜はだめです", "火水木金土日", true},
		{"以外 before days narrows them", "水曜以外の平日", "月火木金", true},
		{"times alone, then days after a comma", "えーと、１０時〜１５時くらいで、月曜と木曜", "月木10時〜15時", true},
		{"a reason for being busy rules out", "平日は仕事なので土日がいいです", "土日", true},
		{"English except names the days after", "Anytime except Sunday", "月火水木金土", true},
		{"afternoon as 12-hour clock", "火曜と木曜の10時から3時まで", "火木10時〜15時", true},
		{"a count is not a time", "週に2回くらい", "", false},
		{"今月 and お金 are not Monday and Friday", "今月はお金が大変で", "", false},
		{"植木 is not Thursday", "植木の手入れ", "", false},
		{"日曜大工 is not Sunday", "日曜大工が趣味です", "", false},
		{"a part of the day without days", "朝のうちなら", "朝", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Read(tt.in)
			if err != nil {
				t.Fatalf("Read(%q): %v", tt.in, err)
			}
			if r.Days != tt.days {
				t.Errorf("Read(%q).Days = %v, want %v", tt.in, r.Days, tt.days)
			}
			if tt.want == "" {
				if !r.IsZero() {
					t.Errorf("Read(%q) = %s / except %s, want nothing", tt.in, r.Free.Japanese(), r.Except.Japanese())
				}
				return
			}
			want, err := Parse(tt.want)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.want, err)
			}
			if got := r.Apply(Week{}); got != want {
				t.Errorf("Read(%q) = %s, want %s", tt.in, got.Japanese(), want.Japanese())
			}
		})
	}
}

func TestReadingApplyChangesTheCurrentWeek(t *testing.T) {
	base, _ := Parse("月火の午前")
	r, err := Read("月曜はだめになりました")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Parse("火曜の午前")
	if got := r.Apply(base); got != want {
		t.Errorf("Apply = %s, want %s", got.Japanese(), want.Japanese())
	}
}

func TestReadBackwardsRange(t *testing.T) {
	if _, err := Read("月曜の15時から10時まで"); !errors.Is(err, ErrEndBeforeStart) {
		t.Errorf("err = %v, want ErrEndBeforeStart", err)
	}
}
