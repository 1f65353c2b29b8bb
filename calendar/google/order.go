package google

import (
	"cmp"
	"slices"

	"github.com/sidewayscal/sideways/calendar"
)

// sortEvents returns evs sorted by start, then UID, recurrence id and id, as
// calendar.Source promises. It sorts indexes rather than the events, which
// are large, and compares the later keys only on a tie (cmp.Or would
// compare every key of every pair).
func sortEvents(evs []calendar.Event) []calendar.Event {
	idx := make([]int32, len(evs))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(i, j int32) int {
		a, b := &evs[i], &evs[j]
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		if c := cmp.Compare(a.UID, b.UID); c != 0 {
			return c
		}
		if c := a.RecurrenceID.Compare(b.RecurrenceID); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	out := make([]calendar.Event, len(evs))
	for k, i := range idx {
		out[k] = evs[i]
	}
	return out
}
