// Package linesim simulates the LINE platform for the playground and for
// end-to-end tests.
//
// A Sim plays both sides the bot talks to: a fake Messaging API
// (APIHandler) that checks requests the way LINE does and records every
// message the bot sends, and simulated users (Follow, Say, Tap) whose actions
// become signed webhook calls to the bot. PageHandler puts a chat page in
// front of the simulated users so a person can talk to the bot in a browser.
//
// Webhook bodies are built from the SDK's linebot/webhook types and requests
// are decoded with its linebot/messaging_api types, so the wire format is the
// one the real SDK reads and writes.
package linesim

import (
	"net/http"
	"sync"
	"time"
)

// Options configures a Sim.
type Options struct {
	// ChannelSecret signs webhook bodies (X-Line-Signature).
	ChannelSecret string
	// AccessToken is the channel access token the API expects as a bearer token.
	AccessToken string
	// WebhookURL is the bot's /line/webhook; it may also be set later with
	// SetWebhookURL once the bot listens.
	WebhookURL string
	// Client posts webhooks; nil means a client with a 30 s timeout.
	Client *http.Client
	// Now is the simulator's clock (reply token expiry, retry key lifetime,
	// timestamps); nil means time.Now.
	Now func() time.Time
}

// Timing rules of the platform the simulator enforces.
const (
	replyTokenTTL = 60 * time.Second
	retryKeyTTL   = 24 * time.Hour
)

// Sim is a simulated LINE platform. All methods are safe for concurrent use.
type Sim struct {
	secret      string
	token       string
	destination string // the bot's own user ID, sent as "destination"
	client      *http.Client
	now         func() time.Time

	mu         sync.Mutex
	changed    chan struct{} // closed and replaced on every change: a broadcast to waiters
	closed     chan struct{}
	closeOnce  sync.Once
	webhookURL string
	users      map[string]*user
	order      []string // user IDs in creation order, for a stable list on the page
	replyTok   map[string]replyToken
	retryKeys  map[string]acceptedRequest
	calls      map[string]int
	faults     map[string][]fault
	quotaLimit int64 // <= 0: no limit ("none")
	quotaUsed  int64
	messageID  int64
	last       *sentWebhook
}

// replyToken is one issued reply token: who it answers and when it was issued.
type replyToken struct {
	userID string
	issued time.Time
}

// acceptedRequest remembers a push or multicast accepted under a retry key,
// so a repeat can be answered 409 like LINE does.
type acceptedRequest struct {
	at        time.Time
	requestID string
	sent      []sentMessage
}

// New returns a simulator with no users.
func New(opts Options) *Sim {
	client := opts.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Sim{
		secret:      opts.ChannelSecret,
		token:       opts.AccessToken,
		destination: newUserID(),
		client:      client,
		now:         now,
		changed:     make(chan struct{}),
		closed:      make(chan struct{}),
		webhookURL:  opts.WebhookURL,
		users:       make(map[string]*user),
		replyTok:    make(map[string]replyToken),
		retryKeys:   make(map[string]acceptedRequest),
		calls:       make(map[string]int),
		faults:      make(map[string][]fault),
		messageID:   600000000000000000,
	}
}

// SetWebhookURL sets where webhooks are posted: the bot's /line/webhook.
func (s *Sim) SetWebhookURL(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhookURL = url
}

// Destination is the bot's user ID the simulator sends as "destination".
func (s *Sim) Destination() string { return s.destination }

// SetQuota sets the monthly message quota the API reports and enforces:
// limit <= 0 means no limit, used is the consumption so far. Pushes and
// multicasts beyond the limit are answered 429 like LINE; replies are free.
func (s *Sim) SetQuota(limit, used int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.quotaLimit, s.quotaUsed = limit, used
}

// Close wakes every long-poll of the chat page so a server shutting down is
// not held up by them. The simulator keeps working otherwise.
func (s *Sim) Close() {
	s.closeOnce.Do(func() { close(s.closed) })
}

// notifyLocked wakes everyone waiting for a change. s.mu must be held.
func (s *Sim) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}
