package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// BroadcastStatus is where a broadcast stands.
type BroadcastStatus string

// Broadcast statuses.
const (
	BroadcastScheduled BroadcastStatus = "scheduled"
	BroadcastSending   BroadcastStatus = "sending"
	BroadcastDone      BroadcastStatus = "done"
)

// Broadcast limits and pacing.
const (
	// MaxBroadcastRunes is LINE's limit for one text message, in UTF-16
	// units as LINE counts (see TextLen).
	MaxBroadcastRunes = 5000
	// MulticastSize is how many LINE users one multicast names (LINE's
	// maximum).
	MulticastSize = 500
	// SlackBatch is the index of the batch holding the Slack recipients.
	SlackBatch = -1
	// multicastRate is LINE's multicast rate limit, requests per second.
	multicastRate = 200
	// multicastInFlight bounds concurrent multicast requests.
	multicastInFlight = 16
	// leaseTTL is how long a replica holds a broadcast without renewing;
	// another takes over after a crash.
	leaseTTL = 30 * time.Second
	// batchAttempts is how often one run tries a batch (or a Slack DM)
	// that failed for a passing reason; the next run tries a LINE batch
	// again with the same retry key.
	batchAttempts = 3
	// slackAttemptTimeout bounds one DM attempt. Being well under
	// leaseTTL, it ensures that when a run takes a lapsed lease over, the
	// previous holder's last attempt is over.
	slackAttemptTimeout = 20 * time.Second
	// slackDoubtAfter is how long a Slack claim may go unrenewed before
	// the run that holds it counts as gone: its run renews it before every
	// attempt, so an older one belongs to a run that died mid-DM.
	slackDoubtAfter = 2 * leaseTTL
)

// ErrLeaseLost is returned by the broadcast store when a run no longer
// holds the broadcast's lease: its lease lapsed and another run took it.
var ErrLeaseLost = errors.New("broadcast lease lost")

// Broadcast is an announcement to an audience.
type Broadcast struct {
	ID        string    `json:"id"`
	Text      string    `json:"text"`
	Audience  Audience  `json:"audience"`
	SendAt    time.Time `json:"send_at"`
	CreatedAt time.Time `json:"created_at"`
}

// BroadcastView is a broadcast with its progress.
type BroadcastView struct {
	Broadcast
	Status  BroadcastStatus `json:"status"`
	Total   int             `json:"total"`
	Sent    int             `json:"sent"`
	Failed  int             `json:"failed"`
	Skipped int             `json:"skipped"`
	Batches int             `json:"-"`
}

// Recipients are a broadcast's audience at creation: LINE and Slack
// profiles to send to and the blocked ones skipped.
type Recipients struct {
	LINE, Slack []string
	Skipped     int
}

// Batches counts the batches the recipients make.
func (r Recipients) Batches() int {
	n := (len(r.LINE) + MulticastSize - 1) / MulticastSize
	if len(r.Slack) > 0 {
		n++
	}
	return n
}

// Batch is one multicast (or the Slack recipients) of a broadcast.
type Batch struct {
	Index      int
	Recipients []string
}

