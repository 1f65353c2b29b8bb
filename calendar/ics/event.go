package ics

import (
	"errors"
	"fmt"
	"hash/maphash"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/recur"
)

// stamp is a DATE or DATE-TIME value as read from a property.
type stamp struct {
	t        time.Time // midnight UTC for a date
	date     bool
	floating bool
}

// decodeEvent turns one VEVENT block into a vevent, or says why it cannot be
// used. It returns nil and no error for an event the parse leaves out (see
// Options.Since).
func (p *parser) decodeEvent(b block) (kept *vevent, err error) {
	defer func() {
		if r := recover(); r != nil {
			kept, err = nil, fmt.Errorf("unreadable event: %v", r)
		}
	}()
	props := p.eventProps(b)
	line := b.lines[0].no
	v := vevent{line: int32(line)} // stored in p.events once known to be kept
	var uid string
	if u := props.Get(ical.PropUID); u != nil {
		uid = strings.TrimSpace(unescapeText(u.Value))
	}

	dtstart := props.Get(ical.PropDateTimeStart)
	if dtstart == nil {
		return nil, errors.New("no DTSTART")
	}
	st, err := p.stamp(dtstart.Value, dtstart.Params, line)
	if err != nil {
		return nil, fmt.Errorf("DTSTART: %w", err)
	}
	v.st = st
	if v.dur, err = p.duration(props, st, line); err != nil {
		return nil, err
	}
	if p.leaveOut(props, v.st, v.dur) {
		if uid != "" {
			p.pruned = append(p.pruned, maphash.String(p.seed, uid))
		}
		return nil, nil
	}
	v.uid = p.text.clone(uid)

	if rid := props.Get(ical.PropRecurrenceID); rid != nil {
		s, err := p.stamp(rid.Value, rid.Params, line)
		if err != nil {
			return nil, fmt.Errorf("RECURRENCE-ID: %w", err)
		}
		v.ov = &override{rid: s, future: strings.EqualFold(strings.TrimSpace(rid.Params.Get("RANGE")), "THISANDFUTURE")}
	}
	if seq := props.Get(ical.PropSequence); seq != nil {
		n, _ := strconv.Atoi(strings.TrimSpace(seq.Value))
		v.seq = int32(max(min(n, 1<<30), -1<<30))
	}

	var rec recurrence // on the stack: most events have none
	for prop := range props.Values(ical.PropRecurrenceRule) {
		if strings.TrimSpace(prop.Value) == "" {
			continue // "RRULE:" with nothing after it, as some exporters write
		}
		r, err := p.rule("RRULE", prop.Value, st, prop.line)
		var unused *unusedRule
		if errors.As(err, &unused) {
			// The event is still there: RFC 5545 §3.8.5.3 makes DTSTART its
			// first instance whatever the rule.
			p.warn(line, "RRULE %s %s; the rule is ignored and the event keeps its first instance", quoteRule(prop.Value), unused.why)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("RRULE: %w", err)
		}
		rec.rules = append(rec.rules, r)
	}
	for prop := range props.Values("EXRULE") {
		r, err := p.rule("EXRULE", prop.Value, st, prop.line)
		var unused *unusedRule
		if errors.As(err, &unused) {
			p.warn(line, "ignored EXRULE %s: it %s", quoteRule(prop.Value), unused.why)
			continue
		}
		if err != nil {
			p.warn(line, "ignored EXRULE: %v", err)
			continue
		}
		rec.exrules = append(rec.exrules, r)
	}
	for prop := range props.Values(ical.PropRecurrenceDates) {
		for _, val := range strings.Split(prop.Value, ",") {
			rd, err := p.rdate(strings.TrimSpace(val), prop.Params, st, line)
			if err != nil {
				p.warn(line, "ignored RDATE %q: %v", val, err)
				continue
			}
			rec.rdates = append(rec.rdates, rd)
		}
	}
	for prop := range props.Values(ical.PropExceptionDates) {
		for _, val := range strings.Split(prop.Value, ",") {
			s, err := p.stamp(strings.TrimSpace(val), prop.Params, line)
			if err != nil {
				p.warn(line, "ignored EXDATE %q: %v", val, err)
				continue
			}
			if rec.exdates == nil {
				rec.exdates = map[int64]bool{}
			}
			rec.exdates[conform(s, st).UnixNano()] = true
		}
	}

	if len(rec.rules) > 0 || len(rec.exrules) > 0 || len(rec.rdates) > 0 || len(rec.exdates) > 0 {
		kept := rec
		v.rec = &kept
	}
	ev := p.fields(props)
	v.info = p.pack(ev)
	p.atts = ev.Attendees[:0]
	return p.events.add(v), nil
}

