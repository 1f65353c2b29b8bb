package rules

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/config"
)

// refByTitle is title matching as it was before the matcher was indexed: every
// name of every peer tried at every word of the title. The indexed matcher must
// agree with it.
func refByTitle(cfg *config.Config, summary string) []int {
	w := words(summary)
	var out []int
	for i := range cfg.Peers {
		p := &cfg.Peers[i]
	names:
		for _, n := range append([]string{p.Name}, p.Aliases...) {
			nw := words(n)
			if len(nw) == 0 {
				continue
			}
			for j := 0; j+len(nw) <= len(w); j++ {
				if slices.Equal(w[j:j+len(nw)], nw) {
					out = append(out, i)
					break names
				}
			}
		}
	}
	return out
}

// TestMatcherAgreesWithReference checks the indexed title matching against the
// plain one on random rosters whose names share words, and the email index.
func TestMatcherAgreesWithReference(t *testing.T) {
	vocab := []string{"Dana", "dana", "Sam", "Lee", "Park", "O'Neil", "Ana", "Maria", "de", "la", "Cruz", "1:1", "Coffee", "with", "x2"}
	rng := rand.New(rand.NewPCG(7, 13))
	phrase := func(max int) string {
		n := 1 + rng.IntN(max)
		ws := make([]string, n)
		for i := range ws {
			ws[i] = vocab[rng.IntN(len(vocab))]
		}
		return strings.Join(ws, []string{" ", " ", "-", ", "}[rng.IntN(4)])
	}
	for round := range 200 {
		var peers strings.Builder
		nPeers := 1 + rng.IntN(12)
		for i := range nPeers {
			fmt.Fprintf(&peers, "  - name: %q\n    email: P%d@Acme.test\n", phrase(3), i)
			if k := rng.IntN(4); k > 0 {
				aliases := make([]string, k)
				for j := range aliases {
					aliases[j] = fmt.Sprintf("%q", phrase(3))
				}
				fmt.Fprintf(&peers, "    aliases: [%s]\n", strings.Join(aliases, ", "))
			}
		}
		cfg, err := config.Parse("test.yaml", []byte("me:\n  name: Me\n  emails: [me@acme.test]\n  timezone: America/New_York\ncalendars:\n  - name: work\n    ics: work.ics\nmode: report\npeers:\n"+peers.String()))
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		m := newMatcher(cfg)
		for range 20 {
			summary := phrase(8)
			hs := make([]history, len(cfg.Peers))
			m.byTitle(&calendar.Event{Summary: summary, Start: time.Unix(0, 0)}, hs)
			var got []int
			for i, h := range hs {
				if len(h.occ) > 1 {
					t.Fatalf("round %d: %q files %d occurrences under peer %d", round, summary, len(h.occ), i)
				}
				if len(h.occ) == 1 {
					got = append(got, i)
				}
			}
			if diff := cmp.Diff(refByTitle(cfg, summary), got); diff != "" {
				t.Fatalf("round %d: %q matched peers (-want +got):\n%s\nroster:\n%s", round, summary, diff, peers.String())
			}
		}
		for i := range cfg.Peers {
			if p, ok := m.byEmail[fmt.Sprintf("p%d@acme.test", i)]; !ok || p != i {
				t.Fatalf("round %d: p%d@acme.test → %d, %v", round, i, p, ok)
			}
		}
	}
}

// rosterYAML writes a config with n peers who share ten first names (each peer
// is also known by a short form starting with it), the shape that made the
// matcher quadratic (issue 8).
func rosterYAML(n int) []byte {
	firsts := []string{"Dana", "Sam", "Alex", "Chris", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie"}
	var b strings.Builder
	b.WriteString("me:\n  name: Me Myself\n  emails: [me@acme.test]\n  timezone: America/New_York\ncalendars:\n  - name: work\n    ics: work.ics\nmode: report\n")
	b.WriteString("rules:\n  - name: budget\n    when: '\"budget\" in peer.tags'\n    cadence: weekly\npeers:\n")
	for i := range n {
		f := firsts[i%len(firsts)]
		fmt.Fprintf(&b, "  - name: %s Person%d\n    email: p%d@acme.test\n    aliases: [%s P%d]\n    tags: [t%d]\n", f, i, i, f, i, i%7)
	}
	return []byte(b.String())
}

// BenchmarkMatcher builds the roster index and matches a calendar's worth of
// events against rosters sharing first names; the time per peer should not
// grow with the roster.
func BenchmarkMatcher(b *testing.B) {
	for _, n := range []int{50_000, 250_000} {
		cfg, err := config.Parse("bench.yaml", rosterYAML(n))
		if err != nil {
			b.Fatal(err)
		}
		events := make([]calendar.Event, 0, 2000)
		for i := range 2000 {
			e := calendar.Event{Summary: fmt.Sprintf("Coffee with Dana P%d", i*10), Start: time.Unix(int64(i)*3600, 0)}
			if i%2 == 0 {
				e.Summary = ""
				e.Attendees = []calendar.Attendee{{Email: "me@acme.test"}, {Email: fmt.Sprintf("p%d@acme.test", i*11%n)}}
			}
			events = append(events, e)
		}
		b.Run(fmt.Sprintf("peers=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m := newMatcher(cfg)
				m.histories(&Input{Events: events}, len(cfg.Peers))
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/peer")
		})
	}
}

// TestBigRoster (issue 8): a roster of 250,000 peers sharing first names
// compiles and checks. BenchmarkMatcher and BenchmarkCheck give the time.
func TestBigRoster(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 250,000-peer roster")
	}
	cfg, err := config.Parse("big.yaml", rosterYAML(250_000))
	if err != nil {
		t.Fatal(err)
	}
	e, err := Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Check(t.Context(), at("2026-11-23 09:00")); err != nil {
		t.Fatal(err)
	}
	hs := make([]history, len(cfg.Peers))
	e.match.byTitle(&calendar.Event{Summary: "Lunch: Dana Person70 and Dana P80", Start: at("2026-11-20 12:00")}, hs)
	var got []int
	for i, h := range hs {
		if len(h.occ) > 0 {
			got = append(got, i)
		}
	}
	if !slices.Equal(got, []int{70, 80}) {
		t.Errorf("a title naming two Danas files under peers %v, want [70 80]", got)
	}
}

// BenchmarkCheck compiles a roster of peers sharing first names and checks its
// rule against every peer: what `sideways check` does after reading the file.
func BenchmarkCheck(b *testing.B) {
	for _, n := range []int{50_000, 250_000} {
		cfg, err := config.Parse("bench.yaml", rosterYAML(n))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("peers=%d", n), func(b *testing.B) {
			for b.Loop() {
				e, err := Compile(cfg)
				if err != nil {
					b.Fatal(err)
				}
				if err := e.Check(b.Context(), at("2026-11-23 09:00")); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/peer")
		})
	}
}
