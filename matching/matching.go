// Package matching finds the people to ask for a task: it keeps an
// in-memory bitmap index of everyone a replica knows, applies the hard
// filters of a task (eligible, skills, area, free for the whole window) as
// word-wide ANDs, and ranks the survivors by skill coverage, fairness and
// reliability with a tie break that rotates across tasks.
//
// The package is pure: no I/O, no Redis, no catalog. The caller feeds it
// people (Upsert, Remove) as profiles change and converts its own task type
// to a Task.
package matching

import (
	"time"

	"tsunagu/bot"
	"tsunagu/bot/avail"
)

// Task is what a match needs to know about a piece of work.
type Task struct {
	ID         string
	Skills     []string // catalog skill IDs; none means any skill will do
	RequireAll bool     // a person needs all of Skills, not just one
	Area       string   // catalog area ID of an on-site task
	Remote     bool     // anyone may take it, whatever their area
	Start, End time.Time
}

// remote reports whether the task ignores areas. An on-site task placed in
// the remote "area" is remote in all but name.
func (t Task) remote() bool { return t.Remote || t.Area == bot.AreaRemote }

// Person holds the facts about one person that matching uses.
type Person struct {
	ID           string
	Status       bot.Status
	Consented    bool
	Area         string // catalog area ID, or bot.AreaRemote for online only
	Skills       []string
	Availability avail.Week // in the index's time zone
	// WeeklyLimit is the most tasks a week the person wants; zero or less
	// means no limit was set.
	WeeklyLimit      int
	AssignedThisWeek int
	// Offers and assignments of the last 30 days: fewer rank higher, so
	// opportunities spread rather than going to the fastest responders.
	RecentOffers, RecentAssignments int
	// Cancellations against completions lower the rank gently, never to
	// the point of exclusion.
	Cancellations, Completed int
}

// Eligible reports whether the person may be offered anything at all:
// active, consented and under their weekly limit.
func (p Person) Eligible() bool {
	return p.Status == bot.StatusActive && p.Consented &&
		(p.WeeklyLimit <= 0 || p.AssignedThisWeek < p.WeeklyLimit)
}

// FromProfile fills the Person facts a profile holds. A profile keeps no
// 30-day or this-week counts, so RecentOffers, RecentAssignments and
// AssignedThisWeek stay zero for the caller to fill from the offer store;
// no-shows count as cancellations.
func FromProfile(p *bot.Profile) Person {
	return Person{
		ID:            p.ID,
		Status:        p.Status,
		Consented:     p.ConsentedAt != nil,
		Area:          p.Area,
		Skills:        append([]string(nil), p.Skills...),
		Availability:  p.Availability,
		WeeklyLimit:   p.WeeklyLimit,
		Cancellations: p.Counters.NoShows + p.Counters.Cancellations,
		Completed:     p.Counters.Completed,
	}
}

// Candidate is one person found for a task, best first in Match's answer.
type Candidate struct {
	ID string
	// Coverage is the share of the task's skills the person has, 0..1.
	Coverage float64
	Score    Score
	// Reasons say in short Japanese why the person was chosen, for
	// 「なぜ私に？」: 「採点ができる」「世田谷区で活動」.
	Reasons []string
}

// Score is the ranking of a candidate, compared field by field.
type Score struct {
	Skills      int    // task skills the person has; more is better
	Recent      int    // offers and assignments in the last 30 days (capped at 16383); fewer is better
	Reliability int    // cancellation bucket 0 (none or few) … 3; lower is better
	TieBreak    uint64 // FNV-64a of task ID "/" person ID; lower is better
}

// Labels turns catalog IDs into the words people read. The catalog
// implements it in the caller; matching stays catalog-free.
type Labels interface {
	SkillLabel(id string) string
	AreaLabel(id string) string
}

// LabelFuncs adapts two functions to Labels; a nil function says the ID.
type LabelFuncs struct {
	Skill, Area func(id string) string
}

// SkillLabel implements Labels.
func (l LabelFuncs) SkillLabel(id string) string {
	if l.Skill == nil {
		return id
	}
	return l.Skill(id)
}

// AreaLabel implements Labels.
func (l LabelFuncs) AreaLabel(id string) string {
	if l.Area == nil {
		return id
	}
	return l.Area(id)
}
