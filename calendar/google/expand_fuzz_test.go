package google_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/google"
	"github.com/sidewayscal/sideways/calendar/recur"
)

// FuzzExpand feeds arbitrary recurrence lines and times to the expansion: it
// must not panic or hang, and what it returns must overlap the window, in
// order, and stay within the per-series limit. The seed corpus
// (testdata/fuzz/FuzzExpand/hostile_*) holds the rules that once hung or
// exhausted memory.
func FuzzExpand(f *testing.F) {
	f.Add("RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=5\nEXDATE;TZID=America/New_York:20261109T100000", "2026-10-26T10:00:00-04:00", "America/New_York", false)
	f.Add("RRULE:FREQ=DAILY;UNTIL=20261205", "2026-12-01", "", true)
	f.Add("RDATE;VALUE=DATE:20261224,20261231", "2026-12-17", "UTC", true)
	f.Add("RRULE:FREQ=MONTHLY;BYMONTHDAY=31;INTERVAL=2", "2026-01-31T23:30:00Z", "Pacific/Apia", false)
	f.Add("RRULE:FREQ=HOURLY;BYSETPOS=-1", "2026-03-08T01:30:00-08:00", "America/Los_Angeles", false)
	f.Fuzz(func(t *testing.T, recurrence, start, tz string, allDay bool) {
		m := &calendarv3.Event{Id: "series", ICalUID: "series@google.com", Summary: "s", Recurrence: strings.Split(recurrence, "\n")}
		if allDay {
			d, err := time.Parse(time.DateOnly, start)
			if err != nil {
				return
			}
			m.Start = &calendarv3.EventDateTime{Date: start}
			m.End = &calendarv3.EventDateTime{Date: d.AddDate(0, 0, 1).Format(time.DateOnly)}
		} else {
			s, err := time.Parse(time.RFC3339, start)
			if err != nil {
				return
			}
			m.Start = &calendarv3.EventDateTime{DateTime: start, TimeZone: tz}
			m.End = &calendarv3.EventDateTime{DateTime: s.Add(time.Hour).Format(time.RFC3339), TimeZone: tz}
		}
		from := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
		to := from.AddDate(0, 3, 0)
		evs := google.Expand("work", []*calendarv3.Event{m}, from, to, nil)
		if len(evs) > recur.Default.RuleInstances {
			t.Errorf("%d occurrences from one series, over the %d limit", len(evs), recur.Default.RuleInstances)
		}
		window := calendar.Interval{Start: from, End: to}
		for i, e := range evs {
			if !e.Span(time.UTC).Overlaps(window) {
				t.Errorf("occurrence %s outside the window", e.Span(time.UTC))
			}
			if i > 0 && e.Start.Before(evs[i-1].Start) {
				t.Errorf("occurrences out of order")
			}
		}
	})
}

// TestExpandMinutelyKeepsFirst: a SECONDLY (or MINUTELY) rule is not
// expanded, but the series keeps its first instance, with a warning.
func TestExpandMinutelyKeepsFirst(t *testing.T) {
	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	m := &calendarv3.Event{Id: "runaway", Summary: "tick", Recurrence: []string{"RRULE:FREQ=SECONDLY"},
		Start: &calendarv3.EventDateTime{DateTime: "2026-11-23T09:00:00Z", TimeZone: "UTC"},
		End:   &calendarv3.EventDateTime{DateTime: "2026-11-23T09:00:01Z", TimeZone: "UTC"}}
	evs := google.Expand("work", []*calendarv3.Event{m}, day0, day0.AddDate(0, 0, 1), log)
	if len(evs) != 1 || !evs[0].Start.Equal(day0.Add(9*time.Hour)) {
		t.Errorf("got %v, want the first instance only", evs)
	}
	if !strings.Contains(logs.String(), "not expanded (FREQ=SECONDLY)") || !strings.Contains(logs.String(), "event=runaway") {
		t.Errorf("logs %q", logs.String())
	}
}
