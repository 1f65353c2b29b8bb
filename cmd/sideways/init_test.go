package main

import (
	"strings"
	"testing"

	"github.com/sidewayscal/sideways/config"
)

func TestStarterHolidays(t *testing.T) {
	tests := []struct{ locale, want string }{
		{"en_US.UTF-8", "en.usa#holiday@group.v.calendar.google.com"},
		{"en_GB.UTF-8", "en.uk#holiday@group.v.calendar.google.com"},
		{"de_DE", "en.german#holiday@group.v.calendar.google.com"},
		{"C", "en.usa#holiday@group.v.calendar.google.com"},
		{"", "en.usa#holiday@group.v.calendar.google.com"},
		{"xx_ZZ.UTF-8", "en.usa#holiday@group.v.calendar.google.com"},
	}
	for _, tt := range tests {
		s := starter(tt.locale)
		if !strings.Contains(s, "calendar: "+tt.want) {
			t.Errorf("starter(%q) lacks the Google holiday calendar %s", tt.locale, tt.want)
		}
		id, _, _ := strings.Cut(tt.want, "#")
		if !strings.Contains(s, "/ical/"+id+"%23holiday%40group.v.calendar.google.com/public/basic.ics") {
			t.Errorf("starter(%q) lacks the ICS address of %s", tt.locale, id)
		}
		if _, err := config.Parse("sideways.yaml", []byte(s)); err != nil {
			t.Errorf("starter(%q) does not parse: %v", tt.locale, err)
		}
	}
}
