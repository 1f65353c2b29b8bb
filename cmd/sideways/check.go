package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newCheckCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Validate the config and its rules",
		Long: `Check validates the config file, type-checks every rule and estimates its cost,
then evaluates every rule against every peer of the roster (as a peer never met,
at the current time or SIDEWAYS_NOW). It prints every problem as
FILE:LINE:COL: message and exits 1, or says the config is ok.`,
		Example: "  sideways check\n  sideways check --config ./sideways.yaml",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			eng, err := g.load()
			if err != nil {
				return err
			}
			now, err := clock()
			if err != nil {
				return err
			}
			if err := eng.Check(cmd.Context(), now()); err != nil {
				return err
			}
			cfg := eng.Config()
			path, _ := g.config()
			fmt.Fprintf(g.stdout, "%s: ok (%s, %s, %s; mode %s)\n", path,
				plural(len(cfg.Calendars), "calendar"), plural(len(cfg.Peers), "peer"), plural(len(cfg.Rules), "rule"), cfg.Mode)
			return nil
		},
	}
}
