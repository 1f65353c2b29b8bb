package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newStatusCommand(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "One row per peer: cadence, last met, next scheduled, state",
		Long: `Status shows every peer on the roster: tier, cadence and the rule that set it,
when you last met, what is scheduled next, the state, and any run of cancelled
or declined 1:1s; then warnings about the health of your peer network.`,
		Example: "  sideways status\n  sideways status --json",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, db, err := g.open(cmd.Context(), offline)
			if err != nil {
				return err
			}
			defer db.Close()
			p, err := d.Plan(cmd.Context())
			if p == nil {
				return err
			}
			ctx := cmd.Context()
			problems, err := db.AuthProblems(ctx)
			if err != nil {
				return err
			}
			var warns []string
			for _, a := range problems {
				warns = append(warns, fmt.Sprintf("calendar %s: %s", a.Calendar, a.Message))
			}
			warns = append(warns, p.Warnings...)
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
				return writeJSON(g.stdout, statusJSON{Now: rfc(p.Now), Mode: p.Mode, Peers: peersJSON(p),
					Warnings: nonNil(warns), LastCycle: lc})
			}
			fmt.Fprintf(g.stdout, "sideways status · %s · mode %s\n", p.Now.Format("Mon Jan 2 2006 15:04 MST"), p.Mode)
			switch {
			case lc == nil:
				fmt.Fprintln(g.stdout, "last cycle: none yet (sideways run --once)")
			case last.OK:
				fmt.Fprintf(g.stdout, "last cycle: %s, ok\n", last.At.In(p.Now.Location()).Format("Mon Jan 2 15:04"))
			default:
				fmt.Fprintf(g.stdout, "last cycle: %s, failed: %s\n", last.At.In(p.Now.Location()).Format("Mon Jan 2 15:04"), last.Err)
			}
			fmt.Fprintln(g.stdout)
			writeTable(g.stdout, p)
			writeWarnings(g.stdout, warns)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (PRODUCT §7)")
	return cmd
}
