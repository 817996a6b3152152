package profilecsv

import (
	"bytes"
	"reflect"
	"testing"

	"tsunagu/adapters/csvfile"
	"tsunagu/bot"
)

// FuzzReadProfilesCSV feeds the import reader any bytes: it must not
// panic, every problem must name a line, and what it accepts must be valid
// profiles that the export writes back in a form read as the same people.
func FuzzReadProfilesCSV(f *testing.F) {
	header := "id,name,area,skills,availability,weekly_limit\n"
	for _, seed := range []string{
		"",
		csvfile.BOM,
		header,
		header + hanakoID + ",山田 花子,世田谷区,採点・丸つけ、パソコン・スマホ,平日の午前,2\n",
		"weekly_limit,skills,id,availability,area,name,status\r\n３,\"ズーム;grading\",slack:T0123ABCD:U0123ABCD,\"月水金 10時〜15時\n土曜 午後\",オンライン,'=Taro,paused\r\n",
		header + hanakoID + ",花子,札幌,けん玉,要相談,たくさん\n" + hanakoID + ",花子,世田谷,採点,土日以外,二\n",
		header + "\"unterminated,\n",
		"id,id,name\n,,\n",
		header + hanakoID + ",花子,世田谷区,採点,月曜 22時〜2時,2\n",
		"\xff\xfe" + header,
	} {
		f.Add([]byte(seed))
	}
	cat := embeddedCatalog(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, problems := Decode(data, cat, csvNow)
		for _, p := range problems {
			if p.Line < 1 || p.Message == "" {
				t.Fatalf("problem without a line or a message: %+v", p)
			}
		}
		if len(problems) > 0 {
			return
		}
		seen := map[string]bool{}
		for _, r := range rows {
			if err := r.Profile.Validate(cat); err != nil {
				t.Fatalf("line %d accepted but invalid: %v", r.Line, err)
			}
			if seen[r.Profile.ID] {
				t.Fatalf("id %s accepted twice", r.Profile.ID)
			}
			seen[r.Profile.ID] = true
		}
		if len(rows) == 0 {
			return
		}
		var buf bytes.Buffer
		buf.WriteString(csvfile.BOM)
		ps := make([]*bot.Profile, len(rows))
		for i, r := range rows {
			ps[i] = r.Profile
		}
		Encode(&buf, cat, ps)
		again, problems := Decode(buf.Bytes(), cat, csvNow)
		if len(problems) > 0 {
			t.Fatalf("the export of what was accepted is refused: %+v\n%s", problems, buf.String())
		}
		if got, want := rowsOf(again), rowsOf(rows); !reflect.DeepEqual(got, want) {
			t.Fatalf("read back differently:\n got %+v\nwant %+v\n%s", got, want, buf.String())
		}
	})
}
