package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"tsunagu/adapters/console"
	"tsunagu/adapters/outbox"
	redisadapter "tsunagu/adapters/redis"
	"tsunagu/bot"
	"tsunagu/bot/avail"
)

// demoSummary is what seedDemo made, for the playground's banner.
type demoSummary struct {
	line, slack, areas  int
	open, past, notDone int
	sessions            int
	took                time.Duration
}

func (s demoSummary) String() string {
	return fmt.Sprintf("%d people (LINE %d, Slack %d) in %d areas, %d open tasks, %d past tasks (%d not done), %d sessions; seeded in %s",
		s.line+s.slack, s.line, s.slack, s.areas, s.open, s.past, s.notDone, s.sessions, s.took.Round(time.Millisecond))
}

// seedDemo fills the playground with the demo world (demo_world_ja.go),
// through the services the product runs on, so its data is what the
// product itself would have made:
//
//   - the people are imported as a coordinator imports them (active, with
//     consent attested) some weeks ago;
//   - the past is replayed on the service's one clock, moved back: tasks
//     are created through the task service and offered by the matcher,
//     the people answer with the buttons' postbacks through the bot (accept,
//     decline, 「行けます」, 「終わりました」/「できませんでした」), offers
//     expire, sweeps run, a coordinator corrects hours; a past session is
//     held with its RSVPs. Everything this sends goes through the outbox
//     to a worker whose senders drop it: the simulators never see the past,
//     and no platform is called before the server listens;
//   - back at now, the coming tasks and the next 放課後企業クラブ session
//     are created and left in the outbox: the service's own worker offers
//     and invites once it runs, so the simulated people find the cards in
//     their chats.
//
// It runs before the service serves anything; now is the real clock, to
// which the service's clock is set back before it returns.
func seedDemo(ctx context.Context, a *app, now func() time.Time) (demoSummary, error) {
	began := time.Now()
	var sum demoSummary
	loc := a.cfg.Location
	if loc == nil {
		loc = time.Local
	}
	present := now()
	today := time.Date(present.Year(), present.Month(), present.Day(), 0, 0, 0, 0, loc)
	// Reports default to the fiscal year (April to March): the past is
	// kept inside it, so that they show it; early in April there is less.
	fyStart := time.Date(present.Year(), time.April, 1, 0, 0, 0, 0, loc)
	if present.Before(fyStart) {
		fyStart = fyStart.AddDate(-1, 0, 0)
	}

	s := &seeder{a: a, ctx: ctx, quiet: &outbox.Worker{
		Queue:    a.worker.Queue,
		Handler:  a.worker.Handler,
		Profiles: a.worker.Profiles,
		Logger:   a.log,
		Consumer: "playground-demo",
		Senders: map[string]outbox.Sender{
			bot.PlatformLINE: dropped{}, bot.PlatformSlack: dropped{}, bot.Platform(bot.CoordinatorID): dropped{},
		},
	}}
	s.quiet.Now = s.now
	a.clock.now = s.now
	defer func() { a.clock.now = now }()

	// The steps of the past, in time order.
	var steps []step
	for _, t := range demoTasks {
		start, end := t.span(today, loc)
		if t.day >= 0 || start.Before(fyStart) {
			continue
		}
		steps = append(steps, s.pastTask(t, start, end)...)
		sum.past++
		if t.notDone > 0 {
			sum.notDone++
		}
	}
	for _, d := range demoSessions {
		start, end := d.span(today, loc)
		if d.day >= 0 || start.Before(fyStart) {
			continue
		}
		steps = append(steps, s.pastSession(d, start, end)...)
		sum.sessions++
	}
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].at.Before(steps[j].at) })

	// The people joined before the first of it, or just now.
	joined := present
	if len(steps) > 0 {
		joined = steps[0].at.Add(-7 * 24 * time.Hour)
	}
	s.at = joined
	areas := map[string]bool{}
	for _, p := range demoPeople {
		if err := s.importPerson(p); err != nil {
			return sum, err
		}
		areas[p.area] = true
		if p.platform == bot.PlatformLINE {
			sum.line++
		} else {
			sum.slack++
		}
	}
	sum.areas = len(areas)

	for _, st := range steps {
		s.at = st.at
		if err := st.do(); err != nil {
			return sum, err
		}
		if err := s.sweep(); err != nil {
			return sum, err
		}
	}
	// Back to now: what fell due in between (the last reminders, the
	// waves of tasks that have started) is settled quietly too.
	s.at = present
	if err := s.sweep(); err != nil {
		return sum, err
	}
	a.clock.now = now

	// The coming days, at the real time, for the real worker to send.
	for _, t := range demoTasks {
		if t.day < 0 {
			continue
		}
		start, end := t.span(today, loc)
		made, err := a.tasks.CreateTask(ctx, t.task(start, end))
		if err == nil {
			err = fileAsDemo(ctx, a, console.KindTask, made.ID, made.Start)
		}
		if err != nil {
			return sum, fmt.Errorf("demo task %s: %w", t.title, err)
		}
		sum.open++
	}
	for _, d := range demoSessions {
		if d.day < 0 {
			continue
		}
		start, end := d.span(today, loc)
		v, err := a.sessions.CreateSession(ctx, d.session(start, end))
		if err == nil {
			err = fileAsDemo(ctx, a, console.KindSession, v.ID, v.Start)
		}
		if err != nil {
			return sum, fmt.Errorf("demo session %s: %w", d.title, err)
		}
		sum.sessions++
	}
	sum.took = time.Since(began)
	return sum, nil
}

