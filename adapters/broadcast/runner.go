// Package broadcast sends broadcasts: it leases a broadcast, sends its
// unfinished batches through each platform's BatchSender, paced by the
// limits the platform declares, retries passing trouble with the outbox's
// backoff, and records every batch and recipient in the store, so a crash
// resumes without losing or repeating anyone. The domain (what a broadcast
// is, who receives it, the report) stays in bot; this package knows no
// platform beyond the two recipient lists the store keeps.
package broadcast

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"tsunagu/adapters/outbox"
	"tsunagu/bot"
)

// Limits are what a platform allows one sender of broadcasts.
type Limits struct {
	// Batch is how many recipients one request may name.
	Batch int
	// PerSecond is how many requests may start in a second.
	PerSecond int
	// InFlight is how many requests may be under way at once.
	InFlight int
}

// BatchSender sends one broadcast text to a batch of recipients of its
// platform in one request. key names the batch and stays the same when the
// batch is sent again (after a crash or a passing failure); attempt counts
// the tries of this run, from 0, so a platform without an idempotency key
// can look for a post that landed before posting again. Errors are
// *bot.SendError where the platform answered.
type BatchSender interface {
	Limits() Limits
	SendBatch(ctx context.Context, to []string, text, key string, attempt int) error
}

// Store keeps a broadcast's lease and its progress per batch and per
// recipient (adapters/redis.Broadcasts).
type Store interface {
	// Lease takes or renews the right to send a broadcast for ttl; false
	// when another run holds it. owner names one run, never a process: two
	// runs in one process must not share a lease.
	Lease(ctx context.Context, id, owner string, ttl time.Duration) (bool, error)
	// Release gives the lease up, atomically and only if owner holds it.
	Release(ctx context.Context, id, owner string) error
	// Pending returns the batches not finished yet: LINE batches of size
	// recipients, then the Slack recipients as batch bot.SlackBatch.
	Pending(ctx context.Context, id string, size int) ([]bot.Batch, error)
	// BatchDone records a batch once; finished is true for the call that
	// completed the broadcast, which also queued the report.
	BatchDone(ctx context.Context, id string, batch, sent, failed int, report bot.Outgoing) (finished bool, err error)
	// ClaimSlack checks that owner holds the lease (bot.ErrLeaseLost if
	// not) and renews it for ttl, then makes a Slack recipient owner's to
	// send to: claimed now, or owner's claim renewed at now. false when
	// another run claimed them or they have a result.
	ClaimSlack(ctx context.Context, id, owner, profileID string, now time.Time, ttl time.Duration) (bool, error)
	// SlackResult records what became of owner's claim and counts it in
	// the broadcast's sent or failed; a claim settled in the meantime
	// (owner's run was taken for dead) is left as it is.
	SlackResult(ctx context.Context, id, owner, profileID string, sent bool) error
	// FinishSlack records the Slack batch done for the lease holder owner
	// (bot.ErrLeaseLost if not) like BatchDone, first counting as failed
	// the claims of other runs not renewed for doubtAfter. finished is
	// false, and nothing changes, while another run's claim is younger:
	// that run may still be sending, and a later run finishes the batch.
	FinishSlack(ctx context.Context, id, owner string, now time.Time, doubtAfter time.Duration, report bot.Outgoing) (finished bool, err error)
}

const (
	// leaseTTL is how long a run holds a broadcast without renewing;
	// another takes over after a crash.
	leaseTTL = 30 * time.Second
	// defaultAttempts is how often one run tries a batch (or a DM) that
	// failed for a passing reason; the next run tries a keyed batch again
	// with the same key.
	defaultAttempts = 3
	// claimedAttemptTimeout bounds one attempt to a claimed recipient.
	// Being well under leaseTTL, it ensures that when a run takes a lapsed
	// lease over, the previous holder's last attempt is over.
	claimedAttemptTimeout = 20 * time.Second
	// doubtAfter is how long a claim may go unrenewed before the run that
	// holds it counts as gone: its run renews it before every attempt, so
	// an older one belongs to a run that died mid-send.
	doubtAfter = 2 * leaseTTL
	// defaultPerSecond paces the start of batches when no sender says
	// more (its platform turned off since the broadcast was made).
	defaultPerSecond = 200
)

// Runner sends broadcasts. Its zero fields take defaults; Store is
// required.
type Runner struct {
	Store Store
	// Senders by bot.Platform: the LINE recipients go out in keyed batches
	// (the platform's retry key makes a resent batch arrive once), the
	// Slack ones one claimed recipient at a time (Slack has no such key).
	// A platform without a sender fails its recipients visibly.
	Senders map[string]BatchSender
	Logger  *slog.Logger
	// Now is the clock of claims and the report (time.Now by default).
	Now func() time.Time
	// Notify, if set, wakes the local outbox worker when a run finished
	// batches: the last one queues the report.
	Notify func()
	// Backoff is the wait before try attempt+1 of a failed batch
	// (outbox.Backoff by default, the outbox's policy); a platform's
	// Retry-After wins when longer.
	Backoff func(attempt int) time.Duration
	// Attempts is how often one run tries a batch (default 3).
	Attempts int
}

