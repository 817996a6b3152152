package service

import (
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
	"strings"
	"sync/atomic"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"tsunagu/config"
)

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
				body := fmt.Sprintf(`{"destination":"Ubot","events":[{"type":"message","mode":"active","timestamp":1764547200000,`+
					`"source":{"type":"user","userId":"Ubench%05d"},"webhookEventId":"01BENCH%019d","deliveryContext":{"isRedelivery":false},`+
					`"replyToken":"rt%d","message":{"id":"%d","type":"text","quoteToken":"q","text":"ヘルプ"}}]}`, n%1000, n, n, n)
				mac := hmac.New(sha256.New, []byte(secret))
				mac.Write([]byte(body))
				req := httptest.NewRequest(http.MethodPost, "/line/webhook", strings.NewReader(body))
				req.Header.Set("X-Line-Signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
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
