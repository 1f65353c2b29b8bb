package config

// The me: section.

import (
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

var meKeys = []string{"name", "emails", "department", "timezone", "working_hours"}

func (p *parser) me(e entry) Me {
	me := Me{Location: time.Local, Timezone: time.Local.String(), WorkingHours: DefaultWorkingHours()}
	f := p.mapping(e.val, "me", meKeys)
	if e, ok := f.get("name"); ok {
		me.Name, _ = p.scalar(e, "name")
		me.Name = strings.TrimSpace(me.Name)
	}
	if me.Name == "" {
		p.errorf(f.node, "me needs a name")
	}
	if e, ok := f.get("emails"); ok {
		for _, n := range p.list(e, "emails") {
			if addr, ok := p.email(n); ok {
				if slices.Contains(me.Emails, addr) {
					p.errorf(n, "duplicate email %q in me.emails", addr)
					continue
				}
				me.Emails = append(me.Emails, addr)
			}
		}
		if len(me.Emails) == 0 && e.val.Kind == yaml.SequenceNode && len(e.val.Content) == 0 {
			p.errorf(e.val, "me needs at least one email")
		}
	} else {
		p.errorf(f.node, "me needs at least one email")
	}
	if e, ok := f.get("department"); ok {
		me.Department, _ = p.scalar(e, "department")
	}
	if e, ok := f.get("timezone"); ok {
		if name, loc, ok := p.zone(e); ok {
			me.Timezone, me.Location = name, loc
		}
	}
	if e, ok := f.get("working_hours"); ok {
		if wh, ok := p.workingHours(e); ok {
			me.WorkingHours = wh
		}
	}
	return me
}
