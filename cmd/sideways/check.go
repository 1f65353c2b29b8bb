package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newCheckCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Validate the config and its rules",
		Long: `Check validates the config file and type-checks every rule. It prints every
problem as FILE:LINE:COL: message and exits 1, or says the config is ok.`,
		Example: "  sideways check\n  sideways check --config ./sideways.yaml",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			eng, err := g.load()
			if err != nil {
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
