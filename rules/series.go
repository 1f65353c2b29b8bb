package rules

import (
	"fmt"
	"strings"
	"time"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/config"
)

// A standing series (meeting.series, or a rule's series) is written as one
// recurring event at the peer's cadence. The recurrence rule for each cadence:
//
//   - weekly: FREQ=WEEKLY; biweekly: FREQ=WEEKLY;INTERVAL=2
//   - monthly: FREQ=MONTHLY;BYDAY=2TU, "the second Tuesday" of each month
//     rather than "the 14th", so the meeting keeps its weekday; a first
//     instance in the fifth week of its month is "the last Tuesday" (-1TU),
//     since not every month has a fifth
//   - quarterly: FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU, the same every third month
//   - a duration of whole weeks: FREQ=WEEKLY;INTERVAL=n; other durations:
//     FREQ=DAILY;INTERVAL=n (in days)
//
// Every rule ends with UNTIL, in UTC, at the start of the last instance no
// later than the first instance plus caps.series_max: the series stops there,
// and the rules decide again (see RenewalLead).

// Series is the recurring series an action writes.
type Series struct {
	Cadence config.Cadence
	// Rule is the recurrence line written: "RRULE:FREQ=…;UNTIL=…".
	Rule string
	// Instances are the slots of every instance, first to last.
	Instances []calendar.Interval
	// Visible is how many instances fall within the window sideways reads
	// (the horizon plus 8 days): only they were checked against the calendar
	// and the caps.
	Visible int
	// Conflicts are the visible instances that meet busy time.
	Conflicts []calendar.Interval
}

// Last is the start of the series' last instance.
func (s *Series) Last() time.Time { return s.Instances[len(s.Instances)-1].Start }

// SeriesInfo is one recurring series a peer 1:1 belongs to, as the calendars
// show it.
type SeriesInfo struct {
	ID      string
	Summary string
	// Ours is true for a series sideways wrote (still a suggestion or a
	// pending invite, or accepted since).
	Ours bool
	// Next is the next instance; zero when none is left in the window read.
	Next time.Time
	// Last is the start of the last instance; zero when the series has no end.
	Last time.Time
}

// RenewalLead is how long before a series' last instance the rules are
// evaluated again and a renewal is proposed: a quarter of the cadence, and
// at least 7 days.
func RenewalLead(c config.Cadence) time.Duration {
	return max(c.Every/4, 7*24*time.Hour)
}

// seriesFreq returns the recurrence rule without UNTIL for a cadence starting
// at first, and the function giving the k-th instance's start.
func seriesFreq(c config.Cadence, first time.Time) (string, func(k int) time.Time) {
	days := func(n int) func(int) time.Time {
		return func(k int) time.Time { return first.AddDate(0, 0, n*k) }
	}
	nth := (first.Day()-1)/7 + 1
	if nth == 5 {
		nth = -1
	}
	byday := fmt.Sprintf("%d%s", nth, strings.ToUpper(first.Weekday().String()[:2]))
	months := func(n int) func(int) time.Time {
		return func(k int) time.Time { return nthWeekday(first, n*k, nth) }
	}
	switch c.Name {
	case config.Weekly.Name:
		return "FREQ=WEEKLY", days(7)
	case config.Biweekly.Name:
		return "FREQ=WEEKLY;INTERVAL=2", days(14)
	case config.Monthly.Name:
		return "FREQ=MONTHLY;BYDAY=" + byday, months(1)
	case config.Quarterly.Name:
		return "FREQ=MONTHLY;INTERVAL=3;BYDAY=" + byday, months(3)
	}
	n := max(c.Days(), 1)
	if n%7 == 0 {
		return fmt.Sprintf("FREQ=WEEKLY;INTERVAL=%d", n/7), days(n)
	}
	return fmt.Sprintf("FREQ=DAILY;INTERVAL=%d", n), days(n)
}

// nthWeekday returns the time of day of first on the nth (-1: last) weekday
// of first's weekday in the month months after first's.
func nthWeekday(first time.Time, months, nth int) time.Time {
	y, m, _ := first.Date()
	h, mi, s := first.Clock()
	start := time.Date(y, m+time.Month(months), 1, h, mi, s, 0, first.Location())
	if nth < 0 {
		last := start.AddDate(0, 1, -1)
		back := (int(last.Weekday()) - int(first.Weekday()) + 7) % 7
		return last.AddDate(0, 0, -back)
	}
	fwd := (int(first.Weekday()) - int(start.Weekday()) + 7) % 7
	return start.AddDate(0, 0, fwd+7*(nth-1))
}

