package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// CreateSeries creates a task that repeats weekly, from t's date to the
// date until (inclusive, in the service time zone): each date is its own
// task, with its own places and fill. The first wave asks each person once
// for every date, on one card (they take all of them or choose); the
// places left after it are offered date by date, as for any task.
func (ts *TaskService) CreateSeries(ctx context.Context, t *Task, until time.Time) ([]*Task, error) {
	now := ts.Now()
	if t.OfferTTL == 0 {
		t.OfferTTL = DefaultOfferTTL
	}
	if err := t.Validate(ts.Catalog, now); err != nil {
		return nil, fmt.Errorf("create series: %w", err)
	}
	loc := ts.loc()
	first := t.Start.In(loc)
	y, m, d := until.In(loc).Date()
	last := time.Date(y, m, d, 23, 59, 59, 0, loc)
	switch {
	case last.Before(first):
		return nil, FieldErrorf(EUNPROCESSABLE, "repeat.until", "repeat.until is before the first date")
	case last.After(first.AddDate(0, 0, 7*MaxSeriesDates)):
		return nil, FieldErrorf(EUNPROCESSABLE, "repeat.until", "a series has at most %d dates", MaxSeriesDates)
	}
	series := ts.NewID()
	var tasks []*Task
	for i := 0; ; i++ {
		start := first.AddDate(0, 0, 7*i)
		if start.After(last) {
			break
		}
		d := *t
		d.ID, d.SeriesID, d.Status, d.CreatedAt = series+SeriesSep+strconv.Itoa(i+1), series, TaskOpen, now
		d.Start, d.End = start, start.Add(t.End.Sub(t.Start))
		if err := ts.Tasks.CreateTask(ctx, &d, ts.checks(&d)...); err != nil {
			return nil, fmt.Errorf("create series %s: %w", series, err)
		}
		tasks = append(tasks, &d)
	}
	ts.Logger.InfoContext(ctx, "series created", "series", series, "dates", len(tasks), "headcount", t.Headcount)
	if err := ts.seriesWave(ctx, tasks, now); err != nil {
		// The sweep offers each date; the tasks exist.
		ts.Logger.WarnContext(ctx, "first series wave failed", "series", series, "err", err)
	}
	return tasks, nil
}

// seriesWave asks the best candidates for the first date about every date:
// the offers of the later dates are recorded first, with nothing to send,
// then the first date's, whose event brings the person all of them. Quiet
// hours leave it to the sweep, date by date.
func (ts *TaskService) seriesWave(ctx context.Context, tasks []*Task, now time.Time) error {
	if ts.Quiet != nil && ts.Quiet.Contains(now.In(ts.loc())) {
		return nil
	}
	first := tasks[0]
	target := first.Headcount * ts.waveFactor()
	found := ts.Matcher.Candidates(first, func(string) bool { return false }, target)
	if len(found) == 0 {
		return nil
	}
	refs := make([]OfferRef, len(tasks))
	expiry := make([]time.Time, len(tasks))
	for i, t := range tasks {
		expiry[i] = ts.offerExpiry(t, now)
		refs[i] = ts.taskRef(t)
		refs[i].ExpiresAt, refs[i].State, refs[i].At = expiry[i], OfferOffered, now
	}
	for i := len(tasks) - 1; i >= 0; i-- {
		t := tasks[i]
		w := Wave{TaskID: t.ID, At: now, Target: target, End: tasks[len(tasks)-1].End}
		for _, c := range found {
			o := WaveOffer{ProfileID: c.ID, ExpiresAt: expiry[i]}
			if i == 0 {
				o = ts.waveOffer(t, c.ID, c.Reasons, false, now, expiry[i])
				ev := o.Out.Event
				// Each person's own copy: the reasons are theirs.
				ev.Series = append([]OfferRef(nil), refs...)
				for j := range ev.Series {
					ev.Series[j].Reasons = c.Reasons
				}
			}
			w.Offers = append(w.Offers, o)
		}
		if _, err := ts.Tasks.OfferWave(ctx, w); err != nil {
			return err
		}
	}
	ts.notify()
	return nil
}

// checks are the entries a new task schedules about itself: the "still
// short" check a day before and the unconfirmed check 2 hours before.
func (ts *TaskService) checks(t *Task) []Due {
	short := Due{At: t.Start.Add(-24 * time.Hour), Out: Outgoing{
		ID: shortID(t.ID), Kind: OutEvent, To: taskPrefix + t.ID,
		Event: &Inbound{ID: shortID(t.ID), Kind: EventTaskShort, Data: t.ID},
	}}
	unconfirmed := Due{At: t.Start.Add(-confirmWithin), Out: Outgoing{
		ID: unconfirmedID(t.ID), Kind: OutEvent, To: taskPrefix + t.ID,
		Event: &Inbound{ID: unconfirmedID(t.ID), Kind: EventTaskUnconfirmed, Data: t.ID},
	}}
	return []Due{short, unconfirmed}
}

// answerSeries applies one answer to several dates of a series, each in its
// own atomic step with its own event ID (so each is exactly once), then
// words one reply for them all.
func (ts *TaskService) answerSeries(ctx context.Context, in Inbound, snap Snapshot, res Result, now time.Time) (Result, error) {
	req := res.Answer
	outs := make(map[string]Outcome, len(req.Series))
	for _, id := range req.Series {
		one := *req
		one.TaskID, one.Series = id, nil
		ev := in
		if ev.ID != "" {
			ev.ID = seriesEventID(in.ID, id)
		}
		out, err := ts.apply(ctx, ev, snap, res, &one, now)
		if err != nil {
			return res, err
		}
		outs[id] = out
	}
	return AnsweredSeries(now, res, req, outs), nil
}

