package google

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sidewayscal/sideways/calendar"
	calendarv3 "google.golang.org/api/calendar/v3"
)

func singleSamples() []*calendarv3.Event {
	return []*calendarv3.Event{
		compactSamples()[0],
		{Id: "allday", Summary: "Reminder", Transparency: "transparent", EventType: "outOfOffice", Status: "tentative",
			Start: &calendarv3.EventDateTime{Date: "2026-03-29"}, End: &calendarv3.EventDateTime{Date: "2026-03-30"}},
		{Id: "offset", ICalUID: "offset@x", Updated: "2026-11-20T10:00:00+01:00",
			Start: &calendarv3.EventDateTime{DateTime: "2026-11-24T10:00:00+01:00"},
			End:   &calendarv3.EventDateTime{DateTime: "2026-11-24T11:15:30.5+01:00", TimeZone: "Asia/Kolkata"}},
		{Id: "edited", Status: "cancelled", Summary: "moved by hand", Updated: "2026-11-21T08:00:00Z",
			Start: &calendarv3.EventDateTime{DateTime: "2026-11-25T15:00:00Z", TimeZone: "Europe/Berlin"},
			End:   &calendarv3.EventDateTime{DateTime: "2026-11-25T15:30:00Z"},
			ExtendedProperties: &calendarv3.EventExtendedProperties{Private: map[string]string{propTag: "suggestion", propPeer: "p@x",
				propStart: "2026-11-25T14:00:00Z", propTitle: titleMark("Alex / P")}}},
		{Id: "nozone", Start: &calendarv3.EventDateTime{DateTime: "2026-11-24T10:00:00", TimeZone: "America/Los_Angeles"},
			End: &calendarv3.EventDateTime{DateTime: "2026-11-24T10:00:00", TimeZone: "No/Such_Zone"}},
	}
}

// TestSingleIsToEvent: a single event read from the mirror is the event
// toEvent makes of Google's, to the zone of its times.
func TestSingleIsToEvent(t *testing.T) {
	for _, ev := range singleSamples() {
		want, ok := toEvent("work", ev)
		if !ok {
			t.Fatalf("toEvent(%s) not ok", ev.Id)
		}
		m := mirrored("work", ev)
		if m.Body[0] != singleMark || !m.Span.Start.Equal(want.Start) || !m.Span.End.Equal(want.End) || m.UID != want.UID {
			t.Errorf("mirrored(%s): mark %#x, span %v, uid %q", ev.Id, m.Body[0], m.Span, m.UID)
		}
		r := singleReader{cal: "work"}
		got, err := r.decode(m.Body)
		if err != nil {
			t.Fatalf("decode(%s) = %v", ev.Id, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("single %s (-toEvent +mirror):\n%s", ev.Id, diff)
		}
		for _, pair := range [][2]string{{want.Start.Location().String(), got.Start.Location().String()}, {want.End.Location().String(), got.End.Location().String()}} {
			if pair[0] != pair[1] {
				t.Errorf("single %s: zone %s, want %s", ev.Id, pair[1], pair[0])
			}
		}
	}
}

// A series' master or exception keeps the compact form and no span: every
// read expands it.
func TestSeriesStayCompact(t *testing.T) {
	for _, ev := range compactSamples()[1:] {
		if m := mirrored("work", ev); m.Body[0] != compactMark || !m.Span.Start.IsZero() || !m.Span.End.IsZero() {
			t.Errorf("mirrored(%s): mark %#x, span %v", ev.Id, m.Body[0], m.Span)
		}
	}
}

func FuzzDecodeSingle(f *testing.F) {
	for _, ev := range singleSamples() {
		f.Add(mirrored("work", ev).Body)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := singleReader{cal: "work"}
		e, err := r.decode(b)
		if err != nil {
			return
		}
		if _, err := r.decode(encodeSingle(&e, "")); err != nil {
			t.Fatalf("re-encoding a decoded event fails to decode: %v", err)
		}
	})
}

// sliceStore is a mirror that hands every body to every read.
type sliceStore []calendar.Mirrored

func (s sliceStore) GoogleSyncToken(context.Context, string) (string, error) { return "", nil }

func (s sliceStore) GoogleEventsIn(context.Context, string, time.Time, time.Time) ([][]byte, error) {
	out := make([][]byte, len(s))
	for i, m := range s {
		out[i] = m.Body
	}
	return out, nil
}

func (s sliceStore) SaveGoogleSync(context.Context, string, bool, string, map[string]calendar.Mirrored, []string) error {
	return nil
}

// TestEventsAsExpand: reading single events in their stored form, series in
// the compact form, and a single event in the compact form of an older
// mirror gives what Expand gives for Google's events.
func TestEventsAsExpand(t *testing.T) {
	evs := append(singleSamples(), compactSamples()[1:3]...)
	legacy := &calendarv3.Event{Id: "legacy", Summary: "from an older mirror",
		Start: &calendarv3.EventDateTime{DateTime: "2026-11-24T09:00:00Z"}, End: &calendarv3.EventDateTime{DateTime: "2026-11-24T09:30:00Z"}}
	evs = append(evs, legacy)
	var store sliceStore
	for _, ev := range evs {
		if ev == legacy {
			store = append(store, calendar.Mirrored{Body: encodeCompact(ev)})
			continue
		}
		store = append(store, mirrored("work", ev))
	}
	c := &Client{log: slog.New(slog.DiscardHandler)}
	src := c.Source("work", "primary", store)
	from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	got, err := src.Events(t.Context(), from, to)
	if err != nil {
		t.Fatal(err)
	}
	want := Expand("work", evs, from, to, nil)
	if len(want) < 10 {
		t.Fatalf("Expand gave %d occurrences; the test needs singles and a series", len(want))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Events() differs from Expand (-want +got):\n%s", diff)
	}
}
