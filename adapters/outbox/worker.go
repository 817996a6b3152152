// Package outbox sends the durable outbox: it reads entries from the queue,
// hands them to the platform's Sender, and acknowledges, retries with backoff
// or dead-letters each one. It knows no platform.
package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	mrand "math/rand/v2"
	"os"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"tsunagu/bot"
)

// Sender delivers outbox entries to one platform.
type Sender interface {
	Send(ctx context.Context, out bot.Outgoing, attempt int) error
}

// NameLookup is an optional Sender capability used for bot.OutLookupProfile
// entries.
type NameLookup interface {
	LookupName(ctx context.Context, profileID string) (string, error)
}

// Handler receives the EventProfileInfo fed back after a lookup and the
// events of bot.OutEvent entries (the bot).
type Handler interface {
	Handle(ctx context.Context, in bot.Inbound) error
}

// StatusReader tells which of some people blocked the bot (their messages
// are dropped, not sent). Someone unknown is not blocked. When only some
// people's status cannot be read, the error is a StatusErrors naming them,
// and the map holds the others.
type StatusReader interface {
	Blocked(ctx context.Context, ids []string) (map[string]bool, error)
}

// StatusErrors is why some people's status could not be read, by ID.
type StatusErrors map[string]error

func (e StatusErrors) Error() string {
	ids := slices.Sorted(maps.Keys(e))
	if len(ids) == 1 {
		return fmt.Sprintf("status of %s: %v", ids[0], e[ids[0]])
	}
	return fmt.Sprintf("status of %d people unreadable, %s first: %v", len(ids), ids[0], e[ids[0]])
}

// Queue is the outbox as the worker uses it (the Redis adapter's Outbox).
type Queue interface {
	Read(ctx context.Context, consumer string, count int) ([]Delivery, error)
	Reclaim(ctx context.Context, consumer string, minIdle time.Duration, count int) ([]Delivery, error)
	Ack(ctx context.Context, ds ...Delivery) error
	Retry(ctx context.Context, d Delivery, due time.Time) error
	DeadLetter(ctx context.Context, d Delivery, reason string, status int) error
	PromoteDue(ctx context.Context, now time.Time) (int, error)
	Touch(ctx context.Context, consumer string, ds []Delivery, idle time.Duration) (lost []Delivery, err error)
}

// Results reported to OnResult.
const (
	ResultSent    = "sent"
	ResultRetry   = "retry"
	ResultDead    = "dead"
	ResultSkipped = "skipped"
)

// DefaultConcurrency is how many sends a worker has in flight at once when
// Worker.Concurrency is not set: enough that a slow platform call or one
// person's backlog leaves room for everyone else, few enough to stay far
// below LINE's and Slack's rate limits.
const DefaultConcurrency = 16

const (
	batchSize = 32
	// maxHeld caps the entries a worker has read and not yet settled. It is
	// large so that the worker reads past one recipient's backlog to the
	// entries of others queued behind it in the stream; entries held long
	// are touched (see Run) so that no other worker reclaims them.
	maxHeld = 1024
	// reclaimEvery is how often a worker looks for entries left pending by
	// a crashed one.
	reclaimEvery = 5 * time.Second
	// promoteEvery is how often a running worker looks for retries fallen
	// due; the shortest backoff is half a second, and under load the
	// worker reads the queue after every commit.
	promoteEvery = 200 * time.Millisecond
	// sendTimeout bounds one send (the platforms' HTTP timeout is 10s too);
	// settleTimeout bounds the queue update after it.
	sendTimeout   = 10 * time.Second
	settleTimeout = 5 * time.Second
	// ackWait is how long a landed entry may wait to be acknowledged with
	// the next ones (they go together once batchSize have landed). The
	// entry is sent; until the acknowledgement, a crash would send it
	// again, as it would between any send and its acknowledgement.
	ackWait = 5 * time.Millisecond
	// lookupAttempts: a display name is a nicety, not worth more retries.
	lookupAttempts = 3
)