// conform makes an EXDATE or RDATE comparable with DTSTART: a date in a timed
// series is midnight in the series' zone (as python-dateutil reads it), a
// date-time in an all-day series is its date.
func conform(s, start stamp) time.Time {
	switch {
	case s.date && !start.date:
		y, m, d := s.t.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, start.t.Location())
	case !s.date && start.date:
		y, m, d := s.t.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return s.t
}

// conformRID finds the instance a RECURRENCE-ID names in a series starting at
// start. It is conform, except that a date naming an instance of a timed series
// (which RFC 5545 §3.8.4.4 forbids, and some exporters write) means the
// instance on that date, at the series' time of day.
func conformRID(rid, start stamp) time.Time {
	if rid.date && !start.date {
		y, m, d := rid.t.Date()
		h, mi, s := start.t.Clock()
		return inZone(time.Date(y, m, d, h, mi, s, 0, time.UTC), start.t.Location())
	}
	return conform(rid, start)
}

// duration works out an event's length: DTEND, else DURATION, else one day for a
// date and nothing for a date-time (RFC 5545 §3.6.1).
func (p *parser) duration(props props, st stamp, line int) (time.Duration, error) {
	def := time.Duration(0)
	if st.date {
		def = 24 * time.Hour
	}
	if end := props.Get(ical.PropDateTimeEnd); end != nil {
		e, err := p.stamp(end.Value, end.Params, line)
		if err != nil {
			return 0, fmt.Errorf("DTEND: %w", err)
		}
		d := conform(e, st).Sub(st.t)
		if d == 0 && st.date {
			return def, nil // DTEND = DTSTART on a date: exporters mean that one day
		}
		if d < 0 {
			p.warn(line, "DTEND is before DTSTART; using the default length")
			return def, nil
		}
		return d, nil
	}
	if dp := props.Get(ical.PropDuration); dp != nil {
		d, err := dp.Duration()
		if err != nil {
			return 0, fmt.Errorf("DURATION: %w", err)
		}
		if d < 0 {
			p.warn(line, "negative DURATION; using the default length")
			return def, nil
		}
		if st.date {
			// An all-day event lasts whole days, at least one: "PT0S" and
			// "PT5H" (libical, Connect Daily) are that day, and a part of a day
			// more counts as a day. RFC 5545 §3.8.2.5: with a DATE DTSTART,
			// DURATION "MUST be specified as a dur-day or dur-week value".
			return max(def, (d+def-1)/def*def), nil
		}
		return d, nil
	}
	return def, nil
}

// stamp reads a DATE or DATE-TIME value and checks its year is one rrule-go can
// work with.
func (p *parser) stamp(value string, params paramList, line int) (stamp, error) {
	s, err := p.readStamp(value, params, line)
	if err == nil && (s.t.Year() < minYear || s.t.Year() > maxYear) {
		return stamp{}, fmt.Errorf("date %q out of range", value)
	}
	return s, err
}

// The years a date may have; rrule-go fails outside them.
const (
	minYear = 1000
	maxYear = 9000
)

