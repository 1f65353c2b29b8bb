package recur

import (
	"testing"
	"time"
)

// TestWeekDays: with WKST=MO, BYWEEKNO numbers weeks as ISO 8601 does
// (time.ISOWeek), counted from either end of the year, and week 1 of the
// next year and -1, the previous year's last week, reach across the new year.
func TestWeekDays(t *testing.T) {
	for y := 1900; y <= 2100; y++ {
		yi := newYearInfo(y)
		count := weeksOf(yi, 0).count
		for i := range yi.length + 7 {
			yy, m, d := yi.date(i)
			iy, iw := time.Date(yy, m, d, 0, 0, 0, 0, time.UTC).ISOWeek()
			var lists [][]int
			switch {
			case iy == y:
				lists = [][]int{{iw}, {iw - count - 1}}
			case iy == y+1 && i < yi.length:
				lists = [][]int{{1}}
			case iy == y-1:
				lists = [][]int{{-1}}
			}
			for _, l := range lists {
				if !weekDays(yi, 0, l)[i] {
					t.Fatalf("%d-%02d-%02d (ISO week %d of %d): BYWEEKNO=%v does not select it in %d", yy, m, d, iw, iy, l, y)
				}
			}
		}
	}
}

func TestEasterSunday(t *testing.T) {
	for _, want := range []string{"1818-03-22", "1943-04-25", "2000-04-23", "2024-03-31", "2025-04-20", "2038-04-25", "2285-03-22"} {
		d, err := time.Parse(time.DateOnly, want)
		if err != nil {
			t.Fatal(err)
		}
		if got := easterSunday(newYearInfo(d.Year())); got != d.YearDay()-1 {
			t.Errorf("Easter %d: day %d, want %d (%s)", d.Year(), got, d.YearDay()-1, want)
		}
	}
}
