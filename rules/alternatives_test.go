package rules

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/config"
)

// TestAlternativesAreReal plans over many random calendars, caps, buffers,
// notice periods, windows and working hours, and checks every offered
// alternative against the input directly: free of busy time and the peer's
// busy time (with buffers), clear of every action's slot and buffer, not
// overlapping the other alternative, on a preferred day inside the window,
// both people's working hours, min_notice and the horizon, and within every
// cap counting the plan's chosen slots with the alternative taken instead of
// its own action's slot (the user who takes an alternative gives that slot
// up). It also checks that alternatives are missing only when no valid slot is
// left, and share a day only when no other day has room.
func TestAlternativesAreReal(t *testing.T) {
	offered, short := 0, 0
	for seed := range uint64(250) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 11))
			top := fmt.Sprintf("horizon: %dd\ncaps:\n  peer_1on1s_per_week: %d\n  peer_1on1s_per_day: %d\n  meeting_hours_per_day: %g\n  new_peers_at_once: %d\n  open_suggestions: %d\n  writes_per_run: %d",
				7+rng.IntN(21), 1+rng.IntN(4), 1+rng.IntN(2), float64(1+rng.IntN(6)), 1+rng.IntN(4), 4+rng.IntN(10), 20+rng.IntN(30))
			e0, in := randomWorld(t, rng, top, 3+rng.IntN(10), 50+rng.IntN(350))
			// Keep a few of the world's suggestions and future 1:1s: they block
			// time and count toward the caps, but with all of them nearly every
			// peer is scheduled, and withdrawals use up writes_per_run.
			in.Events = slices.DeleteFunc(in.Events, func(ev calendar.Event) bool {
				return (ev.Tag == calendar.TagSuggestion || len(ev.Attendees) > 0 && ev.Start.After(in.Now)) && rng.IntN(6) != 0
			})
			if rng.IntN(3) == 0 { // a crowded horizon, so that alternatives run short
				for i := range 150 {
					s := in.Now.Add(time.Duration(rng.IntN(28*24*4)) * 15 * time.Minute)
					in.Events = append(in.Events, calendar.Event{Calendar: "work", UID: fmt.Sprintf("crowd%d", i), Start: s,
						End: s.Add(time.Duration(2+rng.IntN(5)) * 15 * time.Minute), Status: calendar.StatusConfirmed, Summary: "busy"})
				}
			}
			cfg := e0.Config()
			cfg.Meeting.Buffer = []time.Duration{0, 10 * time.Minute, 30 * time.Minute}[rng.IntN(3)]
			cfg.Meeting.MinNotice = []time.Duration{0, 4 * time.Hour, 24 * time.Hour, 48 * time.Hour}[rng.IntN(4)]
			from := config.Minute(8*60 + 15*rng.IntN(12))
			cfg.Meeting.Window = config.Window{From: from, To: from + config.Minute(60*(1+rng.IntN(8)))}
			cfg.Meeting.Days = config.Weekdays(1 + rng.IntN(127))
			cfg.Me.WorkingHours = randomHours(rng)
			for i := range cfg.Peers {
				if rng.IntN(2) == 0 {
					cfg.Peers[i].WorkingHours = randomHours(rng)
				}
			}
			e, err := Compile(cfg)
			if err != nil {
				t.Fatal(err)
			}
			in.PeerBusy = map[string][]calendar.Interval{}
			for i := range cfg.Peers {
				for range rng.IntN(6) {
					s := in.Now.Add(time.Duration(rng.IntN(30*24*4)) * 15 * time.Minute)
					in.PeerBusy[cfg.Peers[i].Email] = append(in.PeerBusy[cfg.Peers[i].Email], calendar.Interval{Start: s, End: s.Add(time.Duration(1+rng.IntN(8)) * 15 * time.Minute)})
				}
			}
			p, err := e.Plan(in)
			if err != nil {
				t.Fatal(err)
			}
			c := newAltChecker(t, e, in, p)
			for i := range p.Actions {
				x := &p.Actions[i]
				if x.Kind == Withdraw {
					if len(x.Alternatives) > 0 {
						t.Errorf("a withdraw offers alternatives: %v", x.Alternatives)
					}
					continue
				}
				offered += len(x.Alternatives)
				if len(x.Alternatives) < MaxAlternatives {
					short++
				}
				c.check(x)
			}
		})
	}
	// The random worlds must exercise both branches, or the test proves little.
	if offered < 100 || short < 10 {
		t.Errorf("weak test: %d alternatives offered, %d actions with fewer than two", offered, short)
	} else {
		t.Logf("%d alternatives offered, %d actions with fewer than two", offered, short)
	}
}

