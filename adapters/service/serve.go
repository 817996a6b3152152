package service

import (
	"context"
	"errors"
	"fmt"
	"net"

	"tsunagu/config"
)

// serve runs the production service. Configuration problems are all printed,
// one line each, and exit with code 2 before anything starts.
func serve(ctx context.Context, env Environment) int {
	cfg, problems := config.FromEnv(env.Lookup)
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintf(env.Stderr, "tsunagu: %v\n", p)
		}
		return 2
	}
	log := newLogger(env)
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		fmt.Fprintf(env.Stderr, "tsunagu: %v\n", err)
		if errors.Is(err, errConfig) {
			return 2
		}
		return 1
	}
	a.useClock(env.Now)
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		a.close()
		fmt.Fprintf(env.Stderr, "tsunagu: listen %s: %v\n", cfg.HTTPAddr, err)
		return 1
	}
	log.Info("serving", "addr", ln.Addr().String(), "line", cfg.LINEEnabled(), "slack", cfg.SlackEnabled())
	if env.Listening != nil {
		env.Listening(ln.Addr().String())
	}
	if err := a.serveHTTP(ctx, ln); err != nil {
		fmt.Fprintf(env.Stderr, "tsunagu: %v\n", err)
		return 1
	}
	return 0
}
