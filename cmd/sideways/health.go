package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/sidewayscal/sideways/daemon"
)

// calendarJSON is one entry of the "calendars" array of plan --json and
// status --json: each calendar's health.
type calendarJSON struct {
	Name   string        `json:"name"`
	Health daemon.Health `json:"health"`
	LastOK *string       `json:"last_ok"`
	Error  *string       `json:"error"`
}

func calendarsJSON(hs []daemon.CalendarHealth, loc *time.Location) []calendarJSON {
	out := make([]calendarJSON, 0, len(hs))
	for _, h := range hs {
		c := calendarJSON{Name: h.Name, Health: h.Health, LastOK: optTime(h.LastOK, loc)}
		if h.Err != nil {
			s := h.Err.Error()
			c.Error = &s
		}
		out = append(out, c)
	}
	return out
}

// unhealthy counts the calendars that are not fresh, in words: "1 calendar
// stale", "1 calendar unread, 2 calendars stale"; "" when all are fresh.
func unhealthy(hs []daemon.CalendarHealth) string {
	var unread, stale int
	for _, h := range hs {
		switch h.Health {
		case daemon.Unread:
			unread++
		case daemon.Stale:
			stale++
		}
	}
	s := ""
	if unread > 0 {
		s = plural(unread, "calendar") + " unread"
	}
	if stale > 0 {
		if s != "" {
			s += ", "
		}
		s += plural(stale, "calendar") + " stale"
	}
	return s
}

// splitCalendarProblems separates, among a plan's warnings, those about the
// calendars' health (status shows them first) from the rest.
func splitCalendarProblems(hs []daemon.CalendarHealth, now time.Time, poll time.Duration, warnings []string) (problems, rest []string) {
	problems = daemon.HealthWarnings(hs, now, poll)
	for _, w := range warnings {
		if !slices.Contains(problems, w) {
			rest = append(rest, w)
		}
	}
	// What to do about a calendar's failure, where there is something to do
	// (sign in again, sync a mirror): after the problems themselves.
	for _, h := range hs {
		if h.Err == nil {
			continue
		}
		if hint := nextStep(h.Err, h.Name); hint != "" {
			problems = append(problems, fmt.Sprintf("calendar %s: %s", h.Name, hint))
		}
	}
	return problems, rest
}
