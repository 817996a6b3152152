package redis

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestOpenEmbedded(t *testing.T) {
	o := Options{}
	if !o.Embedded() {
		t.Error("empty options are not embedded")
	}
	c, closeRedis, err := Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Set(context.Background(), "k", "v", 0).Err(); err != nil {
		t.Error(err)
	}
	if err := closeRedis(); err != nil {
		t.Error(err)
	}
}

func TestOpenErrorsNeverShowThePassword(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Options
		want string
	}{
		{"server that does not answer", Options{URL: "redis://:s3cret@127.0.0.1:1/0"}, "127.0.0.1:1"},
		{"malformed URL", Options{URL: "redis://:s3cret@localhost:6379/%zz"}, "REDIS_URL"},
		{"wrong scheme", Options{URL: "http://:s3cret@localhost:6379"}, "redis://"},
		{"cluster node URL", Options{ClusterAddrs: []string{"redis://:s3cret@localhost:6379/%zz"}}, "REDIS_CLUSTER_ADDRS"},
		{"both set", Options{URL: "redis://localhost", ClusterAddrs: []string{"a:1"}}, "not both"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Dials are retried: a short deadline keeps the test fast.
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			_, _, err := Open(ctx, tc.o)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "s3cret") {
				t.Errorf("got %q, want it to name %q and hide the password", err, tc.want)
			}
		})
	}
}
