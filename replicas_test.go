package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	redisadapter "tsunagu/adapters/redis"
	"tsunagu/bot"
	"tsunagu/config"
)

// replicas boots n service instances sharing one Redis, without outbox
// workers, so a test can drive their webhooks directly.
func replicas(t *testing.T, n int, secret string) []*app {
	t.Helper()
	url := testRedisURL(t)
	var apps []*app
	for range n {
		a, err := newApp(context.Background(), config.Config{
			RedisURL:               url,
			AdminToken:             "t",
			LINEChannelSecret:      secret,
			LINEChannelAccessToken: "token",
			LINEAPIBaseURL:         "http://127.0.0.1:1",
		}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.close() })
		apps = append(apps, a)
	}
	return apps
}

// lineEvent is one signed LINE webhook request with one event.
func lineEvent(t *testing.T, secret, eventID, userID, kind, payload string) *http.Request {
	t.Helper()
	ev := map[string]any{
		"type": kind, "mode": "active", "timestamp": time.Now().UnixMilli(),
		"source":          map[string]string{"type": "user", "userId": userID},
		"webhookEventId":  eventID,
		"deliveryContext": map[string]bool{"isRedelivery": false},
		"replyToken":      "rt-" + eventID,
	}
	switch kind {
	case "message":
		ev["message"] = map[string]string{"id": eventID, "type": "text", "quoteToken": "q", "text": payload}
	case "postback":
		ev["postback"] = map[string]string{"data": payload}
	}
	body, err := json.Marshal(map[string]any{"destination": "Ubot", "events": []any{ev}})
	if err != nil {
		t.Fatal(err)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	req := httptest.NewRequest(http.MethodPost, "/line/webhook", strings.NewReader(string(body)))
	req.Header.Set("X-Line-Signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	return req
}

func post(t *testing.T, a *app, req *http.Request) {
	w := httptest.NewRecorder()
	a.mux.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		t.Errorf("webhook answered %d: %s", w.Code, w.Body)
	}
}

// TestReplicasDoNotLoseOnePersonsAnswers sends one person's answers to three
// replicas at once: every answer lands (no lost update), and one event
// delivered to all three at once takes effect once.
func TestReplicasDoNotLoseOnePersonsAnswers(t *testing.T) {
	const secret = "replica-secret"
	apps := replicas(t, 3, secret)
	user := "U" + randomHex(16)
	id := "line:" + user
	seq := 0
	next := func() string { seq++; return fmt.Sprintf("%s-%03d", user, seq) }
	post(t, apps[0], lineEvent(t, secret, next(), user, "follow", ""))
	post(t, apps[1], lineEvent(t, secret, next(), user, "postback", "consent:yes"))
	post(t, apps[2], lineEvent(t, secret, next(), user, "message", "佐藤"))
	post(t, apps[0], lineEvent(t, secret, next(), user, "message", "世田谷"))

	cat, err := loadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	want := cat.Skills()[:10]
	var wg sync.WaitGroup
	for i, s := range want {
		req := lineEvent(t, secret, next(), user, "message", s.LabelJA)
		wg.Add(1)
		go func() {
			defer wg.Done()
			post(t, apps[i%3], req)
		}()
	}
	wg.Wait()

	store := redisadapter.NewStore(apps[0].rdb)
	snap, err := store.Load(context.Background(), id, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(snap.Profile.Skills); got != len(want) {
		t.Fatalf("skills after concurrent answers = %v, want all %d", snap.Profile.Skills, len(want))
	}

	// The same event delivered to every replica at once counts once.
	before := snap.Version
	dup := next()
	for _, a := range apps {
		req := lineEvent(t, secret, dup, user, "postback", "skill:done")
		wg.Add(1)
		go func() {
			defer wg.Done()
			post(t, a, req)
		}()
	}
	wg.Wait()
	snap, err = store.Load(context.Background(), id, dup)
	if err != nil {
		t.Fatal(err)
	}
	if !snap.Seen || snap.Version != before+1 || snap.Conv.Step != bot.StepAvailability {
		t.Fatalf("duplicate delivery: seen %v version %d (want %d) step %q", snap.Seen, snap.Version, before+1, snap.Conv.Step)
	}
}
