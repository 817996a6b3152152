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

// TestQuickRepliesKeepWhatTheBotMarked: the conversation offers every
// choice; LINE shows 13, so the renderer drops unmarked choices from the
// end and keeps the marked ones (leaving an edit, talking to a person)
// wherever they stand.
func TestQuickRepliesKeepWhatTheBotMarked(t *testing.T) {
	choice := func(i int) bot.Choice {
		return bot.Choice{Label: string(rune('あ' + i)), Data: "d" + string(rune('a'+i))}
	}
	var many []bot.Choice
	for i := 0; i < 20; i++ {
		many = append(many, choice(i))
	}
	marked := append([]bot.Choice(nil), many...)
	marked[0].Keep, marked[19].Keep = true, true
	tests := []struct {
		name    string
		choices []bot.Choice
		want    []string // data, in order
	}{
		{"few stay as they are", many[:5], []string{"da", "db", "dc", "dd", "de"}},
		{"thirteen stay", many[:13], datas(many[:13])},
		{"unmarked are cut from the end", many, datas(many[:13])},
		{"marked ones stay where they stand", marked, append(datas(marked[:12]), "dt")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, msgs := renderJSON(t, bot.Message{Text: "どれですか", Choices: tt.choices})
			items := at(t, msgs[0], "quickReply", "items").([]any)
			var got []string
			for i := range items {
				got = append(got, at(t, msgs[0], "quickReply", "items", i, "action", "data").(string))
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("quick replies %v, want %v", got, tt.want)
			}
		})
	}
}

func datas(cs []bot.Choice) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Data
	}
	return out
}
