package redis

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"tsunagu/bot"
)

func TestAccountsEmbedded(t *testing.T) { testAccounts(t, embeddedClient) }

func TestAccountsReal(t *testing.T) {
	needEnv(t, "REDIS_URL")
	testAccounts(t, realClient)
}

func TestAccountsCluster(t *testing.T) {
	needEnv(t, "REDIS_CLUSTER_ADDRS")
	testAccounts(t, clusterClient)
}

func testAccounts(t *testing.T, newClient func(t *testing.T) goredis.UniversalClient) {
	ctx := context.Background()
	c := newClient(t)
	a := NewAccounts(c)
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

	yuki := &bot.Coordinator{ID: "c1", Email: "yuki@example.jp", Name: "佐藤 由紀", Org: "世田谷ジョブカフェ", CreatedAt: now}
	if err := a.CreateCoordinator(ctx, yuki); err != nil {
		t.Fatal(err)
	}
	twin := &bot.Coordinator{ID: "c2", Email: "yuki@example.jp", Name: "別人", Org: "x", CreatedAt: now}
	if err := a.CreateCoordinator(ctx, twin); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Fatalf("second account with the same email: %v, want a conflict", err)
	}
	got, err := a.FindCoordinatorByEmail(ctx, "yuki@example.jp")
	if err != nil || got.ID != "c1" || got.Name != yuki.Name || got.Org != yuki.Org || got.Admin || got.Disabled || !got.CreatedAt.Equal(now) {
		t.Fatalf("by email = %+v, %v", got, err)
	}
	if _, err := a.FindCoordinator(ctx, "c2"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("the refused account was stored: %v", err)
	}
	if err := a.SetPasswordHash(ctx, "c1", "$argon2id$x"); err != nil {
		t.Fatal(err)
	}
	if err := a.SetDisabled(ctx, "c1", true); err != nil {
		t.Fatal(err)
	}
	if err := a.SetDisabled(ctx, "nobody", true); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("disable a missing account: %v", err)
	}
	if got, _ := a.FindCoordinator(ctx, "c1"); got.PasswordHash != "$argon2id$x" || !got.Disabled {
		t.Fatalf("after updates: %+v", got)
	}
	if list, err := a.FindCoordinators(ctx); err != nil || len(list) != 1 {
		t.Fatalf("list = %v, %v", list, err)
	}

	t.Run("a set-password token is used once", func(t *testing.T) {
		if err := a.CreateSetupToken(ctx, "tok", "c1", time.Hour); err != nil {
			t.Fatal(err)
		}
		if id, err := a.PeekSetupToken(ctx, "tok"); err != nil || id != "c1" {
			t.Fatalf("peek = %q, %v", id, err)
		}
		var won atomic.Int32
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if id, err := a.UseSetupToken(ctx, "tok"); err == nil && id == "c1" {
					won.Add(1)
				}
			}()
		}
		wg.Wait()
		if won.Load() != 1 {
			t.Fatalf("%d uses of one token succeeded", won.Load())
		}
		if keys := c.Keys(ctx, "*tok*").Val(); len(keys) != 0 {
			t.Fatalf("a token is stored as it is: %v", keys)
		}
	})

	t.Run("logins", func(t *testing.T) {
		if err := a.CreateLogin(ctx, "cookie", bot.Login{AccountID: "c1", CSRF: "x", Created: now}, time.Hour); err != nil {
			t.Fatal(err)
		}
		l, err := a.FindLogin(ctx, "cookie")
		if err != nil || l.AccountID != "c1" || l.CSRF != "x" {
			t.Fatalf("login = %+v, %v", l, err)
		}
		if ttl := c.TTL(ctx, loginKey("cookie")).Val(); ttl <= 0 || ttl > time.Hour {
			t.Fatalf("login TTL = %v", ttl)
		}
		if err := a.DeleteLogin(ctx, "cookie"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.FindLogin(ctx, "cookie"); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Fatalf("logged out: %v", err)
		}
	})

	t.Run("failures are counted in a window", func(t *testing.T) {
		for i := 1; i <= 3; i++ {
			if n, err := a.RecordLoginFailure(ctx, "email:yuki@example.jp", time.Minute); err != nil || n != i {
				t.Fatalf("failure %d: n=%d err=%v", i, n, err)
			}
		}
		n, left, err := a.LoginFailures(ctx, "email:yuki@example.jp")
		if err != nil || n != 3 || left <= 0 || left > time.Minute {
			t.Fatalf("failures = %d, %v left, %v", n, left, err)
		}
		if err := a.ClearLoginFailures(ctx, "email:yuki@example.jp"); err != nil {
			t.Fatal(err)
		}
		if n, _, _ := a.LoginFailures(ctx, "email:yuki@example.jp"); n != 0 {
			t.Fatalf("after clearing: %d", n)
		}
	})

	t.Run("audit log", func(t *testing.T) {
		for i, action := range []string{"login", "task.create"} {
			if err := a.Audit(ctx, bot.AuditEntry{At: now.Add(time.Duration(i) * time.Second), AccountID: "c1", Action: action, Object: "t1"}); err != nil {
				t.Fatal(err)
			}
		}
		log, err := a.AuditLog(ctx, 10)
		if err != nil || len(log) != 2 || log[0].Action != "task.create" || log[0].AccountID != "c1" || !log[0].At.Equal(now.Add(time.Second)) {
			t.Fatalf("audit = %+v, %v", log, err)
		}
	})

	t.Run("what each organization made", func(t *testing.T) {
		for i, m := range []struct{ id, org string }{{"t1", "A"}, {"t2", "B"}, {"t3", "A"}} {
			if err := a.RecordMade(ctx, "task", m.id, m.org, now.Add(time.Duration(i)*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		all, _ := a.Made(ctx, "task", "", now, now.Add(24*time.Hour), 10)
		mine, _ := a.Made(ctx, "task", "A", now, now.Add(24*time.Hour), 10)
		if len(all) != 3 || len(mine) != 2 || mine[0] != "t3" || mine[1] != "t1" {
			t.Fatalf("all = %v, A = %v", all, mine)
		}
		if org, err := a.Owner(ctx, "task", "t2"); err != nil || org != "B" {
			t.Fatalf("owner = %q, %v", org, err)
		}
		if _, err := a.Owner(ctx, "task", "t9"); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Fatalf("owner of a task made elsewhere: %v", err)
		}
		owners, err := a.Owners(ctx, "task", []string{"t1", "t9", "t2"})
		if err != nil || len(owners) != 2 || owners["t1"] != "A" || owners["t2"] != "B" {
			t.Fatalf("owners = %v, %v", owners, err)
		}
	})
}
