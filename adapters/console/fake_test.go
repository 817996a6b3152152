package console

import (
	"context"
	"fmt"
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
}

func newFakeService() *fakeService {
	return &fakeService{tasks: map[string]*bot.TaskView{}, sessions: map[string]*bot.SessionView{},
		bcs: map[string]*bot.BroadcastView{}, people: map[string]*bot.Profile{}}
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
