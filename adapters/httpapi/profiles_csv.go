package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"tsunagu/adapters/csvfile"
	"tsunagu/adapters/profilecsv"
	"tsunagu/bot"
)

// ProfileImporter writes the people of a CSV import (see
// redis.Store.ImportProfile).
type ProfileImporter = profilecsv.Importer

// skillSep joins skill labels, as in the profiles' export.
const skillSep = profilecsv.SkillSep

// cell guards a text cell against formula injection (profilecsv.Cell).
func cell(s string) string { return profilecsv.Cell(s) }

// csvFormat reports whether the query asks for CSV (format=csv) rather than
// JSON (no format, or format=json); any other format is a 400.
func csvFormat(q url.Values) (bool, error) {
	switch v := strings.ToLower(strings.TrimSpace(q.Get("format"))); v {
	case "", "json":
		return false, nil
	case "csv":
		return true, nil
	default:
		return false, bot.FieldErrorf(bot.EINVALID, "format", "format %q is not json or csv", v)
	}
}

// writeProfilesCSV answers with the profiles as a CSV file Excel opens as
// it is: UTF-8 with a BOM, CRLF line ends, area and skills as Japanese
// labels and availability in the words the bot says it in.
func (s *server) writeProfilesCSV(w http.ResponseWriter, found []*bot.Profile) {
	csvfile.Send(w, fmt.Sprintf("profiles-%s.csv", s.now().In(s.loc).Format("20060102")),
		func(w io.Writer) { profilecsv.Encode(w, s.catalog, found) })
}

// importRejected is the 422 of an import with problems.
type importRejected struct {
	Error errorDetail          `json:"error"`
	Rows  []profilecsv.Problem `json:"rows"`
}

// importProfiles stores the people of a CSV file: all of them, or, if any
// row has a problem, none (422 naming every problem). Every row is read
// and validated before anything is written; the writes are one person at
// a time (profilecsv.Import says what a stop half-way leaves) and go on if
// the client hangs up.
func (s *server) importProfiles(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(w, r)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	rows, problems := profilecsv.Decode(body, s.catalog, s.now())
	if len(problems) > 0 {
		msg := fmt.Sprintf("%d problems in the CSV; nothing was imported", len(problems))
		if len(problems) == 1 {
			msg = "1 problem in the CSV; nothing was imported"
		}
		WriteJSON(w, http.StatusUnprocessableEntity, importRejected{
			Error: errorDetail{Code: bot.EUNPROCESSABLE, Message: msg},
			Rows:  problems,
		})
		return
	}
	ctx := context.WithoutCancel(r.Context())
	res, err := profilecsv.Import(ctx, s.imports, rows, s.changed)
	if err != nil {
		loggerFrom(ctx).Error("profile import stopped", "created", res.Created, "updated", res.Updated, "err", err)
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, res)
}

// readBody reads a request body of at most MaxBodyBytes.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > MaxBodyBytes {
		return nil, bot.Errorf(bot.ETOOLARGE, "request body is larger than %d bytes", MaxBodyBytes)
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, bot.Errorf(bot.ETOOLARGE, "request body is larger than %d bytes", MaxBodyBytes)
	case err != nil:
		return nil, bot.Errorf(bot.EINVALID, "reading the request body: %v", err)
	}
	return b, nil
}
