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

// State is where a peer relationship stands (the README's States).
type State string

// The states, in the order they are tested: a peer is in the first that holds.
const (
	Skipped   State = "skipped"
	Scheduled State = "scheduled"
	Suggested State = "suggested"
	Invited   State = "invited"
	Snoozed   State = "snoozed"
	NeverMet  State = "never_met"
	Overdue   State = "overdue"
	Due       State = "due"
	OK        State = "ok"
)

// Actionable reports whether the planner looks for a slot for a peer in this state.
func (s State) Actionable() bool { return s == NeverMet || s == Overdue || s == Due }

// Dismissal is a "no" that snoozes a peer from At: the user deleted a
// suggestion or an invite sideways wrote, or the peer declined an invite.
type Dismissal struct {
	Peer string // email, lower case
	At   time.Time
	// What was refused: "suggestion" or "invite" (the user deleted it),
	// Declined (the peer declined the invite), or empty when only the state
	// database remembers it.
	What string
	// Slot is the start of the event that was refused; zero when unknown.
	Slot time.Time
}

// Declined is Dismissal.What for an invite the peer declined.
const Declined = "declined"

// calendarDismissals reads the "no"s the calendars themselves show, so they
// hold on a fresh state folder too: a tagged event that was deleted before
// its time and not by sideways (the user's dismissal, snoozed from its
// deletion), and a tagged invite the peer declined (snoozed from when the
// answer changed the event). Google keeps a deleted event visible for a
// limited time only (about 30 days); the state database keeps dismissals for
// longer.
func calendarDismissals(evs []calendar.Event) []Dismissal {
	var out []Dismissal
	// An invited series the peer declined whole (every meeting of it in view
	// shows the decline) is a "no" like a declined single invite; a decline of
	// one meeting of it is a missed 1:1, read by the cancelled streak.
	type seriesAnswer struct {
		meetings, declined int
		first              *calendar.Event
	}
	var series map[string]*seriesAnswer
	var order []string
	for i := range evs {
		e := &evs[i]
		if e.Tag == "" || e.TagPeer == "" || e.Updated.IsZero() {
			continue
		}
		if !e.RecurrenceID.IsZero() {
			if e.Tag != calendar.TagInvite || e.SeriesID == "" || e.Cancelled() {
				continue
			}
			if series == nil {
				series = map[string]*seriesAnswer{}
			}
			sa := series[e.SeriesID]
			if sa == nil {
				sa = &seriesAnswer{}
				series[e.SeriesID] = sa
				order = append(order, e.SeriesID)
			}
			sa.meetings++
			if a := e.Attendee(e.TagPeer); a != nil && a.PartStat == calendar.PartStatDeclined {
				sa.declined++
				if sa.first == nil || e.Start.Before(sa.first.Start) {
					sa.first = e
				}
			}
			continue
		}
		peer := strings.ToLower(e.TagPeer)
		switch {
		case e.Cancelled():
			if !e.Withdrawn && e.Start.After(e.Updated) {
				out = append(out, Dismissal{Peer: peer, At: e.Updated, What: e.Tag, Slot: e.Start})
			}
		case e.Tag == calendar.TagInvite:
			if a := e.Attendee(peer); a != nil && a.PartStat == calendar.PartStatDeclined {
				out = append(out, Dismissal{Peer: peer, At: e.Updated, What: Declined, Slot: e.Start})
			}
		}
	}
	for _, id := range order {
		if sa := series[id]; sa.declined > 0 && sa.declined == sa.meetings {
			e := sa.first
			out = append(out, Dismissal{Peer: strings.ToLower(e.TagPeer), At: e.Updated, What: Declined, Slot: e.Start})
		}
	}
	return out
}

// Input is everything a cycle decides from. It is plain data: the shell gathers
// it, the core decides.
type Input struct {
	Now time.Time
	// Events are the occurrences of every calendar, covering at least
	// [Now-lookback, Now+horizon]. Order does not matter.
	Events []calendar.Event
	// Writable names the calendar suggestions and invites are written to; empty
	// when there is none (report mode).
	Writable string
	// Dismissals are the suggestions the user deleted (for snooze).
	Dismissals []Dismissal
	// PeerBusy is peers' busy time by email, when free/busy is available.
	PeerBusy map[string][]calendar.Interval
	// Warnings the shell met while gathering, passed through to the plan.
	Warnings []string
}

