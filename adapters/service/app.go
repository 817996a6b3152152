package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	goredis "github.com/redis/go-redis/v9"

	"tsunagu/adapters/broadcast"
	"tsunagu/adapters/console"
	"tsunagu/adapters/httpapi"
	"tsunagu/adapters/inorder"
	"tsunagu/adapters/line"
	"tsunagu/adapters/metrics"
	"tsunagu/adapters/outbox"
	redisadapter "tsunagu/adapters/redis"
	"tsunagu/adapters/slack"
	"tsunagu/bot"
	"tsunagu/config"
	"tsunagu/matching"
)

// app is one running service: stores, bot, outbox worker and HTTP routes.
type app struct {
	cfg    config.Config
	log    *slog.Logger
	close  func() error
	rdb    goredis.UniversalClient
	mux    *http.ServeMux
	worker *outbox.Worker
	bot    *bot.Bot
	tasks  *bot.TaskService
	// sessions schedules sessions and invites their audience.
	sessions *bot.SessionService
	// clock is what every part reads the time from (useClock).
	clock  *clock
	index  *matching.Live
	runner *broadcast.Runner
	talks  *bot.TalkService
	// broadcasts makes and runs broadcasts; sendNow starts one due at once.
	broadcasts *bot.BroadcastService
	sendNow    *kicker
	// retention drops what RETENTION_DAYS no longer keeps, once a day.
	retention *redisadapter.Retention
	// quota keeps LINE's monthly quota read in the background for new
	// broadcasts; nil when LINE is off.
	quota *line.QuotaCache
	// beforeShutdown, if set, runs when shutdown begins (the playground
	// ends the chat page's long polls with it).
	beforeShutdown func()
}

// gaugeTTL is how long a gauge read from Redis is served before it is read
// again: reading the outbox depth is 2 commands per shard, and scrapes can
// come as often as anyone points a Prometheus at us.
const gaugeTTL = 5 * time.Second

// How many people, and for how long, each replica's bot remembers: the
// people in a conversation now, at a few kilobytes each.
const (
	rememberPeople = 10000
	rememberFor    = 10 * time.Minute
)

// errConfig marks what newApp refuses in the configuration itself (a
// CATALOG_FILE missing or wrong), as against a Redis it cannot reach:
// serve exits 2 for it, as for the other configuration problems.
var errConfig = errors.New("configuration")

