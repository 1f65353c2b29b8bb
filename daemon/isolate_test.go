package daemon

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/sidewayscal/sideways/calendar"
)

// A refusal of one action is recorded with its peer and the cycle writes the
// others; an account-wide failure still stops the cycle.
func TestRefusedActionIsIsolated(t *testing.T) {
	for _, tc := range []struct {
		name      string
		err       error
		isolated  bool
		wantInLog string
	}{
		{"400", fmt.Errorf("insert x: google: 400 invalid: %w", calendar.ErrRejected), true, "400 invalid"},
		{"not ours", fmt.Errorf("change x: %w", calendar.ErrNotOurs), true, "not written by sideways"},
		{"sign-in", fmt.Errorf("insert x: %w", calendar.ErrAuth), false, ""},
		{"quota", &calendar.RetryError{Err: fmt.Errorf("insert x: %w", calendar.ErrRejected)}, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, "propose")
			w.cal.FailNext(tc.err)
			res, err := w.d.Cycle(context.Background())
			if !tc.isolated {
				if err == nil || res == nil || len(res.Failed) != 0 || !strings.Contains(err.Error(), tc.err.Error()) {
					t.Fatalf("cycle = %v (failed %v), want it stopped by %v", err, res.Failed, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("cycle = %v, want it to go on", err)
			}
			if len(res.Failed) != 1 || len(res.Done) == 0 {
				t.Fatalf("failed %d, done %d; want one failed and the others done", len(res.Failed), len(res.Done))
			}
			peer := res.Failed[0].Action.Assessment.Peer.Email
			for _, d := range res.Done {
				if d.Action.Assessment.Peer.Email == peer {
					t.Errorf("peer %s both failed and written", peer)
				}
			}
			log, err := w.db.AuditLog(context.Background(), 0)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, e := range log {
				found = found || e.Peer == peer && strings.HasSuffix(e.Action, " failed") && strings.Contains(e.Reason, tc.wantInLog)
			}
			if !found {
				t.Errorf("audit log has no failure for %s naming %q: %+v", peer, tc.wantInLog, log)
			}
		})
	}
}
