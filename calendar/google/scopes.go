package google

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/oauth2"
	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar"
)

// Granular consent: when an app asks for two or more scopes, Google's consent
// screen shows a checkbox for each, the user may untick any, and "apps must
// check which scopes were granted" from the scope field of the token response
// (https://developers.google.com/identity/protocols/oauth2/resources/granular-permissions;
// RFC 6749 §5.1: scope is the granted set when it differs from the request).

// broader lists, for each scope sideways asks for, the scopes that include
// it (the scope descriptions in the discovery document, auth.oauth2.scopes).
var broader = map[string][]string{
	calendarv3.CalendarEventsScope:         {calendarv3.CalendarScope},
	calendarv3.CalendarEventsReadonlyScope: {calendarv3.CalendarScope, calendarv3.CalendarReadonlyScope, calendarv3.CalendarEventsScope},
	calendarv3.CalendarFreebusyScope:       {calendarv3.CalendarScope, calendarv3.CalendarReadonlyScope},
}

// accessOf names, for each scope sideways asks for, the access the user
// grants with it.
var accessOf = map[string]string{
	calendarv3.CalendarEventsScope:         calendar.AccessEvents,
	calendarv3.CalendarEventsReadonlyScope: calendar.AccessEvents,
	calendarv3.CalendarFreebusyScope:       calendar.AccessFreeBusy,
}

// Without says what stops working without an access.
var Without = map[string]string{
	calendar.AccessEvents:   "everything: sideways cannot read or write your calendar",
	calendar.AccessFreeBusy: "peer_freebusy: peers' busy time is not read, so their slots follow working hours only",
}

// MissingAccessError is a sign-in in which the user did not grant every
// access sideways asked for. It wraps calendar.ErrPermission.
type MissingAccessError struct {
	// Missing are the accesses not granted (calendar.AccessEvents, …).
	Missing []string
	// Saved is true when the token was kept anyway: only accesses sideways
	// can do without are missing.
	Saved bool
}

func (e *MissingAccessError) Error() string {
	parts := make([]string, len(e.Missing))
	for i, a := range e.Missing {
		parts[i] = fmt.Sprintf("access to %s was not granted; without it, %s", a, Without[a])
	}
	s := strings.Join(parts, "; ")
	if !e.Saved {
		s += " (the sign-in was not saved)"
	}
	return s
}

func (e *MissingAccessError) Unwrap() error { return calendar.ErrPermission }

// missingAccess returns the accesses of scopes that tok does not grant. A
// token response without a scope field grants what was asked (RFC 6749 §5.1).
func missingAccess(tok *oauth2.Token, scopes []string) []string {
	raw, _ := tok.Extra("scope").(string)
	if raw == "" {
		return nil
	}
	granted := strings.Fields(raw)
	var out []string
	for _, sc := range scopes {
		if slices.Contains(granted, sc) || slices.ContainsFunc(broader[sc], func(b string) bool { return slices.Contains(granted, b) }) {
			continue
		}
		if a := accessOf[sc]; a != "" && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// checkGrant decides what a sign-in that granted tok is worth: nil when
// every access was granted; a *MissingAccessError with Saved set when only
// free/busy is missing (the token is worth keeping); one without when events
// access is missing, without which sideways can do nothing.
func checkGrant(tok *oauth2.Token, scopes []string) error {
	missing := missingAccess(tok, scopes)
	if len(missing) == 0 {
		return nil
	}
	return &MissingAccessError{Missing: missing, Saved: !slices.Contains(missing, calendar.AccessEvents)}
}

// IsMissingAccess returns the sign-in's missing accesses, if err is one.
func IsMissingAccess(err error) (*MissingAccessError, bool) {
	var me *MissingAccessError
	ok := errors.As(err, &me)
	return me, ok
}
