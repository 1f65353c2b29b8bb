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

// MarkKind is what a mark on a peer's timeline stands for.
type MarkKind string

// The marks of a timeline.
const (
	MarkHeld       MarkKind = "held"       // a 1:1 that happened
	MarkFailed     MarkKind = "cancelled"  // a 1:1 cancelled or declined by either side
	MarkScheduled  MarkKind = "scheduled"  // a future 1:1 on a calendar
	MarkSuggestion MarkKind = "suggestion" // an open suggestion sideways wrote
	MarkInvite     MarkKind = "invite"     // a pending invite sideways wrote
	MarkDismissed  MarkKind = "dismissed"  // the user deleted a suggestion
)

// Mark is one dated thing on a peer's timeline.
type Mark struct {
	Kind MarkKind
	At   time.Time
}

// Gap is the time between two held 1:1s (or between the start of the counted
// window and the first, or between the last and now).
type Gap struct {
	From, To time.Time
	Days     int
	// Over is when the gap passed the cadence (From plus the cadence); zero when
	// the gap is not longer than the cadence.
	Over time.Time
}

// Health is how well one relationship kept its cadence over the look-back window.
//
// The counted window starts at the latest of now − lookback, the peer's
// `since`, and the first event the calendars hold (before it, sideways has no
// data: a new account, or a feed that keeps only recent months), and ends now. It is cut, from now backwards, into whole cadence-long
// periods of calendar days in the user's zone: period k holds the 1:1s held k·c
// to (k+1)·c − 1 days ago, for c the cadence in days; a part-period left at the
// start is not counted. Share is the fraction of these periods with at least
// one held 1:1.
type Health struct {
	// Periods is the number of whole cadence periods in the counted window;
	// Share is meaningless (and reported as such) when it is 0.
	Periods, MetPeriods int
	// Held counts the held 1:1s in the counted window.
	Held int
	// LongestGapDays is the longest gap between consecutive held 1:1s, counting
	// the start of the counted window and now as ends; the whole window when
	// never met. LongestGap is the same in cadences.
	LongestGapDays int
	LongestGap     float64
	// CancelledStreak is the assessment's run of cancelled or declined 1:1s.
	CancelledStreak int
	// FirstMet is the first held 1:1 in the counted window; zero when none.
	FirstMet time.Time
}

// Share is MetPeriods / Periods, or -1 when there is no whole period yet.
func (h Health) Share() float64 {
	if h.Periods == 0 {
		return -1
	}
	return float64(h.MetPeriods) / float64(h.Periods)
}

// PeerReport is everything the report page shows about one peer.
type PeerReport struct {
	*Assessment
	// Marks are in time order; Gaps run over the counted window.
	Marks []Mark
	Gaps  []Gap
	// Start is the start of the counted window (see Health).
	Start time.Time
	// Snooze is the span a dismissal silences the peer; zero when not snoozed.
	Snooze calendar.Interval
	// Suggestions counts the suggestions sideways wrote for this peer that the
	// calendars still show in the window (open, past or deleted); Dismissed,
	// those the user deleted: the recorded dismissals, or the deleted ones on
	// the calendar that sideways did not withdraw itself, whichever is more.
	Suggestions, Dismissed int
	Health                 Health
}

// Review is one question of the quarterly roster review.
type Review struct {
	Peer     *Assessment
	Kind     string // past_until | never_met_suggested | dismissed | overdue_forever | more_often
	Question string
}

// Report is the data of the report page: every peer's timeline and health,
// and the roster's.
type Report struct {
	Plan *Plan
	// From and To are the span of the timelines: the look-back window and the horizon.
	From, To time.Time
	// DataFrom is the start of the first event in the calendars (From when
	// there is none before now): the counted windows never start earlier.
	DataFrom time.Time
	Peers    []PeerReport
	// Standing is the number of peers outside the user's department with a
	// standing cadence (not skipped; ok, due or scheduled); Goal is
	// goals.min_standing_peers.
	Standing, Goal int
	// NewlyMet are the peers (not skipped by a rule) whose first held 1:1 in
	// the look-back window falls in the last quarter (91 days).
	NewlyMet []*Assessment
	Reviews  []Review
}

// Quarter is the span "the last quarter" means in the report: 91 days.
const Quarter = 91

// Withdrawn names the suggestions sideways deleted itself (from the audit log),
// by calendar + "/" + event id: a deleted suggestion not among them, and not
// marked Withdrawn on the calendar (which a fresh state folder still sees),
// was dismissed by the user.
type Withdrawn map[string]bool

