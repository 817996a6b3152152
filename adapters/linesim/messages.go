package linesim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// outgoing is one message of a reply, push or multicast: the JSON as the bot
// sent it and what the simulator read from it.
type outgoing struct {
	raw  json.RawMessage
	desc Delivered // without Seq, Via, At and Raw, which delivery fills in
}

// parseMessages pairs the messages the SDK decoded from a request body with
// their raw JSON and checks them against LINE's rules.
func parseMessages(body []byte, decoded []messaging_api.MessageInterface) ([]outgoing, *apiError) {
	var raw struct {
		Messages []json.RawMessage `json:"messages"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, badBody(err.Error(), "")
	}
	if n := len(raw.Messages); n < 1 || n > maxMessagesPerCall || len(decoded) != n {
		return nil, badBody(fmt.Sprintf("Size must be between 1 and %d", maxMessagesPerCall), "messages")
	}
	var details []errorDetail
	for i, r := range raw.Messages {
		details = append(details, validateMessage(fmt.Sprintf("messages[%d]", i), decoded[i], r)...)
	}
	if len(details) > 0 {
		return nil, &apiError{status: http.StatusBadRequest, Message: fmt.Sprintf("The request body has %d error(s)", len(details)), Details: details}
	}
	out := make([]outgoing, len(raw.Messages))
	for i, r := range raw.Messages {
		var compact bytes.Buffer
		if err := json.Compact(&compact, r); err != nil {
			return nil, badBody(err.Error(), fmt.Sprintf("messages[%d]", i))
		}
		out[i] = outgoing{raw: compact.Bytes(), desc: describe(decoded[i], r)}
	}
	return out, nil
}

// describe reads what a test or the chat page wants to know of a message:
// its type, its text or altText, and the actions it offers.
func describe(m messaging_api.MessageInterface, raw json.RawMessage) Delivered {
	d := Delivered{Type: m.GetType()}
	switch m := m.(type) {
	case messaging_api.TextMessage:
		d.Text = m.Text
	case messaging_api.TextMessageV2:
		d.Text = m.Text
	case messaging_api.FlexMessage:
		d.Text = m.AltText
		d.Buttons = flexButtons(m.Contents)
	case messaging_api.TemplateMessage:
		d.Text = m.AltText
		d.Buttons = templateButtons(m.Template)
	}
	for _, it := range quickReplyItems(raw) {
		if b, ok := actionButton(it.Action); ok {
			d.QuickReplies = append(d.QuickReplies, b)
		}
	}
	return d
}

// quickReplyItems reads the quick reply of any message type: every type
// carries it under the same name, so one decode serves all of them.
func quickReplyItems(raw json.RawMessage) []messaging_api.QuickReplyItem {
	var m struct {
		QuickReply *messaging_api.QuickReply `json:"quickReply"`
	}
	if err := json.Unmarshal(raw, &m); err != nil || m.QuickReply == nil {
		return nil
	}
	return m.QuickReply.Items
}

// flexButtons lists the actions of the button components of a Flex
// container, in reading order: header, hero, body, footer, bubble by bubble.
func flexButtons(c messaging_api.FlexContainerInterface) []Button {
	var out []Button
	walkFlex(c, func(comp messaging_api.FlexComponentInterface) {
		var a messaging_api.ActionInterface
		switch b := comp.(type) {
		case messaging_api.FlexButton:
			a = b.Action
		case *messaging_api.FlexButton:
			a = b.Action
		default:
			return
		}
		if btn, ok := actionButton(a); ok {
			out = append(out, btn)
		}
	})
	return out
}

// walkFlex calls fn for every component of a Flex container, depth first.
func walkFlex(c messaging_api.FlexContainerInterface, fn func(messaging_api.FlexComponentInterface)) {
	switch c := c.(type) {
	case messaging_api.FlexBubble:
		walkBubble(&c, fn)
	case *messaging_api.FlexBubble:
		walkBubble(c, fn)
	case messaging_api.FlexCarousel:
		for i := range c.Contents {
			walkBubble(&c.Contents[i], fn)
		}
	case *messaging_api.FlexCarousel:
		for i := range c.Contents {
			walkBubble(&c.Contents[i], fn)
		}
	}
}

func walkBubble(b *messaging_api.FlexBubble, fn func(messaging_api.FlexComponentInterface)) {
	for _, part := range []messaging_api.FlexComponentInterface{boxOrNil(b.Header), b.Hero, boxOrNil(b.Body), boxOrNil(b.Footer)} {
		if part != nil {
			walkComponent(part, fn)
		}
	}
}

// boxOrNil keeps a nil *FlexBox from becoming a non-nil interface.
func boxOrNil(b *messaging_api.FlexBox) messaging_api.FlexComponentInterface {
	if b == nil {
		return nil
	}
	return b
}

func walkComponent(c messaging_api.FlexComponentInterface, fn func(messaging_api.FlexComponentInterface)) {
	fn(c)
	var children []messaging_api.FlexComponentInterface
	switch b := c.(type) {
	case messaging_api.FlexBox:
		children = b.Contents
	case *messaging_api.FlexBox:
		children = b.Contents
	}
	for _, child := range children {
		if child != nil {
			walkComponent(child, fn)
		}
	}
}

// templateButtons lists the actions of a template message.
func templateButtons(t messaging_api.TemplateInterface) []Button {
	var actions []messaging_api.ActionInterface
	switch t := t.(type) {
	case messaging_api.ButtonsTemplate:
		actions = t.Actions
	case messaging_api.ConfirmTemplate:
		actions = t.Actions
	case messaging_api.CarouselTemplate:
		for _, col := range t.Columns {
			actions = append(actions, col.Actions...)
		}
	}
	var out []Button
	for _, a := range actions {
		if b, ok := actionButton(a); ok {
			out = append(out, b)
		}
	}
	return out
}

// actionButton turns the actions a person can tap in the simulator into a
// Button; other kinds (camera, location, ...) are left out.
func actionButton(a messaging_api.ActionInterface) (Button, bool) {
	switch a := a.(type) {
	case messaging_api.PostbackAction:
		return Button{Label: a.Label, Data: a.Data, DisplayText: a.DisplayText}, true
	case *messaging_api.PostbackAction:
		return Button{Label: a.Label, Data: a.Data, DisplayText: a.DisplayText}, true
	case messaging_api.MessageAction:
		return Button{Label: a.Label, Text: a.Text}, true
	case *messaging_api.MessageAction:
		return Button{Label: a.Label, Text: a.Text}, true
	case messaging_api.UriAction:
		return Button{Label: a.Label, URI: a.Uri}, true
	case *messaging_api.UriAction:
		return Button{Label: a.Label, URI: a.Uri}, true
	}
	return Button{}, false
}
