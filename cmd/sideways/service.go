package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"github.com/kardianos/service"
	"github.com/spf13/cobra"

	"github.com/sidewayscal/sideways/install"
)

const serviceDescription = "sideways: keeps your peer relationships alive"

func newServiceCommand(g *globals) *cobra.Command {
	var (
		system bool
		runAs  string
	)
	cmd := &cobra.Command{
		Use:   "service install|uninstall|start|stop|restart|status|print [--system]",
		Short: "Install and control sideways as an OS service",
		Long: `Service registers "sideways run --config <absolute path>" with the operating
system's service manager and controls it. The service is per-user by default,
since calendars are personal: a systemd user unit on Linux, a launchd agent on
macOS. --system installs a system-wide service instead (/etc/systemd/system, a
launchd daemon), which needs root. Windows services are always system-wide and
need an administrator prompt.

The service runs this binary with the config path (--config, $SIDEWAYS_CONFIG
or the default) made absolute, and --state only when you chose a state folder
(--state or $SIDEWAYS_STATE_DIR). It restarts after a failure, not after a
clean stop, and "systemctl reload" sends SIGHUP, which reloads the config.

A system service runs as a user, never as root: --user NAME, else the user
who ran sudo, else you; as root without --user, install and print refuse.
Install the binary first ("go install ./cmd/sideways"): a binary from "go run"
lives in a temporary folder, so install refuses it and print warns.

  install    register the service (it starts at login or boot; start it now
             with "sideways service start"); refuses a config that fails check
  uninstall  stop and remove it
  start, stop, restart
  status     print running, stopped or not installed
  print      print the unit file (Linux), plist (macOS) or service description
             (Windows) that install would register, without touching the system

Exit status: 0 on success, 1 on any error, 2 on bad usage.`,
		Example: `  sideways service print
  sideways service install && sideways service start
  sideways service status
  sudo sideways service install --system --config /etc/sideways/sideways.yaml`,
		Args: args(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			return usageError{errors.New("service needs one of install, uninstall, start, stop, restart, status or print")}
		},
	}
	cmd.PersistentFlags().BoolVar(&system, "system", false, "a system-wide service instead of a per-user one (needs root or an administrator)")
	sub := func(use, short string, do func(o install.Options) error) *cobra.Command {
		return &cobra.Command{
			Use:   use + " [--system]",
			Short: short,
			Args:  args(cobra.NoArgs),
			RunE: func(*cobra.Command, []string) error {
				o, err := g.serviceOptions(system)
				if err != nil {
					return err
				}
				return do(o)
			},
		}
	}
	cmd.AddCommand(
		withUser(sub("install", "Register sideways with the service manager", func(o install.Options) error { return g.serviceInstall(o, runAs) }), &runAs),
		sub("uninstall", "Stop the service and remove it", g.serviceUninstall),
		sub("start", "Start the service", func(o install.Options) error { return g.serviceControl(o, "start") }),
		sub("stop", "Stop the service", func(o install.Options) error { return g.serviceControl(o, "stop") }),
		sub("restart", "Restart the service", func(o install.Options) error { return g.serviceControl(o, "restart") }),
		sub("status", "Print running, stopped or not installed", g.serviceStatus),
		withUser(sub("print", "Print what install would register, without installing", func(o install.Options) error { return g.servicePrint(o, runAs) }), &runAs),
	)
	return cmd
}

// runDaemon is "sideways run" without --once. From a terminal it is the
// daemon loop itself. When a service manager started the process
// (service.Interactive() is false) the loop runs under kardianos' Run: that
// is what lets the Windows service control manager start and stop it, and on
// Linux and macOS it makes a fatal daemon error end the process with status 1
// for the service manager to restart. Who handles which signal is documented
// on install.New; SIGHUP always stays with the loop (a reload).
func (g *globals) runDaemon(ctx context.Context) error {
	if service.Interactive() {
		return g.runLoop(ctx)
	}
	// systemd's ExecReload may send SIGHUP before runLoop listens for it, and
	// SIGHUP's default action would end the process ("cleanly", so systemd's
	// Restart=on-failure would not bring it back). Catch it from here on; the
	// loop's own handler still receives every SIGHUP.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGHUP)
	o, err := g.serviceOptions(false)
	if err != nil {
		return err
	}
	o.Logger = g.daemonLogger()
	s, err := install.New(o, func(sctx context.Context) error {
		sctx, cancel := context.WithCancel(sctx)
		defer cancel()
		stop := context.AfterFunc(ctx, cancel) // Main's signal context ends the loop too
		defer stop()
		return g.runLoop(sctx)
	})
	if err != nil {
		return err
	}
	return s.Run()
}

