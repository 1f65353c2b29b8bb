package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar/google/googletest"
	"github.com/sidewayscal/sideways/daemon/state"
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
			// A process killed after its inserts reached Google but before it
			// stored anything: the next cycles adopt the series, never duplicate.
			db, err := state.Open(filepath.Join(w.dir, "state", "sideways.db"))
			if err != nil {
				t.Fatal(err)
			}
			writes, _ := db.Writes(context.Background())
			for _, x := range writes {
				_ = db.Untrack(context.Background(), x.Calendar, x.EventID)
			}
			db.Close()
			// Later cycles write nothing: the series stands for the peer.
			for range 2 {
				w.now = w.now.Add(2 * time.Hour)
				w.srv.ResetLog()
				w.sideways(true, "run", "--once")
				if writes := w.srv.Writes(); len(writes) != 0 {
					t.Errorf("a later cycle wrote %v", routes(writes))
				}
			}
			db, err = state.Open(filepath.Join(w.dir, "state", "sideways.db"))
			if err != nil {
				t.Fatal(err)
			}
			writes, _ = db.Writes(context.Background())
			db.Close()
			if len(writes) != 2 {
				t.Errorf("%d writes tracked after adoption, want the 2 series", len(writes))
			}
			st := w.status()
			want := map[string]string{"propose": "suggested", "invite": "invited"}[mode]
			if st.state("dana@acme.test") != want {
				t.Errorf("dana is %s, want %s", st.state("dana@acme.test"), want)
			}
		})
	}
}

// touches reports whether a request writes to the series id or one of its
// instances (id_YYYYMMDD…).
func touches(r googletest.Request, id string) bool {
	return r.EventID == id || strings.HasPrefix(r.EventID, id+"_")
}

const weeklyRules = "rules:\n  - name: weekly\n    cadence: weekly\n    series: true\n"

func TestAcceptedAndEditedSeriesAreNeverWritten(t *testing.T) {
	w := seriesWorld(t, "propose", weeklyRules)
	w.srv.Insert("primary", gEvent("dana1", "Dana / Alex", w.now.AddDate(0, 0, -40), gOwner, "dana@acme.test"))
	w.sideways(true, "run", "--once")
	got := w.ours()
	if len(got["dana@acme.test"]) != 1 || len(got["bo@acme.test"]) != 1 {
		t.Fatalf("want one series each, got %v", got)
	}
	dana, bo := got["dana@acme.test"][0], got["bo@acme.test"][0]
	// The user accepts Dana's series: adds her as a guest, to all instances.
	w.srv.Patch("primary", dana.Id, func(e *calendarv3.Event) {
		e.Attendees = []*calendarv3.EventAttendee{{Email: gOwner, ResponseStatus: "accepted"}, {Email: "dana@acme.test", ResponseStatus: "accepted"}}
	})
	// And moves one instance of Bo's an hour later ("this event" only).
	second := startOf(t, bo).AddDate(0, 0, 7)
	w.srv.EditInstance("primary", bo.Id, second, func(e *calendarv3.Event) {
		e.Start.DateTime = second.Add(time.Hour).Format(time.RFC3339)
		e.End.DateTime = second.Add(90 * time.Minute).Format(time.RFC3339)
	})
	w.srv.ResetLog()
	// Three months of cycles, every three days: past both series' ends.
	for range 34 {
		w.now = w.now.AddDate(0, 0, 3)
		w.sideways(true, "run", "--once")
		if w.now.Before(startOf(t, dana).AddDate(0, 0, 60)) {
			if st := w.status(); st.state("dana@acme.test") != "scheduled" || st.state("bo@acme.test") != "scheduled" {
				t.Fatalf("%s: dana %s, bo %s; want both scheduled by their series", w.now.Format(time.DateOnly),
					st.state("dana@acme.test"), st.state("bo@acme.test"))
			}
		}
	}
	writes := w.srv.Writes()
	for _, r := range writes {
		if touches(r, dana.Id) || touches(r, bo.Id) {
			t.Errorf("%s %s: sideways wrote to a series that is the user's", r.Route, r.EventID)
		}
	}
	if len(writes) == 0 {
		t.Errorf("no writes at all in three months: the renewals are missing")
	}
}

