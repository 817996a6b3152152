// Package profilecsv reads and writes people as CSV, the one format of
// GET /api/profiles?format=csv, POST /api/profiles/import and the console's
// 「Excelで書き出す」 and 「CSVで取り込む」: UTF-8 with a BOM and CRLF line
// ends, area and skills as Japanese labels, availability in words; an
// import reads that back, or what a coordinator typed in Excel (Shift_JIS
// too), and names every problem by line and column, in English for the
// API and in Japanese for the console.
package profilecsv

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"

	"tsunagu/adapters/csvfile"
	"tsunagu/bot"
	"tsunagu/bot/avail"
	"tsunagu/bot/jtext"
)

// The CSV columns. The export writes them all; an import needs the
// required ones, in any order, takes consented_at when it is there, and
// ignores the others (status, created_at, ...), so that an export can be
// imported again as it is.
const (
	colID           = "id"
	colName         = "name"
	colArea         = "area"
	colSkills       = "skills"
	colAvailability = "availability"
	colWeeklyLimit  = "weekly_limit"
	colStatus       = "status"
	colConsentedAt  = "consented_at"
	colCreatedAt    = "created_at"
	colUpdatedAt    = "updated_at"
)

var (
	exportColumns   = []string{colID, colName, colArea, colSkills, colAvailability, colWeeklyLimit, colStatus, colConsentedAt, colCreatedAt, colUpdatedAt}
	requiredColumns = []string{colID, colName, colArea, colSkills, colAvailability, colWeeklyLimit}
)

// SkillSep joins skill labels in the export, the way the bot lists them.
const SkillSep = "、"

// Encode writes the header and one row per profile (without the BOM,
// which the caller writes first).
func Encode(w io.Writer, cat *bot.Catalog, ps []*bot.Profile) {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // what Excel writes, and RFC 4180
	_ = cw.Write(exportColumns)
	for _, p := range ps {
		area := p.Area
		if a, ok := cat.Area(p.Area); ok {
			area = a.LabelJA
		}
		skills := make([]string, 0, len(p.Skills))
		for _, id := range p.Skills {
			if sk, ok := cat.Skill(id); ok {
				skills = append(skills, sk.LabelJA)
			} else {
				skills = append(skills, id) // a skill the catalog no longer has
			}
		}
		consented := ""
		if p.ConsentedAt != nil {
			consented = p.ConsentedAt.Format(time.RFC3339)
		}
		_ = cw.Write([]string{
			Cell(p.ID), Cell(p.Name), Cell(area), Cell(strings.Join(skills, SkillSep)),
			Cell(availabilityWords(p.Availability)), strconv.Itoa(p.WeeklyLimit), string(p.Status),
			consented, p.CreatedAt.Format(time.RFC3339), p.UpdatedAt.Format(time.RFC3339),
		})
	}
	cw.Flush() // a bytes.Buffer does not fail
}

