package console

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"tsunagu/bot"
)

// fakeService is the rest of the service as the console sees it, in
// memory: tasks, sessions, broadcasts, talks and people.
type fakeService struct {
	mu       sync.Mutex
	n        int
	tasks    map[string]*bot.TaskView
	sessions map[string]*bot.SessionView
	bcs      map[string]*bot.BroadcastView
	people   map[string]*bot.Profile
	talks    []bot.TalkView
	handled  []bot.Inbound
	written  []string
	results  []result
	imported int
	convs    map[string]bot.Conversation // what people said yes to (Plans)
	notices  []bot.Notice                // newest first
}

func (f *fakeService) Notices(_ context.Context, limit int) ([]bot.Notice, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.notices[:min(limit, len(f.notices))]), nil
}

// Load is the person's conversation, as the store's Load gives it.
func (f *fakeService) Load(_ context.Context, id, _ string) (bot.Snapshot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return bot.Snapshot{Profile: f.people[id], Conv: f.convs[id]}, nil
}

func newFakeService() *fakeService {
	return &fakeService{tasks: map[string]*bot.TaskView{}, sessions: map[string]*bot.SessionView{},
		bcs: map[string]*bot.BroadcastView{}, people: map[string]*bot.Profile{},
		convs: map[string]bot.Conversation{}}
}

func (f *fakeService) id(kind string) string {
	f.n++
	return fmt.Sprintf("%s-%d", kind, f.n)
}

func (f *fakeService) CreateTask(_ context.Context, t *bot.Task) (*bot.Task, error) {
	if err := t.Validate(testCatalog, time.Now()); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	t.ID, t.Status = f.id("t"), bot.TaskOpen
	f.tasks[t.ID] = &bot.TaskView{Task: *t}
	return t, nil
}

// CreateSeries makes one task per week up to until, as bot.TaskService
// does, and refuses an until before the first date or too far.
func (f *fakeService) CreateSeries(_ context.Context, t *bot.Task, until time.Time) ([]*bot.Task, error) {
	if err := t.Validate(testCatalog, time.Now()); err != nil {
		return nil, err
	}
	loc := t.Start.Location()
	y, m, d := until.In(loc).Date()
	last := time.Date(y, m, d, 23, 59, 59, 0, loc)
	switch {
	case last.Before(t.Start):
		return nil, bot.FieldErrorf(bot.EUNPROCESSABLE, "repeat.until", "repeat.until is before the first date")
	case last.After(t.Start.AddDate(0, 0, 7*bot.MaxSeriesDates)):
		return nil, bot.FieldErrorf(bot.EUNPROCESSABLE, "repeat.until", "too many dates")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	series := f.id("s")
	var out []*bot.Task
	for i := 0; !t.Start.AddDate(0, 0, 7*i).After(last); i++ {
		d := *t
		d.ID, d.SeriesID, d.Status = fmt.Sprintf("%s%s%d", series, bot.SeriesSep, i+1), series, bot.TaskOpen
		d.Start, d.End = t.Start.AddDate(0, 0, 7*i), t.End.AddDate(0, 0, 7*i)
		f.tasks[d.ID] = &bot.TaskView{Task: d}
		out = append(out, &d)
	}
	return out, nil
}

// ListTasks lists the tasks starting on the dates from..to in Tokyo,
// soonest first, as bot.TaskService does.
func (f *fakeService) ListTasks(_ context.Context, from, to string) ([]*bot.TaskView, error) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	start, err1 := time.ParseInLocation(time.DateOnly, from, tokyo)
	end, err2 := time.ParseInLocation(time.DateOnly, to, tokyo)
	if err1 != nil || err2 != nil {
		return nil, bot.Errorf(bot.EINVALID, "bad dates %q %q", from, to)
	}
	end = end.AddDate(0, 0, 1)
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*bot.TaskView
	for _, v := range f.tasks {
		if !v.Start.Before(start) && v.Start.Before(end) {
			c := *v
			out = append(out, &c)
		}
	}
	slices.SortFunc(out, func(a, b *bot.TaskView) int { return a.Start.Compare(b.Start) })
	return out, nil
}

// addTask is a task made outside the console (the API, Slack, the demo
// world): the console has no owner for it.
func (f *fakeService) addTask(title string, start time.Time) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.id("api")
	f.tasks[id] = &bot.TaskView{Task: bot.Task{ID: id, Title: title, Skills: []string{"grading"}, Area: "setagaya",
		Start: start, End: start.Add(2 * time.Hour), Headcount: 1, Status: bot.TaskOpen}}
	return id
}

func (f *fakeService) FindTask(_ context.Context, id string) (*bot.TaskView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.tasks[id]
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "no task")
	}
	c := *v
	return &c, nil
}

