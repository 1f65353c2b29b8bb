package ics

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/recur"
)

// The hostile feeds of issue 8: a few kilobytes each, that once took minutes
// or gigabytes to expand.

// bySetPosFeed is n events of FREQ=HOURLY;BYSETPOS=2 from 2020, which never
// matches (an hour holds one instance), and one weekly meeting.
func bySetPosFeed(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "BEGIN:VEVENT\nUID:setpos%d\nDTSTART:20200101T100000Z\nRRULE:FREQ=HOURLY;BYSETPOS=2\nEND:VEVENT\n", i)
	}
	b.WriteString("BEGIN:VEVENT\nUID:weekly\nDTSTART:20260105T100000Z\nDURATION:PT30M\nRRULE:FREQ=WEEKLY;BYDAY=MO\nEND:VEVENT\n")
	return feed(b.String())
}

// bySecondRule matches every second of every day.
var bySecondRule = func() string {
	var h, m []string
	for i := range 60 {
		if i < 24 {
			h = append(h, fmt.Sprint(i))
		}
		m = append(m, fmt.Sprint(i))
	}
	return "FREQ=DAILY;BYHOUR=" + strings.Join(h, ",") + ";BYMINUTE=" + strings.Join(m, ",") + ";BYSECOND=" + strings.Join(m, ",")
}()

// bySecondFeed is n events of bySecondRule from 2020 and one weekly meeting.
func bySecondFeed(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "BEGIN:VEVENT\nUID:second%d\nDTSTART:20200101T000000Z\nRRULE:%s\nEND:VEVENT\n", i, bySecondRule)
	}
	b.WriteString("BEGIN:VEVENT\nUID:weekly\nDTSTART:20260105T100000Z\nDURATION:PT30M\nRRULE:FREQ=WEEKLY;BYDAY=MO\nEND:VEVENT\n")
	return feed(b.String())
}

// hourlyFeed is n HOURLY events without COUNT from 2020, and one weekly meeting.
func hourlyFeed(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "BEGIN:VEVENT\nUID:hourly%d\nSUMMARY:Hourly %d\nDTSTART:20200101T%02d0000Z\nDURATION:PT30M\nRRULE:FREQ=HOURLY\nEND:VEVENT\n", i, i, i%24)
	}
	b.WriteString("BEGIN:VEVENT\nUID:weekly\nDTSTART:20260105T100000Z\nDURATION:PT30M\nRRULE:FREQ=WEEKLY;BYDAY=MO\nEND:VEVENT\n")
	return feed(b.String())
}

// normalFeed is a work calendar's worth: 40 weekly series, a daily stand-up
// for ten years (COUNT, so walked from its start), monthly and yearly
// series, 100 birthdays since 1950, and 2,000 single meetings.
func normalFeed() string {
	var b strings.Builder
	for i := range 40 {
		fmt.Fprintf(&b, "BEGIN:VEVENT\nUID:w%d\nDTSTART;TZID=America/New_York:20200106T%02d0000\nDURATION:PT30M\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE\nEND:VEVENT\n", i, 8+i%9)
	}
	b.WriteString("BEGIN:VEVENT\nUID:standup\nDTSTART;TZID=Europe/Berlin:20170102T093000\nDURATION:PT15M\nRRULE:FREQ=DAILY;COUNT=3650\nEND:VEVENT\n")
	b.WriteString("BEGIN:VEVENT\nUID:monthly\nDTSTART:20100112T150000Z\nRRULE:FREQ=MONTHLY;BYDAY=2TU\nEND:VEVENT\n")
	b.WriteString("BEGIN:VEVENT\nUID:quarterly\nDTSTART:20000131T150000Z\nRRULE:FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1\nEND:VEVENT\n")
	for i := range 100 {
		fmt.Fprintf(&b, "BEGIN:VEVENT\nUID:bday%d\nDTSTART;VALUE=DATE:19%02d%02d%02d\nRRULE:FREQ=YEARLY\nEND:VEVENT\n", i, 50+i%50, 1+i%12, 1+i%28)
	}
	for i := range 2000 {
		fmt.Fprintf(&b, "BEGIN:VEVENT\nUID:m%d\nDTSTART:2026%02d%02dT%02d0000Z\nDURATION:PT1H\nEND:VEVENT\n", i, 1+i%12, 1+i%28, 8+i%9)
	}
	return feed(b.String())
}

// count returns how many occurrences each UID has.
func count(evs []calendar.Event) map[string]int {
	n := map[string]int{}
	for _, e := range evs {
		n[e.UID]++
	}
	return n
}

