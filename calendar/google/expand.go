package google

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/teambition/rrule-go"
	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/recur"
)

// Expand turns Google events as listed with singleEvents=false (single events,
// series masters, exceptions) into the occurrences overlapping [from, to),
// sorted by start, then UID, then recurrence id. Exceptions whose series is
// unknown stand alone unless cancelled. Series whose recurrence lines cannot be
// read contribute their first instance and a warning on log. Deleted events are
// left out, except those sideways wrote, which come with StatusCancelled (and
// their deletion time in Updated): they are how dismissals are read. A series
// sideways wrote that was deleted whole comes as one such occurrence, standing
// for the series (its ID the series', no RecurrenceID; see deletedSeries);
// the exceptions of a deleted series are left out with it.
//
// Recurrence is expanded within the budget of an ICS feed (recur.Default), the
// calendar counting as one feed: a rule that examines too many candidate
// times, or runs once the calendar's rules have examined theirs, is cut; a
// series keeps at most RuleInstances instances, and when the series together
// have more than FeedInstances, the biggest are cut to a common number. Each
// cut is a warning on log naming the calendar, the series and the rule. A
// MINUTELY or SECONDLY rule, or one that can never match, is ignored with a
// warning: the series keeps its first instance.
func Expand(calName string, evs []*calendarv3.Event, from, to time.Time, log *slog.Logger) []calendar.Event {
	return expand(calName, evs, from, to, log, recur.Default)
}

func expand(calName string, evs []*calendarv3.Event, from, to time.Time, log *slog.Logger, limits recur.Limits) []calendar.Event {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	window := calendar.Interval{Start: from, End: to}
	overlaps := func(e *calendar.Event) bool { return e.Span(from.Location()).Overlaps(window) }
	masters := map[string]*calendarv3.Event{}
	exceptions := map[string][]*calendarv3.Event{}
	gone := map[string]bool{} // deleted series, whose exceptions go with them
	var deleted []*calendarv3.Event
	out := make([]calendar.Event, 0, len(evs)) // most are single events in the window
	for _, ev := range evs {
		switch {
		case ev.RecurringEventId != "":
			exceptions[ev.RecurringEventId] = append(exceptions[ev.RecurringEventId], ev)
		case ev.Status == "cancelled":
			tag, _ := tags(ev)
			if len(ev.Recurrence) > 0 {
				gone[ev.Id] = true
				if tag != "" {
					deleted = append(deleted, ev)
				}
				continue
			}
			if tag == "" {
				continue
			}
			if e, ok := toEvent(calName, ev); ok && overlaps(&e) {
				out = append(out, e)
			}
		case len(ev.Recurrence) > 0:
			masters[ev.Id] = ev
		default:
			if e, ok := toEvent(calName, ev); ok && overlaps(&e) {
				out = append(out, e)
			}
		}
	}
	for parent, exs := range exceptions {
		if masters[parent] != nil || gone[parent] {
			continue
		}
		for _, ev := range exs {
			if ev.Status == "cancelled" {
				continue
			}
			if e, ok := toEvent(calName, ev); ok && overlaps(&e) {
				out = append(out, e)
			}
		}
	}
	// Cheapest first (by the work their rules are expected to take), then by
	// id: a spent budget cuts the most expensive series, the same every time.
	x := &expansion{cal: calName, log: log, limits: limits, budget: recur.NewBudget(limits), level: limits.RuleInstances}
	// Deleted series first: each costs a walk to one instance, and a
	// dismissal must not be lost to a budget spent on live series.
	slices.SortFunc(deleted, func(a, b *calendarv3.Event) int { return cmp.Compare(a.Id, b.Id) })
	for _, m := range deleted {
		if e, ok := x.deletedSeries(m, to); ok && overlaps(&e) {
			out = append(out, e)
		}
	}
	plans := make([]*plan, 0, len(masters))
	for _, m := range masters {
		plans = append(plans, x.plan(m, from, to))
	}
	slices.SortFunc(plans, func(a, b *plan) int { return cmp.Or(cmp.Compare(a.cost, b.cost), cmp.Compare(a.m.Id, b.m.Id)) })
	for _, p := range plans {
		s := x.series(p, exceptions[p.m.Id], overlaps)
		out = append(out, s.exceptions...)
		if len(s.instances) > 0 {
			x.all = append(x.all, s)
			x.kept += len(s.instances)
			if x.kept > limits.FeedInstances {
				x.share()
			}
		}
	}
	x.finish()
	out = slices.Grow(out, x.kept)
	for _, s := range x.all {
		out = append(out, s.instances...)
	}
	calendar.Sort(out)
	return out
}

