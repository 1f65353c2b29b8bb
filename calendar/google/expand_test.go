package google_test

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/google"
	"github.com/sidewayscal/sideways/calendar/recur"
)

type occ struct {
	ID, Summary string
	Start       string
	RecID       string
	Status      calendar.Status
}

func occs(evs []calendar.Event) []occ {
	var out []occ
	for _, e := range evs {
		o := occ{ID: e.ID, Summary: e.Summary, Start: e.Start.Format(time.RFC3339), Status: e.Status}
		if e.AllDay {
			o.Start = e.Start.Format(time.DateOnly)
		}
		if !e.RecurrenceID.IsZero() {
			o.RecID = e.RecurrenceID.Format(time.RFC3339)
		}
		out = append(out, o)
	}
	return out
}

// TestRecurringThroughSync covers the recurrence strategy end to end: series
// masters and exceptions are listed (singleEvents=false) and expanded locally
// in the series' zone, across a DST change, with EXDATE, a moved instance, a
// cancelled instance, and later the whole series deleted.
func TestRecurringThroughSync(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	ny, _ := time.LoadLocation("America/New_York")
	// Weekly on Mondays 10:00 New York, from 2026-10-26 (EDT) across the
	// 2026-11-01 switch to EST.
	series := e.srv.Insert("primary", &calendarv3.Event{
		Id:      "series01",
		Summary: "Staff",
		Start:   &calendarv3.EventDateTime{DateTime: "2026-10-26T10:00:00-04:00", TimeZone: "America/New_York"},
		End:     &calendarv3.EventDateTime{DateTime: "2026-10-26T11:00:00-04:00", TimeZone: "America/New_York"},
		Recurrence: []string{
			"RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=5",
			"EXDATE;TZID=America/New_York:20261109T100000",
		},
	})
	// The 2026-11-16 instance moved to Tuesday 14:00.
	e.srv.Insert("primary", &calendarv3.Event{
		Id: "series01_20261116T150000Z", Summary: "Staff (moved)", RecurringEventId: series.Id,
		OriginalStartTime: &calendarv3.EventDateTime{DateTime: "2026-11-16T10:00:00-05:00", TimeZone: "America/New_York"},
		Start:             &calendarv3.EventDateTime{DateTime: "2026-11-17T14:00:00-05:00", TimeZone: "America/New_York"},
		End:               &calendarv3.EventDateTime{DateTime: "2026-11-17T15:00:00-05:00", TimeZone: "America/New_York"},
	})
	// An all-day series: three days.
	e.srv.Insert("primary", &calendarv3.Event{
		Id: "offsite1", Summary: "Offsite",
		Start:      &calendarv3.EventDateTime{Date: "2026-12-01", TimeZone: "UTC"},
		End:        &calendarv3.EventDateTime{Date: "2026-12-02", TimeZone: "UTC"},
		Recurrence: []string{"RRULE:FREQ=DAILY;COUNT=3"},
	})
	src := e.source()
	if err := src.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	// The 2026-11-23 instance is cancelled (deleted from the web UI).
	e.srv.Delete("primary", "series01_20261123T150000Z")
	if err := src.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	for _, r := range e.srv.Requests() {
		if r.Query.Has("singleEvents") && r.Query.Get("singleEvents") != "false" {
			t.Errorf("list sent singleEvents=%s", r.Query.Get("singleEvents"))
		}
	}
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, ny)
	to := time.Date(2027, 1, 1, 0, 0, 0, 0, ny)
	evs, err := src.Events(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	want := []occ{
		{ID: "series01_20261026T140000Z", Summary: "Staff", Start: "2026-10-26T10:00:00-04:00", RecID: "2026-10-26T14:00:00Z", Status: "confirmed"},
		{ID: "series01_20261102T150000Z", Summary: "Staff", Start: "2026-11-02T10:00:00-05:00", RecID: "2026-11-02T15:00:00Z", Status: "confirmed"},
		{ID: "series01_20261116T150000Z", Summary: "Staff (moved)", Start: "2026-11-17T14:00:00-05:00", RecID: "2026-11-16T15:00:00Z", Status: "confirmed"},
		{ID: "series01_20261123T150000Z", Summary: "Staff", Start: "2026-11-23T10:00:00-05:00", RecID: "2026-11-23T15:00:00Z", Status: "cancelled"},
		{ID: "offsite1_20261201", Summary: "Offsite", Start: "2026-12-01", RecID: "2026-12-01T00:00:00Z", Status: "confirmed"},
		{ID: "offsite1_20261202", Summary: "Offsite", Start: "2026-12-02", RecID: "2026-12-02T00:00:00Z", Status: "confirmed"},
		{ID: "offsite1_20261203", Summary: "Offsite", Start: "2026-12-03", RecID: "2026-12-03T00:00:00Z", Status: "confirmed"},
	}
	if diff := cmp.Diff(want, occs(evs)); diff != "" {
		t.Errorf("Events() mismatch (-want +got):\n%s", diff)
	}
	for _, ev := range evs {
		if ev.UID != "series01@google.com" && ev.UID != "offsite1@google.com" {
			t.Errorf("%s: UID %q, want the series' iCalUID", ev.ID, ev.UID)
		}
	}

	// The window is half-open on occurrences: only the 2026-11-02 instance.
	evs, _ = src.Events(ctx, time.Date(2026, 11, 2, 10, 30, 0, 0, ny), time.Date(2026, 11, 9, 0, 0, 0, 0, ny))
	if diff := cmp.Diff([]occ{want[1]}, occs(evs)); diff != "" {
		t.Errorf("narrow window (-want +got):\n%s", diff)
	}

	// Deleting the series removes every instance, exceptions included.
	e.srv.Delete("primary", series.Id)
	if err := src.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	evs, _ = src.Events(ctx, from, to)
	if diff := cmp.Diff(want[4:], occs(evs)); diff != "" {
		t.Errorf("after deleting the series (-want +got):\n%s", diff)
	}
}

