package recur

// The masks and per-year tables of rrule-go v1.8.2 (MIT License, Copyright (c)
// 2017-2023 Teambition), from python-dateutil: which month, month day and
// weekday each day of a year is.

import (
	"slices"
	"time"

	"github.com/teambition/rrule-go"
)

// Every mask is 7 days longer to handle cross-year weekly periods.
var (
	m366Mask, m365Mask       []int
	mday366Mask, mday365Mask []int
	nmday366Mask             []int
	nmday365Mask             []int
	wdayMask                 []int
	m366Range                = []int{0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366}
	m365Range                = []int{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365}
)

func init() {
	m366Mask = concat(repeat(1, 31), repeat(2, 29), repeat(3, 31),
		repeat(4, 30), repeat(5, 31), repeat(6, 30), repeat(7, 31),
		repeat(8, 31), repeat(9, 30), repeat(10, 31), repeat(11, 30),
		repeat(12, 31), repeat(1, 7))
	m365Mask = concat(m366Mask[:59], m366Mask[60:])
	m29, m30, m31 := rang(1, 30), rang(1, 31), rang(1, 32)
	mday366Mask = concat(m31, m29, m31, m30, m31, m30, m31, m31, m30, m31, m30, m31, m31[:7])
	mday365Mask = concat(mday366Mask[:59], mday366Mask[60:])
	m29, m30, m31 = rang(-29, 0), rang(-30, 0), rang(-31, 0)
	nmday366Mask = concat(m31, m29, m31, m30, m31, m30, m31, m31, m30, m31, m30, m31, m31[:7])
	nmday365Mask = concat(nmday366Mask[:31], nmday366Mask[32:])
	for range 55 {
		wdayMask = append(wdayMask, 0, 1, 2, 3, 4, 5, 6)
	}
}

type iterInfo struct {
	rrule       *Rule
	lastyear    int
	lastmonth   time.Month
	yearlen     int
	nextyearlen int
	yearweekday int
	mmask       []int
	mrange      []int
	mdaymask    []int
	nmdaymask   []int
	wdaymask    []int
	wnomask     []int
	nwdaymask   []int
	eastermask  []int
}

func (info *iterInfo) rebuild(year int, month time.Month) {
	r := info.rrule
	if year != info.lastyear {
		info.yearlen = 365 + isLeap(year)
		info.nextyearlen = 365 + isLeap(year+1)
		info.yearweekday = pyWeekday(time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC).Weekday())
		info.wdaymask = wdayMask[info.yearweekday:]
		if info.yearlen == 365 {
			info.mmask, info.mdaymask, info.nmdaymask, info.mrange = m365Mask, mday365Mask, nmday365Mask, m365Range
		} else {
			info.mmask, info.mdaymask, info.nmdaymask, info.mrange = m366Mask, mday366Mask, nmday366Mask, m366Range
		}
		if len(r.byweekno) == 0 {
			info.wnomask = nil
		} else {
			info.weekNumbers(year)
		}
	}
	if len(r.bynweekday) != 0 && (month != info.lastmonth || year != info.lastyear) {
		var ranges [][]int
		if r.freq == rrule.YEARLY {
			if len(r.bymonth) != 0 {
				for _, m := range r.bymonth {
					ranges = append(ranges, info.mrange[m-1:m+1])
				}
			} else {
				ranges = [][]int{{0, info.yearlen}}
			}
		} else if r.freq == rrule.MONTHLY {
			ranges = [][]int{info.mrange[month-1 : month+1]}
		}
		if len(ranges) != 0 {
			// Weekly frequency won't get here, so we may not
			// care about cross-year weekly periods.
			info.nwdaymask = make([]int, info.yearlen)
			for _, x := range ranges {
				first, last := x[0], x[1]-1
				for _, y := range r.bynweekday {
					var i int
					if y.n < 0 {
						i = last + (y.n+1)*7
						if i < 0 {
							continue
						}
						i -= pymod(info.wdaymask[i]-y.weekday, 7)
					} else {
						i = first + (y.n-1)*7
						if i >= len(info.wdaymask) {
							continue
						}
						i += pymod(7-info.wdaymask[i]+y.weekday, 7)
					}
					if first <= i && i <= last {
						info.nwdaymask[i] = 1
					}
				}
			}
		}
	}
	if len(r.byeaster) != 0 {
		info.eastermask = make([]int, info.yearlen+7)
		eyday := easter(year).YearDay() - 1
		for _, offset := range r.byeaster {
			if i := eyday + offset; i >= 0 && i < len(info.eastermask) {
				info.eastermask[i] = 1
			}
		}
	}
	info.lastyear = year
	info.lastmonth = month
}

