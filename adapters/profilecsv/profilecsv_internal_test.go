package profilecsv

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"tsunagu/adapters/csvfile"
	"tsunagu/bot"
	"tsunagu/bot/avail"
	"tsunagu/config"
)

var csvNow = time.Date(2025, 4, 1, 10, 30, 0, 0, time.UTC)

// embeddedCatalog is the catalog the service ships, whose labels have ・ in
// them (「採点・丸つけ」), which is what the skill separators must respect.
func embeddedCatalog(t testing.TB) *bot.Catalog {
	t.Helper()
	file, err := config.DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := file.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

const (
	hanakoID = "line:U0123456789abcdef0123456789abcdef"
	taroID   = "slack:T0123ABCD:U0123ABCD"
)

// week builds a week from "mon 09:00-12:00"-style ranges.
func week(t *testing.T, ranges ...string) avail.Week {
	t.Helper()
	var rs []avail.Range
	for _, r := range ranges {
		day, span, _ := strings.Cut(r, " ")
		from, to, _ := strings.Cut(span, "-")
		rs = append(rs, avail.Range{Day: day, From: from, To: to})
	}
	w, err := avail.FromRanges(rs)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// got is what a row became, without the fields every row shares.
type got struct {
	ID, Name, Area string
	Skills         []string
	Week           avail.Week
	Limit          int
}

func rowsOf(rows []Row) []got {
	var out []got
	for _, r := range rows {
		p := r.Profile
		out = append(out, got{p.ID, p.Name, p.Area, p.Skills, p.Availability, p.WeeklyLimit})
	}
	return out
}

func TestCSVReaderReadsWhatCoordinatorsWrite(t *testing.T) {
	cat := embeddedCatalog(t)
	weekdayMornings := week(t, "mon 09:00-12:00", "tue 09:00-12:00", "wed 09:00-12:00", "thu 09:00-12:00", "fri 09:00-12:00")
	mwf := week(t, "mon 10:00-15:00", "wed 10:00-15:00", "fri 10:00-15:00")
	header := "id,name,area,skills,availability,weekly_limit\n"
	tests := []struct {
		name string
		csv  string
		want []got
	}{
		{
			name: "labels, 、 between skills, availability in words",
			csv:  header + hanakoID + ",山田 花子,世田谷区,採点・丸つけ、パソコン・スマホ,平日の午前,2\n",
			want: []got{{hanakoID, "山田 花子", "setagaya", []string{"grading", "pc_basics"}, weekdayMornings, 2}},
		},
		{
			name: "a csvfile.BOM before the header",
			csv:  csvfile.BOM + header + hanakoID + ",山田 花子,世田谷,採点,平日の午前,2\n",
			want: []got{{hanakoID, "山田 花子", "setagaya", []string{"grading"}, weekdayMornings, 2}},
		},
		{
			name: "header in another order and case, extra columns ignored",
			csv: "Weekly_Limit,status,skills,ID,availability,memo,area,name\n" +
				"3,paused,ズーム,slack:T0123ABCD:U0123ABCD,月水金 10時〜15時,よろしく,オンライン,Taro\n",
			want: []got{{taroID, "Taro", "remote", []string{"zoom_support"}, mwf, 3}},
		},
		{
			name: "IDs and synonyms, ; and a comma in a quoted cell, repeats dropped",
			csv:  header + hanakoID + `,花子,setagaya,"grading; 丸付け, zoom_support;ズーム",平日の午前,1` + "\n",
			want: []got{{hanakoID, "花子", "setagaya", []string{"grading", "zoom_support"}, weekdayMornings, 1}},
		},
		{
			name: "・ between two skills splits, inside a label it does not",
			csv:  header + hanakoID + ",花子,調布,採点・英語、パソコン・スマホ,平日の午前,1\n",
			want: []got{{hanakoID, "花子", "chofu", []string{"grading", "english", "pc_basics"}, weekdayMornings, 1}},
		},
		{
			name: "full-width and kanji weekly limits, spaces trimmed",
			csv: header + hanakoID + ", 花子 ,  世田谷区 , 採点 ,平日の午前, ２ \n" +
				taroID + ",Taro,リモート,ズーム,月水金 10時〜15時,三\n",
			want: []got{
				{hanakoID, "花子", "setagaya", []string{"grading"}, weekdayMornings, 2},
				{taroID, "Taro", "remote", []string{"zoom_support"}, mwf, 3},
			},
		},
		{
			name: "CRLF line ends, empty lines and rows of empty cells skipped",
			csv: strings.ReplaceAll(header+"\n"+hanakoID+",花子,世田谷区,採点,平日の午前,2\n,,,,,\n\n"+
				taroID+",Taro,リモート,ズーム,月水金 10時〜15時,3\n", "\n", "\r\n"),
			want: []got{
				{hanakoID, "花子", "setagaya", []string{"grading"}, weekdayMornings, 2},
				{taroID, "Taro", "remote", []string{"zoom_support"}, mwf, 3},
			},
		},
		{
			name: "a quoted cell over lines: skills one per line, availability clause per line",
			csv:  header + hanakoID + ",花子,世田谷区,\"採点\nズーム\",\"月水金 10時〜15時\n土曜 午後\",2\n",
			want: []got{{hanakoID, "花子", "setagaya", []string{"grading", "zoom_support"},
				week(t, "mon 10:00-15:00", "wed 10:00-15:00", "fri 10:00-15:00", "sat 13:00-17:00"), 2}},
		},
		{
			name: "availability as a sentence, with 以外",
			csv:  header + hanakoID + ",花子,世田谷区,採点,土日以外の午前,2\n",
			want: []got{{hanakoID, "花子", "setagaya", []string{"grading"}, weekdayMornings, 2}},
		},
		{
			name: "availability ruling a day out",
			csv:  header + hanakoID + ",花子,世田谷区,採点,平日の午前、水曜はだめ,2\n",
			want: []got{{hanakoID, "花子", "setagaya", []string{"grading"}, week(t, "mon 09:00-12:00", "tue 09:00-12:00", "thu 09:00-12:00", "fri 09:00-12:00"), 2}},
		},
		{
			name: "the bot's own words, and a whole day",
			csv:  header + hanakoID + ",花子,世田谷区,採点,\"月・水・金 10:00〜15:00、土曜 0:00〜24:00\",2\n",
			want: []got{{hanakoID, "花子", "setagaya", []string{"grading"},
				week(t, "mon 10:00-15:00", "wed 10:00-15:00", "fri 10:00-15:00", "sat 00:00-24:00"), 2}},
		},
		{
			name: "a name protected against formulas is read back without the apostrophe",
			csv:  header + hanakoID + ",'=花子,世田谷区,採点,平日の午前,2\n",
			want: []got{{hanakoID, "=花子", "setagaya", []string{"grading"}, weekdayMornings, 2}},
		},
		{
			name: "a header only imports nobody",
			csv:  header,
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, problems := Decode([]byte(tt.csv), cat, csvNow)
			if len(problems) > 0 {
				t.Fatalf("problems: %+v", problems)
			}
			if got := rowsOf(rows); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("\n got %+v\nwant %+v", got, tt.want)
			}
			for _, r := range rows {
				p := r.Profile
				if p.Status != bot.StatusActive || p.ConsentedAt == nil || !p.ConsentedAt.Equal(csvNow) || !p.CreatedAt.Equal(csvNow) {
					t.Errorf("%s: status %q, consented %v, created %v; want active, attested now", p.ID, p.Status, p.ConsentedAt, p.CreatedAt)
				}
				if err := p.Validate(cat); err != nil {
					t.Errorf("%s: %v", p.ID, err)
				}
			}
		})
	}
}