// BroadcastStore keeps broadcasts and their progress per batch.
type BroadcastStore interface {
	CreateBroadcast(ctx context.Context, b *Broadcast, r Recipients, due time.Time) error
	FindBroadcast(ctx context.Context, id string) (*BroadcastView, error)
	DueBroadcasts(ctx context.Context, now time.Time, limit int) ([]string, error)
	RescheduleBroadcast(ctx context.Context, id string, at time.Time) error
	// Lease takes or renews the right to send a broadcast for ttl; false
	// when another run holds it. owner names one run, never a process: two
	// runs in one process must not share a lease.
	Lease(ctx context.Context, id, owner string, ttl time.Duration) (bool, error)
	// Release gives the lease up, atomically and only if owner holds it.
	Release(ctx context.Context, id, owner string) error
	Pending(ctx context.Context, id string, size int) ([]Batch, error)
	// BatchDone records a batch once; finished is true for the call that
	// completed the broadcast, which also queued the report.
	BatchDone(ctx context.Context, id string, batch, sent, failed int, report Outgoing) (finished bool, err error)
	FinishEmpty(ctx context.Context, id string, report Outgoing) error
	// ForgetRecipient takes a person being deleted out of the broadcast:
	// it no longer reaches them and keeps no trace of them.
	ForgetRecipient(ctx context.Context, id, profileID string) error
	// ClaimSlack checks that owner holds the lease (ErrLeaseLost if not)
	// and renews it for ttl, then makes a Slack recipient owner's to send
	// to: claimed now, or owner's claim renewed at now. false when another
	// run claimed them or they have a result.
	ClaimSlack(ctx context.Context, id, owner, profileID string, now time.Time, ttl time.Duration) (bool, error)
	// SlackResult records what became of owner's claim and counts it in
	// the broadcast's sent or failed; a claim settled in the meantime
	// (owner's run was taken for dead) is left as it is.
	SlackResult(ctx context.Context, id, owner, profileID string, sent bool) error
	// FinishSlack records the Slack batch done for the lease holder owner
	// (ErrLeaseLost if not) like BatchDone, first counting as failed the
	// claims of other runs not renewed for doubtAfter. finished is false,
	// and nothing changes, while another run's claim is younger: that run
	// may still be sending, and a later run finishes the batch.
	FinishSlack(ctx context.Context, id, owner string, now time.Time, doubtAfter time.Duration, report Outgoing) (finished bool, err error)
}

// SlackDM sends a direct message to a Slack profile (the Slack adapter).
// key marks the post; a retry (attempt > 0) posts only if no message with
// that mark reached the person, since Slack has no idempotency key and a
// 5xx or a timeout may hide a post that was made.
type SlackDM interface {
	DM(ctx context.Context, profileID, text, key string, attempt int) error
}

// slackRate paces broadcast DMs: Slack allows about one message a second
// per channel and a workspace-wide burst beyond that.
const slackRate = 10

// Multicaster sends one text to many LINE users and reads the monthly
// quota (the LINE adapter).
type Multicaster interface {
	Multicast(ctx context.Context, profileIDs []string, msgs []Message, key string) error
	Quota(ctx context.Context) (limit, used int64, err error)
}

// CreateBroadcast validates a broadcast, fixes its recipients and
// schedules it: at send_at, or at once, and after the quiet hours.
func (b *Bot) CreateBroadcast(ctx context.Context, bc *Broadcast) (*BroadcastView, error) {
	now := b.Now()
	bc.Text = strings.TrimSpace(bc.Text)
	if err := requireText("text", bc.Text, MaxBroadcastRunes, true); err != nil {
		return nil, err
	}
	if err := bc.Audience.Validate(b.Catalog); err != nil {
		return nil, err
	}
	r, err := b.Recipients(ctx, bc.Audience)
	if err != nil {
		return nil, fmt.Errorf("create broadcast: %w", err)
	}
	if len(r.LINE) > 0 && b.LINE != nil {
		qctx, cancel := context.WithTimeout(ctx, quotaTimeout)
		limit, used, err := b.LINE.Quota(qctx)
		cancel()
		if err != nil {
			b.Logger.WarnContext(ctx, "broadcast refused: LINE quota unreadable", "err", err)
			return nil, quotaUnavailable(err)
		}
		if limit >= 0 && used+int64(len(r.LINE)) > limit {
			return nil, Errorf(EUNPROCESSABLE, "the LINE monthly message quota would be exceeded: %d recipients on LINE, %d of %d messages used this month (%d left)",
				len(r.LINE), used, limit, max(limit-used, 0))
		}
	}
	bc.ID, bc.CreatedAt = b.NewID(), now
	due := bc.SendAt
	if due.Before(now) {
		due = now
	}
	if b.Quiet != nil && b.Quiet.Contains(due.In(b.loc())) {
		due = b.Quiet.EndAfter(due.In(b.loc()))
	}
	if bc.SendAt.IsZero() {
		bc.SendAt = due
	}
	if err := b.Broadcasts.CreateBroadcast(ctx, bc, r, due); err != nil {
		return nil, fmt.Errorf("create broadcast: %w", err)
	}
	b.Logger.InfoContext(ctx, "broadcast scheduled", "broadcast", bc.ID, "line", len(r.LINE), "slack", len(r.Slack), "skipped", r.Skipped)
	if r.Batches() == 0 {
		if err := b.Broadcasts.FinishEmpty(ctx, bc.ID, b.broadcastReport(bc, now)); err != nil {
			return nil, err
		}
	}
	return b.Broadcasts.FindBroadcast(ctx, bc.ID)
}

