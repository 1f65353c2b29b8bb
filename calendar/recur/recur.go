// Package recur expands RFC 5545 recurrence rules (RRULE, EXRULE) within a
// budget, so that no rule, however hostile, can stall a sync or exhaust memory.
//
// The expansion is the one of github.com/teambition/rrule-go v1.8.2 (itself a
// port of python-dateutil's rrule), whose instances the rest of sideways has
// been checked against, rewritten as a bounded walk. rrule-go cannot be bounded
// from outside: its iterator steps period by period (year, month, week, day,
// hour) until a period yields an instance, checks UNTIL only on instances, and
// otherwise stops only at the year 9999 — so a rule that never matches
// (FREQ=HOURLY;BYSETPOS=2) walks 70 million hours inside one call, and an
// HOURLY rule whose INTERVAL never reaches its BYHOUR loops for ever. A Walk
// here
//
//   - stops at a given end (the read window's), at UNTIL, and after COUNT, for
//     periods that yield nothing as for those that do;
//   - starts from a period near the window's start when that gives the same
//     instances (no COUNT), instead of walking from a DTSTART decades back;
//   - counts the candidate instants it examines (each day of a period, each time
//     of day tried, each hour stepped over) and stops when the rule's or the
//     feed's work budget is spent (Budget);
//   - passes at most a given number of instances.
//
// Rules that can never match are also found up front where that is cheap
// (Never). MINUTELY and SECONDLY rules are not expanded (New refuses them).
//
// rrule-go is MIT licensed: Copyright (c) 2017-2023 Teambition. The walk below
// keeps its structure and names (iterInfo, rebuild, calcDaySet) so the two can
// be compared.
package recur

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/teambition/rrule-go"
)

// Limits are the bounds of one feed's expansion. Work is counted in candidate
// instants examined: each day of a period the walk looks at, each instant it
// builds from a day and a time of day, and each hour an HOURLY rule steps over.
type Limits struct {
	// RuleWork is the candidates one rule may examine in one expansion.
	RuleWork int
	// FeedWork is the candidates all the rules of one feed may examine in one
	// expansion.
	FeedWork int
	// RuleInstances is the instances one series may contribute to a window.
	RuleInstances int
	// FeedInstances is the instances all the series of one feed may contribute
	// to a window (single events are not counted: the feed's size bounds them).
	FeedInstances int
}

// Default are the limits sideways uses. Real calendars stay far below them:
// ten years of a daily meeting is 3,650 instances (and, walked from its
// DTSTART because of a COUNT, about 11,000 candidates); an hourly rule over
// the daemon's 13-month window 9,500 instances; a birthday since 1900 is 31
// candidates a year; the 40 series of the benchmark feeds (bench/ics.sh)
// examine about 30,000 candidates over a year and 92,000 over five; a year of
// any personal calendar holds a few thousand instances. What the limits allow
// costs at most 15 to 70 ms of walking per rule (BenchmarkWalk) and about a
// second per feed, and 100,000 occurrences (about 27 MB) per feed, which
// keeps `run --once` on the hostile feeds of bench/hostile.sh near 160 MB.
var Default = Limits{
	RuleWork:      1_000_000,
	FeedWork:      20_000_000,
	RuleInstances: 50_000,
	FeedInstances: 100_000,
}

// Budget is what one expansion of one feed may still spend. It is not safe
// for concurrent use: use one per expansion.
type Budget struct {
	Limits
	spent int
}

// NewBudget returns a fresh budget with limits l.
func NewBudget(l Limits) *Budget { return &Budget{Limits: l} }

// Spent returns the candidates examined so far.
func (b *Budget) Spent() int { return b.spent }

// Cut says why a walk stopped before the end of its rule or window.
type Cut int

const (
	// Complete: the walk reached the end of its rule or its window.
	Complete Cut = iota
	// CutRuleWork: the rule examined Limits.RuleWork candidates.
	CutRuleWork
	// CutFeedWork: the feed's Limits.FeedWork candidates were spent.
	CutFeedWork
	// CutInstances: the walk passed as many instances as it was allowed.
	CutInstances
)

// ErrFrequency is returned by New for MINUTELY and SECONDLY rules, which are
// not expanded.
var ErrFrequency = errors.New("FREQ is not expanded")