// Assessment is what sideways knows and decided about one peer.
type Assessment struct {
	Peer  *config.Peer
	Index int // position in the roster
	Settings
	State State
	// Why explains the state in a few words ("last met 54 days ago, cadence monthly").
	Why string

	LastMet         time.Time // zero when never met in the look-back window
	NextScheduled   time.Time // zero when nothing is scheduled
	DaysSinceLast   int       // whole days in the user's zone; -1 when never met
	MetCount        int
	CancelledStreak int
	// DueAt is the day the next 1:1 falls due (midnight, user's zone); Now when never met.
	DueAt time.Time
	// Open are the future suggestions and pending invites sideways wrote for this peer.
	Open []*calendar.Event
	// Expired are suggestions sideways wrote whose time has passed.
	Expired []*calendar.Event
	// SnoozedUntil is when a snooze ends; zero when not snoozed.
	SnoozedUntil time.Time
	// Dismissal is the "no" behind the snooze (the latest the calendars
	// show, else the state database's); nil when not snoozed.
	Dismissal *Dismissal
	// RuleErrors are the rules whose condition failed to evaluate for this
	// peer; each was treated as not matching.
	RuleErrors []RuleError
	// Behind are the events that make LastMet and CancelledStreak: the
	// last 1:1 held, then the missed ones after it, in time order.
	Behind []Behind
	// Instances are the future instances of the open series in Open, other
	// than the one Open holds for each: they count in the caps too.
	Instances []*calendar.Event
	// Series are the recurring series the peer's 1:1s belong to.
	Series []SeriesInfo
	// SeriesEnd is the last instance of the peer's standing series (the one
	// ending last, when no 1:1 is booked after it); zero when none ends.
	SeriesEnd time.Time
	// RenewalDue is true from RenewalLead before SeriesEnd: the rules
	// decide again, and sideways proposes a renewal after it.
	RenewalDue bool
}

// Behind is one event behind a peer's history: the last 1:1 met (Missed
// empty) or one of the cancelled streak (Missed says why).
type Behind struct {
	Event  *calendar.Event
	Missed string
}

// Overdueness is time since the last 1:1 divided by the cadence; a never-met
// peer counts as exactly due (1).
func (a *Assessment) Overdueness() float64 {
	if a.LastMet.IsZero() {
		return 1
	}
	return float64(a.DaysSinceLast) / float64(max(a.Cadence.Days(), 1))
}

// Assess decides, for every peer in roster order, its history, settings and state.
// It is pure: the same input gives the same assessments.
func (e *Engine) Assess(in *Input) ([]Assessment, error) {
	return e.AssessContext(context.Background(), in)
}

// AssessContext is Assess under ctx: a rule's condition being evaluated when
// ctx is done stops, and ctx's error is returned.
func (e *Engine) AssessContext(ctx context.Context, in *Input) ([]Assessment, error) {
	as, _, err := e.assess(ctx, in)
	return as, err
}

