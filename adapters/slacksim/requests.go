package slacksim

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Paths of the service the simulated people call.
const (
	PathEvents       = "/slack/events"
	PathCommands     = "/slack/commands"
	PathInteractions = "/slack/interactions"
)

// Errors of the person-driving methods.
var (
	// ErrUnknownPerson: nobody in the workspace has this ID.
	ErrUnknownPerson = errors.New("unknown person")
	// ErrInvalid: the action itself is wrong (empty text, not a member of
	// the channel, a value the element does not offer).
	ErrInvalid = errors.New("invalid")
	// ErrNotFound: the message, view or element acted on is not there.
	ErrNotFound = errors.New("not found")
	// ErrNoService: no service URL is set, or there is nothing to redeliver.
	ErrNoService = errors.New("no service")
)

// ServiceError is returned when the service answers a request with a
// non-2xx status, later than Slack waits (3 s), or with an answer Slack
// would not accept.
type ServiceError struct {
	Path   string
	Status int
	Body   string // the start of the answer
	// Late is how long the answer took when it came after Slack's 3 s.
	Late time.Duration
	// Problem says what was wrong with a 200 answer.
	Problem string
}

func (e *ServiceError) Error() string {
	switch {
	case e.Late > 0:
		return fmt.Sprintf("%s answered after %s; Slack gives up after 3 s", e.Path, e.Late.Round(time.Millisecond))
	case e.Problem != "":
		return fmt.Sprintf("%s answered %s", e.Path, e.Problem)
	}
	return fmt.Sprintf("%s answered %d: %s", e.Path, e.Status, e.Body)
}

// InputError is returned by Submit when Slack's client would not send the
// form: a required input is empty or a value breaks the element's limits.
// The messages are shown under the blocks, as Slack does.
type InputError struct{ Errors map[string]string }

func (e *InputError) Error() string {
	return fmt.Sprintf("slacksim: the form is not complete: %v", e.Errors)
}

// sentEvent is the last event posted, kept for Redeliver.
type sentEvent struct {
	body    []byte
	retries int
}

// Sign returns the X-Slack-Signature of a request body sent at timestamp
// (Unix seconds): v0= and the hex HMAC-SHA256 of "v0:<timestamp>:<body>".
func (s *Sim) Sign(timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(s.secret))
	fmt.Fprintf(mac, "v0:%d:", timestamp)
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// answer is the service's answer to one request.
type answer struct {
	status  int
	ctype   string
	body    []byte
	elapsed time.Duration
}

