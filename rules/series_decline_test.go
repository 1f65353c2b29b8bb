package rules

import (
	"testing"
	"time"

	"github.com/sidewayscal/sideways/calendar"
)

// TestDeclinedSeriesIsANo: a peer who declines an invited series whole (every
// meeting in view shows it) said no, as for a single invite, once; a decline
// of one meeting of the series is not a "no" for the relationship.
func TestDeclinedSeriesIsANo(t *testing.T) {
	updated := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	meeting := func(series string, day int, answer calendar.PartStat) calendar.Event {
		start := time.Date(2026, 12, day, 15, 0, 0, 0, time.UTC)
		return calendar.Event{ID: series + "_" + start.Format("20060102"), UID: series, SeriesID: series,
			RecurrenceID: start, Start: start, End: start.Add(30 * time.Minute), Status: calendar.StatusConfirmed,
			Tag: calendar.TagInvite, TagPeer: "dana@acme.test", Updated: updated,
			Attendees: []calendar.Attendee{{Email: "Dana@acme.test", PartStat: answer}}}
	}
	for _, tc := range []struct {
		name string
		evs  []calendar.Event
		want int
	}{
		{"whole series declined", []calendar.Event{
			meeting("s1", 8, calendar.PartStatDeclined), meeting("s1", 22, calendar.PartStatDeclined)}, 1},
		{"one meeting declined", []calendar.Event{
			meeting("s1", 8, calendar.PartStatDeclined), meeting("s1", 22, calendar.PartStatAccepted)}, 0},
		{"not answered", []calendar.Event{
			meeting("s1", 8, calendar.PartStatNeedsAction), meeting("s1", 22, calendar.PartStatNeedsAction)}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := calendarDismissals(tc.evs)
			if len(got) != tc.want {
				t.Fatalf("dismissals = %+v, want %d", got, tc.want)
			}
			if tc.want == 1 {
				d := got[0]
				if d.Peer != "dana@acme.test" || d.What != Declined || !d.At.Equal(updated) || d.Slot.Day() != 8 {
					t.Errorf("dismissal = %+v, want Dana's decline of the Dec 8 meeting, at %s", d, updated)
				}
			}
		})
	}
}
