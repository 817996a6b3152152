package matching

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sync"
	"time"

	"tsunagu/bot"
	"tsunagu/bot/avail"
)

// weekSlots is the number of half-hour slots in a week.
const weekSlots = 7 * avail.SlotsPerDay

// fewRecent is the most recent offers and assignments that still earn the
// 「最近のご案内が少ない」 reason.
const fewRecent = 2

// bitset has bit n set for the person numbered n. All bitsets of an index
// have the same length, so a match walks them word by word.
type bitset []uint64

func (b bitset) set(n int32)   { b[n>>6] |= 1 << (n & 63) }
func (b bitset) clear(n int32) { b[n>>6] &^= 1 << (n & 63) }
func (b bitset) has(n int32) bool {
	return b[n>>6]&(1<<(n&63)) != 0
}

// maxRecent caps the recent offers and assignments that ranking tells
// apart; anyone above is simply "very busy".
const maxRecent = 1<<14 - 1

// fairKey packs recent offers and assignments (capped at maxRecent) and
// the reliability bucket into 16 bits, lower is better. Match reads one
// for every person who passes the filters, so they live in their own
// dense array: two bytes a person stay in cache where entries would not.
func fairKey(p Person) uint16 {
	recent := min(max(p.RecentOffers, 0)+max(p.RecentAssignments, 0), maxRecent)
	return uint16(recent<<2 | reliabilityBucket(p.Cancellations, p.Completed))
}

// Internal numbers come in chunks of chunkSize, each owned by one area, so
// an on-site task walks only its area's chunks: a twentieth of the words
// with twenty areas. Small enough that areas with few people waste little.
const (
	chunkBits  = 10
	chunkSize  = 1 << chunkBits
	chunkWords = chunkSize / 64
)

// area owns chunks of internal numbers.
type area struct {
	chunks []int32 // chunk numbers, ascending
	free   []int32 // numbers freed in the area's chunks, reused first
	next   int32   // next never-used number of the last chunk
}

// Index is an in-memory bitmap index of people, kept fresh by Upsert and
// Remove as profiles change, and read by Match. It is safe for concurrent
// use; matches share a read lock.
type Index struct {
	loc    *time.Location
	labels Labels

	mu       sync.RWMutex
	byID     idTable
	ids      []string // by internal number; a free number has ""
	fair     []uint16 // fairKey by internal number
	owner    []string // area of each chunk
	words    int      // length of every bitset
	eligible bitset
	// completed has the people who have completed work, for a reason.
	completed bitset
	// active and blocked are by status, for announcements: an audience
	// reaches the active and counts the blocked it skips.
	active, blocked bitset
	slots           [weekSlots]bitset
	skills          map[string]bitset
	areas           map[string]*area
}

// NewIndex returns an empty index. Availability and task windows are read
// as wall-clock times in loc, the service time zone; nil is UTC.
func NewIndex(loc *time.Location) *Index {
	if loc == nil {
		loc = time.UTC
	}
	return &Index{
		loc:    loc,
		labels: LabelFuncs{},
		byID:   newIDTable(),
		skills: make(map[string]bitset),
		areas:  make(map[string]*area),
	}
}

// SetLabels sets the words reasons use for skills and areas; until then
// reasons name the IDs.
func (ix *Index) SetLabels(l Labels) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if l == nil {
		l = LabelFuncs{}
	}
	ix.labels = l
}

// Len returns the number of people in the index.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.byID.len()
}

