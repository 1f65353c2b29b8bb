package install

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/kardianos/service"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func testOptions() Options {
	return Options{
		Description: "sideways: keeps your peer relationships alive",
		Executable:  "/usr/local/bin/sideways",
		Config:      "/home/alex/.config/sideways/sideways.yaml",
	}
}

func TestServiceConfig(t *testing.T) {
	withState := testOptions()
	withState.State = "/srv/sideways state"
	system := testOptions()
	system.System = true
	for _, tc := range []struct {
		name     string
		opts     Options
		wantArgs []string
		wantUser bool
	}{
		{"user", testOptions(), []string{"run", "--config", "/home/alex/.config/sideways/sideways.yaml"}, true},
		{"state", withState, []string{"run", "--config", "/home/alex/.config/sideways/sideways.yaml", "--state", "/srv/sideways state"}, true},
		{"system", system, []string{"run", "--config", "/home/alex/.config/sideways/sideways.yaml"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := tc.opts.normalize()
			if err != nil {
				t.Fatal(err)
			}
			got, err := serviceConfig(o, "linux")
			if err != nil {
				t.Fatal(err)
			}
			want := &service.Config{
				Name:        "sideways",
				DisplayName: "sideways",
				Description: "sideways: keeps your peer relationships alive",
				Executable:  "/usr/local/bin/sideways",
				Arguments:   tc.wantArgs,
			}
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(service.Config{}, "Option")); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
			unit, err := systemdUnit(o)
			if err != nil {
				t.Fatal(err)
			}
			wantOpt := service.KeyValue{
				"UserService":            tc.wantUser,
				"Restart":                "on-failure",
				"ReloadSignal":           "HUP",
				"RunAtLoad":              true,
				"DelayedAutoStart":       true,
				"OnFailure":              "restart",
				"OnFailureDelayDuration": "30s",
				"OnFailureResetPeriod":   600,
				"SystemdScript":          unit,
			}
			if diff := cmp.Diff(wantOpt, got.Option); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
			// kardianos reads UserService with a strict type assertion.
			if _, ok := got.Option["UserService"].(bool); !ok {
				t.Errorf("UserService is a %T, want bool", got.Option["UserService"])
			}
			if strings.Contains(unit, "{{") {
				t.Errorf("unit contains a template action:\n%s", unit)
			}
		})
	}
}

func TestServiceConfigDarwin(t *testing.T) {
	o, err := testOptions().normalize()
	if err != nil {
		t.Fatal(err)
	}
	got, err := serviceConfig(o, "darwin")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got.Option["SystemdScript"]; ok {
		t.Error("darwin config carries a SystemdScript")
	}
	if p, _ := got.Option["LaunchdConfig"].(string); !strings.Contains(p, "<string>run</string>") {
		t.Errorf("LaunchdConfig = %q, want the plist", p)
	}
}

func TestNormalizeRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Options)
		want string
	}{
		{"no executable", func(o *Options) { o.Executable = "" }, "no executable"},
		{"relative executable", func(o *Options) { o.Executable = "sideways" }, "not an absolute path"},
		{"no config", func(o *Options) { o.Config = "" }, "no config"},
		{"relative config", func(o *Options) { o.Config = "sideways.yaml" }, "not an absolute path"},
		{"relative state", func(o *Options) { o.State = "state" }, "not an absolute path"},
		{"name with space", func(o *Options) { o.Name = "side ways" }, "may not contain"},
		{"template action", func(o *Options) { o.Config = "/x/{{Name}}.yaml" }, `cannot carry "{{"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := testOptions()
			tc.edit(&o)
			_, err := o.normalize()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("normalize() = %v, want an error containing %q", err, tc.want)
			}
			if _, err := Print(o); err == nil {
				t.Errorf("Print accepted %+v", o)
			}
		})
	}
}

func TestNewNeedsRun(t *testing.T) {
	if _, err := New(testOptions(), nil); err == nil {
		t.Error("New(opts, nil) succeeded")
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", name, diff)
	}
}

func fixedHome() (string, error) { return "/Users/alex", nil }

func TestGolden(t *testing.T) {
	system := testOptions()
	system.System = true
	system.State = "/var/lib/sideways"
	system.User = "alex"
	for _, tc := range []struct {
		file string
		opts Options
		goos string
	}{
		{"user.service", testOptions(), "linux"},
		{"system.service", system, "linux"},
		{"user.plist", testOptions(), "darwin"},
		{"system.plist", system, "darwin"},
		{"windows.txt", system, "windows"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			o, err := tc.opts.normalize()
			if err != nil {
				t.Fatal(err)
			}
			got, err := render(o, tc.goos, fixedHome)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.file, got)
		})
	}
}

func TestPrintIsThisOS(t *testing.T) {
	o, err := testOptions().normalize()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Print(o)
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" && runtime.GOOS != "windows" {
		if err == nil {
			t.Errorf("Print on %s succeeded", runtime.GOOS)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	want, err := render(o, runtime.GOOS, darwinHome)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("Print() = %q, want %q", got, want)
	}
}

func TestSystemdWord(t *testing.T) {
	for in, want := range map[string]string{
		"run":                 "run",
		"--config":            "--config",
		"/home/alex/s.yaml":   "/home/alex/s.yaml",
		"/home/alex/my s.yml": `"/home/alex/my s.yml"`,
		"100%":                "100%%",
		"$HOME":               "$$HOME",
		"/opt/$x/%i":          "/opt/$$x/%%i", // as an argument
		`a"b`:                 `"a\"b"`,
		`C:\x`:                `"C:\\x"`,
		"it's":                `"it\'s"`,
		"a\nb":                `"a\x0ab"`,
		"":                    `""`,
		";":                   `";"`,
	} {
		if got := systemdWord(in, true); got != want {
			t.Errorf("systemdWord(%q) = %s, want %s", in, got, want)
		}
	}
	if got, want := systemdWord("/opt/$x/%i", false), "/opt/$x/%%i"; got != want {
		t.Errorf("systemdWord(path) = %s, want %s", got, want)
	}
}

func TestLocationAndLogs(t *testing.T) {
	home := func() (string, error) { return "/home/alex", nil }
	system := testOptions()
	system.System = true
	for _, tc := range []struct {
		goos     string
		opts     Options
		wantPath string
		wantLogs string
	}{
		{"linux", testOptions(), "/home/alex/.config/systemd/user/sideways.service", "journalctl --user -u sideways"},
		{"linux", system, "/etc/systemd/system/sideways.service", "journalctl -u sideways"},
		{"darwin", testOptions(), "/Users/alex/Library/LaunchAgents/sideways.plist", "/Users/alex/Library/Logs/sideways.err.log"},
		{"darwin", system, "/Library/LaunchDaemons/sideways.plist", "/Library/Logs/sideways.err.log"},
	} {
		o, err := tc.opts.normalize()
		if err != nil {
			t.Fatal(err)
		}
		got, err := location(o, tc.goos, home, fixedHome)
		if err != nil || got != tc.wantPath {
			t.Errorf("location(%s, system=%v) = %q, %v; want %q", tc.goos, o.System, got, err, tc.wantPath)
		}
		if got := logs(o, tc.goos, fixedHome); got != tc.wantLogs {
			t.Errorf("logs(%s, system=%v) = %q, want %q", tc.goos, o.System, got, tc.wantLogs)
		}
	}
}

func TestTemporaryBuild(t *testing.T) {
	t.Setenv("GOCACHE", "/srv/gocache")
	for path, want := range map[string]bool{
		"/tmp/go-build1084798135/b001/exe/sideways":                           true, // go run, first time
		"/root/.cache/go-build/97/976d494df132b1cc0fb0ab5da5bee95-d/sideways": true, // go run, cached (Go 1.24+)
		"/srv/gocache/97/976d494df132b1cc0fb0ab5da5bee95-d/sideways":          true, // custom GOCACHE
		"/tmp/go-build123/b001/install.test":                                  true, // go test
		"/usr/local/bin/sideways":                                             false,
		"/home/alex/go/bin/sideways":                                          false,
		"/tmp/testscript-main42/bin/sideways":                                 false,
		"/srv/gocache-old/sideways":                                           false,
	} {
		if got := TemporaryBuild(path); got != want {
			t.Errorf("TemporaryBuild(%q) = %v, want %v", path, got, want)
		}
	}
}

// TestSystemdAnalyzeVerify has systemd check the rendered units, pointing
// ExecStart at a real executable in a folder whose name needs quoting.
func TestSystemdAnalyzeVerify(t *testing.T) {
	const analyze = "/usr/bin/systemd-analyze"
	if _, err := os.Stat(analyze); err != nil {
		t.Skipf("no %s: cannot have systemd verify the unit", analyze)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "my bin %d $x", "sideways")
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, system := range []bool{false, true} {
		o := testOptions()
		o.Executable = bin
		o.Config = filepath.Join(dir, "my config.yaml")
		o.State = filepath.Join(dir, "state")
		o.System = system
		if system {
			me, err := user.Current()
			if err != nil {
				t.Fatal(err)
			}
			o.User = me.Username
		}
		o, err := o.normalize()
		if err != nil {
			t.Fatal(err)
		}
		unit, err := systemdUnit(o)
		if err != nil {
			t.Fatal(err)
		}
		udir := filepath.Join(dir, "unit", "user")
		if system {
			udir = filepath.Join(dir, "unit", "system")
		}
		if err := os.MkdirAll(udir, 0o755); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(udir, "sideways.service")
		if err := os.WriteFile(path, []byte(unit), 0o644); err != nil {
			t.Fatal(err)
		}
		args := []string{"verify", path}
		if !system {
			args = []string{"verify", "--user", path}
		}
		cmd := exec.Command(analyze, args...)
		// A user manager needs a runtime folder; give it a private one.
		runtimeDir := filepath.Join(dir, "runtime")
		if err := os.MkdirAll(runtimeDir, 0o700); err != nil {
			t.Fatal(err)
		}
		cmd.Env = append(os.Environ(), "XDG_RUNTIME_DIR="+runtimeDir, "SYSTEMD_LOG_LEVEL=notice")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err = cmd.Run()
		// Any output is a warning: about this unit, or about what it names
		// (a dependency a user manager cannot have, an unknown user).
		if err != nil || strings.TrimSpace(out.String()) != "" {
			t.Errorf("systemd-analyze %s: %v\n%s\nunit:\n%s", strings.Join(args, " "), err, out.String(), unit)
		}
	}
}
