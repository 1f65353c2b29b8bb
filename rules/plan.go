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

// The action kinds of PRODUCT §7.
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
	// refused ("Tue 2026-11-24: peer_1on1s_per_day: … already has 1").
	PassedOver []string
	Calendar   string
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
		if keep != nil && !keep.Edited && pl.conflicts(keep) {
			f, held := pl.find(a, keep)
			if held != nil {
				held.Detail = "the suggested slot is taken and no other fits: " + held.Detail
				pl.hold(p, *held)
				continue
			}
			pl.tidy(p, Action{Kind: Move, Assessment: a, Slot: f.slot, PassedOver: f.passed, Event: keep,
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
			pl.hold(p, Held{a, "writes_per_run", fmt.Sprintf("this cycle already makes %d writes", pl.writes)})
			continue
		case a.State == NeverMet && pl.newPeers >= cfg.Caps.NewPeersAtOnce:
			pl.hold(p, Held{a, "new_peers_at_once", fmt.Sprintf("%d never-met peer(s) already have an open suggestion or invite", pl.newPeers)})
			continue
		case kind == Propose && pl.suggestions >= cfg.Caps.OpenSuggestions:
			pl.hold(p, Held{a, "open_suggestions", fmt.Sprintf("%d suggestions are already open", pl.suggestions)})
			continue
		}
		f, held := pl.find(a, nil)
		if held != nil {
			pl.hold(p, *held)
			continue
		}
		pl.act(p, Action{Kind: kind, Assessment: a, Slot: f.slot, PassedOver: f.passed,
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
	p.Warnings = append(append(append(e.ruleWarnings(as), warnings(cfg, now, as)...), declineWarnings(as)...), in.Warnings...)
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
	newPeers int // never-met peers with an open suggestion or invite

	suggestions int // open suggestions
}

func newPlanner(cfg *config.Config, in *Input, now time.Time, as []Assessment, hs []history, m *matcher) *planner {
	loc := now.Location()
	pl := &planner{
		cfg: cfg, loc: loc, now: now, writable: in.Writable, peerBusy: in.PeerBusy,
		hours: map[time.Time]time.Duration{}, perDay: map[time.Time]int{}, perWeek: map[time.Time]int{},
	}
	// Only what could share a week with a slot matters.
	lo := civil(now).AddDate(0, 0, -7)
	hi := now.Add(cfg.Horizon).AddDate(0, 0, 8)
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
		for _, ev := range a.Open {
			pl.count(ev.Start, 1)
			if ev.Tag == calendar.TagSuggestion {
				pl.ours = append(pl.ours, ev)
				pl.suggestions++
			}
		}
		if len(a.Open) > 0 && a.LastMet.IsZero() {
			pl.newPeers++
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
		s, e := maxTime(sp.Start, d), minTime(sp.End, next)
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
		pl.hold(p, Held{a.Assessment, "writes_per_run", fmt.Sprintf("%s of the suggestion on %s waits: this cycle already makes %d writes",
			a.Kind, a.Event.Start.In(pl.loc).Format("Mon Jan 2 15:04"), pl.writes)})
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
			pl.suggestions--
			if a.Assessment.LastMet.IsZero() && len(a.Assessment.Open) == 1 {
				pl.newPeers--
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
			pl.suggestions++
		}
		if a.Assessment.LastMet.IsZero() {
			pl.newPeers++
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

// step is the grid slots start on, in the user's zone.
const step = 15 * time.Minute

// found is the slot finder's answer.
type found struct {
	slot   calendar.Interval
	passed []string
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
		for s := alignUp(maxTime(iv.Start, earliest), day); !s.Add(dur).After(iv.End); s = s.Add(step) {
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
// would break, and why; "" when it breaks none. The caps bound whole days and
// weeks, so the answer holds for every slot of s's day.
func (pl *planner) capOn(s time.Time, dur time.Duration) (key, detail string) {
	caps := pl.cfg.Caps
	day := civil(s)
	if n := pl.perWeek[weekStart(s)]; n >= caps.PeerPerWeek {
		return "peer_1on1s_per_week", fmt.Sprintf("week of %s already has %d", weekStart(s).Format("2006-01-02"), n)
	}
	if n := pl.perDay[day]; n >= caps.PeerPerDay {
		return "peer_1on1s_per_day", fmt.Sprintf("%s already has %d", day.Format("Mon 2006-01-02"), n)
	}
	limit := time.Duration(caps.MeetingHoursPerDay * float64(time.Hour))
	if h := pl.hours[day]; h+dur > limit {
		return "meeting_hours_per_day", fmt.Sprintf("%s already has %s of meetings", day.Format("Mon 2006-01-02"), hours(h))
	}
	return "", ""
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
	type note struct {
		day  time.Time
		text string
	}
	var notes []note
	for _, day := range pl.days(a) {
		anyDay = true
		slot, ok, fits := pl.slotOn(a, self, day, nil)
		anyOverlap = anyOverlap || fits
		if !ok {
			continue
		}
		anyFree = true
		if key, detail := pl.capOn(slot.Start, a.Duration); key != "" {
			if capHits[key] == 0 {
				capDetail[key] = detail
			}
			capHits[key]++
			notes = append(notes, note{day, fmt.Sprintf("%s: %s (%s)", day.Format("Mon Jan 2"), detail, key)})
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
			h.Detail = fmt.Sprintf("no overlap of working hours (%s, %s) with the %s window on %s in the next %d days",
				loc, peerLoc, a.Window.From.String()+"-"+a.Window.To.String(), a.Days, int(cfg.Horizon.Hours()/24))
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
	for _, n := range notes {
		if n.day.Before(best.day) && !n.day.Before(target) {
			f.passed = append(f.passed, n.text)
		}
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
			s, e := maxTime(x.Start, y.Start), minTime(x.End, y.End)
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

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func hours(d time.Duration) string {
	return strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.2f", d.Hours()), "0"), ".0") + "h"
}

// warnings are the relationship-health messages of PRODUCT §1 and §4.
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
		out = append(out, fmt.Sprintf("only %d peers outside %s have a standing cadence; aim for %d", standing, dept, goal))
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
			out = append(out, fmt.Sprintf("%s: right-now tier ended %s; make them forever or take them off the roster", a.Peer.Name, a.Peer.Until))
		}
	}
	return out
}
