package line

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"tsunagu/bot"
)

// TestRememberedMessagesAreSentAsTheSDKEncodesThem sends one card with quick
// replies to three people, another card to one person twice: each request
// carries exactly what the SDK encodes for the messages rendered afresh,
// and only the card sent to several people is kept.
func TestRememberedMessagesAreSentAsTheSDKEncodesThem(t *testing.T) {
	f := &fakeLINE{}
	s := newTestSender(t, f)
	card := []bot.Message{
		{Text: "こんにちは"},
		{Card: &bot.Card{Title: "朝テストの採点", Body: "12月3日 10:00〜12:00", Fields: []bot.Field{{Label: "場所", Value: "世田谷区"}},
			Buttons: []bot.Choice{{Label: "引き受ける", Data: "accept:t1"}, {Label: "見送る", Data: "decline:t1"}}},
			Choices: []bot.Choice{{Label: "ヘルプ", Data: "help"}}},
	}
	other := []bot.Message{{Card: &bot.Card{Title: "オンライン説明会", Buttons: []bot.Choice{{Label: "参加する", Data: "rsvp:s1"}}}}}
	sends := [][]bot.Message{card, card, other, card, other}
	to := []string{"line:Ua", "line:Ub", "line:Uc", "line:Ud", "line:Uc"}
	for i, msgs := range sends {
		out := outgoing("", now, msgs...)
		out.To = to[i]
		if err := s.Send(context.Background(), out, 0); err != nil {
			t.Fatal(err)
		}
	}
	got := f.got()
	if len(got) != len(sends) {
		t.Fatalf("%d calls, want %d", len(got), len(sends))
	}
	for i, msgs := range sends {
		b, err := json.Marshal(&messaging_api.PushMessageRequest{Messages: render(msgs, s.log)})
		if err != nil {
			t.Fatal(err)
		}
		var want map[string]any
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got[i].Body["messages"], want["messages"]) {
			t.Errorf("send %d carried\n%v\nwant\n%v", i, got[i].Body["messages"], want["messages"])
		}
	}
	kept := 0
	for e := s.rendered.order.Front(); e != nil; e = e.Next() {
		if e.Value.(*renderedList).msgs != nil {
			kept++
		}
	}
	if n := s.rendered.order.Len(); n != 2 || kept != 1 {
		t.Errorf("%d message lists noted and %d kept, want 2 noted and only the shared card kept", n, kept)
	}
}
