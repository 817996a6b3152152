package service

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	redisadapter "tsunagu/adapters/redis"
	"tsunagu/bot"
)

// redisCounter is a go-redis hook counting the commands a client sends and
// the round trips they take (a pipeline is one).
type redisCounter struct {
	mu              sync.Mutex
	commands, trips int
	commandsByName  map[string]int
}

func (c *redisCounter) DialHook(next goredis.DialHook) goredis.DialHook { return next }

func (c *redisCounter) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		c.count(cmd)
		return next(ctx, cmd)
	}
}

func (c *redisCounter) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		c.count(cmds...)
		return next(ctx, cmds)
	}
}

// handshake are the commands go-redis sends on a new connection: the cost
// of dialling, not of a scrape.
var handshake = map[string]bool{"hello": true, "client": true, "auth": true, "select": true}

func (c *redisCounter) count(cmds ...goredis.Cmder) {
	c.mu.Lock()
	defer c.mu.Unlock()
	counted := false
	for _, cmd := range cmds {
		if handshake[cmd.Name()] {
			continue
		}
		counted = true
		c.commands++
		c.commandsByName[cmd.Name()]++
	}
	if counted {
		c.trips++
	}
}

func (c *redisCounter) read() (commands, trips int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.commands, c.trips
}

// TestMetricsScrapesAreCheap scrapes /metrics 100 times in a row, as a
// misconfigured Prometheus or several of them might: the outbox depth is
// read from Redis once per few seconds, in one round trip, not 32 commands
// a scrape; and the number it shows is the real depth.
func TestMetricsScrapesAreCheap(t *testing.T) {
	a := replicas(t, 1, "secret")[0]
	q := redisadapter.NewOutbox(a.rdb)
	for i := range 3 {
		out := bot.Outgoing{ID: "m" + string(rune('0'+i)), To: "line:U" + strings.Repeat("0", 32), Kind: bot.OutMessages,
			Messages: []bot.Message{{Text: "お知らせ"}}}
		if err := q.Enqueue(context.Background(), out); err != nil {
			t.Fatal(err)
		}
	}
	counter := &redisCounter{commandsByName: map[string]int{}}
	a.rdb.AddHook(counter)

	srv := httptest.NewServer(a.mux)
	t.Cleanup(srv.Close)
	const scrapes = 100
	start := time.Now()
	for i := range scrapes {
		resp, err := http.Get(srv.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 && !strings.Contains(string(body), "\ntsunagu_outbox_depth 3\n") {
			t.Fatalf("first scrape lacks the outbox depth of 3:\n%s", grepLines(string(body), "outbox"))
		}
	}
	elapsed := time.Since(start)
	commands, trips := counter.read()
	// One refresh per gaugeTTL begun, however slow the machine.
	refreshes := 1 + int(elapsed/gaugeTTL)
	perRefresh := 2 * redisadapter.Shards // XLEN and ZCARD per shard
	t.Logf("%d scrapes in %s: %d Redis commands in %d round trips %v", scrapes, elapsed.Round(time.Millisecond), commands, trips, counter.commandsByName)
	if commands > refreshes*perRefresh || trips > refreshes {
		t.Fatalf("%d scrapes cost %d Redis commands in %d round trips, want at most %d in %d",
			scrapes, commands, trips, refreshes*perRefresh, refreshes)
	}
}

// grepLines returns the lines of s containing word.
func grepLines(s, word string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, word) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
