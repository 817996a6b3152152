package service

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSessionInvitesRSVPsAndReminds follows a session from the
// coordinator's POST: the audience is invited with 参加する/参加しない,
// a tap and a coordinator's RSVP make attendees, the reminder reaches them
// with the URL, 「入れない」 alerts the coordinators, and a withdrawal
// stops the reminders.
func TestSessionInvitesRSVPsAndReminds(t *testing.T) {
	s := bootService(t)
	hanako := s.importPerson(t, "花子", "世田谷区", "採点")
	taro := s.importPerson(t, "太郎", "世田谷区", "英語")
	jiro := s.importPerson(t, "次郎", "世田谷区", "採点")
	ota := s.importPerson(t, "大田さん", "大田区", "採点")

	start := time.Now().Add(30 * time.Minute).Truncate(time.Second)
	code, created := s.api(t, "POST", "/api/sessions", map[string]any{
		"title": "オンライン交流会", "description": "はじめての方も歓迎", "url": "https://zoom.example/j/123",
		"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339),
		"audience":  map[string]any{"areas": []string{"世田谷区"}, "skills": []string{"採点"}},
		"reminders": []string{"29m58s", "1m"},
	})
	if code != http.StatusCreated {
		t.Fatalf("POST /api/sessions: %d %v", code, created)
	}
	id := created["id"].(string)
	for _, p := range []*person{hanako, jiro} {
		if msgs := p.reply(); !offers(msgs, "session:yes:"+id) || !offers(msgs, "session:no:"+id) || !contains(msgs, "オンライン交流会") {
			t.Fatalf("invitation to %s: %s", p.id, texts(msgs))
		}
	}
	for _, p := range []*person{taro, ota} {
		if n := len(s.sim.Messages(p.id)); n != 0 {
			t.Fatalf("%s is outside the audience but got %d messages", p.id, n)
		}
	}

	if msgs := hanako.say("参加します"); !contains(msgs, "参加のお申し込みを承りました") || !contains(msgs, "https://zoom.example/j/123") {
		t.Fatalf("RSVP by text: %s", texts(msgs))
	}
	if code, body := s.api(t, "POST", "/api/sessions/"+id+"/rsvps", map[string]any{"profile_id": "line:" + taro.id}); code != http.StatusCreated {
		t.Fatalf("coordinator RSVP: %d %v", code, body)
	}
	if code, body := s.api(t, "POST", "/api/sessions/"+id+"/rsvps", map[string]any{"profile_id": "line:" + taro.id}); code != http.StatusOK {
		t.Fatalf("repeated RSVP: %d %v", code, body)
	}
	if code, body := s.api(t, "POST", "/api/sessions/"+id+"/rsvps", map[string]any{"profile_id": "line:Unobody"}); code != http.StatusNotFound {
		t.Fatalf("RSVP for nobody: %d %v", code, body)
	}
	if msgs := jiro.tap("session:no:" + id); !contains(msgs, "参加されないと承りました") {
		t.Fatalf("RSVP no: %s", texts(msgs))
	}
	code, got := s.api(t, "GET", "/api/sessions/"+id, nil)
	want := []string{"line:" + hanako.id, "line:" + taro.id}
	slices.Sort(want)
	if code != http.StatusOK || !slices.Equal(idsOf(got["attendees"]), want) {
		t.Fatalf("GET session: %d attendees %v, want %v", code, got["attendees"], want)
	}

	// The first reminder is due two seconds after creation: the service's
	// clock is moved there.
	s.clock.Advance(3 * time.Second)
	if code, sum := s.api(t, "POST", "/api/jobs/reminders/run", nil); code != http.StatusOK {
		t.Fatalf("run reminders: %d %v", code, sum)
	}
	for _, p := range []*person{hanako, taro} {
		if msgs := p.reply(); !contains(msgs, "https://zoom.example/j/123") || !contains(msgs, "オンライン交流会") {
			t.Fatalf("reminder to %s: %s", p.id, texts(msgs))
		}
	}
	if code, sum := s.api(t, "POST", "/api/jobs/reminders/run", nil); code != http.StatusOK || !strings.Contains(fmtAny(sum), `"due":0`) {
		t.Fatalf("a second run claimed again: %d %v", code, sum)
	}
	if n := len(s.sim.Messages(jiro.id)); n != 2 {
		t.Fatalf("jiro said no but has %d messages", n)
	}

	if msgs := hanako.say("入れない"); !contains(msgs, "担当者に伝えました") || !contains(msgs, "https://zoom.example/j/123") {
		t.Fatalf("入れない: %s", texts(msgs))
	}
	s.waitNotice(t, "入室できない", "花子", "オンライン交流会")

	// Taro withdraws: the 1-minute reminder will not come to him.
	if msgs := taro.tap("session:no:" + id); !contains(msgs, "参加されないと承りました") {
		t.Fatalf("withdraw: %s", texts(msgs))
	}
	if _, got := s.api(t, "GET", "/api/sessions/"+id, nil); !slices.Equal(idsOf(got["attendees"]), []string{"line:" + hanako.id}) {
		t.Fatalf("attendees after withdrawal: %v", got["attendees"])
	}
}