// Worker sends outbox entries, several at once but at most one per
// recipient: each recipient's entries go out in the order they were read,
// and a recipient with a long backlog (one person's flood, the coordinator
// channel) takes one send slot while the others' replies pass it, taking
// turns. Several workers (replicas) share the queue through its consumer
// group.
type Worker struct {
	Queue    Queue
	Senders  map[string]Sender // by bot.Platform of the recipient
	Handler  Handler           // receives looked-up display names; optional
	Profiles StatusReader      // optional; without it nobody is skipped
	Logger   *slog.Logger
	Now      func() time.Time
	// Consumer names this worker in the consumer group; by default
	// host-pid-random.
	Consumer string
	// MaxAttempts is how many sends are tried before an entry is dead
	// (default 8).
	MaxAttempts int
	// Backoff is the wait before retry number attempt+1 (default 1s·2^n,
	// capped at 5 minutes, with jitter). A platform's Retry-After wins when
	// longer.
	Backoff func(attempt int) time.Duration
	// ReclaimIdle is how long an entry stays pending before another worker
	// takes it over (default 60s); it must exceed the slowest send.
	ReclaimIdle time.Duration
	// PollInterval is how often the queue is read without a Notify (default
	// 500ms).
	PollInterval time.Duration
	// OnResult, if set, is called once per settled entry with the
	// recipient's platform and one of the Result constants. It may be
	// called from several goroutines at once.
	OnResult func(platform, result string)
	// Concurrency is how many sends may be in flight at once, to as many
	// recipients (default DefaultConcurrency).
	Concurrency int
	// Inbound, if set, tells how many calls of the platforms (webhooks)
	// the service is serving at this moment. While they are many, the
	// worker yields: see room.
	Inbound func() int

	once        sync.Once
	wake        chan struct{}
	lastReclaim time.Time
	lastPromote time.Time
}

func (w *Worker) setup() {
	w.once.Do(func() {
		w.wake = make(chan struct{}, 1)
		if w.Logger == nil {
			w.Logger = slog.New(slog.DiscardHandler)
		}
		if w.Now == nil {
			w.Now = time.Now
		}
		if w.Consumer == "" {
			w.Consumer = consumerName()
		}
		if w.MaxAttempts <= 0 {
			w.MaxAttempts = 8
		}
		if w.Backoff == nil {
			w.Backoff = Backoff
		}
		if w.ReclaimIdle <= 0 {
			w.ReclaimIdle = 60 * time.Second
		}
		if w.PollInterval <= 0 {
			w.PollInterval = 500 * time.Millisecond
		}
		if w.Concurrency <= 0 {
			w.Concurrency = DefaultConcurrency
		}
	})
}

