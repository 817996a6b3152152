package bot

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// Postback data of the home screen's buttons, homeAction encoded (constants
// because the Slack adapter compares them). HomeJoin and HomeEdit open a
// form where the platform has one (the Slack adapter intercepts them); the
// bot reads them as starting or editing in the chat.
const (
	HomeJoin   = "home:join"
	HomeEdit   = "home:edit"
	HomeDelete = "home:delete"
)

// How much the home screen lists, to stay within the platform's limits.
const (
	homePending  = 5
	homeUpcoming = 10
)

// Home returns a person's home screen (the Slack App Home): their profile
// with buttons to edit, pause or resume and delete it, the offers and
// invitations awaiting an answer, and what they have said yes to.
func (b *Bot) Home(ctx context.Context, profileID string) ([]Message, error) {
	// The stored state: this replica's memory may be behind another's.
	snap, err := b.loadState(ctx, profileID, "", true)
	if err != nil {
		return nil, fmt.Errorf("home %s: %w", profileID, err)
	}
	return HomeMessages(b.Catalog, b.Now().In(b.loc()), snap.Profile, snap.Conv), nil
}

// HomeMessages is the home screen as a pure function of the person's state.
func HomeMessages(cat *Catalog, now time.Time, p *Profile, c Conversation) []Message {
	t := &turn{cat: cat, now: now, p: p, conv: c}
	if p == nil || p.Status == StatusOnboarding || p.Status == StatusBlocked {
		t.say(Message{Card: &Card{Title: ja.Home.WelcomeTitle, Body: ja.Home.WelcomeBody,
			Buttons: []Choice{{Label: ja.Home.Join, Data: HomeJoin}}}})
		if p != nil && p.Status == StatusOnboarding {
			t.text(ja.Home.Continue)
		}
		return t.out
	}

	card := t.profileCard().Card
	pause := commandAction(cmdPause).button(ja.CmdPause)
	if p.Status == StatusPaused {
		pause = commandAction(cmdResume).button(ja.CmdResume)
	}
	card.Buttons = []Choice{
		{Label: ja.CmdEdit, Data: HomeEdit},
		pause,
		{Label: ja.CmdDelete, Data: HomeDelete, Confirm: ja.Home.DeleteConfirm},
	}
	t.say(Message{Card: card})
	if p.Status == StatusPaused {
		t.text(ja.Home.PausedNote)
	}

	pending, invites := t.pending(), t.pendingInvites()
	if len(pending)+len(invites) > 0 {
		t.text(fmt.Sprintf(ja.Home.Waiting, len(pending)+len(invites)))
		for _, r := range pending[:min(len(pending), homePending)] {
			t.say(t.offerCard(r))
		}
		for _, r := range invites[:min(len(invites), homePending)] {
			t.say(t.inviteCard(r))
		}
	}

	type item struct {
		start time.Time
		msg   Message
	}
	var items []item
	for _, r := range t.upcoming() {
		items = append(items, item{r.Start, t.acceptedCard(r, r.Title, ja.Home.TaskComing)})
	}
	for _, r := range t.conv.Sessions {
		if r.RSVP == RSVPYes && !r.Cancelled && now.Before(r.End) {
			items = append(items, item{r.Start, Message{Card: &Card{Title: r.Title, Body: ja.Home.SessionComing,
				Fields:  t.sessionFields(r),
				Buttons: []Choice{SessionRSVP(RSVPNo, r.SessionID).button(ja.Session.NotJoin)}}}})
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].start.Before(items[j].start) })
	if len(items) > 0 {
		t.text(ja.Home.Upcoming)
		for _, it := range items[:min(len(items), homeUpcoming)] {
			t.say(it.msg)
		}
	}
	if len(pending)+len(invites)+len(items) == 0 {
		t.text(ja.Home.Nothing)
	}
	return t.out
}
