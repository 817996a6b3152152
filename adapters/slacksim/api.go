package slacksim

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

const (
	maxAPIBody     = 1 << 20
	maxMessageText = 40000
)

// slackError is an {"ok":false} answer.
type slackError struct {
	code     string
	messages []string // response_metadata.messages, as invalid_blocks gives
	status   int      // 0 means 200, as Slack answers most errors
}

func fail(code string, messages ...string) *slackError {
	return &slackError{code: code, messages: messages}
}

// params are a call's arguments, from a form body, a query or a JSON body.
type params struct {
	form url.Values
	json map[string]json.RawMessage
}

// str reads an argument as text: a JSON string unquoted, other JSON values
// as written.
func (p params) str(key string) string {
	if p.json == nil {
		return p.form.Get(key)
	}
	raw, ok := p.json[key]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if string(raw) == "null" {
		return ""
	}
	return string(raw)
}

// raw reads an argument that holds JSON: a form field's text, or the JSON
// value itself.
func (p params) raw(key string) []byte {
	if p.json == nil {
		if v := p.form.Get(key); v != "" {
			return []byte(v)
		}
		return nil
	}
	raw, ok := p.json[key]
	if !ok || string(raw) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []byte(s) // JSON sent as a string, as some clients do
	}
	return raw
}

func (p params) flag(key string) bool {
	switch p.str(key) {
	case "1", "true":
		return true
	}
	return false
}

// method handles one Web API method after the common checks.
type method func(p params) (object, *slackError)

// APIHandler serves the fake Web API at its root (POST /chat.postMessage,
// ...) and the response_url endpoint (POST /response/{id}); mount it where
// the service's SLACK_API_URL points, directly or under http.StripPrefix.
func (s *Sim) APIHandler() http.Handler {
	methods := map[string]method{
		"auth.test":             s.authTest,
		"conversations.open":    s.conversationsOpen,
		"conversations.history": s.conversationsHistory,
		"conversations.members": s.conversationsMembers,
		"conversations.info":    s.conversationsInfo,
		"chat.postMessage":      s.chatPostMessage,
		"chat.postEphemeral":    s.chatPostEphemeral,
		"chat.update":           s.chatUpdate,
		"chat.delete":           s.chatDelete,
		"users.info":            s.usersInfo,
		"views.open":            s.viewsOpen,
		"views.push":            s.viewsPush,
		"views.update":          s.viewsUpdate,
		"views.publish":         s.viewsPublish,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /response/{id}", s.handleResponseURL)
	mux.HandleFunc("/{method}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("method")
		f, faulty := s.takeFault(name)
		if faulty && !f.drop {
			writeFault(w, f)
			return
		}
		var (
			out  object
			serr *slackError
		)
		p, serr := readParams(r)
		if serr == nil {
			serr = s.authorize(r, p)
		}
		if serr == nil {
			if m, ok := methods[name]; ok {
				out, serr = m(p)
			} else {
				serr = fail("unknown_method")
			}
		}
		if faulty {
			// The call took effect; now lose its answer, as a timeout or a
			// broken connection would.
			panic(http.ErrAbortHandler)
		}
		if serr != nil {
			writeSlackError(w, serr)
			return
		}
		out["ok"] = true
		writeJSON(w, http.StatusOK, out)
	})
	return mux
}

func writeFault(w http.ResponseWriter, f fault) {
	if f.retryAfter != "" {
		w.Header().Set("Retry-After", f.retryAfter)
	}
	switch {
	case f.slackError != "":
		writeJSON(w, http.StatusOK, object{"ok": false, "error": f.slackError})
	case f.status == http.StatusTooManyRequests:
		writeJSON(w, f.status, object{"ok": false, "error": "ratelimited"})
	default:
		// Slack answers 5xx with an HTML page, which slack-go does not read.
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.status)
		_, _ = io.WriteString(w, "<html><body>"+http.StatusText(f.status)+"</body></html>")
	}
}

func writeSlackError(w http.ResponseWriter, e *slackError) {
	body := object{"ok": false, "error": e.code}
	if len(e.messages) > 0 {
		body["response_metadata"] = object{"messages": e.messages}
	}
	status := e.status
	if status == 0 {
		status = http.StatusOK
	}
	writeJSON(w, status, body)
}

func readParams(r *http.Request) (params, *slackError) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxAPIBody+1))
	if err != nil || len(body) > maxAPIBody {
		return params{}, &slackError{code: "request_too_large", status: http.StatusRequestEntityTooLarge}
	}
	ctype, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ctype == "application/json" {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err != nil || m == nil {
			return params{}, fail("invalid_json")
		}
		return params{json: m}, nil
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return params{}, fail("invalid_form_data")
	}
	for k, v := range r.URL.Query() {
		if _, ok := form[k]; !ok {
			form[k] = v
		}
	}
	return params{form: form}, nil
}

