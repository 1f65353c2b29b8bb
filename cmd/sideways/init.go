package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sidewayscal/sideways/config"
)

// emptyCalendar is the calendar init writes beside a new config, so that the
// starter config checks and plans before the user points it at theirs.
const emptyCalendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//sideways//starter//EN\r\nEND:VCALENDAR\r\n"

func newInitCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "init",
		Short: "Write a commented starter config",
		Long: `Init writes a commented starter config to the config path (see --config), and
an empty calendar.ics beside it for the config's ICS calendar to read until
you point it at yours. It never overwrites an existing file.

The starter config is in report mode, which needs no Google sign-in: sideways
shows what it would do ("sideways plan") and writes nothing. Its comments say
how to add your Google calendar and switch to propose or invite mode, and how
to add your country's public holidays.`,
		Example: "  sideways init\n  sideways init --config ./sideways.yaml",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, err := g.config()
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				return err
			}
			if err := writeNew(path, starter(locale())); err != nil {
				if errors.Is(err, fs.ErrExist) {
					return withHint(fmt.Errorf("%s already exists; not overwriting it", path), `edit it, then run "sideways check"`)
				}
				return err
			}
			fmt.Fprintf(g.stdout, "wrote %s\n", path)
			cal := filepath.Join(filepath.Dir(path), "calendar.ics")
			switch err := writeNew(cal, emptyCalendar); {
			case err == nil:
				fmt.Fprintf(g.stdout, "wrote %s, an empty calendar to start from\n", cal)
			case !errors.Is(err, fs.ErrExist):
				return err
			}
			fmt.Fprintf(g.stdout, "next: in %s fill in your name, emails and peers, and point the calendar at\n"+
				"yours (an exported .ics file or its ICS address); then run \"sideways check\" and \"sideways plan\"\n", path)
			return nil
		},
	}
}

// writeNew writes a new file (0600), failing with fs.ErrExist if there is one.
func writeNew(path, content string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(content); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// holidayCalendars are Google's public-holiday calendars by ISO country code,
// as they appear in calendar ids ("en.uk#holiday@group.v.calendar.google.com").
var holidayCalendars = map[string]string{
	"US": "en.usa", "GB": "en.uk", "CA": "en.canadian", "AU": "en.australian", "NZ": "en.new_zealand",
	"IE": "en.irish", "IN": "en.indian", "SG": "en.singapore", "DE": "en.german", "FR": "en.french",
	"NL": "en.dutch", "ES": "en.spain", "IT": "en.italian", "JP": "en.japanese", "BR": "en.brazilian",
	"MX": "en.mexican",
}

// starter is the starter config with the holiday calendar of the country in
// locale (such as "en_GB.UTF-8"); US when it names none sideways knows.
func starter(locale string) string {
	lang, _, _ := strings.Cut(locale, ".")
	_, country, _ := strings.Cut(lang, "_")
	id, ok := holidayCalendars[strings.ToUpper(country)]
	if !ok || id == "en.usa" {
		return config.Starter
	}
	return strings.ReplaceAll(config.Starter, "en.usa", id)
}

// locale is the user's locale from the environment, as POSIX looks it up.
func locale() string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return ""
}