// quotaTimeout bounds reading LINE's quota (two calls) while a coordinator
// waits for the answer to a new broadcast.
const quotaTimeout = 5 * time.Second

// quotaUnavailable explains to the coordinator why a broadcast with LINE
// recipients cannot be created while LINE's quota cannot be read: sending
// blind could run the monthly quota out halfway through the audience.
func quotaUnavailable(err error) error {
	const what = "the LINE monthly message quota could not be checked, so nothing was sent"
	var se *SendError
	switch {
	case errors.As(err, &se) && (se.Status == 401 || se.Status == 403):
		return Errorf(EUNAVAILABLE, "%s: LINE refused the channel access token (%d); check LINE_CHANNEL_ACCESS_TOKEN", what, se.Status)
	case errors.As(err, &se) && se.Status != 0:
		return Errorf(EUNAVAILABLE, "%s: LINE answered %d; try again in a few minutes", what, se.Status)
	default:
		return Errorf(EUNAVAILABLE, "%s: LINE could not be reached; try again in a few minutes", what)
	}
}

// Recipients are the people a broadcast to aud would reach now, and the
// blocked ones it would skip (the count a coordinator confirms).
func (b *Bot) Recipients(ctx context.Context, aud Audience) (Recipients, error) {
	var r Recipients
	err := b.People.Each(ctx, func(p *Profile, _ Conversation) {
		q := *p
		blocked := q.Status == StatusBlocked
		if blocked {
			q.Status = StatusActive
		}
		if !aud.Match(&q) {
			return
		}
		switch {
		case blocked:
			r.Skipped++
		case Platform(p.ID) == PlatformLINE:
			r.LINE = append(r.LINE, p.ID)
		default:
			r.Slack = append(r.Slack, p.ID)
		}
	})
	if err != nil {
		return Recipients{}, fmt.Errorf("audience: %w", err)
	}
	return r, nil
}

// FindBroadcast returns a broadcast and its progress.
func (b *Bot) FindBroadcast(ctx context.Context, id string) (*BroadcastView, error) {
	if err := checkID("broadcast", id); err != nil {
		return nil, err
	}
	return b.Broadcasts.FindBroadcast(ctx, id)
}

func (b *Bot) broadcastReport(bc *Broadcast, now time.Time) Outgoing {
	excerpt := []rune(bc.Text)
	if len(excerpt) > 30 {
		excerpt = append(excerpt[:30], '…')
	}
	return b.coordinatorNotice(reportNoticeID(bc.ID), fmt.Sprintf(jaBroadcast.Report, string(excerpt)), now)
}

// RunBroadcasts sends the broadcasts that are due; a broadcast another
// replica is sending is left to it, and one interrupted by a crash is
// resumed where it stopped once its lease lapses.
func (b *Bot) RunBroadcasts(ctx context.Context) (SweepSummary, error) {
	now := b.Now()
	ids, err := b.Broadcasts.DueBroadcasts(ctx, now, sweepBatch)
	var sum SweepSummary
	errs := []error{err}
	for _, id := range ids {
		if b.Quiet != nil && b.Quiet.Contains(now.In(b.loc())) {
			errs = append(errs, b.Broadcasts.RescheduleBroadcast(ctx, id, b.Quiet.EndAfter(now.In(b.loc()))))
			continue
		}
		n, err := b.sendBroadcast(ctx, id)
		sum.Due += n
		errs = append(errs, err)
	}
	return sum, errors.Join(errs...)
}

