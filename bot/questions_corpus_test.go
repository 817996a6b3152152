package bot

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestQuestionCorpus reads the sentences of testdata/questions as answers
// to the day-before question (going.txt) and to the question after a task
// (done.txt), the way seniors type and dictate them, and reports the rate
// understood per question. Each must be at least corpusMinRate.
func TestQuestionCorpus(t *testing.T) {
	cat := testCatalog(t)
	c := newOfferClock(t)
	start := c.at(12, 3, 9, 0)
	ref := c.ref("Q1", "朝テストの採点", start, 2, OfferAccepted)
	for _, file := range []string{"going", "done"} {
		conv, now := Conversation{Offers: []OfferRef{ref}}, c.at(12, 2, 19, 0)
		if file == "going" {
			conv.Offers[0].Confirm = ConfirmAsked
		} else {
			conv.Offers[0].Asked, now = true, c.at(12, 3, 12, 0)
		}
		lines := readQuestions(t, "testdata/questions/"+file+".txt")
		ok := 0
		for _, l := range lines {
			r := Converse(cat, now, offerPerson(StatusActive), cloneConv(conv), Inbound{ID: "q", Kind: EventText, ProfileID: "line:U0042", Text: l.text})
			if got := questionReading(r.Answer); got != l.want {
				t.Logf("%s:%d %q: read %q, want %q", file, l.line, l.text, got, l.want)
				continue
			}
			ok++
		}
		rate := float64(ok) / float64(len(lines))
		t.Logf("%-6s %3d/%3d %5.1f%%", file, ok, len(lines), 100*rate)
		if rate < corpusMinRate {
			t.Errorf("%s: understood %.1f%%, want at least %.0f%%", file, 100*rate, 100*corpusMinRate)
		}
	}
}

// questionReading says what an answer request means, as the corpus writes it.
func questionReading(a *AnswerRequest) string {
	switch {
	case a == nil:
		return "none"
	case a.Op == OpConfirm:
		return "going"
	case a.Op == OpCancel:
		return "notgoing"
	case a.Op == OpComplete && a.Result.Status == NotCompleted:
		return "notdone"
	case a.Op == OpComplete && a.Result.Hours == 2:
		return "done"
	case a.Op == OpComplete:
		return fmt.Sprintf("done hours=%v", a.Result.Hours)
	}
	return string(a.Op)
}

type questionLine struct {
	line       int
	text, want string
}

func readQuestions(t *testing.T, path string) []questionLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []questionLine
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			continue
		}
		text, want, ok := strings.Cut(l, "\t")
		if !ok {
			t.Fatalf("%s:%d: no tab", path, n)
		}
		out = append(out, questionLine{line: n, text: text, want: want})
	}
	return out
}
