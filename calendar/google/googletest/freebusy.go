package googletest

import (
	"time"

	"github.com/teambition/rrule-go"
	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar"
)

// seriesBusy is the busy time of the recurring master ev in [from, to), as
// freeBusy.query reports it: each instance of the series counts, expanded in
// the series' own zone (DISC: for recurring events start.timeZone "indicates
// the timezone in which the recurrence is expanded"), except those replaced
// by an exception, which count, if at all, as events of their own (a
// cancelled one not at all; DISC freeBusy: busy lists the calendar's busy
// time, and a cancelled instance is not on the calendar).
func seriesBusy(c *fakeCal, ev *calendarv3.Event, from, to time.Time) []calendar.Interval {
	start, end, ok := span(ev)
	if !ok {
		return nil
	}
	loc := time.UTC
	if ev.Start.TimeZone != "" {
		if l, err := time.LoadLocation(ev.Start.TimeZone); err == nil {
			loc = l
		}
	}
	set, err := rrule.StrSliceToRRuleSetInLoc(ev.Recurrence, loc)
	if err != nil {
		return []calendar.Interval{{Start: maxTime(start, from), End: minTime(end, to)}}
	}
	set.DTStart(start.In(loc))
	set.RDate(start.In(loc)) // the first instance always counts
	replaced := map[int64]bool{}
	for _, st := range c.events {
		if st.ev.RecurringEventId == ev.Id {
			if orig, ok := instant(st.ev.OriginalStartTime); ok {
				replaced[orig.Unix()] = true
			}
		}
	}
	dur := end.Sub(start)
	var out []calendar.Interval
	for _, t := range set.Between(from.Add(-dur), to, false) {
		if replaced[t.Unix()] || !t.Add(dur).After(from) {
			continue
		}
		out = append(out, calendar.Interval{Start: maxTime(t, from), End: minTime(t.Add(dur), to)})
	}
	return out
}
