package httpapi

import (
	"context"
	"net/http"

	"tsunagu/bot"
)

// ConversationService keeps the conversations between people and the
// coordinators (the bot).
type ConversationService interface {
	FindTalks(ctx context.Context, open bool) ([]bot.TalkView, error)
	WriteToPerson(ctx context.Context, profileID, text string) error
	CloseTalk(ctx context.Context, profileID string) error
}

// listConversations answers GET /api/conversations?status=open|closed
// (open when not given).
func (s *server) listConversations(w http.ResponseWriter, r *http.Request) {
	open := true
	switch r.URL.Query().Get("status") {
	case "", "open":
	case "closed":
		open = false
	default:
		WriteError(w, r, bot.FieldErrorf(bot.EINVALID, "status", "status must be open or closed"))
		return
	}
	views, err := s.conversations.FindTalks(r.Context(), open)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	if views == nil {
		views = []bot.TalkView{}
	}
	WriteJSON(w, http.StatusOK, map[string]any{"conversations": views})
}

// postConversationMessage answers POST /api/conversations/{id}/messages
// {"text"}: the text reaches the person in their chat.
func (s *server) postConversationMessage(w http.ResponseWriter, r *http.Request) {
	id, err := pathProfileID(r)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	var in struct {
		Text string `json:"text"`
	}
	if err := DecodeJSON(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	if err := s.conversations.WriteToPerson(r.Context(), id, in.Text); err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, map[string]any{"profile_id": id, "from": bot.TalkFromCoordinator, "text": in.Text})
}

// closeConversation answers POST /api/conversations/{id}/close.
func (s *server) closeConversation(w http.ResponseWriter, r *http.Request) {
	id, err := pathProfileID(r)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	if err := s.conversations.CloseTalk(r.Context(), id); err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"profile_id": id, "status": "closed"})
}

// pathProfileID reads {id}; the mux hands it over decoded, so
// line:U1 and line%3AU1 are the same.
func pathProfileID(r *http.Request) (string, error) {
	id := r.PathValue("id")
	if bot.ValidateProfileID(id) != nil {
		return "", bot.Errorf(bot.ENOTFOUND, "profile %q not found", id)
	}
	return id, nil
}
