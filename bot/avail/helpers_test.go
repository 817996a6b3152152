package avail

import (
	"strings"
	"testing"
)

// on builds a week free on the given days (「月水金」, 「毎日」 for all) from
// one clock time to another ("10:00", "24:00").
func on(t *testing.T, dayChars, from, to string) Week {
	t.Helper()
	f, err := parseClock(from)
	if err != nil {
		t.Fatal(err)
	}
	e, err := parseClock(to)
	if err != nil {
		t.Fatal(err)
	}
	if dayChars == "毎日" {
		dayChars = "月火水木金土日"
	}
	var w Week
	for _, r := range dayChars {
		d := strings.Index(strings.Join(dayLabels[:], ""), string(r)) / len("月")
		if d < 0 {
			t.Fatalf("no day %q", r)
		}
		w.Set(d, f/slotMinutes, e/slotMinutes)
	}
	return w
}

func union(ws ...Week) Week {
	var out Week
	for _, w := range ws {
		for d := range out {
			out[d] |= w[d]
		}
	}
	return out
}