// post signs and posts a body to one of the service's paths. The signature
// timestamp is the wall clock, whatever the simulator's clock says: the
// service checks it against its own.
func (s *Sim) post(ctx context.Context, path, ctype string, body []byte, header http.Header) (answer, error) {
	s.mu.Lock()
	base := s.serviceURL
	s.mu.Unlock()
	if base == "" {
		return answer{}, fmt.Errorf("post %s: %w URL set", path, ErrNoService)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+path, bytes.NewReader(body))
	if err != nil {
		return answer{}, fmt.Errorf("post %s: %w", path, err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	stamp := time.Now().Unix()
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(stamp, 10))
	req.Header.Set("X-Slack-Signature", s.Sign(stamp, body))
	start := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		return answer{}, fmt.Errorf("post %s: %w", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return answer{status: resp.StatusCode, ctype: resp.Header.Get("Content-Type"), body: b, elapsed: time.Since(start)}, nil
}

// check turns a non-2xx or late answer into a ServiceError.
func (a answer) check(path string) error {
	if a.status/100 != 2 {
		body := string(bytes.TrimSpace(a.body))
		if len(body) > 300 {
			body = body[:300] + "…"
		}
		return &ServiceError{Path: path, Status: a.status, Body: body}
	}
	if a.elapsed > ackDeadline {
		return &ServiceError{Path: path, Status: a.status, Late: a.elapsed}
	}
	return nil
}

// personLocked returns a member. s.mu must be held.
func (s *Sim) personLocked(id string) (*person, error) {
	p, ok := s.people[id]
	if !ok {
		return nil, fmt.Errorf("%s: %w", id, ErrUnknownPerson)
	}
	return p, nil
}

func userRef(p *person) object {
	return object{"id": p.ID, "username": strings.ToLower(p.ID), "name": strings.ToLower(p.ID), "team_id": TeamID}
}

func teamRef() object { return object{"id": TeamID, "domain": TeamDomain} }

func channelName(c *channel) string {
	if c.kind == kindIM {
		return "directmessage"
	}
	return c.name
}

// responseURL is a response_url handed out with a command or a message
// interaction.
type responseURL struct {
	user, channel string
	original      string // ts of the message it replaces or deletes
	created       time.Time
	uses          int
}

// newResponseURLLocked hands out a response_url; without an APIURL there
// is none. s.mu must be held.
func (s *Sim) newResponseURLLocked(user, channelID, original string) (string, *responseURL) {
	ru := &responseURL{user: user, channel: channelID, original: original, created: s.now()}
	if s.apiURL == "" {
		return "", ru
	}
	id := randomString(alnum, 24)
	s.responses[id] = ru
	return s.apiURL + "response/" + id, ru
}

// SendDM makes the person write to the bot in their DM: a message.im event.
func (s *Sim) SendDM(ctx context.Context, personID, text string) error {
	return s.Say(ctx, personID, DMChannel(personID), text)
}

// Say makes the person write in a conversation. In the DM with the bot it
// becomes a message event; in a channel it is only shown, as the app is not
// subscribed to channel messages.
func (s *Sim) Say(ctx context.Context, personID, channelID, text string) error {
	if strings.TrimSpace(text) == "" {
		return fmt.Errorf("slacksim: say: %w: empty text", ErrInvalid)
	}
	s.mu.Lock()
	p, err := s.personLocked(personID)
	if err != nil {
		s.mu.Unlock()
		return fmt.Errorf("slacksim: say: %w", err)
	}
	c, ok := s.channelLocked(channelID)
	if !ok || (c.kind == kindIM && c.user != p.ID) || !c.isMember(p.ID) {
		s.mu.Unlock()
		return fmt.Errorf("slacksim: say in %s: %w: %s is not a member", channelID, ErrInvalid, personID)
	}
	m := s.postLocked(c, Message{User: p.ID, Text: text, Via: "person"})
	s.mu.Unlock()
	if c.kind != kindIM {
		return nil
	}
	return s.sendEvent(ctx, personID, c.id, dmEvent(m))
}

// OpenHome makes the person open the app's Home tab: an app_home_opened
// event with the Home view the app published, if any.
func (s *Sim) OpenHome(ctx context.Context, personID string) error {
	return s.openApp(ctx, personID, "home")
}

// openApp sends app_home_opened for the Home ("home") or Messages
// ("messages") tab of the app.
func (s *Sim) openApp(ctx context.Context, personID, tab string) error {
	s.mu.Lock()
	p, err := s.personLocked(personID)
	if err != nil {
		s.mu.Unlock()
		return fmt.Errorf("slacksim: open home: %w", err)
	}
	ev := appHomeOpened{Type: "app_home_opened", User: p.ID, Channel: s.dmLocked(p.ID).id, Tab: tab, EventTS: s.tsLocked()}
	if v, ok := s.views[p.home]; ok && tab == "home" {
		ev.View, _ = json.Marshal(v.object(true))
	}
	s.mu.Unlock()
	return s.sendEvent(ctx, personID, DMChannel(personID), ev)
}

// Command makes the person type a slash command ("/tsunagu join") in a
// conversation. The service's answer is shown as Slack shows it: as an
// ephemeral message to the person, or in the channel for response_type
// in_channel.
func (s *Sim) Command(ctx context.Context, personID, channelID, line string) error {
	line = strings.TrimSpace(line)
	name, text, _ := strings.Cut(line, " ")
	if len(name) < 2 || name[0] != '/' {
		return fmt.Errorf("slacksim: command: %w: %q is not a slash command", ErrInvalid, line)
	}
	s.mu.Lock()
	p, err := s.personLocked(personID)
	if err != nil {
		s.mu.Unlock()
		return fmt.Errorf("slacksim: command: %w", err)
	}
	c, ok := s.channelLocked(channelID)
	if !ok || (c.kind == kindIM && c.user != p.ID) || !c.isMember(p.ID) {
		s.mu.Unlock()
		return fmt.Errorf("slacksim: command in %s: %w: %s is not a member", channelID, ErrInvalid, personID)
	}
	respURL, ru := s.newResponseURLLocked(p.ID, c.id, "")
	form := url.Values{
		"token": {"simulated-verification-token"}, "team_id": {TeamID}, "team_domain": {TeamDomain},
		"channel_id": {c.id}, "channel_name": {channelName(c)}, "user_id": {p.ID}, "user_name": {strings.ToLower(p.ID)},
		"command": {name}, "text": {strings.TrimSpace(text)}, "api_app_id": {AppID}, "is_enterprise_install": {"false"},
		"response_url": {respURL}, "trigger_id": {s.issueTriggerLocked(p.ID)},
	}
	s.mu.Unlock()

	a, err := s.post(ctx, PathCommands, "application/x-www-form-urlencoded", []byte(form.Encode()), nil)
	if err == nil {
		err = a.check(PathCommands)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		code := "http_service_error"
		var se *ServiceError
		if errors.As(err, &se) && se.Late > 0 {
			code = "operation_timeout"
		} else if !errors.As(err, &se) {
			code = "dispatch_failed"
		}
		s.noteLocked(c.id, p.ID, fmt.Sprintf("%s がエラー「%s」で失敗しました（%v）", name, code, err))
		return fmt.Errorf("slacksim: command %s: %w", name, err)
	}
	msg, inChannel, problem := commandAnswer(a)
	if problem != "" {
		s.noteLocked(c.id, p.ID, name+" の応答を表示できません: "+problem)
		return fmt.Errorf("slacksim: command %s: %w", name, &ServiceError{Path: PathCommands, Status: a.status, Problem: problem})
	}
	if msg == nil {
		return nil // an empty 200: Slack shows nothing
	}
	msg.User, msg.Via, msg.Command = BotUserID, "command", line
	if inChannel {
		s.postLocked(c, Message{User: p.ID, Text: line, Via: "person"})
	} else {
		msg.Ephemeral, msg.VisibleTo = true, p.ID
	}
	ru.original = s.postLocked(c, *msg).TS
	return nil
}

// commandAnswer reads the answer to a slash command: empty (nothing to
// show), JSON {response_type, text, blocks} or plain text.
func commandAnswer(a answer) (msg *Message, inChannel bool, problem string) {
	body := bytes.TrimSpace(a.body)
	if len(body) == 0 {
		return nil, false, ""
	}
	if !strings.HasPrefix(a.ctype, "application/json") {
		return &Message{Text: string(body)}, false, ""
	}
	var r struct {
		ResponseType string          `json:"response_type"`
		Text         string          `json:"text"`
		Blocks       json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, false, "invalid JSON: " + err.Error()
	}
	m := &Message{Text: r.Text}
	if r.Blocks != nil {
		blocks, problems := normalizeBlocks(r.Blocks, maxMessageBlocks)
		if len(problems) > 0 {
			return nil, false, "invalid_blocks: " + strings.Join(problems, "; ")
		}
		if len(blocks) > 0 {
			m.Blocks, _ = json.Marshal(blocks)
		}
	}
	if m.Text == "" && m.Blocks == nil {
		return nil, false, ""
	}
	return m, r.ResponseType == "in_channel", ""
}

// handleResponseURL serves POST /response/{id}: the app answering a
// command or an interaction later, as Slack's response_url does.
func (s *Sim) handleResponseURL(w http.ResponseWriter, r *http.Request) {
	if f, faulty := s.takeFault(MethodResponseURL); faulty {
		if f.drop {
			panic(http.ErrAbortHandler)
		}
		writeFault(w, f)
		return
	}
	var req struct {
		Text            string          `json:"text"`
		Blocks          json.RawMessage `json:"blocks"`
		ResponseType    string          `json:"response_type"`
		ReplaceOriginal bool            `json:"replace_original"`
		DeleteOriginal  bool            `json:"delete_original"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, maxAPIBody)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, object{"ok": false, "error": "invalid_json"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ru, ok := s.responses[r.PathValue("id")]
	switch {
	case !ok || s.now().Sub(ru.created) > responseURLTTL:
		writeJSON(w, http.StatusNotFound, object{"ok": false, "error": "expired_url"})
		return
	case ru.uses >= responseURLUses:
		writeJSON(w, http.StatusNotFound, object{"ok": false, "error": "used_url"})
		return
	}
	ru.uses++
	c, i, found := s.findMessageLocked(ru.channel, ru.original)
	if req.DeleteOriginal {
		if found {
			c.msgs = append(c.msgs[:i], c.msgs[i+1:]...)
			s.notifyLocked()
		}
		writeJSON(w, http.StatusOK, object{"ok": true})
		return
	}
	m := Message{Text: req.Text, User: BotUserID, Via: "response_url"}
	if req.Blocks != nil {
		blocks, problems := normalizeBlocks(req.Blocks, maxMessageBlocks)
		if len(problems) > 0 {
			writeJSON(w, http.StatusBadRequest, object{"ok": false, "error": "invalid_blocks", "response_metadata": object{"messages": problems}})
			return
		}
		if len(blocks) > 0 {
			m.Blocks, _ = json.Marshal(blocks)
		}
	}
	if m.Text == "" && m.Blocks == nil {
		writeJSON(w, http.StatusBadRequest, object{"ok": false, "error": "no_text"})
		return
	}
	if req.ReplaceOriginal && found {
		old := c.msgs[i]
		old.Text, old.Blocks, old.Edited = m.Text, m.Blocks, true
		s.notifyLocked()
		writeJSON(w, http.StatusOK, object{"ok": true})
		return
	}
	c, ok = s.channelLocked(ru.channel)
	if !ok {
		writeJSON(w, http.StatusNotFound, object{"ok": false, "error": "channel_not_found"})
		return
	}
	if req.ResponseType != "in_channel" {
		m.Ephemeral, m.VisibleTo = true, ru.user
	}
	ru.original = s.postLocked(c, m).TS
	writeJSON(w, http.StatusOK, object{"ok": true})
}
