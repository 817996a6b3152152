package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"tsunagu/adapters/linesim"
	redisadapter "tsunagu/adapters/redis"
)

// TestDeletionAfterALongHistoryLeavesNoTrace deletes a person who has done
// what a real one does over months: holds a place with someone waiting
// behind them, waits behind someone else, cancelled once, answered more
// than 60 newer offers, is named in a session's audience, is among the
// recipients of a broadcast not sent yet, talked with the coordinators and
// has a dead letter. After 「退会」 no Redis value of any type names them,
// their place goes to the person waiting, and the broadcast does not reach
// them.
func TestDeletionAfterALongHistoryLeavesNoTrace(t *testing.T) {
	s := bootService(t)
	const name = "山田はな子"
	hanako := s.importActive(t, name)
	sato := s.importActive(t, "佐藤")
	suzuki := s.importActive(t, "鈴木")
	start := nextMonday(t)

	// T1: hanako holds the one place, suzuki waits behind her.
	t1 := s.createTask(t, "朝テストの採点", start, 1)
	hanako.reply()
	sato.reply()
	suzuki.reply()
	if msgs := hanako.tap("offer:accept:" + t1); !contains(msgs, "お引き受けありがとうございます") {
		t.Fatalf("accept T1: %s", texts(msgs))
	}
	if msgs := suzuki.tap("offer:accept:" + t1); !contains(msgs, "キャンセル待ち") {
		t.Fatalf("suzuki on T1: %s", texts(msgs))
	}
	// T2: sato holds the place, hanako waits.
	t2 := s.createTask(t, "宿題の丸つけ", start.Add(time.Hour), 1)
	hanako.reply()
	sato.reply()
	suzuki.reply()
	sato.tap("offer:accept:" + t2)
	if msgs := hanako.tap("offer:accept:" + t2); !contains(msgs, "キャンセル待ち") {
		t.Fatalf("hanako on T2: %s", texts(msgs))
	}
	// T3: accepted, then cancelled.
	t3 := s.createTask(t, "小テストの採点", start.Add(2*time.Hour), 2)
	hanako.reply()
	sato.reply()
	suzuki.reply()
	hanako.tap("offer:accept:" + t3)
	hanako.tap("task:cancel:" + t3)
	if msgs := hanako.tap("task:cancelyes:" + t3); !contains(msgs, "キャンセルを承りました") {
		t.Fatalf("cancel T3: %s", texts(msgs))
	}
	// 62 newer offers, each answered, at hours when nobody holds a place
	// (one at the time of a place held is not offered).
	for i := 0; i < 62; i++ {
		id := s.createTask(t, fmt.Sprintf("答案の整理 %d", i+1), start.Add(time.Duration(2+i%3)*time.Hour), 3)
		hanako.reply()
		sato.reply()
		suzuki.reply()
		hanako.tap("offer:decline:" + id)
	}
	// The accepted place is still hers: in 「予定」 and with its button.
	if msgs := hanako.say("予定"); !contains(msgs, "朝テストの採点") {
		t.Fatalf("予定 after 62 newer offers lost the accepted task: %s", texts(msgs))
	}

	// A session naming her in its audience; her invitation dead-letters.
	s.sim.FailNext(linesim.EndpointPush, http.StatusBadRequest, "", 1)
	code, ses := s.api(t, "POST", "/api/sessions", map[string]any{
		"title": "オンライン交流会", "url": "https://zoom.example/j/1",
		"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339),
		"audience": map[string]any{"profile_ids": []string{"line:" + hanako.id}},
	})
	if code != http.StatusCreated {
		t.Fatalf("POST /api/sessions: %d %v", code, ses)
	}
	sessionID := ses["id"].(string)
	rdb := s.redis(t)
	waitUntil(t, "the dead letter", func() bool {
		for _, k := range keysNaming(t, rdb, hanako.id) {
			if strings.Contains(k, ":outbox:dead") {
				return true
			}
		}
		return false
	})

	// A broadcast to everyone, due in a moment.
	sendAt := time.Now().Add(2 * time.Second)
	code, bc := s.api(t, "POST", "/api/broadcasts", map[string]any{
		"text": "年末年始のお休みのお知らせです。", "audience": map[string]any{}, "send_at": sendAt.Format(time.RFC3339Nano),
	})
	if code != http.StatusAccepted {
		t.Fatalf("POST /api/broadcasts: %d %v", code, bc)
	}
	broadcastID := bc["id"].(string)

	// Two messages the bot cannot read, and a talk with the coordinators.
	hanako.say("ほげほげ")
	if msgs := hanako.say("ふがふが"); !offers(msgs, "cmd:handoff") {
		t.Fatalf("no handoff offered: %s", texts(msgs))
	}
	hanako.tap("cmd:handoff")
	s.waitNotice(t, name)

	// She changes her name: the notices about her cancellation and her
	// talk still carry the old one.
	s.waitNotice(t, "【キャンセル】", name)
	const newName = "山田花"
	hanako.say("名前を直したい")
	if msgs := hanako.say(newName); !contains(msgs, newName) {
		t.Fatalf("rename: %s", texts(msgs))
	}
	// The dedupe record of her invitation is a digest of an ID built from
	// hers, which anyone knowing her ID could compute.
	invited := dedupeDigest("invite:" + sessionID + ":line:" + hanako.id)
	if left := keysNaming(t, rdb, invited); len(left) == 0 {
		t.Fatal("the invitation left no dedupe record: the check below would prove nothing")
	}

	// 「退会」.
	hanako.say("退会")
	if msgs := hanako.tap("delete:yes"); !contains(msgs, "削除しました") {
		t.Fatalf("no goodbye: %s", texts(msgs))
	}

	// The goodbye leaves the outbox a moment after the simulator got it.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		left := keysNaming(t, rdb, hanako.id, name, newName, invited)
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 「退会」, keys naming her: %v", left)
		}
	}
	if code, _ := s.api(t, "GET", "/api/profiles/line:"+hanako.id, nil); code != http.StatusNotFound {
		t.Fatalf("GET deleted profile: %d", code)
	}

	// Her place on T1 went to suzuki, who waited; the coordinators know,
	// without her name.
	task := s.task(t, t1)
	if task["status"] != "filled" || fmt.Sprint(idsOf(task["accepted"])) != "[line:"+suzuki.id+"]" || len(idsOf(task["waitlist"])) != 0 {
		t.Fatalf("T1 after her deletion = %v", task)
	}
	if msgs := suzuki.reply(); !contains(msgs, "繰り上がりました") || !contains(msgs, "朝テストの採点") {
		t.Fatalf("suzuki not told of the place: %s", texts(msgs))
	}
	s.waitNotice(t, "朝テストの採点", "繰り上がり")
	if task := s.task(t, t2); slices.Contains(idsOf(task["waitlist"]), "line:"+hanako.id) {
		t.Fatalf("T2 still waitlists her: %v", task)
	}
	_, sv := s.api(t, "GET", "/api/sessions/"+sessionID, nil)
	if strings.Contains(fmtAny(sv), hanako.id) || sv["title"] != "オンライン交流会" {
		t.Fatalf("session after her deletion: %v", sv)
	}

	// The broadcast goes to the two others only, when due.
	s.clock.Advance(time.Until(sendAt) + time.Second)
	if code, sum := s.api(t, "POST", "/api/jobs/broadcasts/run", nil); code != http.StatusOK {
		t.Fatalf("run broadcasts: %d %v", code, sum)
	}
	for _, p := range []*person{sato, suzuki} {
		p.until("年末年始のお休み")
	}
	_, got := s.api(t, "GET", "/api/broadcasts/"+broadcastID, nil)
	if got["status"] != "done" || got["total"] != float64(2) || got["sent"] != float64(2) || got["failed"] != float64(0) {
		t.Fatalf("broadcast = %v, want done, sent to the 2 left", got)
	}
	for _, m := range s.sim.Messages(hanako.id) {
		if strings.Contains(m.Text, "年末年始") {
			t.Fatal("the broadcast reached the deleted person")
		}
	}
	if left := keysNaming(t, rdb, hanako.id, name, newName, invited); len(left) != 0 {
		t.Fatalf("after the broadcast, keys naming her: %v", left)
	}
}

