package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"tsunagu/bot"
)

// noticesCap is how many coordinator notices the board keeps.
const noticesCap = 1000

// noticesKey is the list of coordinator notices, newest first. It names
// tasks, and people only as coordinators may see them.
func noticesKey() string { return tag(0) + ":notices" }

// NoticeBoard keeps coordinator notices in Redis when no coordinator
// channel is configured (and in the playground), for the API to show. As an
// outbox Sender it delivers entries addressed to bot.CoordinatorID.
type NoticeBoard struct {
	c   goredis.UniversalClient
	now func() time.Time
}

// NewNoticeBoard returns the board in c.
func NewNoticeBoard(c goredis.UniversalClient) *NoticeBoard {
	return &NoticeBoard{c: c, now: time.Now}
}

// postScript adds a notice unless one with its ID is on the board, so an
// outbox retry does not post twice.
//
// KEYS: notices. ARGV: needle naming the ID, notice JSON, cap.
var postScript = goredis.NewScript(`
for _, m in ipairs(redis.call('LRANGE', KEYS[1], 0, 49)) do
  if string.find(m, ARGV[1], 1, true) then return 0 end
end
redis.call('LPUSH', KEYS[1], ARGV[2])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[3]) - 1)
return 1
`)

// Send posts the entry's texts as one notice.
func (nb *NoticeBoard) Send(ctx context.Context, out bot.Outgoing, _ int) error {
	var texts []string
	for _, m := range out.Messages {
		if m.Text != "" {
			texts = append(texts, m.Text)
		}
	}
	nj, err := json.Marshal(bot.Notice{ID: out.ID, Text: strings.Join(texts, "\n"), At: nb.now(), About: out.About})
	if err != nil {
		return fmt.Errorf("post notice %s: %w", out.ID, err)
	}
	idj, _ := json.Marshal(out.ID)
	if err := postScript.Run(ctx, nb.c, []string{noticesKey()}, `"id":`+string(idj), nj, noticesCap).Err(); err != nil {
		return fmt.Errorf("post notice %s: %w", out.ID, err)
	}
	return nil
}

// Notices returns up to limit notices, newest first.
func (nb *NoticeBoard) Notices(ctx context.Context, limit int) ([]bot.Notice, error) {
	raw, err := nb.c.LRange(ctx, noticesKey(), 0, int64(limit)-1).Result()
	if err != nil {
		return nil, fmt.Errorf("notices: %w", err)
	}
	out := make([]bot.Notice, 0, len(raw))
	for _, r := range raw {
		var n bot.Notice
		if err := json.Unmarshal([]byte(r), &n); err != nil {
			return nil, fmt.Errorf("notices: %w", err)
		}
		out = append(out, n)
	}
	return out, nil
}
