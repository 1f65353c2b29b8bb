package google_test

import (
	"testing"
	"time"

	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/google"
	"github.com/sidewayscal/sideways/config"
	"github.com/sidewayscal/sideways/rules"
)

func seriesEvent(id string, start time.Time, rule ...string) *calendarv3.Event {
	zone := start.Location().String()
	return &calendarv3.Event{Id: id, Status: "confirmed", Summary: "1:1", Recurrence: rule,
		Start: &calendarv3.EventDateTime{DateTime: start.Format(time.RFC3339), TimeZone: zone},
		End:   &calendarv3.EventDateTime{DateTime: start.Add(30 * time.Minute).Format(time.RFC3339), TimeZone: zone}}
}

// TestSeriesRulesExpandAsPlanned: the recurrence sideways writes for each
// cadence gives, read back through Google's expansion, exactly the instances
// the planner counted, the last of them the series' end.
func TestSeriesRulesExpandAsPlanned(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	cads := []config.Cadence{config.Weekly, config.Biweekly, config.Monthly, config.Quarterly,
		{Name: "21d", Every: 21 * 24 * time.Hour}, {Name: "10d", Every: 10 * 24 * time.Hour}}
	starts := []time.Time{
		time.Date(2026, 12, 1, 10, 0, 0, 0, ny),  // the first Tuesday
		time.Date(2026, 12, 29, 15, 0, 0, 0, ny), // a fifth Tuesday
		time.Date(2027, 1, 31, 9, 30, 0, 0, ny),  // across the March DST change
		time.Date(2027, 2, 24, 11, 0, 0, 0, ny),  // the fourth Wednesday
	}
	for _, c := range cads {
		for _, s := range starts {
			rule, want := rules.SeriesRule(c, calendar.Interval{Start: s, End: s.Add(30 * time.Minute)}, 90*24*time.Hour)
			got := google.Expand("work", []*calendarv3.Event{seriesEvent("s1", s, rule)}, s.Add(-time.Hour), s.AddDate(1, 0, 0), nil)
			if len(got) != len(want) {
				t.Errorf("%s from %s (%s): %d instances, planned %d", c.Name, s, rule, len(got), len(want))
				continue
			}
			for i := range got {
				if !got[i].Start.Equal(want[i].Start) || got[i].SeriesID != "s1" || !got[i].SeriesLast.Equal(want[len(want)-1].Start) {
					t.Errorf("%s from %s, instance %d: %s (series %q, last %s), planned %s", c.Name, s, i,
						got[i].Start, got[i].SeriesID, got[i].SeriesLast, want[i].Start)
				}
			}
		}
	}
}

func TestSeriesLast(t *testing.T) {
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		rule string
		last time.Time
	}{
		{"RRULE:FREQ=WEEKLY", time.Time{}},
		{"RRULE:FREQ=WEEKLY;COUNT=3", start.AddDate(0, 0, 14)},
		{"RRULE:FREQ=WEEKLY;UNTIL=20261222T100000Z", start.AddDate(0, 0, 21)},
	}
	for _, tt := range tests {
		evs := []*calendarv3.Event{seriesEvent("s1", start, tt.rule)}
		// A moved instance is an exception of the same series.
		ex := seriesEvent("s1_20261208T100000Z", start.AddDate(0, 0, 7).Add(time.Hour))
		ex.Recurrence, ex.RecurringEventId = nil, "s1"
		ex.OriginalStartTime = &calendarv3.EventDateTime{DateTime: start.AddDate(0, 0, 7).Format(time.RFC3339), TimeZone: "UTC"}
		evs = append(evs, ex)
		got := google.Expand("work", evs, start, start.AddDate(0, 0, 10), nil)
		if len(got) != 2 {
			t.Fatalf("%s: %d occurrences in the first 10 days, want 2", tt.rule, len(got))
		}
		for _, e := range got {
			if e.SeriesID != "s1" || !e.SeriesLast.Equal(tt.last) {
				t.Errorf("%s: %s has series %q, last %s; want s1, %s", tt.rule, e.ID, e.SeriesID, e.SeriesLast, tt.last)
			}
		}
	}
}

