package config

// Typed values read from nodes: modes, zones, working hours, days, windows,
// emails, paths and dates, each problem at its node.

import (
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

func (p *parser) mode(e entry) (Mode, bool) {
	s, ok := p.scalar(e, "mode")
	if !ok {
		return "", false
	}
	for _, m := range []Mode{ModeReport, ModePropose, ModeInvite} {
		if strings.EqualFold(strings.TrimSpace(s), string(m)) {
			return m, true
		}
	}
	p.errorf(e.val, "unknown mode %q: want report, propose or invite", s)
	return "", false
}

func (p *parser) zone(e entry) (string, *time.Location, bool) {
	s, ok := p.scalar(e, "timezone")
	if !ok {
		return "", nil, false
	}
	name := strings.TrimSpace(s)
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" {
		p.errorf(e.val, "unknown time zone %q: %s", s, ZoneHint(s))
		return "", nil, false
	}
	return name, loc, true
}

func (p *parser) workingHours(e entry) (WorkingHours, bool) {
	nodes := p.list(e, "working_hours")
	if len(nodes) == 0 {
		if e.val != nil && e.val.Kind == yaml.SequenceNode && len(e.val.Content) == 0 {
			p.errorf(e.val, "working_hours: empty list")
		}
		return WorkingHours{}, false
	}
	var all []string
	ok := true
	for _, n := range nodes {
		if _, err := ParseWorkingHours(n.Value); err != nil {
			p.err(n, err)
			ok = false
		}
		all = append(all, n.Value)
	}
	if !ok {
		return WorkingHours{}, false
	}
	wh, err := ParseWorkingHours(all...)
	if err != nil {
		p.err(e.val, err)
		return WorkingHours{}, false
	}
	return wh, true
}

func (p *parser) days(e entry) (Weekdays, bool) {
	nodes := p.list(e, "days")
	if len(nodes) == 0 {
		if e.val != nil && e.val.Kind == yaml.SequenceNode {
			p.errorf(e.val, "days: no days given: %s", wantDays)
		}
		return 0, false
	}
	var w Weekdays
	ok := true
	for _, n := range nodes {
		d, err := ParseDays([]string{n.Value})
		if err != nil {
			p.err(n, err)
			ok = false
		}
		w |= d
	}
	return w, ok
}

func (p *parser) window(e entry) (Window, bool) {
	s, ok := p.scalar(e, "window")
	if !ok {
		return Window{}, false
	}
	w, err := ParseWindow(s)
	if err != nil {
		p.err(e.val, err)
		return Window{}, false
	}
	return w, true
}

// email checks that n holds a bare address and returns it lower-cased.
func (p *parser) email(n *yaml.Node) (string, bool) {
	s := strings.TrimSpace(n.Value)
	a, err := mail.ParseAddress(s)
	if err != nil {
		p.errorf(n, "bad email %q: want an address such as dana@acme.test", n.Value)
		return "", false
	}
	if a.Name != "" || a.Address != s {
		p.errorf(n, "email %q must be a bare address such as %s", n.Value, a.Address)
		return "", false
	}
	return strings.ToLower(a.Address), true
}

// path resolves a path from the config against the config's folder, after
// expanding a leading ~ or $HOME (see expandHome).
func (p *parser) path(n *yaml.Node, s string) string {
	s, err := expandHome(s, os.UserHomeDir)
	if err != nil {
		p.errorf(n, "%v", err)
		return s
	}
	if filepath.IsAbs(s) {
		return filepath.Clean(s)
	}
	abs, err := filepath.Abs(filepath.Join(filepath.Dir(p.file), s))
	if err != nil {
		p.errorf(n, "cannot make %q absolute: %v", s, err)
		return s
	}
	return abs
}

func (p *parser) date(e entry, key string) Date {
	s, ok := p.scalar(e, key)
	if !ok {
		return Date{}
	}
	d, err := parseDate(s)
	if err != nil {
		p.err(e.val, err)
	}
	return d
}