// hasWarning reports whether ws holds a warning on line with all of parts.
func hasWarning(ws []Warning, line int, parts ...string) bool {
	for _, w := range ws {
		if w.Line != line {
			continue
		}
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(w.String(), p)
		}
		if ok {
			return true
		}
	}
	return false
}

// A year around "now", as the daemon reads (its lookback and horizon).
var (
	yearFrom = ts("2025-11-23T00:00:00Z")
	yearTo   = ts("2026-12-22T00:00:00Z")
)

// TestBySetPosNeverMatches: FREQ=HOURLY;BYSETPOS=2 walked every hour to the
// year 9999 (15 s per event). It is found up front: each event keeps its
// first instance, with a warning naming the feed, the line and the rule.
func TestBySetPosNeverMatches(t *testing.T) {
	c, ws := mustParse(t, bySetPosFeed(4), Options{Name: "hostile"})
	for i := range 4 {
		if line := 4 + 5*i; !hasWarning(ws, line, fmt.Sprintf("hostile:%d:", line), `RRULE "FREQ=HOURLY;BYSETPOS=2" never matches`,
			"BYSETPOS selects nothing", "keeps its first instance") {
			t.Errorf("no warning for line %d in %v", line, ws)
		}
	}
	evs, expWarns := c.Occurrences(yearFrom, yearTo)
	if n := count(evs); len(n) != 1 || n["weekly"] != 51 {
		t.Errorf("occurrences %v, want the weekly meeting's 51 only", n)
	}
	if len(expWarns) != 0 {
		t.Errorf("expansion warnings %v", expWarns)
	}
	// The first instance is still there.
	if n := count(c.Expand(ts("2020-01-01T00:00:00Z"), ts("2020-01-02T00:00:00Z"))); n["setpos0"] != 1 || n["setpos3"] != 1 {
		t.Errorf("on DTSTART's day: %v, want each first instance", n)
	}
}

// TestBySecondCut: twenty events matching every second reached 3.8 GiB.
// Now the series share the feed's 100,000 instances and say so; the weekly
// meeting in the same feed is whole.
func TestBySecondCut(t *testing.T) {
	c, ws := mustParse(t, bySecondFeed(20), Options{Name: "hostile"})
	if len(ws) != 0 {
		t.Fatalf("parse warnings %v", ws)
	}
	evs, warns := c.Occurrences(yearFrom, yearTo)
	n := count(evs)
	if n["weekly"] != 51 {
		t.Errorf("weekly meeting: %d occurrences, want 51", n["weekly"])
	}
	total := 0
	for i := range 20 {
		uid := fmt.Sprintf("second%d", i)
		total += n[uid]
		if n[uid] == 0 {
			t.Errorf("%s has no occurrence", uid)
		}
		line := 4 + 5*i
		if !hasWarning(warns, line, fmt.Sprintf("hostile:%d:", line), `RRULE "FREQ=DAILY;BYHOUR=0,1,2`, `of "`+uid+`"`,
			fmt.Sprintf("cut at %s instances", thousands(n[uid])), "more than 100,000 instances in the window (the per-feed limit)") {
			t.Errorf("no cut warning for %s (line %d) in %v", uid, line, warns)
		}
	}
	if total > recur.Default.FeedInstances {
		t.Errorf("%d occurrences from the hostile series, over the %d limit", total, recur.Default.FeedInstances)
	}
	if len(warns) != 20 {
		t.Errorf("%d warnings, want one per hostile series: %v", len(warns), warns)
	}
}

// TestRuleInstanceCap (issue 12): one series over the per-rule instance cap
// is cut there, and says so.
func TestRuleInstanceCap(t *testing.T) {
	c, _ := mustParse(t, feed("BEGIN:VEVENT\nUID:s\nDTSTART:20200101T000000Z\nRRULE:"+bySecondRule+"\nEND:VEVENT"), Options{Name: "f"})
	evs, warns := c.Occurrences(yearFrom, yearTo)
	if len(evs) != recur.Default.RuleInstances {
		t.Errorf("%d occurrences, want %d", len(evs), recur.Default.RuleInstances)
	}
	if !hasWarning(warns, 4, "cut at 50,000 instances in the window (the per-rule limit); later instances are left out") {
		t.Errorf("warnings %v", warns)
	}
	// Kept: the earliest.
	if !evs[0].Start.Equal(yearFrom) || !evs[len(evs)-1].Start.Equal(yearFrom.Add(time.Duration(len(evs)-1)*time.Second)) {
		t.Errorf("kept %v to %v", evs[0].Start, evs[len(evs)-1].Start)
	}
}

