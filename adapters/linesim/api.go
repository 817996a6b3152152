package linesim

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// Endpoints of the fake Messaging API, as FailNext, DropNextResponse and
// Calls name them. The profile endpoint is named without its {userId}.
const (
	EndpointReply            = "/v2/bot/message/reply"
	EndpointPush             = "/v2/bot/message/push"
	EndpointMulticast        = "/v2/bot/message/multicast"
	EndpointProfile          = "/v2/bot/profile"
	EndpointLoading          = "/v2/bot/chat/loading/start"
	EndpointQuota            = "/v2/bot/message/quota"
	EndpointQuotaConsumption = "/v2/bot/message/quota/consumption"
)

const (
	retryKeyHeader = "X-Line-Retry-Key"
	maxAPIBody     = 2 << 20
)

// apiError is an error answer in LINE's shape.
type apiError struct {
	status       int
	header       http.Header
	Message      string        `json:"message"`
	Details      []errorDetail `json:"details,omitempty"`
	SentMessages []sentMessage `json:"sentMessages,omitempty"`
}

// sentMessage is one entry of "sentMessages" in a reply or push answer.
type sentMessage struct {
	ID         string `json:"id"`
	QuoteToken string `json:"quoteToken,omitempty"`
}

// badBody is LINE's answer to a request body that breaks a rule.
func badBody(msg, property string) *apiError {
	return &apiError{
		status:  http.StatusBadRequest,
		Message: "The request body has 1 error(s)",
		Details: []errorDetail{{Message: msg, Property: property}},
	}
}

// APIHandler serves the fake Messaging API at its root; mount it where the
// bot's LINE_API_BASE_URL points, directly or under http.StripPrefix.
func (s *Sim) APIHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST "+EndpointReply, s.endpoint(EndpointReply, s.handleReply))
	mux.Handle("POST "+EndpointPush, s.endpoint(EndpointPush, s.handlePush))
	mux.Handle("POST "+EndpointMulticast, s.endpoint(EndpointMulticast, s.handleMulticast))
	mux.Handle("GET "+EndpointProfile+"/{userId}", s.endpoint(EndpointProfile, s.handleProfile))
	mux.Handle("POST "+EndpointLoading, s.endpoint(EndpointLoading, s.handleLoading))
	mux.Handle("GET "+EndpointQuota, s.endpoint(EndpointQuota, s.handleQuota))
	mux.Handle("GET "+EndpointQuotaConsumption, s.endpoint(EndpointQuotaConsumption, s.handleQuotaConsumption))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, apiError{Message: "Not found"})
	})
	return mux
}

// endpointFunc handles one API call after the common checks. requestID is
// the call's X-Line-Request-Id. It returns the status and the JSON answer.
type endpointFunc func(r *http.Request, requestID string) (int, any)

// endpoint wraps an endpoint with what every LINE call goes through: the
// call counter, injected faults, the request ID and the access token.
func (s *Sim) endpoint(name string, h endpointFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requestID := uuid.NewString()
		w.Header().Set("X-Line-Request-Id", requestID)
		f, faulty := s.takeFault(name)
		if faulty && !f.drop {
			if f.retryAfter != "" {
				w.Header().Set("Retry-After", f.retryAfter)
			}
			writeJSON(w, f.status, apiError{Message: faultMessage(f.status)})
			return
		}
		status, body := http.StatusUnauthorized, any(nil)
		if e := s.authorize(r); e != nil {
			body = e
		} else {
			status, body = h(r, requestID)
		}
		if faulty {
			// The call took effect; now lose its answer, as a timeout or a
			// broken connection would.
			panic(http.ErrAbortHandler)
		}
		if e, ok := body.(*apiError); ok {
			for k, v := range e.header {
				w.Header()[k] = v
			}
			status = e.status
		}
		writeJSON(w, status, body)
	})
}

func (s *Sim) authorize(r *http.Request) *apiError {
	h := r.Header.Get("Authorization")
	if h == "" {
		return &apiError{status: http.StatusUnauthorized, Message: "Authorization header required. Must follow the scheme, 'Authorization: Bearer <ACCESS TOKEN>'"}
	}
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || s.token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(s.token)) != 1 {
		return &apiError{status: http.StatusUnauthorized, Message: "Authentication failed. Confirm that the access token in the authorization header is valid."}
	}
	return nil
}

