// Package ics is the iCalendar (RFC 5545) adapter: it reads a feed from a file or
// an http(s)/webcal URL, parses it with go-ical, and expands it into the
// normalized occurrences of package calendar — recurrences expanded in their own
// time zones, RECURRENCE-ID overrides applied, cancelled instances kept.
//
// Parsing is forgiving by design: feeds in the wild are often broken in small
// ways, and one bad event must not hide a user's week. A malformed component is
// skipped with a Warning naming the feed and the line it starts on; the rest is
// used.
package ics

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"

	"github.com/sidewayscal/sideways/calendar"
)

// Options control how a feed is read.
type Options struct {
	// Name is the calendar's name: copied into Event.Calendar and used in warnings.
	Name string
	// Floating is the zone floating date-times are read in; nil means UTC. A valid
	// X-WR-TIMEZONE in the feed takes precedence, as calendar apps do.
	Floating *time.Location
}

// Warning is a problem in a feed that did not stop it from being used.
type Warning struct {
	Feed string
	Line int // 1-based line of the component's BEGIN; 0 when it concerns the whole feed
	Msg  string
}

// String renders the warning as "feed:LINE: msg".
func (w Warning) String() string {
	if w.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", w.Feed, w.Line, w.Msg)
	}
	return fmt.Sprintf("%s: %s", w.Feed, w.Msg)
}

// Calendar is a parsed feed, ready to expand into occurrences of any window.
// It is immutable after Parse, so Expand may be called from several goroutines.
type Calendar struct {
	masters []*vevent
	// overrides holds the RECURRENCE-ID components by UID, then by the instant of
	// the instance they replace (UnixNano of its UTC start).
	overrides map[string]map[int64]*vevent
}

// vevent is one VEVENT, decoded: a series master (or single event) or an override.
type vevent struct {
	line     int
	uid      string
	start    time.Time // in its own zone; midnight UTC for all-day
	dur      time.Duration
	allDay   bool
	floating bool
	st       stamp
	rid      stamp     // RECURRENCE-ID as written, when hasRID
	hasRID   bool      //
	recurID  time.Time // for overrides: the instance replaced (UTC); zero otherwise
	seq      int
	rules    []*rrule.RRule
	exrules  []*rrule.RRule
	rdates   []rdate
	exdates  map[int64]bool
	tmpl     calendar.Event // every field but Start, End and RecurrenceID
}

// rdate is one RDATE: an extra instance, with its own length when it was a PERIOD.
type rdate struct {
	t      time.Time
	dur    time.Duration
	hasDur bool
}

func (v *vevent) recurring() bool { return len(v.rules) > 0 || len(v.rdates) > 0 }

// Parse reads a whole feed. It fails only when r cannot be read or holds no
// VCALENDAR at all; every smaller problem is a Warning, and the components it
// concerns are skipped.
func Parse(r io.Reader, opts Options) (*Calendar, []Warning, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("read feed %s: %w", feedName(opts.Name), err)
	}
	return parse(data, opts)
}

func feedName(name string) string {
	if name == "" {
		return "ics"
	}
	return name
}

// parser carries what decoding one feed needs: zones and the warnings so far.
type parser struct {
	name     string
	feed     string
	floating *time.Location
	vtz      map[string]*ical.Component
	zones    map[string]*time.Location
	xwr      *time.Location
	warnings []Warning
}

