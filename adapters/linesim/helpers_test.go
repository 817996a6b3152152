package linesim

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

const (
	testSecret = "s3cret"
	testToken  = "t0ken"
)

// clock is a settable time source for the simulator.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// bot is a stand-in for the real bot: it checks webhooks with the SDK's
// ParseRequest, exactly as the bot's adapter does, and records them.
type bot struct {
	mu     sync.Mutex
	status int // answer for valid webhooks; 0 means 200
	events []webhook.EventInterface
	dest   []string
}

func (b *bot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	cb, err := webhook.ParseRequest(testSecret, r)
	if errors.Is(err, webhook.ErrInvalidSignature) {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.events = append(b.events, cb.Events...)
	b.dest = append(b.dest, cb.Destination)
	if b.status != 0 {
		http.Error(w, "bot is down", b.status)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (b *bot) setStatus(status int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.status = status
}

// last returns the newest event the bot received.
func (b *bot) last(t *testing.T) webhook.EventInterface {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.events) == 0 {
		t.Fatal("the bot received no event")
	}
	return b.events[len(b.events)-1]
}

// world is a simulator wired to a fake bot and an SDK client on its API.
type world struct {
	sim    *Sim
	clock  *clock
	bot    *bot
	api    *httptest.Server
	client *messaging_api.MessagingApiAPI
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{clock: &clock{now: time.Date(2025, 4, 1, 10, 0, 0, 0, time.UTC)}, bot: &bot{}}
	botSrv := httptest.NewServer(w.bot)
	t.Cleanup(botSrv.Close)
	w.sim = New(Options{
		ChannelSecret: testSecret,
		AccessToken:   testToken,
		WebhookURL:    botSrv.URL + "/line/webhook",
		Client:        botSrv.Client(),
		Now:           w.clock.Now,
	})
	t.Cleanup(w.sim.Close)
	w.api = httptest.NewServer(w.sim.APIHandler())
	t.Cleanup(w.api.Close)
	client, err := messaging_api.NewMessagingApiAPI(testToken,
		messaging_api.WithEndpoint(w.api.URL), messaging_api.WithHTTPClient(w.api.Client()))
	if err != nil {
		t.Fatal(err)
	}
	w.client = client
	return w
}

// replyToken returns the reply token of the newest event the bot received.
func (w *world) replyToken(t *testing.T) string {
	t.Helper()
	switch e := w.bot.last(t).(type) {
	case webhook.FollowEvent:
		return e.ReplyToken
	case webhook.MessageEvent:
		return e.ReplyToken
	case webhook.PostbackEvent:
		return e.ReplyToken
	}
	t.Fatalf("the newest event %T has no reply token", w.bot.last(t))
	return ""
}

func text(s string) messaging_api.MessageInterface {
	return &messaging_api.TextMessage{Text: s}
}

func texts(n int) []messaging_api.MessageInterface {
	out := make([]messaging_api.MessageInterface, n)
	for i := range out {
		out[i] = text("こんにちは")
	}
	return out
}

func status(res *http.Response) int {
	if res == nil {
		return 0
	}
	return res.StatusCode
}
