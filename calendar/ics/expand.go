package ics

import (
	"cmp"
	"slices"
	"time"

	"github.com/teambition/rrule-go"

	"github.com/sidewayscal/sideways/calendar"
)

// maxSteps bounds the instances one rule may generate before the window ends, so
// a pathological rule (FREQ=SECONDLY from 1970) cannot stall a sync.
const maxSteps = 200_000

// Expand returns every occurrence that overlaps [from, to): recurring series
// expanded, overrides in place of the instances they replace, cancelled ones
// kept with StatusCancelled. A zero-length occurrence at t is included when
// from <= t < to. The result is sorted by Start, then UID, then RecurrenceID.
func (c *Calendar) Expand(from, to time.Time) []calendar.Event {
	var out []calendar.Event
	for _, m := range c.masters {
		var ovs map[int64]*vevent
		var future []*vevent
		if m.uid != "" {
			ovs, future = c.overrides[m.uid], c.future[m.uid]
		}
		out = m.expand(c.name, c.window(from, to), ovs, future, out)
	}
	for _, byID := range c.overrides {
		for _, o := range byID {
			if c.window(from, to).overlaps(o.st.date, o.st.t, o.st.t.Add(o.dur)) {
				out = append(out, o.instance(c.name, o, o.st.t, o.dur, o.ov.recurID))
			}
		}
	}
	slices.SortStableFunc(out, func(a, b calendar.Event) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.UID, b.UID), a.RecurrenceID.Compare(b.RecurrenceID))
	})
	return out
}

// window is the span occurrences are listed for, and the zone all-day dates
// are read in when checking them against it: an all-day event on the 24th is
// the whole 24th where the user is, not midnight to midnight in UTC.
type window struct {
	from, to time.Time
	dayZone  *time.Location
}

func (c *Calendar) window(from, to time.Time) window {
	loc := c.dayZone
	if loc == nil {
		loc = time.UTC
	}
	return window{from, to, loc}
}

// overlaps reports whether an occurrence overlaps the window; a zero-length
// one at t does when from <= t < to.
func (w window) overlaps(allDay bool, start, end time.Time) bool {
	if allDay {
		start, end = calendar.DateIn(start, w.dayZone), calendar.DateIn(end, w.dayZone)
	}
	return start.Before(w.to) && (end.After(w.from) || !start.Before(w.from))
}

// instance makes the occurrence of v starting at start, with the fields of
// tmpl (v itself, or a THISANDFUTURE override of v).
func (v *vevent) instance(calName string, tmpl *vevent, start time.Time, dur time.Duration, recurID time.Time) calendar.Event {
	in := &tmpl.info
	return calendar.Event{
		Calendar: calName, UID: v.uid, RecurrenceID: recurID,
		Start: start, End: start.Add(dur), AllDay: tmpl.st.date, Floating: tmpl.st.floating,
		Status: statuses[in.status], Summary: in.summary, Transparent: in.transparent,
		Organizer: in.organizer, Attendees: in.attendees[:len(in.attendees):len(in.attendees)],
		Kind: kinds[in.kind], Tag: tags[in.tag], TagPeer: in.tagPeer,
	}
}