func (p *parser) warn(line int, format string, args ...any) {
	p.warnings = append(p.warnings, Warning{Feed: p.feed, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func parse(data []byte, opts Options) (*Calendar, []Warning, error) {
	p := &parser{
		name:     opts.Name,
		feed:     feedName(opts.Name),
		floating: opts.Floating,
		vtz:      map[string]*ical.Component{},
		zones:    map[string]*time.Location{},
	}
	if p.floating == nil {
		p.floating = time.UTC
	}
	doc := split(unfold(data))
	if !doc.sawCal {
		return nil, nil, fmt.Errorf("feed %s is not an iCalendar file (no BEGIN:VCALENDAR)", p.feed)
	}
	for _, w := range doc.problems {
		w.Feed = p.feed
		p.warnings = append(p.warnings, w)
	}
	for _, l := range doc.props {
		name, value, _ := strings.Cut(l.text, ":")
		if n, _, _ := strings.Cut(name, ";"); strings.EqualFold(strings.TrimSpace(n), "X-WR-TIMEZONE") {
			if loc, ok := loadZone(unescapeText(value)); ok {
				p.xwr, p.floating = loc, loc
			} else {
				p.warn(l.no, "unknown X-WR-TIMEZONE %q ignored", value)
			}
		}
	}

	var events []block
	for _, b := range doc.blocks {
		switch b.name {
		case "VTIMEZONE":
			comp, err := p.decodeBlock(b)
			if err != nil {
				p.warn(b.lines[0].no, "skipped VTIMEZONE: %v", err)
				continue
			}
			if tzid := comp.Props.Get(ical.PropTimezoneID); tzid != nil {
				p.vtz[strings.TrimSpace(tzid.Value)] = comp
			}
		case "VEVENT":
			events = append(events, b)
		}
	}

	var decoded []*vevent
	for _, b := range events {
		v, err := p.decodeEvent(b)
		if err != nil {
			p.warn(b.lines[0].no, "skipped VEVENT: %v", err)
			continue
		}
		decoded = append(decoded, v)
	}
	slices.SortStableFunc(p.warnings, func(a, b Warning) int { return a.Line - b.Line })
	return group(decoded), p.warnings, nil
}

// group sorts decoded events into series masters and overrides. A UID sent more
// than once keeps the copy with the highest SEQUENCE (the later one on a tie),
// as an updated invitation replaces the old one.
func group(decoded []*vevent) *Calendar {
	c := &Calendar{overrides: map[string]map[int64]*vevent{}}
	masters := map[string]*vevent{}
	var order []*vevent
	for _, v := range decoded {
		if v.hasRID && v.uid != "" {
			continue
		}
		if v.uid == "" {
			order = append(order, v)
			continue
		}
		old := masters[v.uid]
		if old == nil {
			order = append(order, v)
		} else if v.seq < old.seq {
			continue
		}
		masters[v.uid] = v
	}
	for _, v := range order {
		if v.uid != "" {
			v = masters[v.uid]
		}
		c.masters = append(c.masters, v)
	}
	for _, v := range decoded {
		if !v.hasRID || v.uid == "" {
			continue
		}
		key := v.rid.t
		if m := masters[v.uid]; m != nil {
			key = conform(v.rid, m.st)
		}
		v.recurID = key.UTC()
		byID := c.overrides[v.uid]
		if byID == nil {
			byID = map[int64]*vevent{}
			c.overrides[v.uid] = byID
		}
		k := v.recurID.UnixNano()
		if old := byID[k]; old == nil || v.seq >= old.seq {
			byID[k] = v
		}
	}
	return c
}

// decodeBlock decodes one component with go-ical. go-ical rejects a whole
// component for one malformed content line; so on failure the lines it cannot
// read are dropped, each with a warning, and the rest is decoded again.
func (p *parser) decodeBlock(b block) (*ical.Component, error) {
	if slices.ContainsFunc(b.lines, func(l line) bool { return paramsLen(l.text) > maxParams }) {
		kept := make([]line, 0, len(b.lines))
		for _, l := range b.lines {
			if paramsLen(l.text) > maxParams {
				p.warn(l.no, "ignored line in %s: parameters longer than %d bytes", b.name, maxParams)
				continue
			}
			kept = append(kept, l)
		}
		b.lines = kept
	}
	comp, err := decodeLines(b.lines)
	if err == nil {
		return comp, nil
	}
	kept := make([]line, 0, len(b.lines))
	for _, l := range b.lines {
		if kind, _ := beginEnd(l.text); kind == "" {
			if _, lerr := decodeLines([]line{l}); lerr != nil {
				p.warn(l.no, "ignored malformed line in %s: %v", b.name, lerr)
				continue
			}
		}
		kept = append(kept, l)
	}
	if len(kept) == len(b.lines) {
		return nil, err
	}
	return decodeLines(kept)
}

// decodeLines decodes lines, wrapped in a VCALENDAR, and returns the single
// component they hold (nil when they are bare properties).
func decodeLines(lines []line) (comp *ical.Component, err error) {
	defer func() {
		if r := recover(); r != nil {
			comp, err = nil, fmt.Errorf("unreadable component: %v", r)
		}
	}()
	cal, err := ical.NewDecoder(strings.NewReader(wrap(lines))).Decode()
	if err != nil {
		return nil, errors.New(strings.TrimPrefix(err.Error(), "ical: "))
	}
	switch len(cal.Children) {
	case 0:
		return nil, nil
	case 1:
		return cal.Children[0], nil
	}
	return nil, errors.New("unreadable component")
}

// maxParams bounds the name and parameters of a content line. go-ical builds
// parameter values a byte at a time (quadratic in their length), and no real
// parameter comes near this.
const maxParams = 8 << 10

// paramsLen returns the length of a content line's name and parameters: up to
// the first colon outside double quotes.
func paramsLen(s string) int {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case ':':
			if !quoted {
				return i
			}
		}
	}
	return len(s)
}
