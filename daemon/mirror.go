package daemon

import (
	"context"
	"slices"
	"time"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/daemon/state"
)

// Mirror reads a synced calendar (Google) from its local mirror as of the last
// cycle, without a request: it hides the source's Sync. It adds the last
// cycle's own writes, which came after that cycle's sync and so are not in the
// mirror yet; without them a command run after a cycle would show the picture
// from before the cycle acted. (A tracked write missing from the mirror can
// only be that new: the cycle that synced would otherwise have untracked it.)
type Mirror struct {
	Source calendar.Source
	Store  *state.DB
	Name   string
}

var (
	_ calendar.Source    = (*Mirror)(nil)
	_ calendar.Freshness = (*Mirror)(nil)
)

// Freshness implements calendar.Freshness: the mirror is as fresh as the last sync
// that worked. Reading it never refreshes it, so there is no error to report.
func (m *Mirror) Freshness(ctx context.Context) (time.Time, error) {
	return m.Store.GoogleSyncedAt(ctx, m.Name)
}

// Events implements calendar.Source. A calendar never synced is
// calendar.ErrNotSynced.
func (m *Mirror) Events(ctx context.Context, from, to time.Time) ([]calendar.Event, error) {
	tok, err := m.Store.GoogleSyncToken(ctx, m.Name)
	if err != nil {
		return nil, err
	}
	if tok == "" {
		return nil, calendar.ErrNotSynced
	}
	evs, err := m.Source.Events(ctx, from, to)
	if err != nil {
		return nil, err
	}
	return m.withWrites(ctx, evs, from, to)
}

func (m *Mirror) withWrites(ctx context.Context, evs []calendar.Event, from, to time.Time) ([]calendar.Event, error) {
	writes, err := m.Store.Writes(ctx)
	if err != nil {
		return nil, err
	}
	win := calendar.Interval{Start: from, End: to}
	writes = slices.DeleteFunc(writes, func(w state.Write) bool {
		return w.Calendar != m.Name || !(calendar.Interval{Start: w.Start, End: w.End}).Overlaps(win)
	})
	if len(writes) == 0 {
		return evs, nil
	}
	seen := make(map[string]bool, len(evs))
	for _, e := range evs {
		seen[e.ID] = true
	}
	n := len(evs)
	for _, w := range writes {
		if seen[w.EventID] {
			continue
		}
		e := calendar.Event{Calendar: m.Name, ID: w.EventID, UID: w.EventID, Start: w.Start, End: w.End,
			Status: calendar.StatusConfirmed, Tag: w.Kind, TagPeer: w.Peer}
		if w.Kind == calendar.TagSuggestion {
			e.Transparent = true
		} else {
			e.Attendees = []calendar.Attendee{{Email: w.Peer, PartStat: calendar.PartStatNeedsAction}}
		}
		evs = append(evs, e)
	}
	if len(evs) > n {
		// The source's events are sorted already; the writes go among them.
		calendar.Sort(evs)
	}
	return evs, nil
}
