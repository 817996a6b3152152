package bot_test

import (
	"context"
	"io"
	"log/slog"

	"tsunagu/adapters/broadcast"
	"tsunagu/adapters/line"
	"tsunagu/adapters/slack"
	"tsunagu/bot"
)

// The fakes of LINE and Slack plug into the broadcast runner as the real
// adapters do, with their limits.

func (f *fakeLINE) Limits() broadcast.Limits { return new(line.Sender).Limits() }

func (f *fakeLINE) SendBatch(ctx context.Context, to []string, text, key string, _ int) error {
	return f.Multicast(ctx, to, []bot.Message{{Text: text}}, key)
}

// dmSender makes a fake Slack a BatchSender.
type dmSender struct{ dmer }

// dmer is a fake Slack's DM.
type dmer interface {
	DM(ctx context.Context, profileID, text, key string, attempt int) error
}

func (d dmSender) Limits() broadcast.Limits { return new(slack.Client).Limits() }

func (d dmSender) SendBatch(ctx context.Context, to []string, text, key string, attempt int) error {
	return d.DM(ctx, to[0], text, key, attempt)
}

// useRunner gives b a broadcast runner sending through lineFake and
// slackFake (either nil when that platform is off), on b's clock.
func useRunner(b *bot.BroadcastService, store broadcast.Store, lineFake *fakeLINE, slackFake dmer) {
	senders := map[string]broadcast.BatchSender{}
	if lineFake != nil {
		senders[bot.PlatformLINE] = lineFake
	}
	if slackFake != nil {
		senders[bot.PlatformSlack] = dmSender{slackFake}
	}
	b.Broadcaster = &broadcast.Runner{Store: store, Senders: senders, Now: b.Now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
}