func (e *Engine) assess(ctx context.Context, in *Input) ([]Assessment, []history, error) {
	cfg := e.cfg
	loc := cfg.Me.Location
	now := in.Now.In(loc)
	from := now.Add(-cfg.Lookback)
	hs := e.match.histories(in, len(cfg.Peers))
	dismissals := append(calendarDismissals(in.Events), in.Dismissals...)
	out := make([]Assessment, len(cfg.Peers))
	for i := range cfg.Peers {
		p := &cfg.Peers[i]
		h := &hs[i]
		a := Assessment{Peer: p, Index: i, DaysSinceLast: -1}
		slices.SortFunc(h.occ, func(x, y occurrence) int { return x.start.Compare(y.start) })
		streakOpen := true
		for j := len(h.occ) - 1; j >= 0; j-- {
			o := h.occ[j]
			if o.start.After(now) {
				if !o.failed {
					a.NextScheduled = o.start.In(loc)
				}
				continue
			}
			if o.start.Before(from) {
				break
			}
			if o.failed {
				if streakOpen {
					a.CancelledStreak++
					a.Behind = append(a.Behind, Behind{Event: o.ev, Missed: cmp.Or(o.missed, missedCancel)})
				}
				continue
			}
			streakOpen = false
			if a.LastMet.IsZero() {
				a.LastMet = o.start.In(loc)
				a.Behind = append(a.Behind, Behind{Event: o.ev})
			}
			a.MetCount++
		}
		slices.Reverse(a.Behind)
		if !a.LastMet.IsZero() {
			a.DaysSinceLast = daysBetween(a.LastMet, now)
		}
		hv := HistoryVars{
			LastMet: a.LastMet, DaysSinceLast: int64(a.DaysSinceLast), MetCount: int64(a.MetCount),
			NextScheduled: a.NextScheduled, CancelledStreak: int64(a.CancelledStreak), NeverMet: a.LastMet.IsZero(),
		}
		s, failed, err := e.settings(ctx, now, p, i, hv)
		if err != nil {
			return nil, nil, err
		}
		a.Settings = s
		a.RuleErrors = failed
		a.Open, a.Instances = openSeries(sortedEvents(h.open))
		a.Expired, a.Open, a.Instances = staleSeries(sortedEvents(h.stale), a.Open, a.Instances)
		a.Series = peerSeries(h.occ, a.Open, a.Instances, now)
		a.SeriesEnd, a.RenewalDue = renewal(now, &a, h.occ)
		for j := range dismissals {
			d := &dismissals[j]
			if !p.HasEmail(d.Peer) {
				continue
			}
			until := d.At.Add(cfg.Snooze)
			if !until.After(now) {
				continue
			}
			if until.After(a.SnoozedUntil) {
				a.SnoozedUntil = until.In(loc)
			}
			if a.Dismissal == nil || moreTelling(d, a.Dismissal) {
				a.Dismissal = d
			}
		}
		a.State, a.Why = state(now, &a)
		out[i] = a
	}
	return out, hs, nil
}

func sortedEvents(es []*calendar.Event) []*calendar.Event {
	slices.SortFunc(es, func(x, y *calendar.Event) int {
		return cmp.Or(x.Start.Compare(y.Start), cmp.Compare(x.ID, y.ID), cmp.Compare(x.UID, y.UID))
	})
	return es
}

// state picks the first state that holds (the README's States).
func state(now time.Time, a *Assessment) (State, string) {
	p := a.Peer
	today := civil(now)
	cad := a.Cadence.Days()
	lead := cad / 4
	if !a.LastMet.IsZero() {
		a.DueAt = civil(a.LastMet).AddDate(0, 0, cad)
	} else {
		a.DueAt = now
	}
	if a.RenewalDue {
		a.DueAt = civil(a.SeriesEnd).AddDate(0, 0, cad)
	}
	switch {
	case a.Skip:
		return Skipped, fmt.Sprintf("rule %q says skip", a.Rules["skip"])
	case !p.Until.IsZero() && today.After(p.Until.In(now.Location())):
		return Skipped, "its until date, " + p.Until.In(now.Location()).Format(DateFormat+" 2006") + ", has passed"
	case !p.Since.IsZero() && today.Before(p.Since.In(now.Location())):
		return Skipped, "starts on its since date, " + p.Since.In(now.Location()).Format(DateFormat+" 2006")
	case !a.NextScheduled.IsZero() && !a.RenewalDue:
		return Scheduled, "1:1 on " + a.NextScheduled.Format(DateFormat+" at 15:04") + seriesWhy(a, now.Location())
	}
	for _, o := range a.Open {
		if o.Tag == calendar.TagSuggestion {
			return Suggested, "suggestion open for " + o.Start.In(now.Location()).Format(DateFormat+" at 15:04")
		}
	}
	if len(a.Open) > 0 {
		return Invited, "invite pending for " + a.Open[0].Start.In(now.Location()).Format(DateFormat+" at 15:04")
	}
	switch {
	case !a.SnoozedUntil.IsZero():
		return Snoozed, snoozeWhy(a.Dismissal, a.SnoozedUntil, now.Location())
	case a.RenewalDue:
		return Due, fmt.Sprintf("the series ends %s; renewal due (cadence %s)", a.SeriesEnd.In(now.Location()).Format(DateFormat+" 2006"), a.Cadence.Name)
	case a.LastMet.IsZero():
		return NeverMet, "no 1:1 in the look-back window"
	case a.DaysSinceLast >= cad:
		return Overdue, fmt.Sprintf("last met %s, cadence %s", ago(a.DaysSinceLast), a.Cadence.Name)
	case a.DaysSinceLast >= cad-lead:
		return Due, fmt.Sprintf("last met %s, cadence %s; due %s", ago(a.DaysSinceLast), a.Cadence.Name, a.DueAt.Format(DateFormat))
	}
	return OK, fmt.Sprintf("last met %s, cadence %s", ago(a.DaysSinceLast), a.Cadence.Name)
}

