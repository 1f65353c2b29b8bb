package install

import (
	"fmt"
	"strings"
)

const header = `Written by "sideways service install"; remove it with "sideways service uninstall".`

// systemdUnit renders the systemd unit. Compared with kardianos' built-in
// template it starts a user unit at login (WantedBy=default.target, not
// multi-user.target, which the user manager lacks), starts a system unit
// after the network is up and as Options.User (a user manager cannot order
// after network-online.target, a system unit, so a user unit does not try),
// restarts only on failure and after restartDelay (not 120 s), gives the
// daemon's 10-second stop some slack before SIGKILL, and leaves the
// environment alone (no EnvironmentFile, no Environment=).
func systemdUnit(o Options) (string, error) {
	wantedBy := "default.target"
	if o.System {
		wantedBy = "multi-user.target"
	}
	exec := []string{systemdWord(o.Executable, false)}
	for _, a := range o.arguments() {
		exec = append(exec, systemdWord(a, true))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n", header)
	fmt.Fprintf(&b, "# Logs: %s\n", logs(o, "linux", nil))
	b.WriteString("[Unit]\n")
	if d := systemdValue(o.Description); d != "" {
		fmt.Fprintf(&b, "Description=%s\n", d)
	}
	if o.System {
		b.WriteString("After=network-online.target\n")
		b.WriteString("Wants=network-online.target\n")
	}
	// Stop restarting after 5 failures in 10 minutes: a setup that fails that
	// often needs a person ("sideways service status" then shows it).
	b.WriteString("StartLimitIntervalSec=600\n")
	b.WriteString("StartLimitBurst=5\n")
	b.WriteString("\n[Service]\n")
	b.WriteString("Type=simple\n")
	if o.System && o.User != "" {
		fmt.Fprintf(&b, "User=%s\n", o.User)
	}
	fmt.Fprintf(&b, "ExecStart=%s\n", strings.Join(exec, " "))
	b.WriteString("ExecReload=/bin/kill -HUP $MAINPID\n")
	b.WriteString("Restart=on-failure\n")
	fmt.Fprintf(&b, "RestartSec=%d\n", int(restartDelay.Seconds()))
	fmt.Fprintf(&b, "TimeoutStopSec=%d\n", int(StopTimeout.Seconds())+5)
	b.WriteString("\n[Install]\n")
	fmt.Fprintf(&b, "WantedBy=%s\n", wantedBy)
	return b.String(), nil
}

// systemdValue escapes a free-text value: "%" starts a specifier, and a
// newline would end the setting.
func systemdValue(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, "%", "%%")
}

// systemdWord quotes one word of a command line the way systemd.service(5)
// parses ExecStart: "%" starts a specifier, so it is doubled, and so is "$"
// in an argument (expand), where it starts a variable; the command's own path
// is not expanded. Backslashes and quotes are escaped; a word with a space, a quote,
// a backslash or a control character is double-quoted, anything else is left
// bare so the common case reads naturally.
func systemdWord(s string, expand bool) string {
	var b strings.Builder
	quote := s == "" || s == ";"
	for _, r := range s {
		switch {
		case r == '%':
			b.WriteString("%%")
		case r == '$' && expand:
			b.WriteString("$$")
		case r == '\\':
			b.WriteString(`\\`)
			quote = true
		case r == '"':
			b.WriteString(`\"`)
			quote = true
		case r == '\'':
			b.WriteString(`\'`)
			quote = true
		case r == ' ':
			b.WriteRune(r)
			quote = true
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
			quote = true
		default:
			b.WriteRune(r)
		}
	}
	if quote {
		return `"` + b.String() + `"`
	}
	return b.String()
}

// launchdLogPaths are where launchd sends the daemon's stdout and stderr:
// ~/Library/Logs for an agent, /Library/Logs for a system daemon.
func launchdLogPaths(o Options, home func() (string, error)) (stdout, stderr string, err error) {
	dir := "/Library/Logs"
	if !o.System {
		h, err := home()
		if err != nil {
			return "", "", err
		}
		dir = h + "/Library/Logs"
	}
	return dir + "/" + o.Name + ".out.log", dir + "/" + o.Name + ".err.log", nil
}

// launchdPlist renders the launchd property list: started at load (login for
// an agent, boot for a daemon), restarted only after an unsuccessful exit and
// at most every restartDelay, stdout and stderr kept in log files.
func launchdPlist(o Options, home func() (string, error)) (string, error) {
	outLog, errLog, err := launchdLogPaths(o, home)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
`)
	fmt.Fprintf(&b, "<!-- %s -->\n", header) // a comment takes no entities
	b.WriteString("<plist version=\"1.0\">\n<dict>\n")
	key := func(k string) { fmt.Fprintf(&b, "\t<key>%s</key>\n", k) }
	str := func(indent, v string) { fmt.Fprintf(&b, "%s<string>%s</string>\n", indent, xmlEscape(v)) }
	key("Label")
	str("\t", o.Name)
	key("ProgramArguments")
	b.WriteString("\t<array>\n")
	str("\t\t", o.Executable)
	for _, a := range o.arguments() {
		str("\t\t", a)
	}
	b.WriteString("\t</array>\n")
	if o.System && o.User != "" {
		key("UserName")
		str("\t", o.User)
	}
	key("RunAtLoad")
	b.WriteString("\t<true/>\n")
	key("KeepAlive")
	b.WriteString("\t<dict>\n\t\t<key>SuccessfulExit</key>\n\t\t<false/>\n\t</dict>\n")
	key("ThrottleInterval")
	fmt.Fprintf(&b, "\t<integer>%d</integer>\n", int(restartDelay.Seconds()))
	key("ProcessType")
	str("\t", "Background")
	key("StandardOutPath")
	str("\t", outLog)
	key("StandardErrorPath")
	str("\t", errLog)
	b.WriteString("</dict>\n</plist>\n")
	return b.String(), nil
}

var xmlEscape = strings.NewReplacer(`&`, "&amp;", `<`, "&lt;", `>`, "&gt;", `"`, "&quot;", `'`, "&apos;").Replace

// windowsDescription describes the Windows service, which lives in the
// registry rather than in a file.
func windowsDescription(o Options) string {
	cmd := []string{windowsArg(o.Executable)}
	for _, a := range o.arguments() {
		cmd = append(cmd, windowsArg(a))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Windows service %q\n", o.Name)
	fmt.Fprintf(&b, "  display name: %s\n", o.DisplayName)
	if o.Description != "" {
		fmt.Fprintf(&b, "  description:  %s\n", o.Description)
	}
	fmt.Fprintf(&b, "  command:      %s\n", strings.Join(cmd, " "))
	b.WriteString("  start:        automatic (delayed)\n")
	b.WriteString("  account:      LocalSystem\n")
	fmt.Fprintf(&b, "  on failure:   restart after %s\n", restartDelay)
	return b.String()
}

// windowsArg quotes an argument the way Windows' command-line parser reads it
// back, for display.
func windowsArg(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\"") {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}
