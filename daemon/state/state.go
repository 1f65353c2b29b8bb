// Package state is sideways' memory between cycles: one SQLite database in the
// state folder holding the Google mirror and sync tokens, ICS validators, the
// suggestions and invites the daemon wrote, dismissals, the audit log, the last
// cycle's result and per-calendar auth problems.
//
// The database runs in WAL mode with a busy timeout, so `sideways status` can
// read it while the daemon writes. Every state change is one transaction; a stop
// can land anywhere without leaving half a change behind. Its schema is a list
// of embedded migrations applied in order at Open.
//
// Its files (the database, -wal, -shm) are private to the user, mode 0600,
// whatever the folder's mode or the umask. Commands that only read open it
// with OpenReadOnly, which never writes, so they work on a state folder the
// user cannot write.
package state

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the state database. Its methods are safe for concurrent use, also by
// several processes on the same file.
type DB struct {
	db       *sql.DB
	readOnly bool
	// Now is the clock used for the times the store records itself (created,
	// dismissed, audit entries without a time). It defaults to time.Now.
	Now func() time.Time
}

// ErrOutdated is a database whose schema is older than this sideways: only
// Open (which migrates) can use it.
var ErrOutdated = errors.New("the state was written by an older sideways")

// Open opens (creating if needed) the database at path and brings its schema up
// to date. The file is created mode 0600 before SQLite touches it (SQLite gives
// its -wal and -shm files the database's mode), and an existing database or
// companion file that others may read is made private.
func Open(path string) (*DB, error) {
	if err := private(path); err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	dsn := path + "?_txlock=immediate" +
		fmt.Sprintf("&_pragma=busy_timeout(%d)", busyTimeout.Milliseconds()) +
		"&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	s := &DB{db: db, Now: time.Now}
	if err := walMode(context.Background(), db); err != nil {
		db.Close()
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	if err := s.migrate(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	return s, nil
}

// OpenReadOnly opens the database at path for reading only. It creates,
// migrates and writes nothing (every write method fails), so it works beside a
// running daemon and on a state folder the user cannot write: when SQLite
// cannot open the -shm file it needs there, the database is read as immutable.
// A database that does not exist reads as empty; one older than this sideways
// gives an error wrapping ErrOutdated.
func OpenReadOnly(path string) (*DB, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return openEmpty()
	}
	_ = tighten(path) // best effort: the files may belong to someone else
	s, err := openReadOnly(path, false)
	if err != nil && !errors.Is(err, ErrOutdated) && !isBusy(err) {
		if s2, err2 := openReadOnly(path, true); err2 == nil {
			return s2, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open state %s read-only: %w", path, err)
	}
	return s, nil
}

func openReadOnly(path string, immutable bool) (*DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/… on Windows
	}
	dsn := fmt.Sprintf("%s?mode=ro&_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)",
		&url.URL{Scheme: "file", Path: p}, busyTimeout.Milliseconds())
	if immutable {
		dsn += "&immutable=1"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	s := &DB{db: db, readOnly: true, Now: time.Now}
	if err := s.upToDate(context.Background()); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// openEmpty is a read-only database with the current schema and no rows, in
// memory: the state before the first cycle.
func openEmpty() (*DB, error) {
	db, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // one connection: one in-memory database
	s := &DB{db: db, readOnly: true, Now: time.Now}
	err = s.migrate(context.Background())
	if err == nil {
		_, err = db.Exec(`PRAGMA query_only = 1`)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("empty state: %w", err)
	}
	return s, nil
}

// upToDate checks that every migration this sideways knows was applied.
func (s *DB) upToDate(ctx context.Context) error {
	ms, err := listMigrations()
	if err != nil {
		return err
	}
	v, err := s.Version(ctx)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return fmt.Errorf("%w (no schema yet)", ErrOutdated)
		}
		return err
	}
	if want := ms[len(ms)-1].version; v < want {
		return fmt.Errorf("%w (schema %d; this one needs %d)", ErrOutdated, v, want)
	}
	return nil
}

// walMode puts the database in WAL mode, a setting kept in the file. The
// switch needs the file to itself for a moment, and SQLite refuses it at once
// ("database is locked", without its busy timeout) while another process opens
// the same fresh database: so it is retried, for up to the busy timeout.
func walMode(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(busyTimeout)
	for {
		var mode string
		err := db.QueryRowContext(ctx, `PRAGMA journal_mode=WAL`).Scan(&mode)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(time.Duration(5+rand.IntN(20)) * time.Millisecond)
	}
}

// busyTimeout is how long a statement waits for another process's lock.
const busyTimeout = 10 * time.Second

// isBusy reports whether err is SQLITE_BUSY (in any of its extended forms).
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// ReadOnly reports whether s was opened by OpenReadOnly.
func (s *DB) ReadOnly() bool { return s.readOnly }

// private makes the database at path private to the user: created empty with
// mode 0600 when missing, and tightened. (Windows has no such bits.)
func private(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		if runtime.GOOS != "windows" {
			err = f.Chmod(0o600) // exactly, whatever the umask took away
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	case !errors.Is(err, fs.ErrExist):
		return err
	}
	return tighten(path)
}

// tighten removes group and other permissions from the database at path and
// its companion files.
func tighten(path string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			if err := os.Chmod(p, perm&0o700); err != nil {
				return err
			}
		}
	}
	return nil
}

