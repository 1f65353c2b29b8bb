package daemon

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/config"
	"github.com/sidewayscal/sideways/rules"
)

// TestInviteAnswers: in invite mode the user's cancelled invite is a
// dismissal recorded in the state database, like a deleted suggestion; the
// peer's decline is an answer: the invite is no longer tracked, stays on the
// calendar, and the peer is snoozed from the calendar itself. Neither peer
// gets a write.
func TestInviteAnswers(t *testing.T) {
	w := newWorld(t, "invite")
	w.cycle()
	dana, bo := w.tagged("dana@acme.test"), w.tagged("bo@acme.test")
	if len(dana) != 1 || len(bo) != 1 || dana[0].Tag != calendar.TagInvite {
		t.Fatalf("want one invite each, got %+v %+v", dana, bo)
	}
	w.now = w.now.Add(2 * time.Hour)
	w.cal.Edit(dana[0].ID, func(e *calendar.Event) {
		e.Attendees[1].PartStat = calendar.PartStatDeclined
		e.Updated = w.now
	})
	w.cal.Remove(bo[0].ID)
	before := len(w.cal.Ops())
	w.now = w.now.Add(time.Hour)
	res := w.cycle()
	if len(res.Dismissed) != 1 || res.Dismissed[0] != "bo@acme.test" {
		t.Errorf("dismissed = %v, want bo", res.Dismissed)
	}
	for range 20 {
		w.now = w.now.Add(12 * time.Hour)
		w.cycle()
	}
	if n := len(w.cal.Ops()) - before; n != 0 {
		t.Errorf("%d writes during the snooze: %v", n, w.cal.Ops()[before:])
	}
	for _, peer := range []string{"dana@acme.test", "bo@acme.test"} {
		if s := w.state(peer); s != rules.Snoozed {
			t.Errorf("%s = %s, want snoozed", peer, s)
		}
	}
	if got := w.tagged("dana@acme.test"); len(got) != 1 {
		t.Errorf("the declined invite must stay: %+v", got)
	}
	writes, err := w.db.Writes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(writes) != 0 {
		t.Errorf("still tracked: %+v", writes)
	}
	ds, err := w.db.Dismissals(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := ds["bo@acme.test"]; !ok || len(ds) != 1 {
		t.Errorf("state dismissals = %v, want bo's only (dana's decline lives on the calendar)", ds)
	}
}

// TestSkippedPeerKeepsInviteUntracked: a peer a rule now skips keeps their
// pending invite (a meeting with a person), which sideways stops tracking.
func TestSkippedPeerKeepsInviteUntracked(t *testing.T) {
	w := newWorld(t, "invite")
	w.cycle()
	bo := w.tagged("bo@acme.test")
	if len(bo) != 1 {
		t.Fatalf("want an invite for bo, got %+v", bo)
	}
	cfg, err := config.Parse("sideways.yaml", []byte(strings.Replace(fmt.Sprintf(cfgYAML, "invite"),
		"rules:\n", "rules:\n  - name: ops is out\n    when: peer.department == \"Ops\"\n    skip: true\n", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if w.d.Engine, err = rules.Compile(cfg); err != nil {
		t.Fatal(err)
	}
	before := len(w.cal.Ops())
	w.now = w.now.Add(time.Hour)
	w.cycle()
	if n := len(w.cal.Ops()) - before; n != 0 {
		t.Errorf("%d writes, want none: %v", n, w.cal.Ops()[before:])
	}
	if got := w.tagged("bo@acme.test"); len(got) != 1 {
		t.Errorf("bo's invite must stay, got %+v", got)
	}
	writes, err := w.db.Writes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range writes {
		if x.Peer == "bo@acme.test" {
			t.Errorf("bo's invite is still tracked: %+v", x)
		}
	}
	if len(writes) != 1 {
		t.Errorf("tracked %+v, want dana's invite only", writes)
	}
}
