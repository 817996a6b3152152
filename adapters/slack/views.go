package slack

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"tsunagu/bot"
	"tsunagu/bot/avail"
)

// Modal callback IDs: a view_submission is routed by them.
const (
	callbackJoin    = "tsunagu_join"
	callbackTask    = "tsunagu_task"
	callbackSession = "tsunagu_session"
)

// valueAction is the action ID of every input element: a field is known by
// its block ID.
const valueAction = "value"

// Block Kit limits the forms keep to.
const (
	maxTitleText   = 24
	maxOptionText  = 75
	maxOptions     = 100
	maxPlainInput  = 3000
	maxSkillsInput = bot.MaxSkills
	maxAvailText   = 300
)

// Block IDs of the join form, by the bot's form field.
const (
	blockName      = "name"
	blockArea      = "area"
	blockSkills    = "skills"
	blockDays      = "days"
	blockBands     = "bands"
	blockAvailText = "avail_text"
	blockLimit     = "weekly_limit"
	blockConsent   = "consent"
)

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, clip(s, maxSectionText), false, false)
}

func option(value, label string) *slack.OptionBlockObject {
	return slack.NewOptionBlockObject(value, plain(label, maxOptionText), nil)
}

func input(blockID, label string, el slack.BlockElement, optional bool, hint string) *slack.InputBlock {
	var h *slack.TextBlockObject
	if hint != "" {
		h = plain(hint, 150)
	}
	b := slack.NewInputBlock(blockID, plain(label, 2000), h, el)
	b.Optional = optional
	return b
}

func textInput(initial string, maxLen int, multiline bool) *slack.PlainTextInputBlockElement {
	el := slack.NewPlainTextInputBlockElement(nil, valueAction)
	el.InitialValue = initial
	el.MaxLength = maxLen
	el.Multiline = multiline
	return el
}

func numberInput(initial, lo, hi int) *slack.NumberInputBlockElement {
	el := slack.NewNumberInputBlockElement(nil, valueAction, false)
	if initial > 0 {
		el.InitialValue = strconv.Itoa(initial)
	}
	el.MinValue, el.MaxValue = strconv.Itoa(lo), strconv.Itoa(hi)
	return el
}

func areaOptions(cat *bot.Catalog) []*slack.OptionBlockObject {
	var opts []*slack.OptionBlockObject
	for _, a := range cat.Areas() {
		opts = append(opts, option(a.ID, a.LabelJA))
	}
	return opts[:min(len(opts), maxOptions)]
}

func skillOptions(cat *bot.Catalog) []*slack.OptionBlockObject {
	var opts []*slack.OptionBlockObject
	for _, s := range cat.Skills() {
		opts = append(opts, option(s.ID, s.LabelJA))
	}
	return opts[:min(len(opts), maxOptions)]
}

// pick returns the options among opts whose values are in values, for a
// form's initial state.
func pick(opts []*slack.OptionBlockObject, values []string) []*slack.OptionBlockObject {
	var out []*slack.OptionBlockObject
	for _, o := range opts {
		for _, v := range values {
			if o.Value == v {
				out = append(out, o)
				break
			}
		}
	}
	return out
}

func areaSelect(cat *bot.Catalog, initial string) *slack.SelectBlockElement {
	opts := areaOptions(cat)
	el := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(jaSlack.Choose, maxOptionText), valueAction, opts...)
	if o := pick(opts, []string{initial}); len(o) == 1 {
		el.InitialOption = o[0]
	}
	return el
}

func skillsSelect(cat *bot.Catalog, initial []string) *slack.MultiSelectBlockElement {
	opts := skillOptions(cat)
	el := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, plain(jaSlack.Choose, maxOptionText), valueAction, opts...)
	el.InitialOptions = pick(opts, initial)
	el.MaxSelectedItems = new(int)
	*el.MaxSelectedItems = maxSkillsInput
	return el
}

func checkboxes(opts []*slack.OptionBlockObject, initial []string) *slack.CheckboxGroupsBlockElement {
	el := slack.NewCheckboxGroupsBlockElement(valueAction, opts...)
	el.InitialOptions = pick(opts, initial)
	return el
}

