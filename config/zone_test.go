package config

import (
	"strings"
	"testing"
)

func TestZoneHint(t *testing.T) {
	tests := []struct{ name, want string }{
		{"PST", "did you mean America/Los_Angeles? "},
		{"pdt", "did you mean America/Los_Angeles? "},
		{"Eastern", "did you mean America/New_York? "},
		{"Eastern Standard Time", "did you mean America/New_York? "},
		{"W. Europe Standard Time", "did you mean Europe/Berlin? "},
		{"IST", "did you mean Asia/Kolkata or Europe/Dublin? "},
		{"CEST", "did you mean Europe/Paris, Europe/Berlin, Europe/Madrid, Europe/Rome or Europe/Amsterdam? "},
		{"america/new york", "did you mean America/New_York? "},
		{"London", "did you mean Europe/London? "},
		{"Tokyo", "did you mean Asia/Tokyo? "},
		// The database spells it America/Port-au-Prince, which titleZone
		// cannot know: no guess rather than a name that does not load.
		{"port-au-prince", "use an IANA name such as America/New_York or Europe/London; "},
		{"Mars/Olympus", "use an IANA name such as America/New_York or Europe/London; "},
	}
	for _, tt := range tests {
		got := ZoneHint(tt.name)
		if !strings.HasPrefix(got, tt.want) {
			t.Errorf("ZoneHint(%q) = %q, want prefix %q", tt.name, got, tt.want)
		}
		if !strings.HasSuffix(got, "see the list at "+ZoneList) {
			t.Errorf("ZoneHint(%q) = %q, does not point at the list", tt.name, got)
		}
	}
}
