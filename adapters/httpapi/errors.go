package httpapi

import (
	"errors"
	"net/http"

	"tsunagu/bot"
)

// errMethod is the code of a request whose method the route does not
// take. It is an HTTP matter, so it is not among the domain codes.
const errMethod = "method_not_allowed"

// retryUnavailable is the Retry-After, in seconds, of a 503: long enough
// for a platform's passing trouble, short enough for a person to wait.
const retryUnavailable = "30"

// statusOf maps an error code to its HTTP status. It is the only place
// where domain codes meet status codes.
func statusOf(code string) int {
	switch code {
	case bot.EINVALID:
		return http.StatusBadRequest
	case bot.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case bot.ENOTFOUND:
		return http.StatusNotFound
	case errMethod:
		return http.StatusMethodNotAllowed
	case bot.ECONFLICT:
		return http.StatusConflict
	case bot.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case bot.EUNPROCESSABLE:
		return http.StatusUnprocessableEntity
	case bot.EUNAVAILABLE:
		// 503 rather than 502: the request was fine and nothing was
		// done; the service cannot do it until a platform answers again,
		// and 503 with Retry-After tells clients to try later, where 502
		// would read as this service being a broken gateway.
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// errorBody is the JSON of every error answer.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code string `json:"code"`
	// Field is the request field (JSON name or query parameter) the error
	// is about, when it is about one: a client can place the message.
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// WriteError answers with err as {"error":{"code","field","message"}} and
// the status its code maps to; "field" (the request field the error is
// about) is left out when there is none. It is the one JSON error writer
// of the service: the API and the LINE and Slack webhooks answer through
// it, so every client sees the same shape and headers. An error without a
// code is internal: it is logged with the request ID and the client only
// learns that something went wrong.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	code := bot.ErrorCode(err)
	status := statusOf(code)
	field := bot.ErrorField(err)
	switch status {
	case http.StatusInternalServerError:
		code, field = bot.EINTERNAL, ""
		// An error coded internal on purpose comes from a handler that
		// logged the failure with its own context (a webhook's event ID):
		// logging it again would only say "internal error" twice.
		var coded *bot.Error
		if !errors.As(err, &coded) {
			loggerFrom(r.Context()).Error("request failed", "pattern", r.Pattern, "err", err)
		}
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", retryUnavailable)
	}
	WriteJSON(w, status, errorBody{Error: errorDetail{Code: code, Field: field, Message: bot.ErrorMessage(err)}})
}
