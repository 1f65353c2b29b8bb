package state_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/sidewayscal/sideways/daemon/state"
)

// TestConcurrentOpen: processes starting at once (two run --once on a fresh
// state folder) all open, create and migrate the same database.
func TestConcurrentOpen(t *testing.T) {
	if path := os.Getenv("SIDEWAYS_TEST_OPEN"); path != "" {
		// A helper process: open, write, done.
		db, err := state.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.RecordCycle(context.Background(), state.Cycle{At: t0, OK: true}); err != nil {
			t.Fatal(err)
		}
		return
	}
	for trial := range 10 {
		path := filepath.Join(t.TempDir(), "sideways.db")
		var wg sync.WaitGroup
		for range 6 {
			wg.Go(func() {
				cmd := exec.Command(os.Args[0], "-test.run=^TestConcurrentOpen$", "-test.count=1")
				cmd.Env = append(os.Environ(), "SIDEWAYS_TEST_OPEN="+path)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("trial %d: %v\n%s", trial, err, out)
				}
			})
		}
		wg.Wait()
	}
}
