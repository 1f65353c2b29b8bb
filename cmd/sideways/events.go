package main

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/ics"
	"github.com/sidewayscal/sideways/config"
	"github.com/sidewayscal/sideways/daemon"
	"github.com/sidewayscal/sideways/rules"
)

type attendeeJSON struct {
	Email    string `json:"email"`
	Name     string `json:"name,omitempty"`
	PartStat string `json:"partstat"`
	Resource bool   `json:"resource,omitempty"`
	// Implied marks an attendee the feed does not list (an organizer left out
	// of the attendees), added for 1:1 detection.
	Implied bool `json:"implied,omitempty"`
}

type eventJSON struct {
	Calendar     string         `json:"calendar"`
	UID          string         `json:"uid"`
	RecurrenceID *string        `json:"recurrence_id"`
	Start        string         `json:"start"`
	End          string         `json:"end"`
	AllDay       bool           `json:"all_day"`
	Floating     bool           `json:"floating"`
	Status       string         `json:"status"`
	Summary      string         `json:"summary"`
	Transparent  bool           `json:"transparent"`
	Organizer    string         `json:"organizer"`
	Attendees    []attendeeJSON `json:"attendees"`
	// Peer is the roster peer (primary address) the event is a 1:1 with;
	// null when none, with NotOneOnOne saying why. Missed says why a 1:1
	// did not take place ("cancelled", "declined by you"). Without a config
	// (--ics alone) none of the three is known and all are left out.
	Peer        *string `json:"peer,omitempty"`
	NotOneOnOne string  `json:"not_one_on_one,omitempty"`
	Missed      string  `json:"missed,omitempty"`
}

// withMatch adds what the roster makes of the event (rules.MatchEvent).
func withMatch(out *eventJSON, m rules.EventMatch) {
	if len(m.Peers) == 0 {
		out.NotOneOnOne = m.NotOneOnOne
		return
	}
	p := m.Peers[0]
	out.Peer, out.Missed = &p.Email, p.Missed
}

// matchCell is the text table's PEER column: the peer and how it went, or
// why the event is not a 1:1 with anyone on the roster.
func matchCell(m rules.EventMatch) string {
	if len(m.Peers) == 0 {
		return "– " + m.NotOneOnOne
	}
	var ps []string
	for _, p := range m.Peers {
		s := p.Email
		if p.Missed != "" {
			s += " (" + p.Missed + ")"
		}
		ps = append(ps, s)
	}
	return strings.Join(ps, ", ")
}

func toEventJSON(e *calendar.Event, loc *time.Location) eventJSON {
	out := eventJSON{
		Calendar: e.Calendar, UID: e.UID, AllDay: e.AllDay, Floating: e.Floating,
		Status: string(cmp.Or(e.Status, calendar.StatusConfirmed)), Summary: e.Summary,
		Transparent: e.Transparent, Organizer: e.Organizer, Attendees: []attendeeJSON{},
	}
	if e.AllDay {
		out.Start, out.End = e.Start.UTC().Format(time.DateOnly), e.End.UTC().Format(time.DateOnly)
	} else {
		out.Start, out.End = rfc(e.Start.In(loc)), rfc(e.End.In(loc))
	}
	if !e.RecurrenceID.IsZero() {
		r := rfc(e.RecurrenceID.UTC())
		if e.AllDay {
			r = e.RecurrenceID.UTC().Format(time.DateOnly)
		}
		out.RecurrenceID = &r
	}
	for _, a := range e.Attendees {
		out.Attendees = append(out.Attendees, attendeeJSON{Email: a.Email, Name: a.Name, PartStat: string(a.PartStat), Resource: a.Resource, Implied: a.Implied})
	}
	return out
}

