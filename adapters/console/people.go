package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"tsunagu/adapters/profilecsv"
	"tsunagu/bot"
	"tsunagu/bot/avail"
	"tsunagu/bot/jtext"
)

func (s *server) peopleRoutes(route func(string, http.HandlerFunc)) {
	route("GET "+Prefix+"people", s.peopleList)
	route("GET "+Prefix+"people/new", s.personNew)
	route("POST "+Prefix+"people", s.personCreate)
	route("GET "+Prefix+"people/{id}", s.personShow)
	route("GET "+Prefix+"people/{id}/edit", s.personEditForm)
	route("POST "+Prefix+"people/{id}/edit", s.personEdit)
	route("POST "+Prefix+"people/{id}/pause", s.personPause)
	route("POST "+Prefix+"people/{id}/resume", s.personResume)
	route("GET "+Prefix+"people/{id}/delete", s.personDeleteConfirm)
	route("POST "+Prefix+"people/{id}/delete", s.personDelete)
}

// maxListed bounds the people one search shows.
const maxListed = 200

type peoplePage struct {
	Query    formValues
	People   []*bot.Profile
	Total    int
	Statuses []string
	// CSVURL downloads the people of the filter; CanImport shows the
	// import link; Imported, Created and Updated say what an import did.
	CSVURL              string
	CanImport, Imported bool
	Created, Updated    int
}

// peopleList finds people by area, skill, status and a part of the name.
func (s *server) peopleList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	list, err := s.findPeople(r.Context(), q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	total := len(list)
	if len(list) > maxListed {
		list = list[:maxListed]
	}
	page := peoplePage{Query: formValues{q}, People: list, Total: total, CanImport: s.imports != nil,
		Statuses: []string{"active", "paused", "onboarding", "blocked"}}
	// The filter alone, for the CSV link: the same people.
	filter := url.Values{}
	for _, k := range []string{"name", "area", "skill", "status"} {
		if v := q.Get(k); v != "" {
			filter.Set(k, v)
		}
	}
	page.CSVURL = Prefix + "people.csv"
	if len(filter) > 0 {
		page.CSVURL += "?" + filter.Encode()
	}
	if q.Get("done") == "imported" {
		page.Created, _ = strconv.Atoi(q.Get("created"))
		page.Updated, _ = strconv.Atoi(q.Get("updated"))
		page.Imported = true
	}
	s.render(w, r, http.StatusOK, "people", ja.TitlePeople, page)
}

// byName keeps the people whose name holds name (any width, with or
// without the space between family and given name), sorted by name.
func byName(found []*bot.Profile, name string) []*bot.Profile {
	name = nameKey(name)
	var list []*bot.Profile
	for _, p := range found {
		if name == "" || strings.Contains(nameKey(p.Name), name) {
			list = append(list, p)
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	return list
}

func (s *server) personNew(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "person_new", ja.TitlePersonNew, taskFormPage{Form: formValues{url.Values{"weekly_limit": {"2"}}}})
}

// personCreate registers a person on their behalf, as POST /api/profiles
// does: active at once, the coordinator attesting their consent.
func (s *server) personCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	form := r.PostForm
	id := strings.TrimSpace(form.Get("id"))
	p, errs := s.profileOf(form, id, true)
	if err := bot.ValidatePlatformID(id); err != nil {
		// Said in the console's words, once.
		errs = slices.DeleteFunc(errs, func(e formError) bool { return e.Field == "id" })
		errs = append([]formError{{"id", ja.IDMissing}}, errs...)
	}
	if len(errs) == 0 {
		err := s.people.CreateProfile(ctx, p)
		if err == nil {
			if s.changed != nil {
				s.changed(ctx, p.ID)
			}
			s.audit(ctx, accountOf(ctx).ID, "person.create", bot.AuditRef(p.ID))
			done(w, r, Prefix+"people/"+url.PathEscape(p.ID), "person")
			return
		}
		if bot.ErrorCode(err) != bot.ECONFLICT {
			s.fail(w, r, err)
			return
		}
		errs = append(errs, formError{"id", ja.PersonExists})
	}
	s.render(w, r, http.StatusUnprocessableEntity, "person_new", ja.TitlePersonNew, taskFormPage{Form: formValues{form}, Errors: errs})
}

