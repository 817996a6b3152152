package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"tsunagu/bot"
	"tsunagu/bot/avail"
)

// profileInput is the body of POST /api/profiles. Availability stays as
// ranges here so that a bad range is a 422 naming it, not a JSON error.
type profileInput struct {
	ID           string        `json:"id"`
	Name         string        `json:"name"`
	Area         string        `json:"area"`
	Skills       []string      `json:"skills"`
	Availability []avail.Range `json:"availability"`
	WeeklyLimit  int           `json:"weekly_limit"`
	ConsentedAt  *time.Time    `json:"consented_at"`
}

// profile turns the input into an active profile: area and skills given
// as labels or synonyms become catalog IDs, and the importing coordinator
// attests consent, now unless a time is given.
func (in profileInput) profile(cat *bot.Catalog, now time.Time) (*bot.Profile, error) {
	if err := bot.ValidatePlatformID(in.ID); err != nil {
		// The body parsed; a bad ID is a bad field value like any other.
		return nil, bot.FieldErrorf(bot.EUNPROCESSABLE, "id", "id: %s", bot.ErrorMessage(err))
	}
	area, err := findArea(cat, in.Area, bot.EUNPROCESSABLE, "area")
	if err != nil {
		return nil, err
	}
	if area == "" {
		return nil, bot.FieldErrorf(bot.EUNPROCESSABLE, "area", "area is required")
	}
	skills := make([]string, 0, len(in.Skills))
	seen := map[string]bool{}
	for _, word := range in.Skills {
		id, err := findSkill(cat, word, bot.EUNPROCESSABLE, "skills")
		if err != nil {
			return nil, err
		}
		if id != "" && !seen[id] {
			seen[id] = true
			skills = append(skills, id)
		}
	}
	week, err := avail.FromRanges(in.Availability)
	if err != nil {
		return nil, bot.FieldErrorf(bot.EUNPROCESSABLE, "availability", "%v", err)
	}
	consented := now
	if in.ConsentedAt != nil {
		consented = *in.ConsentedAt
		if consented.After(now.Add(bot.ClockSkew)) {
			return nil, bot.FieldErrorf(bot.EUNPROCESSABLE, "consented_at", "consented_at is in the future: consent is given before it is recorded")
		}
	}
	p := &bot.Profile{
		ID:           in.ID,
		Name:         strings.TrimSpace(in.Name),
		Area:         area,
		Skills:       skills,
		Availability: week,
		WeeklyLimit:  in.WeeklyLimit,
		ConsentedAt:  &consented,
		Status:       bot.StatusActive,
		CreatedAt:    now,
		UpdatedAt:    now,
	}
	if err := p.Validate(cat); err != nil {
		return nil, err
	}
	return p, nil
}

// findArea looks up an area by ID, label or synonym; "" stays "". An
// unknown word is an error with the given code: a bad field in a body is
// unprocessable, a bad query parameter is invalid; field names the body
// field or query parameter.
func findArea(cat *bot.Catalog, word, code, field string) (string, error) {
	if strings.TrimSpace(word) == "" {
		return "", nil
	}
	id, ok := cat.FindArea(word)
	if !ok {
		return "", bot.FieldErrorf(code, field, "area %q is not in the catalog", word)
	}
	return id, nil
}

// findSkill is findArea for skills.
func findSkill(cat *bot.Catalog, word, code, field string) (string, error) {
	if strings.TrimSpace(word) == "" {
		return "", nil
	}
	id, ok := cat.FindSkill(word)
	if !ok {
		return "", bot.FieldErrorf(code, field, "skill %q is not in the catalog", word)
	}
	return id, nil
}

// createProfile imports a person a coordinator knows.
func (s *server) createProfile(w http.ResponseWriter, r *http.Request) {
	var in profileInput
	if err := DecodeJSON(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	p, err := in.profile(s.catalog, s.now())
	if err != nil {
		WriteError(w, r, err)
		return
	}
	if err := s.profiles.CreateProfile(r.Context(), p); err != nil {
		WriteError(w, r, fmt.Errorf("create profile %s: %w", p.ID, err))
		return
	}
	if s.changed != nil {
		s.changed(r.Context(), p.ID)
	}
	w.Header().Set("Location", "/api/profiles/"+url.PathEscape(p.ID))
	WriteJSON(w, http.StatusCreated, present(p))
}

// getProfile shows one profile. The mux hands over the ID decoded, so
// /api/profiles/line:U1 and /api/profiles/line%3AU1 are the same.
func (s *server) getProfile(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if bot.ValidateProfileID(id) != nil {
		// No profile can have such an ID; the store need not be asked.
		WriteError(w, r, bot.Errorf(bot.ENOTFOUND, "profile %q not found", id))
		return
	}
	p, err := s.profiles.FindProfile(r.Context(), id)
	if err != nil {
		WriteError(w, r, fmt.Errorf("find profile %s: %w", id, err))
		return
	}
	WriteJSON(w, http.StatusOK, present(p))
}

type profilesBody struct {
	Profiles []*bot.Profile `json:"profiles"`
}

// listProfiles finds profiles by area, skill and status; area and skill
// may be labels or synonyms, as on input. format=csv answers a CSV file.
func (s *server) listProfiles(w http.ResponseWriter, r *http.Request) {
	asCSV, err := csvFormat(r.URL.Query())
	if err != nil {
		WriteError(w, r, err)
		return
	}
	f, err := s.profileFilter(r.URL.Query())
	if err != nil {
		WriteError(w, r, err)
		return
	}
	found, err := s.profiles.FindProfiles(r.Context(), f)
	if err != nil {
		WriteError(w, r, fmt.Errorf("find profiles: %w", err))
		return
	}
	if asCSV {
		s.writeProfilesCSV(w, found)
		return
	}
	body := profilesBody{Profiles: make([]*bot.Profile, 0, len(found))}
	for _, p := range found {
		body.Profiles = append(body.Profiles, present(p))
	}
	WriteJSON(w, http.StatusOK, body)
}

// profileFilter reads the query. Unknown values are a 400: a typo should
// not look like "nobody matches".
func (s *server) profileFilter(q url.Values) (bot.ProfileFilter, error) {
	var f bot.ProfileFilter
	var err error
	if f.Area, err = findArea(s.catalog, q.Get("area"), bot.EINVALID, "area"); err != nil {
		return f, err
	}
	if f.Skill, err = findSkill(s.catalog, q.Get("skill"), bot.EINVALID, "skill"); err != nil {
		return f, err
	}
	switch st := bot.Status(strings.ToLower(strings.TrimSpace(q.Get("status")))); st {
	case "", bot.StatusOnboarding, bot.StatusActive, bot.StatusPaused, bot.StatusBlocked:
		f.Status = st
	default:
		return f, bot.FieldErrorf(bot.EINVALID, "status", "status %q is not one of onboarding, active, paused, blocked", q.Get("status"))
	}
	return f, nil
}

// present returns p as clients see it: lists are [] rather than null.
func present(p *bot.Profile) *bot.Profile {
	out := *p
	if out.Skills == nil {
		out.Skills = []string{}
	}
	return &out
}
