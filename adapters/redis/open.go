package redis

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"
)

// Options says which Redis to use: one server (URL), a Cluster
// (ClusterAddrs) or, when both are empty, an embedded in-memory server.
type Options struct {
	// URL is a redis:// or rediss:// URL of one server (REDIS_URL).
	URL string
	// ClusterAddrs are seed nodes of a Cluster (REDIS_CLUSTER_ADDRS), as
	// host:port or as redis:// URLs carrying the credentials.
	ClusterAddrs []string
}

// Embedded reports whether Open starts an in-memory server.
func (o Options) Embedded() bool { return o.URL == "" && len(o.ClusterAddrs) == 0 }

// Timeouts for every connection. ContextTimeoutEnabled makes go-redis apply
// the callers' context deadlines to socket I/O as well.
const (
	dialTimeout = 5 * time.Second
	ioTimeout   = 3 * time.Second
	pingTimeout = 5 * time.Second
)

// Open connects to Redis and checks it answers. The returned function closes
// the client and, if one was started, the embedded server.
func Open(ctx context.Context, o Options) (goredis.UniversalClient, func() error, error) {
	var (
		c     goredis.UniversalClient
		where string // for errors, without the password
		mr    *miniredis.Miniredis
	)
	switch {
	case o.URL != "" && len(o.ClusterAddrs) > 0:
		return nil, nil, errors.New("open redis: set REDIS_URL or REDIS_CLUSTER_ADDRS, not both")
	case o.URL != "":
		opt, addr, err := parseURL(o.URL, "REDIS_URL")
		if err != nil {
			return nil, nil, err
		}
		opt.DialTimeout = orDefault(opt.DialTimeout, dialTimeout)
		opt.ReadTimeout = orDefault(opt.ReadTimeout, ioTimeout)
		opt.WriteTimeout = orDefault(opt.WriteTimeout, ioTimeout)
		opt.ContextTimeoutEnabled = true
		c, where = goredis.NewClient(opt), addr
	case len(o.ClusterAddrs) > 0:
		opt, err := clusterOptions(o.ClusterAddrs)
		if err != nil {
			return nil, nil, err
		}
		where = "cluster " + strings.Join(opt.Addrs, ",")
		c = goredis.NewClusterClient(opt)
	default:
		var err error
		if mr, err = miniredis.Run(); err != nil {
			return nil, nil, fmt.Errorf("open embedded redis: %w", err)
		}
		c = goredis.NewClient(&goredis.Options{Addr: mr.Addr(), ContextTimeoutEnabled: true})
		where = "embedded " + mr.Addr()
	}
	closer := func() error {
		err := c.Close()
		if mr != nil {
			mr.Close()
		}
		return err
	}
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if err := c.Ping(pctx).Err(); err != nil {
		_ = closer()
		return nil, nil, fmt.Errorf("open redis %s: ping: %w", where, err)
	}
	return c, closer, nil
}

// clusterOptions reads seed nodes given as host:port or as URLs; the first
// URL's credentials and TLS setting apply to every node.
func clusterOptions(addrs []string) (*goredis.ClusterOptions, error) {
	opt := &goredis.ClusterOptions{
		DialTimeout:           dialTimeout,
		ReadTimeout:           ioTimeout,
		WriteTimeout:          ioTimeout,
		ContextTimeoutEnabled: true,
	}
	credentials := false
	for _, a := range addrs {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		if !strings.Contains(a, "://") {
			opt.Addrs = append(opt.Addrs, a)
			continue
		}
		u, _, err := parseURL(a, "REDIS_CLUSTER_ADDRS")
		if err != nil {
			return nil, err
		}
		opt.Addrs = append(opt.Addrs, u.Addr)
		if !credentials {
			opt.Username, opt.Password, opt.TLSConfig = u.Username, u.Password, u.TLSConfig
			credentials = true
		}
	}
	if len(opt.Addrs) == 0 {
		return nil, errors.New("open redis: REDIS_CLUSTER_ADDRS names no node")
	}
	return opt, nil
}

// parseURL parses a redis:// or rediss:// URL. Errors and the returned
// address never show the password: url.Parse errors quote the whole URL.
func parseURL(raw, env string) (*goredis.Options, string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, "", fmt.Errorf("open redis: %s is not a valid URL", env)
	}
	where := u.Redacted()
	if u.Scheme != "redis" && u.Scheme != "rediss" {
		return nil, "", fmt.Errorf("open redis: %s %s: want a redis:// or rediss:// URL", env, where)
	}
	opt, err := goredis.ParseURL(raw)
	if err != nil {
		return nil, "", fmt.Errorf("open redis: %s %s: %w", env, where, err)
	}
	return opt, where, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}