// newRunID names one run of a broadcast: the lease and the Slack claims
// belong to a run, so two runs in one process (the sweep and a job started
// through the API) never both send.
func newRunID() string {
	var r [8]byte
	_, _ = rand.Read(r[:])
	return hex.EncodeToString(r[:])
}

// sendBroadcast sends the unfinished batches of one broadcast, at most
// multicastInFlight at once and multicastRate a second, renewing its lease
// as it goes. It returns how many recipients it reached. A run that loses
// its lease stops without error: the run that took over finishes.
func (b *Bot) sendBroadcast(ctx context.Context, id string) (int, error) {
	owner := newRunID()
	ok, err := b.Broadcasts.Lease(ctx, id, owner, leaseTTL)
	if err != nil || !ok {
		return 0, err
	}
	defer func() { _ = b.Broadcasts.Release(context.WithoutCancel(ctx), id, owner) }()
	v, err := b.Broadcasts.FindBroadcast(ctx, id)
	if err != nil {
		return 0, err
	}
	pending, err := b.Broadcasts.Pending(ctx, id, MulticastSize)
	if err != nil {
		return 0, err
	}
	msgs := []Message{{Text: v.Text}}
	report := b.broadcastReport(&v.Broadcast, b.Now())

	tick := time.NewTicker(time.Second / multicastRate)
	defer tick.Stop()
	sem := make(chan struct{}, multicastInFlight)
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
			if ok, err := b.Broadcasts.Lease(ctx, id, owner, leaseTTL); err != nil || !ok {
				wg.Wait()
				if err == nil {
					err = fmt.Errorf("broadcast %s: %w", id, ErrLeaseLost)
				}
				return reached, b.leaseLost(ctx, id, errors.Join(append(errs, err)...))
			}
			renewed = time.Now()
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			var sent int
			var err error
			if batch.Index == SlackBatch {
				sent, err = b.sendSlack(ctx, id, owner, batch, v.Text, report)
			} else {
				var failed int
				sent, failed, err = b.sendBatch(ctx, id, batch, msgs)
				if err == nil {
					_, err = b.Broadcasts.BatchDone(context.WithoutCancel(ctx), id, batch.Index, sent, failed, report)
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
		b.Logger.InfoContext(ctx, "broadcast batches sent", "broadcast", id, "batches", len(pending), "reached", reached)
		b.notify()
	}
	return reached, b.leaseLost(ctx, id, errors.Join(errs...))
}

// leaseLost drops a lost lease from err: the run that took the broadcast
// over sends what is left, so the sweep has nothing to report.
func (b *Bot) leaseLost(ctx context.Context, id string, err error) error {
	if !errors.Is(err, ErrLeaseLost) {
		return err
	}
	b.Logger.WarnContext(ctx, "broadcast taken over by another run", "broadcast", id)
	var rest []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			if !errors.Is(e, ErrLeaseLost) {
				rest = append(rest, e)
			}
		}
	}
	return errors.Join(rest...)
}

// sendBatch sends one batch; a batch LINE refuses for good counts as
// failed, one that keeps failing for a passing reason is left for the next
// run (err set) and resent then with the same retry key.
func (b *Bot) sendBatch(ctx context.Context, id string, batch Batch, msgs []Message) (sent, failed int, err error) {
	if b.LINE == nil {
		// LINE was turned off since: fail visibly rather than vanish.
		return 0, len(batch.Recipients), nil
	}
	if len(batch.Recipients) == 0 {
		return 0, 0, nil // everyone in it was deleted meanwhile
	}
	key := fmt.Sprintf("%s:%d", id, batch.Index)
	for attempt := 0; attempt < batchAttempts; attempt++ {
		err = b.LINE.Multicast(ctx, batch.Recipients, msgs, key)
		var se *SendError
		switch {
		case err == nil:
			return len(batch.Recipients), 0, nil
		case errors.As(err, &se) && se.Permanent:
			b.Logger.WarnContext(ctx, "broadcast batch refused", "broadcast", id, "batch", batch.Index, "err", err)
			return 0, len(batch.Recipients), nil
		}
		select {
		case <-ctx.Done():
			return 0, 0, ctx.Err()
		case <-time.After(retryWait(attempt, err)):
		}
	}
	return 0, 0, fmt.Errorf("broadcast %s batch %d: %w", id, batch.Index, err)
}

