package google_test

import (
	"context"
	"testing"
	"time"

	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/google"
	"github.com/sidewayscal/sideways/calendar/google/googletest"
)

// TestDeletedEventsOfOursStayInTheMirror: the user's deletion of a suggestion
// reaches the mirror with its details and its deletion time, through an
// incremental sync and through a full one on a fresh state (what a new laptop
// does); other deleted events are dropped; sideways' own deletion is marked as
// withdrawn; Google's retention bounds how long a fresh state sees any of it.
func TestDeletedEventsOfOursStayInTheMirror(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	e.srv.SetNow(func() time.Time { return now })
	w := e.writer()
	mine := draft("dana@acme.test", "p1", now.AddDate(0, 0, 3))
	ours := draft("bo@acme.test", "p1", now.AddDate(0, 0, 4))
	for _, d := range []calendar.Draft{mine, ours} {
		if err := w.Insert(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	foreign := e.srv.Insert("primary", timed("Lunch", now.AddDate(0, 0, 2), time.Hour))
	src := e.source()
	if err := src.Sync(ctx); err != nil {
		t.Fatal(err)
	}

	// An hour later the user deletes Dana's suggestion and the lunch;
	// sideways withdraws Bo's itself.
	now = now.Add(time.Hour)
	e.srv.Delete("primary", mine.ID)
	e.srv.Delete("primary", foreign.Id)
	if err := w.Delete(ctx, ours.ID); err != nil {
		t.Fatal(err)
	}
	if got := e.srv.Event("primary", ours.ID); got.ExtendedProperties.Private["sideways_withdrawn"] == "" || got.Status != "cancelled" {
		t.Fatalf("sideways' own deletion is not marked: %+v", got)
	}
	check := func(name string, src interface {
		Events(context.Context, time.Time, time.Time) ([]calendar.Event, error)
	}) {
		t.Helper()
		evs, err := src.Events(ctx, now.AddDate(0, 0, -7), now.AddDate(0, 0, 14))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]calendar.Event{}
		for _, ev := range evs {
			got[ev.ID] = ev
		}
		if _, ok := got[foreign.Id]; ok {
			t.Errorf("%s: a deleted event of the user's is still read", name)
		}
		d, ok := got[mine.ID]
		if !ok || !d.Cancelled() || d.Tag != calendar.TagSuggestion || d.TagPeer != "dana@acme.test" ||
			!d.Updated.Equal(now) || !d.Start.Equal(mine.Start) || d.Withdrawn {
			t.Errorf("%s: the user's deletion reads as %+v", name, d)
		}
		if b, ok := got[ours.ID]; !ok || !b.Cancelled() || !b.Withdrawn {
			t.Errorf("%s: sideways' own deletion reads as %+v", name, b)
		}
	}
	if err := src.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	check("incremental", src)

	fresh := e.client.Source("work", "primary", newMemStore())
	if err := fresh.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	check("fresh state", fresh)

	// Past Google's retention a fresh state no longer learns of it.
	now = now.Add(googletest.DefaultDeletedRetention)
	later := e.client.Source("work", "primary", newMemStore())
	if err := later.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	evs, err := later.Events(ctx, now.AddDate(0, 0, -60), now)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if ev.ID == mine.ID {
			t.Errorf("a deletion past the retention is still listed: %+v", ev)
		}
	}
}

// TestLegacySyncTokenResyncs: a sync token stored by a sideways that listed
// without showDeleted is not continued (Google wants the same parameters),
// but replaced by one full sync.
func TestLegacySyncTokenResyncs(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	store := newMemStore()
	e.srv.Insert("primary", timed("Standup", day0.Add(9*time.Hour), 30*time.Minute))
	store.token["work"] = "an-old-token-without-the-mark"
	src := e.client.Source("work", "primary", store)
	e.srv.ResetLog()
	if err := src.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	reqs := e.srv.Requests()
	if len(reqs) != 1 || reqs[0].Query.Has("syncToken") || reqs[0].Query.Get("showDeleted") != "true" {
		t.Fatalf("want one full listing with showDeleted, got %+v", reqs)
	}
	e.srv.ResetLog()
	if err := src.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if reqs := e.srv.Requests(); len(reqs) != 1 || !reqs[0].Query.Has("syncToken") || reqs[0].Query.Get("showDeleted") != "true" {
		t.Fatalf("want one incremental listing with showDeleted, got %+v", reqs)
	}
}

