package daemon

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/daemon/state"
	"github.com/sidewayscal/sideways/rules"
)

// stalled is a calendar whose reads never answer: they wait for their context.
type stalled struct{ *world }

func (s stalled) Events(ctx context.Context, _, _ time.Time) ([]calendar.Event, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func TestCycleLimit(t *testing.T) {
	for poll, want := range map[time.Duration]time.Duration{
		4 * time.Second:  2 * time.Second,
		time.Minute:      30 * time.Second,
		15 * time.Minute: 5 * time.Minute,
		24 * time.Hour:   5 * time.Minute,
		0:                5 * time.Minute,
	} {
		if got := CycleLimit(poll); got != want {
			t.Errorf("CycleLimit(%s) = %s, want %s", poll, got, want)
		}
	}
}

// TestStalledCalendarFailsAtTheLimit: a calendar that never answers fails the
// cycle once its time is up (half of poll, 7½ minutes → 5 minutes cap), with
// an error naming the calendar and the limit; the failure is recorded.
func TestStalledCalendarFailsAtTheLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, "propose")
		w.d.Calendars[0].Source = stalled{w}
		start := time.Now()
		_, err := w.d.Cycle(t.Context())
		if took := time.Since(start); took != 5*time.Minute {
			t.Errorf("the cycle took %s, want its limit, 5m", took)
		}
		var le *LimitError
		if !errors.As(err, &le) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Cycle() = %v, want a *LimitError", err)
		}
		const want = "calendar work did not answer within 5 minutes, the time a cycle may take (half of poll, at most 5 minutes)"
		if err.Error() != want {
			t.Errorf("error = %q\nwant    %q", err, want)
		}
		last, lerr := w.db.LastCycle(context.Background())
		if lerr != nil || last == nil || last.OK || last.Err != want {
			t.Errorf("recorded cycle = %+v, %v; want the failure", last, lerr)
		}
	})
}

// TestStoppedCycleIsNotRecorded: a cycle its caller stops (a signal) returns
// the caller's reason and leaves the last recorded cycle as it was.
func TestStoppedCycleIsNotRecorded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, "propose")
		w.cycle()
		w.d.Calendars[0].Source = stalled{w}
		reason := errors.New("interrupted (SIGTERM)")
		ctx, cancel := context.WithCancelCause(t.Context())
		go func() {
			time.Sleep(time.Second)
			cancel(reason)
		}()
		if _, err := w.d.Cycle(ctx); err != reason {
			t.Fatalf("Cycle() = %v, want the caller's reason", err)
		}
		if last, _ := w.db.LastCycle(context.Background()); last == nil || !last.OK {
			t.Errorf("last cycle = %+v; want the earlier good one", last)
		}
	})
}

// racing is the writable calendar with a second sideways on it: just before
// each of our writes, the other one makes the same write (and records it in
// the shared state only afterwards, when recordAfter is set).
type racing struct {
	*world
	other       func(op string, id string, d calendar.Draft)
	recordAfter []func()
}

func (r *racing) Insert(ctx context.Context, d calendar.Draft) error {
	r.other("insert", d.ID, d)
	return r.cal.Insert(ctx, d)
}

func (r *racing) Update(ctx context.Context, id string, d calendar.Draft) error {
	r.other("update", id, d)
	return r.cal.Update(ctx, id, d)
}

func (r *racing) Delete(ctx context.Context, id string) error {
	r.other("delete", id, calendar.Draft{})
	return r.cal.Delete(ctx, id)
}