// expand appends v's occurrences in w to out, leaving out the instances an
// override replaces (the override itself is emitted by Expand). future are the
// THISANDFUTURE overrides of v, sorted: an instance after one of them is moved
// by as much as that override moved its own instance, takes its length, and
// takes its fields.
func (v *vevent) expand(calName string, w window, ovs map[int64]*vevent, future []*vevent, out []calendar.Event) (result []calendar.Event) {
	// Last resort: a series rrule-go cannot expand is left out, not the feed.
	n := len(out)
	defer func() {
		if recover() != nil {
			result = out[:n]
		}
	}()
	if !v.recurring() {
		if k := v.st.t.UTC().UnixNano(); ovs[k] != nil || v.exdate(k) {
			return out
		}
		if w.overlaps(v.st.date, v.st.t, v.st.t.Add(v.dur)) {
			out = append(out, v.instance(calName, v, v.st.t, v.dur, time.Time{}))
		}
		return out
	}

	// Start early enough to catch an instance that began before from and is
	// still running; a day more covers a DST shift inside the instance and an
	// all-day date read in a zone behind UTC. THISANDFUTURE overrides may move
	// instances either way.
	rec := v.rec
	longest := v.dur
	for _, rd := range rec.rdates {
		if rd.hasDur && rd.dur > longest {
			longest = rd.dur
		}
	}
	var shift time.Duration
	for _, f := range future {
		longest = max(longest, f.dur)
		d := f.st.t.Sub(f.ov.recurID)
		shift = max(shift, d, -d)
	}
	lo := w.from.Add(-longest - shift - 25*time.Hour)
	hi := w.to.Add(shift + 25*time.Hour)

	type inst struct {
		t   time.Time
		dur time.Duration
	}
	seen := map[int64]inst{}
	add := func(t time.Time, dur time.Duration) {
		if t.Before(lo) || !t.Before(hi) {
			return
		}
		k := t.UnixNano()
		if _, dup := seen[k]; !dup && !rec.exdates[k] {
			seen[k] = inst{t, dur}
		}
	}
	// RFC 5545 §3.8.5.3: DTSTART is always the first instance, matching the rule
	// or not (recurring_ical_events does the same).
	add(v.st.t, v.dur)
	for _, r := range rec.rules {
		each(r, v.st.t.Location(), lo, hi, func(t time.Time) { add(t, v.dur) })
	}
	for _, rd := range rec.rdates {
		if rd.hasDur {
			add(rd.t, rd.dur)
		} else {
			add(rd.t, v.dur)
		}
	}
	for _, r := range rec.exrules {
		each(r, v.st.t.Location(), lo, hi, func(t time.Time) { delete(seen, t.UnixNano()) })
	}

	for k, in := range seen {
		if ovs[k] != nil {
			continue
		}
		tmpl, start, dur := v, in.t, in.dur
		if f := lastBefore(future, in.t); f != nil {
			tmpl, dur = f, f.dur
			start = in.t.Add(f.st.t.Sub(f.ov.recurID))
			if f.st.date != v.st.date {
				continue // a range override changing the value type: only its own instance
			}
		}
		if w.overlaps(tmpl.st.date, start, start.Add(dur)) {
			out = append(out, v.instance(calName, tmpl, start, dur, in.t.UTC()))
		}
	}
	return out
}

// lastBefore returns the last THISANDFUTURE override that replaces an instance
// at or before t, or nil.
func lastBefore(future []*vevent, t time.Time) *vevent {
	var last *vevent
	for _, f := range future {
		if f.ov.recurID.After(t) {
			break
		}
		last = f
	}
	return last
}

// each calls fn for every instance of r (a rule on wall clocks, from rule) in
// or near [lo, to), placed in loc: callers check the bounds. It walks r from
// its start and stops past to (or after maxSteps instances). The rule gets
// UNTIL=to, so a rule whose filters never match stops there too instead of
// searching on to the year 9999. COUNT still counts from DTSTART, so the
// instances are the same.
func each(r *rrule.RRule, loc *time.Location, lo, to time.Time, fn func(time.Time)) {
	// A wall clock and its instant differ by a zone offset (at most a day)
	// and a DST shift.
	wlo := wallOf(lo.In(loc)).Add(-3 * time.Hour)
	wto := wallOf(to.In(loc)).Add(3 * time.Hour)
	opt := r.OrigOptions
	if opt.Until.IsZero() || opt.Until.After(wto) {
		opt.Until = wto
	}
	fastForward(&opt, wlo)
	if bounded, err := rrule.NewRRule(opt); err == nil {
		r = bounded
	}
	next := r.Iterator()
	for range maxSteps {
		w, ok := next()
		if !ok || !w.Before(wto) {
			return
		}
		if !w.Before(wlo) {
			fn(inZone(w, loc))
		}
	}
}

// fastForward moves the start of a rule without COUNT close to lo, by a whole
// number of its periods, so a daily series begun decades ago is not walked day
// by day. Only DAILY, WEEKLY and HOURLY rules are moved: their instance sets are
// periodic in whole days of wall-clock time, so moving DTSTART by such a period
// changes none of the instances after the new start. MONTHLY and YEARLY rules
// cost little to walk.
func fastForward(opt *rrule.ROption, lo time.Time) {
	if opt.Count != 0 || !opt.Dtstart.Before(lo) {
		return
	}
	n := max(opt.Interval, 1)
	var days int
	switch opt.Freq {
	case rrule.DAILY:
		days = n
	case rrule.WEEKLY:
		days = 7 * n
	case rrule.HOURLY:
		days = n / gcd(n, 24)
	default:
		return
	}
	gap := int(lo.Sub(opt.Dtstart).Hours()/24) - days - 1
	if k := gap / days; k > 0 {
		opt.Dtstart = opt.Dtstart.AddDate(0, 0, k*days)
	}
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