// Upsert adds a person or replaces everything the index knew about them.
// A person without an ID is ignored.
func (ix *Index) Upsert(p Person) {
	if p.ID == "" {
		return
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	n, ok := ix.byID.get(p.ID, ix.ids)
	switch {
	case !ok:
		n = ix.alloc(p.Area)
		ix.ids[n] = p.ID
		ix.byID.put(p.ID, n, ix.ids)
	case ix.owner[n>>chunkBits] == p.Area:
		ix.clearBits(n)
	default: // moved: a number in the new area's chunks
		ix.byID.del(p.ID, ix.ids)
		ix.release(n)
		n = ix.alloc(p.Area)
		ix.ids[n] = p.ID
		ix.byID.put(p.ID, n, ix.ids)
	}
	ix.fair[n] = fairKey(p)
	if p.Eligible() {
		ix.eligible.set(n)
	}
	if p.Completed > 0 {
		ix.completed.set(n)
	}
	switch p.Status {
	case bot.StatusActive:
		ix.active.set(n)
	case bot.StatusBlocked:
		ix.blocked.set(n)
	}
	for _, s := range p.Skills {
		ix.bitsetOf(ix.skills, s).set(n)
	}
	for d, day := range p.Availability {
		day &= 1<<avail.SlotsPerDay - 1
		for day != 0 {
			s := bits.TrailingZeros64(day)
			ix.slots[d*avail.SlotsPerDay+s].set(n)
			day &= day - 1
		}
	}
}

// Remove forgets a person; an unknown ID is not an error.
func (ix *Index) Remove(id string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if n, ok := ix.byID.del(id, ix.ids); ok {
		ix.release(n)
	}
}

// release clears a number and gives it back to its area; byID must no
// longer hold it.
func (ix *Index) release(n int32) {
	ix.clearBits(n)
	ix.ids[n] = ""
	ix.fair[n] = 0
	a := ix.areas[ix.owner[n>>chunkBits]]
	a.free = append(a.free, n)
}

// alloc returns a clean internal number in an area's chunks: a freed one,
// the next unused one, or the first of a new chunk, growing every bitset.
func (ix *Index) alloc(name string) int32 {
	a, ok := ix.areas[name]
	if !ok {
		a = &area{}
		ix.areas[name] = a
	}
	if k := len(a.free); k > 0 {
		n := a.free[k-1]
		a.free = a.free[:k-1]
		return n
	}
	if len(a.chunks) == 0 || a.next&(chunkSize-1) == 0 {
		c := len(ix.owner)
		if c >= math.MaxInt32>>chunkBits {
			panic("matching: index full")
		}
		ix.owner = append(ix.owner, name)
		a.chunks = append(a.chunks, int32(c))
		a.next = int32(c) << chunkBits
		ix.ids = append(ix.ids, make([]string, chunkSize)...)
		ix.fair = append(ix.fair, make([]uint16, chunkSize)...)
		ix.grow(ix.words + chunkWords)
	}
	n := a.next
	a.next++
	return n
}

// grow lengthens every bitset to words words, leaving room to grow by a
// quarter without copying again.
func (ix *Index) grow(words int) {
	room := words + words/4
	ext := func(b bitset) bitset {
		if cap(b) < words {
			nb := make(bitset, len(b), room)
			copy(nb, b)
			b = nb
		}
		return b[:words]
	}
	ix.eligible, ix.completed = ext(ix.eligible), ext(ix.completed)
	ix.active, ix.blocked = ext(ix.active), ext(ix.blocked)
	for i := range ix.slots {
		ix.slots[i] = ext(ix.slots[i])
	}
	for k, b := range ix.skills {
		ix.skills[k] = ext(b)
	}
	ix.words = words
}

// bitsetOf returns the bitset of a skill or area, creating it.
func (ix *Index) bitsetOf(m map[string]bitset, key string) bitset {
	b, ok := m[key]
	if !ok {
		b = make(bitset, ix.words)
		m[key] = b
	}
	return b
}

// clearBits clears a person from every bitset. It visits all of them
// rather than what the person had, so no stale bit can survive.
func (ix *Index) clearBits(n int32) {
	ix.eligible.clear(n)
	ix.completed.clear(n)
	ix.active.clear(n)
	ix.blocked.clear(n)
	for _, b := range ix.slots {
		b.clear(n)
	}
	for _, b := range ix.skills {
		b.clear(n)
	}
}

// Match returns up to limit people for a task, best first. A person must
// be eligible, have the task's skills (all, or any one), be in the task's
// area unless it is remote, and be free for every half-hour of the task in
// the index's time zone. exclude, when not nil, drops people already
// offered or who declined; it is asked only about people who would
// otherwise still make the top limit, under the index's read lock, so it
// must not call the index's write methods. A task with an empty window
// matches nobody.
func (ix *Index) Match(t Task, exclude func(id string) bool, limit int) []Candidate {
	if limit <= 0 {
		return nil
	}
	window := avail.SpanWeek(t.Start, t.End, ix.loc)
	if window.IsZero() {
		return nil
	}
	skills := uniq(t.Skills)

	ix.mu.RLock()
	defer ix.mu.RUnlock()

	// The words to walk: the area's chunks, or every word for a remote task.
	spans := ix.spans(nil)
	if !t.remote() {
		if _, ok := ix.areas[t.Area]; !ok {
			return nil
		}
		spans = ix.spans([]string{t.Area})
	}
	var slots []bitset
	for d, day := range window {
		for day != 0 {
			s := bits.TrailingZeros64(day)
			slots = append(slots, ix.slots[d*avail.SlotsPerDay+s])
			day &= day - 1
		}
	}
	// Skills nobody has are simply missing: they fail an all-of task
	// and count as uncovered in an any-of one.
	have := make([]bitset, 0, len(skills))
	for _, s := range skills {
		if b, ok := ix.skills[s]; ok {
			have = append(have, b)
		} else if t.RequireAll {
			return nil
		}
	}
	if len(skills) > 0 && len(have) == 0 {
		return nil
	}

	prefix := taskPrefix(t.ID)
	h := topHeap{limit: limit, r: make([]rank, 0, min(limit, 256))}
	for _, span := range spans {
		for w := span[0]; w < span[1]; w++ {
			m := ix.eligible[w]
			for _, b := range slots {
				if m == 0 {
					break
				}
				m &= b[w]
			}
			if m == 0 {
				continue
			}
			if len(skills) > 0 {
				if t.RequireAll {
					for _, b := range have {
						m &= b[w]
					}
				} else {
					var either uint64
					for _, b := range have {
						either |= b[w]
					}
					m &= either
				}
			}
			for m != 0 {
				n := int32(w<<6 | bits.TrailingZeros64(m))
				m &= m - 1
				got := len(skills)
				if !t.RequireAll && len(skills) > 0 {
					got = 0
					for _, b := range have {
						if b.has(n) {
							got++
						}
					}
				}
				r := rank{primary: primary(got, ix.fair[n]), n: n}
				// Only someone who can still get in costs a look at their
				// entry, the exclude call and the hash.
				if !h.mayTake(r) {
					continue
				}
				id := ix.ids[n]
				if exclude != nil && exclude(id) {
					continue
				}
				r.tie, r.id = fnvAdd(prefix, id), id
				h.offer(r)
			}
		}
	}

	ranked := h.sorted()
	rs := ix.reasons(t, skills, window)
	out := make([]Candidate, len(ranked))
	for i, r := range ranked {
		out[i] = ix.candidate(skills, rs, r)
	}
	return out
}

// taskReasons are the phrases a task's candidates can get, made once per
// match and shared between them.
type taskReasons struct {
	skills                           []string // by task skill
	place, free, fewOffers, complete string
}

func (ix *Index) reasons(t Task, skills []string, window avail.Week) taskReasons {
	rs := taskReasons{
		skills:    make([]string, len(skills)),
		free:      fmt.Sprintf(ja.Free, window.Japanese()),
		fewOffers: ja.FewOffers,
		complete:  ja.Completed,
		place:     ja.Remote,
	}
	for i, s := range skills {
		rs.skills[i] = fmt.Sprintf(ja.CanDo, ix.labels.SkillLabel(s))
	}
	if !t.remote() {
		rs.place = fmt.Sprintf(ja.ActiveIn, ix.labels.AreaLabel(t.Area))
	}
	return rs
}

// candidate spells out a ranked person for the caller.
func (ix *Index) candidate(skills []string, rs taskReasons, r rank) Candidate {
	got, recent, rel := unpack(r.primary)
	c := Candidate{
		ID:       r.id,
		Coverage: 1,
		Score:    Score{Skills: got, Recent: recent, Reliability: rel, TieBreak: r.tie},
		Reasons:  make([]string, 0, got+4),
	}
	if len(skills) > 0 {
		c.Coverage = float64(got) / float64(len(skills))
	}
	for i, s := range skills {
		if b, ok := ix.skills[s]; ok && b.has(r.n) {
			c.Reasons = append(c.Reasons, rs.skills[i])
		}
	}
	c.Reasons = append(c.Reasons, rs.place, rs.free)
	if recent <= fewRecent {
		c.Reasons = append(c.Reasons, rs.fewOffers)
	}
	if ix.completed.has(r.n) && rel == 0 {
		c.Reasons = append(c.Reasons, rs.complete)
	}
	return c
}

// reliabilityBucket turns a cancellation record into 0 (good) … 3. The +1
// keeps a newcomer's single cancellation from looking like a habit, and
// buckets of a quarter keep small differences from mattering at all.
func reliabilityBucket(cancellations, completed int) int {
	cancellations, completed = max(cancellations, 0), max(completed, 0)
	if cancellations == 0 {
		return 0
	}
	r := float64(cancellations) / float64(completed+cancellations+1)
	return min(int(r*4), 3)
}

// primary packs the ranking before the tie break into one number, larger
// is better: skills covered, then the fairness key (fewer recent offers,
// then reliability).
func primary(skills int, fair uint16) uint64 {
	return uint64(skills)<<16 | uint64(math.MaxUint16-fair)
}

func unpack(p uint64) (skills, recent, reliability int) {
	fair := math.MaxUint16 - int(p&0xffff)
	return int(p >> 16), fair >> 2, fair & 3
}

// FNV-64a parameters (hash/fnv), inlined so a match hashes the task once
// and each person's ID without an interface call.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// tieBreak is the last ranking key, FNV-64a of task ID "/" person ID: it
// differs between tasks, so equal people take turns, and it is the same
// for a task on every replica.
func tieBreak(task, person string) uint64 {
	return fnvAdd(taskPrefix(task), person)
}

// taskPrefix is the FNV-64a state after task ID "/".
func taskPrefix(task string) uint64 {
	return fnvAdd(fnvAdd(fnvOffset, task), "/")
}

func fnvAdd(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// rank is a candidate while matching.
type rank struct {
	primary uint64
	tie     uint64
	n       int32
	id      string
}

// better orders ranks best first; equal hashes fall back to the ID so the
// order never depends on internal numbers.
func better(a, b rank) bool {
	if a.primary != b.primary {
		return a.primary > b.primary
	}
	if a.tie != b.tie {
		return a.tie < b.tie
	}
	return a.id < b.id
}

// topHeap keeps the best limit ranks seen: a min-heap with the worst kept
// rank at the root, so each candidate costs one comparison unless it gets in.
type topHeap struct {
	limit int
	r     []rank
}

// mayTake reports whether a rank with no tie break yet could get in.
func (h *topHeap) mayTake(r rank) bool {
	return len(h.r) < h.limit || r.primary >= h.r[0].primary
}

// offer keeps r if it is among the best limit seen.
func (h *topHeap) offer(r rank) {
	if len(h.r) < h.limit {
		h.r = append(h.r, r)
		h.up(len(h.r) - 1)
		return
	}
	if !better(r, h.r[0]) {
		return
	}
	h.r[0] = r
	h.down(0)
}

func (h *topHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !better(h.r[p], h.r[i]) {
			break
		}
		h.r[p], h.r[i] = h.r[i], h.r[p]
		i = p
	}
}

func (h *topHeap) down(i int) {
	for {
		worst, l, r := i, 2*i+1, 2*i+2
		if l < len(h.r) && better(h.r[worst], h.r[l]) {
			worst = l
		}
		if r < len(h.r) && better(h.r[worst], h.r[r]) {
			worst = r
		}
		if worst == i {
			return
		}
		h.r[i], h.r[worst] = h.r[worst], h.r[i]
		i = worst
	}
}

// sorted returns the kept ranks best first, by heapsort in place: the
// worst goes to the back, then the next worst, and so on.
func (h *topHeap) sorted() []rank {
	all := h.r
	for k := len(all) - 1; k > 0; k-- {
		all[0], all[k] = all[k], all[0]
		h.r = all[:k]
		h.down(0)
	}
	h.r = all
	return all
}

func uniq(s []string) []string {
	out := make([]string, 0, len(s))
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
