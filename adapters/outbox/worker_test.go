package outbox_test

import (
	"context"
	"errors"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	"tsunagu/adapters/outbox"
	"tsunagu/adapters/redis"
	"tsunagu/bot"
)

var t0 = time.Date(2025, 4, 1, 10, 0, 0, 0, time.UTC)

func TestWorkerRetriesServerErrorsThenDelivers(t *testing.T) {
	s := &fakeSender{errs: []error{status(500), status(500)}}
	e := newEnv(t, map[string]outbox.Sender{"line": s})
	e.enqueue(out("o1", "line:U1"))

	for range 3 {
		e.processOnce()
		e.now = e.now.Add(10 * time.Minute)
	}
	if got, want := s.attempts(), []int{0, 1, 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("sent at attempts %v, want %v", got, want)
	}
	if got, want := e.results, []string{"line retry", "line retry", "line sent"}; !reflect.DeepEqual(got, want) {
		t.Errorf("results %v, want %v", got, want)
	}
	e.processOnce()
	if n := len(s.calls); n != 3 {
		t.Errorf("%d sends, want 3: delivered once", n)
	}
	e.wantDepth(0)
	e.wantDead()
}

func TestWorkerDeadLettersPermanentErrors(t *testing.T) {
	s := &fakeSender{errs: []error{&bot.SendError{Status: 400, Permanent: true, Err: errors.New("invalid reply token")}}}
	e := newEnv(t, map[string]outbox.Sender{"line": s})
	e.enqueue(out("o1", "line:U1"))

	e.processOnce()
	e.now = e.now.Add(time.Hour)
	e.processOnce()
	if n := len(s.calls); n != 1 {
		t.Errorf("%d sends, want 1", n)
	}
	e.wantDepth(0)
	dls := e.wantDead("o1")
	if dls[0].Status != 400 || dls[0].Attempts != 1 {
		t.Errorf("dead letter %+v, want status 400 after 1 attempt", dls[0])
	}
}

func TestWorkerGivesUpAfterMaxAttempts(t *testing.T) {
	s := &fakeSender{errs: []error{status(503), errors.New("connection reset"), status(502)}}
	e := newEnv(t, map[string]outbox.Sender{"slack": s})
	e.w.MaxAttempts = 2
	e.enqueue(out("o1", "slack:T1:U1"))

	for range 3 {
		e.processOnce()
		e.now = e.now.Add(10 * time.Minute)
	}
	if n := len(s.calls); n != 2 {
		t.Errorf("%d sends, want 2", n)
	}
	e.wantDead("o1")
}

func TestWorkerHonoursRetryAfter(t *testing.T) {
	s := &fakeSender{errs: []error{&bot.SendError{Status: 429, RetryAfter: 30 * time.Second, Err: errors.New("rate limited")}}}
	e := newEnv(t, map[string]outbox.Sender{"line": s})
	e.w.Backoff = func(int) time.Duration { return time.Second }
	e.enqueue(out("o1", "line:U1"))

	e.processOnce()
	e.now = t0.Add(29 * time.Second)
	e.processOnce()
	if n := len(s.calls); n != 1 {
		t.Fatalf("%d sends before Retry-After passed, want 1", n)
	}
	e.now = t0.Add(30 * time.Second)
	e.processOnce()
	if got, want := s.attempts(), []int{0, 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("sent at attempts %v, want %v", got, want)
	}
	e.wantDepth(0)
}

