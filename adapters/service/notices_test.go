package service

import (
	"context"
	"errors"
	"testing"

	"tsunagu/bot"
)

type recordingSender struct {
	got []string
	err error
}

func (r *recordingSender) Send(_ context.Context, out bot.Outgoing, _ int) error {
	if r.err != nil {
		return r.err
	}
	r.got = append(r.got, out.ID)
	return nil
}

// TestNoticesReachTheBoardToo: with a Slack coordinator channel the
// notices still reach the board the console lists, first; a retraction is
// the channel's alone; a board that fails holds the post back, to be
// retried whole.
func TestNoticesReachTheBoardToo(t *testing.T) {
	board, channel := &recordingSender{}, &recordingSender{}
	tee := boardToo{board: board, channel: channel}
	ctx := context.Background()
	if err := tee.Send(ctx, bot.Outgoing{ID: "n1", To: bot.CoordinatorID}, 0); err != nil {
		t.Fatal(err)
	}
	if err := tee.Send(ctx, bot.Outgoing{ID: "r1", Kind: bot.OutRetract, To: bot.CoordinatorID}, 0); err != nil {
		t.Fatal(err)
	}
	if len(board.got) != 1 || board.got[0] != "n1" || len(channel.got) != 2 {
		t.Errorf("board %v, channel %v", board.got, channel.got)
	}
	board.err = errors.New("redis down")
	if err := tee.Send(ctx, bot.Outgoing{ID: "n2", To: bot.CoordinatorID}, 0); err == nil || len(channel.got) != 2 {
		t.Errorf("a failed board: err %v, channel %v", err, channel.got)
	}
}
