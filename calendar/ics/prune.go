package ics

import (
	"hash/maphash"
	"slices"
	"time"

	"github.com/emersion/go-ical"
)

// prunedKept reports whether an event left out by the prune shares its UID
// with one kept.
func (p *parser) prunedKept(decoded []*vevent) bool {
	if len(p.pruned) == 0 {
		return false
	}
	slices.Sort(p.pruned)
	for _, v := range decoded {
		if v.uid == "" {
			continue
		}
		if _, ok := slices.BinarySearch(p.pruned, maphash.String(p.seed, v.uid)); ok {
			return true
		}
	}
	return false
}

// leaveOut reports whether the parse prunes an event starting at st (see Options.Since): a single
// event, not part of a series, that ended before p.prune. Anything with a
// rule, an RDATE or a RECURRENCE-ID is kept, even a rule that turns out
// unusable.
func (p *parser) leaveOut(props props, st stamp, dur time.Duration) bool {
	if p.prune.IsZero() || !st.t.Add(dur).Before(p.prune) {
		return false
	}
	return props.Get(ical.PropRecurrenceRule) == nil && props.Get(ical.PropRecurrenceDates) == nil &&
		props.Get(ical.PropRecurrenceID) == nil
}
