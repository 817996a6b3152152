package jtext

import "testing"

func TestCount(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   int
		wantOK bool
	}{
		{"ASCII digit", "3", 3, true},
		{"full-width digit", "３", 3, true},
		{"with counter 件", "3件", 3, true},
		{"full-width with counter", "３件", 3, true},
		{"週3", "週3", 3, true},
		{"週に3回", "週に3回", 3, true},
		{"kanji 三件", "三件", 3, true},
		{"kanji 二つ", "二つ", 2, true},
		{"digit 1つ", "1つ", 1, true},
		{"native ひとつ", "ひとつ", 1, true},
		{"native katakana ミッツ", "ミッツ", 3, true},
		{"回まで", "5回まで", 5, true},
		{"two digits", "10", 10, true},
		{"kanji 十五", "十五回", 15, true},
		{"kanji 二十", "二十", 20, true},
		{"週一", "週一", 1, true},
		{"period before count", "1週間に3回", 3, true},
		{"kanji period before count", "一週間に二回", 2, true},
		{"zero is zero", "0", 0, true},
		{"ゼロ", "ゼロ", 0, true},
		{"same number twice", "3件、3回", 3, true},
		{"polite sentence", "週に2件くらいでお願いします", 2, true},

		{"no number", "たくさん", 0, false},
		{"empty", "", 0, false},
		{"negative", "-3", 0, false},
		{"negative with minus sign", "−3件", 0, false},
		{"マイナス", "マイナス3", 0, false},
		{"two different numbers", "3か4", 0, false},
		{"a range", "3〜5件", 0, false},
		{"a fraction", "2.5", 0, false},
		{"十分 is enough, not ten", "十分です", 0, false},
		{"too many digits", "12345678901", 0, false},
		{"only a period", "3週", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Count(tt.in)
			if ok != tt.wantOK {
				t.Fatalf("Count(%q) ok = %v, want %v (value %d)", tt.in, ok, tt.wantOK, got)
			}
			if want := tt.want; ok && got != want {
				t.Errorf("Count(%q) = %d, want %d", tt.in, got, want)
			}
		})
	}
}

func TestNumber(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   int
		wantOK bool
	}{
		{"digits", "15", 15, true},
		{"kanji with units", "二十五", 25, true},
		{"kanji positional", "一五", 15, true},
		{"ten alone", "十", 10, true},
		{"hundreds", "百二", 102, true},
		{"thousands", "千百十一", 1111, true},
		{"zero kanji", "〇", 0, true},
		{"rising units rejected", "十百", 0, false},
		{"two digits before a unit rejected", "二三十", 0, false},
		{"empty rejected", "", 0, false},
		{"mixed rejected", "1五", 0, false},
		{"sign rejected", "+1", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Number(tt.in)
			if ok != tt.wantOK || (ok && got != tt.want) {
				t.Errorf("Number(%q) = %d, %v, want %d, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
