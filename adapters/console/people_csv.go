package console

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"tsunagu/adapters/csvfile"
	"tsunagu/adapters/profilecsv"
	"tsunagu/bot"
)

// maxUpload bounds an imported file, as POST /api/profiles/import does
// (thousands of people).
const maxUpload = 1 << 20

// uploadPath is the one form that sends a file: its body may be larger
// than a form's (limitBody).
const uploadPath = Prefix + "people/import"

func (s *server) peopleCSVRoutes(route func(string, http.HandlerFunc)) {
	route("GET "+Prefix+"people.csv", s.peopleCSV)
	if s.imports != nil {
		route("GET "+uploadPath, s.peopleImportForm)
		route("POST "+uploadPath, s.peopleImport)
	}
}

// peopleCSV downloads the people of the list's filter (all of them, not
// only those the page shows) in the format of GET /api/profiles?format=csv,
// which Excel opens as it is and the import reads back.
func (s *server) peopleCSV(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	list, err := s.findPeople(ctx, r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(ctx, accountOf(ctx).ID, "people.export", strconv.Itoa(len(list)))
	csvfile.Send(w, fmt.Sprintf("profiles-%s.csv", s.now().In(s.loc).Format("20060102")),
		func(w io.Writer) { profilecsv.Encode(w, s.catalog, list) })
}

// importPage is the import form, with what a refused file had wrong.
type importPage struct {
	Consent  bool
	Errors   []formError
	Problems []problemRow
}

// problemRow is one problem of a refused file, said in Japanese.
type problemRow struct {
	Line           int
	Column, Reason string
}

func (s *server) peopleImportForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "people_import", ja.TitlePeopleImport, importPage{})
}

// peopleImport registers or updates the people of a CSV file, as POST
// /api/profiles/import does: all of them or, if any row has a problem,
// none, with every problem shown by line and column. The coordinator
// attests the people's consent, as when registering one person.
func (s *server) peopleImport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	page := importPage{Consent: r.PostFormValue("consent") == "yes"}
	data, err := readUpload(r)
	switch {
	case err != nil:
		page.Errors = append(page.Errors, formError{"file", err.Error()})
	case len(bytes.TrimSpace(data)) == 0:
		page.Errors = append(page.Errors, formError{"file", ja.FileMissing})
	}
	if !page.Consent {
		page.Errors = append(page.Errors, formError{"consent", ja.ConsentMissing})
	}
	if len(page.Errors) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "people_import", ja.TitlePeopleImport, page)
		return
	}
	rows, problems := profilecsv.Decode(data, s.catalog, s.now())
	if len(problems) > 0 {
		for _, p := range problems {
			reason := p.MessageJA
			if reason == "" {
				reason = p.Message
			}
			page.Problems = append(page.Problems, problemRow{Line: p.Line, Column: label(ja.CSVColumns, p.Field), Reason: reason})
		}
		page.Errors = []formError{{"file", fmt.Sprintf(ja.ImportRefused, len(problems))}}
		s.render(w, r, http.StatusUnprocessableEntity, "people_import", ja.TitlePeopleImport, page)
		return
	}
	// The writes go on if the browser goes away: what stops half-way is
	// safe to import again (profilecsv.Import).
	res, err := profilecsv.Import(context.WithoutCancel(ctx), s.imports, rows, s.changed)
	s.audit(ctx, accountOf(ctx).ID, "people.import", fmt.Sprintf("created=%d updated=%d", res.Created, res.Updated))
	if err != nil {
		s.log.ErrorContext(ctx, "console: import stopped", "created", res.Created, "updated", res.Updated, "err", err)
		page.Errors = []formError{{"file", fmt.Sprintf(ja.ImportStopped, res.Created+res.Updated)}}
		s.render(w, r, http.StatusInternalServerError, "people_import", ja.TitlePeopleImport, page)
		return
	}
	q := url.Values{"done": {"imported"}, "created": {strconv.Itoa(res.Created)}, "updated": {strconv.Itoa(res.Updated)}}
	http.Redirect(w, r, Prefix+"people?"+q.Encode(), http.StatusSeeOther)
}

// readUpload reads the form's file, refusing one over maxUpload.
func readUpload(r *http.Request) ([]byte, error) {
	f, _, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		return nil, nil
	}
	if err != nil {
		return nil, errors.New(ja.FileUnreadable)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxUpload+1))
	if err != nil {
		return nil, errors.New(ja.FileUnreadable)
	}
	if len(data) > maxUpload {
		return nil, errors.New(ja.FileTooLarge)
	}
	return data, nil
}

// findPeople finds people by the list's filter: area, skill, status and a
// part of the name.
func (s *server) findPeople(ctx context.Context, q url.Values) ([]*bot.Profile, error) {
	f := bot.ProfileFilter{Area: q.Get("area"), Skill: q.Get("skill"), Status: bot.Status(q.Get("status"))}
	found, err := s.people.FindProfiles(ctx, f)
	if err != nil {
		return nil, err
	}
	return byName(found, q.Get("name")), nil
}