// rowProblem is a problem a test expects: its line, its column and words
// of its English message.
type rowProblem struct {
	Line           int
	Field, Message string
}

func TestCSVReaderNamesEveryBadRow(t *testing.T) {
	cat := embeddedCatalog(t)
	good := hanakoID + ",花子,世田谷区,採点,平日の午前,2"
	header := "id,name,area,skills,availability,weekly_limit"
	tests := []struct {
		name string
		csv  string
		want []rowProblem // messages are checked for the words given
	}{
		{"an empty file", "", []rowProblem{{1, "", "empty"}}},
		{"a csvfile.BOM and nothing else", csvfile.BOM + "\r\n", []rowProblem{{1, "", "empty"}}},
		{"a missing column is named, each of them",
			"id,name,area,skills\n" + hanakoID + ",花子,世田谷区,採点\n",
			[]rowProblem{{1, "availability", "availability is missing"}, {1, "weekly_limit", "weekly_limit is missing"}}},
		{"a column twice", header + ",name\n", []rowProblem{{1, "name", "twice"}}},
		{"unknown area", header + "\n" + hanakoID + ",花子,札幌,採点,平日の午前,2\n",
			[]rowProblem{{2, "area", `"札幌" is not in the catalog`}}},
		{"unknown skills, all named", header + "\n" + hanakoID + ",花子,世田谷区,採点、けん玉;空中浮遊,平日の午前,2\n",
			[]rowProblem{{2, "skills", `"けん玉", "空中浮遊"`}}},
		{"・ between words that are not both skills", header + "\n" + hanakoID + ",花子,世田谷区,採点・けん玉,平日の午前,2\n",
			[]rowProblem{{2, "skills", `"採点・けん玉"`}}},
		{"weekly_limit not a number", header + "\n" + hanakoID + ",花子,世田谷区,採点,平日の午前,たくさん\n",
			[]rowProblem{{2, "weekly_limit", "not a number"}}},
		{"weekly_limit out of range", header + "\n" + hanakoID + ",花子,世田谷区,採点,平日の午前,21\n",
			[]rowProblem{{2, "weekly_limit", "between 1 and 20"}}},
		{"weekly_limit zero", header + "\n" + hanakoID + ",花子,世田谷区,採点,平日の午前,0\n",
			[]rowProblem{{2, "weekly_limit", "between 1 and 20"}}},
		{"a bad id", header + "\n" + "line:Uabc,花子,世田谷区,採点,平日の午前,2\n",
			[]rowProblem{{2, "id", "not a LINE user ID"}}},
		{"availability not understood", header + "\n" + hanakoID + ",花子,世田谷区,採点,要相談,2\n",
			[]rowProblem{{2, "availability", "not understood"}}},
		{"availability with a word the reader would skip", header + "\n" + hanakoID + ",花子,世田谷区,採点,月曜、要相談,2\n",
			[]rowProblem{{2, "availability", "not understood"}}},
		{"availability ending before it starts", header + "\n" + hanakoID + ",花子,世田谷区,採点,月曜 22時〜2時,2\n",
			[]rowProblem{{2, "availability", "ends before it starts"}}},
		{"availability 未設定, as exported for someone onboarding", header + "\n" + hanakoID + ",花子,世田谷区,採点,未設定,2\n",
			[]rowProblem{{2, "availability", "not understood"}}},
		{"a missing name, and a short row's missing cells", header + "\n" + hanakoID + ",,世田谷区,採点\n",
			[]rowProblem{{2, "name", "required"}, {2, "availability", "required"}, {2, "weekly_limit", "required"}}},
		{"a name over two lines", header + "\n" + hanakoID + ",\"山田\n花子\",世田谷区,採点,平日の午前,2\n",
			[]rowProblem{{2, "name", "name"}}},
		{"bad consented_at", header + ",consented_at\n" + good + ",yesterday\n",
			[]rowProblem{{2, "consented_at", "not a time"}}},
		{"consented_at to come", header + ",consented_at\n" + good + ",2099-01-01T09:00:00+09:00\n",
			[]rowProblem{{2, "consented_at", "in the future"}}},
		{"too many skills", header + "\n" + hanakoID + ",花子,世田谷区,\"" + strings.Join(skillIDs(cat)[:16], "、") + "\",平日の午前,2\n",
			[]rowProblem{{2, "skills", "at most 15"}}},
		{"a duplicate id names the first line",
			header + "\n" + good + "\n" + taroID + ",Taro,リモート,ズーム,土日,1\n" + strings.Replace(good, "花子", "花子2", 1) + "\n",
			[]rowProblem{{4, "id", "also on line 2"}}},
		{"every bad row, each on its own line, good rows between",
			header + "\n" + good + "\n" +
				taroID + ",Taro,火星,ズーム,土日,1\n" +
				"\n" +
				"line:U0000000000000000000000000000000f,\"次郎\",世田谷区,\"採点\nけん玉\",平日の午前,2\n" +
				"line:U00000000000000000000000000000001,三郎,世田谷区,採点,\"月曜\n25時\",x\n",
			[]rowProblem{
				{3, "area", "火星"},
				{5, "skills", "けん玉"},
				{7, "availability", "not understood"}, {8, "weekly_limit", "not a number"},
			}},
		{"CRLF line ends count lines the same", strings.ReplaceAll(header+"\n"+good+"\n"+taroID+",Taro,火星,ズーム,土日,1\n", "\n", "\r\n"),
			[]rowProblem{{3, "area", "火星"}}},
		{"an open quote is named by the line its record starts on",
			header + "\n" + good + "\n" + taroID + ",\"Taro,リモート,ズーム,土日,1\n" + good + "\n",
			[]rowProblem{{3, "", "malformed CSV"}}},
		{"a bare quote in a cell", header + "\n" + hanakoID + ",山田 \"はな\" 子,世田谷区,採点,平日の午前,2\n",
			[]rowProblem{{2, "", "bare \""}}},
		{"neither UTF-8 nor Shift_JIS", header + "\n\xff\xfe\xfd\n", []rowProblem{{1, "", "neither UTF-8 nor Shift_JIS"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, problems := Decode([]byte(tt.csv), cat, csvNow)
			if len(problems) != len(tt.want) {
				t.Fatalf("problems %+v, want %+v", problems, tt.want)
			}
			for i, p := range problems {
				w := tt.want[i]
				if p.Line != w.Line || p.Field != w.Field || !strings.Contains(p.Message, w.Message) {
					t.Errorf("problem %d = %+v, want line %d, field %q, a message with %q", i, p, w.Line, w.Field, w.Message)
				}
				if p.MessageJA == "" || p.MessageJA == p.Message {
					t.Errorf("problem %d = %+v has no Japanese for the console", i, p)
				}
			}
			_ = rows // the handler imports nothing when there are problems
		})
	}
}

func skillIDs(cat *bot.Catalog) []string {
	var out []string
	for _, s := range cat.Skills() {
		out = append(out, s.ID)
	}
	return out
}

func TestCSVReaderTakesShiftJISFromExcel(t *testing.T) {
	cat := embeddedCatalog(t)
	utf := "id,name,area,skills,availability,weekly_limit\r\n" + hanakoID + ",山田 花子,世田谷区,採点・丸つけ,月水金 10時から15時,２\r\n"
	sjis, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(utf))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(sjis, []byte(utf)) {
		t.Fatal("the test file is the same in both encodings")
	}
	rows, problems := Decode(sjis, cat, csvNow)
	if len(problems) > 0 {
		t.Fatalf("problems: %+v", problems)
	}
	want := []got{{hanakoID, "山田 花子", "setagaya", []string{"grading"}, week(t, "mon 10:00-15:00", "wed 10:00-15:00", "fri 10:00-15:00"), 2}}
	if got := rowsOf(rows); !reflect.DeepEqual(got, want) {
		t.Errorf("\n got %+v\nwant %+v", got, want)
	}
}

