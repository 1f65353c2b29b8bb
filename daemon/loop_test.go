package daemon

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sidewayscal/sideways/calendar"
)

// script is a Runner whose cycles fail or succeed as a test says, and which
// records when each ran (on the bubble's fake clock).
type script struct {
	mu    sync.Mutex
	poll  time.Duration
	errs  []error // the n-th cycle returns errs[n]; past the end, nil
	ran   []time.Time
	block chan struct{} // when set, cycles wait for ctx instead of returning
}

func (s *script) Poll() time.Duration { return s.poll }

func (s *script) Cycle(ctx context.Context) (*Result, error) {
	s.mu.Lock()
	n := len(s.ran)
	s.ran = append(s.ran, time.Now())
	block := s.block
	s.mu.Unlock()
	if block != nil {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	if n < len(s.errs) {
		return nil, s.errs[n]
	}
	return &Result{}, nil
}

func (s *script) gaps() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []time.Duration
	for i := 1; i < len(s.ran); i++ {
		out = append(out, s.ran[i].Sub(s.ran[i-1]))
	}
	return out
}

func (s *script) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.ran)
}

func half() float64 { return 0.5 }

func TestLoopPollsWithJitter(t *testing.T) {
	noLeaks(t)
	synctest.Test(t, func(t *testing.T) {
		s := &script{poll: 15 * time.Minute}
		ctx, cancel := context.WithCancel(t.Context())
		l := &Loop{Load: func(context.Context) (Runner, error) { return s, nil }}
		done := make(chan error)
		go func() { done <- l.Run(ctx) }()
		time.Sleep(2*time.Hour + time.Second)
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run = %v, want nil on a clean stop", err)
		}
		gaps := s.gaps()
		if len(gaps) < 7 {
			t.Fatalf("%d cycles in two hours, want about 8", len(gaps)+1)
		}
		for _, g := range gaps {
			if g < 13*time.Minute+30*time.Second || g > 16*time.Minute+30*time.Second {
				t.Errorf("gap %s outside 15m ±10%%", g)
			}
		}
	})
}

func TestLoopBacksOff(t *testing.T) {
	noLeaks(t)
	synctest.Test(t, func(t *testing.T) {
		fail := errors.New("boom")
		s := &script{poll: 15 * time.Minute, errs: []error{
			fail, fail, fail, fail, fail, fail, // 30s, 1m, 2m, 4m, 8m, then capped at 15m (halved to 3/4 by the jitter)
			&calendar.RetryError{After: time.Hour, Err: errors.New("429")},
			calendar.ErrAuth,
		}}
		ctx, cancel := context.WithCancel(t.Context())
		l := &Loop{Load: func(context.Context) (Runner, error) { return s, nil }, Rand: half}
		go l.Run(ctx)
		time.Sleep(4 * time.Hour)
		cancel()
		synctest.Wait()
		want := []time.Duration{
			22*time.Second + 500*time.Millisecond, 45 * time.Second, 90 * time.Second, 3 * time.Minute, 6 * time.Minute,
			11*time.Minute + 15*time.Second, // capped at poll
			time.Hour,                       // Retry-After wins
			11*time.Minute + 15*time.Second, // revoked sign-in: a poll, not a fast retry
			15 * time.Minute,                // success: back to the poll (jitter 0.5 → exactly poll)
		}
		got := s.gaps()
		for i, w := range want {
			if i >= len(got) || got[i] != w {
				t.Fatalf("gaps = %v, want %v first", got, want)
			}
		}
	})
}

func TestLoopReloadKeepsLastGood(t *testing.T) {
	noLeaks(t)
	synctest.Test(t, func(t *testing.T) {
		a := &script{poll: time.Hour}
		b := &script{poll: time.Hour}
		loads := 0
		reload := make(chan struct{}, 1)
		l := &Loop{
			Reload: reload,
			Load: func(context.Context) (Runner, error) {
				loads++
				switch loads {
				case 1:
					return a, nil
				case 2:
					return nil, errors.New("sideways.yaml:3:9: unknown mode \"proppose\"")
				}
				return b, nil
			},
			Rand: half,
		}
		ctx, cancel := context.WithCancel(t.Context())
		go l.Run(ctx)
		time.Sleep(time.Minute)
		reload <- struct{}{} // a bad config: keep a
		time.Sleep(2 * time.Hour)
		if a.count() != 3 || b.count() != 0 {
			t.Fatalf("after a bad reload: a ran %d, b %d; want 3 and 0", a.count(), b.count())
		}
		reload <- struct{}{} // a good one: b takes over at once
		synctest.Wait()
		if b.count() != 1 {
			t.Fatalf("after a good reload b ran %d cycles, want 1 at once", b.count())
		}
		cancel()
	})
}

func TestLoopStopsMidCycle(t *testing.T) {
	noLeaks(t)
	synctest.Test(t, func(t *testing.T) {
		s := &script{poll: time.Hour, block: make(chan struct{})}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- (&Loop{Load: func(context.Context) (Runner, error) { return s, nil }}).Run(ctx) }()
		synctest.Wait() // the first cycle is in flight
		start := time.Now()
		cancel()
		if err := <-done; err != nil || time.Since(start) > 0 {
			t.Errorf("Run = %v after %s; want nil at once", err, time.Since(start))
		}
	})
}

// noLeaks fails t if goroutines started during it are still running when it
// ends: runtime.NumGoroutine before and after, allowing a bounded time for
// goroutines already on their way out.
func noLeaks(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for {
			n := runtime.NumGoroutine()
			if n <= before {
				return
			}
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				t.Errorf("%d goroutines left running:\n%s", n-before, buf[:runtime.Stack(buf, true)])
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// TestLoopStopsARealDaemon: the loop over a real daemon, stopped (as by
// SIGTERM) while a calendar stalls mid-cycle, returns at once and leaves no
// goroutine behind.
func TestLoopStopsARealDaemon(t *testing.T) {
	noLeaks(t)
	w := newWorld(t, "propose")
	entered := make(chan struct{}, 1)
	w.d.Calendars[0].Source = signalling{stalled{w}, entered}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- (&Loop{Load: func(context.Context) (Runner, error) { return w.d, nil }}).Run(ctx)
	}()
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the first cycle never read the calendar")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil on a stop", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return within 10s of the stop")
	}
}

// signalling tells entered when a read starts.
type signalling struct {
	stalled
	entered chan struct{}
}

func (s signalling) Events(ctx context.Context, from, to time.Time) ([]calendar.Event, error) {
	select {
	case s.entered <- struct{}{}:
	default:
	}
	return s.stalled.Events(ctx, from, to)
}
