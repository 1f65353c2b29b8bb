package rules

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sidewayscal/sideways/calendar"
)

// TestHealthFigures checks the figures against values worked out by hand. The
// counted window is the 120 days from Sun Jul 26 to Mon Nov 23 2026; a monthly
// cadence (30 days) cuts it into 4 periods: 0-29, 30-59, 60-89 and 90-119 days ago.
func TestHealthFigures(t *testing.T) {
	now := at("2026-11-23 09:00")
	start := at("2026-07-26 09:00")
	for _, c := range []struct {
		name  string
		start string // overrides the window start
		cad   int
		held  []string
		want  Health
		over  int // gaps longer than the cadence
	}{
		{
			// 100, 70, 40 and 10 days ago: one per period. Gaps 20, 30, 30, 30, 10.
			name: "met every cycle", cad: 30,
			held: []string{"2026-08-15 10:00", "2026-09-14 10:00", "2026-10-14 10:00", "2026-11-13 10:00"},
			want: Health{Periods: 4, MetPeriods: 4, Held: 4, LongestGapDays: 30, LongestGap: 1, FirstMet: at("2026-08-15 10:00")},
		},
		{
			// 100 and 40 days ago: periods 3 and 1. Gaps 20, 60, 40.
			name: "met half the time", cad: 30,
			held: []string{"2026-08-15 10:00", "2026-10-14 10:00"},
			want: Health{Periods: 4, MetPeriods: 2, Held: 2, LongestGapDays: 60, LongestGap: 2, FirstMet: at("2026-08-15 10:00")},
			over: 2,
		},
		{
			// 115, 110 and 5 days ago: periods 3, 3 and 0. Gaps 5, 5, 105, 5.
			name: "long gap", cad: 30,
			held: []string{"2026-07-31 10:00", "2026-08-05 10:00", "2026-11-18 10:00"},
			want: Health{Periods: 4, MetPeriods: 2, Held: 3, LongestGapDays: 105, LongestGap: 3.5, FirstMet: at("2026-07-31 10:00")},
			over: 1,
		},
		{
			// The whole window is one gap of 120 days: 4 cadences.
			name: "never met", cad: 30,
			want: Health{Periods: 4, LongestGapDays: 120, LongestGap: 4},
			over: 1,
		},
		{
			// Weekly over the same window: 17 whole weeks (119 days), the first
			// day left over. 10 days ago is week 1, 40 days ago week 5.
			name: "weekly, twice", cad: 7,
			held: []string{"2026-10-14 10:00", "2026-11-13 10:00"},
			want: Health{Periods: 17, MetPeriods: 2, Held: 2, LongestGapDays: 80, LongestGap: 80.0 / 7, FirstMet: at("2026-10-14 10:00")},
			over: 3,
		},
		{
			// A peer since Oct 9 (45 days): one whole month, met 10 days ago.
			name: "since cuts the window", start: "2026-10-09 00:00", cad: 30,
			held: []string{"2026-11-13 10:00"},
			want: Health{Periods: 1, MetPeriods: 1, Held: 1, LongestGapDays: 35, LongestGap: 35.0 / 30, FirstMet: at("2026-11-13 10:00")},
			over: 1,
		},
		{
			// Since 20 days ago: no whole month yet, so no share.
			name: "no whole period", start: "2026-11-03 00:00", cad: 30,
			want: Health{LongestGapDays: 20, LongestGap: 20.0 / 30},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := start
			if c.start != "" {
				s = at(c.start)
			}
			var held []time.Time
			for _, h := range c.held {
				held = append(held, at(h))
			}
			gaps, got := health(now, s, c.cad, held)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("health (-want +got):\n%s", diff)
			}
			if len(gaps) != len(held)+1 {
				t.Errorf("got %d gaps, want %d", len(gaps), len(held)+1)
			}
			over := 0
			for _, g := range gaps {
				if !g.Over.IsZero() {
					over++
					if g.Days <= c.cad || !g.Over.After(g.From) || !g.Over.Before(g.To) {
						t.Errorf("gap %v–%v (%d days) passes the cadence at %v", g.From, g.To, g.Days, g.Over)
					}
				}
			}
			if over != c.over {
				t.Errorf("got %d gaps longer than the cadence, want %d", over, c.over)
			}
		})
	}
	if got := (Health{Periods: 4, MetPeriods: 2}).Share(); got != 0.5 {
		t.Errorf("share of 2 in 4 = %v, want 0.5", got)
	}
	if got := (Health{}).Share(); got != -1 {
		t.Errorf("share without a period = %v, want -1", got)
	}
}