var _ bot.Broadcaster = (*Runner)(nil)

func (r *Runner) logger() *slog.Logger {
	if r.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Logger
}

func (r *Runner) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}

func (r *Runner) attempts() int {
	if r.Attempts <= 0 {
		return defaultAttempts
	}
	return r.Attempts
}

// wait is how long to wait after failed try attempt (0, 1, ...): the
// outbox's backoff, or what the platform asked for when longer.
func (r *Runner) wait(attempt int, err error) time.Duration {
	backoff := r.Backoff
	if backoff == nil {
		backoff = outbox.Backoff
	}
	wait := backoff(attempt)
	var se *bot.SendError
	if errors.As(err, &se) && se.RetryAfter > wait {
		wait = se.RetryAfter
	}
	return wait
}

// newRunID names one run of a broadcast: the lease and the claims belong
// to a run, so two runs in one process (the sweep and a job started
// through the API) never both send.
func newRunID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// run is one run of one broadcast.
type run struct {
	*Runner
	id, owner, text string
	report          bot.Outgoing
}

// SendBroadcast sends the unfinished batches of bc, as many at once and as
// fast as the LINE sender allows, renewing the lease as it goes. It
// returns how many recipients it reached. A broadcast another run holds is
// left to it (0, nil); a run that loses its lease stops without error: the
// run that took over finishes.
func (r *Runner) SendBroadcast(ctx context.Context, bc *bot.Broadcast, report bot.Outgoing) (int, error) {
	if r.Store == nil {
		return 0, fmt.Errorf("broadcast %s: %w", bc.ID, bot.Errorf(bot.EUNAVAILABLE, "no broadcast store for the runner"))
	}
	ru := &run{Runner: r, id: bc.ID, owner: newRunID(), text: bc.Text, report: report}
	ok, err := r.Store.Lease(ctx, ru.id, ru.owner, leaseTTL)
	if err != nil || !ok {
		return 0, err
	}
	defer func() { _ = r.Store.Release(context.WithoutCancel(ctx), ru.id, ru.owner) }()
	pending, err := r.Store.Pending(ctx, ru.id, bot.MulticastSize)
	if err != nil {
		return 0, err
	}
	lim := Limits{PerSecond: defaultPerSecond, InFlight: 1}
	if s := r.Senders[bot.PlatformLINE]; s != nil {
		lim = s.Limits()
	}
	tick := time.NewTicker(time.Second / time.Duration(max(lim.PerSecond, 1)))
	defer tick.Stop()
	sem := make(chan struct{}, max(lim.InFlight, 1))
	var (
		mu      sync.Mutex
		reached int
		errs    []error
		wg      sync.WaitGroup
		renewed = time.Now()
	)
	for _, batch := range pending {
		select {
		case <-ctx.Done():
			wg.Wait()
			return reached, ctx.Err()
		case <-tick.C:
		}
		if time.Since(renewed) > leaseTTL/3 {
			if ok, err := r.Store.Lease(ctx, ru.id, ru.owner, leaseTTL); err != nil || !ok {
				wg.Wait()
				if err == nil {
					err = fmt.Errorf("broadcast %s: %w", ru.id, bot.ErrLeaseLost)
				}
				return reached, ru.leaseLost(ctx, errors.Join(append(errs, err)...))
			}
			renewed = time.Now()
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			var sent int
			var err error
			if batch.Index == bot.SlackBatch {
				sent, err = ru.sendClaimed(ctx, batch)
			} else {
				var failed int
				sent, failed, err = ru.sendKeyed(ctx, batch)
				if err == nil {
					_, err = r.Store.BatchDone(context.WithoutCancel(ctx), ru.id, batch.Index, sent, failed, report)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			reached += sent
			if err != nil {
				errs = append(errs, err)
			}
		}()
	}
	wg.Wait()
	if len(pending) > 0 {
		r.logger().InfoContext(ctx, "broadcast batches sent", "broadcast", ru.id, "batches", len(pending), "reached", reached)
		if r.Notify != nil {
			r.Notify()
		}
	}
	return reached, ru.leaseLost(ctx, errors.Join(errs...))
}

// leaseLost drops a lost lease from err: the run that took the broadcast
// over sends what is left, so the sweep has nothing to report.
func (ru *run) leaseLost(ctx context.Context, err error) error {
	if !errors.Is(err, bot.ErrLeaseLost) {
		return err
	}
	ru.logger().WarnContext(ctx, "broadcast taken over by another run", "broadcast", ru.id)
	var rest []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			if !errors.Is(e, bot.ErrLeaseLost) {
				rest = append(rest, e)
			}
		}
	}
	return errors.Join(rest...)
}

