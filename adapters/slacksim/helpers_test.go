package slacksim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

const (
	testSecret = "s3cret"
	testToken  = "xoxb-t0ken"
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

// reply is how the fake service answers a request.
type reply struct {
	status int
	ctype  string
	body   string
}

// service stands in for the real service: it checks every request with
// slack-go exactly as the service's adapter does (the signing secret, then
// slackevents.ParseEvent, SlashCommandParse or an InteractionCallback) and
// records what it got.
type service struct {
	mu           sync.Mutex
	events       []slackevents.EventsAPIEvent
	eventIDs     []string
	retries      []string
	commands     []slack.SlashCommand
	interactions []slack.InteractionCallback
	// onCommand and onInteraction answer; nil means an empty 200.
	onCommand     func(slack.SlashCommand) reply
	onInteraction func(slack.InteractionCallback) reply
}

func (sv *service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	verifier, err := slack.NewSecretsVerifier(r.Header, testSecret)
	if err == nil {
		_, _ = verifier.Write(body)
		err = verifier.Ensure()
	}
	if err != nil {
		http.Error(w, "bad signature: "+err.Error(), http.StatusUnauthorized)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	var rep reply
	switch r.URL.Path {
	case PathEvents:
		ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		cb := ev.Data.(*slackevents.EventsAPICallbackEvent)
		sv.mu.Lock()
		sv.events = append(sv.events, ev)
		sv.eventIDs = append(sv.eventIDs, cb.EventID)
		sv.retries = append(sv.retries, r.Header.Get("X-Slack-Retry-Num"))
		sv.mu.Unlock()
	case PathCommands:
		cmd, err := slack.SlashCommandParse(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		sv.mu.Lock()
		sv.commands = append(sv.commands, cmd)
		on := sv.onCommand
		sv.mu.Unlock()
		if on != nil {
			rep = on(cmd)
		}
	case PathInteractions:
		cb, err := slack.InteractionCallbackParse(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		sv.mu.Lock()
		sv.interactions = append(sv.interactions, cb)
		on := sv.onInteraction
		sv.mu.Unlock()
		if on != nil {
			rep = on(cb)
		}
	default:
		http.NotFound(w, r)
		return
	}
	if rep.ctype != "" {
		w.Header().Set("Content-Type", rep.ctype)
	}
	if rep.status != 0 {
		w.WriteHeader(rep.status)
	}
	_, _ = io.WriteString(w, rep.body)
}

func (sv *service) lastEvent(t *testing.T) slackevents.EventsAPIEvent {
	t.Helper()
	sv.mu.Lock()
	defer sv.mu.Unlock()
	if len(sv.events) == 0 {
		t.Fatal("the service received no event")
	}
	return sv.events[len(sv.events)-1]
}

func (sv *service) lastInteraction(t *testing.T) slack.InteractionCallback {
	t.Helper()
	sv.mu.Lock()
	defer sv.mu.Unlock()
	if len(sv.interactions) == 0 {
		t.Fatal("the service received no interaction")
	}
	return sv.interactions[len(sv.interactions)-1]
}

func (sv *service) set(f func(*service)) {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	f(sv)
}

// world is a simulator wired to a fake service and a slack-go client on
// its Web API.
type world struct {
	sim     *Sim
	clock   *clock
	service *service
	api     *httptest.Server
	client  *slack.Client
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{clock: &clock{now: time.Date(2025, 4, 1, 10, 0, 0, 0, time.UTC)}, service: &service{}}
	svc := httptest.NewServer(w.service)
	t.Cleanup(svc.Close)
	w.api = httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(w.api.Close)
	w.sim = New(Options{
		SigningSecret: testSecret,
		BotToken:      testToken,
		ServiceURL:    svc.URL,
		APIURL:        w.api.URL,
		Client:        svc.Client(),
		Now:           w.clock.Now,
	})
	t.Cleanup(w.sim.Close)
	w.api.Config.Handler = w.sim.APIHandler()
	w.client = slack.New(testToken, slack.OptionAPIURL(w.api.URL+"/"), slack.OptionHTTPClient(w.api.Client()))
	return w
}

func jsonReply(v any) reply {
	b, _ := json.Marshal(v)
	return reply{ctype: "application/json", body: string(b)}
}

func button(actionID, label, value string) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actionID, value, slack.NewTextBlockObject(slack.PlainTextType, label, false, false))
}

func plainText(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}
