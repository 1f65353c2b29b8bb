package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// envRef finds a shell-style variable reference: $NAME or ${NAME}.
var envRef = regexp.MustCompile(`\$(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)`)

// expandHome expands the home folder in a path the way a shell would at its
// start: "~", "~/…", "$HOME/…" and "${HOME}/…". YAML hands sideways the path
// verbatim, and a user who writes "~/cal/work.ics" means their home, not a
// folder named "~" beside the config. Anything else a shell would expand
// ("~alex/…", another variable, $HOME in the middle) is refused with a hint
// rather than left to name a file that cannot exist.
func expandHome(s string, home func() (string, error)) (string, error) {
	rest, tilde := cutHome(s)
	if tilde {
		h, err := home()
		if err != nil || h == "" {
			return s, fmt.Errorf("path %q starts with the home folder, but it is unknown (%v): write the full path", s, cmpErr(err))
		}
		s = h + rest
	} else if strings.HasPrefix(s, "~") {
		return s, fmt.Errorf("path %q: only ~ and $HOME are expanded, not ~user: write the full path", s)
	}
	if m := envRef.FindString(s); m != "" {
		return s, fmt.Errorf("path %q: %s is not expanded (only a leading ~ or $HOME is): write the path out", s, m)
	}
	return filepath.Clean(s), nil
}

// cutHome reports whether s starts with the home folder and returns the rest
// ("" or starting with a separator).
func cutHome(s string) (rest string, ok bool) {
	for _, pre := range []string{"~", "$HOME", "${HOME}"} {
		r, found := strings.CutPrefix(s, pre)
		if found && (r == "" || r[0] == '/' || r[0] == filepath.Separator) {
			return r, true
		}
	}
	return s, false
}

func cmpErr(err error) error {
	if err == nil {
		return errors.New("$HOME is empty")
	}
	return err
}
