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

// editedSeries returns the ids of the series sideways wrote one of whose
// instances the user changed (a moved or retitled instance): such a series
// is the user's from then on, read like any other event and never written to.
func editedSeries(evs []calendar.Event) map[string]bool {
	var out map[string]bool
	for i := range evs {
		e := &evs[i]
		if e.SeriesID != "" && e.Tag != "" && e.Edited && !e.Cancelled() {
			if out == nil {
				out = map[string]bool{}
			}
			out[e.SeriesID] = true
		}
	}
	return out
}

// openSeries keeps, of the open events (sorted by start), the first future
// instance of each series, standing for the series: its ID is the series'
// id, which is what a withdrawal deletes. The other instances are returned
// apart, for the caps.
func openSeries(open []*calendar.Event) (out, rest []*calendar.Event) {
	seen := map[string]bool{}
	for _, e := range open {
		if e.SeriesID == "" {
			out = append(out, e)
			continue
		}
		if seen[e.SeriesID] {
			rest = append(rest, e)
			continue
		}
		seen[e.SeriesID] = true
		c := *e
		c.ID = e.SeriesID
		out = append(out, &c)
	}
	return out, rest
}

// peerSeries lists the series a peer's 1:1s and open events belong to, in
// order of their next instance.
func peerSeries(occ []occurrence, open, rest []*calendar.Event, now time.Time) []SeriesInfo {
	var out []SeriesInfo
	idx := map[string]int{}
	add := func(e *calendar.Event, ours bool) {
		if e.SeriesID == "" {
			return
		}
		i, ok := idx[e.SeriesID]
		if !ok {
			i = len(out)
			idx[e.SeriesID] = i
			out = append(out, SeriesInfo{ID: e.SeriesID, Summary: e.Summary, Last: e.SeriesLast})
		}
		s := &out[i]
		s.Ours = s.Ours || ours || e.Tag != ""
		if e.Start.After(now) && !e.Cancelled() && (s.Next.IsZero() || e.Start.Before(s.Next)) {
			s.Next = e.Start
		}
	}
	for _, o := range occ {
		add(o.ev, false)
	}
	for _, e := range open {
		add(e, true)
	}
	for _, e := range rest {
		add(e, true)
	}
	slices.SortStableFunc(out, func(x, y SeriesInfo) int { return x.Next.Compare(y.Next) })
	return out
}

// renewal finds the last instance of the peer's standing series, and whether
// its renewal is due: the series has instances to come and ends (no series
// without an end goes on), no 1:1 is booked after it, and its last instance
// is at most RenewalLead away.
func renewal(now time.Time, a *Assessment, occ []occurrence) (time.Time, bool) {
	var end time.Time
	for _, s := range a.Series {
		if s.Next.IsZero() || slices.ContainsFunc(a.Open, func(e *calendar.Event) bool { return e.SeriesID == s.ID }) {
			continue // over, or still only proposed
		}
		if s.Last.IsZero() {
			return time.Time{}, false
		}
		end = calendar.Later(end, s.Last)
	}
	if end.IsZero() {
		return end, false
	}
	for _, o := range occ {
		if !o.failed && o.start.After(end) {
			return time.Time{}, false
		}
	}
	return end, !now.Before(end.Add(-RenewalLead(a.Cadence)))
}

// seriesWhy adds the standing series to a scheduled peer's why: "; series
// until Tue Feb 23 2027".
func seriesWhy(a *Assessment, loc *time.Location) string {
	for _, s := range a.Series {
		if s.Next.IsZero() {
			continue
		}
		if s.Last.IsZero() {
			return "; a series with no end"
		}
		return "; series until " + s.Last.In(loc).Format(DateFormat+" 2006")
	}
	return ""
}