func (f *fakeService) CancelTask(ctx context.Context, id string) (*bot.TaskView, error) {
	f.mu.Lock()
	if v, ok := f.tasks[id]; ok {
		v.Status = bot.TaskCancelled
	}
	f.mu.Unlock()
	return f.FindTask(ctx, id)
}

// EditTask changes the words and headcount like the service, refusing
// fewer places than accepted.
func (f *fakeService) EditTask(_ context.Context, id string, e bot.TaskEdit) (*bot.TaskView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.tasks[id]
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "no task")
	}
	if e.Title != nil && *e.Title == "" {
		return nil, bot.FieldErrorf(bot.EUNPROCESSABLE, "title", "title is required")
	}
	if e.Headcount != nil && *e.Headcount < len(v.Accepted) {
		return nil, bot.FieldErrorf(bot.ECONFLICT, "headcount", "already accepted")
	}
	if e.Title != nil {
		v.Title = *e.Title
	}
	if e.Headcount != nil {
		v.Headcount = *e.Headcount
	}
	return v, nil
}

func (f *fakeService) CreateSession(_ context.Context, s *bot.Session) (*bot.SessionView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s.ID = f.id("s")
	v := &bot.SessionView{Session: *s}
	f.sessions[s.ID] = v
	return v, nil
}

func (f *fakeService) FindSession(_ context.Context, id string) (*bot.SessionView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if v, ok := f.sessions[id]; ok {
		return v, nil
	}
	return nil, bot.Errorf(bot.ENOTFOUND, "no session")
}

func (f *fakeService) Upcoming(_ context.Context, since time.Time) ([]*bot.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*bot.Session
	for _, v := range f.sessions {
		if v.CancelledAt == nil && v.Start.After(since) {
			s := v.Session
			out = append(out, &s)
		}
	}
	return out, nil
}

func (f *fakeService) CancelSession(_ context.Context, id string) (*bot.SessionView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.sessions[id]
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "no session")
	}
	if v.CancelledAt != nil {
		return nil, bot.Errorf(bot.ECONFLICT, "cancelled")
	}
	now := time.Now()
	v.CancelledAt = &now
	return v, nil
}

func (f *fakeService) Recipients(context.Context, bot.Audience) (bot.Recipients, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var r bot.Recipients
	for id := range f.people {
		r.LINE = append(r.LINE, id)
	}
	return r, nil
}

func (f *fakeService) CreateBroadcast(_ context.Context, b *bot.Broadcast) (*bot.BroadcastView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b.ID, b.CreatedAt = f.id("b"), time.Now()
	v := &bot.BroadcastView{Broadcast: *b, Status: bot.BroadcastSending, Total: len(f.people)}
	if b.SendAt.After(time.Now()) {
		v.Status = bot.BroadcastScheduled // as the service: sent at its time
	}
	f.bcs[b.ID] = v
	return v, nil
}

func (f *fakeService) FindBroadcast(_ context.Context, id string) (*bot.BroadcastView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if v, ok := f.bcs[id]; ok {
		return v, nil
	}
	return nil, bot.Errorf(bot.ENOTFOUND, "no broadcast")
}

// CancelBroadcast calls off a scheduled broadcast, as the store does.
func (f *fakeService) CancelBroadcast(_ context.Context, id string) (*bot.BroadcastView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.bcs[id]
	switch {
	case !ok:
		return nil, bot.Errorf(bot.ENOTFOUND, "no broadcast")
	case v.Status != bot.BroadcastScheduled:
		return nil, bot.Errorf(bot.ECONFLICT, "begun")
	}
	v.Status = bot.BroadcastCancelled
	return v, nil
}

func (f *fakeService) FindTalks(_ context.Context, open bool) ([]bot.TalkView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []bot.TalkView
	for _, t := range f.talks {
		if t.Open == open {
			out = append(out, t)
		}
	}
	return out, nil
}

func (f *fakeService) WriteToPerson(_ context.Context, id, text string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.written = append(f.written, id+": "+text)
	return nil
}

func (f *fakeService) CloseTalk(context.Context, string) error { return nil }

func (f *fakeService) CreateProfile(_ context.Context, p *bot.Profile) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.people[p.ID]; ok {
		return bot.Errorf(bot.ECONFLICT, "exists")
	}
	f.people[p.ID] = p
	return nil
}

// ImportProfile stores a new person or updates one, as
// redis.Store.ImportProfile does, and counts the writes.
func (f *fakeService) ImportProfile(_ context.Context, p *bot.Profile, update func(*bot.Profile, *bot.Conversation)) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.imported++
	if stored, ok := f.people[p.ID]; ok {
		update(stored, &bot.Conversation{})
		return false, nil
	}
	f.people[p.ID] = p
	return true, nil
}

