package google

import (
	"strings"
	"time"

	rrule "github.com/teambition/rrule-go"
	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar"
)

// propSeries marks, in extendedProperties.private, a recurring series
// sideways wrote (a standing 1:1 that ends within caps.series_max).
const propSeries = "sideways_series"

// seriesLast returns the start of the last instance of the series m whose
// first instance is first, or the zero time when the series has no end: a
// recurrence line without UNTIL or COUNT, or more instances than maxSteps.
func seriesLast(lines []string, loc *time.Location, first time.Time) (last time.Time) {
	for _, l := range lines {
		up := strings.ToUpper(l)
		if strings.HasPrefix(up, "RRULE:") && !strings.Contains(up, "UNTIL=") && !strings.Contains(up, "COUNT=") {
			return time.Time{}
		}
	}
	defer func() {
		if recover() != nil {
			last = time.Time{}
		}
	}()
	set, err := rrule.StrSliceToRRuleSetInLoc(lines, loc)
	if err != nil {
		return time.Time{}
	}
	set.DTStart(first)
	set.RDate(first)
	next := set.Iterator()
	for n := 0; n < maxSteps; n++ {
		t, ok := next()
		if !ok {
			return last
		}
		last = t
	}
	return time.Time{}
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
