package main

import (
	"runtime/debug"
	"testing"
	"time"
)

func TestVersionFrom(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	vcs := func(kv ...string) []debug.BuildSetting {
		var out []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			out = append(out, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{"released", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"},
			Settings: vcs("vcs.revision", "0ca35ef1a2b3c4d5e6f7", "vcs.time", "2026-11-30T14:07:50Z", "vcs.modified", "false")},
			true, "v1.2.0 (revision 0ca35ef1a2b3, committed 2026-11-30 09:07 EST, go1.26.8)"},
		{"dirty tree", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261130140750-0ca35ef1a2b3+dirty"},
			Settings: vcs("vcs.revision", "0ca35ef1a2b3c4d5e6f7", "vcs.time", "2026-11-30T14:07:50Z", "vcs.modified", "true")},
			true, "v0.0.0-20261130140750-0ca35ef1a2b3+dirty (revision 0ca35ef1a2b3, modified, committed 2026-11-30 09:07 EST, go1.26.8)"},
		{"go run", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			true, "devel (no revision recorded, go1.26.8)"},
		{"no build info", nil, false, "unknown (this binary carries no build information)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionFrom(tt.bi, tt.ok, ny); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