// Rule is a recurrence rule ready to walk. It is immutable: several walks may
// run at once.
type Rule struct {
	freq        rrule.Frequency
	dtstart     time.Time
	interval    int
	wkst        int
	count       int
	until       time.Time // zero: none
	bysetpos    []int
	bymonth     []int
	bymonthday  []int
	bynmonthday []int
	byyearday   []int
	byweekno    []int
	byweekday   []int
	bynweekday  []nthDay
	byhour      []int
	byminute    []int
	bysecond    []int
	byeaster    []int
	explicit    int // how many kinds of day filter the rule itself gave

	// The day filters as bit sets, so that testing a day costs the same
	// whatever the length of the lists (up to 366 values each).
	months, mdays, nmdays, wdays, hours bits64  // nmdays by -value
	ydays, nydays                       bits384 // nydays by -value
}

// bits64 is a set of ints in [0, 64).
type bits64 uint64

func (b *bits64) add(v int)     { *b |= 1 << v }
func (b bits64) has(v int) bool { return v >= 0 && v < 64 && b&(1<<v) != 0 }

// bits384 is a set of ints in [0, 384).
type bits384 [6]uint64

func (b *bits384) add(v int) { b[v/64] |= 1 << (v % 64) }
func (b *bits384) has(v int) bool {
	return v >= 0 && v < 384 && b[v/64]&(1<<(v%64)) != 0
}

// set sorts a BYxxx list and drops repeats, as python-dateutil does (rrule-go
// keeps them, and a rule repeating BYHOUR values would multiply its times of
// day).
func set(vs []int) []int {
	vs = slices.Clone(vs)
	slices.Sort(vs)
	return slices.Compact(vs)
}

// nthDay is a BYDAY value with an ordinal: 2TU, -1FR. weekday 0 is Monday.
type nthDay struct{ weekday, n int }

// maxInterval is beyond any interval that reaches a second period before the
// year 9999 (2^30 hours is 122,000 years); larger ones are cut to it so that
// no arithmetic overflows.
const maxInterval = 1 << 30

// New compiles opt, whose Dtstart must be set, into a Rule. It fails for
// values out of RFC 5545's bounds and with ErrFrequency for MINUTELY and
// SECONDLY rules.
func New(opt rrule.ROption) (*Rule, error) {
	if opt.Freq == rrule.MINUTELY || opt.Freq == rrule.SECONDLY {
		return nil, fmt.Errorf("FREQ=%v: %w", opt.Freq, ErrFrequency)
	}
	if opt.Freq < rrule.YEARLY || opt.Freq > rrule.SECONDLY {
		return nil, fmt.Errorf("unknown FREQ %d", opt.Freq)
	}
	if opt.Dtstart.IsZero() {
		return nil, errors.New("no DTSTART")
	}
	if err := validateBounds(opt); err != nil {
		return nil, err
	}
	return build(opt), nil
}

