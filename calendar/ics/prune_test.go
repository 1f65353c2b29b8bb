package ics

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sidewayscal/sideways/calendar"
)

// eventKey renders every field of an occurrence ICS fills, times with their
// zone, so two expansions can be compared whole.
func eventKey(e calendar.Event) string {
	at := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.Format(time.RFC3339Nano) + "@" + t.Location().String()
	}
	return fmt.Sprintf("%s|%s|%s|%s|%s|%t|%t|%s|%q|%t|%s|%v|%s|%s|%s",
		e.Calendar, e.UID, at(e.RecurrenceID), at(e.Start), at(e.End), e.AllDay, e.Floating, e.Status,
		e.Summary, e.Transparent, e.Organizer, e.Attendees, e.Kind, e.Tag, e.TagPeer)
}

func eventKeys(evs []calendar.Event) string {
	var b strings.Builder
	for _, e := range evs {
		b.WriteString(eventKey(e))
		b.WriteByte('\n')
	}
	return b.String()
}

// samePruned checks that src parsed with Options.Since = from expands over
// [from, to) exactly as src parsed whole, and returns the pruned calendar.
func samePruned(t *testing.T, src string, from, to time.Time) *Calendar {
	t.Helper()
	whole, _, err := Parse(strings.NewReader(src), Options{Name: "f"})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	pruned, _, err := Parse(strings.NewReader(src), Options{Name: "f", Since: from})
	if err != nil {
		t.Fatalf("Parse with Since: %v", err)
	}
	want, got := eventKeys(whole.Expand(from, to)), eventKeys(pruned.Expand(from, to))
	if got != want {
		t.Errorf("window [%s, %s): parsed with Since it gives\n%s\nparsed whole\n%s", from, to, got, want)
	}
	return pruned
}

func TestPruneLeavesOutOnlyThePast(t *testing.T) {
	src := feed(`BEGIN:VEVENT
		UID:old
		SUMMARY:long ago
		DTSTART:20210302T100000Z
		DTEND:20210302T110000Z
		END:VEVENT
		BEGIN:VEVENT
		UID:edge
		SUMMARY:ends two days before the window
		DTSTART:20251230T100000Z
		DTEND:20251230T110000Z
		END:VEVENT
		BEGIN:VEVENT
		UID:allday
		SUMMARY:all day, the day before
		DTSTART;VALUE=DATE:20251231
		END:VEVENT
		BEGIN:VEVENT
		UID:long
		SUMMARY:began long ago, still running
		DTSTART:20210302T100000Z
		DTEND:20260105T110000Z
		END:VEVENT
		BEGIN:VEVENT
		UID:weekly
		SUMMARY:series begun long ago
		DTSTART;TZID=Europe/Berlin:20210301T100000
		DTEND;TZID=Europe/Berlin:20210301T103000
		RRULE:FREQ=WEEKLY
		END:VEVENT
		BEGIN:VEVENT
		UID:weekly
		SUMMARY:old instance moved into the window
		RECURRENCE-ID;TZID=Europe/Berlin:20210308T100000
		DTSTART;TZID=Europe/Berlin:20260107T100000
		DTEND;TZID=Europe/Berlin:20260107T103000
		END:VEVENT
		BEGIN:VEVENT
		UID:rdate
		SUMMARY:old start, RDATE in the window
		DTSTART:20210302T100000Z
		RDATE:20260108T100000Z
		END:VEVENT
		BEGIN:VEVENT
		UID:now
		SUMMARY:in the window
		DTSTART:20260106T100000Z
		END:VEVENT`)
	from, to := ts("2026-01-01T00:00:00Z"), ts("2026-01-15T00:00:00Z")
	c := samePruned(t, src, from, to)
	var kept []string
	for _, m := range c.masters {
		kept = append(kept, m.uid)
	}
	// "old" is the one left out: the others end within PruneMargin of the
	// window, run into it, or belong to a series.
	if got, want := strings.Join(kept, ","), "edge,allday,long,weekly,rdate,now"; got != want {
		t.Errorf("kept %s, want %s", got, want)
	}
	if !c.Covers(from) || !c.Covers(to) || c.Covers(from.Add(-time.Second)) {
		t.Errorf("Covers: a calendar parsed for windows from %s answers for %s but not before", from, from)
	}
	for _, earlier := range []time.Time{ts("2021-03-01T00:00:00Z"), ts("2025-12-01T00:00:00Z")} {
		samePruned(t, src, earlier, to)
	}
}

