package google_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/google"
	"github.com/sidewayscal/sideways/calendar/google/googletest"
)

func draft(peer, period string, start time.Time) calendar.Draft {
	return calendar.Draft{
		ID:          calendar.EventID("work", peer, period),
		Start:       start,
		End:         start.Add(30 * time.Minute),
		Summary:     "Suggested: peer 1:1 with " + peer,
		Description: "PRIVATE NOTES: cycles to work",
		Transparent: true,
		Tag:         calendar.TagSuggestion,
		TagPeer:     peer,
	}
}

func TestInsert(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	ny, _ := time.LoadLocation("America/New_York")
	d := draft("dana@acme.test", "2026-W48", time.Date(2026, 11, 26, 10, 0, 0, 0, ny))
	if err := e.writer().Insert(ctx, d); err != nil {
		t.Fatal(err)
	}
	got := e.srv.Event("primary", d.ID)
	if got == nil {
		t.Fatal("event not created")
	}
	if got.Start.DateTime != "2026-11-26T10:00:00-05:00" || got.Start.TimeZone != "America/New_York" || got.Transparency != "transparent" {
		t.Errorf("stored start %+v, transparency %q", got.Start, got.Transparency)
	}
	if p := got.ExtendedProperties.Private; p["sideways"] != "suggestion" || p["sideways_peer"] != "dana@acme.test" {
		t.Errorf("tags = %v", p)
	}
	if r := e.srv.Requests()[0]; r.Query.Get("sendUpdates") != "none" || r.Query.Has("conferenceDataVersion") {
		t.Errorf("insert query = %v, want sendUpdates=none and no conference", r.Query)
	}
	// A second insert of the same draft is ErrExists: done, no duplicate.
	if err := e.writer().Insert(ctx, d); !errors.Is(err, calendar.ErrExists) {
		t.Errorf("second Insert() = %v, want ErrExists", err)
	}
	// After the event was deleted its id is spent: ErrGone tells the caller to
	// choose another.
	e.srv.Delete("primary", d.ID)
	if err := e.writer().Insert(ctx, d); !errors.Is(err, calendar.ErrGone) {
		t.Errorf("Insert() of a deleted id = %v, want ErrGone", err)
	}
}

