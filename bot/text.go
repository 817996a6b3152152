package bot

import (
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// TextLen is the length of s as LINE counts it: UTF-16 code units, so an
// emoji or a kanji outside the BMP (𠮷) counts two. Every length limit on
// text that ends up in a LINE message is measured this way; for Japanese
// text it is the number of characters a coordinator sees.
func TextLen(s string) int {
	n := 0
	for _, r := range s {
		if w := utf16.RuneLen(r); w > 0 {
			n += w
		} else {
			n++ // invalid UTF-8 becomes U+FFFD, one unit
		}
	}
	return n
}

// requireText is checkText for a field that must say something.
func requireText(field, s string, max int, multiline bool) error {
	if strings.TrimSpace(s) == "" {
		return FieldErrorf(EUNPROCESSABLE, field, "%s is required", field)
	}
	return checkText(field, s, max, multiline)
}

// checkText checks a free-text field that people will read in LINE, Slack
// or the console; "" passes (the caller decides whether the field is
// required). It refuses, naming the field:
//
//   - invalid UTF-8;
//   - control characters (C0, DEL, C1). A multi-line field may hold line
//     breaks (\n, \r) and tabs; a one-line field (a title, a name) none;
//   - the line and paragraph separators U+2028 and U+2029: some clients
//     break the line there and others do not, so the same text would look
//     different in LINE, Slack and the console;
//   - bidirectional embedding, override and isolate controls (U+202A–E,
//     U+2066–9), which can make a name or title read backwards;
//   - text with no visible character: only spaces and characters that
//     draw nothing (U+200B zero-width space, the BOM U+FEFF, U+2060, the
//     Hangul fillers U+3164 and U+FFA0, variation selectors, braille
//     blank...), which would show a blank title or an empty card row;
//   - more than max UTF-16 units (see TextLen).
//
// Marks that shape visible text (ZWJ in emoji sequences, variation
// selectors after a character, LRM/RLM) are kept.
func checkText(field, s string, max int, multiline bool) error {
	if s == "" {
		return nil
	}
	if !utf8.ValidString(s) {
		return FieldErrorf(EUNPROCESSABLE, field, "%s is not valid UTF-8 text", field)
	}
	visible := false
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			if !multiline {
				return FieldErrorf(EUNPROCESSABLE, field, "%s must be one line, without line breaks or tabs", field)
			}
		case r == '\u2028' || r == '\u2029':
			if !multiline {
				return FieldErrorf(EUNPROCESSABLE, field, "%s must be one line: it contains a line or paragraph separator (%U)", field, r)
			}
			return FieldErrorf(EUNPROCESSABLE, field, "%s contains a line or paragraph separator (%U); use an ordinary line break", field, r)
		case unicode.IsControl(r):
			return FieldErrorf(EUNPROCESSABLE, field, "%s contains a control character (%U)", field, r)
		case bidiControl(r):
			return FieldErrorf(EUNPROCESSABLE, field, "%s contains a text direction control (%U)", field, r)
		case !visible && !invisible(r):
			visible = true
		}
	}
	if !visible {
		return FieldErrorf(EUNPROCESSABLE, field, "%s has no visible character, only spaces or invisible characters such as U+200B", field)
	}
	if n := TextLen(s); n > max {
		return FieldErrorf(EUNPROCESSABLE, field, "%s is longer than %d characters (%d as LINE counts them: an emoji counts as 2)", field, max, n)
	}
	return nil
}

// invisible reports whether r draws nothing on its own: white space,
// format characters (Cf: U+200B, U+FEFF, U+2060, U+00AD...), the other
// default-ignorable code points (the Hangul fillers U+115F, U+1160, U+3164,
// U+FFA0, U+034F), variation selectors and the braille blank U+2800.
func invisible(r rune) bool {
	return unicode.IsSpace(r) || r == '\u2800' ||
		unicode.In(r, unicode.Cf, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector)
}

// bidiControl reports whether r is a bidirectional embedding, override or
// isolate control.
func bidiControl(r rune) bool {
	return r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069'
}
