package service

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"

	"tsunagu/adapters/console"
	redisadapter "tsunagu/adapters/redis"
	"tsunagu/bot"
)

const coordinatorsUsage = `usage: tsunagu coordinators add --email E --name N [--org O] [--admin]

Creates a web console account and prints a one-time link (valid 24 hours)
with which the coordinator sets their password. Redis is REDIS_URL or
REDIS_CLUSTER_ADDRS, as for serve; the link starts with CONSOLE_URL (or
PUBLIC_URL), else http://localhost:8080.
`

// coordinators runs `tsunagu coordinators add`.
func coordinators(ctx context.Context, args []string, env Environment) int {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprint(env.Stderr, coordinatorsUsage)
		return 2
	}
	fs := flag.NewFlagSet("coordinators add", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "e-mail address (the login)")
	name := fs.String("name", "", "the coordinator's name")
	org := fs.String("org", "", "organization (defaults to the name)")
	admin := fs.Bool("admin", false, "an admin sees every organization and manages accounts")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 || *email == "" || *name == "" {
		if err != nil {
			fmt.Fprintf(env.Stderr, "tsunagu: %v\n", err)
		}
		fmt.Fprint(env.Stderr, coordinatorsUsage)
		return 2
	}
	if *org == "" {
		*org = *name
	}
	lookup := func(k string) string { v, _ := env.Lookup(k); return strings.TrimSpace(v) }
	opts := redisadapter.Options{URL: lookup("REDIS_URL")}
	if addrs := lookup("REDIS_CLUSTER_ADDRS"); addrs != "" {
		opts.ClusterAddrs = strings.Split(addrs, ",")
	}
	if opts.Embedded() {
		fmt.Fprintln(env.Stderr, "tsunagu: REDIS_URL or REDIS_CLUSTER_ADDRS is required (the accounts live in the service's Redis)")
		return 2
	}
	rdb, closeRedis, err := redisadapter.Open(ctx, opts)
	if err != nil {
		fmt.Fprintf(env.Stderr, "tsunagu: redis: %v\n", err)
		return 1
	}
	defer closeRedis()
	now := time.Now
	if env.Now != nil {
		now = env.Now
	}
	c, token, err := console.AddCoordinator(ctx, redisadapter.NewAccounts(rdb),
		console.NewCoordinator{Email: *email, Name: *name, Org: *org, Admin: *admin}, uuid.NewString(), now())
	var be *bot.Error
	switch {
	case errors.As(err, &be):
		fmt.Fprintf(env.Stderr, "tsunagu: %s\n", be.Message)
		return 1
	case err != nil:
		fmt.Fprintf(env.Stderr, "tsunagu: %v\n", err)
		return 1
	}
	base := lookup("CONSOLE_URL")
	if base == "" {
		base = lookup("PUBLIC_URL")
	}
	if base == "" {
		base = "http://localhost:8080"
	}
	role := "coordinator"
	if c.Admin {
		role = "admin"
	}
	fmt.Fprintf(env.Stdout, "Created %s %s <%s> of %s.\nSet the password within 24 hours (the link works once):\n\n  %s\n\n",
		role, c.Name, c.Email, c.Org, console.SetupLink(base, token))
	return 0
}
