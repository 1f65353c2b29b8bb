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

// weeklySeries expands a weekly series of n instances from start, as the
// adapters do: one event per instance, each naming its series.
func weeklySeries(id string, n int, e calendar.Event) []calendar.Event {
	var out []calendar.Event
	last := e.Start.AddDate(0, 0, 7*(n-1))
	for k := range n {
		x := e
		x.Start, x.End = e.Start.AddDate(0, 0, 7*k), e.End.AddDate(0, 0, 7*k)
		x.ID, x.SeriesID, x.SeriesLast, x.RecurrenceID = id+"_"+x.Start.UTC().Format("20060102"), id, last, x.Start.UTC()
		out = append(out, x)
	}
	return out
}

const seriesRules = `
  - name: same department
    when: peer.department == me.department
    skip: true
  - name: standing
    series: true
    cadence: weekly
`

func TestSeriesRule(t *testing.T) {
	tests := []struct {
		cad   config.Cadence
		first string
		rule  string
		n     int
		last  string
	}{
		{config.Weekly, "2026-12-01 10:00", "RRULE:FREQ=WEEKLY;UNTIL=20270223T150000Z", 13, "2027-02-23 10:00"},
		{config.Biweekly, "2026-12-01 10:00", "RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20270223T150000Z", 7, "2027-02-23 10:00"},
		// The second Tuesday of each month, not the 8th.
		{config.Monthly, "2026-12-08 10:00", "RRULE:FREQ=MONTHLY;BYDAY=2TU;UNTIL=20270209T150000Z", 3, "2027-02-09 10:00"},
		// A fifth Tuesday is the last one.
		{config.Monthly, "2026-12-29 10:00", "RRULE:FREQ=MONTHLY;BYDAY=-1TU;UNTIL=20270223T150000Z", 3, "2027-02-23 10:00"},
		{config.Quarterly, "2026-12-08 10:00", "RRULE:FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU;UNTIL=20261208T150000Z", 1, "2026-12-08 10:00"},
		{config.Cadence{Name: "21d", Every: 21 * 24 * time.Hour}, "2026-12-01 10:00", "RRULE:FREQ=WEEKLY;INTERVAL=3;UNTIL=20270223T150000Z", 5, "2027-02-23 10:00"},
		{config.Cadence{Name: "10d", Every: 10 * 24 * time.Hour}, "2026-12-01 10:00", "RRULE:FREQ=DAILY;INTERVAL=10;UNTIL=20270301T150000Z", 10, "2027-03-01 10:00"},
	}
	for _, tt := range tests {
		first := at(tt.first)
		rule, ins := SeriesRule(tt.cad, calendar.Interval{Start: first, End: first.Add(30 * time.Minute)}, 90*24*time.Hour)
		if rule != tt.rule || len(ins) != tt.n || !ins[len(ins)-1].Start.Equal(at(tt.last)) {
			t.Errorf("%s from %s: %s, %d instances, last %s; want %s, %d, %s", tt.cad.Name, tt.first, rule, len(ins),
				ins[len(ins)-1].Start.Format("2006-01-02 15:04"), tt.rule, tt.n, tt.last)
		}
		if ins[len(ins)-1].Start.After(first.Add(90 * 24 * time.Hour)) {
			t.Errorf("%s: the last instance is past series_max", tt.cad.Name)
		}
	}
}

