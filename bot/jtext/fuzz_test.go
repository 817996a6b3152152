package jtext

import (
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"", "はい", "ﾊﾟｿｺﾝ", "１０時〜１５時", "10:00 - 15:00", "コーヒー", "月　水",
	"は\xffい", "か゛", "ウ\u3099", "1 - - 2", "週に3回", "十百", "マイナス3", "2.5",
	"すみません、できません", "パソコンとスマホ", "𝟘𝟙", "ｶﾞ〜ｰ1", "\u3099",
}

func FuzzNormalize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q is not valid UTF-8", s, n)
		}
		if got, want := Normalize(n), n; got != want {
			t.Fatalf("Normalize not idempotent on %q: once %q, twice %q", s, want, got)
		}
	})
}

func FuzzYesNo(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		yes, ok := YesNo(s)
		if !ok && yes {
			t.Fatalf("YesNo(%q) = yes without ok", s)
		}
		// Reading an answer must not depend on how it was spelled.
		if y2, ok2 := YesNo(Normalize(s)); y2 != yes || ok2 != ok {
			t.Fatalf("YesNo(%q) = %v,%v but on its normal form %v,%v", s, yes, ok, y2, ok2)
		}
	})
}

func FuzzCount(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := Count(s)
		if ok && n < 0 {
			t.Fatalf("Count(%q) = %d, negative", s, n)
		}
		if !ok && n != 0 {
			t.Fatalf("Count(%q) = %d without ok", s, n)
		}
		for _, item := range SplitList(s) {
			if item == "" || !utf8.ValidString(item) {
				t.Fatalf("SplitList(%q) has item %q", s, item)
			}
		}
	})
}

// FuzzName: whatever is typed, the name and the rest read are whole
// characters (cutting a separator in two left bytes of it in the name).
func FuzzName(f *testing.F) {
	for _, s := range []string{"先ほど申し上げました通り、山田ふみでございます。", "はい", "山田です", "「山口」で登録してください", "私は、佐藤と申します"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, rest := Name(s)
		if !utf8.ValidString(name) || !utf8.ValidString(rest) {
			t.Fatalf("Name(%q) = %q, %q: not valid UTF-8", s, name, rest)
		}
	})
}
