package config

import (
	"fmt"
	"strings"
	"testing"
)

func TestFromEnvOutboxConcurrency(t *testing.T) {
	const problem = `OUTBOX_CONCURRENCY must be a whole number from 1 to 256, got %q`
	tests := []struct {
		name    string
		set     bool
		value   string
		want    int
		problem bool
	}{
		{name: "unset leaves the worker's default", want: 0},
		{name: "set but empty leaves the default too", set: true, value: "", want: 0},
		{name: "a number", set: true, value: " 32 ", want: 32},
		{name: "the largest", set: true, value: "256", want: 256},
		{name: "zero", set: true, value: "0", problem: true},
		{name: "too many", set: true, value: "257", problem: true},
		{name: "not a number", set: true, value: "lots", problem: true},
		{name: "negative", set: true, value: "-4", problem: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := validServe()
			if tt.set {
				vars["OUTBOX_CONCURRENCY"] = tt.value
			}
			cfg, errs := FromEnv(env(vars))
			got := errStrings(errs)
			if tt.problem {
				want := fmt.Sprintf(problem, strings.TrimSpace(tt.value))
				if len(got) != 1 || got[0] != want {
					t.Errorf("problems = %q, want exactly [%q]", got, want)
				}
				return
			}
			if len(got) != 0 {
				t.Fatalf("problems = %q, want none", got)
			}
			if cfg.OutboxConcurrency != tt.want {
				t.Errorf("OutboxConcurrency = %d, want %d", cfg.OutboxConcurrency, tt.want)
			}
		})
	}
}
