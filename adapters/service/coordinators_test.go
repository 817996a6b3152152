package service

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	redisadapter "tsunagu/adapters/redis"
)

func TestCoordinatorsAddPrintsAOneTimeLink(t *testing.T) {
	mr := miniredis.RunT(t)
	run := func(env map[string]string, args ...string) (int, string, string) {
		var out, errs bytes.Buffer
		code := Run(context.Background(), append([]string{"coordinators"}, args...), Environment{
			Lookup: func(k string) (string, bool) { v, ok := env[k]; return v, ok }, Stdout: &out, Stderr: &errs})
		return code, out.String(), errs.String()
	}
	env := map[string]string{"REDIS_URL": "redis://" + mr.Addr(), "CONSOLE_URL": "https://console.example.jp/"}

	code, out, errs := run(env, "add", "--email", "Yuki@Example.jp", "--name", "佐藤 由紀", "--org", "世田谷ジョブカフェ", "--admin")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	link := regexp.MustCompile(`https://console\.example\.jp/console/setup\?token=([A-Za-z0-9_-]{40,})`).FindStringSubmatch(out)
	if link == nil {
		t.Fatalf("no set-password link in:\n%s", out)
	}
	rdb := goredis.NewClient(&goredis.Options{Addr: mr.Addr()})
	defer rdb.Close()
	acc := redisadapter.NewAccounts(rdb)
	c, err := acc.FindCoordinatorByEmail(context.Background(), "yuki@example.jp")
	if err != nil || c.Name != "佐藤 由紀" || c.Org != "世田谷ジョブカフェ" || !c.Admin || c.PasswordHash != "" {
		t.Fatalf("account = %+v, %v", c, err)
	}
	if id, err := acc.PeekSetupToken(context.Background(), link[1]); err != nil || id != c.ID {
		t.Fatalf("the link's token: %q, %v", id, err)
	}

	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		code int
		says string
	}{
		{"the same email again", env, []string{"add", "--email", "yuki@example.jp", "--name", "別人"}, 1, "exists"},
		{"no name", env, []string{"add", "--email", "x@example.jp"}, 2, "usage"},
		{"no subcommand", env, nil, 2, "usage"},
		{"not an address", env, []string{"add", "--email", "not-mail", "--name", "誰か"}, 1, "email"},
		{"no Redis", map[string]string{}, []string{"add", "--email", "x@example.jp", "--name", "誰か"}, 2, "REDIS_URL"},
	} {
		code, _, errs := run(tc.env, tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.says) {
			t.Errorf("%s: exit %d, stderr %q; want %d mentioning %q", tc.name, code, errs, tc.code, tc.says)
		}
	}
}
