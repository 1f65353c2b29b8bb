package main

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"runtime"

	"github.com/sidewayscal/sideways/install"
)

// serviceUser sets the account a system service runs as (o.User): name (the
// --user flag), else the user who ran sudo ($SUDO_USER), else the current
// user. It refuses root unless --user names it: a service running as root
// would read root's config and state, not the user's, and run with powers
// it does not need. --user is a usage error for a user service, which runs
// as the user who installs it, and on Windows.
func serviceUser(o *install.Options, name string) error {
	if !o.System || runtime.GOOS == "windows" {
		if name != "" {
			return usageError{errors.New("--user names the account a --system service runs as on Linux and macOS; a user service runs as you")}
		}
		return nil
	}
	chosen := name != ""
	if !chosen {
		name = os.Getenv("SUDO_USER")
	}
	if name == "" {
		u, err := user.Current()
		if err != nil {
			return withHint(fmt.Errorf("cannot tell who the system service should run as: %w", err), "pass --user NAME")
		}
		name = u.Username
	}
	u, err := user.Lookup(name)
	if err != nil {
		return withHint(fmt.Errorf("no user %q on this machine", name), "pass --user NAME with an existing account")
	}
	if u.Uid == "0" && !chosen {
		return withHint(errors.New("the system service would run as root"),
			"pass --user NAME, the account whose calendars it reads (run with sudo from that account, and the service runs as it)")
	}
	o.User = name
	return nil
}
