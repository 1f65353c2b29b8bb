package main

import (
	"context"
	"fmt"
	"io"

	"github.com/sidewayscal/sideways/config"
	"github.com/sidewayscal/sideways/daemon"
	"github.com/sidewayscal/sideways/daemon/state"
)

// calendarNotes words what sideways learnt about the configured calendars
// and keeps (Google Meet unavailable), one line per calendar, for status.
func calendarNotes(ctx context.Context, db *state.DB, cfg *config.Config) ([]string, error) {
	var out []string
	for _, c := range cfg.Calendars {
		if c.Google == nil || !c.Writable {
			continue
		}
		_, ok, err := db.CalendarFlag(ctx, c.Name, state.FlagMeetUnavailable)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, fmt.Sprintf("calendar %s cannot create Google Meet links: invites are written without one, with a note asking for a video link", c.Name))
		}
	}
	return out, nil
}

// writeFailed prints the actions the calendar refused, one line each, as
// runOnce prints what it wrote.
func writeFailed(w io.Writer, cfg *config.Config, failed []daemon.Failed) {
	for _, f := range failed {
		fmt.Fprintf(w, "failed\t%s\t%s\t%s\t%s\n", f.Action.Assessment.Peer.Email, slotLine(f.Action.Slot, cfg.Me.Location), f.Action.Kind, f.Reason)
	}
}
