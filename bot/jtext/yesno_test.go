package jtext

import "testing"

func TestYesNo(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		yes    bool
		wantOK bool
	}{
		{"はい is yes", "はい", true, true},
		{"はい with full-width exclamation", "はい！", true, true},
		{"はい with a period", "はい。", true, true},
		{"katakana ハイ", "ハイ", true, true},
		{"うん", "うん", true, true},
		{"ええ", "ええ", true, true},
		{"OK", "OK", true, true},
		{"full-width ｏｋ", "ｏｋ", true, true},
		{"OKです", "OKです", true, true},
		{"オッケー", "オッケー", true, true},
		{"できます", "できます", true, true},
		{"できますよー", "できますよー", true, true},
		{"大丈夫です", "大丈夫です", true, true},
		{"お願いします", "お願いします", true, true},
		{"同意します", "同意します", true, true},
		{"同意する", "同意する", true, true},
		{"引き受けます", "引き受けます", true, true},
		{"了解", "了解", true, true},
		{"了解です with emoji", "了解です😊", true, true},
		{"yes", "yes", true, true},
		{"Yes capitalised", "Yes", true, true},
		{"y", "y", true, true},
		{"sure", "sure", true, true},
		{"はい、お願いします", "はい、お願いします", true, true},
		{"はい できます", "はい できます", true, true},
		{"ぜひお願いします", "ぜひお願いします", true, true},
		{"quoted はい", "「はい」", true, true},
		{"thumbs up beside はい", "はい👍", true, true},

		{"いいえ is no", "いいえ", false, true},
		{"いや", "いや", false, true},
		{"ダメ", "ダメ", false, true},
		{"できません", "できません", false, true},
		{"やめます", "やめます", false, true},
		{"やめる", "やめる", false, true},
		{"今回は見送ります", "今回は見送ります", false, true},
		{"見送ります", "見送ります", false, true},
		{"見送る", "見送る", false, true},
		{"結構です", "結構です。", false, true},
		{"no", "no", false, true},
		{"NO upper case", "NO", false, true},
		{"n", "n", false, true},
		{"同意しない", "同意しない", false, true},
		{"嫌です", "嫌です", false, true},
		{"ううん", "ううん", false, true},
		{"apology beside no", "すみません、できません", false, true},
		{"いいえ、結構です", "いいえ、結構です", false, true},

		{"はいけい is not yes", "はいけい", false, false},
		{"empty", "", false, false},
		{"only emoji", "😊", false, false},
		{"a question is not an answer", "できますか？", false, false},
		{"yes then no", "はい、いいえ", false, false},
		{"yes with a but", "はい、でも無理かも", false, false},
		{"hesitation うーん", "うーん", false, false},
		{"結構 alone is ambiguous", "結構", false, false},
		{"apology alone", "すみません", false, false},
		{"unrelated word", "パソコン", false, false},
		{"yes inside a word", "はいしゃ", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yes, ok := YesNo(tt.in)
			if got, want := ok, tt.wantOK; got != want {
				t.Fatalf("YesNo(%q) ok = %v, want %v", tt.in, got, want)
			}
			if got, want := yes, tt.yes; ok && got != want {
				t.Errorf("YesNo(%q) yes = %v, want %v", tt.in, got, want)
			}
		})
	}
}

func TestRefusesAndCommits(t *testing.T) {
	tests := []struct {
		s                string
		refuses, commits bool
	}{
		{"いや だいじょうぶです", true, false},
		{"いえ、今回は大丈夫です", true, false},
		{"今回はいいです", true, false},
		{"いや、結構です", true, false},
		{"大丈夫です", false, false},
		{"ダイジョウブですよー", false, false},
		{"はい、大丈夫です", false, true},
		{"大丈夫です、行けます", false, true},
		{"明日なら大丈夫です", false, true},
		{"引き受けます", false, true},
		{"いいですね", false, false},
		// A hedge in another sentence is about something else.
		{"説明会にはぜひ参加したいと思います。Zoomは孫に教わったので大丈夫だと思います", false, true},
		{"参加したいと思います", false, true},
		{"行けたら行きます。よろしくお願いします", false, false},
		{"はい。でも今回は大丈夫です", true, false},
	}
	for _, tt := range tests {
		if got := Refuses(tt.s); got != tt.refuses {
			t.Errorf("Refuses(%q) = %v, want %v", tt.s, got, tt.refuses)
		}
		if got := Commits(tt.s); got != tt.commits {
			t.Errorf("Commits(%q) = %v, want %v", tt.s, got, tt.commits)
		}
	}
}

// TestAnswersAsSeniorsWriteThem: dialect and an acknowledging はい before
// a no (each was not understood).
func TestAnswersAsSeniorsWriteThem(t *testing.T) {
	for _, tt := range []struct {
		s   string
		yes bool
	}{
		{"むりじゃ", false}, {"あかん", false}, {"これでええ", true}, {"ええよ", true},
		{"はい、その日は都合が悪いので今回はやめておきます", false}, {"はい、行けます", true}, {"ひきうける", true},
	} {
		if yes, ok := Answer(tt.s); !ok || yes != tt.yes {
			t.Errorf("Answer(%q) = %v, %v; want %v", tt.s, yes, ok, tt.yes)
		}
	}
}
