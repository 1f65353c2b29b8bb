package recur

import (
	"fmt"
	"slices"
	"time"

	"github.com/teambition/rrule-go"
)

// Never returns why r can have no instance at all (its DTSTART aside), or ""
// when it may have some. It finds, without walking, the impossible rules
// that are cheap to recognize: an HOURLY INTERVAL that never reaches a BYHOUR
// value, a BYSETPOS beyond the instances any period has, month days no month
// of BYMONTH has, ordinal weekdays no month has, and day filters no date of
// any year passes together. Walk bounds the rest.
func (r *Rule) Never() string {
	if r.freq == rrule.HOURLY && len(r.byhour) > 0 && !hourReachable(r.dtstart.Hour(), r.interval, r.byhour) {
		return fmt.Sprintf("INTERVAL=%d never reaches a BYHOUR value from DTSTART", r.interval)
	}
	if len(r.bysetpos) > 0 {
		n := r.perPeriod()
		if !slices.ContainsFunc(r.bysetpos, func(p int) bool { return p != 0 && p <= n && -p <= n }) {
			what := "instances"
			if n == 1 {
				what = "instance"
			}
			return fmt.Sprintf("BYSETPOS selects nothing: a period of FREQ=%v has at most %d %s", r.freq, n, what)
		}
	}
	if len(r.bymonthday) > 0 || len(r.bymonthdayEnd) > 0 {
		ok := false
		for _, m := range r.monthList() {
			days := maxDays[m-1]
			if slices.ContainsFunc(r.bymonthday, func(d int) bool { return d <= days }) ||
				slices.ContainsFunc(r.bymonthdayEnd, func(d int) bool { return -d <= days }) {
				ok = true
				break
			}
		}
		if !ok {
			return "no month of BYMONTH has a day of BYMONTHDAY"
		}
	}
	if len(r.ordinals) > 0 && (r.freq == rrule.MONTHLY || len(r.bymonth) > 0) &&
		!slices.ContainsFunc(r.ordinals, func(d nthDay) bool { return d.n >= -5 && d.n <= 5 }) {
		return "no month has the BYDAY ordinal weekdays (a month has at most 5 of each weekday)"
	}
	if r.explicit >= 2 && !r.someDate() {
		return "no date passes BYMONTH, BYMONTHDAY, BYYEARDAY and BYDAY together"
	}
	return ""
}

// maxDays is the longest each month can be.
var maxDays = [12]int{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// monthList returns the months the rule may fall in.
func (r *Rule) monthList() []int {
	if len(r.bymonth) > 0 {
		return r.bymonth
	}
	return []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
}

// perPeriod returns the most instances one period can hold before BYSETPOS
// picks among them: its days times the times of day.
func (r *Rule) perPeriod() int {
	times := r.timesPerDay()
	if r.freq == rrule.HOURLY {
		times = len(r.byminute) * len(r.bysecond)
	}
	days := 1
	switch r.freq {
	case rrule.YEARLY:
		days = 0
		for m := 1; m <= 12; m++ {
			if len(r.bymonth) == 0 || slices.Contains(r.bymonth, m) {
				days += maxDays[m-1]
			}
		}
	case rrule.MONTHLY:
		days = 31
	case rrule.WEEKLY:
		days = 7
	}
	return days * times
}

// someDate reports whether some date of some year passes the rule's month,
// month day, year day and plain weekday filters together. Years differ, for
// these filters, only by their length and the weekday they start on: 14
// kinds of year.
func (r *Rule) someDate() bool {
	for _, y := range []int{2023, 2024} { // a common year and a leap year
		yi := newYearInfo(y)
		for start := range 7 {
			yi.jan1 = start
			for _, m := range r.monthList() {
				for i := yi.firstOf[m-1]; i < yi.firstOf[m]; i++ {
					if r.passesFixed(yi, i) {
						return true
					}
				}
			}
			if len(r.byweekday) == 0 {
				break // the weekday a year starts on does not matter
			}
		}
	}
	return false
}

// passesFixed reports whether day i of yi passes the rule's weekday, month
// day and year day filters.
func (r *Rule) passesFixed(yi *yearInfo, i int) bool {
	switch {
	case len(r.byweekday) > 0 && !r.wdays.has(yi.weekday(i)),
		len(r.bymonthday)+len(r.bymonthdayEnd) > 0 && !r.monthday(int(yi.mday[i]), int(yi.fromEnd[i])),
		len(r.byyearday) > 0 && !r.yearday(i+1) && !r.yearday(i-yi.length):
		return false
	}
	return true
}

// hourReachable reports whether an HOURLY rule stepping interval hours from
// hour h0 ever lands on one of byhour: the hours it lands on are h0 plus the
// multiples of gcd(interval, 24).
func hourReachable(h0, interval int, byhour []int) bool {
	step := gcd(interval, 24)
	for _, h := range byhour {
		if h >= 0 && h < 24 && floorMod(h-h0, step) == 0 {
			return true
		}
	}
	return false
}

// Share returns the largest cap such that the counts, each cut to it, sum to
// at most capacity: how many instances each series may keep when together
// they have too many. Series with fewer keep all of theirs.
func Share(counts []int, capacity int) int {
	s := slices.Clone(counts)
	slices.Sort(s)
	left := max(capacity, 0)
	for i, c := range s {
		if k := len(s) - i; c*k > left {
			return left / k
		}
		left -= c
	}
	if len(s) == 0 {
		return capacity
	}
	return s[len(s)-1]
}

// Cost estimates how many candidates a Walk of r from `from` to stop
// examines: periods walked times the candidates of a period. Callers walk
// their rules cheapest first, so that when a feed's budget runs out it is the
// most expensive rules that are cut, not those that come late in the feed.
func (r *Rule) Cost(from, stop time.Time) float64 {
	start := r.dtstart
	if r.count == 0 && from.After(start) {
		start = from // moved ahead (see Walk), give or take a period
	}
	if !r.until.IsZero() && r.until.Before(stop) {
		stop = r.until
	}
	span := stop.Sub(start).Hours()
	if span < 0 {
		return 0
	}
	var period float64 // hours
	days, times := 1.0, float64(r.timesPerDay())
	switch r.freq {
	case rrule.YEARLY:
		period, days = 8766, float64(r.perPeriod()/max(r.timesPerDay(), 1))
	case rrule.MONTHLY:
		period, days = 730, 31
	case rrule.WEEKLY:
		period, days = 168, 7
	case rrule.DAILY:
		period = 24
	default:
		period, times = 1, float64(len(r.byminute)*len(r.bysecond)+1)
	}
	return (span/(period*float64(r.interval)) + 1) * (days + times + 1)
}
