package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	_ "time/tzdata" // peers' zones must resolve on hosts without a zone database

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/config"
	"github.com/sidewayscal/sideways/daemon"
	"github.com/sidewayscal/sideways/rules"
)

// Exit codes, decided here and nowhere else.
const (
	exitOK    = 0
	exitError = 1 // any failure, bad config included
	exitUsage = 2 // bad flags or arguments
	// exitUnread: a calendar could not be read at all, so nothing was planned
	// (run --once, plan); a service supervisor can tell it from other failures.
	exitUnread      = 3
	exitInterrupted = 130 // a one-shot command stopped by SIGINT or SIGTERM (128 + SIGINT)
)

// stopGrace is how long a command has, after SIGINT or SIGTERM, to stop by
// itself (every cycle, request and read watches its context) before the
// process exits anyway: a computation that ignores its context cannot keep
// sideways from stopping. A second signal exits at once.
const stopGrace = 5 * time.Second

// interrupted is the cause of the command's context when a signal stops it.
// It matches context.Canceled.
type interrupted struct{ sig os.Signal }

func (e interrupted) Error() string        { return "interrupted (" + signalName(e.sig) + ")" }
func (e interrupted) Is(target error) bool { return target == context.Canceled }

func signalName(sig os.Signal) string {
	switch sig {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return sig.String()
}

// stopCode is the exit code a signal ends the process with when the command
// does not stop by itself in time: exitInterrupted, or exitOK for the daemon
// loop, whose stopping on a signal is its normal end.
type stopCode struct{ atomic.Int32 }

type stopCodeKey struct{}

// stopsCleanly marks ctx's command as one a signal ends with exitOK.
func stopsCleanly(ctx context.Context) {
	if c, ok := ctx.Value(stopCodeKey{}).(*stopCode); ok {
		c.Store(exitOK)
	}
}

// Main runs the command line and returns the exit code.
func Main() int {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	code := &stopCode{}
	code.Store(exitInterrupted)
	ctx = context.WithValue(ctx, stopCodeKey{}, code)
	done := make(chan struct{})
	defer close(done)
	go watchSignals(sigs, done, cancel, stopGrace, func() { os.Exit(int(code.Load())) }, os.Stderr)
	return execute(ctx, os.Args[1:], os.Stdout, os.Stderr)
}

// watchSignals cancels the command's context at the first signal, with the
// signal as its cause; if the command has not returned (done) within grace,
// or a second signal comes, it says so and calls exit.
func watchSignals(sigs <-chan os.Signal, done <-chan struct{}, cancel context.CancelCauseFunc, grace time.Duration, exit func(), stderr io.Writer) {
	var sig os.Signal
	select {
	case sig = <-sigs:
	case <-done:
		return
	}
	cancel(interrupted{sig})
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-done:
		return
	case sig = <-sigs:
		fmt.Fprintf(stderr, "sideways: %s again: stopping now\n", signalName(sig))
	case <-t.C:
		fmt.Fprintf(stderr, "sideways: still busy %s after %s: stopping now\n", calendar.HumanDuration(grace), signalName(sig))
	}
	exit()
}

func execute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	g := &globals{stdout: stdout, stderr: stderr}
	root := newRoot(g)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	var intr interrupted
	if err != nil && errors.As(context.Cause(ctx), &intr) {
		// Whatever the command was doing when the signal came, that is the news.
		fmt.Fprintln(stderr, "sideways: interrupted")
		return exitInterrupted
	}
	return report(stderr, helpFor(err, cmd))
}

// usageError is a problem with flags or arguments.
type usageError struct{ error }

// hintError carries a next step for the user.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() }
func (e *hintError) Unwrap() error { return e.err }

func withHint(err error, hint string) error { return &hintError{err, hint} }

