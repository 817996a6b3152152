package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"tsunagu/adapters/console"
	"tsunagu/adapters/linesim"
	redisadapter "tsunagu/adapters/redis"
	"tsunagu/adapters/slacksim"
	"tsunagu/bot"
	"tsunagu/config"
)

// playground runs everything on this machine: embedded Redis, the LINE
// simulator (a fake Messaging API plus a chat page that signs and posts
// webhooks), the Slack simulator (a fake Web API plus a workspace page that
// signs and posts events, commands and interactions) and the real service
// between them. It never uses a Redis server from the Environment: see
// config.ForPlayground.
//
// It opens on the demo world (seedDemo) unless args has --empty.
func playground(ctx context.Context, args []string, env Environment) int {
	fs := flag.NewFlagSet("playground", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	empty := fs.Bool("empty", false, "start blank, without the demo world")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "tsunagu: playground takes only --empty\n\n%s", usage)
		return 2
	}
	cfg, problems := config.ForPlayground(env.Lookup)
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintf(env.Stderr, "tsunagu: %v\n", p)
		}
		return 2
	}
	for _, name := range []string{"REDIS_URL", "REDIS_CLUSTER_ADDRS"} {
		if v, _ := env.Lookup(name); strings.TrimSpace(v) != "" {
			fmt.Fprintf(env.Stderr, "tsunagu: playground ignores %s: it always runs on its own embedded Redis\n", name)
		}
	}
	cfg.LINEChannelSecret = randomHex(16)
	cfg.LINEChannelAccessToken = randomHex(24)
	if cfg.AdminToken == "" {
		cfg.AdminToken = randomHex(16)
	}

	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		fmt.Fprintf(env.Stderr, "tsunagu: listen %s: %v (set HTTP_ADDR to another port)\n", cfg.HTTPAddr, err)
		return 1
	}
	base := "http://" + browsable(ln.Addr())
	if cfg.PublicURL == "" {
		// The links the console hands out lead to this playground.
		cfg.PublicURL = base
	}
	cfg.LINEAPIBaseURL = base + "/linesim"
	cfg.SlackSigningSecret = randomHex(16)
	cfg.SlackBotToken = "xoxb-" + randomHex(24)
	cfg.SlackAPIURL = base + "/slacksim/api/"
	cfg.SlackCoordinatorChannel = slacksim.CoordinatorChannel

	// The demo world's past is replayed quietly: warnings only.
	level := new(slog.LevelVar)
	log := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: level}))
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		ln.Close()
		fmt.Fprintf(env.Stderr, "tsunagu: %v\n", err)
		return 1
	}
	a.useClock(env.Now)
	sim := linesim.New(linesim.Options{
		ChannelSecret: cfg.LINEChannelSecret,
		AccessToken:   cfg.LINEChannelAccessToken,
		WebhookURL:    base + "/line/webhook",
	})
	a.mux.Handle("/linesim/", http.StripPrefix("/linesim", sim.APIHandler()))
	a.mux.Handle("/", sim.PageHandler())
	// The service owns /slack/...; the Slack page and its Web API live
	// under /slacksim/ instead.
	slackSim := slacksim.New(slacksim.Options{
		SigningSecret: cfg.SlackSigningSecret,
		BotToken:      cfg.SlackBotToken,
		ServiceURL:    base,
		APIURL:        cfg.SlackAPIURL,
	})
	a.mux.Handle("/slacksim/", http.StripPrefix("/slacksim", slackSim.PageHandler()))
	a.mux.Handle("/slacksim/api/", http.StripPrefix("/slacksim/api", slackSim.APIHandler()))
	demoPassword, err := addDemoCoordinator(ctx, a)
	if err != nil {
		ln.Close()
		fmt.Fprintf(env.Stderr, "tsunagu: demo coordinator: %v\n", err)
		return 1
	}
	world := "  Demo world:   none (--empty)\n"
	if !*empty {
		level.Set(slog.LevelWarn)
		sum, err := seedDemo(ctx, a, a.clock.now)
		level.Set(slog.LevelInfo)
		if err != nil {
			ln.Close()
			_ = a.close()
			fmt.Fprintf(env.Stderr, "tsunagu: demo world: %v\n", err)
			return 1
		}
		if err := addDemoChatters(sim, slackSim); err != nil {
			ln.Close()
			_ = a.close()
			fmt.Fprintf(env.Stderr, "tsunagu: demo world: %v\n", err)
			return 1
		}
		world = "  Demo world:   " + sum.String() + "\n                (go run . playground --empty starts blank)\n"
	}
	a.beforeShutdown = func() {
		sim.Close()
		slackSim.Close()
	}

	fmt.Fprintf(env.Stdout, `
tsunagu playground

  LINE chat:    %s/
  Slack:        %s/slacksim/
  REST API:     %s/api/   (Authorization: Bearer %s)
  admin token:  %s
  Console:      %s/console/   (email %s, password %s)
%s
  Embedded Redis: everything is forgotten when you stop (Ctrl+C).
  Open to this machine only unless HTTP_ADDR says otherwise (HTTP_ADDR=:8080).
  Quiet hours are off unless QUIET_HOURS is set (serve holds offers 21:00-08:00).

`, base, base, base, cfg.AdminToken, cfg.AdminToken, base, DemoCoordinatorEmail, demoPassword, world)
	if env.Listening != nil {
		env.Listening(ln.Addr().String())
	}
	if err := a.serveHTTP(ctx, ln); err != nil {
		fmt.Fprintf(env.Stderr, "tsunagu: %v\n", err)
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

// DemoCoordinatorEmail is the playground's console login; its password is
// made at each start and printed.
const DemoCoordinatorEmail = "demo@tsunagu.example"

// demoOrg is the demo coordinator's organization, which the demo world's
// tasks and sessions are filed under in the console.
const demoOrg = "つなぐデモ"

// addDemoCoordinator creates the playground's console account, an admin,
// and returns its password.
func addDemoCoordinator(ctx context.Context, a *app) (string, error) {
	password := randomHex(8)
	hash, err := console.HashPassword(password)
	if err != nil {
		return "", err
	}
	err = redisadapter.NewAccounts(a.rdb).CreateCoordinator(ctx, &bot.Coordinator{
		ID: uuid.NewString(), Email: DemoCoordinatorEmail, Name: "デモ 担当者", Org: demoOrg,
		Admin: true, PasswordHash: hash, CreatedAt: a.clock.Now(),
	})
	return password, err
}

// addDemoChatters makes the demo people simulated users, so a coordinator
// can chat as any of them: the LINE ones as friends of the bot, the Slack
// ones as members of the workspace.
func addDemoChatters(line *linesim.Sim, slackSim *slacksim.Sim) error {
	for _, p := range demoPeople {
		var err error
		if p.platform == bot.PlatformLINE {
			_, err = line.AddFriend(p.user, p.name)
		} else {
			_, err = slackSim.AddPerson(p.user, p.name, "", false)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
