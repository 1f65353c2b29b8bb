package ics

import (
	"strings"
	"testing"
	"time"
)

// singapore is Outlook 2007's VTIMEZONE for Singapore, its TZID a TEXT value
// with an escaped comma.
const singapore = `BEGIN:VTIMEZONE
TZID:Singapore\, Kuala Lumpur
BEGIN:STANDARD
DTSTART:16010101T000000
TZOFFSETFROM:+0800
TZOFFSETTO:+0800
END:STANDARD
END:VTIMEZONE
`

// TestEscapedTZID (issue 12, class 1): a VTIMEZONE's TZID is TEXT (RFC 5545
// §3.8.3.1), so Outlook 2007's "Singapore\, Kuala Lumpur" is the zone events
// name in quotes; its times are not read as UTC.
func TestEscapedTZID(t *testing.T) {
	c, ws := mustParse(t, feed(singapore+`BEGIN:VEVENT
UID:sg
DTSTART;TZID="Singapore, Kuala Lumpur":20260302T090000
END:VEVENT`), Options{Name: "f"})
	if len(ws) != 0 {
		t.Errorf("warnings %v", ws)
	}
	evs := c.Expand(ts("2026-03-01T00:00:00Z"), ts("2026-03-03T00:00:00Z"))
	if len(evs) != 1 || !evs[0].Start.Equal(ts("2026-03-02T01:00:00Z")) {
		t.Errorf("got %v, want one at 01:00 UTC", evs)
	}
}

// TestUnquotedCommaInAParameter: RFC 5545 §3.2 says a parameter value with a
// comma is quoted, and only MEMBER, DELEGATED-TO and DELEGATED-FROM hold
// lists; some exporters write the escaped VTIMEZONE name unquoted on events,
// or a "Last, First" CN. The comma is part of the one value.
func TestUnquotedCommaInAParameter(t *testing.T) {
	c, ws := mustParse(t, feed(singapore+`BEGIN:VEVENT
UID:sg
DTSTART;TZID=Singapore\, Kuala Lumpur:20260302T090000
DTEND;TZID=Singapore\, Kuala Lumpur:20260302T093000
ORGANIZER;CN=Tan, Wei Ling:mailto:weiling@example.com
ATTENDEE;CN=Doe, John;PARTSTAT=ACCEPTED;DELEGATED-FROM="mailto:a@example.com","mailto:b@example.com":mailto:john@example.com
END:VEVENT`), Options{Name: "f"})
	if len(ws) != 0 {
		t.Errorf("warnings %v", ws)
	}
	evs := c.Expand(ts("2026-03-01T00:00:00Z"), ts("2026-03-03T00:00:00Z"))
	if len(evs) != 1 {
		t.Fatalf("got %d events, want 1", len(evs))
	}
	e := evs[0]
	if !e.Start.Equal(ts("2026-03-02T01:00:00Z")) || e.End.Sub(e.Start) != 30*time.Minute {
		t.Errorf("got %s to %s, want 01:00 to 01:30 UTC", e.Start, e.End)
	}
	names := map[string]string{}
	for _, a := range e.Attendees {
		names[a.Email] = a.Name
	}
	if names["john@example.com"] != "Doe, John" || names["weiling@example.com"] != "Tan, Wei Ling" {
		t.Errorf("attendee names %v, want the whole CNs", names)
	}
}

// TestAllDayTimeDuration (issue 12, class 4): an all-day event lasts whole
// days, at least one, whatever its DURATION says in hours (RFC 5545 §3.8.2.5).
func TestAllDayTimeDuration(t *testing.T) {
	for dur, days := range map[string]int{"PT0S": 1, "PT5H": 1, "PT24H": 1, "P1DT1S": 2, "P1DT12H": 2, "P2D": 2, "P1W": 7} {
		c, _ := mustParse(t, feed("BEGIN:VEVENT\nUID:d\nDTSTART;VALUE=DATE:20260504\nDURATION:"+dur+"\nEND:VEVENT"), Options{Name: "f"})
		evs := c.Expand(ts("2026-05-01T00:00:00Z"), ts("2026-06-01T00:00:00Z"))
		if len(evs) != 1 || evs[0].End.Sub(evs[0].Start) != time.Duration(days)*24*time.Hour {
			t.Errorf("DURATION:%s: got %v, want %d days", dur, evs, days)
		}
	}
}

// TestGarbledRule (issue 12, class 5): the parts of a rule that cannot be
// read are dropped, each with a warning naming the RRULE's line, and the
// rest is expanded.
func TestGarbledRule(t *testing.T) {
	c, ws := mustParse(t, feed("BEGIN:VEVENT\nUID:g\nDTSTART:20260302T100000Z\nRRULE:RRULE:FREQ=DAILY;COUNT=3;X-FOO=1;BYDAY=XX\nEND:VEVENT"), Options{Name: "f"})
	if len(ws) != 3 {
		t.Errorf("warnings %v, want three", ws)
	}
	for _, w := range ws {
		if w.Line != 7 || !strings.Contains(w.Msg, "ignored") {
			t.Errorf("warning %v, want one on line 7 (the RRULE) saying what is ignored", w)
		}
	}
	if evs := c.Expand(ts("2026-03-01T00:00:00Z"), ts("2026-04-01T00:00:00Z")); len(evs) != 3 {
		t.Errorf("got %d occurrences, want 3", len(evs))
	}
}
