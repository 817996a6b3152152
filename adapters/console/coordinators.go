package console

import (
	"net/http"

	"tsunagu/bot"
)

type coordinatorsPage struct {
	Coordinators []*bot.Coordinator
	Form         formValues
	Errors       []formError
	// Link is the one-time set-password link of an account just added,
	// shown once.
	Link, LinkFor string
}

func (s *server) coordinatorList(w http.ResponseWriter, r *http.Request) {
	s.coordinatorPage(w, r, http.StatusOK, coordinatorsPage{})
}

func (s *server) coordinatorPage(w http.ResponseWriter, r *http.Request, status int, page coordinatorsPage) {
	list, err := s.accounts.FindCoordinators(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page.Coordinators = list
	if page.Form.Values == nil {
		page.Form = formValues{map[string][]string{"org": {accountOf(r.Context()).Org}}}
	}
	s.render(w, r, status, "coordinators", ja.TitleCoordinators, page)
}

// coordinatorAdd creates an account and shows its set-password link once:
// the admin hands it to the new coordinator.
func (s *server) coordinatorAdd(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	in := NewCoordinator{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Org: r.PostFormValue("org"),
		Admin: r.PostFormValue("admin") == "yes"}
	co, token, err := AddCoordinator(ctx, s.accounts, in, s.newID(), s.now())
	if err != nil {
		switch bot.ErrorCode(err) {
		case bot.EUNPROCESSABLE, bot.EINVALID:
			s.coordinatorPage(w, r, http.StatusUnprocessableEntity, coordinatorsPage{Form: formValues{r.PostForm}, Errors: formErrors(err)})
		case bot.ECONFLICT:
			s.coordinatorPage(w, r, http.StatusConflict, coordinatorsPage{Form: formValues{r.PostForm},
				Errors: []formError{{"email", ja.EmailExists}}})
		default:
			s.fail(w, r, err)
		}
		return
	}
	s.audit(ctx, accountOf(ctx).ID, "coordinator.add", co.ID)
	s.coordinatorPage(w, r, http.StatusOK, coordinatorsPage{Link: SetupLink(s.linkBase(r), token), LinkFor: co.Name})
}

func (s *server) coordinatorDisable(w http.ResponseWriter, r *http.Request) {
	s.coordinatorSetDisabled(w, r, true)
}

func (s *server) coordinatorEnable(w http.ResponseWriter, r *http.Request) {
	s.coordinatorSetDisabled(w, r, false)
}

func (s *server) coordinatorSetDisabled(w http.ResponseWriter, r *http.Request, disabled bool) {
	ctx := r.Context()
	id := r.PathValue("id")
	if id == accountOf(ctx).ID {
		s.renderStatus(w, r, http.StatusConflict, ja.DeleteSelf)
		return
	}
	if err := s.accounts.SetDisabled(ctx, id, disabled); err != nil {
		s.fail(w, r, err)
		return
	}
	action, flash := "coordinator.enable", "enabled"
	if disabled {
		action, flash = "coordinator.disable", "disabled"
	}
	s.audit(ctx, accountOf(ctx).ID, action, id)
	done(w, r, Prefix+"coordinators", flash)
}

// linkBase is where links handed out lead: BaseURL, or else the address
// this request came to (a playground on another port, a service without
// CONSOLE_URL set), rather than a guess that leads nowhere.
func (s *server) linkBase(r *http.Request) string {
	if s.baseURL != "" {
		return s.baseURL
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