// authorize checks the bot token: a bearer token, or the token argument of
// a form body, as Slack accepts both.
func (s *Sim) authorize(r *http.Request, p params) *slackError {
	token, bearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !bearer && p.json == nil {
		token = p.form.Get("token")
	}
	if token == "" {
		return fail("not_authed")
	}
	if s.token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(s.token)) != 1 {
		return fail("invalid_auth")
	}
	return nil
}

func (s *Sim) authTest(params) (object, *slackError) {
	return object{
		"url": "https://" + TeamDomain + ".slack.com/", "team": TeamName, "user": BotName,
		"team_id": TeamID, "user_id": BotUserID, "bot_id": BotID, "is_enterprise_install": false,
	}, nil
}

// channelObject is a conversation as conversations.* answer it.
func (s *Sim) channelObject(c *channel) object {
	o := object{"id": c.id, "created": 1700000000, "is_archived": false, "is_org_shared": false, "context_team_id": TeamID}
	if c.kind == kindIM {
		o["is_im"], o["user"], o["is_open"] = true, c.user, true
		return o
	}
	o["name"], o["is_channel"], o["is_private"], o["is_member"], o["is_im"] = c.name, true, false, true, false
	o["purpose"] = object{"value": c.purpose}
	o["num_members"] = len(c.members)
	return o
}

func (s *Sim) conversationsOpen(p params) (object, *slackError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id := p.str("channel"); id != "" {
		c, ok := s.channelLocked(id)
		if !ok || c.kind != kindIM {
			return nil, fail("channel_not_found")
		}
		return object{"channel": object{"id": c.id}, "no_op": true, "already_open": true}, nil
	}
	users := strings.Split(p.str("users"), ",")
	switch {
	case users[0] == "":
		return nil, fail("users_list_not_supplied")
	case len(users) > 1:
		return nil, fail("not_supported", "[ERROR] the simulator opens one-to-one DMs only")
	}
	if _, ok := s.people[users[0]]; !ok {
		return nil, fail("user_not_found")
	}
	_, existed := s.channels[DMChannel(users[0])]
	c := s.dmLocked(users[0])
	out := object{"channel": object{"id": c.id}}
	if p.flag("return_im") {
		out["channel"] = s.channelObject(c)
	}
	if existed {
		out["no_op"], out["already_open"] = true, true
	}
	return out, nil
}

func (s *Sim) conversationsInfo(p params) (object, *slackError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channelLocked(p.str("channel"))
	if !ok {
		return nil, fail("channel_not_found")
	}
	return object{"channel": s.channelObject(c)}, nil
}

// messageObject is a message as the Web API shows it.
func messageObject(m *Message, withMetadata bool) object {
	o := object{"type": "message", "ts": m.TS, "text": m.Text, "team": TeamID, "user": m.User}
	if m.User == BotUserID {
		o["bot_id"], o["app_id"] = BotID, AppID
		o["bot_profile"] = object{"id": BotID, "app_id": AppID, "name": BotName, "deleted": false, "team_id": TeamID}
	}
	if m.Blocks != nil {
		o["blocks"] = m.Blocks
	}
	if m.Edited {
		o["edited"] = object{"user": m.User, "ts": m.TS}
	}
	if withMetadata && m.Metadata != nil {
		o["metadata"] = m.Metadata
	}
	return o
}

// limit reads the limit parameter as Slack does: 100 when absent or 0, at
// most most.
func (p params) limit(most int) (int, *slackError) {
	l := p.str("limit")
	if l == "" {
		return 100, nil
	}
	n, err := strconv.Atoi(l)
	switch {
	case err != nil || n < 0:
		return 0, fail("invalid_limit")
	case n == 0:
		return 100, nil
	}
	return min(n, most), nil
}

