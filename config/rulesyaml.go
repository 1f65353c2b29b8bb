package config

// The rules: section (conditions stay text here; package rules compiles them).

import (
	"go.yaml.in/yaml/v3"
)

var ruleKeys = []string{"name", "when", "cadence", "skip", "priority", "mode", "days", "window", "duration", "location", "series"}

func (p *parser) rules(e entry) []Rule {
	var rules []Rule
	seen := map[string]int{} // name → line
	for _, n := range p.items(e, "rules") {
		f := p.mapping(n, "rule", ruleKeys)
		r := Rule{Pos: p.pos(f.node)}
		r.Name = p.name(f, "rule", seen)
		if e, ok := f.get("when"); ok {
			if s, ok := p.scalar(e, "when"); ok {
				r.When, r.WhenPos = s, p.pos(e.val)
				if e.val.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0 {
					r.WhenPos.Col++ // positions in the condition count from after the quote
				}
			}
		}
		if e, ok := f.get("cadence"); ok {
			if s, ok := p.scalar(e, "cadence"); ok {
				if c, err := ParseCadence(s); err != nil {
					p.err(e.val, err)
				} else {
					r.Cadence = &c
				}
			}
		}
		if e, ok := f.get("skip"); ok {
			if b, ok := p.boolean(e, "skip"); ok {
				r.Skip = &b
			}
		}
		if e, ok := f.get("priority"); ok {
			if n, ok := p.integer(e, "priority"); ok {
				r.Priority = &n
			}
		}
		if e, ok := f.get("mode"); ok {
			if m, ok := p.mode(e); ok {
				r.Mode = &m
				if m != ModeReport {
					p.ruleModes = append(p.ruleModes, e.val)
				}
			}
		}
		if e, ok := f.get("days"); ok {
			if d, ok := p.days(e); ok {
				r.Days = &d
			}
		}
		if e, ok := f.get("window"); ok {
			if w, ok := p.window(e); ok {
				r.Window = &w
			}
		}
		if e, ok := f.get("duration"); ok {
			n := len(p.errs)
			d := p.duration(e, "duration", 0, true)
			if len(p.errs) == n {
				r.Duration = &d
			}
		}
		if e, ok := f.get("location"); ok {
			n := len(p.errs)
			l := p.oneOf(e, "location", "", locations...)
			if len(p.errs) == n {
				r.Location = &l
			}
		}
		if e, ok := f.get("series"); ok {
			if b, ok := p.boolean(e, "series"); ok {
				r.Series = &b
			}
		}
		rules = append(rules, r)
	}
	return rules
}
