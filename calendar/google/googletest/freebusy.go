package googletest

import (
	"encoding/json"
	"net/http"
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
		return []calendar.Interval{{Start: calendar.Later(start, from), End: calendar.Earlier(end, to)}}
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
		out = append(out, calendar.Interval{Start: calendar.Later(t, from), End: calendar.Earlier(t.Add(dur), to)})
	}
	return out
}

func (s *Server) freeBusy(w http.ResponseWriter, _ *http.Request, rec *Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var req calendarv3.FreeBusyRequest
	if err := json.Unmarshal(rec.Body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "global", "parseError", "Parse Error")
		return
	}
	from, err1 := time.Parse(time.RFC3339, req.TimeMin)
	to, err2 := time.Parse(time.RFC3339, req.TimeMax)
	if err1 != nil || err2 != nil {
		writeError(w, http.StatusBadRequest, "global", "required", "Missing timeMin or timeMax.")
		return
	}
	if !from.Before(to) {
		writeError(w, http.StatusBadRequest, "calendar", "timeRangeEmpty", "The specified time range is empty.")
		return
	}
	if to.Sub(from) > 90*24*time.Hour {
		writeError(w, http.StatusBadRequest, "global", "invalid", "The requested time range is too long.")
		return
	}
	loc := time.UTC
	if req.TimeZone != "" {
		if l, err := time.LoadLocation(req.TimeZone); err == nil {
			loc = l
		}
	}
	resp := &calendarv3.FreeBusyResponse{Kind: "calendar#freeBusy", TimeMin: req.TimeMin, TimeMax: req.TimeMax,
		Calendars: map[string]calendarv3.FreeBusyCalendar{}}
	for i, item := range req.Items {
		fc := calendarv3.FreeBusyCalendar{Busy: []*calendarv3.TimePeriod{}, ForceSendFields: []string{"Busy"}}
		c := s.cals[s.resolve(item.Id)]
		switch reason := s.fbErrors[item.Id]; {
		case i >= 50:
			fc.Errors = []*calendarv3.Error{{Domain: "global", Reason: "tooManyCalendarsRequested"}}
		case reason != "":
			fc.Errors = []*calendarv3.Error{{Domain: "global", Reason: reason}}
		case c == nil:
			fc.Errors = []*calendarv3.Error{{Domain: "global", Reason: "notFound"}}
		default:
			fc.Busy = busy(c, from, to, loc)
		}
		resp.Calendars[item.Id] = fc
	}
	writeJSON(w, http.StatusOK, resp)
}

func busy(c *fakeCal, from, to time.Time, loc *time.Location) []*calendarv3.TimePeriod {
	var ivs []calendar.Interval
	for _, st := range c.events {
		ev := st.ev
		if ev.Status == "cancelled" || ev.Transparency == "transparent" {
			continue
		}
		if len(ev.Recurrence) > 0 {
			ivs = append(ivs, seriesBusy(c, ev, from, to)...)
			continue
		}
		s, e, ok := span(ev)
		if !ok || !s.Before(to) || !e.After(from) {
			continue
		}
		ivs = append(ivs, calendar.Interval{Start: calendar.Later(s, from), End: calendar.Earlier(e, to)})
	}
	out := []*calendarv3.TimePeriod{}
	for _, x := range calendar.Merge(ivs) {
		out = append(out, &calendarv3.TimePeriod{Start: x.Start.In(loc).Format(time.RFC3339), End: x.End.In(loc).Format(time.RFC3339)})
	}
	return out
}
