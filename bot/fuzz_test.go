package bot

import (
	"testing"
	"unicode/utf8"
)

// FuzzFindSkills: any text splits into known IDs and unknown words without
// panicking, and every ID returned is in the catalog.
func FuzzFindSkills(f *testing.F) {
	for _, s := range []string{"採点、パソコン", "ＰＣ入力　保育", "丸つけ・ズーム・宇宙", "", "、、,,", "ほいくとさいてん", "\xff"} {
		f.Add(s)
	}
	cat := testCatalog(f)
	f.Fuzz(func(t *testing.T, s string) {
		ids, _ := cat.FindSkills(s)
		seen := map[string]bool{}
		for _, id := range ids {
			if _, ok := cat.Skill(id); !ok {
				t.Fatalf("FindSkills(%q) returned unknown id %q", s, id)
			}
			if seen[id] {
				t.Fatalf("FindSkills(%q) returned %q twice", s, id)
			}
			seen[id] = true
		}
	})
}

// FuzzConverse: whatever a person types or whatever a forged button carries,
// at any step, the bot answers, never panics, and keeps a sane profile.
func FuzzConverse(f *testing.F) {
	steps := []Step{StepIdle, StepConsent, StepName, StepArea, StepSkills, StepAvailability, StepLimit, StepConfirm, StepEditField, StepDeleteConfirm}
	for i, s := range []string{"はい", "退会", "月水金 10時〜15時", "skill:done", "cmd:delete", "edit:skills", "３件", "", "limit:999", "area:mars"} {
		f.Add(uint8(i), s, i%2 == 0)
	}
	cat := testCatalog(f)
	f.Fuzz(func(t *testing.T, step uint8, s string, postback bool) {
		p := &Profile{ID: "line:U1", Status: StatusActive, Name: "山田", Area: "setagaya", Skills: []string{"grading"}, WeeklyLimit: 2}
		p.Availability.Set(0, 18, 24)
		in := Inbound{Kind: EventText, Text: s, ProfileID: p.ID}
		if postback {
			in = Inbound{Kind: EventPostback, Data: s, ProfileID: p.ID}
		}
		r := Converse(cat, testNow, p, Conversation{Step: steps[int(step)%len(steps)]}, in)
		if len(r.Messages) == 0 {
			t.Fatalf("no answer to %q (postback %v) at step %q", s, postback, steps[int(step)%len(steps)])
		}
		if r.Delete {
			return
		}
		if r.Profile == nil {
			t.Fatal("profile lost without a delete")
		}
		if l := r.Profile.WeeklyLimit; l < MinWeeklyLimit || l > MaxWeeklyLimit {
			t.Fatalf("weekly limit %d accepted from %q", l, s)
		}
		if _, ok := cat.Area(r.Profile.Area); !ok {
			t.Fatalf("area %q accepted from %q", r.Profile.Area, s)
		}
		if !utf8.ValidString(r.Profile.Name) || ValidateName(r.Profile.Name) != nil {
			t.Fatalf("name %q accepted from %q", r.Profile.Name, s)
		}
	})
}