// readStamp reads a DATE or DATE-TIME value. UTC values are shown in X-WR-TIMEZONE
// when the feed has one, so a series keeps its wall-clock time across DST as
// the exporting app meant (x_wr_timezone does the same).
func (p *parser) readStamp(value string, params paramList, line int) (stamp, error) {
	value = strings.TrimSpace(value)
	switch {
	case len(value) == 8:
		t, err := time.ParseInLocation("20060102", value, time.UTC)
		if err != nil {
			return stamp{}, fmt.Errorf("bad date %q", value)
		}
		return stamp{t: t, date: true}, nil
	case len(value) == 16 && (value[15] == 'Z' || value[15] == 'z') && params.Get(ical.PropTimezoneID) != "":
		// "TZID=America/New_York:20211222T170000Z" is invalid; the TZID wins, as
		// in python-icalendar.
		return p.stamp(value[:15], params, line)
	case len(value) == 16 && (value[15] == 'Z' || value[15] == 'z'):
		t, err := time.ParseInLocation("20060102T150405", value[:15], time.UTC)
		if err != nil {
			return stamp{}, fmt.Errorf("bad date-time %q", value)
		}
		if p.xwr != nil {
			t = t.In(p.xwr)
		}
		return stamp{t: t}, nil
	case len(value) == 15:
		loc, floating := p.floating, true
		if tzid := params.Get(ical.PropTimezoneID); tzid != "" {
			loc, floating = p.zone(tzid, line), false
		}
		t, err := time.ParseInLocation("20060102T150405", value, time.UTC)
		if err != nil {
			return stamp{}, fmt.Errorf("bad date-time %q", value)
		}
		return stamp{t: inZone(t, loc), floating: floating}, nil
	}
	return stamp{}, fmt.Errorf("bad date or date-time %q", value)
}

// zone resolves a TZID once per feed: a zone name go can load, else the
// VTIMEZONE's X-LIC-LOCATION, else a zone built from the VTIMEZONE's rules,
// else its standard offset all year, else UTC — with a warning for the last two.
func (p *parser) zone(tzid string, line int) *time.Location {
	if loc, ok := p.zones[tzid]; ok {
		return loc
	}
	// tzid is a block's text, reused after it (see splitter): the map and
	// the zone keep their own copy.
	tzid = strings.Clone(tzid)
	loc, ok := loadZone(tzid)
	if !ok {
		loc = p.fromVTimezone(tzid, line)
	}
	p.zones[tzid] = loc
	return loc
}

func (p *parser) fromVTimezone(tzid string, line int) *time.Location {
	vtz := p.vtz[tzidKey(tzid)]
	if vtz == nil {
		if loc, ok := windowsDisplayZone(tzid); ok {
			return loc
		}
		if secs, ok := displayOffset(tzid); ok {
			p.warn(line, "unknown time zone %q (no VTIMEZONE); using its offset all year", tzid)
			return time.FixedZone(tzid, secs)
		}
		p.warn(line, "unknown time zone %q (no VTIMEZONE); reading its times as UTC", tzid)
		return time.UTC
	}
	if lic := vtz.Props.Get("X-LIC-LOCATION"); lic != nil {
		if loc, ok := loadZone(lic.Value); ok {
			return loc
		}
	}
	if p.zoneBudget == nil {
		p.zoneBudget = recur.NewBudget(recur.Default)
	}
	if loc, err := locationFromVTimezone(tzid, vtz, p.zoneBudget); err == nil {
		return loc
	}
	var offset *ical.Prop
	for _, child := range vtz.Children {
		if child.Name == "STANDARD" || (offset == nil && child.Name == "DAYLIGHT") {
			if o := child.Props.Get("TZOFFSETTO"); o != nil {
				offset = o
			}
		}
	}
	if offset != nil {
		if secs, ok := parseOffset(offset.Value); ok {
			p.warn(line, "unknown time zone %q; using its VTIMEZONE's standard offset %s all year", tzid, offset.Value)
			return time.FixedZone(tzid, secs)
		}
	}
	p.warn(line, "unknown time zone %q (unusable VTIMEZONE); reading its times as UTC", tzid)
	return time.UTC
}

