package main

import (
	"errors"
	"fmt"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/google"
	"github.com/sidewayscal/sideways/config"
	"github.com/sidewayscal/sideways/daemon"
	"github.com/sidewayscal/sideways/daemon/state"
)

// The hints: what the user should do next about an error that an adapter or
// the daemon reports as a sentinel. Adapters and the daemon only say what
// happened; the commands to type live here, in one table, so each error has
// one hint wherever it surfaces (an error message, status, the report page).
// An error the table does not know keeps its message alone.

// googleSection is the README section that explains Google setup, by title.
const googleSection = `the README's "Google Calendar" section`

// hintTable maps a sentinel to its next step. cal is the calendar concerned
// ("NAME" when unknown).
var hintTable = []struct {
	err  error
	hint func(cal string) string
}{
	{google.ErrNoClientSecret, func(string) string {
		return `create an OAuth client ("Desktop app") in the Google Cloud console and save its JSON at that path; ` +
			googleSection + ` says how. Or use mode: report with an ICS calendar, which needs no Google sign-in`
	}},
	{google.ErrAccessDenied, func(cal string) string {
		return `if you did not press Cancel, your OAuth app is probably in Testing and this Google account is not one of its test users: ` +
			`add it in the Google Cloud console (Google Auth Platform > Audience > Test users), then run "sideways auth google --calendar ` + cal + `" again; ` + googleSection + ` says more`
	}},
	{calendar.ErrPermission, func(cal string) string {
		return fmt.Sprintf(`run "sideways auth google --calendar %s" again and, on Google's consent screen, tick every box sideways asks for; `+
			`the access to events is %s`, cal, consentText[calendar.AccessEvents])
	}},
	{google.ErrNoToken, func(cal string) string { return fmt.Sprintf(`run "sideways auth google --calendar %s"`, cal) }},
	{calendar.ErrAuth, func(cal string) string { return fmt.Sprintf(`run "sideways auth google --calendar %s" again`, cal) }},
	{calendar.ErrNotSynced, func(string) string { return `run "sideways run --once" (or start the service) to sync it` }},
	{state.ErrOutdated, func(string) string {
		return `run "sideways run --once" as a user who may write the state folder, to bring it up to date`
	}},
}

// nextStep returns the hint for err about calendar cal, or "".
func nextStep(err error, cal string) string {
	if cal == "" {
		cal = "NAME"
	}
	var unread *daemon.UnreadError
	if errors.As(err, &unread) {
		return `"sideways check --fetch" shows what each calendar gives`
	}
	var pe *calendar.PermissionError
	if errors.As(err, &pe) {
		return fmt.Sprintf(`run "sideways auth google --calendar %s" again and, on Google's consent screen, tick the access to %s (%s)`,
			cal, pe.Access, consentText[pe.Access])
	}
	for _, h := range hintTable {
		if errors.Is(err, h.err) {
			return h.hint(cal)
		}
	}
	return ""
}

// hinted returns err with its next step about calendar cal, if it has one.
func hinted(err error, cal string) error {
	if h := nextStep(err, cal); h != "" {
		return withHint(err, h)
	}
	return err
}

// authProblem words a calendar whose sign-in was refused, as status and the
// report show it: the daemon's message and the next step.
func authProblem(a state.AuthProblem) string {
	return fmt.Sprintf("calendar %s: %s: %s", a.Calendar, a.Message, nextStep(calendar.ErrAuth, a.Calendar))
}

// authCalendar is the Google calendar a sign-in hint should name: the only
// one the config has, else "" (the hint then says NAME).
func authCalendar(cfg *config.Config) string {
	name := ""
	for _, c := range cfg.Calendars {
		if c.Google != nil {
			if name != "" {
				return ""
			}
			name = c.Name
		}
	}
	return name
}

// consentText is how Google words each access sideways asks for: the scopes'
// descriptions in the Calendar API's discovery document (auth.oauth2.scopes,
// google.golang.org/api v0.311.0), which the consent screen shows.
var consentText = map[string]string{
	calendar.AccessEvents:   `"View and edit events on all your calendars", or in report mode "View events on all your calendars"`,
	calendar.AccessFreeBusy: `"View your availability in your calendars"`,
}