func TestInsertInviteWithMeet(t *testing.T) {
	e := newEnv(t)
	d := draft("dana@acme.test", "2026-W49", day0.Add(24*time.Hour+15*time.Hour))
	d.Tag, d.Transparent, d.Meet, d.SendUpdates = calendar.TagInvite, false, true, true
	d.Attendees = []calendar.Attendee{{Email: owner}, {Email: "dana@acme.test", Name: "Dana"}}
	if err := e.writer().Insert(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	r := e.srv.Requests()[0]
	if r.Query.Get("sendUpdates") != "all" || r.Query.Get("conferenceDataVersion") != "1" {
		t.Errorf("insert query = %v", r.Query)
	}
	got := e.srv.Event("primary", d.ID)
	if got.ConferenceData == nil || len(got.ConferenceData.EntryPoints) == 0 || len(got.Attendees) != 2 || got.Transparency != "opaque" {
		t.Errorf("stored invite = %+v", got)
	}
}

// TestInsertLostResponse is acceptance (2): the insert reached the server but
// its answer was lost; the retry gets 409 and nothing is duplicated. The first
// attempt made the event, so the insert is this call's write: nil.
func TestInsertLostResponse(t *testing.T) {
	e := newEnv(t)
	d := draft("dana@acme.test", "2026-W48", day0.Add(40*time.Hour))
	e.srv.FailNext(googletest.RouteInsert, 1, googletest.Fault{DropAfter: true})
	if err := e.writer().Insert(t.Context(), d); err != nil {
		t.Fatalf("Insert() = %v, want nil: the lost attempt wrote it", err)
	}
	if got := e.srv.Count(googletest.RouteInsert); got != 2 {
		t.Errorf("%d insert requests, want 2", got)
	}
	if n := len(e.srv.Events("primary")); n != 1 {
		t.Errorf("%d events on the calendar, want 1", n)
	}
}

// TestInsertAlreadyThere: another writer inserted the same id first; this call
// wrote nothing and says so with ErrExists.
func TestInsertAlreadyThere(t *testing.T) {
	e := newEnv(t)
	d := draft("dana@acme.test", "2026-W48", day0.Add(40*time.Hour))
	if err := e.writer().Insert(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	if err := e.writer().Insert(t.Context(), d); !errors.Is(err, calendar.ErrExists) {
		t.Fatalf("second Insert() = %v, want ErrExists", err)
	}
	if n := len(e.srv.Events("primary")); n != 1 {
		t.Errorf("%d events on the calendar, want 1", n)
	}
}

func TestUpdateAndDeleteOnlyOurs(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	w := e.writer()
	d := draft("dana@acme.test", "2026-W48", day0.Add(40*time.Hour))
	if err := w.Insert(ctx, d); err != nil {
		t.Fatal(err)
	}
	theirs := e.srv.Insert("primary", timed("Board meeting", day0.Add(40*time.Hour), time.Hour))

	moved := d
	moved.Start, moved.End = d.Start.Add(time.Hour), d.End.Add(time.Hour)
	if err := w.Update(ctx, d.ID, moved); err != nil {
		t.Fatal(err)
	}
	if got := e.srv.Event("primary", d.ID); got.Start.DateTime != moved.Start.Format(time.RFC3339) {
		t.Errorf("after Update start = %s", got.Start.DateTime)
	}
	if err := w.Update(ctx, theirs.Id, moved); !errors.Is(err, calendar.ErrNotOurs) {
		t.Errorf("Update(theirs) = %v, want ErrNotOurs", err)
	}
	if err := w.Delete(ctx, theirs.Id); !errors.Is(err, calendar.ErrNotOurs) {
		t.Errorf("Delete(theirs) = %v, want ErrNotOurs", err)
	}
	if err := w.Delete(ctx, d.ID); err != nil {
		t.Errorf("Delete(ours) = %v", err)
	}
	if err := w.Delete(ctx, d.ID); !errors.Is(err, calendar.ErrGone) {
		t.Errorf("second Delete(ours) = %v, want ErrGone", err)
	}
	if err := w.Update(ctx, d.ID, moved); !errors.Is(err, calendar.ErrGone) {
		t.Errorf("Update(deleted) = %v, want ErrGone", err)
	}
	if err := w.Delete(ctx, "neverexisted"); !errors.Is(err, calendar.ErrGone) {
		t.Errorf("Delete(unknown) = %v, want ErrGone", err)
	}
	for _, r := range e.srv.Requests() {
		if (r.Route == googletest.RoutePatch || r.Route == googletest.RouteDelete) && r.EventID == theirs.Id {
			t.Errorf("%s sent to an event sideways did not write", r.Route)
		}
	}
	if got := e.srv.Event("primary", theirs.Id); got.Status != "confirmed" || got.Summary != "Board meeting" {
		t.Errorf("their event changed: %+v", got)
	}
}

// TestDeleteRaceGone: the event is deleted between the check and the delete
// (410 deleted) → done.
func TestDeleteRaceGone(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := draft("dana@acme.test", "2026-W48", day0.Add(40*time.Hour))
	if err := e.writer().Insert(ctx, d); err != nil {
		t.Fatal(err)
	}
	e.srv.FailNext(googletest.RouteDelete, 1, googletest.Fault{Status: 410, Reason: "deleted"})
	if err := e.writer().Delete(ctx, d.ID); !errors.Is(err, calendar.ErrGone) {
		t.Errorf("Delete() = %v, want ErrGone", err)
	}
}

// TestWriterProperty is acceptance (3): random calendars and operations; the
// request log never shows a patch or delete of an event without our tag, and
// no peer and period ever has two tagged events.
func TestWriterProperty(t *testing.T) {
	counts := map[string]int{}
	defer func() {
		if counts[googletest.RoutePatch] == 0 || counts[googletest.RouteDelete] == 0 || counts["notOurs"] == 0 {
			t.Errorf("the operations did not exercise patch, delete and refusal: %v", counts)
		}
	}()
	for seed := range uint64(12) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, seed*7919))
			e := newEnv(t)
			ctx := t.Context()
			w := e.writer()
			peers := []string{"dana@acme.test", "erin@acme.test", "finn@acme.test"}
			periods := []string{"2026-W48", "2026-W49", "2026-W50"}
			// A random calendar: foreign events, some with look-alike tags or our id scheme.
			var ids []string
			for i := range 5 + rng.IntN(10) {
				ev := timed(fmt.Sprint("theirs ", i), day0.Add(time.Duration(rng.IntN(300))*time.Hour), time.Hour)
				switch rng.IntN(4) {
				case 0:
					ev.ExtendedProperties = &calendarv3.EventExtendedProperties{Private: map[string]string{"sideways_peer": peers[0]}}
				case 1:
					ev.ExtendedProperties = &calendarv3.EventExtendedProperties{Shared: map[string]string{"sideways": "suggestion"}}
				case 2:
					ev.Id = calendar.EventID("other", peers[rng.IntN(3)], periods[rng.IntN(3)])
				}
				ids = append(ids, e.srv.Insert("primary", ev).Id)
			}
			for range 60 {
				peer, period := peers[rng.IntN(3)], periods[rng.IntN(3)]
				d := draft(peer, period, day0.Add(time.Duration(rng.IntN(300))*time.Hour))
				if rng.IntN(2) == 0 {
					d.Tag = calendar.TagInvite
				}
				var target string
				if rng.IntN(2) == 0 {
					target = ids[rng.IntN(len(ids))]
				} else {
					target = calendar.EventID("work", peer, period)
				}
				if rng.IntN(5) == 0 {
					e.srv.FailNext(googletest.RouteInsert, 1, googletest.Fault{DropAfter: true})
				}
				var err error
				switch rng.IntN(4) {
				case 0, 1:
					err = w.Insert(ctx, d)
					if err == nil {
						ids = append(ids, d.ID)
					}
				case 2:
					// The daemon moves its event in time; the peer stays.
					if ev := e.srv.Event("primary", target); ev != nil && ev.ExtendedProperties != nil && ev.ExtendedProperties.Private["sideways_peer"] != "" {
						d.TagPeer = ev.ExtendedProperties.Private["sideways_peer"]
					}
					err = w.Update(ctx, target, d)
				case 3:
					err = w.Delete(ctx, target)
				}
				if errors.Is(err, calendar.ErrNotOurs) {
					counts["notOurs"]++
				}
				if err != nil && !errors.Is(err, calendar.ErrExists) && !errors.Is(err, calendar.ErrGone) && !errors.Is(err, calendar.ErrNotOurs) {
					t.Fatalf("unexpected error: %v", err)
				}
			}
			// Never a patch or delete of an untagged event.
			for _, r := range e.srv.Requests() {
				counts[r.Route]++
				if r.Route != googletest.RoutePatch && r.Route != googletest.RouteDelete && r.Route != googletest.RouteUpdate {
					continue
				}
				ev := e.srv.Event("primary", r.EventID)
				if ev == nil || ev.ExtendedProperties == nil || ev.ExtendedProperties.Private["sideways"] == "" {
					t.Errorf("%s %s: event not tagged by sideways", r.Route, r.EventID)
				}
			}
			// Never two tagged events for one peer and period.
			seen := map[string]string{}
			for _, ev := range e.srv.Events("primary") {
				if ev.ExtendedProperties == nil || ev.ExtendedProperties.Private["sideways"] == "" || ev.Status == "cancelled" {
					continue
				}
				peer := ev.ExtendedProperties.Private["sideways_peer"]
				var period string
				for _, p := range periods {
					if calendar.EventID("work", peer, p) == ev.Id {
						period = p
					}
				}
				if period == "" {
					t.Errorf("tagged event %s has no deterministic id", ev.Id)
				}
				key := peer + " " + period
				if prev, ok := seen[key]; ok {
					t.Errorf("two tagged events for %s: %s and %s", key, prev, ev.Id)
				}
				seen[key] = ev.Id
			}
		})
	}
}

