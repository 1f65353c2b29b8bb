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