// build is rrule-go's buildRRule: the rule's parts, with the defaults DTSTART
// gives.
func build(arg rrule.ROption) *Rule {
	r := &Rule{freq: arg.Freq}
	r.interval = min(max(arg.Interval, 1), maxInterval)
	r.count = max(arg.Count, 0)
	r.dtstart = arg.Dtstart.Truncate(time.Second)
	if !arg.Until.IsZero() {
		r.until = arg.Until.Truncate(time.Second)
	}
	r.wkst = arg.Wkst.Day()
	r.bysetpos = set(arg.Bysetpos)
	for _, n := range [][]int{arg.Bymonth, arg.Bymonthday, arg.Byyearday, arg.Byweekno, arg.Byeaster} {
		if len(n) > 0 {
			r.explicit++
		}
	}
	if len(arg.Byweekday) > 0 {
		r.explicit++
	}

	if len(arg.Byweekno) == 0 && len(arg.Byyearday) == 0 && len(arg.Bymonthday) == 0 &&
		len(arg.Byweekday) == 0 && len(arg.Byeaster) == 0 {
		switch r.freq {
		case rrule.YEARLY:
			if len(arg.Bymonth) == 0 {
				arg.Bymonth = []int{int(r.dtstart.Month())}
			}
			arg.Bymonthday = []int{r.dtstart.Day()}
		case rrule.MONTHLY:
			arg.Bymonthday = []int{r.dtstart.Day()}
		case rrule.WEEKLY:
			arg.Byweekday = []rrule.Weekday{weekdays[pyWeekday(r.dtstart.Weekday())]}
		}
	}
	r.bymonth = set(arg.Bymonth)
	r.byyearday = set(arg.Byyearday)
	r.byeaster = set(arg.Byeaster)
	for _, d := range set(arg.Bymonthday) {
		if d > 0 {
			r.bymonthday = append(r.bymonthday, d)
		} else if d < 0 {
			r.bynmonthday = append(r.bynmonthday, d)
		}
	}
	r.byweekno = set(arg.Byweekno)
	for _, w := range arg.Byweekday {
		if w.N() == 0 || r.freq > rrule.MONTHLY {
			r.byweekday = append(r.byweekday, w.Day())
		} else {
			r.bynweekday = append(r.bynweekday, nthDay{w.Day(), w.N()})
		}
	}
	r.byweekday = set(r.byweekday)
	slices.SortFunc(r.bynweekday, func(a, b nthDay) int { return cmp.Or(a.n-b.n, a.weekday-b.weekday) })
	r.bynweekday = slices.Compact(r.bynweekday)
	r.byhour = set(arg.Byhour)
	if len(r.byhour) == 0 && r.freq < rrule.HOURLY {
		r.byhour = []int{r.dtstart.Hour()}
	}
	r.byminute = set(arg.Byminute)
	if len(r.byminute) == 0 {
		r.byminute = []int{r.dtstart.Minute()}
	}
	r.bysecond = set(arg.Bysecond)
	if len(r.bysecond) == 0 {
		r.bysecond = []int{r.dtstart.Second()}
	}
	for _, v := range r.bymonth {
		r.months.add(v)
	}
	for _, v := range r.bymonthday {
		r.mdays.add(v)
	}
	for _, v := range r.bynmonthday {
		r.nmdays.add(-v)
	}
	for _, v := range r.byweekday {
		r.wdays.add(v)
	}
	for _, v := range r.byhour {
		r.hours.add(v)
	}
	for _, v := range r.byyearday {
		if v > 0 {
			r.ydays.add(v)
		} else {
			r.nydays.add(-v)
		}
	}
	return r
}

// yearday reports whether BYYEARDAY holds day v (negative: from the end).
func (r *Rule) yearday(v int) bool {
	if v < 0 {
		return r.nydays.has(-v)
	}
	return r.ydays.has(v)
}

// monthday reports whether BYMONTHDAY holds day d or its negative nd.
func (r *Rule) monthday(d, nd int) bool { return r.mdays.has(d) || r.nmdays.has(-nd) }

// dayTimes returns the times of day of a DAILY or longer rule, sorted. They
// are built for each walk, not kept with the rule: a rule of a few hundred
// bytes (BYHOUR=0..23;BYMINUTE=0..59;BYSECOND=0..59) has 86,400 of them.
func (r *Rule) dayTimes() []time.Time {
	ts := make([]time.Time, 0, r.timesPerDay())
	for _, h := range r.byhour {
		for _, m := range r.byminute {
			for _, s := range r.bysecond {
				ts = append(ts, time.Date(1, 1, 1, h, m, s, 0, r.dtstart.Location()))
			}
		}
	}
	slices.SortFunc(ts, time.Time.Compare)
	return ts
}

// timesPerDay is how many times of day a DAILY or longer rule tries on each
// day it keeps.
func (r *Rule) timesPerDay() int { return len(r.byhour) * len(r.byminute) * len(r.bysecond) }

var weekdays = []rrule.Weekday{rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU}

// validateBounds is rrule-go's: every value within RFC 5545's range.
func validateBounds(arg rrule.ROption) error {
	bounds := []struct {
		field     []int
		param     string
		lo, hi    int
		plusMinus bool
	}{
		{arg.Bysecond, "BYSECOND", 0, 59, false},
		{arg.Byminute, "BYMINUTE", 0, 59, false},
		{arg.Byhour, "BYHOUR", 0, 23, false},
		{arg.Bymonthday, "BYMONTHDAY", 1, 31, true},
		{arg.Byyearday, "BYYEARDAY", 1, 366, true},
		{arg.Byweekno, "BYWEEKNO", 1, 53, true},
		{arg.Bymonth, "BYMONTH", 1, 12, false},
		{arg.Bysetpos, "BYSETPOS", 1, 366, true},
	}
	for _, b := range bounds {
		for _, v := range b.field {
			if !(v >= b.lo && v <= b.hi) && (!b.plusMinus || !(v <= -b.lo && v >= -b.hi)) {
				if b.plusMinus {
					return fmt.Errorf("%s must be between %d and %d or %d and %d", b.param, b.lo, b.hi, -b.lo, -b.hi)
				}
				return fmt.Errorf("%s must be between %d and %d", b.param, b.lo, b.hi)
			}
		}
	}
	for _, w := range arg.Byweekday {
		if w.N() > 53 || w.N() < -53 {
			return errors.New("BYDAY must be between 1 and 53 or -1 and -53")
		}
	}
	for _, e := range arg.Byeaster {
		if e > 366 || e < -366 {
			return errors.New("BYEASTER must be between -366 and 366")
		}
	}
	if arg.Interval < 0 {
		return errors.New("INTERVAL must be greater than 0")
	}
	return nil
}

