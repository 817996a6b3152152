package bot

import "time"

// Notice is one message to the coordinators as a board keeps it, for those
// without a coordinator channel.
type Notice struct {
	ID   string    `json:"id"`
	Text string    `json:"text"`
	At   time.Time `json:"at"`
	// About are the people it speaks of (Outgoing.About).
	About []string `json:"about,omitempty"`
}
