// Command tsunagu is the chat-bot matching service for regional work-sharing.
//
//	tsunagu serve       production: real Redis, real LINE and Slack
//	tsunagu playground  everything local: embedded Redis and a LINE simulator
//
// The service itself is adapters/service; main only hands it the process.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"tsunagu/adapters/service"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(service.Run(ctx, os.Args[1:], service.Environment{
		Lookup: os.LookupEnv,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
	}))
}