func newEventsCommand(g *globals) *cobra.Command {
	var (
		calName, icsFile, from, to, tz string
		asJSON                         bool
	)
	cmd := &cobra.Command{
		Use:   "events --from DATE --to DATE [--calendar NAME | --ics FILE]",
		Short: "List what sideways sees: every occurrence in a window, normalized",
		Long: `Events lists every occurrence that overlaps [--from, --to): recurrences expanded,
overrides applied, cancelled occurrences marked cancelled, with attendees and
their responses. DATE is YYYY-MM-DD (midnight in --tz) or an RFC 3339 time.

Without --calendar or --ics it lists every configured calendar. --ics reads a
file or URL directly and needs no config. Floating times are read in --tz
(default: me.timezone, else the system zone).`,
		Example: "  sideways events --from 2026-11-23 --to 2026-11-30\n  sideways events --ics export.ics --from 2026-01-01 --to 2027-01-01 --json",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if from == "" || to == "" {
				return usageError{errors.New("--from and --to are required")}
			}
			if calName != "" && icsFile != "" {
				return usageError{errors.New("--calendar and --ics cannot be used together")}
			}
			var (
				eng *rules.Engine
				cfg *config.Config
			)
			if icsFile == "" || tz == "" {
				var err error
				eng, err = g.load()
				switch {
				case err == nil:
					cfg = eng.Config()
				case icsFile == "":
					return err
				}
			}
			loc := time.Local
			if cfg != nil {
				loc = cfg.Me.Location
			}
			if tz != "" {
				l, err := time.LoadLocation(tz)
				if err != nil {
					return usageError{fmt.Errorf("--tz: unknown time zone %q: %s", tz, config.ZoneHint(tz))}
				}
				loc = l
			}
			f, err := parseWhen(from, loc)
			if err != nil {
				return usageError{fmt.Errorf("--from: %w", err)}
			}
			t, err := parseWhen(to, loc)
			if err != nil {
				return usageError{fmt.Errorf("--to: %w", err)}
			}
			if !t.After(f) {
				return usageError{fmt.Errorf("--to %s is not after --from %s: the window is empty", to, from)}
			}
			var d *daemon.Daemon
			if icsFile != "" {
				name := strings.TrimSuffix(filepath.Base(icsFile), filepath.Ext(icsFile))
				if !strings.Contains(icsFile, "://") {
					if _, err := os.Stat(icsFile); err != nil {
						return err
					}
				}
				src := &ics.Source{Name: name, Location: icsFile, Floating: loc, Logger: g.logger()}
				d = daemon.New(eng, []daemon.NamedSource{{Name: name, Source: src}})
			} else {
				db, err := g.openStateReadOnly()
				if err != nil {
					return err
				}
				defer db.Close()
				if d, err = g.daemonFor(cmd.Context(), eng, db, offline); err != nil {
					return err
				}
			}
			var only []string
			if calName != "" {
				only = []string{calName}
			}
			all, err := d.Read(cmd.Context(), f, t, only...)
			if err != nil {
				return err
			}
			// Which events count as 1:1s, read as a cycle reads them now.
			match := func(*calendar.Event) (rules.EventMatch, bool) { return rules.EventMatch{}, false }
			if eng != nil {
				clk, err := clock()
				if err != nil {
					return err
				}
				now := clk().In(loc)
				match = func(e *calendar.Event) (rules.EventMatch, bool) { return eng.MatchEvent(e, now), true }
			}
			if asJSON {
				out := make([]eventJSON, 0, len(all))
				for i := range all {
					e := toEventJSON(&all[i], loc)
					if m, ok := match(&all[i]); ok {
						withMatch(&e, m)
					}
					out = append(out, e)
				}
				return writeJSON(g.stdout, out)
			}
			tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
			head := "START\tEND\tSTATUS\tSUMMARY\tPEOPLE"
			if eng != nil {
				head += "\tPEER 1:1"
			}
			fmt.Fprintln(tw, head)
			for i := range all {
				e := toEventJSON(&all[i], loc)
				var ppl []string
				for _, a := range e.Attendees {
					ppl = append(ppl, a.Email+"("+a.PartStat+")")
				}
				row := fmt.Sprintf("%s\t%s\t%s\t%s\t%s", e.Start, e.End, e.Status, e.Summary, strings.Join(ppl, " "))
				if m, ok := match(&all[i]); ok {
					row += "\t" + matchCell(m)
				}
				fmt.Fprintln(tw, row)
			}
			return tw.Flush()
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&calName, "calendar", "", "only this configured calendar")
	fl.StringVar(&icsFile, "ics", "", "read this ICS file or URL instead of the config's calendars")
	fl.StringVar(&from, "from", "", "window start: YYYY-MM-DD or RFC 3339 (required)")
	fl.StringVar(&to, "to", "", "window end, exclusive: YYYY-MM-DD or RFC 3339 (required)")
	fl.StringVar(&tz, "tz", "", "zone for dates, floating times and output (default me.timezone, else the system zone)")
	fl.BoolVar(&asJSON, "json", false, "print JSON (a stable interface: fields are added, never renamed)")
	return cmd
}

// parseWhen reads YYYY-MM-DD as midnight in loc, or an RFC 3339 time.
func parseWhen(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither YYYY-MM-DD nor an RFC 3339 time", s)
	}
	return t, nil
}