// actSeriesFor plans a series for a where the finder found f, or holds it
// back when an instance would break a cap.
func (pl *planner) actSeriesFor(p *Plan, a *Assessment, kind ActionKind, f found) {
	s, held := pl.placeSeries(a, f)
	if held != nil {
		pl.hold(p, *held)
		return
	}
	slot := s.Instances[0]
	per := period(a, slot) + "/series"
	pl.act(p, Action{Kind: kind, Assessment: a, Slot: slot, PassedOver: f.passed, Late: f.late,
		EventID: calendar.EventID(pl.writable, strings.ToLower(a.Peer.Email), per), Period: per,
		Reason: string(a.State) + ": " + a.Why + "; " + seriesText(s, pl.loc), Series: s})
	pl.actSeries(s)
}

// seriesWarnings are the notes about series: a renewal that will not come
// (the peer is now skipped or past its until date), and a 1:1 series the
// user made that has no end or ends further than caps.series_max away (the
// practice is to decide again after three months). Notes only: sideways
// never writes to a series it did not write.
func seriesWarnings(cfg *config.Config, now time.Time, as []Assessment) []string {
	var out []string
	loc := now.Location()
	for i := range as {
		a := &as[i]
		for _, s := range a.Series {
			if s.Next.IsZero() {
				continue
			}
			switch {
			case !s.Ours && s.Last.IsZero():
				out = append(out, fmt.Sprintf("%s: your 1:1 series %q has no end; standing 1:1s are worth deciding again every %s, so consider giving it an end date",
					a.Peer.Name, s.Summary, days(cfg.Caps.SeriesMax)))
			case !s.Ours && s.Last.After(now.Add(cfg.Caps.SeriesMax)):
				out = append(out, fmt.Sprintf("%s: your 1:1 series %q runs until %s, more than %s away; standing 1:1s are worth deciding again every %s",
					a.Peer.Name, s.Summary, s.Last.In(loc).Format(DateFormat+" 2006"), days(cfg.Caps.SeriesMax), days(cfg.Caps.SeriesMax)))
			case a.State == Skipped && !s.Last.IsZero() && !now.Before(s.Last.Add(-RenewalLead(a.Cadence))):
				out = append(out, fmt.Sprintf("%s: the 1:1 series ends %s and will not be renewed: %s",
					a.Peer.Name, s.Last.In(loc).Format(DateFormat+" 2006"), a.Why))
			}
		}
	}
	return out
}

// SeriesState says, for status and plan --explain, where a peer's series
// stand, one line each: `"Dana / Sam": cadence monthly, last instance Tue
// Feb 23 2027 10:00, renewal due`. The cadence is what the rules say now.
func SeriesState(a *Assessment, loc *time.Location) []string {
	var out []string
	for _, s := range a.Series {
		if s.Next.IsZero() {
			continue
		}
		line := fmt.Sprintf("%q: cadence %s", cmp.Or(s.Summary, "series"), a.Cadence.Name)
		if s.Last.IsZero() {
			line += ", no end"
		} else {
			line += ", last instance " + s.Last.In(loc).Format(DateFormat+" 2006 15:04")
		}
		if a.RenewalDue && s.Last.Equal(a.SeriesEnd) {
			line += ", renewal due"
		}
		out = append(out, line)
	}
	return out
}

// staleSeries turns the past instances of suggested series into one stale
// event per series (its ID the series' id, its slot the first instance
// seen), and drops those series' future instances from open and rest: a
// suggested series whose first meeting passed without a guest being added is
// withdrawn whole, like a single suggestion whose time passed.
func staleSeries(stale, open, rest []*calendar.Event) (outStale, outOpen, outRest []*calendar.Event) {
	gone := map[string]bool{}
	for _, e := range stale {
		if e.SeriesID == "" {
			outStale = append(outStale, e)
			continue
		}
		if gone[e.SeriesID] {
			continue
		}
		gone[e.SeriesID] = true
		c := *e
		c.ID = e.SeriesID
		outStale = append(outStale, &c)
	}
	if len(gone) == 0 {
		return outStale, open, rest
	}
	keep := func(es []*calendar.Event) []*calendar.Event {
		var out []*calendar.Event
		for _, e := range es {
			if !gone[e.SeriesID] {
				out = append(out, e)
			}
		}
		return out
	}
	return outStale, keep(open), keep(rest)
}