// Close closes the database.
func (s *DB) Close() error { return s.db.Close() }

// Version returns the schema version: the number of the last migration applied.
func (s *DB) Version(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v)
	return v, err
}

type migration struct {
	version int
	name    string
}

func listMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s: name is not NNN_name.sql", e.Name())
		}
		ms = append(ms, migration{v, e.Name()})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s share a number", ms[i-1].name, ms[i].name)
		}
	}
	return ms, nil
}

// migrate applies, each in its own transaction, every embedded migration newer
// than the database.
//
// Each step is one immediate transaction, which takes the write lock up front
// (waiting for it under the busy timeout): processes starting at once on a
// fresh database then queue, where a statement that read first and wrote after
// would fail with "database is locked".
func (s *DB) migrate(ctx context.Context) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)`)
		return err
	})
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	ms, err := listMigrations()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range ms {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_version WHERE version = ?`, m.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			body, err := migrations.ReadFile(path.Join("migrations", m.name))
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO schema_version (version, applied) VALUES (?, ?)`, m.version, s.stamp(time.Time{}))
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate %s: %w", m.name, err)
		}
	}
	return nil
}

// tx runs f in one transaction, committed if f returns nil.
func (s *DB) tx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// stamp formats t (or Now when t is zero) for storage: RFC 3339 in UTC.
func (s *DB) stamp(t time.Time) string {
	if t.IsZero() {
		t = s.Now()
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

// --- Google mirror ---

// GoogleSyncToken returns the sync token the next incremental sync of the
// Google calendar cal starts from, or "" when it has never been synced.
func (s *DB) GoogleSyncToken(ctx context.Context, cal string) (string, error) {
	var tok string
	err := s.db.QueryRowContext(ctx, `SELECT token FROM google_sync WHERE calendar = ?`, cal).Scan(&tok)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("google sync token %s: %w", cal, err)
	}
	return tok, nil
}

// GoogleSyncedAt returns when the Google calendar cal last synced
// successfully, or the zero time when it never has.
func (s *DB) GoogleSyncedAt(ctx context.Context, cal string) (time.Time, error) {
	var at string
	err := s.db.QueryRowContext(ctx, `SELECT synced_at FROM google_sync WHERE calendar = ?`, cal).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("google synced at %s: %w", cal, err)
	}
	return parseTime(at)
}

// GoogleEvents returns the mirrored events of the Google calendar cal, each as
// the JSON the API returned, ordered by event id.
func (s *DB) GoogleEvents(ctx context.Context, cal string) ([][]byte, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT body FROM google_events WHERE calendar = ? ORDER BY id`, cal)
	if err != nil {
		return nil, fmt.Errorf("google events %s: %w", cal, err)
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, fmt.Errorf("google events %s: %w", cal, err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("google events %s: %w", cal, err)
	}
	return out, nil
}

