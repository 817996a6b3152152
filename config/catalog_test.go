package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func defaultCatalogT(t *testing.T) CatalogFile {
	t.Helper()
	c, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDefaultCatalogValidates(t *testing.T) {
	if err := defaultCatalogT(t).Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
}

func TestDefaultCatalogSkills(t *testing.T) {
	c := defaultCatalogT(t)
	if len(c.Skills) < 28 {
		t.Errorf("%d skills, want at least 28", len(c.Skills))
	}
	snake := regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	for _, s := range c.Skills {
		if !snake.MatchString(s.ID) {
			t.Errorf("skill id %q is not lower snake_case", s.ID)
		}
		// Labels become LINE buttons; short ones stay readable on a phone.
		if n := utf8.RuneCountInString(s.LabelJA); n > 12 {
			t.Errorf("skill %q: label_ja %q is %d characters, want at most 12", s.ID, s.LabelJA, n)
		}
		if n := utf8.RuneCountInString(s.LabelEN); n > 20 {
			t.Errorf("skill %q: label_en %q is %d characters, want at most 20", s.ID, s.LabelEN, n)
		}
		if len(s.Synonyms) == 0 {
			t.Errorf("skill %q has no synonyms", s.ID)
		}
	}
}

func TestDefaultCatalogAreas(t *testing.T) {
	want := map[string]string{
		"setagaya": "世田谷区",
		"chofu":    "調布市",
		"ota":      "大田区",
		"fujisato": "藤里町",
		"iizuna":   "飯綱町",
		"okayama":  "岡山市",
		"remote":   "リモート（オンライン）",
	}
	c := defaultCatalogT(t)
	if len(c.Areas) != len(want) {
		t.Errorf("%d areas, want %d", len(c.Areas), len(want))
	}
	for _, a := range c.Areas {
		if got, ok := want[a.ID]; !ok || got != a.LabelJA {
			t.Errorf("area %q labelled %q, want one of %v", a.ID, a.LabelJA, want)
		}
		if len(a.Synonyms) == 0 {
			t.Errorf("area %q has no synonyms", a.ID)
		}
		if a.ID == "remote" && a.LabelEN != "Remote (online)" {
			t.Errorf("remote label_en = %q, want %q", a.LabelEN, "Remote (online)")
		}
	}
}

// foldWord is a stricter stand-in for the bot's normalization: case,
// full-width ASCII and hiragana/katakana differences do not count. If two
// entries collide here, a person typing one of the words would be
// misunderstood.
func foldWord(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～': // full-width ASCII
			return r - 0xFEE0
		case r == '　':
			return ' '
		case r >= 'ぁ' && r <= 'ゖ': // hiragana → katakana
			return r + 0x60
		}
		return r
	}, strings.ToLower(strings.TrimSpace(s)))
}

// catalogWords maps every folded word of the default catalog, skills and
// areas together, to the entry it names.
func catalogWords(t *testing.T) map[string]string {
	t.Helper()
	c := defaultCatalogT(t)
	words := map[string]string{}
	add := func(kind string, entries []CatalogEntry) {
		for _, e := range entries {
			owner := kind + ":" + e.ID
			for _, w := range append([]string{e.ID, e.LabelJA, e.LabelEN}, e.Synonyms...) {
				k := foldWord(w)
				if other, ok := words[k]; ok && other != owner {
					t.Errorf("word %q names both %s and %s", w, other, owner)
				}
				words[k] = owner
			}
		}
	}
	add("skill", c.Skills)
	add("area", c.Areas)
	return words
}

func TestDefaultCatalogNoAmbiguousWords(t *testing.T) {
	catalogWords(t)
}

