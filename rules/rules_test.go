package rules

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/config"
	"github.com/sidewayscal/sideways/rules/rulestest"
)

var ny = mustLoad("America/New_York")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at reads "2006-01-02 15:04" in New York.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, ny)
	if err != nil {
		panic(err)
	}
	return t
}

const me = "alex@acme.test"

// The tests' config and rules are the benchmarks' (rulestest).
const (
	baseYAML     = rulestest.BaseYAML
	defaultRules = rulestest.DefaultRules
)

func peer(name, email, dept string, extra ...string) string {
	s := fmt.Sprintf("  - name: %s\n    email: %s\n    department: %s\n", name, email, dept)
	for _, e := range extra {
		s += "    " + e + "\n"
	}
	return s
}

func engine(t *testing.T, top, peers, rules string) *Engine {
	t.Helper()
	cfg, err := config.Parse("test.yaml", []byte(fmt.Sprintf(baseYAML, top, peers, rules)))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	e, err := Compile(cfg)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return e
}

// proposingEngine is engine over a config that proposes to a writable Google
// calendar instead of reporting from an ICS file.
func proposingEngine(t *testing.T, top, peers, rules string) *Engine {
	t.Helper()
	yaml := strings.NewReplacer("    ics: work.ics\n", "    google: {}\n    writable: true\n", "mode: report\n", "mode: propose\n").
		Replace(fmt.Sprintf(baseYAML, top, peers, rules))
	cfg, err := config.Parse("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	e, err := Compile(cfg)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return e
}

type evOpt func(*calendar.Event)

func ev(summary, start string, minutes int, opts ...evOpt) calendar.Event {
	s := at(start)
	e := calendar.Event{Calendar: "work", UID: summary + "@" + start, Summary: summary, Start: s,
		End: s.Add(time.Duration(minutes) * time.Minute), Status: calendar.StatusConfirmed}
	for _, o := range opts {
		o(&e)
	}
	return e
}

func with(email string, ps calendar.PartStat) evOpt {
	return func(e *calendar.Event) {
		e.Attendees = append(e.Attendees, calendar.Attendee{Email: email, PartStat: ps})
	}
}

func cancelled(e *calendar.Event)   { e.Status = calendar.StatusCancelled }
func transparent(e *calendar.Event) { e.Transparent = true }

func room(e *calendar.Event) {
	e.Attendees = append(e.Attendees, calendar.Attendee{Email: "room-4@acme.test", PartStat: calendar.PartStatAccepted, Resource: true})
}

// oneOnOne is an accepted 1:1 between me and the peer.
func oneOnOne(peer, start string, opts ...evOpt) calendar.Event {
	return ev("1:1", start, 30, append([]evOpt{with(me, calendar.PartStatAccepted), with(peer, calendar.PartStatAccepted)}, opts...)...)
}

func allDay(summary, date string, days int, opts ...evOpt) calendar.Event {
	d, _ := time.Parse(time.DateOnly, date)
	e := calendar.Event{Calendar: "work", UID: summary, Summary: summary, Start: d, End: d.AddDate(0, 0, days), AllDay: true, Status: calendar.StatusConfirmed}
	for _, o := range opts {
		o(&e)
	}
	return e
}

func suggestion(peer, start string) calendar.Event {
	return ev("Suggested: peer 1:1", start, 30, transparent, func(e *calendar.Event) {
		e.Tag, e.TagPeer, e.ID = calendar.TagSuggestion, peer, "sugg"+strings.ReplaceAll(start, " ", "")
	})
}

func byEmail(as []Assessment, email string) *Assessment {
	for i := range as {
		if as[i].Peer.Email == email {
			return &as[i]
		}
	}
	return nil
}

func TestAssessStates(t *testing.T) {
	now := at("2026-11-23 09:00")
	peers := peer("Dana Whitfield", "dana@acme.test", "Finance", "interdependence: high", `aliases: ["Dana W"]`) +
		peer("Marcus Chen", "marcus@acme.test", "Sales") +
		peer("Sofia Alvarez", "sofia@acme.test", "Design") +
		peer("Priya Raman", "priya@acme.test", "Product") +
		peer("Ava Patel", "ava@acme.test", "Engineering") +
		peer("Ethan Park", "ethan@acme.test", "Infra", "tier: right-now", "until: 2026-10-31") +
		peer("Hannah Okafor", "hannah@acme.test", "Legal") +
		peer("Liam OBrien", "liam@acme.test", "Marketing") +
		peer("Noah Williams", "noah@acme.test", "Data") +
		peer("Tom Becker", "tom@acme.test", "Security", "interdependence: high") +
		peer("Grace Kim", "grace@acme.test", "Success")
	e := engine(t, "", peers, defaultRules)
	events := []calendar.Event{
		// Dana: weekly, last met 14 days ago, by title only (no attendee data).
		ev("Coffee with Dana W", "2026-11-09 10:00", 30),
		// Marcus: monthly, met 13 days ago → ok; a group meeting later does not count.
		oneOnOne("marcus@acme.test", "2026-11-10 11:00"),
		ev("Pipeline review", "2026-11-20 11:00", 60, with(me, calendar.PartStatAccepted),
			with("marcus@acme.test", calendar.PartStatAccepted), with("hannah@acme.test", calendar.PartStatAccepted)),
		// Sofia: monthly, 25 days ago → due (lead 7 days); a room does not make a group.
		oneOnOne("sofia@acme.test", "2026-10-29 14:00", room),
		// Priya: a future 1:1 → scheduled, even though never met before.
		oneOnOne("priya@acme.test", "2026-11-24 09:00"),
		// Ava: same department → skipped whatever the calendar says.
		oneOnOne("ava@acme.test", "2026-11-01 09:00"),
		// Ethan: right-now, past until.
		oneOnOne("ethan@acme.test", "2026-10-01 09:00"),
		// Liam: an open suggestion.
		suggestion("liam@acme.test", "2026-11-25 14:00"),
		// Tom: weekly, held Oct 22, then cancelled, declined by Tom, declined by me.
		oneOnOne("tom@acme.test", "2026-10-22 10:00"),
		oneOnOne("tom@acme.test", "2026-10-29 10:00", cancelled),
		ev("1:1", "2026-11-05 10:00", 30, with(me, calendar.PartStatAccepted), with("tom@acme.test", calendar.PartStatDeclined)),
		ev("1:1", "2026-11-12 10:00", 30, with("arivera@acme.test", calendar.PartStatDeclined), with("tom@acme.test", calendar.PartStatAccepted)),
		// Grace: a pending invite sideways wrote.
		ev("Peer 1:1", "2026-12-02 11:00", 30, with(me, calendar.PartStatAccepted), with("grace@acme.test", calendar.PartStatNeedsAction),
			func(e *calendar.Event) { e.Tag, e.TagPeer = calendar.TagInvite, "grace@acme.test" }),
		oneOnOne("grace@acme.test", "2026-08-20 11:00"),
		// Noah: met long ago, dismissed a suggestion 5 days ago.
		oneOnOne("noah@acme.test", "2026-07-14 11:00"),
	}
	as, err := e.Assess(&Input{Now: now, Events: events, Dismissals: []Dismissal{{Peer: "noah@acme.test", At: at("2026-11-18 16:00")}}})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		State           State
		Cadence         string
		Rule            string
		DaysSinceLast   int
		MetCount        int
		CancelledStreak int
	}
	want := map[string]row{
		"dana@acme.test":   {Overdue, "weekly", "high weekly", 14, 1, 0},
		"marcus@acme.test": {OK, "monthly", "forever monthly", 13, 1, 0},
		"sofia@acme.test":  {Due, "monthly", "forever monthly", 25, 1, 0},
		"priya@acme.test":  {Scheduled, "monthly", "forever monthly", -1, 0, 0},
		"ava@acme.test":    {Skipped, "monthly", "forever monthly", 22, 1, 0},
		"ethan@acme.test":  {Skipped, "quarterly", "rest quarterly", 53, 1, 0},
		"hannah@acme.test": {NeverMet, "monthly", "forever monthly", -1, 0, 0},
		"liam@acme.test":   {Suggested, "monthly", "forever monthly", -1, 0, 0},
		"noah@acme.test":   {Snoozed, "monthly", "forever monthly", 132, 1, 0},
		"tom@acme.test":    {Overdue, "weekly", "high weekly", 32, 1, 3},
		"grace@acme.test":  {Invited, "monthly", "forever monthly", 95, 1, 0},
	}
	got := map[string]row{}
	for _, a := range as {
		got[a.Peer.Email] = row{a.State, a.Cadence.Name, a.Rules["cadence"], a.DaysSinceLast, a.MetCount, a.CancelledStreak}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("assessments (-want +got):\n%s", diff)
	}
	if a := byEmail(as, "priya@acme.test"); !a.NextScheduled.Equal(at("2026-11-24 09:00")) {
		t.Errorf("priya next scheduled = %v, want 2026-11-24 09:00", a.NextScheduled)
	}
	if a := byEmail(as, "noah@acme.test"); !a.SnoozedUntil.Equal(at("2026-12-02 16:00")) {
		t.Errorf("noah snoozed until %v, want 2026-12-02 16:00", a.SnoozedUntil)
	}
	if a := byEmail(as, "ava@acme.test"); a.Rules["skip"] != "same department" {
		t.Errorf("ava skip rule = %q", a.Rules["skip"])
	}
}

