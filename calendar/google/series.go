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