// Walk calls fn, in order, with each instance of r at or after from, until
// the walk passes stop, the rule ends (UNTIL, COUNT, the year 9999), fn kept
// max instances (it returns whether it kept one: an instance the caller finds
// outside its window does not count), or b's work budget is spent; it
// returns which. from
// and stop are instants; the walk compares periods with stop by wall clock in
// the rule's zone, so give stop a margin of a few hours where DST matters.
//
// A rule without COUNT is walked from a period shortly before from that
// gives the same instances from there on (a whole number of its periods after
// DTSTART, and for YEARLY and MONTHLY rules whose dates depend on weekdays or
// leap years, of 400 years), so a long-running series costs what the window
// holds, not what its past holds.
func (r *Rule) Walk(from, stop time.Time, max int, b *Budget, fn func(time.Time) bool) Cut {
	limit, over := b.RuleWork, CutRuleWork
	if left := b.FeedWork - b.spent; left < limit {
		limit, over = left, CutFeedWork
	}
	if limit <= 0 {
		return CutFeedWork
	}
	if max <= 0 {
		return CutInstances
	}
	w := walker{r: r, from: from, stopT: stop, max: max, limit: limit, fn: fn, count: r.count}
	loc := r.dtstart.Location()
	w.stopKey = keyOf(stop.In(loc))
	if !r.until.IsZero() {
		w.untilKey = keyOf(r.until.In(loc))
	}
	w.start(from.In(loc))
	cut := w.run()
	if cut == CutRuleWork {
		cut = over
	}
	b.spent += w.work
	return cut
}

// walker is one walk: rrule-go's rIterator, emitting through fn.
type walker struct {
	r                                  *Rule
	year                               int
	month                              time.Month
	day, hour, minute, second, weekday int
	ii                                 iterInfo
	timeset                            []time.Time
	dayset                             []int  // the days (of the year) of the current period
	defined                            []bool // whether each passes the filters
	poslist                            []time.Time
	count                              int // COUNT left; 0 when none

	from, stopT       time.Time
	stopKey, untilKey int64
	max, kept         int
	capped            bool // stopped at max
	work, limit       int
	fn                func(time.Time) bool
}

// keyOf orders wall clocks: years, then months, days, hours, minutes, seconds.
func keyOf(t time.Time) int64 {
	y, m, d := t.Date()
	h, mi, s := t.Clock()
	return key(y, m, d, h, mi, s)
}

func key(y int, m time.Month, d, h, mi, s int) int64 {
	return ((((int64(y)*16+int64(m))*32+int64(d))*32+int64(h))*64+int64(mi))*64 + int64(s)
}

// start places the walk at DTSTART, or at a later period that gives the same
// instances from `from` on (see Walk).
func (w *walker) start(from time.Time) {
	r := w.r
	y, m, d := r.dtstart.Date()
	h, mi, s := r.dtstart.Clock()
	if r.count == 0 && from.After(r.dtstart) {
		switch r.freq {
		case rrule.DAILY, rrule.WEEKLY, rrule.HOURLY:
			// Whole days: DAILY every INTERVAL days, WEEKLY every INTERVAL weeks
			// (same weekday, same week phase), HOURLY every lcm(INTERVAL, 24)
			// hours. The new start is at least one period and a day before
			// `from`, so the partial first week it starts is before `from` too.
			days := r.interval
			switch r.freq {
			case rrule.WEEKLY:
				days = 7 * r.interval
			case rrule.HOURLY:
				days = r.interval / gcd(r.interval, 24)
			}
			wall := time.Date(y, m, d, h, mi, s, 0, time.UTC)
			fromWall := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
			gap := int(fromWall.Sub(wall).Hours()/24) - days - 1
			if k := gap / days; k > 0 && days < 1<<20 {
				y, m, d = wall.AddDate(0, 0, k*days).Date()
			}
		case rrule.YEARLY:
			if p := r.yearPeriod(); p > 0 {
				if k := (from.Year() - 1 - y) / p; k > 0 {
					y, m, d, h, mi, s = y+k*p, 1, 1, 0, 0, 0
				}
			}
		case rrule.MONTHLY:
			if p := r.monthPeriod(); p > 0 {
				i0 := y*12 + int(m) - 1
				if k := (from.Year()*12 + int(from.Month()) - 2 - i0) / p; k > 0 {
					i := i0 + k*p
					y, m, d, h, mi, s = i/12, time.Month(i%12+1), 1, 0, 0, 0
				}
			}
		}
	}
	w.year, w.month, w.day = y, m, d
	w.hour, w.minute, w.second = h, mi, s
	w.weekday = pyWeekday(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Weekday())
	w.ii = iterInfo{rrule: r}
	w.ii.rebuild(w.year, w.month)
	if r.freq < rrule.HOURLY {
		w.timeset = r.dayTimes()
		w.work += len(w.timeset)
	} else if len(r.byhour) == 0 || r.hours.has(w.hour) {
		w.ii.fillTimeSet(&w.timeset, w.hour, w.minute, w.second)
	}
}

