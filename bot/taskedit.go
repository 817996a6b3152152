package bot

import (
	"context"
	"fmt"
	"strings"
)

// TaskEdit is what a coordinator may change in a task after posting it:
// its words and its headcount. Its time, place and skills decide who was
// asked, so changing them is a new task (cancel and post again).
type TaskEdit struct {
	Title        *string `json:"title"`
	Description  *string `json:"description"`
	Organization *string `json:"organization"`
	Reward       *string `json:"reward"`
	Headcount    *int    `json:"headcount"`
}

// EditTask changes a task's words or headcount: ENOTFOUND for an unknown
// task, ECONFLICT for one cancelled or begun or a headcount below the
// people already accepted, EUNPROCESSABLE naming a bad field. More places
// reopen a filled task and the sweep offers them at once; people already
// offered keep the words of their card.
func (ts *TaskService) EditTask(ctx context.Context, id string, e TaskEdit) (*TaskView, error) {
	if err := checkID("task", id); err != nil {
		return nil, err
	}
	now := ts.Now()
	v, err := ts.Tasks.FindTask(ctx, id, now)
	if err != nil {
		return nil, err
	}
	t := v.Task
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	set(&t.Title, e.Title)
	set(&t.Description, e.Description)
	set(&t.Organization, e.Organization)
	set(&t.Reward, e.Reward)
	if e.Headcount != nil {
		t.Headcount = *e.Headcount
	}
	switch {
	case t.Status == TaskCancelled || t.Status == TaskClosed:
		return nil, Errorf(ECONFLICT, "task %s is %s", id, t.Status)
	case !now.Before(t.Start):
		return nil, Errorf(ECONFLICT, "task %s has begun", id).sayJA(ja.Task.BegunNoEdit)
	}
	if err := validateText(t.Title, t.Description); err != nil {
		return nil, err
	}
	if err := checkText("organization", t.Organization, MaxOrganizationLen, false); err != nil {
		return nil, err
	}
	if err := checkText("reward", t.Reward, MaxRewardLen, false); err != nil {
		return nil, err
	}
	if t.Headcount < 1 || t.Headcount > MaxHeadcount {
		return nil, FieldErrorf(EUNPROCESSABLE, "headcount", "headcount must be between 1 and %d", MaxHeadcount)
	}
	if t.Headcount < len(v.Accepted) {
		return nil, FieldErrorf(ECONFLICT, "headcount", "%d people have already accepted task %s", len(v.Accepted), id).
			sayJA(fmt.Sprintf(ja.Task.HeadcountBelowAccepted, len(v.Accepted)))
	}
	if err := ts.Tasks.UpdateTask(ctx, &t, now); err != nil {
		return nil, fmt.Errorf("edit task %s: %w", id, err)
	}
	ts.Logger.InfoContext(ctx, "task edited", "task", id, "headcount", t.Headcount)
	if t.Headcount > v.Headcount {
		if _, err := ts.offerWave(ctx, id, now); err != nil {
			// The sweep will try again: the task is due for offers.
			ts.Logger.WarnContext(ctx, "wave after a new headcount failed", "task", id, "err", err)
		}
	}
	return ts.Tasks.FindTask(ctx, id, now)
}
