package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sidewayscal/sideways/calendar/google/googletest"
)

// TestStalledGoogleFailsTheCycleAtItsLimit: with poll 4s a cycle may take 2
// seconds; a Google server that never answers fails run --once then, with a
// message naming the calendar and the limit, and status shows it.
func TestStalledGoogleFailsTheCycleAtItsLimit(t *testing.T) {
	w := newGWorld(t, "propose")
	cfg := filepath.Join(w.dir, "sideways.yaml")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, append(b, "poll: 4s\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	w.srv.FailNext(googletest.RouteList, 1000, googletest.Fault{Stall: true})
	start := time.Now()
	out := w.sideways(false, "run", "--once")
	took := time.Since(start)
	const want = "sideways: error: cycle failed: calendar work did not answer within 2 seconds, the time a cycle may take (half of poll, at most 5 minutes)"
	if !strings.Contains(out, want) {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
	if took < 2*time.Second || took > 10*time.Second {
		t.Errorf("run --once took %s; want its 2-second limit (and a little)", took)
	}
	if st := w.sideways(true, "status"); !strings.Contains(st, "failed: calendar work did not answer within 2 seconds") {
		t.Errorf("status does not show the failure:\n%s", st)
	}
}
