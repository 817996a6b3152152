package console

import (
	"context"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tsunagu/bot"
)

// Login and its limits.
const (
	cookieName = "tsunagu_console"
	// formCookie carries the token the login and set-password forms
	// repeat in a hidden field (there is no login yet to hold one).
	formCookie = "tsunagu_form"
	loginTTL   = 12 * time.Hour
	// After maxEmailFailures failed logins to one address within
	// failWindow, that address is refused until the window ends; one
	// network address gets maxIPFailures (an office behind one NAT has
	// several coordinators).
	maxEmailFailures = 5
	maxIPFailures    = 20
	failWindow       = 15 * time.Minute
)

// account is the coordinator of a request, with their login.
type account struct {
	*bot.Coordinator
	login *bot.Login
}

type accountKey struct{}

func accountOf(ctx context.Context) *account {
	a, _ := ctx.Value(accountKey{}).(*account)
	return a
}

// org is the organization whose work the account sees: "" (all) for an
// admin.
func (a *account) org() string {
	if a.Admin {
		return ""
	}
	return a.Org
}

// requireLogin lets a request through with its account, or answers: a page
// is redirected to the login (and back after it), an htmx request gets 401
// with HX-Redirect, any other method 401. A POST must carry the login's
// CSRF token (403 otherwise).
func (s *server) requireLogin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		acct, err := s.loggedIn(r)
		if err != nil {
			s.log.WarnContext(r.Context(), "console: reading login failed", "err", err)
		}
		if acct == nil {
			loginURL := Prefix + "login"
			if r.Method == http.MethodGet && r.Header.Get("HX-Request") == "" {
				http.Redirect(w, r, loginURL+"?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			w.Header().Set("HX-Redirect", loginURL)
			s.renderStatus(w, r, http.StatusUnauthorized, ja.LoginNeeded)
			return
		}
		if r.Method == http.MethodPost {
			// The handlers read r.PostForm, parsed here once; a form with
			// a file (the CSV import) is multipart, its token a field too.
			err := r.ParseForm()
			if err == nil && strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				err = r.ParseMultipartForm(maxUpload)
			}
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				s.renderStatus(w, r, http.StatusRequestEntityTooLarge, ja.FileTooLarge)
				return
			}
			if err != nil {
				s.renderStatus(w, r, http.StatusBadRequest, ja.FormExpired)
				return
			}
			if !sameToken(r.PostForm.Get("csrf"), acct.login.CSRF) && !sameToken(r.Header.Get("X-CSRF-Token"), acct.login.CSRF) {
				s.renderStatus(w, r, http.StatusForbidden, ja.Forbidden)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), accountKey{}, acct)))
	})
}

// requireAdmin is for the account pages.
func (s *server) requireAdmin(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if a := accountOf(r.Context()); a == nil || !a.Admin {
			s.renderStatus(w, r, http.StatusForbidden, ja.AdminOnly)
			return
		}
		next(w, r)
	}
}

func sameToken(got, want string) bool {
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// loggedIn returns the request's account, or nil when it has no valid
// login or the account was disabled since.
func (s *server) loggedIn(r *http.Request) (*account, error) {
	c, err := r.Cookie(cookieName)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	l, err := s.accounts.FindLogin(r.Context(), c.Value)
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	co, err := s.accounts.FindCoordinator(r.Context(), l.AccountID)
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if co.Disabled {
		return nil, nil
	}
	return &account{Coordinator: co, login: l}, nil
}

// formToken returns the pre-login form token, setting its cookie when the
// browser has none.
func (s *server) formToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(formCookie); err == nil && len(c.Value) >= 20 {
		return c.Value
	}
	tok := randomToken(24)
	http.SetCookie(w, &http.Cookie{Name: formCookie, Value: tok, Path: Prefix, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secure})
	return tok
}

// checkFormToken is the CSRF check of the login and set-password forms:
// the hidden field repeats the cookie (double submit).
func checkFormToken(r *http.Request) bool {
	c, err := r.Cookie(formCookie)
	return err == nil && sameToken(r.PostFormValue("csrf"), c.Value)
}

type loginPage struct {
	CSRF, Email, Next, Error string
}