func TestWorkerReclaimsEntriesOfACrashedWorker(t *testing.T) {
	s := &fakeSender{}
	e := newEnv(t, map[string]outbox.Sender{"line": s})
	e.mr.SetTime(t0)
	e.enqueue(out("o1", "line:U1"))
	// Worker A reads the entry and dies before settling it.
	if ds, err := e.q.Read(context.Background(), "worker-a", 10); err != nil || len(ds) != 1 {
		t.Fatalf("read by A: %v, %v", ds, err)
	}
	e.processOnce()
	if n := len(s.calls); n != 0 {
		t.Fatalf("an entry pending with A for no time was taken over (%d sends)", n)
	}

	e.mr.SetTime(t0.Add(2 * time.Minute))
	e.now = e.now.Add(2 * time.Minute)
	e.processOnce()
	if got := s.ids(); !reflect.DeepEqual(got, []string{"o1"}) {
		t.Errorf("B sent %v, want [o1]", got)
	}
	e.wantDepth(0)
}

func TestWorkerSkipsBlockedRecipients(t *testing.T) {
	s := &fakeSender{}
	e := newEnv(t, map[string]outbox.Sender{"line": s})
	e.w.Profiles = profiles{
		"line:Ublocked": {ID: "line:Ublocked", Status: bot.StatusBlocked},
		"line:Uactive":  {ID: "line:Uactive", Status: bot.StatusActive},
	}
	e.enqueue(out("o1", "line:Ublocked"))
	e.enqueue(out("o2", "line:Uactive"))
	e.enqueue(out("o3", "line:Udeleted")) // the goodbye after a deletion

	e.processOnce()
	got := s.ids()
	sort.Strings(got) // sent at once
	if want := []string{"o2", "o3"}; !reflect.DeepEqual(got, want) {
		t.Errorf("sent %v, want %v", got, want)
	}
	if !contains(e.results, "line skipped") {
		t.Errorf("results %v, want one skipped", e.results)
	}
	e.wantDepth(0)
}

// statusDown cannot tell who blocked the bot.
type statusDown struct{}

func (statusDown) Blocked(context.Context, []string) (map[string]bool, error) {
	return nil, errors.New("connection refused")
}

func TestWorkerRetriesWhenStatusIsUnreadable(t *testing.T) {
	s := &fakeSender{}
	e := newEnv(t, map[string]outbox.Sender{"line": s})
	e.w.Profiles = statusDown{}
	e.enqueue(out("o1", "line:U1"))

	e.processOnce()
	if n := len(s.calls); n != 0 {
		t.Fatalf("%d sends to someone who may have blocked the bot, want 0", n)
	}
	if got, want := e.results, []string{"line retry"}; !reflect.DeepEqual(got, want) {
		t.Errorf("results %v, want %v", got, want)
	}
	e.w.Profiles = profiles{}
	e.now = e.now.Add(10 * time.Minute)
	e.processOnce()
	if got, want := s.attempts(), []int{1}; !reflect.DeepEqual(got, want) {
		t.Errorf("sent at attempts %v, want %v once the status is readable", got, want)
	}
	e.wantDepth(0)
}

// oneUnreadable cannot read one person's status; the others it can.
type oneUnreadable string

func (o oneUnreadable) Blocked(_ context.Context, ids []string) (map[string]bool, error) {
	return map[string]bool{}, outbox.StatusErrors{string(o): errors.New("invalid character 'n'")}
}

func TestWorkerHoldsUpOnlyTheOneWhoseStatusIsUnreadable(t *testing.T) {
	s := &fakeSender{}
	e := newEnv(t, map[string]outbox.Sender{"line": s})
	e.w.Profiles = oneUnreadable("line:Ubad")
	e.enqueue(out("o1", "line:U1"))
	e.enqueue(out("o2", "line:Ubad"))
	e.enqueue(out("o3", "line:U3"))

	e.processOnce()
	sent := s.ids()
	sort.Strings(sent)
	if want := []string{"o1", "o3"}; !reflect.DeepEqual(sent, want) {
		t.Errorf("sent %v, want %v: the readable recipients go on", sent, want)
	}
	e.w.Profiles = profiles{}
	e.now = e.now.Add(10 * time.Minute)
	e.processOnce()
	if got := s.ids(); len(got) != 3 || got[2] != "o2" {
		t.Errorf("sent %v, want o2 last once its status is readable", got)
	}
	e.wantDepth(0)
}

