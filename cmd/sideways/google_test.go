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
	code := execute(context.Background(), args, &out, &errb)
	if (code == 0) != wantOK {
		w.t.Fatalf("sideways %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, out.String(), errb.String())
	}
	return out.String() + errb.String()
}

type statusOut struct {
	Peers []struct {
		Email        string  `json:"email"`
		State        string  `json:"state"`
		Why          string  `json:"why"`
		SnoozedUntil *string `json:"snoozed_until"`
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

func (st statusOut) why(email string) string {
	for _, p := range st.Peers {
		if p.Email == email {
			return p.Why
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
	if !strings.Contains(out, `sideways: hint: run "sideways auth google --calendar work" again`) {
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

// writesFor returns the requests in the fake's log that wrote anything for
// peer: an insert carrying the peer's tag, or a patch, update or delete of an
// event tagged with the peer.
func (w *gworld) writesFor(peer string) []googletest.Request {
	var out []googletest.Request
	for _, r := range w.srv.Writes() {
		if r.Route == googletest.RouteInsert {
			var ev calendarv3.Event
			_ = json.Unmarshal(r.Body, &ev)
			if ev.ExtendedProperties != nil && ev.ExtendedProperties.Private["sideways_peer"] == peer {
				out = append(out, r)
			}
			continue
		}
		if ev := w.srv.Event("primary", r.EventID); ev != nil && ev.ExtendedProperties != nil &&
			ev.ExtendedProperties.Private["sideways_peer"] == peer {
			out = append(out, r)
		}
	}
	return out
}

// loseState deletes the state folder, as on a new laptop.
func (w *gworld) loseState() {
	w.t.Helper()
	if err := os.RemoveAll(filepath.Join(w.dir, "state")); err != nil {
		w.t.Fatal(err)
	}
}

// TestDismissalSurvivesStateLoss: the user deletes a suggestion, the state
// folder is lost, and still no cycle writes anything for that peer during the
// snooze; status shows the peer snoozed, from the calendar alone.
func TestDismissalSurvivesStateLoss(t *testing.T) {
	w := newGWorld(t, "propose")
	w.srv.Insert("primary", gEvent("dana1", "Dana / Alex", w.now.AddDate(0, 0, -40), gOwner, "dana@acme.test"))
	w.sideways(true, "run", "--once")
	dana := w.ours()["dana@acme.test"]
	if len(dana) != 1 {
		t.Fatalf("want one suggestion for dana, got %v", w.ours())
	}
	w.now = w.now.Add(time.Hour)
	w.srv.Delete("primary", dana[0].Id)
	deleted := w.now
	w.now = w.now.Add(2 * time.Hour)
	w.loseState()
	w.srv.ResetLog()

	// Two cycles a day until the snooze (14 days) is nearly over, the state
	// folder lost once more halfway.
	for i := 0; w.now.Before(deleted.Add(14*24*time.Hour - 12*time.Hour)); i++ {
		w.sideways(true, "run", "--once")
		if i == 14 {
			w.loseState()
		}
		w.now = w.now.Add(12 * time.Hour)
	}
	if ws := w.writesFor("dana@acme.test"); len(ws) != 0 {
		t.Errorf("during the snooze sideways wrote for dana: %v", routes(ws))
	}
	st := w.status()
	if st.state("dana@acme.test") != "snoozed" || !strings.Contains(st.why("dana@acme.test"), "you deleted the suggestion") {
		t.Errorf("dana: state %q, why %q; want snoozed because the suggestion was deleted", st.state("dana@acme.test"), st.why("dana@acme.test"))
	}
	if len(w.ours()["bo@acme.test"]) != 1 {
		t.Errorf("bo should keep exactly one suggestion through the state losses, got %v", w.ours()["bo@acme.test"])
	}

	// Once the snooze is over, dana may be proposed again, under a new id.
	w.now = deleted.Add(14*24*time.Hour + time.Hour)
	w.sideways(true, "run", "--once")
	if got := w.ours()["dana@acme.test"]; len(got) != 1 || got[0].Id == dana[0].Id {
		t.Errorf("after the snooze: want one new suggestion for dana, got %v", got)
	}
}

// TestInviteNoIsHeard: in invite mode a peer declines and the user cancels
// another peer's invite. For the whole snooze no request writes anything for
// either, also across a lost state folder; status shows the decline (with one
// warning to talk to the peer) and the dismissal, and the declined invite
// stays on the calendar.
func TestInviteNoIsHeard(t *testing.T) {
	w := newGWorld(t, "invite")
	w.srv.Insert("primary", gEvent("dana1", "Dana / Alex", w.now.AddDate(0, 0, -40), gOwner, "dana@acme.test"))
	w.sideways(true, "run", "--once")
	invites := w.ours()
	if len(invites["dana@acme.test"]) != 1 || len(invites["bo@acme.test"]) != 1 {
		t.Fatalf("want one invite each, got %v", invites)
	}
	danaInv, boInv := invites["dana@acme.test"][0], invites["bo@acme.test"][0]
	w.now = w.now.Add(3 * time.Hour)
	w.srv.Respond("primary", danaInv.Id, "dana@acme.test", "declined")
	w.srv.Delete("primary", boInv.Id)
	answered := w.now
	w.now = w.now.Add(time.Hour)
	w.srv.ResetLog()

	for i := 0; w.now.Before(answered.Add(14*24*time.Hour - 12*time.Hour)); i++ {
		w.sideways(true, "run", "--once")
		if i == 9 {
			w.loseState()
		}
		w.now = w.now.Add(12 * time.Hour)
	}
	for _, peer := range []string{"dana@acme.test", "bo@acme.test"} {
		if ws := w.writesFor(peer); len(ws) != 0 {
			t.Errorf("during the snooze sideways wrote for %s: %v", peer, routes(ws))
		}
	}
	st := w.status()
	if st.state("dana@acme.test") != "snoozed" || !strings.Contains(st.why("dana@acme.test"), "declined the invite") ||
		!strings.Contains(st.why("dana@acme.test"), "left alone until") {
		t.Errorf("dana: state %q, why %q; want snoozed for the decline, with until when", st.state("dana@acme.test"), st.why("dana@acme.test"))
	}
	if st.state("bo@acme.test") != "snoozed" || !strings.Contains(st.why("bo@acme.test"), "you cancelled the invite") {
		t.Errorf("bo: state %q, why %q; want snoozed for the cancelled invite", st.state("bo@acme.test"), st.why("bo@acme.test"))
	}
	n := 0
	for _, warn := range st.Warnings {
		if strings.Contains(warn, "Dana Whitfield declined your 1:1 invite") && strings.Contains(warn, "word in person") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("want exactly one warning about dana's decline, got %q", st.Warnings)
	}
	if ev := w.srv.Event("primary", danaInv.Id); ev == nil || ev.Status == "cancelled" {
		t.Errorf("the declined invite must stay on the calendar: %+v", ev)
	}
}

// TestPeerOffTheRoster: a peer removed from the config has their open
// suggestion withdrawn by the next cycle; that withdrawal is sideways' own, so
// putting the peer back does not count it as a dismissal.
func TestPeerOffTheRoster(t *testing.T) {
	w := newGWorld(t, "propose")
	w.srv.Insert("primary", gEvent("dana1", "Dana / Alex", w.now.AddDate(0, 0, -40), gOwner, "dana@acme.test"))
	w.sideways(true, "run", "--once")
	if len(w.ours()["bo@acme.test"]) != 1 {
		t.Fatalf("want a suggestion for bo, got %v", w.ours())
	}
	cfgPath := filepath.Join(w.dir, "sideways.yaml")
	orig, _ := os.ReadFile(cfgPath)
	without := strings.Replace(string(orig), "  - name: Bo Li\n    email: bo@acme.test\n    department: Ops\n", "", 1)
	if without == string(orig) {
		t.Fatal("could not take bo off the roster")
	}
	if err := os.WriteFile(cfgPath, []byte(without), 0o600); err != nil {
		t.Fatal(err)
	}
	w.now = w.now.Add(2 * time.Hour)
	out := w.sideways(true, "run", "--once")
	if got := w.ours()["bo@acme.test"]; len(got) != 0 {
		t.Errorf("bo is off the roster but still has %v\n%s", got, out)
	}
	if len(w.ours()["dana@acme.test"]) != 1 {
		t.Errorf("dana's suggestion must stay, got %v", w.ours())
	}
	logOut := w.sideways(true, "log", "--json")
	if !strings.Contains(logOut, "peer is no longer on the roster") {
		t.Errorf("the audit log does not say why bo's suggestion went:\n%s", logOut)
	}

	// Back on the roster, on a fresh state folder: not snoozed.
	if err := os.WriteFile(cfgPath, orig, 0o600); err != nil {
		t.Fatal(err)
	}
	w.loseState()
	w.now = w.now.Add(2 * time.Hour)
	w.sideways(true, "run", "--once")
	if st := w.status(); st.state("bo@acme.test") == "snoozed" {
		t.Errorf("bo back on the roster is snoozed (%s): sideways' own withdrawal counted as a dismissal", st.why("bo@acme.test"))
	}
}
