package redis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// quotaLedgerKey is a sorted set of the LINE messages broadcasts were
// admitted for lately: members "<random>:<n>", scored by the unix ms of
// the admission. It names nobody.
const quotaLedgerKey = "ts:line:quota:admitted"

// QuotaLedger is the line.QuotaLedger every replica shares: what one
// admitted counts for all.
type QuotaLedger struct{ c goredis.UniversalClient }

// NewQuotaLedger returns the ledger stored in c.
func NewQuotaLedger(c goredis.UniversalClient) *QuotaLedger { return &QuotaLedger{c: c} }

// admitScript forgets admissions up to since, sums the others, and adds
// this one if the sum would stay within the ceiling.
//
// KEYS: ledger. ARGV: since ms, now ms, n, ceiling, member.
var admitScript = goredis.NewScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local sum = 0
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  sum = sum + tonumber(string.match(m, ':(%d+)$'))
end
local n = tonumber(ARGV[3])
if sum + n > tonumber(ARGV[4]) then return {sum, 0} end
if n > 0 then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[5])
  -- Kept twice the window after the last admission, in Redis's own
  -- time: the scores are in the service's.
  redis.call('PEXPIRE', KEYS[1], 2 * (tonumber(ARGV[2]) - tonumber(ARGV[1])))
end
return {sum, 1}
`)

// AdmitUpTo implements line.QuotaLedger.
func (l *QuotaLedger) AdmitUpTo(ctx context.Context, since, now time.Time, n, ceiling int64) (int64, bool, error) {
	var b [8]byte
	_, _ = rand.Read(b[:])
	member := fmt.Sprintf("%s:%d", hex.EncodeToString(b[:]), n)
	// Lua numbers are doubles: a ceiling past 2^53 (an unlimited quota)
	// is as good as infinite.
	res, err := admitScript.Run(ctx, l.c, []string{quotaLedgerKey},
		since.UnixMilli(), now.UnixMilli(), n, min(ceiling, 1<<53), member).Int64Slice()
	if err != nil {
		return 0, false, fmt.Errorf("quota ledger: %w", err)
	}
	return res[0], res[1] == 1, nil
}
