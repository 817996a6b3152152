package httpapi

import (
	"context"
	"net/http"

	"tsunagu/bot"
)

// NoticeBoard shows the coordinators' notices kept for those without a
// coordinator channel.
type NoticeBoard interface {
	Notices(ctx context.Context, limit int) ([]bot.Notice, error)
}

// noticesShown is how many notices GET /api/notices returns, newest first.
const noticesShown = 100

// listNotices answers GET /api/notices.
func (s *server) listNotices(w http.ResponseWriter, r *http.Request) {
	ns, err := s.notices.Notices(r.Context(), noticesShown)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"notices": ns})
}
