package main

import (
	"errors"
	"fmt"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/google"
)

// googleSection is the README section that explains Google setup, by title.
const googleSection = `the README's "Google Calendar" section`

// googleHint adds the next step to an error signing in to the Google calendar
// named cal, or returns err as is.
func googleHint(cal string, err error) error {
	switch {
	case errors.Is(err, google.ErrNoClientSecret):
		return withHint(err, `create an OAuth client ("Desktop app") in the Google Cloud console and save its JSON at that path; `+
			googleSection+` says how. Or use mode: report with an ICS calendar, which needs no Google sign-in`)
	case errors.Is(err, google.ErrAccessDenied):
		return withHint(err, `if you did not press Cancel, your OAuth app is probably in Testing and this Google account is not one of its test users: `+
			`add it in the Google Cloud console (Google Auth Platform > Audience > Test users), then run "sideways auth google --calendar `+cal+`" again; `+googleSection+` says more`)
	case errors.Is(err, calendar.ErrPermission):
		return withHint(err, fmt.Sprintf(`run "sideways auth google --calendar %s" again and, on Google's consent screen, tick every box sideways asks for; `+
			`the access to events is %s`, cal, consentText[calendar.AccessEvents]))
	case errors.Is(err, google.ErrNoToken):
		return withHint(err, fmt.Sprintf(`run "sideways auth google --calendar %s"`, cal))
	}
	return err
}