func TestSeriesRenewal(t *testing.T) {
	w := seriesWorld(t, "propose", weeklyRules)
	w.srv.Insert("primary", gEvent("dana1", "Dana / Alex", w.now.AddDate(0, 0, -40), gOwner, "dana@acme.test"))
	w.sideways(true, "run", "--once")
	old := map[string]*calendarv3.Event{}
	for peer, evs := range w.ours() {
		old[peer] = evs[0]
		w.srv.Patch("primary", evs[0].Id, func(e *calendarv3.Event) {
			e.Attendees = []*calendarv3.EventAttendee{{Email: gOwner, ResponseStatus: "accepted"}, {Email: peer, ResponseStatus: "accepted"}}
		})
	}
	if len(old) != 2 {
		t.Fatalf("want two series, got %v", old)
	}
	last := until(t, old["dana@acme.test"])
	// Midway the rules change: Dana every two weeks, Bo no longer.
	w.now = w.now.AddDate(0, 0, 30)
	w.setConfig(`rules:
  - name: bo leaves
    when: peer.email == "bo@acme.test"
    skip: true
  - name: dana biweekly
    when: peer.email == "dana@acme.test"
    cadence: biweekly
` + strings.TrimPrefix(weeklyRules, "rules:\n"))
	w.srv.ResetLog()
	var renewal *calendarv3.Event
	var noted bool
	for w.now.Before(last.AddDate(0, 0, 14)) {
		w.now = w.now.Add(24 * time.Hour)
		w.sideways(true, "run", "--once")
		for _, r := range w.srv.Writes() {
			if touches(r, old["dana@acme.test"].Id) || touches(r, old["bo@acme.test"].Id) {
				t.Fatalf("%s %s: the old series was written to", r.Route, r.EventID)
			}
		}
		if renewal == nil {
			for _, e := range w.ours()["dana@acme.test"] {
				if e.Id != old["dana@acme.test"].Id {
					renewal = e
					if lead := last.Sub(w.now); lead > 7*24*time.Hour || lead < 0 {
						t.Errorf("the renewal came %s before the last instance, want within the lead time of 7 days", lead)
					}
					if !startOf(t, e).After(last) {
						t.Errorf("the renewal starts %s, before the old series ends %s", startOf(t, e), last)
					}
					for _, args := range [][]string{{"plan", "--explain"}, {"status"}} {
						if out := w.sideways(true, args...); !strings.Contains(out, `"Suggested: peer 1:1 with Dana Whitfield (Finance)": cadence biweekly, last instance `) ||
							!strings.Contains(out, ", renewal due") {
							t.Errorf("%s does not show Dana's series ending with its renewal due:\n%s", args[0], out)
						}
					}
				}
			}
		}
		st := w.status()
		for _, msg := range st.Warnings {
			if strings.Contains(msg, "Bo Li: the 1:1 series ends") && strings.Contains(msg, "will not be renewed") {
				noted = true
			}
		}
	}
	if renewal == nil {
		t.Fatal("no renewal was proposed for Dana")
	}
	if len(renewal.Recurrence) != 1 || !strings.Contains(renewal.Recurrence[0], "FREQ=WEEKLY;INTERVAL=2;") {
		t.Errorf("the renewal is %v, want the new cadence (every two weeks)", renewal.Recurrence)
	}
	if evs := w.ours()["bo@acme.test"]; len(evs) != 1 {
		t.Errorf("bo, skipped, has %d series of sideways', want only the old one", len(evs))
	}
	if !noted {
		t.Errorf("status never said that Bo's series will not be renewed")
	}
	if u := until(t, w.srv.Event("primary", old["dana@acme.test"].Id)); !u.Equal(last) {
		t.Errorf("the old series now ends %s, was %s", u, last)
	}
}

func TestHandMadeSeriesGetsANote(t *testing.T) {
	w := newGWorld(t, "propose")
	weekly := func(id, summary, rule string, peer string) {
		ev := gEvent(id, summary, w.now.AddDate(0, 0, -14), gOwner, peer)
		ev.Start.TimeZone, ev.End.TimeZone = "America/New_York", "America/New_York"
		ev.Recurrence = []string{rule}
		w.srv.Insert("primary", ev)
	}
	weekly("danaweekly", "Dana / Alex", "RRULE:FREQ=WEEKLY", "dana@acme.test")
	weekly("boweekly", "Bo / Alex", "RRULE:FREQ=WEEKLY;UNTIL=20271231T000000Z", "bo@acme.test")
	w.srv.ResetLog()
	w.sideways(true, "run", "--once")
	st := w.status()
	var dana, bo bool
	for _, msg := range st.Warnings {
		dana = dana || strings.Contains(msg, `Dana Whitfield: your 1:1 series "Dana / Alex" has no end`)
		bo = bo || strings.Contains(msg, `Bo Li: your 1:1 series "Bo / Alex" runs until Mon Dec 27 2027, more than 90 days away`)
	}
	if !dana || !bo {
		t.Errorf("status warnings %q: want a note on Dana's endless series and on Bo's long one", st.Warnings)
	}
	if st.state("dana@acme.test") != "scheduled" || !strings.Contains(st.why("dana@acme.test"), "a series with no end") {
		t.Errorf("dana: %s — %s", st.state("dana@acme.test"), st.why("dana@acme.test"))
	}
	if writes := w.srv.Writes(); len(writes) != 0 {
		t.Errorf("a note is never a write: %v", routes(writes))
	}
}

