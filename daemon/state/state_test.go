package state_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/daemon/state"
)

var t0 = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

// openDB opens a fresh database in t.TempDir with a fixed clock.
func openDB(t *testing.T) (*state.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	db, err := state.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return t0 }
	return db, path
}

func TestOpenMigratesOnce(t *testing.T) {
	db, path := openDB(t)
	v, err := db.Version(t.Context())
	if err != nil || v != 4 {
		t.Fatalf("Version() = %d, %v; want 4", v, err)
	}
	if err := db.RecordCycle(t.Context(), state.Cycle{OK: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Errorf("no write-ahead log next to the database: %v", err)
	}
	db.Close()
	// Reopening keeps the data and applies nothing twice.
	db2, err := state.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	c, err := db2.LastCycle(t.Context())
	if err != nil || c == nil || !c.OK {
		t.Fatalf("LastCycle() after reopen = %+v, %v", c, err)
	}
}

func TestGoogleMirror(t *testing.T) {
	db, _ := openDB(t)
	ctx := t.Context()
	tok, err := db.GoogleSyncToken(ctx, "work")
	if err != nil || tok != "" {
		t.Fatalf("GoogleSyncToken() before sync = %q, %v", tok, err)
	}
	put := map[string][]byte{"a": []byte(`{"id":"a"}`), "b": []byte(`{"id":"b"}`)}
	if err := db.SaveGoogleSync(ctx, "work", true, "t1", bodies(put), nil); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveGoogleSync(ctx, "home", true, "h1", bodies(map[string][]byte{"z": []byte(`{"id":"z"}`)}), nil); err != nil {
		t.Fatal(err)
	}
	// Incremental: one changed, one deleted, one new.
	if err := db.SaveGoogleSync(ctx, "work", false, "t2",
		bodies(map[string][]byte{"b": []byte(`{"id":"b","v":2}`), "c": []byte(`{"id":"c"}`)}), []string{"a"}); err != nil {
		t.Fatal(err)
	}
	got, err := db.GoogleEvents(ctx, "work")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`{"id":"b","v":2}`, `{"id":"c"}`}
	if diff := cmp.Diff(want, strs(got)); diff != "" {
		t.Errorf("GoogleEvents(work) mismatch (-want +got):\n%s", diff)
	}
	if tok, _ := db.GoogleSyncToken(ctx, "work"); tok != "t2" {
		t.Errorf("token = %q, want t2", tok)
	}
	// An empty token keeps the stored one; a full sync replaces everything.
	if err := db.SaveGoogleSync(ctx, "work", true, "", bodies(map[string][]byte{"d": []byte(`{"id":"d"}`)}), nil); err != nil {
		t.Fatal(err)
	}
	got, _ = db.GoogleEvents(ctx, "work")
	if diff := cmp.Diff([]string{`{"id":"d"}`}, strs(got)); diff != "" {
		t.Errorf("after full sync (-want +got):\n%s", diff)
	}
	if tok, _ := db.GoogleSyncToken(ctx, "work"); tok != "t2" {
		t.Errorf("token = %q, want t2 kept", tok)
	}
	if err := db.ForgetGoogle(ctx, "work"); err != nil {
		t.Fatal(err)
	}
	got, _ = db.GoogleEvents(ctx, "work")
	tok, _ = db.GoogleSyncToken(ctx, "work")
	if len(got) != 0 || tok != "" {
		t.Errorf("after ForgetGoogle: %d events, token %q", len(got), tok)
	}
	if got, _ := db.GoogleEvents(ctx, "home"); len(got) != 1 {
		t.Errorf("ForgetGoogle(work) touched home: %d events", len(got))
	}
}

// bodies is put as the store takes it: bodies without a span, which every
// read needs.
func bodies(put map[string][]byte) map[string]calendar.Mirrored {
	out := make(map[string]calendar.Mirrored, len(put))
	for id, b := range put {
		out[id] = calendar.Mirrored{Body: b}
	}
	return out
}

