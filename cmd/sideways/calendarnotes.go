package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/sidewayscal/sideways/calendar"
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

// accessHint says which access to grant when err is a missing one; "" otherwise.
func accessHint(err error) string {
	var pe *calendar.PermissionError
	if !errors.As(err, &pe) {
		return ""
	}
	return fmt.Sprintf(`run "sideways auth google" again and, on Google's consent screen, tick the access to %s (%s)`, pe.Access, consentText[pe.Access])
}

// consentText is how Google words each access sideways asks for: the scopes'
// descriptions in the Calendar API's discovery document (auth.oauth2.scopes,
// google.golang.org/api v0.311.0), which the consent screen shows.
var consentText = map[string]string{
	calendar.AccessEvents:   `"View and edit events on all your calendars", or in report mode "View events on all your calendars"`,
	calendar.AccessFreeBusy: `"View your availability in your calendars"`,
}
