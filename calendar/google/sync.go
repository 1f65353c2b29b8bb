package google

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar"
)

// Store keeps the local mirror of each Google calendar between cycles.
// *state.DB implements it; cmd/sideways checks that at compile time.
//
// Implementations must be safe for concurrent use. cal is the calendar's name
// in the config, which keys its mirror.
type Store interface {
	// GoogleSyncToken returns the token the next incremental sync starts from,
	// "" when the calendar was never synced.
	GoogleSyncToken(ctx context.Context, cal string) (string, error)
	// GoogleEventsIn returns the bodies of the mirrored events a read of
	// [from, to) needs, as put saved them: at least every event whose Span
	// overlaps the window and every one without a Span. Those with a Span
	// come by start then UID (the order calendar.Sort puts them in), which
	// makes the final sort cheap; any order is correct.
	GoogleEventsIn(ctx context.Context, cal string, from, to time.Time) ([][]byte, error)
	// SaveGoogleSync records one sync atomically: when full, the mirror becomes
	// exactly put; otherwise put (by event id) is upserted and del removed.
	// token replaces the stored sync token unless empty.
	SaveGoogleSync(ctx context.Context, cal string, full bool, token string, put map[string]calendar.Mirrored, del []string) error
}

// Source is one Google calendar as sideways reads it: Sync brings the local
// mirror up to date, Events reads occurrences from the mirror. It implements
// calendar.Source. Use it from one goroutine at a time.
type Source struct {
	c     *Client
	name  string
	id    string
	store Store
	// Since, when set, bounds full syncs: they list only events that end
	// after Since() (timeMin), and a stored sync token whose full sync began
	// later than Since() is not continued but replaced by a full sync (the
	// look-back window grew). Nil lists all history. See SyncFrom.
	Since func() time.Time
}

var _ calendar.Source = (*Source)(nil)

// Source returns the calendar calendarID (e.g. "primary") of the account,
// mirrored in store under the config name name, which events carry as their
// Calendar.
func (c *Client) Source(name, calendarID string, store Store) *Source {
	return &Source{c: c, name: name, id: calendarID, store: store}
}

// pageSize is the largest page Google serves.
const pageSize = 2500

// Sync brings the mirror up to date: a full sync (paged) the first time, then
// incremental syncs from the stored sync token; when Google refuses the token
// (410), the mirror is replaced by one full resync. Nothing is written unless
// the whole listing succeeded, so a failure leaves the previous mirror and
// token in place. A sync with no changes costs one events.list request.
//
// Listings ask for deleted events too (showDeleted), and the mirror keeps the
// deleted events sideways wrote, with their details: a suggestion or invite
// the user deleted is a dismissal, and it must be recognised from the calendar
// alone when the state folder is lost. Other deleted events are dropped.
func (s *Source) Sync(ctx context.Context) error {
	tok, err := s.store.GoogleSyncToken(ctx, s.name)
	if err != nil {
		return fmt.Errorf("sync %s: %w", s.name, err)
	}
	var since time.Time
	if s.Since != nil {
		since = s.Since().UTC().Truncate(time.Second)
	}
	if t, from, ok := parseToken(tok); ok && !since.Before(from) {
		err := s.sync(ctx, t, from)
		if !errors.Is(err, calendar.ErrSyncExpired) {
			return err
		}
		s.c.log.Info("google: sync token refused; resyncing fully", "calendar", s.name)
	} else if ok {
		s.c.log.Info("google: the look-back window grew; resyncing fully", "calendar", s.name, "from", since)
	}
	return s.sync(ctx, "", since)
}

