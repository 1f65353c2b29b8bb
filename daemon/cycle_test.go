package daemon

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/calendartest"
	"github.com/sidewayscal/sideways/config"
	"github.com/sidewayscal/sideways/daemon/state"
	"github.com/sidewayscal/sideways/rules"
)

var ny, _ = time.LoadLocation("America/New_York")

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, ny)
	if err != nil {
		panic(err)
	}
	return t
}

const me = "alex@acme.test"

const cfgYAML = `
me:
  name: Alex Rivera
  emails: [alex@acme.test]
  department: Engineering
  timezone: America/New_York
calendars:
  - name: work
    google: {}
    writable: true
mode: %s
peers:
  - name: Dana Whitfield
    email: dana@acme.test
    department: Finance
    notes: "PRIVATE-NOTE cycles to work"
  - name: Bo Li
    email: bo@acme.test
    department: Ops
rules:
  - name: monthly
    cadence: monthly
`

// world is a daemon over an in-memory writable calendar, a real state
// database and a clock the test moves.
type world struct {
	t   *testing.T
	d   *Daemon
	cal *calendartest.Fake
	db  *state.DB
	now time.Time
}

func newWorld(t *testing.T, mode string) *world {
	t.Helper()
	cfg, err := config.Parse(filepath.Join(t.TempDir(), "sideways.yaml"), []byte(fmt.Sprintf(cfgYAML, mode)))
	if err != nil {
		t.Fatal(err)
	}
	eng, err := rules.Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db, err := state.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w := &world{t: t, cal: calendartest.New("work"), db: db, now: at("2026-11-23 09:00")}
	db.Now = func() time.Time { return w.now }
	w.d = New(eng, []NamedSource{{Name: "work", Source: w.cal}})
	w.d.Writer = w.cal
	w.d.Store = db
	w.d.Now = func() time.Time { return w.now }
	// Dana was last met two months ago; Bo never.
	w.cal.Add(oneOnOne("dana-1", "dana@acme.test", "2026-09-22 10:00"))
	return w
}

func oneOnOne(id, peer, start string) calendar.Event {
	s := at(start)
	return calendar.Event{ID: id, UID: id, Summary: "1:1", Start: s, End: s.Add(30 * time.Minute), Status: calendar.StatusConfirmed,
		Attendees: []calendar.Attendee{{Email: me, PartStat: calendar.PartStatAccepted}, {Email: peer, PartStat: calendar.PartStatAccepted}}}
}

func (w *world) cycle() *Result {
	w.t.Helper()
	res, err := w.d.Cycle(context.Background())
	if err != nil {
		w.t.Fatalf("cycle at %s: %v", w.now.Format(time.DateTime), err)
	}
	return res
}

// tagged returns the live events sideways wrote for peer.
func (w *world) tagged(peer string) []calendar.Event {
	var out []calendar.Event
	for _, e := range w.cal.All() {
		if e.Tag != "" && e.TagPeer == peer {
			out = append(out, e)
		}
	}
	return out
}