// Report builds the report page's data from the same input as p, which must be
// e.Plan(in). It is pure: the same input gives the same report.
func (e *Engine) Report(in *Input, p *Plan, withdrawn Withdrawn) *Report {
	cfg := e.cfg
	loc := cfg.Me.Location
	now := in.Now.In(loc)
	r := &Report{Plan: p, From: now.Add(-cfg.Lookback), To: now.Add(cfg.Horizon), Goal: cfg.Goals.MinStandingPeers}
	r.DataFrom = now
	for i := range in.Events {
		if s := in.Events[i].Start; s.Before(r.DataFrom) {
			r.DataFrom = s
		}
	}
	r.DataFrom = calendar.Later(r.DataFrom, r.From).In(loc)
	hs := e.match.histories(in, len(cfg.Peers))
	sugg := suggestions(in, e.match, len(cfg.Peers))
	for i := range p.Peers {
		a := &p.Peers[i]
		pr := peerReport(cfg, now, r.From, r.DataFrom, a, hs[i].occ, sugg[i], in.Dismissals, withdrawn)
		r.Peers = append(r.Peers, pr)
		if standing(cfg, a) {
			r.Standing++
		}
		if f := pr.Health.FirstMet; !a.Skip && !f.IsZero() && daysBetween(f, now) < Quarter {
			r.NewlyMet = append(r.NewlyMet, a)
		}
	}
	r.Reviews = reviews(now, r.Peers)
	return r
}

// standing reports whether a peer counts toward goals.min_standing_peers.
func standing(cfg *config.Config, a *Assessment) bool {
	if strings.EqualFold(a.Peer.Department, cfg.Me.Department) || a.Skip {
		return false
	}
	return a.State == OK || a.State == Due || a.State == Scheduled
}

// suggestions files every suggestion sideways wrote (any status) under its peer.
func suggestions(in *Input, m *matcher, n int) [][]*calendar.Event {
	out := make([][]*calendar.Event, n)
	for i := range in.Events {
		ev := &in.Events[i]
		if ev.Tag != calendar.TagSuggestion {
			continue
		}
		if p, ok := m.byEmail[strings.ToLower(ev.TagPeer)]; ok {
			out[p] = append(out[p], ev)
		}
	}
	return out
}

func peerReport(cfg *config.Config, now, from, dataFrom time.Time, a *Assessment, occ []occurrence, sugg []*calendar.Event, ds []Dismissal, withdrawn Withdrawn) PeerReport {
	loc := now.Location()
	pr := PeerReport{Assessment: a, Start: dataFrom}
	if since := a.Peer.Since; !since.IsZero() && since.In(loc).After(pr.Start) {
		pr.Start = since.In(loc)
	}
	occ = slices.Clone(occ)
	slices.SortFunc(occ, func(x, y occurrence) int { return x.start.Compare(y.start) })
	var held []time.Time
	for _, o := range occ {
		if o.start.Before(from) {
			continue
		}
		switch {
		case o.start.After(now) && o.failed:
			// A future 1:1 already cancelled: nothing to show yet.
		case o.start.After(now):
			pr.Marks = append(pr.Marks, Mark{MarkScheduled, o.start.In(loc)})
		case o.failed:
			pr.Marks = append(pr.Marks, Mark{MarkFailed, o.start.In(loc)})
		default:
			pr.Marks = append(pr.Marks, Mark{MarkHeld, o.start.In(loc)})
			if !o.start.Before(pr.Start) {
				held = append(held, o.start.In(loc))
			}
		}
	}
	for _, ev := range a.Open {
		k := MarkSuggestion
		if ev.Tag == calendar.TagInvite {
			k = MarkInvite
		}
		pr.Marks = append(pr.Marks, Mark{k, ev.Start.In(loc)})
	}
	seen := map[string]bool{}
	for _, ev := range sugg {
		key := ev.Calendar + "\x00" + ev.ID + "\x00" + ev.UID
		if seen[key] || ev.Start.Before(from) {
			continue
		}
		seen[key] = true
		pr.Suggestions++
		if ev.Cancelled() && !ev.Withdrawn && !withdrawn[ev.Calendar+"/"+ev.ID] {
			pr.Dismissed++
		}
	}
	recorded := 0
	for _, d := range ds {
		if a.Peer.HasEmail(d.Peer) && !d.At.Before(from) && !d.At.After(now) {
			recorded++
			pr.Marks = append(pr.Marks, Mark{MarkDismissed, d.At.In(loc)})
		}
	}
	pr.Dismissed = max(pr.Dismissed, recorded)
	if !a.SnoozedUntil.IsZero() {
		pr.Snooze = calendar.Interval{Start: a.SnoozedUntil.Add(-cfg.Snooze), End: a.SnoozedUntil}
	}
	slices.SortStableFunc(pr.Marks, func(x, y Mark) int { return cmp.Or(x.At.Compare(y.At), cmp.Compare(x.Kind, y.Kind)) })
	pr.Gaps, pr.Health = health(now, pr.Start, a.Cadence.Days(), held)
	pr.Health.CancelledStreak = a.CancelledStreak
	return pr
}

