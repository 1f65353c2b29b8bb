package google

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/teambition/rrule-go"
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
	// GoogleEvents returns the mirrored events, each as put saved it.
	GoogleEvents(ctx context.Context, cal string) ([][]byte, error)
	// SaveGoogleSync records one sync atomically: when full, the mirror becomes
	// exactly put; otherwise put (by event id) is upserted and del removed.
	// token replaces the stored sync token unless empty.
	SaveGoogleSync(ctx context.Context, cal string, full bool, token string, put map[string][]byte, del []string) error
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
	put := map[string][]byte{}
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
			put[ev.Id] = encodeCompact(ev)
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
	raw, err := s.store.GoogleEvents(ctx, s.name)
	if err != nil {
		return nil, fmt.Errorf("events %s: %w", s.name, err)
	}
	evs := make([]*calendarv3.Event, 0, len(raw))
	for _, b := range raw {
		ev, err := decodeMirrored(b)
		if err != nil {
			return nil, fmt.Errorf("events %s: mirror: %w", s.name, err)
		}
		evs = append(evs, ev)
	}
	return Expand(s.name, evs, from, to, s.c.log), nil
}

// Expand turns Google events as listed with singleEvents=false (single events,
// series masters, exceptions) into the occurrences overlapping [from, to),
// sorted by start, then UID, then recurrence id. Exceptions whose series is
// unknown stand alone unless cancelled. Series whose recurrence lines cannot be
// read contribute their first instance and a warning on log. Deleted events are
// left out, except those sideways wrote, which come with StatusCancelled (and
// their deletion time in Updated): they are how dismissals are read.
func Expand(calName string, evs []*calendarv3.Event, from, to time.Time, log *slog.Logger) []calendar.Event {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	window := calendar.Interval{Start: from, End: to}
	overlaps := func(e *calendar.Event) bool { return e.Span(from.Location()).Overlaps(window) }
	masters := map[string]*calendarv3.Event{}
	exceptions := map[string][]*calendarv3.Event{}
	var out []calendar.Event
	for _, ev := range evs {
		switch {
		case ev.RecurringEventId != "":
			exceptions[ev.RecurringEventId] = append(exceptions[ev.RecurringEventId], ev)
		case ev.Status == "cancelled":
			if tag, _ := tags(ev); tag == "" || len(ev.Recurrence) > 0 {
				continue
			}
			if e, ok := toEvent(calName, ev); ok && overlaps(&e) {
				out = append(out, e)
			}
		case len(ev.Recurrence) > 0:
			masters[ev.Id] = ev
		default:
			if e, ok := toEvent(calName, ev); ok && overlaps(&e) {
				out = append(out, e)
			}
		}
	}
	for parent, exs := range exceptions {
		if masters[parent] != nil {
			continue
		}
		for _, ev := range exs {
			if ev.Status == "cancelled" {
				continue
			}
			if e, ok := toEvent(calName, ev); ok && overlaps(&e) {
				out = append(out, e)
			}
		}
	}
	for _, m := range masters {
		out = append(out, expandSeries(calName, m, exceptions[m.Id], from, to, overlaps, log)...)
	}
	return sortEvents(out)
}

func expandSeries(calName string, m *calendarv3.Event, exs []*calendarv3.Event, from, to time.Time,
	overlaps func(*calendar.Event) bool, log *slog.Logger) []calendar.Event {
	first, ok := toEvent(calName, m)
	if !ok {
		log.Warn("google: series without a usable start or end", "calendar", calName, "event", m.Id)
		return nil
	}
	dur := first.End.Sub(first.Start)
	loc := first.Start.Location()
	if first.AllDay {
		loc = time.UTC
	}
	// Exceptions are keyed by the instant their instance would have started.
	byOrig := map[int64]*calendarv3.Event{}
	var out []calendar.Event
	for _, ex := range exs {
		orig, ok := parseDateTime(ex.OriginalStartTime, loc)
		if !ok {
			continue
		}
		byOrig[orig.Unix()] = ex
		var e calendar.Event
		if ex.Status == "cancelled" && ex.Start == nil {
			// A minimal cancelled instance: the series' fields at its slot.
			e = first
			e.ID, e.Status = ex.Id, calendar.StatusCancelled
			e.Start, e.End = orig, orig.Add(dur)
		} else if e, ok = toEvent(calName, ex); !ok {
			continue
		}
		e.RecurrenceID = orig.UTC()
		if first.AllDay {
			e.RecurrenceID = orig
		}
		if e.UID == "" {
			e.UID = first.UID
		}
		if overlaps(&e) {
			out = append(out, e)
		}
	}
	// Widen by a day for all-day series, whose span depends on the reader's zone.
	after, before := from.Add(-dur), to
	if first.AllDay {
		after, before = after.Add(-48*time.Hour), before.Add(48*time.Hour)
	}
	starts, err := occurrences(m.Recurrence, loc, first.Start, after.Add(time.Second), before)
	if err != nil {
		log.Warn("google: unreadable recurrence", "calendar", calName, "event", m.Id, "err", err)
		if len(starts) == 0 {
			starts = []time.Time{first.Start}
		}
	}
	seen := map[int64]bool{}
	for _, t := range starts {
		if seen[t.Unix()] || byOrig[t.Unix()] != nil {
			continue
		}
		seen[t.Unix()] = true
		e := first
		e.Start, e.End = t, t.Add(dur)
		e.RecurrenceID = t.UTC()
		e.ID = m.Id + "_" + t.UTC().Format("20060102T150405Z")
		if first.AllDay {
			e.RecurrenceID = t
			e.ID = m.Id + "_" + t.Format("20060102")
		}
		if overlaps(&e) {
			out = append(out, e)
		}
	}
	return out
}

// occurrences returns the starts of a series in [after, before]: its
// recurrence lines (RRULE, RDATE, EXDATE; Google sends no DTSTART) expanded
// from start in loc, plus start itself, which Google always counts as the
// first instance. rrule-go panics on some malformed input; that is an error
// here, not a crash.
func occurrences(lines []string, loc *time.Location, start, after, before time.Time) (ts []time.Time, err error) {
	defer func() {
		if r := recover(); r != nil {
			ts, err = nil, fmt.Errorf("recurrence %q: %v", lines, r)
		}
	}()
	set, err := rrule.StrSliceToRRuleSetInLoc(lines, loc)
	if err != nil {
		return nil, err
	}
	set.DTStart(start)
	set.RDate(start)
	next := set.Iterator()
	for n := 0; ; n++ {
		t, ok := next()
		if !ok || t.After(before) {
			return ts, nil
		}
		if n == maxSteps {
			return ts, fmt.Errorf("recurrence %q: more than %d instances before %s; the rest are ignored", lines, maxSteps, before.Format(time.DateOnly))
		}
		if !t.Before(after) {
			ts = append(ts, t)
		}
	}
}

// maxSteps bounds the instances one series may generate up to the end of a
// window, so a secondly rule cannot stall a cycle.
const maxSteps = 200_000

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