func TestSessionValidationNamesTheField(t *testing.T) {
	s := bootService(t)
	start := time.Now().Add(48 * time.Hour)
	cases := []struct {
		field string
		body  map[string]any
	}{
		{"end", map[string]any{"title": "会", "start": start.Format(time.RFC3339), "end": start.Add(-time.Hour).Format(time.RFC3339)}},
		{"title", map[string]any{"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339)}},
		{"url", map[string]any{"title": "会", "url": "zoom", "start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339)}},
		{"reminders", map[string]any{"title": "会", "reminders": []string{"前日"}, "start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339)}},
		{"audience.areas", map[string]any{"title": "会", "audience": map[string]any{"areas": []string{"火星"}}, "start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339)}},
	}
	for _, c := range cases {
		code, out := s.api(t, "POST", "/api/sessions", c.body)
		if code != http.StatusUnprocessableEntity || !strings.Contains(fmtAny(out), c.field) {
			t.Errorf("%s: %d %v, want 422 naming it", c.field, code, out)
		}
	}
	if code, out := s.api(t, "GET", "/api/sessions/nope", nil); code != http.StatusNotFound {
		t.Fatalf("unknown session: %d %v", code, out)
	}
}

// TestSessionCalledOff calls a session off, once through the API and once
// from the console: who said yes is told and reminded no more, who never
// answered is not written to but told when they answer, and the session
// takes no more answers and counts in no report.
func TestSessionCalledOff(t *testing.T) {
	s := bootService(t)
	hanako := s.importPerson(t, "花子", "世田谷区", "採点")
	jiro := s.importPerson(t, "次郎", "世田谷区", "採点")
	taro := s.importPerson(t, "太郎", "大田区", "英語")
	newSession := func(title string) string {
		start := time.Now().Add(30 * time.Minute).Truncate(time.Second)
		code, created := s.api(t, "POST", "/api/sessions", map[string]any{
			"title": title, "url": "https://zoom.example/j/123",
			"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339),
			"audience": map[string]any{"areas": []string{"世田谷区"}}, "reminders": []string{"29m58s"},
		})
		if code != http.StatusCreated {
			t.Fatalf("POST /api/sessions: %d %v", code, created)
		}
		for _, p := range []*person{hanako, jiro} {
			if msgs := p.reply(); !contains(msgs, title) {
				t.Fatalf("invitation to %s: %s", p.id, texts(msgs))
			}
		}
		return created["id"].(string)
	}

	id := newSession("オンライン交流会")
	if msgs := hanako.say("参加します"); !contains(msgs, "参加のお申し込みを承りました") {
		t.Fatalf("RSVP: %s", texts(msgs))
	}
	if code, body := s.api(t, "POST", "/api/sessions/"+id+"/rsvps", map[string]any{"profile_id": "line:" + taro.id}); code != http.StatusCreated {
		t.Fatalf("coordinator RSVP: %d %v", code, body)
	}
	code, got := s.api(t, "POST", "/api/sessions/"+id+"/cancel", nil)
	if code != http.StatusOK || got["cancelled_at"] == nil {
		t.Fatalf("cancel: %d %v", code, got)
	}
	for _, p := range []*person{hanako, taro} {
		if msgs := p.reply(); !contains(msgs, "中止になりました") || !contains(msgs, "オンライン交流会") {
			t.Fatalf("the notice to %s: %s", p.id, texts(msgs))
		}
	}
	if code, body := s.api(t, "POST", "/api/sessions/"+id+"/cancel", nil); code != http.StatusConflict {
		t.Errorf("cancelled twice: %d %v", code, body)
	}
	if code, body := s.api(t, "POST", "/api/sessions/nope/cancel", nil); code != http.StatusNotFound {
		t.Errorf("cancelling nothing: %d %v", code, body)
	}
	if code, body := s.api(t, "POST", "/api/sessions/"+id+"/rsvps", map[string]any{"profile_id": "line:" + jiro.id}); code != http.StatusConflict {
		t.Errorf("an attendee added after: %d %v", code, body)
	}
	// Jiro never answered: no notice; his answer now is told it is off.
	if msgs := jiro.tap("session:yes:" + id); len(msgs) != 1 || !contains(msgs, "中止になりました") {
		t.Fatalf("jiro's late yes: %s", texts(msgs))
	}
	if msgs := jiro.say("参加します"); contains(msgs, "参加のお申し込みを承りました") {
		t.Fatalf("a typed yes joined a session called off: %s", texts(msgs))
	}

	s.clock.Advance(3 * time.Second)
	if code, sum := s.api(t, "POST", "/api/jobs/reminders/run", nil); code != http.StatusOK || !strings.Contains(fmtAny(sum), `"due":0`) {
		t.Fatalf("reminders of a session called off: %d %v", code, sum)
	}
	day := time.Now().Format("2006-01-02")
	if code, rep := s.api(t, "GET", "/api/reports?from="+day+"&to="+day, nil); code != http.StatusOK || !strings.Contains(fmtAny(rep), `"sessions":0`) {
		t.Errorf("report: %d %v", code, rep)
	}

	// From the console: the page offers it, the confirmation says who is
	// told, and the page says it after.
	id2 := newSession("防災の説明会")
	if msgs := jiro.tap("session:yes:" + id2); !contains(msgs, "参加のお申し込みを承りました") {
		t.Fatalf("RSVP: %s", texts(msgs))
	}
	s.addCoordinator(t, "sakura@example.jp", "a good long password", "世田谷ジョブカフェ", true)
	c := &consoleClient{t: t, base: s.base, cookies: map[string]string{}}
	c.do("GET", "/console/login", nil)
	if code, _ := c.do("POST", "/console/login", url.Values{"email": {"sakura@example.jp"}, "password": {"a good long password"}}); code != http.StatusSeeOther {
		t.Fatalf("login: %d", code)
	}
	if code, body := c.do("GET", "/console/sessions/"+id, nil); code != http.StatusOK || !strings.Contains(body, "中止") || strings.Contains(body, "この会を中止にする") {
		t.Errorf("the page of the session called off: %d", code)
	}
	if code, _ := c.do("GET", "/console/sessions/"+id+"/cancel", nil); code != http.StatusConflict {
		t.Errorf("confirming a second cancellation: %d", code)
	}
	if code, body := c.do("GET", "/console/sessions/"+id2, nil); code != http.StatusOK || !strings.Contains(body, "この会を中止にする") {
		t.Fatalf("the session's page offers no cancellation: %d", code)
	}
	if code, body := c.do("GET", "/console/sessions/"+id2+"/cancel", nil); code != http.StatusOK || !strings.Contains(body, "参加と答えた方 1人") {
		t.Fatalf("confirmation: %d %s", code, body)
	}
	if code, _ := c.do("POST", "/console/sessions/"+id2+"/cancel", url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("cancel: %d", code)
	}
	if msgs := jiro.reply(); !contains(msgs, "中止になりました") || !contains(msgs, "防災の説明会") {
		t.Fatalf("the notice: %s", texts(msgs))
	}
	if code, body := c.do("GET", "/console/sessions/"+id2+"?done=called_off", nil); code != http.StatusOK || !strings.Contains(body, "中止にしました") {
		t.Errorf("after: %d", code)
	}
	if n := len(s.sim.Messages(hanako.id)); n != hanako.seen {
		t.Errorf("hanako, who never answered the second, was written %d times", n-hanako.seen)
	}
}

// TestANewcomerIsInvitedToASessionPostedBefore: a session for 調布 is
// posted; a senior in 調布 registers the next moment and gets its
// invitation, once; one in 世田谷 does not; one a coordinator registers
// through the API gets it too.
func TestANewcomerIsInvitedToASessionPostedBefore(t *testing.T) {
	s := bootService(t)
	start := time.Now().Add(48 * time.Hour).Truncate(time.Second)
	code, created := s.api(t, "POST", "/api/sessions", map[string]any{
		"title": "調布のオンライン交流会", "url": "https://zoom.example/j/9",
		"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339),
		"audience": map[string]any{"areas": []string{"調布市"}},
	})
	if code != http.StatusCreated {
		t.Fatalf("POST /api/sessions: %d %v", code, created)
	}
	id := created["id"].(string)
	register := func(name, area string) *person {
		p := s.newPerson(t, name)
		p.follow(name)
		p.consent()
		for _, say := range []string{name + "です", area, "採点", "以上です", "平日の午前", "週に2回", "はい"} {
			p.say(say)
		}
		if code, prof := s.api(t, "GET", "/api/profiles/line:"+p.id, nil); code != http.StatusOK || prof["status"] != "active" {
			t.Fatalf("%s not registered: %d %v", name, code, prof)
		}
		return p
	}
	chofu := register("花子", "調布市")
	chofu.until("調布のオンライン交流会")
	if msgs := chofu.tap("session:yes:" + id); !contains(msgs, "参加のお申し込みを承りました") {
		t.Fatalf("RSVP: %s", texts(msgs))
	}
	setagaya := register("太郎", "世田谷区")
	s.settled(t)
	for _, m := range s.sim.Messages(setagaya.id) {
		if strings.Contains(m.Text+string(m.Raw), "調布のオンライン交流会") {
			t.Fatal("a newcomer outside the audience was invited")
		}
	}
	n := 0
	for _, m := range s.sim.Messages(chofu.id) {
		if strings.Contains(string(m.Raw), "session:yes:"+id) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the invitation came %d times", n)
	}
	// One a coordinator registers through the API is invited too.
	imported := s.importPerson(t, "次郎", "調布市", "採点")
	imported.until("調布のオンライン交流会")
}
