// Package daemon orchestrates sideways: it gathers what the calendars say,
// asks package rules what to do, and (in propose and invite modes) does it.
// Adapters arrive as calendar.Source and calendar.Writer; the daemon never sees
// a provider's own types.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/daemon/state"
	"github.com/sidewayscal/sideways/rules"
)

// NamedSource is one configured calendar with the adapter that reads it.
type NamedSource struct {
	Name   string
	Source calendar.Source
}

// read returns c's occurrences in [from, to), each marked with c's name.
func (c NamedSource) read(ctx context.Context, from, to time.Time) ([]calendar.Event, error) {
	evs, err := c.Source.Events(ctx, from, to)
	for i := range evs {
		evs[i].Calendar = c.Name
	}
	return evs, err
}

// Read returns what the calendars named (every calendar when none is) hold in
// [from, to): each occurrence marked with its calendar's name, all sorted as
// calendar.Source promises. It is what a cycle reads, without the rules: the
// events command shows it. Unlike a cycle, it fails on the first calendar that
// cannot be read, naming it; a name that is no calendar is an error too.
func (d *Daemon) Read(ctx context.Context, from, to time.Time, names ...string) ([]calendar.Event, error) {
	for _, n := range names {
		if !slices.ContainsFunc(d.Calendars, func(c NamedSource) bool { return c.Name == n }) {
			return nil, fmt.Errorf("no calendar named %q in the config", n)
		}
	}
	var all []calendar.Event
	for _, c := range d.Calendars {
		if len(names) > 0 && !slices.Contains(names, c.Name) {
			continue
		}
		evs, err := c.read(ctx, from, to)
		if err != nil {
			return nil, fmt.Errorf("calendar %s: %w", c.Name, err)
		}
		all = append(all, evs...)
	}
	calendar.Sort(all)
	return all, nil
}

// Daemon runs cycles over a compiled configuration.
type Daemon struct {
	Engine    *rules.Engine
	Calendars []NamedSource
	// Writer writes to the writable calendar; nil when there is none. A
	// daemon with a Writer must have a Store: every write is recorded there
	// before and after it is made (a write without one fails with ErrNoStore).
	Writer calendar.Writer
	// Store is the state database; nil only for a daemon that writes nothing
	// and keeps nothing (plans from ICS files in tests, the demo).
	Store *state.DB
	// Dismissals returns the suggestions the user deleted; nil means: read
	// them from Store, or none without a store.
	Dismissals func(ctx context.Context) ([]rules.Dismissal, error)
	// PeerBusy, when set (peer_freebusy), returns peers' busy time.
	PeerBusy PeerBusyFunc
	Now      func() time.Time
	Logger   *slog.Logger

	// holder names this daemon in the state folder's cycle lease (lease.go).
	holderOnce sync.Once
	holder     string
}

// PeerBusyFunc returns the busy time of each peer it can see, by email, and a
// warning for each it cannot (who then keep only their working hours).
type PeerBusyFunc func(ctx context.Context, emails []string, from, to time.Time) (map[string][]calendar.Interval, []string, error)

// New returns a daemon with defaults filled in: the real clock and a logger
// that discards.
func New(eng *rules.Engine, cals []NamedSource) *Daemon {
	return &Daemon{Engine: eng, Calendars: cals, Now: time.Now, Logger: slog.New(slog.DiscardHandler)}
}

// Gather reads every calendar and returns the input the rules decide from and
// each calendar's health, in config order. A calendar that cannot be read is
// left out of the input and Unread in the health; the caller must not act on
// the input then (see Plan). The error reports other problems that did not
// stop the gather (peers' free/busy); with a nil input it is fatal.
func (d *Daemon) Gather(ctx context.Context) (*rules.Input, []CalendarHealth, error) {
	return d.gather(ctx, nil)
}

