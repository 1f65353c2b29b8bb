package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/sidewayscal/sideways/calendar/ics"
	"github.com/sidewayscal/sideways/config"
	"github.com/sidewayscal/sideways/rules"
)

func newCheckCommand(g *globals) *cobra.Command {
	var fetch bool
	cmd := &cobra.Command{
		Use:   "check [--fetch]",
		Short: "Validate the config, its rules and the files it names",
		Long: `Check validates the config file, type-checks every rule and estimates its cost,
then evaluates every rule against every peer of the roster (as a peer never met,
at the current time or SIDEWAYS_NOW). Then it looks at what it can see locally: each ICS file exists, is readable and is iCalendar; each
Google calendar's client secret exists and its token (if there is one yet) is
private to you. It prints every problem as FILE:LINE:COL: message, at the
config value that names the file, and exits 1, or says the config is ok.

A leading ~ or $HOME in a path is your home folder.

--fetch also fetches every ICS URL once and says what it got: the HTTP status,
the size, and how many events it parsed, or the error. Without it check sends
nothing over the network.`,
		Example: "  sideways check\n  sideways check --fetch\n  sideways check --config ./sideways.yaml",
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
			c := &checker{cfg: cfg, log: g.logger()}
			c.files()
			if fetch {
				if err := c.fetchAll(cmd.Context(), g.stdout); err != nil {
					return err
				}
			}
			for _, h := range c.hints {
				fmt.Fprintf(g.stderr, "sideways: hint: %s\n", h)
			}
			if len(c.errs) > 0 {
				return c.errs
			}
			path, _ := g.config()
			fmt.Fprintf(g.stdout, "%s: ok (%s, %s, %s; mode %s)\n", path,
				plural(len(cfg.Calendars), "calendar"), plural(len(cfg.Peers), "peer"), plural(len(cfg.Rules), "rule"), cfg.Mode)
			return nil
		},
	}
	cmd.Flags().BoolVar(&fetch, "fetch", false, "also fetch each ICS URL once and report what it got")
	return cmd
}

// checker collects the problems check finds beyond the config's own, each at
// the position of the config value it is about.
type checker struct {
	cfg   *config.Config
	log   *slog.Logger
	errs  config.Errors
	hints []string
}

func (c *checker) errorf(pos config.Pos, format string, args ...any) {
	c.errs = append(c.errs, &config.Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// files checks every file the config names.
func (c *checker) files() {
	for _, cal := range c.cfg.Calendars {
		switch {
		case cal.ICS != "" && !isURL(cal.ICS):
			c.icsFile(cal)
		case cal.Google != nil:
			c.google(cal)
		}
	}
}

// icsFile checks that an ICS file exists, is a readable file and is iCalendar.
func (c *checker) icsFile(cal config.Calendar) {
	fi, err := os.Stat(cal.ICS)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		c.errorf(cal.ICSPos, "calendar %s: ics file %s does not exist", cal.Name, cal.ICS)
		return
	case err != nil:
		c.errorf(cal.ICSPos, "calendar %s: ics file %s: %v", cal.Name, cal.ICS, unwrapPath(err))
		return
	case fi.IsDir():
		c.errorf(cal.ICSPos, "calendar %s: %s is a folder, not an ics file", cal.Name, cal.ICS)
		return
	}
	f, err := os.Open(cal.ICS)
	if err != nil {
		c.errorf(cal.ICSPos, "calendar %s: ics file %s cannot be read: %v", cal.Name, cal.ICS, unwrapPath(err))
		return
	}
	f.Close()
	src := &ics.Source{Name: cal.Name, Location: cal.ICS, Floating: c.cfg.Me.Location, Logger: c.log}
	now := time.Now()
	if _, err := src.Events(context.Background(), now, now.Add(time.Hour)); err != nil {
		c.errorf(cal.ICSPos, "calendar %s: ics file %s: %v", cal.Name, cal.ICS, err)
	}
}

// google checks a Google calendar's client secret and token files.
func (c *checker) google(cal config.Calendar) {
	g := cal.Google
	if _, err := os.Stat(g.ClientSecret); errors.Is(err, fs.ErrNotExist) {
		c.errorf(g.ClientSecretPos, `calendar %s: client secret %s does not exist: create an OAuth client ("Desktop app") in the Google Cloud console and save its JSON there (README, "Google Calendar")`, cal.Name, g.ClientSecret)
	} else if err != nil {
		c.errorf(g.ClientSecretPos, "calendar %s: client secret %s: %v", cal.Name, g.ClientSecret, unwrapPath(err))
	}
	fi, err := os.Stat(g.Token)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		c.hints = append(c.hints, fmt.Sprintf(`%s: calendar %s has no token yet (%s): run "sideways auth google --calendar %s"`, g.TokenPos, cal.Name, g.Token, cal.Name))
	case err != nil:
		c.errorf(g.TokenPos, "calendar %s: token %s: %v", cal.Name, g.Token, unwrapPath(err))
	case runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0:
		// The daemon refuses such a token (the refresh token in it grants
		// access to the calendar); say so before it does.
		c.errorf(g.TokenPos, "calendar %s: token %s can be read by other users (mode %04o), and sideways refuses it: run \"chmod 600 %s\"", cal.Name, g.Token, fi.Mode().Perm(), g.Token)
	}
}