// displayOffset reads the offset of a Windows display name used as a TZID,
// "(UTC+01:00) Amsterdam, Berlin, …" or "(GMT-05:00) Eastern Time".
func displayOffset(tzid string) (int, bool) {
	id := strings.TrimSpace(strings.Trim(strings.TrimSpace(tzid), `"`))
	for _, prefix := range []string{"(UTC", "(GMT"} {
		rest, ok := strings.CutPrefix(id, prefix)
		if !ok {
			continue
		}
		if strings.HasPrefix(rest, ")") {
			return 0, true
		}
		if len(rest) < 7 || rest[3] != ':' || rest[6] != ')' {
			return 0, false
		}
		return parseOffset(rest[:3] + rest[4:6])
	}
	return 0, false
}

// parseOffset reads a UTC-OFFSET value ("+0100", "-053000").
func parseOffset(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if len(s) != 5 && len(s) != 7 || (s[0] != '+' && s[0] != '-') {
		return 0, false
	}
	n := 0
	for i, part := range []string{s[1:3], s[3:5], s[5:]} {
		if part == "" {
			continue
		}
		x, err := strconv.Atoi(part)
		if err != nil || x < 0 || x > 59 {
			return 0, false
		}
		n += x * []int{3600, 60, 1}[i]
	}
	if s[0] == '-' {
		n = -n
	}
	return n, true
}

// rdate reads one RDATE value: a date, a date-time or a PERIOD (start/end or
// start/duration).
func (p *parser) rdate(val string, params paramList, st stamp, line int) (rdate, error) {
	startS, rest, isPeriod := strings.Cut(val, "/")
	s, err := p.stamp(startS, params, line)
	if err != nil {
		return rdate{}, err
	}
	rd := rdate{t: conform(s, st)}
	if !isPeriod {
		return rd, nil
	}
	if strings.HasPrefix(rest, "P") || strings.HasPrefix(rest, "+P") {
		dp := ical.NewProp(ical.PropDuration)
		dp.Value = rest
		d, err := dp.Duration()
		if err != nil || d < 0 {
			return rdate{}, fmt.Errorf("bad period %q", val)
		}
		rd.dur, rd.hasDur = d, true
		return rd, nil
	}
	e, err := p.stamp(rest, params, line)
	if err != nil || e.t.Before(s.t) {
		return rdate{}, fmt.Errorf("bad period %q", val)
	}
	rd.dur, rd.hasDur = e.t.Sub(s.t), true
	return rd, nil
}

