package config

import (
	"strings"
	"testing"
)

func TestSeriesSetting(t *testing.T) {
	cfg, err := Parse("sideways.yaml", []byte(base+"meeting:\n  series: true\nrules:\n  - name: one-offs\n    when: peer.tier == \"right-now\"\n    series: false\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Meeting.Series || cfg.Rules[0].Series == nil || *cfg.Rules[0].Series {
		t.Errorf("meeting.series %v, rule series %v; want true and false", cfg.Meeting.Series, cfg.Rules[0].Series)
	}
	if cfg.Caps.SeriesMax != 90*Day {
		t.Errorf("series_max %s, want 90 days", cfg.Caps.SeriesMax)
	}
	def, err := Parse("sideways.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if def.Meeting.Series {
		t.Errorf("series is on by default")
	}
	got := problems(t, base+"meeting:\n  series: sometimes\n")
	if len(got) != 1 || !strings.HasPrefix(got[0], "sideways.yaml:9:11: ") || !strings.Contains(got[0], "series") {
		t.Errorf("a bad series value: %q", got)
	}
}