// TestMapping checks how Google's fields land on calendar.Event.
func TestMapping(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	updated := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	e.srv.SetNow(func() time.Time { return updated })
	e.srv.Insert("primary", &calendarv3.Event{
		Id: "oneonone1", Summary: "Dana / Alex", Status: "tentative",
		Start:     &calendarv3.EventDateTime{DateTime: "2026-11-24T10:00:00-05:00", TimeZone: "America/New_York"},
		End:       &calendarv3.EventDateTime{DateTime: "2026-11-24T10:30:00-05:00", TimeZone: "America/New_York"},
		Organizer: &calendarv3.EventOrganizer{Email: "Dana@Acme.test"},
		Attendees: []*calendarv3.EventAttendee{
			{Email: "dana@acme.test", DisplayName: "Dana", ResponseStatus: "accepted", Organizer: true},
			{Email: "alex@acme.test", ResponseStatus: "needsAction", Self: true},
			{Email: "room-4@resource.calendar.google.com", ResponseStatus: "accepted", Resource: true},
			{Email: "erin@acme.test", ResponseStatus: "declined", Optional: true},
		},
	})
	e.srv.Insert("primary", &calendarv3.Event{Id: "ooo01", Summary: "Out", EventType: "outOfOffice", Transparency: "opaque",
		Start: &calendarv3.EventDateTime{DateTime: "2026-11-25T09:00:00Z"}, End: &calendarv3.EventDateTime{DateTime: "2026-11-25T17:00:00Z"}})
	e.srv.Insert("primary", &calendarv3.Event{Id: "focus1", Summary: "Focus", EventType: "focusTime", Transparency: "transparent",
		Start: &calendarv3.EventDateTime{DateTime: "2026-11-26T09:00:00Z"}, End: &calendarv3.EventDateTime{DateTime: "2026-11-26T11:00:00Z"}})
	e.srv.Insert("primary", &calendarv3.Event{Id: "sdsuggest1", Summary: "Suggested", Transparency: "transparent",
		Start: &calendarv3.EventDateTime{DateTime: "2026-11-27T15:00:00Z"}, End: &calendarv3.EventDateTime{DateTime: "2026-11-27T15:30:00Z"},
		ExtendedProperties: &calendarv3.EventExtendedProperties{Private: map[string]string{"sideways": "suggestion", "sideways_peer": "dana@acme.test"}}})
	e.srv.Insert("primary", &calendarv3.Event{Id: "faketag1", Summary: "Not ours", ICalUID: "x@example.com",
		Start: &calendarv3.EventDateTime{Date: "2026-11-28"}, End: &calendarv3.EventDateTime{Date: "2026-11-29"},
		ExtendedProperties: &calendarv3.EventExtendedProperties{Private: map[string]string{"sideways": "mine"}}})
	src := e.source()
	if err := src.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	evs, err := src.Events(ctx, day0, day0.AddDate(0, 0, 14))
	if err != nil {
		t.Fatal(err)
	}
	ny, _ := time.LoadLocation("America/New_York")
	start := time.Date(2026, 11, 24, 10, 0, 0, 0, ny)
	want := []calendar.Event{
		{Calendar: "work", Updated: updated, ID: "oneonone1", UID: "oneonone1@google.com", Start: start, End: start.Add(30 * time.Minute),
			Status: calendar.StatusTentative, Summary: "Dana / Alex", Organizer: "dana@acme.test",
			Attendees: []calendar.Attendee{
				{Email: "dana@acme.test", Name: "Dana", PartStat: calendar.PartStatAccepted},
				{Email: "alex@acme.test", PartStat: calendar.PartStatNeedsAction},
				{Email: "room-4@resource.calendar.google.com", PartStat: calendar.PartStatAccepted, Resource: true},
				{Email: "erin@acme.test", PartStat: calendar.PartStatDeclined, Optional: true},
			}},
		{Calendar: "work", Updated: updated, ID: "ooo01", UID: "ooo01@google.com", Start: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC),
			End: time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC), Status: calendar.StatusConfirmed, Summary: "Out",
			Organizer: owner, Kind: calendar.KindOutOfOffice},
		{Calendar: "work", Updated: updated, ID: "focus1", UID: "focus1@google.com", Start: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC),
			End: time.Date(2026, 11, 26, 11, 0, 0, 0, time.UTC), Status: calendar.StatusConfirmed, Summary: "Focus",
			Transparent: true, Organizer: owner, Kind: calendar.KindFocusTime},
		{Calendar: "work", Updated: updated, ID: "sdsuggest1", UID: "sdsuggest1@google.com", Start: time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC),
			End: time.Date(2026, 11, 27, 15, 30, 0, 0, time.UTC), Status: calendar.StatusConfirmed, Summary: "Suggested",
			Transparent: true, Organizer: owner, Tag: calendar.TagSuggestion, TagPeer: "dana@acme.test"},
		{Calendar: "work", Updated: updated, ID: "faketag1", UID: "x@example.com", Start: time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC),
			End: time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC), AllDay: true, Status: calendar.StatusConfirmed,
			Summary: "Not ours", Organizer: owner},
	}
	if diff := cmp.Diff(want, evs); diff != "" {
		t.Errorf("Events() mismatch (-want +got):\n%s", diff)
	}
}

