package service

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	"tsunagu/adapters/linesim"
	redisadapter "tsunagu/adapters/redis"
	"tsunagu/bot"
)

// TestPlaygroundNeverTouchesTheRedisInItsEnvironment starts the playground
// in a shell set up for production (REDIS_URL pointing at a server with an
// outbox entry waiting): it runs a whole conversation on its own embedded
// Redis and sends not one command to that server, so the entry is still
// there for production to send.
func TestPlaygroundNeverTouchesTheRedisInItsEnvironment(t *testing.T) {
	prod := miniredis.RunT(t)
	rdb := goredis.NewClient(&goredis.Options{Addr: prod.Addr()})
	t.Cleanup(func() { rdb.Close() })
	ctx := context.Background()
	queue := redisadapter.NewOutbox(rdb)
	if err := queue.EnsureGroups(ctx); err != nil {
		t.Fatal(err)
	}
	waiting := bot.Outgoing{ID: "prod-entry", To: "line:U0123456789abcdef0123456789abcdef",
		Messages: []bot.Message{{Text: "本番のお知らせ"}}, CreatedAt: time.Now()}
	if err := queue.Enqueue(ctx, waiting); err != nil {
		t.Fatal(err)
	}
	before := prod.CommandCount()

	for _, env := range []map[string]string{
		{"REDIS_URL": "redis://" + prod.Addr() + "/0"},
		{"REDIS_CLUSTER_ADDRS": prod.Addr()},
	} {
		env["HTTP_ADDR"], env["LOG_LEVEL"] = "127.0.0.1:0", "warn"
		base := startCommand(t, "playground", env, new(strings.Builder))
		// A person follows and gets the bot's first question: the
		// playground works, on some Redis.
		var u linesim.User
		if code := postJSON(t, base+"/sim/line/users", map[string]string{"displayName": "花子"}, &u); code != http.StatusCreated {
			t.Fatalf("add user: %d", code)
		}
		if code := postJSON(t, base+"/sim/line/follow", map[string]string{"user": u.ID}, nil); code != http.StatusOK {
			t.Fatalf("follow: %d", code)
		}
		waitUntil(t, "the bot's first question", func() bool {
			res, err := http.Get(base + "/sim/line/messages?user=" + u.ID)
			if err != nil {
				return false
			}
			defer res.Body.Close()
			var chat struct {
				Entries []struct{ From string } `json:"entries"`
			}
			_ = json.NewDecoder(res.Body).Decode(&chat)
			for _, e := range chat.Entries {
				if e.From == "bot" {
					return true
				}
			}
			return false
		})
	}

	if n := prod.CommandCount() - before; n != 0 {
		t.Errorf("the playground sent %d commands to the Redis in its Environment", n)
	}
	got, err := queue.Read(ctx, "production", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Out.ID != waiting.ID {
		t.Fatalf("production reads %+v, want its waiting entry", got)
	}
}

// TestPlaygroundRefusesCrossOriginPosts: a web page from elsewhere, open in
// the same browser, cannot talk to the bot as a simulated LINE user or
// Slack member.
func TestPlaygroundRefusesCrossOriginPosts(t *testing.T) {
	base, _ := bootPlayground(t)
	for _, path := range []string{"/sim/line/users", "/slacksim/ui/people"} {
		for _, tt := range []struct {
			site string
			want int
		}{
			{"cross-site", http.StatusForbidden},
			{"same-origin", http.StatusCreated},
		} {
			req, _ := http.NewRequest("POST", base+path, strings.NewReader(`{"displayName":"訪問者","realName":"訪問者 `+tt.site+`"}`))
			req.Header.Set("Sec-Fetch-Site", tt.site)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tt.want {
				t.Errorf("POST %s from %s: %d, want %d", path, tt.site, res.StatusCode, tt.want)
			}
		}
	}
}

func postJSON(t *testing.T, url string, body, out any) int {
	t.Helper()
	b, _ := json.Marshal(body)
	res, err := http.Post(url, "application/json", strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
	return res.StatusCode
}
