package slacksim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// Action is one use of an interactive element: a button click or a choice
// in a select, overflow menu, date picker and so on.
type Action struct {
	// ChannelID and MessageTS name a message's element.
	ChannelID string `json:"channel"`
	MessageTS string `json:"ts"`
	// ViewID names a modal's or the Home tab's element instead.
	ViewID   string `json:"viewId"`
	BlockID  string `json:"blockId"`
	ActionID string `json:"actionId"`
	// Selected is what was chosen: option values, a date, a time, user or
	// conversation IDs, the text of a dispatching input. Empty for buttons.
	Selected []string `json:"selected"`
}

// Act makes the person use an element: a block_actions interaction. In a
// modal the view's state carries what was entered so far.
func (s *Sim) Act(ctx context.Context, personID string, a Action) error {
	return s.act(ctx, personID, a, nil)
}

// Click makes the person click a button found by its action_id or value:
// in their top modal if one is open, else in the newest message they can
// see that has it, else on their Home tab.
func (s *Sim) Click(ctx context.Context, personID, key string) error {
	a, err := s.locate(personID, func(el object) bool {
		return str(el, "type") == "button" && (str(el, "action_id") == key || str(el, "value") == key)
	})
	if err != nil {
		return fmt.Errorf("slacksim: click %q: %w", key, err)
	}
	return s.act(ctx, personID, a, nil)
}

// Choose makes the person choose values in a select, overflow menu, date
// picker or other element found by action_id, looked up as Click does.
func (s *Sim) Choose(ctx context.Context, personID, actionID string, values ...string) error {
	a, err := s.locate(personID, func(el object) bool {
		return str(el, "type") != "button" && str(el, "action_id") == actionID
	})
	if err != nil {
		return fmt.Errorf("slacksim: choose %q: %w", actionID, err)
	}
	a.Selected = values
	return s.act(ctx, personID, a, nil)
}

// locate finds an element for Click and Choose.
func (s *Sim) locate(personID string, match func(object) bool) (Action, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.personLocked(personID)
	if err != nil {
		return Action{}, err
	}
	inBlocks := func(blocks []object) (bid, aid string, ok bool) {
		for _, b := range blocks {
			forElements(b, func(el object, _ string) {
				if !ok && match(el) {
					bid, aid, ok = str(b, "block_id"), str(el, "action_id"), true
				}
			})
		}
		return bid, aid, ok
	}
	if v, open := s.topModalLocked(p); open {
		if bid, aid, ok := inBlocks(v.blocks); ok {
			return Action{ViewID: v.id, BlockID: bid, ActionID: aid}, nil
		}
		return Action{}, fmt.Errorf("%w in the open modal", ErrNotFound)
	}
	var newest *Message
	var at Action
	for _, c := range s.channels {
		if !c.isMember(p.ID) || (c.kind == kindIM && c.user != p.ID) {
			continue
		}
		for i := len(c.msgs) - 1; i >= 0; i-- {
			m := c.msgs[i]
			if (m.Ephemeral && m.VisibleTo != p.ID) || (newest != nil && m.TS < newest.TS) {
				continue
			}
			if bid, aid, ok := inBlocks(decodeBlocks(m.Blocks)); ok {
				newest, at = m, Action{ChannelID: c.id, MessageTS: m.TS, BlockID: bid, ActionID: aid}
				break
			}
		}
	}
	if newest != nil {
		return at, nil
	}
	if v, ok := s.views[p.home]; ok {
		if bid, aid, ok := inBlocks(v.blocks); ok {
			return Action{ViewID: v.id, BlockID: bid, ActionID: aid}, nil
		}
	}
	return Action{}, ErrNotFound
}

// act sends block_actions. entered, when not nil, is what the page shows
// entered in the modal; it becomes the view's state.
func (s *Sim) act(ctx context.Context, personID string, a Action, entered Entered) error {
	payload, channelID, err := s.actionPayload(personID, a, entered)
	if err != nil {
		return fmt.Errorf("slacksim: act on %s: %w", a.ActionID, err)
	}
	return s.interact(ctx, personID, channelID, payload)
}

