package rules

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sidewayscal/sideways/config"
)

// celYAML has the rule under test, whose condition (single-quoted) starts at
// line 15, column 12; %s takes the peers, then the condition.
const celYAML = `me:
  name: Alex Rivera
  emails: [alex@acme.test]
  timezone: America/New_York
calendars:
  - name: work
    ics: work.ics
mode: report
rules:
  - name: fallback
    when: 'false'
    cadence: monthly
  - name: r
    cadence: weekly
    when: '%[2]s'
peers:
%[1]s
`

const celWhen = "test.yaml:15:12"

func celConfig(t *testing.T, peers, when string) *config.Config {
	t.Helper()
	cfg, err := config.Parse("test.yaml", []byte(fmt.Sprintf(celYAML, peers, when)))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	return cfg
}

const celPeers = `  - name: Dana Whitfield
    email: dana@acme.test
    tags: [budget, exec]
  - name: Sam Lee
    email: sam@acme.test`

// compileErrs compiles when and returns its errors as lines.
func compileErrs(t *testing.T, peers, when string) []string {
	t.Helper()
	_, err := Compile(celConfig(t, peers, when))
	if err == nil {
		return nil
	}
	var errs config.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Compile: %v, want config.Errors", err)
	}
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

// TestCostEstimate: a condition that could cost more than CostLimit on peers of
// the hinted sizes, or whose cost has no bound, is rejected at the condition;
// everyday conditions pass.
func TestCostEstimate(t *testing.T) {
	const tooCostly = celWhen + `: rule "r": when: too costly: it may cost up to `
	const noBound = celWhen + `: rule "r": when: its cost has no bound`
	for _, tc := range []struct {
		when string
		want string // prefix of the only error; "" when the condition compiles
	}{
		{`"budget" in peer.tags && peer.tier == "forever" && peer.timezone != me.timezone`, ""},
		{`me.emails.exists(e, e.endsWith("@acme.test")) && peer.email.startsWith("d")`, ""},
		{`peer.tags.exists(t, t.startsWith("exec-"))`, ""},
		{`peer.tags.all(x, peer.tags.all(y, x != y || x == y))`, ""},
		{`peer.tags.exists(t, peer.notes.contains(t))`, ""},
		{`peer.notes.lowerAscii().contains("mentor") || peer.notes.matches("(?i)coach|mentor")`, ""},
		{`peer.notes.split(" ").exists(w, w == "budget")`, ""},
		{`peer.name.split(" ")[0] == "Dana" && peer.email.split("@")[1] == me.emails[0].split("@")[1]`, ""},
		{`sets.intersects(peer.tags, ["budget", "exec"]) && peer.tags.sort().join(",") != ""`, ""},
		{`lists.range(10).exists(i, i == peer.index)`, ""},
		{`history.never_met || history.days_since_last > 60 || now - history.last_met > duration("720h")`, ""},

		{`lists.range(1000000).all(x, lists.range(1000000).all(y, y >= 0))`, tooCostly + "6,000,016,000,012, over the limit of 10,000 (for a peer with 20 tags of 32 characters and 1,000 characters of notes)"},
		{`lists.range(1000000).map(x, lists.range(1000000)).size() > 0`, tooCostly + "1,000,024,000,024,"},
		{`lists.range(100000).exists(x, x < 0)`, tooCostly + "700,012,"},
		{`peer.tags.all(x, peer.tags.all(y, peer.tags.all(z, x != y || y != z)))`, tooCostly},
		{`peer.questions.exists(q, peer.notes.contains(q))`, tooCostly},
		{`lists.range(peer.index).size() > 0`, noBound},
		{`lists.range(size(peer.notes)).exists(i, i > 3)`, noBound},
	} {
		t.Run(tc.when, func(t *testing.T) {
			got := compileErrs(t, celPeers, tc.when)
			switch {
			case tc.want == "" && len(got) > 0:
				t.Fatalf("got %q, want no error", got)
			case tc.want == "":
			case len(got) != 1 || !strings.HasPrefix(got[0], tc.want):
				t.Fatalf("got %q\nwant one error starting %q", got, tc.want)
			}
		})
	}
}

// manyTags lists n tags in YAML flow style.
func manyTags(n int) string {
	tags := make([]string, n)
	for i := range tags {
		tags[i] = fmt.Sprintf("t%d", i)
	}
	return "[" + strings.Join(tags, ", ") + "]"
}

