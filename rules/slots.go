package rules

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/config"
)

// step is the grid slots start on, in the user's zone.
const step = 15 * time.Minute

// found is the slot finder's answer.
type found struct {
	slot   calendar.Interval
	passed []string
	late   string // see Action.Late
}

// target is the date a peer's meeting aims for: as soon as possible when
// overdue or never met, the due date when due.
func (pl *planner) target(a *Assessment) time.Time {
	target := civil(pl.now.Add(pl.cfg.Meeting.MinNotice))
	if a.State == Due && a.DueAt.After(target) {
		target = a.DueAt
	}
	return target
}

// days returns the peer's preferred days from today to the end of the
// horizon, in the user's zone.
func (pl *planner) days(a *Assessment) []time.Time {
	var out []time.Time
	latest := pl.now.Add(pl.cfg.Horizon)
	for day := civil(pl.now); !day.After(latest); day = day.AddDate(0, 0, 1) {
		if a.Days.Has(day.Weekday()) {
			out = append(out, day)
		}
	}
	return out
}

// slotOn returns the earliest free slot for a meeting with the peer on day, on
// the 15-minute grid: inside the window and both people's working hours, after
// min_notice, inside the horizon, and clear (with buffers) of my busy time,
// planned slots, open suggestions other than self and the peer's busy time.
// skip, when set, refuses a slot too. ok reports whether there is one; fits,
// whether any grid slot met the bounds before busy time was looked at.
func (pl *planner) slotOn(a *Assessment, self *calendar.Event, day time.Time, skip func(calendar.Interval) bool) (slot calendar.Interval, ok, fits bool) {
	cfg := pl.cfg
	dur := a.Duration
	earliest := pl.now.Add(cfg.Meeting.MinNotice)
	latest := pl.now.Add(cfg.Horizon)
	peerLoc := a.Peer.Location
	if peerLoc == nil {
		peerLoc = pl.loc
	}
	free := intersect(
		spansOn(day, []config.Span{a.Window}),
		spansOn(day, cfg.Me.WorkingHours[day.Weekday()]),
	)
	free = intersect(free, peerSpans(day, peerLoc, a.Peer.WorkingHours))
	for _, iv := range free {
		for s := alignUp(calendar.Later(iv.Start, earliest), day); !s.Add(dur).After(iv.End); s = s.Add(step) {
			e := s.Add(dur)
			if e.After(latest) {
				break
			}
			fits = true
			slot := calendar.Interval{Start: s, End: e}
			if pl.busyAt(s.Add(-cfg.Meeting.Buffer), e.Add(cfg.Meeting.Buffer), self, a.Peer.Email) || skip != nil && skip(slot) {
				continue
			}
			return slot, true, true
		}
	}
	return calendar.Interval{}, false, fits
}

// capOn names the first cap a meeting of length dur starting at s (in my zone)
// would break, and why, naming the day and the unit counted ("Thu Nov 26
// already has 1 peer 1:1; the cap is 1 a day"); "" when it breaks none. The
// caps bound whole days and weeks, so the answer holds for every slot of s's
// day.
func (pl *planner) capOn(s time.Time, dur time.Duration) (key, detail string) {
	caps := pl.cfg.Caps
	day := civil(s)
	if n := pl.perWeek[weekStart(s)]; n >= caps.PeerPerWeek {
		return "peer_1on1s_per_week", fmt.Sprintf("the week of %s already has %s; the cap is %d a week",
			weekStart(s).Format(DateFormat), Plural(n, "peer 1:1", "peer 1:1s"), caps.PeerPerWeek)
	}
	if n := pl.perDay[day]; n >= caps.PeerPerDay {
		return "peer_1on1s_per_day", fmt.Sprintf("%s already has %s; the cap is %d a day",
			day.Format(DateFormat), Plural(n, "peer 1:1", "peer 1:1s"), caps.PeerPerDay)
	}
	limit := time.Duration(caps.MeetingHoursPerDay * float64(time.Hour))
	if h := pl.hours[day]; h+dur > limit {
		return "meeting_hours_per_day", fmt.Sprintf("%s already has %s of meetings; %s more would pass the cap of %s a day",
			day.Format(DateFormat), hours(h.Hours()), minutes(dur), hours(caps.MeetingHoursPerDay))
	}
	return "", ""
}

// LateDays is how many days past the earliest day a slot could have had
// (the due date, or the first day after min_notice when overdue or never
// met) it may fall before its action says why in one line (Action.Late).
const LateDays = 3