func (s *Sim) actionPayload(personID string, a Action, entered Entered) (object, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.personLocked(personID)
	if err != nil {
		return nil, "", err
	}
	payload := object{
		"type": "block_actions", "user": userRef(p), "api_app_id": AppID, "token": "simulated-verification-token",
		"team": teamRef(), "enterprise": nil, "is_enterprise_install": false,
	}
	var blocks []object
	channelID := DMChannel(p.ID)
	if a.ViewID != "" {
		v, ok := s.views[a.ViewID]
		if !ok || v.user != p.ID || (v.typ == "modal" && !slices.Contains(p.modals, v.id)) {
			return nil, "", fmt.Errorf("view %s: %w", a.ViewID, ErrNotFound)
		}
		if entered != nil {
			v.entered = entered
		}
		blocks = v.blocks
		payload["container"] = object{"type": "view", "view_id": v.id}
		payload["view"] = v.object(true)
	} else {
		c, i, ok := s.findMessageLocked(a.ChannelID, a.MessageTS)
		if !ok || !c.isMember(p.ID) || (c.msgs[i].Ephemeral && c.msgs[i].VisibleTo != p.ID) {
			return nil, "", fmt.Errorf("message %s in %s: %w", a.MessageTS, a.ChannelID, ErrNotFound)
		}
		m := c.msgs[i]
		blocks = decodeBlocks(m.Blocks)
		channelID = c.id
		payload["container"] = object{"type": "message", "message_ts": m.TS, "channel_id": c.id, "is_ephemeral": m.Ephemeral}
		payload["channel"] = object{"id": c.id, "name": channelName(c)}
		if !m.Ephemeral {
			payload["message"] = messageObject(m, false)
		}
		state, _ := stateValues(blocks, Entered{a.BlockID: {a.ActionID: a.Selected}})
		payload["state"] = object{"values": state}
		payload["response_url"], _ = s.newResponseURLLocked(p.ID, c.id, m.TS)
	}
	block, el, ok := findElement(blocks, a.BlockID, a.ActionID)
	if !ok {
		return nil, "", fmt.Errorf("element %s/%s: %w", a.BlockID, a.ActionID, ErrNotFound)
	}
	typ := str(el, "type")
	var act object
	if typ == "button" {
		act = object{"type": "button", "text": el["text"]}
		for _, k := range []string{"value", "style", "url"} {
			if v := str(el, k); v != "" {
				act[k] = v
			}
		}
	} else {
		if len(a.Selected) == 0 && !strings.HasSuffix(typ, "_input") {
			return nil, "", fmt.Errorf("%w: nothing chosen in the %s", ErrInvalid, typ)
		}
		if act, err = elementState(el, a.Selected, true); err != nil {
			return nil, "", err
		}
	}
	act["action_id"], act["block_id"] = str(el, "action_id"), str(block, "block_id")
	act["action_ts"] = s.tsLocked()
	payload["actions"] = []any{act}
	payload["trigger_id"] = s.issueTriggerLocked(p.ID)
	return payload, channelID, nil
}

// interact posts an interaction payload; a refusal is noted for the person.
func (s *Sim) interact(ctx context.Context, personID, channelID string, payload object) (err error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("slacksim: encode interaction: %w", err)
	}
	body := url.Values{"payload": {string(b)}}.Encode()
	ans, err := s.post(ctx, PathInteractions, "application/x-www-form-urlencoded", []byte(body), nil)
	if err == nil {
		err = ans.check(PathInteractions)
	}
	if err != nil {
		s.mu.Lock()
		s.noteLocked(channelID, personID, "操作がアプリに届きませんでした: "+err.Error())
		s.mu.Unlock()
		return fmt.Errorf("slacksim: %s: %w", payload["type"], err)
	}
	if payload["type"] == "view_submission" {
		return s.applySubmission(personID, payload["view"].(object)["id"].(string), ans)
	}
	return nil
}

// Submit makes the person submit their top modal with these values (other
// inputs keep what was entered or their initial values). Like Slack's
// client it refuses a form with empty required inputs or values beyond
// the element's limits (an *InputError, shown under the blocks). The
// service's answer is applied as Slack does: an empty 200 closes the
// modal; response_action errors, update, push or clear do what they say.
func (s *Sim) Submit(ctx context.Context, personID string, vals Values) error {
	return s.submit(ctx, personID, "", func(v *view) (Entered, error) {
		entered, err := enteredFrom(v.blocks, vals)
		if err != nil {
			return nil, err
		}
		merged := cloneEntered(v.entered)
		if merged == nil {
			merged = Entered{}
		}
		for b, acts := range entered {
			if merged[b] == nil {
				merged[b] = map[string][]string{}
			}
			for a, v := range acts {
				merged[b][a] = v
			}
		}
		return merged, nil
	})
}

