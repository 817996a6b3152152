package bot

import (
	"strings"
	"testing"
)

func TestTextLenCountsAsLINE(t *testing.T) {
	tests := []struct {
		name string
		s    string
		want int
	}{
		{"empty", "", 0},
		{"ASCII", "Zoom", 4},
		{"kana and kanji, one each", "採点です", 4},
		{"full-width digits, one each", "１２３", 3},
		{"an emoji outside the BMP counts two", "📢", 2},
		{"a kanji outside the BMP counts two", "𠮷野家", 4},
		{"an emoji with a variation selector", "❤️", 2},
		{"a family emoji joined by ZWJ", "👨‍👩‍👧", 8},
		{"invalid UTF-8 counts one per bad byte", "a\xffb", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TextLen(tt.s); got != tt.want {
				t.Errorf("TextLen(%q) = %d, want %d", tt.s, got, tt.want)
			}
		})
	}
}

func TestCheckTextRefusesWhatLINECannotShow(t *testing.T) {
	tests := []struct {
		name      string
		s         string
		multiline bool
		wantErr   string // part of the message; "" means accepted
	}{
		{name: "empty is left to the caller", s: ""},
		{name: "one line of Japanese", s: "世田谷区立桜小学校"},
		{name: "at the limit in emoji", s: strings.Repeat("😀", 5)},
		{name: "over the limit by one emoji", s: strings.Repeat("😀", 5) + "あ", wantErr: "longer than 10 characters (11 as LINE counts"},
		{name: "over the limit in kanji", s: strings.Repeat("字", 11), wantErr: "longer than 10"},
		{name: "an emoji joined by ZWJ", s: "👨‍👩‍👧"},
		{name: "a heart with its variation selector", s: "❤️"},
		{name: "a name with a left-to-right mark", s: "Ali\u200eさん"},
		{name: "visible text after a BOM", s: "\ufeff採点"},
		{name: "line breaks in a multi-line field", s: "一\n二\r\n\t三", multiline: true},
		{name: "a line break in a one-line field", s: "一行目\n二行目", wantErr: "one line"},
		{name: "a tab in a one-line field", s: "採点\tZoom", wantErr: "one line"},
		{name: "a line separator in a one-line field", s: "山田\u2028花子", wantErr: "U+2028"},
		{name: "a paragraph separator in a multi-line field", s: "一段落\u2029二段落", multiline: true, wantErr: "U+2029"},
		{name: "a bell", s: "採\a点", multiline: true, wantErr: "control character (U+0007)"},
		{name: "an escape sequence", s: "\x1b[31m赤", wantErr: "U+001B"},
		{name: "DEL", s: "採点\x7f", wantErr: "U+007F"},
		{name: "a C1 next line", s: "採点\u0085", multiline: true, wantErr: "U+0085"},
		{name: "a right-to-left override", s: "採点\u202eお願い", wantErr: "direction control (U+202E)"},
		{name: "a first-strong isolate", s: "\u2068採点", wantErr: "U+2068"},
		{name: "only a zero-width space", s: "\u200b", wantErr: "no visible character"},
		{name: "only a BOM and a word joiner", s: "\ufeff\u2060", wantErr: "no visible character"},
		{name: "only ideographic spaces", s: "\u3000\u3000", wantErr: "no visible character"},
		{name: "only Hangul fillers", s: "\u3164\uffa0\u115f", wantErr: "no visible character"},
		{name: "only a soft hyphen and a variation selector", s: "\u00ad\ufe0f", wantErr: "no visible character"},
		{name: "only a braille blank", s: "\u2800", wantErr: "no visible character"},
		{name: "only line breaks", s: "\n\n", multiline: true, wantErr: "no visible character"},
		{name: "invalid UTF-8", s: "採点\xff", wantErr: "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkText("org", tt.s, 10, tt.multiline)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("accepted, want an error about %q", tt.wantErr)
			case tt.wantErr != "" && (ErrorCode(err) != EUNPROCESSABLE || !strings.Contains(ErrorMessage(err), tt.wantErr) || !strings.HasPrefix(ErrorMessage(err), "org ")):
				t.Fatalf("error %v (code %s), want unprocessable naming org and %q", err, ErrorCode(err), tt.wantErr)
			}
		})
	}
}

func TestRequireTextRefusesNothing(t *testing.T) {
	for _, s := range []string{"", "  ", "\u3000"} {
		if err := requireText("title", s, 60, false); ErrorCode(err) != EUNPROCESSABLE || ErrorMessage(err) != "title is required" {
			t.Errorf("requireText(%q) = %v, want title is required", s, err)
		}
	}
	if err := requireText("title", "採点", 60, false); err != nil {
		t.Errorf("requireText(採点) = %v", err)
	}
}
