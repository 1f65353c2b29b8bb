package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar/google"
	"github.com/sidewayscal/sideways/calendar/google/googletest"
	"github.com/sidewayscal/sideways/daemon/state"
)

// gworld is a user's machine: a config pointing at the fake Google, a signed-in
// token, a state folder, and the clock.
type gworld struct {
	t   *testing.T
	srv *googletest.Server
	dir string
	now time.Time
}

const gOwner = "alex@acme.test"

func newGWorld(t *testing.T, mode string) *gworld {
	t.Helper()
	dir := t.TempDir()
	srv := googletest.NewServer(t, gOwner)
	w := &gworld{t: t, srv: srv, dir: dir, now: time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)}
	srv.SetNow(func() time.Time { return w.now })
	if err := os.WriteFile(filepath.Join(dir, "client_secret.json"), srv.ClientSecretJSON(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := google.SaveToken(filepath.Join(dir, "token.json"), srv.IssueToken()); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`me:
  name: Alex Rivera
  emails: [%s]
  department: Engineering
  timezone: America/New_York
calendars:
  - name: work
    google:
      calendar: primary
      endpoint: %s
    writable: true
mode: %s
peers:
  - name: Dana Whitfield
    email: dana@acme.test
    department: Finance
  - name: Bo Li
    email: bo@acme.test
    department: Ops
rules:
  - name: monthly
    cadence: monthly
`, gOwner, srv.Endpoint(), mode)
	if err := os.WriteFile(filepath.Join(dir, "sideways.yaml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SIDEWAYS_CONFIG", filepath.Join(dir, "sideways.yaml"))
	t.Setenv("SIDEWAYS_STATE_DIR", filepath.Join(dir, "state"))
	return w
}

func gEvent(id, summary string, start time.Time, attendees ...string) *calendarv3.Event {
	ev := &calendarv3.Event{Id: id, Summary: summary, Status: "confirmed",
		Start:     &calendarv3.EventDateTime{DateTime: start.Format(time.RFC3339)},
		End:       &calendarv3.EventDateTime{DateTime: start.Add(30 * time.Minute).Format(time.RFC3339)},
		Organizer: &calendarv3.EventOrganizer{Email: gOwner, Self: true}}
	for _, a := range attendees {
		ev.Attendees = append(ev.Attendees, &calendarv3.EventAttendee{Email: a, ResponseStatus: "accepted"})
	}
	return ev
}

// sideways runs the CLI in-process at the world's clock and returns stdout.
func (w *gworld) sideways(wantOK bool, args ...string) string {
	w.t.Helper()
	w.t.Setenv("SIDEWAYS_NOW", w.now.Format(time.RFC3339))
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	if (code == 0) != wantOK {
		w.t.Fatalf("sideways %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, out.String(), errb.String())
	}
	return out.String() + errb.String()
}

type statusOut struct {
	Peers []struct {
		Email string `json:"email"`
		State string `json:"state"`
	} `json:"peers"`
	Warnings  []string `json:"warnings"`
	LastCycle *struct {
		OK    bool    `json:"ok"`
		Error *string `json:"error"`
	} `json:"last_cycle"`
}

func (w *gworld) status() statusOut {
	w.t.Helper()
	var st statusOut
	if err := json.Unmarshal([]byte(w.sideways(true, "status", "--json")), &st); err != nil {
		w.t.Fatal(err)
	}
	return st
}

func (st statusOut) state(email string) string {
	for _, p := range st.Peers {
		if p.Email == email {
			return p.State
		}
	}
	return ""
}

// ours returns the live events in primary that carry sideways' tag, by peer.
func (w *gworld) ours() map[string][]*calendarv3.Event {
	out := map[string][]*calendarv3.Event{}
	for _, e := range w.srv.Events("primary") {
		if e.Status == "cancelled" || e.ExtendedProperties == nil {
			continue
		}
		if p := e.ExtendedProperties.Private; p["sideways"] != "" {
			out[p["sideways_peer"]] = append(out[p["sideways_peer"]], e)
		}
	}
	return out
}

func TestRunOnceAgainstGoogle(t *testing.T) {
	w := newGWorld(t, "propose")
	// A year of calendar: 6,000 events, Dana met 40 days ago.
	start := w.now.AddDate(-1, 0, 0)
	for i := range 5999 {
		w.srv.Insert("primary", gEvent(fmt.Sprintf("bulk%04d", i), "Focus", start.Add(time.Duration(i)*80*time.Minute)))
	}
	w.srv.Insert("primary", gEvent("dana1", "Dana / Alex", w.now.AddDate(0, 0, -40), gOwner, "dana@acme.test"))
	w.srv.ResetLog()

	// First cycle: a full sync in 3 pages, then suggestions for both peers.
	w.sideways(true, "run", "--once")
	if n := w.srv.Count(googletest.RouteList); n != 3 {
		t.Errorf("first cycle: %d events.list requests, want 3 (6,000 events, pages of 2,500)", n)
	}
	if got := w.ours(); len(got["dana@acme.test"]) != 1 || len(got["bo@acme.test"]) != 1 {
		t.Fatalf("after the first cycle: want one suggestion each, got %v", got)
	}
	first := w.status()
	if first.LastCycle == nil || !first.LastCycle.OK || first.state("dana@acme.test") != "suggested" {
		t.Fatalf("status after the first cycle: %+v", first)
	}

	// Second cycle, nothing changed: exactly one events.list, no writes.
	w.now = w.now.Add(15 * time.Minute)
	w.srv.ResetLog()
	w.sideways(true, "run", "--once")
	if reqs := w.srv.Requests(); len(reqs) != 1 || reqs[0].Route != googletest.RouteList {
		t.Errorf("a cycle with no changes sent %d requests (%v), want exactly one events.list", len(reqs), routes(reqs))
	}

	// Changes made elsewhere are seen through the sync token: the user books
	// Bo, deletes Dana's suggestion, and renames a meeting.
	w.srv.Insert("primary", gEvent("bo-booked", "Bo / Alex", w.now.AddDate(0, 0, 5), gOwner, "bo@acme.test"))
	danaSugg := w.ours()["dana@acme.test"][0].Id
	w.srv.Delete("primary", danaSugg)
	w.srv.Patch("primary", "bulk0001", func(e *calendarv3.Event) { e.Summary = "Renamed" })
	w.now = w.now.Add(15 * time.Minute)
	w.srv.ResetLog()
	w.sideways(true, "run", "--once")
	if n := w.srv.Count(googletest.RouteList); n != 1 {
		t.Errorf("incremental cycle: %d events.list, want 1", n)
	}
	st := w.status()
	if st.state("bo@acme.test") != "scheduled" || st.state("dana@acme.test") != "snoozed" {
		t.Errorf("after outside changes: bo %s (want scheduled), dana %s (want snoozed)", st.state("bo@acme.test"), st.state("dana@acme.test"))
	}
	if got := w.ours(); len(got["bo@acme.test"]) != 0 || len(got["dana@acme.test"]) != 0 {
		t.Errorf("bo's suggestion should be withdrawn and dana's stay deleted, got %v", got)
	}

	// An expired sync token: one 410, one full resync, the same result.
	w.srv.ExpireSyncTokens()
	w.now = w.now.Add(15 * time.Minute)
	w.srv.ResetLog()
	w.sideways(true, "run", "--once")
	if n := w.srv.Count(googletest.RouteList); n != 4 {
		t.Errorf("after 410: %d events.list, want 4 (the refused one and a 3-page resync)", n)
	}
	again := w.status()
	if again.state("bo@acme.test") != st.state("bo@acme.test") || again.state("dana@acme.test") != st.state("dana@acme.test") {
		t.Errorf("the resync changed the picture: %+v, was %+v", again.Peers, st.Peers)
	}
}

func routes(rs []googletest.Request) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Route)
	}
	return out
}