// dedupeDigest is how the store remembers a processed event (eventKey).
func dedupeDigest(eventID string) string {
	sum := sha256.Sum256([]byte(eventID))
	return hex.EncodeToString(sum[:16])
}

// importActive registers an active grader in Setagaya, free on weekday
// mornings, who takes up to 20 tasks a week.
func (s *service) importActive(t *testing.T, name string) *person {
	t.Helper()
	p := s.newPerson(t, name)
	if _, err := s.sim.AddUser(p.id, name); err != nil {
		t.Fatal(err)
	}
	var week []map[string]string
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
		week = append(week, map[string]string{"day": d, "from": "08:00", "to": "13:00"})
	}
	code, body := s.api(t, "POST", "/api/profiles", map[string]any{
		"id": "line:" + p.id, "name": name, "area": "世田谷区", "skills": []string{"採点"}, "weekly_limit": 20,
		"availability": week,
	})
	if code != http.StatusCreated {
		t.Fatalf("import %s: %d %v", name, code, body)
	}
	return p
}

// createTask posts a grading task in Setagaya and returns its ID.
func (s *service) createTask(t *testing.T, title string, start time.Time, headcount int) string {
	t.Helper()
	code, created := s.api(t, "POST", "/api/tasks", map[string]any{
		"title": title, "organization": "個別指導塾", "skills": []string{"採点"}, "area": "世田谷区",
		"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339),
		"headcount": headcount, "offer_ttl": "24h",
	})
	if code != http.StatusCreated {
		t.Fatalf("POST /api/tasks: %d %v", code, created)
	}
	return created["id"].(string)
}

// redis connects to the service's Redis.
func (s *service) redis(t *testing.T) goredis.UniversalClient {
	t.Helper()
	return s.rdb.client(t)
}

