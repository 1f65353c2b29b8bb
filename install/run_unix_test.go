//go:build unix

package install

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"
)

// TestRunReturnsRunError runs the service wrapper the way "sideways run" does
// under a service manager: a daemon that fails at once ends Run with its
// error (no signal needed), so the process exits non-zero and is restarted.
func TestRunReturnsRunError(t *testing.T) {
	boom := errors.New("no config at /x")
	s, err := New(testOptions(), func(context.Context) error { return boom })
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run() }()
	select {
	case err := <-done:
		if !errors.Is(err, boom) {
			t.Errorf("Run() = %v, want %v", err, boom)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after run failed")
	}
}

// TestRunStopsOnSIGTERM checks that Run waits for SIGTERM itself and then
// stops the daemon through its context.
func TestRunStopsOnSIGTERM(t *testing.T) {
	// Catch SIGTERM here too, so a signal sent before Run listens cannot
	// kill the test binary.
	guard := make(chan os.Signal, 1)
	signal.Notify(guard, syscall.SIGTERM)
	defer signal.Stop(guard)

	stopped := make(chan struct{})
	s, err := New(testOptions(), func(ctx context.Context) error {
		<-ctx.Done()
		close(stopped)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run() }()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run() = %v, want nil", err)
			}
			select {
			case <-stopped:
			default:
				t.Error("run's context was not cancelled")
			}
			return
		case <-tick.C:
			if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
		case <-deadline:
			t.Fatal("Run did not return after SIGTERM")
		}
	}
}
