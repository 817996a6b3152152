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

// batcher sends the scripts of concurrent callers together: what callers
// ask while batchLanes pipelines are in flight waits, and goes in the next
// pipeline with the others. Under load a commit then shares its round
// trip, and the system calls on both ends, with a dozen others; alone it
// goes at once, in a pipeline of one. Its goroutines (the lanes) live only
// while there is something to send.
type batcher struct {
	c goredis.UniversalClient

	mu    sync.Mutex
	queue []*scriptCall
	lanes int
}

type scriptCall struct {
	ctx    context.Context
	script *goredis.Script
	keys   []string
	args   []any
	cmd    *goredis.Cmd
	done   chan struct{}
}

func newBatcher(c goredis.UniversalClient) *batcher { return &batcher{c: c} }

// run runs script as Script.Run does, in the next pipeline. If ctx ends
// first, run returns its error; the script may still run.
func (b *batcher) run(ctx context.Context, script *goredis.Script, keys []string, args ...any) *goredis.Cmd {
	call := &scriptCall{ctx: ctx, script: script, keys: keys, args: args, done: make(chan struct{})}
	b.mu.Lock()
	b.queue = append(b.queue, call)
	if b.lanes < batchLanes {
		b.lanes++
		go b.lane()
	}
	b.mu.Unlock()
	select {
	case <-call.done:
		return call.cmd
	case <-ctx.Done():
		cmd := goredis.NewCmd(ctx)
		cmd.SetErr(ctx.Err())
		return cmd
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

// send runs batch in one pipeline. A script Redis does not hold yet
// (NOSCRIPT: a new or flushed server) is run again on its own, which
// loads it.
func (b *batcher) send(batch []*scriptCall) {
	cmds := make([]*goredis.Cmd, len(batch))
	// The pipeline serves many callers: one's cancelled context must not
	// fail the others. Each caller stops waiting at its own, and a call
	// whose caller stopped waiting before it was sent is not sent.
	_, _ = b.c.Pipelined(context.Background(), func(p goredis.Pipeliner) error {
		for i, c := range batch {
			if err := c.ctx.Err(); err != nil {
				cmds[i] = goredis.NewCmd(c.ctx)
				cmds[i].SetErr(err)
				continue
			}
			cmds[i] = c.script.EvalSha(c.ctx, p, c.keys, c.args...)
		}
		return nil
	})
	for i, c := range batch {
		if err := cmds[i].Err(); err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT") {
			if cerr := c.ctx.Err(); cerr != nil {
				// Its caller has gone: as above, not sent.
				cmds[i].SetErr(cerr)
			} else {
				cmds[i] = c.script.Run(context.WithoutCancel(c.ctx), b.c, c.keys, c.args...)
			}
		}
		c.cmd = cmds[i]
		close(c.done)
	}
}