// submit sends view_submission for the person's top modal (which must be
// viewID when that is given), with the values take returns.
func (s *Sim) submit(ctx context.Context, personID, viewID string, take func(*view) (Entered, error)) error {
	s.mu.Lock()
	p, err := s.personLocked(personID)
	if err != nil {
		s.mu.Unlock()
		return fmt.Errorf("slacksim: submit: %w", err)
	}
	v, open := s.topModalLocked(p)
	if !open || (viewID != "" && v.id != viewID) {
		s.mu.Unlock()
		return fmt.Errorf("slacksim: submit: %w: no such open modal", ErrNotFound)
	}
	entered, err := take(v)
	if err != nil {
		s.mu.Unlock()
		return fmt.Errorf("slacksim: submit: %w", err)
	}
	state, err := stateValues(v.blocks, entered)
	if err != nil {
		s.mu.Unlock()
		return fmt.Errorf("slacksim: submit: %w", err)
	}
	v.entered, v.failure = entered, ""
	if errs := checkInputs(v.blocks, state); len(errs) > 0 {
		v.errors = errs
		s.notifyLocked()
		s.mu.Unlock()
		return &InputError{Errors: errs}
	}
	v.errors = nil
	payload := object{
		"type": "view_submission", "team": teamRef(), "user": userRef(p), "api_app_id": AppID,
		"token": "simulated-verification-token", "trigger_id": s.issueTriggerLocked(p.ID),
		"view": v.object(true), "response_urls": []any{}, "enterprise": nil, "is_enterprise_install": false,
	}
	s.notifyLocked()
	s.mu.Unlock()
	err = s.interact(ctx, personID, DMChannel(personID), payload)
	var se *ServiceError
	if errors.As(err, &se) {
		s.mu.Lock()
		if v, ok := s.views[v.id]; ok {
			v.failure = "アプリに接続できませんでした。もう一度お試しください。"
			s.notifyLocked()
		}
		s.mu.Unlock()
	}
	return err
}

// applySubmission does what the service's answer to view_submission says.
func (s *Sim) applySubmission(personID, viewID string, a answer) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.people[personID]
	at := slices.Index(p.modals, viewID)
	if at < 0 {
		return nil // the service closed or replaced it meanwhile
	}
	v := s.views[viewID]
	refuse := func(problem string) error {
		v.failure = "アプリの応答を処理できませんでした: " + problem
		s.notifyLocked()
		return fmt.Errorf("slacksim: view_submission: %w", &ServiceError{Path: PathInteractions, Status: a.status, Problem: problem})
	}
	body := bytes.TrimSpace(a.body)
	var r struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
		View           json.RawMessage   `json:"view"`
	}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &r); err != nil {
			return refuse("not JSON: " + err.Error())
		}
	}
	switch r.ResponseAction {
	case "":
		s.dropModalsLocked(p, at)
	case "clear":
		s.dropModalsLocked(p, 0)
	case "errors":
		errs := map[string]string{}
		var unknown []string
		for bid, msg := range r.Errors {
			if isInputBlock(v.blocks, bid) {
				errs[bid] = msg
			} else {
				unknown = append(unknown, bid)
			}
		}
		if len(unknown) > 0 {
			// Slack shows a generic error for keys that are not input blocks.
			return refuse(fmt.Sprintf("errors for blocks that are not input blocks: %v", unknown))
		}
		v.errors = errs
		s.notifyLocked()
	case "update", "push":
		next, problems := parseView(r.View, "modal")
		if problems != nil {
			return refuse("invalid view: " + strings.Join(problems, "; "))
		}
		if r.ResponseAction == "update" {
			s.replaceViewLocked(v, next)
			s.notifyLocked()
		} else if !s.pushModalLocked(p, next) {
			return refuse("push_limit_reached")
		}
	default:
		return refuse(fmt.Sprintf("unknown response_action %q", r.ResponseAction))
	}
	return nil
}

func isInputBlock(blocks []object, blockID string) bool {
	for _, b := range blocks {
		if str(b, "block_id") == blockID {
			return str(b, "type") == "input"
		}
	}
	return false
}

// CloseModal makes the person close their top modal with its close button
// (the whole stack when the view asks for clear_on_close). A view with
// notify_on_close is reported with a view_closed interaction.
func (s *Sim) CloseModal(ctx context.Context, personID string) error {
	return s.closeModal(ctx, personID, "", nil)
}

func (s *Sim) closeModal(ctx context.Context, personID, viewID string, entered Entered) error {
	s.mu.Lock()
	p, err := s.personLocked(personID)
	if err != nil {
		s.mu.Unlock()
		return fmt.Errorf("slacksim: close modal: %w", err)
	}
	v, open := s.topModalLocked(p)
	if !open || (viewID != "" && v.id != viewID) {
		s.mu.Unlock()
		return fmt.Errorf("slacksim: close modal: %w: no such open modal", ErrNotFound)
	}
	if entered != nil {
		v.entered = entered
	}
	obj := v.object(true)
	cleared := v.clearOnClose
	if cleared {
		s.dropModalsLocked(p, 0)
	} else {
		s.dropModalsLocked(p, len(p.modals)-1)
	}
	var payload object
	if v.notifyOnClose {
		payload = object{
			"type": "view_closed", "team": teamRef(), "user": userRef(p), "api_app_id": AppID,
			"token": "simulated-verification-token", "view": obj, "is_cleared": cleared,
			"enterprise": nil, "is_enterprise_install": false,
		}
	}
	s.mu.Unlock()
	if payload == nil {
		return nil
	}
	return s.interact(ctx, personID, DMChannel(personID), payload)
}