func modal(callback, title, submit string, blocks ...slack.Block) slack.ModalViewRequest {
	v := slack.ModalViewRequest{
		Type:       slack.VTModal,
		CallbackID: callback,
		Title:      plain(title, maxTitleText),
		Close:      plain(jaSlack.Close, maxTitleText),
		Blocks:     slack.Blocks{BlockSet: blocks},
	}
	if submit != "" {
		v.Submit = plain(submit, maxTitleText)
	}
	return v
}

// doneView replaces a submitted modal with what became of it.
func doneView(title, text string) *slack.ModalViewRequest {
	v := modal("", title, "", slack.NewSectionBlock(mrkdwn(text), nil, nil))
	return &v
}

// joinModal is the join form, filled in with the profile when there is
// one (editing).
func joinModal(cat *bot.Catalog, p *bot.Profile) slack.ModalViewRequest {
	registered := p != nil && (p.Status == bot.StatusActive || p.Status == bot.StatusPaused)
	var (
		name, area   string
		skills       []string
		days, bands  []string
		availText    string
		limit        = 2
		consentGiven []string
	)
	if p != nil {
		name, area, skills = p.Name, p.Area, p.Skills
		if p.WeeklyLimit > 0 {
			limit = p.WeeklyLimit
		}
		// The week is shown one way only: as checkboxes when they can say
		// it, else as text, so what is shown is what is saved.
		d, b, exact := bot.BandsOf(p.Availability)
		if exact {
			for _, x := range d {
				days = append(days, strconv.Itoa(x))
			}
			bands = b
		} else if text := p.Availability.Japanese(); utf8.RuneCountInString(text) <= maxAvailText {
			availText = text
		}
		if p.ConsentedAt != nil {
			consentGiven = []string{"yes"}
		}
	}
	dayOpts := make([]*slack.OptionBlockObject, len(bot.FormDays))
	for i, d := range bot.FormDays {
		dayOpts[i] = option(strconv.Itoa(i), d)
	}
	var bandOpts []*slack.OptionBlockObject
	for _, b := range bot.FormBands {
		bandOpts = append(bandOpts, option(b.ID, b.Label))
	}
	title, submit := jaSlack.JoinTitle, jaSlack.JoinSubmit
	if registered {
		title, submit = jaSlack.EditTitle, jaSlack.EditSubmit
	}
	m := modal(callbackJoin, title, submit,
		slack.NewSectionBlock(mrkdwn(jaSlack.JoinIntro), nil, nil),
		input(blockName, jaSlack.FieldName, textInput(name, bot.MaxNameRunes, false), false, jaSlack.NameHint),
		input(blockArea, jaSlack.FieldArea, areaSelect(cat, area), false, ""),
		input(blockSkills, jaSlack.FieldSkills, skillsSelect(cat, skills), false, jaSlack.SkillsHint),
		input(blockDays, jaSlack.FieldDays, checkboxes(dayOpts, days), true, ""),
		input(blockBands, jaSlack.FieldBands, checkboxes(bandOpts, bands), true, ""),
		input(blockAvailText, jaSlack.FieldAvailText, textInput(availText, maxAvailText, false), true, jaSlack.AvailTextHint),
		input(blockLimit, jaSlack.FieldLimit, numberInput(limit, bot.MinWeeklyLimit, bot.MaxWeeklyLimit), false, jaSlack.LimitHint),
		input(blockConsent, jaSlack.FieldConsent, checkboxes([]*slack.OptionBlockObject{option("yes", jaSlack.ConsentOption)}, consentGiven), false, jaSlack.ConsentHint),
	)
	// What the form shows comes back with the submission: the week shown
	// as text, left as it was, is not a choice over checkboxes ticked
	// (readJoin), and an edit saves only the fields changed in it.
	meta := joinMeta{AvailText: availText}
	if registered {
		meta.Shown = &bot.ProfileForm{Name: p.Name, Area: p.Area, Skills: p.Skills, Availability: p.Availability, WeeklyLimit: p.WeeklyLimit}
	}
	if mj, err := json.Marshal(meta); err == nil && len(mj) <= maxPrivateMetadata {
		m.PrivateMetadata = string(mj)
	} else {
		m.PrivateMetadata = availText
	}
	return m
}

// joinMeta is the join form's private metadata: the week it showed as
// text, and for an edit what it showed.
type joinMeta struct {
	AvailText string           `json:"avail_text,omitempty"`
	Shown     *bot.ProfileForm `json:"shown,omitempty"`
}