// newApp wires the service from its configuration. The caller runs it with
// serveHTTP.
func newApp(ctx context.Context, cfg config.Config, log *slog.Logger) (*app, error) {
	cat, err := loadCatalog(cfg.CatalogFile)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errConfig, err)
	}
	rdb, closeRedis, err := redisadapter.Open(ctx, redisadapter.Options{URL: cfg.RedisURL, ClusterAddrs: cfg.RedisClusterAddrs})
	if err != nil {
		return nil, fmt.Errorf("redis: %w", err)
	}
	store := redisadapter.NewStore(rdb)
	queue := store.Outbox()
	if err := queue.EnsureGroups(ctx); err != nil {
		closeRedis()
		return nil, fmt.Errorf("redis: outbox groups: %w", err)
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := metrics.New(reg, metrics.Cached(func(ctx context.Context) (float64, error) {
		n, err := queue.Depth(ctx)
		return float64(n), err
	}, gaugeTTL, time.Second, time.Now))

	keep := cfg.Retention
	if keep <= 0 {
		keep = config.DefaultRetentionDays * 24 * time.Hour
	}
	retention := redisadapter.NewRetention(rdb, keep, cfg.Location)
	tasks := redisadapter.NewTasks(rdb)
	board := redisadapter.NewNoticeBoard(rdb)
	// The bot remembers the people who wrote lately (see
	// redisadapter.Remembering): a conversation's next message then costs
	// one round trip to Redis, not two. The index follows Redis itself, and
	// makes the bot forget whom another replica deleted.
	remembering := store.Remembering(rememberPeople, rememberFor)
	index := matching.NewLive(remembering.Following(), catalogLabels(cat), cfg.Location, log)

	clk := &clock{now: time.Now}
	index.UseClock(clk.Now)
	worker := &outbox.Worker{
		Now:      clk.Now,
		Queue:    queue,
		Senders:  map[string]outbox.Sender{bot.Platform(bot.CoordinatorID): board},
		Profiles: store,
		Logger:   log,
		OnResult: m.Sent,
		// Zero leaves the worker's default.
		Concurrency: cfg.OutboxConcurrency,
	}
	broadcasts := redisadapter.NewBroadcasts(rdb)
	// The runner sends broadcasts through the platforms' batch senders,
	// added below with the platforms.
	runner := &broadcast.Runner{Store: broadcasts, Senders: map[string]broadcast.BatchSender{}, Logger: log,
		Now: clk.Now, Notify: worker.Notify}
	newID := func() string { return uuid.NewString() }
	taskSvc := &bot.TaskService{Tasks: tasks, Matcher: index, Outbox: queue, People: store, Catalog: cat, Logger: log,
		Now: clk.Now, NewID: newID, Notify: worker.Notify, Location: cfg.Location, Quiet: cfg.QuietHours}
	sessions := redisadapter.NewSessions(rdb)
	sessionSvc := &bot.SessionService{Sessions: sessions, People: store, Catalog: cat, Logger: log,
		Now: clk.Now, NewID: newID, Notify: worker.Notify, Location: cfg.Location, Quiet: cfg.QuietHours}
	b := &bot.Bot{
		Store:    remembering,
		Catalog:  cat,
		Logger:   log,
		Now:      clk.Now,
		NewID:    newID,
		Notify:   worker.Notify,
		Location: cfg.Location,

		Tasks:      taskSvc,
		Sessions:   sessionSvc,
		Broadcasts: broadcasts,
		Traces:     store,
	}
	// A person's events, from the webhooks and from the outbox (offers,
	// reminders, looked-up names), are handled one at a time in this
	// replica, so they do not collide with each other's commits.
	sendNow := newKicker()
	broadcastSvc := &bot.BroadcastService{Store: broadcasts, People: store, Index: index, Catalog: cat, Broadcaster: runner, Due: sendNow.Kick,
		Quiet: cfg.QuietHours, Location: cfg.Location, Now: clk.Now, NewID: newID, Logger: log}
	serial := inorder.New(b)
	worker.Handler = serial
	talks := &bot.TalkService{People: store, Talks: store, Handle: serial.Handle,
		Now: clk.Now, NewID: newID}
	b.Committed = index.Apply

	mount := map[string]http.Handler{}
	var quota *line.QuotaCache
	if cfg.LINEEnabled() {
		hc := platformClient(cfg.OutboxConcurrency)
		sender, err := line.NewSender(cfg.LINEAPIBaseURL, cfg.LINEChannelAccessToken, hc, line.WithSenderLogger(log))
		if err != nil {
			closeRedis()
			return nil, fmt.Errorf("line: %w", err)
		}
		worker.Senders[bot.PlatformLINE] = sender
		runner.Senders[bot.PlatformLINE] = sender
		// The monthly quota is read in the background (serveHTTP runs it),
		// so creating a broadcast seldom waits for LINE.
		quota = line.NewQuotaCache(sender, redisadapter.NewQuotaLedger(rdb), clk.Now, log)
		broadcastSvc.LINE = quota
		onResult := line.WithResultHook(func(r string) { m.Webhook(bot.PlatformLINE, r) })
		mount["POST /line/webhook"] = line.NewWebhook(cfg.LINEChannelSecret, timed{serial, m, bot.PlatformLINE}, log, onResult)
	}
	if cfg.SlackEnabled() {
		hc := platformClient(cfg.OutboxConcurrency)
		sc := slack.NewClient(cfg.SlackAPIURL, cfg.SlackBotToken, hc)
		runner.Senders[bot.PlatformSlack] = sc
		worker.Senders[bot.PlatformSlack] = slack.NewSender(sc, b)
		if cfg.SlackCoordinatorChannel != "" {
			worker.Senders[bot.Platform(bot.CoordinatorID)] = boardToo{board: board, channel: slack.NewNotifier(sc, cfg.SlackCoordinatorChannel, store)}
		}
		wh := slack.NewWebhook(slack.Options{
			SigningSecret: cfg.SlackSigningSecret,
			Channel:       cfg.SlackCoordinatorChannel,
			Handler:       timed{serial, m, bot.PlatformSlack},
			Coordination:  coordination{taskSvc, sessionSvc, broadcastSvc},
			Profiles:      store,
			Outbox:        notifying{queue, worker.Notify},
			Drafts:        redisadapter.NewDrafts(rdb),
			Catalog:       cat,
			Location:      cfg.Location,
			Logger:        log,
			NewID:         b.NewID,
		}, sc)
		for pattern, h := range wh.Routes() {
			mount[pattern] = h
		}
	}
	// The platforms' calls in hand, counted before their signature is
	// checked: the outbox worker yields to many, for two seconds at most
	// (outbox.Worker.room), so calls held open cost a reply two seconds.
	inbound := new(atomic.Int64)
	worker.Inbound = func() int { return int(inbound.Load()) }
	for pattern, h := range mount {
		mount[pattern] = counting(h, inbound)
	}
	// A profile made by a coordinator (the API, the console, an import)
	// joins the match index, and is invited to the upcoming sessions for
	// people like them as one registered in chat is (an entry each: an
	// import of a thousand reads the sessions in the worker, not here).
	profileMade := func(ctx context.Context, id string) {
		index.Changed(ctx, id)
		if err := queue.Enqueue(ctx, bot.BecameActive(id, newID(), clk.Now())); err != nil {
			log.WarnContext(ctx, "newcomer invitations not queued", "profile", id, "err", err)
		}
	}
	// One report service for the API and the console, so both say the same
	// figures.
	reports := &bot.ReportService{Source: reportSource{tasks, sessions}, Folded: retention.Counts,
		Now: clk.Now, Location: cfg.Location}
	mount[console.Prefix] = console.New(console.Options{
		Accounts: redisadapter.NewAccounts(rdb), Catalog: cat, People: store, Tasks: taskSvc, Sessions: sessionSvc,
		Broadcasts: broadcastSvc, Talks: talks, Handle: serial.Handle, ProfileChanged: profileMade,
		NamedOffers: taskSvc, Outcomes: taskSvc, Reports: reports, Imports: store, Plans: store, Notices: board,
		// serve always names a Redis and runs behind HTTPS; the
		// playground never names one (config.ForPlayground).
		SecureCookies: cfg.RedisURL != "" || len(cfg.RedisClusterAddrs) > 0,
		BaseURL:       cfg.PublicURL, Location: cfg.Location, Now: clk.Now, NewID: newID, Logger: log,
	})
	mux := httpapi.New(httpapi.Options{
		AdminToken: cfg.AdminToken,
		Catalog:    cat,
		Profiles:   store,
		Imports:    store,
		Ready:      func(ctx context.Context) error { return rdb.Ping(ctx).Err() },
		Metrics:    metrics.Handler(reg),
		Now:        clk.Now,
		Location:   cfg.Location,
		Logger:     log,
		Mount:      mount,
		Tasks:      taskSvc,
		Outcomes:   taskSvc,

		Reports: reports,

		Sessions:      sessionSvc,
		Broadcasts:    broadcastSvc,
		Conversations: talks,
		Jobs: map[string]httpapi.Job{
			"conversations": func(ctx context.Context) (any, error) {
				n, err := talks.ExpireTalks(ctx)
				return map[string]int{"expired": n}, err
			},
			"retention": func(ctx context.Context) (any, error) { return retention.Run(ctx, clk.Now()) },
			"offers":    func(ctx context.Context) (any, error) { return taskSvc.RunOffers(ctx) },
			"reminders": func(ctx context.Context) (any, error) { return taskSvc.RunDue(ctx) },
			"broadcasts": func(ctx context.Context) (any, error) {
				// A run this replica started at a POST finishes first, so
				// that what the job reports is done.
				sendNow.Settle(ctx, func(ctx context.Context) { _, _ = broadcastSvc.RunBroadcasts(ctx) })
				return broadcastSvc.RunBroadcasts(ctx)
			},
			"invites": func(ctx context.Context) (any, error) {
				n, err := sessionSvc.RunInvites(ctx)
				return map[string]int{"sessions": n}, err
			},
		},
		ProfileChanged: profileMade,
		Notices:        board,
	})
	return &app{cfg: cfg, log: log, close: closeRedis, rdb: rdb, mux: mux, worker: worker, bot: b, tasks: taskSvc, sessions: sessionSvc, clock: clk, runner: runner, talks: talks, broadcasts: broadcastSvc, sendNow: sendNow, index: index, retention: retention, quota: quota}, nil
}