func (f *fakeService) FindProfile(_ context.Context, id string) (*bot.Profile, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if p, ok := f.people[id]; ok {
		return p, nil
	}
	return nil, bot.Errorf(bot.ENOTFOUND, "no profile")
}

func (f *fakeService) FindProfiles(_ context.Context, flt bot.ProfileFilter) ([]*bot.Profile, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*bot.Profile
	for _, p := range f.people {
		if flt.Match(p) {
			out = append(out, p)
		}
	}
	return out, nil
}

func (f *fakeService) Handle(_ context.Context, in bot.Inbound) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.handled = append(f.handled, in)
	return nil
}

// result is an outcome the fake was told.
type result struct {
	task, profile string
	status        bot.Completion
	hours         *float64
}

// OfferTo refuses as bot.TaskService does: an unknown task or person, a
// task not open, someone already on it, a person not active.
func (f *fakeService) OfferTo(_ context.Context, taskID, profileID string) (*bot.TaskView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.tasks[taskID]
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "no task")
	}
	p, ok := f.people[profileID]
	if !ok {
		return nil, bot.FieldErrorf(bot.ENOTFOUND, "profile_id", "no profile")
	}
	if v.Status != bot.TaskOpen || slices.Contains(v.Offered, profileID) || slices.Contains(v.Accepted, profileID) {
		return nil, bot.Errorf(bot.ECONFLICT, "already offered or not open")
	}
	if p.Status != bot.StatusActive {
		return nil, bot.FieldErrorf(bot.EUNPROCESSABLE, "profile_id", "%s is %s", profileID, p.Status)
	}
	v.Offered = append(v.Offered, profileID)
	c := *v
	return &c, nil
}

// RecordResult refuses as bot.TaskService does and keeps what it was told.
func (f *fakeService) RecordResult(_ context.Context, taskID, profileID string, status bot.Completion, hours *float64) (*bot.TaskView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.tasks[taskID]
	switch {
	case !ok:
		return nil, bot.Errorf(bot.ENOTFOUND, "no task")
	case status != bot.Completed && status != bot.NotCompleted:
		return nil, bot.FieldErrorf(bot.EUNPROCESSABLE, "status", "bad status")
	case hours != nil && (*hours < 0 || *hours > bot.MaxTaskHours):
		return nil, bot.FieldErrorf(bot.EUNPROCESSABLE, "hours", "bad hours")
	case !slices.Contains(v.Accepted, profileID):
		return nil, bot.FieldErrorf(bot.EUNPROCESSABLE, "profile_id", "not accepted")
	case time.Now().Before(v.Start):
		return nil, bot.Errorf(bot.ECONFLICT, "not started")
	}
	f.results = append(f.results, result{taskID, profileID, status, hours})
	v.Completed = slices.DeleteFunc(v.Completed, func(id string) bool { return id == profileID })
	v.NotCompleted = slices.DeleteFunc(v.NotCompleted, func(id string) bool { return id == profileID })
	if v.Hours == nil {
		v.Hours = map[string]float64{}
	}
	delete(v.Hours, profileID)
	if status == bot.NotCompleted {
		v.NotCompleted = append(v.NotCompleted, profileID)
	} else {
		h := v.Length()
		if hours != nil {
			h = *hours
		}
		v.Completed, v.Hours[profileID] = append(v.Completed, profileID), h
	}
	c := *v
	return &c, nil
}

// EachTaskRecord and EachSessionRecord feed a real bot.ReportService from
// the fake's tasks and sessions.
func (f *fakeService) EachTaskRecord(_ context.Context, fn func(bot.TaskRecord) error) error {
	f.mu.Lock()
	var recs []bot.TaskRecord
	for _, v := range f.tasks {
		r := bot.TaskRecord{Task: v.Task, FilledAt: v.FilledAt, Accepted: v.Accepted, Results: map[string]bot.TaskResult{}}
		for _, id := range v.Completed {
			r.Results[id] = bot.TaskResult{Status: bot.Completed, Hours: v.Hours[id]}
		}
		for _, id := range v.NotCompleted {
			r.Results[id] = bot.TaskResult{Status: bot.NotCompleted}
		}
		recs = append(recs, r)
	}
	f.mu.Unlock()
	for _, r := range recs {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeService) EachSessionRecord(context.Context, func(bot.SessionRecord) error) error {
	return nil
}

// countTasks counts the tasks titled title.
func (f *fakeService) countTasks(title string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, v := range f.tasks {
		if v.Title == title {
			n++
		}
	}
	return n
}
