package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
)

// BroadcastStatus is where a broadcast stands.
type BroadcastStatus string

// Broadcast statuses.
const (
	BroadcastScheduled BroadcastStatus = "scheduled"
	BroadcastSending   BroadcastStatus = "sending"
	BroadcastDone      BroadcastStatus = "done"
	// BroadcastCancelled was called off before it began: it sends nothing.
	BroadcastCancelled BroadcastStatus = "cancelled"
)

// Broadcast limits and the layout of a broadcast's progress.
const (
	// MaxBroadcastRunes is the longest broadcast text, in UTF-16 units
	// (see TextLen): LINE's limit for one text message, so that every
	// recipient gets the broadcast as one message.
	MaxBroadcastRunes = 5000
	// MulticastSize is how many LINE recipients one batch of a
	// broadcast's progress holds: LINE's multicast maximum, so that one
	// batch is one request with one retry key, and the batches stay the
	// same when a broadcast made before a restart is resumed.
	MulticastSize = 500
	// SlackBatch is the index of the batch holding the Slack recipients.
	SlackBatch = -1
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

// BroadcastStore keeps broadcasts and their progress per batch. The
// methods that send (leases, batches, claims) are the runner's
// (adapters/broadcast.Store).
type BroadcastStore interface {
	CreateBroadcast(ctx context.Context, b *Broadcast, r Recipients, due time.Time) error
	FindBroadcast(ctx context.Context, id string) (*BroadcastView, error)
	// FindBroadcasts lists the broadcasts first due in [from, to), the
	// latest first, at most limit.
	FindBroadcasts(ctx context.Context, from, to time.Time, limit int) ([]*BroadcastView, error)
	DueBroadcasts(ctx context.Context, now time.Time, limit int) ([]string, error)
	RescheduleBroadcast(ctx context.Context, id string, at time.Time) error
	FinishEmpty(ctx context.Context, id string, report Outgoing) error
	// CancelBroadcast calls off a broadcast that has not begun, for good:
	// ENOTFOUND if unknown, ECONFLICT once it is sending, done or called
	// off. Its recipient lists go with it.
	CancelBroadcast(ctx context.Context, id string) error
	// ForgetRecipient takes a person being deleted out of the broadcast:
	// it no longer reaches them and keeps no trace of them.
	ForgetRecipient(ctx context.Context, id, profileID string) error
}

// LINEQuota reads LINE's monthly message quota (the LINE adapter): a
// broadcast that would run it out is refused when it is created.
type LINEQuota interface {
	Quota(ctx context.Context) (limit, used int64, err error)
}

// LINEQuotaReserver is a LINEQuota that may answer from an earlier reading
// (adapters/line.QuotaCache). Reserve answers the quota before a broadcast
// to n LINE recipients and, if they fit, counts them as used until LINE's
// own count can hold them: broadcasts made one after another are then not
// all checked against the same reading. Checking and counting are one step,
// so two broadcasts made at once cannot both take the same room.
type LINEQuotaReserver interface {
	LINEQuota
	Reserve(ctx context.Context, n int64) (limit, used int64, err error)
}

// AudienceIndex finds a broadcast's recipients without reading every
// profile (the service's live match index): the same people
// Audience.Match picks, active on LINE and on Slack sorted by ID, and the
// blocked counted. ok is false while it cannot answer for everyone (not
// built yet); the service then reads every profile.
type AudienceIndex interface {
	Audience(aud Audience) (r Recipients, ok bool)
}

// BroadcastService makes announcements to many people: it checks a
// broadcast, fixes its recipients, checks LINE's monthly quota, schedules it
// after the quiet hours, and hands due ones to the Broadcaster.
type BroadcastService struct {
	Store  BroadcastStore
	People ProfileLister
	// Index, if set, finds the recipients in memory; People is read only
	// when it cannot answer.
	Index       AudienceIndex
	Catalog     *Catalog
	Broadcaster Broadcaster
	// LINE reads LINE's quota when a broadcast is made (a
	// LINEQuotaReserver is told what each one will send); nil when LINE is
	// off.
	LINE     LINEQuota
	Quiet    QuietHours
	Location *time.Location
	Now      func() time.Time
	NewID    func() string
	Logger   *slog.Logger
	// Due, if set, is told that a broadcast just made is due at once, so
	// that this replica starts sending it now rather than at the next
	// sweep (which stays for crashes and scheduled ones).
	Due func()
}

func (s *BroadcastService) loc() *time.Location {
	if s.Location != nil {
		return s.Location
	}
	return time.Local
}

// CreateBroadcast validates a broadcast, fixes its recipients and
// schedules it: at send_at, or at once, and after the quiet hours.
func (s *BroadcastService) CreateBroadcast(ctx context.Context, bc *Broadcast) (*BroadcastView, error) {
	now := s.Now()
	bc.Text = strings.TrimSpace(bc.Text)
	if err := requireText("text", bc.Text, MaxBroadcastRunes, true); err != nil {
		return nil, err
	}
	if err := bc.Audience.Validate(s.Catalog); err != nil {
		return nil, err
	}
	r, err := s.Recipients(ctx, bc.Audience)
	if err != nil {
		return nil, fmt.Errorf("create broadcast: %w", err)
	}
	if len(r.LINE) > 0 && s.LINE != nil {
		qctx, cancel := context.WithTimeout(ctx, quotaTimeout)
		limit, used, err := s.lineQuota(qctx, int64(len(r.LINE)))
		cancel()
		if err != nil {
			s.Logger.WarnContext(ctx, "broadcast refused: LINE quota unreadable", "err", err)
			return nil, quotaUnavailable(err)
		}
		if limit >= 0 && used+int64(len(r.LINE)) > limit {
			return nil, Errorf(EUNPROCESSABLE, "the LINE monthly message quota would be exceeded: %d recipients on LINE, %d of %d messages used this month (%d left)",
				len(r.LINE), used, limit, max(limit-used, 0))
		}
	}
	bc.ID, bc.CreatedAt = s.NewID(), now
	due := bc.SendAt
	if due.Before(now) {
		due = now
	}
	if s.Quiet != nil && s.Quiet.Contains(due.In(s.loc())) {
		due = s.Quiet.EndAfter(due.In(s.loc()))
	}
	if bc.SendAt.IsZero() {
		bc.SendAt = due
	}
	if err := s.Store.CreateBroadcast(ctx, bc, r, due); err != nil {
		return nil, fmt.Errorf("create broadcast: %w", err)
	}
	s.Logger.InfoContext(ctx, "broadcast scheduled", "broadcast", bc.ID, "line", len(r.LINE), "slack", len(r.Slack), "skipped", r.Skipped)
	if r.Batches() == 0 {
		if err := s.Store.FinishEmpty(ctx, bc.ID, s.broadcastReport(bc, now)); err != nil {
			return nil, err
		}
	} else if !due.After(now) && s.Due != nil {
		s.Due()
	}
	return s.Store.FindBroadcast(ctx, bc.ID)
}

// CancelBroadcast calls off a broadcast not begun yet: a scheduled one
// with a mistake in it (a wrong date, a typo) is not sent to everyone.
func (s *BroadcastService) CancelBroadcast(ctx context.Context, id string) (*BroadcastView, error) {
	if err := s.Store.CancelBroadcast(ctx, id); err != nil {
		return nil, fmt.Errorf("cancel broadcast: %w", err)
	}
	s.Logger.InfoContext(ctx, "broadcast cancelled", "broadcast", id)
	return s.Store.FindBroadcast(ctx, id)
}

// lineQuota is LINE's quota before n more messages, counted by a LINE
// quota that reserves. If the broadcast is then not stored, they stay
// counted until the next reading: that errs on the side of refusing.
func (s *BroadcastService) lineQuota(ctx context.Context, n int64) (limit, used int64, err error) {
	if r, ok := s.LINE.(LINEQuotaReserver); ok {
		return r.Reserve(ctx, n)
	}
	return s.LINE.Quota(ctx)
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
func (s *BroadcastService) Recipients(ctx context.Context, aud Audience) (Recipients, error) {
	if s.Index != nil {
		if r, ok := s.Index.Audience(aud); ok {
			return r, nil
		}
		s.Logger.WarnContext(ctx, "audience read from every profile: the match index is not built")
	}
	var r Recipients
	err := s.People.Each(ctx, func(p *Profile, _ Conversation) {
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
	slices.Sort(r.LINE)
	slices.Sort(r.Slack)
	return r, nil
}

// FindBroadcast returns a broadcast and its progress.
func (s *BroadcastService) FindBroadcast(ctx context.Context, id string) (*BroadcastView, error) {
	if err := checkID("broadcast", id); err != nil {
		return nil, err
	}
	return s.Store.FindBroadcast(ctx, id)
}

// maxListedBroadcasts bounds ListBroadcasts.
const maxListedBroadcasts = 200

// ListBroadcasts lists the broadcasts due (or sent) between the days from
// and to (YYYY-MM-DD, both included; by default the last 30 days and the
// next 91), the latest first, at most 200: announcements made on Slack
// with 「/tsunagu announce」 are found here too.
func (s *BroadcastService) ListBroadcasts(ctx context.Context, from, to string) ([]*BroadcastView, error) {
	start, end, err := listedDays(from, to, s.Now().In(s.loc()))
	if err != nil {
		return nil, err
	}
	return s.Store.FindBroadcasts(ctx, start, end, maxListedBroadcasts)
}

func (s *BroadcastService) broadcastReport(bc *Broadcast, now time.Time) Outgoing {
	excerpt := []rune(bc.Text)
	if len(excerpt) > 30 {
		excerpt = append(excerpt[:30], '…')
	}
	return coordinatorNotice(reportNoticeID(bc.ID), fmt.Sprintf(ja.Broadcast.Report, string(excerpt)), now)
}

// BroadcastSweep is what one run of the broadcasts job did: the
// broadcasts it sent (or found another run sending), the recipients it
// reached, and those it put off until the quiet hours end.
type BroadcastSweep struct {
	Broadcasts int `json:"broadcasts"`
	Sent       int `json:"sent"`
	Deferred   int `json:"deferred"`
}

// Broadcaster sends one broadcast's unfinished batches, leasing it from
// other runs, and records the progress; the run that finishes the last
// batch queues report (adapters/broadcast.Runner). It returns how many
// recipients it reached.
type Broadcaster interface {
	SendBroadcast(ctx context.Context, bc *Broadcast, report Outgoing) (reached int, err error)
}

// errNoBroadcaster is what a due broadcast meets with nothing to send it.
var errNoBroadcaster = Errorf(EUNAVAILABLE, "no broadcast sender is configured")

// RunBroadcasts sends the broadcasts that are due, after the quiet hours;
// a broadcast another replica is sending is left to it, and one
// interrupted by a crash is resumed where it stopped once its lease lapses.
func (s *BroadcastService) RunBroadcasts(ctx context.Context) (BroadcastSweep, error) {
	now := s.Now()
	ids, err := s.Store.DueBroadcasts(ctx, now, sweepBatch)
	var sum BroadcastSweep
	errs := []error{err}
	if len(ids) == 0 {
		return sum, errors.Join(errs...)
	}
	sender := s.Broadcaster
	for _, id := range ids {
		if s.Quiet != nil && s.Quiet.Contains(now.In(s.loc())) {
			errs = append(errs, s.Store.RescheduleBroadcast(ctx, id, s.Quiet.EndAfter(now.In(s.loc()))))
			sum.Deferred++
			continue
		}
		if sender == nil {
			errs = append(errs, fmt.Errorf("broadcast %s: %w", id, errNoBroadcaster))
			continue
		}
		v, err := s.Store.FindBroadcast(ctx, id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n, err := sender.SendBroadcast(ctx, &v.Broadcast, s.broadcastReport(&v.Broadcast, s.Now()))
		sum.Broadcasts++
		sum.Sent += n
		errs = append(errs, err)
	}
	return sum, errors.Join(errs...)
}