// TestGoogleEventsIn: a read of a window gets the single events whose span
// overlaps it, by start then UID, and every event without a span, first.
func TestGoogleEventsIn(t *testing.T) {
	db, _ := openDB(t)
	ctx := t.Context()
	at := func(h int) time.Time { return time.Date(2026, 1, 1, h, 0, 0, 0, time.UTC) }
	span := func(h0, h1 int, uid string) calendar.Mirrored {
		return calendar.Mirrored{Body: []byte("\x02\x00" + uid), Span: calendar.Interval{Start: at(h0), End: at(h1)}, UID: uid}
	}
	put := map[string]calendar.Mirrored{
		"before":  span(1, 2, "before"),
		"edge":    span(9, 10, "edge"), // ends as the window starts: within the second of slack
		"late":    span(12, 13, "b"),
		"early":   span(11, 12, "z"),
		"tie":     span(12, 13, "a"),
		"after":   span(20, 21, "after"),
		"series":  {Body: []byte("\x01\x00series")},
		"series2": {Body: []byte("\x01\x00series2")},
	}
	if err := db.SaveGoogleSync(ctx, "work", true, "t1", put, nil); err != nil {
		t.Fatal(err)
	}
	got, err := db.GoogleEventsIn(ctx, "work", at(10), at(14))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"series", "series2", "edge", "z", "a", "b"}
	for i := range got {
		got[i] = got[i][2:]
	}
	if diff := cmp.Diff(want, strs(got)); diff != "" {
		t.Errorf("GoogleEventsIn() mismatch (-want +got):\n%s", diff)
	}
	// An event that moved, or became a series, replaces its row.
	moved := map[string]calendar.Mirrored{"late": span(20, 21, "b"), "early": {Body: []byte("\x01\x00early")}}
	if err := db.SaveGoogleSync(ctx, "work", false, "t2", moved, []string{"edge"}); err != nil {
		t.Fatal(err)
	}
	got, _ = db.GoogleEventsIn(ctx, "work", at(10), at(14))
	for i := range got {
		got[i] = got[i][2:]
	}
	if diff := cmp.Diff([]string{"early", "series", "series2", "a"}, strs(got)); diff != "" {
		t.Errorf("GoogleEventsIn() after moves mismatch (-want +got):\n%s", diff)
	}
	if all, _ := db.GoogleEvents(ctx, "work"); len(all) != 7 {
		t.Errorf("GoogleEvents() after moves = %d rows, want 7", len(all))
	}
}

func strs(bs [][]byte) []string {
	var out []string
	for _, b := range bs {
		out = append(out, string(b))
	}
	return out
}

func TestICSFeed(t *testing.T) {
	db, _ := openDB(t)
	ctx := t.Context()
	if _, ok, err := db.ICSFeed(ctx, "https://x.test/a.ics"); ok || err != nil {
		t.Fatalf("ICSFeed() before save = ok %v, %v", ok, err)
	}
	f := state.ICSFeed{ETag: `"e1"`, LastModified: "Mon, 02 Jan 2006 15:04:05 GMT", BodyHash: "h", Body: []byte("BEGIN:VCALENDAR")}
	if err := db.SaveICSFeed(ctx, "https://x.test/a.ics", f); err != nil {
		t.Fatal(err)
	}
	got, ok, err := db.ICSFeed(ctx, "https://x.test/a.ics")
	f.FetchedAt = t0
	if err != nil || !ok {
		t.Fatalf("ICSFeed() = ok %v, %v", ok, err)
	}
	if diff := cmp.Diff(f, got); diff != "" {
		t.Errorf("ICSFeed() mismatch (-want +got):\n%s", diff)
	}
}

