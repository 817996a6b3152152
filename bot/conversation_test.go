package bot

import (
	"slices"
	"strings"
	"testing"
	"time"

	"tsunagu/bot/avail"
	"tsunagu/bot/jtext"
)

var testNow = time.Date(2026, 12, 1, 10, 0, 0, 0, time.FixedZone("JST", 9*3600))

func testCatalog(t testing.TB) *Catalog {
	t.Helper()
	cat, err := NewCatalog(
		[]Skill{
			{ID: "grading", LabelJA: "採点", LabelEN: "Grading", Synonyms: []string{"丸つけ", "テスト採点"}},
			{ID: "pc_input", LabelJA: "パソコン入力", LabelEN: "PC data entry", Synonyms: []string{"パソコン", "PC入力"}},
			{ID: "zoom_support", LabelJA: "Zoom配信", LabelEN: "Zoom support", Synonyms: []string{"ズーム"}},
			{ID: "childcare", LabelJA: "保育補助", LabelEN: "Childcare", Synonyms: []string{"保育"}},
		},
		[]Area{
			{ID: "setagaya", LabelJA: "世田谷区", LabelEN: "Setagaya", Synonyms: []string{"せたがや"}},
			{ID: "chofu", LabelJA: "調布市", LabelEN: "Chofu"},
			{ID: AreaRemote, LabelJA: "リモート（オンライン）", LabelEN: "Remote", Synonyms: []string{"オンライン"}},
		},
	)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// chat drives Converse like a person on a phone, keeping the state between
// turns the way the store would.
type chat struct {
	t    *testing.T
	cat  *Catalog
	p    *Profile
	conv Conversation
	last Result
	n    int
}

func newChat(t *testing.T) *chat { return &chat{t: t, cat: testCatalog(t)} }

func (c *chat) send(in Inbound) Result {
	c.t.Helper()
	c.n++
	in.ProfileID = "line:U0001"
	in.ID = "ev" + string(rune('A'+c.n))
	c.last = Converse(c.cat, testNow, c.p, c.conv, in)
	if c.last.Delete {
		c.p, c.conv = nil, Conversation{}
	} else {
		c.p, c.conv = c.last.Profile, c.last.Conv
	}
	return c.last
}

func (c *chat) follow() Result      { return c.send(Inbound{Kind: EventFollow}) }
func (c *chat) say(s string) Result { return c.send(Inbound{Kind: EventText, Text: s}) }
func (c *chat) tap(d string) Result { return c.send(Inbound{Kind: EventPostback, Data: d}) }

// atTheLimitQuestion walks a newcomer through onboarding up to the weekly
// limit, giving week as their free time.
func atTheLimitQuestion(t *testing.T, week string) *chat {
	t.Helper()
	c := newChat(t)
	c.follow()
	c.tap("consent:yes")
	c.say("山田 花子")
	c.say("世田谷")
	c.say("採点、パソコン")
	c.tap("skill:done")
	c.say(week)
	return c
}

// registered walks a newcomer through onboarding to an active profile.
func registered(t *testing.T) *chat {
	t.Helper()
	c := atTheLimitQuestion(t, "平日の午前")
	c.say("2件")
	c.tap("confirm:yes")
	if c.p == nil || c.p.Status != StatusActive {
		t.Fatalf("setup: profile not active: %+v, conv %+v, last %+v", c.p, c.conv, c.last.Messages)
	}
	return c
}

// said flattens every text a result shows the person.
func said(r Result) string {
	var b strings.Builder
	for _, m := range r.Messages {
		b.WriteString(m.Text)
		if m.Card != nil {
			b.WriteString(m.Card.Title + m.Card.Body)
			for _, f := range m.Card.Fields {
				b.WriteString(f.Label + f.Value)
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// buttons lists the postback data of every button and quick reply.
func buttons(r Result) []string {
	var out []string
	for _, m := range r.Messages {
		for _, ch := range m.Choices {
			out = append(out, ch.Data)
		}
		if m.Card != nil {
			for _, ch := range m.Card.Buttons {
				out = append(out, ch.Data)
			}
		}
	}
	return out
}

func hasButton(r Result, data string) bool {
	for _, b := range buttons(r) {
		if b == data {
			return true
		}
	}
	return false
}

func TestOnboardingHappyPath(t *testing.T) {
	c := newChat(t)
	r := c.follow()
	if c.conv.Step != StepConsent || !hasButton(r, "consent:yes") || r.LookupName {
		t.Fatalf("follow: step %q buttons %v lookup %v", c.conv.Step, buttons(r), r.LookupName)
	}
	if c.p.ConsentedAt != nil || c.p.Status != StatusOnboarding {
		t.Fatalf("follow stored consent or wrong status: %+v", c.p)
	}
	r = c.say("はい")
	if c.conv.Step != StepName || c.p.ConsentedAt == nil || !r.LookupName {
		t.Fatalf("consent: step %q consent %v lookup %v", c.conv.Step, c.p.ConsentedAt, r.LookupName)
	}
	// The display name is looked up only now, and offered when it arrives.
	r = c.send(Inbound{Kind: EventProfileInfo, DisplayName: "はなこ"})
	if !hasButton(r, "name:suggested") || !strings.Contains(said(r), "はなこ") {
		t.Fatalf("profile info: buttons %v said %q", buttons(r), said(r))
	}
	c.tap("name:suggested")
	if c.p.Name != "はなこ" || c.conv.Step != StepArea {
		t.Fatalf("name: %q step %q", c.p.Name, c.conv.Step)
	}
	c.tap("area:setagaya")
	c.say("丸つけ・ズーム")
	if got, want := strings.Join(c.p.Skills, ","), "grading,zoom_support"; got != want {
		t.Fatalf("skills = %s, want %s", got, want)
	}
	c.say("次へ")
	r = c.say("月水金 10時〜15時")
	if c.conv.Step != StepLimit || !strings.Contains(said(r), "10:00") {
		t.Fatalf("availability: step %q said %q", c.conv.Step, said(r))
	}
	r = c.say("３件")
	if c.p.WeeklyLimit != 3 || c.conv.Step != StepConfirm || !hasButton(r, "confirm:yes") {
		t.Fatalf("limit: %d step %q buttons %v", c.p.WeeklyLimit, c.conv.Step, buttons(r))
	}
	if s := said(r); !strings.Contains(s, "世田谷区") || !strings.Contains(s, "採点") {
		t.Fatalf("summary does not show the answers: %q", s)
	}
	c.tap("confirm:yes")
	if c.p.Status != StatusActive || c.conv.Step != StepIdle {
		t.Fatalf("confirm: status %q step %q", c.p.Status, c.conv.Step)
	}
	if err := c.p.Validate(c.cat); err != nil {
		t.Fatalf("registered profile invalid: %v", err)
	}
}

// clearField empties the answer to a profile question.
func clearField(p *Profile, s Step) {
	switch s {
	case StepName:
		p.Name = ""
	case StepArea:
		p.Area = ""
	case StepSkills:
		p.Skills = nil
	case StepAvailability:
		p.Availability = avail.Week{}
	case StepLimit:
		p.WeeklyLimit = 0
	}
}

func TestOnboardingSteps(t *testing.T) {
	tests := []struct {
		name     string
		step     Step
		in       Inbound
		wantStep Step
		wantSay  string // substring of what the bot says
		check    func(t *testing.T, p *Profile)
	}{
		{name: "consent by button", step: StepConsent, in: Inbound{Kind: EventPostback, Data: "consent:yes"}, wantStep: StepName},
		{name: "consent by できます", step: StepConsent, in: Inbound{Kind: EventText, Text: "できます"}, wantStep: StepName},
		{name: "consent declined stays", step: StepConsent, in: Inbound{Kind: EventText, Text: "いいえ"}, wantStep: StepConsent, wantSay: "同意いただくまで",
			check: func(t *testing.T, p *Profile) {
				if p.ConsentedAt != nil {
					t.Error("declined consent was recorded")
				}
			}},
		{name: "consent gibberish re-prompts", step: StepConsent, in: Inbound{Kind: EventText, Text: "あいうえお"}, wantStep: StepConsent, wantSay: "同意する"},
		{name: "name typed", step: StepName, in: Inbound{Kind: EventText, Text: "  佐藤 一郎 "}, wantStep: StepArea,
			check: func(t *testing.T, p *Profile) {
				if p.Name != "佐藤 一郎" {
					t.Errorf("name = %q", p.Name)
				}
			}},
		{name: "name too long re-prompts", step: StepName, in: Inbound{Kind: EventText, Text: strings.Repeat("長", 41)}, wantStep: StepName, wantSay: "40文字"},
		{name: "area by label", step: StepArea, in: Inbound{Kind: EventText, Text: "調布市"}, wantStep: StepSkills},
		{name: "area without 区", step: StepArea, in: Inbound{Kind: EventText, Text: "世田谷"}, wantStep: StepSkills},
		{name: "area by hiragana synonym", step: StepArea, in: Inbound{Kind: EventText, Text: "せたがや"}, wantStep: StepSkills},
		{name: "area remote in katakana", step: StepArea, in: Inbound{Kind: EventText, Text: "オンライン"}, wantStep: StepSkills},
		{name: "area unknown re-prompts with buttons", step: StepArea, in: Inbound{Kind: EventText, Text: "大阪"}, wantStep: StepArea, wantSay: "わかりませんでした"},
		{name: "skills need one before next", step: StepSkills, in: Inbound{Kind: EventText, Text: "次へ"}, wantStep: StepSkills, wantSay: "少なくとも"},
		{name: "skills unknown word named", step: StepSkills, in: Inbound{Kind: EventText, Text: "宇宙飛行"}, wantStep: StepSkills, wantSay: "「宇宙飛行」"},
		{name: "skills full-width and katakana", step: StepSkills, in: Inbound{Kind: EventText, Text: "ＰＣ入力　保育"}, wantStep: StepSkills, wantSay: "追加しました",
			check: func(t *testing.T, p *Profile) {
				if strings.Join(p.Skills, ",") != "pc_input,childcare" {
					t.Errorf("skills = %v", p.Skills)
				}
			}},
		{name: "skills list shows every label", step: StepSkills, in: Inbound{Kind: EventText, Text: "一覧"}, wantStep: StepSkills, wantSay: "保育補助"},
		{name: "availability preset", step: StepAvailability, in: Inbound{Kind: EventPostback, Data: "avail:平日の午前"}, wantStep: StepLimit},
		{name: "availability full-width times", step: StepAvailability, in: Inbound{Kind: EventText, Text: "土日 １０時〜１５時"}, wantStep: StepLimit},
		{name: "availability not understood", step: StepAvailability, in: Inbound{Kind: EventText, Text: "気が向いたら"}, wantStep: StepAvailability, wantSay: "わかりませんでした"},
		{name: "limit by button", step: StepLimit, in: Inbound{Kind: EventPostback, Data: "limit:5"}, wantStep: StepConfirm},
		{name: "limit zero refused", step: StepLimit, in: Inbound{Kind: EventText, Text: "0"}, wantStep: StepLimit, wantSay: "1から20"},
		{name: "limit too many refused", step: StepLimit, in: Inbound{Kind: EventText, Text: "100件"}, wantStep: StepLimit, wantSay: "1から20"},
		{name: "sticker gets a kind re-prompt", step: StepArea, in: Inbound{Kind: EventText, Text: ""}, wantStep: StepArea, wantSay: "文字かボタン"},
		{name: "stale button re-prompts", step: StepArea, in: Inbound{Kind: EventPostback, Data: "consent:yes"}, wantStep: StepArea, wantSay: "使えません"},
		{name: "help mid-flow keeps the step", step: StepArea, in: Inbound{Kind: EventText, Text: "ヘルプ"}, wantStep: StepArea, wantSay: "使い方"},
		{name: "menu mid-flow keeps the step", step: StepSkills, in: Inbound{Kind: EventText, Text: "メニュー"}, wantStep: StepSkills, wantSay: "登録の途中"},
		{name: "delete mid-flow asks to confirm", step: StepSkills, in: Inbound{Kind: EventText, Text: "退会"}, wantStep: StepDeleteConfirm, wantSay: "すべて削除"},
		{name: "confirm edit opens the field list", step: StepConfirm, in: Inbound{Kind: EventPostback, Data: "confirm:edit"}, wantStep: StepEditField},
		{name: "confirm by naming a field", step: StepConfirm, in: Inbound{Kind: EventText, Text: "地域"}, wantStep: StepArea},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat := testCatalog(t)
			consented := testNow.Add(-time.Hour)
			p := &Profile{ID: "line:U1", Status: StatusOnboarding, ConsentedAt: &consented,
				Name: "山田", Area: "setagaya", Skills: []string{"grading"}, WeeklyLimit: 2}
			p.Availability.Set(0, 18, 24)
			if tt.step == StepConsent {
				p = &Profile{ID: "line:U1", Status: StatusOnboarding}
			}
			// What onboarding has not reached yet is empty.
			for i := len(onboardingOrder) - 1; onboardingOrder[i] != tt.step && onboardingOrder[i] != StepConsent; i-- {
				clearField(p, onboardingOrder[i])
			}
			clearField(p, tt.step)
			tt.in.ProfileID = p.ID
			r := Converse(cat, testNow, p, Conversation{Step: tt.step}, tt.in)
			if r.Conv.Step != tt.wantStep {
				t.Errorf("step = %q, want %q (said %q)", r.Conv.Step, tt.wantStep, said(r))
			}
			if len(r.Messages) == 0 {
				t.Fatal("no answer at all")
			}
			if tt.wantSay != "" && !strings.Contains(said(r), tt.wantSay) {
				t.Errorf("said %q, want it to contain %q", said(r), tt.wantSay)
			}
			if tt.check != nil {
				tt.check(t, r.Profile)
			}
		})
	}
}

func TestResumeAfterFollowAgain(t *testing.T) {
	c := newChat(t)
	c.follow()
	c.tap("consent:yes")
	c.say("田中")
	r := c.follow()
	if c.conv.Step != StepArea || c.p.Name != "田中" || !hasButton(r, "area:setagaya") {
		t.Fatalf("resume: step %q name %q buttons %v", c.conv.Step, c.p.Name, buttons(r))
	}
}

func TestDeleteDuringOnboardingCanBeCancelled(t *testing.T) {
	c := newChat(t)
	c.follow()
	c.tap("consent:yes")
	c.say("田中")
	c.say("退会")
	r := c.tap("delete:no")
	if c.conv.Step != StepArea || !strings.Contains(said(r), "とりやめ") {
		t.Fatalf("cancel delete: step %q said %q", c.conv.Step, said(r))
	}
	c.say("退会")
	r = c.say("はい")
	if !r.Delete || r.Profile != nil || !strings.Contains(said(r), "削除しました") {
		t.Fatalf("delete: %+v", r)
	}
}

func TestRegisteredCommands(t *testing.T) {
	tests := []struct {
		name       string
		inputs     []string // text, or "tap:<data>"
		wantStatus Status
		wantStep   Step
		wantSay    string
		wantDelete bool
	}{
		{name: "pause", inputs: []string{"休止"}, wantStatus: StatusPaused, wantSay: "休止しました"},
		{name: "pause twice", inputs: []string{"休止", "一時停止"}, wantStatus: StatusPaused, wantSay: "いまは休止中"},
		{name: "resume", inputs: []string{"pause", "再開"}, wantStatus: StatusActive, wantSay: "再開しました"},
		{name: "resume when active", inputs: []string{"resume"}, wantStatus: StatusActive, wantSay: "受け付けています"},
		{name: "profile shows answers", inputs: []string{"プロフィール"}, wantStatus: StatusActive, wantSay: "採点"},
		{name: "profile in English", inputs: []string{"Profile"}, wantStatus: StatusActive, wantSay: "世田谷区"},
		{name: "menu by button", inputs: []string{"tap:cmd:menu"}, wantStatus: StatusActive, wantSay: "メニュー"},
		{name: "edit area", inputs: []string{"変更", "tap:edit:area", "調布"}, wantStatus: StatusActive, wantSay: "調布市"},
		{name: "edit skills starts fresh", inputs: []string{"変更", "できること", "保育", "次へ"}, wantStatus: StatusActive, wantSay: "保育補助"},
		{name: "edit cancelled", inputs: []string{"変更", "やめる"}, wantStatus: StatusActive, wantSay: "変更をやめました"},
		{name: "edit abandoned half-way keeps the old answer", inputs: []string{"変更", "できること", "メニュー"}, wantStatus: StatusActive, wantSay: "メニュー"},
		{name: "cancel word while editing the name is not a name", inputs: []string{"変更", "名前", "やめる"}, wantStatus: StatusActive, wantSay: "変更をやめました"},
		{name: "cancel button while editing skills", inputs: []string{"変更", "できること", "tap:skill:cancel"}, wantStatus: StatusActive, wantSay: "変更をやめました"},
		{name: "polite pause", inputs: []string{"休止します"}, wantStatus: StatusPaused, wantSay: "休止しました"},
		{name: "polite delete asks first", inputs: []string{"退会します"}, wantStatus: StatusActive, wantStep: StepDeleteConfirm, wantSay: "すべて削除"},
		{name: "polite delete confirmed", inputs: []string{"退会したい", "退会します"}, wantDelete: true},
		{name: "free text gets the menu", inputs: []string{"こんにちは"}, wantStatus: StatusActive, wantSay: "メニュー"},
		{name: "delete confirmed", inputs: []string{"退会", "tap:delete:yes"}, wantDelete: true, wantSay: "削除しました"},
		{name: "delete by typing 退会する", inputs: []string{"delete", "退会する"}, wantDelete: true},
		{name: "delete declined", inputs: []string{"退会", "いいえ"}, wantStatus: StatusActive, wantSay: "とりやめ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := registered(t)
			var r Result
			for _, in := range tt.inputs {
				if d, ok := strings.CutPrefix(in, "tap:"); ok {
					r = c.tap(d)
				} else {
					r = c.say(in)
				}
			}
			if r.Delete != tt.wantDelete {
				t.Fatalf("delete = %v, want %v", r.Delete, tt.wantDelete)
			}
			if tt.wantSay != "" && !strings.Contains(said(r), tt.wantSay) {
				t.Errorf("said %q, want it to contain %q", said(r), tt.wantSay)
			}
			if tt.wantDelete {
				return
			}
			if c.p.Status != tt.wantStatus || c.conv.Step != tt.wantStep {
				t.Errorf("status %q step %q, want %q %q", c.p.Status, c.conv.Step, tt.wantStatus, tt.wantStep)
			}
		})
	}
}

func TestUnfollowBlocksAndFollowRestores(t *testing.T) {
	c := registered(t)
	r := c.send(Inbound{Kind: EventUnfollow})
	if c.p.Status != StatusBlocked || len(r.Messages) != 0 {
		t.Fatalf("unfollow: status %q messages %d", c.p.Status, len(r.Messages))
	}
	c.follow()
	if c.p.Status != StatusActive {
		t.Fatalf("refollow: status %q", c.p.Status)
	}
}

func TestUnfollowOfStrangerStoresNothing(t *testing.T) {
	r := Converse(testCatalog(t), testNow, nil, Conversation{}, Inbound{Kind: EventUnfollow, ProfileID: "line:U9"})
	if r.Profile != nil || len(r.Messages) != 0 {
		t.Fatalf("got %+v", r)
	}
}

func TestMessageFromStrangerStartsOnboarding(t *testing.T) {
	r := Converse(testCatalog(t), testNow, nil, Conversation{}, Inbound{Kind: EventText, Text: "こんにちは", ProfileID: "slack:T1:U1", DisplayName: "Taro"})
	// Nothing personal, not even the display name, is kept before consent.
	if r.Profile == nil || r.Conv.Step != StepConsent || r.Conv.SuggestedName != "" || r.LookupName {
		t.Fatalf("got %+v", r)
	}
}

func TestConverseDoesNotMutateInput(t *testing.T) {
	c := registered(t)
	before := *c.p
	skills := append([]string(nil), c.p.Skills...)
	Converse(c.cat, testNow, c.p, Conversation{Step: StepSkills, Editing: true}, Inbound{Kind: EventText, Text: "保育", ProfileID: c.p.ID})
	if c.p.Status != before.Status || strings.Join(c.p.Skills, ",") != strings.Join(skills, ",") {
		t.Fatalf("input profile changed: %+v", c.p)
	}
}

func TestEditsKeepWhatWasThere(t *testing.T) {
	c := registered(t)
	before := strings.Join(c.p.Skills, ",")
	c.say("変更")
	c.say("できること")
	c.say("メニュー")
	if got := strings.Join(c.p.Skills, ","); got != before {
		t.Errorf("skills after an abandoned edit = %q, want %q", got, before)
	}
	c.say("変更")
	c.say("名前")
	c.say("キャンセル")
	if c.p.Name != "山田 花子" {
		t.Errorf("name = %q after cancelling", c.p.Name)
	}
}

func TestBlockAndReturn(t *testing.T) {
	t.Run("paused stays paused", func(t *testing.T) {
		c := registered(t)
		c.say("休止")
		c.send(Inbound{Kind: EventUnfollow})
		c.follow()
		if c.p.Status != StatusPaused {
			t.Fatalf("status %q after refollow, want paused", c.p.Status)
		}
	})
	t.Run("a late message does not undo a block", func(t *testing.T) {
		c := registered(t)
		c.send(Inbound{Kind: EventUnfollow})
		r := c.say("プロフィール")
		if c.p.Status != StatusBlocked || len(r.Messages) != 0 {
			t.Fatalf("status %q, %d messages", c.p.Status, len(r.Messages))
		}
	})
}

func TestImportedPersonFollowingIsWelcomedAsRegistered(t *testing.T) {
	c := registered(t)
	c.conv = Conversation{}
	r := c.follow()
	if !strings.Contains(said(r), "ご登録はお済み") || c.p.Status != StatusActive {
		t.Fatalf("said %q status %q", said(r), c.p.Status)
	}
}

func TestConfirmUnderstandsWhatTheButtonsSay(t *testing.T) {
	for text, want := range map[string]Step{"修正する": StepEditField, "修正します": StepEditField, "登録します": StepIdle,
		"とうろく": StepIdle, "とうろくします": StepIdle} {
		t.Run(text, func(t *testing.T) {
			c := registered(t)
			c.p.Status = StatusOnboarding
			c.conv = Conversation{Step: StepConfirm}
			c.say(text)
			if c.conv.Step != want {
				t.Fatalf("step %q, want %q", c.conv.Step, want)
			}
		})
	}
}

func TestRemovedCatalogSkillIsAskedAgain(t *testing.T) {
	c := registered(t)
	c.p.Status = StatusOnboarding
	c.p.Skills = []string{"retired_skill"}
	c.conv = Conversation{Step: StepConfirm}
	c.tap("confirm:yes")
	if c.conv.Step != StepSkills || c.p.Status != StatusOnboarding {
		t.Fatalf("step %q status %q, want the skills question again", c.conv.Step, c.p.Status)
	}
}

// TestChoosingWhatToChange is the 「どこを変更しますか？」 question as a
// senior answers it: in sentences, which name the field somewhere, and
// never round and round.
func TestChoosingWhatToChange(t *testing.T) {
	handoff := commandAction(cmdHandoff).String()
	t.Run("a request that names the field goes straight to it", func(t *testing.T) {
		for _, text := range []string{"空き時間を直したいです", "空いてる時間を変えたいんですけど", "名前を変更したい"} {
			c := registered(t)
			c.say(text)
			want := StepAvailability
			if strings.Contains(text, "名前") {
				want = StepName
			}
			if c.conv.Step != want || !c.conv.Editing {
				t.Errorf("%q: step %q (editing %v), want %q", text, c.conv.Step, c.conv.Editing, want)
			}
		}
	})
	t.Run("sentences at the question find the field", func(t *testing.T) {
		tests := map[string]Step{
			"時間です": StepAvailability,
			"えーと何曜日に行けるかを変えたいです": StepAvailability,
			"住んでいるところが変わりました":    StepArea,
			"週に何件までかを変えたい":       StepLimit,
			"できることを増やしたいです":      StepSkills,
		}
		for text, want := range tests {
			c := registered(t)
			c.say("変更")
			if c.conv.Step != StepEditField {
				t.Fatalf("変更: step %q", c.conv.Step)
			}
			c.say(text)
			if c.conv.Step != want {
				t.Errorf("%q: step %q, want %q (said %q)", text, c.conv.Step, want, said(c.last))
			}
		}
	})
	t.Run("what names no field is counted, and the second miss offers a person", func(t *testing.T) {
		c := registered(t)
		c.say("変更")
		r := c.say("あのー")
		if c.conv.Step != StepEditField || slices.Contains(buttons(r), handoff) {
			t.Fatalf("first miss: step %q, buttons %v; want the question again without a person yet", c.conv.Step, buttons(r))
		}
		for i := range 4 {
			r = c.say("ええと、その")
			if !slices.Contains(buttons(r), handoff) {
				t.Errorf("miss %d: buttons %v, want 担当者に相談する among them", i+2, buttons(r))
			}
		}
		if c.say("やめる"); c.conv.Step == StepEditField {
			t.Error("やめる does not leave the question")
		}
	})
}

// TestAskingToDeleteWhatIsGoneStoresNothing: someone who has just deleted
// their data and asks again is told there is nothing, and is not
// registered anew by asking.
func TestAskingToDeleteWhatIsGoneStoresNothing(t *testing.T) {
	for _, text := range []string{"データを消してください", "退会", "退会したいです"} {
		c := newChat(t)
		r := c.say(text)
		if r.Profile != nil || !strings.Contains(said(r), ja.NothingToDelete) {
			t.Errorf("%q from someone unknown: profile %+v, said %q", text, r.Profile, said(r))
		}
	}
	c := newChat(t)
	if r := c.say("こんにちは"); r.Profile == nil {
		t.Error("a greeting from someone new does not start registration")
	}
}

// TestChangingTheWeekKeepsTheRest is the free time changed in a sentence
// as a senior says it: a change keeps what it does not mention, a whole
// new week replaces the old one.
func TestChangingTheWeekKeepsTheRest(t *testing.T) {
	const mon, tue, wed, thu, fri = 0, 1, 2, 3, 4
	type hour struct{ day, h int }
	tests := []struct {
		said       string
		free, gone []hour
	}{
		{"水曜日の午前はだめになったので火曜日の午前にしてください",
			[]hour{{mon, 10}, {tue, 10}, {mon, 15}, {wed, 15}, {fri, 15}}, []hour{{wed, 10}, {thu, 10}}},
		{"木曜の午前も空きました",
			[]hour{{mon, 10}, {wed, 10}, {thu, 10}, {fri, 15}}, []hour{{tue, 10}, {fri, 10}}},
		{"火曜と木曜の午前です", // a whole new week
			[]hour{{tue, 10}, {thu, 10}}, []hour{{mon, 10}, {wed, 10}, {fri, 15}}},
	}
	for _, tt := range tests {
		c := registered(t)
		c.say("空き時間を変えたいです")
		c.say("月曜と水曜の午前と、平日の午後2時から4時です")
		if c.conv.Editing || !c.p.Availability.Has(fri, 15*2) {
			t.Fatalf("setup: week %s, editing %v (%s)", c.p.Availability.Japanese(), c.conv.Editing, said(c.last))
		}
		c.say("空き時間を変えたいです")
		c.say(tt.said)
		w := c.p.Availability
		for _, f := range tt.free {
			if !w.Has(f.day, f.h*2) {
				t.Errorf("%q: week %s, want day %d at %d:00 free", tt.said, w.Japanese(), f.day, f.h)
			}
		}
		for _, g := range tt.gone {
			if w.Has(g.day, g.h*2) {
				t.Errorf("%q: week %s, want day %d at %d:00 not free", tt.said, w.Japanese(), g.day, g.h)
			}
		}
	}
}

// TestMoreTimeAtTheLimitQuestion: 「あと平日の午後２時から４時も」 typed
// when asked how many a week adds the time and still asks the count.
func TestMoreTimeAtTheLimitQuestion(t *testing.T) {
	c := atTheLimitQuestion(t, "月曜と水曜の午前中なら大丈夫です")
	if c.conv.Step != StepLimit {
		t.Fatalf("setup: step %q", c.conv.Step)
	}
	c.say("あと平日の午後２時から４時も")
	w := c.p.Availability
	if c.p.WeeklyLimit == 2 || c.conv.Step != StepLimit {
		t.Errorf("limit %d, step %q: the time was read as a count", c.p.WeeklyLimit, c.conv.Step)
	}
	if !w.Has(0, 10*2) || !w.Has(2, 10*2) || !w.Has(4, 15*2) || w.Has(4, 10*2) {
		t.Errorf("week %s, want Monday and Wednesday mornings kept and weekday 14–16 added", w.Japanese())
	}
}

// TestOneDayOffIsNotAPause: 「来週の水曜日はお休みします」 asks before
// stopping every offer; 「しばらくお休みしたいです」 stops them.
func TestOneDayOffIsNotAPause(t *testing.T) {
	c := registered(t)
	r := c.say("来週の水曜日はお休みします")
	if c.p.Status != StatusActive || !strings.Contains(said(r), ja.PauseOneDay) {
		t.Fatalf("one day off: status %q, said %q", c.p.Status, said(r))
	}
	pause := commandAction(cmdPause).String()
	if !slices.Contains(buttons(r), pause) {
		t.Fatalf("buttons %v, want %s", buttons(r), pause)
	}
	if c.tap(pause); c.p.Status != StatusPaused {
		t.Errorf("after 「しばらく止める」 status %q, want paused", c.p.Status)
	}
	c = registered(t)
	if c.say("しばらくお休みしたいです"); c.p.Status != StatusPaused {
		t.Errorf("しばらくお休みしたいです: status %q, want paused", c.p.Status)
	}
	// A time of the month or the year is some days too: 「月末は…」
	// paused her for good, and she missed the offers after it.
	for _, say := range []string{"えーと月末は孫が来るのでお休みしたいです", "年末年始はお休みします", "お盆はお休みさせてください"} {
		c = registered(t)
		if r := c.say(say); c.p.Status != StatusActive || !strings.Contains(said(r), ja.PauseOneDay) {
			t.Errorf("%s: status %q, said %q; want asked first", say, c.p.Status, said(r))
		}
	}
}

func TestNamesDay(t *testing.T) {
	tue := time.Date(2026, 12, 22, 10, 0, 0, 0, time.UTC) // a Tuesday
	day := func(d int) time.Time { return time.Date(2026, 12, d, 9, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		say  string
		day  time.Time
		want bool
	}{
		{"しあさっては病院だと言ったでしょう", day(25), true},
		{"しあさっては病院だと言ったでしょう", day(24), false},
		{"あさっては病院です", day(24), true},
		{"あさっては病院です", day(25), false},
		{"来週の頭は空いてますけど", day(28), true}, // Monday
		{"来週の頭は空いてますけど", day(29), true}, // Tuesday
		{"来週の頭は空いてますけど", day(31), false},
		{"来週の頭は空いてますけど", day(23), false},
		{"月末はお休みしたいです", day(28), true},
		{"月末はお休みしたいです", day(10), false},
		{"年末年始は孫が来ます", day(30), true},
		{"年末年始は孫が来ます", time.Date(2027, 1, 5, 9, 0, 0, 0, time.UTC), true},
		{"年末年始は孫が来ます", time.Date(2027, 1, 15, 9, 0, 0, 0, time.UTC), false},
		{"来月はだめです", time.Date(2027, 1, 15, 9, 0, 0, 0, time.UTC), true},
		{"来月はだめです", day(30), false},
		{"今週は無理そうです", day(25), true}, // Friday of the same week
		{"今週は無理そうです", day(28), false},
		{"来週は全部だめです", day(28), true},
		{"来週は全部だめです", day(25), false},
	} {
		if got := namesDay(jtext.Normalize(tc.say), tc.day, tue); got != tc.want {
			t.Errorf("namesDay(%q, %s) = %v, want %v", tc.say, tc.day.Format("1/2 Mon"), got, tc.want)
		}
	}
}

// TestTheButtonsWordsTypedDoWhatTheButtonsDo: a senior types a button's
// label instead of tapping it.
func TestTheButtonsWordsTypedDoWhatTheButtonsDo(t *testing.T) {
	for _, text := range []string{ja.DeleteNo, "やめる", "いいえ、退会しません"} {
		c := registered(t)
		c.say("退会")
		if r := c.say(text); r.Delete || c.p == nil {
			t.Errorf("%q at the withdrawal question deleted the person", text)
		}
	}
	c := registered(t)
	c.say("来週の水曜日はお休みします")
	if c.say("止めない"); c.p.Status != StatusActive {
		t.Errorf("「止めない」 paused: status %q", c.p.Status)
	}
	c.say("来週の水曜日はお休みします")
	if c.say("しばらく止める"); c.p.Status != StatusPaused {
		t.Errorf("「しばらく止める」 did not pause: status %q", c.p.Status)
	}
}

// TestTheWeekChangedInPassing: free time changed in the chat between
// conversations, not at the question.
func TestTheWeekChangedInPassing(t *testing.T) {
	c := registered(t) // 平日の午前
	r := c.say("土曜の午前も空きました")
	if !c.p.Availability.Has(5, 10*2) || !c.p.Availability.Has(0, 10*2) || !strings.Contains(said(r), "空き時間を変更しました") {
		t.Errorf("土曜の午前も空きました: week %s, said %q", c.p.Availability.Japanese(), said(r))
	}
	c.say("水曜はだめになりました")
	if c.p.Availability.Has(2, 10*2) || !c.p.Availability.Has(1, 10*2) {
		t.Errorf("水曜はだめになりました: week %s", c.p.Availability.Japanese())
	}
	before := c.p.Availability
	c.say("月曜は病院です")
	if c.p.Availability != before {
		t.Errorf("one Monday at the hospital changed the week to %s", c.p.Availability.Japanese())
	}
}

// TestAnsweringTheWithdrawalQuestionInWords: the conversation reads the
// answer as the corpus does.
func TestAnsweringTheWithdrawalQuestionInWords(t *testing.T) {
	for text, wantDeleted := range map[string]bool{
		"もうやめたいです": true, "はい、退会したいです": true, "退会するとどうなりますか？": false,
		"やっぱりやめます": false, "退会しない": false,
	} {
		c := registered(t)
		c.say("退会")
		r := c.say(text)
		if r.Delete != wantDeleted {
			t.Errorf("%q at the withdrawal question: deleted %v, want %v (said %q)", text, r.Delete, wantDeleted, said(r))
		}
		if !wantDeleted && text == "退会するとどうなりますか？" && c.conv.Step != StepDeleteConfirm {
			t.Errorf("%q: step %q, want the question asked again", text, c.conv.Step)
		}
	}
}

// TestOneMondayIsNotEveryMonday: 「来週の月曜も行けます」 is about one day.
func TestOneMondayIsNotEveryMonday(t *testing.T) {
	c := registered(t)
	before := c.p.Availability
	c.say("来週の月曜も行けます")
	if c.p.Availability != before {
		t.Errorf("来週の月曜も行けます changed the week to %s", c.p.Availability.Japanese())
	}
}

// TestStickersAndEmoji: a sticker, a photo or 👍 has nothing to read. Idle,
// it is most often a thank-you, and was answered with an apology and the
// whole menu; at a question, two in a row never offered a person, as two
// answers not understood do.
func TestStickersAndEmoji(t *testing.T) {
	handoff := commandAction(cmdHandoff).String()
	for _, in := range []string{"", "  ", "👍", "🙆‍♀️", "🙏🙏🙏"} {
		c := registered(t)
		r := c.say(in)
		if got := said(r); got != ja.YoureWelcome+"\n" || c.conv.Misses != 0 {
			t.Errorf("idle %q: said %q, misses %d; want thanked back", in, got, c.conv.Misses)
		}
	}
	// With an offer waiting, a 👍 takes nothing: it is thanked and the
	// offer pointed at.
	oc := newOfferClock(t)
	r := Converse(testCatalog(t), oc.now, offerPerson(StatusActive), offers(oc.t1()), textIn("👍"))
	if r.Answer != nil || !strings.Contains(said(r), ja.GreetingPending) {
		t.Errorf("👍 with an offer waiting: answer %+v, said %q", r.Answer, said(r))
	}
	c := newChat(t)
	c.follow()
	c.tap("consent:yes")
	c.say("山田 花子")
	if r := c.say(""); slices.Contains(buttons(r), handoff) || !strings.Contains(said(r), ja.TextOnly) {
		t.Errorf("first sticker at the area question: said %q, buttons %v", said(r), buttons(r))
	}
	if r := c.say("👍"); !slices.Contains(buttons(r), handoff) {
		t.Errorf("second in a row: buttons %v, want a person offered", buttons(r))
	}
}
