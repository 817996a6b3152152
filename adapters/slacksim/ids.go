package slacksim

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// randomString returns n characters of alphabet.
func randomString(alphabet string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// upper is the alphabet of Slack's object IDs.
const upper = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

func newID(prefix string) string { return prefix + randomString(upper, 10) }

// newBlockID returns an ID like those Slack gives blocks and elements the
// app left unnamed.
func newBlockID() string { return randomString(alnum, 5) }

// newTriggerID returns a trigger ID shaped like Slack's:
// "<digits>.<digits>.<hex>".
func newTriggerID() string {
	return randomString("0123456789", 13) + "." + randomString("0123456789", 13) + "." + randomString("0123456789abcdef", 32)
}

// formatTS writes microseconds as a Slack ts: "1712345678.000100".
func formatTS(us int64) string { return fmt.Sprintf("%d.%06d", us/1e6, us%1e6) }

// parseTS reads a Slack ts back into microseconds.
func parseTS(ts string) (int64, bool) {
	sec, frac, ok := strings.Cut(ts, ".")
	if !ok || len(frac) != 6 {
		return 0, false
	}
	s, err1 := strconv.ParseInt(sec, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return s*1e6 + f, true
}

// encodeCursor and decodeCursor make the opaque next_cursor Slack pages
// with ("user:U0123" in base64, as Slack's own cursors look).
func encodeCursor(kind, key string) string {
	return base64.StdEncoding.EncodeToString([]byte(kind + ":" + key))
}

func decodeCursor(kind, cursor string) (string, bool) {
	b, err := base64.StdEncoding.DecodeString(cursor)
	if err != nil {
		return "", false
	}
	return strings.CutPrefix(string(b), kind+":")
}
