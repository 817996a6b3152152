package console

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"tsunagu/bot"
)

// Argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, one
// lane). The parameters are stored with each hash, so raising them later
// keeps the old hashes working.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// Password lengths, in characters. Long passphrases are welcome; the
// upper bound only keeps one request from costing much.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 200
)

// HashPassword returns the argon2id hash of password with a random salt,
// encoded with its parameters as $argon2id$v=19$m=…,t=…,p=…$salt$key.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches an encoded hash, comparing
// in constant time. A malformed hash (or "", an account with no password
// yet) matches nothing.
func CheckPassword(encoded, password string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	var mem, iters uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iters, &threads); err != nil {
		return false
	}
	// Refuse parameters no hash of ours has: a forged hash must not make a
	// login cost gigabytes.
	if mem == 0 || mem > 1<<20 || iters == 0 || iters > 10 || threads == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, iters, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when an e-mail has no account, so that a
// login takes as long whether or not the address is known.
var dummyHash, _ = HashPassword("tsunagu-no-such-account")

// checkPasswordRules refuses a password too short or too long.
func checkPasswordRules(password string) error {
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLen || n > MaxPasswordLen || !utf8.ValidString(password) {
		return bot.FieldErrorf(bot.EUNPROCESSABLE, "password", "a password has %d to %d characters", MinPasswordLen, MaxPasswordLen)
	}
	return nil
}

// randomToken returns n random bytes, URL-safe base64 encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		// crypto/rand does not fail on supported platforms (Go 1.24+
		// crashes the program rather than return an error).
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// SetupTokenTTL is how long a set-password link works.
const SetupTokenTTL = 24 * time.Hour

// NewCoordinator is an account to create: its e-mail, name, organization
// and role.
type NewCoordinator struct {
	Email, Name, Org string
	Admin            bool
}

// AddCoordinator creates an account without a password and returns it with
// a one-time set-password token (SetupTokenTTL). The CLI (`tsunagu
// coordinators add`) and the admin's page both add accounts this way.
func AddCoordinator(ctx context.Context, store Accounts, in NewCoordinator, id string, now time.Time) (*bot.Coordinator, string, error) {
	c := &bot.Coordinator{
		ID: id, Email: bot.NormalizeEmail(in.Email), Name: strings.TrimSpace(in.Name),
		Org: strings.TrimSpace(in.Org), Admin: in.Admin, CreatedAt: now,
	}
	if err := c.Validate(); err != nil {
		return nil, "", err
	}
	if err := store.CreateCoordinator(ctx, c); err != nil {
		return nil, "", err
	}
	token := randomToken(32)
	if err := store.CreateSetupToken(ctx, token, c.ID, SetupTokenTTL); err != nil {
		return nil, "", err
	}
	return c, token, nil
}

// SetupLink is the set-password link of a token, on the service at base.
func SetupLink(base, token string) string {
	return strings.TrimRight(base, "/") + Prefix + "setup?token=" + token
}
