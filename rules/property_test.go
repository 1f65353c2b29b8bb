package rules

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/config"
)

// TestPlanInvariants plans over many random calendars and checks what must hold
// whatever the input: one action per peer, unique event ids, caps respected,
// slots free, on preferred days, inside the window and the horizon, and the same
// plan twice.
func TestPlanInvariants(t *testing.T) {
	for seed := range uint64(60) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			caps := config.Caps{
				PeerPerWeek: rng.IntN(5), PeerPerDay: rng.IntN(3), MeetingHoursPerDay: float64(rng.IntN(8)),
				NewPeersAtOnce: rng.IntN(3), OpenSuggestions: rng.IntN(6), WritesPerRun: rng.IntN(12),
			}
			top := fmt.Sprintf("caps:\n  peer_1on1s_per_week: %d\n  peer_1on1s_per_day: %d\n  meeting_hours_per_day: %g\n  new_peers_at_once: %d\n  open_suggestions: %d\n  writes_per_run: %d",
				caps.PeerPerWeek, caps.PeerPerDay, caps.MeetingHoursPerDay, caps.NewPeersAtOnce, caps.OpenSuggestions, caps.WritesPerRun)
			nPeers := 3 + rng.IntN(12)
			e, in := randomWorld(t, rng, top, nPeers, 50+rng.IntN(400))
			p, err := e.Plan(in)
			if err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, e.Config(), in, p)
			again, _ := e.Plan(in)
			if a, b := strings.Join(summary(p), "\n"), strings.Join(summary(again), "\n"); a != b {
				t.Errorf("the same input gave two plans:\n%s\n---\n%s", a, b)
			}
		})
	}
}

func randomWorld(t *testing.T, rng *rand.Rand, top string, nPeers, nEvents int) (*Engine, *Input) {
	t.Helper()
	var peers strings.Builder
	zones := []string{"America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Sydney", "America/Los_Angeles"}
	for i := range nPeers {
		fmt.Fprintf(&peers, "  - name: Peer%d Person\n    email: p%d@acme.test\n    department: D%d\n    timezone: %s\n", i, i, i%4, zones[rng.IntN(len(zones))])
	}
	e := engine(t, top, peers.String(), defaultRules)
	now := at("2026-11-23 09:00").Add(time.Duration(rng.IntN(14*24)) * time.Hour)
	var events []calendar.Event
	for i := range nEvents {
		s := now.AddDate(0, 0, -120).Add(time.Duration(rng.IntN(150*24*4)) * 15 * time.Minute)
		ev := calendar.Event{Calendar: "work", UID: fmt.Sprintf("r%d", i), Start: s, End: s.Add(time.Duration(15+rng.IntN(8)*15) * time.Minute), Status: calendar.StatusConfirmed, Summary: "x"}
		switch rng.IntN(6) {
		case 0, 1:
			p := fmt.Sprintf("p%d@acme.test", rng.IntN(nPeers))
			ev.Attendees = []calendar.Attendee{{Email: me, PartStat: calendar.PartStatAccepted}, {Email: p, PartStat: calendar.PartStatAccepted}}
			if rng.IntN(5) == 0 {
				ev.Status = calendar.StatusCancelled
			}
		case 2:
			ev.Tag, ev.TagPeer, ev.Transparent, ev.ID = calendar.TagSuggestion, fmt.Sprintf("p%d@acme.test", rng.IntN(nPeers)), true, fmt.Sprintf("id%d", i)
		case 3:
			ev.Transparent = rng.IntN(2) == 0
		}
		events = append(events, ev)
	}
	return e, &Input{Now: now, Events: events}
}