// TestSeriesInstancesCountInCaps: a busy month of series. Every instance of
// the user's own series, and of the series being planned, counts in the week,
// day and hours caps; a series one of whose instances would break a cap is
// held back with that cap's key.
func TestSeriesInstancesCountInCaps(t *testing.T) {
	now := at("2026-11-30 09:00") // Monday
	peers := peer("Dana Whitfield", "dana@acme.test", "Finance") +
		peer("Xena Existing", "x1@acme.test", "Design")
	// Xena's standing 1:1: the user's own weekly series, from next week, on
	// every meeting day.
	var xena []calendar.Event
	for i, day := range []string{"2026-12-08", "2026-12-09", "2026-12-10"} {
		xena = append(xena, weeklySeries("xs"+string(rune('a'+i)), 6, oneOnOne("x1@acme.test", day+" 15:00"))...)
	}
	// Five hours of team meetings on every meeting day from next week.
	var team []calendar.Event
	for i, day := range []string{"2026-12-08", "2026-12-09", "2026-12-10"} {
		team = append(team, weeklySeries("team"+string(rune('a'+i)), 6, ev("Team meeting", day+" 10:00", 300, with(me, calendar.PartStatAccepted),
			with("a@acme.test", calendar.PartStatAccepted), with("b@acme.test", calendar.PartStatAccepted)))...)
	}
	// The same as series sideways suggested to Xena, not yet accepted.
	var suggested []calendar.Event
	for _, e := range xena {
		e.Attendees, e.Transparent, e.Tag, e.TagPeer = nil, true, calendar.TagSuggestion, "x1@acme.test"
		suggested = append(suggested, e)
	}
	tests := []struct {
		name   string
		caps   string
		events []calendar.Event
		held   string // the cap key Dana's series is held back with; "" when planned
	}{
		{"day, suggested series", "peer_1on1s_per_week: 9\n  peer_1on1s_per_day: 1", suggested, "peer_1on1s_per_day"},
		{"free", "peer_1on1s_per_week: 5\n  peer_1on1s_per_day: 5", xena[:6], ""},
		{"week", "peer_1on1s_per_week: 1\n  peer_1on1s_per_day: 5", xena[:6], "peer_1on1s_per_week"},
		{"day", "peer_1on1s_per_week: 9\n  peer_1on1s_per_day: 1", xena, "peer_1on1s_per_day"},
		{"hours", "peer_1on1s_per_week: 9\n  peer_1on1s_per_day: 9\n  meeting_hours_per_day: 5", team, "meeting_hours_per_day"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := engine(t, "caps:\n  "+tt.caps, peers, seriesRules)
			evs := append([]calendar.Event{oneOnOne("dana@acme.test", "2026-09-01 10:00")}, tt.events...)
			p, err := e.Plan(&Input{Now: now, Events: evs, Writable: "work"})
			if err != nil {
				t.Fatal(err)
			}
			var got *Action
			for i := range p.Actions {
				if p.Actions[i].Assessment.Peer.Email == "dana@acme.test" {
					got = &p.Actions[i]
				}
			}
			var held string
			for _, h := range p.HeldBack {
				if h.Assessment.Peer.Email == "dana@acme.test" {
					held = h.Cap
					if !strings.Contains(h.Detail, "an instance of the series would break a cap") {
						t.Errorf("held back for %q, want a later instance named", h.Detail)
					}
				}
			}
			if held != tt.held {
				t.Fatalf("held back with %q, want %q (actions %v, held %v)", held, tt.held, summary(p), p.HeldBack)
			}
			if tt.held != "" {
				if got != nil {
					t.Errorf("a held series was planned too: %v", summary(p))
				}
				return
			}
			if got == nil || got.Series == nil {
				t.Fatalf("no series planned for Dana: %v", summary(p))
			}
			if got.Series.Visible < 4 || len(got.Series.Instances) != 13 {
				t.Errorf("series %+v: want 13 weekly instances, 4 or more in view", got.Series)
			}
			if !strings.Contains(got.Reason, "weekly series, 13 instances until") {
				t.Errorf("reason %q does not describe the series", got.Reason)
			}
		})
	}
}

