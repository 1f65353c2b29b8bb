package main

import (
	"flag"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the golden files of testscript cases from actual output")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"sideways": func() { os.Exit(Main()) },
	})
}

// TestScript runs the CLI cases in testdata/script, one behaviour per file.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("SIDEWAYS_STATE_DIR", env.WorkDir+"/state")
			env.Setenv("XDG_CONFIG_HOME", env.WorkDir+"/.config")
			env.Setenv("TZ", "America/New_York")
			return nil
		},
	})
}