// Cell guards a text cell against formula injection: a spreadsheet runs a
// cell starting with = + - @ (a name a person typed in the chat, say) as a
// formula, so such a cell is written with a leading apostrophe, which
// Excel shows as text. uncell takes it off again on import.
func Cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func uncell(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

// availabilityWords says a week as the bot does (Week.Japanese), in words
// the import reads back as the same week. The bot says 終日 for a whole
// day, which a person typing means as the working day (avail.Parse reads
// 9:00〜18:00), so a whole day is written 0:00〜24:00 instead.
func availabilityWords(w avail.Week) string {
	said := w.Japanese()
	if w.IsZero() {
		return said // 未設定: a person still onboarding
	}
	if got, err := readAvailability(said); err == nil && got == w {
		return said
	}
	exact := strings.ReplaceAll(said, "終日", "0:00〜24:00")
	if got, err := readAvailability(exact); err == nil && got == w {
		return exact
	}
	return rangeWords(w)
}

// rangeWords writes a week range by range (「月曜 9:00〜12:00、金曜
// 18:00〜24:00」): longer than the bot's words, and always read back the
// same.
func rangeWords(w avail.Week) string {
	days := map[string]string{"mon": "月曜", "tue": "火曜", "wed": "水曜", "thu": "木曜", "fri": "金曜", "sat": "土曜", "sun": "日曜"}
	var parts []string
	for _, r := range w.Ranges() {
		parts = append(parts, days[r.Day]+" "+r.From+"〜"+r.To)
	}
	return strings.Join(parts, "、")
}

// readAvailability reads a cell of availability strictly (avail.Parse:
// 「平日の午前」「月水金 10時〜15時」, the bot's own words), or as the chat
// reads a sentence (avail.Read) when the cell rules time out, which Parse
// leaves to the chat: 「土日以外の午前」「平日の午前、水曜はだめ」. Read
// alone is not enough: it skips words it does not know, which suits a chat
// that says back what it understood, not a file nobody reads back
// (「月曜、要相談」 would be read as Monday). A word that cannot be read
// is an error, never a guess.
func readAvailability(s string) (avail.Week, error) {
	w, err := avail.Parse(s)
	if err == nil || errors.Is(err, avail.ErrEndBeforeStart) {
		return w, err
	}
	r, rerr := avail.Read(s)
	if rerr != nil {
		return avail.Week{}, rerr
	}
	if r.Except.IsZero() {
		return avail.Week{}, err
	}
	if w := r.Apply(avail.Week{}); !w.IsZero() {
		return w, nil
	}
	return avail.Week{}, err
}

// Problem is one thing wrong in an import: the line (the header is line
// 1; a cell spanning lines is named by the line it starts on), the column
// it is about, if one, and what is wrong, in English (the API) and in
// Japanese (the console; MessageJA).
type Problem struct {
	Line      int    `json:"line"`
	Field     string `json:"field,omitempty"`
	Message   string `json:"message"`
	MessageJA string `json:"-"`
}

// Row is a person read from the CSV, ready to store, and its line.
type Row struct {
	Line    int
	Profile *bot.Profile
}

// Importer writes the people of an import (redis.Store.ImportProfile).
type Importer interface {
	// ImportProfile stores p if the person has no profile (created), or
	// else applies update to their stored profile and conversation, both
	// atomically for that one person.
	ImportProfile(ctx context.Context, p *bot.Profile, update func(stored *bot.Profile, conv *bot.Conversation)) (created bool, err error)
}

// Result counts the people an import created and updated.
type Result struct {
	Created int `json:"created"`
	Updated int `json:"updated"`
}

// Import stores rows one person at a time (Refresh for those already
// there), telling changed about each. Every row was read and validated
// before (Decode), but the writes are one person at a time: each person is
// written atomically (their profile and conversation together), while the
// file as a whole is not a transaction, since people live in different
// hash slots and a Redis Cluster cannot write them in one. If it stops
// half-way, the people before are stored and the rest are not, and the
// error says so: importing the same file again is safe, as people already
// there are updated to the same values. Callers pass a context that a
// client hanging up does not cancel, for the same reason.
func Import(ctx context.Context, imp Importer, rows []Row, changed func(ctx context.Context, id string)) (Result, error) {
	var res Result
	for _, row := range rows {
		created, err := imp.ImportProfile(ctx, row.Profile, Refresh(row.Profile))
		if err != nil {
			return res, fmt.Errorf("import line %d (the lines before it were imported; importing the file again is safe): %w", row.Line, err)
		}
		if created {
			res.Created++
		} else {
			res.Updated++
		}
		if changed != nil {
			changed(ctx, row.Profile.ID)
		}
	}
	return res, nil
}

// Refresh is what an imported row does to a person already stored: their
// name, area, skills, availability and weekly limit become the row's. The
// rest is theirs and stays: counters, offers, conversation, a consent
// they gave, and their status, so a person who paused is not pushed
// offers because a coordinator re-imported a list, and one who blocked
// the bot stays blocked. A person still onboarding is registered by the
// import like a new one (active, consent attested), and the onboarding
// question they were at is dropped: nothing is left to ask.
func Refresh(in *bot.Profile) func(stored *bot.Profile, conv *bot.Conversation) {
	return func(p *bot.Profile, c *bot.Conversation) {
		p.Name = in.Name
		p.Area = in.Area
		p.Skills = append([]string(nil), in.Skills...)
		p.Availability = in.Availability
		p.WeeklyLimit = in.WeeklyLimit
		p.UpdatedAt = in.UpdatedAt
		if p.ConsentedAt == nil {
			p.ConsentedAt = in.ConsentedAt
		}
		if p.Status == bot.StatusOnboarding || p.Status == "" {
			p.Status = bot.StatusActive
			c.Step, c.Return, c.Editing, c.PrevSkills = bot.StepIdle, bot.StepIdle, false, nil
			c.Misses, c.MissStep = 0, bot.StepIdle
		}
	}
}

// Decode reads an import file into profiles, as POST /api/profiles
// would make them (active, consent attested at now unless consented_at
// says when), or lists every problem it finds: any problem means nothing
// is to be imported.
//
// The file is UTF-8, with or without a BOM, or Shift_JIS (what Excel
// saves as 「CSV (コンマ区切り)」 on a Japanese Windows). The first record
// is the header: the required columns in any order, in any case; other
// columns are ignored. Empty lines and rows of empty cells (Excel leaves
// them behind) are skipped; cells are trimmed. Area and skills are IDs,
// labels or synonyms; skills are separated by 、 ; , or line breaks, and
// by ・ where the words between are skills (「採点・丸つけ」 is one skill's
// label, 「採点・英語」 two skills). Availability is in words
// (readAvailability), weekly_limit a number in any width or in kanji.
func Decode(data []byte, cat *bot.Catalog, now time.Time) ([]Row, []Problem) {
	text, err := csvText(data)
	if err != nil {
		return nil, []Problem{{Line: 1, Message: err.Error(), MessageJA: "文字コードが読めません。Excelで「CSV UTF-8」として保存してください。"}}
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord = -1 // short and long rows are read; missing cells are empty
	cr.TrimLeadingSpace = true
	// LazyQuotes stays off: with it, one stray quote silently swallows
	// the rows after it into one cell.

	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, []Problem{{Line: 1, Message: "the file is empty: the first line must be the header " + strings.Join(requiredColumns, ","),
			MessageJA: "ファイルが空です。1行目は見出し（" + strings.Join(requiredColumns, ",") + "）にしてください。"}}
	}
	if err != nil {
		return nil, []Problem{csvProblem(err)}
	}
	headerLine, _ := cr.FieldPos(0)
	cols := map[string]int{}
	var problems []Problem
	for i, name := range header {
		name = strings.ToLower(strings.TrimSpace(uncell(name)))
		if name == "" {
			continue
		}
		if _, dup := cols[name]; dup {
			problems = append(problems, Problem{Line: headerLine, Field: name, Message: fmt.Sprintf("column %s appears twice in the header", name),
				MessageJA: fmt.Sprintf("見出しに %s の列が2つあります。", name)})
			continue
		}
		cols[name] = i
	}
	for _, name := range requiredColumns {
		if _, ok := cols[name]; !ok {
			problems = append(problems, Problem{Line: headerLine, Field: name, Message: fmt.Sprintf("column %s is missing from the header (%s)", name, strings.Join(requiredColumns, ",")),
				MessageJA: fmt.Sprintf("見出しに %s の列がありません（必要な列: %s）。", name, strings.Join(requiredColumns, ","))})
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}

	var rows []Row
	firstLine := map[string]int{} // profile ID → the line it first appears on
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// The reader cannot be trusted to find the next record after a
			// quoting error; what came before is reported with it.
			problems = append(problems, csvProblem(err))
			break
		}
		if blank(rec) {
			continue
		}
		rr := rowReader{rec: rec, cols: cols, cr: cr, cat: cat}
		p := rr.profile(now)
		if p != nil {
			if first, ok := firstLine[p.ID]; ok {
				rr.problem(colID, fmt.Sprintf("このIDは%d行目にもあります。", first), "id %s is also on line %d", p.ID, first)
			} else {
				firstLine[p.ID] = rr.line(colID)
			}
		}
		if len(rr.problems) > 0 {
			problems = append(problems, rr.problems...)
			continue
		}
		rows = append(rows, Row{Line: rr.line(colID), Profile: p})
	}
	return rows, problems
}