// seeder replays the demo's past on its own clock.
type seeder struct {
	a     *app
	ctx   context.Context
	at    time.Time
	quiet *outbox.Worker
	event int
}

func (s *seeder) now() time.Time { return s.at }

// step is something that happens at a time of the past.
type step struct {
	at time.Time
	do func() error
}

// importPerson adds an active person as POST /api/profiles does.
func (s *seeder) importPerson(d demoPerson) error {
	week, err := avail.Parse(d.availability)
	if err != nil {
		return fmt.Errorf("demo person %s: availability %q: %w", d.name, d.availability, err)
	}
	id := demoProfileID(d)
	at := s.at
	p := &bot.Profile{ID: id, Name: d.name, Area: d.area, Skills: d.skills, Availability: week,
		WeeklyLimit: d.weeklyLimit, ConsentedAt: &at, Status: bot.StatusActive, CreatedAt: at, UpdatedAt: at}
	if err := bot.ValidatePlatformID(id); err != nil {
		return fmt.Errorf("demo person %s: %w", d.name, err)
	}
	if err := p.Validate(s.a.tasks.Catalog); err != nil {
		return fmt.Errorf("demo person %s: %w", d.name, err)
	}
	if err := redisadapter.NewStore(s.a.rdb).CreateProfile(s.ctx, p); err != nil {
		return fmt.Errorf("demo person %s: %w", d.name, err)
	}
	s.a.index.Changed(s.ctx, id)
	return nil
}

// demoSlackTeam is the simulated workspace's team (slacksim.TeamID).
const demoSlackTeam = "T0TSUNAGU"

