package recur

import (
	"slices"
	"time"

	"github.com/teambition/rrule-go"
)

// The walk follows RFC 5545 §3.3.10: a rule's instances are found period by
// period (a year, month, week, day or hour, every INTERVAL of them from
// DTSTART), each period giving its candidate days, then on each day its
// candidate times, then, with BYSETPOS, those positions among them. Its table
// of which BYxxx part expands a period and which limits it comes down, for
// days, to one test: expanding a YEARLY period by BYMONTHDAY, say, keeps the
// days of the year whose month day is listed, which is what limiting all the
// year's days by BYMONTHDAY keeps. So the candidate days of a period are all
// its days (for a YEARLY rule with BYMONTH, those of its months only, which
// is the same and cheaper), and a day is kept when it passes every day part
// the rule has:
//
//	BYMONTH     its month is listed
//	BYWEEKNO    its week of the year is listed
//	BYYEARDAY   its day of the year, from the start or the end, is listed
//	BYMONTHDAY  its day of the month, from the start or the end, is listed
//	BYDAY       its weekday is listed; with an ordinal (2TU, -1FR) in a YEARLY
//	            or MONTHLY rule, it is that weekday of the period (of its
//	            month, for a YEARLY rule with BYMONTH); shorter periods
//	            ignore ordinals
//	BYEASTER    it is that many days from Easter Sunday (an rrule-go extension)
//
// Parts the table does not allow with a FREQ (BYWEEKNO outside YEARLY,
// BYMONTHDAY in a WEEKLY rule) limit the days in the same way, as rrule-go
// has them.
//
// Times of day expand a day: each kept day of a DAILY or longer period has
// every time BYHOUR × BYMINUTE × BYSECOND makes (DTSTART's where a part is
// missing); an HOURLY period is one hour, with BYHOUR limiting which hours
// are stepped on and BYMINUTE × BYSECOND its times.
//
// Every candidate costs a unit of work: each day of a period, each instant
// built from a day and a time, each BYSETPOS position, each hour stepped
// over, each month a long step crosses, plus one for the period itself.

// maxYear is the last year a walk reaches, rrule-go's.
const maxYear = rrule.MAXYEAR

// Walk calls fn, in order, with each instance of r at or after from, until
// the walk passes stop, the rule ends (UNTIL, COUNT, the year 9999), fn kept
// max instances (it returns whether it kept one: an instance the caller finds
// outside its window does not count), or b's work budget is spent; it
// returns which. from and stop are instants; the walk compares periods with
// stop by wall clock in the rule's zone, so give stop a margin of a few hours
// where DST matters.
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
	loc := r.dtstart.Location()
	w := walker{r: r, loc: loc, from: from, stop: stop, max: max, limit: limit, fn: fn, countLeft: r.count}
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

