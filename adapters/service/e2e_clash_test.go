package service

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestNoOneIsBookedTwiceAtOnce: a person holding a place is not offered,
// and cannot take, another job at the same time; named for one by a
// coordinator, the API says why (the bot would decline it quietly).
func TestNoOneIsBookedTwiceAtOnce(t *testing.T) {
	s := bootService(t)
	ken := s.importPerson(t, "高橋", "世田谷区", "採点")
	start := nextMonday(t)
	task := func(title string, from, to time.Time) string {
		t.Helper()
		code, body := s.api(t, "POST", "/api/tasks", map[string]any{
			"title": title, "skills": []string{"採点"}, "area": "世田谷区",
			"start": from.Format(time.RFC3339), "end": to.Format(time.RFC3339), "headcount": 1,
		})
		if code != http.StatusCreated {
			t.Fatalf("POST /api/tasks %s: %d %v", title, code, body)
		}
		return body["id"].(string)
	}
	first := task("朝テストの採点", start, start.Add(3*time.Hour))
	ken.reply()
	if msgs := ken.tap("offer:accept:" + first); !contains(msgs, "お引き受けありがとうございます") {
		t.Fatalf("accepting the first: %s", texts(msgs))
	}
	// Offered by the matching: declined without a word.
	second := task("小テストの採点", start.Add(time.Hour), start.Add(2*time.Hour))
	waitUntil(t, "the offer declined", func() bool {
		_, v := s.api(t, "GET", "/api/tasks/"+second, nil)
		return strings.Contains(fmt.Sprint(v["declined"]), ken.id)
	})
	if msgs := s.sim.Messages(ken.id); len(msgs) != ken.seen {
		t.Errorf("offered a job at the time of the one held: %s", texts(msgs[ken.seen:]))
	}
	if msgs := ken.tap("offer:accept:" + second); contains(msgs, "お引き受けありがとうございます") {
		t.Errorf("took a job at the time of the one held: %s", texts(msgs))
	}
	// Named: refused, with why.
	code, body := s.api(t, "POST", "/api/tasks/"+second+"/offers", map[string]any{"profile_id": "line:" + ken.id})
	if code != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(body["error"]), "朝テストの採点") {
		t.Errorf("named at the time of a place held: %d %v, want 422 naming it", code, body)
	}
	// Right after the first: offered and taken.
	third := task("採点の仕分け", start.Add(3*time.Hour), start.Add(4*time.Hour))
	if msgs := ken.reply(); !offers(msgs, "offer:accept:"+third) {
		t.Fatalf("the job right after: %s", texts(msgs))
	}
	if msgs := ken.tap("offer:accept:" + third); !contains(msgs, "お引き受けありがとうございます") {
		t.Errorf("taking the job right after: %s", texts(msgs))
	}
}
