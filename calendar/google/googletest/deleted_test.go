package googletest_test

import (
	"net/http"
	"testing"
	"time"

	calendarv3 "google.golang.org/api/calendar/v3"
)

// TestDeletedEvents: a deleted event keeps its details for showDeleted=true
// listings and get, is a bare stub in an incremental listing without
// showDeleted, and vanishes from every answer once the retention has passed,
// its id still spent.
func TestDeletedEvents(t *testing.T) {
	srv, svc := newClient(t)
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	srv.SetNow(func() time.Time { return now })
	tagged := ev("sdtagged1", "2026-11-25T10:00:00Z")
	tagged.ExtendedProperties = &calendarv3.EventExtendedProperties{Private: map[string]string{"sideways": "suggestion", "sideways_peer": "dana@acme.test"}}
	srv.Insert("primary", tagged)
	srv.Insert("primary", ev("plain1", "2026-11-25T12:00:00Z"))
	first, err := svc.Events.List("primary").Do()
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	srv.Delete("primary", "sdtagged1")

	inc, err := svc.Events.List("primary").SyncToken(first.NextSyncToken).Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(inc.Items) != 1 || inc.Items[0].Status != "cancelled" || inc.Items[0].Start != nil || inc.Items[0].ExtendedProperties != nil {
		t.Errorf("incremental without showDeleted: want a bare stub, got %+v", inc.Items)
	}
	all, err := svc.Events.List("primary").ShowDeleted(true).Do()
	if err != nil {
		t.Fatal(err)
	}
	var got *calendarv3.Event
	for _, e := range all.Items {
		if e.Id == "sdtagged1" {
			got = e
		}
	}
	if got == nil || got.Status != "cancelled" || got.Start == nil || got.ExtendedProperties.Private["sideways"] != "suggestion" ||
		got.Updated != "2026-11-23T13:00:00.000Z" {
		t.Errorf("showDeleted=true: want the deleted event with its details and deletion time, got %+v", got)
	}
	// The extended-property filter finds it too.
	byTag, err := svc.Events.List("primary").ShowDeleted(true).PrivateExtendedProperty("sideways=suggestion").Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(byTag.Items) != 1 || byTag.Items[0].Id != "sdtagged1" {
		t.Errorf("privateExtendedProperty filter: got %d items", len(byTag.Items))
	}

	now = now.Add(30 * 24 * time.Hour)
	all, err = svc.Events.List("primary").ShowDeleted(true).Do()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all.Items {
		if e.Id == "sdtagged1" {
			t.Errorf("past the retention the deleted event is still listed")
		}
	}
	if _, err := svc.Events.Get("primary", "sdtagged1").Do(); func() int { c, _ := status(err); return c }() != http.StatusNotFound {
		t.Errorf("get past the retention: %v, want 404", err)
	}
	if _, err := svc.Events.Insert("primary", ev("sdtagged1", "2026-12-25T10:00:00Z")).Do(); func() int { c, _ := status(err); return c }() != http.StatusConflict {
		t.Errorf("insert of a purged id: %v, want 409 (ids are never reused)", err)
	}
}

// TestAttendeeResponses: attendees start as needsAction; Respond records an
// answer as the attendee would, moving the event's updated time on.
func TestAttendeeResponses(t *testing.T) {
	srv, svc := newClient(t)
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	srv.SetNow(func() time.Time { return now })
	e := ev("inv12345", "2026-11-25T10:00:00Z")
	e.Attendees = []*calendarv3.EventAttendee{{Email: owner}, {Email: "dana@acme.test"}}
	if _, err := svc.Events.Insert("primary", e).Do(); err != nil {
		t.Fatal(err)
	}
	if got := srv.Event("primary", "inv12345"); got.Attendees[1].ResponseStatus != "needsAction" {
		t.Errorf("new attendee: %q, want needsAction", got.Attendees[1].ResponseStatus)
	}
	now = now.Add(2 * time.Hour)
	srv.Respond("primary", "inv12345", "Dana@acme.test", "declined")
	got := srv.Event("primary", "inv12345")
	if got.Attendees[1].ResponseStatus != "declined" || got.Updated != "2026-11-23T14:00:00.000Z" {
		t.Errorf("after the decline: %+v, updated %s", got.Attendees[1], got.Updated)
	}
	if n := len(srv.Writes()); n != 1 {
		t.Errorf("Writes() = %d requests, want the one insert (outside changes are not logged)", n)
	}
}
