package calendar

import (
	"fmt"
	"strings"
	"time"
)

// HumanDuration words d for people, in messages: "2 weeks", "14 days" only
// when not whole weeks, "1 hour 30 minutes", "5 seconds", "250 milliseconds".
// It names at most the two largest units, rounding the rest away, so
// 336h0m0s reads "2 weeks" and 100h reads "4 days 4 hours".
func HumanDuration(d time.Duration) string {
	const (
		Day  = 24 * time.Hour
		Week = 7 * Day
	)
	neg := d < 0
	if neg {
		d = -d
	}
	var s string
	switch {
	case d == 0:
		s = "0 seconds"
	case d < time.Second:
		s = count(int64((d+time.Millisecond/2)/time.Millisecond), "millisecond")
	case d%Week == 0:
		s = count(int64(d/Week), "week")
	default:
		units := []time.Duration{Day, time.Hour, time.Minute, time.Second}
		names := []string{"day", "hour", "minute", "second"}
		i := 0
		for d < units[i] {
			i++
		}
		// Round to the second unit named (or the first, for seconds).
		j := min(i+1, len(units)-1)
		d = (d + units[j]/2) / units[j] * units[j]
		if i > 0 && d >= units[i-1] { // rounding carried into a larger unit
			i--
			j = i + 1
		}
		parts := []string{count(int64(d/units[i]), names[i])}
		if rest := d % units[i]; j != i && rest > 0 {
			parts = append(parts, count(int64(rest/units[j]), names[j]))
		}
		s = strings.Join(parts, " ")
	}
	if neg {
		return "minus " + s
	}
	return s
}

func count(n int64, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
