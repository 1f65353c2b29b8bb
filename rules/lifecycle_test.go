package rules

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sidewayscal/sideways/calendar"
)

func invite(peer, start string, ps calendar.PartStat) calendar.Event {
	return ev("Peer 1:1", start, 30, with(me, calendar.PartStatAccepted), with(peer, ps), func(e *calendar.Event) {
		e.Tag, e.TagPeer, e.ID = calendar.TagInvite, peer, "inv"+strings.ReplaceAll(start, " ", "")
	})
}

func updated(s string) evOpt      { return func(e *calendar.Event) { e.Updated = at(s) } }
func withdrawn(e *calendar.Event) { e.Withdrawn = true }

func opts(e calendar.Event, o ...evOpt) calendar.Event {
	for _, f := range o {
		f(&e)
	}
	return e
}

// TestEveryNoSnoozes: the calendar alone says who said no. A tagged event
// deleted before its time, not by sideways, and a tagged invite the peer
// declined, each snooze the peer for `snooze` from when it happened; the state
// database's dismissals add to them.
func TestEveryNoSnoozes(t *testing.T) {
	now := at("2026-11-23 09:00")
	e := engine(t, "", peer("Dana Whitfield", "dana@acme.test", "Finance"), defaultRules)
	history := oneOnOne("dana@acme.test", "2026-06-01 10:00") // overdue whatever else
	for _, c := range []struct {
		name       string
		events     []calendar.Event
		dismissals []Dismissal
		state      State
		why        string
		until      string
		warning    string
	}{
		{name: "suggestion deleted by the user",
			events: []calendar.Event{opts(suggestion("dana@acme.test", "2026-11-25 10:00"), cancelled, updated("2026-11-20 12:00"))},
			state:  Snoozed, why: "you deleted the suggestion for Wed Nov 25 on Fri Nov 20; snoozed until Fri Dec 4", until: "2026-12-04 12:00"},
		{name: "invite cancelled by the user",
			events: []calendar.Event{opts(invite("dana@acme.test", "2026-11-25 10:00", calendar.PartStatNeedsAction), cancelled, updated("2026-11-21 08:00"))},
			state:  Snoozed, why: "you cancelled the invite for Wed Nov 25 on Sat Nov 21; snoozed until Sat Dec 5", until: "2026-12-05 08:00"},
		{name: "invite declined by the peer, still ahead",
			events: []calendar.Event{opts(invite("dana@acme.test", "2026-11-25 10:00", calendar.PartStatDeclined), updated("2026-11-22 17:00"))},
			state:  Snoozed, why: "declined the invite for Wed Nov 25 on Sun Nov 22; left alone until Sun Dec 6", until: "2026-12-06 17:00",
			warning: "Dana Whitfield declined your 1:1 invite for Wed Nov 25 on Sun Nov 22; sideways leaves them alone until Sun Dec 6. Worth a word in person: ask what would suit them"},
		{name: "withdrawn by sideways itself",
			events: []calendar.Event{opts(suggestion("dana@acme.test", "2026-11-25 10:00"), cancelled, withdrawn, updated("2026-11-20 12:00"))},
			state:  Overdue},
		{name: "deleted after its time: not a dismissal",
			events: []calendar.Event{opts(suggestion("dana@acme.test", "2026-11-18 10:00"), cancelled, updated("2026-11-19 12:00"))},
			state:  Overdue},
		{name: "snooze over",
			events: []calendar.Event{opts(suggestion("dana@acme.test", "2026-11-10 10:00"), cancelled, updated("2026-11-08 12:00"))},
			state:  Overdue},
		{name: "only the state database remembers",
			dismissals: []Dismissal{{Peer: "dana@acme.test", At: at("2026-11-20 12:00")}},
			state:      Snoozed, why: "suggestion dismissed; snoozed until Fri Dec 4", until: "2026-12-04 12:00"},
		{name: "both: the calendar's words, the later end",
			events:     []calendar.Event{opts(suggestion("dana@acme.test", "2026-11-25 10:00"), cancelled, updated("2026-11-20 12:00"))},
			dismissals: []Dismissal{{Peer: "dana@acme.test", At: at("2026-11-20 12:15")}},
			state:      Snoozed, why: "you deleted the suggestion for Wed Nov 25 on Fri Nov 20; snoozed until Fri Dec 4", until: "2026-12-04 12:15"},
		{name: "a deleted event of another peer",
			events: []calendar.Event{opts(suggestion("bo@acme.test", "2026-11-25 10:00"), cancelled, updated("2026-11-20 12:00"))},
			state:  Overdue},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := &Input{Now: now, Events: append([]calendar.Event{history}, c.events...), Dismissals: c.dismissals, Writable: "work"}
			p, err := e.Plan(in)
			if err != nil {
				t.Fatal(err)
			}
			a := &p.Peers[0]
			if a.State != c.state {
				t.Fatalf("state %s (%s), want %s", a.State, a.Why, c.state)
			}
			if c.state != Snoozed {
				if !a.SnoozedUntil.IsZero() {
					t.Errorf("snoozed until %s, want not snoozed", a.SnoozedUntil)
				}
				return
			}
			if a.Why != c.why {
				t.Errorf("why %q\nwant %q", a.Why, c.why)
			}
			if !a.SnoozedUntil.Equal(at(c.until)) {
				t.Errorf("snoozed until %s, want %s", a.SnoozedUntil, c.until)
			}
			if len(p.Actions) != 0 {
				t.Errorf("a snoozed peer got actions: %+v", p.Actions)
			}
			var warns []string
			for _, w := range p.Warnings {
				if strings.Contains(w, "declined") {
					warns = append(warns, w)
				}
			}
			if c.warning == "" && len(warns) > 0 || c.warning != "" && (len(warns) != 1 || warns[0] != c.warning) {
				t.Errorf("decline warnings %q, want %q", warns, c.warning)
			}
		})
	}
}

