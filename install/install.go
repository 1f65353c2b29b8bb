// Package install registers sideways with the operating system's service
// manager (a systemd unit on Linux, a launchd agent or daemon on macOS, a
// Windows service) through github.com/kardianos/service, and renders the unit
// file or plist for "sideways service print" without installing anything.
//
// It takes the daemon as a run function and knows nothing about what it does.
//
// The unit file and the plist are rendered here, not by kardianos: v1.3.0's
// built-in systemd template hard-codes WantedBy=multi-user.target (so a user
// unit never starts at login) and RestartSec=120, and it has no public render
// function. The rendered text is handed to kardianos as its SystemdScript and
// LaunchdConfig templates; text without "{{" passes through its template
// engine byte for byte, so Print shows exactly what Install writes, and
// kardianos still does the enable and daemon-reload steps.
package install

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/kardianos/service"
)

// DefaultName is the service name when Options.Name is empty: the systemd
// unit sideways.service, the launchd label sideways, the Windows service
// sideways.
const DefaultName = "sideways"

// StopTimeout is how long Stop waits for the run function to return after
// cancelling its context (the service stops cleanly within 10 s).
const StopTimeout = 10 * time.Second

// restartDelay is how long the service manager waits before restarting the
// daemon after it failed: long enough not to hammer a broken setup, short
// enough that a crash is not noticed.
const restartDelay = 30 * time.Second

// Options describe the service. Executable and Config are required and must
// be absolute: the service manager starts the binary from its own working
// directory and with its own environment.
type Options struct {
	// Name is the service name; DefaultName if empty.
	Name string
	// DisplayName is the Windows service's display name; Name if empty.
	DisplayName string
	// Description is a one-line description of the service.
	Description string
	// Executable is the absolute path of the sideways binary the service runs.
	Executable string
	// Config is the absolute path of the config file, passed as
	// "run --config <Config>".
	Config string
	// State is the absolute state folder, passed as "--state <State>" when not
	// empty. Leave it empty unless the user chose one: the daemon then uses
	// the OS's per-user state folder of the account the service runs as.
	State string
	// System asks for a system-wide service (/etc/systemd/system,
	// /Library/LaunchDaemons) instead of a per-user one (a systemd user
	// unit, a launchd agent). Windows services are always system-wide.
	System bool
	// User is the account a system service runs as on Linux and macOS
	// (systemd's User=, launchd's UserName); without it the service would run
	// as root. A user service runs as the user who installs it, so User is
	// ignored then, as it is on Windows.
	User string
	// Logger receives the service wrapper's own messages (start, stop,
	// timeouts); nothing is logged if it is nil.
	Logger *slog.Logger
}

