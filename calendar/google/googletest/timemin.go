package googletest

import (
	"time"

	"github.com/teambition/rrule-go"
	calendarv3 "google.golang.org/api/calendar/v3"
)

// seriesMatches applies timeMin and timeMax to a recurring master listed with
// singleEvents=false. timeMin bounds an event's end and timeMax its start
// (DISC, events.list). For a series Google does not document which instance
// counts; it returns the master while any instance ends after timeMin and
// the first starts before timeMax (issue 10: "a series is returned while any
// instance ends after timeMin"; Google's own sync guide bounds its full sync
// with timeMin and expects to see the series that still recur). The fake does
// the same: a series whose last instance ended before timeMin (UNTIL or COUNT
// in the past) is left out, one that recurs into the window is kept however
// old its first instance.
func seriesMatches(ev *calendarv3.Event, start, end, timeMin, timeMax time.Time) bool {
	if !timeMax.IsZero() && !start.Before(timeMax) {
		return false
	}
	if timeMin.IsZero() || end.After(timeMin) {
		return true
	}
	loc := time.UTC
	if ev.Start != nil && ev.Start.TimeZone != "" {
		if l, err := time.LoadLocation(ev.Start.TimeZone); err == nil {
			loc = l
		}
	}
	set, err := rrule.StrSliceToRRuleSetInLoc(ev.Recurrence, loc)
	if err != nil {
		return true // unreadable: keep it, as a server that cannot tell would
	}
	set.DTStart(start.In(loc))
	// The first instance starting after timeMin − duration ends after timeMin.
	next := set.After(timeMin.Add(-end.Sub(start)), false)
	return !next.IsZero()
}