func checkInvariants(t *testing.T, cfg *config.Config, in *Input, p *Plan) {
	t.Helper()
	loc := cfg.Me.Location
	now := in.Now.In(loc)
	seenPeer := map[string]bool{}
	seenID := map[string]bool{}
	writes := 0
	for _, a := range p.Actions {
		writes++
		if a.Kind == Withdraw {
			if a.Event == nil || a.Event.Tag != calendar.TagSuggestion {
				t.Errorf("withdraw of an event sideways did not write: %+v", a.Event)
			}
			continue
		}
		email := a.Assessment.Peer.Email
		if seenPeer[email] {
			t.Errorf("two actions place a meeting for %s", email)
		}
		seenPeer[email] = true
		if a.EventID != "" && seenID[a.EventID] {
			t.Errorf("event id %s used twice", a.EventID)
		}
		seenID[a.EventID] = true
		s := a.Slot.Start.In(loc)
		if !a.Assessment.Days.Has(s.Weekday()) {
			t.Errorf("%s: slot %v on a day not preferred", email, a.Slot)
		}
		day := civil(s)
		if s.Before(day.Add(time.Duration(a.Assessment.Window.From)*time.Minute)) || a.Slot.End.In(loc).After(day.Add(time.Duration(a.Assessment.Window.To)*time.Minute)) {
			t.Errorf("%s: slot %v outside the window", email, a.Slot)
		}
		if s.Before(now.Add(cfg.Meeting.MinNotice)) || a.Slot.End.After(now.Add(cfg.Horizon)) {
			t.Errorf("%s: slot %v outside [now+notice, now+horizon]", email, a.Slot)
		}
		padded := calendar.Interval{Start: a.Slot.Start.Add(-cfg.Meeting.Buffer), End: a.Slot.End.Add(cfg.Meeting.Buffer)}
		for _, e := range in.Events {
			if e.Cancelled() || (e.Transparent && e.Kind == calendar.KindDefault) || e.Tag != "" {
				continue
			}
			if e.Span(loc).Overlaps(padded) {
				t.Errorf("%s: slot %v overlaps busy %v", email, a.Slot, e.Span(loc))
			}
		}
	}
	if writes > cfg.Caps.WritesPerRun {
		t.Errorf("%d writes, cap %d", writes, cfg.Caps.WritesPerRun)
	}
	// Planned meetings never push a week or a day over its cap.
	week, day := map[time.Time]int{}, map[time.Time]int{}
	for _, a := range p.Actions {
		if a.Kind == Propose || a.Kind == Invite {
			week[weekStart(a.Slot.Start.In(loc))]++
			day[civil(a.Slot.Start.In(loc))]++
		}
	}
	for w, n := range week {
		if n > cfg.Caps.PeerPerWeek {
			t.Errorf("week of %s gets %d new meetings, cap %d", w.Format(time.DateOnly), n, cfg.Caps.PeerPerWeek)
		}
	}
	for d, n := range day {
		if n > cfg.Caps.PeerPerDay {
			t.Errorf("%s gets %d new meetings, cap %d", d.Format(time.DateOnly), n, cfg.Caps.PeerPerDay)
		}
	}
	newPeers := 0
	for _, a := range p.Actions {
		if (a.Kind == Propose || a.Kind == Invite) && a.Assessment.State == NeverMet {
			newPeers++
		}
	}
	if newPeers > cfg.Caps.NewPeersAtOnce {
		t.Errorf("%d never-met peers contacted, cap %d", newPeers, cfg.Caps.NewPeersAtOnce)
	}
}

func TestSkippedPeersDoNotCountTowardCaps(t *testing.T) {
	now := at("2026-11-30 09:00")
	peers := peer("Ava Patel", "ava@acme.test", "Engineering") + peer("Pat One", "p1@acme.test", "Finance")
	e := engine(t, "horizon: 7d\ncaps:\n  peer_1on1s_per_week: 1", peers, defaultRules)
	p, err := e.Plan(&Input{Now: now, Events: []calendar.Event{
		oneOnOne("ava@acme.test", "2026-12-01 14:00"), // same department: not a peer 1:1
		oneOnOne("p1@acme.test", "2026-09-01 10:00"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := slotOf(t, p, "p1@acme.test"); got != "Tue 2026-12-01 10:00-10:30" {
		t.Errorf("got %s, want Tue 2026-12-01 10:00-10:30 (Ava's 1:1 is not a peer 1:1)", got)
	}
}

func TestTitleMatchesNameAndAliases(t *testing.T) {
	now := at("2026-11-23 09:00")
	peers := peer("Dana Whitfield", "dana@acme.test", "Finance", `aliases: ["DW"]`) + peer("Dan Whit", "dan@acme.test", "Sales")
	e := engine(t, "", peers, defaultRules)
	as, err := e.Assess(&Input{Now: now, Events: []calendar.Event{
		ev("dana whitfield / alex", "2026-11-02 10:00", 30),
		ev("Lunch: DW", "2026-11-09 12:00", 30),
		ev("Dana Whitfieldson review", "2026-11-16 12:00", 30), // not a whole-word match
	}})
	if err != nil {
		t.Fatal(err)
	}
	if a := byEmail(as, "dana@acme.test"); a.MetCount != 2 || !a.LastMet.Equal(at("2026-11-09 12:00")) {
		t.Errorf("dana: met %d times, last %v; want 2, Nov 9 12:00", a.MetCount, a.LastMet)
	}
	if a := byEmail(as, "dan@acme.test"); a.MetCount != 0 {
		t.Errorf("dan matched %d titles, want 0", a.MetCount)
	}
}
