package main

import (
	"fmt"
	"io"
	"time"

	"github.com/sidewayscal/sideways/rules"
)

// seriesJSON is one standing series a peer's 1:1s belong to.
type seriesJSON struct {
	Summary string `json:"summary"`
	Ours    bool   `json:"ours"`
	Next    string `json:"next"`
	// Last is the last instance; null for a series without an end.
	Last       *string `json:"last"`
	RenewalDue bool    `json:"renewal_due"`
}

// actionSeriesJSON is the series a propose or invite writes.
type actionSeriesJSON struct {
	Cadence   string     `json:"cadence"`
	Rule      string     `json:"rule"`
	Instances int        `json:"instances"`
	Last      string     `json:"last"`
	Conflicts []slotJSON `json:"conflicts"`
}

func peerSeriesJSON(a *rules.Assessment, loc *time.Location) []seriesJSON {
	var out []seriesJSON
	for _, s := range a.Series {
		if s.Next.IsZero() {
			continue
		}
		out = append(out, seriesJSON{Summary: s.Summary, Ours: s.Ours, Next: rfc(s.Next.In(loc)), Last: optTime(s.Last, loc),
			RenewalDue: a.RenewalDue && s.Last.Equal(a.SeriesEnd)})
	}
	return out
}

func actionSeries(a *rules.Action, loc *time.Location) *actionSeriesJSON {
	s := a.Series
	if s == nil {
		return nil
	}
	out := &actionSeriesJSON{Cadence: s.Cadence.Name, Rule: s.Rule, Instances: len(s.Instances),
		Last: rfc(s.Last().In(loc)), Conflicts: []slotJSON{}}
	for _, c := range s.Conflicts {
		out.Conflicts = append(out.Conflicts, slotJSON{rfc(c.Start.In(loc)), rfc(c.End.In(loc))})
	}
	return out
}

// writeSeries prints the standing series of every peer that has one: its
// cadence, its last instance, and whether its renewal is due.
func writeSeries(w io.Writer, p *rules.Plan) {
	loc := p.Now.Location()
	first := true
	for i := range p.Peers {
		a := &p.Peers[i]
		for _, line := range rules.SeriesState(a, loc) {
			if first {
				fmt.Fprintln(w, "\nSeries:")
				first = false
			}
			fmt.Fprintf(w, "  %s: %s\n", a.Peer.Name, line)
		}
	}
}
