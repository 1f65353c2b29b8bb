package google

import (
	"encoding/json"
	"reflect"
	"testing"

	calendarv3 "google.golang.org/api/calendar/v3"
)

func compactSamples() []*calendarv3.Event {
	return []*calendarv3.Event{
		{Id: "single1", ICalUID: "single1@google.com", Status: "confirmed", Summary: "Dana / Alex ✓", Updated: "2026-11-20T10:00:00.000Z",
			Start:     &calendarv3.EventDateTime{DateTime: "2026-11-24T10:00:00-05:00", TimeZone: "America/New_York"},
			End:       &calendarv3.EventDateTime{DateTime: "2026-11-24T10:30:00-05:00", TimeZone: "America/New_York"},
			Organizer: &calendarv3.EventOrganizer{Email: "alex@acme.test"},
			Attendees: []*calendarv3.EventAttendee{{Email: "dana@acme.test", DisplayName: "Dana", ResponseStatus: "accepted", Optional: true},
				{Email: "room@resource.calendar.google.com", ResponseStatus: "needsAction", Resource: true}},
			ExtendedProperties: &calendarv3.EventExtendedProperties{Private: map[string]string{propTag: "invite", propPeer: "dana@acme.test", propWithdrawn: "true"}}},
		{Id: "series1", Recurrence: []string{"RRULE:FREQ=WEEKLY;BYDAY=MO", "EXDATE;TZID=Europe/Berlin:20261130T100000"}, Transparency: "transparent",
			EventType: "focusTime", Start: &calendarv3.EventDateTime{Date: "2026-01-05"}, End: &calendarv3.EventDateTime{Date: "2026-01-06"}},
		{Id: "series1_20261207", RecurringEventId: "series1", Status: "cancelled", OriginalStartTime: &calendarv3.EventDateTime{Date: "2026-12-07"}},
		{},
	}
}

func TestCompactRoundTrip(t *testing.T) {
	for _, ev := range compactSamples() {
		got, err := decodeMirrored(encodeCompact(ev))
		if err != nil {
			t.Fatalf("decode(encode(%s)) = %v", ev.Id, err)
		}
		if !reflect.DeepEqual(got, ev) {
			a, _ := json.Marshal(ev)
			b, _ := json.Marshal(got)
			t.Errorf("round trip of %s:\n got %s\nwant %s", ev.Id, b, a)
		}
	}
}

// The compact form keeps only sideways' private properties and drops what
// no reader uses, and the JSON of older mirrors still reads.
func TestCompactKeepsWhatRulesRead(t *testing.T) {
	ev := &calendarv3.Event{Id: "x1", Description: "long notes", HangoutLink: "https://meet.google.com/abc",
		ExtendedProperties: &calendarv3.EventExtendedProperties{Private: map[string]string{propTag: "suggestion", "other": "v"},
			Shared: map[string]string{"s": "v"}}}
	got, err := decodeMirrored(encodeCompact(ev))
	if err != nil {
		t.Fatal(err)
	}
	want := &calendarv3.Event{Id: "x1", ExtendedProperties: &calendarv3.EventExtendedProperties{Private: map[string]string{propTag: "suggestion"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("compact form of a full event = %+v, want %+v", got, want)
	}
	old, err := decodeMirrored([]byte(`{"id":"x2","summary":"from an older mirror"}`))
	if err != nil || old.Id != "x2" || old.Summary != "from an older mirror" {
		t.Errorf("JSON body: %+v, %v", old, err)
	}
}

func FuzzDecodeCompact(f *testing.F) {
	for _, ev := range compactSamples() {
		f.Add(encodeCompact(ev))
	}
	f.Add([]byte{compactMark, 0, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, err := decodeCompact(b)
		if err != nil {
			return
		}
		if again := encodeCompact(ev); string(again) != string(b) {
			// Only canonical encodings decode: the props order is fixed.
			if _, err := decodeCompact(again); err != nil {
				t.Fatalf("re-encoding a decoded event fails to decode: %v", err)
			}
		}
	})
}