// randomHours is a random working week: some days off, one or two spans a day.
func randomHours(rng *rand.Rand) config.WorkingHours {
	var wh config.WorkingHours
	for d := range wh {
		if rng.IntN(5) == 0 {
			continue
		}
		from := config.Minute(60 * (5 + rng.IntN(6)))
		to := from + config.Minute(60*(3+rng.IntN(8)))
		if rng.IntN(3) == 0 && to-from > 120 {
			mid := from + (to-from)/2
			wh[d] = []config.Span{{From: from, To: mid - 30}, {From: mid, To: to}}
		} else {
			wh[d] = []config.Span{{From: from, To: to}}
		}
	}
	return wh
}

// altChecker checks alternatives against the planner's input, with its own
// reading of the rules, not the slot finder's.
type altChecker struct {
	t    *testing.T
	cfg  *config.Config
	in   *Input
	p    *Plan
	loc  *time.Location
	now  time.Time
	busy []calendar.Interval // my busy time, from the events
	ours []*calendar.Event   // open suggestions, which block
	base *planner            // existing counts and hours, with the plan's actions applied
}

func newAltChecker(t *testing.T, e *Engine, in *Input, p *Plan) *altChecker {
	t.Helper()
	cfg := e.Config()
	loc := cfg.Me.Location
	now := in.Now.In(loc)
	c := &altChecker{t: t, cfg: cfg, in: in, p: p, loc: loc, now: now}
	lo, hi := now.AddDate(0, 0, -1), now.Add(cfg.Horizon).AddDate(0, 0, 1)
	for i := range in.Events {
		ev := &in.Events[i]
		sp := ev.Span(loc)
		if ev.Cancelled() || !sp.End.After(lo) || !sp.Start.Before(hi) {
			continue
		}
		switch {
		case ev.Tag == calendar.TagSuggestion:
			c.ours = append(c.ours, ev)
		case ev.Transparent && ev.Kind == calendar.KindDefault:
		default:
			c.busy = append(c.busy, sp)
		}
	}
	// The counts the caps read: what the calendar holds (the planner's own
	// reading, checked by the chosen-slot tests) plus every chosen slot.
	as, hs, err := e.assess(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	c.base = newPlanner(cfg, in, now, as, hs, e.match)
	for _, x := range p.Actions {
		switch x.Kind {
		case Withdraw:
			if x.Event.Start.After(now) {
				c.base.count(x.Event.Start, -1)
			}
		case Move:
			c.base.count(x.Event.Start, -1)
			c.base.count(x.Slot.Start, 1)
			c.base.addHours(x.Slot)
		default:
			c.base.count(x.Slot.Start, 1)
			c.base.addHours(x.Slot)
		}
	}
	return c
}

// invalid says why slot cannot be an alternative for x, or "".
func (c *altChecker) invalid(x *Action, slot calendar.Interval) string {
	a := x.Assessment
	cfg := c.cfg
	if slot.End.Sub(slot.Start) != a.Duration {
		return "wrong length"
	}
	s := slot.Start.In(c.loc)
	if s.Sub(civil(s))%step != 0 {
		return "off the 15-minute grid"
	}
	if !a.Days.Has(s.Weekday()) {
		return "not a preferred day"
	}
	if !within(slot, c.loc, []config.Span{a.Window}) {
		return "outside the window"
	}
	if !within(slot, c.loc, cfg.Me.WorkingHours[s.Weekday()]) {
		return "outside my working hours"
	}
	ploc := cmpLoc(a.Peer.Location, c.loc)
	if !within(slot, ploc, a.Peer.WorkingHours[slot.Start.In(ploc).Weekday()]) {
		return "outside the peer's working hours"
	}
	if slot.Start.Before(c.now.Add(cfg.Meeting.MinNotice)) || slot.End.After(c.now.Add(cfg.Horizon)) {
		return "outside [now+min_notice, now+horizon]"
	}
	padded := calendar.Interval{Start: slot.Start.Add(-cfg.Meeting.Buffer), End: slot.End.Add(cfg.Meeting.Buffer)}
	for _, b := range c.busy {
		if b.Overlaps(padded) {
			return fmt.Sprintf("overlaps busy %v", b)
		}
	}
	for _, ev := range c.ours {
		if (x.Kind != Move || ev != x.Event) && ev.Span(c.loc).Overlaps(padded) {
			return fmt.Sprintf("overlaps the open suggestion %s", ev.ID)
		}
	}
	for _, b := range c.in.PeerBusy[a.Peer.Email] {
		if b.Overlaps(padded) {
			return fmt.Sprintf("overlaps the peer's busy %v", b)
		}
	}
	for _, y := range c.p.Actions {
		if y.Kind != Withdraw && y.Slot.Overlaps(padded) {
			return fmt.Sprintf("on or within the buffer of %s's chosen slot %v", y.Assessment.Peer.Email, y.Slot)
		}
	}
	// Caps, with the alternative taken instead of x's own slot.
	pl := c.base
	pl.count(x.Slot.Start, -1)
	pl.shiftHours(x.Slot, -1)
	pl.count(slot.Start, 1)
	pl.shiftHours(slot, 1)
	defer func() {
		pl.count(slot.Start, -1)
		pl.shiftHours(slot, -1)
		pl.count(x.Slot.Start, 1)
		pl.shiftHours(x.Slot, 1)
	}()
	day := civil(s)
	switch caps := cfg.Caps; {
	case pl.perWeek[weekStart(s)] > caps.PeerPerWeek:
		return fmt.Sprintf("week of %s would have %d peer 1:1s, cap %d", weekStart(s).Format(time.DateOnly), pl.perWeek[weekStart(s)], caps.PeerPerWeek)
	case pl.perDay[day] > caps.PeerPerDay:
		return fmt.Sprintf("%s would have %d peer 1:1s, cap %d", day.Format(time.DateOnly), pl.perDay[day], caps.PeerPerDay)
	case pl.hours[day] > time.Duration(caps.MeetingHoursPerDay*float64(time.Hour)):
		return fmt.Sprintf("%s would have %s of meetings, cap %gh", day.Format(time.DateOnly), pl.hours[day], caps.MeetingHoursPerDay)
	}
	return ""
}

func cmpLoc(l, def *time.Location) *time.Location {
	if l == nil {
		return def
	}
	return l
}

// within reports whether slot lies inside one of spans, read as wall-clock
// times on the slot's date in loc.
func within(slot calendar.Interval, loc *time.Location, spans []config.Span) bool {
	s, e := slot.Start.In(loc), slot.End.In(loc)
	from := s.Hour()*60 + s.Minute()
	to := e.Hour()*60 + e.Minute()
	if civil(e).After(civil(s)) {
		if to != 0 || civil(e).AddDate(0, 0, -1) != civil(s) {
			return false
		}
		to = 24 * 60
	}
	for _, sp := range spans {
		if int(sp.From) <= from && to <= int(sp.To) {
			return true
		}
	}
	return false
}

func (c *altChecker) check(x *Action) {
	t := c.t
	t.Helper()
	who := x.Assessment.Peer.Email
	alts := x.Alternatives
	if len(alts) > MaxAlternatives {
		t.Errorf("%s: %d alternatives", who, len(alts))
	}
	for i, alt := range alts {
		if why := c.invalid(x, alt); why != "" {
			t.Errorf("%s: alternative %v: %s", who, alt, why)
		}
		if i > 0 && alts[i-1].End.After(alt.Start) {
			t.Errorf("%s: alternatives %v and %v overlap or are out of order", who, alts[i-1], alt)
		}
	}
	// Every valid slot, by brute force over the grid.
	chosen := civil(x.Slot.Start.In(c.loc))
	var valid []calendar.Interval
	days := map[time.Time]bool{} // other days than the chosen slot's with a valid slot
	for day := civil(c.now); !day.After(c.now.Add(c.cfg.Horizon)); day = day.AddDate(0, 0, 1) {
		for s := day; s.Before(day.AddDate(0, 0, 1)); s = s.Add(step) {
			slot := calendar.Interval{Start: s, End: s.Add(x.Assessment.Duration)}
			if c.invalid(x, slot) == "" {
				valid = append(valid, slot)
				if !day.Equal(chosen) {
					days[day] = true
				}
			}
		}
	}
	// Missing alternatives mean no valid slot is left.
	if len(alts) < MaxAlternatives {
		for _, v := range valid {
			if !overlapsAny(v, alts) {
				t.Errorf("%s: %d alternative(s) %v, but %v is free and within every cap", who, len(alts), alts, v)
				break
			}
		}
	}
	// Other days first: as many alternatives on distinct other days as there
	// are such days, up to two.
	distinct := map[time.Time]bool{}
	for _, alt := range alts {
		if d := civil(alt.Start.In(c.loc)); !d.Equal(chosen) {
			distinct[d] = true
		}
	}
	if want := min(MaxAlternatives, len(days)); len(distinct) != want {
		t.Errorf("%s: alternatives %v fall on %d other days; %d other days have room", who, alts, len(distinct), len(days))
	}
}

func overlapsAny(s calendar.Interval, set []calendar.Interval) bool {
	for _, x := range set {
		if x.Overlaps(s) {
			return true
		}
	}
	return false
}

// TestAlternativesAvoidOtherPeersSlots is the demo's case in small: two peers
// with the same narrow window; the first's alternatives must not be the slots
// the plan gives the second, and the caps hold as if an alternative were taken.
func TestAlternativesAvoidOtherPeersSlots(t *testing.T) {
	now := at("2026-11-23 09:00")
	peers := peer("Tom Becker", "tom@acme.test", "Security", "interdependence: high") +
		peer("Dana Whitfield", "dana@acme.test", "Finance", "interdependence: high") +
		peer("Hannah Okafor", "hannah@acme.test", "Legal", "interdependence: high")
	rules := `
  - name: high weekly, narrow
    when: peer.interdependence == "high"
    cadence: weekly
    window: "10:00-10:30"
`
	e := engine(t, "horizon: 14d\ncaps:\n  peer_1on1s_per_day: 1\n  new_peers_at_once: 3\n  peer_1on1s_per_week: 5", peers, rules)
	p, err := e.Plan(&Input{Now: now, Events: []calendar.Event{
		oneOnOne("tom@acme.test", "2026-10-22 10:00"),
		oneOnOne("dana@acme.test", "2026-11-02 10:00"),
		oneOnOne("hannah@acme.test", "2026-11-09 10:00"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range p.Actions {
		var alts []string
		for _, s := range a.Alternatives {
			alts = append(alts, s.Start.In(ny).Format("Mon Jan 2"))
		}
		got[a.Assessment.Peer.Email] = a.Slot.Start.In(ny).Format("Mon Jan 2") + " | " + strings.Join(alts, ", ")
	}
	// The notice ends Tue 09:00, so Tue, Wed and Thu go to Tom, Dana and
	// Hannah, most overdue first. Before alternatives waited for the whole plan,
	// Tom's were Wed and Thu: Dana's and Hannah's slots. With one 1:1 a day,
	// each one's alternatives are days of the next week.
	want := map[string]string{
		"tom@acme.test":    "Tue Nov 24 | Tue Dec 1, Wed Dec 2",
		"dana@acme.test":   "Wed Nov 25 | Tue Dec 1, Wed Dec 2",
		"hannah@acme.test": "Thu Nov 26 | Tue Dec 1, Wed Dec 2",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: got %q, want %q", k, got[k], w)
		}
	}
}
