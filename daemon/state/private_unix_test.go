//go:build unix

package state_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/sidewayscal/sideways/daemon/state"
)

// TestFilesArePrivate: the database and its -wal and -shm files are 0600 in a
// folder others can read, under a permissive umask; a database left 0644 is
// tightened when opened.
func TestFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "sideways.db")
	db, err := state.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.RecordCycle(context.Background(), state.Cycle{At: t0, OK: true}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(p), err)
		}
		if perm := fi.Mode().Perm(); perm != 0o600 {
			t.Errorf("%s has mode %04o, want 0600", filepath.Base(p), perm)
		}
	}
	db.Close()

	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	db, err = state.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("a 0644 database was not made private on open: %v, %v", fi.Mode(), err)
	}
}

// TestReadOnlyFolder: a folder the user cannot write (0500) still serves
// every read through OpenReadOnly, which writes nothing. Tests running as root
// ignore the folder's mode, so what is checked is that the read-only path
// works and refuses writes; both fallbacks (read-only, immutable) are tried.
func TestReadOnlyFolder(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sideways.db")
	db, err := state.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	w := state.Write{Calendar: "work", EventID: "sd1", Peer: "dana@acme.test", Kind: "suggestion", Start: t0, End: t0.Add(30 * 60e9)}
	if err := db.RecordWrite(ctx, w, "propose", "overdue"); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordCycle(ctx, state.Cycle{At: t0, OK: true}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) })

	for name, open := range map[string]func(string) (*state.DB, error){"read-only": state.OpenReadOnly, "immutable": state.OpenImmutable} {
		t.Run(name, func(t *testing.T) {
			ro, err := open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer ro.Close()
			if !ro.ReadOnly() {
				t.Error("ReadOnly() = false")
			}
			log, err := ro.AuditLog(ctx, 0)
			if err != nil || len(log) != 1 || log[0].EventID != "sd1" {
				t.Errorf("audit log = %+v, %v", log, err)
			}
			if c, err := ro.LastCycle(ctx); err != nil || c == nil || !c.OK {
				t.Errorf("last cycle = %+v, %v", c, err)
			}
			if err := ro.RecordCycle(ctx, state.Cycle{At: t0, OK: false}); err == nil {
				t.Error("a read-only database accepted a write")
			}
		})
	}
}
