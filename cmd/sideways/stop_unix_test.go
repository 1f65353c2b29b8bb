//go:build unix

package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sidewayscal/sideways/calendar/google/googletest"
)

// sidewaysProc is the sideways binary running as its own process: the test
// binary, which testscript.Main put on PATH under that name.
type sidewaysProc struct {
	cmd    *exec.Cmd
	stderr string // its stderr's file
	done   chan struct{}
}

// start runs sideways with args as a process of its own, in the world's
// environment and at its clock.
func (w *gworld) start(args ...string) *sidewaysProc {
	w.t.Helper()
	path, err := exec.LookPath("sideways")
	if err != nil {
		w.t.Fatal(err)
	}
	f, err := os.CreateTemp(w.dir, "stderr-*")
	if err != nil {
		w.t.Fatal(err)
	}
	cmd := exec.Command(path, args...)
	cmd.Env = append(os.Environ(), "SIDEWAYS_NOW="+w.now.Format(time.RFC3339))
	cmd.Stderr = f
	if err := cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	p := &sidewaysProc{cmd: cmd, stderr: f.Name(), done: make(chan struct{})}
	go func() {
		cmd.Wait()
		f.Close()
		close(p.done)
	}()
	w.t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// exit waits for the process to end and returns its status and stderr; it
// fails the test when that takes longer than within.
func (p *sidewaysProc) exit(t *testing.T, within time.Duration) (int, string) {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(within):
		p.cmd.Process.Kill()
		<-p.done
		b, _ := os.ReadFile(p.stderr)
		t.Fatalf("sideways %s did not exit within %s of the signal; stderr:\n%s", strings.Join(p.cmd.Args[1:], " "), within, b)
	}
	b, _ := os.ReadFile(p.stderr)
	return p.cmd.ProcessState.ExitCode(), string(b)
}

// waitFor polls cond for up to 20 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRunStopsOnSignalWhileGoogleStalls is a liveness bound, not a timing
// test: sideways run, mid-cycle on a Google server that never answers, stops
// on SIGTERM within 10 seconds, exit status 0; run --once stops on SIGINT,
// says it was interrupted, and exits 130.
func TestRunStopsOnSignalWhileGoogleStalls(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		sig    syscall.Signal
		status int
		want   string
	}{
		{[]string{"run"}, syscall.SIGTERM, 0, `msg="sideways stopped"`},
		{[]string{"run", "--once"}, syscall.SIGINT, 130, "sideways: interrupted\n"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			w := newGWorld(t, "propose")
			w.srv.FailNext(googletest.RouteList, 1000, googletest.Fault{Stall: true})
			p := w.start(tc.args...)
			waitFor(t, "the cycle waits on Google", func() bool { return w.srv.Count(googletest.RouteList) > 0 })
			if err := p.cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			status, stderr := p.exit(t, 10*time.Second)
			if status != tc.status || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit status %d, want %d, and %q on stderr; stderr:\n%s", status, tc.status, tc.want, stderr)
			}
			for _, bad := range []string{"cycle failed", "context canceled", "deprecated", "panic"} {
				if strings.Contains(stderr, bad) {
					t.Errorf("stderr says %q:\n%s", bad, stderr)
				}
			}
		})
	}
}