// maxPrivateMetadata is Slack's limit on a view's private_metadata.
const maxPrivateMetadata = 3000

// readJoinMeta reads the private metadata of a join form: JSON, or from a
// form opened before it was, the week shown as text alone.
func readJoinMeta(s string) joinMeta {
	var m joinMeta
	if strings.HasPrefix(s, "{") && json.Unmarshal([]byte(s), &m) == nil {
		return m
	}
	return joinMeta{AvailText: s}
}

// values reads a submitted view's state.
type values map[string]map[string]slack.BlockAction

func (v values) get(block string) slack.BlockAction { return v[block][valueAction] }

func (v values) text(block string) string { return strings.TrimSpace(v.get(block).Value) }

func (v values) selected(block string) string { return v.get(block).SelectedOption.Value }

func (v values) selectedAll(block string) []string {
	var out []string
	for _, o := range v.get(block).SelectedOptions {
		out = append(out, o.Value)
	}
	return out
}

// readJoin reads the join form; problems are keyed by block ID. meta is
// its private metadata: the week it showed as text, if any, and for an
// edit what it showed.
func readJoin(cat *bot.Catalog, v values, meta string) (*bot.ProfileForm, map[string]string) {
	m := readJoinMeta(meta)
	shown := m.AvailText
	f := &bot.ProfileForm{
		Name:    v.text(blockName),
		Area:    v.selected(blockArea),
		Skills:  v.selectedAll(blockSkills),
		Consent: len(v.selectedAll(blockConsent)) == 1,
		Shown:   m.Shown,
	}
	problems := map[string]string{}
	if n, err := strconv.Atoi(v.text(blockLimit)); err == nil {
		f.WeeklyLimit = n
	}
	// Availability is asked one way or the other; when both are given, the
	// text (more precise) wins if it is understood, else the checkboxes,
	// and the confirmation says which was saved.
	checked := len(v.selectedAll(blockDays))+len(v.selectedAll(blockBands)) > 0
	var fromText avail.Week
	text := v.text(blockAvailText)
	if checked && shown != "" && text == strings.TrimSpace(shown) {
		// The week the edit form showed as text, left alone, with boxes
		// ticked: the boxes are the change.
		text = ""
	}
	if text != "" {
		if r, err := avail.Read(text); err == nil && !r.IsZero() {
			fromText = r.Apply(avail.Week{})
		}
	}
	switch {
	case !fromText.IsZero():
		f.Availability = fromText
		if checked {
			f.AvailNote = fmt.Sprintf(jaSlack.AvailTextUsed, fromText.Japanese())
		}
	case text != "" && !checked:
		problems[blockAvailText] = jaSlack.AvailTextUnknown
	default:
		var days []int
		for _, d := range v.selectedAll(blockDays) {
			if n, err := strconv.Atoi(d); err == nil {
				days = append(days, n)
			}
		}
		bands := v.selectedAll(blockBands)
		f.Availability = bot.WeekOf(days, bands)
		if len(days) > 0 && len(bands) == 0 {
			problems[blockBands] = jaSlack.BandsMissing
		}
		switch {
		case text != "" && f.Availability.IsZero():
			problems[blockAvailText] = jaSlack.AvailTextUnknown
		case text != "":
			f.AvailNote = fmt.Sprintf(jaSlack.AvailBoxesUsed, f.Availability.Japanese())
		}
	}
	_, saidText := problems[blockAvailText]
	_, saidBands := problems[blockBands]
	for _, e := range bot.FieldErrors(f.Validate(cat)) {
		if e.Field == bot.FormAvailability && (saidText || saidBands) {
			continue // already said more precisely
		}
		problems[fieldBlock(e.Field, blockName)] = bot.ErrorJA(e)
	}
	if len(problems) == 0 {
		return f, nil
	}
	return f, problems
}

// Block IDs of the coordinators' task and session forms.
const (
	blockTitle       = "title"
	blockDescription = "description"
	blockOrg         = "organization"
	blockDate        = "date"
	blockStart       = "start"
	blockEnd         = "end"
	blockHeadcount   = "headcount"
	blockReward      = "reward"
	blockURL         = "url"
	blockAudAreas    = "audience_areas"
	blockAudSkills   = "audience_skills"
	blockReminders   = "reminders"
)