// pastTask is a past task's life: posted two days ahead, answered half an
// hour later, the day-before question answered in the evening, the
// question after it answered, and hours corrected by a coordinator.
func (s *seeder) pastTask(d demoTask, start, end time.Time) []step {
	var id string
	posted := start.Add(-48 * time.Hour)
	posted = time.Date(posted.Year(), posted.Month(), posted.Day(), 10, 0, 0, 0, start.Location())
	evening := time.Date(start.Year(), start.Month(), start.Day()-1, 18, 5, 0, 0, start.Location())
	steps := []step{
		{posted, func() error {
			t, err := s.a.tasks.CreateTask(s.ctx, d.task(start, end))
			if err == nil {
				err = fileAsDemo(s.ctx, s.a, console.KindTask, t.ID, t.Start)
			}
			if err != nil {
				return fmt.Errorf("demo task %s: %w", d.title, err)
			}
			id = t.ID
			return nil
		}},
		{posted.Add(30 * time.Minute), func() error {
			v, err := s.a.tasks.FindTask(s.ctx, id)
			if err != nil {
				return err
			}
			offered := slices.Clone(v.Offered)
			sort.Strings(offered) // the same people answer at every start
			for i, pid := range offered {
				switch {
				case i < d.accept:
					err = s.tap(pid, bot.OfferAccept(id))
				case i < d.accept+d.decline:
					err = s.tap(pid, bot.OfferDecline(id))
				}
				if err != nil {
					return err
				}
			}
			return nil
		}},
		{evening, func() error {
			return s.eachAccepted(id, func(_ int, pid string) error { return s.tap(pid, bot.TaskGoing(id)) })
		}},
		{end.Add(30 * time.Minute), func() error {
			return s.eachAccepted(id, func(i int, pid string) error {
				if i+1 == d.notDone {
					return s.tap(pid, bot.TaskNotDone(id))
				}
				return s.tap(pid, bot.TaskDone(id))
			})
		}},
	}
	if d.correctHours > 0 {
		steps = append(steps, step{end.Add(2 * time.Hour), func() error {
			return s.eachAccepted(id, func(i int, pid string) error {
				if i > 0 {
					return nil
				}
				h := d.correctHours
				_, err := s.a.tasks.RecordResult(s.ctx, id, pid, bot.Completed, &h)
				return err
			})
		}})
	}
	return steps
}

// eachAccepted calls fn for everyone accepted on the task, in ID order.
func (s *seeder) eachAccepted(taskID string, fn func(i int, pid string) error) error {
	v, err := s.a.tasks.FindTask(s.ctx, taskID)
	if err != nil {
		return err
	}
	accepted := slices.Clone(v.Accepted)
	sort.Strings(accepted)
	for i, pid := range accepted {
		if err := fn(i, pid); err != nil {
			return err
		}
	}
	return nil
}

// pastSession is a past session: scheduled five days ahead, answered an
// hour later by the first d.yes of its audience.
func (s *seeder) pastSession(d demoSession, start, end time.Time) []step {
	var id string
	posted := start.Add(-5 * 24 * time.Hour)
	posted = time.Date(posted.Year(), posted.Month(), posted.Day(), 12, 0, 0, 0, start.Location())
	return []step{
		{posted, func() error {
			v, err := s.a.sessions.CreateSession(s.ctx, d.session(start, end))
			if err == nil {
				err = fileAsDemo(s.ctx, s.a, console.KindSession, v.ID, v.Start)
			}
			if err != nil {
				return fmt.Errorf("demo session %s: %w", d.title, err)
			}
			id = v.ID
			return nil
		}},
		{posted.Add(time.Hour), func() error {
			// The side-jobbers answer first: the club is theirs.
			var people []string
			for _, p := range demoPeople {
				people = append(people, demoProfileID(p))
			}
			sort.SliceStable(people, func(i, j int) bool {
				return bot.Platform(people[i]) == bot.PlatformSlack && bot.Platform(people[j]) != bot.PlatformSlack
			})
			for i, pid := range people {
				answer := bot.RSVPNo
				if i < d.yes {
					answer = bot.RSVPYes
				} else if i >= d.yes+2 {
					break
				}
				if err := s.tap(pid, bot.SessionRSVP(answer, id)); err != nil {
					return err
				}
			}
			return nil
		}},
		{end.Add(10 * time.Minute), func() error { return nil }},
	}
}