// expansion is the state of one Expand: the calendar's budget, the share each
// series may keep, and the series so far.
type expansion struct {
	cal    string
	log    *slog.Logger
	limits recur.Limits
	budget *recur.Budget
	// level is the most instances one series may keep: RuleInstances, or less
	// once the series have had to share FeedInstances.
	level int
	all   []*series
	kept  int // instances in all
	// feedCuts counts the rules cut because the calendar's work budget was
	// spent; only the first gets its own warning.
	feedCuts int
}

// series is one recurring master expanded: the occurrences its exceptions
// give, and those its rules give, in order.
type series struct {
	m          *calendarv3.Event
	exceptions []calendar.Event
	instances  []calendar.Event
	cut        recur.InstanceCut
}

// plan is a recurring master read and ready to expand.
type plan struct {
	m             *calendarv3.Event
	first         calendar.Event // its first instance
	ok            bool           // false when it has no usable start and end
	loc           *time.Location // the zone it recurs in
	after, before time.Time      // the starts that may overlap the window
	rules         []rule
	rdates        []time.Time
	exdates       map[int64]bool
	err           error // an unreadable recurrence line
	cost          float64
	capped        bool // a rule, or the rules together, reached the cap
}

// rule is an RRULE line, compiled.
type rule struct {
	*recur.Rule
	line string
}

// plan reads a master's start and recurrence lines (RRULE, RDATE, EXDATE;
// Google sends no DTSTART, and the series' start is its DTSTART). A rule that
// is not expanded (MINUTELY, SECONDLY) or can never match is left out with a
// warning.
func (x *expansion) plan(m *calendarv3.Event, from, to time.Time) *plan {
	p := &plan{m: m, exdates: map[int64]bool{}}
	p.first, p.ok = toEvent(x.cal, m)
	if !p.ok {
		return p
	}
	dur := p.first.End.Sub(p.first.Start)
	p.loc = p.first.Start.Location()
	if p.first.AllDay {
		p.loc = time.UTC
	}
	// Widen by a day for all-day series, whose span depends on the reader's zone.
	p.after, p.before = from.Add(-dur).Add(time.Second), to
	if p.first.AllDay {
		p.after, p.before = p.after.Add(-48*time.Hour), p.before.Add(48*time.Hour)
	}
	defer func() {
		if r := recover(); r != nil {
			p.rules, p.err = nil, fmt.Errorf("recurrence %q: %v", m.Recurrence, r)
		}
	}()
	for _, line := range m.Recurrence {
		name, value, err := splitLine(line)
		if err != nil {
			p.err = err
			return p
		}
		switch name {
		case "RRULE":
			opt, err := rrule.StrToROptionInLocation(value, p.loc)
			if err != nil {
				p.err = fmt.Errorf("recurrence %q: %w", line, err)
				return p
			}
			opt.Dtstart = p.first.Start
			r, err := recur.New(*opt)
			if errors.Is(err, recur.ErrFrequency) {
				x.ignored(m, line, fmt.Sprintf("is not expanded (FREQ=%v)", opt.Freq))
				continue
			} else if err != nil {
				p.err = fmt.Errorf("recurrence %q: %w", line, err)
				return p
			}
			if why := r.Never(); why != "" {
				x.ignored(m, line, "never matches ("+why+")")
				continue
			}
			p.rules = append(p.rules, rule{r, line})
			p.cost += r.Cost(p.after, p.before)
		case "RDATE", "EXDATE":
			dates, err := rrule.StrToDatesInLoc(value, p.loc)
			if err != nil {
				p.err = fmt.Errorf("recurrence %q: %w", line, err)
				return p
			}
			for _, d := range dates {
				if name == "EXDATE" {
					p.exdates[d.Unix()] = true
				} else {
					p.rdates = append(p.rdates, d)
				}
			}
		}
	}
	return p
}

