package google

import (
	"time"

	rrule "github.com/teambition/rrule-go"
	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/recur"
)

// propSeries marks, in extendedProperties.private, a recurring series
// sideways wrote (a standing 1:1 that ends within caps.series_max).
const propSeries = "sideways_series"

// seriesLast returns the start of the last instance of the series m whose
// first instance is first, or the zero time when the series has no end that
// can be found within the recurrence budget: a recurrence line without UNTIL
// or COUNT, a rule that cannot be read, or one cut by recur's work budget or
// instance cap (a hostile rule costs a bounded walk here as in Expand).
func seriesLast(lines []string, loc *time.Location, first time.Time) time.Time {
	last := first
	budget := recur.NewBudget(recur.Default)
	for _, line := range lines {
		name, value, err := splitLine(line)
		if err != nil {
			return time.Time{}
		}
		switch name {
		case "RRULE":
			opt, err := rrule.StrToROptionInLocation(value, loc)
			if err != nil || (opt.Until.IsZero() && opt.Count == 0) {
				return time.Time{}
			}
			opt.Dtstart = first
			r, err := recur.New(*opt)
			if err != nil {
				return time.Time{}
			}
			stop := opt.Until.Add(3 * time.Hour) // wall-clock margin for DST
			if opt.Until.IsZero() {
				stop = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
			}
			cut := r.Walk(first, stop, recur.Default.RuleInstances, budget, func(t time.Time) bool {
				if t.After(last) {
					last = t
				}
				return true
			})
			if cut != recur.Complete {
				return time.Time{}
			}
		case "RDATE":
			dates, err := rrule.StrToDatesInLoc(value, loc)
			if err != nil {
				return time.Time{}
			}
			for _, d := range dates {
				if d.After(last) {
					last = d
				}
			}
		}
	}
	return last
}

// seriesOf marks the occurrence fields that name the series an instance
// belongs to.
func seriesOf(m *calendarv3.Event, loc *time.Location, first time.Time) (id string, last time.Time) {
	return m.Id, seriesLast(m.Recurrence, loc, first)
}

// editedInstance reports whether the user changed an instance of a series
// sideways wrote: the series itself was edited, or this instance was moved
// from its original start or retitled. An exception that only carries an
// answer or a cancellation is not an edit.
func editedInstance(series, instance *calendar.Event, orig time.Time) bool {
	if instance.Cancelled() {
		return series.Edited
	}
	return series.Edited || !instance.Start.Equal(orig) || instance.Summary != series.Summary
}

// deletedSeries reads the master m of a series sideways wrote, deleted whole,
// as a deleted single suggestion or invite reads: one cancelled occurrence
// with its tags, Withdrawn mark, series fields and deletion time (Updated),
// standing for the series (its ID the series' id, no RecurrenceID), at the
// first instance that had not begun when the series was deleted (its first
// instance when none had, or when the deletion time is unknown). So the rules
// read a series the user deleted before it was over as their "no", exactly
// like a deleted single event, and one sideways withdrew as its own. The
// walk for that instance stops at to (later ones are outside the read) and
// spends x's budget; ok is false when m has no usable start and end.
func (x *expansion) deletedSeries(m *calendarv3.Event, to time.Time) (calendar.Event, bool) {
	p := x.plan(m, to, to) // its window is not used: deletedSeries walks its own
	if !p.ok {
		return calendar.Event{}, false
	}
	e := p.first
	e.SeriesID, e.SeriesLast = seriesOf(m, p.loc, e.Start)
	at := e.Updated
	if at.IsZero() || e.Start.After(at) || p.err != nil {
		return e, true
	}
	var next time.Time
	keep := func(t time.Time) bool {
		if !t.After(at) || p.exdates[t.Unix()] {
			return false
		}
		if next.IsZero() || t.Before(next) {
			next = t
		}
		return true
	}
	for _, d := range p.rdates {
		keep(d)
	}
	stop := to.Add(3 * time.Hour) // wall-clock margin for DST
	for _, r := range p.rules {
		r.Walk(at, stop, 1, x.budget, keep)
	}
	if !next.IsZero() {
		e.End = next.Add(e.End.Sub(e.Start))
		e.Start = next
	}
	return e, true
}