// SaveGoogleSync records the outcome of one sync of the Google calendar cal in
// one transaction: when full, the mirror is replaced by put; otherwise the
// events in put (keyed by id) are inserted or replaced and those in del removed,
// each with the exceptions of its series when it is one.
// token becomes the calendar's sync token; an empty token keeps the stored one.
func (s *DB) SaveGoogleSync(ctx context.Context, cal string, full bool, token string, put map[string][]byte, del []string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if full {
			if _, err := tx.ExecContext(ctx, `DELETE FROM google_events WHERE calendar = ?`, cal); err != nil {
				return err
			}
		}
		for _, id := range del {
			if _, err := tx.ExecContext(ctx, `DELETE FROM google_events WHERE calendar = ? AND (id = ? OR parent = ?)`, cal, id, id); err != nil {
				return err
			}
		}
		ids := make([]string, 0, len(put))
		for id := range put {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO google_events (calendar, id, body, parent) VALUES (?1, ?2, ?3, `+parentOf+`)`, cal, id, put[id]); err != nil {
				return err
			}
		}
		if token == "" {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO google_sync (calendar, token, synced_at) VALUES (?, ?, ?)
			ON CONFLICT (calendar) DO UPDATE SET token = excluded.token, synced_at = excluded.synced_at`,
			cal, token, s.stamp(time.Time{}))
		return err
	})
	if err != nil {
		return fmt.Errorf("save google sync %s: %w", cal, err)
	}
	return nil
}

// ForgetGoogle drops the mirror and sync token of the Google calendar cal, so
// the next sync is a full one (after signing in to another account, say).
func (s *DB) ForgetGoogle(ctx context.Context, cal string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM google_events WHERE calendar = ?`, cal); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM google_sync WHERE calendar = ?`, cal)
		return err
	})
	if err != nil {
		return fmt.Errorf("forget google %s: %w", cal, err)
	}
	return nil
}

// --- ICS feeds ---

// ICSFeed is what sideways remembers of an ICS feed between fetches: the
// validators for a conditional GET and the last good body.
type ICSFeed struct {
	ETag         string
	LastModified string
	BodyHash     string
	Body         []byte
	FetchedAt    time.Time
}

// ICSFeed returns what is remembered of feed; ok is false when nothing is.
func (s *DB) ICSFeed(ctx context.Context, feed string) (f ICSFeed, ok bool, err error) {
	var at string
	err = s.db.QueryRowContext(ctx, `SELECT etag, last_modified, body_hash, body, fetched_at FROM ics_feeds WHERE feed = ?`, feed).
		Scan(&f.ETag, &f.LastModified, &f.BodyHash, &f.Body, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return ICSFeed{}, false, nil
	}
	if err == nil {
		f.FetchedAt, err = parseTime(at)
	}
	if err != nil {
		return ICSFeed{}, false, fmt.Errorf("ics feed %s: %w", feed, err)
	}
	return f, true, nil
}

// SaveICSFeed remembers f for feed, replacing what was there. A zero FetchedAt
// is recorded as Now.
func (s *DB) SaveICSFeed(ctx context.Context, feed string, f ICSFeed) error {
	_, err := s.db.ExecContext(ctx, `INSERT OR REPLACE INTO ics_feeds (feed, etag, last_modified, body_hash, body, fetched_at)
		VALUES (?, ?, ?, ?, ?, ?)`, feed, f.ETag, f.LastModified, f.BodyHash, f.Body, s.stamp(f.FetchedAt))
	if err != nil {
		return fmt.Errorf("save ics feed %s: %w", feed, err)
	}
	return nil
}

