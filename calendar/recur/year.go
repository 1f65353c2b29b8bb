package recur

// The calendar of one year as a recurrence rule's day filters read it: which
// month, day of the month and weekday each of its days is, and where its
// months start. Everything is derived from the time package, one year at a
// time, and a walk keeps the year it is in.

import (
	"slices"
	"sync"
	"time"
)

// yearInfo describes the days of one year by their index, 0 for January 1.
type yearInfo struct {
	year   int
	length int // 365 or 366
	// nextLength is the next year's: BYYEARDAY counts its first week's days
	// from its end too.
	nextLength int
	jan1       int // weekday of January 1, 0 for Monday
	*dayTables
}

// dayTables are what a year's days are, by index. They depend only on the
// year's length, so there are two, built once. They run a week into the next
// year, so that a week starting in late December can be read without a
// second year.
type dayTables struct {
	// firstOf[m-1] is the index of the first day of month m; firstOf[12] is
	// the length of the year.
	firstOf [13]int
	month   []int8 // 1 to 12
	mday    []int8 // 1 to 31
	fromEnd []int8 // -1 for a month's last day, -2 for the one before, …
}

// commonYear and leapYear are the tables of years of 365 and 366 days.
var commonYear, leapYear = sync.OnceValue(func() *dayTables { return newDayTables(2023) }),
	sync.OnceValue(func() *dayTables { return newDayTables(2024) })

// newDayTables walks the months of year y.
func newDayTables(y int) *dayTables {
	t := &dayTables{}
	add := func(m time.Month) {
		days := daysIn(m, y)
		for d := 1; d <= days; d++ {
			t.month = append(t.month, int8(m))
			t.mday = append(t.mday, int8(d))
			t.fromEnd = append(t.fromEnd, int8(d-days-1))
		}
	}
	for m := time.January; m <= time.December; m++ {
		t.firstOf[m-1] = len(t.month)
		add(m)
	}
	t.firstOf[12] = len(t.month)
	add(time.January) // the next year's, of which a week is kept
	end := t.firstOf[12] + 7
	t.month, t.mday, t.fromEnd = t.month[:end], t.mday[:end], t.fromEnd[:end]
	return t
}

// newYearInfo describes year y.
func newYearInfo(y int) *yearInfo {
	yi := &yearInfo{
		year:       y,
		length:     yearLength(y),
		nextLength: yearLength(y + 1),
		jan1:       mondayBased(time.Date(y, time.January, 1, 0, 0, 0, 0, time.UTC).Weekday()),
		dayTables:  commonYear(),
	}
	if yi.length == 366 {
		yi.dayTables = leapYear()
	}
	return yi
}

// yearLength returns how many days year y has.
func yearLength(y int) int { return 337 + daysIn(time.February, y) }

// monthLength returns how many days month m of the year has.
func (yi *yearInfo) monthLength(m time.Month) int { return yi.firstOf[m] - yi.firstOf[m-1] }

// weekday returns the weekday of day i, 0 for Monday.
func (yi *yearInfo) weekday(i int) int { return (yi.jan1 + i) % 7 }

// index returns the index of a date of the year.
func (yi *yearInfo) index(m time.Month, d int) int { return yi.firstOf[m-1] + d - 1 }

// date returns the date of day i (which may be in the next year's first week).
func (yi *yearInfo) date(i int) (int, time.Month, int) {
	y := yi.year
	if i >= yi.length {
		y++
	}
	return y, time.Month(yi.month[i]), int(yi.mday[i])
}

// weeks numbers the weeks of a year as RFC 5545 does for BYWEEKNO: weeks
// start on WKST, and week 1 is the first that has at least four days in the
// year.
type weeks struct {
	first int // index of the first day of week 1; negative when it starts in the previous year
	count int // weeks in the year, 52 or 53
}

func weeksOf(yi *yearInfo, wkst int) weeks {
	// Days of January 1's week that fall in the previous year.
	before := (yi.jan1 - wkst + 7) % 7
	w := weeks{first: -before}
	if before > 3 {
		w.first = 7 - before // that week has only 7-before (< 4) days here
	}
	// A week belongs to the year when it starts at least four days before
	// the year's end.
	w.count = (yi.length - w.first + 3) / 7
	return w
}

// weekDays returns the days of the year that BYWEEKNO selects under WKST
// (wkst): the weeks it names, counted from the start (positive) or the end
// (negative) of the year; the first days of the next year's week 1 when it
// names week 1; and the days before week 1, which belong to the previous
// year's last week, when it names that week.
func weekDays(yi *yearInfo, wkst int, byweekno []int) []bool {
	sel := make([]bool, yi.length+7)
	w := weeksOf(yi, wkst)
	mark := func(start int) {
		for i := max(start, 0); i < start+7; i++ {
			sel[i] = true
		}
	}
	names := func(n int) bool { return slices.Contains(byweekno, n) }
	for _, n := range byweekno {
		if n < 0 {
			n += w.count + 1
		}
		if n >= 1 && n <= w.count {
			mark(w.first + 7*(n-1))
		}
	}
	if next := w.first + 7*w.count; names(1) && next < yi.length {
		mark(next)
	}
	if w.first > 0 && (names(-1) || names(lastWeekBefore(yi, wkst, w))) {
		for i := range w.first {
			sel[i] = true
		}
	}
	return sel
}

// lastWeekBefore returns the number python-dateutil, and so rrule-go, gives
// the previous year's last week when it holds the first days of this year.
// It is that year's week count when its week 1 began the year before it;
// otherwise dateutil derives it from this year's days after its own first
// week (52, or 53 when they leave four or more over whole weeks), which can
// differ from the count. Instances are checked against rrule-go's, so the
// walk numbers that week as it does.
func lastWeekBefore(yi *yearInfo, wkst int, w weeks) int {
	prev := newYearInfo(yi.year - 1)
	pw := weeksOf(prev, wkst)
	if pw.first < 0 {
		return pw.count
	}
	if (yi.length-w.first)%7 >= 4 {
		return 53
	}
	return 52
}

// easterSunday returns the index of Easter Sunday in yi's year, by the
// Gregorian computus of Meeus, Jones and Butcher.
func easterSunday(yi *yearInfo) int {
	y := yi.year
	golden := y % 19
	century, yearOf := y/100, y%100
	leapSkips, rem := century/4, century%4
	moonFix := (century + 8) / 25
	moonShift := (century - moonFix + 1) / 3
	epact := (19*golden + century - leapSkips - moonShift + 15) % 30
	weekFix := (32 + 2*rem + 2*(yearOf/4) - epact - yearOf%4) % 7
	late := (golden + 11*epact + 22*weekFix) / 451
	monthDay := epact + weekFix - 7*late + 114
	return yi.index(time.Month(monthDay/31), monthDay%31+1)
}

// mondayBased numbers weekdays from Monday (0) to Sunday (6), as
// rrule.Weekday does.
func mondayBased(d time.Weekday) int { return (int(d) + 6) % 7 }

// daysIn returns the length of month m of year y: day 32 of it is day
// 32-length of the next.
func daysIn(m time.Month, y int) int {
	return 32 - time.Date(y, m, 32, 0, 0, 0, 0, time.UTC).Day()
}

// floorMod returns a mod b in [0, b) for b > 0.
func floorMod(a, b int) int { return ((a % b) + b) % b }

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func lcm(a, b int) int { return a / gcd(a, b) * b }
