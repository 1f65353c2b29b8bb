package google_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"golang.org/x/oauth2"
	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/google"
	"github.com/sidewayscal/sideways/calendar/google/googletest"
)

// tenYears fills cal on srv with ten years up to now of a busy calendar: four
// meetings each weekday, and series of every age: weekly ones begun nine years
// ago and still recurring (one with a moved and a cancelled instance in the
// last year), ones that ended years ago (UNTIL, COUNT), one that ends inside
// the look-back window, and a daily one begun last month. It returns how many
// events it stored.
func tenYears(srv *googletest.Server, now time.Time) int {
	n := 0
	add := func(ev *calendarv3.Event) {
		srv.Insert("primary", ev)
		n++
	}
	first := now.AddDate(-10, 0, 0).Truncate(24 * time.Hour)
	for d := first; d.Before(now); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		for h := range 4 {
			ev := timed(fmt.Sprintf("meeting %d", h), d.Add(time.Duration(9+2*h)*time.Hour), 45*time.Minute)
			ev.Id = fmt.Sprintf("single%s%d", d.Format("20060102"), h)
			add(ev)
		}
	}
	series := func(id string, start time.Time, rule string) *calendarv3.Event {
		ev := timed("series "+id, start, time.Hour)
		ev.Id, ev.Recurrence = id, []string{rule}
		ev.Start.TimeZone, ev.End.TimeZone = "America/New_York", "America/New_York"
		add(ev)
		return ev
	}
	nineAgo := time.Date(now.Year()-9, 1, 5, 15, 0, 0, 0, time.UTC)
	series("weeklyalive", nineAgo, "RRULE:FREQ=WEEKLY;BYDAY=MO")
	series("monthlyalive", nineAgo.AddDate(1, 0, 0), "RRULE:FREQ=MONTHLY;BYMONTHDAY=5")
	series("endeduntil", nineAgo, "RRULE:FREQ=WEEKLY;UNTIL="+nineAgo.AddDate(3, 0, 0).Format("20060102T150405Z"))
	series("endedcount", nineAgo.AddDate(2, 0, 0), "RRULE:FREQ=DAILY;COUNT=30")
	series("endsinwindow", nineAgo.AddDate(4, 0, 0), "RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL="+now.AddDate(0, -3, 0).Format("20060102T150405Z"))
	series("dailynew", now.AddDate(0, -1, 0).Truncate(24*time.Hour).Add(8*time.Hour), "RRULE:FREQ=DAILY")
	// Exceptions of the old live series inside the window: one moved, one cancelled.
	var mondays []time.Time
	for d := now.AddDate(0, -6, 0); len(mondays) < 2; d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Monday {
			loc, _ := time.LoadLocation("America/New_York")
			mondays = append(mondays, time.Date(d.Year(), d.Month(), d.Day(), nineAgo.In(loc).Hour(), nineAgo.In(loc).Minute(), 0, 0, loc))
		}
	}
	moved := timed("series weeklyalive (moved)", mondays[0].Add(2*time.Hour), time.Hour)
	moved.Id, moved.RecurringEventId = "weeklyalive_"+mondays[0].UTC().Format("20060102T150405Z"), "weeklyalive"
	moved.OriginalStartTime = &calendarv3.EventDateTime{DateTime: mondays[0].Format(time.RFC3339), TimeZone: "America/New_York"}
	add(moved)
	cancelled := &calendarv3.Event{Id: "weeklyalive_" + mondays[1].UTC().Format("20060102T150405Z"), RecurringEventId: "weeklyalive", Status: "cancelled",
		OriginalStartTime: &calendarv3.EventDateTime{DateTime: mondays[1].Format(time.RFC3339), TimeZone: "America/New_York"}}
	add(cancelled)
	return n
}

