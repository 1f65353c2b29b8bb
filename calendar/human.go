package calendar

import (
	"fmt"
	"time"
)

// HumanDuration says d in words for people, in the largest unit that keeps it
// exact enough: "250 milliseconds", "45 seconds", "20 minutes", "3 hours",
// "9 days", "2 weeks". Whole weeks from two weeks on are said in weeks; other
// spans of two days or more in days (rounded); shorter ones in hours or
// minutes. It is the one way a duration reaches a person: never
// time.Duration.String ("336h0m0s").
func HumanDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	const day = 24 * time.Hour
	switch {
	case d > 0 && d < time.Second:
		return count(int64(d.Round(time.Millisecond)/time.Millisecond), "millisecond")
	case d < time.Minute:
		return count(int64(d.Round(time.Second)/time.Second), "second")
	case d < 2*time.Hour && d%time.Hour != 0:
		return count(int64(d.Round(time.Minute)/time.Minute), "minute")
	case d < 2*day:
		return count(int64(d.Round(time.Hour)/time.Hour), "hour")
	}
	n := int64(d.Round(day) / day)
	if n >= 14 && n%7 == 0 && d%day == 0 {
		return count(n/7, "week")
	}
	return count(n, "day")
}

func count(n int64, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
