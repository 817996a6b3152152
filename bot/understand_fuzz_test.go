package bot

import (
	"testing"
	"unicode/utf8"

	"tsunagu/bot/avail"
	"tsunagu/bot/jtext"
)

// FuzzUnderstand reads any text at every step: it never panics, names only
// catalog entries, and what it reads is valid to save.
func FuzzUnderstand(f *testing.F) {
	for _, s := range []string{"世田谷で、平日の午前に採点ができます", "運転はできません", "土日以外ならいつでも", "二、三回",
		"山田花子と申します", "「山口」で", "月曜はだめ", "except", "10時〜3時", "は\xffい", "", "〜以外", "週に2、3回"} {
		f.Add(s)
	}
	cat := corpusCatalog(f)
	steps := []Step{StepIdle, StepName, StepArea, StepSkills, StepAvailability, StepLimit, StepConfirm}
	f.Fuzz(func(t *testing.T, s string) {
		for _, st := range steps {
			u := Understand(cat, st, s)
			if u.Area != "" {
				if _, ok := cat.Area(u.Area); !ok {
					t.Fatalf("%q at %s: area %q not in the catalog", s, st, u.Area)
				}
			}
			for _, id := range append(u.Skills, u.NotSkills...) {
				if _, ok := cat.Skill(id); !ok {
					t.Fatalf("%q at %s: skill %q not in the catalog", s, st, id)
				}
			}
			if u.Name != "" && !utf8.ValidString(u.Name) {
				t.Fatalf("%q: name %q is not UTF-8", s, u.Name)
			}
			_ = u.Week.Apply(avail.Week{})
		}
		jtext.Answer(s)
		jtext.Limit(s)
	})
}