// keysNaming lists the keys whose name or any value (read by type: GET,
// HGETALL, SMEMBERS, ZRANGE, LRANGE, XRANGE) contains one of needles. On a
// Cluster it scans every master.
func keysNaming(t *testing.T, rdb goredis.UniversalClient, needles ...string) []string {
	t.Helper()
	ctx := context.Background()
	var found []string
	for _, k := range scanKeys(t, rdb, "*") {
		values := []string{k}
		typ, err := rdb.Type(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		switch typ {
		case "none": // gone since the scan
		case "string":
			values = append(values, rdb.Get(ctx, k).Val())
		case "hash":
			for f, v := range rdb.HGetAll(ctx, k).Val() {
				values = append(values, f, v)
			}
		case "set":
			values = append(values, rdb.SMembers(ctx, k).Val()...)
		case "zset":
			values = append(values, rdb.ZRange(ctx, k, 0, -1).Val()...)
		case "list":
			values = append(values, rdb.LRange(ctx, k, 0, -1).Val()...)
		case "stream":
			for _, m := range rdb.XRange(ctx, k, "-", "+").Val() {
				for f, v := range m.Values {
					values = append(values, f, fmt.Sprint(v))
				}
			}
		default:
			t.Fatalf("key %s has a type the test cannot read: %s", k, typ)
		}
		for _, v := range values {
			if containsAny(v, needles) {
				found = append(found, k+" ("+typ+")")
				break
			}
		}
	}
	return found
}

func containsAny(s string, needles []string) bool {
	for _, n := range needles {
		if n != "" && strings.Contains(s, n) {
			return true
		}
	}
	return false
}

// TestSlackLeavingFromADMRedrawsTheHome: someone who leaves by DM must not
// find their old profile on the App Home afterwards.
func TestSlackLeavingFromADMRedrawsTheHome(t *testing.T) {
	s, c := bootSlack(t)
	const u = "UMORI"
	c.interact(u, "home", "tsunagu-1", "home:join")
	c.submit(u, "VA", "tsunagu_join", joinForm("森山"))
	c.event("EvHomeM1", map[string]any{"type": "app_home_opened", "user": u, "channel": "D-" + u, "tab": "home"})
	waitUntil(t, "the member's Home", func() bool { return strings.Contains(c.fake.home(u), "森山") })

	c.dm(u, "退会")
	if got := c.click(u, "delete:yes"); !strings.Contains(got, "削除しました") {
		t.Fatalf("goodbye: %s", got)
	}
	waitUntil(t, "the Home redrawn for a stranger", func() bool {
		h := c.fake.home(u)
		return strings.Contains(h, "home:join") && !strings.Contains(h, "森山")
	})
	if code, _ := s.api(t, "GET", "/api/profiles/slack:T1:"+u, nil); code != http.StatusNotFound {
		t.Fatalf("after delete: %d", code)
	}
}

// TestSlackDeletionTakesBackTheCoordinatorPosts: the posts to the
// coordinators' Slack channel that speak of someone (their 「ご相談」,
// named by name and ID) are deleted from the channel with them; the
// others stay.
func TestSlackDeletionTakesBackTheCoordinatorPosts(t *testing.T) {
	s, c := bootSlack(t)
	const u, other = "UMORI", "UHAYASHI"
	for _, who := range []struct{ id, name string }{{u, "森山"}, {other, "林"}} {
		c.interact(who.id, "home", "tsunagu-1", "home:join")
		c.submit(who.id, "VA", "tsunagu_join", joinForm(who.name))
		c.dm(who.id, "担当者と話したい")
	}
	coordinatorPosts := func() []string {
		c.fake.mu.Lock()
		defer c.fake.mu.Unlock()
		var kept []string
		for _, p := range c.fake.posts["CCOORD"] {
			if p != "" {
				kept = append(kept, p)
			}
		}
		return kept
	}
	waitUntil(t, "both asking the coordinators", func() bool {
		all := strings.Join(coordinatorPosts(), "\n")
		return strings.Contains(all, "森山") && strings.Contains(all, "林")
	})

	c.dm(u, "退会")
	if got := c.click(u, "delete:yes"); !strings.Contains(got, "削除しました") {
		t.Fatalf("goodbye: %s", got)
	}
	waitUntil(t, "his posts taken back", func() bool {
		all := strings.Join(coordinatorPosts(), "\n")
		return !strings.Contains(all, "森山") && !strings.Contains(all, u)
	})
	s.settled(t)
	if all := strings.Join(coordinatorPosts(), "\n"); !strings.Contains(all, "林") {
		t.Errorf("the other person's post went too: %q", all)
	}
	if left := keysNaming(t, s.redis(t), u, "森山"); len(left) != 0 {
		t.Errorf("keys naming him: %v", left)
	}
}

// settled waits until the outbox holds nothing: every entry queued so far
// was sent, or given up on, and a retry waits for nothing.
func (s *service) settled(t *testing.T) {
	t.Helper()
	q := redisadapter.NewOutbox(s.redis(t))
	waitUntil(t, "the outbox settled", func() bool {
		n, err := q.Depth(context.Background())
		return err == nil && n == 0
	})
}
