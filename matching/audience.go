package matching

import (
	"math/bits"
	"slices"

	"tsunagu/bot"
)

// Audience returns whom an announcement to aud reaches, by the rule of
// bot.Audience.Match: the active people on LINE and on Slack, each sorted by
// ID so that a broadcast's batches do not depend on the index's layout, and
// the count of blocked people who would be in it were they active (skipped).
// Onboarding and paused people are never in it. Explicitly named people are
// looked up one by one, whatever their area; anyone else is found word by
// word in the areas' chunks, or everywhere without areas.
func (ix *Index) Audience(aud bot.Audience) bot.Recipients {
	var r bot.Recipients
	ix.mu.RLock()
	skills := make([]bitset, 0, len(aud.Skills))
	for _, s := range aud.Skills {
		if b, ok := ix.skills[s]; ok {
			skills = append(skills, b)
		}
	}
	// Skills nobody has are missing: with none of them known, nobody has
	// any of them.
	if len(aud.Skills) > 0 && len(skills) == 0 {
		ix.mu.RUnlock()
		return r
	}
	take := func(n int32) {
		id := ix.ids[n]
		p := bot.Platform(id)
		switch {
		case len(aud.Channels) > 0 && !slices.Contains(aud.Channels, p):
		case ix.blocked.has(n):
			r.Skipped++
		case p == bot.PlatformLINE:
			r.LINE = append(r.LINE, id)
		default:
			r.Slack = append(r.Slack, id)
		}
	}
	if len(aud.ProfileIDs) > 0 {
		for _, id := range sortedUniq(aud.ProfileIDs) {
			n, ok := ix.byID.get(id, ix.ids)
			if !ok || !ix.active.has(n) && !ix.blocked.has(n) {
				continue
			}
			if len(aud.Areas) > 0 && !slices.Contains(aud.Areas, ix.owner[n>>chunkBits]) {
				continue
			}
			if len(skills) > 0 && !slices.ContainsFunc(skills, func(b bitset) bool { return b.has(n) }) {
				continue
			}
			take(n)
		}
	} else {
		for _, span := range ix.spans(aud.Areas) {
			for w := span[0]; w < span[1]; w++ {
				m := ix.active[w] | ix.blocked[w]
				if m == 0 {
					continue
				}
				if len(skills) > 0 {
					var either uint64
					for _, b := range skills {
						either |= b[w]
					}
					m &= either
				}
				for m != 0 {
					take(int32(w<<6 | bits.TrailingZeros64(m)))
					m &= m - 1
				}
			}
		}
	}
	ix.mu.RUnlock()
	slices.Sort(r.LINE)
	slices.Sort(r.Slack)
	return r
}

// spans returns the ranges of words [from, to) holding the people of the
// named areas, merged and ascending; every word when none is named.
// ix.mu must be held.
func (ix *Index) spans(areas []string) [][2]int {
	if len(areas) == 0 {
		return [][2]int{{0, ix.words}}
	}
	var chunks []int32
	for _, name := range sortedUniq(areas) {
		if a, ok := ix.areas[name]; ok {
			chunks = append(chunks, a.chunks...)
		}
	}
	slices.Sort(chunks)
	var out [][2]int
	for _, c := range chunks {
		from := int(c) * chunkWords
		if k := len(out) - 1; k >= 0 && out[k][1] == from {
			out[k][1] += chunkWords
		} else {
			out = append(out, [2]int{from, from + chunkWords})
		}
	}
	return out
}

// sortedUniq returns a sorted copy of s without repeats.
func sortedUniq(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}