// TestExportedAvailabilityReadsBackTheSame checks that whatever week a
// person has, the words the export writes are read back as that week: the
// bot says 終日 for a whole day, which a person means as the working day.
func TestExportedAvailabilityReadsBackTheSame(t *testing.T) {
	weeks := []avail.Week{
		week(t, "mon 00:00-24:00"),
		week(t, "mon 09:00-12:00", "tue 09:00-12:00", "wed 09:00-12:00", "thu 09:00-12:00", "fri 09:00-12:00", "sat 00:00-24:00", "sun 00:00-24:00"),
		week(t, "fri 18:00-24:00"),
		week(t, "mon 00:00-00:30", "sun 23:30-24:00"),
		week(t, "wed 10:00-12:00", "wed 14:00-16:30"),
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		var w avail.Week
		for d := range 7 {
			for range r.IntN(4) {
				from := r.IntN(avail.SlotsPerDay)
				w.Set(d, from, from+1+r.IntN(avail.SlotsPerDay-from))
			}
		}
		if !w.IsZero() {
			weeks = append(weeks, w)
		}
	}
	for _, w := range weeks {
		words := availabilityWords(w)
		back, err := readAvailability(words)
		if err != nil || back != w {
			t.Fatalf("%v written as %q, read back as %v (%v)", w.Ranges(), words, back.Ranges(), err)
		}
		if ranges := rangeWords(w); ranges != "" {
			if back, err := readAvailability(ranges); err != nil || back != w {
				t.Fatalf("%v written range by range as %q, read back as %v (%v)", w.Ranges(), ranges, back.Ranges(), err)
			}
		}
	}
	if got, want := availabilityWords(week(t, "mon 09:00-12:00", "wed 09:00-12:00")), "月・水 9:00〜12:00"; got != want {
		t.Errorf("a week the bot can say is written %q, want the bot's words %q", got, want)
	}
	if got, want := availabilityWords(week(t, "sat 00:00-24:00")), "土曜 0:00〜24:00"; got != want {
		t.Errorf("a whole day is written %q, want %q", got, want)
	}
}

