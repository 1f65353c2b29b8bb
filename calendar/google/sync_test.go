package google_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/google/googletest"
)

func summaries(evs []calendar.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Summary)
	}
	return out
}

// TestSyncAcceptance is the acceptance (1): 6,000 events in 3 list
// requests; no changes → exactly 1 request; outside changes seen through the
// sync token; an expired token → one full resync with the same result.
func TestSyncAcceptance(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	for i := range 6000 {
		e.srv.Insert("primary", timed(fmt.Sprintf("ev%04d", i), day0.Add(time.Duration(i)*time.Hour), 30*time.Minute))
	}
	src := e.source()
	if err := src.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.srv.Count(googletest.RouteList); got != 3 {
		t.Errorf("first sync: %d events.list requests, want 3", got)
	}
	for i, r := range e.srv.Requests() {
		if got := r.Query.Get("maxResults"); got != "2500" {
			t.Errorf("request %d: maxResults=%q, want 2500", i, got)
		}
	}
	evs, err := src.Events(ctx, longAgo, farOut)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 6000 {
		t.Fatalf("Events() after full sync: %d events, want 6000", len(evs))
	}

	e.srv.ResetLog()
	if err := src.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	reqs := e.srv.Requests()
	if len(reqs) != 1 || reqs[0].Route != googletest.RouteList || reqs[0].Query.Get("syncToken") == "" {
		t.Fatalf("sync without changes sent %+v, want one events.list with a syncToken", reqs)
	}

	// Changes made elsewhere.
	added := e.srv.Insert("primary", timed("added elsewhere", day0.Add(-time.Hour), time.Hour))
	all := e.srv.Events("primary")
	e.srv.Patch("primary", all[0].Id, func(ev *calendarv3.Event) { ev.Summary = "patched elsewhere" })
	e.srv.Delete("primary", all[1].Id)
	e.srv.ResetLog()
	if err := src.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.srv.Count(googletest.RouteList); got != 1 {
		t.Errorf("incremental sync: %d events.list requests, want 1", got)
	}
	evs, err = src.Events(ctx, longAgo, farOut)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]calendar.Event{}
	for _, ev := range evs {
		byID[ev.ID] = ev
	}
	if len(evs) != 6000 {
		t.Errorf("after +1 -1: %d events, want 6000", len(evs))
	}
	if byID[added.Id].Summary != "added elsewhere" {
		t.Errorf("outside insert not seen: %+v", byID[added.Id])
	}
	if byID[all[0].Id].Summary != "patched elsewhere" {
		t.Errorf("outside patch not seen: %+v", byID[all[0].Id])
	}
	if _, ok := byID[all[1].Id]; ok {
		t.Errorf("outside delete not seen: %s still there", all[1].Id)
	}

	// The token expires: one 410, one full resync, the same mirror.
	e.srv.ExpireSyncTokens()
	e.srv.ResetLog()
	if err := src.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	reqs = e.srv.Requests()
	if len(reqs) != 4 || reqs[0].Status != 410 || reqs[1].Query.Get("syncToken") != "" {
		var got []string
		for _, r := range reqs {
			got = append(got, fmt.Sprintf("%s %d sync=%v", r.Route, r.Status, r.Query.Has("syncToken")))
		}
		t.Errorf("after expiry: requests %q, want a 410 then a 3-page full sync", got)
	}
	again, err := src.Events(ctx, longAgo, farOut)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(evs, again); diff != "" {
		t.Errorf("resync changed the result (-before +after):\n%s", diff)
	}
	// And the new token works.
	e.srv.ResetLog()
	if err := src.Sync(ctx); err != nil || e.srv.Count(googletest.RouteList) != 1 {
		t.Errorf("sync after resync: %v, %d requests", err, e.srv.Count(googletest.RouteList))
	}
}

// TestSyncShortPages checks that pages shorter than asked (even the paging
// Google may do at will) are followed to the end.
func TestSyncShortPages(t *testing.T) {
	e := newEnv(t)
	for i := range 7 {
		e.srv.Insert("primary", timed(fmt.Sprint(i), day0.Add(time.Duration(i)*time.Hour), time.Hour))
	}
	e.srv.SetPageCap(2)
	src := e.source()
	if err := src.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := e.srv.Count(googletest.RouteList); got != 4 {
		t.Errorf("%d list requests, want 4", got)
	}
	evs, _ := src.Events(t.Context(), longAgo, farOut)
	if len(evs) != 7 {
		t.Errorf("%d events, want 7", len(evs))
	}
}

// TestSyncFailureWritesNothing: a sync that fails on page 2 leaves the old
// mirror and token.
func TestSyncFailureWritesNothing(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	e.srv.Insert("primary", timed("first", day0, time.Hour))
	src := e.source()
	if err := src.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	tok, _ := e.db.GoogleSyncToken(ctx, "work")
	for i := range 5 {
		e.srv.Insert("primary", timed(fmt.Sprint(i), day0.Add(time.Duration(i)*time.Hour), time.Hour))
	}
	e.srv.SetPageCap(2)
	// Page 1 succeeds, then every attempt at page 2 fails.
	e.srv.FailLater(googletest.RouteList, 1, 100, googletest.Fault{Status: 503})
	err := src.Sync(ctx)
	var re *calendar.RetryError
	if !errors.As(err, &re) {
		t.Fatalf("Sync() = %v, want a *calendar.RetryError", err)
	}
	if got, _ := e.db.GoogleSyncToken(ctx, "work"); got != tok {
		t.Errorf("token changed after a failed sync")
	}
	evs, _ := src.Events(ctx, longAgo, farOut)
	if diff := cmp.Diff([]string{"first"}, summaries(evs)); diff != "" {
		t.Errorf("mirror changed after a failed sync (-want +got):\n%s", diff)
	}
}
