// Package rulestest builds large, deterministic worlds (a roster and a year of
// calendar) for the benchmarks of package rules and of the report page, so
// that both measure the same input.
package rulestest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/sidewayscal/sideways/calendar"
)

// Me is the user's email in a World.
const Me = "alex@acme.test"

// Now is a World's "today": Monday 2026-11-23 09:00 in New York.
var Now = time.Date(2026, 11, 23, 9, 0, 0, 0, mustLoad("America/New_York"))

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// World returns a config (YAML) with nPeers peers and a year of calendar up to
// a month after Now with nEvents events: 1:1s with peers (a tenth cancelled,
// some with people off the roster), group meetings, title-only coffees and
// all-day reminders. The same sizes give the same world.
func World(nPeers, nEvents int) (config []byte, events []calendar.Event) {
	var peers strings.Builder
	zones := []string{"America/New_York", "Europe/London", "Europe/Berlin", "Asia/Kolkata", "America/Los_Angeles"}
	depts := []string{"Finance", "Sales", "Legal", "Design", "Product", "Engineering"}
	levels := []string{"high", "medium", "low"}
	for i := range nPeers {
		fmt.Fprintf(&peers, "  - name: Peer%d Person%d\n    email: p%d@acme.test\n    department: %s\n    timezone: %s\n    interdependence: %s\n",
			i, i, i, depts[i%len(depts)], zones[i%len(zones)], levels[i%len(levels)])
	}
	config = fmt.Appendf(nil, BaseYAML, "caps:\n  writes_per_run: 50\n  open_suggestions: 50\n  peer_1on1s_per_week: 20\n  peer_1on1s_per_day: 4\n  new_peers_at_once: 5", peers.String(), DefaultRules)
	now := Now
	rng := rand.New(rand.NewPCG(1, uint64(nEvents)))
	start := now.AddDate(-1, 0, 0)
	span := int(now.AddDate(0, 0, 30).Sub(start) / (15 * time.Minute))
	events = make([]calendar.Event, 0, nEvents)
	for i := range nEvents {
		s := start.Add(time.Duration(rng.IntN(span)) * 15 * time.Minute)
		e := calendar.Event{Calendar: "work", UID: fmt.Sprintf("e%d@bench", i), Start: s, End: s.Add(30 * time.Minute), Status: calendar.StatusConfirmed}
		switch r := rng.IntN(10); {
		case r < 3: // a 1:1 with a peer
			p := rng.IntN(nPeers + nPeers/4) // some with people off the roster
			e.Summary = "1:1"
			e.Attendees = []calendar.Attendee{{Email: Me, PartStat: calendar.PartStatAccepted}, {Email: fmt.Sprintf("p%d@acme.test", p), PartStat: calendar.PartStatAccepted}}
			if rng.IntN(10) == 0 {
				e.Status = calendar.StatusCancelled
			}
		case r < 7: // a group meeting
			e.Summary = "Team sync"
			e.End = s.Add(time.Hour)
			for k := range 4 {
				e.Attendees = append(e.Attendees, calendar.Attendee{Email: fmt.Sprintf("p%d@acme.test", rng.IntN(nPeers)+k), PartStat: calendar.PartStatAccepted})
			}
			e.Attendees = append(e.Attendees, calendar.Attendee{Email: Me, PartStat: calendar.PartStatAccepted})
		case r < 9: // focus time or a title-only event
			e.Summary = fmt.Sprintf("Coffee with Peer%d Person%d", rng.IntN(nPeers), rng.IntN(nPeers))
		default:
			d := time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, time.UTC)
			e.Summary, e.AllDay, e.Start, e.End, e.Transparent = "Reminder", true, d, d.AddDate(0, 0, 1), true
		}
		events = append(events, e)
	}
	return config, events
}

// BaseYAML is a config with every section the tests and benchmarks lean on:
// its %s take top-level overrides, the peers and the rules, in that order.
const BaseYAML = `
me:
  name: Alex Rivera
  emails: [alex@acme.test, arivera@acme.test]
  department: Engineering
  timezone: America/New_York
calendars:
  - name: work
    ics: work.ics
mode: report
meeting:
  days: [Tue, Wed, Thu]
  window: "10:00-16:00"
  buffer: 10m
  min_notice: 24h
%s
peers:
%s
rules:
%s
`

// DefaultRules skip the same department, then cadence by interdependence
// and tier.
const DefaultRules = `
  - name: same department
    when: peer.department == me.department
    skip: true
  - name: high weekly
    when: peer.interdependence == "high"
    cadence: weekly
  - name: forever monthly
    when: peer.tier == "forever"
    cadence: monthly
  - name: rest quarterly
    cadence: quarterly
`
