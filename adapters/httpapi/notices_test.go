package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"tsunagu/adapters/httpapi"
	"tsunagu/bot"
)

type board struct {
	notices []bot.Notice
	err     error
	limit   int
}

func (b *board) Notices(_ context.Context, limit int) ([]bot.Notice, error) {
	b.limit = limit
	return b.notices, b.err
}

func TestNotices(t *testing.T) {
	b := &board{notices: []bot.Notice{{ID: "n1", Text: "【定員到達】「採点」の参加者が決まりました。", At: now}}}
	f := newFixture(t, func(o *httpapi.Options) { o.Notices = b })
	rec := f.do(t, "GET", "/api/notices", "")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"id":"n1"`) || !strings.Contains(rec.Body.String(), "定員到達") {
		t.Fatalf("GET /api/notices: %d %s", rec.Code, rec.Body)
	}
	if b.limit != 100 {
		t.Errorf("asked the board for %d notices, want the newest 100", b.limit)
	}
	if rec := f.send(t, "GET", "/api/notices", "", http.Header{"Authorization": {"Bearer wrong"}}); rec.Code != http.StatusUnauthorized {
		t.Errorf("without the token: %d", rec.Code)
	}
	b.err = errors.New("redis down")
	if rec := f.do(t, "GET", "/api/notices", ""); rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), `"error"`) {
		t.Errorf("board failing: %d %s", rec.Code, rec.Body)
	}
}

func TestNoNoticesWithoutABoard(t *testing.T) {
	f := newFixture(t)
	if rec := f.do(t, "GET", "/api/notices", ""); rec.Code != http.StatusNotFound {
		t.Errorf("GET /api/notices without a board: %d", rec.Code)
	}
}