func (o Options) normalize() (Options, error) {
	if o.Name == "" {
		o.Name = DefaultName
	}
	if o.DisplayName == "" {
		o.DisplayName = o.Name
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	switch {
	case o.Executable == "":
		return o, errors.New("no executable for the service")
	case !filepath.IsAbs(o.Executable):
		return o, fmt.Errorf("the service's executable %q is not an absolute path", o.Executable)
	case o.Config == "":
		return o, errors.New("no config file for the service")
	case !filepath.IsAbs(o.Config):
		return o, fmt.Errorf("the service's config path %q is not an absolute path", o.Config)
	case o.State != "" && !filepath.IsAbs(o.State):
		return o, fmt.Errorf("the service's state folder %q is not an absolute path", o.State)
	case strings.ContainsAny(o.Name, " /\\\t\n"):
		return o, fmt.Errorf("service name %q may not contain spaces or slashes", o.Name)
	case strings.ContainsAny(o.User, " /\\\t\n%:"):
		return o, fmt.Errorf("user name %q may not contain spaces, slashes, colons or %%", o.User)
	}
	if !o.System {
		o.User = ""
	}
	for _, s := range []string{o.Name, o.DisplayName, o.Description, o.Executable, o.Config, o.State, o.User} {
		// kardianos runs the unit text through its template engine; "{{"
		// would be read as a template action.
		if strings.Contains(s, "{{") {
			return o, fmt.Errorf("%q: the service manager's templates cannot carry \"{{\"", s)
		}
	}
	return o, nil
}

// arguments are the command line the service manager runs after Executable.
func (o Options) arguments() []string {
	a := []string{"run", "--config", o.Config}
	if o.State != "" {
		a = append(a, "--state", o.State)
	}
	return a
}

// New returns the service described by opts. Its Install, Uninstall, Start,
// Stop, Restart and Status act on the OS service manager; Run runs the daemon
// under it: Start calls run in a goroutine with a context that Stop cancels.
//
// Signals: under Run on Linux and macOS this package, not kardianos, waits for
// SIGINT and SIGTERM (through the RunWait option), and it also returns when
// run ends by itself, so a fatal daemon error ends the process with an error
// and the service manager restarts it. SIGHUP is left alone: the daemon loop
// handles it as a reload (systemd's ExecReload sends it). On Windows the
// service control manager stops the service; if run ends by itself there, the
// process exits with status 1 so the SCM's recovery action restarts it.
func New(opts Options, run func(ctx context.Context) error) (service.Service, error) {
	if run == nil {
		return nil, errors.New("install: New needs a run function")
	}
	o, err := opts.normalize()
	if err != nil {
		return nil, err
	}
	cfg, err := serviceConfig(o, runtime.GOOS)
	if err != nil {
		return nil, err
	}
	p := &program{run: run, log: o.Logger, timeout: StopTimeout}
	cfg.Option["RunWait"] = p.wait
	if runtime.GOOS == "windows" && !service.Interactive() {
		p.onExit = func(err error) {
			p.log.Error("the daemon stopped by itself; exiting so the service manager restarts it", "err", err)
			os.Exit(1)
		}
	}
	return service.New(p, cfg)
}

// serviceConfig maps the options to kardianos' Config. The unit text and the
// plist are ours (see the package comment); the Restart, ReloadSignal and
// launchd options say the same thing for anyone reading the Config and keep
// kardianos' built-in templates equivalent should ours ever be dropped.
// Dependencies stay empty: systemd's ordering lives in our unit, and on
// Windows Dependencies name other services.
func serviceConfig(o Options, goos string) (*service.Config, error) {
	opt := service.KeyValue{
		"UserService":  !o.System, // a bool: kardianos ignores any other type
		"Restart":      "on-failure",
		"ReloadSignal": "HUP",
		"RunAtLoad":    true,
		// Windows: start after boot settles, restart after a failure.
		"DelayedAutoStart":       true,
		"OnFailure":              "restart",
		"OnFailureDelayDuration": restartDelay.String(),
		"OnFailureResetPeriod":   600, // an int: seconds without failure that reset the count
	}
	switch goos {
	case "linux":
		unit, err := systemdUnit(o)
		if err != nil {
			return nil, err
		}
		opt["SystemdScript"] = unit
	case "darwin":
		plist, err := launchdPlist(o, darwinHome)
		if err != nil {
			return nil, err
		}
		opt["LaunchdConfig"] = plist
	}
	return &service.Config{
		Name:        o.Name,
		DisplayName: o.DisplayName,
		Description: o.Description,
		Executable:  o.Executable,
		Arguments:   o.arguments(),
		Option:      opt,
	}, nil
}

// Print renders what Install would write for opts on this OS, without
// touching the system: the systemd unit on Linux, the launchd plist on macOS,
// a description of the service on Windows.
func Print(opts Options) (string, error) {
	o, err := opts.normalize()
	if err != nil {
		return "", err
	}
	return render(o, runtime.GOOS, darwinHome)
}

func render(o Options, goos string, home func() (string, error)) (string, error) {
	switch goos {
	case "darwin":
		return launchdPlist(o, home)
	case "windows":
		return windowsDescription(o), nil
	case "linux":
		return systemdUnit(o)
	}
	return "", fmt.Errorf("sideways cannot render a service definition on %s", goos)
}

// Location is the file Install writes for opts on this OS, or a description
// of where the service is registered when there is no file (Windows).
func Location(opts Options) (string, error) {
	o, err := opts.normalize()
	if err != nil {
		return "", err
	}
	return location(o, runtime.GOOS, os.UserHomeDir, darwinHome)
}

// location mirrors kardianos' paths: os.UserHomeDir for systemd user units,
// the current user's home for launchd agents.
func location(o Options, goos string, linuxHome, macHome func() (string, error)) (string, error) {
	switch goos {
	case "linux":
		if o.System {
			return "/etc/systemd/system/" + o.Name + ".service", nil
		}
		home, err := linuxHome()
		if err != nil {
			return "", err
		}
		return filepath.Join(home, ".config/systemd/user", o.Name+".service"), nil
	case "darwin":
		if o.System {
			return "/Library/LaunchDaemons/" + o.Name + ".plist", nil
		}
		home, err := macHome()
		if err != nil {
			return "", err
		}
		return home + "/Library/LaunchAgents/" + o.Name + ".plist", nil
	case "windows":
		return fmt.Sprintf("the Windows service control manager (service %q)", o.Name), nil
	}
	return "", fmt.Errorf("sideways cannot install a service on %s", goos)
}

// Installed reports whether the service's file exists (Linux, macOS). On
// other systems it reports true and leaves the answer to the service manager.
func Installed(opts Options) (bool, error) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		return true, nil
	}
	path, err := Location(opts)
	if err != nil {
		return false, err
	}
	_, err = os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// Logs tells the user where the service's log goes.
