package slack

import (
	"encoding/json"
	"strings"
	"testing"

	"tsunagu/bot"
)

func TestRenderCardsAndChoicesAsBlockKit(t *testing.T) {
	text, blocks := Render([]bot.Message{
		{Text: "お仕事のご案内です <b>"},
		{Card: &bot.Card{Title: "朝テストの採点", Body: "お引き受けいただけますか？",
			Fields:  []bot.Field{{Label: "日時", Value: "12月1日(火) 8:00〜10:00"}, {Label: "場所", Value: "世田谷区"}},
			Buttons: []bot.Choice{{Label: "引き受ける", Data: "offer:accept:T1"}, {Label: "見送る", Data: "offer:decline:T1"}}}},
		{Text: "どれですか？", Choices: []bot.Choice{{Label: strings.Repeat("長", 100), Data: "x:1"}}},
	})
	raw, err := json.Marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, b := range got {
		types = append(types, b["type"].(string))
	}
	if strings.Join(types, ",") != "section,header,section,actions,section,actions" {
		t.Fatalf("blocks %v", types)
	}
	s := string(raw)
	for _, want := range []string{`"value":"offer:accept:T1"`, `"value":"offer:decline:T1"`, `*日時*\n12月1日(火) 8:00〜10:00`} {
		if !strings.Contains(s, want) {
			t.Errorf("blocks lack %s: %s", want, s)
		}
	}
	if first := got[0]["text"].(map[string]any)["text"]; first != "お仕事のご案内です &lt;b&gt;" {
		t.Errorf("people's text not escaped for mrkdwn: %q", first)
	}
	ids := map[string]bool{}
	for _, b := range got {
		if b["type"] != "actions" {
			continue
		}
		for _, el := range b["elements"].([]any) {
			e := el.(map[string]any)
			id := e["action_id"].(string)
			if ids[id] {
				t.Errorf("action_id %s repeated", id)
			}
			ids[id] = true
			if label := e["text"].(map[string]any)["text"].(string); len([]rune(label)) > maxButtonText {
				t.Errorf("button label of %d characters", len([]rune(label)))
			}
		}
	}
	if !strings.Contains(text, "朝テストの採点") {
		t.Errorf("fallback text %q", text)
	}
}