// series expands a planned master with its exceptions.
func (x *expansion) series(p *plan, exs []*calendarv3.Event, overlaps func(*calendar.Event) bool) *series {
	m, first := p.m, p.first
	s := &series{m: m}
	if !p.ok {
		x.log.Warn("google: series without a usable start or end", "calendar", x.cal, "event", m.Id)
		return s
	}
	dur := first.End.Sub(first.Start)
	first.SeriesID, first.SeriesLast = seriesOf(m, p.loc, first.Start)
	// Exceptions are keyed by the instant their instance would have started.
	byOrig := map[int64]*calendarv3.Event{}
	for _, ex := range exs {
		orig, ok := parseDateTime(ex.OriginalStartTime, p.loc)
		if !ok {
			continue
		}
		byOrig[orig.Unix()] = ex
		var e calendar.Event
		if ex.Status == "cancelled" && ex.Start == nil {
			// A minimal cancelled instance: the series' fields at its slot.
			e = first
			e.ID, e.Status = ex.Id, calendar.StatusCancelled
			e.Start, e.End = orig, orig.Add(dur)
		} else if e, ok = toEvent(x.cal, ex); !ok {
			continue
		}
		e.RecurrenceID = orig.UTC()
		if first.AllDay {
			e.RecurrenceID = orig
		}
		if e.UID == "" {
			e.UID = first.UID
		}
		e.SeriesID, e.SeriesLast = first.SeriesID, first.SeriesLast
		e.Edited = e.Tag != "" && editedInstance(&first, &e, orig)
		if overlaps(&e) {
			s.exceptions = append(s.exceptions, e)
		}
	}
	var starts []time.Time
	if p.err != nil {
		x.log.Warn("google: unreadable recurrence", "calendar", x.cal, "event", m.Id, "err", p.err)
		starts = []time.Time{first.Start}
	} else if starts = x.occurrences(p); len(starts) > x.level {
		starts = starts[:x.level]
	}
	s.instances = make([]calendar.Event, 0, len(starts))
	for _, t := range starts {
		if byOrig[t.Unix()] != nil {
			continue
		}
		e := first
		e.Start, e.End = t, t.Add(dur)
		e.RecurrenceID = t.UTC()
		e.ID = m.Id + "_" + t.UTC().Format("20060102T150405Z")
		if first.AllDay {
			e.RecurrenceID = t
			e.ID = m.Id + "_" + t.Format("20060102")
		}
		if overlaps(&e) {
			s.instances = append(s.instances, e)
		}
	}
	if p.capped {
		s.cut = x.limits.CapAt(x.level)
	}
	return s
}

