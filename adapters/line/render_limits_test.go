package line

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"tsunagu/bot"
)

// maxBubbleBytes is LINE's limit on the JSON of one Flex bubble.
const maxBubbleBytes = 30 * 1024

// TestOfferCardAtTheTaskLimitsFitsABubble renders an offer card whose task
// texts are at the bot's limits, in the character that takes the most room
// in JSON ('<' is written \u003c, six bytes): it stays under LINE's 30 KB.
// The same card with an organization of LINE's 5,000-unit text limit (all a
// card's text components would otherwise hold) is over it, so the check can
// fail.
func TestOfferCardAtTheTaskLimitsFitsABubble(t *testing.T) {
	card := func(org string) *bot.Card {
		return &bot.Card{
			Title: strings.Repeat("<", bot.MaxTitleRunes),
			Body:  "キャンセル待ちのお仕事に空きが出ました。お引き受けいただけますか？",
			Fields: []bot.Field{
				{Label: "日時", Value: "12月31日(木) 23:30〜1月1日(金) 23:30"},
				{Label: "場所", Value: "オンライン（リモート）"},
				{Label: "謝礼", Value: strings.Repeat("<", bot.MaxRewardLen)},
				{Label: "依頼元", Value: org},
				{Label: "お返事の期限", Value: "12月31日 23時59分"},
			},
			Buttons: []bot.Choice{
				{Label: "引き受ける", Data: "offer:accept:9a2c5c37-3936-4ebb-895a-8463a9093812"},
				{Label: "今回は見送る", Data: "offer:decline:9a2c5c37-3936-4ebb-895a-8463a9093812"},
				{Label: "なぜ私に？", Data: "offer:why:9a2c5c37-3936-4ebb-895a-8463a9093812"},
			},
		}
	}
	size := func(c *bot.Card) int {
		t.Helper()
		b, err := json.Marshal(renderCard(c, slog.New(slog.DiscardHandler)).Contents)
		if err != nil {
			t.Fatal(err)
		}
		return len(b)
	}
	n := size(card(strings.Repeat("<", bot.MaxOrganizationLen)))
	t.Logf("offer card at the limits: %d bytes", n)
	if n > maxBubbleBytes {
		t.Errorf("card at the limits is %d bytes, over LINE's %d", n, maxBubbleBytes)
	}
	if n := size(card(strings.Repeat("<", maxText))); n <= maxBubbleBytes {
		t.Errorf("card with a %d-unit organization is %d bytes, want it over %d (the check cannot fail)", maxText, n, maxBubbleBytes)
	}
}
