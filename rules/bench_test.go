package rules

import (
	"fmt"
	"testing"

	"github.com/sidewayscal/sideways/config"
	"github.com/sidewayscal/sideways/rules/rulestest"
)

// benchWorld builds a config with nPeers peers and a year of calendar with
// nEvents events (rulestest.World, which the report's benchmark shares).
func benchWorld(tb testing.TB, nPeers, nEvents int) (*Engine, *Input) {
	tb.Helper()
	yaml, events := rulestest.World(nPeers, nEvents)
	cfg, err := config.Parse("bench.yaml", yaml)
	if err != nil {
		tb.Fatal(err)
	}
	e, err := Compile(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return e, &Input{Now: rulestest.Now, Events: events}
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
