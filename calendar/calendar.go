// Package calendar is the domain every other sideways package speaks: normalized
// event occurrences, the people on them, busy intervals, and the small interfaces
// adapters (ICS feeds, Google Calendar) implement.
//
// It imports only the standard library.
package calendar

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Status is an occurrence's status, lower case as in the JSON output the README documents.
type Status string

// The statuses an occurrence can have. An empty status reads as confirmed.
const (
	StatusConfirmed Status = "confirmed"
	StatusTentative Status = "tentative"
	StatusCancelled Status = "cancelled"
)

// PartStat is an attendee's response, lower case ("needs-action", "accepted", …).
type PartStat string

// The responses an attendee can give.
const (
	PartStatNeedsAction PartStat = "needs-action"
	PartStatAccepted    PartStat = "accepted"
	PartStatDeclined    PartStat = "declined"
	PartStatTentative   PartStat = "tentative"
	PartStatDelegated   PartStat = "delegated"
)

// Kind says what an event is for, beyond being a meeting. Google marks out-of-office
// and focus time explicitly; ICS feeds never do.
type Kind string

// The kinds of event sideways tells apart. Out-of-office and focus time always block
// a slot, even when marked free.
const (
	KindDefault     Kind = ""
	KindOutOfOffice Kind = "outOfOffice"
	KindFocusTime   Kind = "focusTime"
)

// Tag values mark the events sideways wrote (Google extendedProperties.private
// "sideways"; X-SIDEWAYS in ICS).
const (
	TagSuggestion = "suggestion"
	TagInvite     = "invite"
)

// Attendee is one person (or room) invited to an occurrence.
type Attendee struct {
	Email    string
	Name     string
	PartStat PartStat
	// Resource is true for rooms and equipment (CUTYPE=ROOM/RESOURCE, Google
	// resource attendees). Resources are not people and never make a meeting a group.
	Resource bool
	Optional bool
	// Implied is true for an attendee the source does not list but sideways
	// adds: an ICS event's organizer, when the exporter left them out of the
	// attendees (they attend their own meeting).
	Implied bool
}

// Event is one occurrence of a calendar entry: a single event, or one instance of a
// recurring series with its override applied. Start and End are absolute instants;
// for all-day events they are midnights of the dates in UTC (End exclusive), and
// callers place them in a zone with Interval.
type Event struct {
	Calendar string
	// ID is the provider's id for the occurrence where it has one (Google event id);
	// empty for ICS.
	ID  string
	UID string
	// RecurrenceID identifies an instance of a series (its original start); zero
	// for a non-recurring event.
	RecurrenceID time.Time
	Start        time.Time
	End          time.Time
	AllDay       bool
	Floating     bool
	Status       Status
	Summary      string
	Transparent  bool
	Organizer    string
	// Attendees may share their backing array with other occurrences of the
	// same series: treat them as read-only.
	Attendees []Attendee
	Kind      Kind
	// Tag is TagSuggestion or TagInvite on events sideways wrote, else empty;
	// TagPeer is then the peer's email.
	Tag     string
	TagPeer string
	// Updated is when the provider last saw the event change (Google's
	// updated); for a deleted event, when it was deleted. Zero when unknown.
	Updated time.Time
	// Edited is true on an event sideways wrote whose start or title the user
	// has changed since sideways last wrote it: sideways never moves it back.
	Edited bool
	// Withdrawn is true on a deleted event sideways deleted itself, as
	// opposed to one the user deleted (a dismissal).
	Withdrawn bool
	// SeriesID is, on an instance of a recurring series, the provider's id
	// of the series itself (Google's recurring event id); empty otherwise or
	// when the provider has none (ICS).
	SeriesID string
	// SeriesLast is, on an instance of a series with an end (UNTIL or
	// COUNT), the start of its last instance; zero for a series without an
	// end, or when SeriesID is empty.
	SeriesLast time.Time
}

// Cancelled reports whether the occurrence is cancelled.
func (e *Event) Cancelled() bool { return e.Status == StatusCancelled }

// Span returns the occurrence as an interval of instants. All-day dates are read
// as midnights in loc.
func (e *Event) Span(loc *time.Location) Interval {
	if !e.AllDay {
		return Interval{e.Start, e.End}
	}
	return Interval{DateIn(e.Start, loc), DateIn(e.End, loc)}
}

// DateIn returns midnight, in loc, of the calendar date that d holds in UTC.
func DateIn(d time.Time, loc *time.Location) time.Time {
	d = d.UTC()
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
}

// Attendee returns the attendee with the given email (case-insensitive), or nil.
func (e *Event) Attendee(email string) *Attendee {
	for i := range e.Attendees {
		if strings.EqualFold(e.Attendees[i].Email, email) {
			return &e.Attendees[i]
		}
	}
	return nil
}

// Mirrored is one event of an adapter's local mirror (Google's) as a store
// keeps it: the adapter's own encoding, and what lets a read of a window find
// it without decoding the rest.
type Mirrored struct {
	Body []byte
	// Span bounds the occurrences Body gives, so a read of [from, to) needs it
	// only when Span overlaps the window. A zero Span (a series, whose
	// instances are found by expanding it) is needed by every read.
	Span Interval
	// UID orders entries of the same start as Sort does.
	UID string
}

// Interval is a half-open span of time [Start, End).
type Interval struct {
	Start, End time.Time
}

// Overlaps reports whether the two half-open intervals share an instant.
func (i Interval) Overlaps(j Interval) bool {
	return i.Start.Before(j.End) && j.Start.Before(i.End)
}

