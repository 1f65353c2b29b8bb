package ics

import (
	"fmt"
	"slices"
	"time"

	"github.com/teambition/rrule-go"
)

// skip is RFC 7529's SKIP=BACKWARD or FORWARD (§3.1) on a Gregorian rule: a
// series on a day some months lack (the 31st monthly, February 29th yearly)
// has an instance in those months too, on their last day (BACKWARD) or the
// first day of the next month (FORWARD), where SKIP=OMIT (the default, and
// RFC 5545's behaviour) leaves them out.
//
// Such a rule is walked as a helper rule with the same period, months and
// times of day on the first of each month, each of whose instances is moved
// to the rule's day, or where SKIP sends it. Every period has one first of the
// month, so COUNT counts the same instances.
type skip struct {
	day     int  // the day of the month the rule names
	forward bool // FORWARD, else BACKWARD
	dtstart time.Time
	until   time.Time // on wall clocks; zero: none
}

// skipFor reads SKIP for opt. It returns nil when there is nothing to do
// (OMIT, or a rule whose days every month has), and a warning when SKIP is
// not understood or is combined with parts it is not applied to here.
func (p *parser) skipFor(value string, opt *rrule.ROption) (*skip, string) {
	switch value {
	case "", "OMIT":
		return nil, ""
	case "BACKWARD", "FORWARD":
	default:
		return nil, fmt.Sprintf("ignored SKIP=%s (RFC 7529 knows OMIT, BACKWARD, FORWARD); invalid dates are left out", value)
	}
	if opt.Freq != rrule.MONTHLY && opt.Freq != rrule.YEARLY {
		return nil, ""
	}
	day := opt.Dtstart.Day()
	switch {
	case len(opt.Bymonthday) > 1, len(opt.Byweekday) > 0, len(opt.Byyearday) > 0, len(opt.Byweekno) > 0,
		len(opt.Bysetpos) > 0, len(opt.Byeaster) > 0, opt.Freq == rrule.YEARLY && len(opt.Bymonth) > 1:
		return nil, fmt.Sprintf("SKIP=%s is applied only to a rule on one day of the month; invalid dates are left out (SKIP=OMIT)", value)
	case len(opt.Bymonthday) == 1:
		day = opt.Bymonthday[0]
	}
	if day <= 28 {
		return nil, "" // every month has it (negative days count from the end: always valid)
	}
	if opt.Freq == rrule.YEARLY && len(opt.Bymonth) == 0 {
		opt.Bymonth = []int{int(opt.Dtstart.Month())}
	}
	return &skip{day: day, forward: value == "FORWARD"}, ""
}

// helper is opt on the first of each month, from the month of DTSTART; UNTIL
// is checked on the moved instances (move) instead.
func (s *skip) helper(opt rrule.ROption) *rrule.ROption {
	y, m, _ := opt.Dtstart.Date()
	h, mi, sec := opt.Dtstart.Clock()
	opt.Dtstart = time.Date(y, m, 1, h, mi, sec, 0, time.UTC)
	if t, _ := s.move(opt.Dtstart); t.Before(s.dtstart) && (len(opt.Bymonth) == 0 || slices.Contains(opt.Bymonth, int(m))) {
		// DTSTART is after the rule's day in its month (the 31st, with
		// BYMONTHDAY=30): that month's instance is before DTSTART, which
		// the rule does not have nor count (RFC 5545 §3.3.10), so the
		// helper starts a period later.
		if opt.Freq == rrule.YEARLY {
			opt.Dtstart = opt.Dtstart.AddDate(max(opt.Interval, 1), 0, 0)
		} else {
			opt.Dtstart = opt.Dtstart.AddDate(0, max(opt.Interval, 1), 0)
		}
	}
	opt.Bymonthday = []int{1}
	opt.Until = time.Time{}
	return &opt
}

// move places an instance of the helper rule (a wall clock on the first of a
// month) on the rule's day, and says whether the rule has it: not before
// DTSTART, not after UNTIL.
func (s *skip) move(w time.Time) (time.Time, bool) {
	y, m, _ := w.Date()
	h, mi, sec := w.Clock()
	last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
	var t time.Time
	switch {
	case s.day <= last:
		t = time.Date(y, m, s.day, h, mi, sec, 0, time.UTC)
	case s.forward:
		t = time.Date(y, m+1, 1, h, mi, sec, 0, time.UTC)
	default:
		t = time.Date(y, m, last, h, mi, sec, 0, time.UTC)
	}
	if t.Before(s.dtstart) || !s.until.IsZero() && t.After(s.until) {
		return t, false
	}
	return t, true
}