func TestWritesDismissalsAudit(t *testing.T) {
	db, _ := openDB(t)
	ctx := t.Context()
	w := state.Write{Calendar: "work", EventID: "sd1", Peer: "dana@acme.test", Kind: "suggestion",
		Start: t0.Add(48 * time.Hour), End: t0.Add(48*time.Hour + 30*time.Minute)}
	if err := db.RecordWrite(ctx, w, "propose", "overdue"); err != nil {
		t.Fatal(err)
	}
	w2 := state.Write{Calendar: "work", EventID: "sd2", Peer: "erin@acme.test", Kind: "invite",
		Start: t0.Add(24 * time.Hour), End: t0.Add(24*time.Hour + 30*time.Minute)}
	db.Now = func() time.Time { return t0.Add(time.Minute) }
	if err := db.RecordWrite(ctx, w2, "invite", "never met"); err != nil {
		t.Fatal(err)
	}
	got, err := db.Writes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w.Created, w2.Created = t0, t0.Add(time.Minute)
	if diff := cmp.Diff([]state.Write{w2, w}, got); diff != "" {
		t.Errorf("Writes() mismatch (-want +got):\n%s", diff)
	}

	db.Now = func() time.Time { return t0.Add(2 * time.Minute) }
	if err := db.RemoveWrite(ctx, "work", "sd2", "withdraw", "booked by other means"); err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return t0.Add(3 * time.Minute) }
	if err := db.Dismiss(ctx, "work", "sd1", "dana@acme.test"); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Writes(ctx); len(got) != 0 {
		t.Errorf("Writes() after remove and dismiss = %+v", got)
	}
	dis, err := db.Dismissals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]time.Time{"dana@acme.test": t0.Add(3 * time.Minute)}, dis); diff != "" {
		t.Errorf("Dismissals() mismatch (-want +got):\n%s", diff)
	}

	log, err := db.AuditLog(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []state.AuditEntry{
		{At: t0.Add(2 * time.Minute), Calendar: "work", EventID: "sd2", Action: "withdraw", Peer: "erin@acme.test", Reason: "booked by other means"},
		{At: t0.Add(time.Minute), Calendar: "work", EventID: "sd2", Action: "invite", Peer: "erin@acme.test", Reason: "never met"},
		{At: t0, Calendar: "work", EventID: "sd1", Action: "propose", Peer: "dana@acme.test", Reason: "overdue"},
	}
	if diff := cmp.Diff(want, log); diff != "" {
		t.Errorf("AuditLog() mismatch (-want +got):\n%s", diff)
	}
	if log, _ := db.AuditLog(ctx, 1); len(log) != 1 || log[0].Action != "withdraw" {
		t.Errorf("AuditLog(1) = %+v", log)
	}
}