// walker is one walk of a rule.
type walker struct {
	r   *Rule
	loc *time.Location

	// The current period: its first day (WEEKLY: the day it starts on,
	// DTSTART's for the first one) and, for HOURLY, its hour.
	year  int
	month time.Month
	day   int
	hour  int

	yi        *yearInfo
	weekSel   []bool // days BYWEEKNO selects in yi's year
	easterSel []bool // days BYEASTER selects in yi's year
	nthSel    []bool // days the ordinal BYDAY values select in the period
	nthMonth  time.Month

	times []int       // the period's times of day, in seconds, ascending
	days  []int       // scratch: the candidate days, then those kept
	picks []time.Time // scratch: the instants BYSETPOS picks

	countLeft         int // COUNT left; 0 when none
	from, stop        time.Time
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
	h := r.dtstart.Hour()
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
			wall := time.Date(y, m, d, h, r.dtstart.Minute(), r.dtstart.Second(), 0, time.UTC)
			fromWall := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
			gap := int(fromWall.Sub(wall).Hours()/24) - days - 1
			if k := gap / days; k > 0 && days < 1<<20 {
				y, m, d = wall.AddDate(0, 0, k*days).Date()
			}
		case rrule.YEARLY:
			if p := r.yearPeriod(); p > 0 {
				if k := (from.Year() - 1 - y) / p; k > 0 {
					y, m, d, h = y+k*p, 1, 1, 0
				}
			}
		case rrule.MONTHLY:
			if p := r.monthPeriod(); p > 0 {
				i0 := y*12 + int(m) - 1
				if k := (from.Year()*12 + int(from.Month()) - 2 - i0) / p; k > 0 {
					i := i0 + k*p
					y, m, d, h = i/12, time.Month(i%12+1), 1, 0
				}
			}
		}
	}
	w.year, w.month, w.day, w.hour = y, m, d, h
	w.enter()
	switch {
	case r.freq < rrule.HOURLY:
		w.times = r.dayTimes()
		w.work += len(w.times)
	case len(r.byhour) == 0 || r.hours.has(w.hour):
		w.times = r.hourTimes(w.times[:0], w.hour)
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
	if len(r.byweekday) > 0 || len(r.ordinals) > 0 || len(r.byweekno) > 0 || len(r.byyearday) > 0 || len(r.byeaster) > 0 {
		return false
	}
	feb := len(r.bymonth) == 0 || slices.Contains(r.bymonth, 2)
	if feb && len(r.bymonthdayEnd) > 0 {
		return false
	}
	return !feb || !slices.ContainsFunc(r.bymonthday, func(d int) bool { return d > 28 })
}

// enter brings the year tables up to the current period: those of its year,
// and the days its ordinal weekdays select.
func (w *walker) enter() {
	r := w.r
	if w.yi == nil || w.yi.year != w.year {
		w.yi = newYearInfo(w.year)
		if len(r.byweekno) > 0 {
			w.weekSel = weekDays(w.yi, r.wkst, r.byweekno)
		}
		if len(r.byeaster) > 0 {
			w.easterSel = w.easterDays()
		}
		w.nthSel = nil
	}
	if len(r.ordinals) > 0 && (w.nthSel == nil || r.freq == rrule.MONTHLY && w.nthMonth != w.month) {
		w.nthSel = w.nthDays()
		w.nthMonth = w.month
	}
}

// easterDays returns the days BYEASTER selects, counted from this year's
// Easter (into the next year's first week too).
func (w *walker) easterDays() []bool {
	sel := make([]bool, w.yi.length+7)
	easter := easterSunday(w.yi)
	for _, off := range w.r.byeaster {
		if i := easter + off; i >= 0 && i < len(sel) {
			sel[i] = true
		}
	}
	return sel
}

// nthDays returns the days the ordinal BYDAY values (2TU, -1FR) select: in
// a MONTHLY period its month's; in a YEARLY one the year's, or each BYMONTH
// month's when the rule has BYMONTH.
func (w *walker) nthDays() []bool {
	r, yi := w.r, w.yi
	sel := make([]bool, yi.length)
	var spans [][2]int // [first, end) of each span the ordinals count in
	switch {
	case r.freq == rrule.MONTHLY:
		spans = append(spans, [2]int{yi.firstOf[w.month-1], yi.firstOf[w.month]})
	case len(r.bymonth) > 0:
		for _, m := range r.bymonth {
			spans = append(spans, [2]int{yi.firstOf[m-1], yi.firstOf[m]})
		}
	default:
		spans = append(spans, [2]int{0, yi.length})
	}
	for _, span := range spans {
		first, end := span[0], span[1]
		for _, nd := range r.ordinals {
			// The first such weekday of the span, then n-1 weeks on; or the
			// last one, then -n-1 weeks back.
			i := first + floorMod(nd.weekday-yi.weekday(first), 7) + 7*(nd.n-1)
			if nd.n < 0 {
				i = end - 1 - floorMod(yi.weekday(end-1)-nd.weekday, 7) + 7*(nd.n+1)
			}
			if i >= first && i < end {
				sel[i] = true
			}
		}
	}
	return sel
}

