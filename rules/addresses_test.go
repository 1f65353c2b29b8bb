package rules

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/config"
)

// A peer with several addresses is met under any of them, in any case; a
// dismissal under one snoozes the peer; history under an address nobody has
// does not count.
func TestPeerMetUnderSecondAddress(t *testing.T) {
	now := at("2026-11-23 09:00")
	peers := "  - name: Dana Whitfield\n    emails: [dana@acme.test, Dana@Acme.IO]\n    department: Finance\n" +
		peer("Eli Moss", "eli@acme.test", "Design")
	e := engine(t, "", peers, defaultRules)
	for _, tc := range []struct {
		name   string
		events []calendar.Event
		state  State
		met    string
	}{
		{"second address", []calendar.Event{oneOnOne("DANA@acme.io", "2026-11-10 10:00")}, OK, "2026-11-10"},
		{"primary address", []calendar.Event{oneOnOne("dana@acme.test", "2026-11-12 10:00")}, OK, "2026-11-12"},
		{"both addresses on one event count once", []calendar.Event{
			ev("1:1", "2026-11-10 10:00", 30, with(me, calendar.PartStatAccepted), with("dana@acme.test", calendar.PartStatAccepted), with("dana@acme.io", calendar.PartStatAccepted)),
		}, OK, "2026-11-10"},
		{"another person's address", []calendar.Event{oneOnOne("dana@elsewhere.test", "2026-11-10 10:00")}, NeverMet, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			as, err := e.Assess(&Input{Now: now, Events: tc.events})
			if err != nil {
				t.Fatal(err)
			}
			a := byEmail(as, "dana@acme.test")
			if a.State != tc.state {
				t.Errorf("state %s (%s), want %s", a.State, a.Why, tc.state)
			}
			if got := dateOf(a.LastMet); got != tc.met {
				t.Errorf("last met %q, want %q", got, tc.met)
			}
			if tc.met != "" && a.MetCount != 1 {
				t.Errorf("met count %d, want 1", a.MetCount)
			}
		})
	}
	// A dismissal recorded under the second address snoozes Dana.
	as, err := e.Assess(&Input{Now: now, Dismissals: []Dismissal{{Peer: "dana@acme.io", At: at("2026-11-20 09:00")}}})
	if err != nil {
		t.Fatal(err)
	}
	if a := byEmail(as, "dana@acme.test"); a.State != Snoozed {
		t.Errorf("dismissed under the second address: state %s, want snoozed", a.State)
	}
	// CEL sees every address, the primary first.
	e2 := engine(t, "", peers, `
  - name: alias domain
    when: '"dana@acme.io" in peer.emails && peer.email == "dana@acme.test"'
    cadence: weekly
`)
	as, err = e2.Assess(&Input{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if a := byEmail(as, "dana@acme.test"); a.Rules["cadence"] != "alias domain" {
		t.Errorf("peer.emails rule did not match: cadence from %q", a.Rules["cadence"])
	}
}

func dateOf(t interface{ Format(string) string }) string {
	s := t.Format("2006-01-02")
	if strings.HasPrefix(s, "0001") {
		return ""
	}
	return s
}

// A holidays calendar's all-day events block their day even when marked free
// (as Google's public-holiday calendars mark them), and are never 1:1s.
func TestHolidaysBlockTheirDay(t *testing.T) {
	now := at("2026-11-23 09:00")
	peers := peer("Dana Whitfield", "dana@acme.test", "Finance", "interdependence: high")
	yaml := strings.Replace(fmt.Sprintf(baseYAML, "", peers, defaultRules), "    ics: work.ics\n",
		"    ics: work.ics\n  - name: us holidays\n    ics: holidays.ics\n    holidays: true\n", 1)
	cfg, err := config.Parse("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	e, err := Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	thanksgiving := allDay("Thanksgiving Day Dana", "2026-11-26", 1, transparent, func(e *calendar.Event) { e.Calendar = "us holidays" })
	// Tue 24 and Wed 25 are full; without the holiday, Thu 26 is the first free day.
	events := []calendar.Event{
		oneOnOne("dana@acme.test", "2026-11-02 10:00"),
		ev("Planning", "2026-11-24 09:00", 8*60),
		ev("Planning", "2026-11-25 09:00", 8*60),
	}
	p, err := e.Plan(&Input{Now: now, Events: events})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := slotOf(t, p, "dana@acme.test"); !strings.HasPrefix(got, "Thu 2026-11-26") {
		t.Fatalf("without the holiday: got %s, want Thu 2026-11-26", got)
	}
	p, err = e.Plan(&Input{Now: now, Events: append(events, thanksgiving)})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := slotOf(t, p, "dana@acme.test")
	if strings.HasPrefix(got, "Thu 2026-11-26") || got == "" {
		t.Errorf("with a transparent holiday on Thu 26: got %q, want a later day", got)
	}
	if a := byEmail(p.Peers, "dana@acme.test"); dateOf(a.LastMet) != "2026-11-02" {
		t.Errorf("a holiday named after a peer counted as a 1:1: last met %s", dateOf(a.LastMet))
	}
	if m := e.MatchEvent(&thanksgiving, now); len(m.Peers) != 0 || m.NotOneOnOne != WhyHoliday {
		t.Errorf("MatchEvent(holiday) = %+v", m)
	}
	// The same transparent all-day event on an ordinary calendar does not block.
	plain := thanksgiving
	plain.Calendar = "work"
	plain.Summary = "Thanksgiving Day"
	p, err = e.Plan(&Input{Now: now, Events: append(events, plain)})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := slotOf(t, p, "dana@acme.test"); !strings.HasPrefix(got, "Thu 2026-11-26") {
		t.Errorf("transparent all-day on an ordinary calendar: got %s, want Thu 2026-11-26", got)
	}
}