func (s *Sim) handleReply(r *http.Request, _ string) (int, any) {
	if _, present := r.Header[retryKeyHeader]; present {
		// LINE refuses the header where it has no meaning.
		return 0, &apiError{status: http.StatusBadRequest, Message: "The request header has 1 error(s)",
			Details: []errorDetail{{Message: "X-Line-Retry-Key is not supported by this endpoint", Property: retryKeyHeader}}}
	}
	body, e := readBody(r)
	if e != nil {
		return 0, e
	}
	var req messaging_api.ReplyMessageRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return 0, badBody(err.Error(), "")
	}
	msgs, e := parseMessages(body, req.Messages)
	if e != nil {
		return 0, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tok, ok := s.replyTok[req.ReplyToken]
	if !ok || s.now().Sub(tok.issued) >= replyTokenTTL {
		delete(s.replyTok, req.ReplyToken)
		return 0, &apiError{status: http.StatusBadRequest, Message: "Invalid reply token"}
	}
	delete(s.replyTok, req.ReplyToken) // single use
	return http.StatusOK, map[string]any{"sentMessages": s.deliverAllLocked(tok.userID, "reply", msgs)}
}

func (s *Sim) handlePush(r *http.Request, requestID string) (int, any) {
	key, e := retryKeyOf(r)
	if e != nil {
		return 0, e
	}
	body, e := readBody(r)
	if e != nil {
		return 0, e
	}
	var req messaging_api.PushMessageRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return 0, badBody(err.Error(), "")
	}
	if req.To == "" {
		return 0, badBody("must be specified", "to")
	}
	msgs, e := parseMessages(body, req.Messages)
	if e != nil {
		return 0, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.repeatedLocked(key, true); e != nil {
		return 0, e
	}
	if e := s.consumeQuotaLocked(1); e != nil {
		return 0, e
	}
	sent := s.deliverAllLocked(req.To, "push", msgs)
	s.acceptLocked(key, requestID, sent)
	return http.StatusOK, map[string]any{"sentMessages": sent}
}

func (s *Sim) handleMulticast(r *http.Request, requestID string) (int, any) {
	key, e := retryKeyOf(r)
	if e != nil {
		return 0, e
	}
	body, e := readBody(r)
	if e != nil {
		return 0, e
	}
	var req messaging_api.MulticastRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return 0, badBody(err.Error(), "")
	}
	if n := len(req.To); n < 1 || n > maxMulticastTargets {
		return 0, badBody("Size must be between 1 and "+strconv.Itoa(maxMulticastTargets), "to")
	}
	for i, to := range req.To {
		if to == "" {
			return 0, badBody("must be specified", "to["+strconv.Itoa(i)+"]")
		}
	}
	msgs, e := parseMessages(body, req.Messages)
	if e != nil {
		return 0, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.repeatedLocked(key, false); e != nil {
		return 0, e
	}
	if e := s.consumeQuotaLocked(int64(len(req.To))); e != nil {
		return 0, e
	}
	for _, to := range req.To {
		s.deliverAllLocked(to, "multicast", msgs)
	}
	s.acceptLocked(key, requestID, nil)
	return http.StatusOK, struct{}{}
}

func (s *Sim) handleProfile(r *http.Request, _ string) (int, any) {
	id := r.PathValue("userId")
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	// LINE shows profiles of people who talk to the bot, not of those who
	// blocked it; the sim does not know the names of users it only pushed to.
	if !ok || u.implicit || u.state == stateBlocked {
		return 0, &apiError{status: http.StatusNotFound, Message: "Not found"}
	}
	return http.StatusOK, messaging_api.UserProfileResponse{DisplayName: u.name, UserId: u.id, Language: "ja"}
}

func (s *Sim) handleLoading(r *http.Request, _ string) (int, any) {
	body, e := readBody(r)
	if e != nil {
		return 0, e
	}
	var req messaging_api.ShowLoadingAnimationRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return 0, badBody(err.Error(), "")
	}
	if req.ChatId == "" {
		return 0, badBody("must be specified", "chatId")
	}
	secs := req.LoadingSeconds
	if secs == 0 {
		secs = 20
	}
	if secs < 5 || secs > 60 || secs%5 != 0 {
		return 0, badBody("Must be a multiple of 5 between 5 and 60", "loadingSeconds")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.users[req.ChatId]; ok && u.state != stateBlocked {
		u.loadingUntil = s.now().Add(time.Duration(secs) * time.Second)
		s.notifyLocked()
	}
	return http.StatusAccepted, struct{}{}
}

