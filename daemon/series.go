package daemon

import "github.com/sidewayscal/sideways/calendar"

// seriesByID files each recurring series on the writable calendar under its
// own id, as its first live instance in the events read: a series sideways
// wrote is tracked by that id, and has no occurrence of its own.
func seriesByID(byID map[string]*calendar.Event, evs []calendar.Event, writable string) {
	for i := range evs {
		e := &evs[i]
		if e.Calendar != writable || e.SeriesID == "" || e.Cancelled() {
			continue
		}
		if cur := byID[e.SeriesID]; cur == nil || e.Start.Before(cur.Start) {
			byID[e.SeriesID] = e
		}
	}
}
