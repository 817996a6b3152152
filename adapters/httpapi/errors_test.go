package httpapi

import (
	"net/http"
	"testing"

	"tsunagu/bot"
)

func TestEveryCodeMapsToItsStatus(t *testing.T) {
	tests := []struct {
		code string
		want int
	}{
		{bot.EINVALID, http.StatusBadRequest},
		{bot.EUNAUTHORIZED, http.StatusUnauthorized},
		{bot.ENOTFOUND, http.StatusNotFound},
		{errMethod, http.StatusMethodNotAllowed},
		{bot.ECONFLICT, http.StatusConflict},
		{bot.ETOOLARGE, http.StatusRequestEntityTooLarge},
		{bot.EUNPROCESSABLE, http.StatusUnprocessableEntity},
		{bot.EUNAVAILABLE, http.StatusServiceUnavailable},
		{bot.EINTERNAL, http.StatusInternalServerError},
		{"some_future_code", http.StatusInternalServerError},
	}
	for _, tt := range tests {
		if got := statusOf(tt.code); got != tt.want {
			t.Errorf("statusOf(%q) = %d, want %d", tt.code, got, tt.want)
		}
	}
}
