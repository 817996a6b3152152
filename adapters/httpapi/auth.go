package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"tsunagu/bot"
)

// authorize lets through requests that carry the admin token as a bearer
// token. It runs before routing, so that an unauthenticated client learns
// nothing about which API routes exist.
func (s *server) authorize(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.tokenOK(r.Header.Get("Authorization")) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="tsunagu"`)
			WriteError(w, r, bot.Errorf(bot.EUNAUTHORIZED, "missing or wrong bearer token"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// tokenOK compares in constant time. Hashing both sides first makes the
// comparison's length fixed too, so timing does not reveal the token's
// length.
func (s *server) tokenOK(header string) bool {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if s.token == "" || !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	want := sha256.Sum256([]byte(s.token))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}
