package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"tsunagu/bot"
)

// requestIDHeader carries the request ID in and out: a proxy's ID is
// kept, so that one request has one ID in every log.
const requestIDHeader = "X-Request-Id"

type loggerKey struct{}

// loggerFrom returns the request's logger, which carries its request ID.
func loggerFrom(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.New(slog.DiscardHandler)
}

// RequestID returns the ID observe gave the request, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

type requestIDKey struct{}

// observe gives a request its ID and logger, recovers a panic into a JSON
// 500 and logs one line per request: method, route pattern, status,
// duration and ID. Paths and bodies are not logged, since paths carry
// profile IDs and bodies personal data.
func (s *server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Latency is measured on the real clock; s.now is for domain times.
		start := time.Now()
		id := requestID(r.Header.Get(requestIDHeader))
		log := s.log.With("request_id", id)
		ctx := context.WithValue(context.WithValue(r.Context(), requestIDKey{}, id), loggerKey{}, log)
		r = r.WithContext(ctx)
		w.Header().Set(requestIDHeader, id)
		rec := &statusRecorder{ResponseWriter: w}

		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic serving request", "pattern", r.Pattern, "panic", v, "stack", string(debug.Stack()))
				if !rec.wrote {
					WriteError(rec, r, errors.New("panic"))
				}
			}
			// r.Pattern is read after serving: an inner mux (the API's) sets
			// the more precise pattern on this same request.
			level := slog.LevelInfo
			switch {
			case rec.status() >= 500:
				level = slog.LevelError
			case r.Pattern == "GET /healthz" || r.Pattern == "GET /readyz" || r.Pattern == "GET /metrics":
				level = slog.LevelDebug // probes every few seconds would drown the log
			}
			log.Log(r.Context(), level, "http request",
				"method", r.Method,
				"pattern", r.Pattern,
				"status", rec.status(),
				"duration", time.Since(start),
			)
		}()
		next.ServeHTTP(rec, r)
	})
}

// requestID keeps a sane incoming ID or makes a new one.
func requestID(in string) string {
	if len(in) > 0 && len(in) <= 64 {
		ok := true
		for _, c := range []byte(in) {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
				ok = false
				break
			}
		}
		if ok {
			return in
		}
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// statusRecorder remembers the status a handler answered with.
type statusRecorder struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (w *statusRecorder) WriteHeader(code int) {
	if !w.wrote {
		w.code, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if !w.wrote {
		w.code, w.wrote = http.StatusOK, true
	}
	return w.ResponseWriter.Write(b)
}

// Flush lets streaming handlers (promhttp compresses and flushes) work
// through the recorder.
func (w *statusRecorder) Flush() {
	if !w.wrote {
		w.code, w.wrote = http.StatusOK, true
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusRecorder) status() int {
	if !w.wrote {
		return http.StatusOK
	}
	return w.code
}

// routeJSON serves a mux, answering requests it has no route for with JSON
// 404 and 405 errors instead of the mux's plain-text ones.
func routeJSON(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, pattern := mux.Handler(r); pattern == "" {
			// The mux knows whether the path exists for another method; ask
			// its fallback handler and keep only its status and Allow header.
			probe := &headerProbe{header: http.Header{}}
			h.ServeHTTP(probe, r)
			if probe.code == http.StatusMethodNotAllowed {
				w.Header().Set("Allow", probe.header.Get("Allow"))
				WriteError(w, r, bot.Errorf(errMethod, "method %s not allowed here", r.Method))
				return
			}
			WriteError(w, r, bot.Errorf(bot.ENOTFOUND, "no route %s %s", r.Method, r.URL.Path))
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// headerProbe is a ResponseWriter that keeps the status and headers and
// drops the body.
type headerProbe struct {
	header http.Header
	code   int
}

func (p *headerProbe) Header() http.Header { return p.header }
func (p *headerProbe) WriteHeader(code int) {
	if p.code == 0 {
		p.code = code
	}
}
func (p *headerProbe) Write(b []byte) (int, error) {
	p.WriteHeader(http.StatusOK)
	return len(b), nil
}