// report prints err the way users read it and returns the exit code.
func report(stderr io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	var (
		cerrs  config.Errors
		hint   *hintError
		usage  usageError
		unread *daemon.UnreadError
	)
	switch {
	case errors.As(err, &cerrs):
		for _, e := range cerrs {
			fmt.Fprintln(stderr, e.Error())
		}
		fmt.Fprintf(stderr, "sideways: error: the config has %s\n", plural(len(cerrs), "problem"))
		return exitError
	case errors.As(err, &usage):
		path := "sideways"
		if h := (*commandHelp)(nil); errors.As(err, &h) {
			path = h.path
		}
		fmt.Fprintf(stderr, "sideways: error: %v\n", err)
		fmt.Fprintf(stderr, "sideways: hint: see \"%s --help\"\n", path)
		return exitUsage
	}
	fmt.Fprintf(stderr, "sideways: error: %v\n", err)
	if errors.As(err, &hint) {
		fmt.Fprintf(stderr, "sideways: hint: %s\n", hint.hint)
	}
	if errors.As(err, &unread) {
		return exitUnread
	}
	return exitError
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// globals are the flags and environment every command shares.
type globals struct {
	stdout, stderr io.Writer
	configPath     string
	stateDir       string
	verbose        bool
	noBrowser      bool
	// structured is set by the daemon: its log is for a journal, not a person.
	structured bool
	// executable is the path of this binary, for service units; nil is
	// os.Executable (tests give a "go run" build's path).
	executable func() (string, error)
}

func newRoot(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "sideways",
		Short: "Keep your peer relationships alive",
		Long: `sideways watches your calendars, notices which peers (sideways in the org chart,
not up or down) you have not met for a while, and puts a 30-minute 10/10/10 peer
1:1 on your calendar at a good time, without letting 1:1s crowd out your week.

Environment:
  SIDEWAYS_CONFIG     config file (default <user config dir>/sideways/sideways.yaml)
  SIDEWAYS_STATE_DIR  state folder (default: the OS's per-user state folder)
  SIDEWAYS_NOW        fix the clock (RFC 3339), e.g. 2026-11-23T09:00:00-05:00

Exit status: 0 on success, 1 on any error (a bad config included), 2 on bad usage,
3 when a calendar could not be read (run --once, plan), 130 when interrupted
(Ctrl-C, SIGTERM). "run" without --once exits 0 when a signal stops it.`,
		Example: `  sideways demo                 # the whole pipeline on a built-in sample
  sideways init && sideways check
  sideways status
  SIDEWAYS_NOW=2026-11-30T09:00:00-05:00 sideways plan --explain`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return flagError(err) })
	pf := root.PersistentFlags()
	pf.StringVar(&g.configPath, "config", "", "config file (default $SIDEWAYS_CONFIG, else <user config dir>/sideways/sideways.yaml)")
	pf.StringVar(&g.stateDir, "state", "", "state folder (default $SIDEWAYS_STATE_DIR, else the OS's per-user state folder)")
	pf.BoolVarP(&g.verbose, "verbose", "v", false, "log more")
	root.AddCommand(
		newDemoCommand(g),
		newInitCommand(g),
		newCheckCommand(g),
		newStatusCommand(g),
		newPlanCommand(g),
		newEventsCommand(g),
		newLogCommand(g),
		newReportCommand(g),
		newRunCommand(g),
		newAuthCommand(g),
		newServiceCommand(g),
		newVersionCommand(g),
	)
	root.Version = version()
	root.SetVersionTemplate("sideways {{.Version}}\n")
	root.SetHelpCommand(helpCommand())
	strictUsage(root)
	return root
}

// args wraps a cobra argument validator so its errors count as usage errors.
func args(v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, a []string) error {
		if err := v(cmd, a); err != nil {
			return usageError{err}
		}
		return nil
	}
}

// config returns the config path from the flag, the environment or the default.
func (g *globals) config() (string, error) {
	if g.configPath != "" {
		return g.configPath, nil
	}
	if p := os.Getenv("SIDEWAYS_CONFIG"); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", withHint(fmt.Errorf("no config folder: %w", err), "pass --config PATH")
	}
	return filepath.Join(dir, "sideways", "sideways.yaml"), nil
}

// state returns the state folder from the flag, the environment or the OS's
// per-user state folder.
func (g *globals) state() (string, error) {
	if g.stateDir != "" {
		return g.stateDir, nil
	}
	if p := os.Getenv("SIDEWAYS_STATE_DIR"); p != "" {
		return p, nil
	}
	return defaultStateDir()
}

func defaultStateDir() (string, error) {
	switch runtime.GOOS {
	case "darwin": // ~/Library/Application Support
		dir, err := os.UserConfigDir()
		return filepath.Join(dir, "sideways"), err
	case "windows": // %LocalAppData%
		dir, err := os.UserCacheDir()
		return filepath.Join(dir, "sideways"), err
	}
	if x := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(x) {
		return filepath.Join(x, "sideways"), nil
	}
	home, err := os.UserHomeDir()
	return filepath.Join(home, ".local", "state", "sideways"), err
}

// clock returns the time every command uses: SIDEWAYS_NOW when set.
func clock() (func() time.Time, error) {
	v := os.Getenv("SIDEWAYS_NOW")
	if v == "" {
		return time.Now, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return nil, withHint(fmt.Errorf("SIDEWAYS_NOW=%q is not an RFC 3339 time", v), "use a time like 2026-11-23T09:00:00-05:00")
	}
	return func() time.Time { return t }, nil
}

// logger is the log adapters and the daemon write to. The daemon (run
// without --once, the service) logs structured lines; any other command is
// read by a person, who gets each warning once, in words (userHandler), and
// the structured log only with --verbose.
func (g *globals) logger() *slog.Logger {
	switch {
	case g.structured:
		return g.daemonLogger()
	case g.verbose:
		return g.newLogger(slog.LevelDebug, false)
	}
	return slog.New(newUserHandler(g.stderr))
}

// daemonLogger is the long-running daemon's log: structured, one line per
// event, with times, at info level.
func (g *globals) daemonLogger() *slog.Logger { return g.newLogger(slog.LevelInfo, true) }

// newLogger logs to stderr from level up (debug with --verbose); one-shot
// commands leave the time out.
func (g *globals) newLogger(level slog.Level, withTime bool) *slog.Logger {
	if g.verbose {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level}
	if !withTime {
		opts.ReplaceAttr = func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}
	}
	return slog.New(slog.NewTextHandler(g.stderr, opts))
}

// load reads, validates and compiles the config.
func (g *globals) load() (*rules.Engine, error) {
	path, err := g.config()
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, withHint(fmt.Errorf("no config at %s", path), `run "sideways init" to write a starter config, or pass --config`)
		}
		return nil, err
	}
	return rules.Compile(cfg)
}
