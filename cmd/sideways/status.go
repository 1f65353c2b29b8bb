package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

func newStatusCommand(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "One row per peer: cadence, last met, next scheduled, state",
		Long: `Status shows first any calendar that could not be read (unread) or only from
an old copy (stale), and the last cycle; then every peer on the roster: tier,
cadence and the rule that set it, when you last met, what is scheduled next,
the state, and any run of cancelled or declined 1:1s; then warnings about the
health of your peer network. While a calendar is unread the peers' states are
incomplete and nothing is planned.`,
		Example: "  sideways status\n  sideways status --json",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, db, err := g.open(cmd.Context(), offline)
			if err != nil {
				return err
			}
			defer db.Close()
			// An unread calendar is shown, not failed on: status is how the
			// user finds out.
			p, health, err := d.PlanHealth(cmd.Context())
			if p == nil {
				return err
			}
			ctx := cmd.Context()
			auth, err := db.AuthProblems(ctx)
			if err != nil {
				return err
			}
			var problems []string
			for _, a := range auth {
				problems = append(problems, authProblem(a))
			}
			notes, err := calendarNotes(ctx, db, d.Engine.Config())
			if err != nil {
				return err
			}
			calProblems, others := splitCalendarProblems(health, p.Now, d.Engine.Config().Poll, p.Warnings)
			others = append(notes, others...)
			problems = append(problems, calProblems...)
			warns := append(slices.Clone(problems), others...)
			last, err := db.LastCycle(ctx)
			if err != nil {
				return err
			}
			var lc *lastCycleJSON
			if last != nil {
				lc = &lastCycleJSON{At: rfc(last.At.In(p.Now.Location())), OK: last.OK, Next: optTime(last.Next, p.Now.Location())}
				if !last.OK {
					lc.Error = &last.Err
				}
			}
			if asJSON {
				return writeJSON(g.stdout, struct {
					statusJSON
					Calendars []calendarJSON `json:"calendars"`
				}{statusJSON{Now: rfc(p.Now), Mode: p.Mode, Peers: peersJSON(p), Warnings: nonNil(warns), LastCycle: lc},
					calendarsJSON(health, p.Now.Location())})
			}
			fmt.Fprintf(g.stdout, "sideways status · %s · mode %s\n", p.Now.Format("Mon Jan 2 2006 15:04 MST"), p.Mode)
			for _, s := range problems {
				fmt.Fprintf(g.stdout, "! %s\n", s)
			}
			// Never a bare "ok" while a calendar is not fresh.
			ok := "ok"
			if u := unhealthy(health); u != "" {
				ok += ", " + u
			}
			switch {
			case lc == nil:
				fmt.Fprintln(g.stdout, "last cycle: none yet (sideways run --once)")
			case last.OK:
				fmt.Fprintf(g.stdout, "last cycle: %s, %s\n", last.At.In(p.Now.Location()).Format("Mon Jan 2 15:04"), ok)
			default:
				fmt.Fprintf(g.stdout, "last cycle: %s, failed: %s\n", last.At.In(p.Now.Location()).Format("Mon Jan 2 15:04"), last.Err)
			}
			fmt.Fprintln(g.stdout)
			if unread := unhealthy(health); strings.Contains(unread, "unread") {
				fmt.Fprintln(g.stdout, "Incomplete: a calendar could not be read, so these states may be wrong.")
			}
			writeTable(g.stdout, p)
			writeSeries(g.stdout, p)
			writeWarnings(g.stdout, others)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (a stable interface: fields are added, never renamed)")
	return cmd
}
