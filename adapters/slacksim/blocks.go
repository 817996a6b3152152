package slacksim

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Block Kit as the simulator handles it: a block is a JSON object kept as
// the app sent it, read through these helpers. Only what clicks, forms and
// Slack's limits need is interpreted.
type object = map[string]any

// Block Kit limits Slack enforces (a few of them, the ones an app meets).
const (
	maxMessageBlocks = 50
	maxViewBlocks    = 100
	maxSectionText   = 3000
	maxHeaderText    = 150
	maxButtonText    = 75
	maxFields        = 10
	maxFieldText     = 2000
	maxActions       = 25
	maxViewTitle     = 24
	maxBlockID       = 255
)

// blockTypes are the layout blocks the simulator knows.
var blockTypes = map[string]bool{
	"section": true, "header": true, "divider": true, "context": true, "actions": true,
	"image": true, "input": true, "rich_text": true, "markdown": true, "file": true, "video": true,
}

// interactiveTypes are the elements a person can use.
var interactiveTypes = map[string]bool{
	"button": true, "static_select": true, "multi_static_select": true, "overflow": true,
	"checkboxes": true, "radio_buttons": true, "datepicker": true, "timepicker": true, "datetimepicker": true,
	"plain_text_input": true, "number_input": true, "url_text_input": true, "email_text_input": true,
	"users_select": true, "multi_users_select": true, "conversations_select": true, "multi_conversations_select": true,
	"channels_select": true, "multi_channels_select": true, "external_select": true, "multi_external_select": true,
	"rich_text_input": true, "file_input": true,
}

// normalizeBlocks reads a blocks array, gives every block a block_id and
// every interactive element an action_id as Slack does, and checks Slack's
// limits. problems are Slack's messages for invalid_blocks.
func normalizeBlocks(raw []byte, maxBlocks int) (blocks []object, problems []string) {
	if len(raw) == 0 {
		return nil, nil
	}
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return nil, []string{"[ERROR] failed to match all allowed schemas [json-pointer:/blocks]"}
	}
	bad := func(msg, ptr string, args ...any) {
		problems = append(problems, fmt.Sprintf("[ERROR] "+msg+" [json-pointer:/blocks"+ptr+"]", args...))
	}
	if len(blocks) > maxBlocks {
		bad("must contain at most %d items", "", maxBlocks)
	}
	seen := map[string]bool{}
	for i, b := range blocks {
		at := fmt.Sprintf("/%d", i)
		if b == nil {
			bad("must be an object", at)
			continue
		}
		typ := str(b, "type")
		if !blockTypes[typ] {
			bad("unknown block type %q", at+"/type", typ)
			continue
		}
		id := str(b, "block_id")
		if id == "" {
			id = newBlockID()
			b["block_id"] = id
		}
		if len(id) > maxBlockID {
			bad("must be less than %d characters", at+"/block_id", maxBlockID+1)
		}
		if seen[id] {
			bad("duplicate block_id %q", at+"/block_id", id)
		}
		seen[id] = true
		switch typ {
		case "section":
			if t := textOf(b["text"]); utf8.RuneCountInString(t) > maxSectionText {
				bad("must be less than %d characters", at+"/text/text", maxSectionText+1)
			}
			fields := list(b, "fields")
			if len(fields) > maxFields {
				bad("must contain at most %d items", at+"/fields", maxFields)
			}
			for j, f := range fields {
				if utf8.RuneCountInString(textOf(f)) > maxFieldText {
					bad("must be less than %d characters", fmt.Sprintf("%s/fields/%d/text", at, j), maxFieldText+1)
				}
			}
			if b["text"] == nil && len(fields) == 0 {
				bad("must provide text or fields", at)
			}
		case "header":
			if t := textOf(b["text"]); t == "" || utf8.RuneCountInString(t) > maxHeaderText {
				bad("must be 1 to %d characters", at+"/text/text", maxHeaderText)
			}
		case "actions":
			if n := len(list(b, "elements")); n == 0 || n > maxActions {
				bad("must contain 1 to %d items", at+"/elements", maxActions)
			}
		case "input":
			if b["label"] == nil {
				bad("must provide a label", at+"/label")
			}
			if b["element"] == nil {
				bad("must provide an element", at+"/element")
			}
		}
		forElements(b, func(el object, ptr string) {
			if str(el, "action_id") == "" {
				el["action_id"] = newBlockID()
			}
			if str(el, "type") == "button" && utf8.RuneCountInString(textOf(el["text"])) > maxButtonText {
				bad("must be less than %d characters", at+ptr+"/text/text", maxButtonText+1)
			}
		})
	}
	return blocks, problems
}

