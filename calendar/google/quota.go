package google

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar"
)

// pause holds a Client's requests back after Google asked it to stay away for
// longer than a call may wait: 403 quotaExceeded (a Calendar usage limit,
// which clears over hours) or a long Retry-After. Every later call of the
// client, whichever calendar or method (events, free/busy), fails at once
// with a *calendar.RetryError for the time left, without a request: without
// it, a read-only calendar or free/busy, whose failures are only warnings,
// would be asked again at every poll.
type pause struct {
	mu    sync.Mutex
	until time.Time
	cause error
}

// hold starts a pause of d after err.
func (p *pause) hold(d time.Duration, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t := time.Now().Add(d); t.After(p.until) {
		p.until, p.cause = t, err
	}
}

// check returns the *calendar.RetryError a call of op ends with during a
// pause, nil outside one.
func (p *pause) check(op string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	left := time.Until(p.until)
	if left <= 0 {
		return nil
	}
	return &calendar.RetryError{After: left, Err: fmt.Errorf("%s: not sent: google asked for a pause after %v", op, p.cause)}
}

// put replaces the event id, as fetched in ev, with d applied: one
// events.update with If-Match on ev's etag. With the events.get before it a
// move costs two quota units, where events.patch alone costs three ("each
// patch request consumes three quota units; prefer using a get followed by
// an update": https://developers.google.com/workspace/calendar/api/v3/reference/events/patch).
// An update replaces the whole event, so everything sideways does not set
// is carried over from ev: the attendees' answers, the Meet link, the
// user's other private properties. A move never adds a Meet link: the
// invite keeps the conference it was written with, or its note.
func (w *Writer) put(ctx context.Context, id string, ev *calendarv3.Event, d calendar.Draft) error {
	want := event(d)
	next := *ev
	next.Summary, next.Description, next.Location = want.Summary, want.Description, want.Location
	next.Start, next.End, next.Transparency = want.Start, want.End, want.Transparency
	if want.Reminders != nil {
		next.Reminders = want.Reminders
	}
	props := map[string]string{}
	if ev.ExtendedProperties != nil {
		for k, v := range ev.ExtendedProperties.Private {
			props[k] = v
		}
	}
	for k, v := range want.ExtendedProperties.Private {
		props[k] = v
	}
	next.ExtendedProperties = &calendarv3.EventExtendedProperties{Private: props}
	if ev.ExtendedProperties != nil {
		next.ExtendedProperties.Shared = ev.ExtendedProperties.Shared
	}
	if len(want.Attendees) > 0 {
		next.Attendees = mergeAttendees(ev.Attendees, want.Attendees)
	}
	return w.c.do(ctx, "update "+id, func() error {
		call := w.c.svc.Events.Update(w.id, id, &next).SendUpdates(sendUpdates(d)).Context(ctx)
		if next.ConferenceData != nil {
			call.ConferenceDataVersion(1) // else Google ignores, or drops, the conference
		}
		call.Header().Set("If-Match", ev.Etag)
		_, err := call.Do()
		return err
	})
}

// mergeAttendees is want with the answers (and other fields) that had keeps
// for the same people.
func mergeAttendees(had, want []*calendarv3.EventAttendee) []*calendarv3.EventAttendee {
	out := make([]*calendarv3.EventAttendee, 0, len(want))
	for _, a := range want {
		n := *a
		for _, h := range had {
			if strings.EqualFold(h.Email, a.Email) {
				n = *h
				n.DisplayName, n.Optional = a.DisplayName, a.Optional
				break
			}
		}
		out = append(out, &n)
	}
	return out
}