// TestPlannedSeriesBlockOneAnother: two peers' series under a cap of one
// peer 1:1 a day never share a day, in any week in view.
func TestPlannedSeriesBlockOneAnother(t *testing.T) {
	now := at("2026-11-30 09:00")
	peers := peer("Dana Whitfield", "dana@acme.test", "Finance") + peer("Pat One", "p1@acme.test", "Sales")
	e := engine(t, "caps:\n  peer_1on1s_per_week: 9\n  peer_1on1s_per_day: 1\n  new_peers_at_once: 2", peers, seriesRules)
	p, err := e.Plan(&Input{Now: now, Events: []calendar.Event{
		oneOnOne("dana@acme.test", "2026-09-01 10:00"), oneOnOne("p1@acme.test", "2026-09-01 10:00")}, Writable: "work"})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Actions) != 2 || p.Actions[0].Series == nil || p.Actions[1].Series == nil {
		t.Fatalf("want two series, got %v held %v", summary(p), p.HeldBack)
	}
	days := map[string]string{}
	for _, a := range p.Actions {
		for _, in := range a.Series.Instances[:a.Series.Visible] {
			d := in.Start.Format(time.DateOnly)
			if other, ok := days[d]; ok {
				t.Errorf("%s: both %s and %s", d, other, a.Assessment.Peer.Name)
			}
			days[d] = a.Assessment.Peer.Name
		}
	}
}

// TestRenewal walks a peer's standing weekly series (the user's, with an
// end) up to its last instance: scheduled until the lead time (7 days for a
// weekly cadence), then due with a renewal that starts after the series;
// a skipped peer gets a note instead, and a series without an end never
// comes due.
func TestRenewal(t *testing.T) {
	peers := peer("Dana Whitfield", "dana@acme.test", "Finance")
	held := weeklySeries("ds", 6, oneOnOne("dana@acme.test", "2026-11-03 10:00")) // last Tue Dec 8
	endless := weeklySeries("de", 6, oneOnOne("dana@acme.test", "2026-11-03 10:00"))
	for i := range endless {
		endless[i].SeriesLast = time.Time{}
	}
	tests := []struct {
		name   string
		now    string
		rules  string
		evs    []calendar.Event
		state  State
		why    string
		action bool
		note   string
	}{
		{"before the lead time", "2026-11-30 09:00", seriesRules, held, Scheduled, "series until Tue Dec 8 2026", false, ""},
		{"inside the lead time", "2026-12-01 11:00", seriesRules, held, Due, "the series ends Tue Dec 8 2026; renewal due", true, ""},
		{"skipped", "2026-12-01 11:00", "  - name: gone\n    skip: true\n", held, Skipped, `rule "gone" says skip`, false, "will not be renewed"},
		{"no end", "2026-12-01 11:00", seriesRules, endless, Scheduled, "a series with no end", false, "has no end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := engine(t, "caps:\n  peer_1on1s_per_week: 5", peers, tt.rules)
			now := at(tt.now)
			p, err := e.Plan(&Input{Now: now, Events: tt.evs, Writable: "work"})
			if err != nil {
				t.Fatal(err)
			}
			a := byEmail(p.Peers, "dana@acme.test")
			if a.State != tt.state || !strings.Contains(a.Why, tt.why) {
				t.Errorf("%s — %s; want %s — …%s…", a.State, a.Why, tt.state, tt.why)
			}
			if got := len(p.Actions) == 1; got != tt.action {
				t.Fatalf("actions %v, want a renewal: %v", summary(p), tt.action)
			}
			if tt.action {
				if x := p.Actions[0]; !x.Slot.Start.After(at("2026-12-08 10:30")) || x.Series == nil {
					t.Errorf("the renewal %s (series %v) does not start after the series it renews", x.Slot.Start, x.Series != nil)
				}
			}
			var noted bool
			for _, w := range p.Warnings {
				noted = noted || tt.note != "" && strings.Contains(w, tt.note)
			}
			if noted != (tt.note != "") {
				t.Errorf("warnings %q, want one saying %q", p.Warnings, tt.note)
			}
		})
	}
}

