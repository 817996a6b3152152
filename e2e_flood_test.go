package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	redisadapter "tsunagu/adapters/redis"
)

// TestReplicasShareOnePersonsFlood sends one person's 300 messages, 8 at a
// time, to three replicas sharing one Redis: the replicas' commits for that
// person collide, and every collision is resolved by waiting a moment and
// trying again, never by answering 500. Each message is committed once with
// its answer.
func TestReplicasShareOnePersonsFlood(t *testing.T) {
	const (
		secret   = "flood-secret"
		messages = 300
		inFlight = 8
	)
	apps := replicas(t, 3, secret)
	ctx := context.Background()
	user := "U" + randomHex(16)
	post(t, apps[0], lineEvent(t, secret, user+"-follow", user, "follow", ""))
	post(t, apps[1], lineEvent(t, secret, user+"-consent", user, "postback", "consent:yes"))
	queue := redisadapter.NewOutbox(apps[0].rdb)
	before, err := queue.Depth(ctx)
	if err != nil {
		t.Fatal(err)
	}

	var next, failed atomic.Int64
	var wg sync.WaitGroup
	for range inFlight {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := int(next.Add(1))
				if n > messages {
					return
				}
				w := httptest.NewRecorder()
				apps[n%len(apps)].mux.ServeHTTP(w, lineEvent(t, secret, fmt.Sprintf("%s-%03d", user, n), user, "message", "ヘルプ"))
				if w.Code != http.StatusOK {
					if failed.Add(1) == 1 {
						t.Errorf("webhook answered %d: %s", w.Code, w.Body)
					}
				}
			}
		}()
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		t.Fatalf("%d of %d webhooks failed", n, messages)
	}
	after, err := queue.Depth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := after - before; got != messages {
		t.Errorf("%d answers queued for %d messages", got, messages)
	}
}
