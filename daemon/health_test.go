package daemon

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/calendartest"
	"github.com/sidewayscal/sideways/daemon/state"
)

// unreadable is a calendar that cannot be read at all.
type unreadable struct{ err error }

func (u unreadable) Events(context.Context, time.Time, time.Time) ([]calendar.Event, error) {
	return nil, u.err
}

// copied serves a copy of a calendar last read at lastOK, whose latest refresh
// failed with err.
type copied struct {
	*calendartest.Fake
	lastOK time.Time
	err    error
}

func (c copied) Freshness(context.Context) (time.Time, error) { return c.lastOK, c.err }

func TestUnreadCalendarStopsTheCycle(t *testing.T) {
	w := newWorld(t, "propose")
	w.cycle() // two suggestions
	ops := len(w.cal.Ops())
	w.now = w.now.Add(time.Hour)
	gone := errors.New("open work.ics: no such file or directory")
	w.d.Calendars[0].Source = unreadable{gone}

	res, err := w.d.Cycle(context.Background())
	var ue *UnreadError
	if !errors.As(err, &ue) || len(ue.Calendars) != 1 || ue.Calendars[0].Name != "work" || !errors.Is(err, gone) {
		t.Fatalf("cycle error = %v, want an *UnreadError naming work and wrapping the cause", err)
	}
	if !strings.Contains(err.Error(), "calendar work could not be read: open work.ics") {
		t.Errorf("error %q does not name the calendar and the cause", err)
	}
	if n := len(w.cal.Ops()); n != ops {
		t.Errorf("an unread cycle sent %d requests", n-ops)
	}
	if res.Plan == nil || len(res.Plan.Actions) != 0 || len(res.Plan.HeldBack) != 0 {
		t.Fatalf("plan = %+v, want one with no actions", res.Plan)
	}
	if len(res.Plan.Warnings) == 0 || !strings.HasPrefix(res.Plan.Warnings[0], "calendar work could not be read (open work.ics") {
		t.Errorf("first warning = %q, want the unread calendar", res.Plan.Warnings)
	}
	if len(res.Calendars) != 1 || res.Calendars[0].Health != Unread || !res.Calendars[0].LastOK.IsZero() {
		t.Errorf("health = %+v, want work unread with no last_ok", res.Calendars)
	}
	// The suggestions the unread calendar no longer shows were not taken
	// for deletions by the user.
	if ds, _ := w.db.Dismissals(context.Background()); len(ds) != 0 {
		t.Errorf("an unread calendar dismissed %v", ds)
	}
	if writes, _ := w.db.Writes(context.Background()); len(writes) != 2 {
		t.Errorf("tracked writes = %d, want both suggestions still tracked", len(writes))
	}
	last, err := w.db.LastCycle(context.Background())
	if err != nil || last == nil || last.OK || !strings.Contains(last.Err, "calendar work could not be read") {
		t.Errorf("recorded cycle = %+v, %v; want a failure naming the calendar", last, err)
	}

	// Plan says the same, beside a plan without actions.
	p, hs, err := w.d.PlanHealth(context.Background())
	if !errors.As(err, &ue) || p == nil || len(p.Actions) != 0 || hs[0].Health != Unread {
		t.Errorf("PlanHealth = %v actions, %+v, %v; want no actions, work unread, an *UnreadError", p, hs, err)
	}

	// Readable again: the next cycle is ok and nothing was lost.
	w.d.Calendars[0].Source = w.cal
	w.now = w.now.Add(time.Hour)
	res = w.cycle()
	if len(res.Done) != 0 || res.Calendars[0].Health != Fresh {
		t.Errorf("after recovery: done %+v, health %+v; want nothing new to write, work fresh", res.Done, res.Calendars)
	}
}