// TestReportRoster checks the roster figures, the marks and the review questions.
func TestReportRoster(t *testing.T) {
	now := at("2026-11-23 09:00")
	peers := peer("Dana Whitfield", "dana@acme.test", "Finance", "interdependence: high") +
		peer("Marcus Chen", "marcus@acme.test", "Sales", "tier: forever") +
		peer("Ethan Park", "ethan@acme.test", "Infra", "tier: right-now", "until: 2026-10-31") +
		peer("Hannah Okafor", "hannah@acme.test", "Legal", "tier: forever") +
		peer("Sofia Alvarez", "sofia@acme.test", "Design", "tier: forever") +
		peer("Ava Patel", "ava@acme.test", "Engineering")
	e := engine(t, "goals:\n  min_standing_peers: 3", peers, defaultRules)
	var events []calendar.Event
	// Marcus (monthly): a 1:1 every week for the last 120 days, one of them
	// cancelled, and the next one booked: met far more often than the cadence.
	for d := at("2026-07-28 10:00"); d.Before(now); d = d.AddDate(0, 0, 7) {
		if d.Equal(at("2026-09-01 10:00")) {
			events = append(events, oneOnOne("marcus@acme.test", d.Format("2006-01-02 15:04"), cancelled))
			continue
		}
		events = append(events, oneOnOne("marcus@acme.test", d.Format("2006-01-02 15:04")))
	}
	events = append(events,
		oneOnOne("marcus@acme.test", "2026-11-24 10:00"),
		// Dana (weekly): first ever 1:1 last month, then nothing: newly met,
		// and a forever peer (the default tier) more than two cadences overdue.
		oneOnOne("dana@acme.test", "2026-10-20 10:00"),
		// Ethan: right-now, past until.
		oneOnOne("ethan@acme.test", "2026-10-01 09:00"),
		// Hannah: never met after two suggestions, one of them deleted.
		suggestion("hannah@acme.test", "2026-09-15 14:00"),
		suggestion("hannah@acme.test", "2026-11-25 14:00"),
		// Sofia (monthly): last met 100 days ago, more than two cadences.
		oneOnOne("sofia@acme.test", "2026-08-15 10:00"),
		// Ava: same department, met recently; skipped, so not standing.
		oneOnOne("ava@acme.test", "2026-11-20 10:00"),
	)
	events[len(events)-4].Status = calendar.StatusCancelled // Hannah's first suggestion
	in := &Input{Now: now, Events: events, Dismissals: []Dismissal{{Peer: "hannah@acme.test", At: at("2026-09-14 12:00")}}}
	p, err := e.Plan(in)
	if err != nil {
		t.Fatal(err)
	}
	r := e.Report(in, p, nil)
	if len(r.Peers) != 6 {
		t.Fatalf("got %d peers, want 6", len(r.Peers))
	}
	// Standing: Marcus (scheduled) only; Dana is overdue, Sofia overdue,
	// Hannah suggested, Ethan and Ava skipped.
	if r.Standing != 1 || r.Goal != 3 {
		t.Errorf("standing %d of goal %d, want 1 of 3", r.Standing, r.Goal)
	}
	var newly []string
	for _, a := range r.NewlyMet {
		newly = append(newly, a.Peer.Name)
	}
	// Ethan's first 1:1 (Oct 1) is also in the last quarter.
	if diff := cmp.Diff([]string{"Dana Whitfield", "Ethan Park"}, newly); diff != "" {
		t.Errorf("newly met (-want +got):\n%s", diff)
	}
	var kinds []string
	for _, rv := range r.Reviews {
		kinds = append(kinds, rv.Peer.Peer.Name+": "+rv.Kind)
	}
	want := []string{
		"Dana Whitfield: overdue_forever",
		"Marcus Chen: more_often",
		"Ethan Park: past_until",
		"Hannah Okafor: never_met_suggested",
		"Sofia Alvarez: overdue_forever",
	}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("reviews (-want +got):\n%s", diff)
	}
	count := map[MarkKind]int{}
	for _, m := range r.Peers[1].Marks {
		count[m.Kind]++
	}
	// Jul 28 to Nov 17: 17 weeks, one cancelled; Nov 24 booked.
	if diff := cmp.Diff(map[MarkKind]int{MarkHeld: 16, MarkFailed: 1, MarkScheduled: 1}, count); diff != "" {
		t.Errorf("Marcus's marks (-want +got):\n%s", diff)
	}
	// The calendars begin with Marcus's first 1:1, 118 days ago: the counted
	// windows start there, not 365 days ago.
	if !r.DataFrom.Equal(at("2026-07-28 10:00")) || !r.Peers[0].Start.Equal(r.DataFrom) {
		t.Errorf("data from %v, Dana's window from %v; want both 2026-07-28 10:00", r.DataFrom, r.Peers[0].Start)
	}
	// 118 days: 3 whole months, each met; Sep 1 cancelled, so 16 held.
	if h := r.Peers[1].Health; h.Periods != 3 || h.MetPeriods != 3 || h.Held != 16 {
		t.Errorf("Marcus: %d of %d periods, %d held; want 3 of 3, 16 held", h.MetPeriods, h.Periods, h.Held)
	}
	hannah := r.Peers[3]
	if hannah.Suggestions != 2 || hannah.Dismissed != 1 {
		t.Errorf("Hannah: %d suggestions, %d dismissed; want 2 and 1", hannah.Suggestions, hannah.Dismissed)
	}
	if got := hannah.Marks; len(got) != 2 || got[0].Kind != MarkDismissed || got[1].Kind != MarkSuggestion {
		t.Errorf("Hannah's marks = %v, want a dismissal then an open suggestion", got)
	}
}

