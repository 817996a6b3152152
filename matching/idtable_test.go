package matching

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestIDTableAgreesWithAMap puts, moves and deletes IDs at random, as
// Upsert and Remove do, and checks the table against a map after every
// step: small tables wrap around and grow, and removals close gaps in
// long runs.
func TestIDTableAgreesWithAMap(t *testing.T) {
	for _, pool := range []int{10, 200, 5000} {
		t.Run(fmt.Sprintf("%d IDs", pool), func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(pool), 1))
			names := make([]string, pool)
			for i := range names {
				names[i] = fmt.Sprintf("line:U%d", i)
			}
			tab := newIDTable()
			var ids []string // by number, "" when free
			var free []int32
			want := map[string]int32{}
			take := func(id string) int32 {
				if k := len(free); k > 0 {
					n := free[k-1]
					free = free[:k-1]
					ids[n] = id
					return n
				}
				ids = append(ids, id)
				return int32(len(ids) - 1)
			}
			for step := range 20 * pool {
				id := names[r.IntN(pool)]
				n, had := want[id]
				switch op := r.IntN(3); {
				case op < 2 && !had: // a newcomer
					n = take(id)
					tab.put(id, n, ids)
					want[id] = n
				case op < 2: // moved to another number
					tab.del(id, ids)
					ids[n] = ""
					free = append(free, n)
					n = take(id)
					tab.put(id, n, ids)
					want[id] = n
				default:
					got, ok := tab.del(id, ids)
					if ok != had || ok && got != n {
						t.Fatalf("step %d: del(%s) = %d, %v; want %d, %v", step, id, got, ok, n, had)
					}
					if had {
						ids[n] = ""
						free = append(free, n)
						delete(want, id)
					}
				}
				if pool <= 200 || step%500 == 0 {
					checkIDTable(t, &tab, ids, names, want)
				}
			}
			checkIDTable(t, &tab, ids, names, want)
		})
	}
}

// checkIDTable checks that the table holds the IDs of want and no other
// of names.
func checkIDTable(t *testing.T, tab *idTable, ids, names []string, want map[string]int32) {
	t.Helper()
	if tab.len() != len(want) {
		t.Fatalf("len = %d, want %d", tab.len(), len(want))
	}
	if 4*tab.len() > 3*len(tab.slots) {
		t.Fatalf("%d IDs in %d slots", tab.len(), len(tab.slots))
	}
	for _, id := range names {
		n, had := want[id]
		if got, ok := tab.get(id, ids); ok != had || ok && got != n {
			t.Fatalf("get(%s) = %d, %v; want %d, %v", id, got, ok, n, had)
		}
	}
	if _, ok := tab.get("line:Unobody", ids); ok {
		t.Fatal("an ID never put is found")
	}
}

func TestIDTableEmpty(t *testing.T) {
	tab := newIDTable()
	if _, ok := tab.get("", nil); ok {
		t.Error("the empty table finds the empty ID")
	}
	if _, ok := tab.del("line:U1", nil); ok {
		t.Error("the empty table deletes an ID")
	}
}