// TestSeriesPlanInvariants plans series over many random calendars: every
// series ends within series_max, keeps its time of day, and its visible
// instances, with the other planned ones, never push a day or a week over
// its cap; the single-meeting invariants hold for the first instance.
func TestSeriesPlanInvariants(t *testing.T) {
	planned := 0
	for seed := range uint64(40) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 11))
			top := fmt.Sprintf("caps:\n  peer_1on1s_per_week: %d\n  peer_1on1s_per_day: %d\n  new_peers_at_once: 3\n  open_suggestions: 10\n  writes_per_run: 50\n  meeting_hours_per_day: 8\n  series_max: %dd",
				3+rng.IntN(6), 1+rng.IntN(3), 30+rng.IntN(90))
			base, in := randomWorld(t, rng, top, 3+rng.IntN(10), 20+rng.IntN(60))
			cfg := *base.Config()
			cfg.Meeting.Series = true
			e, err := Compile(&cfg)
			if err != nil {
				t.Fatal(err)
			}
			p, err := e.Plan(in)
			if err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, &cfg, in, p)
			loc := cfg.Me.Location
			week, day := map[time.Time]int{}, map[time.Time]int{}
			for _, a := range p.Actions {
				if a.Kind != Propose && a.Kind != Invite {
					continue
				}
				planned++
				s := a.Series
				if s == nil {
					t.Fatalf("%s: a single meeting with series on", a.Assessment.Peer.Email)
				}
				first := s.Instances[0].Start
				if s.Last().After(first.Add(cfg.Caps.SeriesMax)) || !first.Equal(a.Slot.Start) {
					t.Errorf("%s: series %s from %s to %s, past series_max %s", a.Assessment.Peer.Email, s.Rule, first, s.Last(), cfg.Caps.SeriesMax)
				}
				for _, in := range s.Instances {
					if in.Start.In(loc).Format("15:04") != first.In(loc).Format("15:04") {
						t.Errorf("%s: instance %s does not keep the time of %s", a.Assessment.Peer.Email, in.Start, first)
					}
				}
				for _, in := range s.Instances[:s.Visible] {
					week[weekStart(in.Start.In(loc))]++
					day[civil(in.Start.In(loc))]++
				}
			}
			for w, n := range week {
				if n > cfg.Caps.PeerPerWeek {
					t.Errorf("week of %s gets %d series instances, cap %d", w.Format(time.DateOnly), n, cfg.Caps.PeerPerWeek)
				}
			}
			for d, n := range day {
				if n > cfg.Caps.PeerPerDay {
					t.Errorf("%s gets %d series instances, cap %d", d.Format(time.DateOnly), n, cfg.Caps.PeerPerDay)
				}
			}
		})
	}
	if planned < 20 {
		t.Errorf("only %d series planned over 40 worlds: the invariants were hardly tested", planned)
	}
}

// TestSeriesConflictsReported: when no weekday keeps every instance free,
// the series is still proposed, and the instances on busy time are named in
// the plan and in the suggestion's text.
func TestSeriesConflictsReported(t *testing.T) {
	now := at("2026-11-30 09:00")
	e := engine(t, "caps:\n  meeting_hours_per_day: 9", peer("Dana Whitfield", "dana@acme.test", "Finance"),
		seriesRules+"  - name: tuesdays\n    days: [Tue]\n")
	offsite := ev("Offsite", "2026-12-08 09:00", 8*60, with(me, calendar.PartStatAccepted),
		with("a@acme.test", calendar.PartStatAccepted), with("b@acme.test", calendar.PartStatAccepted))
	p, err := e.Plan(&Input{Now: now, Writable: "work", Events: []calendar.Event{oneOnOne("dana@acme.test", "2026-09-01 10:00"), offsite}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Actions) != 1 || p.Actions[0].Series == nil {
		t.Fatalf("want Dana's series, got %v held %v", summary(p), p.HeldBack)
	}
	a := &p.Actions[0]
	if len(a.Series.Conflicts) != 1 || !a.Series.Conflicts[0].Start.Equal(at("2026-12-08 10:00")) {
		t.Errorf("conflicts %v, want the instance on Tue Dec 8", a.Series.Conflicts)
	}
	const want = "meet busy time: Tue Dec 8"
	if !strings.Contains(a.Reason, want) || !strings.Contains(SuggestionText(e.Config(), a), want) {
		t.Errorf("the conflict is not named: reason %q; text:\n%s", a.Reason, SuggestionText(e.Config(), a))
	}
}