// TestPruneKeepsEveryCopyOfAUIDItLeavesOut: which copy of a UID sent twice
// wins, and what an override replaces, need the copies the prune would leave
// out; the parse then keeps them all.
func TestPruneKeepsEveryCopyOfAUIDItLeavesOut(t *testing.T) {
	from, to := ts("2026-01-01T00:00:00Z"), ts("2026-02-01T00:00:00Z")
	for name, src := range map[string]string{
		// The old copy has the higher SEQUENCE: it wins, and the window is empty.
		"resent, older copy wins": feed(`BEGIN:VEVENT
			UID:dup
			SEQUENCE:2
			DTSTART:20210302T100000Z
			END:VEVENT
			BEGIN:VEVENT
			UID:dup
			SEQUENCE:1
			DTSTART:20260105T100000Z
			END:VEVENT`),
		// A RECURRENCE-ID on a single event (some exporters write one) moves it
		// into the window.
		"override of a single event": feed(`BEGIN:VEVENT
			UID:single
			DTSTART:20210302T100000Z
			END:VEVENT
			BEGIN:VEVENT
			UID:single
			RECURRENCE-ID;VALUE=DATE:20210302
			DTSTART:20260105T100000Z
			END:VEVENT`),
	} {
		t.Run(name, func(t *testing.T) {
			c := samePruned(t, src, from, to)
			if !c.since.IsZero() {
				t.Errorf("the parse pruned (since %s); it must keep every copy", c.since)
			}
		})
	}
}

// corpusFeeds returns the real-world feeds of the shared corpus (when it is
// there) and the CLI's differential cases, by path.
func corpusFeeds(t *testing.T) map[string]string {
	t.Helper()
	feeds := map[string]string{}
	for _, root := range []string{
		filepath.Join("..", "..", "..", "shared", "testdata", "ics"),
		filepath.Join("..", "..", "cmd", "sideways", "testdata", "ics"),
	} {
		filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".ics") {
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				feeds[path] = string(b)
			}
			return nil
		})
	}
	if len(feeds) == 0 {
		t.Fatal("no feeds found")
	}
	return feeds
}

// TestPruneCorpus: on every real-world feed, windows starting anywhere from
// 1995 to 2027 get the same occurrences from a calendar parsed for them as
// from one parsed whole.
func TestPruneCorpus(t *testing.T) {
	for path, src := range corpusFeeds(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			for _, from := range []string{"1995-06-01", "2005-01-01", "2012-03-10", "2019-10-27", "2021-01-01", "2024-02-29", "2026-11-01"} {
				start := ts(from + "T00:00:00Z")
				samePruned(t, src, start, start.AddDate(0, 3, 0))
			}
		})
	}
}

// TestParsedTextOutlivesTheLines: the parser reads each component's lines
// from one buffer, zeroed when the component ends (splitter.release). Every
// string the Calendar keeps must be its own copy: a NUL in one is text kept
// from that buffer.
func TestParsedTextOutlivesTheLines(t *testing.T) {
	for path, src := range corpusFeeds(t) {
		c, _, err := Parse(strings.NewReader(src), Options{Name: "f"})
		if err != nil {
			continue
		}
		check := func(what, s string) {
			if strings.ContainsRune(s, 0) && !strings.Contains(src, "\x00") {
				t.Errorf("%s: %s %q holds NULs: it was kept from a reused buffer", filepath.Base(path), what, s)
			}
		}
		all := append([]*vevent{}, c.masters...)
		for _, byID := range c.overrides {
			for _, v := range byID {
				all = append(all, v)
			}
		}
		for _, v := range all {
			check("UID", v.uid)
			check("zone", v.st.t.Location().String())
			check("summary", v.info.summary)
			check("organizer", v.info.organizer)
			check("tag peer", v.info.tagPeer)
			for _, a := range v.info.attendees {
				check("attendee", a.Email+a.Name+string(a.PartStat))
			}
			if v.rec != nil {
				for _, r := range append(append([]*rule{}, v.rec.rules...), v.rec.exrules...) {
					check("rule", r.text)
				}
				for _, rd := range v.rec.rdates {
					check("RDATE zone", rd.t.Location().String())
				}
			}
		}
	}
}

