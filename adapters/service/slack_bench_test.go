package service

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tsunagu/config"
)

// BenchmarkSlackEvent measures a signed Slack DM event from the HTTP request
// to the reply committed in the outbox, like BenchmarkLineWebhook.
func BenchmarkSlackEvent(b *testing.B) {
	backends := []struct{ name, url string }{{"embedded", ""}}
	if u := os.Getenv("REDIS_URL"); u != "" {
		backends = append(backends, struct{ name, url string }{"real", u})
	}
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			const secret = "bench-secret"
			cfg := config.Config{RedisURL: be.url, AdminToken: "t", SlackSigningSecret: secret, SlackBotToken: "xoxb",
				SlackAPIURL: "http://127.0.0.1:1/"} // the worker does not run here
			a, err := newApp(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				b.Fatal(err)
			}
			defer a.close()
			rt := &roundTrips{}
			a.rdb.AddHook(rt)
			var seq atomic.Int64
			serveOne := func(b *testing.B) {
				n := seq.Add(1)
				body := fmt.Sprintf(`{"type":"event_callback","team_id":"T1","event_id":"EvB%d-%d","event":`+
					`{"type":"message","channel_type":"im","user":"UB%05d","text":"ヘルプ","channel":"D1"}}`, time.Now().UnixNano(), n, n%1000)
				stamp := strconv.FormatInt(time.Now().Unix(), 10)
				mac := hmac.New(sha256.New, []byte(secret))
				mac.Write([]byte("v0:" + stamp + ":" + body))
				req := httptest.NewRequest(http.MethodPost, "/slack/events", strings.NewReader(body))
				req.Header.Set("X-Slack-Request-Timestamp", stamp)
				req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
				w := httptest.NewRecorder()
				a.mux.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
			for range 1000 {
				serveOne(b)
			}
			serialAndParallel(b, rt, serveOne)
		})
	}
}