// useClock makes now the clock of every part (bot, services, outbox worker,
// broadcast runner, sweeps); it is called before the service starts.
func (a *app) useClock(now func() time.Time) {
	if now != nil {
		a.clock.now = now
	}
}

// coordination is what the Slack coordinator commands use: each of tasks,
// sessions and broadcasts from its service.
type coordination struct {
	*bot.TaskService
	*bot.SessionService
	*bot.BroadcastService
}

// reportSource reads the records of tasks and sessions for the figures.
type reportSource struct {
	*redisadapter.Tasks
	*redisadapter.Sessions
}

// clock is the service's one clock: every part reads the time through Now,
// so useClock can move them all at once before the service starts.
// platformClient is the HTTP client for one platform's API. Go's default
// transport keeps 2 idle connections per host, but the outbox has up to
// its concurrency of sends in flight to the one host, and the broadcast
// runner and name lookups more: with the default, most sends would open
// (and handshake) a connection of their own and drop it after.
func platformClient(concurrency int) *http.Client {
	if concurrency <= 0 {
		concurrency = outbox.DefaultConcurrency
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = concurrency + 16
	return &http.Client{Timeout: 10 * time.Second, Transport: t}
}

type clock struct{ now func() time.Time }

func (c *clock) Now() time.Time { return c.now() }

// notifying wakes the local outbox worker after queueing, as the bot does
// after a commit, so a Home opened is published at once.
type notifying struct {
	q      *redisadapter.Outbox
	notify func()
}

func (n notifying) Enqueue(ctx context.Context, out bot.Outgoing) error {
	if err := n.q.Enqueue(ctx, out); err != nil {
		return err
	}
	n.notify()
	return nil
}

// counting counts in n the requests h is serving.
func counting(h http.Handler, n *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		defer n.Add(-1)
		h.ServeHTTP(w, r)
	})
}