func Logs(opts Options) string {
	o, err := opts.normalize()
	if err != nil {
		o.Name = DefaultName
	}
	return logs(o, runtime.GOOS, darwinHome)
}

func logs(o Options, goos string, home func() (string, error)) string {
	switch goos {
	case "linux":
		if o.System {
			return "journalctl -u " + o.Name
		}
		return "journalctl --user -u " + o.Name
	case "darwin":
		_, errPath, err := launchdLogPaths(o, home)
		if err != nil {
			return "the launchd error log"
		}
		return errPath
	case "windows":
		return `the service's output is not kept; "sideways status" shows the last cycle`
	}
	return "the service manager's log"
}

// CheckPlatform returns an error when the detected service manager is not
// one sideways writes a definition for. On Linux that is anything but
// systemd: kardianos would fall back to a SysV init script (or refuse a user
// service) without our unit.
func CheckPlatform(s service.Service) error {
	if runtime.GOOS == "linux" && s.Platform() != "linux-systemd" {
		return fmt.Errorf("systemd is not running here (the service manager detected is %s); sideways installs systemd units only", s.Platform())
	}
	return nil
}

// TemporaryBuild reports whether path looks like a binary built by "go run"
// or "go test", which a service must not point at: "go run" builds into a
// go-build* folder under the temp folder (removed when it exits) or, since Go
// 1.24, into the build cache ($GOCACHE, by default <user cache dir>/go-build),
// which "go clean -cache" empties. Both put a folder named go-build* on the
// path.
func TemporaryBuild(path string) bool {
	dir := filepath.Dir(filepath.Clean(path))
	if c := os.Getenv("GOCACHE"); c != "" && c != "off" {
		if rel, err := filepath.Rel(filepath.Clean(c), dir); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return true
		}
	}
	for d := dir; ; d = filepath.Dir(d) {
		if strings.HasPrefix(filepath.Base(d), "go-build") {
			return true
		}
		if filepath.Dir(d) == d {
			return false
		}
	}
}

// darwinHome is the home folder kardianos uses for launchd agents: the
// current user's, else $HOME.
func darwinHome() (string, error) {
	if u, err := user.Current(); err == nil && u.HomeDir != "" {
		return u.HomeDir, nil
	}
	if h := os.Getenv("HOME"); h != "" {
		return h, nil
	}
	return "", errors.New("no home folder for the launchd agent")
}
