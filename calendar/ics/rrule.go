package ics

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/teambition/rrule-go"

	"github.com/sidewayscal/sideways/calendar/recur"
)

// ruleParts are the parts of an RRULE (RFC 5545 §3.3.10) rrule-go reads, and
// RFC 7529's RSCALE and SKIP, read here.
var ruleParts = map[string]bool{
	"FREQ": true, "INTERVAL": true, "COUNT": true, "UNTIL": true, "WKST": true,
	"BYSECOND": true, "BYMINUTE": true, "BYHOUR": true, "BYDAY": true, "BYMONTHDAY": true,
	"BYYEARDAY": true, "BYWEEKNO": true, "BYMONTH": true, "BYSETPOS": true,
	"RSCALE": true, "SKIP": true,
}

// rule builds a recurrence rule anchored at DTSTART, on wall clocks (see
// wallOf): expand it with walk, in the zone of DTSTART. kind is RRULE or
// EXRULE, line the content line, for warnings.
//
// UNTIL is read the way python-dateutil and recurring_ical_events read it, so
// both agree on the last instance: in the floating zone for a floating series,
// as a date for an all-day series, and otherwise as UTC (a date UNTIL meaning
// its midnight UTC).
//
// A garbled rule is read as far as it can be: a repeated property name
// ("RRULE:RRULE:FREQ=…", as some exporters write) is dropped, and so is each
// part that is unknown or has a value that cannot be read, each with a warning
// naming the line. A rule that is not expanded (no usable FREQ, MINUTELY,
// SECONDLY, an RSCALE other than GREGORIAN) or can be seen never to match is an
// *unusedRule: the event keeps its first instance.
func (p *parser) rule(kind, value string, st stamp, line int) (*rule, error) {
	text := strings.TrimSpace(value)
	value = text
	for {
		name, rest, ok := strings.Cut(value, ":")
		if !ok || !(strings.EqualFold(strings.TrimSpace(name), "RRULE") || strings.EqualFold(strings.TrimSpace(name), "EXRULE")) {
			break
		}
		p.warn(line, "%s %s: ignored the repeated property name %q", kind, quoteRule(text), name+":")
		value = strings.TrimSpace(rest)
	}
	var parts, problems []string
	var until, rscale, skip string
	freq := false
	for _, part := range strings.Split(value, ";") {
		k, v, _ := strings.Cut(part, "=")
		k, v = strings.ToUpper(strings.TrimSpace(k)), strings.TrimSpace(v)
		if k == "" && v == "" {
			continue
		}
		if !ruleParts[k] {
			problems = append(problems, fmt.Sprintf("ignored the unknown part %q", strings.TrimSpace(part)))
			continue
		}
		switch k {
		case "UNTIL":
			if _, err := untilTime(v, st); err != nil {
				problems = append(problems, fmt.Sprintf("ignored %q: %v", strings.TrimSpace(part), err))
				continue
			}
			until = v
			continue
		case "RSCALE":
			rscale = strings.ToUpper(v)
			continue
		case "SKIP":
			skip = strings.ToUpper(v)
			continue
		}
		part = k + "=" + strings.ToUpper(v)
		check := part
		if k != "FREQ" {
			check = "FREQ=YEARLY;" + part
		}
		if _, err := rrule.StrToROption(check); err != nil {
			problems = append(problems, fmt.Sprintf("ignored %q: %v", strings.TrimSpace(part), err))
			continue
		}
		freq = freq || k == "FREQ"
		parts = append(parts, part)
	}
	if rscale != "" && rscale != "GREGORIAN" {
		// RFC 7529 §3: a calendar system sideways does not know (its BYMONTH
		// may say "5L", a leap month).
		return nil, &unusedRule{fmt.Sprintf("is in a calendar system sideways does not expand (RSCALE=%s)", rscale)}
	}
	for _, msg := range problems {
		p.warn(line, "%s %s: %s", kind, quoteRule(text), msg)
	}
	if !freq {
		return nil, &unusedRule{"has no usable FREQ"}
	}
	opt, err := rrule.StrToROption(strings.Join(parts, ";"))
	if err != nil {
		return nil, &unusedRule{"cannot be read: " + err.Error()}
	}
	if opt.Freq == rrule.MINUTELY || opt.Freq == rrule.SECONDLY {
		// Meetings do not repeat by the minute.
		return nil, &unusedRule{fmt.Sprintf("is not expanded (FREQ=%v)", opt.Freq)}
	}
	var untilWall time.Time
	if until != "" {
		u, err := untilTime(until, st)
		if err != nil {
			return nil, err
		}
		untilWall = wallOf(u.In(st.t.Location()))
		opt.Until = untilWall
	}
	opt.Dtstart = wallOf(st.t)
	sk, why := p.skipFor(skip, opt)
	if why != "" {
		p.warn(line, "%s %s: %s", kind, quoteRule(text), why)
	}
	if sk != nil {
		// Walk the helper rule (the first of each month), and move its
		// instances to the day the rule names (skip.go).
		sk.until, sk.dtstart = untilWall, opt.Dtstart
		opt = sk.helper(*opt)
	}
	r, err := recur.New(*opt)
	if err != nil {
		return nil, &unusedRule{"cannot be expanded: " + err.Error()}
	}
	if why := r.Never(); why != "" {
		return nil, &unusedRule{"never matches (" + why + ")"}
	}
	return &rule{Rule: r, text: p.intern(text), skip: sk}, nil
}

// unusedRule is a rule the event is kept without: why says why.
type unusedRule struct{ why string }

func (e *unusedRule) Error() string { return e.why }

// quoteRule quotes a rule for a warning, cut short when long.
func quoteRule(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 100 {
		s = s[:97] + "..."
	}
	return strconv.Quote(s)
}

func untilTime(s string, st stamp) (time.Time, error) {
	s = strings.TrimSuffix(strings.TrimSuffix(s, "Z"), "z")
	bad := fmt.Errorf("bad UNTIL %q", s)
	if len(s) < 8 {
		return time.Time{}, bad
	}
	loc := time.UTC
	if st.floating {
		loc = st.t.Location()
	}
	if st.date {
		s = s[:8]
	}
	layout := "20060102T150405"
	if len(s) == 8 {
		layout = "20060102"
	}
	t, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		return time.Time{}, bad
	}
	return t, nil
}