// withUser gives a service subcommand the --user flag.
func withUser(c *cobra.Command, runAs *string) *cobra.Command {
	c.Use += " [--user NAME]"
	c.Flags().StringVar(runAs, "user", "", "the account a --system service runs as (default: the user who ran sudo, else you; never root unless named)")
	return c
}

// serviceOptions describes the service for this binary and config.
func (g *globals) serviceOptions(system bool) (install.Options, error) {
	executable := os.Executable
	if g.executable != nil {
		executable = g.executable
	}
	exe, err := executable()
	if err != nil {
		return install.Options{}, fmt.Errorf("cannot find the sideways binary: %w", err)
	}
	cfg, err := g.config()
	if err != nil {
		return install.Options{}, err
	}
	if cfg, err = filepath.Abs(cfg); err != nil {
		return install.Options{}, err
	}
	o := install.Options{
		Name:        install.DefaultName,
		Description: serviceDescription,
		Executable:  exe,
		Config:      cfg,
		// Windows has no per-user services.
		System: system || runtime.GOOS == "windows",
	}
	// Only a state folder the user chose is passed on: the service does not
	// see this shell's environment.
	state := g.stateDir
	if state == "" {
		state = os.Getenv("SIDEWAYS_STATE_DIR")
	}
	if state != "" {
		if o.State, err = filepath.Abs(state); err != nil {
			return install.Options{}, err
		}
	}
	return o, nil
}

// managed returns the service to act on, refusing service managers sideways
// writes no definition for.
func (g *globals) managed(o install.Options) (service.Service, error) {
	s, err := install.New(o, g.runLoop)
	if err != nil {
		return nil, err
	}
	if err := install.CheckPlatform(s); err != nil {
		return nil, withHint(err, `run "sideways run" from your init system instead; "sideways service print" shows the systemd unit to adapt`)
	}
	return s, nil
}

func scope(o install.Options) string {
	switch {
	case runtime.GOOS == "windows":
		return "Windows"
	case o.System:
		return "system"
	}
	return "user"
}

// systemFlag is the --system to repeat in a suggested command.
func systemFlag(o install.Options) string {
	if o.System && runtime.GOOS != "windows" {
		return " --system"
	}
	return ""
}

// notInstalled is the error for acting on a service that is not there.
func notInstalled(o install.Options) error {
	hint := `run "sideways service install` + systemFlag(o) + `"`
	if runtime.GOOS != "windows" {
		other := " --system"
		if o.System {
			other = " without --system"
		}
		hint += "; or did you mean the other kind of service (" + other[1:] + ")?"
	}
	return withHint(fmt.Errorf("sideways is not installed as a %s service", scope(o)), hint)
}

// serviceFailed wraps an error from the service manager, with a hint when it
// is about permissions.
func serviceFailed(action string, o install.Options, err error) error {
	err = fmt.Errorf("%s the %s service: %w", action, scope(o), err)
	msg := strings.ToLower(err.Error())
	if errors.Is(err, fs.ErrPermission) || strings.Contains(msg, "access is denied") || strings.Contains(msg, "permission denied") {
		if o.System {
			return withHint(err, "a system service needs root (sudo) or an administrator prompt")
		}
		return withHint(err, "check that you own "+filepath.Dir(mustLocation(o)))
	}
	return err
}

func mustLocation(o install.Options) string {
	loc, err := install.Location(o)
	if err != nil {
		return "the service folder"
	}
	return loc
}

