package bot

import (
	"fmt"
	"strings"

	"tsunagu/bot/jtext"
)

// AreaRemote is the area ID of people who work online only.
const AreaRemote = "remote"

// Skill is something a person can do, from the catalog.
type Skill struct {
	ID       string   `json:"id"`
	LabelJA  string   `json:"label_ja"`
	LabelEN  string   `json:"label_en"`
	Synonyms []string `json:"synonyms,omitempty"`
}

// Area is a place people work in, or AreaRemote.
type Area struct {
	ID       string   `json:"id"`
	LabelJA  string   `json:"label_ja"`
	LabelEN  string   `json:"label_en"`
	Synonyms []string `json:"synonyms,omitempty"`
}

// Catalog holds the skills and areas the service knows, with a lookup from
// every normalized label and synonym to its ID.
type Catalog struct {
	skills    []Skill
	areas     []Area
	skillByID map[string]int
	areaByID  map[string]int
	skillWord map[string]string
	areaWord  map[string]string
	// skillSpot and areaSpot find the same words inside sentences.
	skillSpot *jtext.Spotter
	areaSpot  *jtext.Spotter
}

// NewCatalog builds a catalog; IDs must be unique and no word may name two
// different entries, or free text would be ambiguous.
func NewCatalog(skills []Skill, areas []Area) (*Catalog, error) {
	c := &Catalog{
		skills:    skills,
		areas:     areas,
		skillByID: make(map[string]int, len(skills)),
		areaByID:  make(map[string]int, len(areas)),
		skillWord: make(map[string]string),
		areaWord:  make(map[string]string),
	}
	for i, s := range skills {
		if _, dup := c.skillByID[s.ID]; dup {
			return nil, fmt.Errorf("catalog: skill id %q twice", s.ID)
		}
		c.skillByID[s.ID] = i
		words := append([]string{s.ID, s.LabelJA, s.LabelEN}, s.Synonyms...)
		if err := addWords(c.skillWord, s.ID, words); err != nil {
			return nil, fmt.Errorf("catalog: skill %q: %w", s.ID, err)
		}
	}
	for i, a := range areas {
		if _, dup := c.areaByID[a.ID]; dup {
			return nil, fmt.Errorf("catalog: area id %q twice", a.ID)
		}
		c.areaByID[a.ID] = i
		words := append([]string{a.ID, a.LabelJA, a.LabelEN}, a.Synonyms...)
		if err := addWords(c.areaWord, a.ID, words); err != nil {
			return nil, fmt.Errorf("catalog: area %q: %w", a.ID, err)
		}
	}
	c.skillSpot = jtext.NewSpotter(c.skillWord)
	areaWords := make(map[string]string, len(c.areaWord)*2)
	for w, id := range c.areaWord {
		areaWords[w] = id
	}
	for w, id := range c.areaWord {
		// 「世田谷区」 is also said 「世田谷」: the spotter knows both.
		for _, suffix := range []string{"区", "市", "町", "村"} {
			if stem, ok := strings.CutSuffix(w, suffix); ok && len([]rune(stem)) >= 2 {
				if _, taken := areaWords[stem]; !taken {
					areaWords[stem] = id
				}
			}
		}
	}
	c.areaSpot = jtext.NewSpotter(areaWords).Narrow()
	return c, nil
}

// SpotSkills finds skills anywhere in a sentence: 「採点と、パソコンの
// 入力作業ができます」. It returns the skills offered and, apart, those the
// sentence negates (「運転はできません」), each once, in the order written.
func (c *Catalog) SpotSkills(text string) (ids, negated []string) {
	ids, negated, _ = c.spotSkills(text)
	return ids, negated
}

func (c *Catalog) spotSkills(text string) (ids, negated []string, hits []jtext.Hit) {
	seen := map[string]bool{}
	hits = c.skillSpot.Find(text)
	for _, h := range hits {
		if seen[h.ID] {
			continue
		}
		seen[h.ID] = true
		if h.Negated {
			negated = append(negated, h.ID)
		} else {
			ids = append(ids, h.ID)
		}
	}
	return ids, negated, hits
}

// SpotArea finds the area a sentence names: 「家は調布のほうです」. A place
// set aside (「世田谷じゃなくて調布」) does not count, nor a word that is
// part of a skill (「オンライン会議」). ok is false when it names none, or
// several (the person is asked which).
func (c *Catalog) SpotArea(text string) (id string, ok bool) {
	_, _, skills := c.spotSkills(text)
	var found []string
next:
	for _, h := range c.areaSpot.Find(text) {
		if h.Negated {
			continue
		}
		for _, s := range skills {
			if h.Start < s.End && s.Start < h.End {
				continue next
			}
		}
		if len(found) == 0 || found[len(found)-1] != h.ID {
			found = append(found, h.ID)
		}
	}
	switch {
	case len(found) == 0:
		return "", false
	case len(found) == 1:
		return found[0], true
	}
	for _, f := range found[1:] {
		if f != found[0] {
			return "", false
		}
	}
	return found[0], true
}

func addWords(index map[string]string, id string, words []string) error {
	for _, w := range words {
		k := jtext.Normalize(w)
		if k == "" {
			continue
		}
		if other, ok := index[k]; ok && other != id {
			return fmt.Errorf("word %q also names %q", w, other)
		}
		index[k] = id
	}
	return nil
}

// Skills returns the skills in catalog order.
func (c *Catalog) Skills() []Skill { return c.skills }

// Areas returns the areas in catalog order.
func (c *Catalog) Areas() []Area { return c.areas }

// Skill returns the skill with the given ID.
func (c *Catalog) Skill(id string) (Skill, bool) {
	i, ok := c.skillByID[id]
	if !ok {
		return Skill{}, false
	}
	return c.skills[i], true
}

// Area returns the area with the given ID.
func (c *Catalog) Area(id string) (Area, bool) {
	i, ok := c.areaByID[id]
	if !ok {
		return Area{}, false
	}
	return c.areas[i], true
}

// FindSkill returns the ID of the skill a word names (ID, label or synonym,
// in any width or kana).
func (c *Catalog) FindSkill(word string) (string, bool) {
	id, ok := c.skillWord[jtext.Normalize(word)]
	return id, ok
}

// FindArea returns the ID of the area a word names. A trailing 区/市/町 may be
// left off or added: 「世田谷」 and 「世田谷区」 both name setagaya.
func (c *Catalog) FindArea(word string) (string, bool) {
	k := jtext.Normalize(word)
	if id, ok := c.areaWord[k]; ok {
		return id, true
	}
	for _, suffix := range []string{"区", "市", "町", "村"} {
		if id, ok := c.areaWord[k+suffix]; ok {
			return id, true
		}
	}
	return "", false
}

// FindSkills splits free text into items and looks each up. It returns the
// known skill IDs in the order given (without repeats) and the words it did
// not understand.
func (c *Catalog) FindSkills(text string) (ids, unknown []string) {
	seen := map[string]bool{}
	for _, w := range jtext.SplitList(text) {
		id, ok := c.FindSkill(w)
		if !ok {
			unknown = append(unknown, w)
			continue
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, unknown
}

// SkillLabels returns the Japanese labels of skill IDs, skipping unknown ones.
func (c *Catalog) SkillLabels(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if s, ok := c.Skill(id); ok {
			out = append(out, s.LabelJA)
		}
	}
	return out
}
