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
	"time"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/config"
	"github.com/sidewayscal/sideways/daemon/state"
	"github.com/sidewayscal/sideways/rules"
)

// Calendar is one configured calendar with the adapter that reads it.
type Calendar struct {
	Name   string
	Source calendar.Source
}

// Daemon runs cycles over a compiled configuration.
type Daemon struct {
	Engine    *rules.Engine
	Calendars []Calendar
	// Writer writes to the writable calendar; nil when there is none.
	Writer calendar.Writer
	// Store is the state database; nil for one-shot commands that keep none.
	Store *state.DB
	// Dismissals returns the suggestions the user deleted; nil means: read
	// them from Store, or none without a store.
	Dismissals func(ctx context.Context) ([]rules.Dismissal, error)
	// PeerBusy, when set (peer_freebusy), returns peers' busy time.
	PeerBusy PeerBusyFunc
	Now      func() time.Time
	Logger   *slog.Logger
}

// PeerBusyFunc returns the busy time of each peer it can see, by email, and a
// warning for each it cannot (who then keep only their working hours).
type PeerBusyFunc func(ctx context.Context, emails []string, from, to time.Time) (map[string][]calendar.Interval, []string, error)

// New returns a daemon with defaults filled in: the real clock and a logger
// that discards.
func New(eng *rules.Engine, cals []Calendar) *Daemon {
	return &Daemon{Engine: eng, Calendars: cals, Now: time.Now, Logger: slog.New(slog.DiscardHandler)}
}

// Window is the span of events a cycle reads around now: the look-back window
// behind, the horizon ahead plus a week, so caps can count whole weeks.
func Window(cfg *config.Config, now time.Time) (from, to time.Time) {
	return now.Add(-cfg.Lookback), now.Add(cfg.Horizon).AddDate(0, 0, 8)
}

// FeedError is a calendar that could not be read this cycle. The rest of the
// calendars are still used: a bad feed never stops the daemon.
type FeedError struct {
	Calendar string
	Err      error
}

func (e *FeedError) Error() string { return fmt.Sprintf("calendar %s: %v", e.Calendar, e.Err) }
func (e *FeedError) Unwrap() error { return e.Err }

// Gather reads every calendar and returns the input the rules decide from. A
// calendar that fails is left out and reported in the returned error (a join of
// *FeedError); the input is still usable.
func (d *Daemon) Gather(ctx context.Context) (*rules.Input, error) {
	cfg := d.Engine.Config()
	now := d.Now().In(cfg.Me.Location)
	from, to := Window(cfg, now)
	in := &rules.Input{Now: now}
	for _, c := range cfg.Calendars {
		if c.Writable {
			in.Writable = c.Name
		}
	}
	var errs []error
	for _, c := range d.Calendars {
		evs, err := c.Source.Events(ctx, from, to)
		if err != nil {
			if ctx.Err() != nil {
				return nil, stopped(ctx, "calendar "+c.Name+" did not answer")
			}
			d.Logger.Warn("calendar unreadable; using the others", "calendar", c.Name, "err", err)
			errs = append(errs, &FeedError{Calendar: c.Name, Err: err})
			continue
		}
		// A feed that could not be refreshed serves its last good copy (ics.Source);
		// the plan says so rather than planning on old data in silence.
		if s, ok := c.Source.(interface{ Stale() error }); ok {
			if err := s.Stale(); err != nil {
				in.Warnings = append(in.Warnings, fmt.Sprintf("calendar %s is stale: %v", c.Name, err))
			}
		}
		for i := range evs {
			evs[i].Calendar = c.Name
		}
		in.Events = append(in.Events, evs...)
	}
	if d.PeerBusy != nil && len(cfg.Peers) > 0 {
		emails := make([]string, len(cfg.Peers))
		for i, p := range cfg.Peers {
			emails[i] = p.Email
		}
		busy, warns, err := d.PeerBusy(ctx, emails, now, now.Add(cfg.Horizon))
		if err != nil {
			if ctx.Err() != nil {
				return nil, stopped(ctx, "peers' free/busy did not answer")
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
			return nil, fmt.Errorf("read dismissals: %w", err)
		}
		in.Dismissals = ds
	}
	return in, errors.Join(errs...)
}

// Plan gathers and plans without writing anything. Calendars that could not be
// read are named in the plan's warnings.
func (d *Daemon) Plan(ctx context.Context) (*rules.Plan, error) {
	in, gerr := d.Gather(ctx)
	if in == nil {
		return nil, gerr
	}
	p, err := d.Engine.Plan(in)
	if err != nil {
		return nil, err
	}
	for _, e := range unjoin(gerr) {
		p.Warnings = append(p.Warnings, warning(e))
	}
	return p, nil
}

// warning words a problem that did not stop planning.
func warning(err error) string {
	var fe *FeedError
	if errors.As(err, &fe) {
		return fmt.Sprintf("calendar %s could not be read (%v); planned without it", fe.Calendar, fe.Err)
	}
	return err.Error()
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
