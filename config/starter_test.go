package config

import (
	"strings"
	"testing"
)

// TestStarterSwitchToGoogle follows the starter's comments: uncommenting its
// Google calendar and setting mode: propose gives a config that parses, with
// that calendar writable.
func TestStarterSwitchToGoogle(t *testing.T) {
	lines := strings.Split(Starter, "\n")
	in := false
	for i, l := range lines {
		if strings.HasPrefix(l, "  # - name: google") {
			in = true
		}
		if in && !strings.HasPrefix(l, "  # ") {
			in = false
		}
		if in {
			lines[i] = "  " + strings.TrimPrefix(l, "  # ")
		}
		if l == "mode: report" {
			lines[i] = "mode: propose"
		}
	}
	cfg, err := Parse("sideways.yaml", []byte(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatalf("the starter switched to Google does not parse:\n%v", err)
	}
	if cfg.Mode != ModePropose || len(cfg.Calendars) != 2 || cfg.Calendars[1].Google == nil || !cfg.Calendars[1].Writable {
		t.Errorf("switched starter: mode %s, calendars %+v; want propose to a writable Google calendar", cfg.Mode, cfg.Calendars)
	}
}