// weekNumbers fills wnomask for BYWEEKNO (rrule-go's, unchanged).
func (info *iterInfo) weekNumbers(year int) {
	r := info.rrule
	info.wnomask = make([]int, info.yearlen+7)
	firstwkst := pymod(7-info.yearweekday+r.wkst, 7)
	no1wkst := firstwkst
	var wyearlen int
	if no1wkst >= 4 {
		no1wkst = 0
		// Number of days in the year, plus the days we got from last year.
		wyearlen = info.yearlen + pymod(info.yearweekday-r.wkst, 7)
	} else {
		// Number of days in the year, minus the days we left in last year.
		wyearlen = info.yearlen - no1wkst
	}
	div, mod := divmod(wyearlen, 7)
	numweeks := div + mod/4
	for _, n := range r.byweekno {
		if n < 0 {
			n += numweeks + 1
		}
		if !(0 < n && n <= numweeks) {
			continue
		}
		var i int
		if n > 1 {
			i = no1wkst + (n-1)*7
			if no1wkst != firstwkst {
				i -= 7 - firstwkst
			}
		} else {
			i = no1wkst
		}
		for range 7 {
			info.wnomask[i] = 1
			i++
			if info.wdaymask[i] == r.wkst {
				break
			}
		}
	}
	if slices.Contains(r.byweekno, 1) {
		// Check week number 1 of next year as well
		i := no1wkst + numweeks*7
		if no1wkst != firstwkst {
			i -= 7 - firstwkst
		}
		if i < info.yearlen {
			// If week starts in next year, we don't care about it.
			for range 7 {
				info.wnomask[i] = 1
				i++
				if info.wdaymask[i] == r.wkst {
					break
				}
			}
		}
	}
	if no1wkst != 0 {
		// Check last week number of last year as well. If no1wkst is 0,
		// either the year started on week start, or week number 1 got days
		// from last year, so there are no days from last year's last week
		// number in this year.
		var lnumweeks int
		if !slices.Contains(r.byweekno, -1) {
			lyearweekday := pyWeekday(time.Date(year-1, 1, 1, 0, 0, 0, 0, time.UTC).Weekday())
			lno1wkst := pymod(7-lyearweekday+r.wkst, 7)
			lyearlen := 365 + isLeap(year-1)
			if lno1wkst >= 4 {
				lnumweeks = 52 + pymod(lyearlen+pymod(lyearweekday-r.wkst, 7), 7)/4
			} else {
				lnumweeks = 52 + pymod(info.yearlen-no1wkst, 7)/4
			}
		} else {
			lnumweeks = -1
		}
		if slices.Contains(r.byweekno, lnumweeks) {
			for i := range no1wkst {
				info.wnomask[i] = 1
			}
		}
	}
}

