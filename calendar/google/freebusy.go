package google

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar"
)

// ErrNoFreeBusy says Google would not tell a calendar's busy time (notFound,
// forbidden, …): the caller falls back to the person's working hours.
var ErrNoFreeBusy = errors.New("free/busy unavailable")

// FreeBusyError is a per-calendar free/busy failure; it wraps ErrNoFreeBusy.
type FreeBusyError struct {
	Calendar string
	Reasons  []string // Google's reasons: "notFound", "forbidden", …
}

func (e *FreeBusyError) Error() string {
	return fmt.Sprintf("free/busy of %s unavailable (%s)", e.Calendar, strings.Join(e.Reasons, ", "))
}

func (e *FreeBusyError) Unwrap() error { return ErrNoFreeBusy }

// Busy is one calendar's answer to FreeBusy: merged busy intervals, or Err
// (a *FreeBusyError) when Google would not tell.
type Busy struct {
	Busy []calendar.Interval
	Err  error
}

// Query limits: at most 50 calendars per request, and spans short enough that
// Google does not refuse them as too long.
const (
	freeBusyMaxItems = 50
	freeBusyMaxSpan  = 60 * 24 * time.Hour
)

// FreeBusy asks Google for the busy time of each calendar in ids (peers'
// emails) over [from, to). Every id gets an entry; a calendar Google will not
// reveal gets Busy.Err instead of failing the whole call. Long spans and many
// ids are split into several requests. The error return is for the request as
// a whole (ErrAuth, *calendar.RetryError, …).
func (c *Client) FreeBusy(ctx context.Context, ids []string, from, to time.Time) (map[string]Busy, error) {
	out := make(map[string]Busy, len(ids))
	for _, id := range ids {
		out[id] = Busy{}
	}
	for chunk := range slices.Chunk(ids, freeBusyMaxItems) {
		for start := from; start.Before(to); start = start.Add(freeBusyMaxSpan) {
			end := start.Add(freeBusyMaxSpan)
			if end.After(to) {
				end = to
			}
			if err := c.freeBusy(ctx, chunk, start, end, out); err != nil {
				return nil, err
			}
		}
	}
	for id, b := range out {
		b.Busy = calendar.Merge(b.Busy)
		out[id] = b
	}
	return out, nil
}

func (c *Client) freeBusy(ctx context.Context, ids []string, from, to time.Time, out map[string]Busy) error {
	req := &calendarv3.FreeBusyRequest{TimeMin: from.UTC().Format(time.RFC3339), TimeMax: to.UTC().Format(time.RFC3339), TimeZone: "UTC"}
	for _, id := range ids {
		req.Items = append(req.Items, &calendarv3.FreeBusyRequestItem{Id: id})
	}
	var resp *calendarv3.FreeBusyResponse
	err := c.do(ctx, "freebusy", func() error {
		var err error
		resp, err = c.svc.Freebusy.Query(req).Context(ctx).Do()
		return err
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		fc, ok := resp.Calendars[id]
		if !ok && len(resp.Calendars) == 1 && len(ids) == 1 {
			for _, only := range resp.Calendars {
				fc, ok = only, true
			}
		}
		b := out[id]
		switch {
		case b.Err != nil:
		case !ok:
			b.Err = &FreeBusyError{Calendar: id, Reasons: []string{"missing"}}
		case len(fc.Errors) > 0:
			fe := &FreeBusyError{Calendar: id}
			for _, e := range fc.Errors {
				fe.Reasons = append(fe.Reasons, e.Reason)
			}
			b.Err, b.Busy = fe, nil
		default:
			for _, p := range fc.Busy {
				s, err1 := time.Parse(time.RFC3339, p.Start)
				e, err2 := time.Parse(time.RFC3339, p.End)
				if err1 == nil && err2 == nil && s.Before(e) {
					b.Busy = append(b.Busy, calendar.Interval{Start: s, End: e})
				}
			}
		}
		out[id] = b
	}
	return nil
}