// TestHourlySeriesShare: 200 HOURLY series without COUNT (1.9 GiB before)
// share the feed's limit; a smaller series in the same feed is kept whole.
func TestHourlySeriesShare(t *testing.T) {
	c, _ := mustParse(t, hourlyFeed(200), Options{Name: "hostile"})
	evs, warns := c.Occurrences(yearFrom, yearTo)
	n := count(evs)
	if n["weekly"] != 51 {
		t.Errorf("weekly: %d, want 51", n["weekly"])
	}
	if len(evs) > recur.Default.FeedInstances+50 {
		t.Errorf("%d occurrences", len(evs))
	}
	if len(warns) != 200 || !hasWarning(warns, 4, `RRULE "FREQ=HOURLY" of "hourly0" cut at`) {
		t.Errorf("%d warnings: %v", len(warns), warns[:min(len(warns), 3)])
	}
}

// TestWorkBudget: a rule that never matches but cannot be seen to up front,
// with a COUNT that forces a walk from the year 1000, stops at the per-rule
// work budget with a warning; once the feed's budget is spent, the rest are
// cut too and summed up in one warning.
func TestWorkBudget(t *testing.T) {
	var b strings.Builder
	for i := range 5 {
		fmt.Fprintf(&b, "BEGIN:VEVENT\nUID:w%d\nDTSTART:10000101T100000Z\nRRULE:FREQ=HOURLY;BYMONTH=6;BYWEEKNO=1;COUNT=5\nEND:VEVENT\n", i)
	}
	b.WriteString("BEGIN:VEVENT\nUID:weekly\nDTSTART:20260105T100000Z\nRRULE:FREQ=WEEKLY;BYDAY=MO\nEND:VEVENT\n")
	c, ws := mustParse(t, feed(b.String()), Options{Name: "f"})
	if len(ws) != 0 {
		t.Fatalf("parse warnings %v", ws)
	}
	evs, warns := c.Occurrences(yearFrom, yearTo)
	if n := count(evs); n["weekly"] != 51 || len(n) != 1 {
		t.Errorf("occurrences %v", n)
	}
	for i := range 5 {
		if !hasWarning(warns, 4+5*i, `RRULE "FREQ=HOURLY;BYMONTH=6;BYWEEKNO=1;COUNT=5"`, "examined 1,000,000 candidate times (the per-rule limit)") {
			t.Errorf("no per-rule warning for line %d: %v", 4+5*i, warns)
		}
	}

	// A feed budget of 2.5 rules: the third is cut by it, the rest summed up.
	// The weekly series is cheap, so it is expanded first and kept whole.
	c.limits = recur.Limits{RuleWork: 1_000_000, FeedWork: 2_500_000, RuleInstances: 50_000, FeedInstances: 100_000}
	evs, warns = c.Occurrences(yearFrom, yearTo)
	if n := count(evs); n["weekly"] != 51 {
		t.Errorf("weekly: %d occurrences, want 51", n["weekly"])
	}
	if !hasWarning(warns, 14, "the feed's rules examined 2,500,000 candidate times (the per-feed limit)") ||
		!hasWarning(warns, 0, "2 more rules were cut: the feed's work budget (2,500,000 candidate times) was spent") {
		t.Errorf("warnings %v", warns)
	}
}

