package line

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"tsunagu/bot"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json")

// renderJSON renders msgs the way a push sends them, through the SDK's
// marshalling, and decodes the result for inspection.
func renderJSON(t *testing.T, msgs ...bot.Message) ([]byte, []map[string]any) {
	t.Helper()
	req := &messaging_api.PushMessageRequest{To: "U1", Messages: render(msgs, slog.New(slog.DiscardHandler))}
	b, err := json.MarshalIndent(req, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ Messages []map[string]any }
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	return b, got.Messages
}

// at walks decoded JSON: at(v, "contents", "footer", "contents", 0).
func at(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %v: %T is not an object", path, v)
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				t.Fatalf("at %v: %T has no element %d", path, v, k)
			}
			v = a[k]
		}
	}
	return v
}

var offerCard = bot.Message{
	Card: &bot.Card{
		Title: "朝テストの採点（私立高校）",
		Body:  "生徒の朝テストの丸付けをお願いします。\n赤ペンはこちらで用意します。",
		Fields: []bot.Field{
			{Label: "日時", Value: "5月8日(水) 8:00〜9:30"},
			{Label: "場所", Value: "世田谷区"},
			{Label: "謝礼", Value: ""},
		},
		Buttons: []bot.Choice{
			{Label: "引き受ける", Data: "offer:accept:t1"},
			{Label: "今回は見送る", Data: "offer:decline:t1"},
		},
	},
	Choices: []bot.Choice{{Label: "メニュー", Data: "cmd:menu"}},
}

func TestRenderCardGolden(t *testing.T) {
	b, msgs := renderJSON(t, offerCard)
	golden := filepath.Join("testdata", "card.golden.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(bytes.TrimSpace(b), bytes.TrimSpace(want)) {
		t.Errorf("card JSON differs from %s (go test -update to accept):\n%s", golden, b)
	}

	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m["type"] != "flex" || at(t, m, "contents", "type") != "bubble" {
		t.Errorf("not a flex bubble: %v", m)
	}
	alt, _ := m["altText"].(string)
	if !strings.HasPrefix(alt, "朝テストの採点（私立高校）\n生徒の朝テスト") || !strings.Contains(alt, "日時: 5月8日") {
		t.Errorf("altText = %q, want title then body and fields", alt)
	}
	for i, want := range []struct{ style, label, data string }{
		{"primary", "引き受ける", "offer:accept:t1"},
		{"secondary", "今回は見送る", "offer:decline:t1"},
	} {
		btn := at(t, m, "contents", "footer", "contents", i)
		if at(t, btn, "type") != "button" || at(t, btn, "style") != want.style ||
			at(t, btn, "action", "type") != "postback" || at(t, btn, "action", "data") != want.data ||
			at(t, btn, "action", "label") != want.label || at(t, btn, "action", "displayText") != want.label {
			t.Errorf("button %d = %v, want %+v", i, btn, want)
		}
	}
	if got := at(t, m, "contents", "body", "contents", 0, "weight"); got != "bold" {
		t.Errorf("title weight = %v, want bold", got)
	}
	if item := at(t, m, "quickReply", "items", 0); at(t, item, "type") != "action" || at(t, item, "action", "data") != "cmd:menu" {
		t.Errorf("quick reply = %v", item)
	}
}