// yearPeriod returns how many years a YEARLY rule may be moved by without
// changing its instances: INTERVAL when every year has the same dates (fixed
// month days that exist every year), else a multiple of the 400-year
// Gregorian cycle; 0 when it may not be moved (BYEASTER).
func (r *Rule) yearPeriod() int {
	switch {
	case len(r.byeaster) > 0:
		return 0
	case r.fixedDates():
		return r.interval
	}
	return lcm(r.interval, 400)
}

// monthPeriod is yearPeriod for MONTHLY rules, in months: whole years (the
// months of BYMONTH recur yearly) when every month has the same dates.
func (r *Rule) monthPeriod() int {
	switch {
	case len(r.byeaster) > 0:
		return 0
	case r.fixedDates():
		return lcm(r.interval, 12)
	}
	return lcm(r.interval, 4800)
}

// fixedDates reports whether the rule's dates are the same every year: it
// filters days by month and positive month day only, and no February day it
// names depends on the leap year.
func (r *Rule) fixedDates() bool {
	if len(r.byweekday) > 0 || len(r.bynweekday) > 0 || len(r.byweekno) > 0 || len(r.byyearday) > 0 || len(r.byeaster) > 0 {
		return false
	}
	feb := len(r.bymonth) == 0 || slices.Contains(r.bymonth, 2)
	if feb && len(r.bynmonthday) > 0 {
		return false
	}
	return !feb || !slices.ContainsFunc(r.bymonthday, func(d int) bool { return d > 28 })
}

