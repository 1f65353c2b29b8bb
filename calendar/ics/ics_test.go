package ics

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/teambition/rrule-go"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/recur"
)

// feed wraps VEVENT text (LF line ends, leading tabs trimmed) in a VCALENDAR
// with CRLF line ends.
func feed(body string) string {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n")
	for _, l := range strings.Split(strings.TrimSpace(body), "\n") {
		l = strings.TrimLeft(l, "\t")
		if l == "" {
			continue
		}
		b.WriteString(l)
		b.WriteString("\r\n")
	}
	b.WriteString("END:VCALENDAR\r\n")
	return b.String()
}

func mustParse(t *testing.T, src string, opts Options) (*Calendar, []Warning) {
	t.Helper()
	c, ws, err := Parse(strings.NewReader(src), opts)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return c, ws
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// occ is an occurrence reduced to what the expansion tests check. Start and End
// keep their offset, so a test also sees which zone an instance is in.
type occ struct {
	UID, RecurrenceID, Start, End string
	Status                        calendar.Status
	Summary                       string
	AllDay, Floating              bool
}

func occs(evs []calendar.Event) []occ {
	out := []occ{}
	for _, e := range evs {
		o := occ{UID: e.UID, Start: e.Start.Format(time.RFC3339), End: e.End.Format(time.RFC3339),
			Status: e.Status, Summary: e.Summary, AllDay: e.AllDay, Floating: e.Floating}
		if !e.RecurrenceID.IsZero() {
			o.RecurrenceID = e.RecurrenceID.Format(time.RFC3339)
		}
		out = append(out, o)
	}
	return out
}

func TestExpand(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	const conf = calendar.StatusConfirmed
	tests := []struct {
		name     string
		body     string
		floating *time.Location
		from, to string
		want     []occ
	}{{
		name: "single event with DTEND",
		body: `BEGIN:VEVENT
			UID:a
			SUMMARY:Dana / Alex
			DTSTART:20261124T150000Z
			DTEND:20261124T153000Z
			END:VEVENT`,
		from: "2026-11-24T00:00:00Z", to: "2026-11-25T00:00:00Z",
		want: []occ{{UID: "a", Start: "2026-11-24T15:00:00Z", End: "2026-11-24T15:30:00Z", Status: conf, Summary: "Dana / Alex"}},
	}, {
		name: "TZID series keeps its wall-clock time across the DST change",
		body: `BEGIN:VEVENT
			UID:w
			DTSTART;TZID=America/New_York:20261027T100000
			DTEND;TZID=America/New_York:20261027T103000
			RRULE:FREQ=WEEKLY
			END:VEVENT`,
		from: "2026-10-26T00:00:00Z", to: "2026-11-08T00:00:00Z",
		want: []occ{
			{UID: "w", RecurrenceID: "2026-10-27T14:00:00Z", Start: "2026-10-27T10:00:00-04:00", End: "2026-10-27T10:30:00-04:00", Status: conf},
			{UID: "w", RecurrenceID: "2026-11-03T15:00:00Z", Start: "2026-11-03T10:00:00-05:00", End: "2026-11-03T10:30:00-05:00", Status: conf},
		},
	}, {
		name: "DURATION instead of DTEND",
		body: `BEGIN:VEVENT
			UID:d
			DTSTART:20261124T150000Z
			DURATION:PT45M
			END:VEVENT`,
		from: "2026-11-24T00:00:00Z", to: "2026-11-25T00:00:00Z",
		want: []occ{{UID: "d", Start: "2026-11-24T15:00:00Z", End: "2026-11-24T15:45:00Z", Status: conf}},
	}, {
		name: "date-time without DTEND is zero length and counts at from",
		body: `BEGIN:VEVENT
			UID:z1
			DTSTART:20261124T000000Z
			END:VEVENT
			BEGIN:VEVENT
			UID:z2
			DTSTART:20261125T000000Z
			END:VEVENT`,
		from: "2026-11-24T00:00:00Z", to: "2026-11-25T00:00:00Z",
		want: []occ{{UID: "z1", Start: "2026-11-24T00:00:00Z", End: "2026-11-24T00:00:00Z", Status: conf}},
	}, {
		name: "all-day events: one day by default, DTEND exclusive, DTEND=DTSTART is one day",
		body: `BEGIN:VEVENT
			UID:ad1
			DTSTART;VALUE=DATE:20261124
			END:VEVENT
			BEGIN:VEVENT
			UID:ad2
			DTSTART;VALUE=DATE:20261124
			DTEND;VALUE=DATE:20261127
			END:VEVENT
			BEGIN:VEVENT
			UID:ad3
			DTSTART:20261124
			DTEND:20261124
			END:VEVENT`,
		from: "2026-11-24T00:00:00Z", to: "2026-11-25T00:00:00Z",
		want: []occ{
			{UID: "ad1", Start: "2026-11-24T00:00:00Z", End: "2026-11-25T00:00:00Z", Status: conf, AllDay: true},
			{UID: "ad2", Start: "2026-11-24T00:00:00Z", End: "2026-11-27T00:00:00Z", Status: conf, AllDay: true},
			{UID: "ad3", Start: "2026-11-24T00:00:00Z", End: "2026-11-25T00:00:00Z", Status: conf, AllDay: true},
		},
	}, {
		name: "floating times are read in Options.Floating",
		body: `BEGIN:VEVENT
			UID:f
			DTSTART:20261124T100000
			DTEND:20261124T110000
			END:VEVENT`,
		floating: berlin,
		from:     "2026-11-24T00:00:00Z", to: "2026-11-25T00:00:00Z",
		want: []occ{{UID: "f", Start: "2026-11-24T10:00:00+01:00", End: "2026-11-24T11:00:00+01:00", Status: conf, Floating: true}},
	}, {
		name: "all-day weekly series with EXDATE, RDATE and COUNT",
		body: `BEGIN:VEVENT
			UID:s
			DTSTART;VALUE=DATE:20261102
			RRULE:FREQ=WEEKLY;COUNT=4
			EXDATE;VALUE=DATE:20261109
			RDATE;VALUE=DATE:20261104,20261105
			END:VEVENT`,
		from: "2026-11-01T00:00:00Z", to: "2026-12-31T00:00:00Z",
		want: []occ{
			{UID: "s", RecurrenceID: "2026-11-02T00:00:00Z", Start: "2026-11-02T00:00:00Z", End: "2026-11-03T00:00:00Z", Status: conf, AllDay: true},
			{UID: "s", RecurrenceID: "2026-11-04T00:00:00Z", Start: "2026-11-04T00:00:00Z", End: "2026-11-05T00:00:00Z", Status: conf, AllDay: true},
			{UID: "s", RecurrenceID: "2026-11-05T00:00:00Z", Start: "2026-11-05T00:00:00Z", End: "2026-11-06T00:00:00Z", Status: conf, AllDay: true},
			{UID: "s", RecurrenceID: "2026-11-16T00:00:00Z", Start: "2026-11-16T00:00:00Z", End: "2026-11-17T00:00:00Z", Status: conf, AllDay: true},
			{UID: "s", RecurrenceID: "2026-11-23T00:00:00Z", Start: "2026-11-23T00:00:00Z", End: "2026-11-24T00:00:00Z", Status: conf, AllDay: true},
		},
	}, {
		name: "UNTIL is inclusive; RDATE PERIOD has its own length",
		body: `BEGIN:VEVENT
			UID:u
			DTSTART:20261102T090000Z
			DTEND:20261102T093000Z
			RRULE:FREQ=DAILY;UNTIL=20261104T090000Z
			RDATE;VALUE=PERIOD:20261110T120000Z/PT2H
			END:VEVENT`,
		from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z",
		want: []occ{
			{UID: "u", RecurrenceID: "2026-11-02T09:00:00Z", Start: "2026-11-02T09:00:00Z", End: "2026-11-02T09:30:00Z", Status: conf},
			{UID: "u", RecurrenceID: "2026-11-03T09:00:00Z", Start: "2026-11-03T09:00:00Z", End: "2026-11-03T09:30:00Z", Status: conf},
			{UID: "u", RecurrenceID: "2026-11-04T09:00:00Z", Start: "2026-11-04T09:00:00Z", End: "2026-11-04T09:30:00Z", Status: conf},
			{UID: "u", RecurrenceID: "2026-11-10T12:00:00Z", Start: "2026-11-10T12:00:00Z", End: "2026-11-10T14:00:00Z", Status: conf},
		},
	}, {
		name: "overrides: moved, retitled, cancelled; EXDATE drops",
		body: `BEGIN:VEVENT
			UID:r
			SUMMARY:Weekly
			DTSTART;TZID=Europe/Berlin:20261102T100000
			DTEND;TZID=Europe/Berlin:20261102T110000
			RRULE:FREQ=WEEKLY;COUNT=5
			EXDATE;TZID=Europe/Berlin:20261123T100000
			END:VEVENT
			BEGIN:VEVENT
			UID:r
			RECURRENCE-ID;TZID=Europe/Berlin:20261109T100000
			SUMMARY:Weekly (moved)
			DTSTART;TZID=Europe/Berlin:20261110T140000
			DTEND;TZID=Europe/Berlin:20261110T150000
			END:VEVENT
			BEGIN:VEVENT
			UID:r
			RECURRENCE-ID:20261116T090000Z
			SUMMARY:Weekly
			STATUS:CANCELLED
			DTSTART;TZID=Europe/Berlin:20261116T100000
			DTEND;TZID=Europe/Berlin:20261116T110000
			END:VEVENT`,
		from: "2026-11-03T00:00:00Z", to: "2026-12-31T00:00:00Z",
		want: []occ{
			{UID: "r", RecurrenceID: "2026-11-09T09:00:00Z", Start: "2026-11-10T14:00:00+01:00", End: "2026-11-10T15:00:00+01:00", Status: conf, Summary: "Weekly (moved)"},
			{UID: "r", RecurrenceID: "2026-11-16T09:00:00Z", Start: "2026-11-16T10:00:00+01:00", End: "2026-11-16T11:00:00+01:00", Status: calendar.StatusCancelled, Summary: "Weekly"},
			{UID: "r", RecurrenceID: "2026-11-30T09:00:00Z", Start: "2026-11-30T10:00:00+01:00", End: "2026-11-30T11:00:00+01:00", Status: conf, Summary: "Weekly"},
		},
	}, {
		name: "an override moved out of the window hides its instance; one moved in shows",
		body: `BEGIN:VEVENT
			UID:m
			DTSTART:20261102T100000Z
			DTEND:20261102T110000Z
			RRULE:FREQ=DAILY;COUNT=3
			END:VEVENT
			BEGIN:VEVENT
			UID:m
			RECURRENCE-ID:20261103T100000Z
			DTSTART:20261201T100000Z
			DTEND:20261201T110000Z
			END:VEVENT
			BEGIN:VEVENT
			UID:m
			RECURRENCE-ID:20261102T100000Z
			DTSTART:20261104T130000Z
			DTEND:20261104T140000Z
			END:VEVENT`,
		from: "2026-11-03T00:00:00Z", to: "2026-11-05T00:00:00Z",
		want: []occ{
			{UID: "m", RecurrenceID: "2026-11-04T10:00:00Z", Start: "2026-11-04T10:00:00Z", End: "2026-11-04T11:00:00Z", Status: conf},
			{UID: "m", RecurrenceID: "2026-11-02T10:00:00Z", Start: "2026-11-04T13:00:00Z", End: "2026-11-04T14:00:00Z", Status: conf},
		},
	}, {
		name: "a long instance that began before from is included",
		body: `BEGIN:VEVENT
			UID:l
			DTSTART;VALUE=DATE:20261101
			DTEND;VALUE=DATE:20261108
			RRULE:FREQ=MONTHLY
			END:VEVENT`,
		from: "2026-11-05T00:00:00Z", to: "2026-11-06T00:00:00Z",
		want: []occ{{UID: "l", RecurrenceID: "2026-11-01T00:00:00Z", Start: "2026-11-01T00:00:00Z", End: "2026-11-08T00:00:00Z", Status: conf, AllDay: true}},
	}, {
		name: "Windows, quoted and vendor-prefixed TZIDs",
		body: `BEGIN:VEVENT
			UID:tz1
			DTSTART;TZID=W. Europe Standard Time:20261124T100000
			END:VEVENT
			BEGIN:VEVENT
			UID:tz2
			DTSTART;TZID="Eastern Standard Time":20261124T100000
			END:VEVENT
			BEGIN:VEVENT
			UID:tz3
			DTSTART;TZID=/mozilla.org/20070129_1/Asia/Tokyo:20261124T100000
			END:VEVENT`,
		from: "2026-11-24T00:00:00Z", to: "2026-11-25T00:00:00Z",
		want: []occ{
			{UID: "tz3", Start: "2026-11-24T10:00:00+09:00", End: "2026-11-24T10:00:00+09:00", Status: conf},
			{UID: "tz1", Start: "2026-11-24T10:00:00+01:00", End: "2026-11-24T10:00:00+01:00", Status: conf},
			{UID: "tz2", Start: "2026-11-24T10:00:00-05:00", End: "2026-11-24T10:00:00-05:00", Status: conf},
		},
	}, {
		name: "an orphan override is listed; a re-sent UID keeps the highest SEQUENCE; empty RRULE",
		body: `BEGIN:VEVENT
			UID:o
			RECURRENCE-ID:20261124T100000Z
			DTSTART:20261124T110000Z
			END:VEVENT
			BEGIN:VEVENT
			UID:q
			SEQUENCE:2
			SUMMARY:new
			DTSTART:20261124T120000Z
			RRULE:
			END:VEVENT
			BEGIN:VEVENT
			UID:q
			SEQUENCE:1
			SUMMARY:old
			DTSTART:20261124T130000Z
			END:VEVENT`,
		from: "2026-11-24T00:00:00Z", to: "2026-11-25T00:00:00Z",
		want: []occ{
			{UID: "o", RecurrenceID: "2026-11-24T10:00:00Z", Start: "2026-11-24T11:00:00Z", End: "2026-11-24T11:00:00Z", Status: conf},
			{UID: "q", Start: "2026-11-24T12:00:00Z", End: "2026-11-24T12:00:00Z", Status: conf, Summary: "new"},
		},
	}, {
		name: "X-WR-TIMEZONE: floating times in it, UTC series keep its wall clock",
		body: `X-WR-TIMEZONE:Europe/Berlin
			BEGIN:VEVENT
			UID:x
			DTSTART:20261020T090000Z
			RRULE:FREQ=WEEKLY;COUNT=3
			END:VEVENT
			BEGIN:VEVENT
			UID:y
			DTSTART:20261021T120000
			END:VEVENT`,
		from: "2026-10-19T00:00:00Z", to: "2026-11-30T00:00:00Z",
		want: []occ{
			{UID: "x", RecurrenceID: "2026-10-20T09:00:00Z", Start: "2026-10-20T11:00:00+02:00", End: "2026-10-20T11:00:00+02:00", Status: conf},
			{UID: "y", Start: "2026-10-21T12:00:00+02:00", End: "2026-10-21T12:00:00+02:00", Status: conf, Floating: true},
			{UID: "x", RecurrenceID: "2026-10-27T10:00:00Z", Start: "2026-10-27T11:00:00+01:00", End: "2026-10-27T11:00:00+01:00", Status: conf},
			{UID: "x", RecurrenceID: "2026-11-03T10:00:00Z", Start: "2026-11-03T11:00:00+01:00", End: "2026-11-03T11:00:00+01:00", Status: conf},
		},
	}, {
		name: "a VTIMEZONE with an unknown TZID is built from its rules; a repeated hour means its first occurrence",
		body: `BEGIN:VTIMEZONE
			TZID:(UTC+01:00) Somewhere
			BEGIN:STANDARD
			DTSTART:16010101T030000
			TZOFFSETFROM:+0200
			TZOFFSETTO:+0100
			RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
			END:STANDARD
			BEGIN:DAYLIGHT
			DTSTART:16010101T020000
			TZOFFSETFROM:+0100
			TZOFFSETTO:+0200
			RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
			END:DAYLIGHT
			END:VTIMEZONE
			BEGIN:VEVENT
			UID:v
			DTSTART;TZID="(UTC+01:00) Somewhere":20261020T100000
			RRULE:FREQ=WEEKLY;COUNT=2
			END:VEVENT
			BEGIN:VEVENT
			UID:fold
			DTSTART;TZID="(UTC+01:00) Somewhere":20261025T023000
			END:VEVENT`,
		from: "2026-10-19T00:00:00Z", to: "2026-11-30T00:00:00Z",
		want: []occ{
			{UID: "v", RecurrenceID: "2026-10-20T08:00:00Z", Start: "2026-10-20T10:00:00+02:00", End: "2026-10-20T10:00:00+02:00", Status: conf},
			{UID: "fold", Start: "2026-10-25T02:30:00+02:00", End: "2026-10-25T02:30:00+02:00", Status: conf},
			{UID: "v", RecurrenceID: "2026-10-27T09:00:00Z", Start: "2026-10-27T10:00:00+01:00", End: "2026-10-27T10:00:00+01:00", Status: conf},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ws := mustParse(t, feed(tt.body), Options{Name: "work", Floating: tt.floating})
			if len(ws) > 0 {
				t.Errorf("warnings: %v", ws)
			}
			got := occs(c.Expand(ts(tt.from), ts(tt.to)))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Expand (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExpandInfiniteSeriesIsBounded(t *testing.T) {
	c, _ := mustParse(t, feed(`BEGIN:VEVENT
		UID:i
		DTSTART:20000103T090000Z
		DTEND:20000103T093000Z
		RRULE:FREQ=DAILY
		END:VEVENT`), Options{})
	got := c.Expand(ts("2026-11-23T00:00:00Z"), ts("2026-11-30T00:00:00Z"))
	if len(got) != 7 {
		t.Errorf("got %d occurrences, want 7", len(got))
	}
}

func TestPeople(t *testing.T) {
	c, ws := mustParse(t, feed(`BEGIN:VEVENT
		UID:p
		DTSTART:20261124T150000Z
		DTEND:20261124T153000Z
		SUMMARY:Dana\, Alex \; 1:1
		ORGANIZER;CN=Alex Rivera:MAILTO:Alex@Acme.test
		ATTENDEE;CN="Whitfield, Dana";PARTSTAT=ACCEPTED:mailto: Dana@ACME.test 
		ATTENDEE;ROLE=OPT-PARTICIPANT:mailto:erin@acme.test
		ATTENDEE;CUTYPE=ROOM;PARTSTAT=ACCEPTED:mailto:room-4@acme.test
		ATTENDEE;CUTYPE=RESOURCE:mailto:projector@acme.test
		ATTENDEE;PARTSTAT=DECLINED:urn:uuid:not-an-email
		TRANSP:TRANSPARENT
		STATUS:TENTATIVE
		X-SIDEWAYS:Suggestion
		X-SIDEWAYS-PEER:mailto:Dana@acme.test
		END:VEVENT
		BEGIN:VEVENT
		UID:oof
		DTSTART;VALUE=DATE:20261124
		X-MICROSOFT-CDO-BUSYSTATUS:OOF
		END:VEVENT
		BEGIN:VEVENT
		UID:free
		DTSTART:20261124T080000Z
		X-MICROSOFT-CDO-BUSYSTATUS:FREE
		ORGANIZER:mailto:alex@acme.test
		END:VEVENT`), Options{Name: "work"})
	if len(ws) > 0 {
		t.Errorf("warnings: %v", ws)
	}
	got := c.Expand(ts("2026-11-24T00:00:00Z"), ts("2026-11-25T00:00:00Z"))
	day := ts("2026-11-24T00:00:00Z")
	want := []calendar.Event{
		{Calendar: "work", UID: "oof", Start: day, End: day.Add(24 * time.Hour), AllDay: true,
			Status: calendar.StatusConfirmed, Kind: calendar.KindOutOfOffice},
		{Calendar: "work", UID: "free", Start: ts("2026-11-24T08:00:00Z"), End: ts("2026-11-24T08:00:00Z"),
			Status: calendar.StatusConfirmed, Transparent: true, Organizer: "alex@acme.test"},
		{Calendar: "work", UID: "p", Start: ts("2026-11-24T15:00:00Z"), End: ts("2026-11-24T15:30:00Z"),
			Status: calendar.StatusTentative, Summary: "Dana, Alex ; 1:1", Transparent: true,
			Organizer: "alex@acme.test", Tag: calendar.TagSuggestion, TagPeer: "dana@acme.test",
			Attendees: []calendar.Attendee{
				{Email: "dana@acme.test", Name: "Whitfield, Dana", PartStat: calendar.PartStatAccepted},
				{Email: "erin@acme.test", PartStat: calendar.PartStatNeedsAction, Optional: true},
				{Email: "room-4@acme.test", PartStat: calendar.PartStatAccepted, Resource: true},
				{Email: "projector@acme.test", PartStat: calendar.PartStatNeedsAction, Resource: true},
				{Email: "alex@acme.test", Name: "Alex Rivera", PartStat: calendar.PartStatAccepted, Implied: true},
			}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Expand (-want +got):\n%s", diff)
	}
}

func TestBadInput(t *testing.T) {
	// BOM, LF line ends, a folded line, and one bad component of each kind.
	src := "\ufeffBEGIN:VCALENDAR\n" + // 1
		"VERSION:2.0\n" + // 2
		"BEGIN:VEVENT\n" + // 3
		"UID:no-start\n" + // 4
		"END:VEVENT\n" + // 5
		"BEGIN:VEVENT\n" + // 6
		"UID:bad-date\n" + // 7
		"DTSTART:2026-11-24\n" + // 8
		"END:VEVENT\n" + // 9
		"BEGIN:VEVENT\n" + // 10
		"UID:bad-rule\n" + // 11
		"DTSTART:20261124T100000Z\n" + // 12
		"RRULE:FREQ=SOMETIMES\n" + // 13
		"END:VEVENT\n" + // 14
		"BEGIN:VEVENT\n" + // 15
		"UID:good\n" + // 16
		"SUMMARY:Folded \n" + // 17
		" summary\n" + // 18
		"DTSTART:20261124T110000Z\n" + // 19
		"garbage without a colon\n" + // 20
		"END:VEVENT\n" + // 21
		"BEGIN:VEVENT\n" + // 22
		"UID:unknown-zone\n" + // 23
		"DTSTART;TZID=Mars/Olympus_Mons:20261124T120000\n" + // 24
		"END:VEVENT\n" + // 25
		"BEGIN:VEVENT\n" + // 26
		"UID:cut-short\n" + // 27
		"DTSTART:20261124T130000Z\n" + // 28
		"END:VCALENDAR\n" // 29
	c, ws, err := Parse(strings.NewReader(src), Options{Name: "feed"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range ws {
		got = append(got, w.String())
	}
	want := []string{
		"feed:3: skipped VEVENT: no DTSTART",
		`feed:6: skipped VEVENT: DTSTART: bad date or date-time "2026-11-24"`,
		`feed:10: RRULE "FREQ=SOMETIMES" has no usable FREQ; the rule is ignored and the event keeps its first instance`,
		`feed:13: RRULE "FREQ=SOMETIMES": ignored "FREQ=SOMETIMES": undefined frequency: SOMETIMES`,
		"feed:20: ignored malformed line in VEVENT: malformed content line: missing colon",
		`feed:22: unknown time zone "Mars/Olympus_Mons" (no VTIMEZONE); reading its times as UTC`,
		"feed:26: skipped VEVENT: no END:VEVENT before END:VCALENDAR",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	var uids []string
	for _, e := range c.Expand(ts("2026-11-24T00:00:00Z"), ts("2026-11-25T00:00:00Z")) {
		uids = append(uids, e.UID+"|"+e.Summary)
	}
	if diff := cmp.Diff([]string{"bad-rule|", "good|Folded summary", "unknown-zone|"}, uids); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

// TestHugeParameterIsDropped: a property sideways reads with huge parameters
// is dropped with a warning; one it does not read (X-JUNK) is never decoded,
// so it costs nothing and is not reported.
func TestHugeParameterIsDropped(t *testing.T) {
	huge := strings.Repeat("x", 1<<20)
	src := feed("BEGIN:VEVENT\nUID:h\nDTSTART:20261124T100000Z\nSUMMARY;P=\"" + huge + "\":v\nX-JUNK;P=\"" + huge + "\":v\nEND:VEVENT")
	c, ws := mustParse(t, src, Options{Name: "f"})
	if len(ws) != 1 || !strings.Contains(ws[0].Msg, "parameters longer than") {
		t.Errorf("warnings %v, want one about the long parameters", ws)
	}
	if got := c.Expand(ts("2026-11-24T00:00:00Z"), ts("2026-11-25T00:00:00Z")); len(got) != 1 || got[0].Summary != "" {
		t.Errorf("got %v, want one occurrence without a summary", got)
	}
}

func TestNotICS(t *testing.T) {
	for _, src := range []string{"", "<html>nope</html>", "BEGIN:VEVENT\r\nEND:VEVENT\r\n"} {
		if _, _, err := Parse(strings.NewReader(src), Options{Name: "x"}); err == nil {
			t.Errorf("Parse(%q): no error", src)
		}
	}
}

// TestCorpus reads every real-world feed in the shared corpus: each must parse
// (or warn) and expand without panicking. The differential test against
// recurring_ical_events checks the occurrences themselves.
func TestCorpus(t *testing.T) {
	root := filepath.Join("..", "..", "..", "shared", "testdata", "ics")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("ICS corpus not found at %s: %v", root, err)
	}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".ics") {
			return err
		}
		t.Run(strings.TrimPrefix(path, root+string(filepath.Separator)), func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			c, _, err := Parse(f, Options{Name: filepath.Base(path)})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			c.Expand(ts("1990-01-01T00:00:00Z"), ts("2030-01-01T00:00:00Z"))
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// addCorpusSeeds seeds a fuzz target with every feed in the shared corpus
// (read from ../shared when it is there; never copied into the repository)
// and the CLI's own differential cases.
func addCorpusSeeds(f *testing.F) {
	for _, root := range []string{
		filepath.Join("..", "..", "..", "shared", "testdata", "ics"),
		filepath.Join("..", "..", "cmd", "sideways", "testdata", "ics"),
	} {
		filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".ics") {
				if b, err := os.ReadFile(path); err == nil {
					f.Add(string(b))
				}
			}
			return nil
		})
	}
}

// FuzzParseExpand: no input makes parse or expand panic or hang, every
// occurrence is well formed and inside the window, and a parse that leaves
// out the past (Options.Since) expands the window as the whole feed does.
func FuzzParseExpand(f *testing.F) {
	f.Add(feed(`BEGIN:VEVENT
		UID:r
		DTSTART;TZID=Europe/Berlin:20261102T100000
		DTEND;TZID=Europe/Berlin:20261102T110000
		RRULE:FREQ=WEEKLY;COUNT=5
		EXDATE;TZID=Europe/Berlin:20261123T100000
		END:VEVENT
		BEGIN:VEVENT
		UID:r
		RECURRENCE-ID;TZID=Europe/Berlin:20261109T100000
		DTSTART;TZID=Europe/Berlin:20261110T140000
		STATUS:CANCELLED
		END:VEVENT`))
	f.Add(feed(`BEGIN:VEVENT
		UID:s
		DTSTART;VALUE=DATE:20261102
		RRULE:FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20271231
		RDATE;VALUE=PERIOD:20261110T120000Z/PT2H
		ATTENDEE;CN=x;CUTYPE=ROOM:mailto:a@b.c
		END:VEVENT`))
	f.Add("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261124\n")
	addCorpusSeeds(f)
	f.Fuzz(func(t *testing.T, src string) {
		defer watchdog()()
		c, _, err := Parse(strings.NewReader(src), Options{Name: "fuzz"})
		if err != nil {
			return
		}
		from, to := ts("2026-01-01T00:00:00Z"), ts("2027-01-01T00:00:00Z")
		checkExpand(t, c, from, to)
		// Parsed for windows from 2026 on, the feed gives the same year.
		pruned, _, err := Parse(strings.NewReader(src), Options{Name: "fuzz", Since: from})
		if err != nil {
			t.Fatalf("parsed whole, but not with Since: %v", err)
		}
		if got, want := eventKeys(pruned.Expand(from, to)), eventKeys(c.Expand(from, to)); got != want {
			t.Errorf("parsed with Since:\n%s\nparsed whole:\n%s", got, want)
		}
	})
}

// watchdog crashes the fuzz worker when one input runs for over 10 seconds,
// so the fuzzer reports a hang (which it does not detect by itself) and keeps
// the input. Call the function it returns when done.
func watchdog() (stop func()) {
	t := time.AfterFunc(10*time.Second, func() { panic("hang: parse and expand of one input took over 10s") })
	return func() { t.Stop() }
}

func checkExpand(t *testing.T, c *Calendar, from, to time.Time) {
	t.Helper()
	for _, e := range c.Expand(from, to) {
		if e.End.Before(e.Start) {
			t.Errorf("%s: end %v before start %v", e.UID, e.End, e.Start)
		}
		if !e.Start.Before(to) || !(e.End.After(from) || !e.Start.Before(from)) {
			t.Errorf("%s: [%v, %v) is outside [%v, %v)", e.UID, e.Start, e.End, from, to)
		}
	}
}

// FuzzRule drives the recurrence rules themselves: any RRULE, EXDATE and
// RDATE on a timed, floating or all-day start must expand without a panic or
// a hang, within the per-series limit. The seed corpus
// (testdata/fuzz/FuzzRule/hostile_*) holds the rules that once hung or
// exhausted memory.
func FuzzRule(f *testing.F) {
	for _, s := range []struct{ start, rule, ex string }{
		{"DTSTART;TZID=America/New_York:20260308T023000", "FREQ=DAILY;COUNT=5", "20260309T023000"},
		{"DTSTART:20261101T013000", "FREQ=HOURLY;INTERVAL=7;BYHOUR=1,2", "20261101T013000"},
		{"DTSTART;VALUE=DATE:20260131", "FREQ=MONTHLY;BYMONTHDAY=31,-1;BYSETPOS=1", "20260228"},
		{"DTSTART;TZID=Europe/Berlin:20260102T100000", "FREQ=YEARLY;BYWEEKNO=1,53;BYDAY=MO;WKST=SU", ""},
		{"DTSTART:20260102T100000Z", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,TU;UNTIL=20261231", ""},
		{"DTSTART;TZID=W. Europe Standard Time:20260102T100000", "FREQ=YEARLY;BYYEARDAY=-1,100;UNTIL=20300101T000000Z", ""},
		// Issue 12: RFC 7529 RSCALE and SKIP, garbled rules, display-name TZIDs.
		{"DTSTART;TZID=Europe/London:20260131T090000", "RSCALE=GREGORIAN;FREQ=MONTHLY;SKIP=BACKWARD;COUNT=4", "20260228T090000"},
		{"DTSTART:20260131T160000Z", "FREQ=MONTHLY;RSCALE=GREGORIAN;SKIP=FORWARD;BYMONTHDAY=31;UNTIL=20260501T000000Z", "20260301T160000Z"},
		{"DTSTART;VALUE=DATE:20240229", "RSCALE=GREGORIAN;FREQ=YEARLY;SKIP=BACKWARD", "20260228"},
		{"DTSTART;VALUE=DATE:20260310", "RSCALE=HEBREW;FREQ=YEARLY;BYMONTH=5L;BYMONTHDAY=8;SKIP=FORWARD", ""},
		{"DTSTART:20260302T100000Z", "RRULE:FREQ=WEEKLY;COUNT=3", ""},
		{"DTSTART:20260303T080000Z", "FREQ=DAILY;X-NAME=Foo;COUNT=3;SOMETHING;BYDAY=XX", ""},
		{"DTSTART:20260304T120000Z", "FREQ=FORTNIGHTLY;COUNT=3", ""},
		{`DTSTART;TZID="(UTC-05:00) Eastern Time (US & Canada)":20260302T100000`, "FREQ=WEEKLY;COUNT=3", "20260309T100000"},
	} {
		f.Add(s.start, s.rule, s.ex)
	}
	f.Fuzz(func(t *testing.T, start, rule, ex string) {
		for _, s := range []string{start, rule, ex} {
			if strings.ContainsAny(s, "\r\n") {
				return
			}
		}
		src := "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:f\r\n" + start + "\r\nDURATION:PT1H\r\nRRULE:" + rule +
			"\r\nEXDATE:" + ex + "\r\nRDATE:" + ex + "\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:f\r\nRECURRENCE-ID;RANGE=THISANDFUTURE:" + ex +
			"\r\n" + start + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
		defer watchdog()()
		c, _, err := Parse(strings.NewReader(src), Options{Name: "fuzz"})
		if err != nil {
			t.Fatal(err)
		}
		checkExpand(t, c, ts("2026-01-01T00:00:00Z"), ts("2027-01-01T00:00:00Z"))
		checkExpand(t, c, ts("1999-12-31T00:00:00Z"), ts("2000-01-02T00:00:00Z"))
		// One series (and its RDATE and override): within the per-series limit.
		if n := len(c.Expand(ts("2026-01-01T00:00:00Z"), ts("2027-01-01T00:00:00Z"))); n > recur.Default.RuleInstances+2 {
			t.Errorf("%d occurrences from one series", n)
		}
	})
}

func TestWarningString(t *testing.T) {
	if got, want := (Warning{Feed: "work", Line: 12, Msg: "skipped VEVENT: no DTSTART"}).String(), "work:12: skipped VEVENT: no DTSTART"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestFastForward checks that skipping ahead in long-running rules gives the
// instances rrule-go gives when it walks the whole rule, once placed in their
// zone (recur's own tests compare the walk with rrule-go's on random rules).
func TestFastForward(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	starts := []time.Time{
		time.Date(1999, 3, 14, 2, 30, 0, 0, ny), // in a DST gap on some later days
		time.Date(2003, 11, 2, 1, 30, 0, 0, ny), // in a DST fold
		time.Date(2010, 1, 31, 9, 0, 0, 0, time.UTC),
	}
	rules := []string{
		"FREQ=DAILY", "FREQ=DAILY;INTERVAL=3", "FREQ=DAILY;BYMONTH=3,11",
		"FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE", "FREQ=WEEKLY;INTERVAL=3;WKST=SU;BYDAY=SU,SA",
		"FREQ=HOURLY;INTERVAL=5", "FREQ=HOURLY;INTERVAL=7;BYHOUR=2,9,16",
		"FREQ=DAILY;BYHOUR=2,3;BYMINUTE=30",
	}
	windows := [][2]time.Time{
		{ts("2026-03-01T00:00:00Z"), ts("2026-03-20T00:00:00Z")},
		{ts("2026-10-25T00:00:00Z"), ts("2026-11-10T00:00:00Z")},
	}
	for _, start := range starts {
		for _, text := range rules {
			opt, err := rrule.StrToROption(text)
			if err != nil {
				t.Fatal(err)
			}
			opt.Dtstart = wallOf(start)
			r, err := rrule.NewRRule(*opt)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range windows {
				var want, got []time.Time
				for _, wall := range r.Between(wallOf(w[0].In(ny)).Add(-3*time.Hour), wallOf(w[1].In(ny)).Add(3*time.Hour), true) {
					if in := inZone(wall, start.Location()); !in.Before(w[0]) && in.Before(w[1]) {
						want = append(want, in)
					}
				}
				rr, err := recur.New(*opt)
				if err != nil {
					t.Fatal(err)
				}
				walk(&rule{Rule: rr}, start.Location(), w[0], w[1], recur.Default.RuleInstances, recur.NewBudget(recur.Default), func(in time.Time) bool {
					if !in.Before(w[0]) && in.Before(w[1]) {
						got = append(got, in)
					}
					return true
				})
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s from %v in %v: (-walked +skipped):\n%s", text, start, w, diff)
				}
			}
		}
	}
}

// bigFeed is a feed like a busy work calendar's: weekly series with overrides,
// and one event carrying a large folded inline attachment.
func bigFeed(series int) string {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\n")
	for i := range series {
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:s%d\r\nSUMMARY:Series %d\r\nDTSTART;TZID=America/New_York:20200106T%02d0000\r\n"+
			"DURATION:PT30M\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:p%d@acme.test\r\nEND:VEVENT\r\n", i, i, 8+i%9, i)
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:s%d\r\nRECURRENCE-ID;TZID=America/New_York:20261125T%02d0000\r\n"+
			"DTSTART;TZID=America/New_York:20261126T%02d0000\r\nDURATION:PT30M\r\nEND:VEVENT\r\n", i, 8+i%9, 8+i%9)
	}
	b.WriteString("BEGIN:VEVENT\r\nUID:att\r\nDTSTART:20261124T100000Z\r\nATTACH;ENCODING=BASE64;VALUE=BINARY:")
	for range 100_000 {
		b.WriteString(strings.Repeat("QUJD", 18) + "\r\n ")
	}
	b.WriteString("QQ==\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
	return b.String()
}

func TestBigFeed(t *testing.T) {
	src := bigFeed(300)
	c, ws := mustParse(t, src, Options{Name: "big"})
	if len(ws) > 0 {
		t.Errorf("warnings: %v", ws[0])
	}
	got := c.Expand(ts("2026-11-23T00:00:00Z"), ts("2026-11-30T00:00:00Z"))
	if want := 300*2 + 1; len(got) != want {
		t.Errorf("got %d occurrences, want %d", len(got), want)
	}
}

func BenchmarkParse(b *testing.B) {
	src := bigFeed(300)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, _, err := Parse(strings.NewReader(src), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExpandWeek(b *testing.B) {
	c, _, err := Parse(strings.NewReader(bigFeed(300)), Options{})
	if err != nil {
		b.Fatal(err)
	}
	from, to := ts("2026-11-23T00:00:00Z"), ts("2026-11-30T00:00:00Z")
	for b.Loop() {
		c.Expand(from, to)
	}
}

func TestNonUTF8IsLatin1(t *testing.T) {
	c, _ := mustParse(t, "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:l\r\nSUMMARY:R\xe9union \xe0 M\xfcnchen — ok\r\n"+
		"ATTENDEE;CN=Jos\xe9:mailto:jose@acme.test\r\nDTSTART:20261124T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", Options{})
	evs := c.Expand(ts("2026-11-24T00:00:00Z"), ts("2026-11-25T00:00:00Z"))
	if len(evs) != 1 || evs[0].Summary != "Réunion à München — ok" || evs[0].Attendees[0].Name != "José" {
		t.Errorf("got %+v, want the Latin-1 bytes read as Latin-1", evs)
	}
}

func TestZoneNames(t *testing.T) {
	for _, c := range []struct{ tzid, want string }{
		{"W. Europe Standard Time", "2026-01-15T09:00:00Z"},
		{`"Pacific Standard Time"`, "2026-01-15T18:00:00Z"},
		{"line islands standard time", "2026-01-14T20:00:00Z"},
		{"/mozilla.org/20050126_1/Europe/London", "2026-01-15T10:00:00Z"},
		{`"(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi"`, "2026-01-15T04:30:00Z"},
		{`"(GMT-03:00) Brasilia"`, "2026-01-15T13:00:00Z"},
	} {
		c1, _ := mustParse(t, "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:z\r\nDTSTART;TZID="+c.tzid+":20260115T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", Options{})
		evs := c1.Expand(ts("2026-01-13T00:00:00Z"), ts("2026-01-17T00:00:00Z"))
		if len(evs) != 1 || !evs[0].Start.Equal(ts(c.want)) {
			t.Errorf("TZID=%s: got %v, want one event at %s", c.tzid, evs, c.want)
		}
	}
}

// TestUnreachableHour: rrule-go loops forever on an HOURLY rule whose BYHOUR
// its INTERVAL never reaches (found by FuzzRule). Such a rule is ignored with
// a warning, and the event keeps its first instance.
func TestUnreachableHour(t *testing.T) {
	for _, c := range []struct {
		start, rule string
		want        string // in the warning; "" for none
	}{
		{"DTSTART;VALUE=DATE:20270101", "FREQ=HOURLY;INTERVAL=3;BYHOUR=1,1", "never reaches a BYHOUR value"},
		{"DTSTART:20261124T100000Z", "FREQ=HOURLY;INTERVAL=6;BYHOUR=3,9", "never reaches a BYHOUR value"},
		{"DTSTART:20261124T100000Z", "FREQ=HOURLY;INTERVAL=6;BYHOUR=4,16", ""},
		{"DTSTART:20261124T100000Z", "FREQ=HOURLY;INTERVAL=5;BYHOUR=1", ""},
		{"DTSTART:20261124T100000Z", "FREQ=HOURLY;BYHOUR=24", "cannot be expanded: BYHOUR must be between 0 and 23"},
	} {
		c1, ws := mustParse(t, feed("BEGIN:VEVENT\nUID:h\n"+c.start+"\nRRULE:"+c.rule+"\nEND:VEVENT"), Options{})
		if c.want == "" {
			if len(ws) != 0 {
				t.Errorf("%s %s: warnings %v", c.start, c.rule, ws)
			}
			continue
		}
		if len(ws) != 1 || !strings.Contains(ws[0].Msg, c.want) {
			t.Errorf("%s %s: warnings %v, want one saying %q", c.start, c.rule, ws, c.want)
		}
		if strings.Contains(c.want, "never") || strings.Contains(c.want, "cannot") {
			if evs := c1.Expand(ts("2026-11-01T00:00:00Z"), ts("2027-02-01T00:00:00Z")); len(evs) != 1 {
				t.Errorf("%s %s: %d occurrences, want the first instance only", c.start, c.rule, len(evs))
			}
		}
	}
}
