package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/sidewayscal/sideways/calendar/google"
	"github.com/sidewayscal/sideways/config"
)

func newAuthCommand(g *globals) *cobra.Command {
	auth := &cobra.Command{
		Use:   "auth",
		Short: "Sign in to calendar providers",
	}
	var name string
	gc := &cobra.Command{
		Use:   "google [--calendar NAME]",
		Short: "Sign in to Google Calendar (OAuth for an installed app)",
		Long: `Auth google signs in with your own OAuth client (the client_secret file from the
Google Cloud console): it opens the consent page in your browser (or prints
its URL), receives the answer on a loopback address (127.0.0.1, a random port)
with PKCE and a state check, and writes the token file (mode 0600) named in the
config. Report mode asks for read-only access; propose and invite ask to write
events. Without --calendar it signs in for every Google calendar in the config.

On a machine without a browser (a server, an SSH session) use --no-browser and
open the URL on any machine: after you allow access, that browser fails to load
a page at 127.0.0.1. Copy its whole address from the address bar and paste it
into sideways, which is waiting for it; it is checked as the redirect itself
would be.

"access_denied" after you allowed access usually means the OAuth app is in
Testing and your Google account is not one of its test users.`,
		Example: "  sideways auth google\n  sideways auth google --calendar work\n  sideways auth google --no-browser   # over SSH: paste the address back",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			eng, err := g.load()
			if err != nil {
				return err
			}
			cfg := eng.Config()
			var cals []config.Calendar
			for _, c := range cfg.Calendars {
				if c.Google != nil && (name == "" || c.Name == name) {
					cals = append(cals, c)
				}
			}
			if len(cals) == 0 {
				if name != "" {
					return fmt.Errorf("no Google calendar named %q in the config", name)
				}
				return withHint(errors.New("the config has no Google calendar"),
					"add one under calendars (the config written by \"sideways init\" has one commented out); "+googleSection+" says how to set it up")
			}
			db, err := g.openState()
			if err != nil {
				return err
			}
			defer db.Close()
			pasted := pastedLines(cmd.InOrStdin())
			done := map[string]bool{}
			for _, c := range cals {
				if !done[c.Google.Token] {
					fmt.Fprintf(g.stderr, "Signing in for calendar %s…\n", c.Name)
					opts := google.AuthOptions{Open: google.OpenBrowser, Out: g.stderr, Pasted: pasted}
					if g.noBrowser {
						opts.Open = nil
					}
					err := google.Login(cmd.Context(), c.Google.ClientSecret, c.Google.Token, google.Scopes(writes(cfg)), opts)
					if me, ok := google.IsMissingAccess(err); ok && me.Saved {
						fmt.Fprintf(g.stderr, "sideways: warning: calendar %s: %v\n", c.Name, err)
					} else if err != nil {
						return hinted(fmt.Errorf("calendar %s: %w", c.Name, err), c.Name)
					}
					done[c.Google.Token] = true
				}
				if err := db.ClearAuthProblem(cmd.Context(), c.Name); err != nil {
					return err
				}
				fmt.Fprintf(g.stdout, "signed in: calendar %s (token %s)\n", c.Name, c.Google.Token)
			}
			return nil
		},
	}
	gc.Flags().StringVar(&name, "calendar", "", "only this calendar")
	gc.Flags().BoolVar(&g.noBrowser, "no-browser", false, "print the sign-in URL instead of opening a browser (over SSH: open it anywhere, then paste back the address the browser ends on)")
	auth.AddCommand(gc)
	return auth
}

// pastedLines reads r a line at a time for every sign-in of one command: a
// redirect address pasted by a user whose browser is on another machine. The
// channel closes at r's end. On a terminal the reader is left waiting for a
// line when the command ends; the process ends with it.
func pastedLines(r io.Reader) <-chan string {
	ch := make(chan string)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			ch <- sc.Text()
		}
	}()
	return ch
}
