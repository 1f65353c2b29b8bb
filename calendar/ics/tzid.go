package ics

import (
	"strings"
	"time"
)

// tzidKey is the name a TZID is looked up by. TZID is a TEXT value (RFC 5545
// §3.8.3.1), so a VTIMEZONE may escape what an event's TZID parameter quotes:
// Outlook 2007 wrote `TZID:Singapore\, Kuala Lumpur` in the VTIMEZONE and
// `DTSTART;TZID="Singapore, Kuala Lumpur":…` on events. Both are read as
// the unescaped text, without surrounding quotes or spaces.
func tzidKey(s string) string {
	return strings.TrimSpace(unescapeText(strings.Trim(strings.TrimSpace(s), `"`)))
}

// windowsDisplayZone resolves a Windows display name used as a TZID with no
// VTIMEZONE ("(UTC-05:00) Eastern Time (US & Canada)", as Outlook on the web
// and Exchange write) to the IANA zone of its Windows zone id (CLDR
// windowsZones), so that daylight saving time is kept.
func windowsDisplayZone(tzid string) (*time.Location, bool) {
	id, ok := displayZone(tzid)
	if !ok {
		return nil, false
	}
	name, ok := windowsZones[strings.ToLower(id)]
	if !ok {
		return nil, false
	}
	return loadIANA(name)
}