// gather is Gather after a sync that failed for the calendars in syncErrs.
func (d *Daemon) gather(ctx context.Context, syncErrs map[string]error) (*rules.Input, []CalendarHealth, error) {
	cfg := d.Engine.Config()
	now := d.Now().In(cfg.Me.Location)
	from, to := rules.ReadWindow(cfg, now)
	bound := StaleAfter(cfg.Poll)
	in := &rules.Input{Now: now}
	for _, c := range cfg.Calendars {
		if c.Writable {
			in.Writable = c.Name
		}
	}
	var errs []error
	health := make([]CalendarHealth, 0, len(d.Calendars))
	for _, c := range d.Calendars {
		evs, err := c.read(ctx, from, to)
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, stopped(ctx, "calendar "+c.Name+" did not answer")
			}
			d.Logger.Debug("calendar unreadable; nothing will be planned", "calendar", c.Name, "err", err)
			health = append(health, CalendarHealth{Name: c.Name, Health: Unread, Err: err})
			continue
		}
		h, err := d.health(ctx, c, now, bound, syncErrs[c.Name])
		if err != nil {
			return nil, nil, err
		}
		health = append(health, h)
		if h.Health == Unread {
			continue
		}
		if in.Events == nil {
			in.Events = evs // the usual single calendar: no copy of tens of thousands of events
		} else {
			in.Events = append(in.Events, evs...)
		}
	}
	if d.PeerBusy != nil && len(cfg.Peers) > 0 {
		emails := make([]string, len(cfg.Peers))
		for i, p := range cfg.Peers {
			emails[i] = p.Email
		}
		busy, warns, err := d.PeerBusy(ctx, emails, now, now.Add(cfg.Horizon))
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, stopped(ctx, "peers' free/busy did not answer")
			}
			errs = append(errs, fmt.Errorf("peers' free/busy: %w; planning with working hours only", err))
		}
		in.PeerBusy = busy
		in.Warnings = append(in.Warnings, warns...)
	}
	dismissals := d.Dismissals
	if dismissals == nil && d.Store != nil {
		dismissals = d.dismissals
	}
	if dismissals != nil {
		ds, err := dismissals(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("read dismissals: %w", err)
		}
		in.Dismissals = ds
	}
	return in, health, errors.Join(errs...)
}

// Plan gathers and plans without writing anything. See PlanHealth.
func (d *Daemon) Plan(ctx context.Context) (*rules.Plan, error) {
	p, _, err := d.PlanHealth(ctx)
	return p, err
}

// PlanHealth gathers and plans without writing anything, and returns each
// calendar's health. With any calendar unread the plan has no actions (the
// peers are still assessed, from what could be read, and the first warning
// says their states are incomplete) and the error is an *UnreadError beside
// the plan. Other problems that did not stop planning are in its warnings.
func (d *Daemon) PlanHealth(ctx context.Context) (*rules.Plan, []CalendarHealth, error) {
	_, p, health, err := d.PlanInput(ctx)
	return p, health, err
}

// PlanInput is PlanHealth that also returns the input the plan was made from,
// for views that draw more than the plan (the report page). The input is nil
// only when nothing could be gathered.
func (d *Daemon) PlanInput(ctx context.Context) (*rules.Input, *rules.Plan, []CalendarHealth, error) {
	in, health, gerr := d.Gather(ctx)
	if in == nil {
		return nil, nil, nil, gerr
	}
	p, err := d.plan(ctx, in, health)
	if err != nil {
		return in, nil, health, err
	}
	for _, e := range unjoin(gerr) {
		p.Warnings = append(p.Warnings, e.Error())
	}
	return in, p, health, unread(health)
}

// plan plans from in, with no action when a calendar is unread, and words
// the calendars' health as warnings.
func (d *Daemon) plan(ctx context.Context, in *rules.Input, health []CalendarHealth) (*rules.Plan, error) {
	p, err := d.Engine.PlanContext(ctx, in)
	if err != nil {
		return nil, err
	}
	if unread(health) != nil {
		p.Actions, p.HeldBack = nil, nil
	}
	first, rest := healthWarnings(health, in.Now, StaleAfter(d.Engine.Config().Poll))
	p.Warnings = append(append(first, p.Warnings...), rest...)
	return p, nil
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	if err != nil {
		return []error{err}
	}
	return nil
}