// Acceptance 4 of issue 10: a first sync bounded by the look-back window
// sends timeMin, costs fewer requests, and yields, for the window, exactly
// the occurrences a sync of all history yields, series begun long before the
// window included.
func TestBoundedFirstSyncKeepsTheWindow(t *testing.T) {
	e := newEnv(t)
	now := day0.Add(14 * time.Hour)
	e.srv.SetNow(func() time.Time { return now })
	stored := tenYears(e.srv, now)
	lookback := 365 * 24 * time.Hour
	from, to := now.Add(-lookback), now.AddDate(0, 2, 0)

	sync := func(bounded bool) ([]calendar.Event, []googletest.Request) {
		t.Helper()
		src := e.client.Source("work", "primary", newMemStore())
		if bounded {
			src.Since = func() time.Time { return google.SyncFrom(now, lookback) }
		}
		e.srv.ResetLog()
		if err := src.Sync(t.Context()); err != nil {
			t.Fatal(err)
		}
		reqs := e.srv.Requests()
		evs, err := src.Events(t.Context(), from, to)
		if err != nil {
			t.Fatal(err)
		}
		return evs, reqs
	}
	all, allReqs := sync(false)
	bounded, boundedReqs := sync(true)

	wantMin := google.SyncFrom(now, lookback).UTC().Format(time.RFC3339)
	for _, r := range boundedReqs {
		if r.Route == googletest.RouteList && r.Query.Get("timeMin") != wantMin {
			t.Errorf("bounded first sync: list with timeMin %q, want %q", r.Query.Get("timeMin"), wantMin)
		}
	}
	if len(boundedReqs) >= len(allReqs) {
		t.Errorf("bounded first sync: %d requests, all history %d; want fewer", len(boundedReqs), len(allReqs))
	}
	t.Logf("10-year calendar of %d events: first sync %d requests with all history, %d bounded", stored, len(allReqs), len(boundedReqs))
	if len(all) == 0 {
		t.Fatal("no occurrences in the window: the comparison proves nothing")
	}
	key := func(e calendar.Event) string {
		return fmt.Sprintf("%s %s %s %s %s", e.ID, e.Start.UTC().Format(time.RFC3339), e.End.UTC().Format(time.RFC3339), e.Status, e.Summary)
	}
	a, b := make([]string, len(all)), make([]string, len(bounded))
	for i := range all {
		a[i] = key(all[i])
	}
	for i := range bounded {
		b[i] = key(bounded[i])
	}
	if !slices.Equal(a, b) {
		for _, k := range a {
			if !slices.Contains(b, k) {
				t.Errorf("missing from the bounded sync: %s", k)
			}
		}
		for _, k := range b {
			if !slices.Contains(a, k) {
				t.Errorf("only in the bounded sync: %s", k)
			}
		}
	}
	for _, series := range []string{"weeklyalive", "monthlyalive", "endsinwindow", "dailynew"} {
		if !slices.ContainsFunc(bounded, func(e calendar.Event) bool { return e.UID == series+"@google.com" }) {
			t.Errorf("series %s, which recurs in the window, is missing from the bounded sync", series)
		}
	}
}

// A larger look-back in a reloaded config lists the calendar again from the
// new start; the same look-back continues from the sync token.
func TestLongerLookbackResyncs(t *testing.T) {
	e := newEnv(t)
	now := day0.Add(14 * time.Hour)
	e.srv.SetNow(func() time.Time { return now })
	e.srv.Insert("primary", timed("old", now.AddDate(-2, 0, 0), time.Hour))
	store := newMemStore()
	lookback := 365 * 24 * time.Hour
	src := e.client.Source("work", "primary", store)
	src.Since = func() time.Time { return google.SyncFrom(now, lookback) }
	ctx := context.Background()
	if err := src.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		evs, err := src.Events(ctx, now.AddDate(-3, 0, 0), now)
		if err != nil {
			t.Fatal(err)
		}
		return len(evs)
	}
	if n := count(); n != 0 {
		t.Fatalf("an event two years old is in a mirror with a one-year look-back: %d events", n)
	}
	now = now.Add(15 * time.Minute)
	e.srv.ResetLog()
	if err := src.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if reqs := e.srv.Requests(); len(reqs) != 1 || reqs[0].Query.Get("syncToken") == "" {
		t.Errorf("same look-back: want one incremental list, got %d requests", len(reqs))
	}

	lookback = 3 * 365 * 24 * time.Hour
	e.srv.ResetLog()
	if err := src.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	reqs := e.srv.Requests()
	if len(reqs) != 1 || reqs[0].Query.Get("syncToken") != "" || reqs[0].Query.Get("timeMin") != google.SyncFrom(now, lookback).UTC().Format(time.RFC3339) {
		t.Errorf("longer look-back: want one full list from the new start, got %d requests (%v)", len(reqs), reqs)
	}
	if n := count(); n != 1 {
		t.Errorf("after the longer look-back the two-year-old event is not in the mirror (%d events)", n)
	}
}

// BenchmarkFirstSync10Years measures a first sync of tenYears' calendar
// (10,444 events) with all history and bounded by a year's look-back; it
// reports the list requests each sent.
func BenchmarkFirstSync10Years(b *testing.B) {
	srv := googletest.NewServer(b, owner)
	now := day0.Add(14 * time.Hour)
	srv.SetNow(func() time.Time { return now })
	tenYears(srv, now)
	c, err := google.New(b.Context(), google.Options{Endpoint: srv.Endpoint(), TokenSource: staticToken{srv.IssueToken()}})
	if err != nil {
		b.Fatal(err)
	}
	for _, bounded := range []bool{false, true} {
		name := map[bool]string{false: "all-history", true: "bounded"}[bounded]
		b.Run(name, func(b *testing.B) {
			reqs := 0
			for b.Loop() {
				src := c.Source("work", "primary", newMemStore())
				if bounded {
					src.Since = func() time.Time { return google.SyncFrom(now, 365*24*time.Hour) }
				}
				srv.ResetLog()
				if err := src.Sync(b.Context()); err != nil {
					b.Fatal(err)
				}
				reqs = srv.Count(googletest.RouteList)
			}
			b.ReportMetric(float64(reqs), "requests")
		})
	}
}

type staticToken struct{ tok *oauth2.Token }

func (s staticToken) Token() (*oauth2.Token, error) { return s.tok, nil }
