package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar/google/googletest"
)

// The scripted user's and peers' habits in TestEightWeeks, by peer.
const (
	accepts   = "accepts"    // the user adds the peer as a guest to each suggestion
	deletes   = "deletes"    // the user deletes each suggestion
	booksHand = "books"      // the user books the first 1:1 by hand, then accepts
	fills     = "fills"      // the user fills the first suggested slot, then accepts
	editsTime = "edits-time" // the user moves the first suggestion onto the standup, then accepts
	editsName = "edits-name" // the user renames the first suggestion, then accepts
	letsPass  = "lets-pass"  // the user never touches the suggestions
	peerYes   = "peer-yes"   // invite mode: the peer accepts
	peerNo    = "peer-no"    // invite mode: the peer declines
	peerMute  = "peer-mute"  // invite mode: the peer never answers
)

type scriptedPeer struct {
	name, email, habit string
}

var scenarioPeers = []scriptedPeer{
	{"Ann Archer", "ann@acme.test", accepts},
	{"Del Dorsey", "del@acme.test", deletes},
	{"Hank Hill", "hank@acme.test", booksHand},
	{"Fay Fields", "fay@acme.test", fills},
	{"Tim Tully", "tim@acme.test", editsTime},
	{"Tia Toms", "tia@acme.test", editsName},
	{"Lou Lane", "lou@acme.test", letsPass},
	{"Ivy Irwin", "ivy@acme.test", peerYes},
	{"Dex Drake", "dex@acme.test", peerNo},
	{"Nia Noor", "nia@acme.test", peerMute},
}

