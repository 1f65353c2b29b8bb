package googletest_test

import (
	"slices"
	"testing"

	calendarv3 "google.golang.org/api/calendar/v3"
)

// Free/busy counts every instance of a recurring series, but not a cancelled
// one, and a moved one where it moved to.
func TestFreeBusyIncludesRecurringEvents(t *testing.T) {
	srv, svc := newClient(t)
	weekly := ev("weekly", "2026-01-05T15:00:00Z") // Mondays 15:00–16:00 UTC
	weekly.Recurrence = []string{"RRULE:FREQ=WEEKLY"}
	weekly.Start.TimeZone, weekly.End.TimeZone = "UTC", "UTC"
	srv.Insert("primary", weekly)
	srv.Insert("primary", &calendarv3.Event{Id: "weekly_20261109T150000Z", RecurringEventId: "weekly", Status: "cancelled",
		OriginalStartTime: &calendarv3.EventDateTime{DateTime: "2026-11-09T15:00:00Z"}})
	moved := ev("weekly_20261116T150000Z", "2026-11-17T09:00:00Z")
	moved.RecurringEventId = "weekly"
	moved.OriginalStartTime = &calendarv3.EventDateTime{DateTime: "2026-11-16T15:00:00Z"}
	srv.Insert("primary", moved)
	resp, err := svc.Freebusy.Query(&calendarv3.FreeBusyRequest{TimeMin: "2026-11-02T00:00:00Z", TimeMax: "2026-11-24T00:00:00Z",
		Items: []*calendarv3.FreeBusyRequestItem{{Id: "primary"}}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, cal := range resp.Calendars {
		for _, p := range cal.Busy {
			got = append(got, p.Start+" "+p.End)
		}
	}
	want := []string{
		"2026-11-02T15:00:00Z 2026-11-02T16:00:00Z",
		"2026-11-17T09:00:00Z 2026-11-17T10:00:00Z",
		"2026-11-23T15:00:00Z 2026-11-23T16:00:00Z",
	}
	if !slices.Equal(got, want) {
		t.Errorf("busy = %q, want %q", got, want)
	}
}