// Duration returns End - Start.
func (i Interval) Duration() time.Duration { return i.End.Sub(i.Start) }

func (i Interval) String() string {
	return fmt.Sprintf("[%s, %s)", i.Start.Format(time.RFC3339), i.End.Format(time.RFC3339))
}

// Later returns the later of a and b; Earlier the earlier. With Interval
// they clip spans: Interval{Later(a.Start, b.Start), Earlier(a.End, b.End)}
// is where a and b overlap (empty when its End is not after its Start).
func Later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Earlier returns the earlier of a and b. See Later.
func Earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// Merge returns the union of intervals as a sorted list of disjoint intervals;
// intervals that overlap or touch are joined. It sorts ivs in place.
func Merge(ivs []Interval) []Interval {
	slices.SortFunc(ivs, func(a, b Interval) int { return a.Start.Compare(b.Start) })
	var out []Interval
	for _, iv := range ivs {
		if n := len(out); n > 0 && !iv.Start.After(out[n-1].End) {
			if iv.End.After(out[n-1].End) {
				out[n-1].End = iv.End
			}
			continue
		}
		out = append(out, iv)
	}
	return out
}

// compareEvents orders two events as Sort does.
func compareEvents(a, b *Event) int {
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
}

// sorted reports whether evs are in Sort's order already.
func sorted(evs []Event) bool {
	for i := 1; i < len(evs); i++ {
		if compareEvents(&evs[i-1], &evs[i]) > 0 {
			return false
		}
	}
	return true
}

// Source is a calendar sideways reads.
//
// Events returns every occurrence that overlaps [from, to), recurrences expanded
// and overrides applied, cancelled occurrences included with StatusCancelled. The
// result is sorted by Start, then UID. Implementations must be safe for use by one
// goroutine at a time; errors are wrapped domain errors from this package where
// one applies (ErrAuth, *RetryError, …).
type Source interface {
	Events(ctx context.Context, from, to time.Time) ([]Event, error)
}

// Sort puts events in the order a Source returns them: by Start, then UID,
// then recurrence id, then event id, so equal inputs give equal outputs. It
// sorts indexes and compares the later keys only on a tie: an Event is large,
// and a mirror holds tens of thousands.
//
// Events that come in order (a mirror read in that order) are left as they
// are, after one pass that checks it.
func Sort(evs []Event) {
	if sorted(evs) {
		return
	}
	idx := make([]int32, len(evs))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(i, j int32) int { return compareEvents(&evs[i], &evs[j]) })
	sorted := make([]Event, len(evs))
	for k, i := range idx {
		sorted[k] = evs[i]
	}
	copy(evs, sorted)
}

// Syncer is a Source that keeps a local mirror (Google): Sync brings the
// mirror up to date over the network, and Events then reads the mirror without
// any. Sync's errors name the calendar; callers pass them on as they are. Sync
// and Events are called from one goroutine at a time.
type Syncer interface {
	Source
	Sync(ctx context.Context) error
}

// Freshness is a Source that serves a copy of the calendar and can say how old
// it is: an ICS feed that keeps its last good copy when a fetch fails, a Google
// calendar read from its local mirror. A Source without it is taken to be
// current whenever Events succeeds.
//
// Freshness is called right after Events succeeded, from the same goroutine,
// and describes the copy that Events served: when it was last read whole (zero
// when unknown) and the failure of the latest attempt to refresh it (nil when
// that worked).
type Freshness interface {
	Source
	Freshness(ctx context.Context) (lastOK time.Time, err error)
}

// Errors adapters translate transport failures into, so the daemon never sees a
// provider's own error types.
var (
	// ErrNotSynced: a calendar read from its local mirror has never been
	// synced, so there is no copy to read.
	ErrNotSynced = errors.New("not synced yet")
	// ErrSyncExpired: the provider refused an incremental-sync cursor; resync fully.
	ErrSyncExpired = errors.New("sync token expired")
	// ErrExists: the calendar already holds what a write would have made (an
	// insert hit a live event with its id, an update found the event already so),
	// but this call did not write it: another writer (a second sideways, an
	// earlier cycle that stopped before recording) got there first.
	ErrExists = errors.New("event already exists")
	// ErrConflict: the event changed between reading and writing it, and still
	// did after one fresh read and retry: another writer changed it meanwhile.
	// Nothing was written; the next cycle decides again from what it reads.
	ErrConflict = errors.New("event changed meanwhile")
	// ErrGone: the event was already deleted; a delete is done.
	ErrGone = errors.New("event is gone")
	// ErrAuth: credentials are no longer valid; the user must sign in again.
	ErrAuth = errors.New("authorization revoked or expired")
	// ErrNotOurs: a patch or delete was aimed at an event sideways did not write.
	ErrNotOurs = errors.New("event was not written by sideways")
)

// RetryError is a transient failure (rate limit, 5xx, network) that may succeed
// later. After is the provider's Retry-After, zero when it gave none.
type RetryError struct {
	After time.Duration
	Err   error
}

func (e *RetryError) Error() string {
	if e.After > 0 {
		return fmt.Sprintf("%v (retry after %s)", e.Err, e.After)
	}
	return e.Err.Error()
}

func (e *RetryError) Unwrap() error { return e.Err }

// RetryAfter reports whether err is transient, and how long the provider asked to wait.
func RetryAfter(err error) (time.Duration, bool) {
	var r *RetryError
	if errors.As(err, &r) {
		return r.After, true
	}
	return 0, false
}
