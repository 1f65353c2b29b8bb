package google_test

import (
	"bytes"
	"context"
	"errors"
	"log"
	"strings"
	"testing"
	"time"

	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/google"
	"github.com/sidewayscal/sideways/calendar/google/googletest"
)

// quickClient is e's account with a short request timeout and no waits
// between attempts.
func (e *env) quickClient(timeout time.Duration) *google.Client {
	e.t.Helper()
	c, err := google.New(e.t.Context(), google.Options{
		Endpoint:       e.srv.Endpoint(),
		TokenSource:    e.ts,
		RequestTimeout: timeout,
		Sleep:          func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// TestStalledServerGivesUp: a server that never answers costs two request
// timeouts, not five attempts of a minute each, and the error says so. No
// stray line reaches the standard logger (the oauth2 transport's deprecated
// CancelRequest, which an http.Client.Timeout calls, prints one).
func TestStalledServerGivesUp(t *testing.T) {
	var stray bytes.Buffer
	defer log.SetOutput(log.Writer())
	log.SetOutput(&stray)

	e := newEnv(t)
	e.srv.FailNext(googletest.RouteList, 100, googletest.Fault{Stall: true})
	start := time.Now()
	err := e.quickClient(200*time.Millisecond).Source("work", "primary", e.db).Sync(t.Context())
	took := time.Since(start)
	if _, transient := calendar.RetryAfter(err); !transient || !strings.Contains(err.Error(), "did not answer within 200 milliseconds (2 attempts)") {
		t.Fatalf("Sync() = %v, want a transient error saying google did not answer within 200 milliseconds", err)
	}
	if n := e.srv.Count(googletest.RouteList); n != 2 {
		t.Errorf("%d events.list requests, want 2", n)
	}
	if took > 10*time.Second {
		t.Errorf("gave up after %s", took)
	}
	if stray.Len() > 0 {
		t.Errorf("stray lines on the standard logger:\n%s", stray.String())
	}
}

// TestCallEndsAtItsDeadline: the caller's deadline (the daemon's cycle
// deadline) bounds a call and its retries, whatever the request timeout.
func TestCallEndsAtItsDeadline(t *testing.T) {
	e := newEnv(t)
	e.srv.FailNext(googletest.RouteList, 100, googletest.Fault{Stall: true})
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := e.quickClient(time.Minute).Source("work", "primary", e.db).Sync(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Sync() = %v, want the deadline", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("a call with 300ms left took %s", took)
	}
}

// TestErrorsCarryNoURL: a transport error names the operation, never the
// request URL, whose query carries the sync token.
func TestErrorsCarryNoURL(t *testing.T) {
	e := newEnv(t)
	e.srv.Insert("primary", timed("standup", day0, time.Hour))
	src := e.source()
	if err := src.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	tok, err := e.db.GoogleSyncToken(t.Context(), "work")
	if err != nil || tok == "" {
		t.Fatalf("no sync token after the first sync: %q, %v", tok, err)
	}
	e.srv.FailNext(googletest.RouteList, 100, googletest.Fault{Drop: true})
	err = src.Sync(t.Context())
	if err == nil {
		t.Fatal("Sync() against a dropping server succeeded")
	}
	for _, bad := range []string{tok, "syncToken", "http://", "sync work: sync work"} {
		if strings.Contains(err.Error(), bad) {
			t.Errorf("error %q contains %q", err, bad)
		}
	}
}

// TestUpdateAfter412: the event changed between read and update. Update reads
// it again and retries once, quietly; a second 412 is ErrConflict; another
// writer who made the same change is ErrExists (nothing written).
func TestUpdateAfter412(t *testing.T) {
	conditionNotMet := googletest.Fault{Status: 412, Reason: "conditionNotMet"}
	setup := func(t *testing.T) (*env, calendar.Draft, calendar.Draft) {
		e := newEnv(t)
		d := draft("dana@acme.test", "2026-W48", day0.Add(40*time.Hour))
		if err := e.writer().Insert(t.Context(), d); err != nil {
			t.Fatal(err)
		}
		moved := d
		moved.Start, moved.End = d.Start.Add(time.Hour), d.End.Add(time.Hour)
		return e, d, moved
	}
	t.Run("retried once", func(t *testing.T) {
		e, d, moved := setup(t)
		e.srv.FailNext(googletest.RouteUpdate, 1, conditionNotMet)
		if err := e.writer().Update(t.Context(), d.ID, moved); err != nil {
			t.Fatalf("Update() = %v, want success on the second try", err)
		}
		if got := e.srv.Event("primary", d.ID); got.Start.DateTime != moved.Start.Format(time.RFC3339) {
			t.Errorf("start = %s, want %s", got.Start.DateTime, moved.Start.Format(time.RFC3339))
		}
		if strings.Contains(e.logs.String(), `"level":"WARN"`) {
			t.Errorf("a 412 retried once should be quiet:\n%s", e.logs)
		}
	})
	t.Run("conflict", func(t *testing.T) {
		e, d, moved := setup(t)
		e.srv.FailNext(googletest.RouteUpdate, 2, conditionNotMet)
		if err := e.writer().Update(t.Context(), d.ID, moved); !errors.Is(err, calendar.ErrConflict) {
			t.Fatalf("Update() = %v, want ErrConflict", err)
		}
		if n := e.srv.Count(googletest.RouteUpdate); n != 2 {
			t.Errorf("%d updates, want 2", n)
		}
	})
	t.Run("same change by another writer", func(t *testing.T) {
		e, d, moved := setup(t)
		e.srv.Patch("primary", d.ID, func(ev *calendarv3.Event) {
			ev.Start = &calendarv3.EventDateTime{DateTime: moved.Start.Format(time.RFC3339)}
			ev.End = &calendarv3.EventDateTime{DateTime: moved.End.Format(time.RFC3339)}
		})
		e.srv.FailNext(googletest.RouteUpdate, 1, conditionNotMet)
		if err := e.writer().Update(t.Context(), d.ID, moved); !errors.Is(err, calendar.ErrExists) {
			t.Fatalf("Update() = %v, want ErrExists", err)
		}
		if n := e.srv.Count(googletest.RouteUpdate); n != 1 {
			t.Errorf("%d updates, want 1 (the refused one)", n)
		}
	})
}

// TestDeleteAfter412: the same for a withdrawal.
func TestDeleteAfter412(t *testing.T) {
	conditionNotMet := googletest.Fault{Status: 412, Reason: "conditionNotMet"}
	for _, tc := range []struct {
		fails int
		want  error
	}{{1, nil}, {2, calendar.ErrConflict}} {
		e := newEnv(t)
		d := draft("dana@acme.test", "2026-W48", day0.Add(40*time.Hour))
		if err := e.writer().Insert(t.Context(), d); err != nil {
			t.Fatal(err)
		}
		e.srv.FailNext(googletest.RouteDelete, tc.fails, conditionNotMet)
		err := e.writer().Delete(t.Context(), d.ID)
		if (tc.want == nil && err != nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("after %d×412: Delete() = %v, want %v", tc.fails, err, tc.want)
		}
	}
}

// TestDeleteLostAnswer: the delete reached Google but its answer was lost;
// the retry finds the event gone, which is this call's own doing: nil.
func TestDeleteLostAnswer(t *testing.T) {
	e := newEnv(t)
	d := draft("dana@acme.test", "2026-W48", day0.Add(40*time.Hour))
	if err := e.writer().Insert(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	e.srv.FailNext(googletest.RouteDelete, 1, googletest.Fault{DropAfter: true})
	if err := e.writer().Delete(t.Context(), d.ID); err != nil {
		t.Fatalf("Delete() = %v, want nil: the lost attempt deleted it", err)
	}
}