// lateWhy says in one line why a slot is far from the earliest day it could
// have had: "7 days after the earliest possible day, Tue Nov 24: the week of
// Mon Nov 23 was full (peer_1on1s_per_week); Tue Dec 1 was full
// (peer_1on1s_per_day); 2 days had no free time in the window".
func lateWhy(slot, target time.Time, capped []note, busy int) string {
	n := daysBetween(target, slot)
	s := fmt.Sprintf("%s after the earliest possible day, %s:", Plural(n, "day", ""), target.Format(DateFormat))
	var (
		why  []string
		keys []string
		what = map[string][]string{}
	)
	for _, c := range capped {
		w := c.day.Format(DateFormat)
		if c.key == "peer_1on1s_per_week" {
			w = "the week of " + weekStart(c.day).Format(DateFormat)
		}
		if _, ok := what[c.key]; !ok {
			keys = append(keys, c.key)
		}
		if !slices.Contains(what[c.key], w) {
			what[c.key] = append(what[c.key], w)
		}
	}
	for _, k := range keys {
		ws := what[k]
		verb := "was"
		if len(ws) > 1 {
			verb = "were"
		}
		if len(ws) > 3 {
			ws = append(ws[:2:2], Plural(len(ws)-2, "more day", "more days"))
			if k == "peer_1on1s_per_week" {
				ws[2] = Plural(len(what[k])-2, "more week", "more weeks")
			}
		}
		list := ws[0]
		if len(ws) > 1 {
			list = strings.Join(ws[:len(ws)-1], ", ") + " and " + ws[len(ws)-1]
		}
		why = append(why, fmt.Sprintf("%s %s full (%s)", list, verb, k))
	}
	if busy > 0 {
		why = append(why, fmt.Sprintf("%s had no free time in the window", Plural(busy, "day", "")))
	}
	if len(why) == 0 {
		why = append(why, "no earlier preferred day")
	}
	return s + " " + strings.Join(why, "; ")
}

// note is why the slot finder passed over a day a cap refused.
type note struct {
	day       time.Time
	key, text string
}

// find looks for the best slot for a peer, near its due date, under the
// calendar constraints and the per-day, per-week and meeting-hour caps. self is
// the open suggestion being moved, if any. It returns the slot and why earlier
// days were passed over, or what held it back.
func (pl *planner) find(a *Assessment, self *calendar.Event) (found, *Held) {
	cfg := pl.cfg
	loc := pl.loc
	target := pl.target(a)
	if self != nil {
		pl.count(self.Start, -1)
		defer pl.count(self.Start, 1)
	}
	peerLoc := a.Peer.Location
	if peerLoc == nil {
		peerLoc = loc
	}

	type cand struct {
		day  time.Time
		slot calendar.Interval
	}
	var cands []cand
	var (
		anyDay, anyOverlap, anyFree bool
		capHits                     = map[string]int{}
		capDetail                   = map[string]string{}
	)
	var notes []note
	busyDays := map[time.Time]bool{} // preferred days with no free slot
	for _, day := range pl.days(a) {
		if a.RenewalDue && !day.After(civil(a.SeriesEnd.In(loc))) {
			continue // a renewal starts after the series it renews
		}
		anyDay = true
		slot, ok, fits := pl.slotOn(a, self, day, nil)
		anyOverlap = anyOverlap || fits
		if !ok {
			busyDays[day] = true
			continue
		}
		anyFree = true
		if key, detail := pl.capOn(slot.Start, a.Duration); key != "" {
			if capHits[key] == 0 {
				capDetail[key] = detail
			}
			capHits[key]++
			notes = append(notes, note{day, key, fmt.Sprintf("%s (%s)", detail, key)})
			continue
		}
		cands = append(cands, cand{day, slot})
	}
	if len(cands) == 0 {
		h := &Held{Assessment: a, Cap: NoSlot}
		switch {
		case !anyDay:
			h.Detail = "no preferred day in the horizon"
		case !anyOverlap:
			h.Detail = fmt.Sprintf("no overlap of working hours (%s, %s) with the %s window on %s in the next %s",
				loc, peerLoc, a.Window.From.String()+"-"+a.Window.To.String(), a.Days, span(cfg.Horizon))
		case !anyFree:
			h.Detail = "the calendar is full in every matching slot"
		default:
			for _, key := range []string{"peer_1on1s_per_week", "peer_1on1s_per_day", "meeting_hours_per_day"} {
				if capHits[key] > capHits[h.Cap] || h.Cap == NoSlot && capHits[key] > 0 {
					h.Cap, h.Detail = key, capDetail[key]
				}
			}
		}
		return found{}, h
	}
	best := slices.MinFunc(cands, func(x, y cand) int {
		return cmp.Or(cmp.Compare(distance(x.day, target), distance(y.day, target)), x.day.Compare(y.day))
	})
	f := found{slot: best.slot}
	var capped []note
	for _, n := range notes {
		if n.day.Before(best.day) && !n.day.Before(target) {
			if !slices.Contains(f.passed, n.text) { // a full week is said once, not for each of its days
				f.passed = append(f.passed, n.text)
			}
			capped = append(capped, n)
		}
	}
	if daysBetween(target, best.day) > LateDays {
		busy := 0
		for d := range busyDays {
			if d.Before(best.day) && !d.Before(target) {
				busy++
			}
		}
		f.late = lateWhy(best.day, target, capped, busy)
	}
	return f, nil
}

