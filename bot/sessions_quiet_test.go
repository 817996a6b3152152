package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	redisadapter "tsunagu/adapters/redis"
	"tsunagu/bot"
)

// sessionWorld is a world whose bot schedules sessions on embedded Redis,
// with quiet hours 21:00-08:00.
func sessionWorld(t *testing.T, clock time.Time) (*world, *redisadapter.Sessions) {
	t.Helper()
	w := newWorld(t, clock, "21:00-08:00")
	c := goredis.NewClient(&goredis.Options{Addr: w.addr})
	t.Cleanup(func() { c.Close() })
	sessions := redisadapter.NewSessions(c)
	w.sessions = &bot.SessionService{Sessions: sessions, People: w.store, Catalog: w.b.Catalog, Logger: w.b.Logger,
		Now: w.b.Now, NewID: w.b.NewID, Location: w.b.Location, Quiet: w.tasks.Quiet}
	w.b.Sessions = w.sessions
	return w, sessions
}

// invitationsTo counts the invitations to a session among what the
// outbox delivered to each person.
func invitationsTo(got map[string][]bot.Message, title string) map[string]int {
	n := map[string]int{}
	for to, msgs := range got {
		for _, m := range msgs {
			if strings.Contains(m.Text, title) || (m.Card != nil && strings.Contains(m.Card.Title, title)) {
				n[to]++
			}
		}
	}
	return n
}

// TestSessionInvitationsWaitForTheEndOfQuietHours: an invitation is a push
// like an offer, so one due between 21:00 and 08:00 waits until 08:00 and
// then goes to everyone once; one due in the day goes at once; a session
// that started while its invitations waited is not announced at all.
func TestSessionInvitationsWaitForTheEndOfQuietHours(t *testing.T) {
	loc := tokyo(t)
	at := func(day, hour, minute, sec int) time.Time { return time.Date(2026, 12, day, hour, minute, sec, 0, loc) }
	tests := []struct {
		name    string
		created time.Time
		start   time.Time
		// crashed stores the session without inviting, as a process that
		// died right after storing it leaves it.
		crashed bool
		// sweeps are the times of invitation sweeps, in order; want is how
		// many invitations each person has received after each of them.
		sweeps []time.Time
		want   []int
	}{
		{
			name: "created at 22:00: nothing until 08:00, then once", created: at(1, 22, 0, 0), start: at(2, 19, 0, 0),
			sweeps: []time.Time{at(1, 22, 1, 0), at(2, 3, 0, 0), at(2, 7, 59, 59), at(2, 8, 0, 0), at(2, 8, 1, 0), at(2, 12, 0, 0)},
			want:   []int{0, 0, 0, 1, 1, 1},
		},
		{
			name: "created after midnight, in the same quiet hours", created: at(2, 0, 30, 0), start: at(2, 19, 0, 0),
			sweeps: []time.Time{at(2, 7, 0, 0), at(2, 8, 0, 0), at(2, 8, 1, 0)},
			want:   []int{0, 1, 1},
		},
		{
			name: "created in the day: at once", created: at(1, 10, 0, 0), start: at(1, 19, 0, 0),
			sweeps: []time.Time{at(1, 10, 0, 0), at(1, 10, 1, 0)},
			want:   []int{1, 1},
		},
		{
			name: "left pending by a crash at 20:59, swept in quiet hours", created: at(1, 20, 59, 0), start: at(2, 19, 0, 0), crashed: true,
			sweeps: []time.Time{at(1, 21, 0, 0), at(2, 7, 59, 0), at(2, 8, 0, 0), at(2, 8, 1, 0)},
			want:   []int{0, 0, 1, 1},
		},
		{
			name: "starts before the quiet hours end: never announced", created: at(1, 22, 0, 0), start: at(2, 7, 0, 0),
			sweeps: []time.Time{at(1, 23, 0, 0), at(2, 8, 0, 0), at(2, 9, 0, 0)},
			want:   []int{0, 0, 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, sessions := sessionWorld(t, tt.created)
			people := w.people(3)
			ctx := context.Background()
			s := &bot.Session{Title: "オンライン交流会", URL: "https://zoom.example/j/1", Start: tt.start, End: tt.start.Add(time.Hour)}
			if tt.crashed {
				s.ID, s.CreatedAt, s.Reminders = "S1", tt.created, bot.DefaultSessionReminders
				if err := sessions.CreateSession(ctx, s); err != nil {
					t.Fatal(err)
				}
			} else if _, err := w.sessions.CreateSession(ctx, s); err != nil {
				t.Fatal(err)
			}
			total := map[string]int{}
			add := func() {
				for to, n := range invitationsTo(w.deliver(), s.Title) {
					total[to] += n
				}
			}
			add()
			for i, sweep := range tt.sweeps {
				w.clock = sweep
				if _, err := w.sessions.RunInvites(ctx); err != nil {
					t.Fatal(err)
				}
				add()
				for _, p := range people {
					if total[p] != tt.want[i] {
						t.Fatalf("after the sweep at %s, %s has %d invitations, want %d", sweep.Format("01-02 15:04:05"), p, total[p], tt.want[i])
					}
				}
			}
			if pending, err := sessions.PendingInvites(ctx, 10); err != nil || len(pending) != 0 {
				t.Errorf("still pending after the last sweep: %v %v", pending, err)
			}
		})
	}
}
