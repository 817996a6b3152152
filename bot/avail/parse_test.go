package avail

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want func(t *testing.T) Week
	}{
		{"平日の午前 is weekday mornings", "平日の午前", func(t *testing.T) Week { return on(t, "月火水木金", "09:00", "12:00") }},
		{"平日の午後 is weekday afternoons", "平日の午後", func(t *testing.T) Week { return on(t, "月火水木金", "13:00", "17:00") }},
		{"午前 alone is every morning", "午前", func(t *testing.T) Week { return on(t, "毎日", "09:00", "12:00") }},
		{"午前中 is 午前", "午前中", func(t *testing.T) Week { return on(t, "毎日", "09:00", "12:00") }},
		{"午後 alone is every afternoon", "午後", func(t *testing.T) Week { return on(t, "毎日", "13:00", "17:00") }},
		{"土日 is the weekend working day", "土日", func(t *testing.T) Week { return on(t, "土日", "09:00", "18:00") }},
		{"週末 is 土日", "週末", func(t *testing.T) Week { return on(t, "土日", "09:00", "18:00") }},
		{"days run together with a time range", "月水金 10時〜15時", func(t *testing.T) Week { return on(t, "月水金", "10:00", "15:00") }},
		{"days with dots and a colon range", "月・水・金 10:00-15:00", func(t *testing.T) Week { return on(t, "月水金", "10:00", "15:00") }},
		{"two days joined by と", "月曜と木曜の午前", func(t *testing.T) Week { return on(t, "月木", "09:00", "12:00") }},
		{"曜日 and から", "火曜日 13時から16時", func(t *testing.T) Week { return on(t, "火", "13:00", "16:00") }},
		{"a range without days is every day", "10:00-15:00", func(t *testing.T) Week { return on(t, "毎日", "10:00", "15:00") }},
		{"夜", "夜", func(t *testing.T) Week { return on(t, "毎日", "18:00", "21:00") }},
		{"夕方", "夕方", func(t *testing.T) Week { return on(t, "毎日", "16:00", "18:00") }},
		{"いつでも is every working day", "いつでも", func(t *testing.T) Week { return on(t, "毎日", "09:00", "18:00") }},
		{"毎日", "毎日", func(t *testing.T) Week { return on(t, "毎日", "09:00", "18:00") }},
		{"朝 is early morning", "朝", func(t *testing.T) Week { return on(t, "毎日", "07:00", "10:00") }},
		{"full-width digits accepted", "１０時〜１５時", func(t *testing.T) Week { return on(t, "毎日", "10:00", "15:00") }},
		{"full-width days and times", "土日 １０時〜１５時", func(t *testing.T) Week { return on(t, "土日", "10:00", "15:00") }},
		{"half past as a lone time is an hour", "10時半", func(t *testing.T) Week { return on(t, "毎日", "10:30", "11:30") }},
		{"half past in a range", "月曜 10時半から12時", func(t *testing.T) Week { return on(t, "月", "10:30", "12:00") }},
		{"午後 carries to the end", "午後2時〜5時", func(t *testing.T) Week { return on(t, "毎日", "14:00", "17:00") }},
		{"午前 to 午後", "午前10時〜午後3時", func(t *testing.T) Week { return on(t, "毎日", "10:00", "15:00") }},
		{"an early end is afternoon", "10時〜3時", func(t *testing.T) Week { return on(t, "毎日", "10:00", "15:00") }},
		{"9 to 5", "平日 9時〜5時", func(t *testing.T) Week { return on(t, "月火水木金", "09:00", "17:00") }},
		{"1時 without 午前 is afternoon", "1時から3時", func(t *testing.T) Week { return on(t, "毎日", "13:00", "15:00") }},
		{"夜 before a time", "夜7時〜9時", func(t *testing.T) Week { return on(t, "毎日", "19:00", "21:00") }},
		{"kanji numerals", "十時から三時", func(t *testing.T) Week { return on(t, "毎日", "10:00", "15:00") }},
		{"minutes without 分", "10時30から12時", func(t *testing.T) Week { return on(t, "毎日", "10:30", "12:00") }},
		{"brackets and の間", "平日（月〜金）の10時から15時の間", func(t *testing.T) Week { return on(t, "月火水木金", "10:00", "15:00") }},
		{"minutes round outward", "10時15分〜11時45分", func(t *testing.T) Week { return on(t, "毎日", "10:00", "12:00") }},
		{"colon minutes round outward", "10:10-10:20", func(t *testing.T) Week { return on(t, "毎日", "10:00", "10:30") }},
		{"up to midnight", "金 18:00-24:00", func(t *testing.T) Week { return on(t, "金", "18:00", "24:00") }},
		{"open end runs to the end of the working day", "10時から", func(t *testing.T) Week { return on(t, "毎日", "10:00", "18:00") }},
		{"以降", "15時以降", func(t *testing.T) Week { return on(t, "毎日", "15:00", "18:00") }},
		{"open end in the evening", "19時以降", func(t *testing.T) Week { return on(t, "毎日", "19:00", "21:00") }},
		{"open start begins the working day", "15時まで", func(t *testing.T) Week { return on(t, "毎日", "09:00", "15:00") }},
		{"periods as endpoints", "朝から夕方まで", func(t *testing.T) Week { return on(t, "毎日", "07:00", "18:00") }},
		{"noon as an endpoint", "昼まで", func(t *testing.T) Week { return on(t, "毎日", "09:00", "12:00") }},
		{"day range", "月〜木 10時〜15時", func(t *testing.T) Week { return on(t, "月火水木", "10:00", "15:00") }},
		{"day range in words", "月曜から金曜まで", func(t *testing.T) Week { return on(t, "月火水木金", "09:00", "18:00") }},
		{"day range wraps past Sunday", "金〜月", func(t *testing.T) Week { return on(t, "金土日月", "09:00", "18:00") }},
		{"two clauses", "月水の午前、土曜の午後", func(t *testing.T) Week {
			return union(on(t, "月水", "09:00", "12:00"), on(t, "土", "13:00", "17:00"))
		}},
		{"two clauses with a space", "月水の午前 土曜の午後", func(t *testing.T) Week {
			return union(on(t, "月水", "09:00", "12:00"), on(t, "土", "13:00", "17:00"))
		}},
		{"clause without time after one with time", "月水金 10時〜15時、土曜", func(t *testing.T) Week {
			return union(on(t, "月水金", "10:00", "15:00"), on(t, "土", "09:00", "18:00"))
		}},
		{"two periods on the same days", "月曜の午前と夕方", func(t *testing.T) Week {
			return union(on(t, "月", "09:00", "12:00"), on(t, "月", "16:00", "18:00"))
		}},
		{"time before days", "10時〜15時 月水金", func(t *testing.T) Week { return on(t, "月水金", "10:00", "15:00") }},
		{"polite sentence", "平日の午前中なら大丈夫です。", func(t *testing.T) Week { return on(t, "月火水木金", "09:00", "12:00") }},
		{"hiragana words", "へいじつのごご", func(t *testing.T) Week { return on(t, "月火水木金", "13:00", "17:00") }},
		{"English weekdays morning", "weekdays morning", func(t *testing.T) Week { return on(t, "月火水木金", "09:00", "12:00") }},
		{"English days and bare hours", "mon wed fri 10-15", func(t *testing.T) Week { return on(t, "月水金", "10:00", "15:00") }},
		{"English capitalised", "Mon, Wed 10am-3pm", func(t *testing.T) Week { return on(t, "月水", "10:00", "15:00") }},
		{"English weekends", "weekends", func(t *testing.T) Week { return on(t, "土日", "09:00", "18:00") }},
		{"English anytime", "anytime", func(t *testing.T) Week { return on(t, "毎日", "09:00", "18:00") }},
		{"English day range", "mon-fri 9-12", func(t *testing.T) Week { return on(t, "月火水木金", "09:00", "12:00") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if want := tt.want(t); got != want {
				t.Errorf("Parse(%q) = %s, want %s", tt.in, got.Japanese(), want.Japanese())
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", ErrNotUnderstood},
		{"only spaces", "　 ", ErrNotUnderstood},
		{"unrelated words", "気が向いたら", ErrNotUnderstood},
		{"negation is not skipped", "月曜以外", ErrNotUnderstood},
		{"refusal is not skipped", "土日は無理", ErrNotUnderstood},
		{"a bare number", "10", ErrNotUnderstood},
		{"a duration is not a time", "3時間", ErrNotUnderstood},
		{"hour out of range", "25時", ErrNotUnderstood},
		{"minutes out of range", "10:75", ErrNotUnderstood},
		{"am without a time", "am", ErrNotUnderstood},
		{"too long", string(make([]rune, maxParseLen+1)), ErrNotUnderstood},
		{"end before start", "15時〜10時", ErrEndBeforeStart},
		{"colon end before start", "15:00-10:00", ErrEndBeforeStart},
		{"empty range", "10:00-10:00", ErrEndBeforeStart},
		{"overnight ranges are not understood", "22時〜2時", ErrEndBeforeStart},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := Parse(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Parse(%q) = %s, %v; want %v", tt.in, w.Japanese(), err, tt.want)
			}
			if !w.IsZero() {
				t.Errorf("Parse(%q) failed but returned %s", tt.in, w.Japanese())
			}
		})
	}
}

func TestPhrasesNormalizeUniquely(t *testing.T) {
	seen := map[string]string{}
	for w := range phrases {
		k := normKey(w)
		if k == "" {
			t.Errorf("phrase %q normalizes to nothing", w)
		}
		if other, dup := seen[k]; dup && phrases[other] != phrases[w] {
			t.Errorf("phrases %q and %q normalize alike but mean different things", w, other)
		}
		seen[k] = w
	}
}
