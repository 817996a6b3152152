package jtext

import (
	"reflect"
	"strings"
	"testing"
)

func TestName(t *testing.T) {
	tests := []struct{ name, in, want, restHas string }{
		{"introduction", "山田花子と申します", "山田花子", ""},
		// Dictated after 「名前を変えたいです」: the whole sentence was
		// stored as her name.
		{"a request, then the name", "漢字の文子にしてください佐藤文子です", "佐藤文子", ""},
		{"the name in the request", "名前を佐藤文子に変えてください", "佐藤文子", ""},
		{"the name as the request", "佐藤文子にしてください", "佐藤文子", ""},
		{"ます inside a name", "増田ますみです", "増田ますみ", ""},
		{"after a clause with 、", "先ほど申し上げました通り、山田ふみでございます。", "山田ふみ", ""},
		{"a yes is no name", "はい", "", ""},
		{"a consent is no name", "同意します", "", ""},
		{"a name holding はい", "はいだ", "はいだ", ""},
		{"filler before です", "えーと、佐藤です", "佐藤", ""},
		{"name prefix and a greeting after", "名前は田中一郎です。よろしくお願いします", "田中一郎", "よろしく"},
		{"the last word before です, the rest kept", "調布に住んでいる山本です。パソコン入力ができます", "山本", "パソコン入力"},
		{"a place before the name stays for the area", "世田谷の佐藤です", "佐藤", "世田谷"},
		{"the name that is also a place is taken once", "大田区に住んでいる大田です", "大田", "大田区"},
		{"the fuller name wins", "林です。林まさこです。", "林まさこ", ""},
		{"quoted", "「山口」で登録してください", "山口", ""},
		{"kana with a space", "やまだ はなこ です", "やまだ はなこ", ""},
		{"English", "My name is Emily.", "Emily", ""},
		{"English, asked politely", "Please call me Emma", "Emma", ""},
		{"a sentence that is no introduction", "世田谷に住んでいます、よろしく", "", "世田谷に住んでいます"},
		{"a day off is no name", "来週の水曜日はお休みします", "", "お休み"},
		{"the first introduction is the name", "高橋みきです。平日の夜なら大丈夫です", "高橋みき", "平日の夜"},
		{"はい before the name", "はい佐藤ヨシ子です", "佐藤ヨシ子", ""},
		{"a name with 時 in it", "時田です", "時田", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name, rest := Name(tt.in)
			if name != tt.want || !strings.Contains(rest, tt.restHas) {
				t.Errorf("Name(%q) = %q, rest %q; want %q, rest with %q", tt.in, name, rest, tt.want, tt.restHas)
			}
		})
	}
}

func TestLimit(t *testing.T) {
	tests := []struct {
		name, in string
		want     int
		low, ok  bool
	}{
		{"a count in a sentence", "週に2回くらいでお願いします", 2, false, true},
		{"hesitation between two takes the lower", "二、三回", 2, true, true},
		{"run-together kanji", "二三回", 2, true, true},
		{"a range", "２〜３件", 2, true, true},
		{"per month", "月に4回くらい", 1, false, true},
		{"per month without に", "月8回", 2, false, true},
		{"週いち", "週いちで", 1, false, true},
		{"English", "twice a week", 2, false, true},
		{"nothing", "たくさん", 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, low, ok := Limit(tt.in)
			if n != tt.want || low != tt.low || ok != tt.ok {
				t.Errorf("Limit(%q) = %d, %v, %v, want %d, %v, %v", tt.in, n, low, ok, tt.want, tt.low, tt.ok)
			}
		})
	}
}

func TestAnswer(t *testing.T) {
	tests := []struct {
		in      string
		yes, ok bool
	}{
		{"伺えます", true, true},
		{"お引き受けできます", true, true},
		{"はい、大丈夫だと思います", true, true},
		{"大丈夫です。何時に行けばいいですか", true, true},
		{"その日はちょっと…", false, true},
		{"今回はご縁がなかったということで", false, true},
		{"すみません、用事があって行けません", false, true},
		{"また次の機会にお願いします", false, true},
		{"参加したいけど、日にちが合わないです", false, true},
		{"行けますか？", false, false},
		{"来週の天気はどうでしょう", false, false},
		// A hesitation that qualifies what follows is no soft no.
		{"その日はちょっとですね…", false, true},
		{"ちょっと…", false, true},
		{"行けますけどちょっと遅れます", true, true},
		{"はい、ちょっと遅れます", true, true},
		{"はい終わりました、ちょっと早めに終わりました", true, true},
		{"ちょっと遅れます", false, false},
		{"行きたいけど、その日はちょっと", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			yes, ok := Answer(tt.in)
			if yes != tt.yes || ok != tt.ok {
				t.Errorf("Answer(%q) = %v, %v, want %v, %v", tt.in, yes, ok, tt.yes, tt.ok)
			}
		})
	}
}

func TestSpotterNegation(t *testing.T) {
	sp := NewSpotter(map[string]string{"採点": "grading", "運転": "driving", "事務": "office"})
	tests := []struct {
		in      string
		negated []bool
	}{
		{"運転はできません", []bool{true}},
		{"採点はできますが運転はできません", []bool{false, true}},
		{"採点と運転はできません", []bool{true, true}},
		{"運転以外なら何でも", []bool{true}},
		{"採点しかできません", []bool{false}},
		{"運転は問題ないです", []bool{false}},
		{"運転はちょっと…", []bool{true}},
		{"運転はできないけど事務なら", []bool{true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var got []bool
			for _, h := range sp.Find(tt.in) {
				got = append(got, h.Negated)
			}
			if !reflect.DeepEqual(got, tt.negated) {
				t.Errorf("Find(%q) negated = %v, want %v", tt.in, got, tt.negated)
			}
		})
	}
	area := NewSpotter(map[string]string{"世田谷": "setagaya", "調布": "chofu"}).Narrow()
	hits := area.Find("蒲田です、運転はできませんが調布なら。世田谷じゃなくて")
	if len(hits) != 2 || hits[0].Negated || !hits[1].Negated {
		t.Errorf("narrow hits = %+v, want 調布 kept and 世田谷 set aside", hits)
	}
}