func TestCalendarHealthBound(t *testing.T) {
	bound := StaleAfter(15 * time.Minute)
	if bound != time.Hour || StaleAfter(time.Hour) != 3*time.Hour {
		t.Fatalf("StaleAfter(15m) = %s, StaleAfter(1h) = %s; want 1h and 3h", bound, StaleAfter(time.Hour))
	}
	refused := errors.New("502 Bad Gateway")
	for _, tc := range []struct {
		name   string
		age    time.Duration
		err    error
		want   Health
		warn   string
		action bool
	}{
		{"refreshed", 0, nil, Fresh, "", true},
		{"one failed refresh", 20 * time.Minute, refused, Fresh, "calendar work could not be refreshed (502 Bad Gateway); using its copy last read 20 minutes ago, at 08:40, stale after 1 hour", true},
		{"failing past the bound", 3 * time.Hour, refused, Stale, "calendar work is stale: it could not be refreshed (502 Bad Gateway); planned with its copy last read 3 hours ago, at 06:00", true},
		{"an old copy nobody refreshed", 50 * time.Hour, nil, Stale, "calendar work is stale: last read 2 days ago, on Sat Nov 21 at 07:00; planned with that copy", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, "report")
			w.d.Calendars[0].Source = copied{w.cal, w.now.Add(-tc.age), tc.err}
			res := w.cycle()
			h := res.Calendars[0]
			if h.Health != tc.want || !h.LastOK.Equal(w.now.Add(-tc.age)) || !errors.Is(h.Err, tc.err) {
				t.Errorf("health = %+v, want %s since %s with error %v", h, tc.want, w.now.Add(-tc.age), tc.err)
			}
			found := tc.warn == ""
			for _, s := range res.Plan.Warnings {
				found = found || s == tc.warn
				if tc.warn == "" && strings.Contains(s, "calendar work") {
					t.Errorf("unexpected warning %q", s)
				}
			}
			if !found {
				t.Errorf("warnings = %q, want %q", res.Plan.Warnings, tc.warn)
			}
			if (len(res.Plan.Actions) > 0) != tc.action {
				t.Errorf("%d actions; a %s calendar is planned with", len(res.Plan.Actions), tc.want)
			}
		})
	}
}

// TestLoopBacksOffOnAnUnreadCalendar: the daemon keeps running while a
// calendar cannot be read, each cycle failing and the next one backed off,
// and returns to its poll once the calendar reads again.
func TestLoopBacksOffOnAnUnreadCalendar(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, "report")
		w.d.Store = nil // the loop's own record is what is under test
		w.d.Now = time.Now
		src := &switchable{src: unreadable{errors.New("404 Not Found")}}
		w.d.Calendars[0].Source = src
		ctx, cancel := context.WithCancel(t.Context())
		rec := &recording{d: w.d}
		l := &Loop{
			Load: func(context.Context) (Runner, error) { return rec, nil },
			Rand: half,
		}
		done := make(chan error)
		go func() { done <- l.Run(ctx) }()
		time.Sleep(10 * time.Minute)
		synctest.Wait()
		failed := len(rec.errs())
		src.set(w.cal)
		time.Sleep(2 * time.Hour)
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run = %v", err)
		}
		results := rec.errs()
		// Backoffs of 30 s, 60 s, 120 s, 240 s (¾ of each with the jitter at
		// 0.5) fit five failed cycles into ten minutes.
		if failed < 4 || failed > 7 {
			t.Errorf("%d cycles in 10 minutes with the calendar unread, want 4 to 7 (backing off)", failed)
		}
		for i, err := range results[:failed] {
			var ue *UnreadError
			if !errors.As(err, &ue) {
				t.Errorf("cycle %d: %v, want an *UnreadError", i, err)
			}
		}
		if ok := len(results) - failed; ok < 7 {
			t.Errorf("%d cycles in two hours after recovery, want about 8 (every poll)", ok)
		}
		for i, err := range results[failed+1:] {
			if err != nil {
				t.Errorf("cycle %d after recovery: %v", failed+1+i, err)
			}
		}
	})
}