// TestRunStopsOnSIGTERMOnAHostileFeed: a feed whose recurrence rules never
// match (FREQ=HOURLY;BYSETPOS=2 from 2020), and a rule whose condition passes
// the cost estimate but runs into the cost limit for each of 200 peers with
// 60 tags, keep a cycle busy in work that may not look at the signal.
// sideways run still exits 0 within 10 seconds of SIGTERM: by itself if the
// work stops, else when the grace runs out.
func TestRunStopsOnSIGTERMOnAHostileFeed(t *testing.T) {
	dir := t.TempDir()
	feed := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
	for i := range 4 {
		feed += fmt.Sprintf("BEGIN:VEVENT\r\nUID:spin%d\r\nDTSTART:20200101T000000Z\r\nDTEND:20200101T003000Z\r\n"+
			"RRULE:FREQ=HOURLY;BYSETPOS=2\r\nSUMMARY:spin\r\nEND:VEVENT\r\n", i)
	}
	feed += "END:VCALENDAR\r\n"
	if err := os.WriteFile(filepath.Join(dir, "spin.ics"), []byte(feed), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "sideways.yaml")
	if err := os.WriteFile(cfg, []byte(`me:
  name: Alex Rivera
  emails: [alex@acme.test]
  timezone: America/New_York
calendars:
  - name: spin
    ics: spin.ics
mode: report
rules:
  - name: tag pairs
    when: 'peer.tags.all(x, peer.tags.all(y, x != y || x == y))'
    cadence: weekly
peers:
`+slowPeers(200)), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SIDEWAYS_CONFIG", cfg)
	t.Setenv("SIDEWAYS_STATE_DIR", filepath.Join(dir, "state"))
	w := &gworld{t: t, dir: dir, now: time.Now()}
	p := w.start("run")
	waitFor(t, "the daemon runs", func() bool {
		b, _ := os.ReadFile(p.stderr)
		return strings.Contains(string(b), `msg="sideways running"`)
	})
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if status, stderr := p.exit(t, 10*time.Second); status != 0 || strings.Contains(stderr, "panic") {
		t.Errorf("exit status %d, want 0; stderr:\n%s", status, stderr)
	}
}

// TestCtrlCStopsReadingCommands: plan and status, waiting on an ICS feed that
// never answers, stop at SIGINT: "interrupted", exit 130.
func TestCtrlCStopsReadingCommands(t *testing.T) {
	arrived := make(chan struct{}, 10)
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	defer srv.Close()
	defer close(stop)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sideways.yaml")
	if err := os.WriteFile(cfg, []byte(`me:
  name: Alex Rivera
  emails: [alex@acme.test]
  timezone: America/New_York
calendars:
  - name: offsites
    ics: `+srv.URL+`/offsites.ics
mode: report
`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SIDEWAYS_CONFIG", cfg)
	t.Setenv("SIDEWAYS_STATE_DIR", filepath.Join(dir, "state"))
	w := &gworld{t: t, dir: dir, now: time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)}
	for _, command := range []string{"plan", "status"} {
		p := w.start(command)
		select {
		case <-arrived:
		case <-time.After(20 * time.Second):
			t.Fatalf("%s never asked for the feed", command)
		}
		if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		if status, stderr := p.exit(t, 10*time.Second); status != 130 || stderr != "sideways: interrupted\n" {
			t.Errorf("%s: exit status %d, stderr %q; want 130 and \"sideways: interrupted\"", command, status, stderr)
		}
	}
}

// TestConcurrentRunsLogEachEventOnce: two run --once at the same moment, as
// two processes on one state folder, both succeed; their cycles take turns
// (the state folder's cycle lease), so each peer gets one suggestion, never
// one from each planner, and the audit log lists each event on the calendar
// once. The next cycle finds nothing to change.
func TestConcurrentRunsLogEachEventOnce(t *testing.T) {
	for trial := range 4 {
		w := newGWorld(t, "propose")
		w.srv.Insert("primary", gEvent("dana1", "Dana / Alex", w.now.AddDate(0, 0, -40), gOwner, "dana@acme.test"))
		a, b := w.start("run", "--once"), w.start("run", "--once")
		sa, ea := a.exit(t, 60*time.Second)
		sb, eb := b.exit(t, 60*time.Second)
		if sa != 0 || sb != 0 {
			t.Fatalf("trial %d: exit statuses %d and %d, want 0 and 0\n%s\n%s", trial, sa, sb, ea, eb)
		}
		var log []auditJSON
		if err := json.Unmarshal([]byte(w.sideways(true, "log", "--json")), &log); err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		var actions []string
		for _, e := range log {
			seen[e.EventID]++
			actions = append(actions, e.Action)
		}
		t.Logf("trial %d: audit %q", trial, actions)
		live := 0
		for _, evs := range w.ours() {
			for _, e := range evs {
				live++
				if seen[e.Id] != 1 {
					t.Errorf("trial %d: event %s is in the log %d times: %+v", trial, e.Id, seen[e.Id], log)
				}
			}
		}
		if len(log) != live {
			t.Errorf("trial %d: log has %d entries for %d events: %+v", trial, len(log), live, log)
		}
		if ours := w.ours(); len(ours) != 2 || len(ours["dana@acme.test"]) != 1 || len(ours["bo@acme.test"]) != 1 {
			t.Errorf("trial %d: after the two runs, suggestions = %v, want one per peer", trial, ours)
		}
		w.now = w.now.Add(time.Minute)
		w.sideways(true, "run", "--once")
		if ours := w.ours(); len(ours) != 2 || len(ours["dana@acme.test"]) != 1 || len(ours["bo@acme.test"]) != 1 {
			t.Errorf("trial %d: after one more cycle, suggestions = %v, want one per peer", trial, ours)
		}
		if log2 := w.sideways(true, "log", "--json"); strings.Count(log2, `"action"`) != len(log) {
			t.Errorf("trial %d: the next cycle wrote more:\n%s", trial, log2)
		}
	}
}

// TestReadOnlyStateFolder: plan, status and log work on a state folder the
// user cannot write, and change nothing in it. Root ignores file modes, so a
// test running as root runs the commands as nobody, on a folder and database
// owned by root; otherwise the folder is made 0500 and the database 0400.
func TestReadOnlyStateFolder(t *testing.T) {
	w := newGWorld(t, "propose")
	w.srv.Insert("primary", gEvent("dana1", "Dana / Alex", w.now.AddDate(0, 0, -40), gOwner, "dana@acme.test"))
	w.sideways(true, "run", "--once")
	dir := filepath.Join(w.dir, "state")
	db := filepath.Join(dir, "sideways.db")
	before := fileSum(t, db)
	w.now = w.now.Add(time.Hour)
	sideways := func(args ...string) string { return w.sideways(true, args...) }
	if os.Geteuid() == 0 {
		sideways = w.asNobody(t, db)
	} else {
		if err := os.Chmod(db, 0o400); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			os.Chmod(dir, 0o700)
			os.Chmod(db, 0o600)
		})
	}
	if out := sideways("status"); !strings.Contains(out, "suggested") {
		t.Errorf("status on a read-only folder:\n%s", out)
	}
	sideways("plan")
	if out := sideways("log"); !strings.Contains(out, "propose") {
		t.Errorf("log on a read-only folder:\n%s", out)
	}
	if fileSum(t, db) != before {
		t.Error("a read-only command changed the state database")
	}
}

