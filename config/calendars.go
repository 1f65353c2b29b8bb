package config

// The calendars: section, and which calendar is writable.

import (
	"fmt"
	"net/url"
	"strings"
)

// writable checks that propose and invite have exactly one writable calendar,
// and that no mode has more than one.
func (p *parser) writable(cfg *Config, top fields, modeEntry entry, hasMode bool) {
	var names []string
	for _, c := range cfg.Calendars {
		if c.Writable {
			names = append(names, c.Name)
		}
	}
	if len(names) > 1 {
		// Reported by calendars, at each extra writable calendar.
		return
	}
	if len(names) == 1 {
		return
	}
	for _, n := range p.ruleModes {
		p.errorf(n, "mode %s needs exactly one writable calendar, found none: mark one with writable: true", n.Value)
	}
	if cfg.Mode == ModeReport || cfg.Mode == "" {
		return
	}
	at := top.node
	how := fmt.Sprintf("mode %s", cfg.Mode)
	if hasMode {
		at = modeEntry.key
	} else if e, ok := top.m["calendars"]; ok {
		at = e.key
		how = "mode propose (the default)"
	}
	p.errorf(at, "%s needs exactly one writable calendar, found none: mark one with writable: true, or use mode: report", how)
}

var (
	calendarKeys = []string{"name", "google", "ics", "writable", "holidays"}
	googleKeys   = []string{"calendar", "client_secret", "token", "endpoint"}
)

func (p *parser) calendars(e entry) []Calendar {
	var cals []Calendar
	seen := map[string]int{} // name → line
	var writable string      // the first writable calendar's name
	hasWritable := false
	for _, n := range p.items(e, "calendars") {
		f := p.mapping(n, "calendar", calendarKeys)
		c := Calendar{Pos: p.pos(f.node)}
		if e, ok := f.get("name"); ok {
			c.Name, _ = p.scalar(e, "name")
			c.Name = strings.TrimSpace(c.Name)
			if line, dup := seen[c.Name]; dup && c.Name != "" {
				p.errorf(e.val, "duplicate calendar %q (first at line %d)", c.Name, line)
			} else if c.Name != "" {
				seen[c.Name] = e.val.Line
			}
		}
		if c.Name == "" {
			p.errorf(f.node, "calendar needs a name")
		}
		g, hasG := f.get("google")
		ics, hasICS := f.get("ics")
		switch {
		case hasG && hasICS:
			p.errorf(ics.key, "calendar %q has both google and ics; want one", c.Name)
		case !hasG && !hasICS:
			if _, ok := f.m["google"]; ok {
				// "google:" with nothing under it: all defaults.
				hasG, g = true, f.m["google"]
			} else {
				p.errorf(f.node, "calendar %q needs google or ics", c.Name)
			}
		}
		if hasG {
			c.Google = p.google(g)
		} else if hasICS {
			c.ICS, c.ICSPos = p.ics(ics), p.pos(ics.val)
		}
		if e, ok := f.get("writable"); ok {
			if w, ok := p.boolean(e, "writable"); ok && w {
				switch {
				case hasICS && !hasG:
					p.errorf(e.val, "ics calendar %q cannot be writable: sideways writes only to google calendars", c.Name)
				case hasWritable:
					p.errorf(e.val, "calendar %q is writable but %q already is: only one calendar may be writable", c.Name, writable)
					c.Writable = true
				default:
					c.Writable = true
					writable, hasWritable = c.Name, true
				}
			}
		}
		if e, ok := f.get("holidays"); ok {
			c.Holidays, _ = p.boolean(e, "holidays")
		}
		cals = append(cals, c)
	}
	return cals
}

func (p *parser) google(e entry) *Google {
	g := &Google{Calendar: "primary", ClientSecret: p.path(nil, "client_secret.json"), Token: p.path(nil, "token.json")}
	g.ClientSecretPos, g.TokenPos = p.pos(e.key), p.pos(e.key)
	f := p.mapping(e.val, "google", googleKeys)
	if e, ok := f.get("calendar"); ok {
		if s, ok := p.scalar(e, "calendar"); ok && strings.TrimSpace(s) != "" {
			g.Calendar = strings.TrimSpace(s)
		}
	}
	if e, ok := f.get("client_secret"); ok {
		if s, ok := p.scalar(e, "client_secret"); ok && s != "" {
			g.ClientSecret, g.ClientSecretPos = p.path(e.val, s), p.pos(e.val)
		}
	}
	if e, ok := f.get("token"); ok {
		if s, ok := p.scalar(e, "token"); ok && s != "" {
			g.Token, g.TokenPos = p.path(e.val, s), p.pos(e.val)
		}
	}
	if e, ok := f.get("endpoint"); ok {
		if s, ok := p.scalar(e, "endpoint"); ok && s != "" {
			u, err := url.Parse(s)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				p.errorf(e.val, "bad endpoint %q: want an http:// or https:// URL", s)
			} else {
				g.Endpoint = s
			}
		}
	}
	return g
}

func (p *parser) ics(e entry) string {
	s, ok := p.scalar(e, "ics")
	if !ok {
		return ""
	}
	s = strings.TrimSpace(s)
	scheme, rest, isURL := strings.Cut(s, "://")
	if !isURL {
		if s == "" {
			p.errorf(e.val, "ics: want a URL or a file path")
			return ""
		}
		return p.path(e.val, s)
	}
	switch strings.ToLower(scheme) {
	case "webcal":
		s = "https://" + rest
	case "http", "https":
	default:
		p.errorf(e.val, "unsupported ics URL %q: want https://, http://, webcal:// or a file path", s)
		return ""
	}
	if u, err := url.Parse(s); err != nil || u.Host == "" {
		p.errorf(e.val, "bad ics URL %q", e.val.Value)
		return ""
	}
	return s
}
