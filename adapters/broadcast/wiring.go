package broadcast

import "tsunagu/bot"

// The wiring in package main still sets Bot.LINE and Bot.Slack rather
// than Bot.Broadcaster: until it sets a Runner, a Bot builds one from those
// fields. The LINE and Slack adapters import this package (their senders
// are BatchSenders), so it is linked in wherever they are.
func init() {
	bot.NewBroadcaster = func(b *bot.Bot) bot.Broadcaster { return FromBot(b) }
}

// FromBot is the Runner of a Bot wired without one: its broadcast store,
// its LINE and Slack senders where they are BatchSenders, its clock, its
// logger and its outbox wake-up.
//
// A stopgap until the wiring sets Bot.Broadcaster.
func FromBot(b *bot.Bot) *Runner {
	r := &Runner{Senders: map[string]BatchSender{}, Logger: b.Logger, Now: b.Now, Notify: b.Notify}
	r.Store, _ = b.Broadcasts.(Store)
	if s, ok := b.LINE.(BatchSender); ok {
		r.Senders[bot.PlatformLINE] = s
	}
	if s, ok := b.Slack.(BatchSender); ok {
		r.Senders[bot.PlatformSlack] = s
	}
	return r
}