// csvText returns the file as UTF-8 text without a BOM.
func csvText(data []byte) (string, error) {
	data = bytes.TrimPrefix(data, []byte(csvfile.BOM))
	if utf8.Valid(data) {
		return string(data), nil
	}
	sjis, err := japanese.ShiftJIS.NewDecoder().Bytes(data)
	if err != nil || bytes.ContainsRune(sjis, utf8.RuneError) {
		return "", errors.New("the file is neither UTF-8 nor Shift_JIS text: save it from Excel as 「CSV UTF-8」")
	}
	return string(sjis), nil
}

// csvProblem reports an error of the CSV syntax itself.
func csvProblem(err error) Problem {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		// A quoted cell left open runs to the end of the file: the line
		// its record starts on is where to look.
		return Problem{Line: pe.StartLine, Message: "malformed CSV: " + pe.Error(), MessageJA: "CSVの形がくずれています（引用符 \" の閉じ忘れなど）。"}
	}
	return Problem{Line: 1, Message: fmt.Sprintf("malformed CSV: %v", err), MessageJA: "CSVとして読めません。"}
}

// blank reports whether every cell of a record is empty.
func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// rowReader reads one record into a profile, noting a problem per column.
type rowReader struct {
	rec      []string
	cols     map[string]int
	cr       *csv.Reader
	cat      *bot.Catalog
	problems []Problem
}

