package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newPlanCommand(g *globals) *cobra.Command {
	var asJSON, explain, full bool
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show what a cycle would do now, and why (writes nothing)",
		Long: `Plan reads the calendars, assesses every peer and prints the actions a cycle
would take now: suggestions to propose, invites to send, suggestions to move or
withdraw, and what a cap held back (with the cap's config key). It writes nothing.

With a calendar that could not be read (unread) it plans nothing, names the
calendar and why, and exits 3; the peers' states it shows are then incomplete.
--json carries each calendar's health in "calendars".`,
		Example: "  sideways plan\n  sideways plan --explain\n  sideways plan --json\n  SIDEWAYS_NOW=2026-11-30T09:00:00-05:00 sideways plan",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, db, err := g.open(cmd.Context(), offline)
			if err != nil {
				return err
			}
			defer db.Close()
			p, health, err := d.PlanHealth(cmd.Context())
			if p == nil {
				return err
			}
			// err is now an *daemon.UnreadError or nil: the plan is shown
			// either way, and the error sets the exit code.
			if asJSON {
				if jerr := writeJSON(g.stdout, struct {
					planJSON
					Calendars []calendarJSON `json:"calendars"`
				}{toPlanJSON(p), calendarsJSON(health, p.Now.Location())}); jerr != nil {
					return jerr
				}
				return err
			}
			fmt.Fprintf(g.stdout, "Plan for %s (mode %s; plan writes nothing)\n", p.Now.Format("Mon Jan 2 2006 15:04 MST"), p.Mode)
			writeActions(g.stdout, p)
			writeWarnings(g.stdout, p.Warnings)
			if explain {
				writeExplain(g.stdout, p)
			}
			if full {
				writeSuggestions(g.stdout, d.Engine.Config(), p)
			}
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (a stable interface: fields are added, never renamed)")
	cmd.Flags().BoolVar(&explain, "explain", false, "show, for each peer, its state and the rule behind each setting")
	cmd.Flags().BoolVar(&full, "full", false, "print each suggestion as it would appear on the calendar")
	return cmd
}