func (w *world) state(peer string) rules.State {
	w.t.Helper()
	p, err := w.d.Plan(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	for _, a := range p.Peers {
		if a.Peer.Email == peer {
			return a.State
		}
	}
	w.t.Fatalf("no peer %s", peer)
	return ""
}

func TestCycleProposesOnce(t *testing.T) {
	w := newWorld(t, "propose")
	res := w.cycle()
	if len(res.Done) != 2 {
		t.Fatalf("first cycle made %d writes, want 2 (Dana overdue, Bo never met)", len(res.Done))
	}
	for _, peer := range []string{"dana@acme.test", "bo@acme.test"} {
		got := w.tagged(peer)
		if len(got) != 1 || got[0].Tag != calendar.TagSuggestion || !got[0].Transparent || len(got[0].Attendees) != 0 {
			t.Errorf("%s: want one free suggestion without guests, got %+v", peer, got)
		}
	}
	if s := w.state("dana@acme.test"); s != rules.Suggested {
		t.Errorf("dana = %s, want suggested", s)
	}
	before := len(w.cal.Ops())
	w.now = w.now.Add(15 * time.Minute)
	if res := w.cycle(); len(res.Done) != 0 {
		t.Errorf("a cycle with no changes wrote %v", res.Done)
	}
	if len(w.cal.Ops()) != before {
		t.Errorf("a cycle with no changes sent %d write requests", len(w.cal.Ops())-before)
	}
	log, err := w.db.AuditLog(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 || log[0].Action != "propose" {
		t.Errorf("audit log = %+v, want two propose entries", log)
	}
	last, err := w.db.LastCycle(context.Background())
	if err != nil || last == nil || !last.OK {
		t.Errorf("last cycle = %+v, %v; want ok", last, err)
	}
}

func TestDeletedSuggestionSnoozes(t *testing.T) {
	w := newWorld(t, "propose")
	w.cycle()
	first := w.tagged("dana@acme.test")[0]
	w.cal.Remove(first.ID) // the user deletes it
	w.now = w.now.Add(time.Hour)
	res := w.cycle()
	if len(res.Dismissed) != 1 || res.Dismissed[0] != "dana@acme.test" {
		t.Fatalf("dismissed = %v, want dana", res.Dismissed)
	}
	if s := w.state("dana@acme.test"); s != rules.Snoozed {
		t.Errorf("dana = %s, want snoozed", s)
	}
	// Never re-created during the snooze.
	for range 13 {
		w.now = w.now.Add(24 * time.Hour)
		w.cycle()
		if got := w.tagged("dana@acme.test"); len(got) != 0 {
			t.Fatalf("%s: suggestion re-created during the snooze: %+v", w.now.Format(time.DateOnly), got)
		}
	}
	// After the snooze a new suggestion comes, under a new id: the old one is spent.
	w.now = w.now.Add(2 * 24 * time.Hour)
	w.cycle()
	got := w.tagged("dana@acme.test")
	if len(got) != 1 || got[0].ID == first.ID {
		t.Errorf("after the snooze: want one suggestion with a new id (not %s), got %+v", first.ID, got)
	}
}

func TestGuestMakesItReal(t *testing.T) {
	w := newWorld(t, "propose")
	w.cycle()
	s := w.tagged("dana@acme.test")[0]
	w.cal.Edit(s.ID, func(e *calendar.Event) {
		e.Attendees = []calendar.Attendee{{Email: me, PartStat: calendar.PartStatAccepted}, {Email: "dana@acme.test", PartStat: calendar.PartStatAccepted}}
	})
	w.now = w.now.Add(time.Hour)
	w.cycle()
	if st := w.state("dana@acme.test"); st != rules.Scheduled {
		t.Errorf("dana = %s, want scheduled", st)
	}
	// Even after its time passes, the daemon never touches it again.
	w.now = s.End.Add(time.Hour)
	w.cycle()
	for _, o := range w.cal.Ops() {
		if o.ID == s.ID && o.Method != "insert" {
			t.Errorf("the daemon sent %s to the 1:1 the user made real", o.Method)
		}
	}
	if _, ok := w.cal.Get(s.ID); !ok {
		t.Error("the 1:1 the user made real is gone")
	}
}

func TestLapsedSuggestionIsWithdrawnAndReplaced(t *testing.T) {
	w := newWorld(t, "propose")
	w.cycle()
	s := w.tagged("dana@acme.test")[0]
	w.now = s.End.Add(time.Hour)
	res := w.cycle()
	if _, ok := w.cal.Get(s.ID); ok {
		t.Error("the lapsed suggestion is still on the calendar")
	}
	kinds := map[rules.ActionKind]int{}
	for _, d := range res.Done {
		if d.Action.Assessment.Peer.Email == "dana@acme.test" {
			kinds[d.Action.Kind]++
		}
	}
	if kinds[rules.Withdraw] != 1 || kinds[rules.Propose] != 1 {
		t.Errorf("dana's actions = %v, want one withdraw and one new proposal", kinds)
	}
	if got := w.tagged("dana@acme.test"); len(got) != 1 || !got[0].Start.After(w.now) {
		t.Errorf("want one future suggestion, got %+v", got)
	}
}

func TestFilledSlotMovesSuggestion(t *testing.T) {
	w := newWorld(t, "propose")
	w.cycle()
	s := w.tagged("dana@acme.test")[0]
	busy := calendar.Event{ID: "board", UID: "board", Summary: "Board prep", Start: s.Start.Add(-15 * time.Minute), End: s.End, Status: calendar.StatusConfirmed}
	w.cal.Add(busy)
	w.now = w.now.Add(time.Hour)
	w.cycle()
	got, ok := w.cal.Get(s.ID)
	if !ok || got.Start.Equal(s.Start) {
		t.Fatalf("suggestion not moved: %+v", got)
	}
	if got.Start.Before(busy.End.Add(10*time.Minute)) && got.End.After(busy.Start.Add(-10*time.Minute)) {
		t.Errorf("moved onto busy time: %v", got.Start)
	}
	if !strings.Contains(got.Summary, "Dana Whitfield") {
		t.Errorf("moved suggestion lost its title: %q", got.Summary)
	}
}

func TestBookedElsewhereWithdraws(t *testing.T) {
	w := newWorld(t, "propose")
	w.cycle()
	s := w.tagged("dana@acme.test")[0]
	w.cal.Add(oneOnOne("dana-booked", "dana@acme.test", "2026-12-03 15:00"))
	w.now = w.now.Add(time.Hour)
	w.cycle()
	if _, ok := w.cal.Get(s.ID); ok {
		t.Error("suggestion kept although a 1:1 was booked by other means")
	}
	if st := w.state("dana@acme.test"); st != rules.Scheduled {
		t.Errorf("dana = %s, want scheduled", st)
	}
}

func TestInterruptedInsertCreatesNoDuplicate(t *testing.T) {
	w := newWorld(t, "propose")
	// The first insert reaches the calendar, but the answer is lost.
	w.cal.LoseNextResponse(&calendar.RetryError{Err: errors.New("connection reset")})
	if _, err := w.d.Cycle(context.Background()); err == nil {
		t.Fatal("the cycle whose insert lost its answer reported success")
	}
	w.now = w.now.Add(time.Minute)
	w.cycle()
	w.now = w.now.Add(time.Minute)
	w.cycle()
	for _, peer := range []string{"dana@acme.test", "bo@acme.test"} {
		if got := w.tagged(peer); len(got) != 1 {
			t.Errorf("%s has %d suggestions, want exactly 1", peer, len(got))
		}
	}
	writes, err := w.db.Writes(context.Background())
	if err != nil || len(writes) != 2 {
		t.Errorf("tracked writes = %+v, %v; want both suggestions tracked (one adopted)", writes, err)
	}
}

func TestInviteCarriesNoPrivateNotes(t *testing.T) {
	w := newWorld(t, "invite")
	w.cycle()
	got := w.tagged("dana@acme.test")
	if len(got) != 1 || got[0].Tag != calendar.TagInvite {
		t.Fatalf("want one invite for dana, got %+v", got)
	}
	if got[0].Attendee("dana@acme.test") == nil {
		t.Error("the invite does not invite dana")
	}
	if s := w.state("dana@acme.test"); s != rules.Invited {
		t.Errorf("dana = %s, want invited", s)
	}
	d, _ := w.cal.Draft(got[0].ID)
	if strings.Contains(d.Description, "PRIVATE-NOTE") || strings.Contains(d.Summary, "PRIVATE-NOTE") {
		t.Errorf("the invite sent to dana carries the private notes:\n%s", d.Description)
	}
	if strings.Contains(d.Description, "Why now") || strings.Contains(d.Description, "days ago") {
		t.Errorf("the invite sent to dana carries the analysis:\n%s", d.Description)
	}
	if !strings.Contains(d.Description, "What's keeping you up at night?") || !d.SendUpdates {
		t.Errorf("the invite lacks the agenda or does not notify dana:\n%s", d.Description)
	}
}

func TestSuggestionCarriesNotesForTheUser(t *testing.T) {
	w := newWorld(t, "propose")
	w.cycle()
	got := w.tagged("dana@acme.test")
	d, _ := w.cal.Draft(got[0].ID)
	if !strings.Contains(d.Description, "PRIVATE-NOTE") || len(d.Attendees) != 0 || d.SendUpdates {
		t.Errorf("a suggestion is for the user alone, with the notes and no guests: %+v", d)
	}
}

func TestReportModeWritesNothing(t *testing.T) {
	w := newWorld(t, "report")
	res := w.cycle()
	if len(w.cal.Ops()) != 0 || len(res.Done) != 0 {
		t.Errorf("report mode wrote: %v", w.cal.Ops())
	}
	if len(res.Plan.Actions) == 0 {
		t.Error("report mode should still plan the suggestions it would make")
	}
}

// TestRandomLifecycles drives random user behaviour and cycles, and checks on
// the calendar's request log that sideways never changes an event it did not
// write, and never holds two live events for one peer.
func TestRandomLifecycles(t *testing.T) {
	for seed := range uint64(25) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 3))
			w := newWorld(t, []string{"propose", "invite"}[seed%2])
			for step := range 40 {
				switch rng.IntN(6) {
				case 0: // the user deletes something sideways wrote
					if evs := w.taggedAll(); len(evs) > 0 {
						w.cal.Remove(evs[rng.IntN(len(evs))].ID)
					}
				case 1: // the user adds a foreign meeting, maybe over a suggestion
					s := w.now.Add(time.Duration(24+rng.IntN(24*14)) * time.Hour).Truncate(15 * time.Minute)
					id := fmt.Sprintf("foreign-%d", step)
					w.cal.Add(calendar.Event{ID: id, UID: id, Summary: "Busy", Start: s, End: s.Add(time.Hour), Status: calendar.StatusConfirmed})
				case 2: // the user books a 1:1 themselves
					peer := []string{"dana@acme.test", "bo@acme.test"}[rng.IntN(2)]
					w.cal.Add(oneOnOne(fmt.Sprintf("booked-%d", step), peer, w.now.Add(time.Duration(48+rng.IntN(24*20))*time.Hour).In(ny).Format("2006-01-02 15:04")))
				case 3: // the user accepts a suggestion by adding the guest
					if evs := w.taggedAll(); len(evs) > 0 {
						e := evs[rng.IntN(len(evs))]
						w.cal.Edit(e.ID, func(x *calendar.Event) {
							x.Attendees = []calendar.Attendee{{Email: me, PartStat: calendar.PartStatAccepted}, {Email: e.TagPeer, PartStat: calendar.PartStatAccepted}}
						})
					}
				}
				w.now = w.now.Add(time.Duration(1+rng.IntN(72)) * time.Hour)
				w.cycle()
				open := map[string]int{}
				for _, e := range w.taggedAll() {
					if e.Start.After(w.now) && (len(e.Attendees) == 0 || e.Tag == calendar.TagInvite) {
						open[e.TagPeer]++
					}
				}
				for peer, n := range open {
					if n > 1 {
						t.Fatalf("step %d: %d open events for %s", step, n, peer)
					}
				}
			}
			for _, o := range w.cal.Ops() {
				if (o.Method == "update" || o.Method == "delete") && !o.Tagged {
					t.Errorf("sent %s to %s, which sideways did not write", o.Method, o.ID)
				}
			}
		})
	}
}

func (w *world) taggedAll() []calendar.Event {
	var out []calendar.Event
	for _, e := range w.cal.All() {
		if e.Tag != "" {
			out = append(out, e)
		}
	}
	return out
}

// stale is a calendar serving its last good copy, of unknown age, because its
// feed fails.
type stale struct{ *calendartest.Fake }

func (stale) Freshness(context.Context) (time.Time, error) {
	return time.Time{}, errors.New("502 Bad Gateway since 09:00")
}

func TestStaleCalendarIsAWarning(t *testing.T) {
	w := newWorld(t, "report")
	w.d.Calendars[0].Source = stale{w.cal}
	res := w.cycle()
	want := "calendar work is stale: 502 Bad Gateway since 09:00"
	found := false
	for _, s := range res.Plan.Warnings {
		found = found || s == want
	}
	if !found {
		t.Errorf("warnings = %q, want %q among them", res.Plan.Warnings, want)
	}
	if len(res.Plan.Actions) == 0 {
		t.Error("a stale calendar should still be planned with")
	}
}
