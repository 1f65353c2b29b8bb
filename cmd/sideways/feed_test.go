package main

import (
	"bytes"
	"context"
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
		if code := run(context.Background(), []string{"status"}, &out, &errb); code != 0 {
			t.Fatalf("status: exit %d: %s", code, errb.String())
		}
		return out.String()
	}
	if out := status(); !strings.Contains(out, "Nov 9 (14d)") {
		t.Fatalf("first status does not show the 1:1 from the feed:\n%s", out)
	}
	broken.Store(true)
	out := status()
	if !strings.Contains(out, "Nov 9 (14d)") {
		t.Errorf("with the feed down, status lost its last good copy:\n%s", out)
	}
	if !strings.Contains(out, "! calendar offsites could not be refreshed (fetch feed offsites (http://127.0.0.1:") ||
		!strings.Contains(out, "502 Bad Gateway); using its copy from less than a minute ago, stale after 1 hour") {
		t.Errorf("status does not say the feed could not be refreshed:\n%s", out)
	}
	t.Setenv("SIDEWAYS_NOW", "2026-11-23T11:00:00-05:00")
	out = status()
	if !strings.Contains(out, "! calendar offsites is stale: last read 2 hours ago (fetch feed offsites") {
		t.Errorf("two hours on, status does not say the feed is stale:\n%s", out)
	}
	if !strings.Contains(out, "Nov 9 (14d)") {
		t.Errorf("a stale feed is still planned with, but status lost it:\n%s", out)
	}
}
