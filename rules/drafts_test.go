package rules

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/config"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata from actual output")

// The private notes of the render tests: distinctive, and full of what HTML
// would misread.
const secretNotes = "ZQX-PRIVATE-7731 owns the <FY27> budget & cycles to work"

// renderPlan plans, in propose mode, a suggestion for Dana (weekly, overdue)
// and an invite to Tom (a rule sets invite mode), both with private notes.
func renderPlan(t *testing.T) (*config.Config, *Plan) {
	t.Helper()
	peers := peer("Dana Whitfield", "dana@acme.test", "Finance", "interdependence: high", "timezone: Europe/London",
		"notes: "+quoteYAML(secretNotes), `questions: ["What would make Q1 planning easier for Finance?"]`) +
		peer("Tom Becker", "tom@acme.test", "Security", "interdependence: high", "timezone: Europe/Berlin",
			"notes: "+quoteYAML(secretNotes+" (Tom)"))
	rules := `
  - name: RULE-INVITE-TOM
    when: peer.email == "tom@acme.test"
    mode: invite
  - name: RULE-WEEKLY-HIGH
    when: peer.interdependence == "high"
    cadence: weekly
`
	e := proposingEngine(t, "", peers, rules)
	p, err := e.Plan(&Input{Now: at("2026-11-23 09:00"), Writable: "work", Events: []calendar.Event{
		oneOnOne("dana@acme.test", "2026-11-09 10:00"),
		oneOnOne("tom@acme.test", "2026-10-22 10:00"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	return e.Config(), p
}

func quoteYAML(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

func actionFor(t *testing.T, p *Plan, email string, kind ActionKind) *Action {
	t.Helper()
	for i := range p.Actions {
		if a := &p.Actions[i]; a.Assessment.Peer.Email == email && a.Kind == kind {
			return a
		}
	}
	t.Fatalf("no %s action for %s in %s", kind, email, strings.Join(summary(p), "\n"))
	return nil
}

// TestDraftGolden pins the suggestion and the invite exactly as written to
// Google: title, location and description (Google's HTML subset). Regenerate
// with: go test ./rules -run TestDraftGolden -update
func TestDraftGolden(t *testing.T) {
	cfg, p := renderPlan(t)
	for _, tc := range []struct {
		file, peer string
		kind       ActionKind
	}{
		{"suggestion.golden", "dana@acme.test", Propose},
		{"invite.golden", "tom@acme.test", Invite},
	} {
		t.Run(tc.file, func(t *testing.T) {
			a := actionFor(t, p, tc.peer, tc.kind)
			d := Draft(cfg, a, a.EventID)
			checkGoogleHTML(t, d.Description)
			got := "summary: " + d.Summary + "\nlocation: " + d.Location + "\ndescription:\n" + readable(d.Description)
			path := filepath.Join("testdata", tc.file)
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
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

// readable breaks the one-line HTML after each block tag for the golden file;
// the description holds no newline of its own (checkGoogleHTML), so this loses
// nothing.
func readable(h string) string {
	return strings.NewReplacer("<br>", "<br>\n", "<ul>", "<ul>\n", "</li>", "</li>\n", "</ul>", "</ul>\n").Replace(h) + "\n"
}

var (
	tagRE    = regexp.MustCompile(`<(/?)([a-zA-Z0-9]*)([^>]*)>`)
	entityRE = regexp.MustCompile(`&(amp|lt|gt|quot|#[0-9]+);`)
)

// checkGoogleHTML checks that a description uses only the HTML Google Calendar
// keeps (b, i, u, ul, ol, li, br, a href), with balanced tags, no raw newline,
// no stray "<" or ">", and every "&" starting an entity.
func checkGoogleHTML(t *testing.T, h string) {
	t.Helper()
	if strings.Contains(h, "\n") {
		t.Errorf("description has a raw newline; Google's HTML wants <br>")
	}
	var open []string
	for _, m := range tagRE.FindAllStringSubmatch(h, -1) {
		closing, name, attrs := m[1] == "/", strings.ToLower(m[2]), strings.TrimSpace(m[3])
		switch name {
		case "b", "i", "u", "ul", "ol", "li", "br":
			if attrs != "" {
				t.Errorf("tag %q has attributes", m[0])
			}
		case "a":
			if !closing && !strings.HasPrefix(attrs, "href=") {
				t.Errorf("link %q without href", m[0])
			}
		default:
			t.Errorf("tag %q is outside Google's subset", m[0])
			continue
		}
		switch {
		case name == "br":
		case closing:
			if len(open) == 0 || open[len(open)-1] != name {
				t.Errorf("</%s> closes %v", name, open)
				continue
			}
			open = open[:len(open)-1]
		default:
			open = append(open, name)
		}
	}
	if len(open) > 0 {
		t.Errorf("unclosed tags %v", open)
	}
	rest := tagRE.ReplaceAllString(h, "")
	if strings.ContainsAny(rest, "<>") {
		t.Errorf("a raw < or > outside a tag:\n%s", rest)
	}
	if n, m := strings.Count(rest, "&"), len(entityRE.FindAllString(rest, -1)); n != m {
		t.Errorf("%d '&' but %d entities: a raw '&'", n, m)
	}
}

// TestNothingPrivateReachesThePeer: the invite (title, description, location,
// attendees) carries neither the private notes nor the analysis behind it; the
// suggestion, on the user's own calendar only, carries both and nobody is told.
func TestNothingPrivateReachesThePeer(t *testing.T) {
	cfg, p := renderPlan(t)
	inv := actionFor(t, p, "tom@acme.test", Invite)
	d := Draft(cfg, inv, inv.EventID)
	sent := []string{d.Summary, d.Description, d.Location, Invitation(cfg, inv)}
	for _, a := range d.Attendees {
		sent = append(sent, a.Name, a.Email)
	}
	secrets := []string{"ZQX-PRIVATE-7731", "FY27", "cycles to work",
		whyNow(inv.Assessment), inv.Assessment.Why, inv.Reason, "RULE-", "Why now", "days ago", "cadence", "overdue"}
	for _, field := range sent {
		for _, s := range secrets {
			if s != "" && strings.Contains(field, s) {
				t.Errorf("sent to Tom: %q contains %q", field, s)
			}
		}
	}
	if !d.SendUpdates || d.Tag != calendar.TagInvite || len(d.Attendees) != 2 {
		t.Errorf("invite: SendUpdates %v, tag %q, %d attendees; want true, invite, 2", d.SendUpdates, d.Tag, len(d.Attendees))
	}

	sug := actionFor(t, p, "dana@acme.test", Propose)
	s := Draft(cfg, sug, sug.EventID)
	for _, want := range []string{"ZQX-PRIVATE-7731 owns the &lt;FY27&gt; budget &amp; cycles to work", "Why now:", "RULE-WEEKLY-HIGH"} {
		if !strings.Contains(s.Description, want) {
			t.Errorf("the suggestion lacks %q:\n%s", want, s.Description)
		}
	}
	if len(s.Attendees) != 0 || s.SendUpdates || !s.Transparent || s.Tag != calendar.TagSuggestion {
		t.Errorf("suggestion: %d attendees, SendUpdates %v, transparent %v, tag %q; want 0, false, true, suggestion",
			len(s.Attendees), s.SendUpdates, s.Transparent, s.Tag)
	}
	if strings.Contains(s.Summary, "ZQX") {
		t.Errorf("the suggestion's title shows the notes: %q", s.Summary)
	}
}

// TestUnwrittenSuggestionText: an action a cycle does not write (report mode,
// the config's or the peer's) says what propose mode would do, never "delete
// this event"; a written one says how to accept and dismiss it.
func TestUnwrittenSuggestionText(t *testing.T) {
	cfg, p := renderPlan(t)
	a := actionFor(t, p, "dana@acme.test", Propose)
	written := SuggestionText(cfg, a)
	if !strings.Contains(written, "To dismiss: delete this event") || strings.Contains(written, "In propose mode") {
		t.Errorf("a written suggestion:\n%s", written)
	}
	for _, tc := range []struct {
		name      string
		cfg, peer config.Mode
	}{
		{"config report", config.ModeReport, config.ModePropose},
		{"peer report", config.ModePropose, config.ModeReport},
	} {
		c := *cfg
		c.Mode = tc.cfg
		x := *a
		x.Mode = tc.peer
		got := SuggestionText(&c, &x)
		if strings.Contains(got, "delete this event") || !strings.Contains(got, "In propose mode sideways would put this suggestion on your calendar") {
			t.Errorf("%s:\n%s", tc.name, got)
		}
	}
}

func TestAlternativesText(t *testing.T) {
	cfg, p := renderPlan(t)
	a := *actionFor(t, p, "dana@acme.test", Propose)
	for n, want := range map[int]string{
		0: "If this time does not suit:\n  No other time fits in the next 3 weeks.\n",
		1: "  Only one other time fits in the next 3 weeks.\n",
	} {
		a.Alternatives = a.Alternatives[:n]
		if got := SuggestionText(cfg, &a); !strings.Contains(got, want) {
			t.Errorf("%d alternatives: want %q in\n%s", n, want, got)
		}
	}
}

func TestHTML(t *testing.T) {
	for in, want := range map[string]string{
		"Why now: x <y> & z.\nWhen: soon.\n": "<b>Why now:</b> x &lt;y&gt; &amp; z.<br><b>When:</b> soon.",
		"Questions:\n  - a\n  - b\n\nNext":   "<b>Questions:</b><ul><li>a</li><li>b</li></ul><br>Next",
		"  Hi Dana,\n\n  It's: fine\n":       "Hi Dana,<br><br>It's: fine",
		"A long sentence here: not a label":  "A long sentence here: not a label",
	} {
		got := HTML(in)
		if got != want {
			t.Errorf("HTML(%q) = %q, want %q", in, got, want)
		}
		checkGoogleHTML(t, got)
	}
}
