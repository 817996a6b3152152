package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"tsunagu/adapters/httpapi"
	"tsunagu/bot"
)

const token = "s3cret-admin-token"

// now is the fixed clock of every test.
var now = time.Date(2025, 4, 1, 10, 30, 0, 0, time.UTC)

func testCatalog(t *testing.T) *bot.Catalog {
	t.Helper()
	cat, err := bot.NewCatalog(
		[]bot.Skill{
			{ID: "grading", LabelJA: "採点", LabelEN: "Grading", Synonyms: []string{"丸付け", "テスト採点"}},
			{ID: "zoom", LabelJA: "Zoom配信サポート", LabelEN: "Zoom streaming support", Synonyms: []string{"ズーム", "配信"}},
			{ID: "handyman", LabelJA: "営繕・修理", LabelEN: "Handyman", Synonyms: []string{"大工仕事", "修理"}},
		},
		[]bot.Area{
			{ID: "setagaya", LabelJA: "世田谷区", LabelEN: "Setagaya"},
			{ID: "ota", LabelJA: "大田区", LabelEN: "Ota"},
			{ID: bot.AreaRemote, LabelJA: "リモート", LabelEN: "Remote", Synonyms: []string{"オンライン", "在宅"}},
		},
	)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// fixture is the API with a memory store, a fixed clock and captured logs.
type fixture struct {
	h     http.Handler
	store *memStore
	logs  *syncBuffer
}

func newFixture(t *testing.T, change ...func(*httpapi.Options)) *fixture {
	t.Helper()
	f := &fixture{store: newMemStore(), logs: &syncBuffer{}}
	o := httpapi.Options{
		AdminToken: token,
		Catalog:    testCatalog(t),
		Profiles:   f.store,
		Ready:      func(context.Context) error { return nil },
		Now:        func() time.Time { return now },
		Logger:     slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, c := range change {
		c(&o)
	}
	f.h = httpapi.New(o)
	return f
}

// do sends a request with the admin token and checks that the answer is
// JSON, as every answer of the package is.
func (f *fixture) do(t *testing.T, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	return f.send(t, method, path, body, http.Header{"Authorization": {"Bearer " + token}})
}

// send is do with the caller's headers.
func (f *fixture) send(t *testing.T, method, path, body string, h http.Header) *httptest.ResponseRecorder {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	return f.serve(t, httptest.NewRequest(method, path, rd), h)
}

// sendReader is do with a body reader of the caller's choice.
func (f *fixture) sendReader(t *testing.T, method, path string, body io.Reader) *httptest.ResponseRecorder {
	t.Helper()
	return f.serve(t, httptest.NewRequest(method, path, body), http.Header{"Authorization": {"Bearer " + token}})
}

func (f *fixture) serve(t *testing.T, req *http.Request, h http.Header) *httptest.ResponseRecorder {
	t.Helper()
	for k, v := range h {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	if got := rec.Header().Get("Content-Type"); got != "application/json; charset=utf-8" {
		t.Errorf("%s %s: Content-Type = %q", req.Method, req.URL, got)
	}
	return rec
}

// errorOf decodes an error answer, failing unless it has the usual shape.
func errorOf(t *testing.T, rec *httptest.ResponseRecorder) (code, message string) {
	t.Helper()
	var body struct {
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error == nil || body.Error.Code == "" {
		t.Fatalf("not an error body (%v): %s", err, rec.Body)
	}
	return body.Error.Code, body.Error.Message
}

// decode unmarshals a successful answer into v.
func decode(t *testing.T, rec *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %s: %v", rec.Body, err)
	}
}

// syncBuffer is a log sink safe for the race detector.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// records returns the JSON log records with the given message.
func (b *syncBuffer) records(t *testing.T, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

// urlq escapes a query parameter value.
func urlq(s string) string { return url.QueryEscape(s) }
