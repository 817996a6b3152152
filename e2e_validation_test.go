package main

import (
	"hash/crc32"
	"net/http"
	"strings"
	"testing"
	"time"

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