// forElements calls fn for every interactive element of a block, with its
// JSON pointer inside the block.
func forElements(b object, fn func(el object, ptr string)) {
	if acc, ok := b["accessory"].(object); ok && interactiveTypes[str(acc, "type")] {
		fn(acc, "/accessory")
	}
	if el, ok := b["element"].(object); ok && interactiveTypes[str(el, "type")] {
		fn(el, "/element")
	}
	if str(b, "type") == "actions" {
		for i, e := range list(b, "elements") {
			if el, ok := e.(object); ok && interactiveTypes[str(el, "type")] {
				fn(el, fmt.Sprintf("/elements/%d", i))
			}
		}
	}
}

// findElement finds an interactive element by block and action ID; an empty
// blockID matches any block.
func findElement(blocks []object, blockID, actionID string) (block, el object, ok bool) {
	for _, b := range blocks {
		if blockID != "" && str(b, "block_id") != blockID {
			continue
		}
		forElements(b, func(e object, _ string) {
			if !ok && str(e, "action_id") == actionID {
				block, el, ok = b, e, true
			}
		})
		if ok {
			return block, el, true
		}
	}
	return nil, nil, false
}

func decodeBlocks(raw json.RawMessage) []object {
	var blocks []object
	_ = json.Unmarshal(raw, &blocks) // stored blocks were checked when they came
	return blocks
}

// blockButtons lists the buttons of blocks in reading order.
func blockButtons(raw json.RawMessage) []Button {
	var out []Button
	for _, b := range decodeBlocks(raw) {
		forElements(b, func(el object, _ string) {
			if str(el, "type") == "button" {
				out = append(out, Button{BlockID: str(b, "block_id"), ActionID: str(el, "action_id"),
					Text: textOf(el["text"]), Value: str(el, "value"), Style: str(el, "style"), URL: str(el, "url")})
			}
		})
	}
	return out
}

// blockTexts lists every text of blocks: section texts and fields, headers,
// context texts, labels and button texts.
func blockTexts(raw json.RawMessage) []string {
	var out []string
	add := func(v any) {
		if t := textOf(v); t != "" {
			out = append(out, t)
		}
	}
	for _, b := range decodeBlocks(raw) {
		add(b["text"])
		add(b["label"])
		for _, f := range list(b, "fields") {
			add(f)
		}
		if str(b, "type") == "context" {
			for _, e := range list(b, "elements") {
				add(e)
			}
		}
		forElements(b, func(el object, _ string) { add(el["text"]) })
	}
	return out
}

// str reads a string member.
func str(o object, key string) string {
	s, _ := o[key].(string)
	return s
}

// list reads an array member.
func list(o object, key string) []any {
	l, _ := o[key].([]any)
	return l
}

// textOf reads a text object's text.
func textOf(v any) string {
	if o, ok := v.(object); ok {
		return str(o, "text")
	}
	return ""
}

// options lists a select's options, those of option groups included.
func options(el object) []object {
	var out []object
	add := func(l []any) {
		for _, o := range l {
			if opt, ok := o.(object); ok {
				out = append(out, opt)
			}
		}
	}
	add(list(el, "options"))
	for _, g := range list(el, "option_groups") {
		if grp, ok := g.(object); ok {
			add(list(grp, "options"))
		}
	}
	return out
}

// optionByValue finds an option of a select by its value.
func optionByValue(el object, value string) (object, bool) {
	for _, o := range options(el) {
		if str(o, "value") == value {
			return o, true
		}
	}
	return nil, false
}