func TestDefaultCatalogUnderstandsEverydayWords(t *testing.T) {
	words := catalogWords(t)
	tests := []struct{ word, want string }{
		{"採点", "skill:grading"},
		{"丸つけ", "skill:grading"},
		{"マルツケ", "skill:grading"},
		{"ズーム", "skill:zoom_support"},
		{"Zoom配信", "skill:zoom_support"},
		{"ＺＯＯＭ", "skill:zoom_support"},
		{"パソコン", "skill:pc_basics"},
		{"PC", "skill:pc_basics"},
		{"スマホ", "skill:pc_basics"},
		{"チャット対応", "skill:chat_support"},
		{"ドローン", "skill:drone"},
		{"空撮", "skill:drone"},
		{"用務員", "skill:handyman"},
		{"便利屋", "skill:handyman"},
		{"保育", "skill:childcare"},
		{"英会話", "skill:english"},
		{"English", "skill:english"},
		{"寺子屋", "skill:tutoring"},
		{"自転車小屋", "skill:carpentry"},
		{"DIY", "skill:carpentry"},
		{"返礼品", "skill:product_planning"},
		{"ふるさと納税", "skill:product_planning"},
		{"セタガヤ", "area:setagaya"},
		{"せたがや", "area:setagaya"},
		{"世田ヶ谷", "area:setagaya"}, // as dictation writes it
		{"瀬田谷", "area:setagaya"},
		{"Setagaya", "area:setagaya"},
		{"調布", "area:chofu"},
		{"おおた", "area:ota"},
		{"藤里", "area:fujisato"},
		{"いいづな", "area:iizuna"},
		{"岡山", "area:okayama"},
		{"オンライン", "area:remote"},
		{"在宅", "area:remote"},
		{"リモート", "area:remote"},
		{"online", "area:remote"},
	}
	for _, tt := range tests {
		if got := words[foldWord(tt.word)]; got != tt.want {
			t.Errorf("%q names %q, want %q", tt.word, got, tt.want)
		}
	}
}

