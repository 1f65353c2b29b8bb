package main

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/sidewayscal/sideways/daemon/state"
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
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"questions":   questionsCmd,
			"await-cycle": awaitCycleCmd,
			"sleep":       sleepCmd,
		},
		Setup: func(env *testscript.Env) error {
			env.Setenv("SIDEWAYS_STATE_DIR", env.WorkDir+"/state")
			env.Setenv("XDG_CONFIG_HOME", env.WorkDir+"/.config")
			env.Setenv("TZ", "America/New_York")
			return nil
		},
	})
}

// questionsCmd checks that every suggestion in the last command's stdout lists
// at least N prep questions, each open-ended: questions N.
func questionsCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: questions N")
	}
	n, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("questions: %v", err)
	}
	sections := strings.Split(ts.ReadFile("stdout"), "Questions to bring:\n")
	if len(sections) < 2 {
		ts.Fatalf("no suggestion with questions in stdout")
	}
	for i, sec := range sections[1:] {
		count := 0
		for _, line := range strings.Split(sec, "\n") {
			q, ok := strings.CutPrefix(line, "  - ")
			if !ok {
				break
			}
			first := strings.ToLower(strings.Fields(q)[0])
			switch first {
			case "what", "when", "where", "how", "why", "who", "what's", "which":
			default:
				ts.Fatalf("suggestion %d: question %q is not open-ended", i+1, q)
			}
			count++
		}
		if count < n {
			ts.Fatalf("suggestion %d has %d questions, want at least %d", i+1, count, n)
		}
	}
}

// awaitCycleCmd waits (up to 20 s) until the state database records a cycle:
// await-cycle.
func awaitCycleCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: await-cycle")
	}
	path := filepath.Join(ts.Getenv("SIDEWAYS_STATE_DIR"), "sideways.db")
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			db, err := state.Open(path)
			if err == nil {
				c, err := db.LastCycle(context.Background())
				db.Close()
				if err == nil && c != nil {
					return
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	ts.Fatalf("no cycle recorded within 20s")
}

// sleepCmd pauses the script: sleep DURATION.
func sleepCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sleep DURATION")
	}
	d, err := time.ParseDuration(args[0])
	if err != nil {
		ts.Fatalf("sleep: %v", err)
	}
	time.Sleep(d)
}
