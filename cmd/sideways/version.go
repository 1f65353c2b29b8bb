package main

import (
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

func newVersionCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version and the source revision it was built from",
		Long: `Version prints the module version, the version control revision the binary
was built from (with "modified" when the tree had uncommitted changes), the
time of that commit and the Go version. "devel" is a build from a source
tree rather than a released version; "sideways --version" prints the same.`,
		Args: args(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintf(g.stdout, "sideways %s\n", version())
			return nil
		},
	}
}

// version describes this binary from its build information.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	return versionFrom(bi, ok, time.Local)
}

// versionFrom words build information as "v1.2.0 (revision 0ca35ef1a2b3,
// modified, committed 2026-11-30 09:07 EST, go1.26.8)"; the commit time is
// shown in loc.
func versionFrom(bi *debug.BuildInfo, ok bool, loc *time.Location) string {
	if !ok || bi == nil {
		return "unknown (this binary carries no build information)"
	}
	v := bi.Main.Version
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	var details []string
	if rev := settings["vcs.revision"]; rev != "" {
		details = append(details, "revision "+rev[:min(len(rev), 12)])
		if settings["vcs.modified"] == "true" {
			details = append(details, "modified")
		}
	} else {
		details = append(details, "no revision recorded")
	}
	if t, err := time.Parse(time.RFC3339, settings["vcs.time"]); err == nil {
		details = append(details, "committed "+t.In(loc).Format("2006-01-02 15:04 MST"))
	}
	if bi.GoVersion != "" {
		details = append(details, bi.GoVersion)
	}
	return v + " (" + strings.Join(details, ", ") + ")"
}