// run is rrule-go's generate, as one loop over periods that stops at the
// window's end, at UNTIL and when the work budget is spent.
func (w *walker) run() Cut {
	r := w.r
	for {
		// Where this period starts, on the wall clock.
		var pk int64
		switch r.freq {
		case rrule.YEARLY:
			pk = key(w.year, 1, 1, 0, 0, 0)
		case rrule.MONTHLY:
			pk = key(w.year, w.month, 1, 0, 0, 0)
		case rrule.WEEKLY, rrule.DAILY:
			pk = key(w.year, w.month, w.day, 0, 0, 0)
		default:
			pk = key(w.year, w.month, w.day, w.hour, 0, 0)
		}
		if pk > w.stopKey || w.untilKey != 0 && pk > w.untilKey {
			return Complete
		}
		if w.work > w.limit {
			return CutRuleWork
		}

		w.calcDaySet()
		w.work += len(w.dayset) + 1
		ii := &w.ii
		filtered := false
		for n, i := range w.dayset {
			if len(r.bymonth) != 0 && !r.months.has(ii.mmask[i]) ||
				len(r.byweekno) != 0 && ii.wnomask[i] == 0 ||
				len(r.byweekday) != 0 && !r.wdays.has(ii.wdaymask[i]) ||
				len(ii.nwdaymask) != 0 && ii.nwdaymask[i] == 0 ||
				len(r.byeaster) != 0 && ii.eastermask[i] == 0 ||
				(len(r.bymonthday) != 0 || len(r.bynmonthday) != 0) && !r.monthday(ii.mdaymask[i], ii.nmdaymask[i]) ||
				len(r.byyearday) != 0 &&
					(i < ii.yearlen && !r.yearday(i+1) && !r.yearday(-ii.yearlen+i) ||
						i >= ii.yearlen && !r.yearday(i+1-ii.yearlen) && !r.yearday(-ii.nextyearlen+i-ii.yearlen)) {
				w.defined[n] = false
				filtered = true
			}
		}

		if len(r.bysetpos) != 0 && len(w.timeset) != 0 {
			var days []int
			for n, i := range w.dayset {
				if w.defined[n] {
					days = append(days, i)
				}
			}
			w.poslist = w.poslist[:0]
			for _, pos := range r.bysetpos {
				w.work++
				var daypos, timepos int
				if pos < 0 {
					daypos, timepos = divmod(pos, len(w.timeset))
				} else {
					daypos, timepos = divmod(pos-1, len(w.timeset))
				}
				if daypos < 0 {
					daypos += len(days)
				}
				if daypos < 0 || daypos >= len(days) {
					continue
				}
				w.poslist = append(w.poslist, w.at(days[daypos], w.timeset[timepos]))
			}
			slices.SortFunc(w.poslist, time.Time.Compare)
			w.poslist = slices.CompactFunc(w.poslist, time.Time.Equal)
			for _, res := range w.poslist {
				if !w.emit(res) {
					return w.end()
				}
			}
		} else {
			for n, i := range w.dayset {
				if !w.defined[n] {
					continue
				}
				y, m, d := w.date(i)
				for _, tt := range w.timeset {
					w.work++
					th, tm, ts := tt.Clock()
					if !w.emit(time.Date(y, m, d, th, tm, ts, tt.Nanosecond(), tt.Location())) {
						return w.end()
					}
				}
			}
		}

		// The next period.
		fixday := false
		switch r.freq {
		case rrule.YEARLY:
			w.year += r.interval
			if w.year > rrule.MAXYEAR {
				return Complete
			}
			w.ii.rebuild(w.year, w.month)
		case rrule.MONTHLY:
			w.month += time.Month(r.interval)
			if w.month > 12 {
				div, mod := divmod(int(w.month), 12)
				w.month = time.Month(mod)
				w.year += div
				if w.month == 0 {
					w.month = 12
					w.year--
				}
				if w.year > rrule.MAXYEAR {
					return Complete
				}
			}
			w.ii.rebuild(w.year, w.month)
		case rrule.WEEKLY:
			if r.wkst > w.weekday {
				w.day += -(w.weekday + 1 + (6 - r.wkst)) + r.interval*7
			} else {
				w.day += -(w.weekday - r.wkst) + r.interval*7
			}
			w.weekday = r.wkst
			fixday = true
		case rrule.DAILY:
			w.day += r.interval
			fixday = true
		case rrule.HOURLY:
			if filtered {
				// Jump to one iteration before next day
				w.hour += ((23 - w.hour) / r.interval) * r.interval
			}
			for {
				// An hour stepped over is a candidate too: with a BYHOUR the
				// INTERVAL never reaches, rrule-go loops here for ever.
				w.work++
				if w.work > w.limit {
					return CutRuleWork
				}
				w.hour += r.interval
				div, mod := divmod(w.hour, 24)
				if div != 0 {
					w.hour = mod
					w.day += div
					fixday = true
				}
				if len(r.byhour) == 0 || r.hours.has(w.hour) {
					break
				}
			}
			w.ii.fillTimeSet(&w.timeset, w.hour, w.minute, w.second)
			w.work += len(w.timeset)
		}
		if fixday && w.day > 28 {
			daysinmonth := daysIn(w.month, w.year)
			if w.day > daysinmonth {
				for w.day > daysinmonth {
					w.work++
					w.day -= daysinmonth
					w.month++
					if w.month == 13 {
						w.month = 1
						w.year++
						if w.year > rrule.MAXYEAR {
							return Complete
						}
					}
					daysinmonth = daysIn(w.month, w.year)
				}
				w.ii.rebuild(w.year, w.month)
			}
		}
	}
}

// end says why emit stopped the walk.
func (w *walker) end() Cut {
	if w.capped {
		return CutInstances
	}
	return Complete
}

// emit handles one instance, in order; it returns false when the walk is over.
func (w *walker) emit(res time.Time) bool {
	r := w.r
	if !r.until.IsZero() && res.After(r.until) {
		return false
	}
	if res.Before(r.dtstart) {
		return true
	}
	if res.After(w.stopT) {
		return false
	}
	if !res.Before(w.from) {
		if w.kept == w.max {
			w.capped = true
			return false
		}
		if w.fn(res) {
			w.kept++
		}
	}
	if w.count != 0 {
		w.count--
		if w.count == 0 {
			return false
		}
	}
	return true
}
