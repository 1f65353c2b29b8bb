package rules

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/config"
)

// ActionKind is what an action does to the writable calendar.
type ActionKind string

// The action kinds of the JSON output the README documents.
const (
	Propose  ActionKind = "propose"  // write a suggestion (no attendees)
	Invite   ActionKind = "invite"   // create the meeting with the peer as attendee
	Move     ActionKind = "move"     // move an open suggestion to a new slot
	Withdraw ActionKind = "withdraw" // remove an open suggestion
)

// The name a held-back action carries when no slot fits, as distinct from a cap.
const NoSlot = "no_slot"

// Action is one calendar write a cycle would make.
type Action struct {
	Kind       ActionKind
	Assessment *Assessment
	// Slot is where the meeting goes (propose, invite, move); for withdraw, the
	// suggestion being removed.
	Slot calendar.Interval
	// Alternatives are up to two other slots for the same meeting, for a user
	// the chosen one does not suit (see planner.alternatives): computed once the
	// whole plan is known, each is free, clear of every action's slot and
	// buffer, and within every cap as if taken instead of Slot. Fewer than two
	// means no more fit in the horizon. Nil for a withdraw.
	Alternatives []calendar.Interval
	// PassedOver says why earlier days were not used, one line per day a cap
	// refused ("Tue Nov 24 already has 1 peer 1:1; the cap is 1 a day
	// (peer_1on1s_per_day)").
	PassedOver []string
	// Late, for a slot more than LateDays past the earliest day it could
	// have had, says why in one line; empty otherwise.
	Late     string
	Calendar string
	// EventID is the deterministic id of a new event, or the id of the event a
	// move or withdraw changes.
	EventID string
	// Period is the due period a new event's id derives from (see
	// calendar.EventID): the due date, or "never-met".
	Period string
	// Event is the existing event a move or withdraw changes.
	Event  *calendar.Event
	Reason string
	// Mode is the peer's effective mode; in report mode nothing is written.
	Mode config.Mode
	// Series is the recurring series a propose or invite writes; nil for a
	// single meeting.
	Series *Series
}

// Held is an action a cap or the calendar held back.
type Held struct {
	Assessment *Assessment
	Cap        string // a caps.* config key, or NoSlot
	Detail     string
}

// Plan is what a cycle would do now, and why.
type Plan struct {
	Now      time.Time
	Mode     config.Mode
	Peers    []Assessment
	Actions  []Action
	HeldBack []Held
	Warnings []string
}

// ReadWindow is the span of events the rules need around now: the look-back
// window behind, and the horizon ahead plus eight days, so the caps can count
// the whole week of a slot at the horizon's end. Callers read at least this
// span from every calendar; the rules look at nothing outside it.
func ReadWindow(cfg *config.Config, now time.Time) (from, to time.Time) {
	return now.Add(-cfg.Lookback), now.Add(cfg.Horizon).AddDate(0, 0, 8)
}

// Plan assesses every peer and decides the cycle's actions under the caps. It is
// pure and deterministic: the same input gives the same plan.
func (e *Engine) Plan(in *Input) (*Plan, error) {
	return e.PlanContext(context.Background(), in)
}

