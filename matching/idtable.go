package matching

import "hash/maphash"

// idTable finds a person's internal number by ID, as a map[string]int32
// would in a third of the memory: a Go map keeps its own string header
// with each number, 24 bytes a slot and 56 a person at a million, where
// the table keeps 8 bytes a slot, 17 a person at a million, and reads the
// ID from the index's list of IDs when it needs to compare.
//
// It is open addressing with linear probing, at most three quarters full.
// A slot holds 32 bits of the ID's hash over the number plus one, 0 being
// empty: the hash picks the slot and spares most comparisons of IDs, and
// it is all a slot's home needs when the table grows or a removal closes a
// gap.
type idTable struct {
	seed  maphash.Seed
	slots []uint64
	n     int
}

func newIDTable() idTable {
	return idTable{seed: maphash.MakeSeed(), slots: make([]uint64, 64)}
}

// hash is the 32 bits of an ID's hash a slot keeps.
func (t *idTable) hash(id string) uint64 {
	return maphash.String(t.seed, id) >> 32
}

// find returns the slot holding id, whose hash is h, or the empty slot
// where it would go. ids is the index's list of IDs by number.
func (t *idTable) find(id string, h uint64, ids []string) (slot int, found bool) {
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return int(i), false
		}
		if s>>32 == h && ids[uint32(s)-1] == id {
			return int(i), true
		}
	}
}

// get returns the number of id.
func (t *idTable) get(id string, ids []string) (int32, bool) {
	i, ok := t.find(id, t.hash(id), ids)
	if !ok {
		return 0, false
	}
	return int32(uint32(t.slots[i]) - 1), true
}

// put sets the number of id, which ids[n] must already hold.
func (t *idTable) put(id string, n int32, ids []string) {
	h := t.hash(id)
	i, ok := t.find(id, h, ids)
	if !ok {
		if 4*(t.n+1) > 3*len(t.slots) {
			t.grow()
			i, _ = t.find(id, h, ids)
		}
		t.n++
	}
	t.slots[i] = h<<32 | uint64(uint32(n)+1)
}

// del forgets id and returns the number it had; ids must still hold it.
func (t *idTable) del(id string, ids []string) (int32, bool) {
	i, ok := t.find(id, t.hash(id), ids)
	if !ok {
		return 0, false
	}
	n := int32(uint32(t.slots[i]) - 1)
	t.n--
	// Close the gap by backward shift: a later slot of the run moves into
	// it unless its home lies cyclically after the gap, where a search
	// for it starts past the gap anyway.
	mask := len(t.slots) - 1
	for j := (i + 1) & mask; t.slots[j] != 0; j = (j + 1) & mask {
		home := int(t.slots[j]>>32) & mask
		if (j-home)&mask >= (j-i)&mask {
			t.slots[i] = t.slots[j]
			i = j
		}
	}
	t.slots[i] = 0
	return n, true
}

// grow doubles the slots and puts every number back by its hash.
func (t *idTable) grow() {
	old := t.slots
	t.slots = make([]uint64, 2*len(old))
	mask := uint64(len(t.slots) - 1)
	for _, s := range old {
		if s == 0 {
			continue
		}
		i := s >> 32 & mask
		for t.slots[i] != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}

// len returns the number of IDs held.
func (t *idTable) len() int { return t.n }