// TestEditedInstance: an instance of a series sideways wrote is the user's
// edit when moved or retitled, not when it only carries an answer.
func TestEditedInstance(t *testing.T) {
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	m := seriesEvent("s1", start, "RRULE:FREQ=WEEKLY;COUNT=4")
	m.ExtendedProperties = &calendarv3.EventExtendedProperties{Private: map[string]string{
		"sideways": "invite", "sideways_peer": "dana@acme.test", "sideways_start": start.Format(time.RFC3339)}}
	exception := func(week int, f func(*calendarv3.Event)) *calendarv3.Event {
		orig := start.AddDate(0, 0, 7*week)
		ex := seriesEvent("s1_"+orig.Format("20060102T150405Z"), orig)
		ex.Recurrence, ex.RecurringEventId, ex.ExtendedProperties = nil, "s1", m.ExtendedProperties
		ex.OriginalStartTime = &calendarv3.EventDateTime{DateTime: orig.Format(time.RFC3339), TimeZone: "UTC"}
		f(ex)
		return ex
	}
	answered := exception(1, func(e *calendarv3.Event) {
		e.Attendees = []*calendarv3.EventAttendee{{Email: "dana@acme.test", ResponseStatus: "declined"}}
	})
	moved := exception(2, func(e *calendarv3.Event) {
		e.Start.DateTime = start.AddDate(0, 0, 14).Add(time.Hour).Format(time.RFC3339)
		e.End.DateTime = start.AddDate(0, 0, 14).Add(90 * time.Minute).Format(time.RFC3339)
	})
	retitled := exception(3, func(e *calendarv3.Event) { e.Summary = "Dana & Alex, lunch" })
	got := google.Expand("work", []*calendarv3.Event{m, answered, moved, retitled}, start, start.AddDate(0, 1, 0), nil)
	want := []bool{false, false, true, true}
	if len(got) != len(want) {
		t.Fatalf("%d occurrences, want %d", len(got), len(want))
	}
	for i, e := range got {
		if e.Edited != want[i] {
			t.Errorf("instance %d (%s): edited %v, want %v", i, e.ID, e.Edited, want[i])
		}
	}
}

// TestExpandDeletedSeries: a series sideways wrote and the user deleted
// whole comes out of Expand as one cancelled occurrence standing for the
// series (its id, no recurrence id) at the first instance not begun at the
// deletion, with the deletion time, the tags and the series fields, which is
// how the rules read a dismissal; the mark of sideways' own deletion comes
// with it. Its exceptions go with it, and an untagged deleted series is
// left out whole.
func TestExpandDeletedSeries(t *testing.T) {
	first := time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
	tagged := func(id string, deleted time.Time, withdrawn bool) *calendarv3.Event {
		ev := seriesEvent(id, first, "RRULE:FREQ=WEEKLY;UNTIL=20270223T150000Z")
		ev.Status, ev.Updated = "cancelled", deleted.Format(time.RFC3339)
		p := map[string]string{"sideways": "suggestion", "sideways_peer": "dana@acme.test", "sideways_series": "true"}
		if withdrawn {
			p["sideways_withdrawn"] = "true"
		}
		ev.ExtendedProperties = &calendarv3.EventExtendedProperties{Private: p}
		return ev
	}
	before := first.AddDate(0, 0, -3)
	during := first.AddDate(0, 0, 8) // after two instances
	untagged := seriesEvent("mine", first, "RRULE:FREQ=WEEKLY")
	untagged.Status = "cancelled"
	moved := &calendarv3.Event{Id: "early_20261208T150000Z", RecurringEventId: "early", Status: "confirmed", Summary: "moved",
		OriginalStartTime: &calendarv3.EventDateTime{DateTime: "2026-12-08T15:00:00Z"},
		Start:             &calendarv3.EventDateTime{DateTime: "2026-12-09T15:00:00Z"},
		End:               &calendarv3.EventDateTime{DateTime: "2026-12-09T15:30:00Z"}}
	evs := []*calendarv3.Event{tagged("early", before, false), tagged("late", during, false), tagged("ours", before, true), untagged, moved}
	got := google.Expand("work", evs, first.AddDate(0, 0, -30), first.AddDate(0, 0, 60), nil)
	last := time.Date(2027, 2, 23, 15, 0, 0, 0, time.UTC)
	want := map[string]struct {
		start, updated time.Time
		withdrawn      bool
	}{
		"early": {first, before, false},
		"late":  {first.AddDate(0, 0, 14), during, false},
		"ours":  {first, before, true},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d occurrences, want %d: %+v", len(got), len(want), got)
	}
	for _, e := range got {
		w, ok := want[e.ID]
		if !ok {
			t.Errorf("unexpected occurrence %s: %+v", e.ID, e)
			continue
		}
		if !e.Cancelled() || e.Tag != calendar.TagSuggestion || e.TagPeer != "dana@acme.test" || !e.RecurrenceID.IsZero() ||
			e.SeriesID != e.ID || !e.SeriesLast.Equal(last) || !e.Start.Equal(w.start) || !e.End.Equal(w.start.Add(30*time.Minute)) ||
			!e.Updated.Equal(w.updated) || e.Withdrawn != w.withdrawn {
			t.Errorf("%s: %+v; want cancelled at %s, deleted %s, withdrawn %v, series %s ending %s", e.ID, e, w.start, w.updated, w.withdrawn, e.ID, last)
		}
	}
}
