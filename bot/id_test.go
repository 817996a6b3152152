package bot

import (
	"strings"
	"testing"
)

func TestValidatePlatformID(t *testing.T) {
	hex32 := "0123456789abcdef0123456789abcdef"
	tests := []struct {
		name, id string
		ok       bool
	}{
		{"LINE user ID", "line:U" + hex32, true},
		{"Slack IDs", "slack:T0123ABCD:U0123ABCD", true},
		{"Slack Enterprise Grid IDs", "slack:E0123ABCD:W0123ABCD", true},
		{"LINE ID that is a word", "line:tanaka", false},
		{"LINE ID in capitals", "line:U" + strings.ToUpper(hex32), false},
		{"LINE ID one digit short", "line:U" + hex32[:31], false},
		{"LINE ID one digit long", "line:U" + hex32 + "0", false},
		{"LINE group ID", "line:C" + hex32, false},
		{"LINE ID with a non-hex letter", "line:U" + hex32[:31] + "g", false},
		{"Slack user ID in lower case", "slack:T0123ABCD:u0123abcd", false},
		{"Slack team ID that is a name", "slack:acme:U0123ABCD", false},
		{"Slack channel ID as the user", "slack:T0123ABCD:C0123ABCD", false},
		{"Slack bot ID as the user", "slack:T0123ABCD:B0123ABCD", false},
		{"Slack user ID alone", "slack:T0123ABCD:U", false},
		{"no platform", "U" + hex32, false},
		{"other platform", "mail:U" + hex32, false},
		{"key-shaped", "line:U" + hex32 + ":x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidatePlatformID(tt.id)
			if tt.ok != (err == nil) {
				t.Fatalf("ValidatePlatformID(%q) = %v, want ok %v", tt.id, err, tt.ok)
			}
			if err != nil && ErrorCode(err) != EINVALID {
				t.Errorf("code %s, want %s", ErrorCode(err), EINVALID)
			}
		})
	}
}

func TestCheckIDRefusesWhatNoStoreIssued(t *testing.T) {
	tests := []struct {
		name, id string
		ok       bool
	}{
		{"a UUID", "9a2c5c37-3936-4ebb-895a-8463a9093812", true},
		{"a test ID", "id0001", true},
		{"an ID naming another key", "9a2c5c37-3936-4ebb-895a-8463a9093812:a", false},
		{"a hash tag", "x{ts:00}", false},
		{"a space", "a b", false},
		{"empty", "", false},
		{"65 characters", strings.Repeat("a", 65), false},
		{"64 characters", strings.Repeat("a", 64), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkID("session", tt.id)
			if tt.ok != (err == nil) {
				t.Fatalf("checkID(%q) = %v, want ok %v", tt.id, err, tt.ok)
			}
			if err != nil && (ErrorCode(err) != ENOTFOUND || !strings.Contains(ErrorMessage(err), "session")) {
				t.Errorf("error %v, want not_found naming the session", err)
			}
		})
	}
}
