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
// exists yields an error wrapping calendar.ErrExists: the write is already
// done, so a retry after a lost response never duplicates the event. Google
// answers 409 for the id of a deleted event too; Insert then looks the event
// up and returns calendar.ErrGone instead, since that id is spent.
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
	return err
}

// Update rewrites the event id to match d (get, then update with If-Match): times, texts, transparency, tags and
// (when d has any) attendees. It fails with calendar.ErrNotOurs when the event
// is not tagged as sideways', calendar.ErrGone when it was deleted.
func (w *Writer) Update(ctx context.Context, id string, d calendar.Draft) error {
	d.ID = id
	if err := d.Validate(); err != nil {
		return err
	}
	ev, err := w.ours(ctx, id)
	if err != nil {
		return err
	}
	return w.put(ctx, id, ev, d)
}

// Delete deletes the event id. It fails with calendar.ErrNotOurs when the
// event is not tagged as sideways', and with calendar.ErrGone when it was
// already deleted or never existed (the delete is then done).
//
// Before deleting, it marks the event as withdrawn by sideways (a private
// property, patched with If-Match): Google keeps a deleted event visible for a
// while, and the mark is how a later cycle, even on a fresh state folder, tells
// this deletion from the user's, which is a dismissal.
func (w *Writer) Delete(ctx context.Context, id string) error {
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
			var err error
			ev, err = call.Do()
			return err
		})
		if code := statusOf(err); code == http.StatusNotFound || code == http.StatusGone {
			return fmt.Errorf("delete %s: %w", id, calendar.ErrGone)
		} else if err != nil {
			return err
		}
	}
	err = w.c.do(ctx, "delete "+id, func() error {
		call := w.c.svc.Events.Delete(w.id, id).SendUpdates("none").Context(ctx)
		call.Header().Set("If-Match", ev.Etag)
		return call.Do()
	})
	if code := statusOf(err); code == http.StatusNotFound || code == http.StatusGone {
		return fmt.Errorf("delete %s: %w", id, calendar.ErrGone)
	}
	return err
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
