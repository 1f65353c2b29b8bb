package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/google"
	"github.com/sidewayscal/sideways/calendar/google/googletest"
	"github.com/sidewayscal/sideways/daemon/state"
	"github.com/sidewayscal/sideways/rules/rulestest"
)

// mirrorWorld is the plan benchmark's world (rulestest.World: 200 peers, a
// year of calendar) served by the fake Google and synced once into a state
// folder: what a user with that calendar has after the first cycle.
func mirrorWorld(b *testing.B, nEvents int) (stateDir string) {
	b.Helper()
	yaml, events := rulestest.World(200, nEvents)
	srv := googletest.NewServer(b, rulestest.Me)
	srv.SetNow(func() time.Time { return rulestest.Now })
	for i, e := range events {
		srv.Insert("primary", googleEvent(fmt.Sprintf("bench%06d", i), e))
	}
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "client_secret.json"), srv.ClientSecretJSON(), 0o600); err != nil {
		b.Fatal(err)
	}
	if err := google.SaveToken(filepath.Join(dir, "token.json"), srv.IssueToken()); err != nil {
		b.Fatal(err)
	}
	cfg := strings.Replace(string(yaml), "    ics: work.ics\n", fmt.Sprintf("    google:\n      calendar: primary\n      endpoint: %s\n", srv.Endpoint()), 1)
	if cfg == string(yaml) {
		b.Fatal("the world's config has no ics calendar to replace")
	}
	if err := os.WriteFile(filepath.Join(dir, "sideways.yaml"), []byte(cfg), 0o600); err != nil {
		b.Fatal(err)
	}
	b.Setenv("SIDEWAYS_CONFIG", filepath.Join(dir, "sideways.yaml"))
	b.Setenv("SIDEWAYS_STATE_DIR", filepath.Join(dir, "state"))
	b.Setenv("SIDEWAYS_NOW", rulestest.Now.Format(time.RFC3339))
	mustRun(b, "run", "--once")
	return filepath.Join(dir, "state")
}

// googleEvent is e as Google would list it.
func googleEvent(id string, e calendar.Event) *calendarv3.Event {
	ev := &calendarv3.Event{Id: id, Summary: e.Summary, Status: string(e.Status),
		Organizer: &calendarv3.EventOrganizer{Email: rulestest.Me, Self: true}}
	if e.AllDay {
		ev.Start = &calendarv3.EventDateTime{Date: e.Start.Format(time.DateOnly)}
		ev.End = &calendarv3.EventDateTime{Date: e.End.Format(time.DateOnly)}
	} else {
		ev.Start = &calendarv3.EventDateTime{DateTime: e.Start.Format(time.RFC3339), TimeZone: "America/New_York"}
		ev.End = &calendarv3.EventDateTime{DateTime: e.End.Format(time.RFC3339), TimeZone: "America/New_York"}
	}
	if e.Transparent {
		ev.Transparency = "transparent"
	}
	for _, a := range e.Attendees {
		ev.Attendees = append(ev.Attendees, &calendarv3.EventAttendee{Email: a.Email, ResponseStatus: "accepted"})
	}
	return ev
}

func mustRun(b *testing.B, args ...string) {
	b.Helper()
	var errb strings.Builder
	if code := execute(context.Background(), args, io.Discard, &errb); code != 0 {
		b.Fatalf("sideways %s: exit %d\n%s", strings.Join(args, " "), code, errb.String())
	}
}

// BenchmarkMirror measures, on the plan benchmark's world of 50,000 events
// mirrored from Google, what a user waits for: an idle cycle (one incremental
// sync that finds nothing, then planning), status, and plan --json. It
// reports the state database's size (db-bytes) beside it. bench/mirror.sh
// runs it next to BenchmarkPlan.
func BenchmarkMirror(b *testing.B) {
	dir := mirrorWorld(b, 50_000)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"cycle", []string{"run", "--once"}},
		{"status", []string{"status"}},
		{"plan", []string{"plan", "--json"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				mustRun(b, tc.args...)
			}
			b.ReportMetric(float64(dbSize(dir)), "db-bytes")
			b.ReportMetric(float64(mirrorSize(b, dir)), "mirror-bytes")
		})
	}
}

// mirrorSize is the size of the mirrored events as stored: the sum of their
// bodies (single events in the domain's form, series in the compact form;
// the API's JSON before them).
func mirrorSize(b *testing.B, dir string) int64 {
	db, err := state.Open(filepath.Join(dir, "sideways.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	bodies, err := db.GoogleEvents(context.Background(), "work")
	if err != nil {
		b.Fatal(err)
	}
	n := int64(0)
	for _, body := range bodies {
		n += int64(len(body))
	}
	return n
}

// dbSize is the state database's size on disk, its write-ahead log included.
func dbSize(dir string) int64 {
	size := int64(0)
	for _, f := range []string{"sideways.db", "sideways.db-wal"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err == nil {
			size += fi.Size()
		}
	}
	return size
}
