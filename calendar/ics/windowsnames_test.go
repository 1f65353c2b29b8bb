package ics

import (
	"strings"
	"testing"
)

// TestWindowsDisplayNames: every display name in the table maps to a Windows
// zone id CLDR knows and on to an IANA zone this machine has, and the
// variants exporters write resolve too.
func TestWindowsDisplayNames(t *testing.T) {
	for _, row := range windowsDisplayNames {
		if _, ok := windowsZones[strings.ToLower(row[1])]; !ok {
			t.Errorf("%q: zone id %q not in windowsZones", row[0], row[1])
		}
		if _, ok := windowsDisplayZone(row[0]); !ok {
			t.Errorf("%q does not resolve", row[0])
		}
	}
	for tzid, want := range map[string]string{
		"(UTC-05:00) Eastern Time (US & Canada)":                         "America/New_York",
		`"(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna"`: "Europe/Berlin",
		"(GMT+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna":   "Europe/Berlin",
		"(GMT-05:00) Eastern Time (US and Canada)":                       "America/New_York",
		"(UTC-08:00)  pacific time (us & canada)":                        "America/Los_Angeles",
		"(UTC+01:00) Berlin":                                             "Europe/Berlin",
		"(UTC+08:00) Singapore, Kuala Lumpur":                            "Asia/Singapore",
		"(UTC-04:00) La Paz":                                             "America/La_Paz",
		"(UTC-07:00) La Paz":                                             "America/Mazatlan",
		"(UTC) Coordinated Universal Time":                               "UTC",
	} {
		loc, ok := windowsDisplayZone(tzid)
		if !ok || loc.String() != want {
			t.Errorf("%q: got %v %v, want %s", tzid, loc, ok, want)
		}
	}
	for _, tzid := range []string{"(UTC+03:00) Berlin", "(UTC+01:00) Nowhere", "Eastern Time", "(UTC+01:00)"} {
		if loc, ok := windowsDisplayZone(tzid); ok {
			t.Errorf("%q: got %v, want none", tzid, loc)
		}
	}
}