// A person may type a label back, or the bot may split it on 「・」 as a
// list; each part must still name the same entry.
func TestDefaultCatalogLabelPartsAreWords(t *testing.T) {
	words := catalogWords(t)
	c := defaultCatalogT(t)
	for _, s := range c.Skills {
		for _, part := range strings.Split(s.LabelJA, "・") {
			if got := words[foldWord(part)]; got != "skill:"+s.ID {
				t.Errorf("skill %q: label part %q names %q", s.ID, part, got)
			}
		}
	}
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "catalog.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadCatalog(t *testing.T) {
	path := writeFile(t, `{
		"skills": [{"id": "grading", "label_ja": "採点", "label_en": "Grading", "synonyms": ["丸つけ"]}],
		"areas": [{"id": "remote", "label_ja": "リモート", "label_en": "Remote"}]
	}`)
	c, err := LoadCatalog(path)
	if err != nil {
		t.Fatalf("LoadCatalog: %v", err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if len(c.Skills) != 1 || c.Skills[0].ID != "grading" || c.Skills[0].Synonyms[0] != "丸つけ" {
		t.Errorf("skills = %+v", c.Skills)
	}
	if len(c.Areas) != 1 || c.Areas[0].LabelEN != "Remote" || c.Areas[0].Synonyms != nil {
		t.Errorf("areas = %+v", c.Areas)
	}
}

func TestLoadCatalogRejectsBrokenFiles(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    string
	}{
		{"malformed json", `{"skills": [`, "unexpected EOF"},
		{"misspelled field", `{"skills": [{"id": "a", "label_ja": "あ", "label_en": "A", "synonym": ["x"]}], "areas": []}`, `unknown field "synonym"`},
		{"unknown top-level field", `{"skills": [], "areas": [], "tasks": []}`, `unknown field "tasks"`},
		{"two documents", `{"skills": [], "areas": []} {}`, "unexpected data after the catalog object"},
		{"wrong type", `{"skills": {"id": "a"}}`, "cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.content)
			_, err := LoadCatalog(path)
			if err == nil {
				t.Fatal("LoadCatalog succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %q, want it to contain %q and the path", err, tt.want)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		_, err := LoadCatalog(filepath.Join(t.TempDir(), "nope.json"))
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("error %v, want a not-exist error", err)
		}
	})
}

func manySkills(n int) []CatalogEntry {
	out := make([]CatalogEntry, n)
	for i := range out {
		out[i] = CatalogEntry{ID: fmt.Sprintf("s%d", i), LabelJA: fmt.Sprintf("技能%d", i), LabelEN: fmt.Sprintf("Skill %d", i)}
	}
	return out
}

func TestCatalogValidate(t *testing.T) {
	skill := func(id string, syn ...string) CatalogEntry {
		return CatalogEntry{ID: id, LabelJA: "ラベル" + id, LabelEN: "Label " + id, Synonyms: syn}
	}
	area := CatalogEntry{ID: "remote", LabelJA: "リモート", LabelEN: "Remote"}
	tests := []struct {
		name string
		c    CatalogFile
		want []string
	}{
		{"no skills", CatalogFile{Areas: []CatalogEntry{area}}, []string{"catalog has no skills"}},
		{"no areas", CatalogFile{Skills: []CatalogEntry{skill("a")}}, []string{"catalog has no areas"}},
		{"upper-case id", CatalogFile{Skills: []CatalogEntry{skill("Grading")}, Areas: []CatalogEntry{area}},
			[]string{`skill "Grading": id must match ^[a-z0-9_]+$`}},
		{"empty id", CatalogFile{Skills: []CatalogEntry{skill("a"), {LabelJA: "あ", LabelEN: "A"}}, Areas: []CatalogEntry{area}},
			[]string{`skill #2: id must match`}},
		{"id twice", CatalogFile{Skills: []CatalogEntry{skill("a"), skill("a")}, Areas: []CatalogEntry{area}},
			[]string{`skill "a": id used twice`}},
		{"empty label", CatalogFile{Skills: []CatalogEntry{{ID: "a", LabelEN: "A"}}, Areas: []CatalogEntry{area}},
			[]string{`skill "a": label_ja is empty`}},
		{"label too long for a button", CatalogFile{Skills: []CatalogEntry{{ID: "a", LabelJA: strings.Repeat("あ", 21), LabelEN: "A"}}, Areas: []CatalogEntry{area}},
			[]string{`skill "a": label_ja`, "is 21 characters, at most 20"}},
		{"empty synonym", CatalogFile{Skills: []CatalogEntry{skill("a", " ")}, Areas: []CatalogEntry{area}},
			[]string{`skill "a": empty synonym`}},
		{"word naming two skills", CatalogFile{Skills: []CatalogEntry{skill("a", "Zoom"), skill("b", "zoom")}, Areas: []CatalogEntry{area}},
			[]string{`skill "b": word "zoom" also names skill "a"`}},
		{"more skills than a Slack select holds", CatalogFile{Skills: manySkills(MaxCatalogEntries + 1), Areas: []CatalogEntry{area}},
			[]string{"catalog has 101 skills; at most 100"}},
		{"every problem at once", CatalogFile{Skills: []CatalogEntry{skill("A"), {ID: "b"}}, Areas: []CatalogEntry{{ID: "x y", LabelJA: "x"}}},
			[]string{`skill "A": id must match`, `skill "b": label_ja is empty`, `skill "b": label_en is empty`, `area "x y": id must match`, `area "x y": label_en is empty`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.Validate()
			if err == nil {
				t.Fatal("Validate succeeded, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q, want it to contain %q", err, w)
				}
			}
		})
	}
	t.Run("same word for a skill and an area is fine", func(t *testing.T) {
		c := CatalogFile{Skills: []CatalogEntry{skill("a", "remote work")}, Areas: []CatalogEntry{{ID: "remote", LabelJA: "リモート", LabelEN: "Remote", Synonyms: []string{"remote work"}}}}
		if err := c.Validate(); err != nil {
			t.Errorf("Validate: %v", err)
		}
	})
}