// sendKeyed sends one LINE batch; a batch the platform refuses for good
// counts as failed, one that keeps failing for a passing reason is left
// for the next run (err set) and resent then with the same key.
func (ru *run) sendKeyed(ctx context.Context, batch bot.Batch) (sent, failed int, err error) {
	s := ru.Senders[bot.PlatformLINE]
	if s == nil {
		// LINE was turned off since: fail visibly rather than vanish.
		return 0, len(batch.Recipients), nil
	}
	if len(batch.Recipients) == 0 {
		return 0, 0, nil // everyone in it was deleted meanwhile
	}
	key := fmt.Sprintf("%s:%d", ru.id, batch.Index)
	for attempt := 0; attempt < ru.attempts(); attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return 0, 0, ctx.Err()
			case <-time.After(ru.wait(attempt-1, err)):
			}
		}
		err = s.SendBatch(ctx, batch.Recipients, ru.text, key, attempt)
		var se *bot.SendError
		switch {
		case err == nil:
			return len(batch.Recipients), 0, nil
		case errors.As(err, &se) && se.Permanent:
			ru.logger().WarnContext(ctx, "broadcast batch refused", "broadcast", ru.id, "batch", batch.Index, "err", err)
			return 0, len(batch.Recipients), nil
		}
	}
	return 0, 0, fmt.Errorf("broadcast %s batch %d: %w", ru.id, batch.Index, err)
}

// errSlackOff fails the Slack recipients of a broadcast when Slack was
// turned off since it was created: visibly, rather than vanish.
var errSlackOff = &bot.SendError{Permanent: true, Err: errors.New("slack is not configured")}

// sendClaimed sends to the Slack recipients one at a time and finishes
// the Slack batch. Slack has no retry key, so each recipient is claimed by
// this run before the post and its result recorded (and counted) after: a
// recipient claimed by another run is theirs to send and count, and one
// whose run died mid-send (claim in doubt) is never posted to again and
// counts as failed. Passing trouble is retried a few times; a refusal
// fails at once. It returns how many recipients this run reached.
func (ru *run) sendClaimed(ctx context.Context, batch bot.Batch) (sent int, err error) {
	s := ru.Senders[bot.PlatformSlack]
	perSecond := 1
	if s != nil {
		perSecond = max(s.Limits().PerSecond, 1)
	}
	tick := time.NewTicker(time.Second / time.Duration(perSecond))
	defer tick.Stop()
	for _, p := range batch.Recipients {
		ok, err := ru.Store.ClaimSlack(ctx, ru.id, ru.owner, p, ru.now(), leaseTTL)
		if err != nil {
			return sent, err
		}
		if !ok {
			continue
		}
		sendErr := ru.sendOne(ctx, s, p, tick)
		if ctx.Err() != nil {
			// Left claimed: in doubt, as after a crash.
			return sent, ctx.Err()
		}
		if sendErr != nil {
			ru.logger().WarnContext(ctx, "broadcast DM failed", "broadcast", ru.id, "profile", p, "err", sendErr)
		}
		if err := ru.Store.SlackResult(context.WithoutCancel(ctx), ru.id, ru.owner, p, sendErr == nil); err != nil {
			return sent, err
		}
		if sendErr == nil {
			sent++
		}
		if errors.Is(sendErr, bot.ErrLeaseLost) {
			return sent, sendErr
		}
	}
	finished, err := ru.Store.FinishSlack(context.WithoutCancel(ctx), ru.id, ru.owner, ru.now(), doubtAfter, ru.report)
	if err == nil && !finished {
		ru.logger().InfoContext(ctx, "broadcast Slack batch waits for another run's DM", "broadcast", ru.id)
	}
	return sent, err
}

// sendOne sends the broadcast to one claimed recipient p, trying passing
// trouble again. Before every retry it renews the claim and the lease: a
// run that lost its lease stops trying (bot.ErrLeaseLost joined to the
// last send error).
func (ru *run) sendOne(ctx context.Context, s BatchSender, p string, tick *time.Ticker) error {
	if s == nil {
		return errSlackOff
	}
	var err error
	for attempt := 0; attempt < ru.attempts(); attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(ru.wait(attempt-1, err)):
			}
			ok, cerr := ru.Store.ClaimSlack(ctx, ru.id, ru.owner, p, ru.now(), leaseTTL)
			if cerr == nil && !ok {
				cerr = bot.ErrLeaseLost // only the lease holder settles claims
			}
			if cerr != nil {
				return errors.Join(err, cerr)
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		actx, cancel := context.WithTimeout(ctx, claimedAttemptTimeout)
		err = s.SendBatch(actx, []string{p}, ru.text, "broadcast:"+ru.id, attempt)
		cancel()
		var se *bot.SendError
		if err == nil || (errors.As(err, &se) && se.Permanent) || ctx.Err() != nil {
			return err
		}
	}
	return err
}