func TestWorkerFeedsLookedUpNamesToTheBot(t *testing.T) {
	s := &lookupSender{name: "山田 花子"}
	h := &recorder{}
	e := newEnv(t, map[string]outbox.Sender{"line": s})
	e.w.Handler = h
	e.enqueue(bot.Outgoing{ID: "o1", Kind: bot.OutLookupProfile, To: "line:U1", CreatedAt: t0})

	e.processOnce()
	want := []bot.Inbound{{ID: "lookup:o1", Kind: bot.EventProfileInfo, ProfileID: "line:U1", DisplayName: "山田 花子", At: t0}}
	if !reflect.DeepEqual(h.got, want) {
		t.Errorf("handled %+v, want %+v", h.got, want)
	}
	if n := len(s.calls); n != 0 {
		t.Errorf("a lookup was sent as a message %d times", n)
	}
	e.wantDepth(0)
}

func TestWorkerRetriesFailedLookupsOnlyTwice(t *testing.T) {
	s := &lookupSender{err: status(500)}
	e := newEnv(t, map[string]outbox.Sender{"line": s})
	e.w.Handler = &recorder{}
	e.enqueue(bot.Outgoing{ID: "o1", Kind: bot.OutLookupProfile, To: "line:U1", CreatedAt: t0})

	for range 5 {
		e.processOnce()
		e.now = e.now.Add(10 * time.Minute)
	}
	if s.lookups != 3 {
		t.Errorf("%d lookups, want 3", s.lookups)
	}
	e.wantDead("o1")
}

func TestWorkerDeadLettersUnknownPlatforms(t *testing.T) {
	e := newEnv(t, map[string]outbox.Sender{"line": &fakeSender{}})
	e.enqueue(out("o1", "teams:U1"))
	e.processOnce()
	e.wantDead("o1")
	if want := []string{"teams dead"}; !reflect.DeepEqual(e.results, want) {
		t.Errorf("results %v, want %v", e.results, want)
	}
}

func TestWorkerRunSendsOnNotifyAndFinishesTheSendInFlight(t *testing.T) {
	s := &blockingSender{started: make(chan struct{}), release: make(chan struct{})}
	e := newEnv(t, map[string]outbox.Sender{"line": s})
	e.w.Now = time.Now
	e.w.PollInterval = time.Hour // only Notify wakes it
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- e.w.Run(ctx) }()

	e.enqueue(out("o1", "line:U1"))
	e.w.Notify()
	<-s.started
	cancel()
	close(s.release)
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	if s.ctxErr != nil {
		t.Errorf("the send in flight saw %v", s.ctxErr)
	}
	e.wantDepth(0)
}

// env is a worker over an embedded Redis with a clock the test moves.
type env struct {
	t       testing.TB
	mr      *miniredis.Miniredis
	q       *redis.Outbox
	store   *redis.Store
	w       *outbox.Worker
	now     time.Time
	results []string
}

func newEnv(t testing.TB, senders map[string]outbox.Sender) *env {
	t.Helper()
	mr := miniredis.RunT(t)
	c := goredis.NewClient(&goredis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { c.Close() })
	q := redis.NewOutbox(c)
	if err := q.EnsureGroups(context.Background()); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, mr: mr, q: q, store: redis.NewStore(c), now: t0}
	var mu sync.Mutex
	e.w = &outbox.Worker{
		Queue:    q,
		Senders:  senders,
		Now:      func() time.Time { return e.now },
		Consumer: "worker-b",
		OnResult: func(platform, result string) {
			mu.Lock()
			defer mu.Unlock()
			e.results = append(e.results, platform+" "+result)
		},
	}
	return e
}

