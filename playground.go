package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"

	"tsunagu/adapters/linesim"
	"tsunagu/config"
)

// playground runs everything on this machine: embedded Redis, the LINE
// simulator (a fake Messaging API plus a chat page that signs and posts
// webhooks) and the real service between them.
func playground(ctx context.Context, env environment) int {
	cfg, problems := config.ForPlayground(env.lookup)
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintf(env.stderr, "tsunagu: %v\n", p)
		}
		return 2
	}
	cfg.LINEChannelSecret = randomHex(16)
	cfg.LINEChannelAccessToken = randomHex(24)
	if cfg.AdminToken == "" {
		cfg.AdminToken = randomHex(16)
	}

	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		fmt.Fprintf(env.stderr, "tsunagu: listen %s: %v (set HTTP_ADDR to another port)\n", cfg.HTTPAddr, err)
		return 1
	}
	base := "http://" + browsable(ln.Addr())
	cfg.LINEAPIBaseURL = base + "/linesim"

	log := slog.New(slog.NewTextHandler(env.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		ln.Close()
		fmt.Fprintf(env.stderr, "tsunagu: %v\n", err)
		return 1
	}
	sim := linesim.New(linesim.Options{
		ChannelSecret: cfg.LINEChannelSecret,
		AccessToken:   cfg.LINEChannelAccessToken,
		WebhookURL:    base + "/line/webhook",
	})
	a.mux.Handle("/linesim/", http.StripPrefix("/linesim", sim.APIHandler()))
	a.mux.Handle("/", sim.PageHandler())
	a.beforeShutdown = sim.Close

	fmt.Fprintf(env.stdout, `
tsunagu playground

  LINE chat:    %s/
  REST API:     %s/api/   (Authorization: Bearer %s)
  admin token:  %s

  Embedded Redis: everything is forgotten when you stop (Ctrl+C).
  Quiet hours are off unless QUIET_HOURS is set (serve holds offers 21:00-08:00).

`, base, base, cfg.AdminToken, cfg.AdminToken)
	if env.listening != nil {
		env.listening(ln.Addr().String())
	}
	if err := a.serveHTTP(ctx, ln); err != nil {
		fmt.Fprintf(env.stderr, "tsunagu: %v\n", err)
		return 1
	}
	return 0
}

// browsable turns a listen address like [::]:8080 into one a browser on the
// same machine can open.
func browsable(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || tcp.IP.IsUnspecified() {
		if ok {
			return fmt.Sprintf("localhost:%d", tcp.Port)
		}
		return addr.String()
	}
	return tcp.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
