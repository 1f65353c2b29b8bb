package daemon

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/rules"
)

// Health says how complete the picture of one calendar is.
type Health string

// The three states of a calendar. Nothing is planned while any calendar is
// Unread: a plan from a picture that misses a calendar could put a 1:1 over a
// meeting it cannot see, or call a peer never met.
const (
	// Fresh: read within StaleAfter (a single failed refresh inside that bound
	// is tolerated, and reported in CalendarHealth.Err).
	Fresh Health = "fresh"
	// Stale: only a copy older than StaleAfter; used, with a warning.
	Stale Health = "stale"
	// Unread: no good copy at all.
	Unread Health = "unread"
)

// StaleAfter is how old a calendar's last good copy may grow before it is
// stale: three polls, and never less than an hour, so one or two failed
// refreshes in a row are not an alarm but a feed down for a while is.
func StaleAfter(poll time.Duration) time.Duration { return max(3*poll, time.Hour) }

// CalendarHealth is one calendar's health as one gather found it.
type CalendarHealth struct {
	Name   string
	Health Health
	// LastOK is when the copy in use was last read whole; zero when never.
	LastOK time.Time
	// Err is the latest failure to read the calendar; nil when the last read
	// worked.
	Err error
}

// UnreadError is a cycle or plan that acted on nothing because a calendar
// could not be read at all.
type UnreadError struct {
	Calendars []CalendarHealth // the unread ones, in config order
}

func (e *UnreadError) Error() string {
	parts := make([]string, len(e.Calendars))
	for i, c := range e.Calendars {
		parts[i] = fmt.Sprintf("calendar %s could not be read: %v", c.Name, c.Err)
	}
	return strings.Join(parts, "; ")
}

// Unwrap returns each calendar's error, so errors.Is(err, calendar.ErrAuth)
// and calendar.RetryAfter see through it.
func (e *UnreadError) Unwrap() []error {
	out := make([]error, 0, len(e.Calendars))
	for _, c := range e.Calendars {
		if c.Err != nil {
			out = append(out, c.Err)
		}
	}
	return out
}

// unread returns an *UnreadError for the unread calendars in hs, or nil.
func unread(hs []CalendarHealth) error {
	var bad []CalendarHealth
	for _, h := range hs {
		if h.Health == Unread {
			bad = append(bad, h)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return &UnreadError{Calendars: bad}
}

// health reads how fresh calendar c's copy is after Events succeeded at now.
// syncErr is the failure of this cycle's sync of c, if any.
func (d *Daemon) health(ctx context.Context, c NamedSource, now time.Time, bound time.Duration, syncErr error) (CalendarHealth, error) {
	h := CalendarHealth{Name: c.Name, Health: Fresh, LastOK: now}
	switch s := c.Source.(type) {
	case calendar.Freshness:
		lastOK, err := s.Freshness(ctx)
		h.LastOK, h.Err = lastOK, err
	case calendar.Syncer:
		// A Google calendar read from its mirror just after this cycle's sync:
		// as fresh as the last sync that worked.
		h.Err = syncErr
		if d.Store != nil {
			at, err := d.Store.GoogleSyncedAt(ctx, c.Name)
			if err != nil {
				return h, err
			}
			h.LastOK = at
			if at.IsZero() {
				h.Health = Unread
				if h.Err == nil {
					h.Err = errors.New("never synced")
				}
				return h, nil
			}
		} else if syncErr != nil {
			h.LastOK = time.Time{}
		}
	}
	if h.Err != nil && (h.LastOK.IsZero() || now.Sub(h.LastOK) > bound) {
		h.Health = Stale
	}
	if h.Err == nil && !h.LastOK.IsZero() && now.Sub(h.LastOK) > bound {
		// Read without error, but from a copy nobody refreshed for a while
		// (a Google mirror when the daemon is not running).
		h.Health = Stale
	}
	return h, nil
}

// HealthWarnings words the calendars' health as a plan's warnings do, unread
// calendars first; a calendar fresh and without error has none.
func HealthWarnings(hs []CalendarHealth, now time.Time, poll time.Duration) []string {
	first, rest := healthWarnings(hs, now, StaleAfter(poll))
	return append(first, rest...)
}

// healthWarnings words the calendars' health for a plan: first the unread
// calendars, which go above every other warning, then the rest.
func healthWarnings(hs []CalendarHealth, now time.Time, bound time.Duration) (first, rest []string) {
	for _, h := range hs {
		switch {
		case h.Health == Unread:
			first = append(first, fmt.Sprintf("calendar %s could not be read (%v): nothing is planned until it can be, and the peers' states are incomplete", h.Name, h.Err))
		case h.Health == Stale && h.LastOK.IsZero():
			rest = append(rest, fmt.Sprintf("calendar %s is stale: %v", h.Name, h.Err))
		case h.Health == Stale && h.Err != nil:
			rest = append(rest, fmt.Sprintf("calendar %s is stale: it could not be refreshed (%v); planned with its copy last read %s", h.Name, h.Err, lastRead(h.LastOK, now)))
		case h.Health == Stale:
			rest = append(rest, fmt.Sprintf("calendar %s is stale: last read %s; planned with that copy", h.Name, lastRead(h.LastOK, now)))
		case h.Err != nil:
			rest = append(rest, fmt.Sprintf("calendar %s could not be refreshed (%v); using its copy last read %s, stale after %s", h.Name, h.Err, lastRead(h.LastOK, now), Age(bound)))
		}
	}
	return first, rest
}

// lastRead says when a copy was read, in now's zone (the user's): "3 hours
// ago, at 09:14", or "2 days ago, on Fri Nov 20 at 09:14".
func lastRead(t, now time.Time) string {
	if now.Sub(t) < 24*time.Hour {
		return rules.When(t, now)
	}
	return Age(now.Sub(t)) + " ago, on " + rules.When(t, now)
}

// Age words a duration for people, rounded down to the minute: "40
// minutes", "3 hours", "2 days" (see calendar.HumanDuration).
func Age(d time.Duration) string {
	if d < time.Minute {
		return "less than a minute"
	}
	if d >= 48*time.Hour {
		d = d.Truncate(24 * time.Hour)
	} else if d >= 2*time.Hour {
		d = d.Truncate(time.Hour)
	}
	return calendar.HumanDuration(d.Truncate(time.Minute))
}