func (s *Sim) handleQuota(_ *http.Request, _ string) (int, any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.quotaLimit <= 0 {
		return http.StatusOK, map[string]any{"type": messaging_api.QuotaType_NONE}
	}
	return http.StatusOK, messaging_api.MessageQuotaResponse{Type: messaging_api.QuotaType_LIMITED, Value: s.quotaLimit}
}

func (s *Sim) handleQuotaConsumption(_ *http.Request, _ string) (int, any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return http.StatusOK, messaging_api.QuotaConsumptionResponse{TotalUsage: s.quotaUsed}
}

// retryKeyOf reads X-Line-Retry-Key. Present but not a UUID (empty
// included, which the v8 SDK sends when given "") is refused like LINE does.
func retryKeyOf(r *http.Request) (string, *apiError) {
	vals, present := r.Header[retryKeyHeader]
	if !present {
		return "", nil
	}
	key := vals[0]
	if _, err := uuid.Parse(key); err != nil || len(key) != 36 {
		return "", &apiError{status: http.StatusBadRequest, Message: "The request header has 1 error(s)",
			Details: []errorDetail{{Message: "The value must be a UUID", Property: retryKeyHeader}}}
	}
	return strings.ToLower(key), nil
}

// repeatedLocked answers 409 when key was accepted in the last 24 hours.
// s.mu must be held.
func (s *Sim) repeatedLocked(key string, withSent bool) *apiError {
	if key == "" {
		return nil
	}
	acc, ok := s.retryKeys[key]
	if !ok {
		return nil
	}
	if s.now().Sub(acc.at) >= retryKeyTTL {
		delete(s.retryKeys, key)
		return nil
	}
	e := &apiError{status: http.StatusConflict, Message: "The retry key is already accepted",
		header: http.Header{"X-Line-Accepted-Request-Id": {acc.requestID}}}
	if withSent {
		e.SentMessages = acc.sent
	}
	return e
}

// acceptLocked remembers an accepted retry key. s.mu must be held.
func (s *Sim) acceptLocked(key, requestID string, sent []sentMessage) {
	if key == "" {
		return
	}
	now := s.now()
	for k, acc := range s.retryKeys {
		if now.Sub(acc.at) >= retryKeyTTL {
			delete(s.retryKeys, k)
		}
	}
	s.retryKeys[key] = acceptedRequest{at: now, requestID: requestID, sent: sent}
}

// consumeQuotaLocked counts n recipients against the monthly quota: LINE
// counts recipients, not message objects. s.mu must be held.
func (s *Sim) consumeQuotaLocked(n int64) *apiError {
	if s.quotaLimit > 0 && s.quotaUsed+n > s.quotaLimit {
		return &apiError{status: http.StatusTooManyRequests, Message: "You have reached your monthly limit."}
	}
	s.quotaUsed += n
	return nil
}

// deliverAllLocked delivers the messages of one call to one user and
// returns what LINE answers about them. s.mu must be held.
func (s *Sim) deliverAllLocked(userID, via string, msgs []outgoing) []sentMessage {
	sent := make([]sentMessage, len(msgs))
	for i, m := range msgs {
		s.messageID++
		sent[i].ID = strconv.FormatInt(s.messageID, 10)
		if m.desc.Type == "text" || m.desc.Type == "textV2" {
			sent[i].QuoteToken = randomToken(24)
		}
		s.deliverLocked(userID, via, m)
	}
	return sent
}

func readBody(r *http.Request) ([]byte, *apiError) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxAPIBody+1))
	if err != nil {
		return nil, &apiError{status: http.StatusBadRequest, Message: "Failed to read the request body"}
	}
	if len(body) > maxAPIBody {
		return nil, &apiError{status: http.StatusRequestEntityTooLarge, Message: "Request Entity Too Large"}
	}
	if !json.Valid(body) {
		return nil, &apiError{status: http.StatusBadRequest, Message: "The request body could not be parsed as JSON"}
	}
	return body, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// An encoding error means the client went away: nobody is left to tell.
	_ = json.NewEncoder(w).Encode(v)
}