func datePicker(initial time.Time) *slack.DatePickerBlockElement {
	el := slack.NewDatePickerBlockElement(valueAction)
	el.InitialDate = initial.Format(time.DateOnly)
	return el
}

func timePicker(initial string) *slack.TimePickerBlockElement {
	el := slack.NewTimePickerBlockElement(valueAction)
	el.InitialTime = initial
	return el
}

// taskModal is the coordinators' form for a task, the same fields as POST
// /api/tasks.
func taskModal(cat *bot.Catalog, today time.Time) slack.ModalViewRequest {
	skills := skillsSelect(cat, nil)
	return modal(callbackTask, jaSlack.TaskTitle, jaSlack.Create,
		input(blockTitle, jaSlack.FieldTitle, textInput("", bot.MaxTitleRunes, false), false, jaSlack.TitleHint),
		input(blockDescription, jaSlack.FieldDescription, textInput("", bot.MaxDescriptionRunes, true), true, ""),
		input(blockOrg, jaSlack.FieldOrg, textInput("", 100, false), true, ""),
		input(blockSkills, jaSlack.FieldTaskSkills, skills, true, jaSlack.TaskSkillsHint),
		input(blockArea, jaSlack.FieldArea, areaSelect(cat, ""), false, ""),
		input(blockDate, jaSlack.FieldDate, datePicker(today.AddDate(0, 0, 1)), false, ""),
		input(blockStart, jaSlack.FieldStart, timePicker("09:00"), false, ""),
		input(blockEnd, jaSlack.FieldEnd, timePicker("12:00"), false, ""),
		input(blockHeadcount, jaSlack.FieldHeadcount, numberInput(1, 1, bot.MaxHeadcount), false, ""),
		input(blockReward, jaSlack.FieldReward, textInput("", 100, false), true, jaSlack.RewardHint),
	)
}

// heading reads what every coordinator form has: the title, and the date
// with the start and end times in loc, which must be after now.
func heading(v values, loc *time.Location, now time.Time, problems map[string]string) (title string, start, end time.Time) {
	title = v.text(blockTitle)
	if title == "" {
		problems[blockTitle] = jaSlack.TitleMissing
	}
	start, end = span(v, loc, problems)
	if _, ok := problems[blockDate]; !ok && !start.IsZero() && !start.After(now) {
		problems[blockStart] = jaSlack.StartPast
	}
	return title, start, end
}

// span reads the date and the start and end times of a form in loc.
func span(v values, loc *time.Location, problems map[string]string) (start, end time.Time) {
	day, err := time.ParseInLocation(time.DateOnly, v.get(blockDate).SelectedDate, loc)
	if err != nil {
		problems[blockDate] = jaSlack.DateMissing
		return
	}
	at := func(block string) time.Time {
		c, err := time.Parse("15:04", v.get(block).SelectedTime)
		if err != nil {
			problems[block] = jaSlack.TimeMissing
			return time.Time{}
		}
		return time.Date(day.Year(), day.Month(), day.Day(), c.Hour(), c.Minute(), 0, 0, loc)
	}
	start, end = at(blockStart), at(blockEnd)
	if len(problems) == 0 && !end.After(start) {
		problems[blockEnd] = jaSlack.EndBeforeStart
	}
	return start, end
}

// readTask reads the task form; problems are keyed by block ID.
func readTask(v values, loc *time.Location, now time.Time) (*bot.Task, map[string]string) {
	problems := map[string]string{}
	t := &bot.Task{
		Description:  v.text(blockDescription),
		Organization: v.text(blockOrg),
		Skills:       v.selectedAll(blockSkills),
		Area:         v.selected(blockArea),
		Reward:       v.text(blockReward),
	}
	if t.Skills == nil {
		t.Skills = []string{}
	}
	t.Remote = t.Area == bot.AreaRemote
	t.Title, t.Start, t.End = heading(v, loc, now, problems)
	n, err := strconv.Atoi(v.text(blockHeadcount))
	if err != nil || n < 1 || n > bot.MaxHeadcount {
		problems[blockHeadcount] = fmt.Sprintf(jaSlack.HeadcountRange, bot.MaxHeadcount)
	}
	t.Headcount = n
	if len(problems) == 0 {
		return t, nil
	}
	return t, problems
}

