package line

import (
	"bytes"
	"net/http"
	"testing"
)

// TestWebhookErrorsAnswerLikeTheAPI: the LINE webhook refuses with the
// API's one error writer, so its answers carry the API's headers too.
func TestWebhookErrorsAnswerLikeTheAPI(t *testing.T) {
	valid := body(event("01HW1", "follow", user1, `,"replyToken":"rt1"`))
	failing := body(event("boom", "follow", user1, `,"replyToken":"rt1"`))
	huge := append(append([]byte(`{"events":[],"pad":"`), bytes.Repeat([]byte("x"), MaxBodyBytes)...), `"}`...)
	tests := []struct {
		name   string
		body   []byte
		sig    string
		status int
	}{
		{"wrong signature", valid, sign("another-secret", valid), http.StatusUnauthorized},
		{"body over 1 MiB", huge, "", http.StatusRequestEntityTooLarge},
		{"malformed JSON", []byte(`{"events":[`), sign(testSecret, []byte(`{"events":[`)), http.StatusBadRequest},
		{"the bot fails", failing, sign(testSecret, failing), http.StatusInternalServerError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec, _ := post(t, &recorder{failOn: "boom"}, tc.body, tc.sig)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
		})
	}
}