// TestEightWeeks drives two cycles a day for eight simulated weeks against the
// fake Google, with a scripted user and scripted peers, and checks the whole
// suggestion lifecycle (the README's lifecycle): accepted suggestions are never touched
// again, deleted ones and declined invites snooze their peer, expired ones are
// withdrawn and proposed anew, a hand-booked 1:1 supersedes a suggestion, a
// filled slot moves the suggestion (same id), and the user's edits of a time or
// a title stand. Throughout: no duplicates, every cap held in every week and
// day, no write to an event sideways did not write, and every write in the
// audit log with its reason.
func TestEightWeeks(t *testing.T) {
	w := newGWorld(t, "propose")
	var roster strings.Builder
	for _, p := range scenarioPeers {
		dept := "Finance"
		if strings.HasPrefix(p.habit, "peer-") {
			dept = "Sales"
		}
		fmt.Fprintf(&roster, "  - name: %s\n    email: %s\n    department: %s\n", p.name, p.email, dept)
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
mode: propose
caps:
  peer_1on1s_per_week: 4
  peer_1on1s_per_day: 1
  open_suggestions: 4
  new_peers_at_once: 2
peers:
%srules:
  - name: sales gets real invites
    when: peer.department == "Sales"
    mode: invite
  - name: everyone biweekly
    cadence: biweekly
`, gOwner, w.srv.Endpoint(), roster.String())
	if err := os.WriteFile(filepath.Join(w.dir, "sideways.yaml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	ny, _ := time.LoadLocation("America/New_York")
	start := time.Date(2026, 11, 23, 8, 0, 0, 0, ny) // a Monday
	w.now = start
	end := start.AddDate(0, 0, 56)

	// The world: a daily standup, and a 1:1 with each peer 5 to 14 days ago.
	world := map[string]bool{}
	add := func(ev *calendarv3.Event) {
		world[w.srv.Insert("primary", ev).Id] = true
	}
	for d := start.AddDate(0, 0, -21); d.Before(end.AddDate(0, 0, 30)); d = d.AddDate(0, 0, 1) {
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			add(gEvent(fmt.Sprintf("standup%s", d.Format("20060102")), "Standup", time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, ny)))
		}
	}
	for i, p := range scenarioPeers {
		add(gEvent(fmt.Sprintf("hist%d", i), p.name+" / Alex", start.AddDate(0, 0, -14+i).Add(7*time.Hour), gOwner, p.email))
	}

	habit := map[string]string{}
	for _, p := range scenarioPeers {
		habit[p.email] = p.habit
	}
	type fate struct {
		peer, kind  string
		accepted    bool
		deleted     bool
		declined    bool
		start       time.Time // what the user set, for edited ones
		title       string
		superseded  bool
		filledAt    time.Time
		firstSeenAt time.Time
		editedAt    time.Time // the user accepts an edited one two days later
	}
	ours := map[string]*fate{} // every event sideways inserted, by id
	firstDone := map[string]bool{}
	lastNo := map[string]time.Time{} // when the user or the peer last said no
	var pendingAccept []string       // suggestions the user accepts one cycle later

	var allReqs []googletest.Request
	for w.now.Before(end) {
		w.srv.ResetLog()
		w.sideways(true, "run", "--once")
		reqs := w.srv.Requests()
		allReqs = append(allReqs, reqs...)
		for _, r := range reqs {
			switch r.Route {
			case googletest.RouteInsert:
				var ev calendarv3.Event
				if err := json.Unmarshal(r.Body, &ev); err != nil || r.Status != 200 {
					t.Fatalf("%s: insert answered %d (%v)", w.now, r.Status, err)
				}
				peer := ev.ExtendedProperties.Private["sideways_peer"]
				if no, ok := lastNo[peer]; ok && w.now.Before(no.Add(14*24*time.Hour)) {
					t.Errorf("%s: wrote for %s within the snooze after their no on %s", w.now.Format(time.DateTime), peer, no.Format(time.DateTime))
				}
				ours[ev.Id] = &fate{peer: peer, kind: ev.ExtendedProperties.Private["sideways"], firstSeenAt: w.now}
			case googletest.RoutePatch, googletest.RouteUpdate, googletest.RouteDelete:
				if world[r.EventID] || ours[r.EventID] == nil {
					t.Fatalf("%s: %s on %s, an event sideways did not write", w.now, r.Route, r.EventID)
				}
				if f := ours[r.EventID]; f.accepted || f.deleted || f.declined || f.kind == "invite" {
					t.Errorf("%s: %s on %s (%s, %+v): sideways must leave it alone", w.now, r.Route, r.EventID, f.peer, *f)
				}
			}
		}
		checkLive(t, w, ny, start)

		// The user and the peers react.
		for _, id := range pendingAccept {
			f := ours[id]
			if ev := w.srv.Event("primary", id); ev != nil && ev.Status != "cancelled" {
				w.srv.Patch("primary", id, func(e *calendarv3.Event) {
					e.Attendees = []*calendarv3.EventAttendee{{Email: gOwner, ResponseStatus: "accepted"}, {Email: f.peer, ResponseStatus: "accepted"}}
				})
				f.accepted = true
			}
		}
		pendingAccept = nil
		for _, id := range slices.Sorted(maps.Keys(ours)) {
			f := ours[id]
			ev := w.srv.Event("primary", id)
			if ev.Status == "cancelled" || f.accepted || f.deleted || f.declined || f.superseded {
				continue
			}
			evStart, _ := time.Parse(time.RFC3339, ev.Start.DateTime)
			if !evStart.After(w.now) {
				continue
			}
			h := habit[f.peer]
			if firstDone[f.peer] && h != deletes && h != letsPass && !strings.HasPrefix(h, "peer-") {
				h = accepts
			}
			switch h {
			case accepts:
				if w.now.Before(f.editedAt.Add(48 * time.Hour)) {
					continue // meanwhile it must stay as the user left it
				}
				pendingAccept = append(pendingAccept, id)
			case deletes:
				w.srv.Delete("primary", id)
				f.deleted = true
				lastNo[f.peer] = w.now
			case booksHand:
				add(gEvent("hand"+id[:8], "Hank / Alex", evStart, gOwner, f.peer))
				f.superseded = true
				firstDone[f.peer] = true
			case fills:
				if f.filledAt.IsZero() {
					add(gEvent("fill"+id[:8], "Vendor call", evStart))
					f.filledAt = evStart
				} else if !evStart.Equal(f.filledAt) {
					firstDone[f.peer] = true // moved off the filled slot: accept it next
					pendingAccept = append(pendingAccept, id)
				}
			case editsTime:
				standup := time.Date(evStart.In(ny).Year(), evStart.In(ny).Month(), evStart.In(ny).Day(), 9, 0, 0, 0, ny)
				w.srv.Patch("primary", id, func(e *calendarv3.Event) {
					e.Start = &calendarv3.EventDateTime{DateTime: standup.Format(time.RFC3339)}
					e.End = &calendarv3.EventDateTime{DateTime: standup.Add(30 * time.Minute).Format(time.RFC3339)}
				})
				f.start, f.editedAt = standup, w.now
				firstDone[f.peer] = true
			case editsName:
				w.srv.Patch("primary", id, func(e *calendarv3.Event) { e.Summary = "Coffee with Tia" })
				f.title, f.editedAt = "Coffee with Tia", w.now
				firstDone[f.peer] = true
			case peerYes:
				w.srv.Respond("primary", id, f.peer, "accepted")
				f.accepted = true
			case peerNo:
				w.srv.Respond("primary", id, f.peer, "declined")
				f.declined = true
				lastNo[f.peer] = w.now
			}
		}
		w.now = w.now.Add(12 * time.Hour)
	}
	// One more cycle, and the user accepts nothing more: the final picture.
	w.srv.ResetLog()
	w.sideways(true, "run", "--once")
	allReqs = append(allReqs, w.srv.Requests()...)
	checkLive(t, w, ny, start)

	// Every event sideways wrote ended as its story says.
	seen := map[string]map[string]int{}
	for id, f := range ours {
		ev := w.srv.Event("primary", id)
		evStart, _ := time.Parse(time.RFC3339, ev.Start.DateTime)
		withdrawn := ev.ExtendedProperties.Private["sideways_withdrawn"] != ""
		if seen[f.peer] == nil {
			seen[f.peer] = map[string]int{}
		}
		var want string
		switch {
		case f.deleted:
			want = "deleted by the user"
		case f.declined:
			want = "declined, kept"
		case f.accepted:
			want = "accepted, kept"
		case f.kind == "invite":
			want = "pending, kept"
		case f.superseded:
			want = "withdrawn"
		case !evStart.After(w.now):
			want = "withdrawn"
		default:
			want = "open"
		}
		var got string
		switch {
		case ev.Status == "cancelled" && withdrawn:
			got = "withdrawn"
		case ev.Status == "cancelled":
			got = "deleted by the user"
		case f.declined:
			got = "declined, kept"
		case len(ev.Attendees) > 0 && f.kind == "invite" && ev.Attendees[len(ev.Attendees)-1].ResponseStatus == "needsAction" && !f.accepted:
			got = "pending, kept"
		case len(ev.Attendees) > 0:
			got = "accepted, kept"
		default:
			got = "open"
		}
		if got != want {
			t.Errorf("%s (%s, %s): ended %s, want %s", id, f.peer, evStart.In(ny).Format(time.DateTime), got, want)
		}
		seen[f.peer][got]++
		if !f.start.IsZero() && !evStart.Equal(f.start) {
			t.Errorf("%s (%s): the user moved it to %s, sideways moved it to %s", id, f.peer, f.start, evStart)
		}
		if f.title != "" && ev.Summary != f.title {
			t.Errorf("%s (%s): the user renamed it %q, now %q", id, f.peer, f.title, ev.Summary)
		}
	}
	// Each habit was exercised.
	for _, c := range []struct{ peer, fate string }{
		{"ann@acme.test", "accepted, kept"}, {"del@acme.test", "deleted by the user"}, {"hank@acme.test", "withdrawn"},
		{"fay@acme.test", "accepted, kept"}, {"tim@acme.test", "accepted, kept"}, {"tia@acme.test", "accepted, kept"},
		{"lou@acme.test", "withdrawn"}, {"ivy@acme.test", "accepted, kept"}, {"dex@acme.test", "declined, kept"},
		{"nia@acme.test", "pending, kept"},
	} {
		if seen[c.peer][c.fate] == 0 {
			t.Errorf("%s: no event ended %s (%v): the scenario did not exercise this habit", c.peer, c.fate, seen[c.peer])
		}
	}
	if seen["lou@acme.test"]["withdrawn"] < 2 {
		t.Errorf("lou: want suggestions proposed anew after each expiry, got %v", seen["lou@acme.test"])
	}
	if seen["del@acme.test"]["deleted by the user"] < 2 {
		t.Errorf("del: want a new suggestion after each snooze, got %v", seen["del@acme.test"])
	}
	// The world's own events were never written.
	for id := range world {
		if ev := w.srv.Event("primary", id); ev.ExtendedProperties != nil && ev.ExtendedProperties.Private["sideways"] != "" {
			t.Errorf("%s: an event sideways did not write carries its tag", id)
		}
	}

	// The audit log has every write, with its reason.
	var audit []auditJSON
	if err := json.Unmarshal([]byte(w.sideways(true, "log", "--json")), &audit); err != nil {
		t.Fatal(err)
	}
	byAction := map[string]int{}
	for _, a := range audit {
		if a.Reason == "" {
			t.Errorf("audit entry without a reason: %+v", a)
		}
		byAction[a.Action]++
	}
	byRoute := map[string]int{}
	for _, r := range allReqs {
		byRoute[r.Route]++
	}
	if got, want := byAction["propose"]+byAction["invite"], byRoute[googletest.RouteInsert]; got != want {
		t.Errorf("audit log: %d proposals and invites, the fake got %d inserts", got, want)
	}
	if got, want := byAction["withdraw"], byRoute[googletest.RouteDelete]; got != want {
		t.Errorf("audit log: %d withdrawals, the fake got %d deletes", got, want)
	}
	if got, want := byAction["move"]+byAction["withdraw"], byRoute[googletest.RoutePatch]+byRoute[googletest.RouteUpdate]; got != want {
		t.Errorf("audit log: %d moves and withdrawals, the fake got %d patches (a move is one, a withdrawal marks then deletes)", got, want)
	}
	if byAction["adopt"] != 0 {
		t.Errorf("audit log: %d adoptions, want none: the state folder was never lost, so every event of sideways' was tracked", byAction["adopt"])
	}
	if byAction["move"] == 0 {
		t.Error("no move in eight weeks: the filled slot was not exercised")
	}
	t.Logf("eight weeks: %d requests, audit %v, fates %v", len(allReqs), byAction, seen)
}

// checkLive checks the calendar as it stands: at most one open suggestion or
// pending invite per peer, no two live events of sideways' at one time for a
// peer, and the per-week and per-day caps on peer 1:1s (held, scheduled, open
// suggestions, pending invites) in every week since start.
func checkLive(t *testing.T, w *gworld, ny *time.Location, since time.Time) {
	t.Helper()
	open := map[string]int{}
	perWeek := map[string]int{}
	perDay := map[string]int{}
	slots := map[string]bool{}
	for _, ev := range w.srv.Events("primary") {
		if ev.Status == "cancelled" || ev.Start == nil {
			continue
		}
		s, _ := time.Parse(time.RFC3339, ev.Start.DateTime)
		s = s.In(ny)
		var peer string
		tagged := ev.ExtendedProperties != nil && ev.ExtendedProperties.Private["sideways"] != ""
		if tagged {
			peer = ev.ExtendedProperties.Private["sideways_peer"]
		}
		declined := false
		for _, a := range ev.Attendees {
			if a.Email != gOwner {
				peer = a.Email
			}
			if a.ResponseStatus == "declined" {
				declined = true
			}
		}
		if peer == "" || declined {
			continue
		}
		if tagged {
			key := peer + s.Format(time.DateTime)
			if slots[key] {
				t.Fatalf("%s: two live events of sideways for %s at %s", w.now, peer, s)
			}
			slots[key] = true
			if len(ev.Attendees) == 0 || (ev.ExtendedProperties.Private["sideways"] == "invite" && ev.Attendees[len(ev.Attendees)-1].ResponseStatus == "needsAction") {
				if s.After(w.now) {
					open[peer]++
				}
			}
		}
		if s.Before(since) {
			continue
		}
		day := time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, ny)
		week := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
		perWeek[week.Format(time.DateOnly)]++
		perDay[day.Format(time.DateOnly)]++
	}
	for peer, n := range open {
		if n > 1 {
			t.Fatalf("%s: %s has %d open suggestions or pending invites", w.now, peer, n)
		}
	}
	for wk, n := range perWeek {
		if n > 4 {
			t.Fatalf("%s: week of %s has %d peer 1:1s, cap 4", w.now, wk, n)
		}
	}
	for d, n := range perDay {
		if n > 1 {
			t.Fatalf("%s: %s has %d peer 1:1s, cap 1", w.now, d, n)
		}
	}
}
