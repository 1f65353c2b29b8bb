package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar/google/googletest"
)

// seriesWorld is a gworld whose config writes standing series, with extra
// YAML (rules, caps) appended.
func seriesWorld(t *testing.T, mode, extra string) *gworld {
	t.Helper()
	w := newGWorld(t, mode)
	w.setConfig(extra)
	return w
}

// setConfig rewrites the world's config: series on, and extra appended
// (replacing the rules).
func (w *gworld) setConfig(extra string) {
	w.t.Helper()
	p := filepath.Join(w.dir, "sideways.yaml")
	b, err := os.ReadFile(p)
	if err != nil {
		w.t.Fatal(err)
	}
	cfg := string(b)
	if i := strings.Index(cfg, "\nrules:\n"); i >= 0 {
		cfg = cfg[:i+1]
	}
	if !strings.Contains(cfg, "series: true") {
		cfg = strings.Replace(cfg, "peers:\n", "meeting:\n  series: true\npeers:\n", 1)
	}
	if extra == "" {
		extra = "rules:\n  - name: monthly\n    cadence: monthly\n"
	}
	if err := os.WriteFile(p, []byte(cfg+extra), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// until reads the UNTIL of a series' RRULE.
func until(t *testing.T, ev *calendarv3.Event) time.Time {
	t.Helper()
	for _, l := range ev.Recurrence {
		for _, part := range strings.Split(strings.TrimPrefix(l, "RRULE:"), ";") {
			if v, ok := strings.CutPrefix(part, "UNTIL="); ok {
				u, err := time.Parse("20060102T150405Z", v)
				if err != nil {
					t.Fatal(err)
				}
				return u
			}
		}
	}
	t.Fatalf("event %s has no UNTIL: %v", ev.Id, ev.Recurrence)
	return time.Time{}
}

func startOf(t *testing.T, ev *calendarv3.Event) time.Time {
	t.Helper()
	s, err := time.Parse(time.RFC3339, ev.Start.DateTime)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSeriesWrittenOnceEndingWithinSeriesMax(t *testing.T) {
	for _, mode := range []string{"propose", "invite"} {
		t.Run(mode, func(t *testing.T) {
			w := seriesWorld(t, mode, "")
			w.srv.Insert("primary", gEvent("dana1", "Dana / Alex", w.now.AddDate(0, 0, -40), gOwner, "dana@acme.test"))
			// The first insert reaches Google but its answer is lost: the
			// retry meets 409 and the event is there, once.
			w.srv.FailNext(googletest.RouteInsert, 1, googletest.Fault{DropAfter: true})
			w.sideways(true, "run", "--once")
			got := w.ours()
			if len(got) != 2 {
				t.Fatalf("series for %d peers, want 2 (Dana overdue, Bo never met): %v", len(got), got)
			}
			for peer, evs := range got {
				if len(evs) != 1 {
					t.Fatalf("%s: %d events, want one series", peer, len(evs))
				}
				ev := evs[0]
				if len(ev.Recurrence) != 1 || !strings.Contains(ev.Recurrence[0], "FREQ=MONTHLY;BYDAY=") {
					t.Errorf("%s: recurrence %v, want a monthly rule on the nth weekday", peer, ev.Recurrence)
				}
				if ev.ExtendedProperties.Private["sideways_series"] == "" {
					t.Errorf("%s: the series is not marked as one", peer)
				}
				first := startOf(t, ev)
				if u := until(t, ev); u.After(first.Add(90 * 24 * time.Hour)) {
					t.Errorf("%s: UNTIL %s is after the first instance %s + series_max (90 days)", peer, u, first)
				}
				if mode == "invite" {
					if len(ev.Attendees) != 2 || strings.Contains(ev.Description, "Why now") {
						t.Errorf("%s: an invite carries the peer and the agenda only: attendees %d, description %q", peer, len(ev.Attendees), ev.Description)
					}
				}
			}
			// Later cycles write nothing: the series stands for the peer.
			for range 2 {
				w.now = w.now.Add(2 * time.Hour)
				w.srv.ResetLog()
				w.sideways(true, "run", "--once")
				if writes := w.srv.Writes(); len(writes) != 0 {
					t.Errorf("a later cycle wrote %v", routes(writes))
				}
			}
			st := w.status()
			want := map[string]string{"propose": "suggested", "invite": "invited"}[mode]
			if st.state("dana@acme.test") != want {
				t.Errorf("dana is %s, want %s", st.state("dana@acme.test"), want)
			}
		})
	}
}
