package daemon

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/sidewayscal/sideways/calendar"
)

// Runner is what the loop drives: one cycle at a time, and how often.
// *Daemon is one; its cycles end by themselves within CycleLimit(Poll()).
type Runner interface {
	Cycle(ctx context.Context) (*Result, error)
	Poll() time.Duration
}

// Poll returns the configured time between cycles.
func (d *Daemon) Poll() time.Duration { return d.Engine.Config().Poll }

// Loop runs cycles until its context ends: one every poll, ±10% jitter; after a
// failure, exponential backoff with jitter, capped at poll but never shorter
// than a Retry-After the provider asked for. A reload builds a complete new
// Runner first and swaps only when that worked, so a bad config never
// half-applies and the loop keeps running on the last good one.
type Loop struct {
	// Load builds a Runner from the current config. It is called once at the
	// start (an error then ends Run) and again on every reload.
	Load func(ctx context.Context) (Runner, error)
	// Reload asks for a reload (SIGHUP, an edit of the config file).
	Reload <-chan struct{}
	// Next, when set, is told when the next cycle is due.
	Next   func(ctx context.Context, at time.Time)
	Logger *slog.Logger
	// Rand returns a number in [0, 1) for jitter; nil means math/rand/v2.
	Rand func() float64
}

// Backoff bounds: the first retry after a failure waits about FirstRetry,
// doubling after each further failure up to the poll interval.
const FirstRetry = 30 * time.Second

// Run blocks until ctx ends and returns nil on a clean stop. A cycle in flight
// when ctx ends is cancelled through its context, and Run returns as soon as
// it does; the daemon checks the context before every write and records each
// write in one transaction, so a stop never leaves a half-written action. (A
// computation that ignores its context is the process's to cut short: see
// cmd/sideways, which exits a few seconds after a signal whatever runs.)
func (l *Loop) Run(ctx context.Context) error {
	log := l.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	rnd := l.Rand
	if rnd == nil {
		rnd = rand.Float64
	}
	r, err := l.Load(ctx)
	if err != nil {
		return err
	}
	failures := 0
	timer := time.NewTimer(0) // the first cycle starts at once
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-l.Reload:
			nr, err := l.Load(ctx)
			if err != nil {
				log.Error("config reload failed; keeping the last good config", "err", err)
				continue
			}
			r = nr
			log.Info("config reloaded")
			timer.Reset(0)
			continue
		case <-timer.C:
		}
		start := time.Now()
		_, err := r.Cycle(ctx)
		if ctx.Err() != nil {
			return nil
		}
		var wait time.Duration
		if err == nil {
			failures = 0
			wait = jitter(r.Poll(), 0.1, rnd)
			log.Info("cycle ok", "took", time.Since(start).Round(time.Millisecond), "next_in", wait.Round(time.Second))
		} else {
			failures++
			wait = backoff(failures, r.Poll(), err, rnd)
			log.Warn("cycle failed; backing off", "err", err, "failures", failures, "next_in", wait.Round(time.Second))
		}
		if l.Next != nil {
			l.Next(ctx, time.Now().Add(wait))
		}
		timer.Reset(wait)
	}
}

// jitter spreads d by ±frac.
func jitter(d time.Duration, frac float64, rnd func() float64) time.Duration {
	return time.Duration(float64(d) * (1 - frac + 2*frac*rnd()))
}

// backoff is the wait after the n-th failure in a row: FirstRetry·2^(n-1), capped
// at poll, with "equal jitter" (between half and all of it), and at least the
// provider's Retry-After. A revoked sign-in waits a whole poll: retrying sooner
// cannot help until the user signs in again.
func backoff(n int, poll time.Duration, err error, rnd func() float64) time.Duration {
	d := poll
	if !errors.Is(err, calendar.ErrAuth) && n < 31 {
		d = min(FirstRetry<<(n-1), poll)
	}
	d = d/2 + time.Duration(rnd()*float64(d/2))
	if after, ok := calendar.RetryAfter(err); ok && after > d {
		d = after
	}
	return d
}