// --- Writes, dismissals and the audit log ---

// Write is a suggestion or invite the daemon wrote and still tracks.
type Write struct {
	Calendar string
	EventID  string
	Peer     string
	// Kind is calendar.TagSuggestion or calendar.TagInvite.
	Kind       string
	Start, End time.Time
	Created    time.Time
}

// AuditEntry is one calendar write the daemon made, or (ActionAdopt,
// ActionPresent) one event of sideways' it found already there and took over.
type AuditEntry struct {
	At       time.Time
	Calendar string
	EventID  string
	// Action is what was done: "propose", "invite", "move", "withdraw",
	// ActionAdopt, ActionPresent.
	Action string
	Peer   string
	Reason string
}

// The audit actions that record no write of this process: the event was on
// the calendar already, written by another sideways process or by an earlier
// cycle that stopped before recording it.
const (
	// ActionAdopt: found while reading the calendar.
	ActionAdopt = "adopt"
	// ActionPresent: found when writing it (the calendar answered "exists").
	ActionPresent = "already present"
)

func (s *DB) appendAudit(ctx context.Context, tx *sql.Tx, e AuditEntry) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit (at, calendar, event_id, action, peer, reason) VALUES (?, ?, ?, ?, ?, ?)`,
		s.stamp(e.At), e.Calendar, e.EventID, e.Action, e.Peer, e.Reason)
	return err
}

// RecordWrite records, in one transaction, that the daemon wrote w (inserting
// or replacing the tracked write with the same calendar and event id) and the
// audit entry saying why. A zero w.Created is recorded as Now; the audit entry
// takes its calendar, event id and peer from w.
func (s *DB) RecordWrite(ctx context.Context, w Write, action, reason string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error { return s.recordWrite(ctx, tx, w, action, reason) })
	if err != nil {
		return fmt.Errorf("record write %s/%s: %w", w.Calendar, w.EventID, err)
	}
	return nil
}

func (s *DB) recordWrite(ctx context.Context, tx *sql.Tx, w Write, action, reason string) error {
	if err := upsertWrite(ctx, tx, w, s.stamp(w.Created)); err != nil {
		return err
	}
	return s.appendAudit(ctx, tx, AuditEntry{Calendar: w.Calendar, EventID: w.EventID, Action: action, Peer: w.Peer, Reason: reason})
}

// upsertWrite tracks w, replacing what was tracked under its calendar and
// event id (but keeping when it was first created).
func upsertWrite(ctx context.Context, tx *sql.Tx, w Write, created string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO writes (calendar, event_id, peer, kind, start_at, end_at, created) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (calendar, event_id) DO UPDATE SET peer = excluded.peer, kind = excluded.kind, start_at = excluded.start_at, end_at = excluded.end_at`,
		w.Calendar, w.EventID, w.Peer, w.Kind, formatTime(w.Start), formatTime(w.End), created)
	return err
}

// RecordInsert records, in one transaction, that the daemon created the event
// w: like RecordWrite, and an ActionAdopt or ActionPresent entry for the same
// event (another process found it between the write and this record) gives
// way to this one, so the log lists the event's creation once, as a write.
func (s *DB) RecordInsert(ctx context.Context, w Write, action, reason string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM audit WHERE calendar = ? AND event_id = ? AND action IN (?, ?)`,
			w.Calendar, w.EventID, ActionAdopt, ActionPresent); err != nil {
			return err
		}
		return s.recordWrite(ctx, tx, w, action, reason)
	})
	if err != nil {
		return fmt.Errorf("record write %s/%s: %w", w.Calendar, w.EventID, err)
	}
	return nil
}

// RecordPresent records, in one transaction, that the event w of sideways' is
// on the calendar though this process did not write it (action ActionAdopt or
// ActionPresent): it is tracked like a write, and audited with action only
// when the log has no entry for the event yet, so an event is never listed
// twice for one creation.
func (s *DB) RecordPresent(ctx context.Context, w Write, action, reason string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := upsertWrite(ctx, tx, w, s.stamp(w.Created)); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM audit WHERE calendar = ? AND event_id = ?`, w.Calendar, w.EventID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		return s.appendAudit(ctx, tx, AuditEntry{Calendar: w.Calendar, EventID: w.EventID, Action: action, Peer: w.Peer, Reason: reason})
	})
	if err != nil {
		return fmt.Errorf("record %s %s/%s: %w", action, w.Calendar, w.EventID, err)
	}
	return nil
}