// PlanContext is Plan under ctx: a rule's condition being evaluated when ctx is
// done stops, and ctx's error is returned.
func (e *Engine) PlanContext(ctx context.Context, in *Input) (*Plan, error) {
	as, hs, err := e.assess(ctx, in)
	if err != nil {
		return nil, err
	}
	cfg := e.cfg
	now := in.Now.In(cfg.Me.Location)
	p := &Plan{Now: now, Mode: cfg.Mode, Peers: as}
	pl := newPlanner(cfg, in, now, as, hs, e.match)

	// Tidy what sideways wrote before adding anything.
	for i := range as {
		a := &as[i]
		for _, ev := range a.Expired {
			pl.tidy(p, Action{Kind: Withdraw, Assessment: a, Slot: ev.Span(now.Location()), Event: ev,
				Reason: "its time passed without a guest being added"})
		}
		var keep *calendar.Event
		for _, ev := range a.Open {
			if ev.Tag != calendar.TagSuggestion {
				continue
			}
			switch {
			case a.State == Skipped:
				pl.tidy(p, Action{Kind: Withdraw, Assessment: a, Slot: ev.Span(now.Location()), Event: ev, Reason: "peer is skipped: " + a.Why})
			case a.State == Scheduled:
				pl.tidy(p, Action{Kind: Withdraw, Assessment: a, Slot: ev.Span(now.Location()), Event: ev, Reason: "a 1:1 is booked: " + a.Why})
			case keep != nil:
				pl.tidy(p, Action{Kind: Withdraw, Assessment: a, Slot: ev.Span(now.Location()), Event: ev, Reason: "duplicate suggestion"})
			default:
				keep = ev
			}
		}
		// A suggestion whose time or title the user changed is theirs now:
		// never moved back, even onto a busy slot they chose.
		if keep != nil && !keep.Edited && keep.SeriesID == "" && pl.conflicts(keep) {
			f, held := pl.find(a, keep)
			if held != nil {
				held.Detail = "the suggested slot is taken and no other fits: " + held.Detail
				pl.hold(p, *held)
				continue
			}
			pl.tidy(p, Action{Kind: Move, Assessment: a, Slot: f.slot, PassedOver: f.passed, Late: f.late, Event: keep,
				Reason: "the suggested slot is now busy"})
		}
	}

	for _, ev := range e.match.orphans(in) {
		gone := &Assessment{Peer: &config.Peer{Name: ev.TagPeer, Email: ev.TagPeer}, Index: -1, State: Skipped, Why: "not on the roster"}
		gone.Mode = cfg.Mode
		pl.tidy(p, Action{Kind: Withdraw, Assessment: gone, Slot: ev.Span(now.Location()), Event: ev,
			Reason: "peer is no longer on the roster"})
	}

	order := make([]*Assessment, 0, len(as))
	for i := range as {
		if as[i].State.Actionable() {
			order = append(order, &as[i])
		}
	}
	slices.SortStableFunc(order, func(x, y *Assessment) int {
		return cmp.Or(
			cmp.Compare(y.Priority, x.Priority),
			cmp.Compare(y.Overdueness(), x.Overdueness()),
			cmp.Compare(x.Index, y.Index))
	})
	for _, a := range order {
		kind := Propose
		if a.Mode == config.ModeInvite {
			kind = Invite
		}
		switch {
		case pl.writes >= cfg.Caps.WritesPerRun:
			pl.hold(p, Held{a, "writes_per_run", writesSum(pl.writes, cfg.Caps.WritesPerRun)})
			continue
		case a.State == NeverMet && pl.newPeers.total() >= cfg.Caps.NewPeersAtOnce:
			pl.hold(p, Held{a, "new_peers_at_once", capSum(pl.newPeers.planned, pl.newPeers.open, cfg.Caps.NewPeersAtOnce, "never-met peer", "at once")})
			continue
		case kind == Propose && pl.suggestions.total() >= cfg.Caps.OpenSuggestions:
			pl.hold(p, Held{a, "open_suggestions", capSum(pl.suggestions.planned, pl.suggestions.open, cfg.Caps.OpenSuggestions, "open suggestion", "")})
			continue
		}
		f, held := pl.find(a, nil)
		if held != nil {
			pl.hold(p, *held)
			continue
		}
		if a.Settings.Series {
			pl.actSeriesFor(p, a, kind, f)
			continue
		}
		pl.act(p, Action{Kind: kind, Assessment: a, Slot: f.slot, PassedOver: f.passed, Late: f.late,
			EventID: calendar.EventID(pl.writable, strings.ToLower(a.Peer.Email), period(a, f.slot)), Period: period(a, f.slot),
			Reason: string(a.State) + ": " + a.Why})
	}
	// Alternatives last, when every chosen slot is known: an alternative
	// computed earlier could be the slot a later peer gets.
	for i := range p.Actions {
		if x := &p.Actions[i]; x.Kind != Withdraw {
			x.Alternatives = pl.alternatives(x)
		}
	}
	p.Warnings = append(append(append(append(e.ruleWarnings(as), warnings(cfg, now, as)...), declineWarnings(as)...), seriesWarnings(cfg, now, as)...), in.Warnings...)
	return p, nil
}

