package linesim

import "testing"

// TestAddFriendIsAFriendWithoutAFollowEvent: someone the service already
// knew is listed as a friend, and the bot heard nothing of it.
func TestAddFriendIsAFriendWithoutAFollowEvent(t *testing.T) {
	w := newWorld(t)
	u, err := w.sim.AddFriend("Ud3e00000000000000000000000000001", "佐藤 和子")
	if err != nil {
		t.Fatal(err)
	}
	if u.State != stateFollowing || u.DisplayName != "佐藤 和子" {
		t.Errorf("added %+v, want a friend named 佐藤 和子", u)
	}
	if got := w.sim.Users(); len(got) != 1 || got[0] != u {
		t.Errorf("users %+v, want %+v", got, u)
	}
	w.bot.mu.Lock()
	defer w.bot.mu.Unlock()
	if n := len(w.bot.events); n != 0 {
		t.Errorf("the bot got %d webhooks", n)
	}
	if _, err := w.sim.AddFriend("not a user id", ""); err == nil {
		t.Error("a bad user ID was accepted")
	}
}
