package ics

import (
	"strings"
	"testing"
	"time"
)

// TestSkip: RFC 7529 SKIP on a Gregorian rule, in a window far from DTSTART
// (the walk starts near the window) and with COUNT, and the warning for SKIP
// on a rule it is not applied to.
func TestSkip(t *testing.T) {
	for _, c := range []struct {
		rule     string
		from, to string
		want     []string // start dates
		warn     string
	}{
		{"FREQ=MONTHLY;SKIP=BACKWARD", "2031-01-15T00:00:00Z", "2031-05-15T00:00:00Z",
			[]string{"2031-01-31", "2031-02-28", "2031-03-31", "2031-04-30"}, ""},
		{"RSCALE=GREGORIAN;FREQ=MONTHLY;SKIP=FORWARD", "2031-01-15T00:00:00Z", "2031-05-15T00:00:00Z",
			[]string{"2031-01-31", "2031-03-01", "2031-03-31", "2031-05-01"}, ""},
		{"RSCALE=GREGORIAN;FREQ=MONTHLY", "2031-01-15T00:00:00Z", "2031-05-15T00:00:00Z",
			[]string{"2031-01-31", "2031-03-31"}, ""},
		{"FREQ=MONTHLY;INTERVAL=2;SKIP=BACKWARD;COUNT=3", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z",
			[]string{"2026-01-31", "2026-03-31", "2026-05-31"}, ""},
		{"FREQ=MONTHLY;BYMONTHDAY=30;SKIP=BACKWARD;COUNT=3", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z",
			// DTSTART, then three of the rule's: January's 30th is before DTSTART.
			[]string{"2026-01-31", "2026-02-28", "2026-03-30", "2026-04-30"}, ""},
		{"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;SKIP=BACKWARD;COUNT=2", "2026-01-01T00:00:00Z", "2029-01-01T00:00:00Z",
			[]string{"2026-01-31", "2026-02-28", "2027-02-28"}, ""},
		{"FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=31;SKIP=BACKWARD", "2026-01-01T00:00:00Z", "2026-12-01T00:00:00Z",
			[]string{"2026-01-31", "2026-10-31"}, "SKIP=BACKWARD is applied only to a rule on one day of the month"},
		{"FREQ=MONTHLY;SKIP=SIDEWAYS;COUNT=2", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z",
			[]string{"2026-01-31", "2026-03-31"}, "ignored SKIP=SIDEWAYS"},
	} {
		c1, ws := mustParse(t, feed("BEGIN:VEVENT\nUID:s\nDTSTART:20260131T090000Z\nDURATION:PT1H\nRRULE:"+c.rule+"\nEND:VEVENT"), Options{Name: "f"})
		var got []string
		for _, e := range c1.Expand(ts(c.from), ts(c.to)) {
			got = append(got, e.Start.UTC().Format(time.DateOnly))
		}
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("%s: got %v, want %v", c.rule, got, c.want)
		}
		if c.warn == "" && len(ws) != 0 || c.warn != "" && (len(ws) != 1 || !strings.Contains(ws[0].Msg, c.warn)) {
			t.Errorf("%s: warnings %v, want %q", c.rule, ws, c.warn)
		}
	}
}