// profileOf reads the profile form (代理登録, 登録内容を直す) for the
// person id: active, their consent attested at now, and the problems
// found, the consent's among them when consent is asked.
func (s *server) profileOf(form url.Values, id string, consent bool) (*bot.Profile, []formError) {
	now := s.now()
	var errs []formError
	if consent && form.Get("consent") != "yes" {
		errs = append(errs, formError{"consent", ja.ConsentMissing})
	}
	week, err := avail.Parse(form.Get("availability"))
	if err != nil {
		errs = append(errs, formError{"availability", ja.AvailabilityUnknown})
	}
	limit, _ := formInt(form.Get("weekly_limit"))
	p := &bot.Profile{ID: id, Name: strings.TrimSpace(form.Get("name")), Area: form.Get("area"), Skills: nonEmpty(form["skill"]),
		Availability: week, WeeklyLimit: limit, ConsentedAt: &now, Status: bot.StatusActive, CreatedAt: now, UpdatedAt: now}
	if len(errs) == 0 {
		if err := p.Validate(s.catalog); err != nil {
			errs = formErrors(err)
		}
	}
	return p, errs
}

// personEditPage is the form that changes what a person registered, or
// finishes the registration of someone who began it in the chat.
type personEditPage struct {
	*bot.Profile
	Form   formValues
	Errors []formError
	// Finishing says the person is still registering: saving makes them
	// active, and their consent must be attested.
	Finishing bool
}

// editablePerson is the person of the path when the console can change
// their details: not without imports, nor for someone who blocked the bot.
// Otherwise it answers the request itself.
func (s *server) editablePerson(w http.ResponseWriter, r *http.Request) (*bot.Profile, bool) {
	p, ok := s.loadPerson(w, r)
	if !ok {
		return nil, false
	}
	if s.imports == nil || p.Status == bot.StatusBlocked {
		s.renderStatus(w, r, http.StatusConflict, ja.PersonNotEditable)
		return nil, false
	}
	return p, true
}

// personEditForm shows a person's name, area, skills, free time and
// limit to change.
func (s *server) personEditForm(w http.ResponseWriter, r *http.Request) {
	p, ok := s.editablePerson(w, r)
	if !ok {
		return
	}
	form := url.Values{"name": {p.Name}, "area": {p.Area}, "skill": p.Skills, "weekly_limit": {strconv.Itoa(p.WeeklyLimit)}}
	if !p.Availability.IsZero() {
		form.Set("availability", p.Availability.Japanese())
	}
	if p.WeeklyLimit == 0 {
		form.Del("weekly_limit")
	}
	s.render(w, r, http.StatusOK, "person_edit", ja.TitlePersonEdit, personEditPage{Profile: p, Form: formValues{form},
		Finishing: p.Status == bot.StatusOnboarding})
}

// personEdit saves the form as a CSV import of that one person does
// (profilecsv.Refresh): what the form holds becomes theirs; their status,
// counters and offers stay, and someone still registering is registered,
// their consent attested by the coordinator, and told so in the chat,
// which had left them halfway.
func (s *server) personEdit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	stored, ok := s.editablePerson(w, r)
	if !ok {
		return
	}
	form := r.PostForm
	finishing := stored.Status == bot.StatusOnboarding
	p, errs := s.profileOf(form, stored.ID, finishing && stored.ConsentedAt == nil)
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "person_edit", ja.TitlePersonEdit,
			personEditPage{Profile: stored, Form: formValues{form}, Errors: errs, Finishing: finishing})
		return
	}
	if _, err := s.imports.ImportProfile(ctx, p, profilecsv.Refresh(p)); err != nil {
		s.fail(w, r, err)
		return
	}
	if s.changed != nil {
		s.changed(ctx, p.ID)
	}
	if finishing {
		// The registration is saved: a message that cannot be queued
		// now is worth a log line, not a failed page.
		in := bot.Inbound{ID: "console:" + s.newID(), Kind: bot.EventRegisteredByCoordinator, ProfileID: p.ID, At: s.now(), ByCoordinator: true}
		if err := s.handle(ctx, in); err != nil {
			s.log.WarnContext(ctx, "registration finished, the person not told", "profile", p.ID, "err", err)
		}
	}
	s.audit(ctx, accountOf(ctx).ID, "person.edit", bot.AuditRef(p.ID))
	done(w, r, Prefix+"people/"+url.PathEscape(p.ID), "person_edited")
}

type personPage struct {
	*bot.Profile
	Talk *bot.TalkView
	// Plans are the tasks and sessions ahead the person said yes to,
	// soonest first (nil without Options.Plans).
	Plans []plan
}

