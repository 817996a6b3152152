package matching

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"tsunagu/bot"
)

// lister adds FindProfile to source, for the broadcast service that reads
// every profile: the rule the index must agree with.
type lister struct{ source }

func (l lister) FindProfile(_ context.Context, id string) (*bot.Profile, error) {
	return l.people[id], nil
}

// audiencePeople has every case an audience tells apart: each status, both
// platforms, areas (remote and none among them), skills or none.
func audiencePeople() map[string]*bot.Profile {
	out := map[string]*bot.Profile{}
	add := func(id string, st bot.Status, area string, skills ...string) {
		out[id] = &bot.Profile{ID: id, Status: st, Area: area, Skills: skills}
	}
	add("line:Uhanako", bot.StatusActive, "setagaya", "scoring", "english")
	add("line:Utaro", bot.StatusActive, "ota", "english")
	add("line:Uremote", bot.StatusActive, bot.AreaRemote, "scoring")
	add("line:Unoskill", bot.StatusActive, "setagaya")
	add("line:Unoarea", bot.StatusActive, "", "scoring")
	add("line:Ugone", bot.StatusBlocked, "setagaya", "scoring")
	add("line:Ugone2", bot.StatusBlocked, "ota", "english")
	add("line:Upaused", bot.StatusPaused, "setagaya", "scoring")
	add("line:Unew", bot.StatusOnboarding, "setagaya", "scoring")
	add("slack:T1:Uken", bot.StatusActive, "setagaya", "scoring")
	add("slack:T1:Umai", bot.StatusActive, "ota", "cooking")
	add("slack:T1:Ugone", bot.StatusBlocked, "setagaya", "cooking")
	add("slack:T1:Upaused", bot.StatusPaused, "ota", "english")
	add("odd", bot.StatusActive, "setagaya", "scoring") // no platform prefix
	// Enough more to fill several words and chunks of two areas.
	for i := range 3000 {
		st := []bot.Status{bot.StatusActive, bot.StatusActive, bot.StatusBlocked, bot.StatusPaused, bot.StatusOnboarding}[i%5]
		id := fmt.Sprintf("line:U%05d", i)
		if i%3 == 0 {
			id = fmt.Sprintf("slack:T2:U%05d", i)
		}
		add(id, st, []string{"setagaya", "ota", "meguro"}[i%3], []string{"scoring", "english", "cooking", "piano"}[i%4:i%4+1]...)
	}
	return out
}

func TestAudienceFromTheIndexIsTheScan(t *testing.T) {
	ctx := context.Background()
	src := source{people: audiencePeople()}
	l := NewLive(src, nil, tokyo, nil)
	if _, ok := l.Audience(bot.Audience{}); ok {
		t.Fatal("an index never built answered")
	}
	if err := l.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	scan := &bot.BroadcastService{People: lister{src}}
	for _, tc := range []struct {
		name string
		aud  bot.Audience
	}{
		{"everyone", bot.Audience{}},
		{"LINE only", bot.Audience{Channels: []string{bot.PlatformLINE}}},
		{"Slack only", bot.Audience{Channels: []string{bot.PlatformSlack}}},
		{"both channels", bot.Audience{Channels: []string{bot.PlatformSlack, bot.PlatformLINE}}},
		{"one area", bot.Audience{Areas: []string{"setagaya"}}},
		{"two areas, one repeated", bot.Audience{Areas: []string{"ota", "setagaya", "ota"}}},
		{"remote as an area", bot.Audience{Areas: []string{bot.AreaRemote}}},
		{"an area nobody is in", bot.Audience{Areas: []string{"nerima"}}},
		{"one skill", bot.Audience{Skills: []string{"scoring"}}},
		{"any of two skills", bot.Audience{Skills: []string{"english", "cooking"}}},
		{"a skill nobody has", bot.Audience{Skills: []string{"juggling"}}},
		{"a known and an unknown skill", bot.Audience{Skills: []string{"juggling", "piano"}}},
		{"area and skill", bot.Audience{Areas: []string{"setagaya"}, Skills: []string{"scoring"}}},
		{"area, skill and channel", bot.Audience{Channels: []string{bot.PlatformSlack}, Areas: []string{"ota"}, Skills: []string{"cooking", "english"}}},
		{"explicit people of any area, blocked, paused, unknown and repeated among them", bot.Audience{ProfileIDs: []string{
			"line:Uremote", "line:Unoarea", "line:Ugone", "line:Upaused", "line:Unew", "slack:T1:Umai", "line:Unobody", "line:Uremote", "odd"}}},
		{"explicit people in an area", bot.Audience{Areas: []string{"setagaya"}, ProfileIDs: []string{"line:Uhanako", "line:Utaro", "line:Ugone", "slack:T1:Ugone"}}},
		{"explicit people with a skill and a channel", bot.Audience{Channels: []string{bot.PlatformLINE}, Skills: []string{"english"},
			ProfileIDs: []string{"line:Uhanako", "line:Utaro", "line:Ugone2", "line:Uremote", "slack:T1:Upaused", "line:U00001"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := scan.Recipients(ctx, tc.aud)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := l.Audience(tc.aud)
			if !ok {
				t.Fatal("the built index did not answer")
			}
			if !slices.Equal(got.LINE, want.LINE) || !slices.Equal(got.Slack, want.Slack) || got.Skipped != want.Skipped {
				t.Fatalf("index: %d LINE %d Slack %d skipped, scan: %d LINE %d Slack %d skipped\nindex LINE %v\nscan LINE  %v",
					len(got.LINE), len(got.Slack), got.Skipped, len(want.LINE), len(want.Slack), want.Skipped, head(got.LINE), head(want.LINE))
			}
		})
	}

	// A change applied after the rebuild counts: Hanako blocks the bot, Taro moves.
	l.Apply("line:Uhanako", &bot.Profile{ID: "line:Uhanako", Status: bot.StatusBlocked, Area: "setagaya", Skills: []string{"scoring"}}, bot.Conversation{})
	l.Apply("line:Utaro", &bot.Profile{ID: "line:Utaro", Status: bot.StatusActive, Area: "setagaya", Skills: []string{"scoring"}}, bot.Conversation{})
	got, _ := l.Audience(bot.Audience{ProfileIDs: []string{"line:Uhanako", "line:Utaro"}, Areas: []string{"setagaya"}})
	if !slices.Equal(got.LINE, []string{"line:Utaro"}) || got.Skipped != 1 {
		t.Fatalf("after the changes: %+v, want Taro reached and Hanako skipped", got)
	}
}

func head(s []string) []string { return s[:min(len(s), 8)] }

// BenchmarkAudience1M finds an announcement's recipients among a million
// people: one area and one skill, as a coordinator narrows one down, and
// everyone, as /tsunagu announce counts.
func BenchmarkAudience1M(b *testing.B) {
	ix := sharedIndex(1_000_000)
	for _, bc := range []struct {
		name string
		aud  bot.Audience
	}{
		{"area_and_skill", bot.Audience{Areas: []string{benchAreaIDs[3]}, Skills: []string{benchSkillIDs[5]}}},
		{"everyone", bot.Audience{}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var r bot.Recipients
			for b.Loop() {
				r = ix.Audience(bc.aud)
			}
			b.ReportMetric(float64(len(r.LINE)+len(r.Slack)), "recipients")
		})
	}
}