func TestLookbackAndMaxAttendees(t *testing.T) {
	now := at("2026-11-23 09:00")
	peers := peer("Dana Whitfield", "dana@acme.test", "Finance") + peer("Bo Li", "bo@acme.test", "Ops")
	// A 1:1 with a note-taker: three people.
	three := oneOnOne("dana@acme.test", "2026-11-16 10:00", with("notes@acme.test", calendar.PartStatAccepted))
	old := oneOnOne("bo@acme.test", "2025-10-01 10:00") // outside a 365-day look-back
	for _, tc := range []struct {
		max  string
		want State
	}{{"", NeverMet}, {"one_on_one:\n  max_attendees: 3", OK}} {
		e := engine(t, tc.max, peers, defaultRules)
		as, err := e.Assess(&Input{Now: now, Events: []calendar.Event{three, old}})
		if err != nil {
			t.Fatal(err)
		}
		if got := byEmail(as, "dana@acme.test").State; got != tc.want {
			t.Errorf("max_attendees %q: dana = %s, want %s", tc.max, got, tc.want)
		}
		if got := byEmail(as, "bo@acme.test").State; got != NeverMet {
			t.Errorf("bo met 418 days ago = %s, want never_met", got)
		}
	}
}

func TestSinceAndWarnings(t *testing.T) {
	now := at("2026-11-23 09:00")
	peers := peer("Sam Ito", "sam@acme.test", "Sales", "since: 2026-12-01") +
		peer("Ethan Park", "ethan@acme.test", "Infra", "tier: right-now", "until: 2026-10-31") +
		peer("Tom Becker", "tom@acme.test", "Security")
	e := engine(t, "", peers, defaultRules)
	p, err := e.Plan(&Input{Now: now, Events: []calendar.Event{
		oneOnOne("tom@acme.test", "2026-11-10 10:00", cancelled),
		ev("1:1", "2026-11-17 10:00", 30, with(me, calendar.PartStatAccepted), with("tom@acme.test", calendar.PartStatDeclined)),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if s := byEmail(p.Peers, "sam@acme.test").State; s != Skipped {
		t.Errorf("sam before since = %s, want skipped", s)
	}
	want := []string{
		"only 0 peers outside Engineering have a standing cadence; aim for 3",
		"Tom Becker: the last 2 1:1s were cancelled or declined — cancelling when things get busy is when you need them most",
		"Ethan Park: right-now tier ended Sat Oct 31 2026; make them forever or take them off the roster",
	}
	if diff := cmp.Diff(want, p.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// slotOf plans and returns the first action's slot for the peer, or the cap
// that held it back.
func slotOf(t *testing.T, p *Plan, email string) (string, []string) {
	t.Helper()
	for _, a := range p.Actions {
		if a.Assessment.Peer.Email == email {
			var alts []string
			for _, s := range a.Alternatives {
				alts = append(alts, s.Start.In(ny).Format("Mon 2006-01-02 15:04"))
			}
			return a.Slot.Start.In(ny).Format("Mon 2006-01-02 15:04") + "-" + a.Slot.End.In(ny).Format("15:04"), alts
		}
	}
	for _, h := range p.HeldBack {
		if h.Assessment.Peer.Email == email {
			return h.Cap + ": " + h.Detail, nil
		}
	}
	return "nothing", nil
}

func TestSlotsAcrossZonesAndDST(t *testing.T) {
	// Mon 2 March 2026: the US moves to daylight time on 8 March, the EU only on
	// 29 March. For those three weeks New York is 5 hours behind Berlin, not 6.
	now := at("2026-03-02 09:00")
	peers := peer("Berta Berlin", "berta@acme.test", "Finance", "timezone: Europe/Berlin", `working_hours: "Mon-Fri 09:00-16:30"`) +
		peer("Kiran Kolkata", "kiran@acme.test", "Product", "timezone: Asia/Kolkata", `working_hours: "Mon-Fri 11:00-19:30"`) +
		peer("Sam Sydney", "sam@acme.test", "Support", "timezone: Australia/Sydney")
	rules := `
  - name: india early
    when: peer.timezone == "Asia/Kolkata"
    window: "08:00-11:00"
  - name: monthly
    cadence: monthly
`
	top := "caps:\n  new_peers_at_once: 5\n  peer_1on1s_per_day: 3\n"
	cfgText := strings.Replace(baseYAML, "  timezone: America/New_York\n", "  timezone: America/New_York\n  working_hours: \"Mon-Fri 08:00-17:00\"\n", 1)
	cfg, err := config.Parse("test.yaml", []byte(fmt.Sprintf(cfgText, top, peers, rules)))
	if err != nil {
		t.Fatal(err)
	}
	e, err := Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var events []calendar.Event
	for d := 2; d <= 27; d++ {
		day := fmt.Sprintf("2026-03-%02d", d)
		events = append(events, ev("Standup", day+" 10:00", 50)) // busy 10:00-10:50 every day
	}
	// Wed 4 March 08:00-08:20: pushes Kiran to 08:30 with the 10-minute buffer.
	events = append(events, ev("Early sync", "2026-03-04 08:00", 20))
	p, err := e.Plan(&Input{Now: now, Events: events})
	if err != nil {
		t.Fatal(err)
	}
	// Berlin 16:30 is New York 10:30 while both are on standard time (no room
	// after the standup), but 11:30 in the gap weeks: 11:00-11:30 fits.
	if got, alts := slotOf(t, p, "berta@acme.test"); got != "Tue 2026-03-10 11:00-11:30" ||
		!cmp.Equal(alts, []string{"Wed 2026-03-11 11:00", "Thu 2026-03-12 11:00"}) {
		t.Errorf("berta: got %s %v, want Tue 2026-03-10 11:00-11:30 with Wed and Thu alternatives", got, alts)
	}
	// Kolkata is UTC+5:30: 19:30 IST is 09:00 EST; Tue 3 March is inside the
	// 24h notice, Wed 4 March 08:00 is taken, so 08:30-09:00 ends exactly at 19:30 IST.
	if got, _ := slotOf(t, p, "kiran@acme.test"); got != "Wed 2026-03-04 08:30-09:00" {
		t.Errorf("kiran: got %s, want Wed 2026-03-04 08:30-09:00", got)
	}
	if got, _ := slotOf(t, p, "sam@acme.test"); !strings.HasPrefix(got, "no_slot: no overlap of working hours") {
		t.Errorf("sam: got %s, want no_slot for no overlap of working hours", got)
	}
}

func TestBusyAllDayDeclinedTransparent(t *testing.T) {
	now := at("2026-11-23 09:00")
	peers := peer("Dana Whitfield", "dana@acme.test", "Finance")
	e := engine(t, "", peers, defaultRules)
	events := []calendar.Event{
		oneOnOne("dana@acme.test", "2026-09-01 10:00"), // overdue
		// Tue 24: an opaque all-day out-of-office blocks the whole day.
		allDay("Out of office", "2026-11-24", 1),
		// Wed 25: a meeting I declined and a transparent hold do not block 10:00.
		ev("Offsite planning", "2026-11-25 09:30", 120, with(me, calendar.PartStatDeclined), with("x@acme.test", calendar.PartStatAccepted)),
		ev("Maybe: lunch talk", "2026-11-25 10:00", 60, transparent),
		// A cancelled meeting does not block either.
		ev("Cancelled review", "2026-11-25 10:00", 60, cancelled),
	}
	p, err := e.Plan(&Input{Now: now, Events: events})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := slotOf(t, p, "dana@acme.test"); got != "Wed 2026-11-25 10:00-10:30" {
		t.Errorf("got %s, want Wed 2026-11-25 10:00-10:30", got)
	}
	// Without the declines and transparency, Wednesday moves past the meeting.
	events[2].Attendees[0].PartStat = calendar.PartStatAccepted
	p, err = e.Plan(&Input{Now: now, Events: events})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := slotOf(t, p, "dana@acme.test"); got != "Wed 2026-11-25 11:45-12:15" {
		t.Errorf("accepted offsite: got %s, want Wed 2026-11-25 11:45-12:15", got)
	}
}

func TestCapsBindInTurn(t *testing.T) {
	// Mon 30 Nov 2026; a 7-day horizon covers Tue–Thu of this week only.
	now := at("2026-11-30 09:00")
	peers := peer("Pat One", "p1@acme.test", "Finance") +
		peer("Pat Two", "p2@acme.test", "Sales") +
		peer("Pat Three", "p3@acme.test", "Legal") +
		peer("Xena Existing", "x1@acme.test", "Design") +
		peer("Nia New", "n1@acme.test", "Ops") +
		peer("Ned New", "n2@acme.test", "Ops")
	overdue := []calendar.Event{
		oneOnOne("p1@acme.test", "2026-09-01 10:00"),
		oneOnOne("p2@acme.test", "2026-09-01 10:00"),
		oneOnOne("p3@acme.test", "2026-09-01 10:00"),
		oneOnOne("x1@acme.test", "2026-11-02 10:00"),
		oneOnOne("x1@acme.test", "2026-12-01 14:00"), // scheduled this Tuesday: counts toward the caps
	}
	meetings := func(day string, hours float64) calendar.Event {
		return ev("Team meeting", day+" 13:00", int(hours*60), with(me, calendar.PartStatAccepted),
			with("a@acme.test", calendar.PartStatAccepted), with("b@acme.test", calendar.PartStatAccepted))
	}
	tests := []struct {
		name    string
		caps    string
		extra   []calendar.Event
		skipNew bool
		skipOld bool
		want    map[string]string
	}{
		{
			name:    "peer_1on1s_per_week",
			caps:    "peer_1on1s_per_week: 2\n  peer_1on1s_per_day: 5",
			skipNew: true,
			want: map[string]string{
				"p1@acme.test": "Tue 2026-12-01 10:00-10:30",
				"p2@acme.test": "peer_1on1s_per_week: the week of Mon Nov 30 already has 2 peer 1:1s; the cap is 2 a week",
				"p3@acme.test": "peer_1on1s_per_week: the week of Mon Nov 30 already has 2 peer 1:1s; the cap is 2 a week",
			},
		},
		{
			name:    "peer_1on1s_per_day",
			caps:    "peer_1on1s_per_week: 10\n  peer_1on1s_per_day: 1",
			skipNew: true,
			want: map[string]string{
				"p1@acme.test": "Wed 2026-12-02 10:00-10:30",
				"p2@acme.test": "Thu 2026-12-03 10:00-10:30",
				"p3@acme.test": "peer_1on1s_per_day: Tue Dec 1 already has 1 peer 1:1; the cap is 1 a day",
			},
		},
		{
			name:    "meeting_hours_per_day",
			caps:    "peer_1on1s_per_week: 10\n  peer_1on1s_per_day: 5\n  meeting_hours_per_day: 2.5",
			extra:   []calendar.Event{meetings("2026-12-01", 2), meetings("2026-12-02", 1.5), meetings("2026-12-03", 2.5)},
			skipNew: true,
			// Tue has 2h + Xena's 0.5h; Wed 1.5h takes one more; Thu is full.
			want: map[string]string{
				"p1@acme.test": "Wed 2026-12-02 10:00-10:30",
				"p2@acme.test": "Wed 2026-12-02 10:45-11:15",
				"p3@acme.test": "meeting_hours_per_day: Tue Dec 1 already has 2.5 hours of meetings; 30 minutes more would pass the cap of 2.5 hours a day",
			},
		},
		{
			name:    "new_peers_at_once",
			caps:    "peer_1on1s_per_week: 10\n  peer_1on1s_per_day: 5\n  new_peers_at_once: 1",
			skipOld: true,
			want: map[string]string{
				"n1@acme.test": "Tue 2026-12-01 10:00-10:30",
				"n2@acme.test": "new_peers_at_once: 1 proposed in this plan = the cap of 1 never-met peer at once",
			},
		},
		{
			name:    "open_suggestions",
			caps:    "peer_1on1s_per_week: 10\n  peer_1on1s_per_day: 5\n  open_suggestions: 2",
			extra:   []calendar.Event{suggestion("p3@acme.test", "2026-12-03 15:00")},
			skipNew: true,
			want: map[string]string{
				"p1@acme.test": "Tue 2026-12-01 10:00-10:30",
				"p2@acme.test": "open_suggestions: 1 proposed in this plan + 1 already open = the cap of 2 open suggestions",
			},
		},
		{
			name:    "writes_per_run",
			caps:    "peer_1on1s_per_week: 10\n  peer_1on1s_per_day: 5\n  writes_per_run: 1",
			skipNew: true,
			want: map[string]string{
				"p1@acme.test": "Tue 2026-12-01 10:00-10:30",
				"p2@acme.test": "writes_per_run: 1 write in this cycle = the cap of 1 a cycle",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rules := defaultRules
			if tc.skipOld {
				rules = "\n  - name: only new peers here\n    when: \"!history.never_met\"\n    skip: true" + rules
			}
			if tc.skipNew {
				rules = "\n  - name: no new peers here\n    when: history.never_met\n    skip: true" + rules
			}
			e := engine(t, "horizon: 7d\ncaps:\n  "+tc.caps, peers, rules)
			events := append(append([]calendar.Event{}, overdue...), tc.extra...)
			p, err := e.Plan(&Input{Now: now, Events: events})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for email := range tc.want {
				got[email], _ = slotOf(t, p, email)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlanIsDeterministic(t *testing.T) {
	now := at("2026-11-23 09:00")
	peers := peer("Dana Whitfield", "dana@acme.test", "Finance") + peer("Bo Li", "bo@acme.test", "Ops") + peer("Cy Wu", "cy@acme.test", "Sales")
	e := engine(t, "", peers, defaultRules)
	events := []calendar.Event{oneOnOne("dana@acme.test", "2026-09-01 10:00"), oneOnOne("bo@acme.test", "2026-08-01 10:00")}
	first, err := e.Plan(&Input{Now: now, Events: events})
	if err != nil {
		t.Fatal(err)
	}
	// Reversed input order must not change anything.
	rev := []calendar.Event{events[1], events[0]}
	second, err := e.Plan(&Input{Now: now, Events: rev})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(summary(first), summary(second)); diff != "" {
		t.Errorf("plans differ (-first +second):\n%s", diff)
	}
	// Bo is more overdue than Dana, so Bo goes first and gets the earlier slot.
	if len(first.Actions) < 2 || first.Actions[0].Assessment.Peer.Email != "bo@acme.test" {
		t.Errorf("first action should be for bo (most overdue), got %+v", first.Actions)
	}
}

func TestLifecycleActions(t *testing.T) {
	now := at("2026-11-23 09:00")
	peers := peer("Dana Whitfield", "dana@acme.test", "Finance") + peer("Bo Li", "bo@acme.test", "Ops") + peer("Cy Wu", "cy@acme.test", "Sales")
	e := engine(t, "", peers, defaultRules)
	events := []calendar.Event{
		// Dana: a suggestion whose time passed.
		suggestion("dana@acme.test", "2026-11-20 10:00"),
		oneOnOne("dana@acme.test", "2026-11-02 10:00"),
		// Bo: a suggestion, and a 1:1 booked by other means.
		suggestion("bo@acme.test", "2026-11-25 10:00"),
		oneOnOne("bo@acme.test", "2026-11-26 15:00"),
		// Cy: a suggestion whose slot has since filled up.
		suggestion("cy@acme.test", "2026-11-24 10:00"),
		ev("Board prep", "2026-11-24 09:30", 90),
		oneOnOne("cy@acme.test", "2026-09-01 10:00"),
	}
	p, err := e.Plan(&Input{Now: now, Events: events})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range p.Actions {
		got = append(got, fmt.Sprintf("%s %s %s %s", a.Kind, a.Assessment.Peer.Email, a.EventID, a.Slot.Start.In(ny).Format("Jan 2 15:04")))
	}
	want := []string{
		"withdraw dana@acme.test sugg2026-11-2010:00 Nov 20 10:00",
		"withdraw bo@acme.test sugg2026-11-2510:00 Nov 25 10:00",
		"move cy@acme.test sugg2026-11-2410:00 Nov 24 11:15",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
}

func TestCompileErrors(t *testing.T) {
	yaml := fmt.Sprintf(baseYAML, "", peer("Dana Whitfield", "dana@acme.test", "Finance"), `
  - name: typo
    when: pear.department == "x"
  - name: not bool
    when: history.met_count + 1
  - name: bad field
    when: peer.departmnt == "x"
  - name: syntax
    when: peer.tier == 
    cadence: weekly
`)
	cfg, err := config.Parse("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(cfg)
	errs, ok := err.(config.Errors)
	if !ok {
		t.Fatalf("got %v, want config.Errors", err)
	}
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	// Line numbers are those of baseYAML with one peer inserted; columns point into the expression.
	want := []string{
		`test.yaml:25:11: rule "typo": when: undeclared reference to 'pear'`,
		`test.yaml:27:11: rule "not bool": when must be a bool expression, got int: "history.met_count + 1"`,
		`test.yaml:29:15: rule "bad field": when: undefined field 'departmnt'`,
		`test.yaml:31:23: rule "syntax": when: Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

// summary renders a plan as comparable lines.
func summary(p *Plan) []string {
	var out []string
	for _, a := range p.Peers {
		out = append(out, fmt.Sprintf("peer %s %s %s %d %d", a.Peer.Email, a.State, a.Why, a.DaysSinceLast, a.CancelledStreak))
	}
	for _, a := range p.Actions {
		out = append(out, fmt.Sprintf("action %s %s %v %v %s %s", a.Kind, a.Assessment.Peer.Email, a.Slot, a.Alternatives, a.EventID, a.Reason))
	}
	for _, h := range p.HeldBack {
		out = append(out, fmt.Sprintf("held %s %s %s", h.Assessment.Peer.Email, h.Cap, h.Detail))
	}
	return append(out, p.Warnings...)
}
