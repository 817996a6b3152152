package service

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// A senior who writes sentences, as LINE's voice input does, registers
// without touching a button after consent.
func TestSeniorRegistersInSentences(t *testing.T) {
	s := bootService(t)
	p := s.newPerson(t, "はなこ")
	p.follow("はなこ")
	p.consent()
	steps := []struct{ say, expect string }{
		{"えーと、山田花子と申します", "area:chofu"},
		{"家は調布のほうです", "skill:list"},
		{"採点と、パソコンの入力作業ができます。運転はできません", "追加しました"},
		{"以上です", "月水金"},
		{"月水金の午前中なら大丈夫です", "limit:2"},
		{"週に2回くらいでお願いします", "confirm:yes"},
		{"はい、それでお願いします", "登録が完了"},
	}
	for _, st := range steps {
		msgs := p.say(st.say)
		if !offers(msgs, st.expect) && !strings.Contains(texts(msgs), st.expect) {
			t.Fatalf("after %q the reply lacks %q: %s", st.say, st.expect, texts(msgs))
		}
	}
	code, prof := s.api(t, "GET", "/api/profiles/line:"+p.id, nil)
	if code != http.StatusOK {
		t.Fatalf("GET profile: %d %v", code, prof)
	}
	if prof["status"] != "active" || prof["name"] != "山田花子" || prof["area"] != "chofu" || prof["weekly_limit"] != float64(2) {
		t.Fatalf("profile = %v", prof)
	}
	skills := fmt.Sprint(prof["skills"])
	if !strings.Contains(skills, "grading") || !strings.Contains(skills, "data_entry") || strings.Contains(skills, "driving") {
		t.Fatalf("skills = %s, want grading and data entry, not driving", skills)
	}
	av := fmt.Sprint(prof["availability"])
	for _, day := range []string{"mon", "wed", "fri"} {
		if !strings.Contains(av, day) {
			t.Fatalf("availability %s lacks %s", av, day)
		}
	}
	if strings.Contains(av, "tue") || !strings.Contains(av, "09:00") || !strings.Contains(av, "12:00") {
		t.Fatalf("availability = %s, want Mon, Wed, Fri 9:00-12:00", av)
	}
}

// One message that answers the area, skills and availability questions
// fills all three, says so, and the bot asks only the weekly limit next.
func TestOneMessageFillsThreeSteps(t *testing.T) {
	s := bootService(t)
	p := s.newPerson(t, "太郎")
	p.follow("太郎")
	p.consent()
	p.say("佐藤太郎です")
	msgs := p.say("世田谷で、平日の午前に採点ができます")
	if !offers(msgs, "limit:2") || !strings.Contains(texts(msgs), "承りました") {
		t.Fatalf("reply does not note the answers and ask the limit: %s", texts(msgs))
	}
	_, prof := s.api(t, "GET", "/api/profiles/line:"+p.id, nil)
	if prof["area"] != "setagaya" || !strings.Contains(fmt.Sprint(prof["skills"]), "grading") ||
		!strings.Contains(fmt.Sprint(prof["availability"]), "fri") {
		t.Fatalf("profile after one message = %v", prof)
	}
}

// A person who asks for a human is handed to the coordinators, who read
// what they wrote and answer through the API; the answer arrives in LINE.
func TestConversationHandedToCoordinator(t *testing.T) {
	s := bootService(t)
	p := s.newPerson(t, "一郎")
	code, body := s.api(t, "POST", "/api/profiles", map[string]any{
		"id": "line:" + p.id, "name": "鈴木一郎", "area": "setagaya", "skills": []string{"grading"},
		"availability": []map[string]string{{"day": "mon", "from": "09:00", "to": "12:00"}}, "weekly_limit": 2,
	})
	if code != http.StatusCreated {
		t.Fatalf("import: %d %v", code, body)
	}
	if msgs := p.say("すみません、担当の方と話したいのですが"); !strings.Contains(texts(msgs), "担当者にお伝えしました") {
		t.Fatalf("handoff not acknowledged: %s", texts(msgs))
	}
	if msgs := p.say("来月から通院が増えそうで心配なんです"); !strings.Contains(texts(msgs), "お伝えしました") {
		t.Fatalf("message during the talk not forwarded: %s", texts(msgs))
	}
	code, list := s.api(t, "GET", "/api/conversations?status=open", nil)
	if code != http.StatusOK || !strings.Contains(fmt.Sprint(list), "通院が増えそう") || !strings.Contains(fmt.Sprint(list), "鈴木一郎") {
		t.Fatalf("open conversations: %d %v", code, list)
	}
	_, notices := s.api(t, "GET", "/api/notices", nil)
	if !strings.Contains(fmt.Sprint(notices), "line:"+p.id) {
		t.Fatalf("coordinators were not told: %v", notices)
	}

	code, body = s.api(t, "POST", "/api/conversations/line:"+p.id+"/messages", map[string]any{"text": "ご連絡ありがとうございます。無理のない範囲で大丈夫ですよ。"})
	if code != http.StatusCreated {
		t.Fatalf("answer: %d %v", code, body)
	}
	if msgs := p.reply(); !strings.Contains(texts(msgs), "無理のない範囲で") || !strings.Contains(texts(msgs), "担当者より") {
		t.Fatalf("the answer did not reach the person: %s", texts(msgs))
	}
	code, _ = s.api(t, "POST", "/api/conversations/line:"+p.id+"/close", nil)
	if code != http.StatusOK {
		t.Fatalf("close: %d", code)
	}
	if msgs := p.reply(); !strings.Contains(texts(msgs), "終了しました") {
		t.Fatalf("the person was not told of the close: %s", texts(msgs))
	}
	_, closed := s.api(t, "GET", "/api/conversations?status=closed", nil)
	if !strings.Contains(fmt.Sprint(closed), "line:"+p.id) {
		t.Fatalf("closed conversations: %v", closed)
	}
	if code, _ := s.api(t, "POST", "/api/conversations/line:"+p.id+"/close", nil); code != http.StatusConflict {
		t.Fatalf("closing again: %d, want 409", code)
	}
	if code, _ := s.api(t, "POST", "/api/conversations/line:Unobody/messages", map[string]any{"text": "こんにちは"}); code != http.StatusNotFound {
		t.Fatalf("message to nobody: %d, want 404", code)
	}
	if code, _ := s.api(t, "POST", "/api/conversations/line:"+p.id+"/messages", map[string]any{"text": "  "}); code != http.StatusUnprocessableEntity {
		t.Fatalf("empty message: %d, want 422", code)
	}

	// Deleting the person removes the conversation with everything else.
	p.say("退会")
	p.tap("delete:yes")
	_, closed = s.api(t, "GET", "/api/conversations?status=closed", nil)
	if strings.Contains(fmt.Sprint(closed), p.id) {
		t.Fatalf("a deleted person's conversation is still listed: %v", closed)
	}
}