// TestUserEditsAreSeen: a suggestion's start and title as sideways wrote them
// are recorded privately on the event; the user's change of either reads as
// Edited, and sideways' own move does not.
func TestUserEditsAreSeen(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	start := day0.AddDate(0, 0, 2).Add(15 * time.Hour)
	a, b, c := draft("a@acme.test", "p", start), draft("b@acme.test", "p", start.Add(time.Hour)), draft("c@acme.test", "p", start.Add(2*time.Hour))
	for _, d := range []calendar.Draft{a, b, c} {
		if err := e.writer().Insert(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	e.srv.Patch("primary", a.ID, func(ev *calendarv3.Event) {
		ev.Start.DateTime = start.Add(-time.Hour).Format(time.RFC3339)
		ev.End.DateTime = start.Add(-30 * time.Minute).Format(time.RFC3339)
	})
	e.srv.Patch("primary", b.ID, func(ev *calendarv3.Event) { ev.Summary = "Coffee with B" })
	moved := c
	moved.Start, moved.End = c.Start.AddDate(0, 0, 1), c.End.AddDate(0, 0, 1)
	if err := e.writer().Update(ctx, c.ID, moved); err != nil {
		t.Fatal(err)
	}
	src := e.source()
	if err := src.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	evs, err := src.Events(ctx, day0, day0.AddDate(0, 0, 7))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{a.ID: true, b.ID: true, c.ID: false}
	for _, ev := range evs {
		if w, ok := want[ev.ID]; ok && ev.Edited != w {
			t.Errorf("%s (%s): Edited = %v, want %v", ev.ID, ev.TagPeer, ev.Edited, w)
		}
		delete(want, ev.ID)
	}
	if len(want) > 0 {
		t.Errorf("not read: %v", want)
	}
}

// TestDeletedSeriesThroughTheMirror: a series sideways wrote that the user
// deleted reaches the read, through the state database's mirror (kept in
// the compact form, read by every window) after an incremental sync and
// after a full one on a fresh state, as one cancelled occurrence standing
// for the series with the deletion time; a series sideways withdrew itself
// reads as withdrawn.
func TestDeletedSeriesThroughTheMirror(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	e.srv.SetNow(func() time.Time { return now })
	w := e.writer()
	mine := draft("dana@acme.test", "p1/series", now.AddDate(0, 0, 3))
	ours := draft("bo@acme.test", "p1/series", now.AddDate(0, 0, 4))
	for _, d := range []*calendar.Draft{&mine, &ours} {
		d.Recurrence = []string{"RRULE:FREQ=WEEKLY;UNTIL=" + d.Start.AddDate(0, 0, 63).UTC().Format("20060102T150405Z")}
		if err := w.Insert(ctx, *d); err != nil {
			t.Fatal(err)
		}
	}
	src := e.source()
	if err := src.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	e.srv.Delete("primary", mine.ID)
	if err := w.Delete(ctx, ours.ID); err != nil {
		t.Fatal(err)
	}
	check := func(name string, src *google.Source) {
		t.Helper()
		evs, err := src.Events(ctx, now.AddDate(0, 0, -7), now.AddDate(0, 0, 14))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]calendar.Event{}
		for _, ev := range evs {
			if ev.Tag == "" {
				continue
			}
			if _, dup := got[ev.ID]; dup || !ev.Cancelled() {
				t.Errorf("%s: a deleted series reads as more than one cancelled occurrence: %+v", name, ev)
			}
			got[ev.ID] = ev
		}
		d, ok := got[mine.ID]
		if !ok || d.TagPeer != "dana@acme.test" || !d.Updated.Equal(now) || !d.Start.Equal(mine.Start) ||
			d.Withdrawn || d.SeriesID != mine.ID || !d.RecurrenceID.IsZero() {
			t.Errorf("%s: the user's deletion of the series reads as %+v", name, d)
		}
		if b, ok := got[ours.ID]; !ok || !b.Withdrawn {
			t.Errorf("%s: sideways' own withdrawal of the series reads as %+v", name, b)
		}
	}
	if err := src.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	check("incremental", src)
	fresh := e.client.Source("work", "primary", newMemStore())
	if err := fresh.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	check("fresh state", fresh)
}
