package slack

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"tsunagu/bot"
)

// TestDMRetryAfterA5xxPostsOnce: a broadcast DM answered 502 may have been
// delivered; the retry finds its mark in the conversation and does not
// post again, while a DM that really was lost is posted by its retry.
func TestDMRetryAfterA5xxPostsOnce(t *testing.T) {
	f := &fakeWebAPI{history: map[string][]map[string]any{}, failNext: 1}
	srv := httptest.NewServer(f)
	defer srv.Close()
	n := NewClient(srv.URL+"/", "xoxb", srv.Client())
	ctx := context.Background()

	err := n.DM(ctx, "slack:T1:U1", "お知らせ", "broadcast:B1", 0)
	var se *bot.SendError
	if !errors.As(err, &se) || se.Permanent || se.Status != http.StatusBadGateway {
		t.Fatalf("first DM: %v, want a 502 to retry", err)
	}
	if err := n.DM(ctx, "slack:T1:U1", "お知らせ", "broadcast:B1", 1); err != nil {
		t.Fatal(err)
	}
	if f.posts != 1 {
		t.Fatalf("posted %d times, want once", f.posts)
	}
	if err := n.DM(ctx, "slack:T1:U1", "別のお知らせ", "broadcast:B2", 1); err != nil || f.posts != 2 {
		t.Fatalf("a lost DM: %v, %d posts", err, f.posts)
	}
}

// TestDMFailuresAreClassified: what a broadcast tries again (passing
// trouble) and what fails the recipient at once (a refusal).
func TestDMFailuresAreClassified(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		permanent bool
	}{
		{"server error", http.StatusServiceUnavailable, `oops`, false},
		{"internal_error", http.StatusOK, `{"ok":false,"error":"internal_error"}`, false},
		{"fatal_error", http.StatusOK, `{"ok":false,"error":"fatal_error"}`, false},
		{"ratelimited", http.StatusOK, `{"ok":false,"error":"ratelimited"}`, false},
		{"request_timeout", http.StatusOK, `{"ok":false,"error":"request_timeout"}`, false},
		{"user_not_found", http.StatusOK, `{"ok":false,"error":"user_not_found"}`, true},
		{"channel_not_found", http.StatusOK, `{"ok":false,"error":"channel_not_found"}`, true},
		{"not_in_channel", http.StatusOK, `{"ok":false,"error":"not_in_channel"}`, true},
		{"account_inactive", http.StatusOK, `{"ok":false,"error":"account_inactive"}`, true},
		{"user_disabled", http.StatusOK, `{"ok":false,"error":"user_disabled"}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			err := NewClient(srv.URL+"/", "xoxb", srv.Client()).DM(context.Background(), "slack:T1:U1", "x", "broadcast:B1", 0)
			var se *bot.SendError
			if !errors.As(err, &se) || se.Permanent != tt.permanent {
				t.Fatalf("DM error %v: permanent %v, want %v", err, se != nil && se.Permanent, tt.permanent)
			}
		})
	}
}
