package outbox

import (
	"time"

	"tsunagu/bot"
)

// Delivery is one outbox entry handed to a worker by its Queue. It stays
// pending until Ack, Retry or DeadLetter settles it; Shard and StreamID are
// where the queue keeps it.
type Delivery struct {
	Shard    int
	StreamID string
	// Attempt counts the sends tried before this one.
	Attempt int
	Out     bot.Outgoing

	// blocked is whether the recipient blocked the bot, as read with the
	// other entries of its batch; statusErr is why that could not be read.
	blocked   bool
	statusErr error
	// read is when this worker read the entry, on the real clock.
	read time.Time
}