// timed measures how long the bot takes per event, waiting for the
// person's earlier events included, for the latency histogram.
type timed struct {
	h        inorder.Handler
	m        *metrics.Metrics
	platform string
}

func (t timed) Handle(ctx context.Context, in bot.Inbound) error {
	start := time.Now()
	err := t.h.Handle(ctx, in)
	t.m.ObserveHandler(t.platform, time.Since(start))
	return err
}

// catalogLabels names skills and areas in Japanese in match reasons.
func catalogLabels(cat *bot.Catalog) matching.Labels {
	return matching.LabelFuncs{
		Skill: func(id string) string {
			if s, ok := cat.Skill(id); ok {
				return s.LabelJA
			}
			return id
		},
		Area: func(id string) string {
			if a, ok := cat.Area(id); ok {
				return a.LabelJA
			}
			return id
		},
	}
}

func loadCatalog(path string) (*bot.Catalog, error) {
	file, err := config.DefaultCatalog()
	if path != "" {
		file, err = config.LoadCatalog(path)
	}
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	cat, err := file.Catalog()
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	return cat, nil
}

// serveHTTP runs the HTTP server and the outbox worker until ctx ends, then
// shuts down in order: stop taking webhooks, drain the worker, close Redis.
func (a *app) serveHTTP(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	workerCtx, stopWorker := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := a.worker.Run(workerCtx); err != nil && !errors.Is(err, context.Canceled) {
			a.log.Error("outbox worker stopped", "err", err)
		}
	}()

	// The matching index, LINE's quota and the schedule stop with the
	// worker: they only read (Redis, LINE) and queue work. The index is
	// built once its feed is subscribed (a million people take about 20
	// s), and the server waits for that first try.
	wg.Add(1)
	go func() {
		defer wg.Done()
		a.index.Run(workerCtx, indexRefresh)
	}()
	select {
	case <-a.index.Tried():
	case <-ctx.Done():
	}
	if a.quota != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a.quota.Run(workerCtx, quotaRefresh)
		}()
	}
	sched := a.schedule()
	sched.Start()
	wg.Add(1)
	go func() {
		defer wg.Done()
		// A broadcast posted here starts at once; the sweep stays for
		// crashes and scheduled ones.
		a.sendNow.Run(workerCtx, func(ctx context.Context) {
			if _, err := a.broadcasts.RunBroadcasts(ctx); err != nil {
				a.log.Warn("broadcast run failed", "err", err)
			}
		})
	}()

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
		a.log.Info("shutting down")
		if a.beforeShutdown != nil {
			a.beforeShutdown()
		}
		shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		err = srv.Shutdown(shutCtx)
		cancel()
	}
	<-sched.Stop().Done()
	stopWorker()
	wg.Wait()
	if cerr := a.close(); cerr != nil && err == nil {
		err = cerr
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// newLogger writes JSON logs at LOG_LEVEL (info by default).
func newLogger(env Environment) *slog.Logger {
	var level slog.Level
	if v, ok := env.Lookup("LOG_LEVEL"); ok && v != "" {
		if err := level.UnmarshalText([]byte(v)); err != nil {
			level = slog.LevelInfo
		}
	}
	return slog.New(slog.NewJSONHandler(env.Stderr, &slog.HandlerOptions{Level: level}))
}

// kicker runs a job soon after it is kicked: once for any number of kicks
// that come while it waits, one run at a time.
type kicker struct {
	c  chan struct{}
	mu sync.Mutex // held while a run is going
}

func newKicker() *kicker { return &kicker{c: make(chan struct{}, 1)} }

// Kick asks for a run; it never blocks.
func (k *kicker) Kick() {
	select {
	case k.c <- struct{}{}:
	default:
	}
}

// Run runs job after each kick until ctx ends, each run bounded like a
// sweep.
func (k *kicker) Run(ctx context.Context, job func(ctx context.Context)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-k.c:
			k.mu.Lock()
			jctx, cancel := context.WithTimeout(ctx, sweepTimeout)
			job(jctx)
			cancel()
			k.mu.Unlock()
		}
	}
}

// Settle waits for a run in progress and runs a kick still pending itself,
// so that what was kicked before it is done when it returns.
func (k *kicker) Settle(ctx context.Context, job func(ctx context.Context)) {
	k.mu.Lock()
	defer k.mu.Unlock()
	select {
	case <-k.c:
		job(ctx)
	default:
	}
}

// boardToo sends the coordinators' notices to their Slack channel and
// keeps them on the notice board too, which the console's first page
// lists: a coordinator at a desk sees what the channel saw. The board is
// written first and keeps one notice per ID, so the outbox's retries
// after a failed post add nothing; a retraction is the channel's alone
// (the board's notices leave with the person's deletion).
type boardToo struct {
	board   outbox.Sender
	channel outbox.Sender
}

func (t boardToo) Send(ctx context.Context, out bot.Outgoing, attempt int) error {
	if out.Kind != bot.OutRetract {
		if err := t.board.Send(ctx, out, attempt); err != nil {
			return err
		}
	}
	return t.channel.Send(ctx, out, attempt)
}
