package httpapi

import "net/http"

// catalogEntry is a skill or area as the API shows it: synonyms are the
// service's business, not the coordinators'.
type catalogEntry struct {
	ID      string `json:"id"`
	LabelJA string `json:"label_ja"`
	LabelEN string `json:"label_en"`
}

type catalogBody struct {
	Skills []catalogEntry `json:"skills"`
	Areas  []catalogEntry `json:"areas"`
}

// getCatalog lists the skills and areas profiles and tasks may name.
func (s *server) getCatalog(w http.ResponseWriter, r *http.Request) {
	body := catalogBody{Skills: []catalogEntry{}, Areas: []catalogEntry{}}
	for _, sk := range s.catalog.Skills() {
		body.Skills = append(body.Skills, catalogEntry{ID: sk.ID, LabelJA: sk.LabelJA, LabelEN: sk.LabelEN})
	}
	for _, a := range s.catalog.Areas() {
		body.Areas = append(body.Areas, catalogEntry{ID: a.ID, LabelJA: a.LabelJA, LabelEN: a.LabelEN})
	}
	WriteJSON(w, http.StatusOK, body)
}
