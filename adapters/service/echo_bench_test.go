package service

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

// BenchmarkEchoBaseline is the yardstick of issue 14: line-bot-sdk-go's
// echo bot as its example writes it (webhook.ParseRequest, then a
// synchronous reply through the SDK's client) against a fake Messaging API
// on loopback, driven the same way as BenchmarkLineWebhook. tsunagu's
// figure divided by this one is the ratio the issue asks about; this run
// is in-process, so both pay the same harness.
func BenchmarkEchoBaseline(b *testing.B) {
	const secret = "bench-secret"
	var replies atomic.Int64
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		replies.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{}"))
	}))
	defer api.Close()
	bot, err := messaging_api.NewMessagingApiAPI("token", messaging_api.WithEndpoint(api.URL))
	if err != nil {
		b.Fatal(err)
	}
	echo := echoHandler(secret, bot)
	var seq atomic.Int64
	serveOne := func(b *testing.B) {
		body, sig := benchWebhook(secret, benchEvent(seq.Add(1)))
		req := httptest.NewRequest(http.MethodPost, "/line/webhook", bytes.NewReader(body))
		req.Header.Set("X-Line-Signature", sig)
		w := httptest.NewRecorder()
		echo.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
	serialAndParallel(b, &roundTrips{}, serveOne)
	if replies.Load() == 0 {
		b.Fatal("the echo bot never replied")
	}
}

// echoHandler is line-bot-sdk-go's echo bot as its example writes it: the
// SDK parses and checks the request, and each text is replied to at once.
func echoHandler(secret string, bot *messaging_api.MessagingApiAPI) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cb, err := webhook.ParseRequest(secret, r)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		for _, ev := range cb.Events {
			if m, ok := ev.(webhook.MessageEvent); ok {
				if t, ok := m.Message.(webhook.TextMessageContent); ok {
					_, err := bot.ReplyMessage(&messaging_api.ReplyMessageRequest{ReplyToken: m.ReplyToken,
						Messages: []messaging_api.MessageInterface{messaging_api.TextMessage{Text: t.Text}}})
					if err != nil {
						w.WriteHeader(http.StatusInternalServerError)
						return
					}
				}
			}
		}
		w.WriteHeader(http.StatusOK)
	})
}