// fields reads everything about an event but its times.
func (p *parser) fields(props props) calendar.Event {
	// The attendees are a scratch list: pack makes the list kept.
	ev := calendar.Event{Status: calendar.StatusConfirmed, Attendees: p.atts[:0]}
	if s := props.Get(ical.PropSummary); s != nil {
		ev.Summary = unescapeText(s.Value)
	}
	if s := props.Get(ical.PropStatus); s != nil {
		switch strings.ToUpper(strings.TrimSpace(s.Value)) {
		case "TENTATIVE":
			ev.Status = calendar.StatusTentative
		case "CANCELLED", "CANCELED":
			ev.Status = calendar.StatusCancelled
		}
	}
	if t := props.Get(ical.PropTransparency); t != nil && strings.EqualFold(strings.TrimSpace(t.Value), "TRANSPARENT") {
		ev.Transparent = true
	}
	if b := props.Get("X-MICROSOFT-CDO-BUSYSTATUS"); b != nil {
		switch strings.ToUpper(strings.TrimSpace(b.Value)) {
		case "OOF":
			ev.Kind = calendar.KindOutOfOffice
		case "FREE":
			ev.Transparent = true
		}
	}
	if t := props.Get("X-SIDEWAYS"); t != nil {
		switch tag := strings.ToLower(strings.TrimSpace(t.Value)); tag {
		case calendar.TagSuggestion, calendar.TagInvite:
			ev.Tag = tag
		}
	}
	if t := props.Get("X-SIDEWAYS-PEER"); t != nil {
		ev.TagPeer = email(t.Value)
	}

	var orgName string
	if o := props.Get(ical.PropOrganizer); o != nil {
		ev.Organizer = email(o.Value)
		orgName = unescapeText(o.Params.Get(ical.ParamCommonName))
	}
	for a := range props.Values(ical.PropAttendee) {
		addr := email(a.Value)
		if addr == "" || ev.Attendee(addr) != nil {
			continue
		}
		at := calendar.Attendee{
			Email:    addr,
			Name:     unescapeText(a.Params.Get(ical.ParamCommonName)),
			PartStat: calendar.PartStatNeedsAction,
		}
		if ps := strings.TrimSpace(a.Params.Get(ical.ParamParticipationStatus)); ps != "" {
			at.PartStat = calendar.PartStat(strings.ToLower(ps))
		}
		switch strings.ToUpper(a.Params.Get(ical.ParamCalendarUserType)) {
		case "ROOM", "RESOURCE":
			at.Resource = true
		}
		if strings.EqualFold(a.Params.Get(ical.ParamRole), "OPT-PARTICIPANT") {
			at.Optional = true
		}
		ev.Attendees = append(ev.Attendees, at)
	}
	// Exporters often leave the organizer out of the attendee list; they attend.
	if len(ev.Attendees) > 0 && ev.Organizer != "" && ev.Attendee(ev.Organizer) == nil {
		ev.Attendees = append(ev.Attendees, calendar.Attendee{
			Email: ev.Organizer, Name: orgName, PartStat: calendar.PartStatAccepted, Implied: true,
		})
	}
	return ev
}

// email reads a calendar user address: "mailto:" in any case, whitespace
// trimmed, lower-cased. Anything that is not an email address gives "".
func email(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 7 && strings.EqualFold(v[:7], "mailto:") {
		v = strings.TrimSpace(v[7:])
	}
	if !strings.Contains(v, "@") || strings.ContainsAny(v, " \t:") {
		return ""
	}
	return strings.ToLower(v)
}

// wallOf returns t's wall clock as a UTC time. Recurrence rules are expanded
// on wall clocks in UTC, where no day is 23 or 25 hours long, and each instance
// is placed in its zone afterwards with inZone: RFC 5545 (and python-dateutil)
// repeat a series at the same local time across DST changes.
func wallOf(t time.Time) time.Time {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, mo, d, h, mi, s, t.Nanosecond(), time.UTC)
}

// inZone places a wall clock (a UTC time from wallOf) in loc as RFC 5545
// §3.3.5 says: a time the zone shows twice (clocks going back) is its first
// occurrence, and a time it skips (clocks going forward) is read with the
// offset in force before the gap, so 02:30 on the spring-forward day in New
// York is 03:30 EDT. Go's time.Date may pick either in both cases.
func inZone(wall time.Time, loc *time.Location) time.Time {
	if loc == time.UTC {
		return wall
	}
	y, mo, d := wall.Date()
	h, mi, s := wall.Clock()
	t := time.Date(y, mo, d, h, mi, s, wall.Nanosecond(), loc)
	_, before := t.Add(-24 * time.Hour).Zone()
	_, after := t.Add(24 * time.Hour).Zone()
	if before == after {
		return t // no transition near: the common case
	}
	var best time.Time
	for _, off := range []int{before, after} {
		c := wall.Add(-time.Duration(off) * time.Second).In(loc)
		if wallOf(c).Equal(wall) && (best.IsZero() || c.Before(best)) {
			best = c
		}
	}
	if best.IsZero() {
		return wall.Add(-time.Duration(before) * time.Second).In(loc) // in the gap
	}
	return best
}