// SeriesRule returns the recurrence line and the instances of a series at
// cadence c whose first instance is slot, ending no later than slot.Start +
// max. The instances keep slot's wall-clock time in its zone.
func SeriesRule(c config.Cadence, slot calendar.Interval, limit time.Duration) (string, []calendar.Interval) {
	freq, at := seriesFreq(c, slot.Start)
	end := slot.Start.Add(limit)
	dur := slot.Duration()
	var out []calendar.Interval
	for k := 0; k < 1000; k++ {
		s := at(k)
		if s.After(end) {
			break
		}
		out = append(out, calendar.Interval{Start: s, End: s.Add(dur)})
	}
	last := out[len(out)-1].Start
	return "RRULE:" + freq + ";UNTIL=" + last.UTC().Format("20060102T150405Z"), out
}

// placeSeries turns the slot the finder chose for a into a series: among the
// free slots on the preferred days of the first cadence week from f's day, the
// one whose visible instances meet the least busy time, f's first. A series
// any of whose visible instances would break a cap is held back with the cap's
// key.
func (pl *planner) placeSeries(a *Assessment, f found) (*Series, *Held) {
	_, see := ReadWindow(pl.cfg, pl.now)
	try := func(slot calendar.Interval) (*Series, *Held) {
		rule, ins := SeriesRule(a.Cadence, slot, pl.cfg.Caps.SeriesMax)
		s := &Series{Cadence: a.Cadence, Rule: rule, Instances: ins}
		for i, in := range ins {
			if !in.Start.Before(see) {
				break
			}
			s.Visible++
			if i == 0 {
				continue // the finder checked it
			}
			if key, detail := pl.capOn(in.Start, a.Duration); key != "" {
				return nil, &Held{Assessment: a, Cap: key, Detail: "an instance of the series would break a cap: " + detail}
			}
			if pl.busyAt(in.Start.Add(-pl.cfg.Meeting.Buffer), in.End.Add(pl.cfg.Meeting.Buffer), nil, a.Peer.Email) {
				s.Conflicts = append(s.Conflicts, in)
			}
		}
		return s, nil
	}
	best, held := try(f.slot)
	day := civil(f.slot.Start.In(pl.loc))
	for _, d := range pl.days(a) {
		if !d.After(day) || !d.Before(day.AddDate(0, 0, 7)) {
			continue
		}
		if key, _ := pl.capOn(d, a.Duration); key != "" {
			continue
		}
		slot, ok, _ := pl.slotOn(a, nil, d, nil)
		if !ok {
			continue
		}
		s, h := try(slot)
		if h == nil && (best == nil || len(s.Conflicts) < len(best.Conflicts)) {
			best, held = s, nil
		}
	}
	if best == nil {
		return nil, held
	}
	return best, nil
}

// actSeries counts every visible instance after the first (act counted the
// first) in the caps, and blocks their slots for later peers.
func (pl *planner) actSeries(s *Series) {
	for _, in := range s.Instances[1:s.Visible] {
		pl.count(in.Start, 1)
		pl.planned = append(pl.planned, in)
		pl.addHours(in)
	}
}

// seriesText says what a series is in one line: "a weekly series, 13
// instances until Tue Feb 23 2027; 2 of the 3 in view are busy: Tue Dec 8,
// Tue Dec 15".
func seriesText(s *Series, loc *time.Location) string {
	out := fmt.Sprintf("a %s series, %s until %s", s.Cadence.Name, Plural(len(s.Instances), "instance", ""),
		s.Last().In(loc).Format(DateFormat+" 2006"))
	if len(s.Conflicts) > 0 {
		var ds []string
		for _, c := range s.Conflicts {
			ds = append(ds, c.Start.In(loc).Format(DateFormat))
		}
		out += fmt.Sprintf("; %d of the %d in view meet busy time: %s", len(s.Conflicts), s.Visible, strings.Join(ds, ", "))
	}
	return out
}
