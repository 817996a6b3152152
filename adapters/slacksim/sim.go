// Package slacksim simulates a Slack workspace for the playground and for
// end-to-end tests.
//
// A Sim plays both sides the bot talks to: a fake Slack Web API
// (APIHandler) that checks requests the way Slack does and keeps every
// message, modal and Home tab the bot publishes, and simulated people
// (SendDM, Command, Click, Submit, OpenHome) whose actions become signed
// requests to the bot's /slack/events, /slack/commands and
// /slack/interactions. PageHandler puts a Slack-like workspace page in front
// of the simulated people so a person can use the bot in a browser.
//
// Events are built from slack-go's slackevents types, requests are read the
// way slack-go writes them (form bodies, JSON for views.*), and answers have
// the shapes of Slack's, so the wire format is the one the real SDK reads.
// Blocks are kept as the bot sent them (with the block and action IDs Slack
// fills in), never interpreted beyond what a click or a form needs.
package slacksim

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// The workspace the simulator plays.
const (
	TeamID     = "T0TSUNAGU"
	TeamDomain = "tsunagu-playground"
	TeamName   = "tsunagu playground"
	AppID      = "A0TSUNAGU"
	BotID      = "B0TSUNAGU"
	// BotUserID is the bot user the app posts as.
	BotUserID = "U0TSUNAGUBOT"
	BotName   = "tsunagu"

	// GeneralChannel is #general, which everyone joins.
	GeneralChannel = "C0GENERAL"
	// CoordinatorChannel is #tsunagu-coordinators, where only coordinators
	// are members.
	CoordinatorChannel = "C0COORD"

	// DefaultMember and DefaultCoordinator are the people every workspace
	// starts with.
	DefaultMember      = "U0MEMBER1"
	DefaultCoordinator = "U0COORD1"
)

// Timing rules of the platform the simulator enforces.
const (
	triggerTTL      = 3 * time.Second
	responseURLTTL  = 30 * time.Minute
	responseURLUses = 5
	// ackDeadline is how long Slack waits for the app to answer a request.
	ackDeadline = 3 * time.Second
)

// Options configures a Sim.
type Options struct {
	// SigningSecret signs the requests to the service.
	SigningSecret string
	// BotToken is the bot token the Web API expects.
	BotToken string
	// ServiceURL is the service's base URL: requests go to its
	// /slack/events, /slack/commands and /slack/interactions. It may also be
	// set later with SetServiceURL once the service listens.
	ServiceURL string
	// APIURL is where APIHandler is reachable from the service, with a
	// trailing slash (the service's SLACK_API_URL); response_url values are
	// made from it.
	APIURL string
	// Client posts to the service; nil means a client with a 30 s timeout.
	Client *http.Client
	// Now is the simulator's clock (timestamps, trigger and response_url
	// expiry); nil means time.Now.
	Now func() time.Time
}

// Sim is a simulated Slack workspace. All methods are safe for concurrent
// use.
type Sim struct {
	secret string
	token  string
	apiURL string
	client *http.Client
	now    func() time.Time

	mu         sync.Mutex
	changed    chan struct{} // closed and replaced on every change: a broadcast to waiters
	version    int64         // counts changes, for the page's long-poll
	closed     chan struct{}
	closeOnce  sync.Once
	serviceURL string
	people     map[string]*person
	order      []string // person IDs in creation order
	channels   map[string]*channel
	chanOrder  []string
	views      map[string]*view // by view ID, modals and Home tabs
	triggers   map[string]trigger
	responses  map[string]*responseURL
	lastTS     int64 // microseconds of the newest ts handed out
	calls      map[string]int
	faults     map[string][]fault
	last       *sentEvent
}

// New returns a workspace with #general, #tsunagu-coordinators and two
// people: DefaultMember 田中 花子 and DefaultCoordinator 山本 さくら, the only
// member of the coordinator channel.
func New(opts Options) *Sim {
	client := opts.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	apiURL := opts.APIURL
	if apiURL != "" && !strings.HasSuffix(apiURL, "/") {
		apiURL += "/"
	}
	s := &Sim{
		secret:     opts.SigningSecret,
		token:      opts.BotToken,
		apiURL:     apiURL,
		client:     client,
		now:        now,
		changed:    make(chan struct{}),
		closed:     make(chan struct{}),
		serviceURL: strings.TrimRight(opts.ServiceURL, "/"),
		people:     make(map[string]*person),
		channels:   make(map[string]*channel),
		views:      make(map[string]*view),
		triggers:   make(map[string]trigger),
		responses:  make(map[string]*responseURL),
		calls:      make(map[string]int),
		faults:     make(map[string][]fault),
	}
	s.addChannelLocked(GeneralChannel, "general", "誰でも話せるチャンネル")
	s.addChannelLocked(CoordinatorChannel, "tsunagu-coordinators", "コーディネーター用: tsunagu のお知らせが届きます")
	s.addPersonLocked(DefaultMember, "田中 花子", "はなこ")
	s.addPersonLocked(DefaultCoordinator, "山本 さくら", "さくら")
	s.channels[CoordinatorChannel].join(DefaultCoordinator)
	return s
}

// SetServiceURL sets the service's base URL, whose /slack/... endpoints the
// simulated people call.
func (s *Sim) SetServiceURL(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.serviceURL = strings.TrimRight(url, "/")
}

// Close wakes every long-poll of the page so a server shutting down is not
// held up by them. The simulator keeps working otherwise.
func (s *Sim) Close() {
	s.closeOnce.Do(func() { close(s.closed) })
}

// notifyLocked wakes everyone waiting for a change. s.mu must be held.
func (s *Sim) notifyLocked() {
	s.version++
	close(s.changed)
	s.changed = make(chan struct{})
}

// tsLocked returns a new message timestamp: Slack's "seconds.micro", unique
// and increasing in the workspace. s.mu must be held.
func (s *Sim) tsLocked() string {
	us := max(s.now().UnixMicro(), s.lastTS+1)
	s.lastTS = us
	return formatTS(us)
}
