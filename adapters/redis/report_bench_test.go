package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	"tsunagu/bot"
)

// BenchmarkReportFiscalYear computes the figures of a fiscal year of
// 10,000 people and 50,000 task places (25,000 tasks for two, each offered
// to three, most filled and done) plus 500 sessions, from the records in
// Redis: the embedded one, or the server REDIS_URL names (database 14,
// flushed). The issue asks for under a second on this machine.
func BenchmarkReportFiscalYear(b *testing.B) {
	ctx := context.Background()
	var c goredis.UniversalClient
	if u := os.Getenv("REDIS_URL"); u != "" {
		opt, err := goredis.ParseURL(u)
		if err != nil {
			b.Fatal(err)
		}
		opt.DB = 14
		c = goredis.NewClient(opt)
		if err := c.FlushDB(ctx).Err(); err != nil {
			b.Fatal(err)
		}
	} else {
		c = goredis.NewClient(&goredis.Options{Addr: miniredis.RunT(b).Addr()})
	}
	b.Cleanup(func() { c.Close() })
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		b.Fatal(err)
	}
	const (
		people   = 10_000
		tasks    = 25_000
		sessions = 500
	)
	fy := time.Date(2026, 4, 1, 9, 0, 0, 0, tokyo)
	who := func(i int) string { return fmt.Sprintf("line:U%032x", i%people) }
	for lo := 0; lo < tasks; lo += 1000 {
		_, err := c.Pipelined(ctx, func(p goredis.Pipeliner) error {
			for i := lo; i < min(lo+1000, tasks); i++ {
				id := fmt.Sprintf("T%06d", i)
				start := fy.Add(time.Duration(i) * 20 * time.Minute) // spread over the year
				t := &bot.Task{ID: id, Title: "朝テストの採点", Skills: []string{"grading"}, Area: "setagaya", Start: start,
					End: start.Add(2 * time.Hour), Headcount: 2, Status: bot.TaskFilled, CreatedAt: start.Add(-72 * time.Hour)}
				tj, err := encodeTask(t)
				if err != nil {
					return err
				}
				p.HSet(ctx, taskKey(id), "task", tj, "status", string(t.Status), "acc", 2, "head", 2,
					"start", start.UnixMilli(), "end", t.End.UnixMilli(), "created", t.CreatedAt.UnixMilli(),
					"filled_at", t.CreatedAt.Add(time.Duration(i%300)*time.Minute).UnixMilli())
				p.SAdd(ctx, tasksKey(shardOf(id)), id)
				made := strconv.FormatInt(t.CreatedAt.UnixMilli(), 10)
				a, bb, d := who(3*i), who(3*i+1), who(3*i+2)
				p.HSet(ctx, taskOffersKey(id), a, "accepted", bb, "accepted", d, "declined")
				p.HSet(ctx, taskOfferedAtKey(id), a, made, bb, made, d, made)
				p.ZAdd(ctx, taskAcceptedKey(id), goredis.Z{Score: 1, Member: a}, goredis.Z{Score: 2, Member: bb})
				p.HSet(ctx, taskConfirmKey(id), a, "confirmed", bb, "confirmed")
				p.HSet(ctx, taskResultKey(id), a, "completed:2", bb, "completed:1.5")
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	_, err = c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i := range sessions {
			id := fmt.Sprintf("S%04d", i)
			start := fy.Add(time.Duration(i) * 17 * time.Hour)
			sj, _ := json.Marshal(&bot.Session{ID: id, Title: "放課後企業クラブ", URL: "https://zoom.example/j/1", Start: start, End: start.Add(time.Hour)})
			p.HSet(ctx, sessionKey(id), "session", sj)
			p.SAdd(ctx, sessionsKey(shardOf(id)), id)
			for j := range 20 {
				p.ZAdd(ctx, sessionAttendeesKey(id), goredis.Z{Score: float64(j), Member: who(i*20 + j)})
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	svc := &bot.ReportService{Source: struct {
		*Tasks
		*Sessions
	}{NewTasks(c), NewSessions(c)}, Location: tokyo, Now: func() time.Time { return time.Date(2027, 4, 10, 12, 0, 0, 0, tokyo) }}

	b.ResetTimer()
	for b.Loop() {
		rep, err := svc.Report(ctx, "2026-04-01", "2027-03-31")
		if err != nil {
			b.Fatal(err)
		}
		if rep.Places != 2*tasks || rep.Participations != 2*tasks+20*sessions || rep.People != people {
			b.Fatalf("figures %+v", rep.Figures)
		}
	}
}
