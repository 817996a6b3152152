package service

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// TestSlackBroadcastRunsRaceAndA5xx: two runs of the broadcast job start at
// once, and Slack answers 500 to a DM it did deliver. Everyone on Slack
// gets the announcement exactly once (the retry finds the delivered DM and
// does not post it again), and the broadcast counts them all sent.
func TestSlackBroadcastRunsRaceAndA5xx(t *testing.T) {
	s, c := bootSlack(t, "UBOSS")
	var users []string
	for i := range 5 {
		u := fmt.Sprintf("UMEM%d", i)
		code, body := s.api(t, "POST", "/api/profiles", map[string]any{
			"id": "slack:T1:" + u, "name": "社員" + u, "area": "remote", "skills": []string{"採点"}, "weekly_limit": 1,
			"availability": []map[string]string{{"day": "sat", "from": "09:00", "to": "12:00"}},
		})
		if code != http.StatusCreated {
			t.Fatalf("import %s: %d %v", u, code, body)
		}
		users = append(users, u)
	}
	c.fake.mu.Lock()
	c.fake.failAfter = 1 // the first DM is taken, and answered 500
	c.fake.mu.Unlock()

	const text = "年末年始の窓口のお知らせ"
	code, body := s.api(t, "POST", "/api/broadcasts", map[string]any{"text": text, "audience": map[string]any{"channels": []string{"slack"}}})
	if code != http.StatusAccepted {
		t.Fatalf("POST /api/broadcasts: %d %v", code, body)
	}
	id := body["id"].(string)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code, sum := s.api(t, "POST", "/api/jobs/broadcasts/run", nil); code != http.StatusOK {
				t.Errorf("run: %d %v", code, sum)
			}
		}()
	}
	wg.Wait()

	for _, u := range users {
		if n := strings.Count(strings.Join(c.fake.postsTo(u), "\n"), text); n != 1 {
			t.Errorf("%s got the announcement %d times", u, n)
		}
	}
	_, got := s.api(t, "GET", "/api/broadcasts/"+id, nil)
	if got["status"] != "done" || got["total"] != float64(5) || got["sent"] != float64(5) || got["failed"] != float64(0) {
		t.Fatalf("progress = %v, want done with all 5 sent", got)
	}
	waitUntil(t, "the report to the coordinators", func() bool {
		return strings.Contains(strings.Join(c.fake.postsTo("CCOORD"), "\n"), "送信 5件、失敗 0件")
	})
}
