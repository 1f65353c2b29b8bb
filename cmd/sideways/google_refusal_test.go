package main

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sidewayscal/sideways/calendar/google"
	"github.com/sidewayscal/sideways/calendar/google/googletest"
)

// withVideo makes the world's meetings video calls, so invites ask for Meet.
func (w *gworld) withVideo() {
	w.t.Helper()
	path := filepath.Join(w.dir, "sideways.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, "meeting:\n  location: video\n"...), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// insertsWithMeet counts the inserts that asked Google for a Meet link.
func (w *gworld) insertsWithMeet() int {
	n := 0
	for _, r := range w.srv.Requests() {
		if r.Route == googletest.RouteInsert && strings.Contains(string(r.Body), `"createRequest"`) {
			n++
		}
	}
	return n
}

// Acceptance 1 of issue 10: on a calendar that cannot create Meet links,
// invite mode writes every invite without one, status says so once, and the
// next cycle does not ask for Meet again.
func TestMeetUnavailable(t *testing.T) {
	w := newGWorld(t, "invite")
	w.withVideo()
	w.srv.SetMeetUnavailable("primary")
	w.srv.Insert("primary", gEvent("dana1", "Dana / Alex", w.now.AddDate(0, 0, -40), gOwner, "dana@acme.test"))
	out := w.sideways(true, "run", "--once")
	invites := w.ours()
	if len(invites["dana@acme.test"]) != 1 || len(invites["bo@acme.test"]) != 1 {
		t.Fatalf("want one invite each without Meet, got %v\n%s", invites, out)
	}
	for peer, evs := range invites {
		if evs[0].ConferenceData != nil || !strings.Contains(evs[0].Description, "Google Meet could not be added") {
			t.Errorf("invite for %s: conference %v, description %q; want no conference and a note", peer, evs[0].ConferenceData, evs[0].Description)
		}
	}
	if n := w.insertsWithMeet(); n != 1 {
		t.Errorf("first cycle asked for Meet %d times, want once (then it knows)", n)
	}

	var st struct {
		Warnings []string `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(w.sideways(true, "status", "--json")), &st); err != nil {
		t.Fatal(err)
	}
	said := 0
	for _, s := range st.Warnings {
		if strings.Contains(s, "cannot create Google Meet links") {
			said++
		}
	}
	if said != 1 {
		t.Errorf("status says Meet is unavailable %d times, want once: %q", said, st.Warnings)
	}
	if text := w.sideways(true, "status"); strings.Count(text, "cannot create Google Meet links") != 1 {
		t.Errorf("status text does not say once that Meet is unavailable:\n%s", text)
	}

	// Two months on, both are due again: the new invites do not ask for
	// Meet, since the calendar remembers it has none.
	w.now = w.now.AddDate(0, 2, 0)
	w.srv.ResetLog()
	w.sideways(true, "run", "--once")
	if n := w.srv.Count(googletest.RouteInsert); n == 0 {
		t.Fatal("no invite written two months on; the test cannot tell whether Meet was asked for")
	}
	if n := w.insertsWithMeet(); n != 0 {
		t.Errorf("a later cycle asked for Meet %d times, want none", n)
	}
}

// Acceptance 2 of issue 10: one action refused for good (400) is recorded,
// for its peer, in the cycle's output and the log, and the others are written.
func TestOneRefusedActionDoesNotStopTheCycle(t *testing.T) {
	w := newGWorld(t, "propose")
	w.srv.Insert("primary", gEvent("dana1", "Dana / Alex", w.now.AddDate(0, 0, -40), gOwner, "dana@acme.test"))
	w.srv.FailNext(googletest.RouteInsert, 1, googletest.Fault{Status: 400, Reason: "invalid"})
	out := w.sideways(true, "run", "--once")
	var failed string
	for _, line := range strings.Split(out, "\n") {
		if f, ok := strings.CutPrefix(line, "failed\t"); ok {
			failed, _, _ = strings.Cut(f, "\t")
		}
	}
	other := map[string]string{"dana@acme.test": "bo@acme.test", "bo@acme.test": "dana@acme.test"}[failed]
	if other == "" {
		t.Fatalf("run --once names no failed peer:\n%s", out)
	}
	if !strings.Contains(out, "400") {
		t.Errorf("the failure does not say what Google answered:\n%s", out)
	}
	if got := w.ours(); len(got[other]) != 1 || len(got[failed]) != 0 {
		t.Errorf("want %s written and %s not, got %v", other, failed, got)
	}
	log := w.sideways(true, "log")
	if !strings.Contains(log, "propose failed") || !strings.Contains(log, failed) || !strings.Contains(log, "400") {
		t.Errorf("log does not show the failure for %s:\n%s", failed, log)
	}
	if !strings.Contains(log, other) {
		t.Errorf("log does not show the write for %s:\n%s", other, log)
	}
	if st := w.status(); st.LastCycle == nil || !st.LastCycle.OK {
		t.Errorf("the cycle with one refused action is recorded as failed: %+v", st.LastCycle)
	}
}

// Acceptance 3 of issue 10 (run time): a token that grants free/busy only
// makes the cycle say which access to grant, never that it expired.
func TestMissingEventsAccessSaysWhichToGrant(t *testing.T) {
	w := newGWorld(t, "propose")
	if err := google.SaveToken(filepath.Join(w.dir, "token.json"), w.srv.IssueToken("https://www.googleapis.com/auth/calendar.freebusy")); err != nil {
		t.Fatal(err)
	}
	out := w.sideways(false, "run", "--once")
	if !strings.Contains(out, "hint:") || !strings.Contains(out, "tick the access to events") {
		t.Errorf("run output does not say which access to grant:\n%s", out)
	}
	if strings.Contains(out, "expired") {
		t.Errorf("a missing access reads as an expired sign-in:\n%s", out)
	}
	st := w.status()
	joined := strings.Join(st.Warnings, "\n")
	if !strings.Contains(joined, "does not grant access to events") || strings.Contains(joined, "expired") {
		t.Errorf("status warnings: %q", st.Warnings)
	}
}

// Acceptance 3 of issue 10 (sign-in): a user who grants only free/busy is
// told which access is missing and what stops working, the command fails,
// and no token is saved; one who grants events but not free/busy is signed
// in with a warning naming peer_freebusy.
func TestAuthGoogleNamesMissingAccess(t *testing.T) {
	w := newGWorld(t, "propose")
	token := filepath.Join(w.dir, "token.json")
	if err := os.Remove(token); err != nil {
		t.Fatal(err)
	}
	w.srv.Untick("https://www.googleapis.com/auth/calendar.events")
	code, stdout, stderr := authHeadless(t, w, func(redirect *url.URL) string { return redirect.String() })
	if code == exitOK || strings.Contains(stdout, "signed in") {
		t.Errorf("free/busy only: exit %d, stdout %q; want a failure, not signed in", code, stdout)
	}
	for _, want := range []string{"access to events was not granted", "without it, everything", "sideways: hint:", "tick every box"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("free/busy only: stderr lacks %q:\n%s", want, stderr)
		}
	}
	if _, err := os.Stat(token); !os.IsNotExist(err) {
		t.Errorf("a sign-in without events access saved a token (stat: %v)", err)
	}

	w.srv.Untick("https://www.googleapis.com/auth/calendar.freebusy")
	code, stdout, stderr = authHeadless(t, w, func(redirect *url.URL) string { return redirect.String() })
	if code != exitOK || !strings.Contains(stdout, "signed in: calendar work") {
		t.Fatalf("events only: exit %d, stdout %q\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "access to free/busy was not granted") || !strings.Contains(stderr, "peer_freebusy") {
		t.Errorf("events only: stderr does not name free/busy and peer_freebusy:\n%s", stderr)
	}
}