func (s *Sim) conversationsHistory(p params) (object, *slackError) {
	limit, bad := p.limit(999)
	if bad != nil {
		return nil, bad
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channelLocked(p.str("channel"))
	if !ok {
		return nil, fail("channel_not_found")
	}
	latest, oldest := int64(1<<62), int64(0)
	if v, ok := parseTS(p.str("latest")); ok {
		latest = v
	}
	if v, ok := parseTS(p.str("oldest")); ok {
		oldest = v
	}
	before := int64(1 << 62) // a cursor pages on below the last ts given
	if cur := p.str("cursor"); cur != "" {
		ts, ok := decodeCursor("next_ts", cur)
		v, ok2 := parseTS(ts)
		if !ok || !ok2 {
			return nil, fail("invalid_cursor")
		}
		before = v
	}
	inclusive := p.flag("inclusive")
	withMeta := p.flag("include_all_metadata")
	msgs := []object{}
	hasMore := false
	var last string
	for i := len(c.msgs) - 1; i >= 0; i-- {
		m := c.msgs[i]
		us, _ := parseTS(m.TS)
		if m.Ephemeral || m.Note || us >= before || us > latest || us < oldest || (!inclusive && (us == latest || us == oldest)) {
			continue
		}
		if len(msgs) == limit {
			hasMore = true
			break
		}
		msgs = append(msgs, messageObject(m, withMeta))
		last = m.TS
	}
	next := ""
	if hasMore {
		next = encodeCursor("next_ts", last)
	}
	return object{"messages": msgs, "has_more": hasMore, "pin_count": 0,
		"channel_actions_ts": nil, "channel_actions_count": 0,
		"response_metadata": object{"next_cursor": next}}, nil
}

func (s *Sim) conversationsMembers(p params) (object, *slackError) {
	limit, bad := p.limit(1000)
	if bad != nil {
		return nil, bad
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channelLocked(p.str("channel"))
	if !ok {
		return nil, fail("channel_not_found")
	}
	all := append([]string{BotUserID}, c.members...)
	start := 0
	if cur := p.str("cursor"); cur != "" {
		id, ok := decodeCursor("user", cur)
		start = slices.Index(all, id)
		if !ok || start < 0 {
			return nil, fail("invalid_cursor")
		}
	}
	end := min(start+limit, len(all))
	next := ""
	if end < len(all) {
		next = encodeCursor("user", all[end])
	}
	return object{"members": all[start:end], "response_metadata": object{"next_cursor": next}}, nil
}

// userObject is a person (or the bot user) as users.info shows them.
func userObject(p Person, isBot bool) object {
	return object{
		"id": p.ID, "team_id": TeamID, "name": strings.ToLower(p.ID), "deleted": false,
		"real_name": p.RealName, "tz": "Asia/Tokyo", "tz_label": "Japan Standard Time", "tz_offset": 32400,
		"is_bot": isBot, "is_admin": false, "is_owner": false, "is_app_user": false, "locale": "ja-JP",
		"profile": object{
			"real_name": p.RealName, "real_name_normalized": p.RealName,
			"display_name": p.DisplayName, "display_name_normalized": p.DisplayName, "team": TeamID,
		},
	}
}

func (s *Sim) usersInfo(p params) (object, *slackError) {
	id := p.str("user")
	if id == BotUserID {
		u := userObject(Person{ID: BotUserID, RealName: BotName}, true)
		u["profile"].(object)["bot_id"] = BotID
		return object{"user": u}, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	person, ok := s.people[id]
	if !ok {
		return nil, fail("user_not_found")
	}
	return object{"user": userObject(person.Person, false)}, nil
}

// messageContent reads and checks text, blocks and metadata of a post.
func messageContent(p params) (Message, *slackError) {
	m := Message{Text: p.str("text")}
	if utf8.RuneCountInString(m.Text) > maxMessageText {
		m.Text = string([]rune(m.Text)[:maxMessageText]) // Slack truncates
	}
	if raw := p.raw("blocks"); raw != nil {
		blocks, problems := normalizeBlocks(raw, maxMessageBlocks)
		if len(problems) > 0 {
			return m, fail("invalid_blocks", problems...)
		}
		if len(blocks) > 0 {
			m.Blocks, _ = json.Marshal(blocks)
		}
	}
	if m.Text == "" && m.Blocks == nil && p.raw("attachments") == nil {
		return m, fail("no_text")
	}
	if raw := p.raw("metadata"); raw != nil {
		var md Metadata
		if err := json.Unmarshal(raw, &md); err != nil || md.EventType == "" {
			return m, fail("invalid_metadata_format")
		}
		m.Metadata = &md
	}
	return m, nil
}

// postTargetLocked finds the conversation of a post: a channel ID, a DM
// channel ID, or a user ID, which Slack takes as the DM with the app.
// s.mu must be held.
func (s *Sim) postTargetLocked(id string) (*channel, *slackError) {
	if _, ok := s.people[id]; ok {
		return s.dmLocked(id), nil
	}
	if name, ok := strings.CutPrefix(id, "#"); ok {
		for _, cid := range s.chanOrder {
			if s.channels[cid].name == name {
				return s.channels[cid], nil
			}
		}
	}
	c, ok := s.channelLocked(id)
	if !ok {
		return nil, fail("channel_not_found")
	}
	return c, nil
}

func (s *Sim) chatPostMessage(p params) (object, *slackError) {
	m, e := messageContent(p)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.postTargetLocked(p.str("channel"))
	if e != nil {
		return nil, e
	}
	m.User, m.Via = BotUserID, "chat.postMessage"
	posted := s.postLocked(c, m)
	return object{"channel": c.id, "ts": posted.TS, "message": messageObject(posted, true)}, nil
}

func (s *Sim) chatPostEphemeral(p params) (object, *slackError) {
	m, e := messageContent(p)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.postTargetLocked(p.str("channel"))
	if e != nil {
		return nil, e
	}
	user := p.str("user")
	if _, ok := s.people[user]; !ok {
		return nil, fail("user_not_found")
	}
	if !c.isMember(user) {
		return nil, fail("user_not_in_channel")
	}
	m.User, m.Via, m.Ephemeral, m.VisibleTo, m.Metadata = BotUserID, "chat.postEphemeral", true, user, nil
	posted := s.postLocked(c, m)
	return object{"message_ts": posted.TS}, nil
}

func (s *Sim) chatUpdate(p params) (object, *slackError) {
	m, e := messageContent(p)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, i, ok := s.findMessageLocked(p.str("channel"), p.str("ts"))
	switch {
	case c == nil:
		return nil, fail("channel_not_found")
	case !ok:
		return nil, fail("message_not_found")
	case c.msgs[i].User != BotUserID || c.msgs[i].Ephemeral:
		return nil, fail("cant_update_message")
	}
	old := c.msgs[i]
	old.Text, old.Blocks, old.Edited = m.Text, m.Blocks, true
	if m.Metadata != nil {
		old.Metadata = m.Metadata
	}
	s.notifyLocked()
	return object{"channel": c.id, "ts": old.TS, "text": old.Text, "message": messageObject(old, true)}, nil
}

func (s *Sim) chatDelete(p params) (object, *slackError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, i, ok := s.findMessageLocked(p.str("channel"), p.str("ts"))
	switch {
	case c == nil:
		return nil, fail("channel_not_found")
	case !ok:
		return nil, fail("message_not_found")
	case c.msgs[i].User != BotUserID || c.msgs[i].Ephemeral:
		return nil, fail("cant_delete_message")
	}
	ts := c.msgs[i].TS
	c.msgs = slices.Delete(c.msgs, i, i+1)
	s.notifyLocked()
	return object{"channel": c.id, "ts": ts}, nil
}

func invalidView(problems []string) *slackError { return fail("invalid_arguments", problems...) }

func (s *Sim) viewsOpen(p params) (object, *slackError) {
	v, problems := parseView(p.raw("view"), "modal")
	if problems != nil {
		return nil, invalidView(problems)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	person, code := s.takeTriggerLocked(p.str("trigger_id"))
	if code != "" {
		return nil, fail(code)
	}
	s.openModalLocked(person, v)
	return object{"view": v.object(false)}, nil
}

func (s *Sim) viewsPush(p params) (object, *slackError) {
	v, problems := parseView(p.raw("view"), "modal")
	if problems != nil {
		return nil, invalidView(problems)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	person, code := s.takeTriggerLocked(p.str("trigger_id"))
	if code != "" {
		return nil, fail(code)
	}
	if len(person.modals) == 0 {
		return nil, fail("not_found")
	}
	if !s.pushModalLocked(person, v) {
		return nil, fail("push_limit_reached")
	}
	return object{"view": v.object(false)}, nil
}

func (s *Sim) viewsUpdate(p params) (object, *slackError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var (
		v  *view
		ok bool
	)
	switch id, ext := p.str("view_id"), p.str("external_id"); {
	case id != "":
		v, ok = s.views[id]
	case ext != "":
		v, ok = s.viewByExternalLocked(ext)
	default:
		return nil, fail("invalid_arguments", "[ERROR] view_id or external_id is required")
	}
	if !ok {
		return nil, fail("not_found")
	}
	if h := p.str("hash"); h != "" && h != v.hash {
		return nil, fail("hash_conflict")
	}
	next, problems := parseView(p.raw("view"), v.typ)
	if problems != nil {
		return nil, invalidView(problems)
	}
	s.replaceViewLocked(v, next)
	s.notifyLocked()
	return object{"view": v.object(false)}, nil
}

func (s *Sim) viewsPublish(p params) (object, *slackError) {
	next, problems := parseView(p.raw("view"), "home")
	if problems != nil {
		return nil, invalidView(problems)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	person, ok := s.people[p.str("user_id")]
	if !ok {
		return nil, fail("user_not_found")
	}
	if person.home == "" {
		s.registerViewLocked(next, person.ID)
		person.home = next.id
		s.notifyLocked()
		return object{"view": next.object(false)}, nil
	}
	v := s.views[person.home]
	if h := p.str("hash"); h != "" && h != v.hash {
		return nil, fail("hash_conflict")
	}
	s.replaceViewLocked(v, next)
	s.notifyLocked()
	return object{"view": v.object(false)}, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	// An encoding error means the client went away: nobody is left to tell.
	_ = json.NewEncoder(w).Encode(v)
}
