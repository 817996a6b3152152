// Package measure holds what the benchmarks read besides the clock: the
// CPU time of this process and of the Redis server. On a shared machine
// CPU time moves less than time on the clock, and a benchmark that runs
// the service beside its load and its Redis can tell their shares apart.
package measure

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// RedisInfo reads one number from INFO section. ok is false when the
// server does not report the field (the embedded Redis reports few).
func RedisInfo(ctx context.Context, c goredis.UniversalClient, section, field string) (v float64, ok bool, err error) {
	info, err := c.Info(ctx, section).Result()
	var refused goredis.Error
	if errors.As(err, &refused) {
		return 0, false, nil // the server answered: it has no such section
	}
	if err != nil {
		return 0, false, fmt.Errorf("INFO %s: %w", section, err)
	}
	for line := range strings.SplitSeq(info, "\r\n") {
		if s, found := strings.CutPrefix(line, field+":"); found {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return 0, false, fmt.Errorf("INFO %s %q: %w", field, s, err)
			}
			return v, true, nil
		}
	}
	return 0, false, nil
}

// RedisCPU is the CPU time the server has used, user and system; ok is
// false when it does not say.
func RedisCPU(ctx context.Context, c goredis.UniversalClient) (cpu time.Duration, ok bool, err error) {
	var sum float64
	for _, f := range []string{"used_cpu_user", "used_cpu_sys"} {
		v, found, err := RedisInfo(ctx, c, "cpu", f)
		if err != nil || !found {
			return 0, false, err
		}
		sum += v
	}
	return time.Duration(sum * float64(time.Second)), true, nil
}
