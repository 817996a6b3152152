package service

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

// TestBadTextIsRefusedNamingTheField posts every free-text field of tasks,
// sessions, broadcasts and imported profiles with what a coordinator's
// copy-paste or a crafted request brings: text too long as LINE counts it,
// line and paragraph separators, control characters, text that is only
// invisible characters, IDs LINE and Slack never issue. Each is a 422
// naming the field; the same field at its limit is accepted.
func TestBadTextIsRefusedNamingTheField(t *testing.T) {
	s := bootService(t)
	start := nextMonday(t)
	task := func(field string, v any) map[string]any {
		m := map[string]any{"title": "採点", "skills": []string{"採点"}, "area": "世田谷区",
			"start": start.Format(time.RFC3339), "end": start.Add(2 * time.Hour).Format(time.RFC3339), "headcount": 2}
		m[field] = v
		return m
	}
	session := func(field string, v any) map[string]any {
		m := map[string]any{"title": "交流会", "start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339),
			"audience": map[string]any{"profile_ids": []string{"line:U" + strings.Repeat("0", 32)}}}
		m[field] = v
		return m
	}
	profile := func(field string, v any) map[string]any {
		m := map[string]any{"id": "line:U" + randomHex(16), "name": "山田 花子", "area": "世田谷区", "skills": []string{"採点"},
			"availability": []map[string]string{{"day": "mon", "from": "09:00", "to": "12:00"}}, "weekly_limit": 2}
		m[field] = v
		return m
	}
	// An emoji is two UTF-16 units for LINE, one character for Go.
	emoji := func(n int) string { return strings.Repeat("😀", n) }
	cases := []struct {
		name, path string
		body       map[string]any
		field      string // named in the 422; "" means accepted
	}{
		{"organization of 170,000 characters", "/api/tasks", task("organization", strings.Repeat("あ", 170_000)), "organization"},
		{"organization at 100 units", "/api/tasks", task("organization", emoji(50)), ""},
		{"organization of 51 emoji (102 units)", "/api/tasks", task("organization", emoji(51)), "organization"},
		{"organization on two lines", "/api/tasks", task("organization", "世田谷区\n教育委員会"), "organization"},
		{"reward at 100 units", "/api/tasks", task("reward", strings.Repeat("円", 100)), ""},
		{"reward of 101 characters", "/api/tasks", task("reward", strings.Repeat("円", 101)), "reward"},
		{"reward of only a zero-width space", "/api/tasks", task("reward", "\u200b"), "reward"},
		{"title of only a zero-width space", "/api/tasks", task("title", "\u200b"), "title"},
		{"title of a BOM and a word joiner", "/api/tasks", task("title", "\ufeff\u2060"), "title"},
		{"title of ideographic spaces and a Hangul filler", "/api/tasks", task("title", "\u3000\u3164\u3000"), "title"},
		{"title with a line separator", "/api/tasks", task("title", "採点\u2028お願いします"), "title"},
		{"title with a right-to-left override", "/api/tasks", task("title", "採点\u202eお願い"), "title"},
		{"title of 31 emoji (62 units)", "/api/tasks", task("title", emoji(31)), "title"},
		{"description with a bell", "/api/tasks", task("description", "朝の\a採点"), "description"},
		{"description with a paragraph separator", "/api/tasks", task("description", "朝の採点\u2029午後"), "description"},
		{"description on several lines", "/api/tasks", task("description", "朝の採点です。\n赤ペンは用意します。\r\n\tよろしく"), ""},
		{"session title of only a zero-width space", "/api/sessions", session("title", "\u200b"), "title"},
		{"session description with a line separator", "/api/sessions", session("description", "説明\u2028です"), "description"},
		{"session url of 1,001 characters", "/api/sessions", session("url", "https://zoom.example/j/"+strings.Repeat("1", 978)), "url"},
		{"broadcast of only invisible characters", "/api/broadcasts", map[string]any{"text": "\u200b\u3000\ufeff", "audience": map[string]any{}}, "text"},
		{"broadcast with a line separator", "/api/broadcasts", map[string]any{"text": "お知らせ\u2028です", "audience": map[string]any{}}, "text"},
		{"broadcast with an escape character", "/api/broadcasts", map[string]any{"text": "お知らせ\x1b[31m", "audience": map[string]any{}}, "text"},
		{"profile name with a line separator", "/api/profiles", profile("name", "山田\u2028花子"), "name"},
		{"profile name of only a zero-width space", "/api/profiles", profile("name", "\u200b"), "name"},
		{"profile name of 21 emoji (42 units)", "/api/profiles", profile("name", emoji(21)), "name"},
		{"LINE ID that is a word", "/api/profiles", profile("id", "line:tanaka"), "id"},
		{"LINE ID in upper-case hex", "/api/profiles", profile("id", "line:U"+strings.ToUpper(randomHex(16))), "id"},
		{"LINE ID one digit short", "/api/profiles", profile("id", "line:U"+randomHex(16)[:31]), "id"},
		{"Slack user ID in lower case", "/api/profiles", profile("id", "slack:T0123ABCD:u0123abcd"), "id"},
		{"Slack team ID that is not one", "/api/profiles", profile("id", "slack:acme:U0123ABCD"), "id"},
		{"Slack IDs as Slack issues them", "/api/profiles", profile("id", "slack:T0123ABCD:W0123ABCD"), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out := s.api(t, "POST", c.path, c.body)
			if c.field == "" {
				if code/100 != 2 {
					t.Fatalf("%d %.300s, want it accepted", code, fmtAny(out))
				}
				return
			}
			e, _ := out["error"].(map[string]any)
			if code != http.StatusUnprocessableEntity || e == nil || !strings.Contains(fmt.Sprint(e["message"]), c.field) {
				t.Fatalf("%d %.300s, want 422 naming %q", code, fmtAny(out), c.field)
			}
		})
	}
}

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
// quota API is down or failing, and the broadcast needs LINE's answer (no
// reading yet, or the quota near its limit): a 503 saying so, with
// Retry-After, and no broadcast; once LINE answers again the same request
// is accepted.
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
		s := bootServiceWith(t, nearTheQuota)
		s.importPerson(t, "花子", "世田谷区", "採点")
		s.quotaReadAtStart(t)
		s.sim.FailNext(linesim.EndpointQuota, http.StatusInternalServerError, "", 2)
		check(t, s, "500")
		if code, out := s.api(t, "POST", "/api/broadcasts", announce); code != http.StatusAccepted {
			t.Fatalf("after LINE recovered: %d %v", code, out)
		}
	})
	t.Run("LINE answers 500 on consumption", func(t *testing.T) {
		s := bootServiceWith(t, nearTheQuota)
		s.importPerson(t, "花子", "世田谷区", "採点")
		s.quotaReadAtStart(t)
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

// TestBroadcastTextIsCountedAsLINECounts sends the longest text LINE takes,
// 5,000 UTF-16 units of emoji (2,500 characters), and refuses one emoji
// more, which LINE would refuse for every recipient.
func TestBroadcastTextIsCountedAsLINECounts(t *testing.T) {
	s := bootService(t)
	p := s.importPerson(t, "花子", "世田谷区", "採点")
	longest := strings.Repeat("📢", 2500)
	if code, out := s.api(t, "POST", "/api/broadcasts", map[string]any{"text": longest + "📢", "audience": map[string]any{}}); code != http.StatusUnprocessableEntity || !strings.Contains(fmtAny(out), "5000") {
		t.Fatalf("5,002 units: %d %.300s, want 422 naming the limit", code, fmtAny(out))
	}
	code, out := s.api(t, "POST", "/api/broadcasts", map[string]any{"text": longest, "audience": map[string]any{}})
	if code != http.StatusAccepted {
		t.Fatalf("5,000 units: %d %.300s", code, fmtAny(out))
	}
	if code, sum := s.api(t, "POST", "/api/jobs/broadcasts/run", nil); code != http.StatusOK {
		t.Fatalf("run broadcasts: %d %v", code, sum)
	}
	if msgs := p.reply(); len(msgs) != 1 || msgs[0].Text != longest {
		t.Fatalf("broadcast delivered as %d messages: %.80s…", len(msgs), texts(msgs))
	}
	_, got := s.api(t, "GET", "/api/broadcasts/"+out["id"].(string), nil)
	if got["sent"] != float64(1) || got["failed"] != float64(0) {
		t.Fatalf("progress = %v, want 1 sent", got)
	}
}