func TestCycleAndAuthProblems(t *testing.T) {
	db, _ := openDB(t)
	ctx := t.Context()
	if c, err := db.LastCycle(ctx); c != nil || err != nil {
		t.Fatalf("LastCycle() before the first cycle = %+v, %v; want nil", c, err)
	}
	if err := db.RecordCycle(ctx, state.Cycle{OK: false, Err: "sync work: boom", Next: t0.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	c, err := db.LastCycle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&state.Cycle{At: t0, OK: false, Err: "sync work: boom", Next: t0.Add(time.Minute)}, c); diff != "" {
		t.Errorf("LastCycle() mismatch (-want +got):\n%s", diff)
	}

	if err := db.SetAuthProblem(ctx, "work", "run `sideways auth google` again"); err != nil {
		t.Fatal(err)
	}
	ps, err := db.AuthProblems(ctx)
	if err != nil || len(ps) != 1 || ps[0].Calendar != "work" || ps[0].At != t0 {
		t.Fatalf("AuthProblems() = %+v, %v", ps, err)
	}
	if err := db.ClearAuthProblem(ctx, "work"); err != nil {
		t.Fatal(err)
	}
	if ps, _ := db.AuthProblems(ctx); len(ps) != 0 {
		t.Errorf("AuthProblems() after clear = %+v", ps)
	}
}

// TestConcurrentReaders checks that a second connection (status reading while
// the daemon writes) neither blocks nor fails.
func TestConcurrentReaders(t *testing.T) {
	db, path := openDB(t)
	reader, err := state.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	ctx := t.Context()
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 20 {
				if err := db.RecordCycle(ctx, state.Cycle{OK: (i+j)%2 == 0}); err != nil {
					t.Error(err)
					return
				}
				if _, err := reader.LastCycle(ctx); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestUntrackAndNextCycle(t *testing.T) {
	ctx := t.Context()
	db, err := state.Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	w := state.Write{Calendar: "work", EventID: "sdabc", Peer: "dana@acme.test", Kind: "suggestion",
		Start: time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 24, 15, 30, 0, 0, time.UTC)}
	if err := db.RecordWrite(ctx, w, "propose", "overdue"); err != nil {
		t.Fatal(err)
	}
	if err := db.Untrack(ctx, "work", "sdabc"); err != nil {
		t.Fatal(err)
	}
	if ws, _ := db.Writes(ctx); len(ws) != 0 {
		t.Errorf("writes after Untrack = %v, want none", ws)
	}
	if log, _ := db.AuditLog(ctx, 0); len(log) != 1 {
		t.Errorf("Untrack must not audit: log = %v", log)
	}
	if err := db.RecordCycle(ctx, state.Cycle{At: w.Start, OK: true}); err != nil {
		t.Fatal(err)
	}
	next := w.End.Add(15 * time.Minute)
	if err := db.SetNextCycle(ctx, next); err != nil {
		t.Fatal(err)
	}
	if c, err := db.LastCycle(ctx); err != nil || !c.Next.Equal(next) {
		t.Errorf("last cycle = %+v, %v; want next %v", c, err, next)
	}
}

// TestReadOnlyMissingIsEmpty: before the first cycle there is no database; a
// read-only open reads it as empty and creates nothing.
func TestReadOnlyMissingIsEmpty(t *testing.T) {
	dir := t.TempDir()
	db, err := state.OpenReadOnly(filepath.Join(dir, "sideways.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if c, err := db.LastCycle(ctx); err != nil || c != nil {
		t.Errorf("last cycle = %+v, %v; want none", c, err)
	}
	if ws, err := db.Writes(ctx); err != nil || len(ws) != 0 {
		t.Errorf("writes = %+v, %v; want none", ws, err)
	}
	if err := db.RecordCycle(ctx, state.Cycle{At: t0, OK: true}); err == nil {
		t.Error("the empty read-only state accepted a write")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a read-only open created %v", entries)
	}
}

// TestReadOnlyOutdated: a database an older sideways wrote cannot be read
// without migrating it, which a read-only open never does.
func TestReadOnlyOutdated(t *testing.T) {
	db, path := openDB(t)
	ctx := context.Background()
	v, err := db.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`DELETE FROM schema_version WHERE version = ?`, v); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if _, err := state.OpenReadOnly(path); !errors.Is(err, state.ErrOutdated) {
		t.Fatalf("OpenReadOnly(outdated) = %v, want ErrOutdated", err)
	}
}

// TestAuditListsEachEventOnce: a second process that finds the event already
// there (409) or adopts it records no second write; the write itself, even
// recorded after them, takes their place.
func TestAuditListsEachEventOnce(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	w := state.Write{Calendar: "work", EventID: "sd1", Peer: "dana@acme.test", Kind: "suggestion", Start: t0, End: t0.Add(time.Hour)}
	// B finds A's event before A has recorded it.
	if err := db.RecordPresent(ctx, w, state.ActionPresent, "409"); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordPresent(ctx, w, state.ActionAdopt, "found"); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordInsert(ctx, w, "propose", "overdue"); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordPresent(ctx, w, state.ActionPresent, "409 again"); err != nil {
		t.Fatal(err)
	}
	log, err := db.AuditLog(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 1 || log[0].Action != "propose" {
		t.Errorf("audit = %+v, want one propose entry", log)
	}
	// An event only ever found, never written here, is listed once as found.
	w2 := w
	w2.EventID = "sd2"
	for range 2 {
		if err := db.RecordPresent(ctx, w2, state.ActionPresent, "409"); err != nil {
			t.Fatal(err)
		}
	}
	if log, _ = db.AuditLog(ctx, 0); len(log) != 2 || log[0].EventID != "sd2" || log[0].Action != state.ActionPresent {
		t.Errorf("audit = %+v, want sd2 once as %q", log, state.ActionPresent)
	}
	if ws, _ := db.Writes(ctx); len(ws) != 2 {
		t.Errorf("tracked = %+v, want both events", ws)
	}
}

// TestUpgradeKeepsTheMirror: a mirror from before events had spans is read
// by every window, and its sync token is no longer one the adapter continues,
// so the next cycle lists the calendar again and stores it with spans.
func TestUpgradeKeepsTheMirror(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sideways.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	stmts := []string{`CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)`}
	for _, f := range []string{"001_init.sql", "002_google_calendar.sql"} {
		b, err := os.ReadFile(filepath.Join("migrations", f))
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, string(b))
	}
	stmts = append(stmts,
		`INSERT INTO schema_version VALUES (1, '2026-01-01T00:00:00Z'), (2, '2026-01-01T00:00:00Z')`,
		`INSERT INTO google_events (calendar, id, body, parent) VALUES ('work', 'a', CAST('{"id":"a"}' AS BLOB), '')`,
		`INSERT INTO google_sync VALUES ('work', 'd1:tok', '2026-01-01T00:00:00Z')`)
	for _, s := range stmts {
		if _, err := raw.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	db, err := state.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := t.Context()
	got, err := db.GoogleEventsIn(ctx, "work", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC))
	if err != nil || len(got) != 1 || string(got[0]) != `{"id":"a"}` {
		t.Errorf("GoogleEventsIn() after upgrade = %q, %v; want the old row", strs(got), err)
	}
	if tok, _ := db.GoogleSyncToken(ctx, "work"); tok != "v2:d1:tok" {
		t.Errorf("token after upgrade = %q, want v2:d1:tok (kept, not continued)", tok)
	}
}
