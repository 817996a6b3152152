package config

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"unicode/utf8"

	"tsunagu/bot"
)

// defaultCatalog is the catalog shipped in the binary: skills and areas taken
// from the tasks in the seed documents.
//
//go:embed catalog.json
var defaultCatalog []byte

// CatalogFile is the JSON shape of a catalog: the embedded default or an
// operator's CATALOG_FILE.
type CatalogFile struct {
	Skills []CatalogEntry `json:"skills"`
	Areas  []CatalogEntry `json:"areas"`
}

// CatalogEntry is one skill or area. Synonyms are the other words people
// type for it; labels and the ID count as words too.
type CatalogEntry struct {
	ID       string   `json:"id"`
	LabelJA  string   `json:"label_ja"`
	LabelEN  string   `json:"label_en"`
	Synonyms []string `json:"synonyms"`
}

// maxLabelLen is LINE's limit for a button or quick-reply label; a longer
// label would make the platform reject the whole message.
const maxLabelLen = 20

var idPattern = regexp.MustCompile(`^[a-z0-9_]+$`)

// DefaultCatalog returns the embedded catalog.
func DefaultCatalog() (CatalogFile, error) {
	c, err := decodeCatalog(bytes.NewReader(defaultCatalog))
	if err != nil {
		return CatalogFile{}, fmt.Errorf("embedded catalog: %w", err)
	}
	return c, nil
}

// LoadCatalog reads an operator's catalog file. Unknown fields are rejected
// so that a typo such as "synonym" fails loudly instead of being ignored.
// It does not validate; call Validate.
func LoadCatalog(path string) (CatalogFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return CatalogFile{}, fmt.Errorf("catalog file: %w", err)
	}
	defer f.Close()
	c, err := decodeCatalog(f)
	if err != nil {
		return CatalogFile{}, fmt.Errorf("catalog file %s: %w", path, err)
	}
	return c, nil
}

func decodeCatalog(r io.Reader) (CatalogFile, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var c CatalogFile
	if err := dec.Decode(&c); err != nil {
		return CatalogFile{}, fmt.Errorf("decode: %w", err)
	}
	// A second document after the first is almost certainly a broken edit.
	if _, err := dec.Token(); err != io.EOF {
		return CatalogFile{}, errors.New("decode: unexpected data after the catalog object")
	}
	return c, nil
}

// Validate reports every problem in the catalog at once, each naming the
// entry: missing skills or areas, bad or repeated IDs, empty or too long
// labels, empty synonyms, and a word (ID, label or synonym, compared without
// case) that names two entries of the same kind, which would make free-text
// answers ambiguous.
// MaxCatalogEntries bounds the skills and the areas of a catalog.
const MaxCatalogEntries = 100

func (c CatalogFile) Validate() error {
	var errs []error
	errs = append(errs, validateEntries("skill", c.Skills)...)
	errs = append(errs, validateEntries("area", c.Areas)...)
	return errors.Join(errs...)
}

// Catalog validates the file and returns the bot's catalog of it.
func (c CatalogFile) Catalog() (*bot.Catalog, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	skills := make([]bot.Skill, len(c.Skills))
	for i, s := range c.Skills {
		skills[i] = bot.Skill{ID: s.ID, LabelJA: s.LabelJA, LabelEN: s.LabelEN, Synonyms: s.Synonyms}
	}
	areas := make([]bot.Area, len(c.Areas))
	for i, a := range c.Areas {
		areas[i] = bot.Area{ID: a.ID, LabelJA: a.LabelJA, LabelEN: a.LabelEN, Synonyms: a.Synonyms}
	}
	return bot.NewCatalog(skills, areas)
}

func validateEntries(kind string, entries []CatalogEntry) []error {
	switch {
	case len(entries) == 0:
		return []error{fmt.Errorf("catalog has no %ss", kind)}
	case len(entries) > MaxCatalogEntries:
		// Slack's select menus hold 100 options; more would be cut from
		// the join form and lost when someone saves it.
		return []error{fmt.Errorf("catalog has %d %ss; at most %d fit the Slack forms", len(entries), kind, MaxCatalogEntries)}
	}
	var errs []error
	ids := make(map[string]bool, len(entries))
	words := make(map[string]string) // lowercased word → entry ID
	for i, e := range entries {
		name := fmt.Sprintf("%s %q", kind, e.ID)
		if e.ID == "" {
			name = fmt.Sprintf("%s #%d", kind, i+1)
		}
		switch {
		case !idPattern.MatchString(e.ID):
			errs = append(errs, fmt.Errorf("%s: id must match %s", name, idPattern))
		case ids[e.ID]:
			errs = append(errs, fmt.Errorf("%s: id used twice", name))
		}
		ids[e.ID] = true
		for _, l := range []struct{ field, value string }{{"label_ja", e.LabelJA}, {"label_en", e.LabelEN}} {
			switch n := utf8.RuneCountInString(l.value); {
			case strings.TrimSpace(l.value) == "":
				errs = append(errs, fmt.Errorf("%s: %s is empty", name, l.field))
			case n > maxLabelLen:
				errs = append(errs, fmt.Errorf("%s: %s %q is %d characters, at most %d fit a chat button", name, l.field, l.value, n, maxLabelLen))
			}
		}
		for _, s := range e.Synonyms {
			if strings.TrimSpace(s) == "" {
				errs = append(errs, fmt.Errorf("%s: empty synonym", name))
			}
		}
		for _, w := range append([]string{e.ID, e.LabelJA, e.LabelEN}, e.Synonyms...) {
			k := strings.ToLower(strings.TrimSpace(w))
			if k == "" {
				continue
			}
			if other, ok := words[k]; ok && other != e.ID {
				errs = append(errs, fmt.Errorf("%s: word %q also names %s %q", name, w, kind, other))
				continue
			}
			words[k] = e.ID
		}
	}
	return errs
}
