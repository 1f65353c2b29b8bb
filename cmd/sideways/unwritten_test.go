package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/config"
	"github.com/sidewayscal/sideways/rules"
)

func reportPlan(cfg *config.Config, slots ...time.Time) *rules.Plan {
	p := &rules.Plan{Now: slots[0], Mode: cfg.Mode}
	for i, s := range slots[1:] {
		peer := &cfg.Peers[i%len(cfg.Peers)]
		a := &rules.Assessment{Peer: peer}
		a.Mode = config.ModePropose
		p.Actions = append(p.Actions, rules.Action{Kind: rules.Propose, Assessment: a, Mode: a.Mode,
			Slot: calendar.Interval{Start: s, End: s.Add(30 * time.Minute)}, Reason: "overdue: last met 14 days ago"})
	}
	return p
}

// TestPlanLogOnChange: the daemon in report mode logs the plan on the first
// cycle and then only when it changes, never the private notes.
func TestPlanLogOnChange(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{Mode: config.ModeReport, Me: config.Me{Location: ny},
		Peers: []config.Peer{{Name: "Dana Whitfield", Email: "dana@acme.test", Notes: "ZQX-PRIVATE-7731"}}}
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, ny)
	tue, wed := now.AddDate(0, 0, 1).Add(time.Hour), now.AddDate(0, 0, 2).Add(time.Hour)

	var buf bytes.Buffer
	l := &planLog{log: slog.New(slog.NewTextHandler(&buf, nil))}
	count := func() int { return strings.Count(buf.String(), "report: the plan changed") }
	steps := []struct {
		plan *rules.Plan
		want int // "plan changed" lines so far
	}{
		{reportPlan(cfg, now, tue), 1},
		{reportPlan(cfg, now.Add(15*time.Minute), tue), 1}, // the same actions a cycle later
		{reportPlan(cfg, now.Add(30*time.Minute), wed), 2}, // the slot moved
		{reportPlan(cfg, now.Add(45*time.Minute), wed), 2},
	}
	for i, s := range steps {
		l.note(cfg, s.plan)
		if got := count(); got != s.want {
			t.Errorf("after cycle %d: %d plan logs, want %d\n%s", i+1, got, s.want, buf.String())
		}
	}
	if !strings.Contains(buf.String(), `msg="report: would" action=propose peer=dana@acme.test start=2026-11-25T10:00:00-05:00`) {
		t.Errorf("the changed plan's action is not logged:\n%s", buf.String())
	}
	l.note(cfg, reportPlan(cfg, now.Add(time.Hour)))
	if !strings.Contains(buf.String(), "report: nothing to propose") {
		t.Errorf("an emptied plan is not logged:\n%s", buf.String())
	}
	if strings.Contains(buf.String(), "ZQX-PRIVATE") {
		t.Errorf("the log carries private notes:\n%s", buf.String())
	}

	// In propose mode written actions are the "wrote" log's business.
	buf.Reset()
	cfg.Mode = config.ModePropose
	q := &planLog{log: slog.New(slog.NewTextHandler(&buf, nil))}
	q.note(cfg, reportPlan(cfg, now, tue))
	if buf.Len() != 0 {
		t.Errorf("propose mode logged written actions as a report:\n%s", buf.String())
	}
}
