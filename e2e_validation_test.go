package main

import (
	"fmt"
	"hash/crc32"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"tsunagu/adapters/linesim"
	redisadapter "tsunagu/adapters/redis"
)

// TestCraftedPathIDsAreNotFound asks for IDs that name another key of a real
// task, session or broadcast: the stores build keys by appending a suffix
// to the ID, so "<id>:a" is the key of the attendees of session <id> when
// both fall in the same shard. Each is a 404 with a JSON body, never a 500
// (Redis's WRONGTYPE) nor a write to the wrong key.
func TestCraftedPathIDsAreNotFound(t *testing.T) {
	s := bootService(t)
	p := s.importPerson(t, "花子", "世田谷区", "採点")
	start := nextMonday(t)
	// sameShard mirrors adapters/redis: a key's shard is the CRC-32 of the
	// ID. A crafted ID reaches a real key only in the real ID's shard, so
	// each kind is created until one of its suffixes lands there.
	sameShard := func(id, crafted string) bool {
		return crc32.ChecksumIEEE([]byte(id))%redisadapter.Shards == crc32.ChecksumIEEE([]byte(crafted))%redisadapter.Shards
	}
	craft := func(kind string, suffixes []string, create func() string) []string {
		t.Helper()
		for range 200 {
			id := create()
			var crafted []string
			for _, sfx := range suffixes {
				if sameShard(id, id+sfx) {
					crafted = append(crafted, id+sfx)
				}
			}
			if len(crafted) > 0 {
				return crafted
			}
		}
		t.Fatalf("no %s with a suffix in its own shard in 200 tries", kind)
		return nil
	}
	created := func(path string, body map[string]any) string {
		t.Helper()
		code, out := s.api(t, "POST", path, body)
		if code/100 != 2 {
			t.Fatalf("POST %s: %d %v", path, code, out)
		}
		return out["id"].(string)
	}
	var paths []string
	for _, id := range craft("task", []string{":o", ":x"}, func() string {
		id := created("/api/tasks", map[string]any{"title": "採点", "skills": []string{"採点"}, "area": "世田谷区", "headcount": 1,
			"start": start.Format(time.RFC3339), "end": start.Add(2 * time.Hour).Format(time.RFC3339)})
		if got := s.task(t, id); len(idsOf(got["offered"])) != 1 {
			t.Fatalf("task not offered to the person: %.300s", fmtAny(got))
		}
		return id
	}) {
		paths = append(paths, "GET /api/tasks/"+id, "POST /api/tasks/"+id+"/cancel")
	}
	for _, id := range craft("session", []string{":a"}, func() string {
		id := created("/api/sessions", map[string]any{"title": "交流会",
			"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339)})
		if code, out := s.api(t, "POST", "/api/sessions/"+id+"/rsvps", map[string]any{"profile_id": "line:" + p.id}); code != http.StatusCreated {
			t.Fatalf("RSVP: %d %v", code, out)
		}
		return id
	}) {
		paths = append(paths, "GET /api/sessions/"+id, "POST /api/sessions/"+id+"/rsvps")
	}
	for _, id := range craft("broadcast", []string{":line"}, func() string {
		return created("/api/broadcasts", map[string]any{"text": "お知らせです", "audience": map[string]any{}, "send_at": start.Format(time.RFC3339)})
	}) {
		paths = append(paths, "GET /api/broadcasts/"+id)
	}
	paths = append(paths, "GET /api/tasks/x%7Bts:00%7D", "GET /api/sessions/"+strings.Repeat("a", 300), "GET /api/broadcasts/%20")
	for _, mp := range paths {
		t.Run(mp, func(t *testing.T) {
			method, path, _ := strings.Cut(mp, " ")
			code, out := s.api(t, method, path, map[string]any{"profile_id": "line:" + p.id})
			e, _ := out["error"].(map[string]any)
			if code != http.StatusNotFound || e == nil || e["code"] != "not_found" {
				t.Fatalf("%d %v, want 404 not_found", code, out)
			}
		})
	}
}

// TestBroadcastWhenLINEQuotaCannotBeRead creates a broadcast while LINE's
// quota API is down or failing: a 503 saying so, with Retry-After, and no
// broadcast; once LINE answers again the same request is accepted.
func TestBroadcastWhenLINEQuotaCannotBeRead(t *testing.T) {
	announce := map[string]any{"text": "年末年始のお休みのお知らせです。", "audience": map[string]any{}}
	check := func(t *testing.T, s *service, wantMessage string) {
		t.Helper()
		req, _ := http.NewRequest("POST", s.base+"/api/broadcasts", strings.NewReader(fmtAny(announce)))
		req.Header.Set("Authorization", "Bearer "+s.admin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("POST /api/broadcasts: %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		code, out := s.api(t, "POST", "/api/broadcasts", announce)
		e, _ := out["error"].(map[string]any)
		if code != http.StatusServiceUnavailable || e == nil || e["code"] != "unavailable" ||
			!strings.Contains(fmt.Sprint(e["message"]), "LINE") || !strings.Contains(fmt.Sprint(e["message"]), wantMessage) {
			t.Fatalf("POST /api/broadcasts: %d %v, want 503 unavailable naming LINE and %q", code, out, wantMessage)
		}
	}

	t.Run("LINE answers 500", func(t *testing.T) {
		s := bootService(t)
		s.importPerson(t, "花子", "世田谷区", "採点")
		s.sim.FailNext(linesim.EndpointQuota, http.StatusInternalServerError, "", 2)
		check(t, s, "500")
		if code, out := s.api(t, "POST", "/api/broadcasts", announce); code != http.StatusAccepted {
			t.Fatalf("after LINE recovered: %d %v", code, out)
		}
	})
	t.Run("LINE answers 500 on consumption", func(t *testing.T) {
		s := bootService(t)
		s.importPerson(t, "花子", "世田谷区", "採点")
		s.sim.FailNext(linesim.EndpointQuotaConsumption, http.StatusBadGateway, "", 2)
		check(t, s, "502")
	})
	t.Run("LINE unreachable", func(t *testing.T) {
		down := httptest.NewServer(http.NotFoundHandler())
		down.Close()
		s := bootService(t, "LINE_API_BASE_URL", down.URL)
		s.importPerson(t, "花子", "世田谷区", "採点")
		check(t, s, "reach")
	})
}