func TestDeletedSeriesIsANo(t *testing.T) {
	w := seriesWorld(t, "propose", weeklyRules)
	w.srv.Insert("primary", gEvent("dana1", "Dana / Alex", w.now.AddDate(0, 0, -40), gOwner, "dana@acme.test"))
	w.sideways(true, "run", "--once")
	dana := w.ours()["dana@acme.test"]
	if len(dana) != 1 {
		t.Fatalf("want Dana's series, got %v", dana)
	}
	w.srv.Delete("primary", dana[0].Id)
	w.now = w.now.Add(time.Hour)
	w.srv.ResetLog()
	w.sideways(true, "run", "--once")
	if st := w.status(); st.state("dana@acme.test") != "snoozed" {
		t.Errorf("after deleting her series Dana is %s, want snoozed", st.state("dana@acme.test"))
	}
	if n := w.srv.Count(googletest.RouteInsert); n != 0 {
		t.Errorf("%d inserts after the user said no", n)
	}
}

func TestUnansweredSeriesIsWithdrawnWhole(t *testing.T) {
	w := seriesWorld(t, "propose", weeklyRules)
	w.srv.Insert("primary", gEvent("dana1", "Dana / Alex", w.now.AddDate(0, 0, -40), gOwner, "dana@acme.test"))
	w.sideways(true, "run", "--once")
	first := w.ours()
	old := first["dana@acme.test"]
	if len(old) != 1 {
		t.Fatalf("want Dana's series, got %v", old)
	}
	// Its first meeting passes without a guest: the series goes, whole, and
	// a new one is proposed.
	w.now = startOf(t, old[0]).Add(24 * time.Hour)
	w.srv.ResetLog()
	w.sideways(true, "run", "--once")
	var deleted bool
	for _, r := range w.srv.Writes() {
		if r.Route == googletest.RouteDelete {
			deleted = deleted || r.EventID == old[0].Id
			if r.EventID != old[0].Id && r.EventID != first["bo@acme.test"][0].Id {
				t.Errorf("deleted %s, want only the series sideways wrote", r.EventID)
			}
		}
	}
	if !deleted {
		t.Errorf("the unanswered series was not withdrawn: %v", routes(w.srv.Writes()))
	}
	now := w.ours()["dana@acme.test"]
	if len(now) != 1 || now[0].Id == old[0].Id || len(now[0].Recurrence) != 1 {
		t.Errorf("want one new series for Dana, got %v", now)
	}
	if st := w.status(); st.state("dana@acme.test") != "suggested" {
		t.Errorf("dana is %s, want suggested (a withdrawal is not a no)", st.state("dana@acme.test"))
	}
}

// TestUserSeriesHistory: the instances of a 1:1 series the user made, read
// through the real client with its cancelled instances, make the history:
// held ones are met, cancelled ones the streak, the next one scheduled.
func TestUserSeriesHistory(t *testing.T) {
	w := newGWorld(t, "propose")
	ny, _ := time.LoadLocation("America/New_York")
	start := time.Date(2026, 10, 27, 10, 0, 0, 0, ny)
	ev := gEvent("danaseries", "Dana / Alex", start, gOwner, "dana@acme.test")
	ev.Start.TimeZone, ev.End.TimeZone = "America/New_York", "America/New_York"
	ev.Recurrence = []string{"RRULE:FREQ=WEEKLY;UNTIL=20261229T150000Z"}
	w.srv.Insert("primary", ev)
	for _, day := range []int{10, 17} { // "delete this event" on two instances
		w.srv.Delete("primary", "danaseries_"+time.Date(2026, 11, day, 15, 0, 0, 0, time.UTC).Format("20060102T150405Z"))
	}
	w.sideways(true, "run", "--once")
	var st struct {
		Peers []struct {
			Email           string  `json:"email"`
			State           string  `json:"state"`
			LastMet         *string `json:"last_met"`
			NextScheduled   *string `json:"next_scheduled"`
			CancelledStreak int     `json:"cancelled_streak"`
		} `json:"peers"`
	}
	if err := json.Unmarshal([]byte(w.sideways(true, "status", "--json")), &st); err != nil {
		t.Fatal(err)
	}
	d := st.Peers[0]
	if d.Email != "dana@acme.test" || d.State != "scheduled" || d.CancelledStreak != 2 ||
		d.LastMet == nil || !strings.HasPrefix(*d.LastMet, "2026-11-03T10:00") ||
		d.NextScheduled == nil || !strings.HasPrefix(*d.NextScheduled, "2026-11-24T10:00") {
		t.Errorf("dana: %+v; want scheduled Nov 24, last met Nov 3, 2 cancelled in a row", d)
	}
	for _, r := range w.srv.Writes() {
		if touches(r, "danaseries") {
			t.Errorf("%s %s: a write to the user's series", r.Route, r.EventID)
		}
	}
}