// fetchAll fetches every ICS URL once and prints what it got; a feed that
// fails is a problem at its ics value.
func (c *checker) fetchAll(ctx context.Context, w io.Writer) error {
	timeout, err := feedTimeout()
	if err != nil {
		return err
	}
	if timeout == 0 {
		timeout = ics.DefaultTimeout
	}
	now, err := clock()
	if err != nil {
		return err
	}
	from, to := rules.ReadWindow(c.cfg, now())
	for _, cal := range c.cfg.Calendars {
		if !isURL(cal.ICS) {
			continue
		}
		rec := &recorder{base: http.DefaultTransport}
		src := &ics.Source{Name: cal.Name, Location: cal.ICS, Floating: c.cfg.Me.Location, Logger: c.log, Now: now,
			Client: &http.Client{Transport: rec, Timeout: timeout}}
		evs, err := src.Events(ctx, from, to)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			got := "no answer"
			if rec.status != "" {
				got = rec.status
				if rec.n > 0 {
					got += fmt.Sprintf(", %s, %s", cmp.Or(rec.contentType, "no content type"), size(rec.n))
				}
			}
			fmt.Fprintf(w, "calendar %s: %s: %s: unusable\n", cal.Name, src.Redacted(), got)
			c.errorf(cal.ICSPos, "calendar %s: %v", cal.Name, err)
			continue
		}
		fmt.Fprintf(w, "calendar %s: %s: %s, %s, %s in the planning window\n", cal.Name, src.Redacted(), rec.status, size(rec.n), plural(len(evs), "event"))
	}
	return nil
}

// recorder remembers the last response's status and counts its body's bytes
// (as received, before any gzip decoding of an .ics.gz).
type recorder struct {
	base        http.RoundTripper
	status      string
	contentType string
	n           int64
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	r.status, r.contentType, r.n = resp.Status, resp.Header.Get("Content-Type"), 0
	resp.Body = &countingBody{resp.Body, &r.n}
	return resp, nil
}

type countingBody struct {
	io.ReadCloser
	n *int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	*b.n += int64(n)
	return n, err
}

func size(n int64) string {
	switch {
	case n < 1<<10:
		return plural(int(n), "byte")
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// isURL reports whether an ics value from the config is a URL (config has
// already rewritten webcal:// to https://).
func isURL(s string) bool {
	return len(s) > 8 && (s[:7] == "http://" || s[:8] == "https://")
}

// unwrapPath drops the path an *fs.PathError repeats.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
