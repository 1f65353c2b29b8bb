package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Day is 24 hours and Week is 7 days: the d and w units of ParseDuration. They
// ignore daylight-saving changes, as a cadence or a horizon does not care about
// the odd hour.
const (
	Day  = 24 * time.Hour
	Week = 7 * Day
)

var durationUnits = map[string]uint64{
	"ns": uint64(time.Nanosecond),
	"us": uint64(time.Microsecond),
	"µs": uint64(time.Microsecond), // U+00B5 micro sign
	"μs": uint64(time.Microsecond), // U+03BC Greek small letter mu
	"ms": uint64(time.Millisecond),
	"s":  uint64(time.Second),
	"m":  uint64(time.Minute),
	"h":  uint64(time.Hour),
	"d":  uint64(Day),
	"w":  uint64(Week),
}

// ParseDuration parses a duration in Go syntax (time.ParseDuration) extended
// with the units d (24h) and w (7d). Units combine and take fractions: "14d",
// "1w2d", "36h", "1.5d", "90m". A sign is accepted, so callers decide whether a
// negative duration makes sense for their field.
func ParseDuration(s string) (time.Duration, error) {
	orig := s
	bad := func() (time.Duration, error) {
		return 0, fmt.Errorf("bad duration %q: want a number and a unit such as 30m, 36h, 14d or 2w", orig)
	}
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "0" {
		return 0, nil
	}
	if s == "" {
		return bad()
	}
	var total uint64
	for s != "" {
		var pre, post bool
		var v, f uint64
		scale := 1.0
		var ok bool
		// The integer part.
		i := 0
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		pre = i > 0
		if v, ok = leadingInt(s[:i]); !ok {
			return 0, fmt.Errorf("duration %q is too long", orig)
		}
		s = s[i:]
		// The fraction.
		if s != "" && s[0] == '.' {
			s = s[1:]
			i = 0
			for i < len(s) && '0' <= s[i] && s[i] <= '9' {
				if f < (1<<63-1)/10 {
					f = f*10 + uint64(s[i]-'0')
					scale *= 10
				}
				i++
			}
			post = i > 0
			s = s[i:]
		}
		if !pre && !post {
			return bad()
		}
		// The unit.
		i = 0
		for i < len(s) && s[i] != '.' && (s[i] < '0' || s[i] > '9') {
			i++
		}
		unit, ok := durationUnits[s[:i]]
		if !ok {
			return bad()
		}
		s = s[i:]
		if v > (1<<63)/unit {
			return 0, fmt.Errorf("duration %q is too long", orig)
		}
		v *= unit
		if f > 0 {
			v += uint64(float64(f) * (float64(unit) / scale))
			if v > 1<<63 {
				return 0, fmt.Errorf("duration %q is too long", orig)
			}
		}
		total += v
		if total > 1<<63 {
			return 0, fmt.Errorf("duration %q is too long", orig)
		}
	}
	if neg {
		return -time.Duration(total), nil
	}
	if total > 1<<63-1 {
		return 0, fmt.Errorf("duration %q is too long", orig)
	}
	return time.Duration(total), nil
}

func leadingInt(digits string) (uint64, bool) {
	var x uint64
	for _, c := range []byte(digits) {
		if x > 1<<63/10 {
			return 0, false
		}
		x = x*10 + uint64(c-'0')
		if x > 1<<63 {
			return 0, false
		}
	}
	return x, true
}

// ParseCadence parses weekly, biweekly, monthly, quarterly (any case) or a
// positive duration such as "10d" or "6w", whose Name is the text as written.
func ParseCadence(s string) (Cadence, error) {
	t := strings.TrimSpace(s)
	for _, c := range []Cadence{Weekly, Biweekly, Monthly, Quarterly} {
		if strings.EqualFold(t, c.Name) {
			return c, nil
		}
	}
	d, err := ParseDuration(t)
	if err != nil {
		return Cadence{}, fmt.Errorf("unknown cadence %q: want weekly, biweekly, monthly, quarterly or a duration such as 10d", s)
	}
	if d <= 0 {
		return Cadence{}, fmt.Errorf("cadence %q must be positive", s)
	}
	return Cadence{Name: t, Every: d}, nil
}

var dayNames = []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

const wantDays = "want Mon, Tue, Wed, Thu, Fri, Sat or Sun"

// parseDay accepts a day's 3-letter abbreviation or full English name, in any case.
func parseDay(s string) (time.Weekday, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for i, n := range dayNames {
		if t == n || t == n[:3] {
			return time.Weekday(i), nil
		}
	}
	return 0, fmt.Errorf("unknown day %q: %s", s, wantDays)
}

