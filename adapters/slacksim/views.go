package slacksim

import (
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// maxModalStack is how many modals Slack stacks.
const maxModalStack = 3

// Entered is what a person entered in a view: block_id → action_id → the
// values (a text, option values, a date "2006-01-02", a time "15:04", user
// or conversation IDs). Elements not in it keep their initial values.
type Entered map[string]map[string][]string

// view is a modal or a Home tab the app opened or published.
type view struct {
	id, typ, user               string
	callbackID, privateMetadata string
	externalID, hash            string
	rootID, previousID          string
	title, submit, close        json.RawMessage
	blocks                      []object
	clearOnClose, notifyOnClose bool
	entered                     Entered
	errors                      map[string]string
	failure                     string // the last submission did not reach the app
}

// View is a modal or Home tab as a person sees it.
type View struct {
	ID              string
	Type            string // "modal" or "home"
	CallbackID      string
	PrivateMetadata string
	ExternalID      string
	Hash            string
	Title           string
	Submit          string
	Close           string
	Blocks          json.RawMessage
	NotifyOnClose   bool
	// Errors are the messages under input blocks from a response_action
	// errors answer (or the simulator's own checks), by block_id.
	Errors map[string]string
	// Entered is what was entered when the view was last submitted or
	// acted in.
	Entered Entered
}

// Buttons lists the view's buttons in reading order.
func (v View) Buttons() []Button { return blockButtons(v.Blocks) }

// AllText is the view's title and every text of its blocks, one per line.
func (v View) AllText() string {
	return strings.Join(append([]string{v.Title}, blockTexts(v.Blocks)...), "\n")
}

func (v *view) public() View {
	blocks, _ := json.Marshal(v.blocks)
	return View{
		ID: v.id, Type: v.typ, CallbackID: v.callbackID, PrivateMetadata: v.privateMetadata,
		ExternalID: v.externalID, Hash: v.hash, Title: textOfRaw(v.title), Submit: textOfRaw(v.submit),
		Close: textOfRaw(v.close), Blocks: blocks, NotifyOnClose: v.notifyOnClose,
		Errors: maps.Clone(v.errors), Entered: cloneEntered(v.entered),
	}
}

func textOfRaw(raw json.RawMessage) string {
	var t struct {
		Text string `json:"text"`
	}
	_ = json.Unmarshal(raw, &t)
	return t.Text
}

func cloneEntered(e Entered) Entered {
	if e == nil {
		return nil
	}
	out := make(Entered, len(e))
	for b, acts := range e {
		out[b] = make(map[string][]string, len(acts))
		for a, v := range acts {
			out[b][a] = append([]string(nil), v...)
		}
	}
	return out
}

// object is the view as Slack shows it in API answers and payloads: with
// its state when withState is set.
func (v *view) object(withState bool) object {
	o := object{
		"id": v.id, "team_id": TeamID, "type": v.typ, "blocks": v.blocks,
		"private_metadata": v.privateMetadata, "callback_id": v.callbackID, "external_id": v.externalID,
		"state": object{"values": object{}}, "hash": v.hash,
		"clear_on_close": v.clearOnClose, "notify_on_close": v.notifyOnClose,
		"root_view_id": nilIfEmpty(v.rootID), "previous_view_id": nilIfEmpty(v.previousID),
		"app_id": AppID, "app_installed_team_id": TeamID, "bot_id": BotID,
	}
	if v.blocks == nil {
		o["blocks"] = []object{}
	}
	for k, raw := range map[string]json.RawMessage{"title": v.title, "submit": v.submit, "close": v.close} {
		if raw != nil {
			o[k] = raw
		} else {
			o[k] = nil
		}
	}
	if withState {
		values, _ := stateValues(v.blocks, v.entered) // entered values were checked when they came
		o["state"] = object{"values": values}
	}
	return o
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// viewRequest is a view as an app sends it (views.*, response_action).
type viewRequest struct {
	Type            string          `json:"type"`
	Title           json.RawMessage `json:"title"`
	Submit          json.RawMessage `json:"submit"`
	Close           json.RawMessage `json:"close"`
	Blocks          json.RawMessage `json:"blocks"`
	PrivateMetadata string          `json:"private_metadata"`
	CallbackID      string          `json:"callback_id"`
	ExternalID      string          `json:"external_id"`
	ClearOnClose    bool            `json:"clear_on_close"`
	NotifyOnClose   bool            `json:"notify_on_close"`
}

// parseView reads and checks a view the app sent; wantType is "modal" or
// "home". It returns Slack's problems for invalid_arguments.
func parseView(raw []byte, wantType string) (*view, []string) {
	var req viewRequest
	if err := json.Unmarshal(raw, &req); err != nil || len(raw) == 0 {
		return nil, []string{"[ERROR] failed to match all allowed schemas [json-pointer:/view]"}
	}
	var problems []string
	bad := func(msg, ptr string, args ...any) {
		problems = append(problems, fmt.Sprintf("[ERROR] "+msg+" [json-pointer:/view"+ptr+"]", args...))
	}
	if req.Type != wantType {
		bad("must be %q", "/type", wantType)
	}
	blocks, blockProblems := normalizeBlocks(req.Blocks, maxViewBlocks)
	for _, p := range blockProblems {
		problems = append(problems, strings.Replace(p, "[json-pointer:/blocks", "[json-pointer:/view/blocks", 1))
	}
	if req.Blocks == nil {
		bad("must provide blocks", "/blocks")
	}
	if wantType == "modal" {
		for name, raw := range map[string]json.RawMessage{"title": req.Title, "submit": req.Submit, "close": req.Close} {
			if raw == nil {
				continue
			}
			var t struct{ Type, Text string }
			if json.Unmarshal(raw, &t) != nil || t.Type != "plain_text" {
				bad("must be a plain_text text object", "/"+name)
			} else if n := utf8.RuneCountInString(t.Text); n == 0 || n > maxViewTitle {
				bad("must be 1 to %d characters", "/"+name+"/text", maxViewTitle)
			}
		}
		if req.Title == nil {
			bad("must provide a title", "/title")
		}
		hasInput := false
		for _, b := range blocks {
			hasInput = hasInput || str(b, "type") == "input"
		}
		if hasInput && req.Submit == nil {
			bad("submit is required when an input block is present", "/submit")
		}
	}
	if utf8.RuneCountInString(req.PrivateMetadata) > 3000 {
		bad("must be less than 3001 characters", "/private_metadata")
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return &view{
		typ: req.Type, callbackID: req.CallbackID, privateMetadata: req.PrivateMetadata, externalID: req.ExternalID,
		title: req.Title, submit: req.Submit, close: req.Close, blocks: blocks,
		clearOnClose: req.ClearOnClose, notifyOnClose: req.NotifyOnClose,
	}, nil
}

// newHash returns a view hash shaped like Slack's.
func (s *Sim) newHash() string {
	return strconv.FormatInt(s.now().Unix(), 10) + "." + randomString("0123456789abcdefABCDEF", 8)
}

// registerViewLocked gives a new view its ID and hash. s.mu must be held.
func (s *Sim) registerViewLocked(v *view, user string) {
	v.id = newID("V")
	v.user = user
	v.hash = s.newHash()
	s.views[v.id] = v
}

// replaceViewLocked puts the content of next into v, as views.update and
// response_action update do: the ID, stack place and what was entered stay.
// s.mu must be held.
func (s *Sim) replaceViewLocked(v, next *view) {
	v.typ, v.callbackID, v.privateMetadata = next.typ, next.callbackID, next.privateMetadata
	if next.externalID != "" {
		v.externalID = next.externalID
	}
	v.title, v.submit, v.close, v.blocks = next.title, next.submit, next.close, next.blocks
	v.clearOnClose, v.notifyOnClose = next.clearOnClose, next.notifyOnClose
	v.errors, v.failure = nil, ""
	v.hash = s.newHash()
}

// viewByExternalLocked finds a view by its external_id. s.mu must be held.
func (s *Sim) viewByExternalLocked(ext string) (*view, bool) {
	for _, v := range s.views {
		if v.externalID == ext {
			return v, true
		}
	}
	return nil, false
}

// topModalLocked returns the person's top modal. s.mu must be held.
func (s *Sim) topModalLocked(p *person) (*view, bool) {
	if len(p.modals) == 0 {
		return nil, false
	}
	return s.views[p.modals[len(p.modals)-1]], true
}

// openModalLocked replaces the person's stack with one modal. s.mu must be
// held.
func (s *Sim) openModalLocked(p *person, v *view) {
	s.dropModalsLocked(p, 0)
	s.registerViewLocked(v, p.ID)
	v.rootID = v.id
	p.modals = []string{v.id}
	s.notifyLocked()
}

// pushModalLocked stacks a modal. s.mu must be held.
func (s *Sim) pushModalLocked(p *person, v *view) bool {
	if len(p.modals) == 0 || len(p.modals) >= maxModalStack {
		return false
	}
	top := s.views[p.modals[len(p.modals)-1]]
	s.registerViewLocked(v, p.ID)
	v.rootID, v.previousID = top.rootID, top.id
	p.modals = append(p.modals, v.id)
	s.notifyLocked()
	return true
}

// dropModalsLocked closes the modals above depth keep. s.mu must be held.
func (s *Sim) dropModalsLocked(p *person, keep int) {
	for _, id := range p.modals[min(keep, len(p.modals)):] {
		delete(s.views, id)
	}
	p.modals = p.modals[:min(keep, len(p.modals))]
	s.notifyLocked()
}

// Modal returns the person's top modal, if one is open.
func (s *Sim) Modal(personID string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.people[personID]
	if !ok {
		return View{}, false
	}
	v, ok := s.topModalLocked(p)
	if !ok {
		return View{}, false
	}
	return v.public(), true
}

// ModalDepth is how many modals the person has stacked.
func (s *Sim) ModalDepth(personID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.people[personID]; ok {
		return len(p.modals)
	}
	return 0
}

// Home returns the Home tab the app published for the person, if any.
func (s *Sim) Home(personID string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.people[personID]
	if !ok || p.home == "" {
		return View{}, false
	}
	return s.views[p.home].public(), true
}

// trigger is an issued trigger_id: valid triggerTTL, once.
type trigger struct {
	user   string
	issued time.Time
	used   bool
}

// issueTriggerLocked issues a trigger ID for the person and forgets the
// stale ones. s.mu must be held.
func (s *Sim) issueTriggerLocked(user string) string {
	now := s.now()
	for id, t := range s.triggers {
		if now.Sub(t.issued) > time.Minute {
			delete(s.triggers, id)
		}
	}
	id := newTriggerID()
	s.triggers[id] = trigger{user: user, issued: now}
	return id
}

// takeTriggerLocked exchanges a trigger ID for its person, or gives Slack's
// error. s.mu must be held.
func (s *Sim) takeTriggerLocked(id string) (*person, string) {
	t, ok := s.triggers[id]
	switch {
	case !ok:
		return nil, "invalid_trigger_id"
	case t.used:
		return nil, "exchanged_trigger_id"
	case s.now().Sub(t.issued) > triggerTTL:
		return nil, "expired_trigger_id"
	}
	t.used = true
	s.triggers[id] = t
	return s.people[t.user], ""
}

// stateValues builds view.state.values: every stateful element with what
// the person entered, else its initial value, in the shape Slack sends per
// element type.
func stateValues(blocks []object, entered Entered) (object, error) {
	values := object{}
	for _, b := range blocks {
		bid := str(b, "block_id")
		var err error
		forElements(b, func(el object, _ string) {
			if err != nil || !stateful(str(el, "type")) {
				return
			}
			aid := str(el, "action_id")
			vals, given := entered[bid][aid]
			var st object
			if st, err = elementState(el, vals, given); err != nil {
				err = fmt.Errorf("%s/%s: %w", bid, aid, err)
				return
			}
			if values[bid] == nil {
				values[bid] = object{}
			}
			values[bid].(object)[aid] = st
		})
		if err != nil {
			return nil, err
		}
	}
	return values, nil
}

func stateful(typ string) bool { return typ != "button" && typ != "overflow" }

// elementState is the state (or the action) of one element: its type and
// its value under the name Slack uses for that type. Without given values
// the element keeps its initial value.
func elementState(el object, vals []string, given bool) (object, error) {
	typ := str(el, "type")
	st := object{"type": typ}
	first := func() any {
		if len(vals) == 0 || vals[0] == "" {
			return nil
		}
		return vals[0]
	}
	initial := func(key string) any {
		if v, ok := el[key]; ok {
			return v
		}
		return nil
	}
	pick := func(key, initKey string) {
		if given {
			st[key] = first()
		} else {
			st[key] = initial(initKey)
		}
	}
	pickMany := func(key, initKey string) {
		if !given {
			if v, ok := el[initKey].([]any); ok {
				st[key] = v
			} else {
				st[key] = []any{}
			}
			return
		}
		out := []any{}
		for _, v := range vals {
			if v != "" {
				out = append(out, v)
			}
		}
		st[key] = out
	}
	switch typ {
	case "plain_text_input", "url_text_input", "email_text_input", "number_input":
		pick("value", "initial_value")
	case "static_select", "external_select", "radio_buttons", "overflow":
		if !given {
			st["selected_option"] = initial("initial_option")
			break
		}
		v := first()
		if v == nil {
			st["selected_option"] = nil
			break
		}
		opt, ok := optionByValue(el, v.(string))
		if !ok && typ != "external_select" {
			return nil, fmt.Errorf("%w: no option with value %q", ErrInvalid, v)
		}
		st["selected_option"] = opt
	case "multi_static_select", "multi_external_select", "checkboxes":
		if !given {
			pickMany("selected_options", "initial_options")
			break
		}
		opts := []any{}
		for _, v := range vals {
			opt, ok := optionByValue(el, v)
			if !ok {
				return nil, fmt.Errorf("%w: no option with value %q", ErrInvalid, v)
			}
			opts = append(opts, opt)
		}
		st["selected_options"] = opts
	case "datepicker":
		pick("selected_date", "initial_date")
	case "timepicker":
		pick("selected_time", "initial_time")
		if tz := str(el, "timezone"); tz != "" {
			st["timezone"] = tz
		}
	case "datetimepicker":
		if !given {
			st["selected_date_time"] = initial("initial_date_time")
			break
		}
		st["selected_date_time"] = nil
		if v := first(); v != nil {
			n, err := strconv.ParseInt(v.(string), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%w: %q is not a Unix time", ErrInvalid, v)
			}
			st["selected_date_time"] = n
		}
	case "users_select":
		pick("selected_user", "initial_user")
	case "multi_users_select":
		pickMany("selected_users", "initial_users")
	case "conversations_select":
		pick("selected_conversation", "initial_conversation")
	case "multi_conversations_select":
		pickMany("selected_conversations", "initial_conversations")
	case "channels_select":
		pick("selected_channel", "initial_channel")
	case "multi_channels_select":
		pickMany("selected_channels", "initial_channels")
	case "rich_text_input":
		text := ""
		if v := first(); v != nil {
			text = v.(string)
		}
		st["rich_text_value"] = object{"type": "rich_text", "elements": []any{object{"type": "rich_text_section",
			"elements": []any{object{"type": "text", "text": text}}}}}
	}
	return st, nil
}

// checkInputs does what Slack's client does before it sends a view
// submission: required inputs filled in, lengths, numbers, addresses and
// selection counts within the element's limits. It returns the messages
// by block_id.
func checkInputs(blocks []object, state object) map[string]string {
	errs := map[string]string{}
	for _, b := range blocks {
		if str(b, "type") != "input" {
			continue
		}
		bid := str(b, "block_id")
		el, _ := b["element"].(object)
		if el == nil {
			continue
		}
		acts, _ := state[bid].(object)
		st, _ := acts[str(el, "action_id")].(object)
		value, count := stateValue(st)
		optional, _ := b["optional"].(bool)
		if count == 0 {
			if !optional {
				errs[bid] = "この項目は必須です。"
			}
			continue
		}
		n := utf8.RuneCountInString(value)
		if minLen, ok := el["min_length"].(float64); ok && n < int(minLen) {
			errs[bid] = fmt.Sprintf("%d 文字以上で入力してください。", int(minLen))
		}
		if maxLen, ok := el["max_length"].(float64); ok && n > int(maxLen) {
			errs[bid] = fmt.Sprintf("%d 文字以内で入力してください。", int(maxLen))
		}
		switch str(el, "type") {
		case "number_input":
			f, err := strconv.ParseFloat(value, 64)
			decimal, _ := el["is_decimal_allowed"].(bool)
			switch {
			case err != nil || (!decimal && strings.ContainsAny(value, ".eE")):
				errs[bid] = "数値を入力してください。"
			case str(el, "min_value") != "" && f < atof(str(el, "min_value")):
				errs[bid] = str(el, "min_value") + " 以上の数値を入力してください。"
			case str(el, "max_value") != "" && f > atof(str(el, "max_value")):
				errs[bid] = str(el, "max_value") + " 以下の数値を入力してください。"
			}
		case "email_text_input":
			if at := strings.Index(value, "@"); at < 1 || at == len(value)-1 || strings.ContainsAny(value, " \t\n") {
				errs[bid] = "メールアドレスを入力してください。"
			}
		case "url_text_input":
			if !strings.HasPrefix(value, "http://") && !strings.HasPrefix(value, "https://") {
				errs[bid] = "URL を入力してください。"
			}
		}
		if maxSel, ok := el["max_selected_items"].(float64); ok && count > int(maxSel) {
			errs[bid] = fmt.Sprintf("%d 個まで選べます。", int(maxSel))
		}
	}
	return errs
}

func atof(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// stateValue reads an element state's text (for length checks) and how
// many things are chosen or entered.
func stateValue(st object) (string, int) {
	for _, key := range []string{"value", "selected_date", "selected_time", "selected_user", "selected_conversation", "selected_channel"} {
		if v, ok := st[key].(string); ok && v != "" {
			return v, 1
		}
	}
	if o, ok := st["selected_option"].(object); ok && o != nil {
		return str(o, "value"), 1
	}
	if v, ok := st["selected_date_time"]; ok && v != nil {
		return "", 1
	}
	for _, key := range []string{"selected_options", "selected_users", "selected_conversations", "selected_channels"} {
		if l, ok := st[key].([]any); ok && len(l) > 0 {
			return "", len(l)
		}
	}
	if rt, ok := st["rich_text_value"]; ok {
		b, _ := json.Marshal(rt)
		if !strings.Contains(string(b), `"text":""`) {
			return "", 1
		}
	}
	return "", 0
}

// enteredFrom turns a flat Values (keys action_id or block_id/action_id)
// into Entered for the view's blocks.
func enteredFrom(blocks []object, vals Values) (Entered, error) {
	out := Entered{}
	for key, v := range vals {
		bid, aid, scoped := strings.Cut(key, "/")
		if !scoped {
			bid, aid = "", key
		}
		b, el, ok := findElement(blocks, bid, aid)
		if !ok || !stateful(str(el, "type")) {
			return nil, fmt.Errorf("%w: no input %q in the view", ErrNotFound, key)
		}
		bid = str(b, "block_id")
		if out[bid] == nil {
			out[bid] = map[string][]string{}
		}
		out[bid][aid] = v
	}
	return out, nil
}

// Values is what a test enters in a view: keyed by action_id, or by
// "block_id/action_id" where an action_id is used in several blocks.
type Values map[string][]string
