package measure

import (
	"context"
	"os"
	"testing"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"
)

func TestProcessCPUMoves(t *testing.T) {
	before := ProcessCPU()
	x := 0
	for i := range 50_000_000 {
		x ^= i
	}
	if after := ProcessCPU(); after <= before {
		t.Errorf("CPU time %v after work, %v before (%d)", after, before, x)
	}
}

func TestRedisCPU(t *testing.T) {
	ctx := context.Background()
	t.Run("embedded Redis does not say", func(t *testing.T) {
		c := goredis.NewClient(&goredis.Options{Addr: miniredis.RunT(t).Addr()})
		defer c.Close()
		if _, ok, err := RedisCPU(ctx, c); ok || err != nil {
			t.Errorf("RedisCPU = ok %v, %v; want not ok and no error", ok, err)
		}
	})
	t.Run("a real server does", func(t *testing.T) {
		u := os.Getenv("REDIS_URL")
		if u == "" {
			t.Skip("REDIS_URL not set")
		}
		opt, err := goredis.ParseURL(u)
		if err != nil {
			t.Fatal(err)
		}
		c := goredis.NewClient(opt)
		defer c.Close()
		cpu, ok, err := RedisCPU(ctx, c)
		if !ok || err != nil || cpu <= 0 {
			t.Errorf("RedisCPU = %v, ok %v, %v; want some CPU time", cpu, ok, err)
		}
		reads, ok, err := RedisInfo(ctx, c, "stats", "total_reads_processed")
		if !ok || err != nil || reads < 1 {
			t.Errorf("total_reads_processed = %v, ok %v, %v; want at least this client's reads", reads, ok, err)
		}
	})
}
