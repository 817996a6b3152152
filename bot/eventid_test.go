package bot

import (
	"testing"
	"time"
)

// Event and entry IDs are dedupe keys of events in flight and of entries
// already queued (reminders are removed by their IDs): each builder is
// compared with the bytes the service wrote before the builders existed.
func TestEventIDsAsBefore(t *testing.T) {
	cases := []struct {
		name, got, want string
	}{
		{"wave offer", offerEventID("T1", "N1"), "offer:T1:N1"},
		{"named offer", namedOfferEventID("T1", "N1"), "named:T1:N1"},
		{"result", resultEventID("T1", "N1"), "result:T1:N1"},
		{"promotion", promotedEventID("T1", "N1"), "promoted:T1:" + Waitlisted + ":N1"},
		{"promotion placeholder", promotedEventID("T1", "N1"), "promoted:T1:{{waitlisted}}:N1"},
		{"task cancelled", taskCancelledEventID("T1", "slack:T9:U1"), "cancelled:T1:slack:T9:U1"},
		{"evening reminder", taskReminderID("T1", remindEvening, "line:U1"), "remind:T1:evening:line:U1"},
		{"soon reminder", taskReminderID("T1", "soon", "line:U1"), "remind:T1:soon:line:U1"},
		{"still short", shortID("T1"), "short:T1"},
		{"filled", filledNoticeID("T1"), "filled:T1"},
		{"forget one task", forgetEventID("ev-7", "T1"), "ev-7:forget:T1"},
		{"invitation", inviteEventID("S1", "line:U1"), "invite:S1:line:U1"},
		{"session reminder", sessionReminderID("S1", 90*time.Minute, "line:U1"), "sremind:S1:1h30m0s:line:U1"},
		{"session reminder a day before", sessionReminderID("S1", 24*time.Hour, "line:U1"), "sremind:S1:24h0m0s:line:U1"},
		{"talk", talkEventID("N1"), "talk:N1"},
		{"broadcast report", reportNoticeID("B1"), "report:B1"},
		{"display name", LookupEventID("O1"), "lookup:O1"},
		{"home screen", HomeOutID("Ev1"), "home:Ev1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		})
	}
}