// run walks period after period until the window's end, UNTIL, the end of
// the rule or of the budget.
func (w *walker) run() Cut {
	for {
		if k := w.periodKey(); k > w.stopKey || w.untilKey != 0 && k > w.untilKey {
			return Complete
		}
		if w.work > w.limit {
			return CutRuleWork
		}
		w.days = w.periodDays(w.days[:0])
		candidates := len(w.days)
		w.work += candidates + 1
		kept := w.days[:0]
		for _, i := range w.days {
			if w.keepDay(i) {
				kept = append(kept, i)
			}
		}
		w.days = kept
		if !w.emitPeriod() {
			return w.end()
		}
		if cut, over := w.next(len(w.days) < candidates); over {
			return cut
		}
	}
}

// periodKey is where the current period starts, on the wall clock.
func (w *walker) periodKey() int64 {
	switch w.r.freq {
	case rrule.YEARLY:
		return key(w.year, 1, 1, 0, 0, 0)
	case rrule.MONTHLY:
		return key(w.year, w.month, 1, 0, 0, 0)
	case rrule.WEEKLY, rrule.DAILY:
		return key(w.year, w.month, w.day, 0, 0, 0)
	}
	return key(w.year, w.month, w.day, w.hour, 0, 0)
}

// periodDays appends the days of the current period to days.
func (w *walker) periodDays(days []int) []int {
	r, yi := w.r, w.yi
	span := func(first, end int) {
		for i := first; i < end; i++ {
			days = append(days, i)
		}
	}
	switch r.freq {
	case rrule.YEARLY:
		if len(r.bymonth) == 0 {
			span(0, yi.length)
		}
		for _, m := range r.bymonth {
			span(yi.firstOf[m-1], yi.firstOf[m])
		}
	case rrule.MONTHLY:
		span(yi.firstOf[w.month-1], yi.firstOf[w.month])
	case rrule.WEEKLY:
		// From the period's first day up to the next WKST: 7 days but for
		// the first week, which starts on DTSTART's day.
		first := yi.index(w.month, w.day)
		end := first + 1
		for end-first < 7 && yi.weekday(end) != r.wkst {
			end++
		}
		span(first, end)
	default:
		days = append(days, yi.index(w.month, w.day))
	}
	return days
}

// keepDay reports whether day i of the current year passes every day part
// of the rule.
func (w *walker) keepDay(i int) bool {
	r, yi := w.r, w.yi
	switch {
	case len(r.bymonth) > 0 && !r.months.has(int(yi.month[i])),
		len(r.byweekno) > 0 && !w.weekSel[i],
		len(r.byweekday) > 0 && !r.wdays.has(yi.weekday(i)),
		len(r.ordinals) > 0 && !w.nthSel[i],
		len(r.byeaster) > 0 && !w.easterSel[i],
		len(r.bymonthday)+len(r.bymonthdayEnd) > 0 && !r.monthday(int(yi.mday[i]), int(yi.fromEnd[i])),
		len(r.byyearday) > 0 && !w.yearDayListed(i):
		return false
	}
	return true
}

// yearDayListed reports whether BYYEARDAY lists day i, counted from the
// start or the end of the year it is in.
func (w *walker) yearDayListed(i int) bool {
	n := w.yi.length
	if i >= n {
		i, n = i-n, w.yi.nextLength
	}
	return w.r.yearday(i+1) || w.r.yearday(i-n)
}

// emitPeriod passes the instances of the kept days; it returns false when
// the walk is over.
func (w *walker) emitPeriod() bool {
	if len(w.times) == 0 {
		return true
	}
	if len(w.r.bysetpos) > 0 {
		return w.emitPositions()
	}
	for _, i := range w.days {
		for _, tod := range w.times {
			w.work++
			if !w.emit(w.instant(i, tod)) {
				return false
			}
		}
	}
	return true
}

// emitPositions passes the instances BYSETPOS picks among the period's, in
// order, each once.
func (w *walker) emitPositions() bool {
	per := len(w.times)
	n := len(w.days) * per
	w.picks = w.picks[:0]
	for _, pos := range w.r.bysetpos {
		w.work++
		at := pos - 1
		if pos < 0 {
			at = n + pos
		}
		if at < 0 || at >= n {
			continue
		}
		w.picks = append(w.picks, w.instant(w.days[at/per], w.times[at%per]))
	}
	// Two times of day may be one instant (in a DST gap), and positions from
	// the end may come before those from the start.
	slices.SortFunc(w.picks, time.Time.Compare)
	w.picks = slices.CompactFunc(w.picks, time.Time.Equal)
	for _, t := range w.picks {
		if !w.emit(t) {
			return false
		}
	}
	return true
}