// AnsweredSeries is Answered for the dates of a series answered at once.
func AnsweredSeries(now time.Time, res Result, req *AnswerRequest, outs map[string]Outcome) Result {
	t := &turn{now: now, conv: res.Conv, out: res.Messages}
	t.conv.Offers = append([]OfferRef(nil), t.conv.Offers...)
	var accepted, waitlisted []string
	for _, id := range req.Series {
		out := outs[id]
		_, i := findRef(t.conv.Offers, id)
		if i < 0 || out.State == "" {
			continue
		}
		r := &t.conv.Offers[i]
		r.State = out.State
		if out.Changed {
			switch out.State {
			case OfferAccepted:
				r.AcceptedAt = now
				if res.Profile != nil {
					res.Profile.Counters.Accepts++
				}
			case OfferDeclined:
				if res.Profile != nil {
					res.Profile.Counters.Declines++
				}
			}
		}
		switch out.State {
		case OfferAccepted:
			accepted = append(accepted, dateLabel(*r, t.loc()))
		case OfferWaitlisted:
			waitlisted = append(waitlisted, dateLabel(*r, t.loc()))
		}
	}
	switch {
	case req.Silent:
	case req.Op == OpDecline:
		t.text(ja.Task.Declined)
	case len(accepted) == 0 && len(waitlisted) == 0:
		t.text(ja.Task.Closed)
	default:
		lines := []string{}
		if len(accepted) > 0 {
			lines = append(lines, fmt.Sprintf(ja.Task.SeriesAccepted, strings.Join(accepted, "、")))
		}
		if len(waitlisted) > 0 {
			lines = append(lines, fmt.Sprintf(ja.Task.SeriesWaitlisted, strings.Join(waitlisted, "、")))
		}
		t.text(strings.Join(lines, "\n"))
	}
	res.Conv, res.Messages, res.Answer = t.conv, t.out, nil
	return res
}

// dateLabel names one date of a series: 「12/7(月)」.
func dateLabel(r OfferRef, loc *time.Location) string {
	s := r.Start.In(loc)
	return fmt.Sprintf("%d/%d(%s)", s.Month(), s.Day(), weekdaysJA[s.Weekday()])
}

// seriesOffers are the person's offers of series still awaiting an answer.
func (t *turn) seriesOffers(series string) []OfferRef {
	return t.offersWhere(func(r OfferRef) bool {
		return r.SeriesID == series && r.State == OfferOffered && t.now.Before(r.Start) &&
			(r.ExpiresAt.IsZero() || t.now.Before(r.ExpiresAt))
	})
}

// offeredSeries records the offers of every date of a series and shows one
// card for them all.
func (t *turn) offeredSeries() {
	series := t.in.Series
	refs := t.conv.Offers[:len(t.conv.Offers):len(t.conv.Offers)]
	for _, r := range series {
		if old, i := findRef(refs, r.TaskID); i >= 0 {
			if old.State == OfferAccepted {
				continue
			}
			refs = append(refs[:i:i], refs[i+1:]...)
		}
		refs = append(refs, r)
	}
	t.conv.Offers = keepRefs(refs, t.now)
	t.p.Counters.Offers++
	if t.conv.Step == StepCancelTask {
		t.conv.endDetour()
	}
	t.changed = true
	first := series[0]
	s, e := first.Start.In(t.loc()), first.End.In(t.loc())
	card := t.offerCard(first)
	card.Card.Body = fmt.Sprintf(ja.Task.SeriesBody, weekdaysJA[s.Weekday()], s.Hour(), s.Minute(), e.Hour(), e.Minute(),
		len(series), dateLabel(first, t.loc()), dateLabel(series[len(series)-1], t.loc()))
	card.Card.Fields[0] = Field{Label: ja.Task.FieldWhen, Value: seriesDates(series, t.loc())}
	card.Card.Buttons = []Choice{
		OfferAcceptSeries(first.SeriesID).button(ja.Task.SeriesAcceptAll),
		OfferChooseDates(first.SeriesID).button(ja.Task.SeriesChoose),
		OfferDeclineSeries(first.SeriesID).button(ja.Task.Decline),
		OfferWhy(first.TaskID).button(ja.Task.Why),
	}
	t.say(card)
}

// seriesDates lists the dates of a series: 「12/7(月)、12/14(月)、…」.
func seriesDates(refs []OfferRef, loc *time.Location) string {
	labels := make([]string, len(refs))
	for i, r := range refs {
		labels[i] = dateLabel(r, loc)
	}
	return strings.Join(labels, "、")
}

// seriesButton handles the buttons of a series card: take every date,
// choose dates, or decline them all.
func (t *turn) seriesButton(a Action) {
	open := t.seriesOffers(a.ID)
	if len(open) == 0 {
		t.text(ja.Task.NotFound)
		return
	}
	ids := make([]string, len(open))
	for i, r := range open {
		ids[i] = r.TaskID
	}
	switch a.Op {
	case opAcceptAll:
		t.request = &AnswerRequest{TaskID: ids[0], Op: OpAccept, Series: ids}
	case opDeclineAll:
		t.request = &AnswerRequest{TaskID: ids[0], Op: OpDecline, Series: ids}
	case opChoose:
		ch := make([]Choice, 0, len(open))
		for _, r := range open {
			ch = append(ch, OfferAccept(r.TaskID).button(dateLabel(r, t.loc())))
		}
		t.text(ja.Task.SeriesWhich, ch...)
	default:
		t.text(ja.StaleButton)
	}
}