// asNobody returns a runner of sideways as the user nobody, who may read the
// world's config and state database but write nothing of it: a copy of the
// binary and every folder on the way are opened to all for reading.
func (w *gworld) asNobody(t *testing.T, db string) func(args ...string) string {
	t.Helper()
	exe, err := exec.LookPath("sideways")
	if err != nil {
		t.Fatal(err)
	}
	bin, err := os.MkdirTemp("", "sideways-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(bin) })
	b, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	copyExe := filepath.Join(bin, "sideways")
	if err := os.WriteFile(copyExe, b, 0o755); err != nil {
		t.Fatal(err)
	}
	// Open the test's own folders, from the database up to (not including)
	// the system's temporary folder: that one is shared (mode 1777) and is
	// never ours to change.
	open := []string{bin}
	tmp := filepath.Clean(os.TempDir())
	for p := filepath.Dir(db); p != tmp && p != filepath.Dir(p) && strings.HasPrefix(p, tmp+string(filepath.Separator)); p = filepath.Dir(p) {
		open = append(open, p)
	}
	for _, p := range open {
		if err := os.Chmod(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{db, filepath.Join(w.dir, "sideways.yaml")} {
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return func(args ...string) string {
		t.Helper()
		cmd := exec.Command(copyExe, args...)
		cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=/nonexistent", "TZ=America/New_York",
			"SIDEWAYS_CONFIG=" + os.Getenv("SIDEWAYS_CONFIG"), "SIDEWAYS_STATE_DIR=" + filepath.Dir(db),
			"SIDEWAYS_NOW=" + w.now.Format(time.RFC3339)}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("sideways %s as nobody: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// TestSecondSignalOrGraceEndsTheProcess: a command that ignores its context
// (a computation stuck where it cannot see it) still ends: at a second
// signal at once, else after the grace period.
func TestSecondSignalOrGraceEndsTheProcess(t *testing.T) {
	for _, second := range []bool{true, false} {
		sigs := make(chan os.Signal, 2)
		done := make(chan struct{})
		exited := make(chan struct{})
		var cause error
		ctx, cancel := context.WithCancelCause(context.Background())
		var msgs strings.Builder
		go watchSignals(sigs, done, cancel, 200*time.Millisecond, func() { close(exited) }, &msgs)
		sigs <- syscall.SIGTERM
		<-ctx.Done()
		cause = context.Cause(ctx)
		if second {
			sigs <- syscall.SIGTERM
		}
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			t.Fatal("the process was not ended")
		}
		if cause.Error() != "interrupted (SIGTERM)" || !errors.Is(cause, context.Canceled) {
			t.Errorf("cause = %v, want interrupted (SIGTERM), matching context.Canceled", cause)
		}
		if want := map[bool]string{true: "SIGTERM again", false: "still busy 200 milliseconds after SIGTERM"}[second]; !strings.Contains(msgs.String(), want) {
			t.Errorf("message %q, want %q", msgs.String(), want)
		}
		close(done)
	}
}

// slowPeers is a roster of n peers with 60 tags each: enough for a condition
// over every pair of tags to reach the cost limit for each of them.
func slowPeers(n int) string {
	var b strings.Builder
	tags := make([]string, 60)
	for i := range tags {
		tags[i] = fmt.Sprintf("t%d", i)
	}
	for i := range n {
		fmt.Fprintf(&b, "  - name: Peer %d\n    email: p%d@acme.test\n    tags: [%s]\n", i, i, strings.Join(tags, ", "))
	}
	return b.String()
}