func (g *globals) serviceInstall(o install.Options, runAs string) error {
	if install.TemporaryBuild(o.Executable) {
		return withHint(fmt.Errorf("%s is a temporary build from \"go run\" or \"go test\"; the service would lose it", o.Executable),
			`install sideways first ("go install ./cmd/sideways" in the repository), then run "sideways service install" with that binary`)
	}
	if err := serviceUser(&o, runAs); err != nil {
		return err
	}
	if _, err := g.load(); err != nil {
		return err
	}
	s, err := g.managed(o)
	if err != nil {
		return err
	}
	loc, err := install.Location(o)
	if err != nil {
		return err
	}
	if ok, err := install.Installed(o); err != nil {
		return err
	} else if ok && runtime.GOOS != "windows" {
		return withHint(fmt.Errorf("sideways is already installed as a %s service: %s", scope(o), loc),
			`run "sideways service uninstall`+systemFlag(o)+`" first to change it; "sideways service restart`+systemFlag(o)+`" picks up a new binary`)
	}
	if err := s.Install(); err != nil {
		return serviceFailed("install", o, err)
	}
	fmt.Fprintf(g.stdout, "installed the %s service: %s\n", scope(o), loc)
	as := ""
	if o.User != "" {
		as = " as " + o.User
	}
	fmt.Fprintf(g.stdout, "it runs%s: %s run --config %s", as, o.Executable, o.Config)
	if o.State != "" {
		fmt.Fprintf(g.stdout, " --state %s", o.State)
	}
	fmt.Fprintln(g.stdout)
	fmt.Fprintf(g.stdout, "start it now: sideways service start%s\n", systemFlag(o))
	fmt.Fprintf(g.stdout, "logs: %s\n", install.Logs(o))
	if runtime.GOOS == "linux" && !o.System {
		fmt.Fprintln(g.stdout, "to keep it running while you are logged out: loginctl enable-linger")
	}
	return nil
}

func (g *globals) serviceUninstall(o install.Options) error {
	if ok, err := install.Installed(o); err != nil {
		return err
	} else if !ok {
		return notInstalled(o)
	}
	s, err := g.managed(o)
	if err != nil {
		return err
	}
	// kardianos' systemd Uninstall leaves a running unit running; stopping one
	// that is not running is harmless, so the error is not interesting.
	_ = s.Stop()
	if err := s.Uninstall(); err != nil {
		return serviceFailed("uninstall", o, err)
	}
	fmt.Fprintf(g.stdout, "uninstalled the %s service\n", scope(o))
	return nil
}

func (g *globals) serviceControl(o install.Options, action string) error {
	if ok, err := install.Installed(o); err != nil {
		return err
	} else if !ok {
		return notInstalled(o)
	}
	s, err := g.managed(o)
	if err != nil {
		return err
	}
	do, done := s.Start, "started"
	switch action {
	case "stop":
		do, done = s.Stop, "stopped"
	case "restart":
		do, done = s.Restart, "restarted"
	}
	if err := do(); err != nil {
		return withHint(serviceFailed(action, o, err), "see the log: "+install.Logs(o))
	}
	fmt.Fprintf(g.stdout, "%s the %s service\n", done, scope(o))
	return nil
}

func (g *globals) serviceStatus(o install.Options) error {
	if ok, err := install.Installed(o); err != nil {
		return err
	} else if !ok {
		fmt.Fprintln(g.stdout, "not installed")
		return nil
	}
	s, err := g.managed(o)
	if err != nil {
		return err
	}
	st, err := s.Status()
	switch {
	case errors.Is(err, service.ErrNotInstalled):
		fmt.Fprintln(g.stdout, "not installed")
	case err != nil && strings.Contains(err.Error(), "failed state"):
		fmt.Fprintln(g.stdout, "failed")
		return withHint(fmt.Errorf("the %s service has failed", scope(o)), "see the log: "+install.Logs(o))
	case err != nil:
		return serviceFailed("query", o, err)
	case st == service.StatusRunning:
		fmt.Fprintln(g.stdout, "running")
	case st == service.StatusStopped:
		fmt.Fprintln(g.stdout, "stopped")
	default:
		fmt.Fprintln(g.stdout, "unknown")
	}
	return nil
}

func (g *globals) servicePrint(o install.Options, runAs string) error {
	if err := serviceUser(&o, runAs); err != nil {
		return err
	}
	if install.TemporaryBuild(o.Executable) {
		fmt.Fprintf(g.stderr, "sideways: warning: %s is a temporary build from \"go run\" or \"go test\": a service pointed at it breaks once it is cleaned up\n", o.Executable)
		fmt.Fprintln(g.stderr, `sideways: hint: install sideways first ("go install ./cmd/sideways" in the repository), then run "sideways service print" with that binary`)
	}
	text, err := install.Print(o)
	if err != nil {
		return err
	}
	fmt.Fprint(g.stdout, text)
	return nil
}
