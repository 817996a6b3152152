package linesim

import (
	"encoding/json"
	"fmt"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// Limits of the Messaging API the simulator enforces, so a bot that breaks
// them fails here instead of on LINE.
const (
	maxTextLen          = 5000
	maxFlexAltTextLen   = 1500
	maxTemplateAltText  = 400
	maxQuickReplyItems  = 13
	maxQuickReplyLabel  = 20
	maxActionLabel      = 40
	maxPostbackData     = 300
	maxDisplayText      = 300
	maxCarouselBubbles  = 12
	maxMessagesPerCall  = 5
	maxMulticastTargets = 500
)

// errorDetail is one entry of "details" in a LINE error response.
type errorDetail struct {
	Message  string `json:"message"`
	Property string `json:"property,omitempty"`
}

// validateMessage checks one message; path names it in the details, like
// "messages[0]".
func validateMessage(path string, m messaging_api.MessageInterface, raw json.RawMessage) []errorDetail {
	var v validator
	switch m := m.(type) {
	case messaging_api.TextMessage:
		v.text(path+".text", m.Text, maxTextLen)
	case messaging_api.TextMessageV2:
		v.text(path+".text", m.Text, maxTextLen)
	case messaging_api.FlexMessage:
		v.text(path+".altText", m.AltText, maxFlexAltTextLen)
		v.flexContainer(path+".contents", m.Contents)
	case messaging_api.TemplateMessage:
		v.text(path+".altText", m.AltText, maxTemplateAltText)
		if m.Template == nil {
			v.add(path+".template", "must be specified")
		}
	case messaging_api.UnknownMessage:
		v.add(path+".type", fmt.Sprintf("Must be one of the following values: [text, textV2, image, video, audio, location, sticker, template, imagemap, flex, coupon], got %q", m.Type))
	}
	var q struct {
		QuickReply *messaging_api.QuickReply `json:"quickReply"`
	}
	if err := json.Unmarshal(raw, &q); err == nil && q.QuickReply != nil {
		items := q.QuickReply.Items
		if len(items) < 1 || len(items) > maxQuickReplyItems {
			v.add(path+".quickReply.items", fmt.Sprintf("Size must be between 1 and %d", maxQuickReplyItems))
		}
		for i, it := range items {
			v.action(fmt.Sprintf("%s.quickReply.items[%d].action", path, i), it.Action, maxQuickReplyLabel, true)
		}
	}
	return v.details
}

// validator collects the problems of one message.
type validator struct{ details []errorDetail }

func (v *validator) add(property, msg string) {
	v.details = append(v.details, errorDetail{Message: msg, Property: property})
}

// text checks a required text field.
func (v *validator) text(property, s string, max int) {
	switch n := charLen(s); {
	case n == 0:
		v.add(property, "must be specified")
	case n > max:
		v.add(property, fmt.Sprintf("Length must be between 0 and %d", max))
	}
}

// action checks an action; labelRequired is true where LINE shows the label.
func (v *validator) action(property string, a messaging_api.ActionInterface, maxLabel int, labelRequired bool) {
	if a == nil {
		v.add(property, "must be specified")
		return
	}
	label := ""
	switch a := a.(type) {
	case messaging_api.PostbackAction:
		label = a.Label
		if n := charLen(a.Data); n == 0 || n > maxPostbackData {
			v.add(property+".data", fmt.Sprintf("Length must be between 1 and %d", maxPostbackData))
		}
		if charLen(a.DisplayText) > maxDisplayText {
			v.add(property+".displayText", fmt.Sprintf("Length must be between 0 and %d", maxDisplayText))
		}
	case messaging_api.MessageAction:
		label = a.Label
		v.text(property+".text", a.Text, maxTextLen)
	case messaging_api.UriAction:
		label = a.Label
		if a.Uri == "" {
			v.add(property+".uri", "must be specified")
		}
	case messaging_api.UnknownAction:
		return
	default:
		return
	}
	if labelRequired && label == "" {
		v.add(property+".label", "must be specified")
	}
	if charLen(label) > maxLabel {
		v.add(property+".label", fmt.Sprintf("Length must be between 0 and %d", maxLabel))
	}
}

// flexContainer checks the parts of a Flex message a bot gets wrong most:
// a missing container, too many bubbles, buttons without a valid action.
func (v *validator) flexContainer(property string, c messaging_api.FlexContainerInterface) {
	switch c := c.(type) {
	case nil:
		v.add(property, "must be specified")
	case messaging_api.FlexBubble:
		v.bubble(property, &c)
	case messaging_api.FlexCarousel:
		if n := len(c.Contents); n < 1 || n > maxCarouselBubbles {
			v.add(property+".contents", fmt.Sprintf("Size must be between 1 and %d", maxCarouselBubbles))
		}
		for i := range c.Contents {
			v.bubble(fmt.Sprintf("%s.contents[%d]", property, i), &c.Contents[i])
		}
	case messaging_api.UnknownFlexContainer:
		v.add(property+".type", fmt.Sprintf("Must be one of the following values: [bubble, carousel], got %q", c.Type))
	}
}

func (v *validator) bubble(property string, b *messaging_api.FlexBubble) {
	if b.Header != nil {
		v.component(property+".header", *b.Header)
	}
	if b.Hero != nil {
		v.component(property+".hero", b.Hero)
	}
	if b.Body != nil {
		v.component(property+".body", *b.Body)
	}
	if b.Footer != nil {
		v.component(property+".footer", *b.Footer)
	}
}

func (v *validator) component(property string, c messaging_api.FlexComponentInterface) {
	switch c := c.(type) {
	case messaging_api.FlexBox:
		for i, child := range c.Contents {
			v.component(fmt.Sprintf("%s.contents[%d]", property, i), child)
		}
		if c.Action != nil {
			v.action(property+".action", c.Action, maxActionLabel, false)
		}
	case messaging_api.FlexButton:
		v.action(property+".action", c.Action, maxActionLabel, true)
	case messaging_api.FlexText:
		if c.Text == "" && len(c.Contents) == 0 {
			v.add(property+".text", "must be specified")
		}
		if c.Action != nil {
			v.action(property+".action", c.Action, maxActionLabel, false)
		}
	}
}

// charLen counts characters as LINE does: in UTF-16 code units, so an emoji
// outside the BMP counts twice.
func charLen(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
