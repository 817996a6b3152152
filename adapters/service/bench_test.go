package service

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"tsunagu/config"
)

// webhookEvent is what differs between the benchmarks' webhooks: each is
// one text message, 「ヘルプ」.
type webhookEvent struct {
	at                   time.Time
	user, id, replyToken string
}

// benchEvent is the n-th event of the in-process benchmarks: from one of
// 1,000 people.
func benchEvent(n int64) webhookEvent {
	return webhookEvent{at: time.UnixMilli(1764547200000), user: fmt.Sprintf("Ubench%05d", n%1000),
		id: fmt.Sprintf("01BENCH%019d", n), replyToken: fmt.Sprint("rt", n)}
}

// benchWebhook is the signed body of a one-event LINE webhook.
func benchWebhook(secret string, ev webhookEvent) (body []byte, signature string) {
	body = fmt.Appendf(nil, `{"destination":"Ubot","events":[{"type":"message","mode":"active","timestamp":%d,`+
		`"source":{"type":"user","userId":%q},"webhookEventId":%q,"deliveryContext":{"isRedelivery":false},`+
		`"replyToken":%q,"message":{"id":%q,"type":"text","quoteToken":"q","text":"ヘルプ"}}]}`,
		ev.at.UnixMilli(), ev.user, ev.id, ev.replyToken, ev.id)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return body, base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// roundTrips counts commands and pipelines sent to Redis: one each is one
// network round trip.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) DialHook(next goredis.DialHook) goredis.DialHook { return next }
func (r *roundTrips) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmd)
	}
}
func (r *roundTrips) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmds)
	}
}

// BenchmarkLineWebhook measures a signed LINE text-message webhook from the
// HTTP request to the reply committed in the outbox, on the embedded Redis
// and (with REDIS_URL) on a real server. It reports Redis round trips per
// message.
func BenchmarkLineWebhook(b *testing.B) {
	backends := []struct{ name, url string }{{"embedded", ""}}
	if u := os.Getenv("REDIS_URL"); u != "" {
		backends = append(backends, struct{ name, url string }{"real", u})
	}
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			const secret = "bench-secret"
			cfg := config.Config{
				RedisURL:               be.url,
				AdminToken:             "t",
				LINEChannelSecret:      secret,
				LINEChannelAccessToken: "token",
				LINEAPIBaseURL:         "http://127.0.0.1:1", // the worker does not run here
			}
			a, err := newApp(context.Background(), cfg, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
			if err != nil {
				b.Fatal(err)
			}
			defer a.close()
			rt := &roundTrips{}
			a.rdb.AddHook(rt)

			var seq atomic.Int64
			request := func() *http.Request {
				n := seq.Add(1)
				body, sig := benchWebhook(secret, benchEvent(n))
				req := httptest.NewRequest(http.MethodPost, "/line/webhook", bytes.NewReader(body))
				req.Header.Set("X-Line-Signature", sig)
				req.RemoteAddr = (&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}).String()
				return req
			}
			serveOne := func(b *testing.B) {
				w := httptest.NewRecorder()
				a.mux.ServeHTTP(w, request())
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
			// Warm up: every benchmark user exists, as in steady state.
			for range 1000 {
				serveOne(b)
			}
			serialAndParallel(b, rt, serveOne)
		})
	}
}

// serialAndParallel runs serveOne one request at a time and from
// GOMAXPROCS goroutines, reporting Redis round trips per request.
func serialAndParallel(b *testing.B, rt *roundTrips, serveOne func(b *testing.B)) {
	b.Run("serial", func(b *testing.B) {
		rt.n.Store(0)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			serveOne(b)
		}
		b.ReportMetric(float64(rt.n.Load())/float64(b.N), "roundtrips/op")
	})
	b.Run("parallel", func(b *testing.B) {
		rt.n.Store(0)
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				serveOne(b)
			}
		})
		b.ReportMetric(float64(rt.n.Load())/float64(b.N), "roundtrips/op")
	})
}
