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

// Error is a domain error with a code, the input field it is about, and a
// message safe to show a client. Field lets every layer place the error
// (an API client, a form block) without reading the message, which is
// English for API clients; people are told in Japanese by field (ErrorJA).
type Error struct {
	Code string
	// Field is the input field the error is about, named as the API's JSON
	// names it ("title", "weekly_limit", "audience.areas"); "" when the
	// error is about no one field.
	Field   string
	Message string
	// ja is what people are told when the field's own Japanese (jaFields)
	// is not precise enough for this problem; set with sayJA.
	ja string
}

// sayJA sets the Japanese a person is told about e, from the catalog.
func (e *Error) sayJA(ja string) *Error {
	e.ja = ja
	return e
}

func (e *Error) Error() string { return fmt.Sprintf("tsunagu: %s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf returns an *Error about one input field, with the given code
// and formatted message.
func FieldErrorf(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorField returns the field of the first *Error in err's chain, or ""
// when there is none or it names no field.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// FieldErrors lists every *Error in err, in order, looking inside errors
// joined with errors.Join (a form checked whole has one per field); nil
// for nil. An error that holds no *Error is listed as an internal one.
func FieldErrors(err error) []*Error {
	if err == nil {
		return nil
	}
	switch e := err.(type) {
	case *Error:
		return []*Error{e}
	case interface{ Unwrap() []error }:
		var out []*Error
		for _, inner := range e.Unwrap() {
			out = append(out, FieldErrors(inner)...)
		}
		return out
	case interface{ Unwrap() error }:
		if inner := e.Unwrap(); inner != nil {
			return FieldErrors(inner)
		}
	}
	return []*Error{{Code: EINTERNAL, Message: ErrorMessage(err)}}
}

// ErrorJA is err said kindly in Japanese, for a person in the chat or a
// coordinator filling in a form: the problem's own sentence when it has
// one, else its field's, else one by its code. It is the one mapping from
// errors to Japanese, as statusOf in the HTTP API is to status codes.
func ErrorJA(err error) string {
	var e *Error
	if !errors.As(err, &e) {
		return ja.Fields.Other
	}
	if e.ja != "" {
		return e.ja
	}
	if s, ok := ja.Fields.ByField[e.Field]; ok {
		return s
	}
	switch e.Code {
	case ENOTFOUND:
		return ja.Fields.NotFound
	case ECONFLICT:
		return ja.Fields.Conflict
	case EUNAVAILABLE:
		return ja.Fields.Unavailable
	case EINVALID, EUNPROCESSABLE, ETOOLARGE:
		return ja.Fields.Invalid
	}
	return ja.Fields.Other
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
