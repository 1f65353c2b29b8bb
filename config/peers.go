package config

import (
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// The roster: each peer's fields, and their addresses.

var (
	peerKeys         = []string{"name", "email", "emails", "department", "tier", "interdependence", "timezone", "working_hours", "since", "until", "aliases", "tags", "notes", "questions"}
	tiers            = []string{"forever", "right-now"}
	interdependences = []string{"high", "medium", "low"}
)

func (p *parser) peers(e entry, me Me) []Peer {
	var peers []Peer
	seen := map[string]int{} // email → line
	for _, n := range p.items(e, "peers") {
		f := p.mapping(n, "peer", peerKeys)
		pr := Peer{
			Tier:            "forever",
			Interdependence: "medium",
			Timezone:        me.Timezone,
			Location:        me.Location,
			WorkingHours:    DefaultWorkingHours(),
			Pos:             p.pos(f.node),
		}
		pr.Name = p.name(f, "peer", nil)
		pr.Emails = p.peerEmails(f, &pr, me, seen)
		if len(pr.Emails) > 0 {
			pr.Email = pr.Emails[0]
		}
		if e, ok := f.get("department"); ok {
			pr.Department, _ = p.scalar(e, "department")
		}
		tier, hasTier := f.get("tier")
		if hasTier {
			pr.Tier = p.oneOf(tier, "tier", pr.Tier, tiers...)
		}
		if e, ok := f.get("interdependence"); ok {
			pr.Interdependence = p.oneOf(e, "interdependence", pr.Interdependence, interdependences...)
		}
		if e, ok := f.get("timezone"); ok {
			if name, loc, ok := p.zone(e); ok {
				pr.Timezone, pr.Location = name, loc
			}
		}
		if e, ok := f.get("working_hours"); ok {
			if wh, ok := p.workingHours(e); ok {
				pr.WorkingHours = wh
			}
		}
		if e, ok := f.get("since"); ok {
			pr.Since = p.date(e, "since")
		}
		until, hasUntil := f.get("until")
		if hasUntil {
			pr.Until = p.date(until, "until")
			if !pr.Since.IsZero() && !pr.Until.IsZero() && pr.Until.In(time.UTC).Before(pr.Since.In(time.UTC)) {
				p.errorf(until.val, "until %s is before since %s", pr.Until, pr.Since)
			}
		}
		if pr.Tier == "right-now" && !hasUntil {
			p.errorf(tier.val, "right-now peer needs until: the date to stop nudging")
		}
		pr.Aliases = []string{pr.Name}
		if e, ok := f.get("aliases"); ok {
			pr.Aliases = nil
			for _, n := range p.list(e, "aliases") {
				if a := strings.TrimSpace(n.Value); a == "" {
					p.errorf(n, "aliases: empty alias")
				} else {
					pr.Aliases = append(pr.Aliases, a)
				}
			}
		}
		if e, ok := f.get("tags"); ok {
			pr.Tags = p.strings(e, "tags")
		}
		if e, ok := f.get("notes"); ok {
			pr.Notes, _ = p.scalar(e, "notes")
		}
		if e, ok := f.get("questions"); ok {
			pr.Questions = p.strings(e, "questions")
		}
		peers = append(peers, pr)
	}
	return peers
}

// peerEmails reads a peer's addresses: email (one) or emails (a list, the
// first is where invites go), never both. An address another peer or
// me.emails already has is reported where it repeats; seen maps each address
// to the line it was first given on.
func (p *parser) peerEmails(f fields, pr *Peer, me Me, seen map[string]int) []string {
	one, hasOne := f.get("email")
	many, hasMany := f.get("emails")
	var nodes []*yaml.Node
	switch {
	case hasOne && hasMany:
		p.errorf(many.key, "peer %q has both email and emails; want one (emails lists every address, the first is where invites go)", pr.Name)
		return nil
	case hasOne:
		if _, ok := p.scalar(one, "email"); ok {
			nodes = []*yaml.Node{one.val}
		}
	case hasMany:
		nodes = p.list(many, "emails")
		if len(nodes) == 0 && many.val.Kind == yaml.SequenceNode && len(many.val.Content) == 0 {
			p.errorf(many.val, "peer %q needs at least one email", pr.Name)
		}
	default:
		p.errorf(f.node, "peer %q needs an email", pr.Name)
		return nil
	}
	var out []string
	for _, n := range nodes {
		addr, ok := p.email(n)
		if !ok {
			continue
		}
		switch line, dup := seen[addr]; {
		case slices.Contains(out, addr):
			p.errorf(n, "duplicate email %q in this peer's emails", addr)
			continue
		case dup:
			p.errorf(n, "duplicate peer %q (first at line %d)", addr, line)
		case slices.Contains(me.Emails, addr):
			p.errorf(n, "peer email %q is one of me.emails", n.Value)
		default:
			seen[addr] = n.Line
		}
		out = append(out, addr)
	}
	return out
}