// TestEvalStoppedAtCostLimit: a condition that passes the estimate but meets a
// peer far larger than the hints is stopped at CostLimit; the rule counts as not
// matching that peer, the plan goes on and says so, and Check reports it at the
// condition.
func TestEvalStoppedAtCostLimit(t *testing.T) {
	peers := celPeers + "\n  - name: Noah Park\n    email: noah@acme.test\n    tags: " + manyTags(60)
	e, err := Compile(celConfig(t, peers, `peer.tags.all(x, peer.tags.all(y, x != y || x == y))`))
	if err != nil {
		t.Fatalf("the condition should pass the estimate: %v", err)
	}
	now := at("2026-11-23 09:00")
	p, err := e.Plan(&Input{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	const want = celWhen + `: rule "r": when failed for noah@acme.test: stopped: it cost more than the limit of 10,000`
	if diff := cmp.Diff([]string{want + "; the rule was treated as not matching"}, ruleWarningsOf(p)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	for _, c := range []struct{ email, cadence string }{{"dana@acme.test", "weekly"}, {"sam@acme.test", "weekly"}, {"noah@acme.test", "monthly"}} {
		a := byEmail(p.Peers, c.email)
		if a.Cadence.Name != c.cadence {
			t.Errorf("%s: cadence %s (rule %s), want %s", c.email, a.Cadence.Name, a.Rules["cadence"], c.cadence)
		}
	}
	if n := len(byEmail(p.Peers, "noah@acme.test").RuleErrors); n != 1 {
		t.Errorf("noah has %d rule errors, want 1", n)
	}
	checkErr(t, e, now, want)
}

// ruleWarningsOf returns the plan's warnings about rules.
func ruleWarningsOf(p *Plan) []string {
	var out []string
	for _, w := range p.Warnings {
		if strings.Contains(w, `: rule "`) {
			out = append(out, w)
		}
	}
	return out
}

func checkErr(t *testing.T, e *Engine, now time.Time, want ...string) {
	t.Helper()
	err := e.Check(context.Background(), now)
	var got []string
	var errs config.Errors
	if err != nil && !errors.As(err, &errs) {
		t.Fatalf("Check: %v, want config.Errors", err)
	}
	for _, e := range errs {
		got = append(got, e.Error())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Check (-want +got):\n%s", diff)
	}
}

// TestEvalFailure (issue 13): a rule that fails at evaluation is caught by
// Check at its position; at plan time it is treated as not matching, with a
// warning, and the plan goes on.
func TestEvalFailure(t *testing.T) {
	e, err := Compile(celConfig(t, celPeers, `peer.name.split(" ")[5] == "x"`))
	if err != nil {
		t.Fatal(err)
	}
	now := at("2026-11-23 09:00")
	const want = celWhen + `: rule "r": when failed for dana@acme.test (and 1 other peer): index out of bounds: 5`
	checkErr(t, e, now, want)
	p, err := e.Plan(&Input{Now: now})
	if err != nil {
		t.Fatalf("Plan: %v, want the plan to go on", err)
	}
	if diff := cmp.Diff([]string{want + "; the rule was treated as not matching"}, ruleWarningsOf(p)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if a := byEmail(p.Peers, "sam@acme.test"); a.Cadence.Name != "monthly" || a.State != NeverMet {
		t.Errorf("sam: cadence %s, state %s; want monthly (the default), never_met", a.Cadence.Name, a.State)
	}
	// A rule that works for every peer passes Check.
	ok, err := Compile(celConfig(t, celPeers, `peer.name.split(" ").size() > 1 && history.never_met`))
	if err != nil {
		t.Fatal(err)
	}
	checkErr(t, ok, now)
}

// TestEvalCancelled: a cancelled context stops assessment and Check with its error.
func TestEvalCancelled(t *testing.T) {
	peers := celPeers + "\n  - name: Noah Park\n    email: noah@acme.test\n    tags: " + manyTags(300)
	e, err := Compile(celConfig(t, peers, `peer.tags.exists(t, t == "budget")`))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.PlanContext(ctx, &Input{Now: at("2026-11-23 09:00")}); !errors.Is(err, context.Canceled) {
		t.Errorf("PlanContext: %v, want context.Canceled", err)
	}
	if _, err := e.AssessContext(ctx, &Input{Now: at("2026-11-23 09:00")}); !errors.Is(err, context.Canceled) {
		t.Errorf("AssessContext: %v, want context.Canceled", err)
	}
	if err := e.Check(ctx, at("2026-11-23 09:00")); !errors.Is(err, context.Canceled) {
		t.Errorf("Check: %v, want context.Canceled", err)
	}
	// Evaluation itself looks at the context while it iterates.
	act := map[string]any{"peer": peerVars(&e.cfg.Peers[2], 2), "me": e.me, "history": HistoryVars{}, "now": at("2026-11-23 09:00")}
	if _, err := eval(ctx, e.progs[1], act); !errors.Is(err, context.Canceled) {
		t.Errorf("eval: %v, want context.Canceled", err)
	}
}

// TestCELHints (issue 13): the common mistakes get a hint at the right place.
func TestCELHints(t *testing.T) {
	for _, tc := range []struct{ when, want string }{
		{`peer.tags.contains("budget")`,
			`test.yaml:15:30: rule "r": when: found no matching overload for 'contains' applied to 'list(string).(string)'; to test whether a list holds a value, write "budget" in peer.tags`},
		{`history.never_met && me.emails.contains(peer.email)`,
			`test.yaml:15:51: rule "r": when: found no matching overload for 'contains' applied to 'list(string).(string)'; to test whether a list holds a value, write peer.email in me.emails`},
		{`peer.tier = "forever"`,
			`test.yaml:15:22: rule "r": when: Syntax error: token recognition error at: '= '; a single = compares nothing: write == (or <=, >=, !=)`},
		{`history.last_met < now - duration("30d")`,
			`test.yaml:15:37: rule "r": when: type conversion error from 'string' to 'google.protobuf.Duration'; CEL durations take the units h, m and s (no d or w): write duration("720h") for "30d"`},
		{`history.last_met < now - duration("2w")`,
			`test.yaml:15:37: rule "r": when: type conversion error from 'string' to 'google.protobuf.Duration'; CEL durations take the units h, m and s (no d or w): write duration("336h") for "2w"`},
	} {
		t.Run(tc.when, func(t *testing.T) {
			if diff := cmp.Diff([]string{tc.want}, compileErrs(t, celPeers, tc.when)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// A duration read from the roster fails at evaluation, with the hint.
	peers := "  - name: Dana Whitfield\n    email: dana@acme.test\n    notes: 30d"
	e, err := Compile(celConfig(t, peers, `now - history.last_met > duration(peer.notes)`))
	if err != nil {
		t.Fatal(err)
	}
	checkErr(t, e, at("2026-11-23 09:00"), celWhen+`: rule "r": when failed for dana@acme.test: type conversion error from 'string' to 'google.protobuf.Duration'; CEL durations take the units h, m and s (no d or w), e.g. duration("720h") for 30 days`)
}

// BenchmarkCostLimit measures the slowest evaluations CostLimit lets run or
// stops: cel-go's cost tracking grows with the length of one comprehension, so
// these are the worst cases per peer and rule.
func BenchmarkCostLimit(b *testing.B) {
	peers := "  - name: Noah Park\n    email: noah@acme.test\n    notes: " + strings.Repeat("word ", 20000) + "\n    tags: " + manyTags(2000)
	for _, when := range []string{
		`lists.range(1600).all(x, x >= 0)`, // just under the limit: runs to the end
		`peer.tags.all(x, peer.tags.all(y, x != y || x == y))`,
		`peer.notes.split(" ").exists(w, w == "budget")`,
		`peer.tags.exists(t, t == "budget")`,
	} {
		b.Run(when, func(b *testing.B) {
			cfg, err := config.Parse("test.yaml", []byte(fmt.Sprintf(celYAML, peers, when)))
			if err != nil {
				b.Fatal(err)
			}
			e, err := Compile(cfg)
			if err != nil {
				b.Fatal(err)
			}
			act := map[string]any{"peer": peerVars(&cfg.Peers[0], 0), "me": e.me, "history": HistoryVars{}, "now": time.Now()}
			for b.Loop() {
				_, _ = eval(context.Background(), e.progs[1], act)
			}
		})
	}
}