// instant returns day i of the current year at tod seconds after midnight,
// in the rule's zone.
func (w *walker) instant(i, tod int) time.Time {
	y, m, d := w.yi.date(i)
	return time.Date(y, m, d, tod/3600, tod/60%60, tod%60, 0, w.loc)
}

// next moves to the next period; dayRejected says whether the current
// period's day part rejected a day. It returns the walk's end and true when
// there is no next period.
func (w *walker) next(dayRejected bool) (Cut, bool) {
	r := w.r
	switch r.freq {
	case rrule.YEARLY:
		w.year += r.interval
		if w.year > maxYear {
			return Complete, true
		}
		w.enter()
		return Complete, false
	case rrule.MONTHLY:
		i := w.year*12 + int(w.month) - 1 + r.interval
		year := i / 12
		if year != w.year && year > maxYear {
			return Complete, true // (a walk started beyond it ends with its year)
		}
		w.year, w.month = year, time.Month(i%12+1)
		w.enter()
		return Complete, false
	case rrule.WEEKLY:
		back := floorMod(w.yi.weekday(w.yi.index(w.month, w.day))-r.wkst, 7)
		w.day += 7*r.interval - back
	case rrule.DAILY:
		w.day += r.interval
	case rrule.HOURLY:
		if dayRejected {
			// No hour of this day can pass: go to its last hour on the step.
			w.hour += (23 - w.hour) / r.interval * r.interval
		}
		for {
			// An hour stepped over is a candidate too: with a BYHOUR the
			// INTERVAL never reaches, the steps would never end.
			w.work++
			if w.work > w.limit {
				return CutRuleWork, true
			}
			if w.hour += r.interval; w.hour >= 24 {
				w.day += w.hour / 24
				w.hour %= 24
			}
			if len(r.byhour) == 0 || r.hours.has(w.hour) {
				break
			}
		}
		w.times = r.hourTimes(w.times[:0], w.hour)
		w.work += len(w.times)
	}
	if !w.settleDay() {
		return Complete, true
	}
	return Complete, false
}

// settleDay carries a day past the end of its month into the months after,
// each month crossed costing a unit of work. It returns false past the year
// 9999.
func (w *walker) settleDay() bool {
	if w.day <= w.yi.monthLength(w.month) {
		return true
	}
	at := func(y int, m time.Month) int { return y*12 + int(m) - 1 }
	t := time.Date(w.year, w.month, w.day, 0, 0, 0, 0, time.UTC)
	// The walk ends on reaching a January after the year 9999 (the first
	// one crossed, for a walk started beyond it).
	if end := at(max(w.year, maxYear)+1, time.January); at(t.Year(), t.Month()) >= end {
		w.work += end - at(w.year, w.month)
		return false
	}
	w.work += at(t.Year(), t.Month()) - at(w.year, w.month)
	w.year, w.month, w.day = t.Date()
	w.enter()
	return true
}

// end says why emit stopped the walk.
func (w *walker) end() Cut {
	if w.capped {
		return CutInstances
	}
	return Complete
}

// emit handles one instance, in order; it returns false when the walk is
// over. Instances before DTSTART are not the rule's; those before `from`
// count towards COUNT but are not passed.
func (w *walker) emit(t time.Time) bool {
	r := w.r
	switch {
	case !r.until.IsZero() && t.After(r.until):
		return false
	case t.Before(r.dtstart):
		return true
	case t.After(w.stop):
		return false
	}
	if !t.Before(w.from) {
		if w.kept == w.max {
			w.capped = true
			return false
		}
		if w.fn(t) {
			w.kept++
		}
	}
	if w.countLeft > 0 {
		w.countLeft--
		return w.countLeft > 0
	}
	return true
}
