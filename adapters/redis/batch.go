package redis

import (
	"context"
	"slices"
	"strings"
	"sync"

	goredis "github.com/redis/go-redis/v9"
)

// How scripts are batched: pipelines in flight at once, and scripts in one.
const (
	batchLanes = 4
	batchMax   = 64
)

// batcher sends the commands of concurrent callers together: what callers
// ask while batchLanes pipelines are in flight waits, and goes in the next
// pipeline with the others. Under load a commit then shares its round
// trip, and the system calls on both ends, with a dozen others; alone it
// goes at once, in a pipeline of one. Its goroutines (the lanes) live only
// while there is something to send.
type batcher struct {
	c goredis.UniversalClient

	mu    sync.Mutex
	queue []*batchCall
	lanes int
}

// batchCall is one caller's commands: queue adds them to the pipeline,
// settle (optional) runs after it on the results, done is closed then.
type batchCall struct {
	ctx    context.Context
	queue  func(p goredis.Pipeliner)
	settle func()
	done   chan struct{}
}

func newBatcher(c goredis.UniversalClient) *batcher { return &batcher{c: c} }

// run runs script as Script.Run does, in the next pipeline. If ctx ends
// first, run returns its error; the script may still run.
func (b *batcher) run(ctx context.Context, script *goredis.Script, keys []string, args ...any) *goredis.Cmd {
	var cmd *goredis.Cmd
	call := &batchCall{ctx: ctx,
		queue: func(p goredis.Pipeliner) { cmd = script.EvalSha(ctx, p, keys, args...) },
		// A script Redis does not hold yet (NOSCRIPT: a new or flushed
		// server) is run again on its own, which loads it.
		settle: func() {
			if err := cmd.Err(); err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT") {
				cmd = script.Run(context.WithoutCancel(ctx), b.c, keys, args...)
			}
		}}
	if err := b.do(call); err != nil {
		// The lane may still write cmd: the caller gets its own.
		failed := goredis.NewCmd(ctx)
		failed.SetErr(err)
		return failed
	}
	return cmd
}

// do sends call's commands in the next pipeline and waits for them. It
// returns the call's context's error if it ends first (before they were
// sent, they are not sent); then the commands must not be read, as the
// lane may still be writing them. Otherwise each holds its own result.
func (b *batcher) do(call *batchCall) error {
	call.done = make(chan struct{})
	b.mu.Lock()
	b.queue = append(b.queue, call)
	if b.lanes < batchLanes {
		b.lanes++
		go b.lane()
	}
	b.mu.Unlock()
	select {
	case <-call.done:
		return call.ctx.Err()
	case <-call.ctx.Done():
		return call.ctx.Err()
	}
}

// lane sends pipelines from the queue until it is empty.
func (b *batcher) lane() {
	for {
		b.mu.Lock()
		if len(b.queue) == 0 {
			b.lanes--
			b.mu.Unlock()
			return
		}
		n := min(len(b.queue), batchMax)
		batch := slices.Clone(b.queue[:n])
		b.queue = slices.Delete(b.queue, 0, n)
		b.mu.Unlock()
		b.send(batch)
	}
}

// send runs batch in one pipeline.
func (b *batcher) send(batch []*batchCall) {
	// The pipeline serves many callers: one's cancelled context must not
	// fail the others. Each caller stops waiting at its own, and a call
	// whose caller stopped waiting before it was sent is not sent.
	sent := make([]bool, len(batch))
	_, _ = b.c.Pipelined(context.Background(), func(p goredis.Pipeliner) error {
		for i, c := range batch {
			if c.ctx.Err() == nil {
				c.queue(p)
				sent[i] = true
			}
		}
		return nil
	})
	for i, c := range batch {
		if sent[i] && c.settle != nil && c.ctx.Err() == nil {
			c.settle()
		}
		close(c.done)
	}
}
