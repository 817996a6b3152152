package redis

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

func TestDraftsEmbedded(t *testing.T) { testDrafts(t, embeddedClient) }

func TestDraftsReal(t *testing.T) {
	needEnv(t, "REDIS_URL")
	testDrafts(t, realClient)
}

func TestDraftsCluster(t *testing.T) {
	needEnv(t, "REDIS_CLUSTER_ADDRS")
	testDrafts(t, clusterClient)
}

func testDrafts(t *testing.T, newClient func(t *testing.T) goredis.UniversalClient) {
	ctx := context.Background()
	d := NewDrafts(newClient(t))

	if _, ok, err := d.Take(ctx, "none"); err != nil || ok {
		t.Fatalf("Take(missing) = ok %v, err %v; want nothing", ok, err)
	}
	if err := d.Put(ctx, "a", []byte("お知らせ"), time.Minute); err != nil {
		t.Fatal(err)
	}
	// Ten concurrent clicks on the same confirm button: one takes it.
	var got atomic.Int32
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, ok, err := d.Take(ctx, "a")
			if err != nil {
				t.Error(err)
			}
			if ok {
				got.Add(1)
				if string(b) != "お知らせ" {
					t.Errorf("Take = %q", b)
				}
			}
		}()
	}
	wg.Wait()
	if got.Load() != 1 {
		t.Fatalf("%d clicks took the draft, want 1", got.Load())
	}

	// A form is saved once; a refused one is released and may come again.
	if first, err := d.Claim(ctx, "form:V1", time.Minute); err != nil || !first {
		t.Fatalf("first Claim = %v, %v", first, err)
	}
	if again, err := d.Claim(ctx, "form:V1", time.Minute); err != nil || again {
		t.Fatalf("second Claim = %v, %v; want false", again, err)
	}
	if err := d.Release(ctx, "form:V1"); err != nil {
		t.Fatal(err)
	}
	if first, err := d.Claim(ctx, "form:V1", time.Minute); err != nil || !first {
		t.Fatalf("Claim after Release = %v, %v", first, err)
	}

	if err := d.Put(ctx, "b", []byte("x"), time.Second); err != nil {
		t.Fatal(err)
	}
	ttl, err := d.c.PTTL(ctx, draftKey("b")).Result()
	if err != nil || ttl <= 0 || ttl > time.Second {
		t.Fatalf("draft TTL = %v, %v; want it to expire within a second", ttl, err)
	}
}
