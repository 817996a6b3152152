package line

import (
	"strings"
	"testing"

	"tsunagu/bot"
)

// TestLabelsTheBotSendsWholeLookAsBefore: the conversation no longer cuts
// button labels to LINE's 20 units; the renderer does, to exactly what the
// conversation used to send (19 characters and an ellipsis).
func TestLabelsTheBotSendsWholeLookAsBefore(t *testing.T) {
	tests := []struct {
		name, label, want string
	}{
		{"short name", "はなこ", "はなこ"},
		{"name of exactly 20", strings.Repeat("名", 20), strings.Repeat("名", 20)},
		{"long name", strings.Repeat("長", 30), strings.Repeat("長", 19) + "…"},
		{"task to cancel", "12/3 " + strings.Repeat("題", 30), "12/3 " + strings.Repeat("題", 14) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, msgs := renderJSON(t, bot.Message{Text: "x", Choices: []bot.Choice{{Label: tt.label, Data: "d"}}})
			if got := at(t, msgs[0], "quickReply", "items", 0, "action", "label"); got != tt.want {
				t.Errorf("label %q, want %q", got, tt.want)
			}
		})
	}
}