// switchable is a calendar the test replaces while the loop runs.
type switchable struct {
	mu  sync.Mutex
	src calendar.Source
}

func (s *switchable) set(c calendar.Source) { s.mu.Lock(); s.src = c; s.mu.Unlock() }

func (s *switchable) Events(ctx context.Context, from, to time.Time) ([]calendar.Event, error) {
	s.mu.Lock()
	src := s.src
	s.mu.Unlock()
	return src.Events(ctx, from, to)
}

// recording is a Runner that keeps every cycle's error.
type recording struct {
	d   *Daemon
	mu  sync.Mutex
	out []error
}

func (r *recording) Poll() time.Duration { return r.d.Poll() }

func (r *recording) Cycle(ctx context.Context) (*Result, error) {
	res, err := r.d.Cycle(ctx)
	r.mu.Lock()
	r.out = append(r.out, err)
	r.mu.Unlock()
	return res, err
}

func (r *recording) errs() []error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.out)
}

// syncing is a read-only Google-like calendar: Sync fails with err (when
// set), and on success records a sync in the store, as google.Source does.
type syncing struct {
	*calendartest.Fake
	name string
	db   *state.DB
	err  error
}

func (s *syncing) Sync(ctx context.Context) error {
	if s.err != nil {
		return s.err
	}
	return s.db.SaveGoogleSync(ctx, s.name, false, "tok", nil, nil)
}

// TestSyncedCalendarHealth: a calendar read from a mirror is as fresh as its
// last sync that worked; never synced, it is unread and the cycle fails.
func TestSyncedCalendarHealth(t *testing.T) {
	w := newWorld(t, "report")
	team := &syncing{Fake: calendartest.New("team"), name: "team", db: w.db, err: &calendar.RetryError{Err: errors.New("503 Service Unavailable")}}
	w.d.Calendars = append(w.d.Calendars, NamedSource{Name: "team", Source: team})

	_, err := w.d.Cycle(context.Background())
	var ue *UnreadError
	if !errors.As(err, &ue) || ue.Calendars[0].Name != "team" || !strings.Contains(err.Error(), "503 Service Unavailable") {
		t.Fatalf("never synced and failing: %v, want team unread with the 503", err)
	}
	if _, ok := calendar.RetryAfter(err); !ok {
		t.Error("an unread calendar's transient cause is no longer seen as transient")
	}

	team.err = nil
	res := w.cycle()
	if h := res.Calendars[1]; h.Health != Fresh || !h.LastOK.Equal(w.now) || h.Err != nil {
		t.Errorf("synced: %+v, want fresh as of now", h)
	}

	team.err = &calendar.RetryError{Err: errors.New("503 Service Unavailable")}
	w.now = w.now.Add(30 * time.Minute)
	if h := w.cycle().Calendars[1]; h.Health != Fresh || h.Err == nil {
		t.Errorf("half an hour after the last sync: %+v, want fresh with the error", h)
	}
	w.now = w.now.Add(time.Hour)
	res = w.cycle()
	if h := res.Calendars[1]; h.Health != Stale || !h.LastOK.Equal(w.now.Add(-90*time.Minute)) {
		t.Errorf("90 minutes after the last sync: %+v, want stale since then", h)
	}
	if len(res.Plan.Actions) == 0 {
		t.Error("a stale read-only calendar is planned with, with a warning")
	}

	// The mirror, as plan and status read it: as fresh as the last sync.
	w.d.Calendars[1].Source = &Mirror{Source: team.Fake, Store: w.db, Name: "team"}
	_, hs, err := w.d.PlanHealth(context.Background())
	if err != nil || hs[1].Health != Stale || !hs[1].LastOK.Equal(w.now.Add(-90*time.Minute)) {
		t.Errorf("mirror: %+v, %v; want stale since the last sync", hs, err)
	}
}