// TestLifecycleEdgesInPlan: suggestions of someone off the roster are
// withdrawn (their invites are not), and a suggestion the user edited is never
// moved, even onto a slot that is now busy.
func TestLifecycleEdgesInPlan(t *testing.T) {
	now := at("2026-11-23 09:00")
	peers := peer("Dana Whitfield", "dana@acme.test", "Finance") + peer("Cy Wu", "cy@acme.test", "Sales")
	e := engine(t, "caps:\n  writes_per_run: 10", peers, defaultRules)
	edited := suggestion("dana@acme.test", "2026-11-24 10:00")
	edited.Edited = true
	events := []calendar.Event{
		// Dana: the user moved her suggestion onto Board prep.
		edited,
		oneOnOne("dana@acme.test", "2026-11-02 10:00"),
		// Cy: a suggestion whose slot has since filled up: moved.
		suggestion("cy@acme.test", "2026-11-25 10:00"),
		ev("Vendor call", "2026-11-25 10:00", 30),
		oneOnOne("cy@acme.test", "2026-09-01 10:00"),
		ev("Board prep", "2026-11-24 09:30", 90),
		// Gone: off the roster, with a suggestion (withdrawn), an invite (kept),
		// and a suggestion already accepted (kept).
		suggestion("gone@acme.test", "2026-11-26 11:00"),
		invite("gone@acme.test", "2026-11-27 11:00", calendar.PartStatNeedsAction),
		opts(suggestion("gone@acme.test", "2026-11-30 11:00"), with("gone@acme.test", calendar.PartStatAccepted)),
	}
	p, err := e.Plan(&Input{Now: now, Events: events, Writable: "work"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range p.Actions {
		got = append(got, fmt.Sprintf("%s %s %s %s (%s)", a.Kind, a.Assessment.Peer.Email, a.EventID, a.Slot.Start.In(ny).Format("Jan 2 15:04"), a.Reason))
	}
	want := []string{
		"move cy@acme.test sugg2026-11-2510:00 Nov 25 10:45 (the suggested slot is now busy)",
		"withdraw gone@acme.test sugg2026-11-2611:00 Nov 26 11:00 (peer is no longer on the roster)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
	if s := byEmail(p.Peers, "dana@acme.test").State; s != Suggested {
		t.Errorf("dana: %s, want suggested (her edited suggestion stands)", s)
	}
}