// get returns a column's cell, trimmed, "" when the row is short or the
// column absent.
func (rr *rowReader) get(col string) string {
	i, ok := rr.cols[col]
	if !ok || i >= len(rr.rec) {
		return ""
	}
	return uncell(strings.TrimSpace(rr.rec[i]))
}

// line is the line a column's cell starts on (the record's first line for
// a cell the row lacks).
func (rr *rowReader) line(col string) int {
	i, ok := rr.cols[col]
	if !ok || i >= len(rr.rec) {
		i = 0
	}
	line, _ := rr.cr.FieldPos(i)
	return line
}

// problem notes what is wrong with a column's cell: ja in Japanese, and
// format and args in English.
func (rr *rowReader) problem(col, ja, format string, args ...any) {
	rr.problems = append(rr.problems, Problem{Line: rr.line(col), Field: col, Message: fmt.Sprintf(format, args...), MessageJA: ja})
}

// has reports whether a problem about col was noted.
func (rr *rowReader) has(col string) bool {
	for _, p := range rr.problems {
		if p.Field == col {
			return true
		}
	}
	return false
}

// profile reads the record; it returns nil when the ID itself is bad.
func (rr *rowReader) profile(now time.Time) *bot.Profile {
	id := rr.get(colID)
	idOK := false
	switch err := bot.ValidatePlatformID(id); {
	case id == "":
		rr.problem(colID, "IDがありません。LINE か Slack の ID を入れてください。", "id is required")
	case err != nil:
		rr.problem(colID, "IDの形が違います（line:U… か slack:T…:U…）。", "%s", bot.ErrorMessage(err))
	default:
		idOK = true
	}

	name := rr.get(colName)
	if name == "" {
		rr.problem(colName, "お名前がありません。", "name is required")
	} else if err := bot.ValidateName(name); err != nil {
		rr.problem(colName, bot.ErrorJA(err), "%s", bot.ErrorMessage(err))
	}

	area := ""
	if word := rr.get(colArea); word == "" {
		rr.problem(colArea, "地域がありません。", "area is required")
	} else if id, ok := rr.cat.FindArea(word); ok {
		area = id
	} else {
		rr.problem(colArea, fmt.Sprintf("地域「%s」は一覧にありません。", word), "area %q is not in the catalog", word)
	}

	skills := rr.skills()

	var week avail.Week
	if words := rr.get(colAvailability); words == "" {
		rr.problem(colAvailability, "都合のよい時間がありません。", "availability is required")
	} else if w, err := readAvailability(oneLine(words)); errors.Is(err, avail.ErrEndBeforeStart) {
		rr.problem(colAvailability, fmt.Sprintf("都合のよい時間「%s」は、終わりが始まりより前です。", words), "availability %q has a time range that ends before it starts", words)
	} else if err != nil {
		rr.problem(colAvailability, fmt.Sprintf("都合のよい時間「%s」が読めません。「平日の午前」「月水金 10時〜15時」のように書いてください。", words), "availability %q is not understood: write it as 平日の午前 or 月水金 10時〜15時", words)
	} else {
		week = w
	}

	limit := 0
	if v := rr.get(colWeeklyLimit); v == "" {
		rr.problem(colWeeklyLimit, "1週間の上限（回数）がありません。", "weekly_limit is required")
	} else if n, ok := jtext.Count(v); !ok {
		rr.problem(colWeeklyLimit, fmt.Sprintf("1週間の上限「%s」が数ではありません。", v), "weekly_limit %q is not a number", v)
	} else if n < bot.MinWeeklyLimit || n > bot.MaxWeeklyLimit {
		rr.problem(colWeeklyLimit, fmt.Sprintf("1週間の上限は%d〜%d回にしてください（%d回になっています）。", bot.MinWeeklyLimit, bot.MaxWeeklyLimit, n),
			"weekly_limit must be between %d and %d, not %d", bot.MinWeeklyLimit, bot.MaxWeeklyLimit, n)
	} else {
		limit = n
	}

	consented := now
	if v := rr.get(colConsentedAt); v != "" {
		switch t, err := time.Parse(time.RFC3339, v); {
		case err != nil:
			rr.problem(colConsentedAt, fmt.Sprintf("同意日時「%s」が読めません（例: 2025-03-01T09:00:00+09:00）。", v), "consented_at %q is not a time such as 2025-03-01T09:00:00+09:00", v)
		case t.After(now.Add(bot.ClockSkew)):
			rr.problem(colConsentedAt, fmt.Sprintf("同意日時「%s」がまだ来ていません。同意をいただいた日時を入れてください。", v), "consented_at %q is in the future", v)
		default:
			consented = t
		}
	}

	if !idOK {
		return nil
	}
	p := &bot.Profile{
		ID: id, Name: name, Area: area, Skills: skills, Availability: week, WeeklyLimit: limit,
		ConsentedAt: &consented, Status: bot.StatusActive, CreatedAt: now, UpdatedAt: now,
	}
	if len(rr.problems) == 0 {
		// Whatever the columns did not catch (too many skills), as
		// POST /api/profiles checks it.
		if err := p.Validate(rr.cat); err != nil {
			col := bot.ErrorField(err)
			if _, ok := rr.cols[col]; !ok {
				col = ""
			}
			if !rr.has(col) {
				rr.problems = append(rr.problems, Problem{Line: rr.line(col), Field: col, Message: bot.ErrorMessage(err), MessageJA: bot.ErrorJA(err)})
			}
		}
	}
	return p
}