func (s *server) loginForm(w http.ResponseWriter, r *http.Request) {
	if a, _ := s.loggedIn(r); a != nil {
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", ja.TitleLogin, loginPage{CSRF: s.formToken(w, r), Next: safeNext(r.URL.Query().Get("next"))})
}

// login checks an e-mail and password. Failures are counted per address
// and per network address; past the limit the answer is 429 until the
// window ends, whatever the password.
func (s *server) login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !checkFormToken(r) {
		s.renderStatus(w, r, http.StatusForbidden, ja.FormExpired)
		return
	}
	email := bot.NormalizeEmail(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	page := loginPage{CSRF: s.formToken(w, r), Email: email, Next: safeNext(r.PostFormValue("next"))}
	subjects := []struct {
		key string
		max int
	}{{"email:" + email, maxEmailFailures}, {"ip:" + clientIP(r), maxIPFailures}}
	for _, sub := range subjects {
		n, left, err := s.accounts.LoginFailures(ctx, sub.key)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if n >= sub.max {
			w.Header().Set("Retry-After", strconv.Itoa(int(left.Seconds())+1))
			page.Error = ja.TooManyFailures
			s.render(w, r, http.StatusTooManyRequests, "login", ja.TitleLogin, page)
			return
		}
	}
	co, err := s.checkLogin(ctx, email, password)
	if err != nil && bot.ErrorCode(err) != bot.EUNAUTHORIZED {
		s.fail(w, r, err)
		return
	}
	if err != nil {
		for _, sub := range subjects {
			if _, err := s.accounts.RecordLoginFailure(ctx, sub.key, failWindow); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		s.audit(ctx, "", "login.failed", "")
		page.Error = ja.WrongPassword
		s.render(w, r, http.StatusUnauthorized, "login", ja.TitleLogin, page)
		return
	}
	_ = s.accounts.ClearLoginFailures(ctx, subjects[0].key)
	if err := s.startLogin(w, r, co); err != nil {
		s.fail(w, r, err)
		return
	}
	next := page.Next
	if next == "" {
		next = Prefix
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// checkLogin returns the account of a right e-mail and password, or
// EUNAUTHORIZED. It hashes even for an unknown address, so that the time
// it takes does not tell which addresses have accounts.
func (s *server) checkLogin(ctx context.Context, email, password string) (*bot.Coordinator, error) {
	co, err := s.accounts.FindCoordinatorByEmail(ctx, email)
	switch {
	case bot.ErrorCode(err) == bot.ENOTFOUND:
		CheckPassword(dummyHash, password)
		return nil, bot.Errorf(bot.EUNAUTHORIZED, "wrong email or password")
	case err != nil:
		return nil, err
	}
	hash := co.PasswordHash
	if hash == "" {
		hash = dummyHash
	}
	if !CheckPassword(hash, password) || co.PasswordHash == "" || co.Disabled {
		return nil, bot.Errorf(bot.EUNAUTHORIZED, "wrong email or password")
	}
	return co, nil
}

// startLogin stores a new login and sets its cookie.
func (s *server) startLogin(w http.ResponseWriter, r *http.Request, co *bot.Coordinator) error {
	token := randomToken(32)
	l := bot.Login{AccountID: co.ID, CSRF: randomToken(32), Created: s.now()}
	if err := s.accounts.CreateLogin(r.Context(), token, l, loginTTL); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: token, Path: Prefix, MaxAge: int(loginTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure})
	s.audit(r.Context(), co.ID, "login", "")
	return nil
}

func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(cookieName); err == nil {
		if err := s.accounts.DeleteLogin(r.Context(), c.Value); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if a := accountOf(r.Context()); a != nil {
		s.audit(r.Context(), a.ID, "logout", "")
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: Prefix, MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure})
	http.Redirect(w, r, Prefix+"login", http.StatusSeeOther)
}

type setupPage struct {
	CSRF, Token, Name, Email, Error string
}

// setupForm shows the set-password form of a valid one-time link.
func (s *server) setupForm(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	co, err := s.setupAccount(r.Context(), token, false)
	if err != nil {
		s.setupRefused(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "setup", ja.TitleSetup, setupPage{CSRF: s.formToken(w, r), Token: token, Name: co.Name, Email: co.Email})
}

// setup sets the password, uses the link up and logs the coordinator in.
func (s *server) setup(w http.ResponseWriter, r *http.Request) {
	if !checkFormToken(r) {
		s.renderStatus(w, r, http.StatusForbidden, ja.FormExpired)
		return
	}
	token := r.PostFormValue("token")
	password := r.PostFormValue("password")
	co, err := s.setupAccount(r.Context(), token, false)
	if err != nil {
		s.setupRefused(w, r, err)
		return
	}
	page := setupPage{CSRF: s.formToken(w, r), Token: token, Name: co.Name, Email: co.Email}
	switch {
	case checkPasswordRules(password) != nil:
		page.Error = ja.PasswordRules
	case password != r.PostFormValue("password2"):
		page.Error = ja.PasswordsDiffer
	}
	if page.Error != "" {
		s.render(w, r, http.StatusUnprocessableEntity, "setup", ja.TitleSetup, page)
		return
	}
	// Use the link up before the password is set: of two posts at once,
	// one sets it.
	if co, err = s.setupAccount(r.Context(), token, true); err != nil {
		s.setupRefused(w, r, err)
		return
	}
	hash, err := HashPassword(password)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.accounts.SetPasswordHash(r.Context(), co.ID, hash); err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r.Context(), co.ID, "password.set", co.ID)
	co.PasswordHash = hash
	if err := s.startLogin(w, r, co); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, Prefix, http.StatusSeeOther)
}

// setupAccount returns the account of a set-password token, using the
// token up when use is set.
func (s *server) setupAccount(ctx context.Context, token string, use bool) (*bot.Coordinator, error) {
	if token == "" || len(token) > 100 {
		return nil, bot.Errorf(bot.ENOTFOUND, "no token")
	}
	var id string
	var err error
	if use {
		id, err = s.accounts.UseSetupToken(ctx, token)
	} else {
		id, err = s.accounts.PeekSetupToken(ctx, token)
	}
	if err != nil {
		return nil, err
	}
	co, err := s.accounts.FindCoordinator(ctx, id)
	if err != nil {
		return nil, err
	}
	if co.Disabled {
		return nil, bot.Errorf(bot.ENOTFOUND, "account disabled")
	}
	return co, nil
}

func (s *server) setupRefused(w http.ResponseWriter, r *http.Request, err error) {
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		s.renderStatus(w, r, http.StatusNotFound, ja.SetupLinkInvalid)
		return
	}
	s.fail(w, r, err)
}

// safeNext keeps a redirect after login inside the console.
func safeNext(next string) string {
	if !strings.HasPrefix(next, Prefix) || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return ""
	}
	return next
}

// clientIP is the network address the request came from. X-Forwarded-For
// is not trusted: anyone can send it.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// audit records what an account did; a failure to record is logged, not
// shown: the action itself is done.
func (s *server) audit(ctx context.Context, accountID, action, object string) {
	err := s.accounts.Audit(ctx, bot.AuditEntry{At: s.now(), AccountID: accountID, Action: action, Object: object})
	if err != nil {
		s.log.ErrorContext(ctx, "console: audit log not written", "action", action, "err", err)
	}
}