// TestDeletedSeriesIsANoAfterStateLoss: with series on, the user deletes the
// suggested (or invited) series; the state folder is lost. For the whole
// snooze no request writes anything for that peer and status shows the peer
// snoozed, from the calendar alone; afterwards a new series may be proposed.
// The user's deletion of one instance of the other peer's series is not a
// "no", and neither is sideways' own withdrawal of a series.
func TestDeletedSeriesIsANoAfterStateLoss(t *testing.T) {
	for _, mode := range []string{"propose", "invite"} {
		t.Run(mode, func(t *testing.T) {
			w := seriesWorld(t, mode, weeklyRules)
			w.srv.Insert("primary", gEvent("dana1", "Dana / Alex", w.now.AddDate(0, 0, -40), gOwner, "dana@acme.test"))
			w.sideways(true, "run", "--once")
			got := w.ours()
			dana, bo := got["dana@acme.test"], got["bo@acme.test"]
			if len(dana) != 1 || len(bo) != 1 {
				t.Fatalf("want one series each, got %v", got)
			}
			w.now = w.now.Add(time.Hour)
			w.srv.Delete("primary", dana[0].Id)
			// "Delete this event" on the first meeting of Bo's series only.
			w.srv.Delete("primary", bo[0].Id+"_"+startOf(t, bo[0]).UTC().Format("20060102T150405Z"))
			deleted := w.now
			w.now = w.now.Add(2 * time.Hour)
			w.loseState()
			w.srv.ResetLog()

			for i := 0; w.now.Before(deleted.Add(14*24*time.Hour - 12*time.Hour)); i++ {
				w.sideways(true, "run", "--once")
				if i == 10 {
					w.loseState()
				}
				w.now = w.now.Add(12 * time.Hour)
			}
			if ws := w.writesFor("dana@acme.test"); len(ws) != 0 {
				t.Errorf("during the snooze sideways wrote for dana: %v", routes(ws))
			}
			st := w.status()
			if st.state("dana@acme.test") != "snoozed" {
				t.Errorf("dana: state %q, why %q; want snoozed by the deleted series", st.state("dana@acme.test"), st.why("dana@acme.test"))
			}
			if st.state("bo@acme.test") == "snoozed" {
				t.Errorf("bo is snoozed (%s): deleting one meeting of a series is not a no", st.why("bo@acme.test"))
			}

			// Once the snooze is over, Dana may get a new series.
			w.now = deleted.Add(14*24*time.Hour + time.Hour)
			w.sideways(true, "run", "--once")
			if now := w.ours()["dana@acme.test"]; len(now) != 1 || now[0].Id == dana[0].Id || len(now[0].Recurrence) != 1 {
				t.Errorf("after the snooze: want one new series for dana, got %v", now)
			}
		})
	}
}

// TestCancelledMeetingOfAcceptedSeries: one meeting of a series the user
// accepted, deleted ("this event"), is a missed 1:1 that feeds the cancelled
// streak, not a "no": the peer stays scheduled by the series.
func TestCancelledMeetingOfAcceptedSeries(t *testing.T) {
	w := seriesWorld(t, "propose", weeklyRules)
	w.srv.Insert("primary", gEvent("dana1", "Dana / Alex", w.now.AddDate(0, 0, -40), gOwner, "dana@acme.test"))
	w.sideways(true, "run", "--once")
	dana := w.ours()["dana@acme.test"][0]
	w.srv.Patch("primary", dana.Id, func(e *calendarv3.Event) {
		e.Attendees = []*calendarv3.EventAttendee{{Email: gOwner, ResponseStatus: "accepted"}, {Email: "dana@acme.test", ResponseStatus: "accepted"}}
	})
	second := startOf(t, dana).AddDate(0, 0, 7)
	w.srv.Delete("primary", dana.Id+"_"+second.UTC().Format("20060102T150405Z"))
	w.now = second.Add(24 * time.Hour)
	w.loseState()
	w.sideways(true, "run", "--once")
	var st struct {
		Peers []struct {
			Email           string `json:"email"`
			State           string `json:"state"`
			CancelledStreak int    `json:"cancelled_streak"`
		} `json:"peers"`
	}
	if err := json.Unmarshal([]byte(w.sideways(true, "status", "--json")), &st); err != nil {
		t.Fatal(err)
	}
	if d := st.Peers[0]; d.Email != "dana@acme.test" || d.State != "scheduled" || d.CancelledStreak != 1 {
		t.Errorf("dana: %+v; want scheduled by her series, with the deleted meeting in the cancelled streak", d)
	}
}