// sync lists everything since from (token "") or the changes since token,
// then saves.
func (s *Source) sync(ctx context.Context, token string, from time.Time) error {
	full := token == ""
	op := "sync " + s.name
	put := map[string]calendar.Mirrored{}
	parents := map[string]string{} // exception id → its series' id
	var del []string
	next, pageToken, pages := "", "", 0
	for {
		var page *calendarv3.Events
		err := s.c.do(ctx, op, func() error {
			call := s.c.svc.Events.List(s.id).MaxResults(pageSize).ShowDeleted(true).Context(ctx)
			if token != "" {
				call.SyncToken(token)
			} else if !from.IsZero() {
				call.TimeMin(from.Format(time.RFC3339))
			}
			if pageToken != "" {
				call.PageToken(pageToken)
			}
			var err error
			page, err = call.Do()
			return err
		})
		if err != nil {
			if !full && statusOf(err) == 410 {
				// Any 410 on a list carrying a sync token means "resync".
				return fmt.Errorf("%s: %w", op, calendar.ErrSyncExpired)
			}
			return err
		}
		pages++
		for _, ev := range page.Items {
			if tag, _ := tags(ev); ev.Status == "cancelled" && ev.RecurringEventId == "" && (tag == "" || ev.Start == nil) {
				// A deleted event. (A cancelled exception is kept: it hides
				// one instance of a live series; so is a deleted event of
				// sideways', which may be a dismissal.)
				delete(put, ev.Id)
				del = append(del, ev.Id)
				continue
			}
			put[ev.Id] = mirrored(s.name, ev)
			if ev.RecurringEventId != "" {
				parents[ev.Id] = ev.RecurringEventId
			}
		}
		if page.NextPageToken == "" {
			next = page.NextSyncToken
			break
		}
		pageToken = page.NextPageToken
	}
	if next == "" {
		return fmt.Errorf("%s: google sent no sync token", op)
	}
	dropOrphans(put, parents, del)
	if err := s.store.SaveGoogleSync(ctx, s.name, full, formatToken(next, from), put, del); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	s.c.log.Debug("google: synced", "calendar", s.name, "full", full, "pages", pages, "changed", len(put), "deleted", len(del))
	return nil
}

// Events returns the occurrences in the mirror that overlap [from, to):
// single events, and recurring series expanded in their own time zone with
// their exceptions applied (moved or edited instances as stored, cancelled
// instances with StatusCancelled). Call Sync first; Events makes no request.
func (s *Source) Events(ctx context.Context, from, to time.Time) ([]calendar.Event, error) {
	// Two days more each side: an all-day event's instants depend on the
	// reader's zone, and its span is stored as UTC dates.
	raw, err := s.store.GoogleEventsIn(ctx, s.name, from.Add(-allDaySlack), to.Add(allDaySlack))
	if err != nil {
		return nil, fmt.Errorf("events %s: %w", s.name, err)
	}
	var evs []*calendarv3.Event
	singles := make([]calendar.Event, 0, len(raw))
	r := singleReader{cal: s.name}
	window := calendar.Interval{Start: from, End: to}
	for _, b := range raw {
		if len(b) > 0 && b[0] == singleMark {
			e, err := r.decode(b)
			if err != nil {
				return nil, fmt.Errorf("events %s: %w", s.name, err)
			}
			// As Expand reads a single event: a deleted one only if sideways wrote it.
			if (e.Status != calendar.StatusCancelled || e.Tag != "") && e.Span(from.Location()).Overlaps(window) {
				singles = append(singles, e)
			}
			continue
		}
		ev, err := decodeMirrored(b)
		if err != nil {
			return nil, fmt.Errorf("events %s: mirror: %w", s.name, err)
		}
		evs = append(evs, ev)
	}
	if len(evs) == 0 {
		calendar.Sort(singles) // read in order: a check, not a sort
		return singles, nil
	}
	out := append(singles, Expand(s.name, evs, from, to, s.c.log)...)
	calendar.Sort(out)
	return out, nil
}

// mirrored is ev as the mirror keeps it: a series' master or exception, whose
// instances come from expanding the series, in its compact form; a single
// event as the domain event it is (single.go), with its span and UID, so
// that only the reads whose window it may overlap decode it. An event without a usable start and end,
// which Expand leaves out, gets no span.
func mirrored(calName string, ev *calendarv3.Event) calendar.Mirrored {
	m := calendar.Mirrored{Body: encodeCompact(ev)}
	if ev.RecurringEventId != "" || len(ev.Recurrence) > 0 {
		return m
	}
	e, ok := toEvent(calName, ev)
	if !ok || e.End.Before(e.Start) {
		return m
	}
	m.Body = encodeSingle(&e, ev.Updated)
	m.Span, m.UID = calendar.Interval{Start: e.Start, End: e.End}, e.UID
	return m
}

// allDaySlack is how far an all-day event's span, stored as UTC dates, may
// lie from its instants in the reader's zone; two days is more than any
// zone's offset.
const allDaySlack = 48 * time.Hour

// parseDateTime reads an EventDateTime: a date as UTC midnight, a date-time
// in its own zone (timeZone, else its offset, else loc).
func parseDateTime(d *calendarv3.EventDateTime, loc *time.Location) (time.Time, bool) {
	if d == nil {
		return time.Time{}, false
	}
	if d.Date != "" {
		t, err := time.Parse(time.DateOnly, d.Date)
		return t, err == nil
	}
	if d.TimeZone != "" {
		if l, err := loadLocation(d.TimeZone); err == nil {
			loc = l
		}
	}
	t, err := time.Parse(time.RFC3339, d.DateTime)
	if err != nil {
		// Google allows a date-time without offset when timeZone is given.
		t, err = time.ParseInLocation("2006-01-02T15:04:05", d.DateTime, loc)
	}
	if err != nil {
		return time.Time{}, false
	}
	return t.In(loc), true
}

