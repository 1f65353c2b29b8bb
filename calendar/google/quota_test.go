package google_test

import (
	"context"
	"slices"
	"testing"
	"time"

	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/google/googletest"
)

// Acceptance 5 of issue 10, first half: a move costs at most two quota units
// (get + update with If-Match), and keeps what the user and the peer added.
func TestMoveCostsTwoQuotaUnits(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	w := e.writer()
	d := draft("dana@acme.test", "2026-W48", day0.Add(40*time.Hour))
	d.Tag, d.Transparent = calendar.TagInvite, false
	d.Attendees = []calendar.Attendee{{Email: owner}, {Email: "dana@acme.test"}}
	if err := w.Insert(ctx, d); err != nil {
		t.Fatal(err)
	}
	e.srv.Respond("primary", d.ID, "dana@acme.test", "accepted")
	e.srv.Patch("primary", d.ID, func(ev *calendarv3.Event) { ev.ExtendedProperties.Private["users_own"] = "kept" })
	e.srv.ResetLog()

	moved := d
	moved.Start, moved.End = d.Start.Add(2*time.Hour), d.End.Add(2*time.Hour)
	if err := w.Update(ctx, d.ID, moved); err != nil {
		t.Fatal(err)
	}
	byRoute, total := e.srv.QuotaUnits()
	if total > 2 || byRoute[googletest.RoutePatch] != 0 {
		t.Errorf("a move cost %d quota units (%v), want at most 2 and no patch", total, byRoute)
	}
	if got := routes(e.srv.Requests()); !slices.Equal(got, []string{googletest.RouteGet, googletest.RouteUpdate}) {
		t.Errorf("a move sent %v, want get then update", got)
	}
	for _, r := range e.srv.Requests() {
		if r.Route == googletest.RouteUpdate && r.Status != 200 {
			t.Errorf("update answered %d", r.Status)
		}
	}
	ev := e.srv.Event("primary", d.ID)
	if ev.Start.DateTime != moved.Start.UTC().Format(time.RFC3339) && ev.Start.DateTime != moved.Start.Format(time.RFC3339) {
		t.Errorf("moved event starts %s, want %s", ev.Start.DateTime, moved.Start)
	}
	if ev.ExtendedProperties.Private["users_own"] != "kept" {
		t.Errorf("the update dropped a private property it did not set: %v", ev.ExtendedProperties.Private)
	}
	answered := false
	for _, a := range ev.Attendees {
		answered = answered || a.Email == "dana@acme.test" && a.ResponseStatus == "accepted"
	}
	if !answered {
		t.Errorf("the update lost Dana's answer: %+v", ev.Attendees)
	}
}

// Acceptance 5 of issue 10, second half: 403 quotaExceeded on a read-only
// calendar pauses the account's client for an hour: the sync fails with a
// RetryError asking for an hour, and later calls, free/busy included, send
// nothing until then.
func TestQuotaExceededPausesAnHour(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.srv.AddCalendar("team@group.calendar.google.com", "Team")
	team := e.client.Source("team", "team@group.calendar.google.com", newMemStore())
	e.srv.FailNext(googletest.RouteList, 1, googletest.Fault{Status: 403, Reason: "quotaExceeded"})
	err := team.Sync(ctx)
	after, retry := calendar.RetryAfter(err)
	if !retry || after < time.Hour {
		t.Fatalf("Sync() after quotaExceeded = %v (retry %v after %s), want a RetryError of an hour", err, retry, after)
	}
	if n := len(e.srv.Requests()); n != 1 {
		t.Errorf("quotaExceeded was retried within the call: %d requests", n)
	}
	e.srv.ResetLog()
	err = team.Sync(ctx)
	if after, retry := calendar.RetryAfter(err); !retry || after < 59*time.Minute {
		t.Errorf("second Sync() during the pause = %v, want a RetryError for the time left", err)
	}
	if _, err := e.client.FreeBusy(ctx, []string{"dana@acme.test"}, day0, day0.Add(24*time.Hour)); err == nil {
		t.Error("FreeBusy() during the pause succeeded, want the pause")
	}
	if err := e.source().Sync(ctx); err == nil {
		t.Error("another calendar's Sync() during the pause succeeded, want the pause")
	}
	if reqs := e.srv.Requests(); len(reqs) != 0 {
		t.Errorf("during the pause the client sent %d requests (%v), want none", len(reqs), routes(reqs))
	}
}

func routes(rs []googletest.Request) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Route)
	}
	return out
}
