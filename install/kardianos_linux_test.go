package install

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kardianos/service"
)

// fakeSystemctl is a systemctl that logs its arguments and answers
// "is-active" with "inactive" and "list-unit-files" with the unit.
const fakeSystemctl = `#!/bin/sh
echo "$@" >> "$FAKE_SYSTEMCTL_LOG"
case "$1" in
is-active) echo inactive; exit 3 ;;
list-unit-files) echo "sideways.service disabled enabled" ;;
--version) echo "systemd 252 (252.38-1~deb12u1)" ;;
esac
exit 0
`

// TestInstallWritesPrint installs a user service through kardianos into a
// temporary HOME, with fake systemctl and rpm-ostree on PATH so kardianos
// picks systemd (Appendix B of the reference), and checks that the file it
// writes is byte for byte what Print renders. Nothing outside t.TempDir() is
// touched, and the systemd actions only reach the fake.
func TestInstallWritesPrint(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"systemctl", "rpm-ostree"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(fakeSystemctl), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	logPath := filepath.Join(dir, "systemctl.log")
	home := filepath.Join(dir, "home")
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("FAKE_SYSTEMCTL_LOG", logPath)
	t.Setenv("HOME", home)

	chosen := service.ChosenSystem()
	service.ChooseSystem(service.AvailableSystems()...)
	t.Cleanup(func() {
		if chosen != nil {
			service.ChooseSystem(chosen)
		}
	})

	o := testOptions()
	o.Config = filepath.Join(dir, "my config.yaml")
	s, err := New(o, func(context.Context) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	// Never let this test write a system unit or a SysV script.
	if p := s.Platform(); p != "linux-systemd" {
		t.Fatalf("kardianos chose %s, want linux-systemd; not installing", p)
	}
	if err := CheckPlatform(s); err != nil {
		t.Fatal(err)
	}
	path, err := Location(o)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(path, home+string(filepath.Separator)) {
		t.Fatalf("Location = %s, want a path under %s; not installing", path, home)
	}
	if ok, err := Installed(o); ok || err != nil {
		t.Fatalf("Installed before Install = %v, %v", ok, err)
	}

	if err := s.Install(); err != nil {
		t.Fatal(err)
	}
	written, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	printed, err := Print(o)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(printed, string(written)); diff != "" {
		t.Errorf("installed unit differs from Print (-print +installed):\n%s", diff)
	}
	if ok, err := Installed(o); !ok || err != nil {
		t.Errorf("Installed after Install = %v, %v", ok, err)
	}
	if st, err := s.Status(); st != service.StatusStopped || err != nil {
		t.Errorf("Status() = %v, %v; want stopped", st, err)
	}
	for _, f := range []func() error{s.Start, s.Stop, s.Restart, s.Uninstall} {
		if err := f(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("unit still there after Uninstall: %v", err)
	}

	log, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	var calls []string
	for _, l := range strings.Split(strings.TrimSpace(string(log)), "\n") {
		if l != "--version" {
			calls = append(calls, l)
		}
	}
	want := []string{
		"enable --user sideways.service",
		"daemon-reload --user",
		"is-active sideways.service --user",
		"list-unit-files -t service sideways.service --user",
		"start --user sideways.service",
		"stop --user sideways.service",
		"restart --user sideways.service",
		"disable --user sideways.service",
		"daemon-reload --user",
	}
	if diff := cmp.Diff(want, calls); diff != "" {
		t.Errorf("systemctl calls (-want +got):\n%s", diff)
	}
}