// fileAsDemo files a demo task or session in the console as made by the
// demo coordinator's organization, as if posted in the console.
func fileAsDemo(ctx context.Context, a *app, kind, id string, at time.Time) error {
	return redisadapter.NewAccounts(a.rdb).RecordMade(ctx, kind, id, demoOrg, at)
}

// demoProfileID is the profile ID of a demo person.
func demoProfileID(d demoPerson) string {
	if d.platform == bot.PlatformSlack {
		return bot.PlatformSlack + ":" + demoSlackTeam + ":" + d.user
	}
	return d.platform + ":" + d.user
}

// tap is the person tapping a button: its postback through the bot, as
// the webhooks hand it over.
func (s *seeder) tap(pid string, a bot.Action) error {
	s.event++
	in := bot.Inbound{ID: "demo-" + strconv.Itoa(s.event), Kind: bot.EventPostback, ProfileID: pid, Data: a.String(), At: s.at}
	if err := s.a.bot.Handle(s.ctx, in); err != nil {
		return fmt.Errorf("demo: %s taps %s: %w", pid, a, err)
	}
	return s.drain()
}

// sweep runs what the schedule runs (waves, due reminders, invitations)
// at the seeder's time, and settles what they queue.
func (s *seeder) sweep() error {
	if _, err := s.a.tasks.RunOffers(s.ctx); err != nil {
		return fmt.Errorf("demo: offers: %w", err)
	}
	if _, err := s.a.tasks.RunDue(s.ctx); err != nil {
		return fmt.Errorf("demo: reminders: %w", err)
	}
	if _, err := s.a.sessions.RunInvites(s.ctx); err != nil {
		return fmt.Errorf("demo: invites: %w", err)
	}
	return s.drain()
}

// drain settles the outbox: events reach the people's conversations, and
// what would be sent is dropped.
func (s *seeder) drain() error {
	for range 1000 {
		n, err := s.quiet.ProcessOnce(s.ctx)
		if err != nil {
			return fmt.Errorf("demo: outbox: %w", err)
		}
		if n == 0 {
			return nil
		}
	}
	return errors.New("demo: the outbox does not drain")
}

// dropped is the seeder's sender: the past is not sent to anyone.
type dropped struct{}

func (dropped) Send(context.Context, bot.Outgoing, int) error { return nil }

// span is the task's start and end, d.day days from today; a weekday task
// that falls on a weekend moves away from today to a weekday.
func (d demoTask) span(today time.Time, loc *time.Location) (time.Time, time.Time) {
	day := today.AddDate(0, 0, d.day)
	for d.weekday && (day.Weekday() == time.Saturday || day.Weekday() == time.Sunday) {
		if d.day < 0 {
			day = day.AddDate(0, 0, -1)
		} else {
			day = day.AddDate(0, 0, 1)
		}
	}
	return at(day, d.start, loc), at(day, d.end, loc)
}

func (d demoTask) task(start, end time.Time) *bot.Task {
	return &bot.Task{Title: d.title, Description: d.desc, Organization: d.org, Skills: d.skills,
		Area: d.area, Remote: d.remote, Start: start, End: end, Headcount: d.headcount, Reward: d.reward}
}

func (d demoSession) span(today time.Time, loc *time.Location) (time.Time, time.Time) {
	day := today.AddDate(0, 0, d.day)
	return at(day, d.start, loc), at(day, d.end, loc)
}

func (d demoSession) session(start, end time.Time) *bot.Session {
	s := &bot.Session{Title: d.title, Description: d.desc, URL: d.url, Start: start, End: end}
	if d.slackOnly {
		s.Audience.Channels = []string{bot.PlatformSlack}
	}
	return s
}

// at is the clock time hh:mm on day's date.
func at(day time.Time, hhmm string, loc *time.Location) time.Time {
	h, m, _ := strings.Cut(hhmm, ":")
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	return time.Date(day.Year(), day.Month(), day.Day(), hh, mm, 0, 0, loc)
}