// TestRaceOnInsertIsNotAWrite: another sideways inserts the same suggestion
// between our read and our write and records it a moment later. The log
// lists each suggestion once, as the other's write; ours is "already
// present" only until then, and never a second propose.
func TestRaceOnInsertIsNotAWrite(t *testing.T) {
	w := newWorld(t, "propose")
	r := &racing{world: w}
	r.other = func(op, id string, d calendar.Draft) {
		if op != "insert" {
			return
		}
		if err := w.cal.Insert(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		ws := state.Write{Calendar: "work", EventID: id, Peer: d.TagPeer, Kind: d.Tag, Start: d.Start, End: d.End}
		r.recordAfter = append(r.recordAfter, func() {
			if err := w.db.RecordInsert(context.Background(), ws, "propose", "the other process"); err != nil {
				t.Fatal(err)
			}
		})
	}
	w.d.Writer = r
	res := w.cycle()
	for _, d := range res.Done {
		if !strings.Contains(d.Note, "already on the calendar") {
			t.Errorf("%s for %s: note %q, want already on the calendar", d.Action.Kind, d.Action.Assessment.Peer.Email, d.Note)
		}
	}
	log := auditActions(t, w.db)
	if len(log) != 2 || log[0] != state.ActionPresent || log[1] != state.ActionPresent {
		t.Errorf("before the other records: audit = %v, want two %q", log, state.ActionPresent)
	}
	for _, f := range r.recordAfter {
		f()
	}
	if log := auditActions(t, w.db); len(log) != 2 || log[0] != "propose" || log[1] != "propose" {
		t.Errorf("after: audit = %v, want each suggestion once, as propose", log)
	}
	for _, peer := range []string{"dana@acme.test", "bo@acme.test"} {
		if got := w.tagged(peer); len(got) != 1 {
			t.Errorf("%s has %d suggestions, want 1", peer, len(got))
		}
	}
}

// TestRaceOnMoveAndWithdraw: another writer moves or deletes our suggestion
// at the same moment; the cycle neither fails nor claims the other's write.
// An event that keeps changing (ErrConflict) is a warning, not a failure.
func TestRaceOnMoveAndWithdraw(t *testing.T) {
	t.Run("same move", func(t *testing.T) {
		w := newWorld(t, "propose")
		w.cycle()
		s := w.tagged("dana@acme.test")[0]
		w.cal.Add(calendar.Event{ID: "board", UID: "board", Summary: "Board prep", Start: s.Start, End: s.End, Status: calendar.StatusConfirmed})
		w.d.Writer = &existsOnUpdate{w.cal}
		w.now = w.now.Add(time.Hour)
		res := w.cycle()
		if !hasDone(res, rules.Move, "already moved") {
			t.Errorf("done = %+v, want the move noted as already made", res.Done)
		}
		if n := count(auditActions(t, w.db), "move"); n != 0 {
			t.Errorf("%d move entries for a move this process did not make", n)
		}
		ws, _ := w.db.Writes(context.Background())
		for _, x := range ws {
			if x.EventID == s.ID && x.Start.Equal(s.Start) {
				t.Errorf("the tracked write kept its old time %s", x.Start)
			}
		}
	})
	t.Run("changed meanwhile", func(t *testing.T) {
		w := newWorld(t, "propose")
		w.cycle()
		s := w.tagged("dana@acme.test")[0]
		w.cal.Add(calendar.Event{ID: "board", UID: "board", Summary: "Board prep", Start: s.Start, End: s.End, Status: calendar.StatusConfirmed})
		w.d.Writer = &conflicting{w.cal}
		w.now = w.now.Add(time.Hour)
		res, err := w.d.Cycle(context.Background())
		if err != nil {
			t.Fatalf("Cycle() = %v; a conflict must not fail the cycle", err)
		}
		found := false
		for _, s := range res.Plan.Warnings {
			found = found || strings.Contains(s, "changed meanwhile")
		}
		if !found {
			t.Errorf("warnings = %q, want one saying the event changed meanwhile", res.Plan.Warnings)
		}
	})
	t.Run("already withdrawn", func(t *testing.T) {
		w := newWorld(t, "propose")
		w.cycle()
		s := w.tagged("dana@acme.test")[0]
		w.cal.Add(oneOnOne("dana-booked", "dana@acme.test", "2026-12-03 15:00"))
		r := &racing{world: w, other: func(op, id string, _ calendar.Draft) {
			if op == "delete" {
				w.cal.Delete(context.Background(), id)
			}
		}}
		w.d.Writer = r
		w.now = w.now.Add(time.Hour)
		res := w.cycle()
		if !hasDone(res, rules.Withdraw, "already gone") {
			t.Errorf("done = %+v, want the withdrawal noted as already done", res.Done)
		}
		if n := count(auditActions(t, w.db), "withdraw"); n != 0 {
			t.Errorf("%d withdraw entries for a delete this process did not make", n)
		}
		if ws, _ := w.db.Writes(context.Background()); len(ws) != 1 || ws[0].EventID == s.ID {
			t.Errorf("tracked = %+v; the withdrawn suggestion should be untracked", ws)
		}
	})
}

// existsOnUpdate answers every update as another writer's: already so.
type existsOnUpdate struct{ calendar.Writer }

func (e *existsOnUpdate) Update(_ context.Context, id string, _ calendar.Draft) error {
	return fmt.Errorf("update %s: %w", id, calendar.ErrExists)
}

// conflicting answers every update and delete as changed meanwhile.
type conflicting struct{ calendar.Writer }

func (c *conflicting) Update(_ context.Context, id string, _ calendar.Draft) error {
	return fmt.Errorf("update %s: %w", id, calendar.ErrConflict)
}

func (c *conflicting) Delete(_ context.Context, id string) error {
	return fmt.Errorf("delete %s: %w", id, calendar.ErrConflict)
}

func auditActions(t *testing.T, db *state.DB) []string {
	t.Helper()
	log, err := db.AuditLog(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range log {
		out = append(out, e.Action)
	}
	return out
}

func count(xs []string, x string) int {
	n := 0
	for _, y := range xs {
		if y == x {
			n++
		}
	}
	return n
}

func hasDone(res *Result, kind rules.ActionKind, note string) bool {
	for _, d := range res.Done {
		if d.Action.Kind == kind && strings.Contains(d.Note, note) {
			return true
		}
	}
	return false
}