func TestInterruptedCycleLeavesNoDuplicate(t *testing.T) {
	w := newGWorld(t, "propose")
	w.srv.Insert("primary", gEvent("dana1", "Dana / Alex", w.now.AddDate(0, 0, -40), gOwner, "dana@acme.test"))
	// The insert reaches Google but its answer is lost; the retry meets 409 and
	// finds the event there: done, no second event.
	w.srv.FailNext(googletest.RouteInsert, 1, googletest.Fault{DropAfter: true})
	w.sideways(true, "run", "--once")
	if n := len(w.ours()); n != 2 {
		t.Fatalf("after a lost answer: suggestions for %d peers, want 2", n)
	}
	// A process killed after its inserts reached Google but before it stored
	// anything: nothing is tracked in the state.
	db, err := state.Open(filepath.Join(w.dir, "state", "sideways.db"))
	if err != nil {
		t.Fatal(err)
	}
	writes, _ := db.Writes(context.Background())
	for _, x := range writes {
		_ = db.Untrack(context.Background(), x.Calendar, x.EventID)
	}
	db.Close()
	w.now = w.now.Add(time.Minute)
	w.sideways(true, "run", "--once")
	w.now = w.now.Add(time.Minute)
	w.sideways(true, "run", "--once")
	for peer, evs := range w.ours() {
		if len(evs) != 1 {
			t.Errorf("%s has %d suggestions, want 1", peer, len(evs))
		}
	}
	if len(w.ours()) != 2 {
		t.Errorf("want suggestions for both peers, got %v", w.ours())
	}
}

