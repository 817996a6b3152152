package service

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"tsunagu/adapters/linesim"
)

// TestBroadcastReachesTheAudienceOnce sends an announcement to everyone: the
// active get it once by multicast, the blocked are skipped and counted, the
// coordinators get the report; a broadcast beyond the LINE quota is refused
// with the numbers. The quota is near its limit from the start, where every
// broadcast reads it from LINE, so the refusal sees the change made just
// before it.
func TestBroadcastReachesTheAudienceOnce(t *testing.T) {
	s := bootServiceWith(t, nearTheQuota)
	a := s.importPerson(t, "花子", "世田谷区", "採点")
	b := s.importPerson(t, "太郎", "大田区", "英語")
	gone := s.newPerson(t, "去った人")
	gone.follow("去った人")
	if err := s.sim.Unfollow(context.Background(), gone.id); err != nil {
		t.Fatal(err)
	}
	// Someone who unfollowed during onboarding is blocked: skipped, counted.
	waitUntil(t, "the unfollow recorded", func() bool {
		_, p := s.api(t, "GET", "/api/profiles/line:"+gone.id, nil)
		return p["status"] == "blocked"
	})

	code, body := s.api(t, "POST", "/api/broadcasts", map[string]any{"text": "年末年始のお休みのお知らせです。", "audience": map[string]any{}})
	if code != http.StatusAccepted {
		t.Fatalf("POST /api/broadcasts: %d %v", code, body)
	}
	id := body["id"].(string)
	if code, sum := s.api(t, "POST", "/api/jobs/broadcasts/run", nil); code != http.StatusOK {
		t.Fatalf("run broadcasts: %d %v", code, sum)
	}
	for _, p := range []*person{a, b} {
		if msgs := p.reply(); !contains(msgs, "年末年始のお休み") {
			t.Fatalf("broadcast to %s: %s", p.id, texts(msgs))
		}
	}
	_, got := s.api(t, "GET", "/api/broadcasts/"+id, nil)
	if got["status"] != "done" || got["total"] != float64(3) || got["sent"] != float64(2) || got["failed"] != float64(0) || got["skipped"] != float64(1) {
		t.Fatalf("progress = %v, want done: 3 in the audience, 2 sent, 1 blocked skipped", got)
	}
	s.waitNotice(t, "配信完了", "送信 2件", "失敗 0件", "送らなかった方 1件")
	// A second run sends nothing more.
	if code, sum := s.api(t, "POST", "/api/jobs/broadcasts/run", nil); code != http.StatusOK || !strings.Contains(fmtAny(sum), `"sent":0`) {
		t.Fatalf("second run: %d %v", code, sum)
	}
	s.settled(t)
	for _, p := range []*person{a, b} {
		n := 0
		for _, m := range s.sim.Messages(p.id) {
			n += strings.Count(m.Text, "年末年始のお休み")
		}
		if n != 1 {
			t.Fatalf("%s got the broadcast %d times", p.id, n)
		}
	}

	// The first broadcast's 2 messages count on top of LINE's figure for
	// line.QuotaWindow (LINE may not have counted them yet): 997 + 2.
	s.sim.SetQuota(1000, 997)
	code, body = s.api(t, "POST", "/api/broadcasts", map[string]any{"text": "もう一通", "audience": map[string]any{}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(fmtAny(body), "999") || !strings.Contains(fmtAny(body), "1000") {
		t.Fatalf("over quota: %d %v, want 422 naming the numbers", code, body)
	}
	if code, body := s.api(t, "GET", "/api/broadcasts/nope", nil); code != http.StatusNotFound {
		t.Fatalf("unknown broadcast: %d %v", code, body)
	}
	if code, body := s.api(t, "POST", "/api/broadcasts", map[string]any{"text": " "}); code != http.StatusUnprocessableEntity {
		t.Fatalf("empty text: %d %v", code, body)
	}
}

// TestAnImmediateBroadcastStartsAtOnce: a broadcast without send_at is
// sent by the replica that took it right after the POST, without waiting
// for the sweep (whose first run comes 15 s after the start) or a job run.
func TestAnImmediateBroadcastStartsAtOnce(t *testing.T) {
	s := bootService(t)
	booted := time.Now()
	a := s.importPerson(t, "花子", "世田谷区", "採点")
	code, body := s.api(t, "POST", "/api/broadcasts", map[string]any{"text": "明日の説明会は10時からです。", "audience": map[string]any{}})
	if code != http.StatusAccepted {
		t.Fatalf("POST /api/broadcasts: %d %v", code, body)
	}
	if msgs := a.reply(); !contains(msgs, "明日の説明会") {
		t.Fatalf("the broadcast: %s", texts(msgs))
	}
	if since := time.Since(booted); since >= 15*time.Second {
		t.Skipf("too slow to tell the start at the POST from the sweep (%v)", since)
	}
	waitUntil(t, "the broadcast done", func() bool {
		_, got := s.api(t, "GET", "/api/broadcasts/"+body["id"].(string), nil)
		return got["status"] == "done"
	})
}

// TestBroadcastQuotaIsReadOutsideTheRequest: far from LINE's monthly limit,
// creating a broadcast does not wait for LINE's quota calls; it is answered
// from the reading taken in the background, even while LINE's quota API
// fails.
func TestBroadcastQuotaIsReadOutsideTheRequest(t *testing.T) {
	s := bootServiceWith(t, func(sim *linesim.Sim) { sim.SetQuota(100000, 0) })
	s.importPerson(t, "花子", "世田谷区", "採点")
	announce := map[string]any{"text": "年末年始のお休みのお知らせです。", "audience": map[string]any{}}
	// The reading at start comes first: on a busy machine it came during
	// the second POST below and was counted as the POST's.
	waitUntil(t, "the quota read at start", func() bool { return s.sim.Calls(linesim.EndpointQuota) >= 1 })
	if code, body := s.api(t, "POST", "/api/broadcasts", announce); code != http.StatusAccepted {
		t.Fatalf("first POST /api/broadcasts: %d %v", code, body)
	}
	s.sim.FailNext(linesim.EndpointQuota, http.StatusInternalServerError, "", 1)
	reads := s.sim.Calls(linesim.EndpointQuota)
	if code, body := s.api(t, "POST", "/api/broadcasts", announce); code != http.StatusAccepted {
		t.Fatalf("second POST /api/broadcasts: %d %v, want it answered from the reading", code, body)
	}
	if got := s.sim.Calls(linesim.EndpointQuota); got != reads {
		t.Fatalf("LINE's quota was read %d times by the POST, want none", got-reads)
	}
}

// TestAScheduledBroadcastIsCalledOff: a broadcast set for tomorrow is
// called off through the API before it begins: 200, then 409 for a second
// try, 404 for an unknown one, and it never reaches anyone.
func TestAScheduledBroadcastIsCalledOff(t *testing.T) {
	s := bootService(t)
	a := s.importPerson(t, "花子", "世田谷区", "採点")
	tomorrow := time.Now().Add(24 * time.Hour).Format(time.RFC3339)
	code, body := s.api(t, "POST", "/api/broadcasts", map[string]any{"text": "日付をまちがえたお知らせ", "audience": map[string]any{}, "send_at": tomorrow})
	if code != http.StatusAccepted || body["status"] != "scheduled" {
		t.Fatalf("POST /api/broadcasts: %d %v", code, body)
	}
	id := body["id"].(string)
	if code, got := s.api(t, "POST", "/api/broadcasts/"+id+"/cancel", nil); code != http.StatusOK || got["status"] != "cancelled" {
		t.Fatalf("cancel: %d %v", code, got)
	}
	if code, got := s.api(t, "POST", "/api/broadcasts/"+id+"/cancel", nil); code != http.StatusConflict || fmtAny(got["error"]) == "" {
		t.Errorf("cancel twice: %d %v", code, got)
	}
	if code, _ := s.api(t, "POST", "/api/broadcasts/nope/cancel", nil); code != http.StatusNotFound {
		t.Errorf("cancel an unknown one: %d", code)
	}
	// A broadcast due now goes out; the one called off never does.
	if code, _ := s.api(t, "POST", "/api/broadcasts", map[string]any{"text": "正しいお知らせ", "audience": map[string]any{}}); code != http.StatusAccepted {
		t.Fatalf("second broadcast: %d", code)
	}
	if msgs := a.reply(); !contains(msgs, "正しいお知らせ") || contains(msgs, "日付をまちがえた") {
		t.Errorf("what reached her: %s", texts(msgs))
	}
}
