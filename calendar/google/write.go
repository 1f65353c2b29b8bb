package google

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar"
)

// Writer writes sideways' suggestions and invites to one Google calendar. It
// implements calendar.Writer; use it from one goroutine at a time.
//
// It changes or deletes only events that carry sideways' tag: that rule is
// enforced in exactly one place, Writer.ours, which every patch and delete goes
// through, and the write itself is conditional on the event's etag (If-Match),
// so the event cannot change between the check and the write.
type Writer struct {
	c  *Client
	id string
}

var _ calendar.Writer = (*Writer)(nil)

// Writer returns a writer for the calendar calendarID (e.g. "primary").
func (c *Client) Writer(calendarID string) *Writer { return &Writer{c: c, id: calendarID} }

func sendUpdates(d calendar.Draft) string {
	if d.SendUpdates {
		return "all"
	}
	return "none"
}

// event renders d as the Google event to insert or patch.
func event(d calendar.Draft) *calendarv3.Event {
	ev := &calendarv3.Event{
		Summary:      d.Summary,
		Description:  d.Description,
		Location:     d.Location,
		Start:        dateTime(d.Start),
		End:          dateTime(d.End),
		Transparency: map[bool]string{true: "transparent", false: "opaque"}[d.Transparent],
		ExtendedProperties: &calendarv3.EventExtendedProperties{
			Private: map[string]string{propTag: d.Tag, propPeer: d.TagPeer,
				propStart: d.Start.UTC().Format(time.RFC3339), propTitle: titleMark(d.Summary)},
		},
	}
	if d.Tag == calendar.TagSuggestion {
		// Quiet: nothing rings for a suggestion the user has not accepted. Without
		// the field Google applies the calendar's default reminders, and the
		// client drops a false UseDefault unless ForceSendFields names it. Invites
		// keep the calendar's defaults.
		ev.Reminders = &calendarv3.EventReminders{UseDefault: false, ForceSendFields: []string{"UseDefault"}}
	}
	if len(d.Recurrence) > 0 {
		ev.Recurrence = d.Recurrence
		ev.ExtendedProperties.Private[propSeries] = "true"
	}
	for _, a := range d.Attendees {
		ev.Attendees = append(ev.Attendees, &calendarv3.EventAttendee{Email: a.Email, DisplayName: a.Name, Optional: a.Optional})
	}
	if d.Meet {
		ev.ConferenceData = &calendarv3.ConferenceData{CreateRequest: &calendarv3.CreateConferenceRequest{
			// Deterministic, so a retried insert asks for the same meeting.
			RequestId:             "sideways-" + d.ID,
			ConferenceSolutionKey: &calendarv3.ConferenceSolutionKey{Type: "hangoutsMeet"},
		}}
	}
	return ev
}

func dateTime(t time.Time) *calendarv3.EventDateTime {
	d := &calendarv3.EventDateTime{DateTime: t.Format(time.RFC3339)}
	if name := t.Location().String(); name != "Local" && name != "" {
		d.TimeZone = name
	}
	return d
}

// Insert creates d with its client-chosen id and sideways' tags. An id that
// exists yields an error wrapping calendar.ErrExists: the calendar already has
// the event, written by someone else (another sideways, say). When the 409
// answers a retry whose first attempt lost its answer, that attempt made the
// event, and Insert returns nil. Either way a retry never duplicates the event.
// Google answers 409 for the id of a deleted event too; Insert then looks the
// event up and returns calendar.ErrGone instead, since that id is spent.
func (w *Writer) Insert(ctx context.Context, d calendar.Draft) error {
	if err := d.Validate(); err != nil {
		return err
	}
	ev := event(d)
	ev.Id = d.ID
	err := w.c.do(ctx, "insert "+d.ID, func() error {
		call := w.c.svc.Events.Insert(w.id, ev).SendUpdates(sendUpdates(d)).Context(ctx)
		if d.Meet {
			call.ConferenceDataVersion(1)
		}
		_, err := call.Do()
		return err
	})
	if !errors.Is(err, calendar.ErrExists) {
		return err
	}
	var got *calendarv3.Event
	if gerr := w.c.do(ctx, "get "+d.ID, func() error {
		var err error
		got, err = w.c.svc.Events.Get(w.id, d.ID).Context(ctx).Do()
		return err
	}); gerr != nil {
		return err // cannot tell: the id is taken, which is what a retry needs to know
	}
	if got.Status == "cancelled" {
		return fmt.Errorf("insert %s: the id belonged to an event since deleted: %w", d.ID, calendar.ErrGone)
	}
	if afterRetry(err) {
		w.c.log.Info("google: an earlier attempt of this insert reached the calendar", "event", d.ID)
		return nil
	}
	return err
}

