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
			eng, err := g.load()
			if err != nil {
				return err
			}
			d, err := g.daemonFor(eng)
			if err != nil {
				return err
			}
			p, err := d.Plan(cmd.Context())
			if p == nil {
				return err
			}
			if asJSON {
				return writeJSON(g.stdout, statusJSON{Now: rfc(p.Now), Mode: p.Mode, Peers: peersJSON(p),
					Warnings: nonNil(p.Warnings), LastCycle: nil})
			}
			fmt.Fprintf(g.stdout, "sideways status · %s · mode %s\n\n", p.Now.Format("Mon Jan 2 2006 15:04 MST"), p.Mode)
			writeTable(g.stdout, p)
			writeWarnings(g.stdout, p.Warnings)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (PRODUCT §7)")
	return cmd
}
