package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/sidewayscal/sideways/calendar/google/googletest"
)

// quietNotes are Dana's private notes in these tests: distinctive, so that a
// leak cannot hide.
const quietNotes = "ZQX-PRIVATE-7731 owns the FY27 budget"

// withNotes gives Dana private notes in the world's config, and a 1:1 40 days
// ago, so that both she (overdue) and Bo (never met) get a meeting.
func (w *gworld) withNotes() {
	w.t.Helper()
	w.srv.Insert("primary", gEvent("dana1", "Dana / Alex", w.now.AddDate(0, 0, -40), gOwner, "dana@acme.test"))
	path := os.Getenv("SIDEWAYS_CONFIG")
	b, err := os.ReadFile(path)
	if err != nil {
		w.t.Fatal(err)
	}
	cfg := strings.Replace(string(b), "    department: Finance\n", "    department: Finance\n    notes: \""+quietNotes+"\"\n", 1)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// inserts returns the bodies of the event inserts the fake answered 200, and
// their sendUpdates.
func (w *gworld) inserts() (bodies []map[string]any, sendUpdates []string) {
	w.t.Helper()
	for _, r := range w.srv.Requests() {
		if r.Route != googletest.RouteInsert || r.Status != 200 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(r.Body, &m); err != nil {
			w.t.Fatal(err)
		}
		bodies = append(bodies, m)
		sendUpdates = append(sendUpdates, r.Query.Get("sendUpdates"))
	}
	return bodies, sendUpdates
}

// TestSuggestionsAreQuiet: a suggestion is written with reminders
// {useDefault: false} and no overrides, so nothing rings for a meeting the
// user has not accepted, and with sendUpdates=none; it carries the private
// notes, for the user alone.
func TestSuggestionsAreQuiet(t *testing.T) {
	w := newGWorld(t, "propose")
	w.withNotes()
	w.sideways(true, "run", "--once")
	bodies, sends := w.inserts()
	if len(bodies) != 2 {
		t.Fatalf("%d inserts, want a suggestion each for Dana and Bo", len(bodies))
	}
	for i, b := range bodies {
		rem, ok := b["reminders"].(map[string]any)
		if !ok || rem["useDefault"] != false || rem["overrides"] != nil {
			t.Errorf("suggestion %s sent reminders %v, want {useDefault: false} and no overrides", b["id"], b["reminders"])
		}
		if sends[i] != "none" || b["attendees"] != nil {
			t.Errorf("suggestion %s: sendUpdates %q, attendees %v; want none and none", b["id"], sends[i], b["attendees"])
		}
	}
	for peer, evs := range w.ours() {
		for _, ev := range evs {
			if r := ev.Reminders; r == nil || r.UseDefault || len(r.Overrides) > 0 {
				t.Errorf("%s's suggestion is stored with reminders %+v, want useDefault false and no overrides", peer, r)
			}
		}
	}
	dana := w.ours()["dana@acme.test"]
	if len(dana) != 1 || !strings.Contains(dana[0].Description, quietNotes) || !strings.Contains(dana[0].Description, "Why now:") {
		t.Errorf("Dana's suggestion lacks her notes or the why: %v", dana)
	}
}

// TestInvitesKeepDefaultsAndSecrets: an invite leaves reminders to the
// calendar's defaults (no reminders field), notifies the peer, and nothing
// sent (title, description, location, attendees) carries the private notes or
// the analysis behind the invite.
func TestInvitesKeepDefaultsAndSecrets(t *testing.T) {
	w := newGWorld(t, "invite")
	w.withNotes()
	w.sideways(true, "run", "--once")
	bodies, sends := w.inserts()
	if len(bodies) != 2 {
		t.Fatalf("%d inserts, want an invite each for Dana and Bo", len(bodies))
	}
	for i, b := range bodies {
		if _, ok := b["reminders"]; ok {
			t.Errorf("invite %s sent reminders %v, want none (the calendar's defaults)", b["id"], b["reminders"])
		}
		if sends[i] != "all" {
			t.Errorf("invite %s: sendUpdates %q, want all", b["id"], sends[i])
		}
		raw, _ := json.Marshal(b)
		for _, secret := range []string{"ZQX-PRIVATE-7731", "FY27", "Why now", "days ago", "cadence", "never_met", "monthly"} {
			if strings.Contains(string(raw), secret) {
				t.Errorf("the invite sent to the peer carries %q:\n%s", secret, raw)
			}
		}
	}
	for peer, evs := range w.ours() {
		for _, ev := range evs {
			if r := ev.Reminders; r == nil || !r.UseDefault || len(r.Overrides) > 0 {
				t.Errorf("%s's invite is stored with reminders %+v, want the calendar's defaults", peer, r)
			}
		}
	}
}