// reminderOffsets are the reminders a session form offers.
var reminderOffsets = []struct {
	d     time.Duration
	label string
}{
	{24 * time.Hour, "前日（24時間前）"}, {3 * time.Hour, "3時間前"}, {time.Hour, "1時間前"}, {15 * time.Minute, "15分前"},
}

// sessionModal is the coordinators' form for a session, the same fields as
// POST /api/sessions.
func sessionModal(cat *bot.Catalog, today time.Time) slack.ModalViewRequest {
	var remOpts []*slack.OptionBlockObject
	var remInit []string
	for _, r := range reminderOffsets {
		remOpts = append(remOpts, option(r.d.String(), r.label))
		for _, d := range bot.DefaultSessionReminders {
			if d == r.d {
				remInit = append(remInit, r.d.String())
			}
		}
	}
	areas := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, plain(jaSlack.Everyone, maxOptionText), valueAction, areaOptions(cat)...)
	skills := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, plain(jaSlack.Everyone, maxOptionText), valueAction, skillOptions(cat)...)
	return modal(callbackSession, jaSlack.SessionTitle, jaSlack.Create,
		input(blockTitle, jaSlack.FieldTitle, textInput("", bot.MaxTitleRunes, false), false, jaSlack.SessionTitleHint),
		input(blockDescription, jaSlack.FieldDescription, textInput("", bot.MaxDescriptionRunes, true), true, ""),
		input(blockDate, jaSlack.FieldDate, datePicker(today.AddDate(0, 0, 7)), false, ""),
		input(blockStart, jaSlack.FieldStart, timePicker("19:00"), false, ""),
		input(blockEnd, jaSlack.FieldEnd, timePicker("20:00"), false, ""),
		input(blockURL, jaSlack.FieldURL, slack.NewURLTextInputBlockElement(nil, valueAction), true, jaSlack.URLHint),
		input(blockAudAreas, jaSlack.FieldAudAreas, areas, true, jaSlack.AudienceHint),
		input(blockAudSkills, jaSlack.FieldAudSkills, skills, true, jaSlack.AudienceHint),
		input(blockReminders, jaSlack.FieldReminders, checkboxes(remOpts, remInit), true, ""),
	)
}

// readSession reads the session form; problems are keyed by block ID.
func readSession(v values, loc *time.Location, now time.Time) (*bot.Session, map[string]string) {
	problems := map[string]string{}
	s := &bot.Session{
		Description: v.text(blockDescription),
		URL:         v.text(blockURL),
		Audience:    bot.Audience{Areas: v.selectedAll(blockAudAreas), Skills: v.selectedAll(blockAudSkills)},
		Reminders:   []time.Duration{},
	}
	s.Title, s.Start, s.End = heading(v, loc, now, problems)
	for _, r := range v.selectedAll(blockReminders) {
		if d, err := time.ParseDuration(r); err == nil {
			s.Reminders = append(s.Reminders, d)
		}
	}
	if len(problems) == 0 {
		return s, nil
	}
	return s, problems
}

// fieldBlocks maps the fields of the bot's errors (the API's JSON names)
// to the form blocks that show them.
var fieldBlocks = map[string]string{
	bot.FormName: blockName, bot.FormArea: blockArea, bot.FormSkills: blockSkills,
	bot.FormAvailability: blockDays, bot.FormLimit: blockLimit, bot.FormConsent: blockConsent,
	"title": blockTitle, "description": blockDescription, "organization": blockOrg, "reward": blockReward,
	"start": blockStart, "end": blockEnd, "headcount": blockHeadcount, "url": blockURL,
	"audience.areas": blockAudAreas, "audience.skills": blockAudSkills, "reminders": blockReminders,
}

// fieldBlock is the form block that shows an error about field, or
// fallback (the form's first block) for a field the form does not show.
func fieldBlock(field, fallback string) string {
	if b, ok := fieldBlocks[field]; ok {
		return b
	}
	return fallback
}

// homeView renders the bot's home screen as an App Home tab.
func homeView(msgs []bot.Message) slack.HomeTabViewRequest {
	_, blocks := Render(msgs)
	if len(blocks) > maxHomeBlocks {
		blocks = blocks[:maxHomeBlocks]
	}
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
}

// maxHomeBlocks is Slack's limit for a Home tab.
const maxHomeBlocks = 100