// RemoveWrite records, in one transaction, that the daemon removed the event
// it wrote (the tracked write is forgotten) and the audit entry saying why.
func (s *DB) RemoveWrite(ctx context.Context, cal, eventID, action, reason string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var peer string
		err := tx.QueryRowContext(ctx, `DELETE FROM writes WHERE calendar = ? AND event_id = ? RETURNING peer`, cal, eventID).Scan(&peer)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		return s.appendAudit(ctx, tx, AuditEntry{Calendar: cal, EventID: eventID, Action: action, Peer: peer, Reason: reason})
	})
	if err != nil {
		return fmt.Errorf("remove write %s/%s: %w", cal, eventID, err)
	}
	return nil
}

// Dismiss records, in one transaction, that the user deleted the suggestion
// eventID: it is no longer tracked and its peer is snoozed from Now. Nothing is
// audited, since the daemon wrote nothing.
func (s *DB) Dismiss(ctx context.Context, cal, eventID, peer string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM writes WHERE calendar = ? AND event_id = ?`, cal, eventID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO dismissals (peer, at) VALUES (?, ?)`, peer, s.stamp(time.Time{}))
		return err
	})
	if err != nil {
		return fmt.Errorf("dismiss %s/%s: %w", cal, eventID, err)
	}
	return nil
}