// TestMinutelyKeepsFirst (issue 12): a MINUTELY or SECONDLY rule is not
// expanded, but the event keeps its first instance, with a warning.
func TestMinutelyKeepsFirst(t *testing.T) {
	c, ws := mustParse(t, feed(`BEGIN:VEVENT
		UID:m
		DTSTART:20261124T100000Z
		DURATION:PT5M
		RRULE:FREQ=MINUTELY;INTERVAL=15
		END:VEVENT
		BEGIN:VEVENT
		UID:s
		DTSTART:20261124T110000Z
		RRULE:FREQ=SECONDLY
		END:VEVENT`), Options{Name: "f"})
	if !hasWarning(ws, 4, `f:4: RRULE "FREQ=MINUTELY;INTERVAL=15" is not expanded (FREQ=MINUTELY); the rule is ignored and the event keeps its first instance`) ||
		!hasWarning(ws, 10, `RRULE "FREQ=SECONDLY" is not expanded (FREQ=SECONDLY)`) {
		t.Errorf("warnings %v", ws)
	}
	got := occs(c.Expand(ts("2026-11-24T00:00:00Z"), ts("2026-11-25T00:00:00Z")))
	want := []occ{
		{UID: "m", Start: "2026-11-24T10:00:00Z", End: "2026-11-24T10:05:00Z", Status: calendar.StatusConfirmed},
		{UID: "s", Start: "2026-11-24T11:00:00Z", End: "2026-11-24T11:00:00Z", Status: calendar.StatusConfirmed},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestImpossibleRules: rules that can never match are found up front; the
// event keeps its first instance.
func TestImpossibleRules(t *testing.T) {
	for _, rule := range []string{
		"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31",
		"FREQ=MONTHLY;BYMONTH=4,6,9,11;BYMONTHDAY=31",
		"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
		"FREQ=MONTHLY;BYDAY=6MO",
		"FREQ=DAILY;BYYEARDAY=1;BYMONTH=2",
		"FREQ=DAILY;BYHOUR=9;BYSETPOS=2",
		"FREQ=HOURLY;INTERVAL=2;BYHOUR=1,3,5",
	} {
		c, ws := mustParse(t, feed("BEGIN:VEVENT\nUID:x\nDTSTART:20260102T100000Z\nRRULE:"+rule+"\nEND:VEVENT"), Options{Name: "f"})
		if !hasWarning(ws, 4, "RRULE "+quoteRule(rule)+" never matches") {
			t.Errorf("%s: warnings %v", rule, ws)
		}
		if evs := c.Expand(ts("2026-01-01T00:00:00Z"), ts("2027-01-01T00:00:00Z")); len(evs) != 1 {
			t.Errorf("%s: %d occurrences, want the first instance", rule, len(evs))
		}
	}
}

// TestNormalFeedUncut: a real calendar's rules are never cut, and examine
// a small part of the budget.
func TestNormalFeedUncut(t *testing.T) {
	c, ws := mustParse(t, normalFeed(), Options{Name: "f"})
	if len(ws) != 0 {
		t.Fatalf("parse warnings %v", ws)
	}
	evs, warns := c.Occurrences(ts("2017-01-01T00:00:00Z"), ts("2027-01-01T00:00:00Z"))
	if len(warns) != 0 {
		t.Errorf("warnings %v", warns)
	}
	if n := count(evs); n["standup"] != 3650 || n["bday7"] != 10 {
		t.Errorf("standup %d, bday7 %d", n["standup"], n["bday7"])
	}
}

// TestSourceLogsCutsOnce: a Source logs an expansion's warnings, once per
// parsed feed however often it is expanded.
func TestSourceLogsCutsOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hostile.ics")
	if err := os.WriteFile(path, []byte(bySecondFeed(2)), 0o600); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	src := &Source{Name: "hostile", Location: path, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	for range 3 {
		if _, err := src.Events(context.Background(), yearFrom, yearTo); err != nil {
			t.Fatal(err)
		}
	}
	if got := strings.Count(logs.String(), " cut at "); got != 2 {
		t.Errorf("%d cut warnings logged, want 2 (one per series):\n%s", got, logs.String())
	}
	if !strings.Contains(logs.String(), `feed=hostile line=4 msg="RRULE \"FREQ=DAILY;BYHOUR=0,1,2,3`) {
		t.Errorf("logs:\n%s", logs.String())
	}
}

// BenchmarkExpandHostile times reading (parse + expand over a year) the
// hostile feeds, and a normal one, within the budget.
func BenchmarkExpandHostile(b *testing.B) {
	for _, bc := range []struct {
		name string
		src  string
	}{
		{"bysetpos_x4", bySetPosFeed(4)},
		{"bysecond_x20", bySecondFeed(20)},
		{"hourly_x200", hourlyFeed(200)},
		{"normal", normalFeed()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				c, _, err := Parse(strings.NewReader(bc.src), Options{Name: "bench"})
				if err != nil {
					b.Fatal(err)
				}
				n = len(c.Expand(yearFrom, yearTo))
			}
			b.ReportMetric(float64(n), "occurrences")
		})
	}
}

// TestHostileVTimezone: a VTIMEZONE rule that matches every second is walked
// within the feed's budget, not for two centuries (6 billion onsets): the
// zone falls back to its standard offset, with a warning.
func TestHostileVTimezone(t *testing.T) {
	src := "BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:Custom/Hostile\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n" +
		"TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nRRULE:FREQ=YEARLY;" + strings.TrimPrefix(bySecondRule, "FREQ=DAILY;") + "\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n" +
		"BEGIN:VEVENT\r\nUID:e\r\nDTSTART;TZID=Custom/Hostile:20261124T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	c, ws := mustParse(t, src, Options{Name: "f"})
	if !hasWarning(ws, 11, `unknown time zone "Custom/Hostile"; using its VTIMEZONE's standard offset +0200 all year`) {
		t.Errorf("warnings %v", ws)
	}
	if evs := c.Expand(ts("2026-11-24T00:00:00Z"), ts("2026-11-25T00:00:00Z")); len(evs) != 1 || !evs[0].Start.Equal(ts("2026-11-24T08:00:00Z")) {
		t.Errorf("got %v", evs)
	}
}
