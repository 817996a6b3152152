package line

import (
	"log/slog"
	"strings"
	"unicode/utf16"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"tsunagu/bot"
)

// LINE's limits. LINE counts characters in UTF-16 code units (an emoji
// outside the BMP counts two), so every limit here is measured that way.
const (
	maxMessagesPerRequest = 5
	maxQuickReplyItems    = 13
	maxLabel              = 20
	maxPostbackData       = 300
	maxDisplayText        = 300
	maxText               = 5000
	maxAltText            = 400
)

// fallbackAltText stands in when a card has nothing to summarise; LINE
// rejects a Flex message without altText.
const fallbackAltText = "お知らせ"

// Colours and sizes of a card. Many readers are over 60 and new to
// smartphones: large text, strong contrast, one obvious primary button.
const (
	colorLabel = "#555555"
	colorText  = "#111111"
)

// render turns the bot's messages into LINE messages, in order: a message
// with both Text and Card becomes a text followed by a Flex bubble.
//
// LINE shows quick replies only under the last message of a conversation, so
// the Choices of the last bot message that has any are attached to the last
// LINE message; choices on earlier messages would never be visible.
func render(msgs []bot.Message, log *slog.Logger) []messaging_api.MessageInterface {
	var (
		out     []messaging_api.MessageInterface
		choices []bot.Choice
	)
	for _, m := range msgs {
		if m.Text != "" {
			out = append(out, &messaging_api.TextMessage{Text: truncate(m.Text, maxText)})
		}
		if m.Card != nil {
			out = append(out, renderCard(m.Card, log))
		}
		if len(m.Choices) > 0 {
			choices = m.Choices
		}
	}
	if len(out) == 0 || len(choices) == 0 {
		return out
	}
	if qr := quickReply(choices, log); qr != nil {
		switch last := out[len(out)-1].(type) {
		case *messaging_api.TextMessage:
			last.QuickReply = qr
		case *messaging_api.FlexMessage:
			last.QuickReply = qr
		}
	}
	return out
}

// renderCard builds one vertical bubble: a bold title, the body, the fields
// as label/value rows and the buttons stacked in the footer.
func renderCard(c *bot.Card, log *slog.Logger) *messaging_api.FlexMessage {
	var body []messaging_api.FlexComponentInterface
	if c.Title != "" {
		body = append(body, &messaging_api.FlexText{
			Text: truncate(c.Title, maxText), Size: "xl", Weight: messaging_api.FlexTextWEIGHT_BOLD,
			Color: colorText, Wrap: true,
		})
	}
	if c.Body != "" {
		body = append(body, &messaging_api.FlexText{
			Text: truncate(c.Body, maxText), Size: "lg", Color: colorText, Wrap: true, Margin: "md",
		})
	}
	if rows := fieldRows(c.Fields); len(rows) > 0 {
		body = append(body,
			&messaging_api.FlexSeparator{Margin: "lg"},
			&messaging_api.FlexBox{
				Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Margin: "lg", Spacing: "md", Contents: rows,
			})
	}
	if len(body) == 0 {
		// A bubble body needs something to show.
		body = append(body, &messaging_api.FlexText{Text: fallbackAltText, Size: "lg", Wrap: true})
	}

	bubble := &messaging_api.FlexBubble{
		Body: &messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Spacing: "md", Contents: body},
	}
	if buttons := cardButtons(c.Buttons, log); len(buttons) > 0 {
		bubble.Footer = &messaging_api.FlexBox{
			Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Spacing: "md", Contents: buttons,
		}
	}
	return &messaging_api.FlexMessage{AltText: altText(c), Contents: bubble}
}

// fieldRows lays each field out as a baseline row: a grey label beside a
// larger value that wraps.
func fieldRows(fields []bot.Field) []messaging_api.FlexComponentInterface {
	var rows []messaging_api.FlexComponentInterface
	for _, f := range fields {
		switch {
		case f.Label == "" && f.Value == "":
			continue
		case f.Label == "":
			rows = append(rows, &messaging_api.FlexText{Text: truncate(f.Value, maxText), Size: "lg", Color: colorText, Wrap: true})
			continue
		}
		value := f.Value
		if value == "" {
			value = "—" // LINE rejects an empty text component
		}
		rows = append(rows, &messaging_api.FlexBox{
			Layout: messaging_api.FlexBoxLAYOUT_BASELINE, Spacing: "sm",
			Contents: []messaging_api.FlexComponentInterface{
				&messaging_api.FlexText{Text: truncate(f.Label, maxText), Size: "md", Color: colorLabel, Flex: 3, Wrap: true},
				&messaging_api.FlexText{Text: truncate(value, maxText), Size: "lg", Color: colorText, Flex: 5, Wrap: true},
			},
		})
	}
	return rows
}