const oldAndNew = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:o\r\nSUMMARY:old\r\nDTSTART:20210302T100000Z\r\nEND:VEVENT\r\n" +
	"BEGIN:VEVENT\r\nUID:n\r\nSUMMARY:new\r\nDTSTART:20260302T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

// TestSourceEarlierWindowReadsAgain: a Source keeps what the windows it was
// asked for need; a window starting earlier than any before reads the file
// again, and one starting later uses the copy.
func TestSourceEarlierWindowReadsAgain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cal.ics")
	if err := os.WriteFile(path, []byte(oldAndNew), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &Source{Name: "f", Location: path}
	end := ts("2027-01-01T00:00:00Z")
	for _, step := range []struct {
		from   string
		want   string
		parses int
	}{
		{"2026-01-01", "new", 1},
		{"2026-02-01", "new", 1},
		{"2021-01-01", "old,new", 2},
		{"2026-01-01", "new", 2},
	} {
		evs, err := s.Events(t.Context(), ts(step.from+"T00:00:00Z"), end)
		if err != nil {
			t.Fatal(err)
		}
		if got := summaries(evs); got != step.want || s.parses != step.parses {
			t.Errorf("from %s: got %q after %d parses, want %q after %d", step.from, got, s.parses, step.want, step.parses)
		}
	}
}

// TestSourceEarlierWindowFetchesAgain: for a URL, a window starting earlier
// than the copy covers is fetched whole (a 304 would leave it without the
// events the copy left out), and when that fetch fails the copy is not
// served for it: the calendar is unread, not quietly missing its past.
func TestSourceEarlierWindowFetchesAgain(t *testing.T) {
	var conditional, full atomic.Int32
	var failing atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if failing.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		if r.Header.Get("If-None-Match") == `"v1"` {
			conditional.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		full.Add(1)
		w.Header().Set("ETag", `"v1"`)
		w.Write([]byte(oldAndNew))
	}))
	defer srv.Close()
	var logs bytes.Buffer
	s := &Source{Name: "f", Location: srv.URL + "/cal.ics", Client: srv.Client(), Logger: quietLogger(&logs)}
	end := ts("2027-01-01T00:00:00Z")
	read := func(from string) (string, error) {
		evs, err := s.Events(t.Context(), ts(from+"T00:00:00Z"), end)
		return summaries(evs), err
	}
	for i, step := range []struct {
		from, want        string
		full, conditional int32
	}{
		{"2026-01-01", "new", 1, 0},
		{"2026-01-01", "new", 1, 1},
		{"2021-01-01", "old,new", 2, 1},
		{"2026-01-01", "new", 2, 2},
	} {
		got, err := read(step.from)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got != step.want || full.Load() != step.full || conditional.Load() != step.conditional {
			t.Errorf("step %d, from %s: got %q after %d full and %d conditional fetches, want %q after %d and %d",
				i, step.from, got, full.Load(), conditional.Load(), step.want, step.full, step.conditional)
		}
	}
	failing.Store(true)
	if got, err := read("2026-01-01"); err != nil || got != "new" || s.Stale() == nil {
		t.Errorf("feed down, window the copy covers: got %q, %v, stale %v; want the copy, no error, stale", got, err, s.Stale())
	}
	if got, err := read("2019-01-01"); err == nil {
		t.Errorf("feed down, window before the copy: got %q and no error, want an error", got)
	}
}