func TestReportScopesCannotWrite(t *testing.T) {
	e := newEnv(t, google.Scopes(false)...)
	err := e.writer().Insert(t.Context(), draft("dana@acme.test", "2026-W48", day0.Add(40*time.Hour)))
	var pe *calendar.PermissionError
	if !errors.As(err, &pe) || pe.Access != calendar.AccessEvents || !strings.Contains(err.Error(), "insufficientPermissions") {
		t.Fatalf("Insert() with read-only scopes = %v, want a PermissionError for events naming insufficientPermissions", err)
	}
	if errors.Is(err, calendar.ErrAuth) {
		t.Errorf("a missing access reads as an expired sign-in: %v", err)
	}
	if _, retry := calendar.RetryAfter(err); retry {
		t.Errorf("insufficient scopes reported as retryable: %v", err)
	}
	// Reading and free/busy work with them.
	if err := e.source().Sync(t.Context()); err != nil {
		t.Errorf("Sync() with read-only scopes = %v", err)
	}
	if _, err := e.client.FreeBusy(t.Context(), []string{owner}, day0, day0.Add(24*time.Hour)); err != nil {
		t.Errorf("FreeBusy() with read-only scopes = %v", err)
	}
}

func TestDraftNotLeakedInRequests(t *testing.T) {
	// The private notes do go to the user's own calendar (suggestions carry
	// them); this only pins that the insert body is the draft as given.
	e := newEnv(t)
	d := draft("dana@acme.test", "2026-W48", day0.Add(40*time.Hour))
	if err := e.writer().Insert(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	json.Unmarshal(e.srv.Requests()[0].Body, &body)
	if body["id"] != d.ID || body["description"] != d.Description {
		t.Errorf("insert body = %v", body)
	}
}
