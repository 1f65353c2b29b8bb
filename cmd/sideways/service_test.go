package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// runAs runs the command line with g as its globals, as run does.
func runAs(t *testing.T, g *globals, args ...string) int {
	t.Helper()
	return runIn(t, g, nil, args...)
}

// runIn is runAs with stdin (nil: the process's).
func runIn(t *testing.T, g *globals, stdin io.Reader, args ...string) int {
	t.Helper()
	root := newRoot(g)
	if stdin != nil {
		root.SetIn(stdin)
	}
	root.SetArgs(args)
	root.SetOut(g.stdout)
	root.SetErr(g.stderr)
	cmd, err := root.ExecuteContextC(t.Context())
	return report(g.stderr, helpFor(err, cmd))
}

// TestServiceGoRun: under "go run" the binary lives in a go-build folder that
// is deleted later. print shows the unit with a warning; install refuses.
func TestServiceGoRun(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the unit is a systemd unit on Linux only")
	}
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, ".config"))
	t.Setenv("GOCACHE", "off")
	config := filepath.Join(dir, "sideways.yaml")
	ics := filepath.Join(dir, "work.ics")
	if err := os.WriteFile(config, []byte("me:\n  name: Alex Rivera\n  emails: [alex@acme.test]\ncalendars:\n  - name: work\n    ics: work.ics\nmode: report\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ics, []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nEND:VCALENDAR\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	goRun := filepath.Join(os.TempDir(), "go-build2741", "b001", "exe", "sideways")
	newGlobals := func() (*globals, *bytes.Buffer, *bytes.Buffer) {
		var out, errb bytes.Buffer
		return &globals{stdout: &out, stderr: &errb, executable: func() (string, error) { return goRun, nil }}, &out, &errb
	}

	g, out, errb := newGlobals()
	if code := runAs(t, g, "service", "print", "--config", config); code != exitOK {
		t.Fatalf("service print exited %d:\n%s", code, errb)
	}
	if !strings.Contains(out.String(), "ExecStart="+goRun+" run --config "+config) {
		t.Errorf("service print did not print the unit:\n%s", out)
	}
	for _, want := range []string{
		"sideways: warning: " + goRun + ` is a temporary build from "go run" or "go test": a service pointed at it breaks once it is cleaned up` + "\n",
		`sideways: hint: install sideways first ("go install ./cmd/sideways" in the repository), then run "sideways service print" with that binary` + "\n",
	} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("service print stderr lacks %q:\n%s", want, errb)
		}
	}

	g, out, errb = newGlobals()
	if code := runAs(t, g, "service", "install", "--config", config); code != exitError {
		t.Fatalf("service install exited %d, want %d:\n%s", code, exitError, errb)
	}
	if !strings.Contains(errb.String(), "sideways: error: "+goRun+` is a temporary build from "go run" or "go test"; the service would lose it`) ||
		!strings.Contains(errb.String(), `sideways: hint: install sideways first ("go install ./cmd/sideways" in the repository)`) {
		t.Errorf("service install did not refuse the go run build:\n%s", errb)
	}
	if out.Len() != 0 {
		t.Errorf("service install printed %q", out)
	}
	if _, err := os.Stat(filepath.Join(dir, ".config", "systemd", "user", "sideways.service")); !os.IsNotExist(err) {
		t.Errorf("service install wrote a unit for the go run build (stat: %v)", err)
	}
}
