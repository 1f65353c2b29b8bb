package install

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"testing/synctest"
	"time"
)

func newProgram(run func(context.Context) error) *program {
	return &program{run: run, log: slog.New(slog.DiscardHandler), timeout: StopTimeout}
}

func TestProgramStartReturnsAtOnceStopCancels(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		started := make(chan struct{})
		p := newProgram(func(ctx context.Context) error {
			close(started)
			<-ctx.Done()
			return ctx.Err()
		})
		if err := p.Start(nil); err != nil {
			t.Fatal(err)
		}
		<-started
		if err := p.Start(nil); err == nil {
			t.Error("a second Start succeeded")
		}
		if err := p.Stop(nil); err != nil {
			t.Errorf("Stop() = %v, want nil after a clean stop", err)
		}
	})
}

func TestProgramStopReturnsRunError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		boom := errors.New("state database is locked")
		p := newProgram(func(ctx context.Context) error {
			<-ctx.Done()
			return boom
		})
		if err := p.Start(nil); err != nil {
			t.Fatal(err)
		}
		if err := p.Stop(nil); !errors.Is(err, boom) {
			t.Errorf("Stop() = %v, want %v", err, boom)
		}
	})
}

func TestProgramStopGivesUpAfterTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		p := newProgram(func(context.Context) error {
			<-release // ignores ctx
			return nil
		})
		if err := p.Start(nil); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		err := p.Stop(nil)
		if err == nil {
			t.Error("Stop() = nil although run ignored its context")
		}
		if d := time.Since(start); d != StopTimeout {
			t.Errorf("Stop waited %s, want %s", d, StopTimeout)
		}
		close(release)
	})
}

func TestProgramStopBeforeStart(t *testing.T) {
	p := newProgram(func(context.Context) error { return nil })
	if err := p.Stop(nil); err != nil {
		t.Errorf("Stop() before Start = %v", err)
	}
}

func TestProgramWaitEndsWhenRunEnds(t *testing.T) {
	// Not in a synctest bubble: wait installs a signal handler.
	boom := errors.New("no config")
	exited := make(chan error, 1)
	p := newProgram(func(context.Context) error { return boom })
	p.onExit = func(err error) { exited <- err }
	if err := p.Start(nil); err != nil {
		t.Fatal(err)
	}
	p.wait() // returns because run returned, not because of a signal
	if err := p.Stop(nil); !errors.Is(err, boom) {
		t.Errorf("Stop() = %v, want %v", err, boom)
	}
	if err := <-exited; !errors.Is(err, boom) {
		t.Errorf("onExit got %v, want %v", err, boom)
	}
}

func TestProgramNoExitHookAfterStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		called := false
		p := newProgram(func(ctx context.Context) error { <-ctx.Done(); return nil })
		p.onExit = func(error) { called = true }
		if err := p.Start(nil); err != nil {
			t.Fatal(err)
		}
		if err := p.Stop(nil); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if called {
			t.Error("onExit was called after Stop")
		}
	})
}
