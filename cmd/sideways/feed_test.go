package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestStaleFeedAcrossProcesses: a feed that worked and then fails keeps
// serving its last good copy from the state database in a later command;
// status says the refresh failed, and once the copy is older than the bound
// (an hour with the default poll), that the calendar is stale.
func TestStaleFeedAcrossProcesses(t *testing.T) {
	const feed = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n" +
		"BEGIN:VEVENT\r\nUID:d1\r\nDTSTART:20261109T150000Z\r\nDTEND:20261109T153000Z\r\nSUMMARY:Coffee with Dana Whitfield\r\nEND:VEVENT\r\n" +
		"END:VCALENDAR\r\n"
	var broken atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if broken.Load() {
			http.Error(w, "<html>maintenance</html>", http.StatusBadGateway)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		fmt.Fprint(w, feed)
	}))
	defer srv.Close()
	dir := t.TempDir()
	cfg := fmt.Sprintf(`me:
  name: Alex Rivera
  emails: [alex@acme.test]
  department: Engineering
  timezone: America/New_York
calendars:
  - name: offsites
    ics: %s/offsites.ics
mode: report
peers:
  - name: Dana Whitfield
    email: dana@acme.test
    department: Finance
rules:
  - name: monthly
    cadence: monthly
`, srv.URL)
	if err := os.WriteFile(filepath.Join(dir, "sideways.yaml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SIDEWAYS_CONFIG", filepath.Join(dir, "sideways.yaml"))
	t.Setenv("SIDEWAYS_STATE_DIR", filepath.Join(dir, "state"))
	t.Setenv("SIDEWAYS_NOW", "2026-11-23T09:00:00-05:00")
	status := func() string {
		var out, errb bytes.Buffer
		if code := execute(context.Background(), []string{"status"}, &out, &errb); code != 0 {
			t.Fatalf("status: exit %d: %s", code, errb.String())
		}
		return out.String()
	}
	if out := status(); !strings.Contains(out, "Nov 9 (14 days ago)") {
		t.Fatalf("first status does not show the 1:1 from the feed:\n%s", out)
	}
	var out, errb bytes.Buffer
	if code := execute(context.Background(), []string{"run", "--once"}, &out, &errb); code != 0 {
		t.Fatalf("run --once: exit %d: %s", code, errb.String())
	}
	broken.Store(true)
	out.Reset()
	out.WriteString(status())
	if !strings.Contains(out.String(), "Nov 9 (14 days ago)") {
		t.Errorf("with the feed down, status lost its last good copy:\n%s", out.String())
	}
	if s := out.String(); !strings.Contains(s, "! calendar offsites could not be refreshed (fetch feed offsites (http://127.0.0.1:") ||
		!strings.Contains(s, "502 Bad Gateway); using its copy last read just now, at 09:00, stale after 1 hour") ||
		!strings.Contains(s, "last cycle: Mon Nov 23 09:00, ok\n") {
		t.Errorf("status does not say the feed could not be refreshed:\n%s", s)
	}
	t.Setenv("SIDEWAYS_NOW", "2026-11-23T11:00:00-05:00")
	s := status()
	if !strings.Contains(s, "! calendar offsites is stale: it could not be refreshed (fetch feed offsites") ||
		!strings.Contains(s, "502 Bad Gateway); planned with its copy last read 2 hours ago, at 09:00\n") || strings.Contains(s, ":00Z") {
		t.Errorf("two hours on, status does not say the feed is stale:\n%s", s)
	}
	if !strings.Contains(s, "last cycle: Mon Nov 23 09:00, ok, 1 calendar stale\n") {
		t.Errorf("status says a bare ok with a stale calendar:\n%s", s)
	}
	if !strings.Contains(s, "Nov 9 (14 days ago)") {
		t.Errorf("a stale feed is still planned with, but status lost it:\n%s", s)
	}
	out.Reset()
	if code := execute(context.Background(), []string{"status", "--json"}, &out, &errb); code != 0 {
		t.Fatalf("status --json: exit %d: %s", code, errb.String())
	}
	var js struct {
		Calendars []struct {
			Name, Health string
			LastOK       *string `json:"last_ok"`
			Error        *string
		}
	}
	if err := json.Unmarshal(out.Bytes(), &js); err != nil {
		t.Fatal(err)
	}
	if c := js.Calendars; len(c) != 1 || c[0].Name != "offsites" || c[0].Health != "stale" || c[0].LastOK == nil ||
		*c[0].LastOK != "2026-11-23T09:00:00-05:00" || c[0].Error == nil || !strings.Contains(*c[0].Error, "502 Bad Gateway") {
		t.Errorf("calendars = %+v, want offsites stale since 09:00 with the 502", c)
	}
}
