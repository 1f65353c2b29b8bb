package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/sidewayscal/sideways/config"
	"github.com/sidewayscal/sideways/daemon"
	"github.com/sidewayscal/sideways/rules"
)

// What a cycle found but did not write, because of report mode (the config's,
// or a peer's set by a rule). A cycle that writes nothing would otherwise say
// only "cycle ok", and the user of an ICS-only setup would never learn what
// sideways found.

// unwritten returns the plan's actions a cycle does not write.
func unwritten(cfg *config.Config, p *rules.Plan) []rules.Action {
	if p == nil {
		return nil
	}
	var out []rules.Action
	for _, a := range p.Actions {
		if !a.Writes(cfg) {
			out = append(out, a)
		}
	}
	return out
}

// writeUnwritten prints, after "run --once", the actions the cycle would take
// but did not write: one line each (kind, peer, time in the user's zone,
// reason), as plan prints them.
func writeUnwritten(w io.Writer, cfg *config.Config, p *rules.Plan) {
	acts := unwritten(cfg, p)
	if len(acts) == 0 {
		if p != nil && cfg.Mode == config.ModeReport {
			fmt.Fprintln(w, "Nothing to propose.")
		}
		return
	}
	fmt.Fprintln(w, "Would do (mode report writes nothing):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, a := range acts {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", a.Kind, a.Assessment.Peer.Name, slotLine(a.Slot, cfg.Me.Location), a.Reason)
	}
	tw.Flush()
}

// planLog logs, for the daemon, the actions a cycle did not write, once each
// time they change (a hash of kind, peer, slot and event id; the reason's day
// count alone changing is not news), rather than every cycle. It lives across
// config reloads.
type planLog struct {
	log  *slog.Logger
	mu   sync.Mutex
	seen bool
	last [sha256.Size]byte
}

// note logs the unwritten actions of a cycle's plan if they differ from the
// last cycle's. An empty list is logged only when it replaces a non-empty one,
// or on the first cycle in report mode.
func (l *planLog) note(cfg *config.Config, p *rules.Plan) {
	if p == nil {
		return
	}
	acts := unwritten(cfg, p)
	h := sha256.New()
	for _, a := range acts {
		fmt.Fprintf(h, "%s\x00%s\x00%d\x00%d\x00%s\x00", a.Kind, a.Assessment.Peer.Email, a.Slot.Start.Unix(), a.Slot.End.Unix(), a.EventID)
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	l.mu.Lock()
	defer l.mu.Unlock()
	first := !l.seen
	if !first && sum == l.last {
		return
	}
	l.seen, l.last = true, sum
	if len(acts) == 0 {
		if !first || cfg.Mode == config.ModeReport {
			l.log.Info("report: nothing to propose")
		}
		return
	}
	l.log.Info("report: the plan changed; not written", "actions", len(acts))
	for _, a := range acts {
		l.log.Info("report: would", "action", a.Kind, "peer", a.Assessment.Peer.Email,
			"start", a.Slot.Start.In(cfg.Me.Location).Format(time.RFC3339), "reason", a.Reason)
	}
}

// reporting wraps a daemon so that each cycle's unwritten actions go to l.
func (l *planLog) reporting(d *daemon.Daemon) daemon.Runner { return reportingRunner{d, l} }

type reportingRunner struct {
	*daemon.Daemon
	l *planLog
}

func (r reportingRunner) Cycle(ctx context.Context) (*daemon.Result, error) {
	res, err := r.Daemon.Cycle(ctx)
	if res != nil && err == nil {
		r.l.note(r.Engine.Config(), res.Plan)
	}
	return res, err
}
