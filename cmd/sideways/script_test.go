package main

import (
	"context"
	"errors"
	"flag"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
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
			"questions":          questionsCmd,
			"await-cycle":        awaitCycleCmd,
			"exitcode":           exitCodeCmd,
			"feed-server":        feedServerCmd,
			"random-file":        randomFileCmd,
			"await-failed-cycle": awaitFailedCycleCmd,
			"start":              startCmd,
			"await":              awaitCmd,
			"signal":             signalCmd,
			"stopped":            stoppedCmd,
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

// awaitLimit bounds every wait of a script: generous, since it only fails a
// test that would otherwise hang.
const awaitLimit = 20 * time.Second

// awaitCycleCmd waits until the state database records a cycle: await-cycle.
func awaitCycleCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: await-cycle")
	}
	path := filepath.Join(ts.Getenv("SIDEWAYS_STATE_DIR"), "sideways.db")
	deadline := time.Now().Add(awaitLimit)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			db, err := state.OpenReadOnly(path)
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
	ts.Fatalf("no cycle recorded within %s", awaitLimit)
}

// exitCodeCmd runs a command as exec does and checks its exit code:
// exitcode N COMMAND [ARGS...]. Its output is then stdout and stderr.
func exitCodeCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N COMMAND [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: %v", err)
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}

// feedServerCmd starts a loopback HTTP server for ICS feeds, for the rest of
// the script, and writes its URL over every FEED_URL in the named files:
// feed-server FILE.... It serves the script's files by path, except
// /404.ics (404 Not Found), /random.ics (bytes that are not text) and
// /hang.ics (never answers; the request ends when the client gives up).
func feedServerCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: feed-server FILE...")
	}
	dir := ts.Getenv("WORK")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/404.ics":
			http.NotFound(w, r)
		case "/random.ics":
			w.Write(randomBytes(4096))
		case "/hang.ics":
			<-r.Context().Done()
		default:
			http.ServeFile(w, r, filepath.Join(dir, filepath.FromSlash(path.Clean(r.URL.Path))))
		}
	}))
	ts.Defer(srv.Close)
	for _, f := range args {
		ts.Check(os.WriteFile(ts.MkAbs(f), []byte(strings.ReplaceAll(ts.ReadFile(f), "FEED_URL", srv.URL)), 0o600))
	}
}

// randomFileCmd writes N bytes that are not text: random-file FILE N.
func randomFileCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: random-file FILE N")
	}
	n, err := strconv.Atoi(args[1])
	if err != nil {
		ts.Fatalf("random-file: %v", err)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), randomBytes(n), 0o600))
}

// randomBytes returns n pseudo-random bytes, the same every time.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return b
}

// awaitFailedCycleCmd waits (up to 20 s) until the state database records a
// failed cycle whose error contains TEXT: await-failed-cycle TEXT.
func awaitFailedCycleCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: await-failed-cycle TEXT")
	}
	path := filepath.Join(ts.Getenv("SIDEWAYS_STATE_DIR"), "sideways.db")
	deadline := time.Now().Add(20 * time.Second)
	var last *state.Cycle
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			if db, err := state.Open(path); err == nil {
				c, err := db.LastCycle(context.Background())
				db.Close()
				if err == nil && c != nil {
					last = c
					if !c.OK && strings.Contains(c.Err, args[0]) {
						return
					}
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	ts.Fatalf("no failed cycle with %q recorded within 20s; last: %+v", args[0], last)
}

// A proc is a program a script started in the background with start.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when it has exited
	err  error         // cmd.Wait's, once done
}

var (
	procsMu sync.Mutex
	procs   = map[*testscript.TestScript]map[string]*proc{}
)

func lookupProc(ts *testscript.TestScript, name string) *proc {
	procsMu.Lock()
	defer procsMu.Unlock()
	p := procs[ts][name]
	if p == nil {
		ts.Fatalf("no process %q was started", name)
	}
	return p
}

// startCmd starts a program in the background, its output going to the files
// NAME.stdout and NAME.stderr, which the script can wait on (await) while it
// runs: start NAME PROGRAM [ARGS...]. (testscript's own "exec … &" keeps the
// output in memory until the program ends.) A program still running when the
// script ends is killed.
func startCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: start NAME PROGRAM [ARGS...]")
	}
	name := args[0]
	path, err := exec.LookPath(args[1])
	ts.Check(err)
	cmd := exec.Command(path, args[2:]...)
	cmd.Dir = ts.MkAbs(".")
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "WORK", "TZ", "GOCOVERDIR",
		"SIDEWAYS_STATE_DIR", "SIDEWAYS_CONFIG", "SIDEWAYS_NOW", "XDG_CONFIG_HOME", "XDG_STATE_HOME"} {
		if v := ts.Getenv(k); v != "" {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	stdout, err := os.Create(ts.MkAbs(name + ".stdout"))
	ts.Check(err)
	stderr, err := os.Create(ts.MkAbs(name + ".stderr"))
	ts.Check(err)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		ts.Fatalf("start %s: %v", name, err)
	}
	p := &proc{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		stdout.Close()
		stderr.Close()
		close(p.done)
	}()
	procsMu.Lock()
	if procs[ts] == nil {
		procs[ts] = map[string]*proc{}
	}
	procs[ts][name] = p
	procsMu.Unlock()
	ts.Defer(func() {
		select {
		case <-p.done:
		default:
			cmd.Process.Kill()
			<-p.done
		}
		procsMu.Lock()
		delete(procs, ts)
		procsMu.Unlock()
	})
}

// awaitCmd waits until a file (the output of a started program, say) matches
// a regular expression: await FILE REGEXP.
func awaitCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: await FILE REGEXP")
	}
	re, err := regexp.Compile(args[1])
	ts.Check(err)
	deadline := time.Now().Add(awaitLimit)
	for {
		b, _ := os.ReadFile(ts.MkAbs(args[0]))
		if re.Match(b) {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("%s did not match %q within %s; it holds:\n%s", args[0], args[1], awaitLimit, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// signalCmd sends a signal to a started program: signal NAME INT|TERM|HUP.
func signalCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: signal NAME INT|TERM|HUP")
	}
	sig, ok := map[string]os.Signal{"INT": os.Interrupt, "TERM": syscall.SIGTERM, "HUP": syscall.SIGHUP}[args[1]]
	if !ok {
		ts.Fatalf("signal: unknown signal %q", args[1])
	}
	ts.Check(lookupProc(ts, args[0]).cmd.Process.Signal(sig))
}

// stoppedCmd waits until a started program exits, failing when it takes
// longer than WITHIN or ends with another status: stopped NAME STATUS WITHIN.
func stoppedCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: stopped NAME STATUS WITHIN")
	}
	p := lookupProc(ts, args[0])
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	within, err := time.ParseDuration(args[2])
	ts.Check(err)
	select {
	case <-p.done:
	case <-time.After(within):
		ts.Fatalf("%s did not stop within %s", args[0], within)
	}
	if got := p.cmd.ProcessState.ExitCode(); got != want {
		ts.Fatalf("%s exited with status %d (%v), want %d", args[0], got, p.err, want)
	}
}
