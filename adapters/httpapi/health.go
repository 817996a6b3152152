package httpapi

import (
	"context"
	"net/http"
	"time"
)

// readyTimeout bounds the readiness check: a probe that hangs is as bad as
// one that fails.
const readyTimeout = 2 * time.Second

type statusBody struct {
	Status string `json:"status"`
}

// healthz answers while the process serves HTTP at all.
func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	WriteJSON(w, http.StatusOK, statusBody{Status: "ok"})
}

// readyz answers 503 while Redis is unreachable, so that a load balancer
// sends traffic elsewhere. The cause is logged, not shown.
func (s *server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		if err := s.ready(ctx); err != nil {
			loggerFrom(r.Context()).Warn("not ready", "err", err)
			WriteJSON(w, http.StatusServiceUnavailable, statusBody{Status: "unavailable"})
			return
		}
	}
	WriteJSON(w, http.StatusOK, statusBody{Status: "ok"})
}
