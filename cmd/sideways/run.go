package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sidewayscal/sideways/calendar"
)

func newRunCommand(g *globals) *cobra.Command {
	var once bool
	cmd := &cobra.Command{
		Use:   "run --once",
		Short: "Run a cycle: sync, assess, plan, act",
		Long: `Run syncs every calendar (Google incrementally, ICS with conditional GET),
assesses every peer, plans, and acts by mode: report writes nothing, propose
writes suggestions to your writable calendar, invite sends invites. It records
the result in the state database, where "sideways status" reads it.

--once runs one cycle and exits 0 on success, 1 on failure. The long-running
loop (a cycle every poll) is not built yet: use --once from a scheduler.`,
		Example: "  sideways run --once\n  sideways run --once --verbose",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !once {
				return usageError{errors.New("only --once is available: the long-running loop is not built yet")}
			}
			d, db, err := g.open(cmd.Context(), online)
			if err != nil {
				return err
			}
			defer db.Close()
			cfg := d.Engine.Config()
			res, err := d.Cycle(cmd.Context())
			if res != nil {
				for _, x := range res.Done {
					note := ""
					if x.Note != "" {
						note = " (" + x.Note + ")"
					}
					fmt.Fprintf(g.stdout, "%s\t%s\t%s\t%s%s\n", x.Action.Kind, x.Action.Assessment.Peer.Email,
						slotLine(x.Action.Slot, cfg.Me.Location), x.EventID, note)
				}
				for _, p := range res.Dismissed {
					fmt.Fprintf(g.stdout, "dismissed\t%s\tsnoozed for %s\n", p, cfg.Snooze)
				}
				if res.Plan != nil {
					for _, w := range res.Plan.Warnings {
						fmt.Fprintf(g.stderr, "sideways: warning: %s\n", w)
					}
				}
			}
			if err != nil {
				if errors.Is(err, calendar.ErrAuth) {
					return withHint(fmt.Errorf("cycle failed: %w", err), `run "sideways auth google" again`)
				}
				return fmt.Errorf("cycle failed: %w", err)
			}
			if res != nil && len(res.Done) == 0 {
				fmt.Fprintf(g.stdout, "cycle ok: nothing to write (mode %s)\n", cfg.Mode)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&once, "once", false, "run one cycle and exit")
	return cmd
}