// Update rewrites the event id to match d: times, texts, transparency, tags
// and (when d has any) attendees. It is a get and an update with If-Match (two
// quota units; a patch costs three). It fails with calendar.ErrNotOurs when the
// event is not tagged as sideways', calendar.ErrGone when it was deleted.
//
// The update is conditional on the etag just read. When the event changed in
// between (412: another writer got there first), Update reads it again: if it
// already has d's times, it returns calendar.ErrExists without writing;
// otherwise it updates once more, and a second 412 is calendar.ErrConflict.
func (w *Writer) Update(ctx context.Context, id string, d calendar.Draft) error {
	d.ID = id
	if err := d.Validate(); err != nil {
		return err
	}
	for try := 1; ; try++ {
		ev, err := w.ours(ctx, id)
		if err != nil {
			return err
		}
		if try > 1 && sameTimes(ev, d) {
			return fmt.Errorf("update %s: another writer made the same change: %w", id, calendar.ErrExists)
		}
		err = w.put(ctx, id, ev, d)
		if statusOf(err) != http.StatusPreconditionFailed {
			return err
		}
		if afterRetry(err) {
			// Our own earlier attempt changed the etag; did it land?
			if now, gerr := w.ours(ctx, id); gerr == nil && sameTimes(now, d) {
				return nil
			}
		}
		if try == 2 {
			return fmt.Errorf("update %s: %w", id, calendar.ErrConflict)
		}
		w.c.log.Debug("google: event changed since read; reading it again", "event", id)
	}
}

// Delete deletes the event id. It fails with calendar.ErrNotOurs when the
// event is not tagged as sideways', and with calendar.ErrGone when it was
// already deleted or never existed (the delete is then done, though not by
// this call).
//
// Before deleting, it marks the event as withdrawn by sideways (a private
// property, patched with If-Match): Google keeps a deleted event visible for a
// while, and the mark is how a later cycle, even on a fresh state folder, tells
// this deletion from the user's, which is a dismissal.
//
// Like Update, it changes only the version it read: after a 412 it reads the
// event again and tries once more, and a second 412 is calendar.ErrConflict.
func (w *Writer) Delete(ctx context.Context, id string) error {
	for try := 1; ; try++ {
		ev, err := w.ours(ctx, id)
		if err != nil {
			return err
		}
		if ev.ExtendedProperties.Private[propWithdrawn] == "" {
			mark := &calendarv3.Event{ExtendedProperties: &calendarv3.EventExtendedProperties{
				Private: map[string]string{propWithdrawn: "true"}}}
			err = w.c.do(ctx, "mark "+id, func() error {
				call := w.c.svc.Events.Patch(w.id, id, mark).SendUpdates("none").Context(ctx)
				call.Header().Set("If-Match", ev.Etag)
				marked, err := call.Do()
				if err == nil {
					ev = marked
				}
				return err
			})
		}
		if err == nil {
			err = w.c.do(ctx, "delete "+id, func() error {
				call := w.c.svc.Events.Delete(w.id, id).SendUpdates("none").Context(ctx)
				call.Header().Set("If-Match", ev.Etag)
				return call.Do()
			})
		}
		switch code := statusOf(err); {
		case (code == http.StatusNotFound || code == http.StatusGone) && afterRetry(err):
			return nil // our earlier attempt deleted it; its answer was lost
		case code == http.StatusNotFound || code == http.StatusGone:
			return fmt.Errorf("delete %s: %w", id, calendar.ErrGone)
		case code == http.StatusPreconditionFailed && try == 1:
			w.c.log.Debug("google: event changed since read; reading it again", "event", id)
			continue
		case code == http.StatusPreconditionFailed:
			return fmt.Errorf("delete %s: %w", id, calendar.ErrConflict)
		}
		return err
	}
}

// sameTimes reports whether ev already starts and ends when d does.
func sameTimes(ev *calendarv3.Event, d calendar.Draft) bool {
	start, ok1 := parseDateTime(ev.Start, time.UTC)
	end, ok2 := parseDateTime(ev.End, time.UTC)
	return ok1 && ok2 && start.Equal(d.Start) && end.Equal(d.End)
}

// ours fetches the event id and returns it if sideways may change it: it must
// exist, not be deleted, and carry sideways' tag. This is the only gate in front
// of patch and delete.
func (w *Writer) ours(ctx context.Context, id string) (*calendarv3.Event, error) {
	var ev *calendarv3.Event
	err := w.c.do(ctx, "get "+id, func() error {
		var err error
		ev, err = w.c.svc.Events.Get(w.id, id).Context(ctx).Do()
		return err
	})
	switch {
	case statusOf(err) == http.StatusNotFound:
		return nil, fmt.Errorf("change %s: no such event: %w", id, calendar.ErrGone)
	case err != nil:
		return nil, err
	}
	if tag, _ := tags(ev); tag == "" {
		return nil, fmt.Errorf("change %s: %w", id, calendar.ErrNotOurs)
	}
	if ev.Status == "cancelled" {
		return nil, fmt.Errorf("change %s: already deleted: %w", id, calendar.ErrGone)
	}
	return ev, nil
}