// plan is a task or session ahead that a person said yes to.
type plan struct {
	Kind, ID, Title string
	Start, End      time.Time
	// Waiting is a place on a task's waitlist, not yet theirs.
	Waiting bool
}

// plansOf lists what the person said yes to and is still ahead. A person
// whose conversation cannot be read shows none; the page still serves.
func (s *server) plansOf(ctx context.Context, id string) []plan {
	if s.plans == nil {
		return nil
	}
	snap, err := s.plans.Load(ctx, id, "")
	if err != nil {
		s.log.WarnContext(ctx, "console: plans not read", "profile", id, "err", err)
		return nil
	}
	now := s.now()
	var out []plan
	for _, r := range snap.Conv.Offers {
		if (r.State == bot.OfferAccepted || r.State == bot.OfferWaitlisted) && now.Before(r.End) {
			out = append(out, plan{Kind: KindTask, ID: r.TaskID, Title: r.Title, Start: r.Start, End: r.End, Waiting: r.State == bot.OfferWaitlisted})
		}
	}
	for _, r := range snap.Conv.Sessions {
		if r.RSVP == bot.RSVPYes && !r.Cancelled && now.Before(r.End) {
			out = append(out, plan{Kind: KindSession, ID: r.SessionID, Title: r.Title, Start: r.Start, End: r.End})
		}
	}
	slices.SortStableFunc(out, func(a, b plan) int { return a.Start.Compare(b.Start) })
	return out
}

func (s *server) loadPerson(w http.ResponseWriter, r *http.Request) (*bot.Profile, bool) {
	id := r.PathValue("id")
	if bot.ValidateProfileID(id) != nil {
		s.renderStatus(w, r, http.StatusNotFound, ja.NotFound)
		return nil, false
	}
	p, err := s.people.FindProfile(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return p, true
}

func (s *server) personShow(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadPerson(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "person", p.Name, personPage{Profile: p, Plans: s.plansOf(r.Context(), p.ID)})
}

// personPause and personResume go through the person's conversation, as
// the chat's 「休止」 and 「再開」 buttons do, so the person is told.
func (s *server) personPause(w http.ResponseWriter, r *http.Request) {
	s.personCommand(w, r, bot.PauseAction(), "person.pause", "paused")
}

func (s *server) personResume(w http.ResponseWriter, r *http.Request) {
	s.personCommand(w, r, bot.ResumeAction(), "person.resume", "resumed")
}

func (s *server) personCommand(w http.ResponseWriter, r *http.Request, data, action, flash string) {
	ctx := r.Context()
	p, ok := s.loadPerson(w, r)
	if !ok {
		return
	}
	in := bot.Inbound{ID: "console:" + s.newID(), Kind: bot.EventPostback, ProfileID: p.ID, Data: data, At: s.now(), ByCoordinator: true}
	if err := s.handle(ctx, in); err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(ctx, accountOf(ctx).ID, action, bot.AuditRef(p.ID))
	done(w, r, Prefix+"people/"+url.PathEscape(p.ID), flash)
}

func (s *server) personDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadPerson(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "person_delete", ja.TitlePersonDelete, personPage{Profile: p, Plans: s.plansOf(r.Context(), p.ID)})
}

// personDelete deletes every piece of the person's data, through the same
// path as 「退会」 in the chat.
func (s *server) personDelete(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, ok := s.loadPerson(w, r)
	if !ok {
		return
	}
	if r.PostFormValue("confirm") != "yes" {
		s.render(w, r, http.StatusUnprocessableEntity, "person_delete", ja.TitlePersonDelete, personPage{Profile: p, Plans: s.plansOf(ctx, p.ID)})
		return
	}
	in := bot.Inbound{ID: "console:" + s.newID(), Kind: bot.EventPostback, ProfileID: p.ID, Data: bot.HomeDelete, At: s.now()}
	if err := s.handle(ctx, in); err != nil {
		s.fail(w, r, err)
		return
	}
	// Naming no one: the deletion took the person's other entries away.
	s.audit(ctx, accountOf(ctx).ID, "person.delete", "")
	done(w, r, Prefix+"people", "deleted")
}

// nameKey is a name as searched: normalized, without its spaces, so that
// 「渡辺美代子」 finds 「渡辺 美代子」 and 「渡辺　美代子」.
func nameKey(name string) string {
	return strings.Join(strings.Fields(jtext.Normalize(name)), "")
}
