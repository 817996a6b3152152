package line

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"tsunagu/adapters/broadcast"
	"tsunagu/bot"
)

// LINE's limits for multicasts.
const (
	// MaxMulticast is how many users one multicast request may name.
	MaxMulticast = 500
	// multicastRate is LINE's multicast rate limit, requests per second.
	multicastRate = 200
	// multicastInFlight bounds concurrent multicast requests.
	multicastInFlight = 16
)

var _ broadcast.BatchSender = (*Sender)(nil)

// Limits are LINE's limits for broadcasts: multicasts of up to
// MaxMulticast users at LINE's rate.
func (s *Sender) Limits() broadcast.Limits {
	return broadcast.Limits{Batch: MaxMulticast, PerSecond: multicastRate, InFlight: multicastInFlight}
}

// SendBatch sends a broadcast text to up to MaxMulticast LINE profiles by
// multicast. The retry key made from key makes every attempt after the
// first arrive at most once, so attempt is not needed.
func (s *Sender) SendBatch(ctx context.Context, to []string, text, key string, _ int) error {
	return s.Multicast(ctx, to, []bot.Message{{Text: text}}, key)
}

// Multicast sends msgs to up to MaxMulticast LINE profiles in one request.
// key names the batch: the same key always gives the same X-Line-Retry-Key,
// so resending a batch after a crash delivers it once (LINE answers 409,
// which counts as success). Errors are *bot.SendError.
func (s *Sender) Multicast(ctx context.Context, profileIDs []string, msgs []bot.Message, key string) error {
	if len(profileIDs) == 0 {
		return nil
	}
	if len(profileIDs) > MaxMulticast {
		return &bot.SendError{Permanent: true, Err: fmt.Errorf("line multicast %s: %d recipients, at most %d", key, len(profileIDs), MaxMulticast)}
	}
	to := make([]string, len(profileIDs))
	for i, id := range profileIDs {
		u, err := userID(id)
		if err != nil {
			return &bot.SendError{Permanent: true, Err: fmt.Errorf("line multicast %s: %w", key, err)}
		}
		to[i] = u
	}
	rendered := render(msgs, s.log)
	if len(rendered) > maxMessagesPerRequest {
		rendered = rendered[:maxMessagesPerRequest]
	}
	retry := uuid.NewSHA1(uuid.NameSpaceOID, []byte("tsunagu/multicast/"+key)).String()
	res, _, err := s.client(ctx).MulticastWithHttpInfo(&messaging_api.MulticastRequest{To: to, Messages: rendered}, retry)
	return classify("line multicast "+key, res, err, true)
}

// Quota returns the channel's monthly message limit (-1 when it has none)
// and how many messages were sent this month.
func (s *Sender) Quota(ctx context.Context) (limit, used int64, err error) {
	res, q, err := s.client(ctx).GetMessageQuotaWithHttpInfo()
	if err := classify("line quota", res, err, false); err != nil {
		return 0, 0, err
	}
	res, c, err := s.client(ctx).GetMessageQuotaConsumptionWithHttpInfo()
	if err := classify("line quota consumption", res, err, false); err != nil {
		return 0, 0, err
	}
	limit = -1
	if q != nil && q.Type == messaging_api.QuotaType_LIMITED {
		limit = q.Value
	}
	if c != nil {
		used = c.TotalUsage
	}
	return limit, used, nil
}
