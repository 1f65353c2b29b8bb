package google

import (
	"slices"
	"testing"

	"golang.org/x/oauth2"
	calendarv3 "google.golang.org/api/calendar/v3"
)

func TestMissingAccess(t *testing.T) {
	write, read := Scopes(true), Scopes(false)
	for _, tc := range []struct {
		name    string
		asked   []string
		granted any // the token response's scope field; nil when absent
		want    []string
	}{
		{"no scope field: what was asked", write, nil, nil},
		{"all granted", write, calendarv3.CalendarEventsScope + " " + calendarv3.CalendarFreebusyScope, nil},
		{"free/busy only", write, calendarv3.CalendarFreebusyScope, []string{"events"}},
		{"events only", write, calendarv3.CalendarEventsScope, []string{"free/busy"}},
		{"neither", read, "openid", []string{"events", "free/busy"}},
		{"the full calendar scope covers both", write, calendarv3.CalendarScope, nil},
		{"calendar.readonly covers report mode", read, calendarv3.CalendarReadonlyScope, nil},
		{"calendar.readonly does not cover writing", write, calendarv3.CalendarReadonlyScope, []string{"events"}},
		{"events covers events.readonly", read, calendarv3.CalendarEventsScope + " " + calendarv3.CalendarFreebusyScope, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := &oauth2.Token{AccessToken: "x"}
			if tc.granted != nil {
				tok = tok.WithExtra(map[string]any{"scope": tc.granted})
			}
			if got := missingAccess(tok, tc.asked); !slices.Equal(got, tc.want) {
				t.Errorf("missingAccess = %q, want %q", got, tc.want)
			}
		})
	}
}
