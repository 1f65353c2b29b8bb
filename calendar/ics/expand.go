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
		if m.uid != "" {
			ovs = c.overrides[m.uid]
		}
		out = m.expand(from, to, ovs, out)
	}
	for _, byID := range c.overrides {
		for _, o := range byID {
			if overlaps(o.start, o.start.Add(o.dur), from, to) {
				out = append(out, o.instance(o.start, o.dur, o.recurID))
			}
		}
	}
	slices.SortStableFunc(out, func(a, b calendar.Event) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.UID, b.UID), a.RecurrenceID.Compare(b.RecurrenceID))
	})
	return out
}

func overlaps(start, end, from, to time.Time) bool {
	return start.Before(to) && (end.After(from) || !start.Before(from))
}

// instance makes the occurrence of v starting at start.
func (v *vevent) instance(start time.Time, dur time.Duration, recurID time.Time) calendar.Event {
	ev := v.tmpl
	ev.Start, ev.End, ev.RecurrenceID = start, start.Add(dur), recurID
	ev.Attendees = slices.Clone(v.tmpl.Attendees)
	return ev
}

// expand appends v's occurrences in [from, to) to out, leaving out the instances
// an override replaces (the override itself is emitted by Expand).
func (v *vevent) expand(from, to time.Time, ovs map[int64]*vevent, out []calendar.Event) (result []calendar.Event) {
	// Last resort: a series rrule-go cannot expand is left out, not the feed.
	n := len(out)
	defer func() {
		if recover() != nil {
			result = out[:n]
		}
	}()
	if !v.recurring() {
		if k := v.start.UTC().UnixNano(); ovs[k] != nil || v.exdates[k] {
			return out
		}
		if overlaps(v.start, v.start.Add(v.dur), from, to) {
			out = append(out, v.instance(v.start, v.dur, time.Time{}))
		}
		return out
	}

	// Start early enough to catch an instance that began before from and is
	// still running; an hour more covers a DST shift inside the instance.
	longest := v.dur
	for _, rd := range v.rdates {
		if rd.hasDur && rd.dur > longest {
			longest = rd.dur
		}
	}
	lo := from.Add(-longest - time.Hour)

	type inst struct {
		t   time.Time
		dur time.Duration
	}
	seen := map[int64]inst{}
	add := func(t time.Time, dur time.Duration) {
		if t.Before(lo) || !t.Before(to) {
			return
		}
		k := t.UnixNano()
		if _, dup := seen[k]; !dup && !v.exdates[k] {
			seen[k] = inst{t, dur}
		}
	}
	// RFC 5545 §3.8.5.3: DTSTART is always the first instance, matching the rule
	// or not (recurring_ical_events does the same).
	add(v.start, v.dur)
	for _, r := range v.rules {
		each(r, lo, to, func(t time.Time) { add(firstOccurrence(t), v.dur) })
	}
	for _, rd := range v.rdates {
		if rd.hasDur {
			add(rd.t, rd.dur)
		} else {
			add(rd.t, v.dur)
		}
	}
	for _, r := range v.exrules {
		each(r, lo, to, func(t time.Time) { delete(seen, t.UnixNano()) })
	}

	for k, in := range seen {
		if ovs[k] != nil {
			continue
		}
		if overlaps(in.t, in.t.Add(in.dur), from, to) {
			out = append(out, v.instance(in.t, in.dur, in.t.UTC()))
		}
	}
	return out
}

// each calls fn for every instance of r in [lo, to), walking r from its start
// and stopping at to (or after maxSteps instances). The rule gets UNTIL=to, so a
// rule whose filters never match stops there too instead of searching on to the
// year 9999. COUNT still counts from DTSTART, so the instances are the same.
func each(r *rrule.RRule, lo, to time.Time, fn func(time.Time)) {
	opt := r.OrigOptions
	if opt.Until.IsZero() || opt.Until.After(to) {
		opt.Until = to
	}
	fastForward(&opt, lo)
	if bounded, err := rrule.NewRRule(opt); err == nil {
		r = bounded
	}
	next := r.Iterator()
	for range maxSteps {
		t, ok := next()
		if !ok || !t.Before(to) {
			return
		}
		if !t.Before(lo) {
			fn(t)
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
	h, m, sec := opt.Dtstart.Clock()
	for k := gap / days; k > 0; k-- {
		// A start moved into a DST gap would come out an hour later; try an
		// earlier period instead.
		t := opt.Dtstart.AddDate(0, 0, k*days)
		if th, tm, ts := t.Clock(); th == h && tm == m && ts == sec {
			opt.Dtstart = t
			return
		}
	}
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
