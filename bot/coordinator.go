package bot

import (
	"crypto/sha256"
	"encoding/hex"
	"net/mail"
	"strings"
	"time"
)

// Coordinator is an account of the web console: a person on the staff of a
// coordinating body (a city job café, a 中間支援組織) who posts tasks and
// answers people at a desk. An admin sees every organization's work and
// manages the accounts; any other coordinator sees their organization's.
type Coordinator struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
	// Org names the coordinating body the account belongs to.
	Org      string `json:"org"`
	Admin    bool   `json:"admin"`
	Disabled bool   `json:"disabled"`
	// PasswordHash is the encoded password hash; "" until the coordinator
	// sets a password through their one-time link.
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
}

// Limits of a coordinator account.
const (
	MaxEmailLen = 254
	MaxOrgRunes = 60
)

// NormalizeEmail is the form an e-mail address is stored and looked up in:
// trimmed and lower-cased, so that a login is not refused for a capital.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate checks a new account; each error names its field.
func (c *Coordinator) Validate() error {
	if c.Email == "" || len(c.Email) > MaxEmailLen {
		return FieldErrorf(EUNPROCESSABLE, "email", "email is required (at most %d bytes)", MaxEmailLen)
	}
	if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email || a.Name != "" {
		return FieldErrorf(EUNPROCESSABLE, "email", "email %q is not an address", c.Email)
	}
	if err := ValidateName(c.Name); err != nil {
		return err
	}
	if err := requireText("org", c.Org, MaxOrgRunes, false); err != nil {
		return err
	}
	return nil
}

// Login is a coordinator logged in to the console: the account and the
// token its forms carry against cross-site requests.
type Login struct {
	AccountID string
	CSRF      string
	Created   time.Time
}

// AuditEntry is one thing a coordinator did in the console. Object is an
// ID (a task's, a session's, an account's) or, for a person, a digest of
// their ID: the log outlives people who delete their data, so it never
// names them. Nobody's message text is logged.
type AuditEntry struct {
	At        time.Time
	AccountID string
	Action    string
	Object    string
}

// AuditRef is how the audit log names a person: a digest of their ID.
// Anyone who knows the ID can compute it, so deleting the person removes
// the entries that carry it, and the entry of the deletion itself names
// no one.
func AuditRef(profileID string) string {
	sum := sha256.Sum256([]byte("person:" + profileID))
	return "p:" + hex.EncodeToString(sum[:8])
}

// PauseAction and ResumeAction are the data of the 「休止」 and 「再開」
// buttons: a coordinator pauses or resumes a person through the person's
// conversation, as their own tap would, so the person is told.
func PauseAction() string  { return commandAction(cmdPause).String() }
func ResumeAction() string { return commandAction(cmdResume).String() }
