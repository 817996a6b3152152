package bot

import (
	"strings"
	"testing"
	"time"
)

// labelOf is the label of the button with data, "" when there is none.
func labelOf(r Result, data string) string {
	for _, m := range r.Messages {
		for _, c := range m.Choices {
			if c.Data == data {
				return c.Label
			}
		}
		if m.Card != nil {
			for _, c := range m.Card.Buttons {
				if c.Data == data {
					return c.Label
				}
			}
		}
	}
	return ""
}

// TestButtonLabelsAreWhole: the conversation names a button with the whole
// text; fitting it to a platform's label limit (LINE's 20 units) is the
// platform's renderer's job, so Slack, which has room, shows it whole.
func TestButtonLabelsAreWhole(t *testing.T) {
	long := strings.Repeat("長", 30)
	t.Run("suggested name when it arrives", func(t *testing.T) {
		c := newChat(t)
		c.follow()
		c.say("はい")
		r := c.send(Inbound{Kind: EventProfileInfo, DisplayName: long})
		if got := labelOf(r, "name:suggested"); got != long {
			t.Fatalf("label %q, want the whole name", got)
		}
	})
	t.Run("suggested name asked again", func(t *testing.T) {
		c := newChat(t)
		c.follow()
		c.say("はい")
		c.send(Inbound{Kind: EventProfileInfo, DisplayName: long})
		r := c.say("？")
		if got := labelOf(r, "name:suggested"); got != long {
			t.Fatalf("label %q, want the whole name", got)
		}
	})
	t.Run("task to cancel", func(t *testing.T) {
		start := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
		got := choiceLabel(OfferRef{Title: long, Start: start}, time.UTC)
		if want := "12/3 " + long; got != want {
			t.Fatalf("label %q, want %q", got, want)
		}
	})
}