// health computes a relationship's figures (see Health) from the held 1:1s in
// the counted window [start, now], in time order, and the cadence in days.
func health(now, start time.Time, cad int, held []time.Time) ([]Gap, Health) {
	cad = max(cad, 1)
	h := Health{Held: len(held), Periods: daysBetween(start, now) / cad}
	met := make([]bool, h.Periods)
	for _, t := range held {
		if k := daysBetween(t, now) / cad; k < h.Periods && !met[k] {
			met[k] = true
			h.MetPeriods++
		}
	}
	if len(held) > 0 {
		h.FirstMet = held[0]
	}
	var gaps []Gap
	prev := start
	for _, t := range append(slices.Clone(held), now) {
		g := Gap{From: prev, To: t, Days: daysBetween(prev, t)}
		if g.Days > cad {
			g.Over = civil(prev).AddDate(0, 0, cad)
		}
		if g.Days > h.LongestGapDays {
			h.LongestGapDays = g.Days
		}
		gaps = append(gaps, g)
		prev = t
	}
	h.LongestGap = float64(h.LongestGapDays) / float64(cad)
	return gaps, h
}

// reviews are the questions a leader should ask of the roster each quarter,
// drawn from the data, in roster order.
func reviews(now time.Time, prs []PeerReport) []Review {
	var out []Review
	for i := range prs {
		pr := &prs[i]
		a, p := pr.Assessment, pr.Peer
		cad := max(a.Cadence.Days(), 1)
		add := func(kind, q string) { out = append(out, Review{a, kind, q}) }
		if p.Tier == "right-now" && !p.Until.IsZero() && civil(now).After(p.Until.In(now.Location())) {
			add("past_until", fmt.Sprintf("The project that made %s a right-now peer ended on %s. Make them forever, give them a new until, or take them off the roster?", p.Name, p.Until))
		}
		if a.Skip {
			continue
		}
		if pr.Health.Held == 0 && pr.Suggestions >= 2 {
			add("never_met_suggested", fmt.Sprintf("%s: %d suggestions and no 1:1 in the look-back window. Ask them directly, or is this relationship not one you need?", p.Name, pr.Suggestions))
		}
		if pr.Dismissed >= 2 {
			add("dismissed", fmt.Sprintf("You deleted %d suggestions for %s. Is the cadence (%s) wrong, or the relationship?", pr.Dismissed, p.Name, a.Cadence.Name))
		}
		if p.Tier == "forever" {
			switch {
			case pr.Health.Held == 0 && pr.Suggestions >= 2:
				// Asked above.
			case a.LastMet.IsZero() && daysBetween(pr.Start, now) > 2*cad:
				add("overdue_forever", fmt.Sprintf("%s is a forever peer you have not met in %d days (cadence %s). Still forever?", p.Name, daysBetween(pr.Start, now), a.Cadence.Name))
			case !a.LastMet.IsZero() && a.DaysSinceLast > 2*cad:
				add("overdue_forever", fmt.Sprintf("%s is a forever peer last met %d days ago, more than two cadences (%s). Still forever?", p.Name, a.DaysSinceLast, a.Cadence.Name))
			}
		}
		if h := pr.Health; h.Held >= 4 {
			if every := medianGap(pr.Gaps[1 : len(pr.Gaps)-1]); 2*every <= cad && tighter(every) != a.Cadence.Name {
				add("more_often", fmt.Sprintf("You met %s %d times, usually every %d days, against a %s cadence. Would %s be more honest?", p.Name, h.Held, every, a.Cadence.Name, tighter(every)))
			}
		}
	}
	return out
}

// medianGap is the median length in days of gaps between held 1:1s.
func medianGap(gs []Gap) int {
	ds := make([]int, len(gs))
	for i, g := range gs {
		ds[i] = g.Days
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// tighter names the named cadence closest to meeting every d days.
func tighter(d int) string {
	best := config.Weekly
	for _, c := range []config.Cadence{config.Biweekly, config.Monthly, config.Quarterly} {
		if abs(c.Days()-d) < abs(best.Days()-d) {
			best = c
		}
	}
	return best.Name
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