// period names the due period a new event belongs to, for its deterministic id:
// the due date (or "never-met") and the slot's date. A retry, or a second
// daemon, in the same period derives the same id; a later proposal after a
// withdrawal or a dismissal lands on another date and so gets a fresh id (Google
// never reuses the id of a deleted event).
func period(a *Assessment, slot calendar.Interval) string {
	due := "never-met"
	if !a.LastMet.IsZero() {
		due = a.DueAt.Format(time.DateOnly)
	}
	return due + "/" + slot.Start.In(a.DueAt.Location()).Format(time.DateOnly)
}

// planner holds the calendar as the slot finder sees it while a plan is built.
type planner struct {
	cfg      *config.Config
	loc      *time.Location
	now      time.Time
	writable string
	busy     []calendar.Interval // mine: opaque, not declined; merged, disjoint, sorted
	ours     []*calendar.Event   // open suggestions, which block each other
	peerBusy map[string][]calendar.Interval
	// meeting hours per day and peer 1:1s per day and per week (my zone), existing
	// plus planned.
	hours    map[time.Time]time.Duration
	perDay   map[time.Time]int
	perWeek  map[time.Time]int
	planned  []calendar.Interval
	writes   int
	newPeers tally // never-met peers with an open suggestion or invite

	suggestions tally // open suggestions
}

// tally counts what a cap bounds: open before this plan, and proposed in it.
type tally struct{ open, planned int }

func (t tally) total() int { return t.open + t.planned }

// capSum says why a cap on open things holds, counting this plan's own
// proposals apart from what was already open: "3 proposed in this plan + 1
// already open = the cap of 4 open suggestions". what is the counted thing,
// scope ends the sentence ("at once").
func capSum(planned, open, limit int, what, scope string) string {
	var parts []string
	if planned > 0 {
		parts = append(parts, fmt.Sprintf("%d proposed in this plan", planned))
	}
	if open > 0 || planned == 0 {
		parts = append(parts, fmt.Sprintf("%d already open", open))
	}
	rel := "the cap of"
	if planned+open > limit {
		rel = "over the cap of"
	}
	return strings.TrimSpace(strings.Join(parts, " + ") + " = " + rel + " " + Plural(limit, what, "") + " " + scope)
}

// writesSum says why writes_per_run holds: "10 writes in this cycle = the
// cap of 10 a cycle".
func writesSum(n, limit int) string {
	return fmt.Sprintf("%s in this cycle = the cap of %d a cycle", Plural(n, "write", ""), limit)
}