var partStats = map[string]calendar.PartStat{
	"needsAction": calendar.PartStatNeedsAction,
	"accepted":    calendar.PartStatAccepted,
	"declined":    calendar.PartStatDeclined,
	"tentative":   calendar.PartStatTentative,
}

// toEvent maps a Google event onto the domain; ok is false when it has no
// usable start and end.
func toEvent(calName string, ev *calendarv3.Event) (calendar.Event, bool) {
	start, ok1 := parseDateTime(ev.Start, time.UTC)
	end, ok2 := parseDateTime(ev.End, start.Location())
	if !ok1 || !ok2 {
		return calendar.Event{}, false
	}
	e := calendar.Event{
		Calendar:    calName,
		ID:          ev.Id,
		UID:         ev.ICalUID,
		Start:       start,
		End:         end,
		AllDay:      ev.Start.Date != "",
		Status:      calendar.StatusConfirmed,
		Summary:     ev.Summary,
		Transparent: ev.Transparency == "transparent",
	}
	switch ev.Status {
	case "tentative":
		e.Status = calendar.StatusTentative
	case "cancelled":
		e.Status = calendar.StatusCancelled
	}
	if ev.Organizer != nil {
		e.Organizer = strings.ToLower(ev.Organizer.Email)
	}
	if len(ev.Attendees) > 0 {
		e.Attendees = make([]calendar.Attendee, 0, len(ev.Attendees))
	}
	for _, a := range ev.Attendees {
		ps, ok := partStats[a.ResponseStatus]
		if !ok {
			ps = calendar.PartStatNeedsAction
		}
		e.Attendees = append(e.Attendees, calendar.Attendee{
			Email: strings.ToLower(a.Email), Name: a.DisplayName, PartStat: ps, Resource: a.Resource, Optional: a.Optional,
		})
	}
	switch ev.EventType {
	case "outOfOffice":
		e.Kind = calendar.KindOutOfOffice
	case "focusTime":
		e.Kind = calendar.KindFocusTime
	}
	e.Tag, e.TagPeer = tags(ev)
	if t, err := time.Parse(time.RFC3339, ev.Updated); err == nil {
		e.Updated = t
	}
	if e.Tag != "" {
		p := ev.ExtendedProperties.Private
		e.Withdrawn = p[propWithdrawn] != ""
		e.Edited = edited(p, start, ev.Summary)
	}
	if orig, ok := parseDateTime(ev.OriginalStartTime, start.Location()); ok && ev.RecurringEventId != "" {
		e.RecurrenceID = orig.UTC()
		if e.AllDay {
			e.RecurrenceID = orig
		}
	}
	return e, true
}

// The extendedProperties.private keys that mark what sideways wrote: the tag,
// the peer, the start and title sideways last wrote (a different start or
// title on the event is the user's edit), and, on an event sideways deleted
// itself, when it did (a deleted event without it was deleted by the user).
// Private properties live in this calendar's copy only: attendees never see
// them.
const (
	propTag       = "sideways"
	propPeer      = "sideways_peer"
	propStart     = "sideways_start"
	propTitle     = "sideways_title"
	propWithdrawn = "sideways_withdrawn"
)

// titleMark is what propTitle holds for a title: a short hash, so a long
// title never meets Google's limit on a property's length.
func titleMark(title string) string {
	sum := sha256.Sum256([]byte(title))
	return hex.EncodeToString(sum[:8])
}

// edited reports whether the user changed the start or title of an event
// sideways wrote, by comparing them with what sideways last wrote. An event
// written before sideways kept these properties counts as unedited.
func edited(p map[string]string, start time.Time, title string) bool {
	if v := p[propStart]; v != "" {
		if t, err := time.Parse(time.RFC3339, v); err == nil && !t.Equal(start) {
			return true
		}
	}
	if v := p[propTitle]; v != "" && v != titleMark(title) {
		return true
	}
	return false
}

// tags returns sideways' tag and peer on ev, empty when ev is not ours.
func tags(ev *calendarv3.Event) (tag, peer string) {
	if ev.ExtendedProperties == nil {
		return "", ""
	}
	p := ev.ExtendedProperties.Private
	switch tag = p[propTag]; tag {
	case calendar.TagSuggestion, calendar.TagInvite:
		return tag, p[propPeer]
	}
	return "", ""
}
