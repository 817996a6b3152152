package line

import (
	"container/list"
	"crypto/sha256"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"tsunagu/bot"
)

// The rendered-message memory: how many lists, for how long, and the
// largest message list (as JSON) worth remembering.
const (
	renderedCap    = 256
	renderedMaxAge = 10 * time.Minute
	renderedMaxKey = 8 << 10
)

// renderedMemory remembers the SDK's JSON of recently rendered message
// lists. The same cards go to many people (the help, the consent, a task
// offered to a wave, a session's invitation), and the SDK encodes a Flex
// message through a MarshalJSON at every level, which costs more than the
// rest of a send.
//
// A reply meant for one person (their profile read back, their offers) is
// never kept: a list is known by a digest of its JSON, with the digest of
// its first recipient, and its encoding is kept only once a second person
// is sent the same list. What is kept lives in memory only, briefly
// (renderedMaxAge), and at most renderedCap lists.
type renderedMemory struct {
	mu    sync.Mutex
	order *list.List // of *renderedList, most recently used first
	byKey map[digest]*list.Element
}

// digest names a message list or a recipient without holding them.
type digest [sha256.Size]byte

type renderedList struct {
	key   digest
	first digest                           // the first recipient
	msgs  []messaging_api.MessageInterface // nil until a second one
	at    time.Time
}

func newRenderedMemory() *renderedMemory {
	return &renderedMemory{order: list.New(), byKey: map[digest]*list.Element{}}
}

// render is the package's render, remembered by the messages' JSON for
// lists sent to more than one person.
func (m *renderedMemory) render(to string, msgs []bot.Message, log *slog.Logger) []messaging_api.MessageInterface {
	k, err := json.Marshal(msgs)
	if err != nil || len(k) > renderedMaxKey {
		return render(msgs, log)
	}
	key, who := digest(sha256.Sum256(k)), digest(sha256.Sum256([]byte(to)))
	if got, shared := m.recall(key, who); got != nil || !shared {
		if got != nil {
			return got
		}
		return render(msgs, log)
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
	m.keep(key, encoded)
	return encoded
}

// recall returns the kept encoding of the list key, or whether it was
// sent to someone other than who before (then it is worth keeping). A
// list not seen before is noted as sent to who.
func (m *renderedMemory) recall(key, who digest) (msgs []messaging_api.MessageInterface, shared bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.byKey[key]; ok {
		r := e.Value.(*renderedList)
		if time.Since(r.at) <= renderedMaxAge {
			m.order.MoveToFront(e)
			return r.msgs, r.first != who
		}
		m.order.Remove(e)
		delete(m.byKey, key)
	}
	m.byKey[key] = m.order.PushFront(&renderedList{key: key, first: who, at: time.Now()})
	for m.order.Len() > renderedCap {
		last := m.order.Back()
		m.order.Remove(last)
		delete(m.byKey, last.Value.(*renderedList).key)
	}
	return nil, false
}

// keep stores the encoding of the list key, if it is still noted.
func (m *renderedMemory) keep(key digest, msgs []messaging_api.MessageInterface) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.byKey[key]; ok {
		e.Value.(*renderedList).msgs = msgs
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
