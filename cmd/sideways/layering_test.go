package main

import (
	"encoding/json"
	"os/exec"
	"path"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/sidewayscal/sideways"

// design holds the arrows the design allows between the project's own
// packages: each package may import only those listed (and the standard
// library and third-party modules that thirdParty permits). The picture is in
// CONTRIBUTING.md; change both together.
var design = map[string][]string{
	"calendar":                   {},
	"calendar/recur":             {},
	"calendar/ics":               {"calendar", "calendar/recur"},
	"calendar/google":            {"calendar", "calendar/recur"},
	"calendar/google/googletest": {"calendar"},
	"calendar/calendartest":      {"calendar"},
	"config":                     {},
	"rules":                      {"calendar", "config"},
	"rules/rulestest":            {"calendar"},
	"daemon":                     {"calendar", "config", "rules", "daemon/state"},
	"daemon/state":               {"calendar"},
	"install":                    {},
	"cmd/sideways/demo":          {},
	"cmd/sideways":               {"*"},
	"bench/icsbench":             {"calendar", "calendar/ics"},
	"bench/icsgen":               {},
	"bench/peakrss":              {},
}

// thirdParty names the only packages that may import a given third-party
// module: one adapter per dependency, and cmd to wire them.
var thirdParty = map[string][]string{
	"google.golang.org/api":          {"calendar/google", "calendar/google/googletest", "cmd/sideways"},
	"golang.org/x/oauth2":            {"calendar/google", "calendar/google/googletest", "cmd/sideways"},
	"modernc.org/sqlite":             {"daemon/state"},
	"github.com/kardianos/service":   {"install", "cmd/sideways"},
	"github.com/spf13/cobra":         {"cmd/sideways"},
	"go.yaml.in/yaml/v3":             {"config"},
	"github.com/emersion/go-ical":    {"calendar/ics"},
	"github.com/teambition/rrule-go": {"calendar/recur", "calendar/ics", "calendar/google", "calendar/google/googletest"},
	"github.com/google/cel-go":       {"rules"},
	"github.com/fsnotify/fsnotify":   {"cmd/sideways"},
}

// TestLayering reads the import graph from `go list` and fails on any arrow
// the design does not allow, so that a convenient import that would couple
// the core to an adapter (or a package to the state database) is caught in
// review rather than remembered.
func TestLayering(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the import graph with go list")
	}
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		seen++
		for _, msg := range violations(p.ImportPath, p.Imports) {
			t.Error(msg)
		}
	}
	if seen < len(design)/2 {
		t.Fatalf("go list named only %d packages", seen)
	}
}

// violations lists the arrows from pkg (a full import path) that the design
// forbids.
func violations(pkg string, imports []string) []string {
	name := strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/")
	allowed, known := design[name]
	if !known {
		return []string{"package " + name + " is not in the layering design: add it to design in cmd/sideways/layering_test.go and to CONTRIBUTING.md"}
	}
	var msgs []string
	for _, imp := range imports {
		if own, ok := strings.CutPrefix(imp, module+"/"); ok {
			if !slices.Contains(allowed, "*") && !slices.Contains(allowed, own) {
				msgs = append(msgs, name+" imports "+own+": the design does not allow this arrow")
			}
			continue
		}
		for mod, users := range thirdParty {
			if (imp == mod || strings.HasPrefix(imp, mod+"/")) && !slices.Contains(users, name) {
				msgs = append(msgs, name+" imports "+imp+": only "+strings.Join(users, ", ")+" may use "+path.Base(mod))
			}
		}
	}
	return msgs
}

// TestLayeringCatchesForbiddenArrows shows the guard is not vacuous.
func TestLayeringCatchesForbiddenArrows(t *testing.T) {
	for _, c := range []struct {
		pkg     string
		imports []string
		bad     bool
	}{
		{"rules", []string{module + "/calendar", module + "/config", "time"}, false},
		{"rules", []string{module + "/daemon/state"}, true},
		{"rules", []string{module + "/calendar/google"}, true},
		{"calendar/ics", []string{"modernc.org/sqlite"}, true},
		{"daemon", []string{"google.golang.org/api/calendar/v3"}, true},
		{"install", []string{module + "/daemon"}, true},
		{"cmd/sideways", []string{module + "/daemon/state", "github.com/spf13/cobra"}, false},
		{"newpkg", nil, true},
	} {
		got := violations(module+"/"+c.pkg, c.imports)
		if (len(got) > 0) != c.bad {
			t.Errorf("%s importing %v: violations %q, want bad=%v", c.pkg, c.imports, got, c.bad)
		}
	}
}
