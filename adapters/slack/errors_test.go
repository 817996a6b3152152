package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestWebhookErrorsAnswerLikeTheAPI: the Slack endpoints refuse a request
// with the service's one error shape, {"error":{"code","message"}} with a
// domain code ("unauthorized", not "Unauthorized") and the API's headers.
func TestWebhookErrorsAnswerLikeTheAPI(t *testing.T) {
	const secret = "slack-signing-secret"
	now := time.Now()
	signed := func(body string) http.Header {
		ts := strconv.FormatInt(now.Unix(), 10)
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte("v0:" + ts + ":" + body))
		return http.Header{
			"X-Slack-Request-Timestamp": {ts},
			"X-Slack-Signature":         {"v0=" + hex.EncodeToString(mac.Sum(nil))},
			"Content-Type":              {"application/x-www-form-urlencoded"},
		}
	}
	huge := "payload=" + strings.Repeat("x", MaxBodyBytes)
	tests := []struct {
		name, path, body string
		header           http.Header
		status           int
		code             string
	}{
		{"events unsigned", "/slack/events", `{}`, http.Header{}, 401, "unauthorized"},
		{"interactions unsigned", "/slack/interactions", "payload=%7B%7D", http.Header{}, 401, "unauthorized"},
		{"commands unsigned", "/slack/commands", "command=%2Ftsunagu", http.Header{}, 401, "unauthorized"},
		{"events over 1 MiB", "/slack/events", huge, signed(huge), 413, "too_large"},
		{"events malformed", "/slack/events", `{"type":`, signed(`{"type":`), 400, "invalid"},
		{"interactions malformed payload", "/slack/interactions", "payload=" + url.QueryEscape("{"), signed("payload=" + url.QueryEscape("{")), 400, "invalid"},
	}
	wh := NewWebhook(Options{SigningSecret: secret, Now: func() time.Time { return now }}, NewClient("http://127.0.0.1:1/", "xoxb", nil))
	routes := wh.Routes()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, tc.path, strings.NewReader(tc.body))
			for k, v := range tc.header {
				req.Header[k] = v
			}
			rec := httptest.NewRecorder()
			routes["POST "+tc.path].ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
			var body struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %s: %v", rec.Body, err)
			}
			if body.Error.Code != tc.code || body.Error.Message == "" {
				t.Errorf("error %+v, want code %q and a message", body.Error, tc.code)
			}
		})
	}
}
