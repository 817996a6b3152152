package service

import (
	"context"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
)

// How often the sweeps run. What is due lives in Redis, so these only set
// how late something can be, and any number of replicas may run them.
const (
	offersEvery  = "@every 1m"
	dueEvery     = "@every 15s"
	sweepTimeout = 50 * time.Second
	// indexRefresh rebuilds the matching index from Redis as a safety net
	// under the change feed. The counts that move with time are reread
	// every minute for the people they move for (matching.RecountEvery);
	// a rebuild rereads everyone, 25 CPU-seconds at a million people.
	indexRefresh = 6 * time.Hour
	// quotaRefresh reads LINE's monthly quota for new broadcasts, well
	// within line.QuotaMaxAge so that one failed read changes nothing.
	quotaRefresh = time.Minute
)

// schedule returns the cron that drives the sweeps, in the service time
// zone; a sweep still running is skipped rather than stacked, and a panic
// is logged, not fatal.
func (a *app) schedule() *cron.Cron {
	logger := cronLogger{a.log}
	c := cron.New(
		cron.WithLocation(a.cfg.Location),
		cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)),
	)
	add := func(spec, name string, run func(context.Context) error) {
		if _, err := c.AddFunc(spec, func() {
			ctx, cancel := context.WithTimeout(context.Background(), sweepTimeout)
			defer cancel()
			if err := run(ctx); err != nil {
				a.log.Warn("sweep failed", "job", name, "err", err)
			}
		}); err != nil {
			panic(err) // the specs are constants
		}
	}
	add(offersEvery, "offers", func(ctx context.Context) error { _, err := a.tasks.RunOffers(ctx); return err })
	add(dueEvery, "reminders", func(ctx context.Context) error { _, err := a.tasks.RunDue(ctx); return err })
	add(dueEvery, "broadcasts", func(ctx context.Context) error { _, err := a.broadcasts.RunBroadcasts(ctx); return err })
	add(offersEvery, "invites", func(ctx context.Context) error { _, err := a.sessions.RunInvites(ctx); return err })
	// Closed conversations with the coordinators are personal data kept
	// only a while (bot.TalkRetention).
	add("@daily", "conversations", func(ctx context.Context) error { _, err := a.talks.ExpireTalks(ctx); return err })
	// What RETENTION_DAYS no longer keeps: see redis.Retention.
	add("@daily", "retention", func(ctx context.Context) error { _, err := a.retention.Run(ctx, a.clock.Now()); return err })
	return c
}

// cronLogger writes cron's own messages through slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