// distance is how far day is from target, either way.
func distance(day, target time.Time) time.Duration {
	if d := day.Sub(target); d >= 0 {
		return d
	}
	return target.Sub(day)
}

// MaxAlternatives is how many other slots a suggestion offers at most.
const MaxAlternatives = 2

// alternatives returns up to MaxAlternatives other slots for an action's
// meeting, for a user the chosen slot does not suit. It runs once every action
// of the plan has its slot, so an alternative is never another action's slot
// or within its buffer (nor within the action's own). Each obeys every bound
// the chosen slot obeys (preferred days, window, both people's working hours,
// min_notice, horizon, busy time with buffers) and every cap as if the user
// took it instead of the chosen slot: the chosen slot's count and hours are set
// aside while an alternative is checked. Alternatives fall on days other than
// the chosen slot's and each other's, nearest the target first; only when no
// other day has room does one share a day (never overlapping). They come back
// in time order.
func (pl *planner) alternatives(x *Action) []calendar.Interval {
	a := x.Assessment
	var self *calendar.Event
	if x.Kind == Move {
		self = x.Event // its old time is being given up
	}
	pl.count(x.Slot.Start, -1)
	pl.shiftHours(x.Slot, -1)
	defer func() {
		pl.count(x.Slot.Start, 1)
		pl.shiftHours(x.Slot, 1)
	}()
	target := pl.target(a)
	days := pl.days(a)
	slices.SortStableFunc(days, func(p, q time.Time) int {
		return cmp.Compare(distance(p, target), distance(q, target))
	})
	chosen := civil(x.Slot.Start.In(pl.loc))
	var alts []calendar.Interval
	taken := func(s calendar.Interval) bool {
		return slices.ContainsFunc(alts, s.Overlaps)
	}
	fits := func(s calendar.Interval) bool {
		key, _ := pl.capOn(s.Start, a.Duration)
		return key == ""
	}
	// One per day, on days other than the chosen slot's.
	for _, day := range days {
		if len(alts) == MaxAlternatives {
			break
		}
		if day.Equal(chosen) {
			continue
		}
		if slot, ok, _ := pl.slotOn(a, self, day, nil); ok && fits(slot) {
			alts = append(alts, slot)
		}
	}
	// Then, if still short, more times on days with room: the chosen slot's
	// day, or an alternative's.
	for _, day := range days {
		for len(alts) < MaxAlternatives {
			slot, ok, _ := pl.slotOn(a, self, day, taken)
			if !ok || !fits(slot) {
				break
			}
			alts = append(alts, slot)
		}
	}
	slices.SortFunc(alts, func(p, q calendar.Interval) int { return p.Start.Compare(q.Start) })
	return alts
}

// spansOn places time-of-day spans on a date in the date's zone, so DST is
// always right.
func spansOn(day time.Time, spans []config.Span) []calendar.Interval {
	var out []calendar.Interval
	y, m, d := day.Date()
	for _, s := range spans {
		out = append(out, calendar.Interval{
			Start: time.Date(y, m, d, 0, int(s.From), 0, 0, day.Location()),
			End:   time.Date(y, m, d, 0, int(s.To), 0, 0, day.Location()),
		})
	}
	return out
}

// peerSpans returns the peer's working time, in the peer's zone, on the peer's
// dates that overlap my date day.
func peerSpans(day time.Time, loc *time.Location, wh config.WorkingHours) []calendar.Interval {
	var out []calendar.Interval
	pd := civil(day.In(loc)).AddDate(0, 0, -1)
	end := day.AddDate(0, 0, 1)
	for ; pd.Before(end); pd = pd.AddDate(0, 0, 1) {
		out = append(out, spansOn(pd, wh[pd.Weekday()])...)
	}
	return out
}

// intersect returns the overlaps of two lists of disjoint, sorted intervals.
func intersect(a, b []calendar.Interval) []calendar.Interval {
	var out []calendar.Interval
	for _, x := range a {
		for _, y := range b {
			s, e := calendar.Later(x.Start, y.Start), calendar.Earlier(x.End, y.End)
			if e.After(s) {
				out = append(out, calendar.Interval{Start: s, End: e})
			}
		}
	}
	slices.SortFunc(out, func(x, y calendar.Interval) int { return x.Start.Compare(y.Start) })
	return out
}

// alignUp rounds t up to the slot grid, counted from midnight of day.
func alignUp(t, day time.Time) time.Time {
	off := t.Sub(day)
	if r := off % step; r != 0 {
		off += step - r
	}
	return day.Add(off)
}
