package jtext

import "testing"

func TestHours(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"2時間半でした", 2.5, true},
		{"２時間半でした", 2.5, true},
		{"1時間だけ", 1, true},
		{"一時間だけでした", 1, true},
		{"二時間半くらいです", 2.5, true},
		{"90分くらい", 1.5, true},
		{"1時間30分でした", 1.5, true},
		{"1.5時間", 1.5, true},
		{"3時間かかりました", 3, true},
		{"えーと、2時間ぐらいですかね", 2, true},
		{"2時間か3時間", 0, false},
		{"終わりました", 0, false},
		{"", 0, false},
		{"時間がかかりました", 0, false},
	}
	for _, tt := range tests {
		got, ok := Hours(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("Hours(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzHours(f *testing.F) {
	for _, s := range []string{"2時間半でした", "90分", "一時間三十分", "1.5時間"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, ok := Hours(s)
		if ok && (h < 0 || h != h) {
			t.Fatalf("Hours(%q) = %v", s, h)
		}
	})
}