// TestDismissedCountsOnlyTheUsersDeletions: a deleted suggestion counts as
// dismissed unless the audit log, or the calendar's mark (what a fresh state
// folder has), says sideways withdrew it itself.
func TestDismissedCountsOnlyTheUsersDeletions(t *testing.T) {
	now := at("2026-11-23 09:00")
	e := engine(t, "", peer("Marcus Chen", "marcus@acme.test", "Sales"), defaultRules)
	in := &Input{Now: now, Events: []calendar.Event{
		oneOnOne("marcus@acme.test", "2026-11-10 10:00"),
		suggestion("marcus@acme.test", "2026-10-06 14:00"),
		suggestion("marcus@acme.test", "2026-10-20 14:00"),
	}}
	for i := 1; i < 3; i++ {
		in.Events[i].Status = calendar.StatusCancelled
	}
	p, err := e.Plan(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		withdrawn Withdrawn
		dismissed int
		reviews   int
	}{
		{nil, 2, 1},
		{Withdrawn{"work/" + in.Events[1].ID: true}, 1, 0},
		{Withdrawn{"work/" + in.Events[1].ID: true, "work/" + in.Events[2].ID: true}, 0, 0},
	} {
		r := e.Report(in, p, c.withdrawn)
		if got := r.Peers[0]; got.Suggestions != 2 || got.Dismissed != c.dismissed || len(r.Reviews) != c.reviews {
			t.Errorf("withdrawn %v: %d suggestions, %d dismissed, %d reviews; want 2, %d, %d",
				c.withdrawn, got.Suggestions, got.Dismissed, len(r.Reviews), c.dismissed, c.reviews)
		}
	}
	in.Events[1].Withdrawn = true // the calendar's mark, with no audit log
	if got := e.Report(in, p, nil).Peers[0]; got.Dismissed != 1 {
		t.Errorf("a suggestion marked withdrawn counts as dismissed: %d dismissed, want 1", got.Dismissed)
	}
}