// TestRandomCyclesNeverTouchForeignEvents drives cycles against the fake with
// random outside changes and checks its request log: every patch or delete
// sideways sent was aimed at an event it had inserted, and no peer ever has two
// live suggestions.
func TestRandomCyclesNeverTouchForeignEvents(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 11))
			w := newGWorld(t, "propose")
			for i := range 30 + rng.IntN(60) {
				s := w.now.Add(time.Duration(rng.IntN(24*60)-24*40) * time.Hour).Truncate(15 * time.Minute)
				var who []string
				if rng.IntN(3) == 0 {
					who = []string{gOwner, []string{"dana@acme.test", "bo@acme.test"}[rng.IntN(2)]}
				}
				w.srv.Insert("primary", gEvent(fmt.Sprintf("f%d", i), "Meeting", s, who...))
			}
			inserted := map[string]bool{}
			for step := range 8 {
				w.sideways(true, "run", "--once")
				for _, r := range w.srv.Requests() {
					switch r.Route {
					case googletest.RouteInsert:
						var ev calendarv3.Event
						_ = json.Unmarshal(r.Body, &ev)
						inserted[ev.Id] = true
					case googletest.RoutePatch, googletest.RouteUpdate, googletest.RouteDelete:
						if !inserted[r.EventID] {
							t.Fatalf("step %d: %s %s: an event sideways did not write", step, r.Route, r.EventID)
						}
					}
				}
				for peer, evs := range w.ours() {
					live := 0
					for _, e := range evs {
						if len(e.Attendees) == 0 {
							live++
						}
					}
					if live > 1 {
						t.Fatalf("step %d: %d live suggestions for %s", step, live, peer)
					}
				}
				w.srv.ResetLog()
				// Outside changes: delete, move or accept one of ours, or add a meeting.
				evs := w.srv.Events("primary")
				e := evs[rng.IntN(len(evs))]
				switch rng.IntN(3) {
				case 0:
					w.srv.Delete("primary", e.Id)
				case 1:
					w.srv.Insert("primary", gEvent(fmt.Sprintf("n%d", step), "Busy", w.now.AddDate(0, 0, 1+rng.IntN(14)).Truncate(time.Hour)))
				}
				w.now = w.now.Add(time.Duration(1+rng.IntN(96)) * time.Hour)
			}
		})
	}
}

func TestRevokedGrantTellsTheUser(t *testing.T) {
	w := newGWorld(t, "propose")
	w.sideways(true, "run", "--once", "--verbose")
	w.srv.RevokeGrants()
	w.srv.ExpireAccessTokens()
	w.now = w.now.Add(time.Hour)
	out := w.sideways(false, "run", "--once", "--verbose")
	if !strings.Contains(out, `sideways: hint: run "sideways auth google" again`) {
		t.Errorf("run output lacks the hint:\n%s", out)
	}
	st := w.status()
	if st.LastCycle == nil || st.LastCycle.OK || len(st.Warnings) == 0 || !strings.Contains(st.Warnings[0], "sideways auth google") {
		t.Errorf("status after invalid_grant: %+v", st)
	}
	for _, s := range w.srv.Secrets() {
		if strings.Contains(out, s) {
			t.Errorf("a secret reached the output: %q", s)
		}
	}
}

// TestPeerFreeBusy: with peer_freebusy on, a peer's busy time keeps the slot
// off it, and a peer Google will not show is planned with working hours and a
// warning.
func TestPeerFreeBusy(t *testing.T) {
	w := newGWorld(t, "propose")
	cfgPath := filepath.Join(w.dir, "sideways.yaml")
	b, _ := os.ReadFile(cfgPath)
	if err := os.WriteFile(cfgPath, []byte(strings.Replace(string(b), "mode: propose\n", "mode: propose\npeer_freebusy: true\n", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	// Mon 23 Nov 09:00 New York: the first slot would be Tue 24 Nov 10:00.
	w.srv.Insert("primary", gEvent("dana1", "Dana / Alex", w.now.AddDate(0, 0, -40), gOwner, "dana@acme.test"))
	w.srv.AddCalendar("dana@acme.test", "Dana")
	w.srv.Insert("dana@acme.test", gEvent("dana-busy", "Budget review", time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)))
	w.srv.SetFreeBusyError("bo@acme.test", "notFound")
	out := w.sideways(true, "run", "--once")
	if w.srv.Count(googletest.RouteFreeBusy) == 0 {
		t.Fatal("no freeBusy request was sent")
	}
	dana := w.ours()["dana@acme.test"]
	if len(dana) != 1 || strings.HasPrefix(dana[0].Start.DateTime, "2026-11-24T10:00") {
		t.Errorf("dana's suggestion %+v ignores her busy time (Tue 10:00-10:30)", dana)
	}
	if !strings.Contains(out, "bo@acme.test: free/busy of bo@acme.test unavailable (notFound); planning with their working hours only") {
		t.Errorf("no warning that bo's free/busy is unavailable:\n%s", out)
	}
	if len(w.ours()["bo@acme.test"]) != 1 {
		t.Error("bo should still get a suggestion, by working hours")
	}
}
