package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/slack-go/slack"

	"tsunagu/adapters/httpapi"
	"tsunagu/bot"
)

// interactions serves button clicks and form submissions.
func (wh *Webhook) interactions(w http.ResponseWriter, r *http.Request) {
	if _, ok := wh.verify(w, r); !ok {
		return
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(r.PostFormValue("payload")), &cb); err != nil {
		httpapi.WriteError(w, r, bot.Errorf(bot.EINVALID, "malformed payload"))
		return
	}
	if cb.User.ID == "" || cb.Team.ID == "" {
		w.WriteHeader(http.StatusOK)
		return
	}
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		wh.blockActions(w, r, &cb)
	case slack.InteractionTypeViewSubmission:
		wh.viewSubmission(w, r, &cb)
	default:
		w.WriteHeader(http.StatusOK)
	}
}

// blockActions turns button clicks into the bot's postbacks, except those
// that open a form or answer an announcement's confirmation.
func (wh *Webhook) blockActions(w http.ResponseWriter, r *http.Request, cb *slack.InteractionCallback) {
	ctx := r.Context()
	pid := profileID(cb.Team.ID, cb.User.ID)
	fromHome := cb.View.Type == slack.VTHomeTab
	for _, a := range cb.ActionCallback.BlockActions {
		switch {
		case a.ActionID == actionAnnounceSend || a.ActionID == actionAnnounceCancel:
			if err := wh.confirmAnnouncement(ctx, cb, a); err != nil {
				wh.Logger.ErrorContext(ctx, "announce confirm failed", "user", cb.User.ID, "err", err)
				httpapi.WriteError(w, r, bot.Errorf(bot.EINTERNAL, "internal error"))
				return
			}
			continue
		case (a.Value == bot.HomeJoin || a.Value == bot.HomeEdit) && wh.openJoin(ctx, cb.TriggerID, pid):
			continue
		case a.Value == "":
			continue // a select or link without a postback
		}
		in := bot.Inbound{
			ID:   "slack-action:" + cb.Team.ID + ":" + cb.User.ID + ":" + a.ActionTs + ":" + a.ActionID,
			Kind: bot.EventPostback, ProfileID: pid, Data: a.Value, At: wh.Now(), FromHome: fromHome,
		}
		if err := wh.Handler.Handle(ctx, in); err != nil {
			wh.Logger.ErrorContext(ctx, "slack action failed", "profile", pid, "err", err)
			httpapi.WriteError(w, r, bot.Errorf(bot.EINTERNAL, "internal error"))
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}

// confirmAnnouncement sends or drops a drafted announcement. The draft is
// taken once, so a double click sends it once; the confirm message is
// replaced with the outcome through the outbox.
func (wh *Webhook) confirmAnnouncement(ctx context.Context, cb *slack.InteractionCallback, a *slack.BlockAction) error {
	answer := func(text string) error {
		return wh.Outbox.Enqueue(ctx, bot.Outgoing{
			ID: wh.NewID(), Kind: bot.OutRespond, To: profileID(cb.Team.ID, cb.User.ID),
			ResponseURL: cb.ResponseURL, Messages: []bot.Message{{Text: text}}, CreatedAt: wh.Now(),
		})
	}
	if ok, err := wh.isCoordinator(ctx, cb.User.ID); err != nil || !ok {
		if err != nil {
			return err
		}
		return answer(jaSlack.NotCoordinator)
	}
	// A double click answers once: the second answer would replace the
	// first's 「送信しました」 with 「送信済みか、期限が過ぎています」, which
	// invites sending it again.
	answered := a.Value + ":answered"
	if first, err := wh.Drafts.Claim(ctx, answered, draftTTL); err != nil || !first {
		return err
	}
	b, ok, err := wh.Drafts.Take(ctx, a.Value)
	if err != nil {
		return err
	}
	var d draft
	if ok && json.Unmarshal(b, &d) != nil {
		ok = false
	}
	switch {
	case !ok || d.User != cb.User.ID:
		return answer(jaSlack.AnnounceGone)
	case a.ActionID == actionAnnounceCancel:
		return answer(jaSlack.AnnounceCancelled)
	}
	v, err := wh.Coordination.CreateBroadcast(ctx, &bot.Broadcast{Text: d.Text})
	if err != nil {
		// The draft goes back, so the button works again.
		if perr := wh.Drafts.Put(ctx, a.Value, b, draftTTL); perr != nil {
			wh.Logger.ErrorContext(ctx, "announce: draft not put back", "err", perr)
		}
		if rerr := wh.Drafts.Release(ctx, answered); rerr != nil {
			wh.Logger.ErrorContext(ctx, "announce: answer mark not released", "err", rerr)
		}
	}
	if bot.ErrorCode(err) == bot.EUNPROCESSABLE {
		return answer(bot.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	wh.Logger.InfoContext(ctx, "announcement confirmed", "broadcast", v.ID, "user", cb.User.ID)
	return answer(fmt.Sprintf(jaSlack.Announced, v.Total-v.Skipped, v.ID))
}

// viewSubmission saves a submitted form: problems are shown under their
// fields; on success the form is replaced by what became of it.
func (wh *Webhook) viewSubmission(w http.ResponseWriter, r *http.Request, cb *slack.InteractionCallback) {
	ctx := r.Context()
	var v values
	if cb.View.State != nil {
		v = cb.View.State.Values
	}
	var (
		res *slack.ViewSubmissionResponse
		err error
	)
	switch cb.View.CallbackID {
	case callbackJoin:
		res, err = wh.submitJoin(ctx, cb, v)
	case callbackTask, callbackSession:
		res, err = wh.submitCoordinatorForm(ctx, cb, v)
	default:
		w.WriteHeader(http.StatusOK)
		return
	}
	if err != nil {
		// Shown under the first field, so everything typed stays.
		wh.Logger.ErrorContext(ctx, "form failed", "form", cb.View.CallbackID, "user", cb.User.ID, "err", err)
		first := blockTitle
		if cb.View.CallbackID == callbackJoin {
			first = blockName
		}
		res = slack.NewErrorsViewSubmissionResponse(map[string]string{first: jaSlack.FormFailed})
	}
	writeJSON(w, res)
}

func (wh *Webhook) submitJoin(ctx context.Context, cb *slack.InteractionCallback, v values) (*slack.ViewSubmissionResponse, error) {
	form, problems := readJoin(wh.Catalog, v, cb.View.PrivateMetadata)
	if problems != nil {
		return slack.NewErrorsViewSubmissionResponse(problems), nil
	}
	pid := profileID(cb.Team.ID, cb.User.ID)
	was, err := wh.Profiles.FindProfile(ctx, pid)
	if err != nil && bot.ErrorCode(err) != bot.ENOTFOUND {
		return nil, err
	}
	// One submission of one view is one event: a retried request does
	// nothing twice.
	in := bot.Inbound{ID: "slack-view:" + cb.View.ID, Kind: bot.EventProfileForm, ProfileID: pid, Form: form, At: wh.Now(), FromHome: true}
	if err := wh.Handler.Handle(ctx, in); err != nil {
		return nil, err
	}
	if was != nil && (was.Status == bot.StatusActive || was.Status == bot.StatusPaused) {
		return slack.NewUpdateViewSubmissionResponse(doneView(jaSlack.EditedTitle, jaSlack.Edited)), nil
	}
	return slack.NewUpdateViewSubmissionResponse(doneView(jaSlack.JoinedTitle, jaSlack.Joined)), nil
}

// submitCoordinatorForm creates a task or a session from its form, the
// objects POST /api/tasks and /api/sessions create.
func (wh *Webhook) submitCoordinatorForm(ctx context.Context, cb *slack.InteractionCallback, v values) (*slack.ViewSubmissionResponse, error) {
	ok, err := wh.isCoordinator(ctx, cb.User.ID)
	if err != nil {
		return nil, err
	}
	title := jaSlack.TaskTitle
	if cb.View.CallbackID == callbackSession {
		title = jaSlack.SessionTitle
	}
	if !ok {
		return slack.NewUpdateViewSubmissionResponse(doneView(title, jaSlack.NotCoordinatorView)), nil
	}
	now := wh.Now().In(wh.Location)
	var (
		problems map[string]string
		create   func() (string, error) // what was created, for the coordinator
	)
	if cb.View.CallbackID == callbackTask {
		var t *bot.Task
		t, problems = readTask(v, wh.Location, now)
		create = func() (string, error) {
			created, err := wh.Coordination.CreateTask(ctx, t)
			if err != nil {
				return "", err
			}
			wh.Logger.InfoContext(ctx, "task created from Slack", "task", created.ID, "user", cb.User.ID)
			return fmt.Sprintf(jaSlack.TaskCreated, escape(created.Title), bot.FormatSpanJA(created.Start, created.End, wh.Location),
				created.Headcount, created.ID), nil
		}
	} else {
		var s *bot.Session
		s, problems = readSession(v, wh.Location, now)
		create = func() (string, error) {
			created, err := wh.Coordination.CreateSession(ctx, s)
			if err != nil {
				return "", err
			}
			wh.Logger.InfoContext(ctx, "session created from Slack", "session", created.ID, "user", cb.User.ID)
			return fmt.Sprintf(jaSlack.SessionCreated, escape(created.Title), bot.FormatSpanJA(created.Start, created.End, wh.Location),
				created.Invited, created.ID), nil
		}
	}
	if problems != nil {
		return slack.NewErrorsViewSubmissionResponse(problems), nil
	}
	// A form is created once: a coordinator pressing 作成する again after
	// a slow answer must not offer the same work twice.
	key := "form:" + cb.Team.ID + ":" + cb.View.ID
	first, err := wh.Drafts.Claim(ctx, key, formMemory)
	if err != nil {
		return nil, err
	}
	if !first {
		return slack.NewUpdateViewSubmissionResponse(doneView(title, jaSlack.FormRepeated)), nil
	}
	text, err := create()
	if err != nil {
		// Nothing was created: the form may be sent again.
		if rerr := wh.Drafts.Release(ctx, key); rerr != nil {
			wh.Logger.ErrorContext(ctx, "form claim not released", "form", cb.View.CallbackID, "err", rerr)
		}
		if bot.ErrorCode(err) == bot.EUNPROCESSABLE {
			// Said in Japanese under the field's block: coordinators read
			// Slack in Japanese, and the block is known by the error's
			// field, not by its English message.
			return slack.NewErrorsViewSubmissionResponse(map[string]string{fieldBlock(bot.ErrorField(err), blockTitle): bot.ErrorJA(err)}), nil
		}
		return nil, err
	}
	return slack.NewUpdateViewSubmissionResponse(doneView(jaSlack.Created, text)), nil
}