// Notify wakes the worker to read the queue now. It never blocks.
func (w *Worker) Notify() {
	w.setup()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run sends entries until ctx is cancelled, then finishes the sends in
// flight, hands the entries it read and did not start to the other workers
// (their next Reclaim takes them at once) and returns nil.
//
// Run reads ahead of its sends, up to maxHeld entries, so that every
// recipient with an entry waiting has a turn. Every ReclaimIdle/4 it
// touches the entries it holds, so that another worker reclaims only the
// entries of a worker that stopped.
//
// Run and ProcessOnce must not be called at the same time.
func (w *Worker) Run(ctx context.Context) error {
	w.setup()
	l := newLanes()
	done := make(chan flight, w.Concurrency)
	sends := w.senders(ctx, done)
	defer close(sends)
	inFlight := 0
	more := true // the queue may hold entries to read now
	lastTouch := w.Now()
	// The entries landed and not yet acknowledged, and since when the
	// oldest waits: acknowledging them together (see ackWait) takes one
	// round trip where one per landing took most of the worker's.
	var unacked []flight
	var unackedSince time.Time
	// The queue is read again at nextPoll without a Notify. The timer
	// also wakes the worker for the acknowledgements and the end of a
	// yield, which need no read.
	nextPoll := time.Now().Add(w.PollInterval)
	timer := time.NewTimer(w.PollInterval)
	defer timer.Stop()
	for {
		if more && l.count() < maxHeld {
			want := min(batchSize, maxHeld-l.count())
			nextPoll = time.Now().Add(w.PollInterval)
			n, err := w.fetch(ctx, l, want, w.Now().Sub(w.lastPromote) >= promoteEvery)
			if ctx.Err() != nil {
				break
			}
			if err != nil {
				w.Logger.ErrorContext(ctx, "outbox", "err", err)
			}
			more = err == nil && n >= want
		}
		if now := w.Now(); now.Sub(lastTouch) >= w.ReclaimIdle/4 {
			lastTouch = now
			w.touch(ctx, l)
		}
		room, yieldEnds := w.room(l, inFlight)
		inFlight += w.start(l, room, sends)
		// The wait is measured on the real clock: w.Now is for the
		// domain's times, which a simulation may stop or move.
		waited := time.Since(unackedSince)
		if len(unacked) > 0 && (len(unacked) >= batchSize || inFlight == 0 || waited >= ackWait) {
			w.acknowledge(ctx, unacked)
			unacked = unacked[:0]
		}
		if more && l.count() < maxHeld {
			continue
		}
		wait := time.Until(nextPoll)
		if len(unacked) > 0 {
			wait = min(wait, ackWait-waited)
		}
		if yieldEnds > 0 {
			wait = min(wait, yieldEnds)
		}
		timer.Reset(max(wait, time.Millisecond))
		select {
		case f := <-done:
			// Take what else has landed with it. Each recipient's lane
			// is free at once; the acknowledgement waits for others.
			fs := []flight{f}
			for len(fs) < inFlight {
				select {
				case f := <-done:
					fs = append(fs, f)
					continue
				default:
				}
				break
			}
			inFlight -= len(fs)
			if len(unacked) == 0 {
				unackedSince = time.Now()
			}
			for _, f := range fs {
				l.settled(f.d)
			}
			unacked = append(unacked, fs...)
		case <-w.wake:
			more = true
		case <-timer.C:
			more = more || !time.Now().Before(nextPoll)
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	for ; inFlight > 0; inFlight-- {
		f := <-done
		l.settled(f.d)
		unacked = append(unacked, f)
	}
	w.acknowledge(ctx, unacked)
	w.handBack(ctx, l)
	return nil
}

// ProcessOnce promotes due retries, reclaims abandoned entries (every few
// seconds), reads new ones and settles each, as Run does, and returns once
// they are all settled, with how many they were and the first error. When
// ctx ends it starts no more sends; the entries not started stay pending
// and are reclaimed later.
func (w *Worker) ProcessOnce(ctx context.Context) (int, error) {
	w.setup()
	l := newLanes()
	_, firstErr := w.fetch(ctx, l, batchSize, true)
	done := make(chan flight, w.Concurrency)
	sends := w.senders(ctx, done)
	defer close(sends)
	inFlight, settled := 0, 0
	for {
		if ctx.Err() == nil {
			inFlight += w.start(l, w.Concurrency-inFlight, sends)
		}
		if inFlight == 0 {
			return settled, firstErr
		}
		f := <-done
		inFlight--
		settled++
		if err := w.landed(ctx, l, []flight{f}); err != nil && firstErr == nil {
			firstErr = err
		}
	}
}

// fetch promotes due retries (if promote), reclaims abandoned entries
// (every few seconds) and reads new ones into l, about max, with whether
// their recipients blocked the bot. It returns how many it read.
func (w *Worker) fetch(ctx context.Context, l *lanes, max int, promote bool) (int, error) {
	now := w.Now()
	if promote {
		if _, err := w.Queue.PromoteDue(ctx, now); err != nil {
			return 0, err
		}
		w.lastPromote = now
	}
	// Entries already taken from some shards are kept even when another
	// shard failed: dropped, they would wait for a reclaim.
	var ds []Delivery
	var readErr error
	if now.Sub(w.lastReclaim) >= reclaimEvery {
		w.lastReclaim = now
		ds, readErr = w.Queue.Reclaim(ctx, w.Consumer, w.ReclaimIdle, max)
	}
	if len(ds) < max && readErr == nil {
		fresh, err := w.Queue.Read(ctx, w.Consumer, max-len(ds))
		ds, readErr = append(ds, fresh...), err
	}
	w.checkBlocked(ctx, ds)
	read := time.Now()
	for _, d := range ds {
		d.read = read
		l.add(d)
	}
	return len(ds), readErr
}

// checkBlocked marks the entries of ds whose recipient blocked the bot,
// reading every recipient's status at once. An entry whose recipient's
// status could not be read carries the error, and its send is retried
// later; the others go on.
func (w *Worker) checkBlocked(ctx context.Context, ds []Delivery) {
	if w.Profiles == nil || len(ds) == 0 {
		return
	}
	var ids []string
	seen := map[string]bool{}
	for _, d := range ds {
		if d.Out.Kind != bot.OutEvent && !seen[d.Out.To] {
			seen[d.Out.To] = true
			ids = append(ids, d.Out.To)
		}
	}
	if len(ids) == 0 {
		return
	}
	blocked, err := w.Profiles.Blocked(ctx, ids)
	var some StatusErrors
	errors.As(err, &some)
	for i := range ds {
		to := ds[i].Out.To
		switch {
		case some != nil && some[to] != nil:
			ds[i].statusErr = fmt.Errorf("status of %s: %w", to, some[to])
		case some == nil && err != nil:
			ds[i].statusErr = fmt.Errorf("status of %s: %w", to, err)
		default:
			ds[i].blocked = blocked[to]
		}
	}
}

// flight is the outcome of one entry's send: settled (retried or dead)
// with err the failure to do so, or to be acknowledged (ack) and then
// reported as result.
type flight struct {
	d        Delivery
	err      error
	ack      bool
	platform string
	result   string
}

// senders starts Concurrency goroutines that send each entry handed to
// the returned channel and report it to done, until the channel is closed.
// The channel holds Concurrency entries: with at most that many in flight
// (handed and not yet received from done), handing one never waits.
//
// The goroutines outlive their sends because a send grows a goroutine's
// stack (the HTTP client, the SDK's encoding): a new goroutine per send
// grew and copied its stack every time.
func (w *Worker) senders(ctx context.Context, done chan<- flight) chan<- Delivery {
	sends := make(chan Delivery, w.Concurrency)
	for range w.Concurrency {
		go func() {
			for d := range sends {
				done <- w.process(ctx, d)
			}
		}()
	}
	return sends
}

// Yielding to a burst of inbound events (see room).
const (
	// busyInbound is how many webhook calls in hand at once make a
	// burst: a few people writing at the same moment make one or two.
	busyInbound = 8
	// yieldTo is how many sends stay in flight during a burst.
	yieldTo = 2
	// maxYield bounds the lag yielding adds: once the entry next to start
	// was read this long ago, the worker sends at full concurrency.
	maxYield = 2 * time.Second
)

// room is how many more sends may start now, with inFlight in flight, and
// when yielding, how soon the yield ends for the entry next to start.
//
// During a burst of webhook calls the worker keeps only yieldTo sends in
// flight, leaving the machine to the webhooks: an event not answered in
// time may be lost or redelivered by the platform, while what the worker
// sends is durable in the queue and goes out moments later. The yield
// ends with the burst, or once the entry next to start was read maxYield
// ago (on the real clock): a reply then lags a burst by two seconds at
// most, far inside its token's minute, whatever holds the calls open or
// the sends in flight, and a sustained load is sent at full speed.
func (w *Worker) room(l *lanes, inFlight int) (int, time.Duration) {
	n, ends := w.Concurrency, time.Duration(0)
	if w.Inbound != nil && w.Inbound() >= busyInbound {
		if read, ok := l.nextRead(); ok {
			if ends = maxYield - time.Since(read); ends > 0 {
				n = min(yieldTo, n)
			}
		}
	}
	return max(n-inFlight, 0), max(ends, 0)
}

// start hands up to n entries to the senders and returns how many it
// handed.
func (w *Worker) start(l *lanes, n int, sends chan<- Delivery) int {
	started := 0
	for ; started < n; started++ {
		d, ok := l.next()
		if !ok {
			break
		}
		sends <- d
	}
	return started
}

// landed records every entry of fs in l and acknowledges those sent or
// skipped.
func (w *Worker) landed(ctx context.Context, l *lanes, fs []flight) error {
	for _, f := range fs {
		l.settled(f.d)
	}
	return w.acknowledge(ctx, fs)
}

// acknowledge acknowledges the entries of fs sent or skipped, all in one
// call, and reports each one's result. An entry that could not be settled
// stays pending and is reclaimed later (and may be sent again: the
// outbox delivers at least once). It returns the first error.
func (w *Worker) acknowledge(ctx context.Context, fs []flight) error {
	if len(fs) == 0 {
		return nil
	}
	var acks []Delivery
	for _, f := range fs {
		if f.ack {
			acks = append(acks, f.d)
		}
	}
	var ackErr error
	if len(acks) > 0 {
		qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
		ackErr = w.Queue.Ack(qctx, acks...)
		cancel()
	}
	var first error
	for _, f := range fs {
		err := f.err
		if f.ack {
			if err = ackErr; err == nil {
				w.result(f.platform, f.result)
			}
		}
		if err != nil {
			w.Logger.ErrorContext(ctx, "outbox", "out", f.d.Out.ID, "err", err)
			if first == nil {
				first = err
			}
		}
	}
	return first
}

// touch keeps the entries l holds from being reclaimed, and drops those
// another worker reclaimed meanwhile (after a pause of this one longer than
// ReclaimIdle): that worker sends them.
func (w *Worker) touch(ctx context.Context, l *lanes) {
	if l.count() == 0 {
		return
	}
	lost, err := w.Queue.Touch(ctx, w.Consumer, l.all(), 0)
	if err != nil {
		w.Logger.WarnContext(ctx, "outbox: touch held entries", "held", l.count(), "err", err)
	}
	for _, d := range lost {
		l.drop(d)
	}
	if len(lost) > 0 {
		w.Logger.WarnContext(ctx, "outbox: held entries taken over by another worker", "lost", len(lost))
	}
}

// handBack makes the entries l still holds (read, never started) look
// abandoned, so that the next Reclaim of any worker takes them instead of
// waiting ReclaimIdle. It runs after Run's context ended.
func (w *Worker) handBack(ctx context.Context, l *lanes) {
	if l.count() == 0 {
		return
	}
	qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	if _, err := w.Queue.Touch(qctx, w.Consumer, l.all(), w.ReclaimIdle); err != nil {
		w.Logger.WarnContext(ctx, "outbox: hand back unsent entries", "held", l.count(), "err", err)
	}
}

// process sends one entry and settles a failure; a success is left for
// landed to acknowledge with others. Both run detached from ctx's
// cancellation, each with its own timeout, so a shutdown waits for them and
// a slow send still leaves time to settle.
func (w *Worker) process(ctx context.Context, d Delivery) flight {
	platform := bot.Platform(d.Out.To)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	skipped, maxAttempts, err := w.deliver(sctx, d, platform)
	cancel()
	switch {
	case skipped:
		return flight{d: d, ack: true, platform: platform, result: ResultSkipped}
	case err == nil:
		w.Logger.DebugContext(ctx, "outbox sent", "out", d.Out.ID, "attempt", d.Attempt)
		return flight{d: d, ack: true, platform: platform, result: ResultSent}
	}
	qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	return flight{d: d, err: w.settle(qctx, d, platform, maxAttempts, err)}
}

// deliver sends d, or for a lookup fetches the recipient's display name and
// feeds it to the Handler as an EventProfileInfo (deduplicated by the
// entry's ID). skipped reports there was nothing to do; maxAttempts is how
// many tries the entry deserves.
func (w *Worker) deliver(ctx context.Context, d Delivery, platform string) (skipped bool, maxAttempts int, err error) {
	// An entry that makes a sender panic would crash every replica that
	// reclaims it, forever: it is dead-lettered instead.
	defer func() {
		if r := recover(); r != nil {
			w.Logger.ErrorContext(ctx, "outbox send panicked", "outgoing_id", d.Out.ID, "panic", r, "stack", string(debug.Stack()))
			skipped, maxAttempts, err = false, 1, &bot.SendError{Permanent: true, Err: fmt.Errorf("send panicked: %v", r)}
		}
	}()
	if d.Out.Kind == bot.OutEvent {
		// An event the service raised for a person (an offer, a
		// reminder): the bot records it and queues what to send, deduped
		// by the event's ID, so a retry here is harmless.
		if d.Out.Event == nil || w.Handler == nil {
			return false, 1, &bot.SendError{Permanent: true, Err: errors.New("event entry without an event or a handler")}
		}
		return false, w.MaxAttempts, w.Handler.Handle(ctx, *d.Out.Event)
	}
	sender, ok := w.Senders[platform]
	if !ok {
		return false, 1, &bot.SendError{Permanent: true, Err: fmt.Errorf("no sender for platform %q", platform)}
	}
	if d.statusErr != nil || d.blocked {
		return d.blocked, w.MaxAttempts, d.statusErr
	}
	if d.Out.Kind != bot.OutLookupProfile {
		return false, w.MaxAttempts, sender.Send(ctx, d.Out, d.Attempt)
	}
	nl, ok := sender.(NameLookup)
	if !ok || w.Handler == nil {
		return true, 0, nil
	}
	name, err := nl.LookupName(ctx, d.Out.To)
	if err == nil && name != "" {
		err = w.Handler.Handle(ctx, bot.Inbound{
			ID: bot.LookupEventID(d.Out.ID), Kind: bot.EventProfileInfo,
			ProfileID: d.Out.To, DisplayName: name, At: w.Now(),
		})
	}
	return false, lookupAttempts, err
}

// settle retries or dead-letters d after its send failed with sendErr.
func (w *Worker) settle(ctx context.Context, d Delivery, platform string, maxAttempts int, sendErr error) error {
	var se *bot.SendError
	isSendErr := errors.As(sendErr, &se)
	log := w.Logger.With("out", d.Out.ID, "to", d.Out.To, "attempt", d.Attempt)
	switch {
	case isSendErr && se.Permanent, d.Attempt+1 >= maxAttempts:
		status := 0
		if isSendErr {
			status = se.Status
		}
		if err := w.Queue.DeadLetter(ctx, d, sendErr.Error(), status); err != nil {
			return err
		}
		w.result(platform, ResultDead)
		log.WarnContext(ctx, "outbox dead letter", "err", sendErr)
	default:
		wait := w.Backoff(d.Attempt)
		if isSendErr && se.RetryAfter > wait {
			wait = se.RetryAfter
		}
		if err := w.Queue.Retry(ctx, d, w.Now().Add(wait)); err != nil {
			return err
		}
		w.result(platform, ResultRetry)
		log.InfoContext(ctx, "outbox retry", "in", wait, "err", sendErr)
	}
	return nil
}

func (w *Worker) result(platform, result string) {
	if w.OnResult != nil {
		w.OnResult(platform, result)
	}
}

// Backoff is the default retry wait: 1s·2^attempt capped at 5 minutes, of
// which a random half is taken off so that retries from many entries spread.
func Backoff(attempt int) time.Duration {
	d := 5 * time.Minute
	if attempt < 9 {
		d = min(time.Second<<attempt, d)
	}
	return d/2 + mrand.N(d/2+1)
}

func consumerName() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}