func TestRenderMessages(t *testing.T) {
	many := make([]bot.Choice, 20)
	for i := range many {
		many[i] = bot.Choice{Label: fmt.Sprintf("選択肢 %d", i), Data: fmt.Sprintf("pick:%d", i)}
	}
	long := strings.Repeat("長", 30)
	tests := []struct {
		name  string
		msgs  []bot.Message
		check func(t *testing.T, msgs []map[string]any)
	}{
		{
			name: "text with choices gets a quick reply",
			msgs: []bot.Message{{Text: "どちらにお住まいですか？", Choices: []bot.Choice{{Label: "世田谷区", Data: "area:setagaya"}}}},
			check: func(t *testing.T, msgs []map[string]any) {
				if msgs[0]["type"] != "text" || msgs[0]["text"] != "どちらにお住まいですか？" {
					t.Errorf("message = %v", msgs[0])
				}
				a := at(t, msgs[0], "quickReply", "items", 0, "action")
				if at(t, a, "type") != "postback" || at(t, a, "label") != "世田谷区" || at(t, a, "displayText") != "世田谷区" || at(t, a, "data") != "area:setagaya" {
					t.Errorf("quick reply action = %v", a)
				}
			},
		},
		{
			name: "at most 13 quick replies",
			msgs: []bot.Message{{Text: "スキルを選んでください", Choices: many}},
			check: func(t *testing.T, msgs []map[string]any) {
				items := at(t, msgs[0], "quickReply", "items").([]any)
				if len(items) != 13 {
					t.Errorf("%d quick replies, want 13", len(items))
				}
			},
		},
		{
			name: "choices go under the last message only",
			msgs: []bot.Message{
				{Text: "ご登録ありがとうございます。", Choices: []bot.Choice{{Label: "古い", Data: "old"}}},
				{Text: "次に進みますか？", Choices: []bot.Choice{{Label: "はい", Data: "yes"}}},
			},
			check: func(t *testing.T, msgs []map[string]any) {
				if _, ok := msgs[0]["quickReply"]; ok {
					t.Errorf("first message has a quick reply: %v", msgs[0])
				}
				if got := at(t, msgs[1], "quickReply", "items", 0, "action", "data"); got != "yes" {
					t.Errorf("last quick reply data = %v", got)
				}
			},
		},
		{
			name: "choices of a text-less last message attach to the message before",
			msgs: []bot.Message{{Text: "お選びください"}, {Choices: []bot.Choice{{Label: "はい", Data: "yes"}}}},
			check: func(t *testing.T, msgs []map[string]any) {
				if len(msgs) != 1 || at(t, msgs[0], "quickReply", "items", 0, "action", "data") != "yes" {
					t.Errorf("messages = %v", msgs)
				}
			},
		},
		{
			name: "text and card in one message make two",
			msgs: []bot.Message{{Text: "新しいお仕事です", Card: &bot.Card{Title: "自転車置き場づくり"}}},
			check: func(t *testing.T, msgs []map[string]any) {
				if len(msgs) != 2 || msgs[0]["type"] != "text" || msgs[1]["type"] != "flex" {
					t.Errorf("messages = %v", msgs)
				}
			},
		},
		{
			name: "long labels cut to 20 with an ellipsis, display text kept whole",
			msgs: []bot.Message{{Text: "x", Choices: []bot.Choice{{Label: long, Data: "d"}}}},
			check: func(t *testing.T, msgs []map[string]any) {
				a := at(t, msgs[0], "quickReply", "items", 0, "action")
				label := at(t, a, "label").(string)
				if utf8.RuneCountInString(label) != 20 || !strings.HasSuffix(label, "…") {
					t.Errorf("label = %q (%d runes)", label, utf8.RuneCountInString(label))
				}
				if at(t, a, "displayText") != long {
					t.Errorf("displayText = %v", at(t, a, "displayText"))
				}
			},
		},
		{
			name: "postback data over 300 characters is skipped, not cut",
			msgs: []bot.Message{{Card: &bot.Card{Title: "t", Buttons: []bot.Choice{
				{Label: "長すぎ", Data: strings.Repeat("d", 301)},
				{Label: "ちょうど", Data: strings.Repeat("d", 300)},
			}}}},
			check: func(t *testing.T, msgs []map[string]any) {
				buttons := at(t, msgs[0], "contents", "footer", "contents").([]any)
				if len(buttons) != 1 || at(t, buttons[0], "action", "label") != "ちょうど" || at(t, buttons[0], "style") != "primary" {
					t.Errorf("buttons = %v", buttons)
				}
			},
		},
		{
			name: "text over 5000 characters is cut",
			msgs: []bot.Message{{Text: strings.Repeat("あ", 6000)}},
			check: func(t *testing.T, msgs []map[string]any) {
				if n := utf8.RuneCountInString(msgs[0]["text"].(string)); n != 5000 {
					t.Errorf("text has %d characters, want 5000", n)
				}
			},
		},
		{
			name: "empty card still has altText and a body",
			msgs: []bot.Message{{Card: &bot.Card{}}},
			check: func(t *testing.T, msgs []map[string]any) {
				if msgs[0]["altText"] == "" || at(t, msgs[0], "contents", "body", "contents", 0, "text") == "" {
					t.Errorf("message = %v", msgs[0])
				}
				if _, ok := at(t, msgs[0], "contents").(map[string]any)["footer"]; ok {
					t.Error("footer without buttons")
				}
			},
		},
		{
			name: "altText capped at 400",
			msgs: []bot.Message{{Card: &bot.Card{Title: "t", Body: strings.Repeat("本", 1000)}}},
			check: func(t *testing.T, msgs []map[string]any) {
				if n := utf8.RuneCountInString(msgs[0]["altText"].(string)); n != 400 {
					t.Errorf("altText has %d characters, want 400", n)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, msgs := renderJSON(t, tt.msgs...)
			tt.check(t, msgs)
		})
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"はい", 20, "はい"},
		{"12345", 5, "12345"},
		{"123456", 5, "1234…"},
		{"あいうえおか", 5, "あいうえ…"},
		{"😀😀😀", 5, "😀😀…"}, // an emoji is two UTF-16 units
		{"😀😀😀", 4, "😀…"},
	}
	for _, tt := range tests {
		if got := truncate(tt.in, tt.max); got != tt.want || utf16Len(got) > tt.max {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}
