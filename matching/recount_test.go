package matching

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestRecountsKeepOneMomentPerPerson(t *testing.T) {
	t0 := time.Date(2024, 12, 2, 0, 0, 0, 0, time.UTC)
	r := newRecounts()
	r.set("a", t0.Add(3*time.Hour))
	r.set("b", t0.Add(time.Hour))
	r.set("c", t0.Add(2*time.Hour))
	r.set("a", t0.Add(30*time.Minute)) // moved earlier
	r.set("c", t0.Add(5*time.Hour))    // moved later
	r.set("b", time.Time{})            // no longer moves
	r.setIfNone("a", t0.Add(10*time.Hour))
	r.setIfNone("d", t0.Add(4*time.Hour))
	steps := []struct {
		at   time.Duration
		want []string
	}{
		{0, nil},
		{30 * time.Minute, []string{"a"}},
		{3 * time.Hour, nil}, // a's old moment and b's are gone
		{4 * time.Hour, []string{"d"}},
		{6 * time.Hour, []string{"c"}},
		{100 * time.Hour, nil},
	}
	for _, s := range steps {
		if got := r.take(t0.Add(s.at)); !slices.Equal(got, s.want) {
			t.Errorf("take at +%v = %v, want %v", s.at, got, s.want)
		}
	}
	if r.len() != 0 {
		t.Errorf("%d moments left", r.len())
	}

	// Replaced moments do not pile up: a person whose moment moves at
	// every message leaves the heap the size of the people.
	for i := range 10000 {
		r.set(fmt.Sprint("p", i%10), t0.Add(time.Duration(i)*time.Second))
	}
	if r.len() != 10 || len(r.heap) > 2*10+1024 {
		t.Errorf("%d people, %d moments in the heap", r.len(), len(r.heap))
	}
	if got := r.take(t0.Add(24 * time.Hour)); len(got) != 10 {
		t.Errorf("took %d, want the 10 people once each", len(got))
	}
}