// skills reads the skills cell into catalog IDs, without repeats.
func (rr *rowReader) skills() []string {
	cellText := rr.get(colSkills)
	if cellText == "" {
		rr.problem(colSkills, "スキルがありません。", "skills is required")
		return nil
	}
	var ids, unknown, unknownJA []string
	seen := map[string]bool{}
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, word := range strings.FieldsFunc(cellText, func(r rune) bool { return strings.ContainsRune("、,，;；\n\r", r) }) {
		word = strings.TrimSpace(word)
		if word == "" {
			continue
		}
		if id, ok := rr.cat.FindSkill(word); ok {
			add(id)
			continue
		}
		// 「採点・英語」: two skills, if both are skills.
		parts := strings.FieldsFunc(word, func(r rune) bool { return r == '・' || r == '･' })
		var found []string
		for _, part := range parts {
			if id, ok := rr.cat.FindSkill(part); ok {
				found = append(found, id)
			}
		}
		if len(parts) < 2 || len(found) != len(parts) {
			unknown = append(unknown, strconv.Quote(word))
			unknownJA = append(unknownJA, "「"+word+"」")
			continue
		}
		for _, id := range found {
			add(id)
		}
	}
	switch {
	case len(unknown) == 1:
		rr.problem(colSkills, fmt.Sprintf("スキル%sは一覧にありません。", unknownJA[0]), "skill %s is not in the catalog", unknown[0])
	case len(unknown) > 1:
		rr.problem(colSkills, fmt.Sprintf("スキル%sは一覧にありません。", strings.Join(unknownJA, "")), "skills %s are not in the catalog", strings.Join(unknown, ", "))
	case len(ids) == 0:
		rr.problem(colSkills, "スキルがありません。", "skills is required")
	}
	return ids
}

// oneLine joins the lines of a cell with 、, which ends a clause the way a
// line break did (「月水金 10時〜15時」 over 「土曜 午後」).
func oneLine(s string) string {
	var lines []string
	for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "、")
}
