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

// benchWorld builds a config with nPeers peers and a year of calendar with
// nEvents events: 1:1s with peers, group meetings, focus blocks and all-day
// events, deterministic for a given size.
func benchWorld(tb testing.TB, nPeers, nEvents int) (*Engine, *Input) {
	tb.Helper()
	var peers strings.Builder
	zones := []string{"America/New_York", "Europe/London", "Europe/Berlin", "Asia/Kolkata", "America/Los_Angeles"}
	depts := []string{"Finance", "Sales", "Legal", "Design", "Product", "Engineering"}
	levels := []string{"high", "medium", "low"}
	for i := range nPeers {
		fmt.Fprintf(&peers, "  - name: Peer%d Person%d\n    email: p%d@acme.test\n    department: %s\n    timezone: %s\n    interdependence: %s\n",
			i, i, i, depts[i%len(depts)], zones[i%len(zones)], levels[i%len(levels)])
	}
	cfg, err := config.Parse("bench.yaml", []byte(fmt.Sprintf(baseYAML, "caps:\n  writes_per_run: 50\n  open_suggestions: 50\n  peer_1on1s_per_week: 20\n  peer_1on1s_per_day: 4\n  new_peers_at_once: 5", peers.String(), defaultRules)))
	if err != nil {
		tb.Fatal(err)
	}
	e, err := Compile(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	now := at("2026-11-23 09:00")
	rng := rand.New(rand.NewPCG(1, uint64(nEvents)))
	start := now.AddDate(-1, 0, 0)
	span := int(now.AddDate(0, 0, 30).Sub(start) / (15 * time.Minute))
	events := make([]calendar.Event, 0, nEvents)
	for i := range nEvents {
		s := start.Add(time.Duration(rng.IntN(span)) * 15 * time.Minute)
		e := calendar.Event{Calendar: "work", UID: fmt.Sprintf("e%d@bench", i), Start: s, End: s.Add(30 * time.Minute), Status: calendar.StatusConfirmed}
		switch r := rng.IntN(10); {
		case r < 3: // a 1:1 with a peer
			p := rng.IntN(nPeers + nPeers/4) // some with people off the roster
			e.Summary = "1:1"
			e.Attendees = []calendar.Attendee{{Email: me, PartStat: calendar.PartStatAccepted}, {Email: fmt.Sprintf("p%d@acme.test", p), PartStat: calendar.PartStatAccepted}}
			if rng.IntN(10) == 0 {
				e.Status = calendar.StatusCancelled
			}
		case r < 7: // a group meeting
			e.Summary = "Team sync"
			e.End = s.Add(time.Hour)
			for k := range 4 {
				e.Attendees = append(e.Attendees, calendar.Attendee{Email: fmt.Sprintf("p%d@acme.test", rng.IntN(nPeers)+k), PartStat: calendar.PartStatAccepted})
			}
			e.Attendees = append(e.Attendees, calendar.Attendee{Email: me, PartStat: calendar.PartStatAccepted})
		case r < 9: // focus time or a title-only event
			e.Summary = fmt.Sprintf("Coffee with Peer%d Person%d", rng.IntN(nPeers), rng.IntN(nPeers))
		default:
			d := time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, time.UTC)
			e.Summary, e.AllDay, e.Start, e.End, e.Transparent = "Reminder", true, d, d.AddDate(0, 0, 1), true
		}
		events = append(events, e)
	}
	return e, &Input{Now: now, Events: events}
}

func benchPlan(b *testing.B, nEvents int) {
	e, in := benchWorld(b, 200, nEvents)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Plan(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlan measures assessment plus planning for 200 peers; compare the
// two sizes for how the work grows with the calendar.
func BenchmarkPlan(b *testing.B) {
	for _, n := range []int{5_000, 50_000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) { benchPlan(b, n) })
	}
}

func TestBenchWorldPlans(t *testing.T) {
	e, in := benchWorld(t, 200, 5_000)
	p, err := e.Plan(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Peers) != 200 || len(p.Actions) == 0 {
		t.Fatalf("got %d peers and %d actions, want 200 peers and some actions", len(p.Peers), len(p.Actions))
	}
}