// occurrences returns the starts of a planned series in [after, before], in
// order: its rules walked within x's budget, its RDATEs, and its start, which
// Google always counts as the first instance; less its EXDATEs. A cut by
// work is a warning here; one at the series' cap of instances sets capped.
func (x *expansion) occurrences(p *plan) []time.Time {
	set := map[int64]time.Time{}
	add := func(t time.Time) bool {
		k := t.Unix()
		if t.Before(p.after) || t.After(p.before) || p.exdates[k] {
			return false
		}
		if _, dup := set[k]; dup {
			return false
		}
		set[k] = t
		return true
	}
	add(p.first.Start)
	for _, d := range p.rdates {
		add(d)
	}
	// The walk compares wall clocks with its end: a margin covers DST.
	stop := p.before.Add(3 * time.Hour)
	for _, r := range p.rules {
		switch r.Walk(p.after, stop, x.level, x.budget, add) {
		case recur.CutInstances:
			p.capped = true
		case recur.CutRuleWork:
			x.log.Warn("google: recurrence cut: the rule examined too many candidate times (the per-rule limit); later instances are left out",
				"calendar", x.cal, "event", p.m.Id, "rule", r.line, "limit", x.limits.RuleWork)
		case recur.CutFeedWork:
			x.feedCuts++
			if x.feedCuts == 1 {
				x.log.Warn("google: recurrence cut: the calendar's rules examined too many candidate times (the per-feed limit); "+
					"this rule and every later one keep only the instances found so far",
					"calendar", x.cal, "event", p.m.Id, "rule", r.line, "limit", x.limits.FeedWork)
			}
		}
	}
	ts := make([]time.Time, 0, len(set))
	for _, t := range set {
		ts = append(ts, t)
	}
	slices.SortFunc(ts, time.Time.Compare)
	if len(ts) > x.level {
		p.capped = true
	}
	return ts
}

// splitLine splits a recurrence line into its upper-case name and the rest:
// "RRULE:FREQ=DAILY" gives RRULE and FREQ=DAILY, "EXDATE;TZID=X:…" gives
// EXDATE and TZID=X:….
func splitLine(line string) (name, value string, err error) {
	line = strings.TrimSpace(line)
	i := strings.IndexAny(line, ";:")
	if i <= 0 || strings.Contains(line[:i], "=") {
		return "", "", fmt.Errorf("recurrence line %q: bad format", line)
	}
	return strings.ToUpper(line[:i]), line[i+1:], nil
}

// ignored warns about a rule the series is expanded without.
func (x *expansion) ignored(m *calendarv3.Event, line, why string) {
	x.log.Warn("google: recurrence rule "+why+"; the rule is ignored and the series keeps its first instance",
		"calendar", x.cal, "event", m.Id, "rule", line)
}

// share cuts the biggest series so that together they keep at most 7/8 of
// FeedInstances (leaving room for the next ones), each keeping its earliest
// instances, and lowers level so later series are cut alike.
func (x *expansion) share() {
	counts := make([]int, len(x.all))
	for i, s := range x.all {
		counts[i] = len(s.instances)
	}
	level := recur.Share(counts, x.limits.FeedInstances/8*7)
	x.level = min(x.level, level)
	x.kept = 0
	for _, s := range x.all {
		if len(s.instances) > level {
			s.instances = slices.Clone(s.instances[:level]) // and let the rest go
			s.cut = recur.Shared
		}
		x.kept += len(s.instances)
	}
}

// finish warns about each series that lost instances to a cap, with the
// number it kept in the end, and sums up the rules a spent budget cut.
func (x *expansion) finish() {
	for _, s := range x.all {
		var rule string
		for _, l := range s.m.Recurrence {
			if name, _, _ := splitLine(l); name == "RRULE" {
				rule = l
				break
			}
		}
		switch s.cut {
		case recur.RuleCapped:
			x.log.Warn("google: recurrence cut at the per-rule limit of instances in the window; later instances are left out",
				"calendar", x.cal, "event", s.m.Id, "rule", rule, "kept", len(s.instances))
		case recur.Shared:
			x.log.Warn("google: recurrence cut: the calendar's series have more instances in the window than the per-feed limit, "+
				"and the biggest are cut to a common number; later instances are left out",
				"calendar", x.cal, "event", s.m.Id, "rule", rule, "kept", len(s.instances), "limit", x.limits.FeedInstances)
		}
	}
	if x.feedCuts > 1 {
		x.log.Warn("google: more recurrence rules were cut: the calendar's work budget was spent",
			"calendar", x.cal, "rules", x.feedCuts-1, "limit", x.limits.FeedWork)
	}
}
