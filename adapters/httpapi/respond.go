package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"time"

	"tsunagu/bot"
)

// MaxBodyBytes caps request bodies.
const MaxBodyBytes = 1 << 20

// contentType is the type of every answer of this package except /metrics.
const contentType = "application/json; charset=utf-8"

// WriteJSON answers with v as JSON and the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only a programming mistake gets here (a channel or NaN in v).
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","message":"internal error"}}`)
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// DecodeJSON reads the request body into v: at most MaxBodyBytes (else
// ETOOLARGE), one JSON value of the right shape (else EINVALID). Fields v
// does not know are ignored, so what GET returns can be posted back. The
// Content-Type header is not checked: clients written by hand get it
// wrong, and the body says what it is.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength > MaxBodyBytes {
		return bot.Errorf(bot.ETOOLARGE, "request body is larger than %d bytes", MaxBodyBytes)
	}
	body := http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	dec := json.NewDecoder(body)
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	// A second value, or garbage after the first, is a malformed body too.
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		if err == nil {
			return bot.Errorf(bot.EINVALID, "malformed JSON: more than one value in the body")
		}
		return decodeError(err)
	}
	return nil
}

// jsonKind names the JSON a Go type is read from, for a client: "an
// object", not "httpapi.audienceInput".
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		if t == reflect.TypeOf(time.Time{}) {
			return "a string"
		}
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "another type"
}

// decodeError turns a JSON decoding failure into a domain error a client
// can act on.
func decodeError(err error) error {
	var tooLarge *http.MaxBytesError
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooLarge):
		return bot.Errorf(bot.ETOOLARGE, "request body is larger than %d bytes", MaxBodyBytes)
	case errors.Is(err, io.EOF):
		return bot.Errorf(bot.EINVALID, "request body is empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return bot.Errorf(bot.EINVALID, "malformed JSON: body ends early")
	case errors.As(err, &syntax):
		return bot.Errorf(bot.EINVALID, "malformed JSON at byte %d: %v", syntax.Offset, syntax)
	case errors.As(err, &typ) && typ.Field == "":
		return bot.Errorf(bot.EINVALID, "malformed JSON: the body must be an object, not %s", typ.Value)
	case errors.As(err, &typ):
		return bot.FieldErrorf(bot.EINVALID, typ.Field, "malformed JSON: %s must be %s, not %s", typ.Field, jsonKind(typ.Type), typ.Value)
	}
	// The decoder's own messages, e.g. `json: unknown field "x"`, say
	// nothing about the service, so they can be shown.
	return &bot.Error{Code: bot.EINVALID, Message: fmt.Sprintf("malformed JSON: %v", err)}
}
