package daemon

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"strings"
	"time"
)

// leasePoll is how often a cycle waiting for another one's lease asks again.
const leasePoll = 200 * time.Millisecond

// leaseMargin is how long a cycle's lease outlasts its time limit: the
// process of a cycle past its limit stops it, or is stopped.
const leaseMargin = 30 * time.Second

// lease waits until the cycle may run, with no other cycle on the same state
// folder running: two planners that read the calendars at different moments
// could each propose one peer, at different times. It holds the lease for
// limit (and a margin), and returns the function that gives it up. Waiting
// counts against the cycle's own limit; a lease whose holder died runs out.
func (d *Daemon) lease(ctx context.Context, limit time.Duration) (release func(), err error) {
	d.holderOnce.Do(func() {
		d.holder = fmt.Sprintf("sideways pid %d on %s#%s", os.Getpid(), hostname(), rand.Text()[:8])
	})
	waited := false
	for {
		other, err := d.Store.AcquireCycle(ctx, d.holder, limit+leaseMargin, holderGone)
		if err != nil {
			return nil, err
		}
		if other == "" {
			return func() {
				if err := d.Store.ReleaseCycle(context.WithoutCancel(ctx), d.holder); err != nil {
					d.Logger.Warn("cycle lease not released; it runs out by itself", "err", err)
				}
			}, nil
		}
		who, _, _ := strings.Cut(other, "#")
		if !waited {
			d.Logger.Info("waiting for another cycle on this state folder to finish", "holder", who)
			waited = true
		}
		select {
		case <-ctx.Done():
			return nil, stopped(ctx, "another cycle on this state folder ("+who+") did not finish")
		case <-time.After(leasePoll):
		}
	}
}

// holderGone reports whether the holder of a lease is a process of this
// machine that has ended: a sideways killed mid-cycle (and restarted by its
// service) need not wait for its lease to run out.
func holderGone(holder string) bool {
	var pid int
	var host string
	who, _, _ := strings.Cut(holder, "#")
	if n, err := fmt.Sscanf(who, "sideways pid %d on %s", &pid, &host); n != 2 || err != nil {
		return false
	}
	return host == hostname() && pid != os.Getpid() && !processAlive(pid)
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil || h == "" || strings.ContainsAny(h, " #") {
		return "this machine" // never matches a parsed host: no lease is taken over
	}
	return h
}