// retryWait is how long to wait after a failed attempt (0, 1, ...): what
// the platform asked for, and at least a growing pause.
func retryWait(attempt int, err error) time.Duration {
	wait := time.Duration(attempt+1) * 500 * time.Millisecond
	var se *SendError
	if errors.As(err, &se) && se.RetryAfter > wait {
		wait = se.RetryAfter
	}
	return wait
}

// errSlackOff fails the Slack recipients of a broadcast when Slack was
// turned off since it was created: visibly, rather than vanish.
var errSlackOff = &SendError{Permanent: true, Err: errors.New("slack is not configured")}

// sendSlack sends the Slack recipients one DM each and finishes the Slack
// batch. Slack has no retry key, so each recipient is claimed by this run
// before the post and its result recorded (and counted) after: a recipient
// claimed by another run is theirs to send and count, and one whose run
// died mid-DM (claim in doubt) is never posted to again and counts as
// failed. Passing trouble (429, 5xx, timeouts, ok:false such as
// internal_error or ratelimited) is retried a few times; a refusal
// (user_not_found, account_inactive, ...) fails at once. It returns how
// many DMs this run delivered.
func (b *Bot) sendSlack(ctx context.Context, id, owner string, batch Batch, text string, report Outgoing) (sent int, err error) {
	tick := time.NewTicker(time.Second / slackRate)
	defer tick.Stop()
	for _, p := range batch.Recipients {
		ok, err := b.Broadcasts.ClaimSlack(ctx, id, owner, p, b.Now(), leaseTTL)
		if err != nil {
			return sent, err
		}
		if !ok {
			continue
		}
		dmErr := b.dm(ctx, id, owner, p, text, tick)
		if ctx.Err() != nil {
			// Left claimed: in doubt, as after a crash.
			return sent, ctx.Err()
		}
		if dmErr != nil {
			b.Logger.WarnContext(ctx, "broadcast DM failed", "broadcast", id, "profile", p, "err", dmErr)
		}
		if err := b.Broadcasts.SlackResult(context.WithoutCancel(ctx), id, owner, p, dmErr == nil); err != nil {
			return sent, err
		}
		if dmErr == nil {
			sent++
		}
		if errors.Is(dmErr, ErrLeaseLost) {
			return sent, dmErr
		}
	}
	finished, err := b.Broadcasts.FinishSlack(context.WithoutCancel(ctx), id, owner, b.Now(), slackDoubtAfter, report)
	if err == nil && !finished {
		b.Logger.InfoContext(ctx, "broadcast Slack batch waits for another run's DM", "broadcast", id)
	}
	return sent, err
}

// dm sends one broadcast DM to p, trying passing trouble again. Before
// every retry it renews the claim and the lease: a run that lost its lease
// stops trying (ErrLeaseLost joined to the last DM error).
func (b *Bot) dm(ctx context.Context, id, owner, p, text string, tick *time.Ticker) error {
	if b.Slack == nil {
		return errSlackOff
	}
	var err error
	for attempt := 0; attempt < batchAttempts; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(retryWait(attempt-1, err)):
			}
			ok, cerr := b.Broadcasts.ClaimSlack(ctx, id, owner, p, b.Now(), leaseTTL)
			if cerr == nil && !ok {
				cerr = ErrLeaseLost // only the lease holder settles claims
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
		actx, cancel := context.WithTimeout(ctx, slackAttemptTimeout)
		err = b.Slack.DM(actx, p, text, "broadcast:"+id, attempt)
		cancel()
		var se *SendError
		if err == nil || (errors.As(err, &se) && se.Permanent) || ctx.Err() != nil {
			return err
		}
	}
	return err
}