// parseDayRange parses a day ("Tue") or an inclusive range of days ("Mon-Fri").
// A range may wrap past Sunday: "Fri-Mon" is Fri, Sat, Sun and Mon.
func parseDayRange(s string) (Weekdays, error) {
	from, to, isRange := strings.Cut(s, "-")
	a, err := parseDay(from)
	if err != nil {
		if isRange {
			return 0, fmt.Errorf("unknown day %q in %q: %s", strings.TrimSpace(from), s, wantDays)
		}
		return 0, err
	}
	if !isRange {
		return 1 << a, nil
	}
	b, err := parseDay(to)
	if err != nil {
		return 0, fmt.Errorf("unknown day %q in %q: %s", strings.TrimSpace(to), s, wantDays)
	}
	var w Weekdays
	for d := a; ; d = (d + 1) % 7 {
		w |= 1 << d
		if d == b {
			break
		}
	}
	return w, nil
}

// ParseDays parses a list of days. Each entry is a day ("Tue", "tuesday"), an
// inclusive range ("Mon-Fri"; "Fri-Mon" wraps past Sunday) or a comma-separated
// list of those ("Mon,Wed"). At least one day is needed.
func ParseDays(days []string) (Weekdays, error) {
	var w Weekdays
	for _, entry := range days {
		for part := range strings.SplitSeq(entry, ",") {
			d, err := parseDayRange(part)
			if err != nil {
				return 0, err
			}
			w |= d
		}
	}
	if w == 0 {
		return 0, errors.New("no days given: " + wantDays)
	}
	return w, nil
}

// parseClock parses HH:MM (or H:MM), 00:00 to 24:00.
func parseClock(s string) (Minute, error) {
	bad := fmt.Errorf("bad time %q: want HH:MM between 00:00 and 24:00", s)
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 {
		return 0, bad
	}
	hh, ok1 := digits(h)
	mm, ok2 := digits(m)
	if !ok1 || !ok2 || mm > 59 || hh > 24 || hh == 24 && mm != 0 {
		return 0, bad
	}
	return Minute(hh*60 + mm), nil
}

func digits(s string) (int, bool) {
	n := 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// parseSpan parses "HH:MM-HH:MM"; what names the value in messages.
func parseSpan(s, what string) (Span, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return Span{}, fmt.Errorf("bad %s %q: want HH:MM-HH:MM such as 10:00-16:00", what, s)
	}
	from, err := parseClock(strings.TrimSpace(a))
	if err != nil {
		return Span{}, err
	}
	to, err := parseClock(strings.TrimSpace(b))
	if err != nil {
		return Span{}, err
	}
	if from == 24*60 {
		return Span{}, fmt.Errorf("bad %s %q: 24:00 can only end a range", what, s)
	}
	sp := Span{from, to}
	ends, empty := "end before they start", "are empty"
	if what == "window" {
		ends, empty = "ends before it starts", "is empty"
	}
	if to < from {
		return Span{}, fmt.Errorf("%s %s-%s %s", what, from, to, ends)
	}
	if to == from {
		return Span{}, fmt.Errorf("%s %s-%s %s", what, from, to, empty)
	}
	return sp, nil
}

// ParseWindow parses a time-of-day range such as "10:00-16:00". 24:00 may end
// it; an end at or before the start is an error (windows never cross midnight).
func ParseWindow(s string) (Window, error) {
	return parseSpan(s, "window")
}

// ParseWorkingHours parses working hours such as "Mon-Fri 09:00-17:00",
// "Mon,Wed,Fri 09:00-12:00" or "Sat 10:00-14:00". Day names are 3-letter or full
// English names in any case; a range may wrap past Sunday ("Fri-Mon"). Each
// argument adds its hours, so split days are written as several strings
// ("Mon-Fri 09:00-12:00", "Mon-Fri 13:00-17:30"); spans that overlap or touch on
// a day are merged. Hours never cross midnight: 24:00 may end a span, and an end
// at or before the start is an error.
func ParseWorkingHours(v ...string) (WorkingHours, error) {
	var wh WorkingHours
	if len(v) == 0 {
		return wh, errors.New(`no working hours given: want days and hours such as "Mon-Fri 09:00-17:00"`)
	}
	for _, s := range v {
		f := strings.Fields(s)
		if len(f) != 2 {
			return WorkingHours{}, fmt.Errorf(`bad working hours %q: want days and hours such as "Mon-Fri 09:00-17:00"`, s)
		}
		days, err := ParseDays([]string{f[0]})
		if err != nil {
			return WorkingHours{}, err
		}
		sp, err := parseSpan(f[1], "working hours")
		if err != nil {
			return WorkingHours{}, err
		}
		for d := range 7 {
			if days.Has(time.Weekday(d)) {
				wh[d] = append(wh[d], sp)
			}
		}
	}
	for d := range wh {
		wh[d] = mergeSpans(wh[d])
	}
	return wh, nil
}

// mergeSpans sorts spans and merges those that overlap or touch.
func mergeSpans(spans []Span) []Span {
	if len(spans) < 2 {
		return spans
	}
	slices.SortFunc(spans, func(a, b Span) int { return int(a.From - b.From) })
	out := spans[:1]
	for _, s := range spans[1:] {
		last := &out[len(out)-1]
		if s.From <= last.To {
			last.To = max(last.To, s.To)
			continue
		}
		out = append(out, s)
	}
	return out
}

// parseDate parses YYYY-MM-DD.
func parseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("bad date %q: want YYYY-MM-DD such as 2027-03-31", s)
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}