func newPlanner(cfg *config.Config, in *Input, now time.Time, as []Assessment, hs []history, m *matcher) *planner {
	loc := now.Location()
	pl := &planner{
		cfg: cfg, loc: loc, now: now, writable: in.Writable, peerBusy: in.PeerBusy,
		hours: map[time.Time]time.Duration{}, perDay: map[time.Time]int{}, perWeek: map[time.Time]int{},
	}
	// Only what could share a week with a slot matters.
	lo := civil(now).AddDate(0, 0, -7)
	_, hi := ReadWindow(cfg, now)
	for i := range in.Events {
		e := &in.Events[i]
		sp := e.Span(loc)
		if !sp.End.After(lo) || !sp.Start.Before(hi) || e.Cancelled() || e.Tag == calendar.TagSuggestion {
			continue
		}
		if declinedByMe(e, m.me) {
			continue
		}
		// A day off on a holidays calendar blocks its day even when marked
		// free, as Google's public-holiday calendars mark theirs.
		holiday := e.AllDay && m.holidays[e.Calendar]
		if e.Transparent && e.Kind == calendar.KindDefault && !holiday {
			continue
		}
		pl.busy = append(pl.busy, sp)
		if !e.AllDay && e.Kind == calendar.KindDefault {
			pl.addHours(sp)
		}
	}
	pl.busy = calendar.Merge(pl.busy)
	for i, h := range hs {
		if as[i].State == Skipped {
			continue // not a peer 1:1 (same department, or out of the peer's dates)
		}
		for _, o := range h.occ {
			if !o.failed && !o.start.Before(lo) && o.start.Before(hi) {
				pl.count(o.start, 1)
			}
		}
	}
	for i := range as {
		a := &as[i]
		// A suggested series' instances count in the meeting hours too (an
		// invite's are opaque, so already counted), and block their slots.
		for _, ev := range a.Instances {
			pl.count(ev.Start, 1)
			if ev.Tag == calendar.TagSuggestion {
				pl.addHours(ev.Span(loc))
				pl.ours = append(pl.ours, ev)
			}
		}
		for _, ev := range a.Open {
			pl.count(ev.Start, 1)
			if ev.SeriesID != "" && ev.Tag == calendar.TagSuggestion {
				pl.addHours(ev.Span(loc))
			}
			if ev.Tag == calendar.TagSuggestion {
				pl.ours = append(pl.ours, ev)
				pl.suggestions.open++
			}
		}
		if len(a.Open) > 0 && a.LastMet.IsZero() {
			pl.newPeers.open++
		}
	}
	return pl
}

func declinedByMe(e *calendar.Event, me map[string]bool) bool {
	for _, a := range e.Attendees {
		if me[strings.ToLower(a.Email)] && a.PartStat == calendar.PartStatDeclined {
			return true
		}
	}
	return false
}

// addHours adds an interval's length to the meeting hours of each day it touches.
func (pl *planner) addHours(sp calendar.Interval) { pl.shiftHours(sp, 1) }

// shiftHours adds sign times an interval's length to the meeting hours of each
// day it touches.
func (pl *planner) shiftHours(sp calendar.Interval, sign time.Duration) {
	for d := civil(sp.Start.In(pl.loc)); d.Before(sp.End); d = d.AddDate(0, 0, 1) {
		next := d.AddDate(0, 0, 1)
		s, e := calendar.Later(sp.Start, d), calendar.Earlier(sp.End, next)
		if e.After(s) {
			pl.hours[d] += sign * e.Sub(s)
		}
	}
}

func (pl *planner) count(t time.Time, n int) {
	t = t.In(pl.loc)
	pl.perDay[civil(t)] += n
	pl.perWeek[weekStart(t)] += n
}

