package jtext

import (
	"slices"
	"testing"
)

func TestSplitList(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty has no items", "", nil},
		{"only separators", " 、・ ", nil},
		{"one item", "パソコン", []string{"パソコン"}},
		{"読点", "パソコン、スマホ", []string{"パソコン", "スマホ"}},
		{"middle dot", "丸つけ・ズーム", []string{"丸つけ", "ズーム"}},
		{"comma and spaces", "PC, Zoom", []string{"PC", "Zoom"}},
		{"full-width comma and slash", "採点，英語／保育", []string{"採点", "英語", "保育"}},
		{"ideographic space", "採点　英語", []string{"採点", "英語"}},
		{"full-width letters folded", "ＰＣ入力", []string{"PC入力"}},
		{"empties trimmed", "採点、、 英語 ,", []string{"採点", "英語"}},
		{"と between katakana words", "パソコンとスマホ", []string{"パソコン", "スマホ"}},
		{"と after okurigana before kanji", "草取りと掃除", []string{"草取り", "掃除"}},
		{"と with other separators", "採点と英語、ズーム", []string{"採点", "英語", "ズーム"}},
		{"と inside a hiragana word", "ことば", []string{"ことば"}},
		{"all-hiragana list is not split on と", "ぱそこんとすまほ", []string{"ぱそこんとすまほ"}},
		{"katakana ト never splits", "テスト採点", []string{"テスト採点"}},
		{"leading と is not a conjunction", "とうきょう", []string{"とうきょう"}},
		{"とか", "パソコンとかスマホとか", []string{"パソコン", "スマホ"}},
		{"など dropped", "採点、英語など", []string{"採点", "英語"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := SplitList(tt.in), tt.want; !slices.Equal(got, want) {
				t.Errorf("SplitList(%q) = %q, want %q", tt.in, got, want)
			}
		})
	}
}
