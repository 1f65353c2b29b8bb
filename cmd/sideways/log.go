package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

type auditJSON struct {
	At       string `json:"at"`
	Calendar string `json:"calendar"`
	EventID  string `json:"event_id"`
	Action   string `json:"action"`
	Peer     string `json:"peer"`
	Reason   string `json:"reason"`
}

func newLogCommand(g *globals) *cobra.Command {
	var (
		asJSON bool
		limit  int
	)
	cmd := &cobra.Command{
		Use:   "log",
		Short: "The audit log: every calendar write sideways made, newest first",
		Long: `Log prints every calendar write the daemon made: when, which calendar, which
event, what (propose, invite, move, withdraw) and why, newest first. An event of
sideways' that was on the calendar before this process wrote it (another sideways
process, or a cycle stopped before recording it) is listed once, as "adopt" or
"already present", never as a second write.`,
		Example: "  sideways log\n  sideways log --json -n 20",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := g.openStateReadOnly()
			if err != nil {
				return err
			}
			defer db.Close()
			entries, err := db.AuditLog(cmd.Context(), limit)
			if err != nil {
				return err
			}
			if asJSON {
				out := make([]auditJSON, 0, len(entries))
				for _, e := range entries {
					out = append(out, auditJSON{At: rfc(e.At), Calendar: e.Calendar, EventID: e.EventID, Action: e.Action, Peer: e.Peer, Reason: e.Reason})
				}
				return writeJSON(g.stdout, out)
			}
			if len(entries) == 0 {
				fmt.Fprintln(g.stdout, "no calendar writes yet")
				return nil
			}
			tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "WHEN\tCALENDAR\tACTION\tPEER\tEVENT\tWHY")
			for _, e := range entries {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.At.Local().Format("2006-01-02 15:04"), e.Calendar, e.Action, e.Peer, e.EventID, e.Reason)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().IntVarP(&limit, "limit", "n", 0, "show at most this many entries (0: all)")
	return cmd
}