// Untrack forgets a write the daemon no longer manages (its time passed, it was
// removed, or the user made it a real meeting by adding guests). Nothing is
// audited: the daemon wrote nothing.
func (s *DB) Untrack(ctx context.Context, cal, eventID string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM writes WHERE calendar = ? AND event_id = ?`, cal, eventID); err != nil {
		return fmt.Errorf("untrack %s/%s: %w", cal, eventID, err)
	}
	return nil
}

// Writes returns the tracked writes, by start, then calendar and event id.
func (s *DB) Writes(ctx context.Context) ([]Write, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT calendar, event_id, peer, kind, start_at, end_at, created FROM writes ORDER BY start_at, calendar, event_id`)
	if err != nil {
		return nil, fmt.Errorf("writes: %w", err)
	}
	defer rows.Close()
	var out []Write
	for rows.Next() {
		var w Write
		var start, end, created string
		if err := rows.Scan(&w.Calendar, &w.EventID, &w.Peer, &w.Kind, &start, &end, &created); err != nil {
			return nil, fmt.Errorf("writes: %w", err)
		}
		if w.Start, err = parseTime(start); err == nil {
			if w.End, err = parseTime(end); err == nil {
				w.Created, err = parseTime(created)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("writes: %w", err)
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("writes: %w", err)
	}
	return out, nil
}

// Dismissals returns, for each peer the user ever dismissed a suggestion for,
// the latest time they did.
func (s *DB) Dismissals(ctx context.Context) (map[string]time.Time, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT peer, max(at) FROM dismissals GROUP BY peer`)
	if err != nil {
		return nil, fmt.Errorf("dismissals: %w", err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var peer, at string
		if err := rows.Scan(&peer, &at); err != nil {
			return nil, fmt.Errorf("dismissals: %w", err)
		}
		t, err := parseTime(at)
		if err != nil {
			return nil, fmt.Errorf("dismissals: %w", err)
		}
		out[peer] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("dismissals: %w", err)
	}
	return out, nil
}

// Audit appends e to the audit log; a zero e.At is recorded as Now.
func (s *DB) Audit(ctx context.Context, e AuditEntry) error {
	if err := s.tx(ctx, func(tx *sql.Tx) error { return s.appendAudit(ctx, tx, e) }); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// AuditLog returns the audit log newest first: at most limit entries, or all
// of them when limit <= 0.
func (s *DB) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := s.db.QueryContext(ctx, `SELECT at, calendar, event_id, action, peer, reason FROM audit ORDER BY at DESC, seq DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at string
		if err := rows.Scan(&at, &e.Calendar, &e.EventID, &e.Action, &e.Peer, &e.Reason); err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	return out, nil
}

// --- Cycles and auth problems ---

// Cycle is the result of one daemon cycle, as `status --json` shows it in
// last_cycle.
type Cycle struct {
	At   time.Time
	OK   bool
	Err  string    // empty when OK
	Next time.Time // when the next cycle is due; zero if unknown
}

// RecordCycle replaces the last cycle's result with c; a zero c.At is recorded
// as Now.
func (s *DB) RecordCycle(ctx context.Context, c Cycle) error {
	_, err := s.db.ExecContext(ctx, `INSERT OR REPLACE INTO last_cycle (only, at, ok, error, next) VALUES (1, ?, ?, ?, ?)`,
		s.stamp(c.At), c.OK, c.Err, formatTime(c.Next))
	if err != nil {
		return fmt.Errorf("record cycle: %w", err)
	}
	return nil
}

// SetNextCycle records when the next cycle is due, for status.
func (s *DB) SetNextCycle(ctx context.Context, next time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE last_cycle SET next = ? WHERE only = 1`, formatTime(next)); err != nil {
		return fmt.Errorf("set next cycle: %w", err)
	}
	return nil
}

// LastCycle returns the last cycle's result, or nil before the first cycle.
func (s *DB) LastCycle(ctx context.Context) (*Cycle, error) {
	var c Cycle
	var at, next string
	err := s.db.QueryRowContext(ctx, `SELECT at, ok, error, next FROM last_cycle WHERE only = 1`).Scan(&at, &c.OK, &c.Err, &next)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err == nil {
		if c.At, err = parseTime(at); err == nil {
			c.Next, err = parseTime(next)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("last cycle: %w", err)
	}
	return &c, nil
}

// AuthProblem says that a calendar's credentials were refused, so the user must
// run `sideways auth google` again.
type AuthProblem struct {
	Calendar string
	At       time.Time
	Message  string
}

// SetAuthProblem flags cal as needing a new sign-in, with a message for status.
// The first time is kept while the flag stays set.
func (s *DB) SetAuthProblem(ctx context.Context, cal, message string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO auth_problems (calendar, at, message) VALUES (?, ?, ?)
		ON CONFLICT (calendar) DO UPDATE SET message = excluded.message`, cal, s.stamp(time.Time{}), message)
	if err != nil {
		return fmt.Errorf("set auth problem %s: %w", cal, err)
	}
	return nil
}

// ClearAuthProblem removes cal's flag, after a successful sign-in or sync.
func (s *DB) ClearAuthProblem(ctx context.Context, cal string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM auth_problems WHERE calendar = ?`, cal); err != nil {
		return fmt.Errorf("clear auth problem %s: %w", cal, err)
	}
	return nil
}

// AuthProblems returns the flagged calendars, by name.
func (s *DB) AuthProblems(ctx context.Context) ([]AuthProblem, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT calendar, at, message FROM auth_problems ORDER BY calendar`)
	if err != nil {
		return nil, fmt.Errorf("auth problems: %w", err)
	}
	defer rows.Close()
	var out []AuthProblem
	for rows.Next() {
		var p AuthProblem
		var at string
		if err := rows.Scan(&p.Calendar, &at, &p.Message); err != nil {
			return nil, fmt.Errorf("auth problems: %w", err)
		}
		if p.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("auth problems: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("auth problems: %w", err)
	}
	return out, nil
}
