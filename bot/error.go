package bot

import (
	"errors"
	"fmt"
)

// Error codes understood by every layer: the HTTP API maps them to status
// codes in one place and the conversation maps them to kind replies.
const (
	ECONFLICT      = "conflict"
	EINTERNAL      = "internal"
	EINVALID       = "invalid"
	ENOTFOUND      = "not_found"
	EUNAUTHORIZED  = "unauthorized"
	ETOOLARGE      = "too_large"
	EUNPROCESSABLE = "unprocessable"
	// EUNAVAILABLE is a valid request that cannot be carried out now
	// because a platform the service depends on does not answer; nothing
	// was done and the same request may be tried again later.
	EUNAVAILABLE = "unavailable"
)

// Error is a domain error with a code and a message safe to show a client.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("tsunagu: %s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the client-safe message of err; internal errors are
// not described to clients.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	default:
		return "internal error"
	}
}