// civil returns midnight of t's date in t's zone.
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// daysBetween counts calendar days from a's date to b's date, in b's zone.
func daysBetween(a, b time.Time) int {
	ya, ma, da := a.In(b.Location()).Date()
	yb, mb, db := b.Date()
	ua := time.Date(ya, ma, da, 0, 0, 0, 0, time.UTC)
	ub := time.Date(yb, mb, db, 0, 0, 0, 0, time.UTC)
	return int(ub.Sub(ua) / (24 * time.Hour))
}

// moreTelling reports whether d explains a snooze better than cur: what the
// calendar shows beats what only the state database remembers (that and when),
// and a later "no" beats an earlier one.
func moreTelling(d, cur *Dismissal) bool {
	if known, curKnown := d.What != "", cur.What != ""; known != curKnown {
		return known
	}
	return d.At.After(cur.At)
}

// snoozeWhy words a snooze for status: who said no, to what, when, and until
// when sideways leaves the peer alone.
func snoozeWhy(d *Dismissal, until time.Time, loc *time.Location) string {
	const day = "Mon Jan 2"
	slot := ""
	if d != nil && !d.Slot.IsZero() {
		slot = " for " + d.Slot.In(loc).Format(day)
	}
	switch {
	case d == nil || d.What == "":
		return "suggestion dismissed; snoozed until " + until.Format(day)
	case d.What == Declined:
		return fmt.Sprintf("declined the invite%s on %s; left alone until %s", slot, d.At.In(loc).Format(day), until.Format(day))
	case d.What == calendar.TagInvite:
		return fmt.Sprintf("you cancelled the invite%s on %s; snoozed until %s", slot, d.At.In(loc).Format(day), until.Format(day))
	}
	return fmt.Sprintf("you deleted the suggestion%s on %s; snoozed until %s", slot, d.At.In(loc).Format(day), until.Format(day))
}

// declineWarnings are the one warning per peer who declined an invite and is
// still left alone for it: a declined 1:1 is worth a word in person.
func declineWarnings(as []Assessment) []string {
	var out []string
	for i := range as {
		a := &as[i]
		if a.State != Snoozed || a.Dismissal == nil || a.Dismissal.What != Declined {
			continue
		}
		loc := a.SnoozedUntil.Location()
		slot := ""
		if !a.Dismissal.Slot.IsZero() {
			slot = " for " + a.Dismissal.Slot.In(loc).Format("Mon Jan 2")
		}
		out = append(out, fmt.Sprintf("%s declined your 1:1 invite%s on %s; sideways leaves them alone until %s. Worth a word in person: ask what would suit them",
			a.Peer.Name, slot, a.Dismissal.At.In(loc).Format("Mon Jan 2"), a.SnoozedUntil.Format("Mon Jan 2")))
	}
	return out
}

// orphans returns the open suggestions sideways wrote on the writable
// calendar for people no longer on the roster: nothing else tracks them, so
// the plan withdraws them. (Their pending invites are meetings with a person
// and are left alone.)
func (m *matcher) orphans(in *Input) []*calendar.Event {
	var out []*calendar.Event
	for i := range in.Events {
		e := &in.Events[i]
		if e.Tag != calendar.TagSuggestion || e.Calendar != in.Writable || e.Cancelled() || len(e.Attendees) > 0 || !e.Start.After(in.Now) {
			continue
		}
		if _, ok := m.byEmail[strings.ToLower(e.TagPeer)]; !ok {
			out = append(out, e)
		}
	}
	return sortedEvents(out)
}