// enqueue queues o for a recipient who has a profile, as every recipient
// but a just-deleted one does.
func (e *env) enqueue(o bot.Outgoing) {
	e.t.Helper()
	err := e.store.CreateProfile(context.Background(), &bot.Profile{ID: o.To})
	if err != nil && bot.ErrorCode(err) != bot.ECONFLICT {
		e.t.Fatal(err)
	}
	if err := e.q.Enqueue(context.Background(), o); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) processOnce() {
	e.t.Helper()
	if _, err := e.w.ProcessOnce(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) wantDepth(want int64) {
	e.t.Helper()
	got, err := e.q.Depth(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	if got != want {
		e.t.Errorf("queue depth %d, want %d", got, want)
	}
}

// wantDead checks the dead letters hold exactly the given entries.
func (e *env) wantDead(ids ...string) []redis.DeadLetter {
	e.t.Helper()
	dls, err := e.q.DeadLetters(context.Background(), 100)
	if err != nil {
		e.t.Fatal(err)
	}
	var got []string
	for _, d := range dls {
		got = append(got, d.OutID)
	}
	if !reflect.DeepEqual(got, ids) {
		e.t.Fatalf("dead letters %v, want %v", got, ids)
	}
	return dls
}

func out(id, to string) bot.Outgoing {
	return bot.Outgoing{ID: id, To: to, Messages: []bot.Message{{Text: "こんにちは"}}, CreatedAt: t0}
}

func status(code int) error {
	return &bot.SendError{Status: code, Err: errors.New("server error")}
}

func contains(ss []string, s string) bool {
	for _, v := range ss {
		if v == s {
			return true
		}
	}
	return false
}

type sendCall struct {
	out     bot.Outgoing
	attempt int
}

// fakeSender records sends and fails them with errs, in order. The worker
// sends to several recipients at once.
type fakeSender struct {
	mu    sync.Mutex
	errs  []error
	calls []sendCall
}

func (s *fakeSender) Send(_ context.Context, o bot.Outgoing, attempt int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, sendCall{o, attempt})
	if len(s.errs) == 0 {
		return nil
	}
	err := s.errs[0]
	s.errs = s.errs[1:]
	return err
}

func (s *fakeSender) attempts() []int {
	var as []int
	for _, c := range s.calls {
		as = append(as, c.attempt)
	}
	return as
}

func (s *fakeSender) ids() []string {
	var ids []string
	for _, c := range s.calls {
		ids = append(ids, c.out.ID)
	}
	return ids
}

type lookupSender struct {
	fakeSender
	name    string
	err     error
	lookups int
}

func (s *lookupSender) LookupName(context.Context, string) (string, error) {
	s.lookups++
	return s.name, s.err
}

// blockingSender holds its send until released, like a slow platform.
type blockingSender struct {
	started chan struct{}
	release chan struct{}
	ctxErr  error
}

func (s *blockingSender) Send(ctx context.Context, _ bot.Outgoing, _ int) error {
	close(s.started)
	<-s.release
	s.ctxErr = ctx.Err()
	return nil
}

type recorder struct{ got []bot.Inbound }

func (r *recorder) Handle(_ context.Context, in bot.Inbound) error {
	r.got = append(r.got, in)
	return nil
}

type profiles map[string]*bot.Profile

func (ps profiles) Blocked(_ context.Context, ids []string) (map[string]bool, error) {
	blocked := map[string]bool{}
	for _, id := range ids {
		if p, ok := ps[id]; ok && p.Status == bot.StatusBlocked {
			blocked[id] = true
		}
	}
	return blocked, nil
}

type panickySender struct{}

func (panickySender) Send(context.Context, bot.Outgoing, int) error { panic("bad entry") }

func TestWorkerDeadLettersAnEntryThatPanics(t *testing.T) {
	e := newEnv(t, map[string]outbox.Sender{"line": panickySender{}})
	e.enqueue(out("o1", "line:U1"))
	e.processOnce()
	e.wantDepth(0)
	e.wantDead("o1")
}
