package daemon

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestCyclesTakeTurns: a cycle on a state folder where another process's
// cycle holds the lease writes nothing until that one finishes, then runs.
func TestCyclesTakeTurns(t *testing.T) {
	w := newWorld(t, "propose")
	if other, err := w.db.AcquireCycle(t.Context(), "sideways pid 1 on elsewhere#x", time.Minute, nil); err != nil || other != "" {
		t.Fatalf("AcquireCycle = %q, %v", other, err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := w.d.Cycle(context.Background())
		done <- err
	}()
	// Several polls of the lease go by while it waits.
	select {
	case err := <-done:
		t.Fatalf("the cycle ran while another held the lease: %v", err)
	case <-time.After(5 * leasePoll):
	}
	if n := len(w.cal.All()); n != 1 {
		t.Fatalf("%d events on the calendar while waiting, want only Dana's old 1:1", n)
	}
	if err := w.db.ReleaseCycle(t.Context(), "sideways pid 1 on elsewhere#x"); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(w.tagged("dana@acme.test")) != 1 || len(w.tagged("bo@acme.test")) != 1 {
		t.Errorf("after the other cycle finished: %v", w.cal.All())
	}
	// The lease is given back: the next cycle does not wait.
	if other, err := w.db.AcquireCycle(t.Context(), "probe", time.Minute, nil); err != nil || other != "" {
		t.Errorf("after the cycle, AcquireCycle = %q, %v; want the lease free", other, err)
	}
}

// TestCycleWaitsWithinItsLimit: a cycle that cannot get the lease within its
// own time limit fails, naming the other cycle, and writes nothing.
func TestCycleWaitsWithinItsLimit(t *testing.T) {
	w := newWorld(t, "propose")
	w.d.Engine.Config().Poll = time.Second // a limit of half a second
	if _, err := w.db.AcquireCycle(t.Context(), "sideways pid 1 on elsewhere#x", time.Hour, nil); err != nil {
		t.Fatal(err)
	}
	_, err := w.d.Cycle(context.Background())
	var le *LimitError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "another cycle on this state folder (sideways pid 1 on elsewhere) did not finish") {
		t.Errorf("got %v, want a LimitError naming the other cycle", err)
	}
	if n := len(w.cal.All()); n != 1 {
		t.Errorf("%d events on the calendar, want only Dana's old 1:1", n)
	}
	if c, err := w.db.LastCycle(t.Context()); err != nil || c == nil || c.OK {
		t.Errorf("last cycle %+v, %v; want a failed one recorded", c, err)
	}
}

// TestLeaseOfAnEndedProcess: a lease held by a sideways of this machine whose
// process has ended (killed mid-cycle) is taken over at once, not waited for.
func TestLeaseOfAnEndedProcess(t *testing.T) {
	if _, err := exec.LookPath("true"); err != nil {
		t.Skip("no true(1) to start and end a process")
	}
	w := newWorld(t, "propose")
	w.d.Engine.Config().Poll = time.Second // waiting would fail the cycle
	ended := exec.Command("true")
	if err := ended.Run(); err != nil {
		t.Fatal(err)
	}
	holder := fmt.Sprintf("sideways pid %d on %s#x", ended.Process.Pid, hostname())
	if _, err := w.db.AcquireCycle(t.Context(), holder, time.Hour, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.d.Cycle(context.Background()); err != nil {
		t.Fatalf("cycle after the holder ended: %v", err)
	}
	// A live holder (this very process, another daemon in it) is waited for.
	if _, err := w.db.AcquireCycle(t.Context(), fmt.Sprintf("sideways pid %d on %s#y", os.Getpid(), hostname()), time.Hour, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.d.Cycle(context.Background()); err == nil {
		t.Error("a cycle ran while a live process held the lease")
	}
}
