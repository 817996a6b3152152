package slack

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"tsunagu/bot"
)

// validatingCoordination creates nothing: it answers with the domain's
// own validation, as the real service does before it stores anything.
type validatingCoordination struct {
	Coordination
	cat *bot.Catalog
	now time.Time
}

func (c validatingCoordination) CreateTask(_ context.Context, t *bot.Task) (*bot.Task, error) {
	if err := t.Validate(c.cat, c.now); err != nil {
		return nil, err
	}
	return t, nil
}

func (c validatingCoordination) CreateSession(_ context.Context, s *bot.Session) (*bot.SessionView, error) {
	if err := s.Validate(c.cat, c.now); err != nil {
		return nil, err
	}
	return &bot.SessionView{Session: *s}, nil
}

// memoryDrafts remembers claims, so every submission of the test is a
// first one.
type memoryDrafts struct {
	DraftStore
	claimed map[string]bool
}

func (d *memoryDrafts) Claim(_ context.Context, id string, _ time.Duration) (bool, error) {
	first := !d.claimed[id]
	d.claimed[id] = true
	return first, nil
}

func (d *memoryDrafts) Release(_ context.Context, id string) error {
	delete(d.claimed, id)
	return nil
}

// TestServiceErrorsShowInJapaneseUnderTheirBlock: a task or session form
// the Slack form reader accepts but the service refuses shows the refusal
// under the block of the field the error names, in Japanese for the
// coordinator, not the API's English message.
func TestServiceErrorsShowInJapaneseUnderTheirBlock(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, tokyo)
	cat := catalog(t)
	task := func() map[string]slack.BlockAction {
		return map[string]slack.BlockAction{
			blockTitle: text("採点"), blockArea: one("setagaya"), blockSkills: many("grading"),
			blockDate: {SelectedDate: "2026-11-24"}, blockStart: {SelectedTime: "08:00"}, blockEnd: {SelectedTime: "10:00"},
			blockHeadcount: text("2"),
		}
	}
	tests := []struct {
		name     string
		callback string
		change   func(map[string]slack.BlockAction)
		block    string
		want     string // a word of the Japanese message
	}{
		{"title reversed by a direction control", callbackTask,
			func(m map[string]slack.BlockAction) { m[blockTitle] = text("採点\u202e") }, blockTitle, "タイトル"},
		{"description with a paragraph separator", callbackTask,
			func(m map[string]slack.BlockAction) { m[blockDescription] = text("午前\u2029午後") }, blockDescription, "内容"},
		{"organization with a control character", callbackTask,
			func(m map[string]slack.BlockAction) { m[blockOrg] = text("塾\x07") }, blockOrg, "依頼元"},
		{"reward too long", callbackTask,
			func(m map[string]slack.BlockAction) { m[blockReward] = text(strings.Repeat("円", bot.MaxRewardLen+1)) }, blockReward, "謝礼"},
		{"skill no longer in the catalog", callbackTask,
			func(m map[string]slack.BlockAction) { m[blockSkills] = many("grading", "drone") }, blockSkills, "選べない"},
		{"area no longer in the catalog", callbackTask,
			func(m map[string]slack.BlockAction) { m[blockArea] = one("mars") }, blockArea, "地域"},
		{"session URL not http", callbackSession,
			func(m map[string]slack.BlockAction) { m[blockURL] = text("ftp://example.jp/x") }, blockURL, "URL"},
		{"session audience skill unknown", callbackSession,
			func(m map[string]slack.BlockAction) { m[blockAudSkills] = many("drone") }, blockAudSkills, "スキル"},
		{"session audience area unknown", callbackSession,
			func(m map[string]slack.BlockAction) { m[blockAudAreas] = many("mars") }, blockAudAreas, "地域"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wh := NewWebhook(Options{
				Channel:      "C1",
				Coordination: validatingCoordination{cat: cat, now: now},
				Drafts:       &memoryDrafts{claimed: map[string]bool{}},
				Catalog:      cat,
				Location:     tokyo,
				Now:          func() time.Time { return now },
			}, NewClient("http://127.0.0.1:1/", "xoxb", nil))
			// The coordinator channel's members, as if just asked.
			wh.members, wh.fetched = map[string]bool{"U1": true}, now
			m := task()
			tc.change(m)
			v := form(m)
			cb := &slack.InteractionCallback{User: slack.User{ID: "U1"}, Team: slack.Team{ID: "T1"}}
			cb.View.ID, cb.View.CallbackID = "V1", tc.callback
			cb.View.State = &slack.ViewState{Values: v}
			rec := httptest.NewRecorder()
			wh.viewSubmission(rec, httptest.NewRequest("POST", "/slack/interactions", nil), cb)

			var res struct {
				Action string            `json:"response_action"`
				Errors map[string]string `json:"errors"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
				t.Fatalf("answer %s: %v", rec.Body, err)
			}
			if res.Action != "errors" || len(res.Errors) != 1 {
				t.Fatalf("answer %s, want one error under %s", rec.Body, tc.block)
			}
			got, ok := res.Errors[tc.block]
			if !ok {
				t.Fatalf("errors %v, want one under %s", res.Errors, tc.block)
			}
			if !strings.Contains(got, tc.want) || strings.Contains(got, " is ") || strings.Contains(got, " must ") {
				t.Errorf("under %s: %q, want Japanese mentioning %q", tc.block, got, tc.want)
			}
		})
	}
}