// cardButtons makes the first usable choice the primary button and the rest
// secondary: one obvious answer, the others still easy to hit.
func cardButtons(choices []bot.Choice, log *slog.Logger) []messaging_api.FlexComponentInterface {
	var buttons []messaging_api.FlexComponentInterface
	for _, c := range choices {
		action, ok := postback(c, log)
		if !ok {
			continue
		}
		style := messaging_api.FlexButtonSTYLE_SECONDARY
		if len(buttons) == 0 {
			style = messaging_api.FlexButtonSTYLE_PRIMARY
		}
		buttons = append(buttons, &messaging_api.FlexButton{
			Style: style, Height: messaging_api.FlexButtonHEIGHT_MD, Action: action,
		})
	}
	return buttons
}

// quickReply turns choices into at most 13 quick-reply buttons, LINE's
// limit; nil when none is usable.
func quickReply(choices []bot.Choice, log *slog.Logger) *messaging_api.QuickReply {
	var items []messaging_api.QuickReplyItem
	for _, c := range fitChoices(choices, maxQuickReplyItems) {
		action, ok := postback(c, log)
		if !ok {
			continue
		}
		items = append(items, messaging_api.QuickReplyItem{Type: "action", Action: action})
	}
	if len(items) == 0 {
		return nil
	}
	return &messaging_api.QuickReply{Items: items}
}

// fitChoices keeps at most n choices, in order: every choice marked Keep,
// then as many of the others as there is room for, from the first.
func fitChoices(choices []bot.Choice, n int) []bot.Choice {
	if len(choices) <= n {
		return choices
	}
	room := n
	for _, c := range choices {
		if c.Keep {
			room--
		}
	}
	out := make([]bot.Choice, 0, n)
	for _, c := range choices {
		switch {
		case len(out) == n:
		case c.Keep:
			out = append(out, c)
		case room > 0:
			out = append(out, c)
			room--
		}
	}
	return out
}

// postback builds the action behind a button. DisplayText makes the tap show
// up in the chat as the person's own answer, as if they had typed it.
// ok is false for a choice LINE would reject.
func postback(c bot.Choice, log *slog.Logger) (*messaging_api.PostbackAction, bool) {
	switch {
	case strings.TrimSpace(c.Label) == "":
		log.Error("line render: button without label skipped", "data", c.Data)
		return nil, false
	case c.Data == "":
		log.Error("line render: button without data skipped")
		return nil, false
	case utf16Len(c.Data) > maxPostbackData:
		// Cutting the data would change its meaning; the bot never
		// produces such data, so this is a bug worth seeing in the log.
		log.Error("line render: postback data too long, button skipped", "len", utf16Len(c.Data), "max", maxPostbackData)
		return nil, false
	}
	return &messaging_api.PostbackAction{
		Label:       truncate(c.Label, maxLabel),
		Data:        c.Data,
		DisplayText: truncate(c.Label, maxDisplayText),
	}, true
}

// altText is what notifications and old clients show instead of the bubble:
// the title, then the first lines of the body and fields.
func altText(c *bot.Card) string {
	var lines []string
	if c.Title != "" {
		lines = append(lines, c.Title)
	}
	if c.Body != "" {
		lines = append(lines, c.Body)
	}
	for _, f := range c.Fields {
		switch {
		case f.Value == "":
			// A label alone says nothing in a notification.
		case f.Label == "":
			lines = append(lines, f.Value)
		default:
			lines = append(lines, f.Label+": "+f.Value)
		}
	}
	s := strings.TrimSpace(strings.Join(lines, "\n"))
	if s == "" {
		return fallbackAltText
	}
	return truncate(s, maxAltText)
}

// truncate cuts s to at most max UTF-16 code units, ending a cut string with
// "…" so the reader sees that something is missing.
func truncate(s string, max int) string {
	if utf16Len(s) <= max {
		return s
	}
	n := 0
	for i, r := range s {
		w := utf16.RuneLen(r)
		if w < 0 {
			w = 1 // invalid UTF-8 decodes to U+FFFD, one unit
		}
		if n+w > max-1 {
			return s[:i] + "…"
		}
		n += w
	}
	return s
}

// utf16Len is the length LINE counts.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if w := utf16.RuneLen(r); w > 0 {
			n += w
		} else {
			n++
		}
	}
	return n
}
