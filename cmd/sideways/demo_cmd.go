package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/sidewayscal/sideways/cmd/sideways/demo"
	"github.com/sidewayscal/sideways/config"
	"github.com/sidewayscal/sideways/daemon"
	"github.com/sidewayscal/sideways/rules"
)

func newDemoCommand(g *globals) *cobra.Command {
	var asJSON bool
	var reportPath string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole pipeline on a built-in sample calendar",
		Long: `Demo runs sideways end to end on an embedded sample: six months of a fictional
Director of Engineering's calendar and a config with a dozen peers. It prints the
relationship table, the warnings, the plan, and each suggestion in full. It needs
no account and no network, and writes nothing.

The sample's "today" is ` + demo.Now + `; set SIDEWAYS_NOW to look at another day.`,
		Example: "  sideways demo\n  SIDEWAYS_NOW=2026-12-07T09:00:00-05:00 sideways demo\n  sideways demo --report demo.html",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if reportPath != "" {
				d, _, err := demoDaemon(g)
				if err != nil {
					return err
				}
				return writeReportFor(cmd.Context(), g, d, reportPath, false, nil)
			}
			p, cfg, err := planDemo(cmd.Context(), g)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(g.stdout, toPlanJSON(p))
			}
			w := g.stdout
			fmt.Fprintf(w, "sideways demo · %s's calendar (%s) · %s · mode %s\n\n",
				cfg.Me.Name, cfg.Me.Department, p.Now.Format("Mon Jan 2 2006 15:04 MST"), p.Mode)
			writeTable(w, p)
			writeWarnings(w, p.Warnings)
			writeActions(w, p)
			writeSuggestions(w, cfg, p)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the plan as JSON (a stable interface: fields are added, never renamed)")
	cmd.Flags().StringVar(&reportPath, "report", "", "write the demo's report page (HTML) to `FILE` instead")
	return cmd
}

// planDemo plans over the embedded sample.
func planDemo(ctx context.Context, g *globals) (*rules.Plan, *config.Config, error) {
	d, cfg, err := demoDaemon(g)
	if err != nil {
		return nil, nil, err
	}
	p, err := d.Plan(ctx)
	return p, cfg, err
}

// demoDaemon wires a daemon over the embedded sample.
func demoDaemon(g *globals) (*daemon.Daemon, *config.Config, error) {
	cfg, err := config.Parse("demo/sideways.yaml", demo.Config)
	if err != nil {
		return nil, nil, fmt.Errorf("the embedded demo config is broken: %w", err)
	}
	eng, err := rules.Compile(cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("the embedded demo rules are broken: %w", err)
	}
	now, err := time.Parse(time.RFC3339, demo.Now)
	if err != nil {
		return nil, nil, err
	}
	if os.Getenv("SIDEWAYS_NOW") != "" {
		clk, err := clock()
		if err != nil {
			return nil, nil, err
		}
		now = clk()
	}
	feeds := map[string][]byte{"calendar.ics": demo.Calendar, "holidays.ics": demo.Holidays}
	d, err := g.wire(context.Background(), eng, wireOptions{feeds: feeds, now: func() time.Time { return now }})
	if err != nil {
		return nil, nil, fmt.Errorf("the embedded demo is broken: %w", err)
	}
	d.Dismissals = func(context.Context) ([]rules.Dismissal, error) {
		var out []rules.Dismissal
		for _, x := range demo.Dismissals {
			at, err := time.Parse(time.RFC3339, x.At)
			if err != nil {
				return nil, err
			}
			out = append(out, rules.Dismissal{Peer: x.Peer, At: at})
		}
		return out, nil
	}
	return d, cfg, nil
}
