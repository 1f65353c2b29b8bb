package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/config"
)

func TestWhen(t *testing.T) {
	now := at("2026-11-23 12:14")
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{at("2026-11-23 09:14"), "3 hours ago, at 09:14"},
		{at("2026-11-23 12:14").Add(-20 * time.Second), "just now, at 12:13"},
		{at("2026-11-23 12:00"), "14 minutes ago, at 12:00"},
		{at("2026-11-22 18:00"), "18 hours ago, at 18:00"},
		{at("2026-11-23 14:14"), "in 2 hours, at 14:14"},
		{at("2026-11-20 09:14"), "Fri Nov 20 at 09:14"},
		{at("2025-11-20 09:14"), "Thu Nov 20 2025 at 09:14"},
		// Given in UTC, said in the user's zone.
		{time.Date(2026, 11, 23, 14, 14, 0, 0, time.UTC), "3 hours ago, at 09:14"},
	} {
		if got := When(tc.t, now); got != tc.want {
			t.Errorf("When(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}

func TestSimilar(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"What is keeping you up at night right now?", "What's keeping you up at night?", true},
		{"WHAT’S KEEPING YOU UP AT NIGHT", "what is keeping you up at night", true},
		{"What are you working on?", "What I'm working on", true},
		{"Where might we help each other?", "Where could we help each other out?", true},
		{"How does your team decide what to say no to?", "What's keeping you up at night?", false},
		{"Who else should I be talking to that I'm not?", "What I'm working on", false},
		{"What would you change about how our two teams work together?", "Where might we help each other?", false},
		{"What does your team need from mine that it isn't getting?", "Team", false},
		{"What is the biggest thing your team is trying to land in the next six months?", "What's your team working on?", false},
	} {
		if got := similar(tc.a, tc.b); got != tc.want {
			t.Errorf("similar(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// No prep question asks what an agenda topic asks, for the default agenda and
// a custom one, at every rotation of the bank; at least MinQuestions remain.
func TestQuestionsSkipAgenda(t *testing.T) {
	agendas := [][]config.AgendaItem{
		config.DefaultAgenda(),
		{{Minutes: 10, Topic: "Team"}, {Minutes: 10, Topic: "What is your team working on?"}, {Minutes: 10, Topic: "What is keeping you up at night?"}, {Minutes: 5, Topic: "Where do our teams step on each other's toes?"}},
		{{Minutes: 10, Topic: "How could I make your next quarter easier?"}, {Minutes: 10, Topic: "Who else should I be talking to?"}, {Minutes: 10, Topic: "What is your team proud of?"}},
	}
	own := [][]string{nil, {"What is keeping you up at night these days?", "Which Q1 bets worry you most?"}}
	for _, ag := range agendas {
		cfg := &config.Config{Meeting: config.Meeting{Agenda: ag}}
		for _, qs := range own {
			for met := range len(questionBank) {
				a := &Assessment{Peer: &config.Peer{Name: "Dana", Questions: qs}, MetCount: met}
				got := Questions(cfg, a)
				if len(got) < MinQuestions {
					t.Errorf("agenda %v, met %d: %d questions, want at least %d", ag, met, len(got), MinQuestions)
				}
				for _, q := range got {
					for _, it := range ag {
						if similar(q, it.Topic) {
							t.Errorf("agenda %v, met %d: question %q repeats topic %q", ag, met, q, it.Topic)
						}
					}
				}
			}
		}
	}
}

// situations plans a suggestion for a peer in each situation a draft words
// differently: a regular catch-up coming due, a slight and a long gap, never
// met, and after cancellations (with and without an earlier 1:1). Dana's
// slot is crowded out to a later week, so her action says why it is late.
func situations(t *testing.T) (*config.Config, *Plan) {
	t.Helper()
	peers := peer("Rita Regular", "rita@acme.test", "Finance") +
		peer("Gus Gap", "gus@acme.test", "Sales") +
		peer("Sam Slight", "sam@acme.test", "Product", "interdependence: high") +
		peer("Nina New", "nina@acme.test", "Legal") +
		peer("Carl Cancel", "carl@acme.test", "Design") +
		peer("Val Veryfirst", "val@acme.test", "Support") +
		peer("Omar Open", "omar@acme.test", "Ops") +
		peer("Hugo Held", "hugo@acme.test", "Data") +
		peer("Hana Heldback", "hana@acme.test", "Research")
	caps := "caps:\n  peer_1on1s_per_week: 3\n  peer_1on1s_per_day: 1\n  new_peers_at_once: 2\n  open_suggestions: 8\nhorizon: 28d\n"
	e := proposingEngine(t, caps, peers, defaultRules)
	p, err := e.Plan(&Input{Now: at("2026-11-23 09:00"), Writable: "work", Events: []calendar.Event{
		oneOnOne("rita@acme.test", "2026-10-29 10:00"),
		oneOnOne("gus@acme.test", "2026-09-15 10:00"),
		oneOnOne("sam@acme.test", "2026-11-12 10:00"),
		oneOnOne("carl@acme.test", "2026-09-20 10:00"),
		oneOnOne("carl@acme.test", "2026-10-20 10:00", cancelled),
		oneOnOne("carl@acme.test", "2026-11-03 10:00", func(e *calendar.Event) { e.Attendees[1].PartStat = calendar.PartStatDeclined }),
		oneOnOne("val@acme.test", "2026-11-10 10:00", cancelled),
		oneOnOne("omar@acme.test", "2026-08-01 10:00"),
		suggestion("omar@acme.test", "2026-12-08 11:00"),
		oneOnOne("hugo@acme.test", "2026-08-01 10:00"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	return e.Config(), p
}

// TestTextGolden pins what a manager reads: the invitation draft in each
// situation, the suggestion text of a late slot, and the held-back and
// explain lines. Regenerate with: go test ./rules -run TestTextGolden -update
func TestTextGolden(t *testing.T) {
	cfg, p := situations(t)
	golden := map[string]string{}
	for _, tc := range []struct{ file, peer string }{
		{"draft_due.golden", "rita@acme.test"},
		{"draft_slight_gap.golden", "sam@acme.test"},
		{"draft_long_gap.golden", "gus@acme.test"},
		{"draft_never_met.golden", "nina@acme.test"},
		{"draft_cancelled.golden", "carl@acme.test"},
		{"draft_cancelled_never_met.golden", "val@acme.test"},
	} {
		a := actionFor(t, p, tc.peer, Propose)
		golden[tc.file] = "state: " + string(a.Assessment.State) + " (" + a.Assessment.Why + ")\n\n" + Invitation(cfg, a) + "\n"
	}
	var lines strings.Builder
	lines.WriteString("Actions:\n")
	for _, a := range p.Actions {
		fmt.Fprintf(&lines, "  %s %s %s: %s\n", a.Kind, a.Assessment.Peer.Name, a.Slot.Start.In(ny).Format(DateFormat+" 15:04"), a.Reason)
		if a.Late != "" {
			fmt.Fprintf(&lines, "    late: %s\n", a.Late)
		}
		for _, n := range a.PassedOver {
			fmt.Fprintf(&lines, "    passed over: %s\n", n)
		}
	}
	lines.WriteString("Held back:\n")
	for _, h := range p.HeldBack {
		fmt.Fprintf(&lines, "  %s %s: %s\n", h.Assessment.Peer.Name, h.Cap, h.Detail)
	}
	lines.WriteString("Warnings:\n")
	for _, w := range p.Warnings {
		fmt.Fprintf(&lines, "  %s\n", w)
	}
	golden["plan_lines.golden"] = lines.String()
	late := ""
	for i := range p.Actions {
		if p.Actions[i].Late != "" {
			late = SuggestionText(cfg, &p.Actions[i])
			break
		}
	}
	if late == "" {
		t.Fatalf("no action is late; the golden would not show a late slot:\n%s", lines.String())
	}
	golden["suggestion_late.golden"] = late
	golden["suggestion_cancelled_never_met.golden"] = SuggestionText(cfg, actionFor(t, p, "val@acme.test", Propose))
	if !strings.Contains(lines.String(), "proposed in this plan") {
		t.Errorf("no held-back line counts this plan's proposals:\n%s", lines.String())
	}
	for file, got := range golden {
		t.Run(file, func(t *testing.T) {
			checkText(t, cfg, got)
			path := filepath.Join("testdata", file)
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (create it with -update)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", path, diff)
			}
		})
	}
}

var (
	utcTime     = regexp.MustCompile(`\d\d:\d\d(:\d\d)?Z\b|\bUTC\b`)
	goDuration  = regexp.MustCompile(`\b\d+h\d+m\d+(\.\d+)?s\b|\b\d+m\d+(\.\d+)?s\b`)
	rawPlural   = regexp.MustCompile(`\(s\)|\b1 (days|weeks|hours|minutes|peers|1:1s|writes|suggestions)\b|\b([02-9]|\d\d+) (day|week|hour|minute|peer 1:1|write)\b[^s-]`)
	keepGoing   = regexp.MustCompile(`(?i)keep (that|them|it) going`)
	lapsedWords = regexp.MustCompile(`(?i)been \d+ (days|weeks)|fell through|haven't|longer than`)
)

// checkText fails on what a person should never read (see textProblems).
func checkText(t *testing.T, cfg *config.Config, text string) {
	t.Helper()
	for _, p := range textProblems(cfg, text) {
		t.Errorf("%s in:\n%s", p, text)
	}
}

// textProblems lists what a person should never read: a prep question that
// repeats an agenda topic, a draft that says to keep going what has lapsed,
// "(s)" or wrong plurals, a UTC time or a Go duration.
func textProblems(cfg *config.Config, text string) []string {
	var out []string
	if m := utcTime.FindString(text); m != "" {
		out = append(out, fmt.Sprintf("a UTC time %q", m))
	}
	if m := goDuration.FindString(text); m != "" {
		out = append(out, fmt.Sprintf("a Go duration %q", m))
	}
	if m := rawPlural.FindString(text); m != "" {
		out = append(out, fmt.Sprintf("a wrong plural %q", m))
	}
	for _, para := range strings.Split(text, "\n") {
		if keepGoing.MatchString(para) && lapsedWords.MatchString(para) {
			out = append(out, fmt.Sprintf("a self-contradiction %q", para))
		}
	}
	for _, line := range strings.Split(text, "\n") {
		q, ok := strings.CutPrefix(strings.TrimSpace(line), "- ")
		if !ok {
			continue
		}
		for _, it := range cfg.Meeting.Agenda {
			if similar(q, it.Topic) {
				out = append(out, fmt.Sprintf("question %q repeats agenda topic %q", q, it.Topic))
			}
		}
	}
	return out
}

// The checks themselves catch what they are for.
func TestTextProblemsCatches(t *testing.T) {
	cfg := &config.Config{Meeting: config.Meeting{Agenda: config.DefaultAgenda()}}
	for _, bad := range []string{
		"It's been 69 days since we last caught up properly, and I'd like to keep that going.",
		"1 never-met peer(s) already have an open suggestion",
		"could not be refreshed since 2026-11-23T14:14:00Z",
		"snoozed for 336h0m0s",
		"  - What is keeping you up at night right now?",
		"this cycle already makes 1 writes",
		"Tue Dec 1 already has 2 peer 1:1; the cap",
	} {
		if len(textProblems(cfg, bad)) == 0 {
			t.Errorf("textProblems passed %q", bad)
		}
	}
	if ps := textProblems(cfg, "Our last 1:1 was 2 weeks ago and I'd like to keep them going. 3 peer 1:1s, 1 day, 2 weeks."); len(ps) != 0 {
		t.Errorf("textProblems flagged a good text: %v", ps)
	}
}