func TestFormulaCellsAreWrittenAsText(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+81": "'+81", "-1": "'-1", "@SUM": "'@SUM",
		"山田": "山田", "": "", "'quoted": "'quoted",
	} {
		if got := Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
		if got := uncell(Cell(in)); got != in {
			t.Errorf("uncell(Cell(%q)) = %q", in, got)
		}
	}
}

func TestImportRefreshesWhatTheRowSaysAndKeepsTheRest(t *testing.T) {
	cat := embeddedCatalog(t)
	rows, problems := Decode([]byte("id,name,area,skills,availability,weekly_limit\n"+hanakoID+",山田 花子,世田谷区,採点,平日の午前,2\n"), cat, csvNow)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	in := rows[0].Profile
	earlier := csvNow.AddDate(0, -2, 0)
	offers := []bot.OfferRef{{TaskID: "t1"}}
	tests := []struct {
		name       string
		status     bot.Status
		consented  *time.Time
		conv       bot.Conversation
		wantStatus bot.Status
		wantConv   bot.Conversation
		wantSince  time.Time
	}{
		{"an active person stays active, mid-edit too", bot.StatusActive, &earlier,
			bot.Conversation{Step: bot.StepSkills, Editing: true, Offers: offers},
			bot.StatusActive, bot.Conversation{Step: bot.StepSkills, Editing: true, Offers: offers}, earlier},
		{"a paused person stays paused", bot.StatusPaused, &earlier,
			bot.Conversation{Offers: offers}, bot.StatusPaused, bot.Conversation{Offers: offers}, earlier},
		{"a blocked person stays blocked", bot.StatusBlocked, &earlier,
			bot.Conversation{BeforeBlock: bot.StatusActive}, bot.StatusBlocked, bot.Conversation{BeforeBlock: bot.StatusActive}, earlier},
		{"someone onboarding is registered and asked nothing more", bot.StatusOnboarding, nil,
			bot.Conversation{Step: bot.StepArea, Misses: 1, MissStep: bot.StepArea, SuggestedName: "花子", Offers: offers},
			bot.StatusActive, bot.Conversation{SuggestedName: "花子", Offers: offers}, csvNow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stored := &bot.Profile{ID: hanakoID, Name: "はなこ", Area: "ota", Skills: []string{"drone"}, WeeklyLimit: 5,
				Status: tt.status, ConsentedAt: tt.consented, Counters: bot.Counters{Offers: 3, Completed: 1}, CreatedAt: earlier, UpdatedAt: earlier}
			conv := tt.conv
			Refresh(in)(stored, &conv)
			want := &bot.Profile{ID: hanakoID, Name: "山田 花子", Area: "setagaya", Skills: []string{"grading"}, Availability: in.Availability, WeeklyLimit: 2,
				Status: tt.wantStatus, ConsentedAt: &tt.wantSince, Counters: bot.Counters{Offers: 3, Completed: 1}, CreatedAt: earlier, UpdatedAt: csvNow}
			if !reflect.DeepEqual(stored, want) {
				t.Errorf("\n got %+v\nwant %+v", stored, want)
			}
			if !reflect.DeepEqual(conv, tt.wantConv) {
				t.Errorf("conversation\n got %+v\nwant %+v", conv, tt.wantConv)
			}
		})
	}
}
