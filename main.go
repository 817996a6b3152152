// Command tsunagu is the chat-bot matching service for regional work-sharing.
//
//	tsunagu serve       production: real Redis, real LINE and Slack
//	tsunagu playground  everything local: embedded Redis and a LINE simulator
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], environment{
		lookup: os.LookupEnv,
		stdout: os.Stdout,
		stderr: os.Stderr,
	}))
}

// environment is what the process gets from outside, injected so tests can
// boot the real service in-process.
type environment struct {
	lookup func(string) (string, bool)
	stdout io.Writer
	stderr io.Writer
	// listening, if set, is told the HTTP address once the server accepts.
	listening func(addr string)
}

const usage = `usage: tsunagu <command>

commands:
  serve       run the service (configuration from the environment)
  playground  run everything locally with a LINE simulator in the browser
`

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, env environment) int {
	if len(args) == 0 {
		fmt.Fprint(env.stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(ctx, env)
	case "playground":
		return playground(ctx, env)
	case "help", "-h", "--help":
		fmt.Fprint(env.stdout, usage)
		return 0
	default:
		fmt.Fprintf(env.stderr, "tsunagu: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}
