package jtext

import "testing"

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty stays empty", "", ""},
		{"full-width digits become ASCII", "１２３", "123"},
		{"full-width letters become lower-case ASCII", "ＰＣ入力", "pc入力"},
		{"ASCII upper case is lowered", "Zoom配信", "zoom配信"},
		{"katakana becomes hiragana", "パソコン", "ぱそこん"},
		{"hiragana stays", "ぱそこん", "ぱそこん"},
		{"prolonged sound mark kept in words", "コーヒー", "こーひー"},
		{"half-width katakana becomes hiragana", "ﾊﾟｿｺﾝ", "ぱそこん"},
		{"half-width voiced katakana composes", "ｶﾞｲﾄﾞ", "がいど"},
		{"half-width prolonged mark", "ｺｰﾋｰ", "こーひー"},
		{"small katakana", "ヴァイオリン", "ゔぁいおりん"},
		{"katakana without hiragana stays", "ヷ", "ヷ"},
		{"ideographic space collapses", "月　水　金", "月 水 金"},
		{"runs of whitespace collapse and trim", " \t月\n\n水  ", "月 水"},
		{"no-break space is whitespace", "月\u00a0水", "月 水"},
		{"zero-width space dropped", "は\u200bい", "はい"},
		{"invalid UTF-8 dropped", "は\xffい", "はい"},
		{"wave dash between times", "10時〜15時", "10時~15時"},
		{"full-width tilde between digits", "１０～１５", "10~15"},
		{"hyphen between times with spaces", "10:00 - 15:00", "10:00~15:00"},
		{"en dash between numbers", "10–15", "10~15"},
		{"em dash between numbers", "10—15", "10~15"},
		{"minus sign between numbers", "10−15", "10~15"},
		{"full-width hyphen between numbers", "10－15", "10~15"},
		{"prolonged mark between numbers", "10ー15", "10~15"},
		{"prolonged mark after 時 before digit", "10時ー15時", "10時~15時"},
		{"dash before 午後", "10時-午後3時", "10時~午後3時"},
		{"half-hour start", "10時半-12時", "10時半~12時"},
		{"wave dash elsewhere is a tilde", "はい〜", "はい~"},
		{"hyphen in a word is kept", "e-mail", "e-mail"},
		{"leading minus is kept", "-3", "-3"},
		{"dash after a word is kept", "コーヒー-3", "こーひー-3"},
		{"full-width colon", "１０：３０", "10:30"},
		{"full-width exclamation", "はい！", "はい!"},
		{"kanji untouched", "平日の午前", "平日の午前"},
		{"lower-casing may compose with a combining mark", "J̌", "ǰ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := Normalize(tt.in), tt.want; got != want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, want)
			}
			if got, want := Normalize(tt.want), tt.want; got != want {
				t.Errorf("Normalize is not idempotent on %q: %q", tt.want, got)
			}
		})
	}
}
