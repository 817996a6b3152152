// Package service is the running tsunagu: it wires the stores, the bot, the
// outbox worker, the schedule and the HTTP routes from the configuration,
// and runs the commands main.go dispatches to (serve, playground). Its tests
// boot the whole service between simulated platforms.
package service

import (
	"context"
	"fmt"
	"io"
	"time"
)

// Environment is what the process gets from outside, injected so tests can
// boot the real service in-process.
type Environment struct {
	Lookup func(string) (string, bool)
	Stdout io.Writer
	Stderr io.Writer
	// Listening, if set, is told the HTTP address once the server accepts.
	Listening func(addr string)
	// Now, if set, is the service's clock (time.Now otherwise): tests move
	// it forward instead of waiting for a reminder or a broadcast to fall
	// due.
	Now func() time.Time
}

const usage = `usage: tsunagu <command>

commands:
  serve       run the service (configuration from the Environment)
  playground [--empty]
              run everything locally with LINE and Slack simulators in the
              browser, on a demo world (--empty starts blank)
  coordinators add --email E --name N [--org O] [--admin]
              create a web console account; prints a one-time set-password link
`

// Run is main without the process: it runs the command in args and returns
// the exit code.
func Run(ctx context.Context, args []string, env Environment) int {
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(ctx, env)
	case "playground":
		return playground(ctx, args[1:], env)
	case "coordinators":
		return coordinators(ctx, args[1:], env)
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
		return 0
	default:
		fmt.Fprintf(env.Stderr, "tsunagu: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}