// weekStart is Monday midnight of t's week, in t's zone.
func weekStart(t time.Time) time.Time {
	d := civil(t)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// tidy records a withdraw or move unless this cycle's writes are used up.
func (pl *planner) tidy(p *Plan, a Action) {
	if pl.writes >= pl.cfg.Caps.WritesPerRun {
		pl.hold(p, Held{a.Assessment, "writes_per_run", fmt.Sprintf("the %s of the suggestion on %s waits: %s",
			a.Kind, a.Event.Start.In(pl.loc).Format(DateFormat+" 15:04"), writesSum(pl.writes, pl.cfg.Caps.WritesPerRun))})
		return
	}
	pl.act(p, a)
}

func (pl *planner) act(p *Plan, a Action) {
	a.Calendar = pl.writable
	a.Mode = a.Assessment.Mode
	if a.Event != nil {
		a.Calendar = cmp.Or(a.Event.Calendar, a.Calendar)
		a.EventID = a.Event.ID
	}
	switch a.Kind {
	case Withdraw:
		// An orphan (Index -1: a peer off the roster) was never counted.
		if a.Event.Start.After(pl.now) && a.Assessment.Index >= 0 {
			pl.count(a.Event.Start, -1)
			pl.suggestions.open--
			if a.Assessment.LastMet.IsZero() && len(a.Assessment.Open) == 1 {
				pl.newPeers.open--
			}
		}
	case Move:
		pl.count(a.Event.Start, -1)
		pl.count(a.Slot.Start, 1)
		pl.planned = append(pl.planned, a.Slot)
		pl.addHours(a.Slot)
	default:
		pl.count(a.Slot.Start, 1)
		pl.planned = append(pl.planned, a.Slot)
		pl.addHours(a.Slot)
		if a.Kind == Propose {
			pl.suggestions.planned++
		}
		if a.Assessment.LastMet.IsZero() {
			pl.newPeers.planned++
		}
	}
	pl.writes++
	p.Actions = append(p.Actions, a)
}

func (pl *planner) hold(p *Plan, h Held) { p.HeldBack = append(p.HeldBack, h) }

// conflicts reports whether an open suggestion now overlaps busy time (with its buffers).
func (pl *planner) conflicts(ev *calendar.Event) bool {
	sp := ev.Span(pl.loc)
	return pl.busyAt(sp.Start.Add(-pl.cfg.Meeting.Buffer), sp.End.Add(pl.cfg.Meeting.Buffer), ev, "")
}

// busyAt reports whether [s, e) meets my busy time, a planned slot, another open
// suggestion (other than self) or the peer's busy time.
func (pl *planner) busyAt(s, e time.Time, self *calendar.Event, peer string) bool {
	iv := calendar.Interval{Start: s, End: e}
	// busy is disjoint and sorted: only the first interval ending after s can overlap.
	n, _ := slices.BinarySearchFunc(pl.busy, s, func(b calendar.Interval, t time.Time) int {
		if b.End.After(t) {
			return 1
		}
		return -1
	})
	if n < len(pl.busy) && pl.busy[n].Start.Before(e) {
		return true
	}
	for _, sp := range pl.planned {
		if sp.Overlaps(iv) {
			return true
		}
	}
	for _, ev := range pl.ours {
		if ev != self && ev.Span(pl.loc).Overlaps(iv) {
			return true
		}
	}
	for _, sp := range pl.peerBusy[peer] {
		if sp.Overlaps(iv) {
			return true
		}
	}
	return false
}

// hours says a number of hours: "4.5 hours", "1 hour".
func hours(h float64) string {
	s := strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.2f", h), "0"), ".0")
	if s == "1" {
		return "1 hour"
	}
	return s + " hours"
}

// warnings are the relationship-health messages (the README's States and goals).
func warnings(cfg *config.Config, now time.Time, as []Assessment) []string {
	var out []string
	standing := 0
	for i := range as {
		a := &as[i]
		if strings.EqualFold(a.Peer.Department, cfg.Me.Department) || a.Skip {
			continue
		}
		switch a.State {
		case OK, Due, Scheduled:
			standing++
		}
	}
	if goal := cfg.Goals.MinStandingPeers; standing < goal {
		dept := cmp.Or(cfg.Me.Department, "your department")
		out = append(out, fmt.Sprintf("only %s outside %s %s a standing cadence; aim for %d", Plural(standing, "peer", ""), dept, map[bool]string{true: "has", false: "have"}[standing == 1], goal))
	}
	for i := range as {
		a := &as[i]
		if a.CancelledStreak >= 2 {
			out = append(out, fmt.Sprintf("%s: the last %d 1:1s were cancelled or declined — cancelling when things get busy is when you need them most",
				a.Peer.Name, a.CancelledStreak))
		}
	}
	for i := range as {
		a := &as[i]
		if a.Peer.Tier == "right-now" && !a.Peer.Until.IsZero() && civil(now).After(a.Peer.Until.In(now.Location())) {
			out = append(out, fmt.Sprintf("%s: right-now tier ended %s; make them forever or take them off the roster", a.Peer.Name, a.Peer.Until.In(now.Location()).Format(DateFormat+" 2006")))
		}
	}
	return out
}
