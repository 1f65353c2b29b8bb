package googletest

import (
	"time"

	calendarv3 "google.golang.org/api/calendar/v3"
)

// EditInstance changes one instance of the recurring event series in cal, as
// a change made elsewhere ("this event" in Google Calendar): Google stores an
// exception, an event with id series_YYYYMMDDTHHMMSSZ (the original start in
// UTC), recurringEventId and originalStartTime, carrying the series' fields
// (extended properties included) with f applied. It returns the exception.
func (s *Server) EditInstance(cal, series string, orig time.Time, f func(*calendarv3.Event)) *calendarv3.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cals[s.resolve(cal)]
	m := c.events[series].ev
	ev := clone(m)
	ev.Id = series + "_" + orig.UTC().Format("20060102T150405Z")
	ev.Recurrence = nil
	ev.RecurringEventId = series
	zone := m.Start.TimeZone
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	ev.OriginalStartTime = &calendarv3.EventDateTime{DateTime: orig.In(loc).Format(time.RFC3339), TimeZone: zone}
	start, _ := time.Parse(time.RFC3339, m.Start.DateTime)
	end, _ := time.Parse(time.RFC3339, m.End.DateTime)
	ev.Start = &calendarv3.EventDateTime{DateTime: orig.In(loc).Format(time.RFC3339), TimeZone: zone}
	ev.End = &calendarv3.EventDateTime{DateTime: orig.Add(end.Sub(start)).In(loc).Format(time.RFC3339), TimeZone: zone}
	f(ev)
	ev.Updated = s.stamp()
	s.put(c, ev)
	return clone(ev)
}