// calcDaySet sets the days (of the year) of the current period, all defined.
// A YEARLY rule with BYMONTH looks at the days of those months only: the
// others fail the BYMONTH filter anyway, and a birthday then costs 31
// candidates a year instead of 366.
func (w *walker) calcDaySet() {
	w.dayset = w.dayset[:0]
	r, ii := w.r, &w.ii
	switch r.freq {
	case rrule.YEARLY:
		if len(r.bymonth) == 0 {
			w.dayset = appendRange(w.dayset, 0, ii.yearlen)
			break
		}
		for m := 1; m <= 12; m++ {
			if slices.Contains(r.bymonth, m) {
				w.dayset = appendRange(w.dayset, ii.mrange[m-1], ii.mrange[m])
			}
		}
	case rrule.MONTHLY:
		w.dayset = appendRange(w.dayset, ii.mrange[w.month-1], ii.mrange[w.month])
	case rrule.WEEKLY:
		// Cross-year weeks: the masks run 7 days into the next year.
		i := time.Date(w.year, w.month, w.day, 0, 0, 0, 0, time.UTC).YearDay() - 1
		start, end := i, i+1
		for range 7 {
			i++
			if ii.wdaymask[i] == r.wkst {
				break
			}
			end = i + 1
		}
		w.dayset = appendRange(w.dayset, start, end)
	default:
		i := time.Date(w.year, w.month, w.day, 0, 0, 0, 0, time.UTC).YearDay() - 1
		w.dayset = append(w.dayset, i)
	}
	w.defined = slices.Grow(w.defined[:0], len(w.dayset))[:len(w.dayset)]
	for n := range w.defined {
		w.defined[n] = true
	}
}

func appendRange(s []int, start, end int) []int {
	for i := start; i < end; i++ {
		s = append(s, i)
	}
	return s
}

// date returns the date of day i of the current year (i may run into the next).
func (w *walker) date(i int) (int, time.Month, int) {
	return time.Date(w.ii.lastyear, 1, 1+i, 0, 0, 0, 0, time.UTC).Date()
}

// at returns the instant of day i at time of day tt, in the rule's zone.
func (w *walker) at(i int, tt time.Time) time.Time {
	y, m, d := w.date(i)
	h, mi, s := tt.Clock()
	return time.Date(y, m, d, h, mi, s, tt.Nanosecond(), tt.Location())
}

// fillTimeSet sets the times of day of an HOURLY period.
func (info *iterInfo) fillTimeSet(set *[]time.Time, hour, minute, second int) {
	r := info.rrule
	*set = (*set)[:0]
	for _, m := range r.byminute {
		for _, s := range r.bysecond {
			*set = append(*set, time.Date(1, 1, 1, hour, m, s, 0, r.dtstart.Location()))
		}
	}
	slices.SortFunc(*set, time.Time.Compare)
}

// pyWeekday numbers weekdays from Monday (0) to Sunday (6).
func pyWeekday(d time.Weekday) int { return (int(d) + 6) % 7 }

func isLeap(year int) int {
	if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		return 1
	}
	return 0
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// pymod is Python's %: the result has the sign of b.
func pymod(a, b int) int {
	r := a % b
	if r*b < 0 {
		r += b
	}
	return r
}

// divmod is Python's divmod: floor division.
func divmod(a, b int) (div, mod int) {
	mod = pymod(a, b)
	return (a - mod) / b, mod
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func lcm(a, b int) int { return a / gcd(a, b) * b }

func repeat(value, count int) []int {
	out := make([]int, count)
	for i := range out {
		out[i] = value
	}
	return out
}

func concat(parts ...[]int) []int {
	var out []int
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func rang(start, end int) []int {
	var out []int
	for i := start; i < end; i++ {
		out = append(out, i)
	}
	return out
}

func easter(year int) time.Time {
	g := year % 19
	c := year / 100
	h := (c - c/4 - (8*c+13)/25 + 19*g + 15) % 30
	i := h - (h/28)*(1-(h/28)*(29/(h+1))*((21-g)/11))
	j := (year + year/4 + i + 2 - c + c/4) % 7
	p := i - j
	d := 1 + (p+27+(p+6)/40)%31
	m := 3 + (p+26)/30
	return time.Date(year, time.Month(m), d, 0, 0, 0, 0, time.UTC)
}
