package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/spf13/cobra"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/daemon"
)

func newRunCommand(g *globals) *cobra.Command {
	var once bool
	cmd := &cobra.Command{
		Use:   "run [--once]",
		Short: "Run a cycle: sync, assess, plan, act",
		Long: `Run syncs every calendar (Google incrementally, ICS with conditional GET),
assesses every peer, plans, and acts by mode: report writes nothing, propose
writes suggestions to your writable calendar, invite sends invites. It records
the result in the state database, where "sideways status" reads it.

A cycle may take half of poll, at most 5 minutes; every request to a
calendar, 30 seconds. A cycle that runs out of time fails, naming the
calendar that did not answer.

Without --once it runs in the foreground until stopped: a cycle every poll
(±10% jitter), backing off exponentially after a failure (honouring the
provider's Retry-After), reloading the config on SIGHUP or when the file
changes (a bad edit is logged and the last good config kept), and stopping
cleanly on SIGINT or SIGTERM within seconds, with exit status 0. --once runs
one cycle and exits 0 on success, 3 when a calendar could not be read (nothing
is done then), 130 when interrupted, 1 on any other failure. The daemon counts
a cycle with an unreadable calendar as failed and backs off, and keeps running.`,
		Example: "  sideways run\n  sideways run --once\n  sideways run --once --verbose",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !once {
				stopsCleanly(cmd.Context()) // a signal is how the loop is meant to end: exit 0
				return g.runDaemon(cmd.Context())
			}
			return g.runOnce(cmd.Context())
		},
	}
	cmd.Flags().BoolVar(&once, "once", false, "run one cycle and exit")
	return cmd
}

// runOnce runs one cycle and prints what it wrote.
func (g *globals) runOnce(ctx context.Context) error {
	d, db, err := g.open(ctx, online)
	if err != nil {
		return err
	}
	defer db.Close()
	cfg := d.Engine.Config()
	res, err := d.Cycle(ctx)
	if res != nil {
		for _, x := range res.Done {
			note := ""
			if x.Note != "" {
				note = " (" + x.Note + ")"
			}
			fmt.Fprintf(g.stdout, "%s\t%s\t%s\t%s%s\n", x.Action.Kind, x.Action.Assessment.Peer.Email,
				slotLine(x.Action.Slot, cfg.Me.Location), x.EventID, note)
		}
		writeFailed(g.stdout, cfg, res.Failed)
		for _, p := range res.Dismissed {
			fmt.Fprintf(g.stdout, "dismissed\t%s\tsnoozed for %s\n", p, calendar.HumanDuration(cfg.Snooze))
		}
		if res.Plan != nil {
			for _, w := range res.Plan.Warnings {
				fmt.Fprintf(g.stderr, "sideways: warning: %s\n", w)
			}
		}
	}
	if err != nil {
		var unread *daemon.UnreadError
		if errors.As(err, &unread) {
			return hinted(fmt.Errorf("cycle failed, nothing done: %w", err), "")
		}
		return hinted(fmt.Errorf("cycle failed: %w", err), authCalendar(cfg))
	}
	if res != nil && len(res.Done) == 0 && len(res.Failed) == 0 {
		fmt.Fprintf(g.stdout, "cycle ok: nothing to write (mode %s)\n", cfg.Mode)
	}
	if res != nil {
		writeUnwritten(g.stdout, cfg, res.Plan)
	}
	return nil
}

// runLoop is the daemon in the foreground: cycles until ctx ends, reloading on
// SIGHUP and on edits of the config file.
func (g *globals) runLoop(ctx context.Context) error {
	path, err := g.config()
	if err != nil {
		return err
	}
	g.structured = true
	log := g.logger()
	db, err := g.openState()
	if err != nil {
		return err
	}
	defer db.Close()
	reload := make(chan struct{}, 1)
	poke := func() {
		select {
		case reload <- struct{}{}:
		default: // one pending reload is enough
		}
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	stopWatch, err := watchFile(ctx, path, poke, log)
	if err != nil {
		log.Warn("not watching the config file; reload with SIGHUP", "err", err)
	} else {
		defer stopWatch()
	}
	reported := &planLog{log: log} // report mode: the plan, logged when it changes
	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				poke()
			}
		}
	})
	l := &daemon.Loop{
		Reload: reload,
		Logger: log,
		Load: func(ctx context.Context) (daemon.Runner, error) {
			eng, err := g.load()
			if err != nil {
				return nil, err
			}
			d, err := g.daemonFor(ctx, eng, db, online)
			if err != nil {
				return nil, err
			}
			d.Logger = log
			return reported.reporting(d), nil
		},
		Next: func(ctx context.Context, at time.Time) {
			if err := db.SetNextCycle(ctx, at); err != nil {
				log.Warn("could not record the next cycle", "err", err)
			}
		},
	}
	log.Info("sideways running", "config", path, "pid", os.Getpid())
	err = l.Run(ctx)
	log.Info("sideways stopped")
	return err
}

// watchFile calls changed whenever path is written, created or replaced
// (editors often write a new file and rename it over the old one), until ctx
// ends or the returned stop is called.
func watchFile(ctx context.Context, path string, changed func(), log *slog.Logger) (stop func(), err error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		w.Close()
		return nil, err
	}
	if err := w.Add(filepath.Dir(abs)); err != nil {
		w.Close()
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				if filepath.Clean(ev.Name) == abs && ev.Op&(fsnotify.Write|fsnotify.Create|fsnotify.Rename) != 0 {
					changed()
				}
			case err, ok := <-w.Errors:
				if !ok {
					return
				}
				log.Warn("watching the config file", "err", err)
			}
		}
	}()
	return func() { w.Close(); <-done }, nil
}