// series is a recurring master starting at start (UTC) with these lines.
func series(id, start string, lines ...string) *calendarv3.Event {
	s, err := time.Parse(time.RFC3339, start)
	if err != nil {
		panic(err)
	}
	return &calendarv3.Event{Id: id, Summary: id, Recurrence: lines,
		Start: &calendarv3.EventDateTime{DateTime: start, TimeZone: "UTC"},
		End:   &calendarv3.EventDateTime{DateTime: s.Add(30 * time.Minute).Format(time.RFC3339), TimeZone: "UTC"}}
}

// TestExpandHostileRules: recurring masters whose rules never match, or
// match far too much, are expanded within the budget: each is cut or ignored
// with a warning naming the calendar, the series and the rule, and the rest
// of the calendar is used. (Before the budget, the first one took 15 s and
// the twenty BYSECOND series gigabytes.)
func TestExpandHostileRules(t *testing.T) {
	var all []byte
	for h := range 24 {
		all = fmt.Appendf(all, "%d,", h)
	}
	hours := strings.TrimSuffix(string(all), ",")
	all = all[:0]
	for m := range 60 {
		all = fmt.Appendf(all, "%d,", m)
	}
	sixty := strings.TrimSuffix(string(all), ",")
	bysecond := "RRULE:FREQ=DAILY;BYHOUR=" + hours + ";BYMINUTE=" + sixty + ";BYSECOND=" + sixty

	weekly := series("weekly", "2026-01-05T10:00:00Z", "RRULE:FREQ=WEEKLY;BYDAY=MO")
	evs := []*calendarv3.Event{
		series("bysetpos", "2020-01-01T10:00:00Z", "RRULE:FREQ=HOURLY;BYSETPOS=2"),
		// Never matches, and Never cannot tell: walked from the year 1000
		// (COUNT), it runs out of work.
		series("weekno", "1000-01-01T10:00:00Z", "RRULE:FREQ=HOURLY;BYMONTH=6;BYWEEKNO=1;COUNT=5"),
		weekly,
	}
	for i := range 20 {
		evs = append(evs, series(fmt.Sprintf("bysecond%02d", i), "2020-01-01T00:00:00Z", bysecond))
	}
	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	from, to := day0.AddDate(0, 0, -7), day0.AddDate(0, 0, 21)
	got := google.Expand("work", evs, from, to, log)

	n := map[string]int{}
	for _, e := range got {
		n[e.Summary]++
	}
	if n["weekly"] != 4 {
		t.Errorf("weekly: %d occurrences, want all 4", n["weekly"])
	}
	if n["bysetpos"] != 0 || n["weekno"] != 0 {
		t.Errorf("bysetpos %d, weekno %d occurrences; want none in the window", n["bysetpos"], n["weekno"])
	}
	total := 0
	for i := range 20 {
		c := n[fmt.Sprintf("bysecond%02d", i)]
		if c == 0 || c > recur.Default.FeedInstances/20 {
			t.Errorf("bysecond%02d: %d occurrences", i, c)
		}
		total += c
	}
	if total > recur.Default.FeedInstances {
		t.Errorf("%d occurrences from the BYSECOND series, over the %d limit", total, recur.Default.FeedInstances)
	}
	out := logs.String()
	for _, want := range []string{
		`msg="google: recurrence rule never matches (BYSETPOS selects nothing: a period of FREQ=HOURLY has at most 1 instance); the rule is ignored and the series keeps its first instance" calendar=work event=bysetpos rule="RRULE:FREQ=HOURLY;BYSETPOS=2"`,
		`msg="google: recurrence cut: the rule examined too many candidate times (the per-rule limit); later instances are left out" calendar=work event=weekno rule="RRULE:FREQ=HOURLY;BYMONTH=6;BYWEEKNO=1;COUNT=5" limit=1000000`,
		`msg="google: recurrence cut: the calendar's series have more instances in the window than the per-feed limit, and the biggest are cut to a common number; later instances are left out" calendar=work event=bysecond00`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no warning %s in\n%s", want, out)
		}
	}
	if strings.Contains(out, "event=weekly") {
		t.Errorf("the weekly series was cut:\n%s", out)
	}
}
