package line

import (
	"container/list"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"tsunagu/bot"
)

// The rendered-message memory: how many, for how long, and the largest
// message list (as JSON) worth remembering.
const (
	renderedCap    = 256
	renderedMaxAge = 10 * time.Minute
	renderedMaxKey = 8 << 10
)

// renderedMemory remembers the SDK's JSON of recently rendered message
// lists. The same cards go to many people (the help, the consent, a task
// offered to a wave, a session's invitation), and the SDK encodes a Flex
// message through a MarshalJSON at every level, which costs more than the
// rest of a send. What it holds is what the outbox held a moment before;
// it lives in memory only, briefly (renderedMaxAge), and at most
// renderedCap lists.
type renderedMemory struct {
	mu    sync.Mutex
	order *list.List // of *renderedList, most recently used first
	byKey map[string]*list.Element
}

type renderedList struct {
	key  string
	msgs []messaging_api.MessageInterface
	at   time.Time
}

func newRenderedMemory() *renderedMemory {
	return &renderedMemory{order: list.New(), byKey: map[string]*list.Element{}}
}

// render is the package's render, remembered by the messages' JSON.
func (m *renderedMemory) render(msgs []bot.Message, log *slog.Logger) []messaging_api.MessageInterface {
	k, err := json.Marshal(msgs)
	if err != nil || len(k) > renderedMaxKey {
		return render(msgs, log)
	}
	key := string(k)
	if got, ok := m.recall(key); ok {
		return got
	}
	out := render(msgs, log)
	encoded := make([]messaging_api.MessageInterface, len(out))
	for i, msg := range out {
		raw, err := json.Marshal(messagingJSON{msg})
		if err != nil {
			return out // the SDK will say what is wrong with it
		}
		encoded[i] = encodedMessage{typ: msg.GetType(), raw: raw}
	}
	m.remember(key, encoded)
	return encoded
}

func (m *renderedMemory) recall(key string) ([]messaging_api.MessageInterface, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.byKey[key]
	if !ok {
		return nil, false
	}
	r := e.Value.(*renderedList)
	if time.Since(r.at) > renderedMaxAge {
		m.order.Remove(e)
		delete(m.byKey, key)
		return nil, false
	}
	m.order.MoveToFront(e)
	return r.msgs, true
}

func (m *renderedMemory) remember(key string, msgs []messaging_api.MessageInterface) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.byKey[key]; ok {
		m.order.MoveToFront(e)
		return
	}
	m.byKey[key] = m.order.PushFront(&renderedList{key: key, msgs: msgs, at: time.Now()})
	for m.order.Len() > renderedCap {
		last := m.order.Back()
		m.order.Remove(last)
		delete(m.byKey, last.Value.(*renderedList).key)
	}
}

// messagingJSON encodes one SDK message as the SDK's requests do: through
// a MessageInterface, whose discriminator ("type") the SDK sets on the way.
type messagingJSON struct {
	m messaging_api.MessageInterface
}

func (j messagingJSON) MarshalJSON() ([]byte, error) {
	// The SDK's request encoders fill in "type" before encoding; a one-
	// message push request does the same here, and its message is taken
	// back out.
	b, err := json.Marshal(&messaging_api.PushMessageRequest{Messages: []messaging_api.MessageInterface{j.m}})
	if err != nil {
		return nil, err
	}
	var req struct {
		Messages []json.RawMessage `json:"messages"`
	}
	if err := json.Unmarshal(b, &req); err != nil || len(req.Messages) != 1 {
		return nil, err
	}
	return req.Messages[0], nil
}

// encodedMessage is an SDK message already encoded by the SDK: a request
// carrying it encodes it as those bytes.
type encodedMessage struct {
	typ string
	raw json.RawMessage
}

func (e encodedMessage) GetType() string              { return e.typ }
func (e encodedMessage) MarshalJSON() ([]byte, error) { return e.raw, nil }
