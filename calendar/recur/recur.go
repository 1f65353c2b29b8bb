// Package recur expands RFC 5545 recurrence rules (RRULE, EXRULE) within a
// budget, so that no rule, however hostile, can stall a sync or exhaust memory.
//
// Its instances are those of github.com/teambition/rrule-go v1.8.2 (itself a
// port of python-dateutil's rrule), which the rest of sideways has been
// checked against, and the tests compare the two on thousands of random
// rules; rrule-go's types still parse the rules. rrule-go cannot be bounded
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
// year.go holds the calendar of a year as the day filters read it, walk.go
// the walk itself, never.go what can be decided without walking.
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

// InstanceCut says whether, and by which limit, a series lost instances.
type InstanceCut uint8

const (
	// Kept: the series kept every instance in the window.
	Kept InstanceCut = iota
	// RuleCapped: the series reached Limits.RuleInstances.
	RuleCapped
	// Shared: the feed's series had more than Limits.FeedInstances together,
	// and this one was cut to its share (see Share).
	Shared
)

// CapAt says which limit a walk that kept n instances, and lost others, met:
// RuleCapped at RuleInstances, else the feed's share.
func (l Limits) CapAt(n int) InstanceCut {
	if n < l.RuleInstances {
		return Shared
	}
	return RuleCapped
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
	freq          rrule.Frequency
	dtstart       time.Time
	interval      int
	wkst          int
	count         int
	until         time.Time // zero: none
	bysetpos      []int
	bymonth       []int
	bymonthday    []int // the positive values
	bymonthdayEnd []int // the negative ones, counted from the month's end
	byyearday     []int
	byweekno      []int
	byweekday     []int    // BYDAY without ordinals, 0 for Monday
	ordinals      []nthDay // BYDAY with ordinals (YEARLY and MONTHLY only)
	byhour        []int
	byminute      []int
	bysecond      []int
	byeaster      []int
	explicit      int // how many kinds of day filter the rule itself gave

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

// build compiles the parts of a rule. Where the rule gives no day part, its
// days are DTSTART's, as RFC 5545 says: a YEARLY rule recurs on DTSTART's
// month and day (of BYMONTH's months when it has BYMONTH), a MONTHLY rule on
// its day of the month, a WEEKLY rule on its weekday. Likewise a missing time
// part is DTSTART's hour (for DAILY and longer), minute or second.
func build(opt rrule.ROption) *Rule {
	start := opt.Dtstart.Truncate(time.Second)
	r := &Rule{
		freq:     opt.Freq,
		dtstart:  start,
		interval: min(max(opt.Interval, 1), maxInterval),
		count:    max(opt.Count, 0),
		wkst:     opt.Wkst.Day(),
		bysetpos: set(opt.Bysetpos),
		bymonth:  set(opt.Bymonth),
		byweekno: set(opt.Byweekno),
		byeaster: set(opt.Byeaster),
	}
	if !opt.Until.IsZero() {
		r.until = opt.Until.Truncate(time.Second)
	}
	given := [][]int{opt.Bymonth, opt.Bymonthday, opt.Byyearday, opt.Byweekno, opt.Byeaster}
	for _, part := range given {
		if len(part) > 0 {
			r.explicit++
		}
	}
	if len(opt.Byweekday) > 0 {
		r.explicit++
	}

	monthdays, yeardays := opt.Bymonthday, opt.Byyearday
	noDayPart := len(opt.Byweekno)+len(yeardays)+len(monthdays)+len(opt.Byweekday)+len(opt.Byeaster) == 0
	if noDayPart && (r.freq == rrule.YEARLY || r.freq == rrule.MONTHLY) {
		monthdays = []int{start.Day()}
		if r.freq == rrule.YEARLY && len(r.bymonth) == 0 {
			r.bymonth = []int{int(start.Month())}
		}
	}
	if noDayPart && r.freq == rrule.WEEKLY {
		r.byweekday = []int{mondayBased(start.Weekday())}
	}
	for _, d := range set(monthdays) {
		switch {
		case d > 0:
			r.bymonthday = append(r.bymonthday, d)
		case d < 0:
			r.bymonthdayEnd = append(r.bymonthdayEnd, d)
		}
	}
	r.byyearday = set(yeardays)
	// Ordinals count within a month or a year; a shorter period ignores them.
	for _, wd := range opt.Byweekday {
		if wd.N() != 0 && r.freq <= rrule.MONTHLY {
			r.ordinals = append(r.ordinals, nthDay{weekday: wd.Day(), n: wd.N()})
		} else {
			r.byweekday = append(r.byweekday, wd.Day())
		}
	}
	r.byweekday = set(r.byweekday)
	slices.SortFunc(r.ordinals, func(a, b nthDay) int { return cmp.Or(a.n-b.n, a.weekday-b.weekday) })
	r.ordinals = slices.Compact(r.ordinals)

	r.byhour = orDefault(opt.Byhour, start.Hour(), r.freq < rrule.HOURLY)
	r.byminute = orDefault(opt.Byminute, start.Minute(), true)
	r.bysecond = orDefault(opt.Bysecond, start.Second(), true)

	for _, v := range r.bymonth {
		r.months.add(v)
	}
	for _, v := range r.bymonthday {
		r.mdays.add(v)
	}
	for _, v := range r.bymonthdayEnd {
		r.nmdays.add(-v)
	}
	for _, v := range r.byweekday {
		r.wdays.add(v)
	}
	for _, v := range r.byhour {
		r.hours.add(v)
	}
	for _, v := range r.byyearday {
		if v < 0 {
			r.nydays.add(-v)
		} else {
			r.ydays.add(v)
		}
	}
	return r
}

// orDefault returns the set of vs, or def alone when vs is empty and the
// default applies.
func orDefault(vs []int, def int, applies bool) []int {
	if len(vs) == 0 && applies {
		return []int{def}
	}
	return set(vs)
}

// yearday reports whether BYYEARDAY holds day v (negative: from the end).
func (r *Rule) yearday(v int) bool {
	if v < 0 {
		return r.nydays.has(-v)
	}
	return r.ydays.has(v)
}

// monthday reports whether BYMONTHDAY holds day d or its negative nd. A
// month-day test is where RFC 7529's SKIP would apply to days a month lacks.
func (r *Rule) monthday(d, nd int) bool { return r.mdays.has(d) || r.nmdays.has(-nd) }

// dayTimes returns the times of day of a DAILY or longer rule, in seconds
// after midnight, ascending (the parts are sorted sets, hours first). They
// are built for each walk, not kept with the rule: a rule of a few hundred
// bytes (BYHOUR=0..23;BYMINUTE=0..59;BYSECOND=0..59) has 86,400 of them.
func (r *Rule) dayTimes() []int {
	ts := make([]int, 0, r.timesPerDay())
	for _, h := range r.byhour {
		ts = r.hourTimes(ts, h)
	}
	return ts
}

// hourTimes appends to ts the times of hour h, BYMINUTE × BYSECOND, in
// seconds after midnight, ascending.
func (r *Rule) hourTimes(ts []int, h int) []int {
	for _, m := range r.byminute {
		for _, s := range r.bysecond {
			ts = append(ts, h*3600+m*60+s)
		}
	}
	return ts
}

// timesPerDay is how many times of day a DAILY or longer rule tries on each
// day it keeps.
func (r *Rule) timesPerDay() int { return len(r.byhour) * len(r.byminute) * len(r.bysecond) }

// A bound is the range RFC 5545 allows a BYxxx part; signed parts may also
// count from the end (-hi to -lo).
type bound struct {
	name   string
	lo, hi int
	signed bool
}

func (b bound) check(vs []int) error {
	for _, v := range vs {
		if v >= b.lo && v <= b.hi || b.signed && -v >= b.lo && -v <= b.hi {
			continue
		}
		if b.signed {
			return fmt.Errorf("%s must be between %d and %d or %d and %d", b.name, b.lo, b.hi, -b.lo, -b.hi)
		}
		return fmt.Errorf("%s must be between %d and %d", b.name, b.lo, b.hi)
	}
	return nil
}

// validateBounds checks every value against RFC 5545's range (BYEASTER's,
// an extension, is a year either way).
func validateBounds(opt rrule.ROption) error {
	parts := []struct {
		vs []int
		b  bound
	}{
		{opt.Bysecond, bound{"BYSECOND", 0, 59, false}},
		{opt.Byminute, bound{"BYMINUTE", 0, 59, false}},
		{opt.Byhour, bound{"BYHOUR", 0, 23, false}},
		{opt.Bymonthday, bound{"BYMONTHDAY", 1, 31, true}},
		{opt.Byyearday, bound{"BYYEARDAY", 1, 366, true}},
		{opt.Byweekno, bound{"BYWEEKNO", 1, 53, true}},
		{opt.Bymonth, bound{"BYMONTH", 1, 12, false}},
		{opt.Bysetpos, bound{"BYSETPOS", 1, 366, true}},
	}
	for _, p := range parts {
		if err := p.b.check(p.vs); err != nil {
			return err
		}
	}
	for _, wd := range opt.Byweekday {
		if n := wd.N(); n < -53 || n > 53 {
			return errors.New("BYDAY must be between 1 and 53 or -1 and -53")
		}
	}
	for _, off := range opt.Byeaster {
		if off < -366 || off > 366 {
			return errors.New("BYEASTER must be between -366 and 366")
		}
	}
	if opt.Interval < 0 {
		return errors.New("INTERVAL must be greater than 0")
	}
	return nil
}
